"""审核工作台 through the test client: jurisdiction, queue, 通过/退回/面审, messages to the applicant."""
import datetime
import json
import re

import pytest

import models
from tests.conftest import make_user
from tests.factories import make_bureau, make_service, make_subject
from tests.test_wizard import go_through, start


@pytest.fixture
def filed(client, app):
    """alice's new subject and website, submitted to 丽水; the client is logged in as its officer."""
    bureau = make_bureau()
    alice = make_user()
    make_subject(alice, status=models.Subject.PENDING, bureau=bureau)
    subject = models.Subject.get()
    models.Application.create(owner=alice, subject=subject, kind="新增主体", bureau=bureau)
    client.login("alice", "Secret2026x")
    draft, base = start(client)
    go_through(client, base)
    client.post(f"/apply/website/{draft.id}/submit")
    client.logout()
    make_user("cop", mobile="13800002222", role="officer", bureau=bureau)
    client.login("cop", "Secret2026x")
    return models.Application.get(models.Application.kind == "新办网站")


def test_queue_shows_my_bureaus_work_with_due_dates(client, filed):
    page = client.get("/review").get_data(as_text=True)
    assert "丽水山居旅游网" in page and "新增主体" in page
    assert str(filed.due_on()) in page


def test_another_bureau_sees_none_of_it(client, filed):
    client.logout()
    other = make_bureau("652829", "博湖县公安局网安大队")
    make_user("cop2", mobile="13800003333", role="officer", bureau=other)
    client.login("cop2", "Secret2026x")
    assert "丽水山居旅游网" not in client.get("/review").get_data(as_text=True)
    for url in (f"/review/{filed.id}",):
        assert client.get(url).status_code == 404
    for url in (f"/review/{filed.id}/approve", f"/review/{filed.id}/return", f"/review/{filed.id}/schedule"):
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert models.Application.get_by_id(filed.id).status == "待审核"


def test_applicants_cannot_open_the_workstation(client, filed):
    client.logout()
    client.login("alice", "Secret2026x")
    assert client.get("/review").status_code == 404
    assert client.post(f"/review/{filed.id}/approve").status_code == 404


def test_review_page_shows_everything_and_flags_rules_broken_since(client, filed):
    page = client.get(f"/review/{filed.id}").get_data(as_text=True)
    assert "未发现问题" in page and "lsly.cn" in page and "李秀英" in page
    other = make_subject(make_user("bob", mobile="13800001111"), cert_number="91110000802100433B")
    make_service(other, domains=("www.lsly.cn",))
    assert "已有网站申请过此域名" in client.get(f"/review/{filed.id}").get_data(as_text=True)


def test_another_subjects_pending_filing_of_the_domain_is_flagged_not_refused(client, filed):
    other = make_subject(make_user("bob", mobile="13800001111"), cert_number="91110000802100433B")
    pending = make_service(other, domains=("www.lsly.cn",), status=models.Service.PENDING)
    models.Domain.update(application=models.Application.create(
        owner=other.owner, subject=other, kind="新办网站", service=pending)).where(
        models.Domain.service == pending).execute()
    page = client.get(f"/review/{filed.id}").get_data(as_text=True)
    assert "域名www.lsly.cn另有网站“别人的站”（待审核）也在申请，先通过者有效" in page and "已有网站申请过此域名" not in page


def test_approve_issues_the_number_and_tells_the_applicant(client, filed):
    response = client.post(f"/review/{filed.id}/approve")
    assert response.status_code == 303
    website = models.Service.get()
    assert website.status == "已备案" and website.record_number == "浙公网安备 33110002000001号"
    assert models.Subject.get().status == "有效"
    message = models.OutboxMessage.select().order_by(models.OutboxMessage.id.desc()).first()
    assert message.mobile == "13912345678" and "浙公网安备 33110002000001号" in message.body
    assert "0578-2786359" in message.body
    assert models.Notice.select().where(models.Notice.title == "新办网站申请已通过").exists()
    assert client.post(f"/review/{filed.id}/approve").status_code == 303
    assert models.RecordSequence.get().last == 1


def test_return_needs_a_reason_and_hands_back_a_draft(client, filed):
    page = client.post(f"/review/{filed.id}/return", {}).get_data(as_text=True)
    assert "请选择不符合的规范或填写退回原因" in page
    assert models.Application.get_by_id(filed.id).status == "待审核"
    client.post(f"/review/{filed.id}/return", {"reason": "网站尚未开通，无法核实"})
    application = models.Application.get_by_id(filed.id)
    assert application.status == "已退回" and application.reason == "网站尚未开通，无法核实"
    draft = models.Draft.get()
    assert draft.kind == "新办网站" and draft.step == "basic"   # opens at the start of the filed facts
    body = models.OutboxMessage.select().order_by(models.OutboxMessage.id.desc()).first().body
    assert "网站尚未开通" in body


def test_a_returned_filing_opens_at_the_step_that_breaks_a_rule(client, filed):
    values = filed.data
    values["wizard"]["steps"]["people"]["security-mobile"] = ["12345"]   # no longer a valid mobile
    models.Application.update(data=values).where(
        models.Application.id == filed.id).execute()
    client.post(f"/review/{filed.id}/return", {"reason": "安全负责人手机号码有误"})
    draft = models.Draft.get()
    assert draft.step == "people"
    client.logout()
    client.login("alice", "Secret2026x")
    assert client.get("/drafts").status_code == 200
    assert f"/apply/website/{draft.id}/people" in client.get("/drafts").get_data(as_text=True)


def test_schedule_interview_then_record_the_result(client, filed):
    past = client.post(f"/review/{filed.id}/schedule", {"mode": "面审", "day": "2020-01-01", "time": "上午10:00",
                                                        "place": "三楼公安大厅"}).get_data(as_text=True)
    assert "日期不能早于今天" in past
    client.post(f"/review/{filed.id}/schedule", {"mode": "面审", "day": "2099-01-05", "time": "上午10:00",
                                                 "place": "丽水市行政服务中心三楼公安大厅2号窗口",
                                                 "materials": "身份证原件"})
    application = models.Application.get_by_id(filed.id)
    assert application.status == "待面审"
    body = models.OutboxMessage.select().order_by(models.OutboxMessage.id.desc()).first().body
    assert re.search(r"面审：2099-01-05 上午10:00", body) and "身份证原件" in body
    client.post(f"/review/{filed.id}/approve")
    assert models.Service.get().status == "已备案"


def test_applicant_gets_the_badge_and_the_public_finds_the_site(client, filed):
    client.post(f"/review/{filed.id}/approve")
    client.logout()
    number = "浙公网安备 33110002000001号"
    for q in (number, "浙公网安备33110002000001号", "lsly.cn", "WWW.LSLY.CN", "山居旅游"):
        page = client.get("/query", query_string={"q": q}).get_data(as_text=True)
        assert number in page and "丽水山居旅游网" in page, q
    assert "未查询到" in client.get("/query?q=张建国").get_data(as_text=True)
    client.login("alice", "Secret2026x")
    site = models.Service.get()
    page = client.get(f"/websites/{site.id}").get_data(as_text=True)
    assert "点击复制备案号HTML代码" in page and "/static/beian-badge.png" in page
    assert "http://localhost/query?q=" in page
    client.logout()
    make_user("mallory", mobile="13800004444")
    client.login("mallory", "Secret2026x")
    assert client.get(f"/websites/{site.id}").status_code == 404


def test_public_query_masks_a_persons_name(app):
    owner = make_user()
    subject = make_subject(owner, nature="个人", name="王建华", cert_type="居民身份证")
    site = models.Service.create(owner=owner, subject=subject, name="王建华的摄影博客", domain="wjh.cn",
                                 status="已备案", record_number="浙公网安备 33110002000009号")
    assert site.public_owner_name() == "王*华"


def test_every_decision_is_audited_and_the_log_cannot_change(client, filed):
    client.post(f"/review/{filed.id}/schedule", {"mode": "实地检查", "day": "2099-01-05", "time": "下午3:00",
                                                 "place": "丽水市莲都区人民街607号"})
    client.post(f"/review/{filed.id}/approve")
    entries = list(models.AuditEntry.select().order_by(models.AuditEntry.id))
    assert [e.action for e in entries] == ["实地检查", "通过"]
    assert entries[0].after["status"] == "待实地检查" and entries[1].before["status"] == "待实地检查"
    assert entries[1].after["record_number"] == "浙公网安备 33110002000001号" and entries[1].user.username == "cop"
    with pytest.raises(models.TransitionError):
        entries[0].action = "改过"
        entries[0].save()
    with pytest.raises(models.TransitionError):
        entries[0].delete_instance()
    assert client.get("/admin/audit").status_code == 404
    client.logout()
    make_user("root", mobile="13700000001", role="admin")
    client.login("root", "Secret2026x")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "实地检查" in page and "cop" in page


def test_service_guides_carry_each_bureaus_facts(client, app):
    app.config["DEMO_MODE"] = True
    app.test_cli_runner().invoke(args=["seed-demo"])
    assert "博湖县公安局网安大队" in client.get("/guide").get_data(as_text=True)
    lishui = models.Bureau.get(models.Bureau.division_code == "331100")
    page = client.get(f"/guide/{lishui.id}").get_data(as_text=True)
    assert "即审即办" in page and "5个工作日内" in page and "0578-2786359" in page and "不收费" in page
    bohu = models.Bureau.get(models.Bureau.division_code == "652829")
    assert "09:30-13:30,16:00-19:30（夏）" in client.get(f"/guide/{bohu.id}").get_data(as_text=True)
    assert client.get("/guide/9999").status_code == 404


def test_queue_filters_by_type_status_and_submission_time(client, filed):
    first = models.Application.get(models.Application.kind == "新增主体")
    first.submitted_at -= datetime.timedelta(days=10)
    first.save()
    by_kind = client.get("/review?kind=新办网站").get_data(as_text=True)
    assert "丽水山居旅游网" in by_kind and "<td>新增主体</td>" not in by_kind
    recent = client.get("/review?since=近7天").get_data(as_text=True)
    assert "<td>新办网站</td>" in recent and "<td>新增主体</td>" not in recent
    assert "<td>新增主体</td>" in client.get("/review?since=近30天").get_data(as_text=True)
    assert "暂无待审核的申请" in client.get("/review?status=待面审").get_data(as_text=True)
    assert "丽水山居旅游网" in client.get("/review?kind=bogus&status=&since=x").get_data(as_text=True)


def test_dashboard_counts_by_type_and_status_overdue_and_per_month(client, filed):
    client.post(f"/review/{filed.id}/approve")
    # The 新增主体 was approved with it; one more filing, submitted 40 days ago, is overdue.
    old = models.Application.create(owner=filed.owner, subject=filed.subject, kind="变更主体",
                                    bureau=filed.bureau,
                                    submitted_at=models.Application.get_by_id(filed.id).submitted_at
                                    - datetime.timedelta(days=40))
    page = client.get("/review/dashboard").get_data(as_text=True)
    assert re.search(r"<td>新办网站</td>(<td>\d+</td>){3}<td>1</td>", page)   # one 已通过
    assert re.search(r"<td>变更主体</td><td>1</td>", page)                      # one 待审核
    assert "已超期</dt><dd><span class=\"badge overdue\">1件" in page
    assert page.count("<rect ") == 12
    months = re.findall(r"<title>(\d+)月：(\d+)件</title>", page)
    assert sum(int(n) for _, n in months) == 3 and len(months) == 12
    assert old.id
    # Another bureau's officer sees none of these numbers.
    client.logout()
    make_user("cop2", mobile="13800003333", role="officer", bureau=make_bureau("652829", "博湖县公安局网安大队"))
    client.login("cop2", "Secret2026x")
    page = client.get("/review/dashboard").get_data(as_text=True)
    assert "待办申请</dt><dd>0件" in page and "已超期</dt><dd>0件" in page
