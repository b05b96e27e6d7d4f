"""Public pages that need no login: 备案填写规范 (later: query, service guides)."""
from flask import Blueprint, render_template

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
