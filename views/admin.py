"""Administration (admin only): the audit log of officer and admin actions, read-only."""
from flask import Blueprint, render_template, request

import models
from views.common import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE = 100


@bp.route("/audit")
@role_required(models.User.ADMIN)
def audit():
    """审计日志: who did what, when, with the state before and after; newest first."""
    page = max(request.args.get("page", 1, type=int), 1)
    rows = (models.AuditEntry.select().order_by(models.AuditEntry.id.desc())
            .paginate(page, PAGE))
    return render_template("admin/audit.html", rows=list(rows), page=page, more=len(rows) == PAGE)
