"""新办网站申请 as a flow: 【开办主体】 → 【网站基本信息】 → 【网站负责人】 → 【提示说明】."""
import models
from forms.website import WebsiteBasicForm, WebsiteNoticeForm, WebsitePeopleForm, interactive_reason
from wizard.engine import FLOWS, Flow, Step, rebuild

# A subject in these states may file its first or a further website.
FILING_STATES = models.Subject.LIVE


@FLOWS.register
class WebsiteFlow(Flow):
    name = "website"
    kind = models.Application.NEW_WEBSITE
    title = "新办网站申请"
    steps = (
        Step("subject", "开办主体", None, "wizard/_step_subject.html"),
        Step("basic", "网站基本信息", WebsiteBasicForm, "wizard/_step_basic.html"),
        Step("people", "网站负责人", WebsitePeopleForm, "wizard/_step_people.html"),
        Step("notice", "提示说明", WebsiteNoticeForm, "wizard/_step_notice.html"),
    )
    def context(self, subject, service=None, imported=None):
        return {"subject": subject, "website": service, "imported": imported}

    def subject_problem(self, subject):
        """Why this subject cannot file a website now, or None."""
        if subject is None:
            return "您当前还无有效主体，请先申请主体"
        if subject.status not in FILING_STATES:
            return f"当前主体状态为“{subject.status}”，不能办理网站业务"
        return None

    def warnings(self, state, context):
        people = rebuild(WebsitePeopleForm, state.raw("people"), context)
        return [w for w in (people.same_person_warning(),) if w]

    @staticmethod
    def filed_data(state, context):
        """What a filing puts on record, from the wizard's steps."""
        basic = rebuild(WebsiteBasicForm, state.raw("basic"), context)
        people = rebuild(WebsitePeopleForm, state.raw("people"), context)
        return {
            "site_name": basic.site_name.data, "domains": basic.normalized_domains(),
            "home_url": basic.home_url.data,
            "ips": basic.ip_lines(), "access_provider": basic.access_provider.data,
            "registrar": basic.registrar.data, "service_types": basic.service_types.data,
            "interactive_items": basic.interactive_items.data, "interactive": basic.interactive,
            "pre_approvals": basic.pre_approvals.data,
            "pre_approval_details": basic.approval_details(),
            "dangerous_goods": basic.dangerous_goods.data, "dangerous_licence": basic.dangerous_licence.data,
            "languages": basic.languages.data, "icp_number": basic.icp_number.data,
            "people": {name: {k: v for k, v in people[name].data.items() if k != "same_as_subject"}
                       for name in people.BLOCKS},
        }

    def _file(self, draft, state, filed, **payload):
        """The application, through the business of this flow's kind."""
        # An imported site goes back to the bureau that imported it.
        bureau = draft.imported.bureau if draft.imported_id else draft.subject.bureau
        return models.BUSINESSES[self.kind].file(
            draft.subject, {"filed": filed, "wizard": state.as_data(), "last_step": self.steps[-1].name, **payload},
            service=draft.service, bureau=bureau)

    def _submitted(self, draft, filed, text):
        bureau = draft.subject.bureau
        models.Notice.send(draft.owner_id, f"{self.title}已提交",
                           f"网站“{filed['site_name']}”的{self.title}已提交至"
                           f"{bureau.name if bureau else '属地公安机关'}。" + text)

    def finalize(self, draft, state, context):
        """One website and its 新办网站 application, under the draft's subject."""
        filed = self.filed_data(state, context)
        payload = {"imported": draft.imported_id, "record_number": draft.imported.record_number} \
            if draft.imported_id else {}
        application = self._file(draft, state, filed, **payload)
        # A 未备案网站 (or an offline filing being claimed) is now on its way, exactly once.
        if draft.imported_id and not models.ImportedSite.update(service=application.service).where(
                models.ImportedSite.id == draft.imported_id, models.ImportedSite.service.is_null()).execute():
            raise models.TransitionError("该网站已在办理中，请勿重复提交")
        self._submitted(draft, filed, interactive_reason(filed["interactive_items"])
                        or "非交互式网站审核通过后即可获得公安备案号。")
        return application


@FLOWS.register
class WebsiteClaimFlow(WebsiteFlow):
    """网站认领: an offline filing completed by its owner; on approval it keeps its number."""

    name = "website-claim"
    kind = models.Application.CLAIM_WEBSITE
    title = "网站认领"
    opened_from_list = True


@FLOWS.register
class WebsiteChangeFlow(WebsiteFlow):
    """变更网站: the filed data, edited; it stays in force until the bureau approves the change."""

    name = "website-change"
    kind = models.Application.CHANGE_WEBSITE
    title = "变更网站"
    opened_from_list = True

    def draft_problem(self, draft):
        return draft.service.change_problem()

    def finalize(self, draft, state, context):
        """A 变更网站 application with the data before and after; the site itself is untouched."""
        website = draft.service
        problem = website.change_problem()
        if problem:
            raise models.TransitionError(problem)
        filed = self.filed_data(state, context)
        application = self._file(draft, state, filed, before=website.filing())
        self._submitted(draft, filed, "审核通过前，网站仍按原备案信息登记。"
                        + ("变更后为交互式网站，公安机关可能安排面审或实地检查。" if filed["interactive"] else ""))
        return application

