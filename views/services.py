"""我的网站, 我的APP, 我的小程序, 我的应用市场, 我的服务商: the list, a service's detail with its badge,
【变更】 and 注销.

One page set for every filed service kind; what differs between kinds is declared once in PAGES.
"""
from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user

import models
import sitecheck
import timeutil
from forms.filing import CancelServiceForm
from views.assessments import owed
from views.common import finish, role_required, send_code_for
from views.reports import report_links
from wizard.engine import flow_by_name
from wizard.routes import open_filing

bp = Blueprint("services", __name__)
applicant_only = role_required(models.User.APPLICANT)
PURPOSE_CANCEL = "cancel_service"


@dataclass(frozen=True)
class Kind:
    """How the pages show one kind of filed service."""

    kind: str                  # models.Service kind
    new_flow: str              # the wizard flow of 新办…
    change_flow: str           # … and of 变更…
    cancel: str                # the 注销… business
    key_label: str             # what the list shows beside the name
    key: Callable              # service → that value
    # (the confirmation, its refusal) of 注销, in the platform's words for the kind
    stopped: tuple = ("我确认已停止服务", "请确认已停止服务")
    checks_closed: bool = False  # 注销 probes the home page first (websites)
    numbered: bool = True        # 通过 issues a 公安备案号 (a 服务商's filing is its own record)
    extra_links: tuple = ()      # (label, endpoint) of further pages of the kind (未备案网站 …)
    # (label, endpoint taking service_id) of pages of one filed service (the printable 备案表 …)
    filed_pages: tuple = ()

    @property
    def label(self):
        return models.Service.KINDS[self.kind]


def _packages(service):
    return "、".join(p.get("package", "") for p in service.data.get("platforms", {}).values()) or "—"


# URL part → kind.
PAGES = {
    "websites": Kind(models.Service.WEBSITE, "website", "website-change", models.Application.CANCEL_WEBSITE,
                     "域名", lambda s: "、".join(s.domains()), checks_closed=True,
                     stopped=("我确认网站已关闭，首页已无法访问", "请确认网站已关闭；网站仍在运行的，请先关闭网站再申请注销"),
                     extra_links=(("未备案网站", "sites.unfiled"), ("网站认领", "sites.claims"))),
    "apps": Kind(models.Service.APP, "app", "app-change", models.Application.CANCEL_APP, "包名/Bundle ID", _packages,
                 stopped=("我确认APP已停止运营，并已从各应用市场下架", "请确认APP已停止运营并已下架")),
    "miniapps": Kind(models.Service.MINIAPP, "miniapp", "miniapp-change", models.Application.CANCEL_MINIAPP,
                     "AppID", lambda s: f"{s.data.get('platform', '')} {s.data.get('appid', '')}",
                     stopped=("我确认小程序已停止服务，并已在承载平台注销或下线", "请确认小程序已停止服务")),
    "appstores": Kind(models.Service.APPSTORE, "appstore", "appstore-change", models.Application.CANCEL_APPSTORE,
                      "域名", lambda s: "、".join(s.domains()),
                      stopped=("我确认应用市场已停止运营", "请确认应用市场已停止运营")),
    "units": Kind(models.Service.UNIT, "unit", "unit-change", models.Application.CANCEL_UNIT, "IP地址段",
                  lambda s: "、".join(s.data.get("ip_blocks", [])), numbered=False,
                  filed_pages=(("打印备案表", "unit_form.record_form"),),
                  stopped=("我确认本单位已停止使用所登记的联网线路和地址", "请确认已停止使用所登记的联网线路和地址")),
    "providers": Kind(models.Service.PROVIDER, "provider", "provider-change", models.Application.CANCEL_PROVIDER,
                      "经营许可证号", lambda s: s.data.get("licence", ""), numbered=False,
                      stopped=("我确认已停止提供接入、域名注册等服务，并已妥善安排原有用户", "请确认已停止服务并已安排原有用户")),
}
SLUGS = "any(" + ", ".join(PAGES) + "):slug"
SLUG_OF = {page.kind: slug for slug, page in PAGES.items()}


@bp.app_template_global()
def service_url(service, action="detail"):
    """Where a service's detail (or its cancel page) is."""
    return url_for(f"services.{action}", slug=SLUG_OF[service.kind], service_id=service.id)


def business_menu():
    """业务办理: (heading, [(label, url)]) for each business the platform offers."""
    sections = [("开办主体", [("新增主体", url_for("subject.new")), ("我的主体", url_for("subject.index"))])]
    for slug, page in PAGES.items():
        flow = flow_by_name(page.new_flow)
        links = [(flow.title, url_for("wizard.start", flow_name=flow.name)),
                 (f"我的{page.label}", url_for("services.index", slug=slug)),
                 *[(label, url_for(endpoint)) for label, endpoint in page.extra_links]]
        sections.append((f"{page.label}业务", links))
    sections.append(("安全评估业务", [("新办安全评估", url_for("wizard.start", flow_name="assessment")),
                                  ("我的安全评估", url_for("assessments.index"))]))
    return sections


def latest_of(owner, limit=10):
    """(page, slug, newest services) of each kind, for the home page."""
    return [(page, slug, list(models.Service.select().where(models.Service.owner == owner,
                                                            models.Service.kind == page.kind)
                               .order_by(models.Service.id.desc()).limit(limit)))
            for slug, page in PAGES.items()]


def _own(slug, service_id):
    return models.Service.get_or_none(models.Service.id == service_id, models.Service.kind == PAGES[slug].kind,
                                      models.Service.owner == current_user.id) or abort(404)


@bp.route(f"/<{SLUGS}>")
@applicant_only
def index(slug):
    """我的网站 / 我的APP / 我的小程序: every one with its status; filed ones offer 【变更】 and 【注销】."""
    page = PAGES[slug]
    rows = (models.Service.select().where(models.Service.owner == current_user.id, models.Service.kind == page.kind)
            .order_by(models.Service.id.desc()))
    return render_template("services/list.html", page=page, slug=slug, new_flow=flow_by_name(page.new_flow),
                           rows=[(service, page.key(service), service.change_problem()) for service in rows])


@bp.route(f"/<{SLUGS}>/<int:service_id>")
@applicant_only
def detail(slug, service_id):
    """详情: the filing and, once filed, the badge to show on the site or in the APP's 关于 page."""
    service = _own(slug, service_id)
    badge = preview = None
    if service.status == models.Service.FILED and service.record_number:
        links = dict(site=service, query_url=url_for("public.query", q=service.record_number, _external=True),
                     icon_url=url_for("static", filename="beian-badge.png", _external=True))
        badge = render_template("workspace/_badge.html", **links)
        preview = render_template("workspace/_badge.html", preview=True, **links)
    return render_template("services/detail.html", page=PAGES[slug], service=service, badge=badge, preview=preview,
                           key=PAGES[slug].key(service), busy=service.change_problem(), reports=report_links(service),
                           assessment=owed(service))


@bp.route(f"/<{SLUGS}>/<int:service_id>/change", methods=["POST"])
@applicant_only
def change(slug, service_id):
    """【变更】: the wizard opens with what is on record."""
    service = _own(slug, service_id)
    problem = service.change_problem()
    if problem:
        flash(problem, "error")
        return finish(service_url(service))
    return open_filing(flow_by_name(PAGES[slug].change_flow), service)


def _closed_check(service):
    """The home page check (or why it was not made), for the officer to see."""
    at = timeutil.format_local(timeutil.now())
    if not current_app.config["SITE_CHECK"]:
        return sitecheck.Result(True, "未检查（本平台已关闭网站访问检查）"), at
    return sitecheck.check(service.home_url, current_app.config["SITE_CHECK_TIMEOUT"]), at


@bp.route(f"/<{SLUGS}>/<int:service_id>/cancel", methods=["GET", "POST"])
@applicant_only
def cancel(slug, service_id):
    """注销: only a filed service that has stopped; its 负责人 confirms with an SMS code."""
    page, service = PAGES[slug], _own(slug, service_id)
    problem = service.change_problem()
    if problem:
        flash(problem, "error")
        return finish(service_url(service))
    if request.method == "GET":
        form = CancelServiceForm(service=service, label=page.label, stopped=page.stopped, formdata=None)
    else:
        form = CancelServiceForm(service=service, label=page.label, stopped=page.stopped)
        mobile = form.leader.get("mobile", "")
        if request.form.get("action") == "send_code":
            if form.check_field("leader_name") & form.check_field("leader_mobile"):
                send_code_for(form, mobile, PURPOSE_CANCEL)
        elif form.validate():
            picture = form.picture(current_app.config["UPLOAD_MAX_KB"])
            # The code first: without it nobody can make the platform probe an address.
            error = None if picture is False else models.SmsCode.consume(mobile, PURPOSE_CANCEL, form.code.data)
            if error:
                form.code.errors.append(error)
            elif picture is not False:
                checked = {}
                if page.checks_closed:
                    result, checked_at = _closed_check(service)
                    if not result.closed:
                        form.closed.errors.append(f"{result.detail}，{result.advice}，并重新获取验证码")
                        return render_template("services/cancel.html", form=form, service=service, page=page)
                    checked = {"site_check": result.detail, "site_checked_at": checked_at}
                return _file_cancel(page, service, form, picture, checked)
    return render_template("services/cancel.html", form=form, service=service, page=page)


def _file_cancel(page, service, form, picture, checked):
    problem = service.change_problem()
    if problem:
        flash(problem, "error")
        return finish(service_url(service))
    try:
        with models.db.atomic():
            application = models.BUSINESSES[page.cancel].file(
                service.subject, {"reason": form.reason.data, "leader_name": form.leader_name.data, **checked},
                service=service)
            if picture:
                # Stored only once the filing stands: a refused one leaves no picture behind.
                application.attachment = models.Upload.store(current_user.id, "cancel_attachment", *picture)
                application.save()
    except models.TransitionError:
        # Another 变更 or 注销 of this service was filed a moment ago.
        flash("存在审核中的单据", "error")
        return finish(service_url(service))
    after = (f"审核通过后，公安备案号{service.record_number}将标记为已注销，不再使用。" if service.record_number
             else "审核通过后，不再列入服务商目录。")
    models.Notice.send(current_user.id, f"注销{page.label}申请已提交", f"{page.label}“{service.name}”的注销申请已提交。" + after)
    flash(f"注销{page.label}申请已提交，请等待公安机关审核", "success")
    return finish(url_for("workspace.application", application_id=application.id))
