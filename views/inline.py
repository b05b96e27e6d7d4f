"""Inline validation: one field checked by its own form, answered as its wrapper.

The full-page POST and this check call the same form class, so a rule can
never say one thing while typing and another on submit.
"""
from flask import Blueprint, abort, get_template_attribute
from flask_login import current_user

from forms.base import INLINE_FORMS
from views.common import client_address, throttle, throttled

bp = Blueprint("inline", __name__)


@bp.route("/validate/<form_name>/<field_name>", methods=["POST"])
def validate_field(form_name, field_name):
    """Validate one field with the rest of the posted form as context."""
    form_class = INLINE_FORMS.get(form_name)
    # Forms whose rules depend on a draft's subject (网站名称 …) are checked through their wizard step.
    if form_class is None or form_class.needs_subject:
        abort(404)
    form = form_class()
    if field_name not in form.inline_fields:
        abort(404)
    # A stranger could ask "已被注册?" of any user name or mobile: limited per address.
    anonymous = not current_user.is_authenticated
    refusal = throttled("check_ip", client_address()) if anonymous else None
    if refusal:
        form[field_name].errors = [refusal]
    else:
        form.check_field(field_name)
        if anonymous:
            throttle("check_ip", client_address())
    return get_template_attribute("_macros.html", "field")(form[field_name])
