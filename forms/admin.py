"""Administration forms: 公安机关 (bureaus) with their settings and guide, 民警 accounts, 节假日."""
import datetime

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

import divisions
import models
import workdays
from forms.account import AccountFields, PasswordPair
from forms.base import DateInput, Form, WholeNumber, max_length, required, strip


def _days(label):
    return WholeNumber(label, validators=[required(label), NumberRange(0, 60, message="请填写0至60之间的工作日数")],
                        render_kw={"inputmode": "numeric", "min": 0, "max": 60})


class BureauForm(Form):
    """A 公安机关: its division, contact facts, review settings and the 办事指南 it publishes."""

    name = StringField("机关名称", filters=[strip], validators=[required("机关名称"), max_length(100)],
                       description="如 丽水市公安局网络警察支队")
    division_code = StringField("管辖区划代码", filters=[strip], validators=[required("管辖区划代码")],
                                description="6位行政区划代码：县级机关填县代码，市级机关填市代码（如 331100），省级填省代码",
                                render_kw={"inputmode": "numeric", "maxlength": 6})
    address = StringField("办公地址", filters=[strip], validators=[max_length(200)])
    phone = StringField("咨询电话", filters=[strip], validators=[required("咨询电话"), max_length(60)],
                        description="审核通过的短信中会告知此电话")
    complaint_phone = StringField("投诉电话", filters=[strip], validators=[max_length(60)])
    office_hours = StringField("办公时间", filters=[strip], validators=[max_length(200)],
                               description="如 工作日，上午8:30-12:00，下午14:00-17:00；分冬夏令时的填冬令时")
    office_hours_summer = StringField("夏令时办公时间", filters=[strip], validators=[max_length(200)],
                                      description="不分冬夏令时的请留空")
    instant_approval = BooleanField("非交互式网站即审即办")
    ip_instant = BooleanField("IP登记即审即办", default=True,
                              description="开办主体有效时，联网单位提交IP登记即完成备案，公安机关事后可退回或注销")
    review_days = _days("审核时限（工作日）")
    interactive_review_days = _days("交互式网站审核时限（工作日）")

    def __init__(self, *args, bureau=None, **kwargs):
        self.bureau = bureau
        super().__init__(*args, **kwargs)

    def validate_division_code(self, field):
        if len(field.data) != 6 or divisions.table().get(field.data) is None:
            raise ValidationError("请填写有效的6位行政区划代码")
        if self.bureau and field.data != self.bureau.division_code and self.bureau.in_use():
            # Its numbers carry the old code and its subjects were routed by it.
            raise ValidationError("已有业务的公安机关不能修改管辖区划代码")
        taken = models.Bureau.select().where(models.Bureau.division_code == field.data)
        if self.bureau:
            taken = taken.where(models.Bureau.id != self.bureau.id)
        if taken.exists():
            raise ValidationError("该区划已有公安机关负责")

    def kind_days_data(self):
        return {kind: self[name].data for name, kind in KIND_DAY_FIELDS if self[name].data is not None}

    def guide_data(self):
        return {key: self[f"guide_{key}"].data for key, _ in models.Bureau.GUIDE_SECTIONS}


# One optional limit per 业务类型 (blank: the general 审核时限).
KIND_DAY_FIELDS = [(f"days_{index}", kind) for index, kind in enumerate(models.BUSINESSES)]
for _name, _kind in KIND_DAY_FIELDS:
    setattr(BureauForm, _name, WholeNumber(
        f"{_kind}审核时限（工作日）", validators=[Optional(), NumberRange(0, 60, message="请填写0至60之间的工作日数")],
        description="留空则按审核时限", render_kw={"inputmode": "numeric", "min": 0, "max": 60}))

for _key, _title in models.Bureau.GUIDE_SECTIONS:
    setattr(BureauForm, f"guide_{_key}", TextAreaField(
        f"办事指南：{_title}", filters=[strip], validators=[max_length(4000)], render_kw={"rows": 4},
        description=("每个问题一段：第一行是问题，下面是解答，段与段之间空一行" if _key == "faq" else "")))


class OfficerForm(AccountFields, PasswordPair, Form):
    """A 民警 account of one bureau; the officer changes the first password after logging in."""

    bureau = SelectField("所属公安机关", coerce=int, validators=[InputRequired("请选择所属公安机关")])

    field_order = ("username", "bureau", "mobile", "email", "password", "password2")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bureau.choices = [(0, "请选择")] + [(b.id, b.name) for b in
                                                models.Bureau.select().order_by(models.Bureau.division_code)]

    def validate_bureau(self, field):
        if not models.Bureau.get_or_none(models.Bureau.id == field.data):
            raise ValidationError("请选择所属公安机关")


class HolidayForm(Form):
    """One stretch of the official schedule: days off, or make-up workdays (调休上班)."""

    start = DateInput("开始日期", validators=[required("开始日期")], render_kw={"type": "date"})
    end = DateInput("结束日期", validators=[Optional()], render_kw={"type": "date"},
                    description="只有一天的请留空")
    kind = RadioField("类型", choices=[("off", "放假"), ("work", "调休上班")], default="off",
                      validators=[required("类型")])
    name = StringField("节日名称", filters=[strip], validators=[required("节日名称"), max_length(60)],
                       description="如 春节、国庆节")

    def validate_start(self, field):
        if field.data and not workdays.FIRST_SEEDED_YEAR <= field.data.year <= 2100:
            raise ValidationError(f"请填写{workdays.FIRST_SEEDED_YEAR}年至2100年之间的日期")

    def validate_end(self, field):
        if field.data and self.start.data:
            if field.data < self.start.data:
                raise ValidationError("结束日期不能早于开始日期")
            if (field.data - self.start.data).days > 30:
                raise ValidationError("一次最多录入31天")

    def days(self):
        """Each date of the stretch."""
        last = self.end.data or self.start.data
        return [self.start.data + datetime.timedelta(days=n) for n in range((last - self.start.data).days + 1)]
