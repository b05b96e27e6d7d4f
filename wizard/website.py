"""新办网站申请 as a flow: 【开办主体】 → 【网站基本信息】 → 【网站负责人】 → 【提示说明】."""
import json

import models
from forms.website import WebsiteBasicForm, WebsiteNoticeForm, WebsitePeopleForm, interactive_reason
from wizard.engine import Flow, Step, WizardState, rebuild

# A subject in these states may file its first or a further website.
FILING_STATES = models.Subject.LIVE


class WebsiteFlow(Flow):
    name = "website"
    kind = models.Draft.NEW_WEBSITE
    application_kind = models.Application.NEW_WEBSITE
    title = "新办网站申请"
    steps = (
        Step("subject", "开办主体", None, "wizard/_step_subject.html"),
        Step("basic", "网站基本信息", WebsiteBasicForm, "wizard/_step_basic.html"),
        Step("people", "网站负责人", WebsitePeopleForm, "wizard/_step_people.html"),
        Step("notice", "提示说明", WebsiteNoticeForm, "wizard/_step_notice.html"),
    )
    # Opened from a list (a site to change, an imported site), never from the menu.
    opened_from_list = False

    def context(self, draft):
        return {"subject": draft.subject, "website": draft.website, "imported": draft.imported}

    @staticmethod
    def subject_problem(subject):
        """Why this subject cannot file a website now, or None."""
        if subject is None:
            return "您当前还无有效主体，请先申请主体"
        if subject.status not in FILING_STATES:
            return f"当前主体状态为“{subject.status}”，不能办理网站业务"
        return None

    def draft_problem(self, draft):
        """Why this draft cannot be submitted now (beyond its subject and fields), or None."""
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
            "pre_approval_numbers": basic.pre_approval_numbers.data,
            "dangerous_goods": basic.dangerous_goods.data, "dangerous_licence": basic.dangerous_licence.data,
            "languages": basic.languages.data, "icp_number": basic.icp_number.data,
            "people": {name: {k: v for k, v in people[name].data.items() if k != "same_as_subject"}
                       for name in people.BLOCKS},
        }

    def _application(self, draft, state, website, filed, **extra):
        # An imported site goes back to the bureau that imported it.
        bureau = draft.imported.bureau if draft.imported_id else draft.subject.bureau
        try:
            with models.db.atomic():
                return models.Application.create(
                    owner=draft.owner_id, subject=draft.subject, kind=self.application_kind, bureau=bureau,
                    website=website, data=json.dumps({"website": filed, "wizard": state.as_data(),
                                                      "last_step": self.steps[-1].name, **extra},
                                                     ensure_ascii=False))
        except models.IntegrityError:
            raise models.TransitionError("存在审核中的单据") from None

    def _submitted(self, draft, filed, text):
        bureau = draft.subject.bureau
        models.Notice.send(draft.owner_id, f"{self.title}已提交",
                           f"网站“{filed['site_name']}”的{self.title}已提交至"
                           f"{bureau.name if bureau else '属地公安机关'}。" + text)

    def finalize(self, draft, state, context):
        """One website and its 新办网站 application, under the draft's subject."""
        filed = self.filed_data(state, context)
        website = models.Website.create(owner=draft.owner_id, subject=draft.subject, name=filed["site_name"],
                                        domain=filed["domains"][0], interactive=filed["interactive"],
                                        data=json.dumps(filed, ensure_ascii=False))
        extra = {}
        if draft.imported_id:
            # A 未备案网站 (or an offline filing being claimed) is now on its way, exactly once.
            if not models.ImportedSite.update(website=website).where(
                    models.ImportedSite.id == draft.imported_id, models.ImportedSite.website.is_null()).execute():
                raise models.TransitionError("该网站已在办理中，请勿重复提交")
            extra = {"imported": draft.imported_id, "record_number": draft.imported.record_number}
        application = self._application(draft, state, website, filed, **extra)
        self._submitted(draft, filed, interactive_reason(filed["interactive_items"])
                        or "非交互式网站审核通过后即可获得公安备案号。")
        return application


class WebsiteClaimFlow(WebsiteFlow):
    """网站认领: an offline filing completed by its owner; on approval it keeps its number."""

    name = "website-claim"
    kind = models.Draft.CLAIM_WEBSITE
    application_kind = models.Application.CLAIM_WEBSITE
    title = "网站认领"
    opened_from_list = True


class WebsiteChangeFlow(WebsiteFlow):
    """变更网站: the filed data, edited; it stays in force until the bureau approves the change."""

    name = "website-change"
    kind = models.Draft.CHANGE_WEBSITE
    application_kind = models.Application.CHANGE_WEBSITE
    title = "变更网站"
    opened_from_list = True

    def draft_problem(self, draft):
        return draft.website.change_problem()

    def finalize(self, draft, state, context):
        """A 变更网站 application with the data before and after; the site itself is untouched."""
        website = draft.website
        problem = website.change_problem()
        if problem:
            raise models.TransitionError(problem)
        filed = self.filed_data(state, context)
        application = self._application(draft, state, website, filed, before=website.filing())
        self._submitted(draft, filed, "审核通过前，网站仍按原备案信息登记。"
                        + ("变更后为交互式网站，公安机关可能安排面审或实地检查。" if filed["interactive"] else ""))
        return application


FLOWS = {flow.name: flow for flow in (WebsiteFlow(), WebsiteChangeFlow(), WebsiteClaimFlow())}
# Where 【详情】 of a draft of a flow's kind resumes it.
FLOW_BY_KIND = {flow.application_kind: flow for flow in FLOWS.values()}


def _stored(application):
    """(flow, state, context) rebuilt from what an application stored, or None."""
    flow = FLOW_BY_KIND.get(application.kind)
    stored = application.values().get("wizard")
    if flow is None or stored is None:
        return None
    # The filed website itself holds its domains: it must not count as taking them.
    draft = models.Draft(owner=application.owner_id, kind=flow.kind, subject=application.subject_id,
                         website=application.website_id, imported=application.values().get("imported"),
                         data=json.dumps(stored, ensure_ascii=False))
    return flow, WizardState(draft), flow.context(draft)


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


def reopen_step(application):
    """Where a returned filing should open: the first step that breaks a rule now, else the
    first step with fields (the officer's reason says what to change)."""
    stored = _stored(application)
    if stored is None:
        return None
    flow, state, context = stored
    invalid = flow.first_invalid(state, context)
    return (invalid or next(step for step in flow.steps if step.form is not None)).name


def _messages(field):
    if field.type == "FormField":
        return [f"{field.label.text}·{sub.label.text}：{m}" for sub in field.form for m in sub.errors]
    return [f"{field.label.text}：{m}" for m in field.errors]


def changes_of(application):
    """变更网站: (label, before, after) of each field the change alters, for the officer."""
    stored = _stored(application)
    before = application.values().get("before")
    if stored is None or before is None:
        return []
    flow, state, context = stored
    old = {label: value for _, rows in flow.summary(WizardState(models.Draft(data=json.dumps(before))), context)
           for label, value in rows}
    return [(label, old.get(label, "—"), value) for _, rows in flow.summary(state, context)
            for label, value in rows if old.get(label, "—") != value]


def extra_facts(application):
    """注销网站: what the applicant stated and what the closed-site check found; a site from the
    bureau's own list: what the bureau had on record."""
    values = application.values()
    imported = models.ImportedSite.get_or_none(models.ImportedSite.id == values["imported"]) \
        if values.get("imported") else None
    if imported:
        return [("名单类型", imported.kind), ("登记的域名", imported.domain), ("登记的开办主体", imported.subject_name),
                ("原公安备案号", imported.record_number or "—"), ("截止日期", imported.deadline)]
    if application.kind != models.Application.CANCEL_WEBSITE:
        return []
    site = application.website
    return [("网站", f"{site.name}（{site.domain}）"), ("公安备案号", site.record_number),
            ("网站负责人", values.get("leader_name", "")), ("注销原因", values.get("reason", "")),
            ("网站首页检查", f"{values.get('site_check', '')}（{values.get('site_checked_at', '')}）")]
