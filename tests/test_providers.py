"""服务商目录: the wizards' lookups (ranking, retired entries), and its upkeep by officers and
administrators (list, edit, 停用/启用, CSV import), always checked against the database."""
import io

import pytest
from peewee import SqliteDatabase

import models
from tests.conftest import APPLICANT_PASSWORD, Client, make_user
from tests.factories import make_bureau, make_service
from tests.test_wizard import alice, start  # noqa: F401  (alice is a fixture)

P = models.Provider
HEADER = "名称,类型,所属地区代码,许可证号"


def provider(name, kind=P.ACCESS, region="330106", **columns):
    return P.create(name=name, kind=kind, region_code=region, **columns)


@pytest.fixture
def admin(app):
    """A Client logged in as the administrator; .user is the administrator."""
    user = make_user("root", mobile="13800003333", role=models.User.ADMIN)
    client = Client(app.test_client())
    assert client.login("root", APPLICANT_PASSWORD).status_code == 303
    client.user = user
    return client


def upload(client, text, encoding="utf-8"):
    data = {"file": (io.BytesIO(text.encode(encoding)), "providers.csv"), "csrf_token": client.token()}
    return client.raw.post("/directory/import", data=data, content_type="multipart/form-data")


def audited(action):
    return [(e.target, e.after) for e in models.AuditEntry.select().where(models.AuditEntry.action == action)]


# -- The lookup: ranking, retired rows, the region and the index ----------------------------------

def test_lookup_ranks_exact_then_prefix_then_the_rest_and_skips_retired(app):
    with models.db.connection_context():
        for name in ("浙江电信丽水分公司", "电信", "电信通科技有限公司", "中国电信股份有限公司", "电信云"):
            provider(name)
        provider("电信宽带（已停用）", retired=True)
        provider("电信", kind=P.REGISTRAR)                 # another kind
        provider("电信科技", region="440305")               # another province
        names = [p.name for p in P.offered(P.ACCESS, "330000", "电信")]
        assert names == ["电信", "电信云", "电信通科技有限公司", "中国电信股份有限公司", "浙江电信丽水分公司"]
        # No name: the region's live providers by name.
        assert [p.name for p in P.offered(P.ACCESS, "330000")] == sorted(
            ["浙江电信丽水分公司", "电信", "电信通科技有限公司", "中国电信股份有限公司", "电信云"])
        assert [p.name for p in P.offered(P.ACCESS, "440000", "电信")] == ["电信科技"]


def test_lookup_stops_at_twenty_and_uses_the_kind_and_region_index(app):
    with models.db.connection_context():
        P.insert_many([{"name": f"杭州云{i:02d}有限公司", "kind": P.ACCESS, "region_code": "330106",
                        "created_at": models.timeutil.now()} for i in range(30)]).execute()
        assert len(P.offered(P.ACCESS, "330000", "杭州云")) == 20
        indexes = {index.name: index.columns for index in models.db.get_indexes("provider")}
        assert indexes["provider_kind_region_code"] == ["kind", "region_code"] and "provider_name" in indexes
        if isinstance(models.db.obj, SqliteDatabase):
            sql, params = P.select().where(P.kind == P.ACCESS, P.in_province("330000"), P.retired == False,  # noqa: E712
                                           P.name.contains("杭州云")).sql()
            plan = models.db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            assert "provider_kind_region_code" in str(plan), plan


def test_wizard_lookup_needs_two_characters_and_never_offers_a_retired_provider(client, alice):  # noqa: F811
    live = provider("中国电信股份有限公司丽水分公司", region="331102")
    gone = provider("中国电信丽水老分公司", region="331102", retired=True)
    _, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    ask = {"access_region": "330000", "action": "lookup_access"}
    page = client.post(f"{base}/basic", {**ask, "access_query": "电"}).get_data(as_text=True)
    assert "请至少输入2个字" in page and f"pick_access:{live.id}" not in page
    page = client.post(f"{base}/basic", {**ask, "access_query": "中国电信"}).get_data(as_text=True)
    assert f"pick_access:{live.id}" in page and "中国电信丽水老分公司" not in page
    page = client.post(f"{base}/basic", {**ask, "access_query": ""}).get_data(as_text=True)
    assert f"pick_access:{live.id}" in page and f"pick_access:{gone.id}" not in page
    # A hand-made 【选择】 of the retired entry fills nothing.
    client.post(f"{base}/basic", {"action": f"pick_access:{gone.id}"})
    assert models.Draft.get().data["steps"]["basic"].get("access_provider") in (None, [""])


# -- Who may keep the directory ---------------------------------------------------------------------

def test_applicants_and_strangers_cannot_reach_the_directory(client, alice):  # noqa: F811
    entry = provider("阿里云计算有限公司")
    assert client.get("/directory").status_code == 404
    assert client.post(f"/directory/{entry.id}/retire").status_code == 404
    assert client.post("/directory/new", {"name": "某某网络", "kind": "access", "region_code": "330106"}).status_code == 404
    assert not P.get_by_id(entry.id).retired and P.select().count() == 1
    client.logout()
    assert client.get("/directory").status_code == 302


def test_an_officer_keeps_only_his_own_provinces_entries(officer):
    mine = provider("丽水电信", region="331102")
    theirs = provider("深圳市腾讯计算机系统有限公司", region="440305")
    page = officer.get("/directory").get_data(as_text=True)
    assert "服务商目录" in page and "丽水电信" in page and "腾讯" not in page and "浙江省" in page
    assert officer.get(f"/directory/{theirs.id}").status_code == 404
    assert officer.post(f"/directory/{theirs.id}/retire").status_code == 404
    assert officer.post(f"/directory/{theirs.id}", {"name": "改名", "kind": "access",
                                                    "region_code": "440305"}).status_code == 404
    assert P.get_by_id(theirs.id).name == "深圳市腾讯计算机系统有限公司" and not P.get_by_id(theirs.id).retired
    # Nor may he move his own entry, or add one, outside his province.
    page = officer.post(f"/directory/{mine.id}", {"name": "丽水电信", "kind": "access", "region_code": "440305"})
    assert "不在本省" in page.get_data(as_text=True) and P.get_by_id(mine.id).region_code == "331102"
    assert 'href="/directory"' in officer.get("/review").get_data(as_text=True)


def test_an_administrator_sees_every_province_and_pages_by_fifty(admin):
    P.insert_many([{"name": f"服务商{i:03d}", "kind": P.ACCESS, "region_code": "330106" if i % 2 else "440305",
                    "created_at": models.timeutil.now()} for i in range(120)]).execute()
    page = admin.get("/directory").get_data(as_text=True)
    assert "服务商000" in page and "服务商049" in page and "服务商050" not in page and "全国" in page
    last = P.get(P.name == "服务商049")
    assert f"after={last.id}" in page
    second = admin.get(f"/directory?after={last.id}").get_data(as_text=True)
    assert "服务商050" in second and "服务商099" in second and "服务商049" not in second
    found = admin.get("/directory?q=服务商11").get_data(as_text=True)
    assert "服务商110" in found and "服务商119" in found and "服务商100" not in found
    page = admin.get("/directory?q=服务商\x00")
    assert page.status_code == 200 and "含有不可见的控制字符" in page.get_data(as_text=True)
    assert 'href="/directory"' in admin.get("/admin").get_data(as_text=True)


def test_every_directory_post_needs_the_csrf_token(officer):
    entry = provider("丽水电信", region="331102")
    for url, data in ((f"/directory/{entry.id}/retire", {}), ("/directory/new", {
            "name": "丽水移动", "kind": "access", "region_code": "331102"}),
            (f"/directory/{entry.id}", {"name": "改名", "kind": "access", "region_code": "331102"})):
        assert officer.post(url, data, csrf=False).status_code == 400
    csv = io.BytesIO(f"{HEADER}\n丽水移动,网络接入服务商,331102,".encode())
    assert officer.raw.post("/directory/import", data={"file": (csv, "p.csv")},
                            content_type="multipart/form-data").status_code == 400
    assert [(p.name, p.retired) for p in P.select()] == [("丽水电信", False)]
    assert not models.AuditEntry.select().exists()


# -- 新增, 修改, 停用, 启用 -------------------------------------------------------------------------------

def test_add_and_edit_an_entry_with_its_licence_checked(officer):
    page = officer.post("/directory/new", {"name": "丽水移动", "kind": "access", "region_code": "331102",
                                           "licence": "浙ICP备12345678号-1"}).get_data(as_text=True)
    assert "这是ICP备案号，不是经营许可证号" in page and not P.select().exists()
    response = officer.post("/directory/new", {"name": "丽水移动", "kind": "access", "region_code": "３３１１０２",
                                               "licence": "浙Ｂ２－２００８０２２４"})
    assert response.status_code == 303
    entry = P.get()
    assert (entry.name, entry.kind, entry.region_code, entry.licence, entry.service_id, entry.retired) == (
        "丽水移动", "access", "331102", "浙B2-20080224", None, False)
    again = officer.post("/directory/new", {"name": "丽水移动", "kind": "access", "region_code": "331102"})
    assert "目录中已有网络接入服务商“丽水移动”" in again.get_data(as_text=True) and P.select().count() == 1

    page = officer.post(f"/directory/{entry.id}", {"name": "丽水移动", "kind": "cdn", "region_code": "12345",
                                                   "licence": ""}).get_data(as_text=True)
    assert "请填写6位数字的行政区划代码" in page and P.get_by_id(entry.id).kind == "access"
    assert officer.post(f"/directory/{entry.id}", {"name": "丽水移动通信", "kind": "cdn", "region_code": "331100",
                                                   "licence": "B1-20150001"}).status_code == 303
    entry = P.get_by_id(entry.id)
    assert (entry.name, entry.kind, entry.region_code, entry.licence) == ("丽水移动通信", "cdn", "331100", "B1-20150001")
    (target, after), = audited("修改服务商")
    assert target == f"provider:{entry.id}" and after["name"] == "丽水移动通信"
    assert [t for t, _ in audited("新增服务商")] == [f"provider:{entry.id}"]


def test_an_entry_from_a_filing_can_be_retired_but_not_edited(officer, applicant):
    service = make_service(applicant.subject, name="丽水云岭网络", domains=(), kind=models.Service.PROVIDER)
    entry = provider("丽水云岭网络", region="331102", service=service.id, licence="浙B2-20080224")
    page = officer.get(f"/directory/{entry.id}").get_data(as_text=True)
    assert "来自备案" in page and 'name="name"' not in page
    assert "来自备案" in officer.get("/directory").get_data(as_text=True)
    officer.post(f"/directory/{entry.id}", {"name": "别的名字", "kind": "cdn", "region_code": "331102"})
    assert (P.get_by_id(entry.id).name, P.get_by_id(entry.id).kind) == ("丽水云岭网络", "access")
    assert officer.post(f"/directory/{entry.id}/retire").status_code == 303
    assert P.get_by_id(entry.id).retired
    # Back in the directory only while its 服务商 stays filed.
    models.Service.update(status=models.Service.CANCELLED).where(models.Service.id == service.id).execute()
    officer.post(f"/directory/{entry.id}/enable")
    assert P.get_by_id(entry.id).retired
    models.Service.update(status=models.Service.FILED).where(models.Service.id == service.id).execute()
    officer.post(f"/directory/{entry.id}/enable")
    assert not P.get_by_id(entry.id).retired


def test_retire_and_enable_are_audited_and_the_filing_keeps_the_name(app, filed_site, officer, applicant):
    # The filed site named 阿里云计算有限公司 as its 网络接入服务商 (see tests.factories.website_basic).
    entry = provider("阿里云计算有限公司", region="330106")
    assert officer.post(f"/directory/{entry.id}/retire").status_code == 303
    assert P.get_by_id(entry.id).retired
    (target, after), = audited("停用服务商")
    assert target == f"provider:{entry.id}" and after["retired"] is True
    assert officer.post(f"/directory/{entry.id}/retire").status_code == 303   # twice: a message, no entry
    assert len(audited("停用服务商")) == 1

    # The wizards offer it no more …
    client = applicant.client
    client.post("/apply/website", {"action": "next"})
    draft = models.Draft.get(models.Draft.kind == "新办网站")
    page = client.post(f"/apply/website/{draft.id}/basic", {"access_region": "330000", "access_query": "阿里云",
                                                            "action": "lookup_access"}).get_data(as_text=True)
    assert f"pick_access:{entry.id}" not in page and "未查询到相关服务商" in page
    # … while the filing that named it still shows it.
    application = models.Application.get(models.Application.service == filed_site.id)
    detail = officer.get(f"/review/{application.id}").get_data(as_text=True)
    assert "网络接入服务商" in detail and "阿里云计算有限公司" in detail
    assert filed_site.data["access_provider"] == "阿里云计算有限公司"

    # A live entry of the same name and kind blocks 启用; once it is gone, 启用 works.
    twin = provider("阿里云计算有限公司", region="330106")
    page = officer.post(f"/directory/{entry.id}/enable", follow_redirects=True).get_data(as_text=True)
    assert "不能重复启用" in page and P.get_by_id(entry.id).retired
    twin.delete_instance()
    officer.post(f"/directory/{entry.id}/enable")
    assert not P.get_by_id(entry.id).retired and len(audited("启用服务商")) == 1
    page = client.post(f"/apply/website/{draft.id}/basic", {"access_region": "330000", "access_query": "阿里云",
                                                            "action": "lookup_access"}).get_data(as_text=True)
    assert f"pick_access:{entry.id}" in page


# -- CSV import -------------------------------------------------------------------------------------------

def test_a_good_import_adds_every_row_and_says_how_many(officer):
    text = (f"{HEADER}\n丽水电信,网络接入服务商,331102,浙B2-20080224\n"
            f"丽水域名,域名注册服务商,331100,\n\n丽水云,云服务商,330000,B2-20160001\n")
    response = upload(officer, "\ufeff" + text)           # Excel's UTF-8 with BOM
    assert response.status_code == 303
    assert "已导入3个服务商" in officer.get("/directory").get_data(as_text=True)
    assert sorted((p.name, p.kind, p.region_code, p.licence, p.service_id) for p in P.select()) == [
        ("丽水云", "cloud", "330000", "B2-20160001", None), ("丽水域名", "registrar", "331100", "", None),
        ("丽水电信", "access", "331102", "浙B2-20080224", None)]
    assert len(audited("导入服务商")) == 3


def test_a_gbk_file_is_read(officer):
    assert upload(officer, f"{HEADER}\n丽水电信,网络接入服务商,331102,", encoding="gbk").status_code == 303
    assert P.get().name == "丽水电信"


def test_any_bad_row_imports_nothing_and_every_problem_is_named_by_line(officer):
    provider("丽水移动", region="331102")
    provider("丽水联通", region="331102", retired=True)     # retired: not a duplicate
    rows = [
        "丽水电信,网络接入服务商,331102,浙B2-20080224",      # 2: good
        "丽水广电,网络接入服务商,331102,浙B2-20080224,多余",  # 3
        "丽水卫星,网络接入服务商",                          # 4
        "丽水宽带,宽带服务商,331102,",                       # 5
        "丽水光纤,网络接入服务商,999999,",                   # 6
        "深圳光纤,网络接入服务商,440305,",                   # 7: outside the officer's province
        "丽水数据,CDN服务商,331102,浙B2-2008022",            # 8
        "丽水电信,网络接入服务商,331100,",                   # 9: again in the file
        "丽水移动,网络接入服务商,331102,",                   # 10: in the directory already
        "丽水联通,网络接入服务商,331102,",                   # 11: good (the old one is retired)
        ",云服务商,331102,",                                  # 12
    ]
    page = upload(officer, HEADER + "\n" + "\n".join(rows)).get_data(as_text=True)
    assert "本次未导入任何服务商" in page
    for line, problem in ((3, "列数多于表头"), (4, "列数少于表头，缺少：所属地区代码、许可证号"),
                          (5, "类型：“宽带服务商”不是可选的类型"), (6, "所属地区代码：行政区划代码“999999”不存在"),
                          (7, "所属地区代码：行政区划代码“440305”不在本省"), (8, "许可证号：“-”后应为8位数字，您填写了7位"),
                          (9, "与第2行重复"), (10, "目录中已有网络接入服务商“丽水移动”"), (12, "名称：请填写名称")):
        assert f"第{line}行：{problem}" in page, (line, problem)
    assert "第2行" not in page.replace("与第2行", "") and "第11行" not in page
    assert sorted(p.name for p in P.select()) == ["丽水移动", "丽水联通"]
    assert not models.AuditEntry.select().exists()


def test_an_administrator_imports_for_any_province(admin):
    assert upload(admin, f"{HEADER}\n深圳光纤,网络接入服务商,440305,粤B2-20090059").status_code == 303
    assert P.get().region_code == "440305"


@pytest.mark.parametrize("content, problem", [
    (b"\xff\xfe\x00\xd8\xff", "文件编码无法识别"),
    ("名称,类型\n丽水电信,网络接入服务商".encode(), "表头缺少：所属地区代码、许可证号"),
    (HEADER.encode(), "文件中没有数据行"),
])
def test_odd_files_get_a_message(officer, content, problem):
    data = {"file": (io.BytesIO(content), "p.csv"), "csrf_token": officer.token()}
    page = officer.raw.post("/directory/import", data=data, content_type="multipart/form-data")
    assert page.status_code == 200 and problem in page.get_data(as_text=True)
    assert not P.select().exists()


def test_no_file_chosen(officer):
    page = officer.post("/directory/import", {}).get_data(as_text=True)
    assert "请选择CSV文件" in page and not P.select().exists()
