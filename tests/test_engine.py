"""The step engine on a toy flow declared here: navigation, a conditional step, raw values,
order, legacy drafts and finalize-once; then the same toy flow through the real /apply routes.

The toy flow (示例申请): 【说明】 (read-only, as the start route expects of a first step) →
【基本情况】 → 【单位信息】 (only when 基本情况 says 以单位名义办理: 是) → 【确认】.
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import ChoiceLoader, DictLoader
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

import businesses
import models
from forms.base import CheckboxList, Form, required
from forms.website import WebsitePeopleForm
from tests.factories import website_people, website_steps
from wizard.engine import (FLOWS, AlreadyFinalized, Flow, Navigator, Step, StepInvalid, WizardState, raw_from_form,
                           raw_from_post, rebuild)

TOY_KIND = "示例业务"
TOY_TEMPLATE = "tests/_toy_step.html"
# Every field of the step's form, through the one field renderer (a read-only step says so).
TOY_TEMPLATE_SOURCE = """{% from "_macros.html" import field %}
{% if form %}{% for f in form %}{% if f.type != "CSRFTokenField" %}{{ field(f) }}{% endif %}{% endfor %}
{% else %}<p>示例说明：本申请仅用于测试。</p>{% endif %}"""
TOPICS = ("网站", "APP", "小程序")


class AboutForm(Form):
    """【基本情况】"""

    nickname = StringField("称呼", validators=[required("称呼")])
    has_unit = RadioField("是否以单位名义办理", choices=[("是", "是"), ("否", "否")],
                          validators=[InputRequired("请选择是否以单位名义办理")])
    topics = CheckboxList("关注领域", choices=[(t, t) for t in TOPICS])
    note = TextAreaField("备注")


class UnitForm(Form):
    """【单位信息】"""

    unit_name = StringField("单位名称", validators=[required("单位名称")])


class ConfirmForm(Form):
    """【确认】"""

    agree = BooleanField("我确认以上信息属实")

    def validate_agree(self, field):
        if not field.data:
            raise ValidationError("请勾选确认")


def wants_unit(data):
    """【单位信息】 appears only when 【基本情况】 says 是."""
    return data["steps"].get("about", {}).get("has_unit") == ["是"]


class ToyFlow(Flow):
    name = "toy"
    kind = TOY_KIND
    title = "示例申请"
    steps = (
        Step("intro", "说明", None, TOY_TEMPLATE),
        Step("about", "基本情况", AboutForm, TOY_TEMPLATE),
        Step("unit", "单位信息", UnitForm, TOY_TEMPLATE, condition=wants_unit),
        Step("confirm", "确认", ConfirmForm, TOY_TEMPLATE),
    )

    def finalize(self, draft, state, context):
        """File through the toy business; a nickname of 拒绝 is refused by it (a late refusal)."""
        about = rebuild(AboutForm, state.raw("about"), context)
        if about.nickname.data == "拒绝":
            raise models.TransitionError("示例业务拒绝受理")
        return models.BUSINESSES[self.kind].file(draft.subject, {"wizard": state.as_data(),
                                                                  "nickname": about.nickname.data})


class ToyBusiness(businesses.Business):
    kind = TOY_KIND

    def approve(self, application):
        pass


FLOW = ToyFlow()
ABOUT_NO = {"nickname": ["小张"], "has_unit": ["否"], "topics": ["网站", "APP"], "note": ["第一行\n第二行"]}
ABOUT_YES = {**ABOUT_NO, "has_unit": ["是"]}
UNIT = {"unit_name": ["丽水市云岭科技有限公司"]}
CONFIRM = {"agree": ["y"]}


def state_of(steps, furthest="confirm"):
    return FLOW.state({"steps": steps, "furthest": furthest})


def names(steps):
    return [s.name for s in steps]


@pytest.fixture
def ctx(app):
    """Forms need an application (and, for url_for, a request) context."""
    with app.test_request_context():
        yield


# -- Navigator ---------------------------------------------------------------------------

def test_navigator_in_the_middle():
    nav = Navigator(FLOW.steps, "about", reached=2)
    assert (nav.index, nav.count, nav.current.name) == (1, 4, "about")
    assert (nav.prev.name, nav.next.name, nav.is_last) == ("intro", "unit", False)
    assert [(number, step.name, state) for number, step, state in nav.items()] == [
        (1, "intro", "done"), (2, "about", "current"), (3, "unit", "done"), (4, "confirm", "todo")]


def test_navigator_at_both_ends():
    first = Navigator(FLOW.steps, "intro", reached=0)
    assert first.prev is None and first.next.name == "about" and not first.is_last
    assert [state for _, _, state in first.items()] == ["current", "todo", "todo", "todo"]
    last = Navigator(FLOW.steps, "confirm", reached=3)
    assert last.next is None and last.is_last and last.prev.name == "unit"
    assert [state for _, _, state in last.items()] == ["done", "done", "done", "current"]


def test_navigator_clamps_reached_to_its_steps():
    nav = Navigator(FLOW.steps[:2], "about", reached=7)
    assert nav.reached == 1 and nav.is_last


def test_navigator_refuses_a_step_it_does_not_hold():
    with pytest.raises(ValueError):
        Navigator([s for s in FLOW.steps if s.name != "unit"], "unit", reached=3)


# -- The condition ---------------------------------------------------------------------------

@pytest.mark.parametrize("about, expected", [
    ({}, ["intro", "about", "confirm"]),
    (ABOUT_NO, ["intro", "about", "confirm"]),
    (ABOUT_YES, ["intro", "about", "unit", "confirm"]),
])
def test_conditional_step_appears_only_when_the_answer_says_so(about, expected):
    state = state_of({"about": about} if about else {})
    assert names(FLOW.active_steps(state)) == expected
    assert (FLOW.step(state, "unit") is not None) == ("unit" in expected)


def test_reached_when_the_furthest_step_disappears():
    state = state_of({"about": ABOUT_YES, "unit": UNIT}, furthest="unit")
    assert FLOW.reached(state) == 2                       # intro, about, unit
    state.put("about", ABOUT_NO)                           # 【单位信息】 is gone …
    assert FLOW.reached(state) == 1                        # … the last active step before it counts
    nav = Navigator(FLOW.active_steps(state), "about", FLOW.reached(state))
    assert nav.next.name == "confirm"
    assert [state for _, _, state in nav.items()] == ["done", "current", "todo"]


def test_reached_counts_active_steps_only():
    assert FLOW.reached(state_of({"about": ABOUT_NO}, furthest="confirm")) == 2
    assert FLOW.reached(state_of({"about": ABOUT_YES}, furthest="confirm")) == 3


def test_a_furthest_step_no_flow_knows_falls_back_to_the_first():
    assert FLOW.reached(state_of({}, furthest="renamed-long-ago")) == 0


def test_advance_never_moves_the_furthest_step_back():
    state = state_of({}, furthest="about")
    FLOW.advance(state, "confirm")
    assert state.furthest == "confirm"
    FLOW.advance(state, "about")
    assert state.furthest == "confirm"
    unknown = state_of({}, furthest="gone")
    FLOW.advance(unknown, "about")
    assert unknown.furthest == "about"


def test_first_invalid_skips_a_step_that_is_not_active(ctx):
    assert FLOW.first_invalid(state_of({"about": ABOUT_NO, "confirm": CONFIRM}), {}) is None
    assert FLOW.first_invalid(state_of({"about": ABOUT_YES, "confirm": CONFIRM}), {}).name == "unit"
    assert FLOW.first_invalid(state_of({"about": ABOUT_YES, "unit": UNIT}), {}).name == "confirm"


# -- Raw values ------------------------------------------------------------------------------

def test_raw_from_post_keeps_only_the_steps_fields_and_every_value(ctx):
    posted = MultiDict([("csrf_token", "t"), ("action", "next"), ("nickname", " 小张 "), ("has_unit", "是"),
                        ("topics", "网站"), ("topics", "小程序"), ("unit_name", "别的步骤的字段")])
    raw = raw_from_post(AboutForm, posted, {})
    assert raw == {"nickname": [" 小张 "], "has_unit": ["是"], "topics": ["网站", "小程序"]}


def test_rebuild_gives_back_what_was_typed(ctx):
    form = rebuild(AboutForm, ABOUT_YES, {})
    assert form.nickname.data == "小张" and form.has_unit.data == "是"
    assert form.topics.data == ["网站", "APP"] and form.note.data == "第一行\n第二行"
    assert form.validate()
    assert raw_from_form(form) == ABOUT_YES
    # An unticked box list or checkbox is absent from a post, and comes back empty.
    empty = rebuild(AboutForm, {"nickname": ["小张"]}, {})
    assert empty.topics.data == [] and empty.has_unit.data is None and not empty.validate()
    assert "请选择是否以单位名义办理" in empty.has_unit.errors
    assert rebuild(ConfirmForm, {}, {}).agree.data is False
    assert raw_from_form(rebuild(ConfirmForm, CONFIRM, {})) == CONFIRM


def test_person_blocks_round_trip(ctx):
    people = website_people()
    posted = MultiDict([(name, value) for name, values in people.items() for value in values]
                       + [("owner-same_as_subject", "y"), ("action", "next")])
    raw = raw_from_post(WebsitePeopleForm, posted, {})
    assert raw == {**people, "owner-same_as_subject": ["y"]}
    form = rebuild(WebsitePeopleForm, raw, {})
    assert form.security.form.name.data == "李秀英" and form.owner.form.same_as_subject.data is True
    assert raw_from_form(form) == {**raw, "security-same_as_subject": [], "emergency-same_as_subject": []}


text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nickname=text, note=text, topics=st.lists(st.sampled_from(TOPICS), unique=True),
       has_unit=st.sampled_from(["是", "否"]))
def test_any_typed_values_round_trip(app, nickname, note, topics, has_unit):
    posted = MultiDict([("nickname", nickname), ("note", note), ("has_unit", has_unit)]
                       + [("topics", t) for t in topics])
    with app.test_request_context():
        raw = raw_from_post(AboutForm, posted, {})
        form = rebuild(AboutForm, raw, {})
    assert (form.nickname.data, form.note.data, form.has_unit.data) == (nickname, note, has_unit)
    assert form.topics.data == topics
    assert raw == {name: posted.getlist(name) for name in posted}


# -- Legacy drafts ---------------------------------------------------------------------------

@pytest.mark.parametrize("data, furthest", [
    ({"steps": {}}, "intro"),
    ({"steps": {}, "reached": 0}, "intro"),
    ({"steps": {}, "reached": 1}, "about"),
    ({"steps": {}, "reached": 2}, "unit"),
    ({"steps": {}, "reached": 3}, "confirm"),
    ({"steps": {}, "reached": 12}, "confirm"),
    ({"steps": {}, "reached": 1, "furthest": "confirm"}, "confirm"),   # the name wins once there is one
])
def test_legacy_reached_index_becomes_the_steps_name(data, furthest):
    state = FLOW.state(data)
    assert state.furthest == furthest
    assert state.as_data() == {"steps": {}, "furthest": furthest}


def test_wizard_state_is_plain_data():
    data = {"steps": {"about": ABOUT_NO}, "furthest": "about"}
    state = WizardState(data)
    state.put("confirm", CONFIRM)
    assert data == {"steps": {"about": ABOUT_NO}, "furthest": "about"}    # the source is not written to
    assert state.as_data() == {"steps": {"about": ABOUT_NO, "confirm": CONFIRM}, "furthest": "about"}
    assert state.raw("unit") == {}


# -- Finalize exactly once ----------------------------------------------------------------------

@pytest.fixture
def toy(app):
    """The toy flow and its business registered for one test, with its step template."""
    FLOWS.register(ToyFlow)
    models.BUSINESSES.register(ToyBusiness)
    app.jinja_loader = ChoiceLoader([DictLoader({TOY_TEMPLATE: TOY_TEMPLATE_SOURCE}), app.jinja_loader])
    try:
        yield FLOWS[TOY_KIND]
    finally:
        del FLOWS[TOY_KIND]
        del models.BUSINESSES[TOY_KIND]


def toy_draft(applicant, steps, furthest="confirm"):
    return models.Draft.create(owner=applicant.user, kind=TOY_KIND, subject=applicant.subject,
                               data={"steps": steps, "furthest": furthest}, step=furthest)


def test_finalize_once_files_one_application_and_deletes_the_draft(app, toy, applicant):
    draft = toy_draft(applicant, {"about": ABOUT_NO, "confirm": CONFIRM})
    with app.test_request_context():
        application = toy.finalize_once(draft, {})
        with pytest.raises(AlreadyFinalized):
            toy.finalize_once(draft, {})
    assert models.Application.select().count() == 1
    stored = models.Application.get()
    assert (stored.id, stored.kind, stored.status, stored.subject_id) == (
        application.id, TOY_KIND, models.Application.PENDING, applicant.subject.id)
    assert stored.data["nickname"] == "小张"
    assert stored.data["wizard"]["steps"]["about"]["topics"] == ["网站", "APP"]
    assert not models.Draft.select().exists()


def test_finalize_with_a_step_invalid_files_nothing_and_keeps_the_draft(app, toy, applicant):
    steps = {"about": ABOUT_YES, "unit": {"unit_name": [""]}, "confirm": CONFIRM}
    draft = toy_draft(applicant, steps)
    with app.test_request_context():
        with pytest.raises(StepInvalid) as invalid:
            toy.finalize_once(draft, {})
    assert invalid.value.step.name == "unit"
    assert not models.Application.select().exists()
    kept = models.Draft.get_by_id(draft.id)
    assert kept.data == {"steps": steps, "furthest": "confirm"}
    # Once the step is put right, the same draft files.
    kept.store({"steps": {**steps, "unit": UNIT}, "furthest": "confirm"})
    with app.test_request_context():
        toy.finalize_once(kept, {})
    assert models.Application.select().count() == 1 and not models.Draft.select().exists()


def test_finalize_refused_by_the_business_keeps_the_draft(app, toy, applicant):
    draft = toy_draft(applicant, {"about": {**ABOUT_NO, "nickname": ["拒绝"]}, "confirm": CONFIRM})
    with app.test_request_context():
        with pytest.raises(models.TransitionError):
            toy.finalize_once(draft, {})
    assert not models.Application.select().exists()
    assert models.Draft.select().where(models.Draft.id == draft.id).exists()


# -- The toy flow through the real routes ------------------------------------------------------

def start_toy(client):
    """Open 示例申请 (nothing stored yet), then 【下一步】 past 【说明】: the draft begins."""
    page = client.get("/apply/toy").get_data(as_text=True)
    assert "示例说明" in page and not models.Draft.select().exists()
    response = client.post("/apply/toy", {"action": "next"})
    draft = models.Draft.get(models.Draft.kind == TOY_KIND)
    assert response.status_code == 303 and response.headers["Location"] == f"/apply/toy/{draft.id}/about"
    return draft, f"/apply/toy/{draft.id}"


def form_of(raw):
    """A step's raw values as a post."""
    return {name: values if len(values) != 1 else values[0] for name, values in raw.items()}


def stored(draft):
    return models.Draft.get_by_id(draft.id).data


def test_toy_flow_through_the_routes_files_once(toy, applicant):
    client = applicant.client
    draft, base = start_toy(client)
    response = client.post(f"{base}/about", {**form_of(ABOUT_NO), "action": "next"})
    assert response.headers["Location"] == f"{base}/confirm"     # 否: no 【单位信息】
    response = client.post(f"{base}/confirm", {"agree": "y", "action": "next"})
    assert response.headers["Location"] == f"{base}/review"
    review = client.get(f"{base}/review").get_data(as_text=True)
    assert "小张" in review and "网站、APP" in review and "单位信息" not in review
    assert client.post(f"{base}/submit").status_code == 303
    again = client.post(f"{base}/submit", follow_redirects=True).get_data(as_text=True)
    assert "该申请已提交" in again
    assert models.Application.select().where(models.Application.kind == TOY_KIND).count() == 1
    assert not models.Draft.select().exists()


def test_toy_step_beyond_the_furthest_goes_back_in_order(toy, applicant):
    client = applicant.client
    draft, base = start_toy(client)
    response = client.get(f"{base}/confirm")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{base}/about")
    assert "请按顺序填写" in client.get(response.headers["Location"]).get_data(as_text=True)
    posted = client.post(f"{base}/confirm", {"agree": "y", "action": "next"})
    assert posted.headers["Location"].endswith(f"{base}/about")
    assert "confirm" not in stored(draft)["steps"] and stored(draft)["furthest"] == "about"
    assert client.get(f"{base}/unit").status_code == 404          # not active: no such step


def test_toy_back_keeps_typed_values_and_box_lists(toy, applicant):
    client = applicant.client
    draft, base = start_toy(client)
    response = client.post(f"{base}/about", {"nickname": "小", "topics": ["APP", "小程序"], "action": "back"})
    assert response.headers["Location"] == f"{base}/intro"
    assert stored(draft)["steps"]["about"] == {"nickname": ["小"], "topics": ["APP", "小程序"]}
    page = client.get(f"{base}/about").get_data(as_text=True)
    assert 'value="小"' in page
    assert 'checked id="topics-1"' in page and 'checked id="topics-2"' in page and 'checked id="topics-0"' not in page


def test_toy_conditional_step_through_the_routes(toy, applicant):
    client = applicant.client
    draft, base = start_toy(client)
    # 是 stored first (autosave while typing), then 【下一步】: 【单位信息】 follows.
    client.post(f"{base}/about", {**form_of(ABOUT_YES), "action": "autosave"})
    response = client.post(f"{base}/about", {**form_of(ABOUT_YES), "action": "next"})
    assert response.headers["Location"] == f"{base}/unit"
    page = client.get(f"{base}/unit").get_data(as_text=True)
    assert "4. 确认" in page and "3. 单位信息" in page
    page = client.post(f"{base}/unit", {"unit_name": "", "action": "next"}).get_data(as_text=True)
    assert "请填写单位名称" in page and stored(draft)["furthest"] == "unit"
    assert client.post(f"{base}/unit", {**form_of(UNIT), "action": "next"}).headers["Location"] == f"{base}/confirm"
    client.post(f"{base}/confirm", {"agree": "y", "action": "next"})
    assert "丽水市云岭科技有限公司" in client.get(f"{base}/review").get_data(as_text=True)
    client.post(f"{base}/submit")
    assert models.Application.get().data["wizard"]["steps"]["unit"] == UNIT


def test_toy_answer_that_adds_a_step_is_followed_by_it(toy, applicant):
    client = applicant.client
    draft, base = start_toy(client)
    response = client.post(f"{base}/about", {**form_of(ABOUT_YES), "action": "next"})
    assert response.headers["Location"] == f"{base}/unit"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_toy_answer_that_removes_the_next_step_skips_it(toy, applicant, htmx):
    client = applicant.client
    draft, base = start_toy(client)
    client.post(f"{base}/about", {**form_of(ABOUT_YES), "action": "autosave"})
    client.post(f"{base}/about", {**form_of(ABOUT_YES), "action": "next"})
    client.post(f"{base}/unit", {**form_of(UNIT), "action": "back"})
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(f"{base}/about", {**form_of(ABOUT_NO), "action": "next"}, headers=headers,
                           follow_redirects=not htmx)
    assert response.status_code == 200
    assert "我确认以上信息属实" in response.get_data(as_text=True)


# -- Order and legacy drafts with the real website flow --------------------------------------------

@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_website_step_not_reached_goes_to_the_furthest_with_a_message(applicant, htmx):
    client = applicant.client
    client.post("/apply/website", {"action": "next"})
    draft = models.Draft.get()
    base = f"/apply/website/{draft.id}"
    if htmx:
        response = client.get(f"{base}/notice", headers={"HX-Request": "true"})
        assert response.status_code == 200 and response.headers["HX-Push-Url"] == f"{base}/basic"
        body = response.get_data(as_text=True)
        assert "请按顺序填写" in body and 'name="site_name"' in body and "<html" not in body
    else:
        response = client.get(f"{base}/notice")
        assert response.status_code == 303 and response.headers["Location"] == f"{base}/basic"
        assert "请按顺序填写" in client.get(f"{base}/basic").get_data(as_text=True)
    assert models.Draft.get().data["furthest"] == "basic"


def test_legacy_website_draft_resumes_at_the_step_its_index_named(applicant):
    steps = website_steps()
    draft = models.Draft.create(owner=applicant.user, kind=models.Draft.NEW_WEBSITE, subject=applicant.subject,
                                data={"steps": {"basic": steps["basic"]}, "reached": 2}, step="people")
    base = f"/apply/website/{draft.id}"
    client = applicant.client
    assert client.get(f"{base}/people").status_code == 200
    assert client.get(f"{base}/notice").headers["Location"] == f"{base}/people"
    assert client.get(f"{base}/review").headers["Location"] == f"{base}/people"
    response = client.post(f"{base}/people", {**form_of(steps["people"]), "action": "next"})
    assert response.headers["Location"] == f"{base}/notice"
    # Stored again, the draft speaks names only.
    assert stored(draft)["furthest"] == "notice" and "reached" not in stored(draft)


def test_a_background_save_never_undoes_a_step_stored_meanwhile(app, applicant):
    """An inline check read the draft, 【下一步】 stored the next step reached, then the check saves:
    its older copy must not move the draft back (it would answer 请按顺序填写 next)."""
    draft = models.Draft(owner=applicant.user.id, kind="新办网站", subject=applicant.subject)
    draft.store({"steps": {"basic": {"site_name": ["旧"]}}, "furthest": "basic"}, "basic")
    background = models.Draft.get_by_id(draft.id)          # what the check request read
    models.Draft.get_by_id(draft.id).store({"steps": {"basic": {"site_name": ["新"]}}, "furthest": "people"},
                                           "people")        # 【下一步】 meanwhile
    assert not background.store_unless_changed({"steps": {"basic": {"site_name": ["旧"]}}, "furthest": "basic"},
                                               "basic")
    assert models.Draft.get_by_id(draft.id).data["furthest"] == "people"
    fresh = models.Draft.get_by_id(draft.id)
    assert fresh.store_unless_changed({"steps": {}, "furthest": "people"}, "people")
    assert models.Draft.get_by_id(draft.id).data == {"steps": {}, "furthest": "people"}
