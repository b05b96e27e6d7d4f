"""报告接入网站 and 报告接入单位 (公安部令第33号 第十一条、第十二条): a filed 服务商 uploads the sites it
hosts and the units it connects; the sites nobody filed join the bureau's 未备案网站 list, the units
its 未备案联网单位 list, which an officer pushes to the units' accounts. The one place this lives."""
from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

import models
import timeutil
from forms.reports import SiteReportForm, UnitReportForm
from views.common import finish, id_arg, role_required

bp = Blueprint("reports", __name__)
applicant_only = role_required(models.User.APPLICANT)
officer_only = role_required(models.User.OFFICER)
PAGE = 50
HISTORY = 10


@dataclass(frozen=True)
class Report:
    """What a 服务商 reports with one kind of CSV."""

    kind: str            # models.ProviderReport kind
    form: type           # the upload form (its columns and row checks)
    store: Callable      # (service, reporting user, clean rows, the bureau it filed with) → ProviderReport
    hint: str            # what becomes of the rows, for the upload page
    outcome: str         # what came of a report: format fields rows, filed, new …
    earlier: str         # … and, when some rows were on a list already, earlier

    @property
    def label(self):
        return "报告" + models.ProviderReport.KINDS[self.kind]

    def summary(self, record):
        """What came of a report, for its message and the page's history."""
        text = self.outcome.format(rows=record.row_count, filed=record.filed_count, new=record.new_count)
        return text + (self.earlier.format(earlier=record.earlier_count) if record.earlier_count else "")



def _file_sites(service, user, rows, bureau):
    # A new 未备案网站's deadline counts from today.
    return models.ProviderReport.file_sites(service, user, rows, bureau, timeutil.today())


DAYS = models.ProviderReport.DEADLINE.days
# URL part → report.
REPORTS = {
    "sites": Report(
        kind=models.ProviderReport.SITES, form=SiteReportForm, store=_file_sites,
        hint="已在本平台备案的网站只计数；其余网站列入公安机关的未备案网站名单，证件号码与开办主体一致的用户"
             f"会收到系统通知，须在{DAYS}日内办理网站备案。",
        outcome="共{rows}个网站：已备案{filed}个，新列入公安机关未备案网站名单{new}个",
        earlier="，已在未备案名单中{earlier}个"),
    "units": Report(
        kind=models.ProviderReport.UNITS, form=UnitReportForm, store=models.ProviderReport.file_units,
        hint=f"接入单位列入公安机关的未备案联网单位名单，由公安机关通知其在{DAYS}日内办理联网单位备案。",
        outcome="共{rows}个接入单位：新列入公安机关未备案联网单位名单{new}个",
        earlier="，此前已报告{earlier}个"),
}


def report_links(service):
    """(label, url) of each report a service may upload, for its owner's detail page; None when it
    may upload none (only a filed 服务商 does)."""
    if service.report_problem():
        return None
    return [(report.label, url_for("reports.upload", service_id=service.id, slug=slug))
            for slug, report in REPORTS.items()]


@bp.route("/providers/<int:service_id>/report/<any(sites, units):slug>", methods=["GET", "POST"])
@applicant_only
def upload(service_id, slug):
    """报告接入网站 / 报告接入单位: a CSV whose rows are all checked; any bad row stores nothing."""
    service = models.Service.get_or_none(models.Service.id == service_id,
                                         models.Service.kind == models.Service.PROVIDER,
                                         models.Service.owner == current_user.id) or abort(404)
    problem = service.report_problem()
    if problem:
        flash(problem, "error")
        return finish(url_for("services.detail", slug="providers", service_id=service.id))
    report = REPORTS[slug]
    form = report.form() if request.method == "POST" else report.form(formdata=None)
    errors = []
    if request.method == "POST" and form.validate():
        rows, errors = form.parse()
        if not errors:
            # The 服务商's own 备案机关 keeps the lists its rows go to.
            done = report.store(service, current_user.id, rows, service.approving_bureau())
            flash(report.summary(done), "success")
            return finish(url_for(".upload", service_id=service.id, slug=slug))
    history = [(record, report.summary(record)) for record in service.reports.where(
        models.ProviderReport.kind == report.kind).order_by(models.ProviderReport.id.desc()).limit(HISTORY)]
    return render_template("reports/upload.html", service=service, slug=slug, report=report, form=form,
                           errors=errors, history=history)


@bp.route("/review/unfiled-units")
@officer_only
def unfiled_units():
    """未备案联网单位: the units 服务商 reported connecting in the bureau's area, newest first, 50 a page."""
    before = id_arg("before")
    units = list(models.ConnectedUnit.listed_for(current_user.bureau_id, before, PAGE + 1))
    more = len(units) > PAGE
    units = units[:PAGE]
    registered = models.Subject.live_holders({unit.credit_code for unit in units})
    return render_template("reports/unfiled_units.html",
                           rows=[(unit, unit.credit_code in registered) for unit in units], before=before, next_before=units[-1].id if more else None)


@bp.route("/review/unfiled-units/<int:unit_id>/push", methods=["POST"])
@officer_only
def push_unit(unit_id):
    """【推送】: a 系统通知 to the unit's accounts asking for 联网单位备案 within 30 days."""
    unit = models.ConnectedUnit.get_or_none(models.ConnectedUnit.id == unit_id,
                                            models.ConnectedUnit.bureau == current_user.bureau_id) or abort(404)
    before = {"pushed_at": unit.pushed_at}
    with models.db.atomic():
        told = unit.push(timeutil.today())
        models.AuditEntry.record(current_user.id, "推送未备案联网单位", f"connected_unit:{unit.id}", before,
                                 {"pushed_at": unit.pushed_at, "told": told})
    if told:
        flash(f"已通知{told}个账号：{unit.unit_name}", "success")
    else:
        flash(f"{unit.unit_name}：该单位尚未在本平台注册，请线下通知", "info")
    return finish(url_for(".unfiled_units", before=request.args.get("before", type=int)))
