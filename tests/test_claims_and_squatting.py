"""Issue #17, the attacks on 网站认领, certificates and domains, and the closed-site check: each
test performs the attack and shows it no longer works."""
import http.server
import threading
from datetime import timedelta

import pytest

import models
import sitecheck
import timeutil
from forms import rules
from tests.conftest import SQLITE_UPGRADE, Client, make_user
from tests.factories import USCC, make_service, make_subject, unit_form
from tests.test_subject import submit_new, with_pictures
from tests.test_website_after import CANCEL, HEADER, as_officer, code_for, serving, upload_csv
from tests.test_wizard import BASIC, go_through

LEADER = "13905786666"          # the 负责人手机 the bureau has on record for the offline filing
NUMBER = "浙公网安备 33110002000007号"
OFFLINE_ROW = f"lsly.cn,丽水山居旅游网,丽水市云岭科技有限公司,{USCC},2099-03-31,浙公网安备33110002000007号"


@pytest.fixture
def bureau(lishui_bureau):
    return lishui_bureau


@pytest.fixture
def cop(app, bureau):
    return as_officer(app, bureau)


def log_in(app, username, mobile, subject_status=models.Subject.PENDING, bureau=None, **subject):
    """A new account with a subject under USCC (by default a never-reviewed one), logged in."""
    user = make_user(username, mobile=mobile)
    make_subject(user, status=subject_status, bureau=bureau, **subject)
    client = Client(app.test_client())
    client.login(username, "Secret2026x")
    client.user = user
    return client


def start(client):
    """Open 新办网站申请 for the client's subject and move past 【开办主体】."""
    assert client.post("/apply/website", {"action": "next"}).status_code == 303
    draft = models.Draft.get(models.Draft.owner == client.user.id, models.Draft.kind == "新办网站")
    return draft, f"/apply/website/{draft.id}"


def claim_draft(owner):
    return models.Draft.get_or_none(models.Draft.owner == owner.id, models.Draft.kind == "网站认领")


# -- 1. 网站认领 proves control ------------------------------------------------------------

def test_a_certificate_number_alone_no_longer_opens_a_claim(app, bureau, cop):
    assert upload_csv(cop, f"{HEADER},公安备案号,负责人手机\n{OFFLINE_ROW},{LEADER}", kind="网站认领").status_code == 303
    site = models.ImportedSite.get()
    assert site.leader_mobile == LEADER
    # A stranger files a 待审核 subject under the company's public number and goes to 网站认领.
    mallory = log_in(app, "mallory", "13700007777", bureau=bureau, name="丽水市冒名网络有限公司")
    listed = mallory.get("/websites/claims").get_data(as_text=True)
    # It sees that a record exists, nothing of which site it is or of the bureau's record.
    assert "线下备案网站" in listed
    assert all(secret not in listed for secret in ("lsly.cn", "丽水山居旅游网", "33110002000007", "丽水市云岭科技有限公司"))
    response = mallory.post(f"/apply/imported/{site.id}")
    assert response.headers["Location"] == f"/websites/claims/{site.id}/verify"
    assert claim_draft(mallory.user) is None
    page = mallory.get(response.headers["Location"]).get_data(as_text=True)
    assert "139****6666" in page and "lsly.cn" not in page
    # The code goes to the company's 负责人, never to the claimant; a guess opens nothing.
    mallory.post(f"/websites/claims/{site.id}/verify", {"action": "send_code"})
    assert models.OutboxMessage.get().mobile == LEADER and "网站认领" in models.OutboxMessage.get().body
    wrong = mallory.post(f"/websites/claims/{site.id}/verify", {"code": "000000", "action": "submit"})
    assert "验证码错误" in wrong.get_data(as_text=True) and claim_draft(mallory.user) is None
    assert mallory.post(f"/apply/imported/{site.id}").headers["Location"].endswith("/verify")

    # The company, holding the 负责人's phone, proves control and claims.
    alice = log_in(app, "alice", "13912345678", subject_status=models.Subject.VALID, bureau=bureau)
    alice.post(f"/websites/claims/{site.id}/verify", {"action": "send_code"})
    opened = alice.post(f"/websites/claims/{site.id}/verify", {"code": code_for(LEADER), "action": "submit"})
    draft = claim_draft(alice.user)
    assert opened.headers["Location"] == f"/apply/website-claim/{draft.id}/basic"
    # mallory's code request spent nothing of alice's: codes are per account.
    base = f"/apply/website-claim/{draft.id}"
    assert 'value="lsly.cn"' in alice.get(f"{base}/basic").get_data(as_text=True)
    go_through(alice, base)
    alice.post(f"{base}/submit")
    claim = models.Application.get(models.Application.kind == "网站认领")
    assert claim.data["control"] == "负责人手机短信验证（139****6666）"
    # A proven claimant may now see the bureau's record of the site.
    assert NUMBER in alice.get(f"/applications/{claim.id}").get_data(as_text=True)
    review = cop.get(f"/review/{claim.id}").get_data(as_text=True)
    assert "负责人手机短信验证（139****6666）" in review and 'name="confirmed"' not in review
    assert cop.post(f"/review/{claim.id}/approve").status_code == 303
    assert models.Service.get().record_number == NUMBER and models.Service.get().owner_id == alice.user.id


def test_without_a_mobile_on_record_the_officer_confirms_the_claim(app, bureau, cop):
    cop.post("/review/imported/add", {"kind": "网站认领", "domain": "lsly.cn", "name": "丽水山居旅游网",
                                      "subject_name": "丽水市云岭科技有限公司", "cert_number": USCC,
                                      "deadline": "2099-03-31", "record_number": NUMBER})
    site = models.ImportedSite.get()
    assert site.leader_mobile == "" and not site.needs_code
    mallory = log_in(app, "mallory", "13700007777", bureau=bureau, name="丽水市冒名网络有限公司")
    mallory.post(f"/apply/imported/{site.id}")
    draft = claim_draft(mallory.user)
    base = f"/apply/website-claim/{draft.id}"
    # A never-reviewed subject is not handed the site's name and domain, nor told them on a mismatch.
    step = mallory.get(f"{base}/basic").get_data(as_text=True)
    assert "lsly.cn" not in step and "丽水山居旅游网" not in step
    wrong = mallory.post(f"{base}/basic", {**BASIC, "domain": "other-site.cn", "other_domains": "",
                                           "home_url": "other-site.cn", "action": "next"}).get_data(as_text=True)
    assert "与公安机关登记的不一致" in wrong and "lsly.cn" not in wrong
    go_through(mallory, base)
    mallory.post(f"{base}/submit")
    claim = models.Application.get(models.Application.kind == "网站认领")
    assert NUMBER not in mallory.get(f"/applications/{claim.id}").get_data(as_text=True)

    review = cop.get(f"/review/{claim.id}").get_data(as_text=True)
    assert "未发现问题" not in review
    assert "开办主体名称“丽水市冒名网络有限公司”与公安机关登记的“丽水市云岭科技有限公司”不一致" in review
    assert "认领人未经短信验证" in review and 'name="confirmed"' in review
    # 通过 without the tick is refused and changes nothing …
    refused = cop.post(f"/review/{claim.id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "请核实其对网站的控制权并勾选确认" in refused
    assert models.Application.get_by_id(claim.id).status == "待审核" and "control" not in models.Application.get_by_id(
        claim.id).data
    assert models.Subject.get(models.Subject.owner == mallory.user).status == "待审核"
    # … with it, the decision and the confirmation are audited together.
    assert cop.post(f"/review/{claim.id}/approve", {"confirmed": "y"}).status_code == 303
    assert models.Application.get_by_id(claim.id).data["control"].startswith("民警核实确认")
    entry = models.AuditEntry.get(models.AuditEntry.action == "通过")
    assert "control" not in entry.before and entry.after["control"].startswith("民警核实确认")


def test_an_imported_mobile_is_checked_and_optional(bureau, cop):
    bad = upload_csv(cop, f"{HEADER},公安备案号,负责人手机\n{OFFLINE_ROW},12345", kind="网站认领")
    assert "第2行：负责人手机：手机号码应为11位数字" in bad.get_data(as_text=True)
    page = cop.post("/review/imported/add", {"kind": "网站认领", "domain": "lsly.cn", "name": "丽水山居旅游网",
                                             "subject_name": "某公司", "cert_number": USCC, "deadline": "2099-03-31",
                                             "record_number": NUMBER, "leader_mobile": "1390578"})
    assert 'id="err-leader_mobile"' in page.get_data(as_text=True)
    assert models.ImportedSite.select().count() == 0
    cop.post("/review/imported/add", {"kind": "网站认领", "domain": "lsly.cn", "name": "丽水山居旅游网",
                                      "subject_name": "某公司", "cert_number": USCC, "deadline": "2099-03-31",
                                      "record_number": NUMBER, "leader_mobile": "+86 139-0578-6666"})
    assert models.ImportedSite.get().leader_mobile == LEADER
    assert "139****6666" in cop.get("/review/imported").get_data(as_text=True)


# -- 2. Certificates and domains: pending filings block nobody; the first approval wins -------

def test_a_pending_squatter_does_not_block_the_company_and_the_first_approval_wins(app, bureau, cop):
    mallory = log_in(app, "mallory", "13700007777", bureau=bureau, name="丽水市冒名网络有限公司")
    squat = models.Subject.get(models.Subject.owner == mallory.user)
    models.Application.create(owner=mallory.user, subject=squat, kind="新增主体", bureau=bureau)
    alice = Client(app.test_client())
    make_user("alice")
    alice.login("alice", "Secret2026x")
    assert submit_new(alice, with_pictures(unit_form())).status_code == 303
    mine = models.Subject.get(models.Subject.owner != mallory.user)
    first = models.Application.get(models.Application.subject == mine)
    # The officer sees the other filing of the number, on both.
    page = cop.get(f"/review/{first.id}").get_data(as_text=True)
    assert "证件号码与开办主体“丽水市冒名网络有限公司”（待审核）相同：先通过者有效" in page
    cop.post(f"/review/{first.id}/approve")
    assert models.Subject.get_by_id(mine.id).status == "有效"
    late = models.Application.get(models.Application.subject == squat)
    page = cop.get(f"/review/{late.id}").get_data(as_text=True)
    assert "该证件号码已由开办主体“丽水市云岭科技有限公司”（有效）登记，本申请不能通过，请退回" in page
    refused = cop.post(f"/review/{late.id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "该证件号码已有审核通过的开办主体，不能通过，请退回本申请" in refused
    assert models.Subject.get_by_id(squat.id).status == "待审核" and models.Application.get_by_id(late.id).status == "待审核"
    # Now that the number is held, nobody else may file it.
    bob = Client(app.test_client())
    make_user("bob", mobile="13800001111")
    bob.login("bob", "Secret2026x")
    assert "该证件号码已登记开办主体" in submit_new(bob, with_pictures(unit_form())).get_data(as_text=True)


def test_the_database_keeps_one_approved_subject_and_one_filing_per_account(app, bureau):
    alice, bob = make_user(), make_user("bob", mobile="13800001111")
    make_subject(alice, bureau=bureau)
    pending = make_subject(bob, status=models.Subject.PENDING, bureau=bureau)
    with pytest.raises(models.TransitionError):
        pending.approve()
    with pytest.raises(models.IntegrityError), models.db.atomic():
        make_subject(bob, status=models.Subject.PENDING, bureau=bureau)


def test_an_account_is_told_it_already_filed_the_number(client, bureau):
    make_user()
    client.login("alice", "Secret2026x")
    assert submit_new(client, with_pictures(unit_form())).status_code == 303
    again = submit_new(client, with_pictures(unit_form())).get_data(as_text=True)
    assert "本账号已登记该证件号码的开办主体" in again and models.Subject.select().count() == 1


def test_a_pending_website_of_one_subject_does_not_block_another_and_is_flagged(app, bureau, cop):
    first = log_in(app, "alice", "13912345678", subject_status=models.Subject.VALID, bureau=bureau)
    draft, base = start(first)
    go_through(first, base)
    first.post(f"{base}/submit")
    bob = log_in(app, "bob", "13800001111", subject_status=models.Subject.VALID, bureau=bureau,
                 cert_number="91110000802100433B", name="丽水市别家科技有限公司")
    draft, base = start(bob)
    go_through(bob, base)          # lsly.cn is only asked for by alice's pending filing: nothing refused
    bob.post(f"{base}/submit")
    theirs, mine = (models.Application.get(models.Application.owner == who.user) for who in (first, bob))
    assert "域名lsly.cn另有网站“丽水山居旅游网”（待审核）也在申请，先通过者有效" in cop.get(
        f"/review/{mine.id}").get_data(as_text=True)
    cop.post(f"/review/{theirs.id}/approve")
    refused = cop.post(f"/review/{mine.id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "已被其他备案使用，请退回" in refused


def test_abandoned_pending_subjects_expire(app, bureau, runner):
    old = timeutil.now() - timedelta(days=31)
    owners = [make_user(name, mobile=mobile) for name, mobile in
              (("idle", "13700000001"), ("busy", "13700000002"), ("new", "13700000003"))]
    subjects = [make_subject(owner, status=models.Subject.PENDING, bureau=bureau, cert_number=cert)
                for owner, cert in zip(owners, (USCC, "91110000802100433B", "91330000000000000X"))]
    for subject, submitted in zip(subjects, (old, old, timeutil.now())):
        models.Application.create(owner=subject.owner, subject=subject, kind="新增主体", bureau=bureau,
                                  submitted_at=submitted, data={"form": {"name": subject.name}})
    models.Application.create(owner=owners[1], subject=subjects[1], kind="新办网站", bureau=bureau)
    result = runner.invoke(args=["expire-subjects"])
    assert "已撤销1个超过30日未办理业务的待审核主体" in result.output
    idle, busy, new = (models.Subject.get_by_id(s.id) for s in subjects)
    assert (idle.status, busy.status, new.status) == ("已注销", "待审核", "待审核")
    assert models.Application.get(models.Application.subject == idle).status == "已撤销"
    assert models.Draft.get(models.Draft.owner == owners[0]).kind == "新增主体"
    assert "超过30日未办理任何备案业务" in models.Notice.get(models.Notice.user == owners[0]).body
    assert "已撤销0个" in runner.invoke(args=["expire-subjects"]).output


# -- 10. What the domain check tells others; the closed-site check's address -----------------

def test_the_domain_check_tells_another_subject_only_that_it_is_taken(app, bureau, cop):
    upload_csv(cop, f"{HEADER},公安备案号\n{OFFLINE_ROW}", kind="网站认领")
    bob = log_in(app, "bob", "13800001111", subject_status=models.Subject.VALID, bureau=bureau,
                 cert_number="91110000802100433B", name="丽水市别家科技有限公司")
    draft, base = start(bob)
    bob.post(f"{base}/subject", {"action": "next"})
    answer = bob.post(f"{base}/basic", {**BASIC, "action": "check:domain"},
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "已有线下备案" in answer and "33110002000007" not in answer
    # Nobody checks a domain anonymously: the website form is checked only through a draft's step.
    assert Client(app.test_client()).post("/validate/website/domain", {"domain": "lsly.cn"}).status_code == 404


def test_a_home_page_with_a_user_name_is_refused_when_filed():
    for home in ("http://lsly.cn:x@127.0.0.1/", "lsly.cn@127.0.0.1", "http://lsly.cn\\@127.0.0.1/"):
        assert rules.check_home_in_domains(home, ["lsly.cn"]) is not None, home
    assert rules.host_of("http://lsly.cn:x@127.0.0.1/") == "127.0.0.1"
    assert "“@”" in rules.check_home_in_domains("http://lsly.cn:x@127.0.0.1/", ["lsly.cn", "127.0.0.1"])
    assert rules.check_home_in_domains("https://www.lsly.cn:8443/index.html", ["lsly.cn"]) is None
    # The same reading for a 安全评估's 功能链接.
    assert "“@”" in rules.check_feature_link("https://bbs.lsly.cn@127.0.0.1/")
    assert rules.check_feature_link("https://bbs.lsly.cn/forum?id=1") is None


def recording(status):
    """A local server answering HEAD with status, remembering the Host header of each request."""
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            seen.append(self.headers["Host"])
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def test_the_closed_check_refuses_an_address_with_a_user_name():
    server, seen = recording(200)
    try:
        result = sitecheck.check(f"http://lsly.cn:x@127.0.0.1:{server.server_port}/", timeout=1)
    finally:
        server.shutdown()
        server.server_close()
    assert not result.closed and "无法检查" in result.detail and seen == []


def test_the_closed_check_asks_the_address_it_resolved(monkeypatch):
    server, seen = recording(200)
    lookups = []

    def resolve(host, port):
        lookups.append(host)
        return ["127.0.0.1"] if host == "lsly.test" else None
    monkeypatch.setattr(sitecheck, "_resolve", resolve)
    monkeypatch.setattr(sitecheck, "_public", lambda address: True)
    try:
        result = sitecheck.check(f"http://lsly.test:{server.server_port}/", timeout=1)
    finally:
        server.shutdown()
        server.server_close()
    # One lookup, and the request went to that address, naming the site.
    assert not result.closed and "仍可访问（HTTP 200）" in result.detail
    assert lookups == ["lsly.test"] and seen == [f"lsly.test:{server.server_port}"]
    monkeypatch.setattr(sitecheck, "_resolve", lambda host, port: ["93.184.216.34", "10.0.0.8"])
    monkeypatch.setattr(sitecheck, "_public", lambda address: not address.startswith("10."))
    assert sitecheck.check("http://lsly.test/", timeout=1).detail == "lsly.test 解析为内网地址，未检查"


def test_a_live_site_cannot_be_cancelled_behind_a_user_name(client, app, bureau):
    server = serving(200)
    try:
        alice = make_user()
        subject = make_subject(alice, bureau=bureau)
        site = make_service(subject, name="丽水山居旅游网", domains=("lsly.cn",), record_number=NUMBER,
                            data={"domains": ["lsly.cn"],
                                  "home_url": f"http://lsly.cn:x@127.0.0.1:{server.server_port}/",
                                  "people": {"owner": {"name": "张建国", "mobile": "13905781234"}}})
        app.config["SITE_CHECK"] = True
        client.login("alice", "Secret2026x")
        client.post(f"/websites/{site.id}/cancel", {**CANCEL, "action": "send_code"})
        page = client.post(f"/websites/{site.id}/cancel", {**CANCEL, "code": code_for("13905781234"),
                                                           "action": "submit"}).get_data(as_text=True)
    finally:
        server.shutdown()
        server.server_close()
    assert "无法检查" in page and "变更网站" in page
    assert not models.Application.select().where(models.Application.kind == "注销网站").exists()


@SQLITE_UPGRADE
def test_upgrade_narrows_the_certificate_index_and_adds_the_leaders_mobile(tmp_path):
    import migrations
    database = models.open_database(f"sqlite:///{tmp_path / 'v16.db'}")
    with database.connection_context():
        migrations.upgrade(database)
        # Back to release sixteen: one live subject per number (by its lookup hash), no 负责人手机.
        for statement in ("DROP INDEX subject_approved_cert_hash", "DROP INDEX subject_own_cert_hash",
                          "CREATE UNIQUE INDEX subject_live_cert_number ON subject (cert_hash) "
                          "WHERE status <> '已注销'",
                          "ALTER TABLE importedsite DROP COLUMN leader_mobile",
                          "DELETE FROM schemaversion WHERE version > 16"):
            database.execute_sql(statement)
        make_subject(make_user(), status=models.Subject.PENDING)
        with pytest.raises(models.IntegrityError), database.atomic():
            make_subject(make_user("bob", mobile="13800001111"), status=models.Subject.PENDING)
        assert migrations.upgrade(database)[:1] == ["m0017_claims_and_certificates"]
        bob = models.User.get(models.User.username == "alice")
        make_subject(make_user("carol", mobile="13800001112"), status=models.Subject.PENDING)
        with pytest.raises(models.IntegrityError), database.atomic():
            make_subject(bob, status=models.Subject.PENDING)
        assert {"subject_approved_cert_hash", "subject_own_cert_hash"} <= {
            index.name for index in database.get_indexes("subject")}
        assert "subject_live_cert_number" not in {index.name for index in database.get_indexes("subject")}
        assert "leader_mobile" in {column.name for column in database.get_columns("importedsite")}
        assert migrations.upgrade(database) == []


def test_a_transfer_to_an_account_that_filed_the_number_too_is_refused_calmly(app, bureau):
    sender, receiver = make_user(), make_user("bob", mobile="13800001111")
    make_subject(receiver, status=models.Subject.PENDING, bureau=bureau)   # filed before the sender's approval
    offer = make_subject(sender, bureau=bureau).offer_transfer("13800001111", "330102198506011234")
    with pytest.raises(models.TransitionError, match="您的账号已有该证件号码的开办主体"):
        offer.accept(receiver)
    assert models.Transfer.get_by_id(offer.id).status == models.Transfer.OFFERED
