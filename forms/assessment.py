"""新办安全评估 forms: the steps of a 安全评估 report (《具有舆论属性或社会动员能力的互联网信息服务
安全评估规定》): what is assessed and why (§3), the measures of §5 with what was actually done, and
the conclusion. The tables (scope, triggers, measures) are assessments.py's."""
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import NumberRange, ValidationError

import assessments
import models
from forms import rules
from forms.base import CheckboxList, WholeNumber, inline, max_length, refresh_on_change, required, rule, strip
from forms.filing import FilingForm, PictureList, Pictures, check_lines, choices, lines

SELF, THIRD_PARTY = "自评估", "委托第三方评估"
MAX_REVIEWER_NAMES = 50
DOCUMENT_PURPOSE = "assessment_document"


def measure_fields(*keys):
    """For each §5 measure: its 实际情况 (what was actually done) and up to three documents."""
    fields = {}
    for key in keys:
        measure = assessments.MEASURE_BY_KEY[key]
        fields[f"{key}_situation"] = TextAreaField(
            f"{measure.title}·实际情况", filters=[strip], validators=[required("实际情况"), rule(rules.check_situation)],
            description=f"{assessments.MIN_SITUATION}至{assessments.MAX_SITUATION}个字，写明实际落实的做法，"
                        f"如：{measure.example}", render_kw={"rows": 3})
        fields[f"{key}_files"] = PictureList(f"{measure.title}·证明材料", 0, 3, DOCUMENT_PURPOSE, pdf=True,
                                             description="选填：制度文件、截图等，至多3个，PDF文件或JPG、PNG图片")
    return fields


class ReportStep(Pictures, FilingForm):
    """A step of the report: its own fields, then a group per §5 measure MEASURES names."""

    MEASURES = ()

    def __init__(self, *args, filed_by=None, **kwargs):
        """filed_by: the application the report was filed with, when rebuilt from it."""
        super().__init__(*args, **kwargs)
        self.filed_by = filed_by
        for key in self.MEASURES:
            self[f"{key}_situation"].flags.required = True

    def sections(self):
        """(measure or None, fields) in order: the step's own fields, then one group per measure."""
        own = [field for field in self if field.type != "CSRFTokenField"
               and not any(field.name.startswith(f"{key}_") for key in self.MEASURES)]
        return [(None, own)] + [(assessments.MEASURE_BY_KEY[key], [self[f"{key}_situation"], self[f"{key}_files"]])
                                for key in self.MEASURES]

    def measure_data(self):
        """{measure key: {"situation", "files"}} as the report keeps them."""
        return {key: {"situation": self[f"{key}_situation"].data, "files": self[f"{key}_files"].ids()}
                for key in self.MEASURES}


@inline("assessment", "feature_link")
class AssessmentScopeForm(ReportStep):
    """【评估对象】: the filed service, the feature, why now and who assessed it."""

    service_id = RadioField("评估的网站、APP或小程序", validators=[required("评估对象")], validate_choice=False,
                            description="只能选择本主体已备案的网站、APP或小程序")
    feature_name = StringField("功能名称", filters=[strip], validators=[required("功能名称"), max_length(60)],
                               description="被评估的服务或功能，如 丽水山居论坛")
    feature_desc = TextAreaField("功能描述", filters=[strip], validators=[required("功能描述")],
                                 description="20至500个字，说明功能的用途、用户范围和主要操作，如：面向丽水游客的旅游论坛，"
                                             "注册用户可以发帖、回帖和上传照片。", render_kw={"rows": 3})
    feature_link = StringField("功能链接", filters=[strip], validators=[rule(rules.check_feature_link)],
                               description="被评估功能的网址，如 https://bbs.lsly.cn/；小程序可不填",
                               render_kw={"autocomplete": "off", "inputmode": "url"})
    trigger = RadioField("评估情形", choices=choices(assessments.TRIGGERS), validators=[required("评估情形")],
                         validate_choice=False,
                         description="《具有舆论属性或社会动员能力的互联网信息服务安全评估规定》第三条所列情形")
    assessor = RadioField("评估方式", choices=choices([SELF, THIRD_PARTY]), default=SELF,
                          validators=[required("评估方式")], validate_choice=False)
    assessor_name = StringField("第三方评估机构名称", filters=[strip], validators=[rule(rules.check_unit_name)],
                                description="委托第三方评估时填写，如 浙江省网络安全测评中心有限公司")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_id.choices = [(str(service.id), self._label(service)) for service in self._services()]
        # Choosing 委托第三方评估 refreshes the name field: it is then required.
        self.assessor_name.flags.required = self.assessor.data == THIRD_PARTY

    def _services(self):
        """The subject's filed websites, APPs and 小程序, those owing a report first (rebuilt from a
        filed report: also the service it covers, whatever became of it)."""
        if self.subject is None:
            return []
        which = models.Service.status == models.Service.FILED
        if self.filed_by is not None:
            which |= models.Service.id == self.filed_by.data["filed"]["service_id"]
        return list(models.Service.select().where(
            models.Service.subject == self.subject, models.Service.kind.in_(assessments.KINDS), which)
            .order_by(models.Service.assessment_due_since.is_null(), models.Service.id).limit(200))

    def _label(self, service):
        # Whether a report is owed is said while choosing, not in a filed report's summary.
        owing = "，需提交安全评估报告" if service.assessment_due_since and self.filed_by is None else ""
        return f"{service.kind_label}：{service.name}（{service.record_number or service.status}{owing}）"

    def chosen(self):
        """The chosen service (one of the choices), or None."""
        if self.service_id.data not in {value for value, _ in self.service_id.choices}:
            return None
        return models.Service.get_or_none(models.Service.id == int(self.service_id.data))

    def enable_refresh(self, url, target):
        refresh_on_change(self.assessor, url, target, ["field-assessor_name"])

    def assessor_text(self):
        return f"{THIRD_PARTY}（{self.assessor_name.data}）" if self.assessor.data == THIRD_PARTY else SELF

    def validate_service_id(self, field):
        chosen = self.chosen()
        if chosen is None:
            raise ValidationError("请选择本主体已备案的网站、APP或小程序")
        pending = chosen.assessments.where(models.Assessment.status == models.Assessment.PENDING)
        if self.filed_by is not None:
            pending = pending.where(models.Assessment.application != self.filed_by.id)
        if pending.exists():
            raise ValidationError(f"“{chosen.name}”已有审核中的安全评估报告，请等待审核结果（见【我的安全评估】）")

    def validate_trigger(self, field):
        if field.data not in assessments.TRIGGERS:
            raise ValidationError("请选择评估情形")

    def validate_assessor(self, field):
        if field.data not in (SELF, THIRD_PARTY):
            raise ValidationError("请选择评估方式")

    def validate_feature_desc(self, field):
        message = rules.check_text(field.data, "功能描述", 20, 500)
        if message:
            raise ValidationError(message)

    def validate_feature_link(self, field):
        chosen = self.chosen()
        if not field.data and chosen is not None and chosen.kind != models.Service.MINIAPP:
            raise ValidationError("请填写功能链接")

    def validate_assessor_name(self, field):
        if self.assessor.data == THIRD_PARTY and not field.data:
            raise ValidationError("委托第三方评估的，请填写第三方评估机构名称")


class AssessmentManagementForm(ReportStep):
    """【安全管理】: 安全管理负责人, 信息审核人员 and the organisational measures."""

    MEASURES = ("people", "organisation", "identity")

    manager_name = StringField("安全管理负责人姓名", filters=[strip],
                               validators=[required("安全管理负责人姓名"), rule(rules.check_person_name)])
    manager_mobile = StringField("安全管理负责人手机号码", filters=[strip],
                                 validators=[required("安全管理负责人手机号码"), rule(rules.check_mobile)],
                                 render_kw={"inputmode": "tel"})
    reviewer_count = WholeNumber("信息审核人员数量", validators=[required("信息审核人员数量"), NumberRange(
        1, 100_000, message="请填写1至100000之间的整数")], render_kw={"inputmode": "numeric"})
    reviewer_names = TextAreaField("信息审核人员姓名", filters=[strip], validators=[required("信息审核人员姓名")],
                                   description=f"每行一个姓名，至多{MAX_REVIEWER_NAMES}人；人数较多时填写骨干人员",
                                   render_kw={"rows": 3})
    vars().update(measure_fields(*MEASURES))

    def validate_reviewer_names(self, field):
        names = lines(field.data)
        check_lines(names, rules.check_person_name, MAX_REVIEWER_NAMES, f"信息审核人员姓名至多填写{MAX_REVIEWER_NAMES}人")
        if self.reviewer_count.data is not None and len(names) > self.reviewer_count.data:
            raise ValidationError(f"填写了{len(names)}个姓名，多于信息审核人员数量{self.reviewer_count.data}人")


class AssessmentMeasuresForm(ReportStep):
    """【技术措施】: the logs kept (§5 (三)), illegal information, personal information, complaints
    and the support given to the authorities."""

    MEASURES = ("logs", "illegal", "privacy", "complaints", "support")

    log_items = CheckboxList("留存的日志信息", choices=choices(assessments.LOG_ITEMS),
                             description="规定第五条第（三）项所列日志均须留存")
    log_months = WholeNumber("日志留存时间（月）", validators=[required("日志留存时间")],
                             description=f"不少于{assessments.MIN_LOG_MONTHS}个月（网络安全法第二十一条）",
                             render_kw={"inputmode": "numeric"})
    complaint_channel = StringField("投诉举报方式", filters=[strip], validators=[required("投诉举报方式"), max_length(200)],
                                    description="公布给用户的电话、邮箱或网址，如 0578-2123456，jubao@lsly.cn")
    vars().update(measure_fields(*MEASURES))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_items.flags.required = True

    def validate_log_items(self, field):
        missing = [item for item in assessments.LOG_ITEMS if item not in (field.data or [])]
        if missing:
            raise ValidationError(f"按规定还须留存：{'、'.join(missing)}；未落实的请整改后再提交")

    def validate_log_months(self, field):
        if field.data is not None and field.data < assessments.MIN_LOG_MONTHS:
            raise ValidationError(f"日志留存时间不能少于{assessments.MIN_LOG_MONTHS}个月")


class AssessmentConclusionForm(ReportStep):
    """【评估结论】"""

    conclusion = TextAreaField("评估结论", filters=[strip], validators=[required("评估结论")],
                               description=f"{assessments.MIN_SITUATION}至{assessments.MAX_SITUATION}个字，说明安全措施是否"
                                           "有效、风险能否防控，发现问题的写明整改情况，如：各项安全措施已落实，"
                                           "违法有害信息能够及时发现和处置，安全风险可控。", render_kw={"rows": 4})
    promise = BooleanField("本单位承诺以上内容真实，并对评估结论负责")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.promise.flags.required = True

    def validate_conclusion(self, field):
        message = rules.check_situation(field.data, "评估结论")
        if message:
            raise ValidationError(message)

    def validate_promise(self, field):
        if not field.data:
            raise ValidationError("请勾选“本单位承诺以上内容真实，并对评估结论负责”")
