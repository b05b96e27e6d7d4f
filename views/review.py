"""审核工作台: a bureau's queue, the review page and its decisions (officers only, own bureau only)."""
import datetime

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN

import models
import sms
import timeutil
from forms import rules
from forms.imports import ImportedSiteForm, ImportForm
from forms.review import CancelFiledForm, ReturnForm, ScheduleForm
from forms.subject import subject_facts, subject_photos
from forms.base import Form
from views.common import finish, id_arg, role_required
from wizard.engine import changes_of, recheck, reopen_step, summary_of

bp = Blueprint("review", __name__, url_prefix="/review")
officer_only = role_required(models.User.OFFICER)
UNIT_PAGE = 50
OVERDUE_PAGE = 50


def _in_my_bureau(application_id):
    """An application of the officer's own bureau, else 404."""
    return models.Application.get_or_none(models.Application.id == application_id,
                                          models.Application.bureau == current_user.bureau_id) or abort(404)


SINCE = {"今天": 0, "近7天": 6, "近30天": 29}


def _open_with_due_dates(calendar, query=None):
    """(application, due date) of the bureau's open work, the most urgent first."""
    if query is None:
        query = models.Application.open_for(current_user.bureau_id)
    return sorted(((a, a.due_on(calendar)) for a in query), key=lambda row: row[1])


@bp.route("")
@officer_only
def queue():
    """Open applications with their working-day due dates, the most urgent first; filterable
    by 业务类型, 审核状态 and 提交时间."""
    kind, status, since = (request.args.get(name, "") for name in ("kind", "status", "since"))
    query = models.Application.open_for(current_user.bureau_id)
    if kind in models.BUSINESSES:
        query = query.where(models.Application.kind == kind)
    if status in models.Application.OPEN:
        query = query.where(models.Application.status == status)
    today = timeutil.today()
    if since in SINCE:
        start = datetime.datetime.combine(today - datetime.timedelta(days=SINCE[since]), datetime.time(),
                                          timeutil.CN_TZ)
        query = query.where(models.Application.submitted_at >= timeutil.to_utc(start))
    calendar = models.Holiday.calendar()
    rows = _open_with_due_dates(calendar, query)
    unknown_years = sorted({due.year for _, due in rows if not calendar.known(due.year)})
    filters = [("kind", "业务类型", list(models.BUSINESSES), kind),
               ("status", "审核状态", models.Application.OPEN, status), ("since", "提交时间", list(SINCE), since)]
    return render_template("review/queue.html", filters=filters, unknown_years=unknown_years,
                           rows=[(a, due, calendar.workdays_between(today, due)) for a, due in rows])


def _months_back(today, count):
    """The first day of each of the last count months, oldest first."""
    firsts, year, month = [], today.year, today.month
    for _ in range(count):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def bar_chart(points, width=600, height=160, bottom=20):
    """Bars for (label, value) points, sized to a width × height SVG with room for labels."""
    top = max([value for _, value in points] + [1])
    step = width / max(len(points), 1)
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = round((height - bottom - 14) * value / top)
        bars.append({"x": round(index * step + step * 0.15), "width": round(step * 0.7),
                     "y": height - bottom - bar_height, "height": bar_height, "label": label, "value": value,
                     "middle": round(index * step + step / 2)})
    return {"width": width, "height": height, "baseline": height - bottom, "bars": bars}


@bp.route("/dashboard")
@officer_only
def dashboard():
    """The bureau at a glance: counts by 业务类型 and 审核状态, overdue work, filings per month."""
    today = timeutil.today()
    tally = models.Application.tally(current_user.bureau_id)
    table = [(kind, [tally.get((kind, status), 0) for status in models.Application.STATUSES],
              sum(tally.get((kind, status), 0) for status in models.Application.STATUSES))
             for kind in models.BUSINESSES]
    overdue = sum(due < today for _, due in _open_with_due_dates(models.Holiday.calendar()))
    months = _months_back(today, 12)
    since = timeutil.to_utc(datetime.datetime.combine(months[0], datetime.time(), timeutil.CN_TZ))
    per_month = {first: 0 for first in months}
    for at in models.Application.submitted_since(current_user.bureau_id, since):
        local = timeutil.to_local(at).date()
        per_month[local.replace(day=1)] += 1
    chart = bar_chart([(f"{first.month}月", count) for first, count in per_month.items()])
    after = id_arg("overdue_after")
    after = models.Service.get_or_none(models.Service.id == after) if after else None
    overdue_reports = models.Service.assessment_overdue(current_user.bureau.division_code, after=after,
                                                        size=OVERDUE_PAGE + 1)
    return render_template("review/dashboard.html", statuses=models.Application.STATUSES, table=table,
                           overdue_reports=overdue_reports[:OVERDUE_PAGE],
                           overdue_next=overdue_reports[OVERDUE_PAGE - 1].id if len(overdue_reports) > OVERDUE_PAGE else None,
                           open_count=sum(tally.get((k, s), 0) for k in models.BUSINESSES
                                          for s in models.Application.OPEN),
                           overdue=overdue, chart=chart, first_month=months[0])


def _page(application, return_form=None, schedule_form=None):
    subject = application.subject
    photos = subject_photos(subject)
    history = (subject.applications.where(models.Application.id != application.id)
               .order_by(models.Application.id.desc()))
    return render_template("review/detail.html", application=application, subject=subject,
                           subject_rows=subject_facts(subject), photos=photos, sections=summary_of(application),
                           changes=changes_of(application), extra_rows=application.business.facts(application),
                           problems=recheck(application), flags=application.business.flags(application),
                           history=history,
                           approve_form=Form(),
                           return_form=return_form or ReturnForm(formdata=None,
                                                                 checklist=application.business.return_checklist),
                           schedule_form=schedule_form or ScheduleForm(formdata=None))


@bp.route("/<int:application_id>")
@officer_only
def detail(application_id):
    """Everything submitted, the rules re-run, earlier applications, and the decisions."""
    return _page(_in_my_bureau(application_id))


def _tell(application, title, text):
    """A 系统通知 and an SMS to the applicant about a decision (call inside its transaction)."""
    models.Notice.send(application.owner_id, title, text)
    sms.send(application.owner.mobile, text)


def _audit(action, application, before):
    fresh = models.Application.get_by_id(application.id)
    models.AuditEntry.record(current_user.id, action, f"application:{application.id}", before, fresh.snapshot())


def _decided(application, approved, reason="", confirmed=False):
    before = application.snapshot()
    bureau = application.bureau
    name = application.target_name
    try:
        # The decision, its audit entry, notice and SMS commit together or not at all.
        with models.db.atomic():
            # The officer's tick is recorded only together with the 通过 it allows.
            if approved and confirmed and application.business.confirm_needed(application):
                application.business.confirm(application)
            application.decide(approved, reviewer=current_user.id, reason=reason,
                               reopen_at=None if approved else reopen_step(application))
            _audit("通过" if approved else "退回", application, before)
            if approved:
                number = application.service.record_number if application.service else ""
                _tell(application, f"{application.kind}申请已通过",
                      f"您的{application.kind}申请（{name}）已审核通过" + (f"，公安备案号：{number}" if number else "")
                      + f"。如有疑问请致电{bureau.name} {bureau.phone}。")
            else:
                _tell(application, f"{application.kind}申请被退回",
                      f"您的{application.kind}申请（{name}）被退回：{reason}。请在【我的草稿】中修改后重新提交。")
    except models.TransitionError as error:
        flash(str(error), "error")
        return finish(url_for(".detail", application_id=application.id))
    if approved:
        flash("已通过" + (f"，公安备案号 {number}" if number else ""), "success")
    else:
        flash("已退回，申请人将收到短信和系统通知", "success")
    return finish(url_for(".queue"))


@bp.route("/<int:application_id>/approve", methods=["POST"])
@officer_only
def approve(application_id):
    """通过 (for a website: issues its 公安备案号); a business that needs the officer's confirmation
    (a 网站认领 whose claimant proved no control by SMS) is refused without the tick."""
    return _decided(_in_my_bureau(application_id), True, confirmed=bool(request.form.get("confirmed")))


@bp.route("/<int:application_id>/return", methods=["POST"])
@officer_only
def return_(application_id):
    """退回 with a reason the applicant is told."""
    application = _in_my_bureau(application_id)
    form = ReturnForm(checklist=application.business.return_checklist)
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
    details = form.details()
    try:
        with models.db.atomic():
            application.schedule(form.mode.data, details, reviewer=current_user.id)
            _audit(form.mode.data, application, before)
            _tell(application, f"请按时参加{form.mode.data}",
                  f"您的{application.kind}申请需{form.mode.data}：{details['day']} {details['time']}，"
                  f"地点：{details['place']}。" + (f"请携带：{details['materials']}。" if details["materials"] else "")
                  + f"咨询电话：{application.bureau.phone}。")
    except models.TransitionError as error:
        flash(str(error), "error")
        return finish(url_for(".detail", application_id=application.id))
    flash(f"已安排{form.mode.data}，申请人将收到短信和系统通知", "success")
    return finish(url_for(".detail", application_id=application.id))


# -- 未备案网站 and 网站认领: the bureau's lists of sites to be filed ------------------------

def _imported_page(import_form=None, add_form=None, errors=()):
    # The filed site comes with each row: its status says 办理中 or 已完成.
    sites = (models.ImportedSite.select(models.ImportedSite, models.Service)
             .join(models.Service, JOIN.LEFT_OUTER, on=(models.ImportedSite.service == models.Service.id))
             .where(models.ImportedSite.bureau == current_user.bureau_id).order_by(models.ImportedSite.deadline))
    today = timeutil.today()
    return render_template("review/imported.html", rows=[(site, site.progress(today)) for site in sites],
                           import_form=import_form or ImportForm(formdata=None),
                           add_form=add_form or ImportedSiteForm(formdata=None), errors=errors)


def _store_imported(kind, rows):
    """Insert every row (all or nothing) and tell the owners already registered."""
    with models.db.atomic():
        for site in models.ImportedSite.store(current_user.bureau_id, kind, rows, imported_by=current_user.id):
            _audit_imported(site)


def _audit_imported(site):
    # A 个人's certificate is a 居民身份证: the log keeps it masked, like every page.
    models.AuditEntry.record(current_user.id, f"导入{site.kind}", f"imported:{site.id}", {},
                             rules.mask_personal_numbers({"domain": site.domain, "cert_number": site.cert_number,
                                                          "deadline": site.deadline,
                                                          "record_number": site.record_number,
                                                          "leader_mobile": site.masked_leader_mobile}))


@bp.route("/imported")
@officer_only
def imported():
    """The bureau's 未备案网站 and offline filings: which were completed, which are overdue."""
    return _imported_page()


@bp.route("/imported/upload", methods=["POST"])
@officer_only
def upload_imported():
    """导入名单 from CSV: every row is checked first; any bad row imports nothing."""
    form = ImportForm()
    if not form.validate():
        return _imported_page(import_form=form)
    rows, errors = form.parse(timeutil.today(), current_user.bureau)
    if errors:
        return _imported_page(import_form=form, errors=errors)
    _store_imported(form.kind.data, rows)
    flash(f"已导入{len(rows)}个网站", "success")
    return finish(url_for(".imported"))


@bp.route("/imported/add", methods=["POST"])
@officer_only
def add_imported():
    """Add one site to the list."""
    form = ImportedSiteForm()
    clean = form.checked(timeutil.today(), current_user.bureau)
    if clean is None:
        return _imported_page(add_form=form)
    _store_imported(form.kind.data, [clean])
    flash(f"已添加：{clean['name']}", "success")
    return finish(url_for(".imported"))


@bp.route("/units")
@officer_only
def units():
    """已备案联网单位: IP登记 filed at once (即审即办) or approved here; each may be 注销ed afterwards."""
    before = id_arg("before")
    rows = models.Service.filed_by(current_user.bureau_id, models.Service.UNIT, before, UNIT_PAGE + 1)
    more = len(rows) > UNIT_PAGE
    rows = rows[:UNIT_PAGE]
    return render_template("review/units.html", rows=rows, form=CancelFiledForm(formdata=None),
                           next_before=rows[-1].id if more else None)


def _my_filed_unit(service_id):
    """A filed 联网单位 this bureau put on record (its approval, or 即审即办 on its behalf), else 404."""
    unit = models.Service.get_or_none(models.Service.id == service_id, models.Service.kind == models.Service.UNIT,
                                      models.Service.status == models.Service.FILED)
    if unit is None or unit.approving_bureau() is None or unit.approving_bureau().id != current_user.bureau_id:
        abort(404)
    return unit


@bp.route("/units/<int:service_id>/cancel", methods=["POST"])
@officer_only
def cancel_unit(service_id):
    """注销 (or, for one filed at once, 退回 as a draft) of a filed 联网单位 of this bureau, with the
    reason told to the unit."""
    unit = _my_filed_unit(service_id)
    form = CancelFiledForm()
    if not form.validate():
        flash("；".join(form.reason.errors), "error")
        return finish(url_for(".units"))
    if unit.open_application() is not None:
        flash(f"“{unit.name}”有审核中的申请，请先在审核工作台处理该申请", "error")
        return finish(url_for(".units"))
    if request.form.get("action") == "return":
        return _return_unit(unit, form.reason.data)
    with models.db.atomic():
        before = {"status": unit.status}
        # Claimed once: a second click (or a second officer) finds it cancelled already.
        if not models.Service.update(status=models.Service.CANCELLED).where(
                models.Service.id == unit.id, models.Service.status == models.Service.FILED).execute():
            flash("该联网单位已注销", "info")
            return finish(url_for(".units"))
        unit.cancel()
        models.AuditEntry.record(current_user.id, "注销联网单位", f"service:{unit.id}", before,
                                 {"status": unit.status, "reason": form.reason.data})
        text = f"联网单位“{unit.name}”的IP登记已被{current_user.bureau.name}注销：{form.reason.data}。如有疑问请联系该机关。"
        models.Notice.send(unit.owner_id, "IP登记已被注销", text)
        sms.send(unit.owner.mobile, text)
    flash(f"已注销：{unit.name}", "success")
    return finish(url_for(".units"))


def _return_unit(unit, reason):
    """退回 of an IP登记 filed at once: back to the unit as a draft (an officer's own 通过 is final)."""
    application = unit.approval()
    if application is None or application.reviewer_id is not None:
        flash("经民警审核通过的IP登记不能退回，可以注销", "error")
        return finish(url_for(".units"))
    name, owner = unit.name, unit.owner
    text = f"联网单位“{name}”的IP登记被{current_user.bureau.name}退回：{reason}。请在【我的草稿】中修改后重新提交。"
    try:
        with models.db.atomic():
            application.return_after_filing(current_user.id, reason, reopen_at=reopen_step(application))
            models.AuditEntry.record(current_user.id, "退回联网单位", f"application:{application.id}",
                                     {"status": "已通过"}, {"status": application.status, "reason": reason})
            models.Notice.send(owner.id, "IP登记被退回", text)
            sms.send(owner.mobile, text)
    except models.TransitionError as error:
        flash(str(error), "error")
        return finish(url_for(".units"))
    flash(f"已退回：{name}", "success")
    return finish(url_for(".units"))
