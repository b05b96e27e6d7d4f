"""The public front page and each role's 系统首页."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

import models
from forms.base import ordered_fields
from views import assessments, services
from views.common import current_subject, role_required

bp = Blueprint("main", __name__)
ASSET_VERSION = "11"


@bp.record_once
def template_helpers(state):
    """Names every template (and every imported macro) may use."""
    state.app.jinja_env.globals.update(ordered_fields=ordered_fields, asset_version=ASSET_VERSION,
                                       masked_mobile=models.masked_mobile)


@bp.route("/")
def index():
    """Public front page; logged-in users go to their home."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return render_template("main/index.html")


@bp.route("/home")
@login_required
def home():
    """系统首页 of the logged-in user."""
    bureaus = models.Bureau.select().order_by(models.Bureau.division_code) \
        if current_user.is_admin else []
    glance = {}
    if current_user.role == models.User.APPLICANT:
        me = current_user.id
        glance = {
            "incoming": models.Transfer.offered_to(current_user).count(),
            "applications": list(models.Application.select().where(models.Application.owner == me)
                                 .order_by(models.Application.id.desc()).limit(5)),
            "notices": list(models.Notice.for_user(me).limit(5)),
            "unread": models.Notice.select().where(models.Notice.user == me, models.Notice.read_at.is_null()).count(),
            "services": services.latest_of(me),
            "owing": assessments.owing(me, limit=5),
            "pushed": sum(models.ImportedSite.waiting_for(me, kind).count()
                          for kind in (models.ImportedSite.UNFILED, models.ImportedSite.OFFLINE)),
        }
    return render_template("main/home.html", bureaus=bureaus, subject=current_subject(), **glance)


@bp.route("/business")
@role_required(models.User.APPLICANT)
def business():
    """业务办理: a shortcut to every business, grouped as the platform groups them."""
    return render_template("main/business.html", sections=services.business_menu())
