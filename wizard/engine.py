"""A declarative step engine: steps, a navigator, draft storage, revalidation, finalize once.

A flow is an ordered list of Steps. Step data lives in the Draft table as the
raw posted values (field name → list of strings), never in the cookie, so a
form can be rebuilt exactly as typed on any device. Steps are reachable only
in order; the final submit revalidates every step and finalizes inside one
transaction that also deletes the draft, so a second submit finds nothing.
"""
from dataclasses import dataclass
from typing import Callable

from flask import url_for
from werkzeug.datastructures import MultiDict

import models
from forms.rules import mask_id_number


@dataclass(frozen=True)
class Step:
    name: str                 # the URL part
    title: str                # the platform's label, e.g. 网站基本信息
    form: type | None         # None: a read-only step
    template: str
    condition: Callable[[dict], bool] | None = None


class AlreadyFinalized(Exception):
    """The draft was submitted already (double click, second tab)."""


class Navigator:
    """Where the user is among the steps, for templates and for order enforcement."""

    def __init__(self, steps, current, reached):
        self.steps = list(steps)
        self.names = [s.name for s in self.steps]
        self.index = self.names.index(current)
        self.current = self.steps[self.index]
        self.reached = min(reached, len(self.steps) - 1)
        self.count = len(self.steps)

    @property
    def prev(self):
        return self.steps[self.index - 1] if self.index > 0 else None

    @property
    def next(self):
        return self.steps[self.index + 1] if self.index + 1 < self.count else None

    @property
    def is_last(self):
        return self.next is None

    def items(self):
        """(number, step, state) with state done / current / todo, for the step bar."""
        return [(i + 1, step, "current" if i == self.index else "done" if i <= self.reached else "todo")
                for i, step in enumerate(self.steps)]


class WizardState:
    """A filing's typed steps and the furthest step reached (by name), as plain data.

    Built from a dict (a draft's data, an application's stored "wizard") and turned
    back into one with as_data(); it never writes anything itself.
    """

    def __init__(self, data=None):
        data = data or {}
        self.steps = dict(data.get("steps", {}))
        self.furthest = data.get("furthest")
        self.legacy_reached = data.get("reached", 0)   # drafts stored before steps were named

    def raw(self, step_name):
        return self.steps.get(step_name, {})

    def put(self, step_name, raw):
        self.steps[step_name] = raw

    def as_data(self):
        return {"steps": self.steps, "furthest": self.furthest}


def raw_from_post(form_class, formdata, context):
    """The posted values of one step's fields, every value kept (checkbox lists too, and every
    row of a repeatable list)."""
    empty = form_class(formdata=None, meta={"csrf": False}, **context)
    names = {field.name for field in _fields(empty)}
    # A repeatable list's rows "<list>-<n>-<field>", n below its limit (a post cannot grow the draft).
    rows = {field.name: field.max_entries or 0 for field in empty if field.type == "FieldList"}

    def is_row(name):
        head, _, rest = name.partition("-")
        index = rest.partition("-")[0]
        return head in rows and index.isdigit() and int(index) < rows[head]
    return {name: formdata.getlist(name) for name in formdata if name in names or is_row(name)}


def _fields(form):
    """Every leaf field of a form, descending into FormFields and the rows of FieldLists."""
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                yield from (entry.form if entry.type == "FormField" else [entry])
        elif field.type == "FormField":
            yield from field.form
        elif field.type != "CSRFTokenField":
            yield field


def raw_from_form(form):
    """A form's current values in the stored raw shape (after the server filled some in)."""
    raw = {}
    for field in _fields(form):
        if field.type == "BooleanField":
            raw[field.name] = ["y"] if field.data else []
        elif isinstance(field.data, (list, tuple)):
            raw[field.name] = [str(v) for v in field.data]
        else:
            raw[field.name] = ["" if field.data is None else str(field.data)]
    return raw


def rebuild(form_class, raw, context):
    """A step's form filled from stored raw values, as the user typed them."""
    formdata = MultiDict([(name, value) for name, values in raw.items() for value in values])
    return form_class(formdata=formdata, meta={"csrf": False}, **context)


class Flow:
    """A business filed through steps. A flow declares:

    name            the URL part (/apply/<name>/…)
    kind            its Draft kind, which is also the kind of the application it files
    title           the platform's words (新办网站申请 …)
    steps           Step(name, title, form, template, condition) in order
    opened_from_list  True: started from a list row (a filed site, an imported site), not the menu
    first_form_step the step a resumed or returned filing opens at when no rule is broken
    context(subject, service, imported)  keyword arguments every step form receives
    open_draft(owner, subject, prefill, furthest, **links)  a draft opened from a list, filled in
    subject_problem(subject) / draft_problem(draft)  why it cannot be filed now
    finalize(draft, state, context)  file it through its business; return the application
    done_url(application)  where the applicant lands after 【提交】 (default: 申请详情)
    """

    name = ""
    kind = ""
    title = ""
    steps: tuple = ()
    opened_from_list = False

    @property
    def first_form_step(self):
        return next(step for step in self.steps if step.form is not None)

    def active_steps(self, state):
        data = state.as_data()
        return [s for s in self.steps if s.condition is None or s.condition(data)]

    def step(self, state, name):
        return next((s for s in self.active_steps(state) if s.name == name), None)

    def state(self, data):
        """The WizardState of stored data; old drafts' step index becomes the step's name."""
        state = WizardState(data)
        if state.furthest is None:
            state.furthest = self.steps[min(state.legacy_reached, len(self.steps) - 1)].name
        return state

    def reached(self, state):
        """Index among the active steps of the furthest step reached (a step that is no longer
        active counts as the last active one before it)."""
        order = [s.name for s in self.steps]
        limit = order.index(state.furthest) if state.furthest in order else 0
        return max(0, sum(1 for s in self.active_steps(state) if order.index(s.name) <= limit) - 1)

    def advance(self, state, step_name):
        """Note a step as reached, never moving the furthest one back."""
        order = [s.name for s in self.steps]
        if state.furthest not in order or order.index(step_name) > order.index(state.furthest):
            state.furthest = step_name

    def context(self, subject, service=None, imported=None):
        """Keyword arguments every step form of this flow receives."""
        return {}

    def open_draft(self, owner, subject, prefill, furthest, **links):
        """A stored draft already filled in (prefill: a WizardState), reached up to the step named
        furthest and opening at the first form step; links: service= (变更) or imported= (认领)."""
        prefill.furthest = furthest
        draft = models.Draft(owner=owner, kind=self.kind, subject=subject, **links)
        return draft.store(prefill.as_data(), step=self.first_form_step.name)

    def done_url(self, application):
        """Where the applicant lands after 【提交】: the application's 申请详情."""
        return url_for("workspace.application", application_id=application.id)

    def draft_context(self, draft):
        return self.context(draft.subject, draft.service, draft.imported)

    def filed_context(self, application, imported=None):
        """The step forms' context when rebuilt from a filed application (review, 退回)."""
        return self.context(application.subject, application.service, imported)

    def subject_problem(self, subject):
        return None

    def draft_problem(self, draft):
        return None

    def first_invalid(self, state, context):
        """The first step whose stored values no longer validate (None: all good)."""
        for step in self.active_steps(state):
            if step.form is not None and not rebuild(step.form, state.raw(step.name), context).validate():
                return step
        return None

    def finalize_once(self, draft, context):
        """Revalidate every step and file, inside one transaction that also deletes the draft:
        exactly once, and never with a step that stopped being valid meanwhile."""
        state = self.state(draft.data)
        with models.db.atomic():
            if not models.Draft.delete().where(models.Draft.id == draft.id).execute():
                raise AlreadyFinalized()
            invalid = self.first_invalid(state, context)
            if invalid is not None:
                raise StepInvalid(invalid)
            return self.finalize(draft, state, context)

    def finalize(self, draft, state, context):
        raise NotImplementedError

    def warnings(self, state, context):
        """Advice to show before the final submit (nothing that blocks it)."""
        return []

    def summary(self, state, context):
        """(step, rows) for every step with a form: what was filled, as a page may show it."""
        sections = []
        for step in self.active_steps(state):
            if step.form is None:
                continue
            form = rebuild(step.form, state.raw(step.name), context)
            sections.append((step, summary_rows(form)))
        return sections


class StepInvalid(Exception):
    """A step no longer validates at 【提交】; nothing was filed."""

    def __init__(self, step):
        super().__init__(step.name)
        self.step = step


# Every flow by name (the URL) and by the kind of application it files.
FLOWS = models.Registry()


def flow_by_name(name):
    return next((flow for flow in FLOWS.values() if flow.name == name), None)


def display(field):
    """One field's value in words: lists joined, yes/no, personal numbers masked."""
    data = field.data
    if hasattr(field, "summary_text"):
        return field.summary_text()
    if field.type == "BooleanField":
        return "是" if data else "否"
    # The words chosen, not the codes posted (运行平台 安卓, 承载平台 微信, a province's name).
    words = dict(field.choices) if isinstance(getattr(field, "choices", None), (list, tuple)) else {}
    if isinstance(data, (list, tuple)):
        return "、".join(str(words.get(v, v)) for v in data) or "—"
    if words:
        return words.get(data, data) if data else "—"
    if field.name.endswith("id_number") and data:
        return mask_id_number(data)
    return data or "—"


def summary_rows(form):
    """(label, value) of every visible field, FormField blocks titled by their label."""
    rows = []
    for field in form:
        if field.type in ("CSRFTokenField", "HiddenField") or getattr(field, "summary_skip", False):
            continue
        if field.type == "FormField":
            rows += [(f"{field.label.text}·{sub.label.text}", display(sub)) for sub in field.form
                     if sub.type != "BooleanField" and not getattr(sub, "summary_skip", False)]
        elif field.type == "FieldList":
            # Each filled row on one line: "名称：…；提供方：…".
            filled = ["；".join(f"{sub.label.text}：{sub.data}" for sub in entry.form if sub.data)
                      for entry in field.entries]
            rows.append((field.label.text, " / ".join(row for row in filled if row) or "—"))
        else:
            rows.append((field.label.text, display(field)))
    return rows


# -- What the review and detail pages read off a filed application -----------------------

def _stored(application):
    """(flow, state, context) rebuilt from what an application stored, or None."""
    flow = FLOWS.get(application.kind)
    stored = application.data.get("wizard")
    if flow is None or stored is None:
        return None
    imported = models.ImportedSite.get_or_none(models.ImportedSite.id == application.data["imported"]) \
        if application.data.get("imported") else None
    # The filed service itself holds its domains: it must not count as taking them.
    return flow, flow.state(stored), flow.filed_context(application, imported)


def summary_of(application):
    """The sections an application's detail page shows, rebuilt from its stored wizard data."""
    stored = _stored(application)
    return stored[0].summary(stored[1], stored[2]) if stored else []


def recheck(application):
    """Rules broken now by what an application filed, and hosts another filing also asks
    for (flagged on the review page)."""
    stored = _stored(application)
    if stored is None:
        return []
    flow, state, context = stored
    problems = []
    for step in flow.active_steps(state):
        if step.form is None:
            continue
        form = rebuild(step.form, state.raw(step.name), context)
        form.validate()
        problems += [f"【{step.title}】{message}" for field in form for message in _messages(field)]
    for held in models.HELD:
        for value, other in held.conflicts(application):
            problems.append(f"{held.LABEL}{value}另有{other.kind_label}“{other.name}”（{other.status}）也在申请，先通过者有效")
    return problems


def reopen_step(application):
    """Where a returned filing should open: the first step that breaks a rule now, else the
    flow's first form step (the officer's reason says what to change)."""
    stored = _stored(application)
    if stored is None:
        return None
    flow, state, context = stored
    return (flow.first_invalid(state, context) or flow.first_form_step).name


def _messages(field):
    if field.type == "FieldList":
        return [f"{field.label.text}：{m}" for m in field.errors if isinstance(m, str)]
    if field.type == "FormField":
        return [f"{field.label.text}·{sub.label.text}：{m}" for sub in field.form for m in sub.errors]
    return [f"{field.label.text}：{m}" for m in field.errors]


def changes_of(application):
    """A 变更: (label, before, after) of each field it alters, for the officer and the applicant."""
    stored = _stored(application)
    before = application.data.get("before")
    if stored is None or before is None:
        return []
    flow, state, context = stored
    old = {label: value for _, rows in flow.summary(flow.state(before), context) for label, value in rows}
    return [(label, old.get(label, "—"), value) for _, rows in flow.summary(state, context)
            for label, value in rows if old.get(label, "—") != value]
