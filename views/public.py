"""Public pages that need no login: 备案填写规范 and the 备案查询 the badge links to."""
from flask import Blueprint, render_template, request

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
    try:
        domain = rules.normalize_domain(text) if "." in text and "备" not in text else None
    except ValueError:
        domain = None
    return render_template("public/query.html", q=text, rows=models.Website.public_search(text, domain))
