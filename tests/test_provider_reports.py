"""报告接入网站 and 报告接入单位 of a filed 服务商, and the bureau's 未备案联网单位 list with its 【推送】."""
import datetime
import io

import pytest

import models
import timeutil
from forms import imports
from forms.reports import ip_block
from tests.conftest import APPLICANT_PASSWORD, Client, make_user
from tests.factories import USCC, make_bureau, make_id, make_subject

SITES_HEADER = "域名,IP地址,客户名称,证件号码"
UNITS_HEADER = "IP地址段,单位名称,统一社会信用代码"
# Another company's certificate, held by bob's subject.
BOB_USCC = "91110000802100433B"


def report(client, service, slug, text, encoding="utf-8"):
    """Upload a CSV as the page's form does."""
    return client.post(f"/providers/{service.id}/report/{slug}",
                       {"file": (io.BytesIO(text.encode(encoding)), "report.csv")},
                       content_type="multipart/form-data")


def csv(header, *rows):
    return "\n".join([header, *rows]) + "\n"


def login(app, username, mobile, **user):
    """A fresh client logged in as a new user."""
    person = make_user(username, mobile=mobile, **user)
    client = Client(app.test_client())
    assert client.login(username, APPLICANT_PASSWORD).status_code == 303
    client.user = person
    return client


@pytest.fixture
def bob(app, lishui_bureau):
    """Another applicant whose subject holds BOB_USCC: the customer or unit a report names."""
    client = login(app, "bob", "13800001111")
    client.subject = make_subject(client.user, bureau=lishui_bureau, cert_number=BOB_USCC, name="丽水市溪口茶业有限公司")
    return client


def today():
    return timeutil.to_local(timeutil.now()).date()


# -- who may report -------------------------------------------------------------------------

def test_the_filed_providers_owner_sees_both_links_and_pages(applicant, filed_provider):
    page = applicant.client.get(f"/providers/{filed_provider.id}").get_data(as_text=True)
    assert "报告接入网站" in page and "报告接入单位" in page
    for slug, header in (("sites", SITES_HEADER), ("units", UNITS_HEADER)):
        response = applicant.client.get(f"/providers/{filed_provider.id}/report/{slug}")
        assert response.status_code == 200 and header in response.get_data(as_text=True)


@pytest.mark.parametrize("slug", ["sites", "units"])
def test_nobody_but_the_owner_reaches_the_pages(app, applicant, officer, filed_provider, slug):
    url = f"/providers/{filed_provider.id}/report/{slug}"
    other = login(app, "carol", "13800003333")
    assert other.get(url).status_code == 404
    assert report(other, filed_provider, slug, csv(SITES_HEADER)).status_code == 404
    assert officer.get(url).status_code == 404
    assert report(officer, filed_provider, slug, csv(SITES_HEADER)).status_code == 404
    assert models.ProviderReport.select().count() == 0


def test_a_provider_not_filed_is_refused_and_offers_no_links(applicant):
    pending = models.Service.create(kind=models.Service.PROVIDER, owner=applicant.user, subject=applicant.subject,
                                    name="丽水市云岭网络科技有限公司", status=models.Service.PENDING)
    assert "报告接入网站" not in applicant.client.get(f"/providers/{pending.id}").get_data(as_text=True)
    response = report(applicant.client, pending, "sites", csv(SITES_HEADER, f"shop.example.cn,47.96.1.10,某公司,{USCC}"))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/providers/{pending.id}")
    assert "只有已备案的服务商才能报告" in applicant.client.get(response.headers["Location"]).get_data(as_text=True)
    assert models.ImportedSite.select().count() == 0 and models.ProviderReport.select().count() == 0


def test_a_website_is_no_provider(applicant, filed_site):
    assert "报告接入网站" not in applicant.client.get(f"/websites/{filed_site.id}").get_data(as_text=True)
    assert applicant.client.get(f"/providers/{filed_site.id}/report/sites").status_code == 404


# -- 接入网站 ---------------------------------------------------------------------------------

def test_a_sites_csv_with_a_bad_row_stores_nothing_and_names_each_row(applicant, filed_provider):
    text = csv(SITES_HEADER,
               f"shop.example.cn,47.96.1.10,丽水市溪口茶业有限公司,{BOB_USCC}",
               f"not a domain,47.96.1.11,某公司,{USCC}",
               f"blog.example.cn,10.0.0.1,某公司,{USCC}",
               "news.example.cn,47.96.1.12,某公司,91330000000000000X",
               f"shop.example.cn,47.96.1.13,丽水市溪口茶业有限公司,{BOB_USCC}",
               f"mail.example.cn,47.96.1.14,,{USCC}")
    response = report(applicant.client, filed_provider, "sites", text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "本次未报告任何一行" in page
    assert "第3行：域名" in page
    assert "第4行：IP地址：10.0.0.1：IP地址不能是内网（私有）地址" in page
    assert "第5行：证件号码校验不通过" in page
    assert "第6行：域名：shop.example.cn 在本文件中重复" in page
    assert "第7行：客户名称：请填写" in page
    assert "第2行" not in page
    assert models.ImportedSite.select().count() == 0 and models.ProviderReport.select().count() == 0


@pytest.mark.parametrize("raw, message", [
    ("域名,IP,客户名称,证件号码\nshop.example.cn,47.96.1.10,某公司,{uscc}\n", "第1行：表头缺少：IP地址"),
    ("域名,IP地址,客户名称,证件号码\nshop.example.cn,47.96.1.10,丽水某公司,{uscc}\n".encode("utf-16"), "另存为UTF-8或GBK编码的CSV"),
    ("域名,IP地址,客户名称,证件号码\n", "第2行：文件中没有数据行"),
    ("域名,IP地址,客户名称,证件号码\nshop.example.cn,47.96.1.10,某公司,{uscc},多余\n", "第2行：列数多于表头"),
])
def test_a_sites_file_that_cannot_be_read_gets_a_message(applicant, filed_provider, raw, message):
    body = raw.replace("{uscc}", USCC).encode() if isinstance(raw, str) else raw.replace(b"{uscc}", USCC.encode())
    response = applicant.client.post(f"/providers/{filed_provider.id}/report/sites",
                                     {"file": (io.BytesIO(body), "report.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert models.ImportedSite.select().count() == 0


def test_a_sites_file_may_start_with_a_bom_and_must_be_chosen(applicant, filed_provider):
    url = f"/providers/{filed_provider.id}/report/sites"
    assert "请选择CSV文件" in applicant.client.post(url, {}).get_data(as_text=True)
    body = ("\ufeff" + csv(SITES_HEADER, f"shop.example.cn,47.96.1.10,某公司,{USCC}")).encode()
    assert applicant.client.post(url, {"file": (io.BytesIO(body), "r.csv")},
                                 content_type="multipart/form-data").status_code == 303
    assert models.ImportedSite.get().domain == "shop.example.cn"


def test_a_sites_file_is_limited_like_an_import(applicant, filed_provider, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = [f"s{n}.example.cn,47.96.1.10,某公司,{USCC}" for n in range(3)]
    page = report(applicant.client, filed_provider, "sites", csv(SITES_HEADER, *rows)).get_data(as_text=True)
    assert "第4行：一次最多2行" in page and models.ImportedSite.select().count() == 0


def test_filed_domains_are_counted_and_the_others_become_unfiled_sites_pushed_to_their_owner(
        applicant, officer, filed_provider, filed_site, bob, lishui_bureau):
    waiting = models.ImportedSite.create(bureau=lishui_bureau, kind=models.ImportedSite.UNFILED,
                                         domain="old.example.cn", name="旧站", subject_name="某公司", cert_number=USCC,
                                         deadline=datetime.date(2099, 1, 1))
    text = csv(SITES_HEADER,
               f"lsly.cn,47.96.1.10,丽水市云岭科技有限公司,{applicant.subject.cert_number}",   # filed_site holds it
               f"WWW.LSLY.CN.,47.96.1.10,丽水市云岭科技有限公司,{applicant.subject.cert_number}",
               f"tea.example.cn,47.96.1.20-47.96.1.30,丽水市溪口茶业有限公司,{BOB_USCC}",
               f"blog.example.cn,2400:3200::1,张三,{make_id(seq=321)}",
               f"old.example.cn,47.96.1.10,某公司,{USCC}")                                 # already listed
    response = report(applicant.client, filed_provider, "sites", text)
    assert response.status_code == 303

    fresh = {site.domain: site for site in models.ImportedSite.select().where(models.ImportedSite.id != waiting.id)}
    assert set(fresh) == {"tea.example.cn", "blog.example.cn"}
    tea = fresh["tea.example.cn"]
    assert (tea.bureau_id, tea.kind, tea.name, tea.subject_name, tea.cert_number, tea.imported_by_id,
            tea.service_id) == (lishui_bureau.id, models.ImportedSite.UNFILED, "tea.example.cn", "丽水市溪口茶业有限公司",
                                BOB_USCC, None, None)
    assert tea.deadline == today() + datetime.timedelta(days=30)
    assert models.ImportedSite.select().where(models.ImportedSite.domain == "old.example.cn").count() == 1

    recorded = models.ProviderReport.get()
    assert (recorded.service_id, recorded.kind, recorded.row_count, recorded.filed_count, recorded.new_count,
            recorded.reported_by_id) == (filed_provider.id, "sites", 5, 2, 2, applicant.user.id)
    # Pushed as an officer's import is: bob's subject holds the certificate; nobody holds the 身份证号.
    notices = list(models.Notice.select().where(models.Notice.title == "请办理未备案网站"))
    assert [(n.user_id, "tea.example.cn" in n.body) for n in notices] == [(bob.user.id, True)]
    assert "tea.example.cn" in bob.get("/websites/unfiled").get_data(as_text=True)
    # The provider learns the counts, and the officer sees the new sites on his list.
    assert "已备案2个" in applicant.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "tea.example.cn" in officer.get("/review/imported").get_data(as_text=True)
    assert models.AuditEntry.select().count() == 0


def test_the_sites_go_to_the_bureau_that_approved_the_provider(app, applicant, filed_provider, lishui_bureau):
    # The subject moved under another bureau since; the 服务商's 备案机关 keeps its lists.
    other = make_bureau("330100", "杭州市公安局网络警察支队")
    models.Subject.update(bureau=other).where(models.Subject.id == applicant.subject.id).execute()
    report(applicant.client, filed_provider, "sites", csv(SITES_HEADER, f"tea.example.cn,47.96.1.10,某公司,{USCC}"))
    assert models.ImportedSite.get().bureau_id == lishui_bureau.id


# -- 接入单位 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value, stored", [
    ("47.96.1.0/24", "47.96.1.0/24"),
    ("47.96.1.10", "47.96.1.10/32"),
    ("47.96.2.10-47.96.2.20", "47.96.2.10-47.96.2.20"),
    ("４７.96.2.10 ~ 47.96.2.20", "47.96.2.10-47.96.2.20"),
    ("2400:3200::/48", "2400:3200::/48"),      # an IPv6 /48 is an ordinary assignment
    ("2400:3200::1", "2400:3200::1/128"),
    ("2400:3200::/112", "2400:3200::/112"),
])
def test_an_ip_block_is_a_network_or_a_range_of_public_addresses(value, stored):
    block, problem = ip_block(value)
    assert block == stored and (problem is None) == (stored is not None)


@pytest.mark.parametrize("value, message", [
    ("", "请填写IP地址段"),
    ("47.96.1.5/24", "应为 47.96.1.0/24"),
    ("10.0.0.0/24", "内网（私有）地址"),
    ("47.96.2.20-47.96.2.10", "起始IP地址不能大于结束IP地址"),
    ("47.0.0.0/8", "IP地址段过大"),
    ("一段地址", "格式不正确"),
])
def test_an_ip_block_names_what_is_wrong(value, message):
    block, problem = ip_block(value)
    assert block is None and message in problem


def test_a_units_csv_with_a_bad_row_stores_nothing(applicant, filed_provider):
    text = csv(UNITS_HEADER,
               f"47.96.1.0/24,丽水市溪口茶业有限公司,{BOB_USCC}",
               f"47.96.1.5/24,某公司,{USCC}",
               "47.96.2.10-47.96.2.20,某公司,91330000000000000X",
               f"47.96.3.0/28,,{USCC}",
               f"47.96.1.0/24,又一家,{USCC}")
    page = report(applicant.client, filed_provider, "units", text).get_data(as_text=True)
    assert "第3行：IP地址段：47.96.1.5/24：网段应从网络地址开始" in page
    assert "第4行：统一社会信用代码：" in page
    assert "第5行：单位名称：请填写" in page
    assert "第6行：IP地址段：47.96.1.0/24 在本文件中重复" in page
    assert "表头缺少：统一社会信用代码" in report(applicant.client, filed_provider, "units",
                                               csv("IP地址段,单位名称", "47.96.1.0/24,某公司")).get_data(as_text=True)
    assert models.ConnectedUnit.select().count() == 0 and models.ProviderReport.select().count() == 0


def test_every_unit_goes_to_the_bureaus_list_once(applicant, filed_provider, lishui_bureau):
    text = csv(UNITS_HEADER, f"47.96.1.0/24,丽水市溪口茶业有限公司,{BOB_USCC.lower()}",
               f"47.96.2.10-47.96.2.20,丽水市云岭科技有限公司,{USCC}")
    assert report(applicant.client, filed_provider, "units", text).status_code == 303
    units = list(models.ConnectedUnit.select().order_by(models.ConnectedUnit.id))
    assert [(u.service_id, u.bureau_id, u.ip_range, u.unit_name, u.credit_code, u.pushed_at) for u in units] == [
        (filed_provider.id, lishui_bureau.id, "47.96.1.0/24", "丽水市溪口茶业有限公司", BOB_USCC, None),
        (filed_provider.id, lishui_bureau.id, "47.96.2.10-47.96.2.20", "丽水市云岭科技有限公司", USCC, None)]
    # Reported again next month with one more: only the new one joins the list.
    text += f"47.96.3.0/28,丽水市莲都区某小学,{BOB_USCC}\n"
    response = report(applicant.client, filed_provider, "units", text)
    assert models.ConnectedUnit.select().count() == 3
    assert [(r.row_count, r.filed_count, r.new_count) for r in models.ProviderReport.select().order_by(
        models.ProviderReport.id)] == [(2, 0, 2), (3, 0, 1)]
    assert "此前已报告2个" in applicant.client.get(response.headers["Location"]).get_data(as_text=True)
    assert not pushed_notices()


# -- the bureau's 未备案联网单位 list and 【推送】 --------------------------------------------------

def unit(service, bureau, credit_code=BOB_USCC, name="丽水市溪口茶业有限公司", ip_range="47.96.1.0/24"):
    return models.ConnectedUnit.create(service=service, bureau=bureau, ip_range=ip_range, unit_name=name,
                                       credit_code=credit_code)


def pushed_notices():
    return list(models.Notice.select().where(models.Notice.title == "请办理联网单位备案"))


@pytest.fixture
def hangzhou_officer(app):
    """The officer of another bureau (杭州)."""
    return login(app, "hzcop", "13800004444", role=models.User.OFFICER, bureau=make_bureau("330100", "杭州市公安局"))


def test_the_list_shows_only_the_officers_bureau_and_only_to_officers(applicant, officer, hangzhou_officer,
                                                                      filed_provider, lishui_bureau):
    unit(filed_provider, lishui_bureau)
    unit(filed_provider, hangzhou_officer.user.bureau, name="杭州某公司", ip_range="47.97.1.0/24")
    page = officer.get("/review/unfiled-units").get_data(as_text=True)
    assert "丽水市溪口茶业有限公司" in page and "杭州某公司" not in page and "未注册" in page
    assert "丽水市溪口茶业有限公司" not in hangzhou_officer.get("/review/unfiled-units").get_data(as_text=True)
    assert applicant.client.get("/review/unfiled-units").status_code == 404
    assert "未备案联网单位" in officer.get("/review").get_data(as_text=True)


def test_the_list_is_paged_newest_first(officer, filed_provider, lishui_bureau):
    units = [unit(filed_provider, lishui_bureau, name=f"单位{n:02d}", ip_range=f"47.96.{n}.0/24") for n in range(55)]
    first = officer.get("/review/unfiled-units").get_data(as_text=True)
    assert "单位54" in first and "单位05" in first and "单位04" not in first
    assert f"/review/unfiled-units?before={units[5].id}" in first
    second = officer.get(f"/review/unfiled-units?before={units[5].id}").get_data(as_text=True)
    assert "单位04" in second and "单位00" in second and "单位05" not in second and "下一页" not in second


def test_push_tells_the_units_accounts_and_is_audited(officer, bob, filed_provider, lishui_bureau):
    listed = unit(filed_provider, lishui_bureau)
    assert "已注册" in officer.get("/review/unfiled-units").get_data(as_text=True)
    response = officer.post(f"/review/unfiled-units/{listed.id}/push")
    assert response.status_code == 303
    assert "已通知1个账号" in officer.get(response.headers["Location"]).get_data(as_text=True)
    assert models.ConnectedUnit.get_by_id(listed.id).pushed_at is not None
    [notice] = pushed_notices()
    assert notice.user_id == bob.user.id
    assert "第十二条" in notice.body and "30日内" in notice.body and str(today() + datetime.timedelta(days=30)) in notice.body
    entry = models.AuditEntry.get()
    assert (entry.user_id, entry.action, entry.target, entry.before, entry.after["told"]) == (
        officer.user.id, "推送未备案联网单位", f"connected_unit:{listed.id}", {"pushed_at": None}, 1)


def test_push_of_a_unit_nobody_registered_says_to_tell_it_offline(officer, filed_provider, lishui_bureau):
    listed = unit(filed_provider, lishui_bureau, credit_code=USCC.replace("9133", "9144"))
    page = officer.post(f"/review/unfiled-units/{listed.id}/push", follow_redirects=True).get_data(as_text=True)
    assert "该单位尚未在本平台注册，请线下通知" in page
    assert models.ConnectedUnit.get_by_id(listed.id).pushed_at is not None
    assert not pushed_notices() and models.AuditEntry.get().after["told"] == 0


def test_push_is_the_bureaus_own_and_needs_its_token(officer, hangzhou_officer, bob, filed_provider, lishui_bureau):
    listed = unit(filed_provider, lishui_bureau)
    assert hangzhou_officer.post(f"/review/unfiled-units/{listed.id}/push").status_code == 404
    assert bob.post(f"/review/unfiled-units/{listed.id}/push").status_code == 404
    assert officer.post(f"/review/unfiled-units/{listed.id}/push", csrf=False).status_code == 400
    assert models.ConnectedUnit.get_by_id(listed.id).pushed_at is None
    assert not pushed_notices() and models.AuditEntry.select().count() == 0


def test_a_report_needs_its_token(applicant, filed_provider):
    body = csv(UNITS_HEADER, f"47.96.1.0/24,某公司,{USCC}").encode()
    response = applicant.client.post(f"/providers/{filed_provider.id}/report/units",
                                     {"file": (io.BytesIO(body), "r.csv")}, csrf=False,
                                     content_type="multipart/form-data")
    assert response.status_code == 400 and models.ConnectedUnit.select().count() == 0


def test_a_sites_file_saved_as_gbk_is_read_like_the_bureaus_import(applicant, filed_provider):
    body = f"域名,IP地址,客户名称,证件号码\nshop.example.cn,47.96.1.10,丽水某公司,{USCC}\n".encode("gbk")
    response = applicant.client.post(f"/providers/{filed_provider.id}/report/sites",
                                     {"file": (io.BytesIO(body), "report.csv")}, content_type="multipart/form-data")
    assert response.status_code == 303
    assert models.ImportedSite.get().subject_name == "丽水某公司"


@pytest.mark.parametrize("body, message", [
    ("域名,IP地址,客户名称,证件号码\n" + "x" * 200_000 + ",1,2,3\n", "单元格过长或引号不成对"),
    ("域名,IP地址,客户名称,证件号码\n\n\nbad..domain,47.96.1.10,某公司,{uscc}\n", "第4行：域名"),
])
def test_a_broken_file_gets_a_message_on_the_files_own_line(applicant, filed_provider, body, message):
    response = applicant.client.post(f"/providers/{filed_provider.id}/report/sites",
                                     {"file": (io.BytesIO(body.replace("{uscc}", USCC).encode()), "r.csv")},
                                     content_type="multipart/form-data")
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_a_tampered_page_cursor_is_no_cursor(officer):
    for value in ("²", "9" * 30, "-1"):
        assert officer.get(f"/review/unfiled-units?before={value}").status_code == 200
        assert officer.get(f"/directory?after={value}").status_code == 200
