"""我的网站 after filing: the list with 【变更】/【注销】, 注销网站 itself, and the sites the bureau
pushed to this user: 未备案网站 to complete and offline filings to 认领."""
from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user

import models
import sitecheck
import timeutil
from forms import rules
from forms.website import CancelWebsiteForm
from views.common import finish, role_required, send_code_for

bp = Blueprint("sites", __name__, url_prefix="/websites")
applicant_only = role_required(models.User.APPLICANT)
PURPOSE_CANCEL = "cancel_website"


def _own_website(website_id):
    return models.Service.get_or_none(models.Service.id == website_id, models.Service.kind == models.Service.WEBSITE,
                                      models.Service.owner == current_user.id) or abort(404)


@bp.route("")
@applicant_only
def index():
    """我的网站: every site with its status; filed ones offer 【变更】 and 【注销】."""
    sites = (models.Service.select().where(models.Service.owner == current_user.id,
                                           models.Service.kind == models.Service.WEBSITE)
             .order_by(models.Service.id.desc()))
    return render_template("website/list.html", rows=[(site, site.change_problem()) for site in sites])


def _closed_check(website):
    """The home page check (or why it was not made), for the officer to see."""
    at = timeutil.format_local(timeutil.now())
    if not current_app.config["SITE_CHECK"]:
        return sitecheck.Result(True, "未检查（本平台已关闭网站访问检查）"), at
    home = website.data.get("home_url") or website.domain
    return sitecheck.check(home, current_app.config["SITE_CHECK_TIMEOUT"]), at


def _attachment(form):
    """The optional picture, checked and re-encoded (stored only once the cancel is filed);
    None when there is none, False with an error next to the field when it is refused."""
    storage = form.attachment.data
    if not storage or not getattr(storage, "filename", ""):
        return None
    data = storage.read()
    problem = rules.check_image(data, current_app.config["UPLOAD_MAX_KB"])
    if problem:
        form.attachment.errors = [problem]
        return False
    return rules.reencode_image(data)


@bp.route("/<int:website_id>/cancel", methods=["GET", "POST"])
@applicant_only
def cancel(website_id):
    """注销网站: only a filed, closed site; the 网站负责人 confirms with an SMS code."""
    website = _own_website(website_id)
    problem = website.change_problem()
    if problem:
        flash(problem, "error")
        return finish(url_for("workspace.website", website_id=website.id))
    if request.method == "GET":
        form = CancelWebsiteForm(website=website, formdata=None)
    else:
        form = CancelWebsiteForm(website=website)
        mobile = form.leader.get("mobile", "")
        if request.form.get("action") == "send_code":
            if form.check_field("leader_name") & form.check_field("leader_mobile"):
                send_code_for(form, mobile, PURPOSE_CANCEL)
        elif form.validate():
            picture = _attachment(form)
            # The code first: without it nobody can make the platform probe an address.
            error = None if picture is False else models.SmsCode.consume(mobile, PURPOSE_CANCEL, form.code.data)
            if error:
                form.code.errors.append(error)
            elif picture is not False:
                result, checked_at = _closed_check(website)
                if not result.closed:
                    form.closed.errors.append(f"{result.detail}，请先关闭网站再申请注销，并重新获取验证码")
                else:
                    return _file_cancel(website, form, picture, result, checked_at)
    return render_template("website/cancel.html", form=form, site=website)


def _file_cancel(website, form, picture, result, checked_at):
    problem = website.change_problem()
    if problem:
        flash(problem, "error")
        return finish(url_for("workspace.website", website_id=website.id))
    try:
        with models.db.atomic():
            application = models.BUSINESSES[models.Application.CANCEL_WEBSITE].file(
                website.subject, {"reason": form.reason.data, "leader_name": form.leader_name.data,
                                  "site_check": result.detail, "site_checked_at": checked_at}, service=website)
            if picture:
                # Stored only once the filing stands: a refused one leaves no picture behind.
                application.attachment = models.Upload.store(current_user.id, "cancel_attachment", *picture,
                                                             current_app.config["UPLOAD_FOLDER"])
                application.save()
    except models.TransitionError:
        # Another 变更 or 注销 of this site was filed a moment ago.
        flash("存在审核中的单据", "error")
        return finish(url_for("workspace.website", website_id=website.id))
    models.Notice.send(current_user.id, "注销网站申请已提交",
                       f"网站“{website.name}”的注销申请已提交。审核通过后，公安备案号{website.record_number}"
                       "将标记为已注销，不再使用。")
    flash("注销网站申请已提交，请等待公安机关审核", "success")
    return finish(url_for("workspace.application", application_id=application.id))


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
