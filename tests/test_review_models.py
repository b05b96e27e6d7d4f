"""The bureau's decisions on the models: 通过 with a 公安备案号, 退回, 面审/实地检查, numbering."""
import json
import threading
from datetime import date, datetime

import pytest

import models
from tests.conftest import make_user
from tests.factories import make_bureau, make_subject


@pytest.fixture
def filing(app):
    """A new subject and its first website, both waiting for the 丽水 bureau."""
    bureau = make_bureau()
    owner = make_user()
    subject = make_subject(owner, status=models.Subject.PENDING, bureau=bureau)
    first = models.Application.create(owner=owner, subject=subject, kind="新增主体", bureau=bureau)
    site = models.Service.create(owner=owner, subject=subject, name="丽水山居旅游网", domain="lsly.cn")
    application = models.Application.create(
        owner=owner, subject=subject, kind="新办网站", bureau=bureau, service=site,
        data={"filed": {"site_name": "丽水山居旅游网", "domains": ["lsly.cn"], "interactive": False},
              "wizard": {"steps": {"basic": {"site_name": ["丽水山居旅游网"]}}, "reached": 3}, "last_step": "notice"})
    models.Domain.ask(site, application, ["lsly.cn"])
    return bureau, subject, first, site, application


def test_approval_issues_the_number_and_approves_the_subject_with_it(filing):
    bureau, subject, first, site, application = filing
    officer = make_user("cop", mobile="13800002222", role="officer", bureau=bureau)
    application.decide(True, reviewer=officer.id)
    site = models.Service.get_by_id(site.id)
    assert (site.status, site.record_number) == ("已备案", "浙公网安备 33110002000001号")
    assert models.Subject.get_by_id(subject.id).status == "有效"
    assert models.Application.get_by_id(first.id).status == "已通过"
    assert models.Application.get_by_id(application.id).reviewer_id == officer.id


def test_numbers_follow_each_other_per_bureau(filing):
    bureau = filing[0]
    numbers = [models.RecordSequence.issue(bureau, "02") for _ in range(3)]
    assert [n[-7:] for n in numbers] == ["000001号", "000002号", "000003号"]
    other = make_bureau("652829", "博湖县公安局网安大队")
    assert models.RecordSequence.issue(other, "02") == "新公网安备 65282902000001号"


def test_numbers_are_unique_and_gap_free_under_concurrent_approvals(filing, app):
    bureau = filing[0]
    issued, errors = [], []

    def approve_one():
        try:
            with models.db.connection_context():
                with models.db.atomic():
                    issued.append(models.RecordSequence.issue(bureau, "02"))
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
    threads = [threading.Thread(target=approve_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(int(n[-7:-1]) for n in issued) == list(range(1, 9))


def test_a_rolled_back_approval_gives_its_number_back(filing):
    bureau = filing[0]
    with pytest.raises(RuntimeError):
        with models.db.atomic():
            models.RecordSequence.issue(bureau, "02")
            raise RuntimeError("approval failed after numbering")
    assert models.RecordSequence.issue(bureau, "02").endswith("000001号")


def test_return_gives_the_filing_back_as_a_draft(filing):
    bureau, subject, first, site, application = filing
    application.decide(False, reason="网站名称与内容不符")
    application = models.Application.get_by_id(application.id)
    assert (application.status, application.reason) == ("已退回", "网站名称与内容不符")
    assert not models.Service.select().exists()
    draft = models.Draft.get(models.Draft.kind == "新办网站")
    assert draft.data["steps"]["basic"]["site_name"] == ["丽水山居旅游网"]
    assert models.Subject.get_by_id(subject.id).status == "待审核"


def test_interview_then_result(filing):
    application = filing[4]
    application.schedule("面审", {"when": "2026-11-26 10:00", "place": "丽水市行政服务中心三楼", "materials": "身份证原件"})
    application = models.Application.get_by_id(application.id)
    assert application.status == "待面审" and application.appointment["place"].startswith("丽水")
    application.decide(True)
    assert models.Service.get().status == "已备案"
    with pytest.raises(models.TransitionError):
        application.schedule("实地检查", {})


def test_due_date_counts_working_days(filing):
    application = filing[4]
    application.submitted_at = datetime(2026, 9, 29, 2, 0)  # 10:00 in China
    # 30 Sep, then 国庆 to 7 Oct, the make-up Saturday 10 Oct counts: the 21st working day is 3 Nov.
    assert application.due_on() == date(2026, 11, 3)


@pytest.mark.parametrize("county, expected", [
    ("652829", "652829"),   # 博湖县 has its own 网安大队
    ("652801", "652801"),   # 库尔勒市 likewise
    ("652826", "652800"),   # a 巴州 county without a bureau of its own: the prefecture's
    ("331102", "331100"),   # 莲都区: the 丽水 city bureau covers its counties
    ("331127", "331100"),   # 景宁畲族自治县 likewise
    ("330106", None),       # 杭州西湖区: no bureau of this deployment covers it
    ("", None),
])
def test_routing_goes_to_the_bureau_whose_division_covers_the_county(app, county, expected):
    for code, name in (("652800", "巴州网安支队"), ("652829", "博湖县公安局网安大队"),
                       ("652801", "库尔勒市公安局网安大队"), ("331100", "丽水市公安局网络警察支队")):
        make_bureau(code, name)
    bureau = models.Bureau.for_region(county)
    assert (bureau.division_code if bureau else None) == expected


def test_each_bureau_sets_its_own_time_limits(filing):
    bureau, subject, first, site, application = filing
    submitted = datetime(2026, 11, 23, 2, 0)   # Monday 23 Nov, 10:00 in China
    for row in (first, application):
        row.submitted_at = submitted
    assert first.due_on() == date(2026, 12, 22)          # the platform's 21 working days
    bureau.instant_approval = True
    bureau.interactive_review_days = 5
    bureau.save()
    application = models.Application.get_by_id(application.id)
    assert application.review_days() == 0                # 即审即办: due the day it arrives
    application.data["filed"]["interactive"] = True
    application.save()
    application = models.Application.get_by_id(application.id)
    application.submitted_at = submitted
    assert application.due_on() == date(2026, 11, 30)    # 丽水: interactive sites within 5 working days
