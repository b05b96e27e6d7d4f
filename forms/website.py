"""Website forms: the steps of 新办网站申请 (网站基本信息, 网站负责人, 提示说明), also used by 变更网站
and 网站认领, and the 注销网站 form."""
import json

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from flask_wtf.file import FileField
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

import divisions
import models
from forms import rules
from forms.base import CheckboxList, Form, inline, refresh_on_change, required, rule, strip
from forms.people import LEADER_AS_PERSON, people_form
from forms.subject import CodeField

SERVICE_TYPES = ["单位门户网站", "博客/个人空间", "综合门户", "电子商务", "网络游戏", "网络视频",
                 "在线教育", "搜索引擎", "www", "wap"]
# Any of these makes a site 交互式: 面审 or 实地检查 follows.
INTERACTIVE_ITEMS = ["论坛/BBS", "留言板", "会员登录/注册", "网络购物/商城", "在线支付", "即时通信",
                     "评论", "网络直播", "博客/微博", "网络社区", "搜索引擎"]
LANGUAGES = ["中文简体", "中文繁体", "英文", "维吾尔文", "藏文", "蒙古文", "其他"]


def _lines(text):
    """Non-empty lines of a text area, trimmed."""
    return [line.strip() for line in (text or "").replace("；", "\n").replace(";", "\n").splitlines()
            if line.strip()]


def _choices(items):
    return [(item, item) for item in items]


def _approval_fields():
    """A 审批文号 and a 审批机关 field for each 前置审批 item (checked only when the item is ticked)."""
    fields = {}
    for approval in rules.PRE_APPROVALS:
        fields[f"approval_{approval.key}_number"] = StringField(
            f"{approval.item}·审批文号", filters=[strip], render_kw={"autocomplete": "off"},
            description=f"{approval.licence}上的编号，如 {approval.example}")
        fields[f"approval_{approval.key}_authority"] = StringField(
            f"{approval.item}·审批机关", filters=[strip], description=f"如 {approval.authority}")
    return fields


def interactive_reason(items):
    """Why a site counts as 交互式, or None when it does not."""
    if not items:
        return None
    return f"您选择了“{'、'.join(items)}”，属于交互式服务：提交后需到公安机关面审或接受实地检查。"


class FilingForm(Form):
    """A website step form: knows the filing subject and, once filed, the website itself."""

    needs_subject = True

    def __init__(self, *args, subject=None, website=None, imported=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.website = website
        self.imported = imported  # the 未备案/认领 site being filed, whose domain is its own


@inline("website", "site_name", "domain", "other_domains", "home_url", "ips", "icp_number")
class WebsiteBasicForm(FilingForm):
    """【网站基本信息】"""

    site_name = StringField("网站名称", filters=[strip], validators=[required("网站名称"), Length(max=60)],
                            description="至少3个汉字，能反映网站内容，不能使用域名")
    domain = StringField("网站主域名", filters=[strip], validators=[required("网站主域名"), rule(rules.check_domain)],
                         description="如 abc.com，不要带 http:// 或 www 以外的前缀",
                         render_kw={"autocomplete": "off", "inputmode": "url"})
    other_domains = TextAreaField("其他域名", filters=[strip], description="每行一个域名，没有可不填",
                                  render_kw={"rows": 2})
    home_url = StringField("网站首页", filters=[strip], validators=[required("网站首页")],
                           description="如 www.abc.com，首页的域名须在上面的域名中",
                           render_kw={"autocomplete": "off", "inputmode": "url"})
    ips = TextAreaField("IP地址", filters=[strip], validators=[required("IP地址")],
                        description="每行一个IP地址；服务器有多个连续地址时写起止地址，如 1.2.3.4-1.2.3.10",
                        render_kw={"rows": 2})
    access_region = SelectField("接入商所属地区", validate_choice=False)
    access_query = StringField("接入商名称", filters=[strip])
    access_provider = StringField("网络接入服务商", filters=[strip], validators=[
        required("网络接入服务商"), Length(max=120)], description="可用【查询网络接入服务商】查找并选择，查不到时直接填写")
    registrar_region = SelectField("注册商所属地区", validate_choice=False)
    registrar_query = StringField("注册商名称", filters=[strip])
    registrar = StringField("域名注册服务商", filters=[strip], validators=[
        required("域名注册服务商"), Length(max=120)], description="可用【查询域名注册服务商】查找并选择，查不到时直接填写")
    service_types = CheckboxList("服务类型", choices=_choices(SERVICE_TYPES))
    interactive_items = CheckboxList("交互式服务项目", choices=_choices(INTERACTIVE_ITEMS),
                                     description="网站有留言板、购物车、会员登录、商城或标价等功能的，都属于交互式服务")
    pre_approvals = CheckboxList("前置审批", choices=_choices(rules.PRE_APPROVAL_ITEMS),
                                 description="只在网站提供相应服务并已取得审批时勾选")
    # Declared here so the summary lists them right after 前置审批 (a class body's namespace is a dict).
    vars().update(_approval_fields())
    dangerous_goods = BooleanField("发布互联网危险物品信息", description="须持有相应许可证")
    dangerous_licence = StringField("危险物品信息发布许可证号", filters=[strip], validators=[Length(max=60)])
    languages = CheckboxList("网站语种", choices=_choices(LANGUAGES))
    icp_number = StringField("ICP备案号", filters=[strip], validators=[
        required("ICP备案号"), rule(rules.check_icp_number)], description="工业和信息化部的备案号，如 京ICP备12345678号-1")

    # Fields whose message depends on another field: checked again (when filled in) as that one changes.
    DEPENDS = {"domain": ("site_name", "home_url"), "other_domains": ("site_name", "home_url"),
               "pre_approvals": ("site_name",)}

    LOOKUPS = {"access": (models.Provider.ACCESS, "access_provider"),
               "registrar": (models.Provider.REGISTRAR, "registrar")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = [("", "请选择")] + [(d.code, d.name) for d in divisions.table().provinces()]
        self.access_region.choices = self.registrar_region.choices = provinces
        for name in ("access_region", "access_query", "registrar_region", "registrar_query"):
            self[name].summary_skip = True
        for approval in rules.PRE_APPROVALS:
            number, authority = self.approval_fields(approval)
            ticked = approval.item in (self.pre_approvals.data or [])
            number.validators = [self._ticked_check(ticked, rules.check_approval_number, approval.item)]
            authority.validators = [self._ticked_check(ticked, rules.check_approval_authority)]
            number.summary_skip = authority.summary_skip = not ticked
            number.flags.required = authority.flags.required = True
        # Checked by validate_* methods; flagged for the red *.
        self.service_types.flags.required = self.languages.flags.required = True

    def enable_refresh(self, url, target):
        """Ticking an interactive item says at once that the site is 交互式; typing a
        provider's name (or choosing its region) searches as you go."""
        refresh_on_change(self.interactive_items, url, target, ["interactive-note"])
        # Ticking a 前置审批 item asks for its 文号 and 审批机关, and may settle the 网站名称's message.
        refresh_on_change(self.pre_approvals, url, target, ["pre-approval-details", "field-site_name"])
        for which in self.LOOKUPS:
            search = {"hx-post": url, "hx-vals": json.dumps({"action": f"lookup_{which}"}),
                      "hx-swap": "none", "hx-select-oob": f"#found-{which}"}
            self[f"{which}_query"].render_kw = {**search, "hx-trigger": "input changed delay:500ms",
                                                "autocomplete": "off"}
            self[f"{which}_region"].render_kw = {**search, "hx-trigger": "change"}

    def approval_fields(self, approval):
        """(文号 field, 审批机关 field) of a 前置审批 item."""
        return self[f"approval_{approval.key}_number"], self[f"approval_{approval.key}_authority"]

    def ticked_approvals(self):
        """(item, 文号 field, 审批机关 field) of each ticked 前置审批 item, for the step and the filing."""
        ticked = self.pre_approvals.data or []
        return [(a.item, *self.approval_fields(a)) for a in rules.PRE_APPROVALS if a.item in ticked]

    def approval_details(self):
        """{item: {"number", "authority"}} of the ticked items, as the filing keeps them."""
        return {item: {"number": number.data, "authority": authority.data}
                for item, number, authority in self.ticked_approvals()}

    @staticmethod
    def _ticked_check(ticked, check, *context):
        """A validator that runs a rule only for a ticked item (an unticked item's fields are ignored)."""
        def validator(_form, field):
            message = check(field.data, *context) if ticked else None
            if message:
                raise StopValidation(message)
        return validator

    def interactive_note(self):
        return interactive_reason(self.interactive_items.data)

    # -- values as the filing keeps them --

    def all_domains(self):
        return [d for d in [self.domain.data, *_lines(self.other_domains.data)] if d]

    def home_host(self):
        """The 网站首页's host, normalized (None when it cannot be read)."""
        return rules.domain_or_none(rules.host_of(self.home_url.data or ""))

    def normalized_domains(self):
        """The listed domains, and the 首页's host when it is www. + one of them: a host the site
        uses is filed (and held) like the others."""
        listed = list(dict.fromkeys(rules.normalize_domain(d) for d in self.all_domains()))
        home = self.home_host()
        return listed + ([home] if home and home not in listed else [])

    def ip_lines(self):
        return _lines(self.ips.data)

    @property
    def interactive(self):
        return bool(self.interactive_items.data)

    # -- checks that need more than one field or the database --

    def validate_site_name(self, field):
        subject = self.subject
        message = rules.check_site_name(field.data, self.all_domains(),
                                        subject.nature if subject else "单位",
                                        subject.unit_kind if subject else "企业单位",
                                        self.pre_approvals.data or [])
        if message:
            raise ValidationError(message)

    def _check_taken(self, domains):
        try:
            wanted = [rules.normalize_domain(d) for d in domains]
        except ValueError:
            return
        for domain, normal in zip(domains, wanted):
            # Another subject's pending filing blocks nobody (the officer sees the conflict).
            holder = models.Service.blocking(normal, self.subject, models.Service.WEBSITE, exclude=self.website)
            if holder is not None:
                raise ValidationError(self._pointer(rules.domain_filed_message(domain), holder))
            offline = models.ImportedSite.get_or_none(models.ImportedSite.domain == normal,
                                                      models.ImportedSite.kind == models.ImportedSite.OFFLINE,
                                                      models.ImportedSite.service.is_null())
            if offline and offline != self.imported:
                raise ValidationError(f"此域名（{domain}）已有线下备案（{offline.record_number}），"
                                      "请由开办主体在【网站认领】中认领，无需重新申请")

    def _pointer(self, message, holder):
        """Say where the existing record is: the user's own 我的网站, or the public query."""
        if self.subject is not None and holder.subject_id == self.subject.id:
            return message + f"（见【我的网站】“{holder.name}”，状态：{holder.status}）"
        message = message.replace("您已经申请过", "已有网站申请过")
        return message + (f"（公安备案号 {holder.record_number}，可在【备案查询】中查看）"
                          if holder.record_number else "（正在审核中）")

    def validate_domain(self, field):
        if self.imported is not None:
            try:
                mine = rules.normalize_domain(field.data) == self.imported.domain
            except ValueError:
                mine = False
            if not mine:
                raise ValidationError(f"此网站由公安机关登记为 {self.imported.domain}，网站主域名不能更改")
        self._check_taken([field.data])

    def validate_other_domains(self, field):
        others = _lines(field.data)
        for domain in others:
            message = rules.check_domain(domain)
            if message:
                raise ValidationError(f"{rules.shorten(domain)}：{message}")
        self._check_taken(others)

    def validate_home_url(self, field):
        message = rules.check_home_in_domains(field.data, self.all_domains())
        if message:
            raise ValidationError(message)
        home = self.home_host()
        # A listed domain that cannot be read has its own message; it never matches the 首页.
        if home and home not in {rules.domain_or_none(d) for d in self.all_domains()}:
            self._check_taken([home])

    def validate_ips(self, field):
        for line in self.ip_lines():
            message = rules.check_ip_line(line)
            if message:
                raise ValidationError(message)

    def validate_service_types(self, field):
        if not field.data:
            raise ValidationError("请至少选择一种服务类型")

    def validate_languages(self, field):
        if not field.data:
            raise ValidationError("请至少选择一种网站语种")

    def validate_dangerous_licence(self, field):
        if self.dangerous_goods.data and not field.data:
            raise ValidationError("发布互联网危险物品信息须填写许可证号")

    # -- 【查询网络接入服务商】 / 【查询域名注册服务商】 --

    def lookup(self, which):
        """Providers of a kind matching the typed name in the chosen region (required)."""
        kind, _target = self.LOOKUPS[which]
        region, query = self[f"{which}_region"], self[f"{which}_query"]
        if not region.data:
            region.errors = ["请先选择所属地区"]
            return None
        problem = rules.check_control_chars(query.data)
        if problem:
            query.errors = [problem]
            return None
        found = models.Provider.select().where(models.Provider.kind == kind,
                                               models.Provider.region_code.startswith(region.data[:2]))
        if query.data:
            found = found.where(models.Provider.name.contains(query.data))
        return list(found.order_by(models.Provider.name).limit(20))

    def pick(self, which, provider_id):
        """【选择】: fill the provider field from a looked-up provider."""
        kind, target = self.LOOKUPS[which]
        provider = models.Provider.get_or_none(models.Provider.id == provider_id, models.Provider.kind == kind)
        if provider:
            self[target].data = provider.name
        return provider


# 【网站负责人】: 网站负责人, 网站安全负责人, 网站应急联络人.
WebsitePeopleForm = people_form([
    ("owner", "网站负责人", ""),
    ("security", "网站安全负责人", ""),
    ("emergency", "网站应急联络人", "需承担7×24小时联络责任，建议不与网站负责人为同一人"),
], base=FilingForm, contact="emergency")


class WebsiteNoticeForm(FilingForm):
    """【提示说明】: the applicant confirms the security protection notice."""

    agree = BooleanField("我已阅读信息网络安全保护方案")

    def validate_agree(self, field):
        if not field.data:
            raise ValidationError("请先阅读并勾选“我已阅读信息网络安全保护方案”")


class CancelWebsiteForm(Form):
    """注销网站: the site is closed; its 网站负责人 confirms with an SMS code; why; an optional picture."""

    closed = BooleanField("我确认网站已关闭，首页已无法访问", validators=[
        InputRequired("请确认网站已关闭；网站仍在运行的，请先关闭网站再申请注销")])
    leader_name = StringField("网站负责人姓名", filters=[strip], validators=[required("网站负责人姓名")])
    leader_mobile = StringField("网站负责人手机号码", filters=[strip], validators=[
        required("网站负责人手机号码"), rule(rules.check_mobile)], render_kw={"inputmode": "tel"},
        description="验证码将发送至备案登记的网站负责人手机")
    code = CodeField()
    reason = TextAreaField("注销原因", filters=[strip], validators=[
        required("注销原因"), Length(max=300, message="注销原因不超过300字")], render_kw={"rows": 3})
    attachment = FileField("附件", description="选填：如网站关闭的说明或截图，JPG或PNG格式")

    field_order = ("closed", "leader_name", "leader_mobile", "code", "reason", "attachment")

    def __init__(self, *args, website, **kwargs):
        super().__init__(*args, **kwargs)
        self.website = website
        self.leader = website.data.get("people", {}).get("owner", {})

    def _filed(self, field):
        """What the filing holds for a leader_* field, in the 网站负责人 block."""
        return self.leader.get(LEADER_AS_PERSON[field.name], "")

    def validate_leader_name(self, field):
        if rules.normalize_person_name(field.data) != self._filed(field):
            raise ValidationError("与备案登记的网站负责人姓名不一致")

    def validate_leader_mobile(self, field):
        if rules.normalize_mobile(field.data) != rules.normalize_mobile(self._filed(field)):
            raise ValidationError("与备案登记的网站负责人手机号码不一致")
