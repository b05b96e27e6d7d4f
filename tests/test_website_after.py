"""Website after filing: 变更网站, 注销网站, 未备案网站, 网站认领, and the duplicate-domain pointer."""
import datetime as dt
import http.server
import io
import json
import threading

import pytest

import models
import sitecheck
from forms.imports import check_row
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
    return models.Service.get()


def open_change(client, website):
    response = client.post(f"/websites/{website.id}/change")
    draft = models.Draft.get(models.Draft.kind == "变更网站")
    assert response.headers["Location"] == f"/apply/website-change/{draft.id}/basic"
    return draft, f"/apply/website-change/{draft.id}"


# -- 变更网站 -------------------------------------------------------------------

def test_inline_check_of_a_change_accepts_the_sites_own_domain(client, site):
    draft, base = open_change(client, site)
    answer = client.post(f"{base}/basic", {**BASIC, "action": "check:domain"},
                         headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="field-domain"' in answer and "申请过" not in answer and 'class="error"' not in answer
    assert client.post(f"{base}/basic", {**BASIC, "action": "next"}).status_code == 303


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
    assert change.service_id == site.id and change.status == "待审核"
    # The filed data stays in force until the bureau approves; the applicant sees what changes.
    assert models.Service.get_by_id(site.id).name == "丽水山居旅游网"
    mine = client.get(f"/applications/{change.id}").get_data(as_text=True)
    assert "变更前后对比" in mine and "<td>丽水山居旅游网</td><td><strong>丽水山居民宿网</strong></td>" in mine

    review = client.officer.get(f"/review/{change.id}").get_data(as_text=True)
    assert "变更前后对比" in review
    assert "<td>丽水山居旅游网</td><td><strong>丽水山居民宿网</strong></td>" in review
    assert "未发现问题" in review      # its own domains do not count as taken
    assert change.review_days() == 21  # it became interactive: the interactive limit applies

    client.officer.post(f"/review/{change.id}/schedule", {"mode": "面审", "day": "2099-01-05", "time": "上午10:00",
                                                         "place": "丽水市行政服务中心"})
    client.officer.post(f"/review/{change.id}/approve")
    filed = models.Service.get_by_id(site.id)
    assert filed.name == "丽水山居民宿网" and filed.interactive
    assert filed.record_number == "浙公网安备 33110002000001号" and filed.status == "已备案"
    assert models.RecordSequence.get().last == 1


def test_change_is_refused_for_unfiled_sites_while_pending_and_for_others(client, site, app):
    open_change(client, site)
    draft = models.Draft.get()
    client.post(f"/apply/website-change/{draft.id}/submit")
    # A second change (or a 注销) while one is pending: 存在审核中的单据.
    response = client.post(f"/websites/{site.id}/change", follow_redirects=True)
    assert "存在审核中的单据" in response.get_data(as_text=True)
    assert client.get(f"/websites/{site.id}/cancel", follow_redirects=True).get_data(as_text=True).count(
        "存在审核中的单据") >= 1
    assert models.Application.select().where(models.Application.kind == "变更网站").count() == 1
    # Not filed yet: no change.
    pending = models.Service.create(owner=site.owner, subject=site.subject, name="待审核的站", domain="b.cn")
    assert "只有已备案的网站才能变更或注销" in client.post(
        f"/websites/{pending.id}/change", follow_redirects=True).get_data(as_text=True)
    # Someone else's site: 404, and the menu cannot start a change flow either.
    client.logout()
    make_user("bob", mobile="13800001111")
    client.login("bob", "Secret2026x")
    assert client.post(f"/websites/{site.id}/change").status_code == 404
    assert client.get(f"/apply/website-change/{draft.id}/basic").status_code == 404
    assert client.get("/apply/website-change").status_code == 404


def test_returned_change_comes_back_as_a_draft_and_the_site_is_unchanged(client, site):
    draft, base = open_change(client, site)
    client.post(f"{base}/basic", {**BASIC, "site_name": "丽水山居民宿网", "action": "next"})
    client.post(f"{base}/submit")
    change = models.Application.get(models.Application.kind == "变更网站")
    client.officer.post(f"/review/{change.id}/return", {"reason": "名称与内容不符"})
    assert models.Service.get_by_id(site.id).name == "丽水山居旅游网"
    back = models.Draft.get(models.Draft.kind == "变更网站")
    assert back.service_id == site.id
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
    assert cancel.data["site_check"].startswith("未检查")
    assert models.Service.get_by_id(site.id).status == "已备案"   # until the bureau approves

    review = client.officer.get(f"/review/{cancel.id}").get_data(as_text=True)
    assert "网站停止运营" in review and "网站首页检查" in review
    attachment = cancel.attachment_id
    assert client.officer.get(f"/uploads/{attachment}").status_code == 200

    client.officer.post(f"/review/{cancel.id}/approve")
    gone = models.Service.get_by_id(site.id)
    assert gone.status == "已注销" and gone.record_number == "浙公网安备 33110002000001号"
    public = client.get("/query?q=浙公网安备33110002000001号").get_data(as_text=True)
    assert "已注销" in public
    assert "点击复制备案号HTML代码" not in client.get(f"/websites/{site.id}").get_data(as_text=True)
    assert models.RecordSequence.get().last == 1   # never reused: the next site gets 000002


def serving(status, headers=()):
    """A local web server answering every HEAD with status (stands in for a live site)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_site_that_still_answers_cannot_be_cancelled(client, site, app, monkeypatch):
    # The check refuses private addresses; this local server stands in for a public site.
    monkeypatch.setattr(sitecheck, "_public", lambda host: True)
    server = serving(200)
    try:
        site.data["home_url"] = f"http://127.0.0.1:{server.server_port}/"
        site.save()
        app.config["SITE_CHECK"] = True
        client.post(f"/websites/{site.id}/cancel", {**CANCEL, "action": "send_code"})
        page = client.post(f"/websites/{site.id}/cancel", {**CANCEL, "code": code_for("13905781234"),
                                                           "action": "submit"}).get_data(as_text=True)
        assert "仍可访问（HTTP 200）" in page and "请先关闭网站再申请注销" in page
        assert not models.Upload.select().where(models.Upload.purpose == "cancel_attachment").exists()
        assert not models.Application.select().where(models.Application.kind == "注销网站").exists()
    finally:
        server.shutdown()
        server.server_close()
    # Once it stops answering, the same request (with a new code) goes through; the check is recorded.
    app.config["SMS_RESEND_SECONDS"] = 0
    client.post(f"/websites/{site.id}/cancel", {**CANCEL, "action": "send_code"})
    client.post(f"/websites/{site.id}/cancel", {**CANCEL, "code": code_for("13905781234"), "action": "submit"})
    cancel = models.Application.get(models.Application.kind == "注销网站")
    assert cancel.data["site_check"] == "网站首页无法访问"


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


def test_an_import_problem_shortens_a_long_domain(app):
    domain = ".".join(["a" * 60] * 4) + ".cn"
    row = {"domain": domain, "name": "站", "subject_name": "丽水市云岭科技有限公司", "cert_number": USCC,
           "deadline": "2099-03-31"}
    _, problems = check_row(row, models.ImportedSite.UNFILED, dt.date(2025, 6, 1), {domain}, None, held=set())
    assert problems == [f"域名：{'a' * 29}… 在本次导入中重复"]


def test_an_imported_name_with_a_control_character_is_refused(app):
    row = {"domain": "lsly.cn", "name": "丽水山居\x00旅游网", "subject_name": "丽水市云岭科技有限公司",
           "cert_number": USCC, "deadline": "2099-03-31"}
    _, problems = check_row(row, models.ImportedSite.UNFILED, dt.date(2025, 6, 1), set(), None, held=set())
    assert problems == ["网站名称：含有不可见的控制字符，请删除后重新输入"]


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
    assert models.ImportedSite.get().service_id == models.Service.get().id
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
    models.ImportedSite.tell_owner(alice, USCC)   # as 新增主体 does when it is filed
    assert "需在2099-03-31前认领" in models.Notice.get(models.Notice.user == alice).body
    client.login("alice", "Secret2026x")
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    page = client.post(f"{base}/basic", {**BASIC, "action": "next"}).get_data(as_text=True)
    assert "已有线下备案，请由开办主体在【网站认领】中认领" in page and "33110002000007" not in page
    models.Draft.delete().execute()

    # The bureau's record (its number, the company's name) is the officer's, not the claimant's.
    listed = client.get("/websites/claims").get_data(as_text=True)
    assert "丽水山居旅游网" in listed and "33110002000007" not in listed
    client.post(f"/apply/imported/{imported.id}")
    draft = models.Draft.get()
    assert draft.kind == "网站认领"
    base = f"/apply/website-claim/{draft.id}"
    go_through(client, base)
    client.post(f"{base}/submit")
    claim = models.Application.get()
    assert claim.kind == "网站认领"
    assert "33110002000007" not in client.get(f"/applications/{claim.id}").get_data(as_text=True)
    assert "原公安备案号</dt><dd>浙公网安备 33110002000007号" in officer.get(f"/review/{claim.id}").get_data(as_text=True)
    # No 负责人手机 on record: the officer confirms the claimant's control explicitly.
    officer.post(f"/review/{claim.id}/approve", {"confirmed": "y"})
    website = models.Service.get()
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


def test_people_step_speaks_chinese(client, site):
    draft, base = open_change(client, site)
    page = client.post(f"{base}/people", {**PEOPLE, "owner-email": "a" * 120 + "@x.cn", "owner-id_type": "护照x",
                                          "action": "next"}).get_data(as_text=True)
    assert "电子邮箱不能超过120个字" in page and "不是有效的选择" in page and "Field cannot" not in page


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
    # Another subject's filing: only that the domain is taken, not its record.
    assert "已有网站申请过此域名" in page and "已备案，不可使用" in page and "33110002000001" not in page


# -- what a review of this work found ---------------------------------------------------

def test_no_approval_of_a_change_once_the_site_is_gone(client, site):
    draft, base = open_change(client, site)
    client.post(f"{base}/submit")
    change = models.Application.get(models.Application.kind == "变更网站")
    client.officer.post(f"/review/{change.id}/schedule", {"mode": "面审", "day": "2099-01-05", "time": "上午10:00",
                                                         "place": "丽水市行政服务中心"})
    # While the change waits for 面审, the subject cannot start 注销主体 (an application is open) …
    assert site.subject.busy_reason() == "存在审核中的单据"
    # … and if the site is cancelled anyway, 通过 is refused and nothing is rewritten.
    models.Service.update(status="已注销").where(models.Service.id == site.id).execute()
    page = client.officer.post(f"/review/{change.id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "不能通过，请退回" in page
    assert models.Application.get_by_id(change.id).status == "待面审"


def test_one_open_application_per_site_is_kept_by_the_database(site):
    models.Application.create(owner=site.owner, subject=site.subject, kind="注销网站", service=site)
    with pytest.raises(models.IntegrityError):
        with models.db.atomic():
            models.Application.create(owner=site.owner, subject=site.subject, kind="变更网站", service=site)


def test_a_pending_change_reserves_the_domains_it_adds(client, site):
    draft, base = open_change(client, site)
    client.post(f"{base}/basic", {**BASIC, "other_domains": "www.lsly.cn\nlsly-new.cn", "action": "next"})
    client.post(f"{base}/submit")
    assert models.Domain.held(["lsly-new.cn"]) == {"lsly-new.cn"}
    # Its own subject cannot file it again; the site being changed does not block itself.
    assert models.Service.blocking("lsly-new.cn", site.subject, "website") == site
    assert models.Service.blocking("lsly-new.cn", site.subject, "website", exclude=site) is None


def test_imported_domain_cannot_be_swapped_and_a_withdrawal_keeps_the_link(client, app, bureau_and_officer):
    bureau, officer = bureau_and_officer
    alice = make_user()
    make_subject(alice, bureau=bureau)
    upload_csv(officer, f"{HEADER}\nlsly.cn,丽水山居旅游网,丽水市云岭科技有限公司,{USCC},2099-03-31")
    imported = models.ImportedSite.get()
    client.login("alice", "Secret2026x")
    client.post(f"/apply/imported/{imported.id}")
    draft = models.Draft.get()
    base = f"/apply/website/{draft.id}"
    page = client.post(f"{base}/basic", {**BASIC, "domain": "other-site.cn", "home_url": "other-site.cn",
                                         "other_domains": "", "action": "next"}).get_data(as_text=True)
    assert "此网站由公安机关登记为 lsly.cn，网站主域名不能更改" in page
    go_through(client, base)
    client.post(f"{base}/submit")
    application = models.Application.get()
    client.post(f"/applications/{application.id}/withdraw")
    back = models.Draft.get()
    assert back.imported_id == imported.id and models.ImportedSite.get().service_id is None
    assert not models.Service.select().exists()


def test_csv_files_that_are_odd_get_messages_not_errors(bureau_and_officer):
    _, officer = bureau_and_officer
    data = {"kind": "未备案网站", "file": (io.BytesIO(b"\xff\xfe\x00\xd8\xff"), "x.csv"), "csrf_token": officer.token()}
    page = officer.raw.post("/review/imported/upload", data=data, content_type="multipart/form-data")
    assert page.status_code == 200 and "文件编码无法识别" in page.get_data(as_text=True)
    extra = upload_csv(officer, f"{HEADER}\nlsly.cn,丽水山居旅游网,某公司,{USCC},2099-03-31,多余")
    assert "第2行：列数多于表头" in extra.get_data(as_text=True)
    number = "浙公网安备 33110002000007号"
    twice = upload_csv(officer, f"{HEADER},公安备案号\na.cn,甲网站,某公司,{USCC},2099-03-31,{number}\n"
                                f"b.cn,乙网站,某公司,{USCC},2099-03-31,{number}", kind="网站认领")
    assert "第3行：公安备案号：在本次导入中重复" in twice.get_data(as_text=True)
    foreign = upload_csv(officer, f"{HEADER},公安备案号\na.cn,甲网站,某公司,{USCC},2099-03-31,"
                                  "京公网安备 11010502030143号", kind="网站认领")
    assert "不是本机关辖区核发的备案号" in foreign.get_data(as_text=True)
    assert models.ImportedSite.select().count() == 0


def test_sitecheck_reports_a_redirect_without_following_it_and_never_probes_private_addresses(monkeypatch):
    assert sitecheck.check("http://127.0.0.1:9/", timeout=1).detail.endswith("解析为内网地址，未检查")
    server = serving(302, [("Location", "http://169.254.169.254/")])
    monkeypatch.setattr(sitecheck, "_public", lambda host: True)
    try:
        result = sitecheck.check(f"http://127.0.0.1:{server.server_port}/", timeout=1)
        assert not result.closed and "HTTP 302" in result.detail
    finally:
        server.shutdown()
        server.server_close()
    # A malformed address is no crash, and does not count as closed (it was not checked).
    malformed = sitecheck.check("www.lsly.cn:abc", timeout=1)
    assert not malformed.closed and "无法检查" in malformed.detail and "变更网站" in malformed.advice


def test_holiday_year_out_of_range_is_not_found(client, app):
    make_user("root", mobile="13700000001", role=models.User.ADMIN)
    client.login("root", "Secret2026x")
    assert client.get("/admin/holidays?year=0").status_code == 404


def test_a_cancel_refused_by_a_race_stores_no_picture(client, site, monkeypatch):
    client.post(f"/websites/{site.id}/cancel", {**CANCEL, "action": "send_code"})
    code = code_for("13905781234")
    # A 变更 was filed a moment after the page's own check: the database refuses the second open one.
    models.Application.create(owner=site.owner, subject=site.subject, kind="变更网站", service=site)
    monkeypatch.setattr(models.Service, "change_problem", lambda self: None)
    data = {**CANCEL, "code": code, "action": "submit", "attachment": (io.BytesIO(picture()), "closed.png")}
    response = client.raw.post(f"/websites/{site.id}/cancel", data={**data, "csrf_token": client.token()},
                               content_type="multipart/form-data")
    assert response.status_code == 303
    assert not models.Application.select().where(models.Application.kind == "注销网站").exists()
    assert not models.Upload.select().exists()
