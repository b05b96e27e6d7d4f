"""联网单位备案 (IP登记): 即审即办 for a 有效 subject, the officer for a bureau that reviews first
or a subject still 待审核, address blocks held against other subjects, and bad input."""
import pytest

import models
from tests.conftest import file_through_flow, make_user
from tests.factories import make_subject, unit_steps
from wizard.engine import FLOWS, rebuild


def test_a_valid_subjects_ip_registration_is_filed_at_once(app, applicant):
    application = file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(applicant.user.id))
    unit = models.Service.get_by_id(application.service_id)
    assert models.Application.get_by_id(application.id).status == models.Application.APPROVED
    assert (unit.status, unit.record_number, unit.kind) == (models.Service.FILED, None, "unit")
    assert unit.data["ip_blocks"] == ["115.231.10.0/24", "240e:1234::/48"]
    assert {b.block for b in models.IpBlock.select().where(models.IpBlock.live)} == set(unit.data["ip_blocks"])
    assert models.Notice.select().where(models.Notice.title == "联网单位备案（IP登记）已完成").exists()
    page = applicant.client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "已备案（" in page and "115.231.10.0/24" in page


def test_a_bureau_that_reviews_first_gets_it_in_the_queue(app, applicant, officer):
    applicant.bureau.ip_instant = False
    applicant.bureau.save()
    application = file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(applicant.user.id))
    assert application.status == models.Application.PENDING
    assert "新办联网单位" in officer.get("/review").get_data(as_text=True)


def test_a_pending_subject_goes_to_the_officer_with_its_ip_registration(app, applicant):
    applicant.subject.status = models.Subject.PENDING
    applicant.subject.save()
    application = file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(applicant.user.id))
    assert models.Application.get_by_id(application.id).status == models.Application.PENDING


def test_a_person_cannot_file_an_ip_registration():
    assert "个人" in FLOWS["新办联网单位"].subject_problem(models.Subject(nature="个人", status="有效"))


@pytest.mark.parametrize("blocks, message", [
    ("10.0.0.0/8", "10.0.0.0/8"),
    ("115.231.10.1/24", "115.231.10.0/24"),
    ("115.231.10.0/24\n115.231.10.128/25", "重叠"),
    ("240e:1234::1-240e:1234::9", "CIDR"),
])
def test_bad_blocks_are_refused_beside_the_field(app, applicant, blocks, message):
    from forms.unit import UnitBasicForm
    from tests.factories import unit_basic
    with app.test_request_context():
        form = rebuild(UnitBasicForm, unit_basic(applicant.user.id, blocks=blocks), {"subject": applicant.subject})
        assert not form.validate()
        assert message in " ".join(form.ip_blocks.errors), form.ip_blocks.errors


def test_another_subjects_registered_block_is_refused_and_a_pending_one_flagged(app, applicant, officer):
    from forms.unit import UnitBasicForm
    from tests.factories import unit_basic
    from wizard.engine import recheck
    file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(applicant.user.id))
    bob = make_user("bob", mobile="13912340000")
    other = make_subject(bob, bureau=applicant.bureau, cert_number="91110000802100433B", name="丽水市别家科技有限公司")
    with app.test_request_context():
        form = rebuild(UnitBasicForm, unit_basic(bob.id, name="丽水市别家科技有限公司", blocks="115.231.10.64/26"),
                       {"subject": other})
        assert not form.validate() and "重叠" in form.ip_blocks.errors[0]
    # Two pending filings asking for overlapping blocks: each officer is told.
    applicant.bureau.ip_instant = False
    applicant.bureau.save()
    mine = file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(
        applicant.user.id, blocks="116.1.1.0/24"))
    theirs = file_through_flow(app, FLOWS["新办联网单位"], other, unit_steps(
        bob.id, name="丽水市别家科技有限公司", blocks="116.1.1.0/25"))
    with app.test_request_context():
        assert any("IP地址段116.1.1.0/24" in problem for problem in recheck(mine))
    mine.decide(True, reviewer=officer.user.id)
    with pytest.raises(models.TransitionError, match="116.1.1.0/25"):
        theirs.decide(True, reviewer=officer.user.id)


def test_the_filed_units_page_leads_to_its_printable_record_form(app, applicant):
    application = file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(applicant.user.id))
    page = applicant.client.get(f"/units/{application.service_id}").get_data(as_text=True)
    assert f"/units/{application.service_id}/record-form" in page
    form = applicant.client.get(f"/units/{application.service_id}/record-form").get_data(as_text=True)
    assert "中华人民共和国计算机信息网络国际联网单位备案表" in form and "240e:1234::/48" in form


def test_the_bureau_sees_units_filed_at_once_and_may_cancel_one_with_a_reason(app, applicant, officer, client):
    application = file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(applicant.user.id))
    listed = officer.get("/review/units").get_data(as_text=True)
    assert "丽水市云岭科技有限公司" in listed and "115.231.10.0/24" in listed
    url = f"/review/units/{application.service_id}/cancel"
    assert officer.post(url, {"reason": ""}).status_code == 303
    assert models.Service.get_by_id(application.service_id).status == models.Service.FILED
    # Another bureau's officer cannot reach it.
    from tests.factories import make_bureau
    make_user("cop2", mobile="13800009999", role=models.User.OFFICER, bureau=make_bureau("330100", "杭州市公安局网警支队"))
    client.login("cop2", "Secret2026x")
    assert client.post(url, {"reason": "地址不实"}).status_code == 404
    assert officer.post(url, {"reason": "登记的地址段不属于本单位"}).status_code == 303
    unit = models.Service.get_by_id(application.service_id)
    assert unit.status == models.Service.CANCELLED
    assert not models.IpBlock.select().where(models.IpBlock.live).exists()
    assert models.Notice.select().where(models.Notice.title == "IP登记已被注销").exists()
    assert models.AuditEntry.select().where(models.AuditEntry.action == "注销联网单位").exists()


@pytest.mark.parametrize("blocks, at_once", [
    ("115.231.10.0/24", True),
    ("115.231.0.0/16", False),          # unusually large: the officer looks first
    ("240e:1234::/40", False),
])
def test_only_usual_blocks_are_filed_at_once(app, applicant, blocks, at_once):
    application = file_through_flow(app, FLOWS["新办联网单位"], applicant.subject,
                                    unit_steps(applicant.user.id, blocks=blocks))
    approved = models.Application.get_by_id(application.id).status == models.Application.APPROVED
    assert approved == at_once


def test_a_pending_overlap_keeps_the_second_filing_for_the_officer(app, applicant, officer):
    bob = make_user("bob", mobile="13912340000")
    other = make_subject(bob, bureau=applicant.bureau, cert_number="91110000802100433B", name="丽水市别家科技有限公司")
    applicant.subject.status = models.Subject.PENDING    # its filing waits for the officer
    applicant.subject.save()
    file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(applicant.user.id))
    theirs = file_through_flow(app, FLOWS["新办联网单位"], other, unit_steps(
        bob.id, name="丽水市别家科技有限公司", blocks="115.231.10.0/25"))
    assert models.Application.get_by_id(theirs.id).status == models.Application.PENDING


def test_ipv6_zones_and_huge_blocks_are_refused():
    from forms import rules
    assert rules.check_ip_block("2400:3200::%杭州某公司/64")
    assert "过大" in rules.check_ip_block("2400::/6")
    assert rules.check_ip("2400:3200::1%eth0")


def test_the_bureau_may_return_an_ip_registration_filed_at_once_as_a_draft(app, applicant, officer):
    application = file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(applicant.user.id))
    url = f"/review/units/{application.service_id}/cancel"
    assert officer.post(url, {"reason": "地址段与接入合同不符", "action": "return"}).status_code == 303
    returned = models.Application.get_by_id(application.id)
    assert (returned.status, returned.reason, returned.service_id) == ("已退回", "地址段与接入合同不符", None)
    assert not models.Service.select().where(models.Service.kind == "unit").exists()
    assert not models.IpBlock.select().exists()
    draft = models.Draft.get(models.Draft.kind == "新办联网单位")
    assert draft.step == "basic"   # opens where the blocks are
    assert draft.data["steps"]["basic"]["ip_blocks"] == unit_steps(applicant.user.id)["basic"]["ip_blocks"]
    assert models.Notice.select().where(models.Notice.title == "IP登记被退回").exists()


def test_an_ip_registration_an_officer_approved_cannot_be_returned_only_cancelled(app, applicant, officer, filed_unit):
    url = f"/review/units/{filed_unit.id}/cancel"
    page = officer.post(url, {"reason": "复核", "action": "return"}, follow_redirects=True).get_data(as_text=True)
    assert "不能退回" in page and models.Service.get_by_id(filed_unit.id).status == models.Service.FILED


def test_the_bureaus_unit_list_runs_the_same_queries_for_one_unit_as_for_three(app, applicant, officer, monkeypatch):
    statements = []
    database = models.db.obj
    real = database.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return real(sql, params, *args, **kwargs)

    def listed():
        statements.clear()
        page = officer.get("/review/units").get_data(as_text=True)
        return page.count("<th scope=\"row\">"), len(statements)

    file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(applicant.user.id))
    monkeypatch.setattr(database, "execute_sql", counting)
    one = listed()
    monkeypatch.undo()
    for n, blocks in enumerate(("116.1.1.0/24", "116.1.2.0/24")):
        file_through_flow(app, FLOWS["新办联网单位"], applicant.subject, unit_steps(applicant.user.id, blocks=blocks))
    monkeypatch.setattr(database, "execute_sql", counting)
    many = listed()
    assert (one[0], many[0]) == (1, 3) and one[1] == many[1]
