"""Demo-only pages: the SMS outbox, so a demo user can read their codes."""
from flask import Blueprint, abort, current_app, render_template

import models

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.before_request
def demo_only():
    if not current_app.config["DEMO_MODE"]:
        abort(404)


@bp.route("/outbox")
def outbox():
    """The newest messages the outbox SMS backend kept."""
    messages = (models.OutboxMessage.select()
                .order_by(models.OutboxMessage.id.desc()).limit(50))
    return render_template("dev/outbox.html", messages=messages)
