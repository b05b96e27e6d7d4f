"""新办网站申请 as a flow: 【开办主体】 → 【网站基本信息】 → 【网站负责人】 → 【提示说明】."""
import json

import models
from forms.website import WebsiteBasicForm, WebsiteNoticeForm, WebsitePeopleForm, interactive_reason
from wizard.engine import Flow, Step, WizardState, rebuild

# A subject in these states may file its first or a further website.
FILING_STATES = (models.Subject.PENDING, models.Subject.VALID, models.Subject.CHANGING)


class WebsiteFlow(Flow):
    name = "website"
    kind = models.Draft.NEW_WEBSITE
    title = "新办网站申请"
    steps = (
        Step("subject", "开办主体", None, "wizard/_step_subject.html"),
        Step("basic", "网站基本信息", WebsiteBasicForm, "wizard/_step_basic.html"),
        Step("people", "网站负责人", WebsitePeopleForm, "wizard/_step_people.html"),
        Step("notice", "提示说明", WebsiteNoticeForm, "wizard/_step_notice.html"),
    )

    def context(self, draft):
        return {"subject": draft.subject}

    @staticmethod
    def subject_problem(subject):
        """Why this subject cannot file a website now, or None."""
        if subject is None:
            return "您当前还无有效主体，请先申请主体"
        if subject.status not in FILING_STATES:
            return f"当前主体状态为“{subject.status}”，不能办理新办网站申请"
        return None

    def warnings(self, state, context):
        people = rebuild(WebsitePeopleForm, state.raw("people"), context)
        return [w for w in (people.same_person_warning(),) if w]

    def finalize(self, draft, state, context):
        """One website and its 新办网站 application, under the draft's subject."""
        subject = context["subject"]
        basic = rebuild(WebsiteBasicForm, state.raw("basic"), context)
        people = rebuild(WebsitePeopleForm, state.raw("people"), context)
        domains = basic.normalized_domains()
        filed = {
            "site_name": basic.site_name.data, "domains": domains, "home_url": basic.home_url.data,
            "ips": basic.ip_lines(), "access_provider": basic.access_provider.data,
            "registrar": basic.registrar.data, "service_types": basic.service_types.data,
            "interactive_items": basic.interactive_items.data, "pre_approvals": basic.pre_approvals.data,
            "pre_approval_numbers": basic.pre_approval_numbers.data,
            "dangerous_goods": basic.dangerous_goods.data, "dangerous_licence": basic.dangerous_licence.data,
            "languages": basic.languages.data, "icp_number": basic.icp_number.data,
            "people": {name: {k: v for k, v in people[name].data.items() if k != "same_as_subject"}
                       for name in people.BLOCKS},
        }
        website = models.Website.create(owner=draft.owner_id, subject=subject, name=filed["site_name"],
                                        domain=domains[0], interactive=basic.interactive,
                                        data=json.dumps(filed, ensure_ascii=False))
        application = models.Application.create(
            owner=draft.owner_id, subject=subject, kind=models.Application.NEW_WEBSITE, bureau=subject.bureau,
            website=website, data=json.dumps({"website": filed, "wizard": state.as_data(),
                                              "last_step": self.steps[-1].name}, ensure_ascii=False))
        reason = interactive_reason(basic.interactive_items.data)
        models.Notice.send(draft.owner_id, "新办网站申请已提交",
                           f"网站“{filed['site_name']}”的新办网站申请已提交至"
                           f"{subject.bureau.name if subject.bureau else '属地公安机关'}。"
                           + (reason or "非交互式网站审核通过后即可获得公安备案号。"))
        return application


FLOWS = {flow.name: flow for flow in (WebsiteFlow(),)}
# Where 【详情】 of a draft of a flow's kind resumes it.
FLOW_BY_KIND = {flow.kind: flow for flow in FLOWS.values()}


def _stored(application):
    """(flow, state, context) rebuilt from what an application stored, or None."""
    flow = FLOW_BY_KIND.get(application.kind)
    stored = application.values().get("wizard")
    if flow is None or stored is None:
        return None
    draft = models.Draft(owner=application.owner_id, kind=flow.kind, subject=application.subject_id,
                         data=json.dumps(stored, ensure_ascii=False))
    # The filed website itself holds its domains: it must not count as taking them.
    return flow, WizardState(draft), {**flow.context(draft), "website": application.website}


def summary_of(application):
    """The sections an application's detail page shows, rebuilt from its stored wizard data."""
    stored = _stored(application)
    return stored[0].summary(stored[1], stored[2]) if stored else []


def recheck(application):
    """Rules broken now by what an application filed (flagged on the review page)."""
    stored = _stored(application)
    if stored is None:
        return []
    flow, state, context = stored
    problems = []
    for step in flow.active_steps(state.as_data()):
        if step.form is None:
            continue
        form = rebuild(step.form, state.raw(step.name), context)
        form.validate()
        problems += [f"【{step.title}】{message}" for field in form for message in _messages(field)]
    return problems


def _messages(field):
    if field.type == "FormField":
        return [f"{field.label.text}·{sub.label.text}：{m}" for sub in field.form for m in sub.errors]
    return [f"{field.label.text}：{m}" for m in field.errors]
