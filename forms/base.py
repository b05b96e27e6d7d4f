"""Pieces every form shares: rule validators and the image captcha."""
from flask import current_app, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

import json

import models
from forms import rules


def rule(check, **context):
    """Wrap a forms.rules check as a WTForms validator."""
    def validator(_form, field):
        if field.data in (None, ""):
            return
        message = check(field.data, **context)
        if message:
            raise ValidationError(message)
    validator.__name__ = getattr(check, "__name__", "rule")
    return validator


def required(label):
    """DataRequired with the platform's wording."""
    return DataRequired(message=f"请填写{label}")


class MaxLength(Length):
    """At most n characters, in the platform's words ("网站名称不能超过60个字", the field's label
    unless one is given). It stops the field's other checks: a too-long value gets this one
    message, never a rule's message beside it. Being a Length, it still sets the input's maxlength."""

    def __init__(self, n, label=None):
        super().__init__(max=n, message=f"{label}不能超过{n}个字" if label else None)

    def __call__(self, form, field):
        if field.data is not None and len(field.data) > self.max:
            raise StopValidation(self.message or f"{field.label.text}不能超过{self.max}个字")


def max_length(n, label=None):
    """A field's length limit in the platform's words; put it before the field's rules."""
    return MaxLength(n, label)


# What one field may keep in a draft: more than any field allows (its own limit, declared or in its
# rule, gets a message beside it and the text is kept to be shortened), but never megabytes.
FIELD_CAP = 5000
# Values one field may post (ticked boxes, kept pictures).
VALUES_CAP = 100


def every_field(form):
    """Every leaf field of a form, descending into FormFields and the rows of FieldLists."""
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                yield from (every_field(entry.form) if entry.type == "FormField" else [entry])
        elif field.type == "FormField":
            yield from every_field(field.form)
        elif field.type != "CSRFTokenField":
            yield field


def refuse_oversize(form):
    """Before anything of a post is stored: models.StorageRefused, naming the field, when a value is
    longer than FIELD_CAP or a field posts more than VALUES_CAP values."""
    for field in every_field(form):
        values = [value for value in field.raw_data or [] if isinstance(value, str)]
        if len(values) > VALUES_CAP:
            raise models.StorageRefused(f"{field.label.text}提交的项目过多，未保存")
        if any(len(value) > FIELD_CAP for value in values):
            raise models.StorageRefused(f"{field.label.text}的内容过长（不能超过{FIELD_CAP}个字），未保存，请删减后再试")


def _leaf_fields(form):
    """Every field of a form, descending into FormField sub-forms (the person blocks)."""
    for field in form:
        if field.type == "FormField":
            yield from _leaf_fields(field.form)
        else:
            yield field


def _in_platform_words(validators):
    """validators with each bare WTForms Length(max=n) turned into MaxLength(n): a form declared
    with Length still says "…不能超过n个字" once, not WTForms' own words beside a rule's."""
    return [MaxLength(v.max) if type(v) is Length and v.min == -1 and v.max != -1 else v
            for v in validators]


def _refuse_control_chars(field):
    """Make a text field refuse control characters before any of its checks (rules.check_control_chars;
    a text area keeps tab and line breaks): one message, nothing stacked beside it, and no NUL ever
    reaches the database.

    It runs as the field's pre_validate, which stops the chain like a first validator would, but
    stays in place when a form sets the field's validators anew after building it.
    """
    multiline = isinstance(field, TextAreaField)
    declared = field.pre_validate

    def pre_validate(form):
        message = rules.check_control_chars(field.data, multiline) if isinstance(field.data, str) else None
        if message:
            raise StopValidation(message)
        declared(form)

    field.pre_validate = pre_validate


def strip(value):
    """Filter: trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def _worded(field_class, message):
    """field_class whose unreadable input gets a Chinese message instead of WTForms' words."""
    class Worded(field_class):
        def process_formdata(self, valuelist):
            try:
                super().process_formdata(valuelist)
            except ValueError:
                raise ValueError(message) from None

    Worded.__name__ = field_class.__name__  # templates read field.type
    return Worded


# A date (a date picker where the browser has one) and a whole number.
DateInput = _worded(DateField, "日期格式不正确，请按 2027-01-31 的格式填写")
WholeNumber = _worded(IntegerField, "请填写整数")


class RadioList(ListWidget):
    """A radio list whose htmx attributes sit on the buttons only.

    WTForms repeats a RadioField's render_kw on the list and on every button;
    on both, one click would send two requests, the later swap undoing the first.
    """

    def __init__(self, html_tag="ul", prefix_label=False):
        super().__init__(html_tag, prefix_label)

    def __call__(self, field, **kwargs):
        return super().__call__(field, **{k: v for k, v in kwargs.items() if not k.startswith("hx-")})


class CheckboxList(SelectMultipleField):
    """Several choices as a list of check boxes (服务类型, 语种 …)."""

    widget = RadioList()
    option_widget = CheckboxInput()


# Forms whose fields can be checked one at a time while the user types.
INLINE_FORMS = {}


def inline(name, *field_names):
    """Class decorator: let /validate/<name>/<field> check these fields."""
    def register(cls):
        cls.inline_name = name
        cls.inline_fields = frozenset(field_names)
        INLINE_FORMS[name] = cls
        return cls
    return register


class Form(FlaskForm):
    """Base of every form: wires inline validation onto declared fields."""

    class Meta:
        # WTForms' own Chinese messages for what no validator of ours words (a tampered choice …);
        # needs WTF_I18N_ENABLED off, as Flask-WTF would otherwise look for Flask-Babel.
        locales = ["zh"]

    inline_name = None
    inline_fields = frozenset()
    needs_subject = False  # True: the form takes subject=… (checks that depend on it)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in _leaf_fields(self):
            # A new list: the declared one is shared by every instance of the form.
            field.validators = _in_platform_words(field.validators)
            if isinstance(field, StringField):
                _refuse_control_chars(field)
        for name in self.inline_fields:
            field = self[name]
            field.render_kw = {**(field.render_kw or {}),
                               "hx-post": url_for("inline.validate_field", form_name=self.inline_name,
                                                  field_name=name),
                               "hx-trigger": "change", "hx-target": f"#field-{field.id}",
                               "hx-swap": "outerHTML"}

    def check_inline_at(self, url):
        """Send the inline checks to url with action=check:<field> instead (a wizard step, which
        judges the field in its draft's context, as 【下一步】 does)."""
        for name in self.inline_fields:
            self[name].render_kw = {**self[name].render_kw, "hx-post": url,
                                    "hx-vals": json.dumps({"action": f"check:{name}"})}

    # {field: fields whose message depends on it}; see recheck_dependents.
    DEPENDS = {}

    def check_field(self, name):
        """Run one field's validators, including the form's validate_<name>."""
        extra = getattr(type(self), f"validate_{name}", None)
        return self[name].validate(self, [extra] if extra else [])

    def recheck_dependents(self, name):
        """Check again the filled-in fields whose message depends on name (so a message whose
        cause was just fixed goes away); return them."""
        fields = [self[other] for other in self.DEPENDS.get(name, ()) if self[other].data]
        for field in fields:
            self.check_field(field.name)
        return fields


CAPTCHA_SESSION_KEY = "captcha_token"


def new_captcha_token():
    """Start a fresh captcha challenge for this browser session."""
    token = models.CaptchaChallenge.new().token
    session[CAPTCHA_SESSION_KEY] = token
    return token


class CaptchaForm(Form):
    """A form that ends with the image captcha (unless CAPTCHA_DISABLED)."""

    captcha = StringField("验证码", filters=[strip], validators=[required("验证码")],
                          render_kw={"autocomplete": "off", "maxlength": 4, "inputmode": "latin"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if current_app.config["CAPTCHA_DISABLED"]:
            del self.captcha

    def validate_on_submit(self, extra_validators=None):
        # 【换一张】 posts the form back unvalidated so nothing typed is lost.
        if self.is_submitted() and request.form.get("refresh_captcha"):
            return False
        return super().validate_on_submit(extra_validators)

    def validate_captcha(self, field):
        token = session.pop(CAPTCHA_SESSION_KEY, None)
        if not models.CaptchaChallenge.solve(token, field.data):
            raise ValidationError("验证码错误或已过期，请看图重新输入")


def ordered_fields(form):
    """The visible fields of a form in its declared field_order."""
    names = getattr(form, "field_order", None) or [f.name for f in form]
    return [form[name] for name in names
            if name in form and form[name].type not in ("HiddenField", "CSRFTokenField")]


def refresh_on_change(field, url, target, dependents=None):
    """Make a change of field re-render what depends on it, in place (htmx).

    dependents: ids of field wrappers to swap alone (so text typed elsewhere while
    the answer travels is never overwritten); None swaps target whole. Without
    JavaScript the field macro shows a 【确定】 button doing the same round trip.
    """
    swap = {"hx-target": target, "hx-swap": "outerHTML"} if dependents is None else \
        {"hx-swap": "none", "hx-select-oob": ",".join(f"#{d}" for d in dependents)}
    field.refreshes = True
    field.render_kw = {**(field.render_kw or {}), "hx-post": url, "hx-trigger": "change",
                       "hx-vals": json.dumps({"action": "refresh"}), **swap}
