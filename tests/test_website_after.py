"""Website after filing: 变更网站, 注销网站, 未备案网站, 网站认领, and the duplicate-domain pointer."""
import datetime as dt
import http.server
import io
import json
import threading

import pytest

import models
from tests.conftest import Client, make_user
from tests.factories import USCC, make_bureau, make_id, make_subject, picture
from tests.test_wizard import BASIC, PEOPLE, go_through, start


def as_officer(app, bureau, name="cop"):
    make_user(name, mobile="13800002222" if name == "cop" else "13800003333", role="officer", bureau=bureau)
    officer = Client(app.test_client())
    officer.login(name, "Secret2026x")
    return officer


@pytest.fixture
def site(client, app):
    """alice's filed (已备案) site lsly.cn; client is alice, .officer the bureau's officer."""
    bureau = make_bureau()
    alice = make_user()
    make_subject(alice, bureau=bureau)
    client.login("alice", "Secret2026x")
    draft, base = start(client)
    go_through(client, base)
    client.post(f"{base}/submit")
    client.officer = as_officer(app, bureau)
    application = models.Application.get()
    assert client.officer.post(f"/review/{application.id}/approve").status_code == 303
    return models.Website.get()


def open_change(client, website):
    response = client.post(f"/apply/website-change/for/{website.id}")
    draft = models.Draft.get(models.Draft.kind == "变更网站")
    assert response.headers["Location"] == f"/apply/website-change/{draft.id}/basic"
    return draft, f"/apply/website-change/{draft.id}"


# -- 变更网站 -------------------------------------------------------------------

def test_change_opens_prefilled_and_waits_for_approval(client, site):
    draft, base = open_change(client, site)
    page = client.get(f"{base}/basic").get_data(as_text=True)
    assert 'value="丽水山居旅游网"' in page and "浙ICP备12345678号-1" in page
    # Every step is reachable at once: the filing was complete.
    changed = {**BASIC, "site_name": "丽水山居民宿网", "interactive_items": ["留言板"], "action": "next"}
    assert client.post(f"{base}/basic", changed).status_code == 303
    assert client.get(f"{base}/review").status_code == 200
    assert client.post(f"{base}/submit").status_code == 303
    change = models.Application.get(models.Application.kind == "变更网站")
    assert change.website_id == site.id and change.status == "待审核"
    # The filed data stays in force until the bureau approves.
    assert models.Website.get_by_id(site.id).name == "丽水山居旅游网"

    review = client.officer.get(f"/review/{change.id}").get_data(as_text=True)
    assert "变更前后对比" in review
    assert "<td>丽水山居旅游网</td><td><strong>丽水山居民宿网</strong></td>" in review
    assert "未发现问题" in review      # its own domains do not count as taken
    assert change.review_days() == 21  # it became interactive: the interactive limit applies

    client.officer.post(f"/review/{change.id}/schedule", {"mode": "面审", "day": "2099-01-05", "time": "上午10:00",
                                                         "place": "丽水市行政服务中心"})
    client.officer.post(f"/review/{change.id}/approve")
    filed = models.Website.get_by_id(site.id)
    assert filed.name == "丽水山居民宿网" and filed.interactive
    assert filed.record_number == "浙公网安备 33110002000001号" and filed.status == "已备案"
    assert models.RecordSequence.get().last == 1


def test_change_is_refused_for_unfiled_sites_while_pending_and_for_others(client, site, app):
    open_change(client, site)
    draft = models.Draft.get()
    client.post(f"/apply/website-change/{draft.id}/submit")
    # A second change (or a 注销) while one is pending: 存在审核中的单据.
    response = client.post(f"/apply/website-change/for/{site.id}", follow_redirects=True)
    assert "存在审核中的单据" in response.get_data(as_text=True)
    assert client.get(f"/websites/{site.id}/cancel", follow_redirects=True).get_data(as_text=True).count(
        "存在审核中的单据") >= 1
    assert models.Application.select().where(models.Application.kind == "变更网站").count() == 1
    # Not filed yet: no change.
    pending = models.Website.create(owner=site.owner, subject=site.subject, name="待审核的站", domain="b.cn")
    assert "只有已备案的网站才能变更或注销" in client.post(
        f"/apply/website-change/for/{pending.id}", follow_redirects=True).get_data(as_text=True)
    # Someone else's site: 404, and the menu cannot start a change flow either.
    client.logout()
    make_user("bob", mobile="13800001111")
    client.login("bob", "Secret2026x")
    assert client.post(f"/apply/website-change/for/{site.id}").status_code == 404
    assert client.get(f"/apply/website-change/{draft.id}/basic").status_code == 404
    assert client.get("/apply/website-change").status_code == 404


def test_returned_change_comes_back_as_a_draft_and_the_site_is_unchanged(client, site):
    draft, base = open_change(client, site)
    client.post(f"{base}/basic", {**BASIC, "site_name": "丽水山居民宿网", "action": "next"})
    client.post(f"{base}/submit")
    change = models.Application.get(models.Application.kind == "变更网站")
    client.officer.post(f"/review/{change.id}/return", {"reason": "名称与内容不符"})
    assert models.Website.get_by_id(site.id).name == "丽水山居旅游网"
    back = models.Draft.get(models.Draft.kind == "变更网站")
    assert back.website_id == site.id
    assert 'value="丽水山居民宿网"' in client.get(f"/apply/website-change/{back.id}/basic").get_data(as_text=True)


# -- 注销网站 -------------------------------------------------------------------

CANCEL = {"closed": "y", "leader_name": "张建国", "leader_mobile": "13905781234", "reason": "网站停止运营"}


def code_for(mobile):
    body = models.OutboxMessage.select().where(models.OutboxMessage.mobile == mobile) \
        .order_by(models.OutboxMessage.id.desc()).first().body
    return "".join(ch for ch in body if ch.isdigit())[:6]


def test_cancel_needs_the_leaders_sms_code(client, site):
    page = client.post(f"/websites/{site.id}/cancel", {**CANCEL, "code": "123456", "action": "submit"})
    assert "验证码" in page.get_data(as_text=True)
    assert not models.Application.select().where(models.Application.kind == "注销网站").exists()
    wrong = client.post(f"/websites/{site.id}/cancel", {**CANCEL, "leader_mobile": "13900000000",
                                                        "action": "send_code"}).get_data(as_text=True)
    assert "与备案登记的网站负责人手机号码不一致" in wrong
    unconfirmed = client.post(f"/websites/{site.id}/cancel", {**CANCEL, "closed": "", "code": "123456",
                                                              "action": "submit"}).get_data(as_text=True)
    assert "请确认网站已关闭" in unconfirmed

    client.post(f"/websites/{site.id}/cancel", {**CANCEL, "action": "send_code"})
    data = {**CANCEL, "code": code_for("13905781234"), "action": "submit",
            "attachment": (io.BytesIO(picture()), "closed.png")}
    response = client.raw.post(f"/websites/{site.id}/cancel", data={**data, "csrf_token": client.token()},
                               content_type="multipart/form-data")
    assert response.status_code == 303
    cancel = models.Application.get(models.Application.kind == "注销网站")
    assert cancel.values()["site_check"].startswith("未检查")
    assert models.Website.get_by_id(site.id).status == "已备案"   # until the bureau approves

    review = client.officer.get(f"/review/{cancel.id}").get_data(as_text=True)
    assert "网站停止运营" in review and "网站首页检查" in review
    attachment = cancel.values()["attachment"]
    assert client.officer.get(f"/uploads/{attachment}").status_code == 200

    client.officer.post(f"/review/{cancel.id}/approve")
    gone = models.Website.get_by_id(site.id)
    assert gone.status == "已注销" and gone.record_number == "浙公网安备 33110002000001号"
    public = client.get("/query?q=浙公网安备33110002000001号").get_data(as_text=True)
    assert "已注销" in public
    assert "点击复制备案号HTML代码" not in client.get(f"/websites/{site.id}").get_data(as_text=True)
    assert models.RecordSequence.get().last == 1   # never reused: the next site gets 000002


class _Answering(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_site_that_still_answers_cannot_be_cancelled(client, site, app):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Answering)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        values = site.values()
        values["home_url"] = f"http://127.0.0.1:{server.server_port}/"
        site.data = json.dumps(values)
        site.save()
        app.config["SITE_CHECK"] = True
        client.post(f"/websites/{site.id}/cancel", {**CANCEL, "action": "send_code"})
        page = client.post(f"/websites/{site.id}/cancel", {**CANCEL, "code": code_for("13905781234"),
                                                           "action": "submit"}).get_data(as_text=True)
        assert "仍可访问（HTTP 200）" in page and "请先关闭网站再申请注销" in page
        assert not models.Application.select().where(models.Application.kind == "注销网站").exists()
    finally:
        server.shutdown()
    # Once it stops answering, the same request goes through (and the check is recorded).
    client.post(f"/websites/{site.id}/cancel", {**CANCEL, "action": "send_code"})
    client.post(f"/websites/{site.id}/cancel", {**CANCEL, "code": code_for("13905781234"), "action": "submit"})
    cancel = models.Application.get(models.Application.kind == "注销网站")
    assert cancel.values()["site_check"] == "网站首页无法访问"


# -- 未备案网站 and 网站认领 ----------------------------------------------------------

HEADER = "域名,网站名称,主体名称,证件号码,截止日期"


def upload_csv(officer, text, kind="未备案网站", encoding="utf-8"):
    data = {"kind": kind, "file": (io.BytesIO(text.encode(encoding)), "list.csv"), "csrf_token": officer.token()}
    return officer.raw.post("/review/imported/upload", data=data, content_type="multipart/form-data")


@pytest.fixture
def bureau_and_officer(app):
    bureau = make_bureau()
    return bureau, as_officer(app, bureau)


def test_csv_import_reports_each_bad_row_and_imports_nothing(bureau_and_officer):
    _, officer = bureau_and_officer
    text = "\n".join([HEADER, f"shop.lsly.cn,丽水山居商城,丽水市云岭科技有限公司,{USCC},2099-03-31",
                      "not a domain,无名,某公司,91330000000000000X,2099-03-31",
                      f"shop.lsly.cn,重复,丽水市云岭科技有限公司,{USCC},31/03/2099"])
    page = upload_csv(officer, text).get_data(as_text=True)
    assert "第3行：域名" in page and "第3行：证件号码校验不通过" in page
    assert "第4行：域名：shop.lsly.cn 在本次导入中重复" in page and "第4行：截止日期" in page
    assert models.ImportedSite.select().count() == 0
    assert "表头缺少：公安备案号" in upload_csv(officer, text.splitlines()[0] + "\n" + text.splitlines()[1],
                                                kind="网站认领").get_data(as_text=True)
    good = "\n".join([HEADER, f"shop.lsly.cn,丽水山居商城,丽水市云岭科技有限公司,{USCC},2099-03-31",
                      f"blog.example.cn,张三的博客,张三,{make_id(seq=321)},2099-03-31"])
    assert upload_csv(officer, good, encoding="gb18030").status_code == 303
    assert models.ImportedSite.select().count() == 2
    assert models.AuditEntry.select().where(models.AuditEntry.action == "导入未备案网站").count() == 2


def test_unfiled_site_is_completed_through_the_wizard(client, app, bureau_and_officer):
    bureau, officer = bureau_and_officer
    alice = make_user()
    make_subject(alice, bureau=bureau)
    upload_csv(officer, f"{HEADER}\nlsly.cn,丽水山居旅游网,丽水市云岭科技有限公司,{USCC},2099-03-31")
    imported = models.ImportedSite.get()
    assert models.Notice.select().where(models.Notice.user == alice, models.Notice.title == "请办理未备案网站").exists()

    client.login("alice", "Secret2026x")
    listed = client.get("/websites/unfiled").get_data(as_text=True)
    assert "丽水山居旅游网" in listed and "2099-03-31" in listed and "完善备案信息" in listed
    response = client.post(f"/apply/imported/{imported.id}")
    draft = models.Draft.get()
    assert draft.kind == "新办网站" and draft.imported_id == imported.id
    base = f"/apply/website/{draft.id}"
    assert 'value="丽水山居旅游网"' in client.get(response.headers["Location"]).get_data(as_text=True)
    go_through(client, base)
    client.post(f"{base}/submit")
    assert models.ImportedSite.get().website_id == models.Website.get().id
    assert "丽水山居旅游网" not in client.get("/websites/unfiled").get_data(as_text=True)
    assert "办理中" in officer.get("/review/imported").get_data(as_text=True)
    officer.post(f"/review/{models.Application.get().id}/approve")
    assert "已完成" in officer.get("/review/imported").get_data(as_text=True)


def test_claim_keeps_the_offline_number_and_only_the_certificate_holder_may_claim(client, app, bureau_and_officer):
    bureau, officer = bureau_and_officer
    upload_csv(officer, f"{HEADER},公安备案号\nlsly.cn,丽水山居旅游网,丽水市云岭科技有限公司,{USCC},2099-03-31,"
                        "浙公网安备33110002000007号", kind="网站认领")
    imported = models.ImportedSite.get()
    assert imported.record_number == "浙公网安备 33110002000007号"
    # Someone whose subject has another certificate sees nothing and gets 404.
    bob = make_user("bob", mobile="13800001111")
    make_subject(bob, bureau=bureau, cert_number="91110000802100433B")
    client.login("bob", "Secret2026x")
    assert "丽水山居旅游网" not in client.get("/websites/claims").get_data(as_text=True)
    assert client.post(f"/apply/imported/{imported.id}").status_code == 404
    client.logout()
    # A new filing of the domain points to 网站认领 instead.
    alice = make_user()
    make_subject(alice, bureau=bureau)   # the subject registered after the import still matches
    client.login("alice", "Secret2026x")
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    page = client.post(f"{base}/basic", {**BASIC, "action": "next"}).get_data(as_text=True)
    assert "已有线下备案（浙公网安备 33110002000007号）" in page and "【网站认领】" in page
    models.Draft.delete().execute()

    assert "浙公网安备 33110002000007号" in client.get("/websites/claims").get_data(as_text=True)
    client.post(f"/apply/imported/{imported.id}")
    draft = models.Draft.get()
    assert draft.kind == "网站认领"
    base = f"/apply/website-claim/{draft.id}"
    go_through(client, base)
    client.post(f"{base}/submit")
    claim = models.Application.get()
    assert claim.kind == "网站认领"
    officer.post(f"/review/{claim.id}/approve")
    website = models.Website.get()
    assert website.status == "已备案" and website.record_number == "浙公网安备 33110002000007号"
    assert not models.RecordSequence.select().exists()   # no new number was used


def test_new_numbers_skip_those_given_offline(app, bureau_and_officer):
    bureau, _ = bureau_and_officer
    models.ImportedSite.create(bureau=bureau, kind="网站认领", domain="old.cn", name="旧站", subject_name="某",
                               cert_number=USCC, deadline=dt.date(2099, 1, 1),
                               record_number="浙公网安备 33110002000001号")
    assert models.RecordSequence.issue(bureau, "02") == "浙公网安备 33110002000002号"


def test_unclaimed_after_the_deadline_is_flagged_for_the_officer(app, bureau_and_officer):
    bureau, officer = bureau_and_officer
    models.ImportedSite.create(bureau=bureau, kind="网站认领", domain="old.cn", name="旧站", subject_name="某",
                               cert_number=USCC, deadline=dt.date(2020, 1, 1),
                               record_number="浙公网安备 33110002000001号")
    models.ImportedSite.create(bureau=bureau, kind="未备案网站", domain="new.cn", name="新站", subject_name="某",
                               cert_number=USCC, deadline=dt.date(2020, 1, 1))
    page = officer.get("/review/imported").get_data(as_text=True)
    assert "未认领（关停风险）" in page and "已超期" in page
    # Another bureau's officer sees neither.
    other = as_officer(app, make_bureau("652829", "博湖县公安局网安大队"), "cop2")
    assert "旧站" not in other.get("/review/imported").get_data(as_text=True)


def test_add_one_site_with_messages_next_to_fields(bureau_and_officer):
    _, officer = bureau_and_officer
    page = officer.post("/review/imported/add", {"kind": "网站认领", "domain": "lsly.cn", "name": "丽水山居旅游网",
                                                 "subject_name": "丽水市云岭科技有限公司", "cert_number": USCC,
                                                 "deadline": "2099-03-31", "record_number": "浙公网安备 123号"})
    assert "格式应为 浙公网安备 33110002000001号" in page.get_data(as_text=True)
    assert models.ImportedSite.select().count() == 0
    officer.post("/review/imported/add", {"kind": "未备案网站", "domain": "lsly.cn", "name": "丽水山居旅游网",
                                          "subject_name": "丽水市云岭科技有限公司", "cert_number": USCC,
                                          "deadline": "2099-03-31"})
    assert models.ImportedSite.get().domain == "lsly.cn"


def test_duplicate_domain_points_to_the_existing_record(client, site):
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    page = client.post(f"{base}/basic", {**BASIC, "action": "next"}).get_data(as_text=True)
    assert "您已经申请过此域名（lsly.cn）的备案" in page and "见【我的网站】“丽水山居旅游网”" in page
    models.Draft.delete().execute()
    client.logout()
    bob = make_user("bob", mobile="13800001111")
    make_subject(bob, bureau=site.subject.bureau, cert_number="91110000802100433B")
    client.login("bob", "Secret2026x")
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    page = client.post(f"{base}/basic", {**BASIC, "action": "next"}).get_data(as_text=True)
    assert "已有网站申请过此域名" in page and "公安备案号 浙公网安备 33110002000001号" in page
