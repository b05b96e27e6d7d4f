"""The routes every flow shares: start, one step (GET/POST), check your answers, submit."""
from flask import Blueprint, abort, flash, get_template_attribute, make_response, redirect, \
    render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

import models
from forms.base import refuse_oversize
from forms.subject import subject_facts
from pages import current_subject, finish, is_fragment_request, role_required
from wizard import app as _apps, provider as _providers, unit as _units, website as _websites  # noqa: F401
from wizard import assessment as _assessments  # noqa: F401
from wizard.engine import (FLOWS, AlreadyFinalized, Navigator, StepInvalid, flow_by_name, raw_from_form, raw_from_post,
                           rebuild)

bp = Blueprint("wizard", __name__, url_prefix="/apply")
applicant_only = role_required(models.User.APPLICANT)


def _flow(name):
    return flow_by_name(name) or abort(404)


def _draft(flow, draft_id):
    """The user's own draft of this flow, else 404."""
    return models.Draft.owned(current_user.id, draft_id, flow.kind) or abort(404)


def step_url(flow, draft, step_name, **args):
    return url_for("wizard.step", flow_name=flow.name, draft_id=draft.id, step_name=step_name, **args)


def resume_url(draft):
    """Where 【详情】 of a wizard draft resumes it, or None for a draft of no flow."""
    flow = FLOWS.get(draft.kind)
    return step_url(flow, draft, draft.step or flow.first_form_step.name) if flow else None


@bp.route("/<flow_name>", methods=["GET", "POST"])
@applicant_only
def start(flow_name):
    """Begin (or, after asking, resume) a filing for the current subject.

    Step 1 only shows the subject, so no draft is written until 【下一步】:
    merely opening the page (or a page of another site pointing here) stores nothing.
    """
    flow = _flow(flow_name)
    if flow.opened_from_list:
        abort(404)
    subject = current_subject()
    problem = flow.subject_problem(subject)
    if problem:
        return render_template("wizard/no_subject.html", flow=flow, problem=problem,
                               has_subject=subject is not None)
    first = flow.steps[0]
    if request.method == "GET":
        waiting = models.Draft.find(current_user.id, flow.kind, subject)
        choice = request.args.get("draft")
        if waiting and choice is None:
            return render_template("subject/draft_prompt.html", title=flow.title, question="您有一条草稿，是否使用",
                                   use_url=url_for(".start", flow_name=flow.name, draft="use"),
                                   skip_url=url_for(".start", flow_name=flow.name, draft="new"))
        if waiting and choice == "use":
            return redirect(step_url(flow, waiting, waiting.step or first.name))
        return _render(flow, None, Navigator(flow.steps, first.name, 0), None, subject=subject,
                       action=url_for(".start", flow_name=flow.name))
    action = request.form.get("action", "next")
    if action == "autosave":
        return "", 204
    draft = models.Draft(owner=current_user.id, kind=flow.kind, subject=subject)
    state = flow.state({})
    if action == "save_draft":
        draft.store(state.as_data(), first.name)
        flash("草稿已保存，可在【我的草稿】中继续填写", "success")
        return finish(url_for("workspace.drafts"))
    flow.advance(state, flow.steps[1].name)
    draft.store(state.as_data(), first.name)
    return _go(flow, draft, flow.steps[1].name)


def _open(flow, draft, subject, prefill, furthest, **links):
    """Resume draft (the user's one for this service or site), else open one already filled in."""
    draft = draft or flow.open_draft(current_user.id, subject, prefill, furthest, **links)
    return finish(step_url(flow, draft, draft.step or flow.first_form_step.name))


def open_filing(flow, service):
    """【变更】 of a filed service (checked by the caller): its flow opens with what is on record,
    every step counting as reached."""
    return _open(flow, models.Draft.select().where(models.Draft.owner == current_user.id,
                                                   models.Draft.kind == flow.kind, models.Draft.service == service)
                 .first(), service.subject, flow.state(service.filing() or {}), flow.steps[-1].name, service=service)


def open_on(flow, subject, step_name, values, resume=None, **links):
    """Resume the draft given, else open one of flow whose step_name holds values (a 安全评估
    started from the service that owes it, a site taken up from the bureau's list)."""
    return _open(flow, resume, subject, flow.state({"steps": {step_name: values}}), step_name, **links)


@bp.route("/imported/<int:imported_id>", methods=["POST"])
@applicant_only
def take_up(imported_id):
    """【完善备案信息】 of a 未备案网站, or 【认领】 of an offline filing: only by the subject
    whose certificate it was imported under (else 404). A claim of a filing with a 负责人手机 on
    record first proves control with an SMS code (sites.prove_claim opens the draft)."""
    imported = models.ImportedSite.get_or_none(models.ImportedSite.id == imported_id,
                                               models.ImportedSite.service.is_null()) or abort(404)
    subject = imported.subject_of(current_user.id) or abort(404)
    if imported.needs_code and not _imported_drafts(imported).exists():
        return finish(url_for("sites.prove_claim", imported_id=imported.id))
    return open_imported(imported, subject)


def _imported_drafts(imported):
    return models.Draft.select().where(models.Draft.owner == current_user.id, models.Draft.imported == imported)


def open_imported(imported, subject):
    """Resume the user's draft of an imported site, else open one (the only way one is made, so for a
    site that needs a code the draft is the proof of control). Its first step holds the site's name
    and domain as listed, unless the subject may not see them yet (ImportedSite.shown_to) and has
    not proven control: then the claimant types them."""
    flow = _flow("website-claim" if imported.kind == imported.OFFLINE else "website")
    step = flow.first_form_step.name
    shown = imported.needs_code or imported.shown_to(subject)
    values = {"site_name": [imported.name], "domain": [imported.domain], "home_url": [imported.domain]} \
        if shown else {}
    return open_on(flow, subject, step, values, resume=_imported_drafts(imported).first(), imported=imported)


def _step_action(flow, draft, step_name):
    """Where a step's form posts (keeping the way back to 核对信息)."""
    return step_url(flow, draft, step_name, **({"return": "review"} if request.args.get("return") else {}))


def _render(flow, draft, nav, form, action=None, subject=None, **context):
    """A step as a page, or only the step to htmx; templates get the navigator.

    draft is None for the first step before anything is stored (subject given instead).
    """
    action = action or _step_action(flow, draft, nav.current.name)
    if form is not None:
        # Inline checks go through the step, so they judge in the draft's context as 【下一步】 does.
        form.check_inline_at(action)
    if hasattr(form, "enable_refresh"):
        form.enable_refresh(action, "#wizard")
    context.update(flow=flow, draft=draft, nav=nav, form=form, subject=subject or draft.subject,
                   step_action=action, subject_rows=subject_facts)
    template = "wizard/_step.html" if is_fragment_request() else "wizard/step.html"
    return render_template(template, **context)


def _show(flow, draft, step_name):
    """A step filled from what the draft holds; the draft remembers it as where to resume."""
    if draft.step != step_name:
        draft.step = step_name
        draft.save()
    state = flow.state(draft.data)
    current = flow.step(state, step_name)
    form = rebuild(current.form, state.raw(current.name), flow.draft_context(draft)) if current.form else None
    return _render(flow, draft, Navigator(flow.active_steps(state), current.name, flow.reached(state)), form)


def _go(flow, draft, step_name):
    """Move to a step: htmx gets just that step (and the new URL), a browser a redirect."""
    url = step_url(flow, draft, step_name)
    if not is_fragment_request():
        return finish(url)
    response = make_response(_show(flow, draft, step_name))
    response.headers["HX-Push-Url"] = url
    return response


@bp.route("/<flow_name>/<int:draft_id>/<step_name>", methods=["GET", "POST"])
@applicant_only
def step(flow_name, draft_id, step_name):
    """One step: show it, keep what was typed, move on only in order."""
    flow = _flow(flow_name)
    draft = _draft(flow, draft_id)
    state = flow.state(draft.data)
    steps = flow.active_steps(state)
    current = flow.step(state, step_name)
    if current is None:
        abort(404)
    reached = flow.reached(state)
    if steps.index(current) > reached:
        # Never trust the URL: a step not reached yet sends the user to where they are.
        flash("请按顺序填写", "info")
        return _go(flow, draft, steps[reached].name)
    nav = Navigator(steps, current.name, reached)
    context = flow.draft_context(draft)
    extra = {}

    if request.method == "GET":
        return _show(flow, draft, current.name)

    action = request.form.get("action", "next")
    form = None
    if current.form is not None:
        raw = raw_from_post(current.form, request.form, context)
        form = rebuild(current.form, raw, context)
        refuse_oversize(form)   # before anything of the post is stored
        if hasattr(form, "take_uploads"):
            # Pictures chosen beside the step are kept with whatever button was pressed.
            raw.update(form.take_uploads(request.files, draft.owner_id))
        if action.startswith("add_row:") and hasattr(form, "add_row"):
            raw.update(form.add_row(action[len("add_row:"):]))
            form = rebuild(current.form, raw, context)
        state.put(current.name, raw)
        if action == "autosave" or action.startswith("check:"):
            # Sent in the background, maybe together with 【下一步】: never undo what that stored.
            draft.store_unless_changed(state.as_data(), current.name)
        else:
            draft.store(state.as_data(), current.name)
        # The answer just posted may add or remove a later conditional step: move on by the steps it leaves.
        steps = flow.active_steps(state)
        if current in steps:
            nav = Navigator(steps, current.name, flow.reached(state))
    checked = action[len("check:"):] if action.startswith("check:") else None
    if form is not None and checked in form.inline_fields:
        # One field checked while typing, against this draft's subject and site, as 【下一步】 would;
        # the fields whose message depends on it come along out of band.
        form.check_field(checked)
        form.check_inline_at(_step_action(flow, draft, current.name))   # the swapped-in fields check here too
        render = get_template_attribute("_macros.html", "field")
        return render(form[checked]) + Markup().join(render(other, oob=True)
                                                     for other in form.recheck_dependents(checked))
    if action == "autosave":
        return render_template("_autosaved.html", draft=draft)
    if action == "back" and nav.prev:
        return _go(flow, draft, nav.prev.name)
    if action == "save_draft":
        flash("草稿已保存，可在【我的草稿】中继续填写", "success")
        return finish(url_for("workspace.drafts"))
    if action == "refresh" and hasattr(form, "fill_ticked"):
        form.fill_ticked()
        state.put(current.name, raw_from_form(form))
        draft.store(state.as_data(), current.name)
    elif action == "refresh" and form is not None:
        # htmx names the field that changed: what depends on it is shown as it stands now.
        form.recheck_dependents(request.headers.get("HX-Trigger-Name", ""))
    elif action.startswith("lookup_") and action[len("lookup_"):] in getattr(form, "LOOKUPS", {}):
        which = action[len("lookup_"):]
        extra["found"] = (which, form.lookup(which))
    elif action.startswith("pick_"):
        which, _, provider_id = action[len("pick_"):].partition(":")
        provider_id = models.parse_id(provider_id)
        if which in getattr(form, "LOOKUPS", {}) and provider_id and form.pick(which, provider_id):
            state.put(current.name, raw_from_form(form))
            draft.store(state.as_data(), current.name)
    elif action == "next":
        if form is None and flow.subject_problem(draft.subject):
            flash(flow.subject_problem(draft.subject), "error")
        elif form is None or form.validate():
            if nav.next:
                flow.advance(state, nav.next.name)
                draft.store(state.as_data(), current.name)
            if nav.is_last or request.args.get("return") == "review":
                return finish(url_for(".review", flow_name=flow.name, draft_id=draft.id))
            return _go(flow, draft, nav.next.name)
    return _render(flow, draft, nav, form, **extra)


@bp.route("/<flow_name>/<int:draft_id>/review")
@applicant_only
def review(flow_name, draft_id):
    """Check your answers: every section with a 修改 link, then 【提交】."""
    flow = _flow(flow_name)
    draft = _draft(flow, draft_id)
    state = flow.state(draft.data)
    context = flow.draft_context(draft)
    steps = flow.active_steps(state)
    reached = flow.reached(state)
    if reached < len(steps) - 1:
        return redirect(step_url(flow, draft, steps[reached].name))
    invalid = flow.first_invalid(state, context)
    if invalid:
        flash(f"【{invalid.title}】中有需要修改的内容", "error")
        return redirect(step_url(flow, draft, invalid.name))
    return render_template("wizard/review.html", flow=flow, draft=draft, subject=draft.subject,
                           sections=flow.summary(state, context), warnings=flow.warnings(state, context),
                           first_step=flow.steps[0], step_url=step_url)


@bp.route("/<flow_name>/<int:draft_id>/submit", methods=["POST"])
@applicant_only
def submit(flow_name, draft_id):
    """【提交】: revalidate every step and file once; a repeated submit files nothing more."""
    flow = _flow(flow_name)
    draft = models.Draft.owned(current_user.id, draft_id, flow.kind)
    if draft is None:
        flash("该申请已提交，请在【我的申请】中查看", "info")
        return finish(url_for("workspace.applications"))
    state, context = flow.state(draft.data), flow.draft_context(draft)
    steps = flow.active_steps(state)
    reached = flow.reached(state)
    problem = flow.subject_problem(draft.subject) or flow.draft_problem(draft)
    if problem or reached < len(steps) - 1:
        flash(problem or f"【{steps[reached].title}】中有需要修改的内容", "error")
        return finish(step_url(flow, draft, steps[reached if not problem else 0].name))
    try:
        application = flow.finalize_once(draft, context)
    except StepInvalid as invalid:
        flash(f"【{invalid.step.title}】中有需要修改的内容", "error")
        return finish(step_url(flow, draft, invalid.step.name))
    except AlreadyFinalized:
        flash("该申请已提交，请在【我的申请】中查看", "info")
        return finish(url_for("workspace.applications"))
    except models.TransitionError as error:
        flash(str(error), "error")
        return finish(url_for("workspace.drafts"))
    # IP登记 of a 有效 subject is on record already (即审即办); everything else waits for the bureau.
    done = application.status == models.Application.APPROVED
    flash("提交成功，已即时备案" if done else "提交成功，请等待公安机关审核", "success")
    return finish(flow.done_url(application))
