"""People on a filing: the person block (网站负责人, 安全负责人, 应急联络人 …), the one check of
a person's 证件号码 and how a subject's 负责人 maps onto a person."""
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms import Form as PlainForm
from wtforms.validators import Email, Length, ValidationError

from forms import rules
from forms.base import required, rule, strip

RESIDENT_ID = "居民身份证"
ID_TYPES = [RESIDENT_ID, "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"]

# A subject's 负责人 (Subject columns and SubjectForm fields) and the same facts in a person block.
LEADER_AS_PERSON = {"leader_name": "name", "leader_id_type": "id_type", "leader_id_number": "id_number",
                    "leader_mobile": "mobile", "leader_office_phone": "office_phone",
                    "leader_email": "email"}


def leader_as_person(subject):
    """The subject's 负责人 as a person block's values."""
    return {person: getattr(subject, leader) for leader, person in LEADER_AS_PERSON.items()}


def check_person_id(id_type, number, holder_is_subject=False):
    """Why a person's 证件号码 does not fit its 证件类型, or None.

    A 居民身份证 must be a real one; other documents have no number the platform can check.
    When the person is a 个人 subject itself, the number is the subject's certificate and
    must suit a 个人 (a 居民身份证; a company's code typed there is named as such).
    """
    if holder_is_subject:
        return rules.check_cert_type_fits("个人", None, id_type, number)
    return rules.check_id_number(number) if id_type == RESIDENT_ID else None


def id_type_field(label="证件类型", **kwargs):
    """证件类型 of a person: the documents the platform accepts."""
    return SelectField(label, choices=[(t, t) for t in ID_TYPES], **kwargs)


def id_number_field(label="证件号码", type_field="id_type"):
    """证件号码 checked against the form's 证件类型 field type_field: every person's one ID check.

    The form says whether the person is the subject itself with holder_is_subject.
    """
    def fits_type(form, field):
        holder_is_subject = getattr(form, "holder_is_subject", False)
        message = check_person_id(form[type_field].data, field.data, holder_is_subject)
        if message:
            raise ValidationError(message)

    return StringField(label, filters=[strip], validators=[required(label), fits_type],
                       render_kw={"autocomplete": "off"})


class PersonForm(PlainForm):
    """One person block (网站负责人 …); same_as_subject fills it from the subject's 负责人."""

    class Meta:
        locales = ["zh"]   # a FormField's form does not inherit the page form's Meta

    holder_is_subject = False  # a block's person is never the subject itself

    same_as_subject = BooleanField("同主体负责人信息")
    name = StringField("姓名", filters=[strip], validators=[required("姓名"), rule(rules.check_person_name)])
    id_type = id_type_field("证件类型")
    id_number = id_number_field("证件号码", "id_type")
    mobile = StringField("手机号码", filters=[strip], validators=[required("手机号码"), rule(rules.check_mobile)],
                         render_kw={"inputmode": "tel"})
    office_phone = StringField("办公电话", filters=[strip], validators=[
        required("办公电话"), rule(rules.check_landline)], description="带区号的固定电话")
    email = EmailField("电子邮箱", filters=[strip], validators=[
        required("电子邮箱"), Length(max=120, message="电子邮箱过长"), Email(message="电子邮箱格式不正确")],
        render_kw={"maxlength": 120})

    def fill_from(self, subject):
        """Copy the subject's 负责人 into the empty fields (what the user typed stays)."""
        for name, value in leader_as_person(subject).items():
            if not self[name].data or name == "id_type":
                self[name].data = value
