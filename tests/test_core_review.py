"""Defects a review of the filing core found, each performed as it happened."""
import datetime

import pytest

import models
from tests.conftest import file_through_flow, make_user
from tests.factories import make_bureau, make_subject, unit_form, website_basic, website_steps
from tests.test_businesses import new_subject_with_first_site  # noqa: F401  (fixture)
from wizard.engine import FLOWS, StepInvalid, recheck

NEW = models.Application.NEW_WEBSITE


def other_subject(applicant):
    bob = make_user("bob", mobile="13800001111")
    return make_subject(bob, bureau=applicant.bureau, name="丽水市别家科技有限公司", cert_number="91110000802100433B")


@pytest.mark.parametrize("withdraw", [False, True], ids=["return", "withdraw"])
def test_a_new_subject_is_not_given_back_while_its_site_waits_for_an_interview(new_subject_with_first_site,
                                                                                  officer, withdraw):
    subject, first, site = new_subject_with_first_site
    site.schedule("面审", {"day": "2099-01-05", "time": "上午", "place": "丽水市行政服务中心", "materials": ""},
                  reviewer=officer.user.id)
    with pytest.raises(models.TransitionError, match="该主体下还有审核中的业务"):
        first.withdraw() if withdraw else first.decide(False, reviewer=officer.user.id, reason="照片不清晰")
    assert models.Subject.get_by_id(subject.id).status == models.Subject.PENDING
    assert models.Application.get_by_id(first.id).status == models.Application.PENDING
    assert not models.Draft.select().exists()


def test_the_home_page_host_of_a_filed_site_is_held_like_its_domains(app, applicant, officer):
    steps = website_steps()
    steps["basic"] = website_basic(other_domains=[""])    # lsly.cn only, 首页 www.lsly.cn
    first = file_through_flow(app, FLOWS[NEW], applicant.subject, steps)
    assert models.Application.get_by_id(first.id).data["filed"]["domains"] == ["lsly.cn", "www.lsly.cn"]
    first.decide(True, reviewer=officer.user.id)
    assert {d.domain for d in models.Domain.select().where(models.Domain.live)} == {"lsly.cn", "www.lsly.cn"}
    assert [s.id for s in models.Service.public_search("www.lsly.cn", "www.lsly.cn")] == [first.service_id]
    # Another subject cannot file that host.
    theirs = website_steps("www.lsly.cn", "丽水别家旅游网")
    theirs["basic"] = website_basic("www.lsly.cn", "丽水别家旅游网", other_domains=[""], home_url=["www.lsly.cn"])
    with pytest.raises(StepInvalid):
        file_through_flow(app, FLOWS[NEW], other_subject(applicant), theirs)
    assert models.Application.select().count() == 1


def test_another_bureau_cannot_approve_a_subject_it_does_not_review(app, applicant):
    typed = unit_form(name="丽水市山居文化传媒有限公司", cert_number="91110000802100433B")
    data = {**{k: v for k, v in typed.items() if k in models.Subject.DATA_FIELDS}, "region_code": typed["county"]}
    subject = models.Subject.file_new(applicant.user.id, data, applicant.bureau, typed)   # 丽水 reviews it
    hangzhou = make_bureau("330100", "杭州市公安局网警支队")
    imported = models.ImportedSite.create(bureau=hangzhou, kind=models.ImportedSite.UNFILED, domain="lsmc.cn",
                                          name="山居传媒资讯网", subject_name=subject.name,
                                          cert_number=subject.cert_number, deadline=datetime.date(2099, 1, 1))
    site = file_through_flow(app, FLOWS[NEW], subject, website_steps("lsmc.cn", "山居传媒资讯网"), imported=imported)
    assert site.bureau_id == hangzhou.id
    cop = make_user("hzcop", mobile="13800009999", role=models.User.OFFICER, bureau=hangzhou)
    with pytest.raises(models.TransitionError, match="开办主体尚待其属地公安机关审核"):
        site.decide(True, reviewer=cop.id)
    first = subject.applications.where(models.Application.kind == models.Application.NEW_SUBJECT).get()
    assert first.status == models.Application.PENDING
    assert models.Subject.get_by_id(subject.id).status == models.Subject.PENDING
    # Once 丽水 has approved the subject, 杭州 may approve the site.
    first.decide(True)
    models.Application.get_by_id(site.id).decide(True, reviewer=cop.id)
    assert models.Service.get_by_id(site.service_id).status == models.Service.FILED


def test_a_lost_domain_is_reported_once_not_as_a_race_still_open(app, applicant, officer):
    mine = file_through_flow(app, FLOWS[NEW], applicant.subject, website_steps())
    theirs = file_through_flow(app, FLOWS[NEW], other_subject(applicant), website_steps(name="丽水别家旅游网"))
    with app.test_request_context():
        racing = recheck(models.Application.get_by_id(theirs.id))
    assert any("也在申请，先通过者有效" in p for p in racing)
    mine.decide(True, reviewer=officer.user.id)
    with app.test_request_context():
        problems = recheck(models.Application.get_by_id(theirs.id))
    lost = [p for p in problems if "lsly.cn" in p]
    assert lost and not any("先通过者有效" in p for p in lost)
    assert all("已有网站申请过此域名" in p for p in lost)
