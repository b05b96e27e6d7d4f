"""What the flows of every filed service kind share: 新办 files a new service, 变更 edits a filed one."""
import models
from wizard.engine import Flow, rebuild

# A subject in these states may file its first or a further service.
FILING_STATES = models.Subject.LIVE


class ServiceFlow(Flow):
    """新办…: a flow whose business creates a service of target kind.

    A kind's flow declares steps and filed_data(state, context), what goes on record, whose
    name_key holds the service's name.
    """

    target = models.Service.WEBSITE
    name_key = "site_name"
    units_only = False   # only a 单位 subject may file it (服务商, 联网单位)
    record_note = ""     # what a kind with no number is told about its duties after filing

    @property
    def label(self):
        return models.Service.KINDS[self.target]

    @property
    def badge_place(self):
        """Where the 公安备案号 is shown once issued (a flow of a kind with no number says None)."""
        return f"{self.label}的“关于”页面"

    def context(self, subject, service=None, imported=None):
        return {"subject": subject, "service": service, "imported": imported}

    def subject_problem(self, subject):
        """Why this subject cannot file now, or None."""
        if subject is None:
            return "您当前还无有效主体，请先申请主体"
        if subject.status not in FILING_STATES:
            return f"当前主体状态为“{subject.status}”，不能办理{self.label}业务"
        if self.units_only and subject.is_person:
            return f"{self.label}备案只能由单位办理，个人主体不能办理"
        return None

    def filed_data(self, state, context):
        raise NotImplementedError

    def warnings(self, state, context):
        """Advice before 【提交】: the 7×24 contact is the 负责人 again (people steps that have one)."""
        people = next((step for step in self.steps if step.name == "people"), None)
        warning = rebuild(people.form, state.raw("people"), context).same_person_warning() if people else None
        return [warning] if warning else []

    def file(self, draft, state, filed, **payload):
        """The application, through the business of this flow's kind."""
        return models.BUSINESSES[self.kind].file(
            draft.subject, {"filed": filed, "wizard": state.as_data(), "last_step": self.steps[-1].name, **payload},
            service=draft.service, bureau=self.bureau_of(draft))

    def bureau_of(self, draft):
        """The bureau that reviews the filing: the subject's own."""
        return draft.subject.bureau

    def submitted(self, draft, filed, text):
        """The 系统通知 that the filing went to the bureau."""
        bureau = draft.subject.bureau
        models.Notice.send(draft.owner_id, f"{self.title}已提交",
                           f"{self.label}“{filed[self.name_key]}”的{self.title}已提交至"
                           f"{bureau.name if bureau else '属地公安机关'}。" + text)

    def on_record_text(self, filed):
        """What the notice adds about what happens next."""
        if filed.get("interactive"):
            return "属于交互式服务：提交后需到公安机关面审或接受实地检查。"
        return f"非交互式{self.label}审核通过后即可获得公安备案号。"

    def finalize(self, draft, state, context):
        """One service and its 新办 application, under the draft's subject."""
        filed = self.filed_data(state, context)
        application = self.file(draft, state, filed)
        self.submitted(draft, filed, self.on_record_text(filed))
        return application


class ChangeFlow:
    """变更… (mixed in before a kind's flow): the filed data, edited; it stays in force until the
    bureau approves the change."""

    opened_from_list = True

    def draft_problem(self, draft):
        return draft.service.change_problem()

    def finalize(self, draft, state, context):
        """A 变更 application with the data before and after; the service itself is untouched."""
        service = draft.service
        problem = service.change_problem()
        if problem:
            raise models.TransitionError(problem)
        filed = self.filed_data(state, context)
        application = self.file(draft, state, filed, before=service.filing())
        self.submitted(draft, filed, f"审核通过前，{self.label}仍按原备案信息登记。"
                       + (f"变更后为交互式{self.label}，公安机关可能安排面审或实地检查。" if filed.get("interactive") else ""))
        return application
