"""我的安全评估, the printable 安全评估报告, and 【新办安全评估】 from the service that owes one."""
from dataclasses import dataclass

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

import assessments
import models
import timeutil
from views.common import id_arg, role_required
from wizard.engine import flow_by_name
from wizard.routes import open_on

bp = Blueprint("assessments", __name__)
applicant_only = role_required(models.User.APPLICANT)
PAGE = 50
OWING_SHOWN = 100   # services owing a report that 我的安全评估 lists (an owner has far fewer)
FLOW = "assessment"


@dataclass(frozen=True)
class Owed:
    """Where a service stands with its 安全评估 report, as its detail page and lists say it."""

    due_on: object          # the day the report is due (None: none is)
    overdue: bool
    trigger: str
    pending: object         # the report under review, or None
    latest: object          # the last approved report, or None

    @property
    def state(self):
        """What the detail page says: a report 审核中, one owed, the last one approved, or nothing."""
        if self.pending is not None:
            return "pending"
        if self.due_on is not None:
            return "owing"
        return "assessed" if self.latest is not None else None


def owed(service):
    """The 安全评估 standing of one service (None for a kind the rules do not cover)."""
    if service.kind not in assessments.KINDS:
        return None
    reports = list(service.assessments.order_by(models.Assessment.id.desc()))
    due_on = service.assessment_due_on()
    return Owed(due_on, due_on is not None and due_on < timeutil.today(), service.assessment_trigger,
                next((r for r in reports if r.status == models.Assessment.PENDING), None),
                next((r for r in reports if r.status == models.Assessment.ASSESSED), None))


def owing(owner, limit=OWING_SHOWN):
    """(service, due day, overdue, report under review) of the owner's filed services that owe a
    report, the longest waiting first."""
    services = list(models.Service.select().where(
        models.Service.owner == owner, models.Service.status == models.Service.FILED,
        models.Service.assessment_due_since.is_null(False)).order_by(models.Service.assessment_due_since).limit(limit))
    reviewing = {r.service_id for r in models.Assessment.select(models.Assessment.service).where(
        models.Assessment.service.in_([s.id for s in services]), models.Assessment.status == models.Assessment.PENDING)}
    today = timeutil.today()
    due = {s.id: s.assessment_due_on() for s in services}
    return [(s, due[s.id], due[s.id] < today, s.id in reviewing) for s in services]


@bp.route("/assessments")
@applicant_only
def index():
    """我的安全评估: what is owed, then every report (newest first, a page at a time)."""
    before = id_arg("before")
    query = models.Assessment.for_owner(current_user.id)
    if before:
        query = query.where(models.Assessment.id < before)
    reports = list(query.limit(PAGE + 1))
    more = len(reports) > PAGE
    reports = reports[:PAGE]
    due = owing(current_user.id) if not before else []
    return render_template("assessments/list.html", due=due, reports=reports, flow=flow_by_name(FLOW),
                           next_before=reports[-1].id if more else None)


@bp.route("/assessments/for/<int:service_id>", methods=["POST"])
@applicant_only
def start_for(service_id):
    """【新办安全评估】 of one filed service: its draft resumes (one returned, or begun earlier), else
    a report opens at 评估对象 with the service chosen and why it is due."""
    service = models.Service.get_or_none(models.Service.id == service_id, models.Service.owner == current_user.id,
                                         models.Service.status == models.Service.FILED,
                                         models.Service.kind.in_(assessments.KINDS)) or abort(404)
    flow = flow_by_name(FLOW)
    chosen = [str(service.id)]
    drafts = models.Draft.select().where(models.Draft.owner == current_user.id, models.Draft.kind == flow.kind,
                                         models.Draft.subject == service.subject)
    resumed = next((d for d in drafts if flow.state(d.data).raw("scope").get("service_id") == chosen), None)
    values = {"service_id": chosen, **({"trigger": [service.assessment_trigger]} if service.assessment_trigger else {})}
    return open_on(flow, service.subject, "scope", values, resume=resumed)


@bp.route("/assessments/<int:assessment_id>")
@login_required
def report(assessment_id):
    """安全评估报告, printable: for the service's owner and the bureaus it concerns."""
    found = (models.Assessment.select(models.Assessment, models.Service, models.Application)
             .join(models.Service).switch(models.Assessment).join(models.Application)
             .where(models.Assessment.id == assessment_id).first())
    if found is None or not found.visible_to(current_user):
        abort(404)
    filed = found.data
    measures = [(measure, filed["measures"].get(measure.key, {})) for measure in assessments.MEASURES]
    files = {u.id: u for u in models.Upload.select().where(models.Upload.id.in_(
        [i for _, values in measures for i in values.get("files", [])] or [0]))}
    return render_template("assessments/report.html", report=found, filed=filed, service=found.service,
                           application=found.application, subject=found.application.subject,
                           measures=[(m, v.get("situation", ""), [files[i] for i in v.get("files", []) if i in files])
                                     for m, v in measures],
                           back=_back(found))


def _back(found):
    """Where 返回 leads: the review page for the bureau deciding it, the workstation for another
    officer, 我的安全评估 for the owner."""
    if current_user.role != models.User.OFFICER:
        return url_for(".index")
    if current_user.bureau_id == found.application.bureau_id:
        return url_for("review.detail", application_id=found.application_id)
    return url_for("review.dashboard")
