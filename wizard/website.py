"""新办网站申请 as a flow: 【开办主体】 → 【网站基本信息】 → 【网站负责人】 → 【提示说明】."""
import models
from forms.filing import NoticeForm, interactive_reason
from forms.website import WebsiteBasicForm, WebsitePeopleForm
from wizard.engine import FLOWS, Step, rebuild
from wizard.filing import ChangeFlow, ServiceFlow


@FLOWS.register
class WebsiteFlow(ServiceFlow):
    name = "website"
    kind = models.Application.NEW_WEBSITE
    title = "新办网站申请"
    badge_place = "网站首页底部"
    steps = (
        Step("subject", "开办主体", None, "wizard/_step_subject.html"),
        Step("basic", "网站基本信息", WebsiteBasicForm, "wizard/_step_basic.html"),
        Step("people", "网站负责人", WebsitePeopleForm, "wizard/_step_people.html"),
        Step("notice", "提示说明", NoticeForm, "wizard/_step_notice.html"),
    )

    def filed_data(self, state, context):
        """What a filing puts on record, from the wizard's steps."""
        basic = rebuild(WebsiteBasicForm, state.raw("basic"), context)
        people = rebuild(WebsitePeopleForm, state.raw("people"), context)
        return {
            "site_name": basic.site_name.data, "domains": basic.normalized_domains(),
            "home_url": basic.home_url.data,
            "ips": basic.ip_lines(), "access_provider": basic.access_provider.data,
            "registrar": basic.registrar.data, "service_types": basic.service_types.data,
            "interactive_items": basic.ticked_interactive(), "interactive": basic.interactive,
            "pre_approvals": basic.pre_approvals.data,
            "pre_approval_details": basic.approval_details(),
            "dangerous_goods": basic.dangerous_goods.data, "dangerous_licence": basic.dangerous_licence.data,
            "languages": basic.languages.data, "icp_number": basic.icp_number.data,
            "people": people.people_data(),
        }

    def bureau_of(self, draft):
        # An imported site goes back to the bureau that imported it.
        return draft.imported.bureau if draft.imported_id else draft.subject.bureau

    def on_record_text(self, filed):
        return interactive_reason(filed["interactive_items"]) or "非交互式网站审核通过后即可获得公安备案号。"

    def finalize(self, draft, state, context):
        """One website and its 新办网站 application, under the draft's subject."""
        filed = self.filed_data(state, context)
        payload = {"imported": draft.imported_id, "record_number": draft.imported.record_number} \
            if draft.imported_id else {}
        if draft.imported_id and draft.imported.needs_code:
            # Such a draft is opened only by the code sent to the 负责人手机 on record (routes.take_up).
            payload["control"] = f"负责人手机短信验证（{draft.imported.masked_leader_mobile}）"
        application = self.file(draft, state, filed, **payload)
        # A 未备案网站 (or an offline filing being claimed) is now on its way, exactly once.
        if draft.imported_id and not models.ImportedSite.update(service=application.service).where(
                models.ImportedSite.id == draft.imported_id, models.ImportedSite.service.is_null()).execute():
            raise models.TransitionError("该网站已在办理中，请勿重复提交")
        self.submitted(draft, filed, self.on_record_text(filed))
        return application


@FLOWS.register
class WebsiteClaimFlow(WebsiteFlow):
    """网站认领: an offline filing completed by its owner; on approval it keeps its number."""

    name = "website-claim"
    kind = models.Application.CLAIM_WEBSITE
    title = "网站认领"
    opened_from_list = True


@FLOWS.register
class WebsiteChangeFlow(ChangeFlow, WebsiteFlow):
    """变更网站: the filed data, edited; it stays in force until the bureau approves the change."""

    name = "website-change"
    kind = models.Application.CHANGE_WEBSITE
    title = "变更网站"
