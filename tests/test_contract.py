"""Contract tests over every registered flow (wizard.engine.FLOWS) and every registered business
(models.BUSINESSES), in the manner of formtools' storage contract tests: a flow or business is
tested by being declared. The parameters are read off the registries when pytest collects this
module (conftest has imported app, which imports businesses and wizard.routes), so a new
declaration is picked up without touching this file, and fails loudly here where the contract
needs something only its author can give (sample values for a new step form, a life recipe).
"""
import json
import os
import re
from types import SimpleNamespace

import pytest

import businesses
import models
from forms.assessment import (AssessmentConclusionForm, AssessmentManagementForm, AssessmentMeasuresForm,
                              AssessmentScopeForm)
from forms.filing import NoticeForm
from forms.app import AppBasicForm, AppPeopleForm, MiniappBasicForm, MiniappPeopleForm
from forms.provider import AppstoreBasicForm, AppstorePeopleForm, ProviderBasicForm, ProviderPeopleForm
from forms.unit import UnitBasicForm, UnitPeopleForm
from forms.website import WebsiteBasicForm, WebsitePeopleForm
from tests.conftest import ROOT, file_through_flow
from tests.factories import (app_basic, appstore_basic, assessment_steps, miniapp_basic, provider_basic, unit_basic,
                             unit_form, website_basic, website_people, website_person)
from wizard.engine import FLOWS, Flow, Step, flow_by_name, rebuild, reopen_step, summary_of
from wizard.routes import resume_url


def flow_cases():
    return list(FLOWS.values())


def business_cases():
    return list(models.BUSINESSES.values())


each_flow = pytest.mark.parametrize("flow", flow_cases(), ids=lambda flow: flow.name)
each_business = pytest.mark.parametrize("business", business_cases(), ids=lambda business: type(business).__name__)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SLUG = re.compile(r"[a-z][a-z0-9-]*")
# Routes beside /apply/<flow>/<draft>/<step>: a step of these names could never be reached.
RESERVED_STEP_NAMES = {"review", "submit"}
PROTOCOL = ("file", "approve", "give_back", "check_give_back", "still_possible", "review_days", "facts",
            "applicant_facts", "flags", "confirm_needed", "confirm")


# -- What a person types into each step form (a new step form adds its values here) -----------

SAMPLES = {
    WebsiteBasicForm: lambda site: website_basic(site.domain, site.name),
    WebsitePeopleForm: lambda site: website_people(),
    NoticeForm: lambda site: {"agree": ["y"]},
    AppBasicForm: lambda site: app_basic(site.owner, name=site.name),
    AppPeopleForm: lambda site: website_people(),
    MiniappBasicForm: lambda site: miniapp_basic(site.name),
    MiniappPeopleForm: lambda site: website_person("owner", "张建国", 123, "13905781234"),
    ProviderBasicForm: lambda site: provider_basic(site.owner, name=site.name),
    ProviderPeopleForm: lambda site: {**website_person("owner", "张建国", 123, "13905781234"),
                                      **website_person("security", "李秀英", 456, "13905782222")},
    AppstoreBasicForm: lambda site: appstore_basic(site.owner, name=site.name),
    AppstorePeopleForm: lambda site: website_people(),
    UnitBasicForm: lambda site: unit_basic(site.owner, name=site.name),
    UnitPeopleForm: lambda site: {**website_person("owner", "张建国", 123, "13905781234"),
                                  **website_person("admin", "李秀英", 456, "13905782222")},
    # A 安全评估 report is on the filed service setting() gives.
    AssessmentScopeForm: lambda site: assessment_steps(site.service)["scope"],
    AssessmentManagementForm: lambda site: assessment_steps(site.service)["management"],
    AssessmentMeasuresForm: lambda site: assessment_steps(site.service)["measures"],
    AssessmentConclusionForm: lambda site: assessment_steps(site.service)["conclusion"],
}
# The filed service of each kind a 变更 or 注销 starts from (fixtures in conftest).
FILED = {models.Service.WEBSITE: "filed_site", models.Service.APP: "filed_app",
         models.Service.MINIAPP: "filed_miniapp", models.Service.PROVIDER: "filed_provider",
         models.Service.APPSTORE: "filed_appstore", models.Service.UNIT: "filed_unit"}


def filed_fixture(business, request):
    if business.target not in FILED:
        pytest.fail(f"no filed {business.target} fixture for {business.kind}: add one to FILED beside filed_site")
    return request.getfixturevalue(FILED[business.target])


def typed_steps(flow, site):
    """Valid raw values for every form step of flow, for a site (its domain and name)."""
    steps = {}
    for step in flow.steps:
        if step.form is None:
            continue
        if step.form not in SAMPLES:
            pytest.fail(f"no sample values for {step.form.__name__} ({flow.name}/{step.name}): "
                        "add them to SAMPLES in tests/test_contract.py")
        steps[step.name] = SAMPLES[step.form](site)
    return steps


def setting(flow, request):
    """(links, site): what a draft of flow is opened from and the site it files. A 变更 edits a
    filed service; a flow opened from a list otherwise takes up an imported offline filing."""
    business = models.BUSINESSES[flow.kind]
    owner = request.getfixturevalue("applicant").user.id
    # Every filing goes to the officer, so 通过, 退回 and 撤销 can each be tried (IP登记 is
    # otherwise filed at once: tests/test_units.py).
    models.Bureau.update(ip_instant=False).execute()
    # A 服务商 is the subject itself, by name; the others are named as a site or an APP.
    subject_name = request.getfixturevalue("applicant").subject.name
    first, changed = ((subject_name, subject_name) if business.target in (models.Service.PROVIDER, models.Service.UNIT)
                      else ("丽水山居旅游网", "丽水山居民宿网"))
    if business.target == models.Assessment.TARGET:
        # A report covers a filed service, chosen in its first step.
        service = request.getfixturevalue("filed_site")
        return {}, SimpleNamespace(domain=service.domain, name=service.name, owner=owner, service=service)
    if getattr(business, "needs_filed_service", False):
        service = filed_fixture(business, request)
        return {"service": service}, SimpleNamespace(domain=service.domain, name=changed, owner=owner)
    if flow.opened_from_list:
        imported = request.getfixturevalue("imported_site")
        return {"imported": imported}, SimpleNamespace(domain=imported.domain, name=imported.name, owner=owner)
    return {}, SimpleNamespace(domain="lsly.cn", name=first, owner=owner)


def messages(form):
    """Every error message of a validated form, FormField blocks included."""
    def flat(errors):
        for value in errors.values() if isinstance(errors, dict) else errors:
            yield from flat(value) if isinstance(value, (dict, list)) else [value]
    return list(flat(form.errors))


# -- Flows ---------------------------------------------------------------------------------------

def test_flows_are_registered_by_kind_and_have_unique_names():
    assert FLOWS, "no flow registered: is app imported first?"
    assert all(key == flow.kind for key, flow in FLOWS.items())
    names = [flow.name for flow in FLOWS.values()]
    assert len(names) == len(set(names))


@each_flow
def test_flow_declares_itself(flow):
    assert flow_by_name(flow.name) is flow, "another flow has this name"
    assert SLUG.fullmatch(flow.name) and CHINESE.search(flow.title)
    assert flow.kind in models.BUSINESSES, "its kind is no registered business"
    assert models.BUSINESSES[flow.kind].filing, "the business of a flow's kind must be a filing"
    assert len(flow.kind) <= models.Draft.kind.max_length
    names = [step.name for step in flow.steps]
    assert len(names) == len(set(names)), "step names repeat"
    for step in flow.steps:
        assert SLUG.fullmatch(step.name) and len(step.name) <= models.Draft.step.max_length
        assert step.name not in RESERVED_STEP_NAMES
        assert CHINESE.search(step.title)


@each_flow
def test_first_step_is_reachable(flow):
    state = flow.state({})
    first = flow.steps[0]
    assert first.condition is None and flow.step(state, first.name) is first
    assert flow.reached(state) == 0
    # The start route shows the first step without a form and moves on to the second at once.
    assert first.form is None and flow.steps[1].condition is None
    assert flow.first_form_step.form is not None and flow.first_form_step.condition is None


@each_flow
def test_every_step_template_exists(flow, app):
    for step in flow.steps:
        assert os.path.isfile(os.path.join(ROOT, "templates", step.template)), step.template
        assert app.jinja_env.get_template(step.template) is not None


@each_flow
def test_context_is_accepted_by_every_step_form(flow, app, applicant):
    with app.test_request_context():
        for context in (flow.context(applicant.subject), flow.context(applicant.subject, None, None)):
            assert isinstance(context, dict)
            for step in flow.steps:
                if step.form is None:
                    continue
                form = step.form(formdata=None, meta={"csrf": False}, **context)
                assert not form.errors
                empty = rebuild(step.form, {}, context)
                assert empty.validate() in (True, False)
                assert all(CHINESE.search(m) for m in messages(empty)), messages(empty)


@each_flow
def test_typed_values_pass_every_step(flow, app, applicant, request):
    links, site = setting(flow, request)
    state = flow.state({"steps": typed_steps(flow, site), "furthest": flow.steps[-1].name})
    with app.test_request_context():
        context = flow.context(applicant.subject, links.get("service"), links.get("imported"))
        assert flow.first_invalid(state, context) is None
        sections = flow.summary(state, context)
    assert [step.name for step, _ in sections] == [s.name for s in flow.active_steps(state) if s.form]
    assert all(rows for _, rows in sections)


@each_flow
def test_every_step_renders_through_the_routes(flow, app, applicant, request):
    client = applicant.client
    links, site = setting(flow, request)   # first: a flow may need something filed to start
    start = client.get(f"/apply/{flow.name}")
    if flow.opened_from_list:
        assert start.status_code == 404
    else:
        assert start.status_code == 200 and f"<h2>{flow.steps[0].title}</h2>" in start.get_data(as_text=True)
    draft = models.Draft.create(owner=applicant.user, kind=flow.kind, subject=applicant.subject, **links,
                                data={"steps": typed_steps(flow, site), "furthest": flow.steps[-1].name})
    base = f"/apply/{flow.name}/{draft.id}"
    for step in flow.active_steps(flow.state(draft.data)):
        page = client.get(f"{base}/{step.name}")
        assert page.status_code == 200, step.name
        assert f"<h2>{step.title}</h2>" in page.get_data(as_text=True)
    review = client.get(f"{base}/review")
    assert review.status_code == 200 and site.name in review.get_data(as_text=True)
    with app.test_request_context():
        assert resume_url(models.Draft.get_by_id(draft.id)).startswith(base + "/")


@each_flow
def test_flow_files_one_application_of_its_kind(flow, app, applicant, officer, request):
    links, site = setting(flow, request)
    steps = typed_steps(flow, site)
    application = file_through_flow(app, flow, applicant.subject, steps, **links)
    stored = models.Application.get_by_id(application.id)
    assert (stored.kind, stored.status, stored.subject_id) == (flow.kind, models.Application.PENDING,
                                                               applicant.subject.id)
    assert stored.data["wizard"]["steps"] == steps
    assert stored.data["last_step"] in [step.name for step in flow.steps]
    assert not models.Draft.select().where(models.Draft.kind == flow.kind).exists()
    with app.test_request_context():
        assert [step.name for step, _ in summary_of(stored)] == [s.name for s in flow.steps if s.form]
        assert reopen_step(stored) == flow.first_form_step.name
    page = officer.get(f"/review/{stored.id}")
    assert page.status_code == 200 and site.name in page.get_data(as_text=True)
    assert applicant.client.get(f"/applications/{stored.id}").status_code == 200


# -- Businesses ---------------------------------------------------------------------------------

def test_registry_refuses_a_kind_declared_twice():
    registry = models.Registry()
    registry.register(businesses.NewWebsite)
    with pytest.raises(ValueError):
        registry.register(businesses.NewWebsite)


@each_business
def test_business_kind_is_its_chinese_label(business):
    assert models.BUSINESSES[business.kind] is business
    # In the platform's words: Chinese, with the latin it uses itself (新办APP).
    assert re.fullmatch(r"[\u4e00-\u9fffA-Z]+", business.kind) and CHINESE.search(business.kind), business.kind
    assert len(business.kind) <= min(models.Application.kind.max_length, models.Draft.kind.max_length)
    assert [type(b) for b in models.BUSINESSES.values()].count(type(business)) == 1


@each_business
def test_business_declares_the_protocol(business):
    for name in PROTOCOL:
        assert callable(getattr(business, name, None)), name
    assert type(business).approve is not businesses.Business.approve, "通过 must do something"
    assert business.target in ("subject", models.Assessment.TARGET) or business.target in models.Service.KINDS
    assert isinstance(business.returns_draft, bool) and isinstance(business.filing, bool)
    assert isinstance(business.facts_title, str) and isinstance(business.issues_number_hint, str)
    assert isinstance(business.confirmation, str)
    if business.number_kind is not None:
        assert re.fullmatch(r"\d\d", business.number_kind) and business.target != "subject"


@each_business
def test_a_filing_has_a_flow_and_only_a_filing_has_one(business):
    assert (business.kind in FLOWS) == business.filing
    if business.filing:
        assert business.returns_draft, "what was typed into a flow must come back on 退回/撤销"


# -- A life per business: file, then 通过 / 退回 / 撤销 ---------------------------------------------

def world():
    """What a decision may change, as plain data (drafts, notices and the application aside)."""
    subject, service = models.Subject, models.Service
    return {
        "subjects": sorted((s.id, s.owner_id, s.status, s.name) for s in
                           subject.select().where(subject.status != subject.CANCELLED)),
        "services": sorted((s.id, s.kind, s.subject_id, s.status, s.name, s.domain, s.record_number, s.interactive,
                            json.dumps(s.data, sort_keys=True, ensure_ascii=False)) for s in service.select()),
        "domains": sorted((d.domain, d.kind, d.service_id, d.application_id, d.live) for d in models.Domain.select()),
        "keys": sorted((k.value, k.kind, k.service_id, k.application_id, k.live) for k in models.ServiceKey.select()),
        "pictures": sorted(u.id for u in models.Upload.select()),
        "imported": sorted((i.id, i.service_id) for i in models.ImportedSite.select()),
        "numbers": sorted((r.bureau_id, r.kind_code, r.last) for r in models.RecordSequence.select()),
        "assessments": sorted((a.id, a.service_id, a.status) for a in models.Assessment.select()),
        "assessment_due": sorted((s.id, s.assessment_due_since, s.assessment_trigger) for s in service.select()),
    }


def live_domains(service):
    return sorted(d.domain for d in models.Domain.select().where(models.Domain.service == service,
                                                                  models.Domain.live))


class Life:
    """How to file one business from the shared fixtures, and what 通过 must leave behind."""

    reopen_at = None      # the step a 退回 names (wizard filings)

    def __init__(self, business, request):
        self.business = business
        self.app = request.getfixturevalue("app")
        self.applicant = request.getfixturevalue("applicant")
        self.subject = self.applicant.subject

    def resumed_shows(self, draft):
        """What the page 【详情】 of the returned draft opens must show."""
        return self.typed["name"]

    def target(self, application):
        """The subject or service the application is about, fresh from the database."""
        if self.business.target == "subject":
            return models.Subject.get_by_id(application.subject_id)
        return models.Service.get_by_id(application.service_id)


class NewSubjectLife(Life):
    def __init__(self, business, request):
        super().__init__(business, request)
        self.typed = unit_form(name="丽水市山居文化传媒有限公司", cert_number="91110000802100433B")
        self.data = {**{k: v for k, v in self.typed.items() if k in models.Subject.DATA_FIELDS},
                     "region_code": self.typed["county"]}
        self.draft_links = {"subject_id": None}

    def file(self):
        subject = models.Subject.file_new(self.applicant.user.id, self.data, self.applicant.bureau, self.typed)
        return subject.applications.get()

    def approved(self, application):
        subject = self.target(application)
        assert (subject.status, subject.name) == (models.Subject.VALID, self.typed["name"])
        assert subject.approved_at is not None

    def draft_holds_what_was_typed(self, draft):
        assert draft.data == self.typed


class ChangeSubjectLife(Life):
    def __init__(self, business, request):
        super().__init__(business, request)
        self.typed = unit_form(name="丽水市云岭数字科技有限公司")
        self.data = {**self.subject.as_data(), "name": self.typed["name"]}
        self.draft_links = {"subject_id": self.subject.id}

    def file(self):
        return self.subject.request_change(self.data, self.typed)

    def approved(self, application):
        subject = self.target(application)
        assert (subject.status, subject.name) == (models.Subject.VALID, self.typed["name"])

    def draft_holds_what_was_typed(self, draft):
        assert draft.data == self.typed


class CancelSubjectLife(Life):
    def __init__(self, business, request):
        super().__init__(business, request)
        self.site = request.getfixturevalue("filed_site")   # 注销 must take it along

    def file(self):
        return self.subject.request_cancel("公司停业")

    def approved(self, application):
        assert self.target(application).status == models.Subject.CANCELLED
        site = models.Service.get_by_id(self.site.id)
        assert site.status == models.Service.CANCELLED and site.record_number == self.site.record_number
        assert live_domains(site) == []


class WizardFilingLife(Life):
    """新办, 认领 or 变更 through the business's own flow, as 【提交】 files it."""

    def __init__(self, business, request):
        super().__init__(business, request)
        if business.kind not in FLOWS:
            pytest.fail(f"{business.kind} is a wizard filing without a flow")
        self.flow = FLOWS[business.kind]
        self.links, self.site = setting(self.flow, request)
        self.steps = typed_steps(self.flow, self.site)
        self.number_before = self.links["service"].record_number if "service" in self.links else None
        self.reopen_at = self.flow.first_form_step.name
        self.draft_links = {"subject_id": self.subject.id,
                            **{f"{name}_id": row.id for name, row in self.links.items()}}

    def file(self):
        application = file_through_flow(self.app, self.flow, self.subject, self.steps, **self.links)
        self.last_step = application.data["last_step"]
        return application

    def approved(self, application):
        service = self.target(application)
        assert (service.status, service.name) == (models.Service.FILED, self.site.name)
        filed = application.data["filed"]
        assert live_domains(service) == sorted(filed.get("domains", []))
        assert sorted(k.value for k in models.ServiceKey.select().where(
            models.ServiceKey.service == service, models.ServiceKey.live)) == sorted(self.business.keys(filed))
        assert service.data == application.data["filed"]
        if isinstance(self.business, businesses.ChangeFiling):
            assert service.id == self.links["service"].id and service.record_number == self.number_before
        if "imported" in self.links:
            imported = models.ImportedSite.get_by_id(self.links["imported"].id)
            assert imported.service_id == service.id and service.record_number == imported.record_number

    def draft_holds_what_was_typed(self, draft):
        assert draft.data["steps"] == self.steps

    def resumed_shows(self, draft):
        return f"<h2>{self.flow.step(self.flow.state(draft.data), draft.step).title}</h2>"


class CancelFilingLife(Life):
    def __init__(self, business, request):
        super().__init__(business, request)
        self.site = filed_fixture(business, request)

    def file(self):
        return self.business.file(self.subject, {"reason": "停止运营", "leader_name": "张建国",
                                                 "site_check": "网站首页无法访问",
                                                 "site_checked_at": "2026-11-23 10:00"}, service=self.site)

    def approved(self, application):
        service = self.target(application)
        assert service.id == self.site.id and service.status == models.Service.CANCELLED
        assert service.record_number == self.site.record_number and live_domains(service) == []
        # Kept for the query.
        assert models.Domain.select().where(models.Domain.service == service).count() == len(self.site.domains())


class AssessmentLife(WizardFilingLife):
    """新办安全评估: the report on a filed site; 通过 puts it on record and meets the site's need."""

    def __init__(self, business, request):
        super().__init__(business, request)
        models.Service.update(assessment_due_since=models.timeutil.now(), assessment_trigger="上线或新增功能").where(
            models.Service.id == self.site.service.id).execute()

    def target(self, application):
        return models.Assessment.get(models.Assessment.application == application.id)

    def approved(self, application):
        report = self.target(application)
        assert (report.status, report.service_id) == (models.Assessment.ASSESSED, self.site.service.id)
        assert report.data == application.data["filed"] and report.assessed_at is not None
        assert models.Service.get_by_id(self.site.service.id).assessment_due_since is None


# Most specific first: a new business is matched by what it subclasses.
LIVES = [
    (businesses.NewAssessment, AssessmentLife),
    (businesses.NewSubject, NewSubjectLife),
    (businesses.ChangeSubject, ChangeSubjectLife),
    (businesses.CancelSubject, CancelSubjectLife),
    (businesses.WizardFiling, WizardFilingLife),
    (businesses.CancelFiling, CancelFilingLife),
]


def life_of(business, request):
    for base, life in LIVES:
        if isinstance(business, base):
            return life(business, request)
    pytest.fail(f"no life recipe for {type(business).__name__}: add one to LIVES in tests/test_contract.py")


def new_drafts(known):
    return list(models.Draft.select().where(models.Draft.id.not_in(known or [0])))


@each_business
@pytest.mark.parametrize("outcome", ["approve", "return", "withdraw"])
def test_life(business, outcome, request, officer):
    life = life_of(business, request)
    before, drafts_before = world(), [d.id for d in models.Draft.select()]
    application = life.file()
    assert (application.kind, application.status) == (business.kind, models.Application.PENDING)
    # What the review and detail pages read off it.
    assert isinstance(business.review_days(application), int) and business.review_days(application) >= 0
    facts = business.facts(application)
    assert all(len(row) == 2 for row in facts) and (business.facts_title or not facts)
    assert set(business.applicant_facts(application)) <= set(facts)
    assert all(isinstance(flag, str) for flag in business.flags(application))
    assert officer.get(f"/review/{application.id}").status_code == 200
    assert life.applicant.client.get(f"/applications/{application.id}").status_code == 200
    target_number = getattr(life.target(application), "record_number", None)

    if outcome == "approve":
        if business.confirm_needed(application):
            # 通过 waits for the officer's tick (a 网站认领 whose claimant proved no control by SMS).
            assert business.confirmation
            with pytest.raises(models.TransitionError):
                application.decide(True, reviewer=officer.user.id)
            business.confirm(application)
        application.decide(True, reviewer=officer.user.id)
        assert models.Application.get_by_id(application.id).status == models.Application.APPROVED
        life.approved(application)
        number = getattr(life.target(application), "record_number", None)
        if business.number_kind:
            division = application.bureau.division_code
            assert re.fullmatch(rf"[\u4e00-\u9fff]公网安备 {division}{business.number_kind}\d{{6}}号", number or ""), number
            assert target_number is None, "a number is given once, by the filing that puts it on record"
        else:
            assert number == target_number
            assert world()["numbers"] == before["numbers"]
        assert new_drafts(drafts_before) == []
        return

    if outcome == "return":
        application.decide(False, reviewer=officer.user.id, reason="材料不全", reopen_at=life.reopen_at)
        assert models.Application.get_by_id(application.id).status == models.Application.RETURNED
    else:
        application.withdraw()
        assert models.Application.get_by_id(application.id).status == models.Application.WITHDRAWN
    assert world() == before, "退回/撤销 must leave everything as it was before filing"
    drafts = new_drafts(drafts_before)
    if not business.returns_draft:
        assert drafts == []
        return
    assert len(drafts) == 1
    draft = drafts[0]
    assert (draft.kind, draft.owner_id) == (business.kind, life.applicant.user.id)
    assert {name: getattr(draft, name) for name in life.draft_links} == life.draft_links
    life.draft_holds_what_was_typed(draft)
    if life.reopen_at:
        assert draft.step == (life.reopen_at if outcome == "return" else life.last_step)
    # 我的草稿 lists it, and 【详情】 opens it.
    client = life.applicant.client
    listed = client.get(f"/drafts?kind={business.kind}").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)">详情</a>', listed)
    assert len(links) == 1
    resumed = client.get(links[0].replace("&amp;", "&"), follow_redirects=True)
    assert resumed.status_code == 200 and life.resumed_shows(draft) in resumed.get_data(as_text=True)


# -- The contract itself ----------------------------------------------------------------------------

def test_a_new_declaration_is_picked_up_and_a_bad_one_is_caught():
    class LaterBusiness(businesses.NewWebsite):
        kind = "新办测试网站"

    class LaterFlow(Flow):
        name = "later"
        kind = "新办测试网站"
        title = "新办测试网站"
        steps = (Step("basic", "网站基本信息", WebsiteBasicForm, "wizard/_step_basic.html"),)

    models.BUSINESSES.register(LaterBusiness)
    FLOWS.register(LaterFlow)
    try:
        assert FLOWS["新办测试网站"] in flow_cases()
        assert models.BUSINESSES["新办测试网站"] in business_cases()
        test_flow_declares_itself(FLOWS["新办测试网站"])
        test_business_declares_the_protocol(models.BUSINESSES["新办测试网站"])
        # Its first step has a form: the start route could not show it.
        with pytest.raises(AssertionError):
            test_first_step_is_reachable(FLOWS["新办测试网站"])
    finally:
        del FLOWS["新办测试网站"]
        del models.BUSINESSES["新办测试网站"]
    # Unregistered, its kind is no business any more: the flow contract says so.
    with pytest.raises(AssertionError):
        test_flow_declares_itself(LaterFlow())
