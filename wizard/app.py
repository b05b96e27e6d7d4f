"""新办APP申请 and 新办小程序申请 as flows, and their 变更: 【开办主体】 → 【…基本信息】 → 【…负责人】 → 【提示说明】."""
import models
from forms.app import NOT_INVOLVED, AppBasicForm, AppPeopleForm, MiniappBasicForm, MiniappPeopleForm
from forms.filing import NoticeForm, lines
from wizard.engine import FLOWS, Step, rebuild
from wizard.filing import ChangeFlow, ServiceFlow


@FLOWS.register
class AppFlow(ServiceFlow):
    name = "app"
    kind = models.Application.NEW_APP
    title = "新办APP申请"
    target = models.Service.APP
    name_key = "app_name"
    steps = (
        Step("subject", "开办主体", None, "wizard/_step_subject.html"),
        Step("basic", "APP基本信息", AppBasicForm, "wizard/_step_app.html"),
        Step("people", "APP负责人", AppPeopleForm, "wizard/_step_people.html"),
        Step("notice", "提示说明", NoticeForm, "wizard/_step_notice.html"),
    )

    def filed_data(self, state, context):
        basic = rebuild(AppBasicForm, state.raw("basic"), context)
        people = rebuild(AppPeopleForm, state.raw("people"), context)
        return {
            "app_name": basic.app_name.data, "icon": basic.icon.ids()[0],
            "screenshots": basic.screenshots.ids(), "intro": basic.intro.data,
            "platforms": basic.platform_data(), "sdks": basic.sdk_data(), "channels": basic.channel_data(),
            "domains": basic.normalized_domains(), "ips": lines(basic.ips.data),
            "access_provider": basic.access_provider.data, "user_count": basic.user_count.data,
            "interactive_items": basic.ticked_interactive(), "interactive": basic.interactive,
            "pre_approvals": basic.pre_approvals.data, "pre_approval_details": basic.approval_details(),
            "languages": basic.languages.data, "icp_number": basic.icp_number.data,
            "people": people.people_data(),
        }


@FLOWS.register
class AppChangeFlow(ChangeFlow, AppFlow):
    name = "app-change"
    kind = models.Application.CHANGE_APP
    title = "变更APP"


@FLOWS.register
class MiniappFlow(ServiceFlow):
    name = "miniapp"
    kind = models.Application.NEW_MINIAPP
    title = "新办小程序申请"
    target = models.Service.MINIAPP
    name_key = "miniapp_name"
    steps = (
        Step("subject", "开办主体", None, "wizard/_step_subject.html"),
        Step("basic", "小程序基本信息", MiniappBasicForm, "wizard/_step_miniapp.html"),
        Step("people", "小程序负责人", MiniappPeopleForm, "wizard/_step_people.html"),
        Step("notice", "提示说明", NoticeForm, "wizard/_step_notice.html"),
    )

    def filed_data(self, state, context):
        basic = rebuild(MiniappBasicForm, state.raw("basic"), context)
        people = rebuild(MiniappPeopleForm, state.raw("people"), context)
        return {
            "platform": basic.platform_label(), "platform_key": basic.platform.data, "appid": basic.appid.data,
            "miniapp_name": basic.miniapp_name.data, "content_types": basic.content_types.data,
            "interactive_items": basic.ticked_interactive(), "interactive": basic.interactive,
            "pre_approvals": [item for item in basic.pre_approvals.data if item != NOT_INVOLVED],
            "pre_approval_details": basic.approval_details(), "intro": basic.intro.data,
            "icp_number": basic.icp_number.data, "people": people.people_data(),
        }


@FLOWS.register
class MiniappChangeFlow(ChangeFlow, MiniappFlow):
    name = "miniapp-change"
    kind = models.Application.CHANGE_MINIAPP
    title = "变更小程序"
