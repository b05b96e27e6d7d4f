"""新增主体 / 变更主体: the 开办主体 form, its unit block and its 负责人 block."""
from flask import current_app
from flask_wtf.file import FileField
import divisions

from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, Regexp, StopValidation, ValidationError

import models
from forms import rules
from forms.base import Form, RadioList, inline, max_length, refresh_on_change, required, rule, strip
from forms.people import id_number_field, id_type_field, person_name_field
from forms.regions import RegionMixin

ALL_CERT_TYPES = sorted({t for types in rules.CERT_TYPES.values() for t in types})
PHOTO_FIELDS = {"cert_photo": "证件图片", "id_photo_front": "负责人证件正面", "id_photo_back": "负责人证件背面"}


def unit_only(form, field):
    """Skip a unit-block field entirely when the subject is a person."""
    if form.nature.data != models.Subject.UNIT:
        field.errors[:] = []
        raise StopValidation()


def text(label, *validators, unit=False, **kwargs):
    """A required trimmed text input, optionally only for 单位."""
    chain = ([unit_only] if unit else []) + [required(label), *validators]
    return StringField(label, filters=[strip], validators=chain, **kwargs)


@inline("subject", "name", "cert_number", "investor", "address", "leader_name", "leader_id_number",
        "leader_residence", "leader_office_phone", "leader_mobile", "leader_email")
class SubjectForm(RegionMixin, Form):
    """The whole 开办主体 form; which block applies follows 主体性质."""

    nature = RadioField("主体性质", default=models.Subject.UNIT, widget=RadioList(),
                        choices=[(n, n) for n in rules.SUBJECT_NATURES[::-1]],
                        validators=[required("主体性质")])
    unit_kind = SelectField("单位性质", choices=[("", "请选择")] + [(k, k) for k in rules.UNIT_KINDS],
                            validators=[unit_only, required("单位性质")])
    name = text("单位名称", max_length(100), unit=True,
                description="填写证件上的单位全称，不能填域名或网站名称")
    cert_type = SelectField("证件类型", choices=[("", "请选择")] + [(t, t) for t in ALL_CERT_TYPES],
                            validators=[unit_only, required("证件类型")])
    cert_number = text("证件号码", unit=True, render_kw={"autocomplete": "off"})
    investor = text("投资或主管单位", max_length(100), rule(rules.check_investor), unit=True,
                    description="填写法定代表人或单位最高负责人的姓名")
    address = text("单位地址", max_length(200), rule(rules.check_address_detail), unit=True,
                   description="城镇填写到街道门牌号或信箱，农村填写到村")
    cert_photo = FileField("证件图片", description="营业执照等证件的清晰图片，JPG或PNG格式")
    cert_photo_id = HiddenField()

    leader_name = person_name_field("负责人姓名", "leader_id_type")
    leader_id_type = id_type_field("负责人证件类型", validators=[required("负责人证件类型")])
    leader_id_number = id_number_field("负责人证件号码", "leader_id_type")
    leader_residence = text("常住地址", max_length(200), rule(rules.check_address_detail),
                            description="城镇填写到街道门牌号或信箱，农村填写到村")
    leader_office_phone = text("办公电话", rule(rules.check_landline),
                               description="带区号的固定电话，如 0578-2786359")
    leader_mobile = text("手机号码", rule(rules.check_mobile), render_kw={"inputmode": "tel"})
    leader_email = EmailField("电子邮箱", filters=[strip], validators=[
        required("电子邮箱"), max_length(120), Email(message="电子邮箱格式不正确")])
    id_photo_front = FileField("负责人证件正面", description="清晰图片，JPG或PNG格式")
    id_photo_front_id = HiddenField()
    id_photo_back = FileField("负责人证件背面", description="清晰图片，JPG或PNG格式")
    id_photo_back_id = HiddenField()

    UNIT_FIELDS = ("unit_kind", "name", "cert_type", "cert_number", "investor", "address", "cert_photo")
    UNIT_BLOCK = ("unit_kind", "name", "cert_type", "cert_number", "investor",
                  "province", "city", "county", "address", "cert_photo")
    LEADER_BLOCK = ("leader_name", "leader_id_type", "leader_id_number", "leader_residence",
                    "leader_office_phone", "leader_mobile", "leader_email",
                    "id_photo_front", "id_photo_back")
    # Changing one of these changes which fields or choices the form offers: what to
    # re-render, by field wrapper id (None: the whole form, as the field set changes).
    REFRESHING = {
        "nature": None,
        "unit_kind": ("cert_type", "cert_photo"),
        "province": ("city", "county"),
        "city": ("county",),
        # A changed document type judges the name and number typed under it again.
        "cert_type": ("cert_number",),
        "leader_id_type": ("leader_name", "leader_id_number"),
    }
    DEPENDS = {"cert_type": ("cert_number",), "leader_id_type": ("leader_name", "leader_id_number")}

    def __init__(self, *args, owner=None, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.existing = existing
        self.upload_errors = {}
        self.fill_region_choices()
        self._offer_cert_types()
        self.county.description = "所在地决定受理审核的公安机关"
        # Checked by validate_* methods rather than a validator, so flag them for the red *.
        required_here = ["province", "city", "county", "id_photo_front", "id_photo_back"]
        for name in required_here + (["cert_photo"] if self.is_unit else []):
            self[name].flags.required = True

    def _offer_cert_types(self):
        kind = self.unit_kind.data if self.is_unit else "个人"
        self.cert_type.choices = [("", "请选择")] + [(t, t) for t in rules.CERT_TYPES.get(kind, ALL_CERT_TYPES)]

    @property
    def is_unit(self):
        return self.nature.data == models.Subject.UNIT

    @property
    def holder_is_subject(self):
        """A 个人 subject's 负责人 is the subject: the ID number is its certificate."""
        return not self.is_unit

    def enable_refresh(self, url, target):
        """Let the fields in REFRESHING re-render what depends on them (htmx)."""
        for name, dependents in self.REFRESHING.items():
            refresh_on_change(self[name], url, target,
                              None if dependents is None else [f"field-{d}" for d in dependents])

    def blocks(self):
        """The field groups to show, by title: a person fills only the 负责人 block."""
        leader = [self[name] for name in self.LEADER_BLOCK]
        if not self.is_unit:
            region = [self.province, self.city, self.county]
            return [("负责人信息", region + leader)]
        return [("主办单位信息", [self[name] for name in self.UNIT_BLOCK]), ("负责人信息", leader)]

    # -- pictures: stored as soon as they arrive so no round trip loses them --

    def keep_uploads(self):
        """Check and store each posted picture; remember refusals per field. Return whether any
        was stored (the caller then saves the draft that holds it)."""
        max_kb = current_app.config["UPLOAD_MAX_KB"]
        kept = False
        for name in PHOTO_FIELDS:
            storage = self[name].data
            if not storage or not getattr(storage, "filename", ""):
                continue
            try:
                clean, image_format = rules.reencode_image(storage.read(max_kb * 1024 + 1), max_kb)
            except ValueError as problem:
                self.upload_errors[name] = str(problem)
                continue
            upload = models.Upload.store(self.owner, name, clean, image_format)
            self[name + "_id"].data = str(upload.id)
            kept = True
        return kept

    def upload(self, name):
        """The stored picture of a field, if it belongs to this form's owner."""
        upload_id = models.parse_id(self[name + "_id"].data)
        if upload_id is None or self.owner is None:
            return None
        return models.Upload.get_or_none(models.Upload.id == upload_id,
                                         models.Upload.owner == self.owner)

    def mark_stored_uploads(self):
        """Tell each picture field which stored picture it already has (for display)."""
        for name in PHOTO_FIELDS:
            self[name].stored = self.upload(name)

    def _check_photo(self, name):
        if name in self.upload_errors:
            raise ValidationError(self.upload_errors[name])
        if self.upload(name) is None:
            raise ValidationError(f"请上传{PHOTO_FIELDS[name]}")

    def validate_cert_photo(self, field):
        if self.is_unit:
            self._check_photo("cert_photo")

    def validate_id_photo_front(self, field):
        self._check_photo("id_photo_front")

    def validate_id_photo_back(self, field):
        self._check_photo("id_photo_back")

    # -- rules that need more than one field --

    def validate_name(self, field):
        message = rules.check_unit_name(field.data, self.unit_kind.data) or \
            rules.check_unit_name_fits_nature(field.data, self.nature.data, self.unit_kind.data)
        if message:
            raise ValidationError(message)

    def _refuse_registered(self, number):
        # Only a logged-in filing asks: the anonymous inline check must not tell who is registered.
        if self.owner is None:
            return
        holder = models.Subject.blocking(number, self.owner, exclude=self.existing)
        if holder is not None and holder.owner_id == getattr(self.owner, "id", self.owner):
            raise ValidationError("本账号已登记该证件号码的开办主体，请勿重复添加")
        if holder is not None:
            raise ValidationError("该证件号码已登记开办主体；如需转到本账号，请原账号办理【移交主体】")

    def validate_cert_number(self, field):
        message = rules.check_cert_type_fits(self.nature.data, self.unit_kind.data,
                                             self.cert_type.data, field.data)
        if message:
            raise ValidationError(message)
        self._refuse_registered(field.data.upper())

    def validate_leader_id_number(self, field):
        # The field checked the number against its type; a 个人's number, if it fits, is
        # the subject's certificate, which one subject only may hold.
        if not self.is_unit and not field.errors:
            self._refuse_registered(rules.normalize_id_number(field.data))

    def validate_county(self, field):
        super().validate_county(field)
        if models.Bureau.for_region(field.data) is None:
            raise ValidationError("该地区暂未在本平台受理联网备案，请联系当地公安机关网安部门")

    def validate_leader_name(self, field):
        # The field's own rule has already judged it as a person's name; asking again for a
        # 个人 (whose name this is) said the same refusal twice. Add only what a 个人 needs more:
        # a name that passed as a person's must not be an organisation's.
        if not self.is_unit and not field.errors:
            message = rules.check_unit_name_fits_nature(field.data, "个人")
            if message:
                raise ValidationError(message)

    # -- moving data between the form, drafts and the Subject row --

    def subject_data(self):
        """The validated values as Subject columns."""
        unit = self.is_unit
        # Every document's number is checked half-width and upper case: keep it as checked.
        leader_id = rules.normalize_id_number(self.leader_id_number.data)
        cert_number = self.cert_number.data.upper() if unit else leader_id
        return {
            "nature": self.nature.data,
            "unit_kind": self.unit_kind.data if unit else "",
            "name": self.name.data if unit else self.leader_name.data,
            "cert_type": self.cert_type.data if unit else self.leader_id_type.data,
            "cert_number": cert_number,
            "investor": self.investor.data if unit else "",
            "region_code": self.county.data,
            "address": self.address.data if unit else self.leader_residence.data,
            "cert_photo": int(self.cert_photo_id.data) if unit else None,
            "leader_name": rules.normalize_person_name(self.leader_name.data),
            "leader_id_type": self.leader_id_type.data,
            "leader_id_number": leader_id,
            "leader_residence": self.leader_residence.data,
            "leader_office_phone": self.leader_office_phone.data,
            "leader_mobile": rules.normalize_mobile(self.leader_mobile.data),
            "leader_email": self.leader_email.data.lower(),
            "id_photo_front": int(self.id_photo_front_id.data),
            "id_photo_back": int(self.id_photo_back_id.data),
        }

    def raw_values(self):
        """What the user typed, as a draft keeps it (no files, no token)."""
        return {f.name: f.data for f in self
                if f.type not in ("FileField", "CSRFTokenField") and f.data not in (None, "")}

    @staticmethod
    def values_from_subject(subject):
        """A subject's filed data in the form's own field names."""
        data = subject.as_data()
        values = {name: data[name] for name in data if name not in models.Subject.UPLOAD_FIELDS}
        for name in models.Subject.UPLOAD_FIELDS:
            if data[name]:
                values[name + "_id"] = str(data[name])
        values["county"] = subject.region_code
        if subject.is_person:
            values.update(name="", cert_type="", cert_number="", address="")
        return values

    def load(self, values):
        """Fill the form from stored values (a draft or a subject)."""
        for name, value in values.items():
            if name in self and self[name].type not in ("FileField", "CSRFTokenField"):
                self[name].data = value
        self.set_region(values.get("county", ""))
        self._offer_cert_types()

    def changes_from(self, subject):
        """(label, before, after) for each filed value the new data changes; IDs masked."""
        before, after = subject.as_data(), self.subject_data()
        rows = []
        for name in models.Subject.DATA_FIELDS:
            if before.get(name) == after.get(name):
                continue
            if name in models.Subject.UPLOAD_FIELDS:
                rows.append((DATA_LABELS[name], "原图片", "新图片"))
            else:
                rows.append((DATA_LABELS[name], display_value(name, before.get(name), subject.is_person),
                             display_value(name, after.get(name), after["nature"] == models.Subject.PERSON)))
        return rows


DATA_LABELS = {
    "nature": "主体性质", "unit_kind": "单位性质", "name": "主体名称", "cert_type": "证件类型",
    "cert_number": "证件号码", "investor": "投资或主管单位", "region_code": "所在地区",
    "address": "地址", "cert_photo": "证件图片", "leader_name": "负责人姓名",
    "leader_id_type": "负责人证件类型", "leader_id_number": "负责人证件号码",
    "leader_residence": "常住地址", "leader_office_phone": "办公电话", "leader_mobile": "手机号码",
    "leader_email": "电子邮箱", "id_photo_front": "负责人证件正面", "id_photo_back": "负责人证件背面",
}
PERSONAL_NUMBERS = ("leader_id_number",)


def display_value(name, value, is_person=False):
    """A filed value as a page may show it: region names, personal numbers masked."""
    if not value:
        return "—"
    if name == "region_code":
        return divisions.table().full_name(value)
    if name in PERSONAL_NUMBERS or (name == "cert_number" and is_person):
        return rules.mask_id_number(value)
    return value


def subject_facts(subject):
    """(label, value) rows of a subject as pages show it (personal numbers masked)."""
    data = subject.as_data()
    names = [n for n in models.Subject.DATA_FIELDS if n not in models.Subject.UPLOAD_FIELDS]
    if subject.is_person:
        names = [n for n in names if n not in ("unit_kind", "investor")]
    return [(DATA_LABELS[name], display_value(name, data[name], subject.is_person)) for name in names]


def subject_photos(subject):
    """(label, upload id) of each picture a subject has on file."""
    return [(PHOTO_FIELDS[name], getattr(subject, name + "_id")) for name in models.Subject.UPLOAD_FIELDS
            if getattr(subject, name + "_id")]


class CodeField(StringField):
    """A six-digit SMS code input."""

    def __init__(self, label="短信验证码", **kwargs):
        super().__init__(label, filters=[strip], validators=[
            required(label), Regexp(r"^\d{6}$", message="短信验证码为6位数字")],
            render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}, **kwargs)


class LeaderCheck:
    """Fields that must repeat the subject's own 负责人 details (identity check)."""

    def validate_leader_mobile(self, field):
        if rules.normalize_mobile(field.data) != self.subject.leader_mobile:
            raise ValidationError("与该主体登记的负责人手机号码不一致")


class CancelSubjectForm(LeaderCheck, Form):
    """注销主体: 负责人姓名、手机号码、短信验证码、注销原因."""

    leader_name = text("负责人姓名")
    leader_mobile = text("负责人手机号码", rule(rules.check_mobile), render_kw={"inputmode": "tel"},
                         description="验证码将发送至主体登记的负责人手机")
    code = CodeField()
    reason = TextAreaField("注销原因", filters=[strip], validators=[
        required("注销原因"), max_length(300)])

    field_order = ("leader_name", "leader_mobile", "code", "reason")

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject

    def validate_leader_name(self, field):
        if rules.normalize_person_name(field.data) != self.subject.leader_name:
            raise ValidationError("与该主体登记的负责人姓名不一致")


class TransferForm(LeaderCheck, Form):
    """移交主体: 负责人手机号、接收人手机号、接收人身份证号、短信验证码."""

    leader_mobile = text("负责人手机号码", rule(rules.check_mobile), render_kw={"inputmode": "tel"},
                         description="验证码将发送至主体登记的负责人手机")
    receiver_mobile = text("接收人手机号码", rule(rules.check_mobile), render_kw={"inputmode": "tel"},
                           description="接收人须用此号码注册并完成手机信用认证后才能接收")
    receiver_id_number = text("接收人身份证号", rule(rules.check_id_number), render_kw={"autocomplete": "off"})
    code = CodeField()

    field_order = ("leader_mobile", "receiver_mobile", "receiver_id_number", "code")

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject

    def validate_receiver_mobile(self, field):
        if rules.normalize_mobile(field.data) == self.subject.owner.mobile:
            raise ValidationError("接收人不能是本账号")


class AcceptTransferForm(Form):
    """接收主体: the receiver confirms with the ID number the sender named."""

    id_number = text("本人身份证号", rule(rules.check_id_number), render_kw={"autocomplete": "off"},
                     description="须与移交方填写的接收人身份证号一致")

    def __init__(self, *args, transfer, **kwargs):
        super().__init__(*args, **kwargs)
        self.transfer = transfer

    def validate_id_number(self, field):
        if rules.normalize_id_number(field.data) != rules.normalize_id_number(self.transfer.receiver_id_number):
            raise ValidationError("身份证号与移交方填写的接收人身份证号不一致")
