"""People on a filing: the person block (网站负责人, 安全负责人, 应急联络人 …), the one check of
a person's 证件号码, how a subject's 负责人 maps onto a person, and people_form(), which builds
a 【…负责人】 step from a list of blocks with 同主体负责人信息 built in."""
from typing import NamedTuple

from wtforms import BooleanField, EmailField, FormField, SelectField, StringField
from wtforms import Form as PlainForm
from wtforms.validators import Email, ValidationError

from forms import rules
from forms.base import max_length, refresh_on_change, required, rule, strip

RESIDENT_ID = rules.RESIDENT_ID_CARD
ID_TYPES = list(rules.PERSON_ID_TYPES)

# A subject's 负责人 (Subject columns and SubjectForm fields) and the same facts in a person block.
LEADER_AS_PERSON = {"leader_name": "name", "leader_id_type": "id_type", "leader_id_number": "id_number",
                    "leader_mobile": "mobile", "leader_office_phone": "office_phone",
                    "leader_email": "email"}


def leader_as_person(subject):
    """The subject's 负责人 as a person block's values."""
    return {person: getattr(subject, leader) for leader, person in LEADER_AS_PERSON.items()}


def check_person_id(id_type, number, holder_is_subject=False):
    """Why a person's 证件号码 does not fit its 证件类型, or None.

    The number follows its document's format (a 居民身份证 must be a real one, a 护照 5–17
    letters or digits …). When the person is a 个人 subject itself, the number is the subject's
    certificate and must suit a 个人 (a 居民身份证; a company's code typed there is named as such).
    """
    if holder_is_subject:
        return rules.check_cert_type_fits("个人", None, id_type, number)
    return rules.check_id_document(id_type, number)


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


def person_name_field(label="姓名", type_field="id_type"):
    """姓名 judged with the form's 证件类型 field type_field: Latin letters only for holders of a
    document other than the 居民身份证. Being a field validator, the inline check (which posts the
    whole form) and the full submit judge it alike."""
    def fits_document(form, field):
        message = rules.check_person_name(field.data, id_type=form[type_field].data)
        if message:
            raise ValidationError(message)

    return StringField(label, filters=[strip], validators=[required(label), fits_document])


class PersonForm(PlainForm):
    """One person block (网站负责人 …); same_as_subject fills it from the subject's 负责人."""

    class Meta:
        locales = ["zh"]   # a FormField's form does not inherit the page form's Meta

    holder_is_subject = False  # a block's person is never the subject itself

    same_as_subject = BooleanField("同主体负责人信息")
    name = person_name_field("姓名", "id_type")
    id_type = id_type_field("证件类型")
    id_number = id_number_field("证件号码", "id_type")
    mobile = StringField("手机号码", filters=[strip], validators=[required("手机号码"), rule(rules.check_mobile)],
                         render_kw={"inputmode": "tel"})
    office_phone = StringField("办公电话", filters=[strip], validators=[
        required("办公电话"), rule(rules.check_landline)], description="带区号的固定电话")
    email = EmailField("电子邮箱", filters=[strip], validators=[
        required("电子邮箱"), max_length(120), Email(message="电子邮箱格式不正确")],
        render_kw={"maxlength": 120})

    def fill_from(self, subject):
        """Copy the subject's 负责人 into the empty fields (what the user typed stays)."""
        for name, value in leader_as_person(subject).items():
            if not self[name].data or name == "id_type":
                self[name].data = value


class Block(NamedTuple):
    """One person block of a people step: field name prefix, legend, hint."""

    name: str
    label: str
    description: str = ""


class PeopleBlocks:
    """What every people step does with its blocks; people_form() sets BLOCKS and CONTACT."""

    BLOCKS = ()      # block names, in page order; the first is the one in charge
    CONTACT = None   # the block answering 7×24, advised not to be the first block's person

    def enable_refresh(self, url, target):
        """Ticking 同主体负责人信息 fills that block at once."""
        for name in self.BLOCKS:
            refresh_on_change(self[name].form.same_as_subject, url, target)

    def fill_ticked(self):
        """Fill every block whose 同主体负责人信息 is ticked from the subject."""
        for name in self.BLOCKS:
            block = self[name].form
            if block.same_as_subject.data and self.subject is not None:
                block.fill_from(self.subject)

    def people_data(self):
        """{block: the person's fields} as a filing keeps them."""
        return {name: {k: v for k, v in self[name].data.items() if k != "same_as_subject"} for name in self.BLOCKS}

    def same_person_warning(self):
        """Advice (not a refusal) when the 7×24 contact is the first block's person again."""
        if self.CONTACT is None:
            return None
        first, contact = self[self.BLOCKS[0]], self[self.CONTACT]
        one, other = first.form, contact.form
        same = (one.name.data and one.name.data == other.name.data) or \
            (one.mobile.data and one.mobile.data == other.mobile.data)
        return f"{contact.label.text}需承担7×24小时联络责任，建议不与{first.label.text}为同一人" if same else None


def people_form(blocks, base, contact=None):
    """A people step form class: base plus one PersonForm per (name, label, description) block.

    contact names the 7×24 block compared with the first (same_person_warning); base is the
    flow's step form (it gives the form its subject).
    """
    blocks = [Block(*block) for block in blocks]
    if contact is not None and contact not in [b.name for b in blocks]:
        raise ValueError(f"contact {contact!r} is not one of the blocks")

    class PeopleForm(PeopleBlocks, base):
        BLOCKS = tuple(b.name for b in blocks)
        CONTACT = contact

    for block in blocks:
        setattr(PeopleForm, block.name, FormField(PersonForm, block.label, description=block.description))
    PeopleForm.__doc__ = "A people step: " + ", ".join(b.label for b in blocks) + "."
    return PeopleForm
