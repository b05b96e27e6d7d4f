"""Public pages that need no login: 备案填写规范, 备案查询 (where badges link) and 办事指南."""
from flask import Blueprint, abort, render_template, request

import assessments
import models
from forms import rules
from forms.app import MINIAPP_CONTENT_TYPES
from forms.website import INTERACTIVE_ITEMS
from views.services import PAGES, SLUG_OF

bp = Blueprint("public", __name__)


def _rule_rows():
    """Each rule with its wrong examples and the message the system gives them."""
    rows = []
    for rule in rules.RULES:
        bad = [(example, rule.check(example) if rule.check else "") for example in rule.bad]
        rows.append({"rule": rule, "bad": bad})
    return rows


def assessment_scope():
    """安全评估 at a glance, from the tables the filings use: which ticked items need a report,
    the situations (§3) and the measures (§5) a report covers."""
    return {"items": [("网站、APP的交互式服务项目", assessments.scope_table(INTERACTIVE_ITEMS)),
                      ("小程序的服务内容类型", assessments.scope_table(MINIAPP_CONTENT_TYPES))],
            "triggers": assessments.TRIGGERS, "measures": assessments.MEASURES, "due_days": assessments.DUE_DAYS}


@bp.route("/rules")
def filing_rules():
    """备案填写规范: every rule with right and wrong examples, from the rule table, and the scope of
    安全评估."""
    return render_template("public/rules.html", rows=_rule_rows(), scope=assessment_scope())


def _identifies(service):
    """What identifies a service beside its name: a website's domains, an APP's package names,
    a 小程序's platform and AppID (as 我的网站/APP/小程序 show them)."""
    return PAGES[SLUG_OF[service.kind]].key(service)


@bp.route("/query")
def query():
    """备案查询 of websites, APPs, 小程序 and 应用市场 (where every badge links): by 公安备案号, name,
    exact domain, exact package name or AppID, of every kind or the one chosen under 类型."""
    text = (request.args.get("q") or "").strip()[:100]
    # Only the kinds that get a 公安备案号 can be found (a 服务商's filing is its own record).
    kinds = {page.kind: page.label for page in PAGES.values() if page.numbered}
    kind = request.args.get("kind", "")
    kind = kind if kind in kinds else ""
    page = {"q": text, "kind": kind, "kinds": kinds,
            "key_label": PAGES[SLUG_OF[kind]].key_label if kind else "域名/包名/AppID"}
    if not text:
        return render_template("public/query.html", **page, rows=None)
    problem = rules.check_control_chars(text)
    if problem:
        # Never sent to the database (PostgreSQL refuses a NUL outright).
        return render_template("public/query.html", **{**page, "q": ""}, rows=None, problem=problem)
    try:
        domain = rules.normalize_domain(text) if "." in text and "备" not in text else None
    except ValueError:
        domain = None
    services = models.Service.public_search(text, domain, kind=kind or None)
    return render_template("public/query.html", **page, rows=[(s, _identifies(s)) for s in services])


@bp.route("/guide")
def guides():
    """办事指南: the bureaus of this deployment, each with its guide."""
    return render_template("public/guides.html",
                           bureaus=models.Bureau.select().order_by(models.Bureau.division_code))


@bp.route("/guide/<int:bureau_id>")
def guide(bureau_id):
    """One bureau's 互联网用户备案服务指南 (seeds 000 and 001): its time limits, phones, address, hours."""
    bureau = models.Bureau.get_or_none(models.Bureau.id == bureau_id) or abort(404)
    sections, faq = bureau.guide_sections()
    return render_template("public/guide.html", bureau=bureau, sections=sections, faq=faq, scope=assessment_scope())
