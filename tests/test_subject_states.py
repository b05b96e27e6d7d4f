"""The 开办主体 state machine: every allowed and every refused transition, and the cascades."""
import pytest

import models
from tests.conftest import make_user
from tests.factories import make_id, make_subject

S = models.Subject
ALL_STATES = [S.PENDING, S.VALID, S.CHANGING, S.CANCELLING, S.CANCELLED, S.TRANSFERRING]

# transition -> (allowed from, state after)
TRANSITIONS = {
    "approve": ({S.PENDING}, S.VALID),
    "start_change": ({S.VALID}, S.CHANGING),
    "finish_change": ({S.CHANGING}, S.VALID),
    "start_cancel": ({S.VALID}, S.CANCELLING),
    "finish_cancel": ({S.CANCELLING}, S.CANCELLED),
    "start_transfer": ({S.VALID}, S.TRANSFERRING),
    "withdraw_transfer": ({S.TRANSFERRING}, S.VALID),
}
ARGS = {"finish_change": (True, {}), "finish_cancel": (True,)}


def run(subject, transition, receiver=None):
    if transition == "accept_transfer":
        return subject.accept_transfer(receiver)
    return getattr(subject, transition)(*ARGS.get(transition, ()))


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_each_transition_from_each_state(app, state, transition):
    subject = make_subject(make_user(), status=state)
    allowed, after = TRANSITIONS[transition]
    if state in allowed:
        run(subject, transition)
        assert S.get_by_id(subject.id).status == after
    else:
        with pytest.raises(models.TransitionError) as refused:
            run(subject, transition)
        assert str(refused.value)  # a sentence for the user
        assert S.get_by_id(subject.id).status == state


@pytest.mark.parametrize("state", ALL_STATES)
def test_accept_transfer_only_while_transferring(app, state):
    owner, receiver = make_user(), make_user("bob", mobile="13800001111")
    subject = make_subject(owner, status=state)
    if state == S.TRANSFERRING:
        run(subject, "accept_transfer", receiver)
        subject = S.get_by_id(subject.id)
        assert (subject.status, subject.owner_id) == (S.VALID, receiver.id)
    else:
        with pytest.raises(models.TransitionError):
            run(subject, "accept_transfer", receiver)
        assert S.get_by_id(subject.id).owner_id == owner.id


@pytest.mark.parametrize("state, message", [
    (S.PENDING, "审核通过后"), (S.CHANGING, "存在审核中的单据"), (S.CANCELLING, "存在审核中的单据"),
    (S.TRANSFERRING, "撤回移交"), (S.CANCELLED, "已注销"),
])
def test_busy_subject_refuses_every_business_with_its_reason(app, state, message):
    subject = make_subject(make_user(), status=state)
    for start in (lambda: subject.request_change({}), lambda: subject.request_cancel("x"),
                  lambda: subject.offer_transfer("13600001111", make_id())):
        with pytest.raises(models.TransitionError, match=message):
            start()
    assert S.get_by_id(subject.id).status == state
    assert not models.Application.select().exists() and not models.Transfer.select().exists()


def test_pending_application_blocks_a_valid_subject(app):
    subject = make_subject(make_user())
    models.Application.create(owner=subject.owner, subject=subject, kind="新办网站")
    with pytest.raises(models.TransitionError, match="存在审核中的单据"):
        subject.request_change({"name": "新名称有限公司"})
    assert S.get_by_id(subject.id).status == S.VALID


def test_cancel_approval_cancels_every_website(app):
    subject = make_subject(make_user())
    sites = [models.Service.create(owner=subject.owner, subject=subject, name=f"站点{i}", domain=f"s{i}.cn",
                                   status=status) for i, status in enumerate(["已备案", "待审核"])]
    other = make_subject(make_user("bob", mobile="13800001111"), cert_number="91110000802100433B")
    untouched = models.Service.create(owner=other.owner, subject=other, name="别人的", domain="o.cn", status="已备案")
    application = subject.request_cancel("不再运营")
    application.decide(approved=True)
    assert S.get_by_id(subject.id).status == S.CANCELLED
    assert {w.status for w in models.Service.select().where(models.Service.subject == subject)} == {"已注销"}
    assert models.Service.get_by_id(untouched.id).status == "已备案"
    assert len(sites) == 2


def test_returned_cancellation_keeps_subject_and_sites(app):
    subject = make_subject(make_user())
    site = models.Service.create(owner=subject.owner, subject=subject, name="站点", domain="s.cn", status="已备案")
    subject.request_cancel("不再运营").decide(approved=False)
    assert S.get_by_id(subject.id).status == S.VALID
    assert models.Service.get_by_id(site.id).status == "已备案"


def test_returned_change_keeps_old_data(app):
    subject = make_subject(make_user())
    subject.request_change({"name": "新名称有限公司"}).decide(approved=False)
    subject = S.get_by_id(subject.id)
    assert (subject.status, subject.name) == (S.VALID, "丽水市云岭科技有限公司")


def test_new_subject_application_approval_makes_it_valid(app):
    subject = S.file_new(make_user(), {"name": "丽水市云岭科技有限公司", "nature": "单位",
                                       "region_code": "331102", "leader_name": "张建国",
                                       "leader_id_type": "居民身份证", "leader_id_number": make_id(),
                                       "leader_residence": "x", "leader_office_phone": "0578-2786359",
                                       "leader_mobile": "13905781234", "leader_email": "a@b.cn"}, None)
    application = models.Application.get()
    application.decide(approved=True)
    assert S.get_by_id(subject.id).status == S.VALID and S.get_by_id(subject.id).approved_at
    with pytest.raises(models.TransitionError):
        application.decide(approved=True)


def test_transfer_withdraw_and_accept_are_one_shot(app):
    owner, receiver = make_user(), make_user("bob", mobile="13800001111")
    subject = make_subject(owner)
    offer = subject.offer_transfer("13800001111", make_id())
    models.Draft.save_for(owner, "变更主体", {"name": "x"}, subject=subject)
    offer.accept(receiver)
    assert not models.Draft.select().exists()
    with pytest.raises(models.TransitionError):
        offer.withdraw()
    with pytest.raises(models.TransitionError):
        offer.accept(receiver)
