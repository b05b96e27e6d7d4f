"""Public pages that need no login: 备案填写规范, 备案查询 (where badges link) and 办事指南."""
from flask import Blueprint, abort, render_template, request

import models
from forms import rules

bp = Blueprint("public", __name__)


def _rule_rows():
    """Each rule with its wrong examples and the message the system gives them."""
    rows = []
    for rule in rules.RULES:
        bad = [(example, rule.check(example) if rule.check else "") for example in rule.bad]
        rows.append({"rule": rule, "bad": bad})
    return rows


@bp.route("/rules")
def filing_rules():
    """备案填写规范: every rule with right and wrong examples, from the rule table."""
    return render_template("public/rules.html", rows=_rule_rows())


@bp.route("/query")
def query():
    """备案查询 by 公安备案号, domain or site name (where every site's badge links)."""
    text = (request.args.get("q") or "").strip()[:100]
    if not text:
        return render_template("public/query.html", q=text, rows=None)
    problem = rules.check_control_chars(text)
    if problem:
        # Never sent to the database (PostgreSQL refuses a NUL outright).
        return render_template("public/query.html", q="", rows=None, problem=problem)
    try:
        domain = rules.normalize_domain(text) if "." in text and "备" not in text else None
    except ValueError:
        domain = None
    return render_template("public/query.html", q=text, rows=models.Service.public_search(text, domain))


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
    return render_template("public/guide.html", bureau=bureau, sections=sections, faq=faq)
