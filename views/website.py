"""The sites a bureau pushed to this user: 未备案网站 to complete and offline filings to 认领."""
from flask import Blueprint, render_template
from flask_login import current_user

import models
import timeutil
from views.common import role_required

bp = Blueprint("sites", __name__, url_prefix="/websites")
applicant_only = role_required(models.User.APPLICANT)


PUSHED = {
    models.ImportedSite.UNFILED: ("未备案网站", "完善备案信息",
                                  "公安机关发现以下网站属于您的开办主体但尚未备案，请在截止日期前完善备案信息并提交。"),
    models.ImportedSite.OFFLINE: ("网站认领", "认领",
                                  "以下网站曾在线下办理公安备案，请认领并补充完整备案信息；审核通过后保留原公安备案号。"
                                  "逾期未认领的网站存在被关停的风险。"),
}


def _pushed(kind):
    today = timeutil.to_local(timeutil.now()).date()
    title, button, hint = PUSHED[kind]
    rows = [(site, site.deadline < today) for site in models.ImportedSite.waiting_for(current_user.id, kind)]
    return render_template("website/pushed.html", rows=rows, title=title, button=button, hint=hint)


@bp.route("/unfiled")
@applicant_only
def unfiled():
    """未备案网站: sites the bureau found under my subjects, to file by the deadline."""
    return _pushed(models.ImportedSite.UNFILED)


@bp.route("/claims")
@applicant_only
def claims():
    """网站认领: offline filings under my subjects' certificates, to claim and complete."""
    return _pushed(models.ImportedSite.OFFLINE)
