"""审核工作台: a bureau's queue, the review page and its decisions (officers only, own bureau only)."""
from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import current_user

import models
import sms
import timeutil
import workdays
from forms.review import ReturnForm, ScheduleForm
from forms.subject import subject_facts, subject_photos
from forms.base import Form
from views.common import finish, role_required
from wizard.website import recheck, summary_of

bp = Blueprint("review", __name__, url_prefix="/review")
officer_only = role_required(models.User.OFFICER)


def _in_my_bureau(application_id):
    """An application of the officer's own bureau, else 404."""
    return models.Application.get_or_none(models.Application.id == application_id,
                                          models.Application.bureau == current_user.bureau_id) or abort(404)


@bp.route("")
@officer_only
def queue():
    """Open applications with their working-day due dates, the most urgent first."""
    today = timeutil.to_local(timeutil.now()).date()
    rows = sorted(((a, a.due_on()) for a in models.Application.open_for(current_user.bureau_id)),
                  key=lambda row: row[1])
    unknown_years = sorted({due.year for _, due in rows if not workdays.known(due.year)})
    return render_template("review/queue.html", rows=[(a, due, workdays.workdays_between(today, due))
                                                      for a, due in rows], unknown_years=unknown_years)


def _page(application, return_form=None, schedule_form=None):
    subject = application.subject
    photos = subject_photos(subject)
    history = (subject.applications.where(models.Application.id != application.id)
               .order_by(models.Application.id.desc()))
    return render_template("review/detail.html", application=application, subject=subject,
                           subject_rows=subject_facts(subject), photos=photos, sections=summary_of(application),
                           problems=recheck(application), history=history,
                           approve_form=Form(), return_form=return_form or ReturnForm(formdata=None),
                           schedule_form=schedule_form or ScheduleForm(formdata=None))


@bp.route("/<int:application_id>")
@officer_only
def detail(application_id):
    """Everything submitted, the rules re-run, earlier applications, and the decisions."""
    return _page(_in_my_bureau(application_id))


def _tell(application, title, text):
    """A 系统通知 and an SMS to the applicant about a decision."""
    models.Notice.send(application.owner_id, title, text)
    sms.send(application.owner.mobile, text)


def _audit(action, application, before):
    fresh = models.Application.get_by_id(application.id)
    models.AuditEntry.record(current_user.id, action, f"application:{application.id}", before, fresh.snapshot())


def _decided(application, approved, reason=""):
    before = application.snapshot()
    try:
        application.decide(approved, reviewer=current_user.id, reason=reason)
    except models.TransitionError as error:
        flash(str(error), "error")
        return finish(url_for(".detail", application_id=application.id))
    _audit("通过" if approved else "退回", application, before)
    bureau = application.bureau
    name = application.website.name if application.website else application.subject.name
    if approved:
        number = application.website.record_number if application.website else ""
        _tell(application, f"{application.kind}申请已通过",
              f"您的{application.kind}申请（{name}）已审核通过" + (f"，公安备案号：{number}" if number else "")
              + f"。如有疑问请致电{bureau.name} {bureau.phone}。")
        flash("已通过" + (f"，公安备案号 {number}" if number else ""), "success")
    else:
        _tell(application, f"{application.kind}申请被退回",
              f"您的{application.kind}申请（{name}）被退回：{reason}。请在【我的草稿】中修改后重新提交。")
        flash("已退回，申请人将收到短信和系统通知", "success")
    return finish(url_for(".queue"))


@bp.route("/<int:application_id>/approve", methods=["POST"])
@officer_only
def approve(application_id):
    """通过 (for a website: issues its 公安备案号)."""
    return _decided(_in_my_bureau(application_id), True)


@bp.route("/<int:application_id>/return", methods=["POST"])
@officer_only
def return_(application_id):
    """退回 with a reason the applicant is told."""
    application = _in_my_bureau(application_id)
    form = ReturnForm()
    if not form.validate():
        return _page(application, return_form=form)
    return _decided(application, False, form.full_reason())


@bp.route("/<int:application_id>/schedule", methods=["POST"])
@officer_only
def schedule(application_id):
    """Require 面审 or 实地检查 at a stated time and place; the applicant is told by SMS."""
    application = _in_my_bureau(application_id)
    form = ScheduleForm()
    if not form.validate():
        return _page(application, schedule_form=form)
    before = application.snapshot()
    try:
        application.schedule(form.mode.data, form.details(), reviewer=current_user.id)
    except models.TransitionError as error:
        flash(str(error), "error")
        return finish(url_for(".detail", application_id=application.id))
    _audit(form.mode.data, application, before)
    details = form.details()
    _tell(application, f"请按时参加{form.mode.data}",
          f"您的{application.kind}申请需{form.mode.data}：{details['day']} {details['time']}，地点：{details['place']}。"
          + (f"请携带：{details['materials']}。" if details["materials"] else "")
          + f"咨询电话：{application.bureau.phone}。")
    flash(f"已安排{form.mode.data}，申请人将收到短信和系统通知", "success")
    return finish(url_for(".detail", application_id=application.id))
