"""Website forms: the steps of 新办网站申请 (网站基本信息, 网站负责人, 提示说明), also used by 变更网站
and 网站认领."""
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

import models
from forms import rules
from forms.base import CheckboxList, Form, inline, refresh_on_change, required, rule, strip
from forms.filing import (Approvals, FilingForm, Interactive, Lookups, approval_fields, check_ip_lines, choices,
                          leader_people_form, lines, provider_fields)
from forms.subject import CodeField

SERVICE_TYPES = ["单位门户网站", "博客/个人空间", "综合门户", "电子商务", "网络游戏", "网络视频",
                 "在线教育", "搜索引擎", "www", "wap"]
# Any of these makes a site 交互式: 面审 or 实地检查 follows.
# Those in assessments.SCOPE (论坛/BBS … 信息分享) also need a 安全评估 report once filed.
INTERACTIVE_ITEMS = ["论坛/BBS", "留言板", "会员登录/注册", "网络购物/商城", "在线支付", "即时通信",
                     "评论", "网络直播", "博客/微博", "网络社区", "搜索引擎", "聊天室", "通讯群组", "公众账号",
                     "短视频", "信息分享"]
LANGUAGES = ["中文简体", "中文繁体", "英文", "维吾尔文", "藏文", "蒙古文", "其他"]


@inline("website", "site_name", "domain", "other_domains", "home_url", "ips", "icp_number")
class WebsiteBasicForm(Interactive, Approvals, Lookups, FilingForm):
    """【网站基本信息】"""

    service_kind = models.Service.WEBSITE

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
    vars().update(provider_fields("access", "接入商"))
    access_provider = StringField("网络接入服务商", filters=[strip], validators=[
        required("网络接入服务商"), Length(max=120)], description="可用【查询网络接入服务商】查找并选择，查不到时直接填写")
    vars().update(provider_fields("registrar", "注册商"))
    registrar = StringField("域名注册服务商", filters=[strip], validators=[
        required("域名注册服务商"), Length(max=120)], description="可用【查询域名注册服务商】查找并选择，查不到时直接填写")
    service_types = CheckboxList("服务类型", choices=choices(SERVICE_TYPES))
    interactive_items = CheckboxList("交互式服务项目", choices=choices(INTERACTIVE_ITEMS),
                                     description="网站有留言板、购物车、会员登录、商城或标价等功能的，都属于交互式服务")
    pre_approvals = CheckboxList("前置审批", choices=choices(rules.PRE_APPROVAL_ITEMS),
                                 description="只在网站提供相应服务并已取得审批时勾选")
    # Declared here so the summary lists them right after 前置审批 (a class body's namespace is a dict).
    vars().update(approval_fields())
    dangerous_goods = BooleanField("发布互联网危险物品信息", description="须持有相应许可证")
    dangerous_licence = StringField("危险物品信息发布许可证号", filters=[strip], validators=[Length(max=60)])
    languages = CheckboxList("网站语种", choices=choices(LANGUAGES))
    icp_number = StringField("ICP备案号", filters=[strip], validators=[
        required("ICP备案号"), rule(rules.check_icp_number)], description="工业和信息化部的备案号，如 京ICP备12345678号-1")

    # Fields whose message depends on another field: checked again (when filled in) as that one changes.
    DEPENDS = {"domain": ("site_name", "home_url"), "other_domains": ("site_name", "home_url"),
               "pre_approvals": ("site_name",)}

    LOOKUPS = {"access": (models.Provider.ACCESS, "access_provider"),
               "registrar": (models.Provider.REGISTRAR, "registrar")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_lookups()
        self.setup_approvals()
        # Checked by validate_* methods; flagged for the red *.
        self.service_types.flags.required = self.languages.flags.required = True

    def enable_refresh(self, url, target):
        """Ticking an interactive item says at once that the site is 交互式; typing a
        provider's name (or choosing its region) searches as you go."""
        refresh_on_change(self.interactive_items, url, target, ["interactive-note"])
        # Ticking a 前置审批 item asks for its 文号 and 审批机关, and may settle the 网站名称's message.
        refresh_on_change(self.pre_approvals, url, target, ["pre-approval-details", "field-site_name"])
        self.lookups_search_as_you_type(url)

    # -- values as the filing keeps them --

    def all_domains(self):
        return [d for d in [self.domain.data, *lines(self.other_domains.data)] if d]

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
        return lines(self.ips.data)

    # -- checks that need more than one field or the database --

    def validate_site_name(self, field):
        subject = self.subject
        message = rules.check_site_name(field.data, self.all_domains(),
                                        subject.nature if subject else "单位",
                                        subject.unit_kind if subject else "企业单位",
                                        self.pre_approvals.data or [])
        if message:
            raise ValidationError(message)

    def check_taken(self, domains):
        super().check_taken(domains)
        for domain in domains:
            try:
                normal = rules.normalize_domain(domain)
            except ValueError:
                return
            offline = models.ImportedSite.get_or_none(models.ImportedSite.domain == normal,
                                                      models.ImportedSite.kind == models.ImportedSite.OFFLINE,
                                                      models.ImportedSite.service.is_null())
            if offline and offline != self.imported:
                # Its 公安备案号 is the bureau's record: not for whoever types the domain.
                raise ValidationError(f"此域名（{domain}）已有线下备案，请由开办主体在【网站认领】中认领，无需重新申请")

    def validate_domain(self, field):
        if self.imported is not None:
            try:
                mine = rules.normalize_domain(field.data) == self.imported.domain
            except ValueError:
                mine = False
            if not mine:
                if self.subject is not None and not self.imported.shown_to(self.subject):
                    raise ValidationError("网站主域名与公安机关登记的不一致，请填写该网站登记的域名")
                raise ValidationError(f"此网站由公安机关登记为 {self.imported.domain}，网站主域名不能更改")
        self.check_taken([field.data])

    def validate_other_domains(self, field):
        self.check_domain_lines(field.data)

    def validate_home_url(self, field):
        message = rules.check_home_in_domains(field.data, self.all_domains())
        if message:
            raise ValidationError(message)
        home = self.home_host()
        # A listed domain that cannot be read has its own message; it never matches the 首页.
        if home and home not in {rules.domain_or_none(d) for d in self.all_domains()}:
            self.check_taken([home])

    def validate_ips(self, field):
        message = check_ip_lines(field.data)
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

# 【网站负责人】: 网站负责人, 网站安全负责人, 网站应急联络人.
WebsitePeopleForm = leader_people_form("网站")


class ClaimCodeForm(Form):
    """网站认领 of an offline filing with a 负责人手机 on record: the code sent there."""

    code = CodeField()
