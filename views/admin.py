"""Administration (admin only): bureaus and their settings and guides, officers, the holiday
table, and the read-only audit log. Every change is written to the audit log."""

import json

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user
from playhouse.shortcuts import model_to_dict

import models
import timeutil
import workdays
from forms import rules
from forms.admin import KIND_DAY_FIELDS, BureauForm, HolidayForm, OfficerForm
from forms.base import Form
from views.common import finish, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE = 100
admin_only = role_required(models.User.ADMIN)


def _audit(action, target, before, after):
    models.AuditEntry.record(current_user.id, action, target, before, after)


def _bureau_facts(bureau):
    return model_to_dict(bureau, recurse=False, exclude=[models.Bureau.created_at])


@bp.route("")
@admin_only
def index():
    """系统管理: what the administrator looks after."""
    return render_template("admin/index.html", bureaus=models.Bureau.select().count(),
                           officers=models.User.select().where(models.User.role == models.User.OFFICER).count(),
                           unknown_next=not models.Holiday.calendar().known(_this_year() + 1))


@bp.route("/bureaus")
@admin_only
def bureaus():
    """公安机关 of this deployment with their review settings."""
    return render_template("admin/bureaus.html",
                           bureaus=models.Bureau.select().order_by(models.Bureau.division_code))


def _bureau_form(bureau=None):
    if request.method == "POST":
        return BureauForm(bureau=bureau)
    data = bureau.guide_text() if bureau else models.Bureau.default_guide()
    limits = bureau.kind_days if bureau else {}
    return BureauForm(formdata=None, obj=bureau, bureau=bureau,
                      data={**{f"guide_{key}": value for key, value in data.items()},
                            **{name: limits.get(kind) for name, kind in KIND_DAY_FIELDS}})


def _save_bureau(bureau=None):
    form = _bureau_form(bureau)
    if not form.validate_on_submit():
        return render_template("admin/bureau.html", form=form, bureau=bureau)
    before = _bureau_facts(bureau) if bureau else {}
    bureau = bureau or models.Bureau()
    form.populate_obj(bureau)
    bureau.guide = form.guide_data()
    bureau.kind_days = form.kind_days_data()
    bureau.save()
    _audit("修改公安机关" if before else "新增公安机关", f"bureau:{bureau.id}", before, _bureau_facts(bureau))
    flash(f"已保存：{bureau.name}", "success")
    return finish(url_for(".bureaus"))


@bp.route("/bureaus/new", methods=["GET", "POST"])
@admin_only
def new_bureau():
    """新增公安机关 with the default guide to start from."""
    return _save_bureau()


@bp.route("/bureaus/<int:bureau_id>", methods=["GET", "POST"])
@admin_only
def edit_bureau(bureau_id):
    """Edit a bureau: contact facts, 即审即办, review days, its 办事指南."""
    return _save_bureau(models.Bureau.get_or_none(models.Bureau.id == bureau_id) or abort(404))


@bp.route("/officers", methods=["GET", "POST"])
@admin_only
def officers():
    """民警账号: list, create, disable or enable."""
    form = OfficerForm() if request.method == "POST" else OfficerForm(formdata=None)
    if form.validate_on_submit():
        with models.db.atomic():
            officer = models.User(username=form.username.data, mobile=form.mobile.data, email=form.email.data,
                                  role=models.User.OFFICER, bureau=form.bureau.data)
            officer.set_password(form.password.data)
            officer.save()
            _audit("新增民警", f"user:{officer.id}", {},
                   {"username": officer.username, "bureau": officer.bureau_id})
        flash(f"已创建民警账号 {officer.username}，请告知其登录后修改密码", "success")
        return finish(url_for(".officers"))
    rows = (models.User.select().where(models.User.role == models.User.OFFICER)
            .order_by(models.User.bureau, models.User.username))
    return render_template("admin/officers.html", form=form, rows=rows, toggle_form=Form(),
                           masked=models.masked_mobile)


@bp.route("/officers/<int:user_id>/active", methods=["POST"])
@admin_only
def set_officer_active(user_id):
    """停用 ends the officer's sessions at once; 启用 lets them log in again."""
    officer = models.User.get_or_none(models.User.id == user_id, models.User.role == models.User.OFFICER) \
        or abort(404)
    active = request.form.get("active") == "1"
    before = {"active": officer.active}
    officer.set_active(active)
    _audit("启用民警" if active else "停用民警", f"user:{officer.id}", before, {"active": active})
    flash(f"已{'启用' if active else '停用'}民警账号 {officer.username}", "success")
    return finish(url_for(".officers"))


def _this_year():
    return timeutil.to_local(timeutil.now()).year


@bp.route("/holidays", methods=["GET", "POST"])
@admin_only
def holidays():
    """节假日: the official schedule per year; a year with no entries counts weekends only."""
    year = request.args.get("year", _this_year(), type=int)
    if not 2000 <= year <= 2100:
        abort(404)
    form = HolidayForm() if request.method == "POST" else HolidayForm(formdata=None)
    if form.validate_on_submit():
        is_workday = form.kind.data == "work"
        with models.db.atomic():
            for day in form.days():
                row = models.Holiday.get_or_none(models.Holiday.day == day)
                before = model_to_dict(row, recurse=False) if row else {}
                row = row or models.Holiday(day=day)
                row.is_workday, row.name = is_workday, form.name.data
                row.save()
                _audit("录入节假日", f"holiday:{day.isoformat()}", before, model_to_dict(row, recurse=False))
        flash(f"已录入 {len(form.days())} 天：{form.name.data}{'调休上班' if is_workday else '放假'}", "success")
        return finish(url_for(".holidays", year=form.start.data.year))
    calendar = models.Holiday.calendar()
    years = sorted(set(models.Holiday.years()) | {_this_year(), _this_year() + 1}, reverse=True)
    return render_template("admin/holidays.html", form=form, year=year, years=years,
                           rows=list(models.Holiday.in_year(year)), known=calendar.known(year),
                           confirmation=models.HolidayYear.get_or_none(models.HolidayYear.year == year),
                           last_official=workdays.last_official_year(), delete_form=Form())


@bp.route("/holidays/<int:year>/complete", methods=["POST"])
@admin_only
def confirm_holiday_year(year):
    """【确认该年安排已录入完整】: the year's deadlines count as known from now on; 撤销确认 undoes it
    (a year chinesecalendar publishes stays complete)."""
    if not workdays.FIRST_SEEDED_YEAR <= year <= 2100:
        abort(404)
    row = models.HolidayYear.get_or_none(models.HolidayYear.year == year)
    if request.form.get("complete") == "0":
        if row is not None and row.confirmed_by_id is not None:
            row.delete_instance()
            _audit("撤销节假日安排确认", f"holiday-year:{year}", {"complete": True}, {"complete": False})
            flash(f"已撤销确认：{year}年法定节假日安排重新视为未录入完整", "success")
        return finish(url_for(".holidays", year=year))
    if row is None:
        if not models.Holiday.in_year(year).exists():
            flash(f"尚未录入{year}年的任何节假日，请先按国务院办公厅通知录入全部放假和调休上班日期", "error")
            return finish(url_for(".holidays", year=year))
        models.HolidayYear.create(year=year, confirmed_by=current_user.id)
        _audit("确认节假日安排", f"holiday-year:{year}", {"complete": False}, {"complete": True})
        flash(f"已确认{year}年法定节假日安排已录入完整", "success")
    return finish(url_for(".holidays", year=year))


@bp.route("/holidays/<int:holiday_id>/delete", methods=["POST"])
@admin_only
def delete_holiday(holiday_id):
    """Remove one entry (a mistaken day)."""
    row = models.Holiday.get_or_none(models.Holiday.id == holiday_id) or abort(404)
    before = model_to_dict(row, recurse=False)
    row.delete_instance()
    _audit("删除节假日", f"holiday:{row.day.isoformat()}", before, {})
    flash(f"已删除 {row.day} {row.name}", "success")
    return finish(url_for(".holidays", year=row.day.year))


@bp.route("/audit")
@admin_only
def audit():
    """审计日志: who did what, when, with the state before and after; newest first."""
    page = max(request.args.get("page", 1, type=int), 1)
    rows = list(models.AuditEntry.select().order_by(models.AuditEntry.id.desc()).paginate(page, PAGE))
    shown = [(entry, _shown(entry.before), _shown(entry.after)) for entry in rows]
    return render_template("admin/audit.html", rows=shown, page=page, more=len(rows) == PAGE)


def _shown(side):
    """One side of an audit entry as the JSON text the page shows, people's 证件号码 masked (an entry
    written before they were masked on the way in shows none either)."""
    return json.dumps(rules.mask_personal_numbers(side), ensure_ascii=False, default=str)
