"""The shared fixtures deliver what their docstrings promise (other tests build on them)."""
import models


def test_applicant_is_logged_in_with_a_valid_subject_under_the_lishui_bureau(applicant):
    assert applicant.subject.status == models.Subject.VALID
    assert applicant.subject.owner_id == applicant.user.id
    assert applicant.subject.bureau.division_code == "331100"
    home = applicant.client.get("/home")
    assert home.status_code == 200 and "丽水市云岭科技有限公司" in home.get_data(as_text=True)


def test_officer_is_logged_in_at_the_same_bureau(applicant, officer):
    assert officer.user.is_officer and officer.user.bureau_id == applicant.bureau.id
    assert officer.get("/review").status_code == 200
    assert applicant.client.get("/review").status_code == 404   # other roles: 404


def test_filed_site_went_through_the_business(applicant, filed_site):
    application = models.Application.get(models.Application.service == filed_site)
    assert (application.kind, application.status) == (models.Application.NEW_WEBSITE, models.Application.APPROVED)
    assert filed_site.subject_id == applicant.subject.id
    assert filed_site.record_number == "浙公网安备 33110002000001号"
    rows = models.Domain.select().where(models.Domain.service == filed_site)
    assert sorted((d.domain, d.live) for d in rows) == [("lsly.cn", True), ("www.lsly.cn", True)]
    assert filed_site.filing()["steps"]["basic"]["site_name"] == ["丽水山居旅游网"]
    assert not models.Draft.select().exists()


def test_imported_site_waits_for_the_applicants_claim(applicant, imported_site):
    assert list(models.ImportedSite.waiting_for(applicant.user, models.ImportedSite.OFFLINE)) == [imported_site]
    assert imported_site.subject_of(applicant.user) == applicant.subject
    assert "丽水乡村旅游网" in applicant.client.get("/websites/claims").get_data(as_text=True)
