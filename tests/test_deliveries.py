"""Side effects are durable (issue #22): a decision's audit entry, notice and SMS commit with it;
the SMS is delivered afterwards from a queue, with retries, and a failing gateway never fails the
decision."""
from datetime import timedelta

import pytest

import models
import sms
import timeutil
from tests.conftest import file_through_flow
from tests.factories import website_steps
from tests.fake_gateway import FakeGateway
from wizard.engine import FLOWS


@pytest.fixture
def pending(app, applicant, officer):
    """The applicant's website application, 待审核 before the officer."""
    return file_through_flow(app, FLOWS[models.Application.NEW_WEBSITE], applicant.subject, website_steps())


@pytest.fixture
def fake_gateway(app):
    """The app's SMS gateway is FakeGateway, loaded by its module:Class name as a deployment's is."""
    FakeGateway.received, FakeGateway.failures_left = [], 0
    app.extensions["sms"] = sms.make_gateway("tests.fake_gateway:FakeGateway", None)
    return FakeGateway


@pytest.fixture
def clock(monkeypatch):
    """timeutil.now under the test's hand: clock.at moves it."""
    class Clock:
        at = timeutil.now()
    monkeypatch.setattr(timeutil, "now", lambda: Clock.at)
    return Clock


def _approved(application):
    return models.Application.get_by_id(application.id).status == models.Application.APPROVED


def test_a_decision_succeeds_with_the_sms_gateway_down(officer, pending, fake_gateway, applicant):
    fake_gateway.failures_left = 1
    response = officer.post(f"/review/{pending.id}/approve")
    assert response.status_code == 303 and _approved(pending)
    assert models.AuditEntry.select().where(models.AuditEntry.action == "通过").count() == 1
    assert models.Notice.select().where(models.Notice.user == applicant.user.id,
                                        models.Notice.title == "新办网站申请已通过").count() == 1
    row = models.Delivery.get()
    assert row.target == applicant.user.mobile and "已审核通过" in row.payload["text"]
    assert row.sent_at is None and row.attempts == 1 and "短信网关无响应" in row.last_error
    assert row.next_attempt_at > timeutil.now()          # due again later, not lost
    assert fake_gateway.received == []


def test_the_message_commits_with_the_decision_or_not_at_all(app, officer, pending, monkeypatch):
    def queue_then_fail(*args):
        models.Delivery.queue(*args)
        raise RuntimeError("the process dies before the commit")
    monkeypatch.setitem(app.extensions, "sms_queue", queue_then_fail)
    notices = models.Notice.select().count()
    with pytest.raises(RuntimeError):
        officer.post(f"/review/{pending.id}/approve")
    assert models.Application.get_by_id(pending.id).status == models.Application.PENDING
    assert not models.Delivery.select().exists() and models.Notice.select().count() == notices
    assert not models.AuditEntry.select().where(models.AuditEntry.action == "通过").exists()
    assert not models.Service.get_by_id(pending.service_id).record_number


def test_a_queued_sms_is_sent_by_the_worker_through_a_module_class_gateway(app, runner, officer, pending,
                                                                          fake_gateway, applicant):
    app.config["SEND_AT_ONCE"] = False
    officer.post(f"/review/{pending.id}/return", {"reason": "网站名称与内容不符"})
    assert fake_gateway.received == [] and models.Delivery.get().sent_at is None
    result = runner.invoke(args=["send-outbox", "--once"])
    assert result.exit_code == 0 and "已发送 1 条" in result.output
    assert fake_gateway.received == [(applicant.user.mobile, models.Delivery.get().payload["text"])]
    assert fake_gateway.received[0][1].startswith(sms.SIGNATURE) and "被退回：网站名称与内容不符" in fake_gateway.received[0][1]
    assert models.Delivery.get().sent_at is not None
    assert "已发送 0 条" in runner.invoke(args=["send-outbox", "--once"]).output   # never twice


def test_the_sender_retries_with_a_growing_wait_then_marks_it_delivered(app, fake_gateway, clock):
    with app.test_request_context():
        row = models.Delivery.queue(models.Delivery.SMS, "13912345678", {"text": "【公安联网备案】测试"})
        start = clock.at
        fake_gateway.failures_left = 2
        assert models.Delivery.deliver_due({"sms": sms.deliver}) == (0, 1)
        assert models.Delivery.get_by_id(row.id).next_attempt_at == start + timedelta(seconds=30)
        clock.at = start + timedelta(seconds=29)
        assert models.Delivery.deliver_due({"sms": sms.deliver}) == (0, 0)     # not due yet
        clock.at = start + timedelta(seconds=30)
        assert models.Delivery.deliver_due({"sms": sms.deliver}) == (0, 1)
        assert models.Delivery.get_by_id(row.id).next_attempt_at == clock.at + timedelta(seconds=60)
        clock.at += timedelta(seconds=60)
        assert models.Delivery.deliver_due({"sms": sms.deliver}) == (1, 0)
    row = models.Delivery.get_by_id(row.id)
    assert row.attempts == 3 and row.sent_at == clock.at and row.next_attempt_at is None and not row.last_error
    assert fake_gateway.received == [("13912345678", "【公安联网备案】测试")]


def test_the_wait_is_capped_and_the_message_given_up_after_the_last_attempt(app, fake_gateway, clock):
    assert models.Delivery.backoff(1) == timedelta(seconds=30)
    assert models.Delivery.backoff(20) == timedelta(hours=1)
    with app.test_request_context():
        row = models.Delivery.queue(models.Delivery.SMS, "13912345678", {"text": "测试"})
        fake_gateway.failures_left = models.Delivery.MAX_ATTEMPTS
        for _ in range(models.Delivery.MAX_ATTEMPTS):
            assert models.Delivery.deliver_due({"sms": sms.deliver}) == (0, 1)
            clock.at += timedelta(hours=1)
        assert models.Delivery.deliver_due({"sms": sms.deliver}) == (0, 0)
    row = models.Delivery.get_by_id(row.id)
    assert row.attempts == models.Delivery.MAX_ATTEMPTS and row.next_attempt_at is None and row.sent_at is None


def test_a_message_claimed_by_a_sender_that_died_is_sent_after_the_lease(app, fake_gateway, clock):
    with app.test_request_context():
        row = models.Delivery.queue(models.Delivery.SMS, "13912345678", {"text": "测试"})
        assert row._claim(clock.at)                     # then kill -9: nothing recorded
        assert models.Delivery.deliver_due({"sms": sms.deliver}) == (0, 0)
        clock.at += models.Delivery.LEASE
        assert models.Delivery.deliver_due({"sms": sms.deliver}) == (1, 0)
    assert fake_gateway.received == [("13912345678", "测试")]


def test_the_demo_outbox_shows_a_decision_sms_sent_at_once(app, officer, pending):
    officer.post(f"/review/{pending.id}/approve")
    assert models.Delivery.get().sent_at is not None
    assert "已审核通过" in models.OutboxMessage.get().body
