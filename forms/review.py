"""The bureau's decision forms: 退回 with a reason, 面审 or 实地检查 with an appointment."""
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput

import timeutil
from forms import rules
from forms.base import DateInput, Form, RadioList, max_length, required, strip


class ReturnForm(Form):
    """退回: pick the broken rules (or, for a business with its own checklist, the items that fall
    short) and/or write the reason; the applicant reads it."""

    rules_broken = SelectMultipleField("不符合的填写规范", widget=RadioList(), option_widget=CheckboxInput(),
                                       choices=[(r.title, r.title) for r in rules.RULES])
    reason = TextAreaField("退回原因", filters=[strip], validators=[max_length(500)],
                           description="将通过短信和系统通知告知申请人", render_kw={"rows": 3})

    def __init__(self, *args, checklist=None, **kwargs):
        """checklist: (label, items) the business offers instead of the 填写规范 (安全评估: the measures)."""
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        if checklist:
            self.rules_broken.label.text = checklist[0]
            self.rules_broken.choices = [(item, item) for item in checklist[1]]

    def validate_reason(self, field):
        if not field.data and not self.rules_broken.data:
            raise ValidationError(f"请勾选{self.checklist[0]}或填写退回原因" if self.checklist
                                  else "请选择不符合的规范或填写退回原因")

    def full_reason(self):
        ticked = self.rules_broken.data or []
        if self.checklist:
            parts = [f"{self.checklist[0]}：{'、'.join(ticked)}"] if ticked else []
        else:
            parts = [f"不符合“{title}”" for title in ticked]
        return "；".join(parts + ([self.reason.data] if self.reason.data else []))


class ScheduleForm(Form):
    """面审 (come to the bureau) or 实地检查 (officers visit): when, where, what to bring."""

    mode = RadioField("审核方式", choices=[("面审", "面审"), ("实地检查", "实地检查")], default="面审",
                      validators=[required("审核方式")])
    day = DateInput("日期", validators=[required("日期")], render_kw={"type": "date"})
    time = StringField("时间", filters=[strip], validators=[required("时间"), max_length(40)],
                       description="如 上午10:00")
    place = StringField("地点", filters=[strip], validators=[required("地点"), max_length(120)],
                        description="面审填写办理窗口；实地检查填写检查的场所")
    materials = TextAreaField("需携带或准备的材料", filters=[strip], validators=[max_length(500)],
                              render_kw={"rows": 2})

    def validate_day(self, field):
        if field.data and field.data < timeutil.today():
            raise ValidationError("日期不能早于今天")

    def details(self):
        return {"day": self.day.data.isoformat(), "time": self.time.data, "place": self.place.data,
                "materials": self.materials.data}


class CancelFiledForm(Form):
    """退回 or 注销 of a filing the platform put on record (IP登记): the bureau's word afterwards."""

    reason = TextAreaField("退回或注销原因", filters=[strip], validators=[required("注销原因"), max_length(500)],
                           description="将通过短信和系统通知告知联网单位", render_kw={"rows": 2})
