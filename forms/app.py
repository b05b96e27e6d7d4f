"""APP and 小程序 forms: the steps of 新办APP申请 and 新办小程序申请 (also used by their 变更).

The fields follow MIIT's APP and 小程序 filing requirements plus the website-style 交互式,
前置审批 and 负责人 blocks (SPEC.md "Other businesses").
"""
from wtforms import FieldList, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

import models
from forms import rules
from forms.base import CheckboxList, Form, inline, refresh_on_change, required, rule, strip
from forms.filing import (Approvals, FilingForm, Interactive, Lookups, PictureList, Pictures, approval_fields,
                          check_ip_lines, choices, leader_people_form, lines, provider_fields)
from forms.people import people_form
from forms.website import INTERACTIVE_ITEMS, LANGUAGES

USER_COUNTS = ["1万以下", "1万至10万", "10万至100万", "100万至1000万", "1000万以上"]
ICON_MAX_KB = 100
# The fields of a ticked platform: (suffix, label, text area?).
PLATFORM_FIELDS = (("package", "{id_label}", False), ("public_key", "公钥", True),
                   ("fingerprint", "签名{fingerprint_algo}值", False))


def _platform_fields():
    fields = {}
    for platform in rules.APP_PLATFORMS:
        words = {"id_label": platform.id_label, "fingerprint_algo": platform.fingerprint_algo}
        hints = {"package": f"如 {platform.id_example}",
                 "public_key": "签名证书的公钥，十六进制或Base64（PEM）格式",
                 "fingerprint": f"签名证书的{platform.fingerprint_algo}指纹，如 {platform.fingerprint_example}"}
        for suffix, label, area in PLATFORM_FIELDS:
            kind = TextAreaField if area else StringField
            fields[f"platform_{platform.key}_{suffix}"] = kind(
                f"{platform.label}·{label.format(**words)}", filters=[strip], description=hints[suffix],
                render_kw={"autocomplete": "off", **({"rows": 3} if area else {})})
    return fields


class SdkRow(Form):
    """One SDK the APP uses."""

    class Meta:
        csrf = False   # a row of the step form, which carries the token

    name = StringField("SDK名称", filters=[strip])
    vendor = StringField("SDK提供方", filters=[strip])
    purpose = StringField("使用目的", filters=[strip])


@inline("app", "app_name", "intro", "domains", "ips", "icp_number",
        *[f"platform_{p.key}_{suffix}" for p in rules.APP_PLATFORMS for suffix in ("package", "fingerprint")])
class AppBasicForm(Pictures, Interactive, Approvals, Lookups, FilingForm):
    """【APP基本信息】"""

    service_kind = models.Service.APP

    app_name = StringField("APP名称", filters=[strip], validators=[required("APP名称"), rule(rules.check_app_name)],
                           description="与应用市场中展示的名称一致，如 丽水山居旅游")
    icon = PictureList("APP图标", 1, 1, "app_icon", max_kb=ICON_MAX_KB,
                       description=f"JPG或PNG格式，不超过{ICON_MAX_KB}KB")
    intro = TextAreaField("功能介绍", filters=[strip], validators=[required("功能介绍")],
                          description="20至500个字，说明APP的主要功能和服务对象", render_kw={"rows": 3})
    screenshots = PictureList("运行截图", 3, 5, "app_screenshot",
                              description="3至5张APP运行时的截图，JPG或PNG格式；未勾选“保留”的图片会被移除")
    platforms = CheckboxList("运行平台", choices=[(p.key, p.label) for p in rules.APP_PLATFORMS])
    vars().update(_platform_fields())
    sdks = FieldList(FormField(SdkRow), "使用的SDK", min_entries=2, max_entries=30)
    stores = CheckboxList("已备案的应用市场", validate_choice=False, description="在本平台备案的应用市场；其他渠道填在下面")
    channels = TextAreaField("其他分发渠道", filters=[strip],
                             description="每行一个应用市场名称或下载地址，如 华为应用市场", render_kw={"rows": 2})
    domains = TextAreaField("APP使用的域名", filters=[strip], description="每行一个域名，如 api.lsly.cn",
                            render_kw={"rows": 2})
    ips = TextAreaField("服务器IP地址", filters=[strip],
                        description="每行一个IP地址或起止地址；域名和IP地址至少填写一项", render_kw={"rows": 2})
    vars().update(provider_fields("access", "接入商"))
    access_provider = StringField("网络接入服务商", filters=[strip], validators=[required("网络接入服务商")],
                                  description="可用【查询网络接入服务商】查找并选择，查不到时直接填写")
    user_count = SelectField("当前用户量", choices=[("", "请选择")] + choices(USER_COUNTS),
                             validators=[required("当前用户量")])
    interactive_items = CheckboxList("交互式服务项目", choices=choices(INTERACTIVE_ITEMS),
                                     description="APP有评论、留言、会员注册、商城或直播等功能的，都属于交互式服务")
    pre_approvals = CheckboxList("前置审批", choices=choices(rules.PRE_APPROVAL_ITEMS),
                                 description="只在APP提供相应服务并已取得审批时勾选")
    vars().update(approval_fields())
    languages = CheckboxList("APP语种", choices=choices(LANGUAGES))
    icp_number = StringField("ICP备案号", filters=[strip], validators=[
        required("ICP备案号"), rule(rules.check_icp_number, kind="app")],
        description="工业和信息化部的APP备案号，以A结尾，如 浙ICP备20018325号-12A")

    LOOKUPS = {"access": (models.Provider.ACCESS, "access_provider")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_lookups()
        self.setup_approvals()
        ticked = set(self.platforms.data or [])
        for platform in rules.APP_PLATFORMS:
            on = platform.key in ticked
            package, public_key, fingerprint = self.platform_fields(platform)
            package.validators = [self.ticked_check(on, rules.check_package_name, platform.key), self._key_free(on)]
            public_key.validators = [self.ticked_check(on, rules.check_public_key)]
            fingerprint.validators = [self.ticked_check(on, rules.check_fingerprint, platform.fingerprint_algo)]
            for field in (package, public_key, fingerprint):
                field.summary_skip = not on
                field.flags.required = True
        for field in (self.icon, self.screenshots, self.platforms, self.languages):
            field.flags.required = True
        # 分发渠道: the filed 应用市场 to tick, then any other channel typed.
        self.stores.choices = [(name, name) for (name,) in models.Service.select(models.Service.name).where(
            models.Service.kind == models.Service.APPSTORE, models.Service.status == models.Service.FILED)
            .order_by(models.Service.name).limit(100).tuples()]

    def enable_refresh(self, url, target):
        """Ticking a platform asks for its identifier and keys; an interactive item says at once
        that the APP is 交互式; a 前置审批 item asks for its 文号."""
        refresh_on_change(self.platforms, url, target, ["platform-details"])
        refresh_on_change(self.interactive_items, url, target, ["interactive-note"])
        refresh_on_change(self.pre_approvals, url, target, ["pre-approval-details"])
        self.lookups_search_as_you_type(url)

    def platform_fields(self, platform):
        return [self[f"platform_{platform.key}_{suffix}"] for suffix, _, _ in PLATFORM_FIELDS]

    def ticked_platforms(self):
        """(platform, its fields) of each ticked platform, for the step."""
        ticked = self.platforms.data or []
        return [(p, self.platform_fields(p)) for p in rules.APP_PLATFORMS if p.key in ticked]

    def _key_free(self, ticked):
        def validator(form, field):
            if ticked and field.data:
                self.check_key_taken(field.data, "包名")
        return validator

    def sdk_messages(self):
        return [message for message in self.sdks.errors if isinstance(message, str)]

    # -- values as the filing keeps them --

    def platform_data(self):
        return {p.key: {"label": p.label, "package": package.data, "public_key": public_key.data,
                        "fingerprint": rules.normalize_fingerprint(fingerprint.data)}
                for p, (package, public_key, fingerprint) in self.ticked_platforms()}

    def sdk_data(self):
        return [{"name": row.form.name.data, "vendor": row.form.vendor.data, "purpose": row.form.purpose.data}
                for row in self.sdks if row.form.name.data]

    def normalized_domains(self):
        return list(dict.fromkeys(rules.normalize_domain(d) for d in lines(self.domains.data)))

    # -- checks --

    def validate_intro(self, field):
        message = rules.check_intro(field.data, 20, 500)
        if message:
            raise ValidationError(message.replace("简介", "功能介绍"))

    def validate_platforms(self, field):
        if not field.data:
            raise ValidationError("请至少选择一个运行平台")

    def validate_sdks(self, field):
        for number, row in enumerate(field.entries, 1):
            message = rules.check_sdk(row.form.name.data, row.form.vendor.data, row.form.purpose.data)
            if message:
                raise ValidationError(f"第{number}个SDK：{message}")

    def validate_channels(self, field):
        if not lines(field.data) and not self.stores.data:
            raise ValidationError("请选择或填写APP的分发渠道，至少一个")
        for channel in lines(field.data):
            message = rules.check_channel(channel)
            if message:
                raise ValidationError(f"{rules.shorten(channel)}：{message}")

    def channel_data(self):
        """Every 分发渠道: the filed 应用市场 ticked, then the others typed."""
        return list(dict.fromkeys([*(self.stores.data or []), *lines(self.channels.data)]))

    def validate_stores(self, field):
        filed = {name for (name,) in models.Service.select(models.Service.name).where(
            models.Service.kind == models.Service.APPSTORE, models.Service.status == models.Service.FILED,
            models.Service.name.in_(list(field.data or []))).tuples()}
        unknown = set(field.data or []) - filed
        if unknown:
            raise ValidationError(f"应用市场“{'、'.join(sorted(unknown))}”已不在备案，请改填在其他分发渠道中")

    def validate_domains(self, field):
        self.check_domain_lines(field.data)

    def validate_ips(self, field):
        if not lines(field.data) and not lines(self.domains.data):
            raise ValidationError("请填写APP使用的域名或服务器IP地址，至少一项")
        message = check_ip_lines(field.data)
        if message:
            raise ValidationError(message)

    def validate_languages(self, field):
        if not field.data:
            raise ValidationError("请至少选择一种APP语种")

    def add_row(self, name):
        """【添加一行】 of the SDK list: the raw values of one more empty row."""
        if name != "sdks" or len(self.sdks.entries) >= self.sdks.max_entries:
            return {}
        number = len(self.sdks.entries)
        return {f"sdks-{number}-{sub}": [""] for sub in ("name", "vendor", "purpose")}


# 【APP负责人】: APP负责人, APP安全负责人, APP应急联络人.
AppPeopleForm = leader_people_form("APP")


# 服务内容类型 of a 小程序 (at most five); those marked interactive make it 交互式, and those
# assessments.ITEM_SCOPE maps need a 安全评估 report once filed.
MINIAPP_CONTENT_TYPES = ["资讯", "论坛/社区", "博客/微博", "聊天/通讯", "公众账号", "短视频", "网络直播",
                         "信息分享", "电商购物", "生活服务", "餐饮外卖", "旅游出行", "教育培训", "医疗健康", "金融",
                         "政务民生", "工具", "游戏", "其他"]
MINIAPP_INTERACTIVE_TYPES = ("论坛/社区", "博客/微博", "聊天/通讯", "公众账号", "短视频", "网络直播", "信息分享",
                             "电商购物")
MAX_CONTENT_TYPES = 5
NOT_INVOLVED = "以上都不涉及"


@inline("miniapp", "appid", "miniapp_name", "intro", "icp_number")
class MiniappBasicForm(Interactive, Approvals, FilingForm):
    """【小程序基本信息】"""

    service_kind = models.Service.MINIAPP

    platform = RadioField("承载平台", choices=[(p.key, p.label) for p in rules.MINIAPP_PLATFORMS],
                          validators=[required("承载平台")])
    appid = StringField("小程序AppID", filters=[strip], validators=[required("小程序AppID")],
                        description="在承载平台的开发设置中查看，如微信小程序 wx1234567890abcdef",
                        render_kw={"autocomplete": "off"})
    miniapp_name = StringField("小程序名称", filters=[strip],
                               validators=[required("小程序名称"), rule(rules.check_app_name)],
                               description="与承载平台上的名称一致，如 丽水山居旅游")
    content_types = CheckboxList("服务内容类型", choices=choices(MINIAPP_CONTENT_TYPES),
                                 description=f"最多选择{MAX_CONTENT_TYPES}项")
    pre_approvals = CheckboxList("前置审批", choices=choices(rules.PRE_APPROVAL_ITEMS + [NOT_INVOLVED]),
                                 description=f"只在小程序提供相应服务并已取得审批时勾选；都没有时勾选“{NOT_INVOLVED}”")
    vars().update(approval_fields())
    intro = TextAreaField("小程序简介", filters=[strip], validators=[required("小程序简介")],
                          description="20至200个字，说明小程序提供的服务", render_kw={"rows": 3})
    icp_number = StringField("ICP备案号", filters=[strip], validators=[
        required("ICP备案号"), rule(rules.check_icp_number, kind="miniprogram")],
        description="工业和信息化部的小程序备案号，以X结尾，如 浙ICP备20018325号-3X")

    DEPENDS = {"platform": ("appid",)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_approvals()
        self.content_types.flags.required = self.pre_approvals.flags.required = True

    def enable_refresh(self, url, target):
        refresh_on_change(self.platform, url, target, ["field-appid", "interactive-note"])
        refresh_on_change(self.content_types, url, target, ["interactive-note"])
        refresh_on_change(self.pre_approvals, url, target, ["pre-approval-details"])

    def ticked_interactive(self):
        return [item for item in self.content_types.data or [] if item in MINIAPP_INTERACTIVE_TYPES]

    def platform_label(self):
        platform = rules.MINIAPP_PLATFORM_BY_KEY.get(self.platform.data)
        return platform.label if platform else ""

    def validate_appid(self, field):
        if self.platform.data not in rules.MINIAPP_PLATFORM_BY_KEY:
            raise ValidationError("请先选择承载平台")
        message = rules.check_miniapp_id(field.data, self.platform.data)
        if message:
            raise ValidationError(message)
        self.check_key_taken(field.data, "AppID")

    def validate_content_types(self, field):
        if not field.data:
            raise ValidationError("请至少选择一种服务内容类型")
        if len(field.data) > MAX_CONTENT_TYPES:
            raise ValidationError(f"服务内容类型最多选择{MAX_CONTENT_TYPES}项（当前{len(field.data)}项）")

    def validate_pre_approvals(self, field):
        if not field.data:
            raise ValidationError(f"请勾选所取得的前置审批；都没有时勾选“{NOT_INVOLVED}”")
        if NOT_INVOLVED in field.data and len(field.data) > 1:
            raise ValidationError(f"已勾选前置审批项目时，不能同时勾选“{NOT_INVOLVED}”")

    def validate_intro(self, field):
        message = rules.check_intro(field.data, 20, 200)
        if message:
            raise ValidationError(message)


# 【小程序负责人】
MiniappPeopleForm = people_form([("owner", "小程序负责人", "")], base=FilingForm)
