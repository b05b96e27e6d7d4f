"""新办服务商申请 and 新办应用市场申请 as flows, and their 变更."""
import models
from forms import rules
from forms.filing import NoticeForm, lines
from forms.provider import AppstoreBasicForm, AppstorePeopleForm, ProviderBasicForm, ProviderPeopleForm
from wizard.engine import FLOWS, Step, rebuild
from wizard.filing import ChangeFlow, ServiceFlow


@FLOWS.register
class ProviderFlow(ServiceFlow):
    name = "provider"
    kind = models.Application.NEW_PROVIDER
    title = "新办服务商申请"
    target = models.Service.PROVIDER
    name_key = "full_name"
    badge_place = None   # no number: the filing is the record
    units_only = True    # 互联单位 and 接入单位 are units
    record_note = "备案通过后，请在【我的服务商】的详情页按规定报告所接入的网站、单位和用户。"
    steps = (
        Step("subject", "开办主体", None, "wizard/_step_subject.html"),
        Step("basic", "服务商基本信息", ProviderBasicForm, "wizard/_step_provider.html"),
        Step("people", "服务商负责人", ProviderPeopleForm, "wizard/_step_people.html"),
        Step("notice", "提示说明", NoticeForm, "wizard/_step_notice.html"),
    )

    def filed_data(self, state, context):
        basic = rebuild(ProviderBasicForm, state.raw("basic"), context)
        people = rebuild(ProviderPeopleForm, state.raw("people"), context)
        return {
            "full_name": basic.full_name.data, "provider_types": basic.provider_types.data,
            "region_code": basic.county.data, "licence": rules.normalize_telecom_licence(basic.licence.data),
            "business_scope": basic.business_scope.data, "service_regions": basic.service_regions.data,
            "ips": lines(basic.ips.data), "documents": basic.documents.ids(), "interactive": False,
            "people": people.people_data(),
        }

    def on_record_text(self, filed):
        return "服务商备案不核发公安备案号；审核通过后，贵单位将列入服务商目录，供网站和APP备案时查询选择。"


@FLOWS.register
class ProviderChangeFlow(ChangeFlow, ProviderFlow):
    name = "provider-change"
    kind = models.Application.CHANGE_PROVIDER
    title = "变更服务商"


@FLOWS.register
class AppstoreFlow(ServiceFlow):
    name = "appstore"
    kind = models.Application.NEW_APPSTORE
    title = "新办应用市场申请"
    target = models.Service.APPSTORE
    name_key = "platform_name"
    badge_place = "应用市场网站首页底部"
    steps = (
        Step("subject", "开办主体", None, "wizard/_step_subject.html"),
        Step("basic", "应用市场基本信息", AppstoreBasicForm, "wizard/_step_appstore.html"),
        Step("people", "应用市场负责人", AppstorePeopleForm, "wizard/_step_people.html"),
        Step("notice", "提示说明", NoticeForm, "wizard/_step_notice.html"),
    )

    def filed_data(self, state, context):
        basic = rebuild(AppstoreBasicForm, state.raw("basic"), context)
        people = rebuild(AppstorePeopleForm, state.raw("people"), context)
        return {
            "platform_name": basic.platform_name.data, "domains": basic.normalized_domains(),
            "access_provider": basic.access_provider.data,
            "icp_licence": rules.normalize_telecom_licence(basic.icp_licence.data),
            "categories": basic.categories.data, "app_count": basic.app_count.data,
            "interactive_items": basic.ticked_interactive(), "interactive": basic.interactive,
            "review_rules": basic.review_rules.ids(), "agreement": basic.agreement.ids(),
            "people": people.people_data(),
        }


@FLOWS.register
class AppstoreChangeFlow(ChangeFlow, AppstoreFlow):
    name = "appstore-change"
    kind = models.Application.CHANGE_APPSTORE
    title = "变更应用市场"
