"""The sites a bureau pushed to this user: 未备案网站 to complete and offline filings to 认领."""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user

import models
import timeutil
from forms.website import ClaimCodeForm
from views.common import role_required, send_code_for
from wizard.routes import open_imported

bp = Blueprint("sites", __name__, url_prefix="/websites")
applicant_only = role_required(models.User.APPLICANT)


PUSHED = {
    models.ImportedSite.UNFILED: ("未备案网站", "完善备案信息",
                                  "公安机关发现以下网站属于您的开办主体但尚未备案，请在截止日期前完善备案信息并提交。"),
    models.ImportedSite.OFFLINE: ("网站认领", "认领",
                                  "以下网站曾在线下办理公安备案，请认领并补充完整备案信息；线下备案登记了负责人手机的，"
                                  "需先向该手机发送验证码。审核通过后保留原公安备案号。逾期未认领的网站存在被关停的风险。"),
}


def _pushed(kind):
    today = timeutil.today()
    title, button, hint = PUSHED[kind]
    rows = [(site, site.deadline < today, site.shown_to(site.subject_of(current_user.id)))
            for site in models.ImportedSite.waiting_for(current_user.id, kind)]
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


def claim_purpose(site):
    """The SMS code's purpose: this site, for this account (another account's guesses spend its own code)."""
    return f"claim:{site.id}:{current_user.id}"


@bp.route("/claims/<int:imported_id>/verify", methods=["GET", "POST"])
@applicant_only
def prove_claim(imported_id):
    """认领 of an offline filing with a 负责人手机 on record: a code sent to that mobile proves control
    of the site, and only then does the claim open (a certificate number alone is public)."""
    site = models.ImportedSite.get_or_none(models.ImportedSite.id == imported_id,
                                           models.ImportedSite.service.is_null())
    subject = site.subject_of(current_user.id) if site is not None and site.needs_code else None
    if subject is None:
        abort(404)
    form = ClaimCodeForm(formdata=None) if request.method == "GET" else ClaimCodeForm()
    if request.method == "POST":
        if request.form.get("action") == "send_code":
            send_code_for(form, site.leader_mobile, claim_purpose(site),
                          note="用于【网站认领】，如非本单位办理请勿告知他人。")
        elif form.validate():
            error = models.SmsCode.consume(site.leader_mobile, claim_purpose(site), form.code.data)
            if error is None:
                return open_imported(site, subject)
            form.code.errors.append(error)
    return render_template("website/prove_claim.html", form=form, site=site, shown=site.shown_to(subject))
