"""A declarative step engine: steps, a navigator, draft storage, revalidation, finalize once.

A flow is an ordered list of Steps. Step data lives in the Draft table as the
raw posted values (field name → list of strings), never in the cookie, so a
form can be rebuilt exactly as typed on any device. Steps are reachable only
in order; the final submit revalidates every step and finalizes inside one
transaction that also deletes the draft, so a second submit finds nothing.
"""
from dataclasses import dataclass
from typing import Callable

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
    """The draft's stored steps and how far the user has come."""

    def __init__(self, draft):
        self.draft = draft
        values = draft.values()
        self.steps = values.get("steps", {})
        self.reached = values.get("reached", 0)

    def raw(self, step_name):
        return self.steps.get(step_name, {})

    def save(self, step_name=None, raw=None, reached=None):
        """Store one step's typed values (and progress) in the draft."""
        if step_name is not None and raw is not None:
            self.steps[step_name] = raw
        if reached is not None:
            self.reached = max(self.reached, reached)
        self.draft.store({"steps": self.steps, "reached": self.reached}, step=step_name)

    def as_data(self):
        return {"steps": self.steps, "reached": self.reached}


def raw_from_post(form_class, formdata, context):
    """The posted values of one step's fields, every value kept (checkbox lists too)."""
    names = {field.name for field in _fields(form_class(formdata=None, meta={"csrf": False}, **context))}
    return {name: formdata.getlist(name) for name in formdata if name in names}


def _fields(form):
    """Every leaf field of a form, descending into FormFields."""
    for field in form:
        if field.type == "FormField":
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
    """A business filed through steps; subclasses declare steps and finalize."""

    name = ""
    kind = ""
    title = ""
    steps: tuple = ()

    def active_steps(self, data):
        return [s for s in self.steps if s.condition is None or s.condition(data)]

    def step(self, data, name):
        return next((s for s in self.active_steps(data) if s.name == name), None)

    def context(self, draft):
        """Keyword arguments every step form of this flow receives."""
        return {}

    def first_invalid(self, state, context):
        """The first step whose stored values no longer validate (None: all good)."""
        for step in self.active_steps(state.as_data()):
            if step.form is not None and not rebuild(step.form, state.raw(step.name), context).validate():
                return step
        return None

    def finalize_once(self, draft, context):
        """Revalidate and file; the draft is deleted in the same transaction, exactly once."""
        with models.db.atomic():
            if not models.Draft.delete().where(models.Draft.id == draft.id).execute():
                raise AlreadyFinalized()
            return self.finalize(draft, WizardState(draft), context)

    def finalize(self, draft, state, context):
        raise NotImplementedError

    def warnings(self, state, context):
        """Advice to show before the final submit (nothing that blocks it)."""
        return []

    def summary(self, state, context):
        """(step, rows) for every step with a form: what was filled, as a page may show it."""
        sections = []
        for step in self.active_steps(state.as_data()):
            if step.form is None:
                continue
            form = rebuild(step.form, state.raw(step.name), context)
            sections.append((step, summary_rows(form)))
        return sections


def display(field):
    """One field's value in words: lists joined, yes/no, personal numbers masked."""
    data = field.data
    if field.type == "BooleanField":
        return "是" if data else "否"
    if isinstance(data, (list, tuple)):
        return "、".join(str(v) for v in data) or "—"
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
        else:
            rows.append((field.label.text, display(field)))
    return rows
