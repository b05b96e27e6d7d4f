"""Write paths under 40 parallel requests: none fails with "database is locked" (issue #22).

On SQLite a transaction that reads before it writes used to begin DEFERRED: when another
connection committed in between, its first write was refused at once instead of waiting.
"""
import threading

import pytest

import models
from tests.conftest import APPLICANT_PASSWORD, Client, file_through_flow
from stdnum.cn import uscc

from tests.factories import unit_form, website_steps
from wizard.engine import FLOWS

PARALLEL = 40


def _applications(applicant, count=PARALLEL):
    flow = FLOWS[models.Application.NEW_WEBSITE]
    return [file_through_flow(applicant.app, flow, applicant.subject,
                              website_steps(f"site{n}.lsly.cn", f"丽水山居旅游网{n}"))
            for n in range(count)]


@pytest.fixture
def many(app, applicant):
    applicant.app = app
    return _applications(applicant)


def _in_parallel(app, cookie, token, urls, form=None):
    """POST every url at once, each from its own client (its own database connection)."""
    statuses, errors = [], []
    start = threading.Barrier(len(urls))

    def post(url):
        try:
            with app.test_client() as other:
                other.set_cookie("session", cookie)
                start.wait()
                statuses.append(other.post(url, data={"csrf_token": token, **(form or {})}).status_code)
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
    threads = [threading.Thread(target=post, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, errors


def _session(client):
    token = client.token()   # first: reading it may store it in the session cookie
    return client.raw.get_cookie("session").value, token


def test_40_parallel_withdrawals_all_succeed(app, applicant, many):
    statuses, errors = _in_parallel(app, *_session(applicant.client),
                                    [f"/applications/{a.id}/withdraw" for a in many])
    assert not errors and statuses == [303] * PARALLEL
    assert models.Application.select().where(models.Application.status == models.Application.WITHDRAWN).count() \
        == PARALLEL


def test_40_parallel_withdrawals_of_new_subjects_all_succeed(app, applicant):
    # 撤销 of a 新增主体 reads (its other open filings) before it writes.
    firsts = []
    for n in range(PARALLEL):
        body = f"91331100MA2A{n:05d}"
        typed = unit_form(name=f"丽水市山居文化传媒{n}有限公司", cert_number=body + uscc.calc_check_digit(body))
        data = {**{k: v for k, v in typed.items() if k in models.Subject.DATA_FIELDS}, "region_code": typed["county"]}
        subject = models.Subject.file_new(applicant.user.id, data, applicant.bureau, typed)
        firsts.append(subject.applications.get())
    statuses, errors = _in_parallel(app, *_session(applicant.client),
                                    [f"/applications/{a.id}/withdraw" for a in firsts])
    assert not errors and statuses == [303] * PARALLEL
    assert models.Subject.select().where(models.Subject.status == models.Subject.CANCELLED).count() == PARALLEL


def test_40_parallel_approvals_all_succeed(app, officer, many):
    statuses, errors = _in_parallel(app, *_session(officer), [f"/review/{a.id}/approve" for a in many])
    assert not errors and statuses == [303] * PARALLEL
    approved = models.Application.select().where(models.Application.status == models.Application.APPROVED)
    assert approved.count() == PARALLEL
    assert models.AuditEntry.select().where(models.AuditEntry.action == "通过").count() == PARALLEL


def test_40_parallel_returns_all_succeed(app, officer, many):
    statuses, errors = _in_parallel(app, *_session(officer), [f"/review/{a.id}/return" for a in many],
                                    {"reason": "网站名称与内容不符"})
    assert not errors and statuses == [303] * PARALLEL
    assert models.Application.select().where(models.Application.status == models.Application.RETURNED).count() \
        == PARALLEL


def test_40_parallel_schedules_all_succeed(app, officer, many):
    form = {"mode": "面审", "day": "2030-03-04", "time": "09:30", "place": "丽水市公安局网警支队一楼", "materials": ""}
    statuses, errors = _in_parallel(app, *_session(officer), [f"/review/{a.id}/schedule" for a in many], form)
    assert not errors and statuses == [303] * PARALLEL
    assert models.Notice.select().where(models.Notice.title == "请按时参加面审").count() == PARALLEL


def test_the_same_application_approved_40_times_at_once_is_approved_once(app, officer, many):
    target = many[0]
    statuses, errors = _in_parallel(app, *_session(officer), [f"/review/{target.id}/approve"] * PARALLEL)
    assert not errors and statuses == [303] * PARALLEL
    assert models.Application.get_by_id(target.id).status == models.Application.APPROVED
    assert models.AuditEntry.select().where(models.AuditEntry.action == "通过").count() == 1
