"""我的草稿 (every business type's drafts) and the uploaded pictures of a filing."""
import io

from flask import Blueprint, abort, flash, render_template, request, send_file, url_for
from flask_login import current_user, login_required

import models
from forms.subject import subject_facts
from views.common import finish, role_required
from wizard.engine import changes_of, summary_of
from wizard.routes import resume_url

bp = Blueprint("workspace", __name__)

# Where 【详情】 of a subject draft resumes it; wizard drafts resume at their step.
SUBJECT_RESUME = {
    models.Draft.NEW_SUBJECT: lambda d: url_for("subject.new", draft=d.id),
    models.Draft.CHANGE_SUBJECT: lambda d: url_for("subject.change", subject_id=d.subject_id, draft="use"),
}


def _resume(draft):
    return SUBJECT_RESUME[draft.kind](draft) if draft.kind in SUBJECT_RESUME else resume_url(draft)


@bp.route("/drafts")
@role_required(models.User.APPLICANT)
def drafts():
    """我的草稿, filterable by 业务类型."""
    kind = request.args.get("kind", "")
    query = models.Draft.select().where(models.Draft.owner == current_user.id)
    if kind:
        query = query.where(models.Draft.kind == kind)
    rows = [(d, url) for d in query.order_by(models.Draft.updated_at.desc()) for url in [_resume(d)] if url]
    return render_template("workspace/drafts.html", rows=rows,
                           kinds=models.BUSINESSES.kinds(returns_draft=True), kind=kind)


@bp.route("/drafts/<int:draft_id>/delete", methods=["POST"])
@role_required(models.User.APPLICANT)
def delete_draft(draft_id):
    """【删除】 one of my drafts."""
    draft = models.Draft.owned(current_user.id, draft_id) or abort(404)
    draft.delete_instance()
    flash("草稿已删除", "success")
    return finish(url_for(".drafts"))


@bp.route("/uploads/<int:upload_id>")
@login_required
def upload(upload_id):
    """A stored picture or PDF, for its owner and the reviewing bureau only."""
    picture = models.Upload.get_or_none(models.Upload.id == upload_id)
    if picture is None or not picture.visible_to(current_user):
        abort(404)
    try:
        data = picture.read()
    except FileNotFoundError:
        abort(404)
    # A PDF is downloaded, never shown inside the platform's own pages.
    response = send_file(io.BytesIO(data), mimetype=picture.content_type,
                         max_age=0, as_attachment=picture.is_pdf, download_name=picture.stored_name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/applications")
@role_required(models.User.APPLICANT)
def applications():
    """我的申请, filterable by 业务类型 and 审核状态."""
    kind, status = request.args.get("kind", ""), request.args.get("status", "")
    query = models.Application.select().where(models.Application.owner == current_user.id)
    if kind:
        query = query.where(models.Application.kind == kind)
    if status:
        query = query.where(models.Application.status == status)
    return render_template("workspace/applications.html", rows=list(query.order_by(models.Application.id.desc())),
                           kinds=list(models.BUSINESSES), statuses=models.Application.STATUSES,
                           kind=kind, status=status)


def _own_application(application_id):
    return models.Application.get_or_none(models.Application.id == application_id,
                                          models.Application.owner == current_user.id) or abort(404)


@bp.route("/applications/<int:application_id>")
@role_required(models.User.APPLICANT)
def application(application_id):
    """【详情】 of one of my applications: everything submitted; 【撤销申请】 while allowed."""
    item = _own_application(application_id)
    return render_template("workspace/application.html", application=item, sections=summary_of(item),
                           changes=changes_of(item), extra_rows=item.business.applicant_facts(item),
                           subject_rows=subject_facts(item.subject), withdrawable=item.withdrawable())


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@role_required(models.User.APPLICANT)
def withdraw(application_id):
    """【撤销申请】: only while 待审核 and within 30 minutes of submission (checked here)."""
    item = _own_application(application_id)
    try:
        item.withdraw()
    except models.TransitionError as error:
        flash(str(error), "error")
    else:
        flash("申请已撤销" + ("，填写的内容已放回【我的草稿】" if item.returns_a_draft else ""), "success")
    return finish(url_for(".application", application_id=item.id))


@bp.route("/notices")
@login_required
def notices():
    """系统通知: unread first. Only a button marks them read: a GET (a link, a prefetch) changes nothing."""
    rows = list(models.Notice.for_user(current_user.id).limit(200))
    return render_template("workspace/notices.html", rows=rows)


@bp.route("/notices/read", methods=["POST"])
@login_required
def read_notices():
    """【全部标为已读】."""
    models.Notice.mark_read(current_user.id)
    return finish(url_for(".notices"))


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@login_required
def read_notice(notice_id):
    """【标为已读】 of one notice (another user's is left alone)."""
    models.Notice.mark_read(current_user.id, notice_id)
    return finish(url_for(".notices"))
