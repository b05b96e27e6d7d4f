"""服务商 and 应用市场 forms: the steps of 新办服务商申请 and 新办应用市场申请 (also used by their 变更).

服务商 (公安部令第33号 第十二条: 互联单位 and 接入单位 file and report the units and users they
connect) feed the provider directory the wizards search; 应用市场 are app distribution
platforms, which must file within 30 days of launch.
"""
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, NumberRange, ValidationError

import divisions
import models
from forms import rules
from forms.base import CheckboxList, WholeNumber, inline, refresh_on_change, required, rule, strip
from forms.filing import (FilingForm, Interactive, Lookups, PictureList, Pictures, check_ip_lines, choices,
                          leader_people_form, lines, provider_fields)
from forms.people import people_form
from forms.regions import RegionMixin
from forms.website import INTERACTIVE_ITEMS

# What a 服务商 offers, as the directory's kinds.
PROVIDER_TYPES = [(models.Provider.ACCESS, "网络接入/IDC"), (models.Provider.REGISTRAR, "域名注册"),
                  (models.Provider.CDN, "CDN"), (models.Provider.CLOUD, "云服务")]
NATIONWIDE = "全国"
DOCUMENT_HINT = "PDF文件或JPG、PNG图片"


@inline("provider", "full_name", "licence")
class ProviderBasicForm(Pictures, RegionMixin, FilingForm):
    """【服务商基本信息】"""

    service_kind = models.Service.PROVIDER

    full_name = StringField("服务商全称", filters=[strip], validators=[required("服务商全称")],
                            description="即开办主体的名称，与营业执照上的名称一致")
    provider_types = CheckboxList("服务类型", choices=PROVIDER_TYPES, description="可多选")
    licence = StringField("增值电信业务经营许可证号", filters=[strip], validators=[
        required("增值电信业务经营许可证号"), rule(rules.check_telecom_licence)], description="如 浙B2-20080224 或 B1-20150001",
        render_kw={"autocomplete": "off"})
    business_scope = TextAreaField("经营范围", filters=[strip], validators=[required("经营范围"), Length(max=500)],
                                   description="许可证上载明的业务种类和覆盖范围", render_kw={"rows": 3})
    service_regions = CheckboxList("服务的地区", description=f"提供服务的省份；面向全国的选“{NATIONWIDE}”")
    ips = TextAreaField("IP地址段", filters=[strip], description="选填：自有或分配给用户的IP地址，每行一个地址或起止地址",
                        render_kw={"rows": 2})
    documents = PictureList("网络与信息安全管理制度", 1, 5, "provider_document", pdf=True,
                            description=f"1至5个文件，{DOCUMENT_HINT}")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.full_name.data and self.subject is not None:
            self.full_name.data = self.subject.name
        self.fill_region_choices()
        self.service_regions.choices = [(NATIONWIDE, NATIONWIDE)] + [
            (d.name, d.name) for d in divisions.table().provinces()]
        for field in (self.provider_types, self.service_regions, self.documents, self.province, self.city,
                      self.county):
            field.flags.required = True

    def enable_refresh(self, url, target):
        """Choosing a province offers its cities, a city its counties."""
        refresh_on_change(self.province, url, target, ["field-city", "field-county"])
        refresh_on_change(self.city, url, target, ["field-county"])

    @property
    def interactive(self):
        return False

    def validate_full_name(self, field):
        message = rules.check_unit_name(field.data)
        if message:
            raise ValidationError(message)
        # The directory publishes this name to every filer: it is the subject's own.
        if self.subject is not None and field.data != self.subject.name:
            raise ValidationError(f"服务商全称应与开办主体名称“{self.subject.name}”一致")

    def validate_provider_types(self, field):
        if not field.data:
            raise ValidationError("请至少选择一种服务类型")

    def validate_service_regions(self, field):
        if not field.data:
            raise ValidationError("请选择服务的地区")
        if NATIONWIDE in field.data and len(field.data) > 1:
            raise ValidationError(f"已选择“{NATIONWIDE}”时，不用再选省份")

    def validate_ips(self, field):
        message = check_ip_lines(field.data)
        if message:
            raise ValidationError(message)


# 【服务商负责人】: 负责人 and 网络安全负责人.
ProviderPeopleForm = people_form([
    ("owner", "服务商负责人", ""),
    ("security", "网络安全负责人", "负责网络与信息安全管理，承担7×24小时联络责任"),
], base=FilingForm, contact="security")


APP_CATEGORIES = ["游戏", "社交通讯", "影音娱乐", "新闻阅读", "教育学习", "购物比价", "生活服务", "金融理财",
                  "出行导航", "工具效率", "健康医疗", "其他"]


@inline("appstore", "platform_name", "domain", "other_domains", "icp_licence")
class AppstoreBasicForm(Pictures, Interactive, Lookups, FilingForm):
    """【应用市场基本信息】"""

    service_kind = models.Service.APPSTORE

    platform_name = StringField("平台名称", filters=[strip], validators=[required("平台名称"), rule(rules.check_app_name)],
                                description="应用市场对外使用的名称，如 丽水应用商店")
    domain = StringField("平台域名", filters=[strip], validators=[required("平台域名"), rule(rules.check_domain)],
                         description="如 apps.lsly.cn", render_kw={"autocomplete": "off", "inputmode": "url"})
    other_domains = TextAreaField("其他域名", filters=[strip], description="每行一个域名，没有可不填",
                                  render_kw={"rows": 2})
    vars().update(provider_fields("access", "接入商"))
    access_provider = StringField("网络接入服务商", filters=[strip], validators=[required("网络接入服务商")],
                                  description="可用【查询网络接入服务商】查找并选择，查不到时直接填写")
    icp_licence = StringField("服务资质（ICP经营许可证号）", filters=[strip], validators=[
        required("ICP经营许可证号"), rule(rules.check_telecom_licence)], description="如 浙B2-20080224",
        render_kw={"autocomplete": "off"})
    categories = CheckboxList("上架应用类别", choices=choices(APP_CATEGORIES))
    app_count = WholeNumber("上架应用数量", validators=[required("上架应用数量"), NumberRange(
        0, 10_000_000, message="请填写0至10000000之间的整数")], render_kw={"inputmode": "numeric"})
    interactive_items = CheckboxList("交互式服务项目", choices=choices(INTERACTIVE_ITEMS),
                                     description="应用市场有评论、会员注册或在线支付等功能的，都属于交互式服务")
    review_rules = PictureList("应用审核机制", 1, 3, "appstore_review_rules", pdf=True,
                               description=f"上架应用的审核规则和流程，{DOCUMENT_HINT}")
    agreement = PictureList("服务协议", 1, 3, "appstore_agreement", pdf=True,
                            description=f"与开发者和用户的服务协议，{DOCUMENT_HINT}")

    LOOKUPS = {"access": (models.Provider.ACCESS, "access_provider")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_lookups()
        for field in (self.categories, self.review_rules, self.agreement):
            field.flags.required = True

    def enable_refresh(self, url, target):
        refresh_on_change(self.interactive_items, url, target, ["interactive-note"])
        self.lookups_search_as_you_type(url)

    def all_domains(self):
        return [d for d in [self.domain.data, *lines(self.other_domains.data)] if d]

    def normalized_domains(self):
        return list(dict.fromkeys(rules.normalize_domain(d) for d in self.all_domains()))

    def validate_domain(self, field):
        self.check_taken([field.data])

    def validate_other_domains(self, field):
        self.check_domain_lines(field.data)

    def validate_categories(self, field):
        if not field.data:
            raise ValidationError("请至少选择一种上架应用类别")


# 【应用市场负责人】
AppstorePeopleForm = leader_people_form("应用市场")
