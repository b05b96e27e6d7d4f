"""开办主体: 新增主体 (drafts, autosave), 我的主体, 变更, 注销, 移交/接收, 切换主体."""
from flask import Blueprint, abort, flash, render_template, request, session, url_for
from flask_login import current_user

import models
import sms
import timeutil
from forms import rules
from forms.base import refuse_oversize
from forms.subject import (AcceptTransferForm, CancelSubjectForm, SubjectForm, TransferForm,
                           subject_facts, subject_photos)
from views.common import (CURRENT_SUBJECT_KEY, current_subject, finish, is_fragment_request,
                          live_subjects, role_required, safe_next, send_code_for)

bp = Blueprint("subject", __name__)
applicant_only = role_required(models.User.APPLICANT)

FORM_TARGET = "#subject-form"
PURPOSE_CANCEL = "cancel_subject"
PURPOSE_TRANSFER = "transfer_subject"


@bp.app_context_processor
def subject_helpers():
    """Header helper: the subjects 【当前主体】 can switch between (lazy: one query when used)."""
    def subject_switch():
        if not current_user.is_authenticated or current_user.role != models.User.APPLICANT:
            return None
        live = live_subjects()
        if not live:
            return None
        return {"current": current_subject(live), "choices": live if len(live) > 1 else []}
    return {"subject_switch": subject_switch}


def _own_subject(subject_id):
    """The user's own subject, else 404 (never say whether it exists)."""
    subject = models.Subject.get_or_none(models.Subject.id == subject_id,
                                         models.Subject.owner == current_user.id)
    if subject is None:
        abort(404)
    return subject


def _form_page(form, title, action_url, draft_id="", **context):
    """The subject form as a page, or only the form when htmx refreshes it in place."""
    form.enable_refresh(action_url, FORM_TARGET)
    form.mark_stored_uploads()
    context.update(form=form, title=title, action_url=action_url, draft_id=draft_id)
    if is_fragment_request():
        return render_template("subject/_form.html", **context)
    return render_template("subject/form.html", **context)


def _draft_prompt(title, question, use_url, skip_url):
    return render_template("subject/draft_prompt.html", title=title, question=question,
                           use_url=use_url, skip_url=skip_url)


def _autosaved(draft):
    """The 已保存 indicator, and the draft id the page must post from now on."""
    return render_template("subject/_autosaved.html", draft=draft)


def _store(form, draft, kind, subject=None):
    """Keep what was typed in the user's draft of this form: the one posted, else the one the
    user has (a post without the draft's id, e.g. an autosave, never adds a second)."""
    draft = draft or models.Draft.find(current_user.id, kind, subject) or \
        models.Draft(owner=current_user.id, kind=kind, subject=subject)
    return draft.store(form.raw_values())


# -- 新增主体 ------------------------------------------------------------------

@bp.route("/subject/new", methods=["GET", "POST"])
@applicant_only
def new():
    """新增主体: fill, 【保存草稿】 or 【提交审核】; a waiting draft is offered first."""
    back_to = request.args.get("next")
    kind, url = models.Draft.NEW_SUBJECT, url_for(".new", **({"next": back_to} if back_to else {}))
    if request.method == "GET":
        draft = None
        if "draft" in request.args:
            draft = models.Draft.owned(current_user.id, request.args["draft"], kind) or abort(404)
        elif "fresh" not in request.args:
            waiting = models.Draft.find(current_user.id, kind)
            if waiting:
                return _draft_prompt("新增主体", "您有一条草稿，是否使用",
                                     url_for(".new", draft=waiting.id), url_for(".new", fresh=1))
        form = SubjectForm(formdata=None, owner=current_user.id)
        if draft:
            form.load(draft.data)
        return _form_page(form, "新增主体", url, draft.id if draft else "")

    form = SubjectForm(owner=current_user.id)
    posted_id = request.form.get("draft_id")
    draft = models.Draft.owned(current_user.id, posted_id, kind) if posted_id else None
    if posted_id and draft is None:
        abort(404)
    action = request.form.get("action")
    refuse_oversize(form)
    if action == "autosave":
        return _autosaved(_store(form, draft, kind))
    kept = form.keep_uploads()
    if action == "submit" and form.validate():
        try:
            subject = models.Subject.file_new(current_user.id, form.subject_data(),
                                              models.Bureau.for_region(form.county.data), form.raw_values())
        except models.TransitionError as error:
            (form.cert_number if form.is_unit else form.leader_id_number).errors.append(str(error))
        else:
            if draft:
                draft.delete_instance()
            session[CURRENT_SUBJECT_KEY] = subject.id
            flash("主体已提交。公安机关不单独审核主体，请继续办理网站等业务，主体将随首个业务一并审核。",
                  "success")
            return finish(safe_next(back_to, url_for(".detail", subject_id=subject.id)))
    if kept or action in ("save_draft", "submit"):
        # Whatever was typed survives, and pictures just kept belong to the draft: none is left unowned.
        draft = _store(form, draft, kind)
    if action == "save_draft":
        flash("草稿已保存，可在【我的草稿】中继续填写", "success")
        return finish(url_for("workspace.drafts"))
    _recheck_on_refresh(form, action)
    return _form_page(form, "新增主体", url, draft.id if draft else "")


def _recheck_on_refresh(form, action):
    """A refresh names (htmx) the field that changed: what depends on it is judged again, so a
    message whose cause is gone goes away and one that now applies appears."""
    if action == "refresh":
        form.recheck_dependents(request.headers.get("HX-Trigger-Name", ""))


# -- 我的主体 ------------------------------------------------------------------

@bp.route("/subjects")
@applicant_only
def index():
    """我的主体: every subject of the account, with its state."""
    current = current_subject()
    return render_template("subject/list.html", subjects=list(models.Subject.owned_by(current_user.id)),
                           current_id=current.id if current else None,
                           incoming=models.Transfer.offered_to(current_user).count())


@bp.route("/subjects/<int:subject_id>")
@applicant_only
def detail(subject_id):
    """One subject, read-only, with the businesses its state allows."""
    subject = _own_subject(subject_id)
    photos = subject_photos(subject)
    applications = subject.applications.order_by(models.Application.id.desc())
    return render_template("subject/detail.html", subject=subject, facts=subject_facts(subject), photos=photos,
                           busy=subject.busy_reason(), transfer=subject.open_transfer(),
                           applications=applications)


@bp.route("/subjects/current", methods=["POST"])
@applicant_only
def switch():
    """切换主体: make one of my live subjects the 当前主体."""
    subject = _own_subject(models.parse_id(request.form.get("subject_id")))
    if subject.status == models.Subject.CANCELLED:
        abort(404)
    session[CURRENT_SUBJECT_KEY] = subject.id
    flash(f"当前主体已切换为：{subject.name}", "success")
    return finish(safe_next(request.form.get("next"), url_for("main.home")))


# -- 变更主体 ------------------------------------------------------------------

def _refuse_if_busy(subject):
    """Redirect with the reason when the subject cannot start a business now."""
    reason = subject.busy_reason()
    if reason:
        flash(reason, "error")
        return finish(url_for(".detail", subject_id=subject.id))
    return None


@bp.route("/subjects/<int:subject_id>/change", methods=["GET", "POST"])
@applicant_only
def change(subject_id):
    """变更主体: prefilled; 【提交审核】 shows the changes, 【确认】 files them."""
    subject = _own_subject(subject_id)
    kind, url = models.Draft.CHANGE_SUBJECT, url_for(".change", subject_id=subject.id)
    refused = _refuse_if_busy(subject)
    if refused:
        return refused
    draft = models.Draft.find(current_user.id, kind, subject)
    if request.method == "GET":
        if draft and "draft" not in request.args:
            return _draft_prompt("变更主体", "您有一条变更主体的草稿，是否使用",
                                 url_for(".change", subject_id=subject.id, draft="use"),
                                 url_for(".change", subject_id=subject.id, draft="no"))
        form = SubjectForm(formdata=None, owner=current_user.id, existing=subject)
        use_draft = draft and request.args.get("draft") == "use"
        form.load(draft.data if use_draft else SubjectForm.values_from_subject(subject))
        return _form_page(form, "变更主体", url)

    action = request.form.get("action")
    if action == "confirm":
        return _confirm_change(subject, draft)
    form = SubjectForm(owner=current_user.id, existing=subject)
    refuse_oversize(form)
    if action == "autosave":
        return _autosaved(_store(form, draft, kind, subject))
    kept = form.keep_uploads()
    valid = action == "submit" and form.validate()
    if kept or action in ("save_draft", "submit"):
        # Pictures just kept belong to the draft (one per subject): none is left unowned.
        _store(form, draft, kind, subject)
    if action == "save_draft":
        flash("变更主体草稿已保存", "success")
        return finish(url_for("workspace.drafts"))
    if action == "submit":
        if valid:
            rows = form.changes_from(subject)
            if rows:
                return render_template("subject/confirm_change.html", subject=subject, rows=rows)
            flash("您没有修改任何信息", "error")
    _recheck_on_refresh(form, action)
    return _form_page(form, "变更主体", url)


def _confirm_change(subject, draft):
    """【确认】: revalidate the stored change and file it (refused while another is pending)."""
    if draft is None:
        flash("变更内容已失效，请重新填写", "error")
        return finish(url_for(".change", subject_id=subject.id))
    form = SubjectForm(formdata=None, owner=current_user.id, existing=subject, meta={"csrf": False})
    form.load(draft.data)
    if not form.validate():
        flash("变更内容有误，请修改后重新提交", "error")
        return _form_page(form, "变更主体", url_for(".change", subject_id=subject.id))
    try:
        subject.request_change(form.subject_data(), draft.data)
    except models.TransitionError as error:
        flash(str(error), "error")
        return finish(url_for(".detail", subject_id=subject.id))
    draft.delete_instance()
    models.Notice.send(current_user.id, "变更主体申请已提交", f"主体“{subject.name}”的变更申请已提交，请等待公安机关审核。")
    flash("变更主体申请已提交，主体状态为“变更中”", "success")
    return finish(url_for(".detail", subject_id=subject.id))


# -- 注销主体 and 移交主体: an identity check by SMS code to the 负责人 ------------

def _coded_form(subject_id, form_class, purpose, template, on_valid):
    """Shared flow of a form that 【获取验证码】 sends to the subject's 负责人 mobile.

    on_valid(subject, form) starts the business and returns the message to show.
    """
    subject = _own_subject(subject_id)
    refused = _refuse_if_busy(subject)
    if refused:
        return refused
    form = form_class(subject=subject, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if request.form.get("action") == "send_code":
            if form.check_field("leader_mobile"):
                send_code_for(form, subject.leader_mobile, purpose)
        elif form.validate():
            error = models.SmsCode.consume(subject.leader_mobile, purpose, form.code.data)
            if error:
                form.code.errors.append(error)
            else:
                try:
                    flash(on_valid(subject, form), "success")
                except models.TransitionError as problem:
                    flash(str(problem), "error")
                return finish(url_for(".detail", subject_id=subject.id))
    return render_template(template, form=form, subject=subject)


def _file_cancel(subject, form):
    subject.request_cancel(form.reason.data)
    models.Notice.send(current_user.id, "注销主体申请已提交",
                       f"主体“{subject.name}”的注销申请已提交。注销后，其下所有网站、APP等备案信息将一并注销。")
    return "注销主体申请已提交，主体状态为“注销中”"


def _offer_transfer(subject, form):
    receiver_mobile = rules.normalize_mobile(form.receiver_mobile.data)
    with models.db.atomic():
        subject.offer_transfer(receiver_mobile, rules.normalize_id_number(form.receiver_id_number.data))
        sms.send(receiver_mobile, f"有开办主体“{subject.name}”移交给您，请登录联网备案平台在【接收主体】中接收。")
    return "已发起移交，主体状态为“移交中”；对方接收前您可以撤回"


@bp.route("/subjects/<int:subject_id>/cancel", methods=["GET", "POST"])
@applicant_only
def cancel(subject_id):
    """注销主体: 负责人姓名、手机、验证码、原因 → 注销中 until the bureau decides."""
    return _coded_form(subject_id, CancelSubjectForm, PURPOSE_CANCEL, "subject/cancel.html", _file_cancel)


@bp.route("/subjects/<int:subject_id>/transfer", methods=["GET", "POST"])
@applicant_only
def transfer(subject_id):
    """移交主体: offer the subject to another account (移交中 until accepted or withdrawn)."""
    return _coded_form(subject_id, TransferForm, PURPOSE_TRANSFER, "subject/transfer.html", _offer_transfer)


@bp.route("/subjects/<int:subject_id>/transfer/withdraw", methods=["POST"])
@applicant_only
def withdraw_transfer(subject_id):
    """撤回移交, while the receiver has not accepted."""
    subject = _own_subject(subject_id)
    offer = subject.open_transfer()
    try:
        if offer is None:
            raise models.TransitionError("该主体不在移交中")
        offer.withdraw()
        flash("已撤回移交，主体恢复为“有效”", "success")
    except models.TransitionError as error:
        flash(str(error), "error")
    return finish(url_for(".detail", subject_id=subject.id))


# -- 接收主体 ------------------------------------------------------------------

@bp.route("/subjects/incoming")
@applicant_only
def incoming():
    """接收主体: subjects offered to this account's verified mobile."""
    return render_template("subject/incoming.html", offers=list(models.Transfer.offered_to(current_user)),
                           verified=bool(current_user.mobile_verified_at))


@bp.route("/transfers/<int:transfer_id>/accept", methods=["GET", "POST"])
@applicant_only
def accept(transfer_id):
    """【接收】: confirm with one's ID number; the subject and its businesses move here."""
    offer = models.Transfer.offered_to(current_user).where(models.Transfer.id == transfer_id).first()
    if offer is None:
        abort(404)
    form = AcceptTransferForm(transfer=offer)
    if form.validate_on_submit():
        sender = offer.sender
        try:
            offer.accept(current_user.id)
        except models.TransitionError as error:
            flash(str(error), "error")
            return finish(url_for(".incoming"))
        models.Notice.send(sender, "主体已被接收",
                           f"您移交的主体“{offer.subject.name}”已于{timeutil.format_local(timeutil.now())}被接收。")
        session[CURRENT_SUBJECT_KEY] = offer.subject.id
        flash("接收成功，主体及其下业务已转入本账号", "success")
        return finish(url_for(".detail", subject_id=offer.subject.id))
    return render_template("subject/accept.html", form=form, offer=offer)
