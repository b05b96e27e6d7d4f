"""Businesses where they meet each other: a 新增主体 and the first filing reviewed with it."""
import pytest

import models
from tests.conftest import file_through_flow
from tests.factories import unit_form, website_steps
from wizard.engine import FLOWS


@pytest.fixture
def new_subject_with_first_site(app, applicant, officer):
    """A second subject of the applicant, 待审核, with its first website filed and waiting too."""
    typed = unit_form(name="丽水市山居文化传媒有限公司", cert_number="91110000802100433B")
    data = {**{k: v for k, v in typed.items() if k in models.Subject.DATA_FIELDS}, "region_code": typed["county"]}
    subject = models.Subject.file_new(applicant.user.id, data, applicant.bureau, typed)
    site = file_through_flow(app, FLOWS[models.Application.NEW_WEBSITE], subject, website_steps("lsmc.cn"))
    return subject, subject.applications.where(models.Application.kind == models.Application.NEW_SUBJECT).get(), site


def test_approving_the_first_site_approves_its_new_subject(new_subject_with_first_site, officer):
    subject, first, site = new_subject_with_first_site
    site.decide(True, reviewer=officer.user.id)
    assert models.Subject.get_by_id(subject.id).status == models.Subject.VALID
    assert models.Application.get_by_id(first.id).status == models.Application.APPROVED
    assert models.Service.get_by_id(site.service_id).record_number == "浙公网安备 33110002000001号"


def test_a_new_subject_cannot_be_withdrawn_while_its_first_site_waits(new_subject_with_first_site):
    subject, first, site = new_subject_with_first_site
    with pytest.raises(models.TransitionError, match="请先撤销这些业务申请"):
        first.withdraw()
    assert models.Subject.get_by_id(subject.id).status == models.Subject.PENDING
    assert models.Application.get_by_id(first.id).status == models.Application.PENDING


def test_returning_a_new_subject_leaves_no_filing_open_under_a_cancelled_subject(new_subject_with_first_site,
                                                                                  officer):
    subject, first, site = new_subject_with_first_site
    try:
        first.decide(False, reviewer=officer.user.id, reason="营业执照照片不清晰")
    except models.TransitionError:
        pass   # refusing, like 撤销申请 does, would be one way out
    cancelled = models.Subject.get_by_id(subject.id).status == models.Subject.CANCELLED
    still_open = models.Application.get_by_id(site.id).status in models.Application.OPEN
    assert not (cancelled and still_open)
