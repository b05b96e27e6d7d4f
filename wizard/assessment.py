"""新办安全评估 as a flow: 【开办主体】 → 【评估对象】 → 【安全管理】 → 【技术措施】 → 【评估结论】.

The report goes to the 地市级 bureau of the subject's division (规定第六条: 所在地地市级以上网信部门和
公安机关), the province's where the city has none on the platform."""
import assessments
import models
from forms.assessment import (AssessmentConclusionForm, AssessmentManagementForm, AssessmentMeasuresForm,
                              AssessmentScopeForm)
from forms.filing import lines
from wizard.engine import FLOWS, Flow, Step, rebuild
from wizard.filing import FILING_STATES


@FLOWS.register
class AssessmentFlow(Flow):
    name = "assessment"
    kind = models.Application.NEW_ASSESSMENT
    title = "新办安全评估"
    steps = (
        Step("subject", "开办主体", None, "wizard/_step_subject.html"),
        Step("scope", "评估对象", AssessmentScopeForm, "wizard/_step_report.html"),
        Step("management", "安全管理", AssessmentManagementForm, "wizard/_step_report.html"),
        Step("measures", "技术措施", AssessmentMeasuresForm, "wizard/_step_report.html"),
        Step("conclusion", "评估结论", AssessmentConclusionForm, "wizard/_step_report.html"),
    )

    def context(self, subject, service=None, imported=None):
        return {"subject": subject}

    def filed_context(self, application, imported=None):
        # The report this application filed is 审核中: it does not count against itself.
        return {"subject": application.subject, "filed_by": application}

    def subject_problem(self, subject):
        if subject is None:
            return "您当前还无有效主体，请先申请主体"
        if subject.status not in FILING_STATES:
            return f"当前主体状态为“{subject.status}”，不能办理安全评估业务"
        if not models.Service.select().where(models.Service.subject == subject,
                                             models.Service.kind.in_(assessments.KINDS),
                                             models.Service.status == models.Service.FILED).exists():
            return "当前主体还没有已备案的网站、APP或小程序：安全评估报告针对已备案的服务提交"
        return None

    @staticmethod
    def bureau_of(subject):
        """The 地市级 bureau the report goes to (the subject's own where none is found)."""
        return models.Bureau.assessing(subject.region_code) or subject.bureau

    def filed_data(self, state, context):
        scope = rebuild(AssessmentScopeForm, state.raw("scope"), context)
        management = rebuild(AssessmentManagementForm, state.raw("management"), context)
        measures = rebuild(AssessmentMeasuresForm, state.raw("measures"), context)
        conclusion = rebuild(AssessmentConclusionForm, state.raw("conclusion"), context)
        service = scope.chosen()
        return {
            "service_id": service.id, "service_kind": service.kind, "service_label": service.kind_label,
            "service_name": service.name, "record_number": service.record_number,
            "scope": assessments.scope_of(service.data.get("interactive_items")),
            "feature_name": scope.feature_name.data, "feature_desc": scope.feature_desc.data,
            "feature_link": scope.feature_link.data, "trigger": scope.trigger.data,
            "assessor": scope.assessor_text(),
            "manager_name": management.manager_name.data, "manager_mobile": management.manager_mobile.data,
            "reviewer_count": management.reviewer_count.data, "reviewer_names": lines(management.reviewer_names.data),
            "log_items": measures.log_items.data, "log_months": measures.log_months.data,
            "complaint_channel": measures.complaint_channel.data,
            "measures": {**management.measure_data(), **measures.measure_data()},
            "conclusion": conclusion.conclusion.data,
        }

    def finalize(self, draft, state, context):
        """The report and its application, at the 地市级 bureau; the applicant is told where it went."""
        filed = self.filed_data(state, context)
        bureau = self.bureau_of(draft.subject)
        application = models.BUSINESSES[self.kind].file(
            draft.subject, {"filed": filed, "wizard": state.as_data(), "last_step": self.steps[-1].name},
            bureau=bureau)
        models.Notice.send(draft.owner_id, "安全评估报告已提交",
                           f"{filed['service_label']}“{filed['service_name']}”的安全评估报告（{filed['feature_name']}）"
                           f"已提交至{bureau.name if bureau else '地市级公安机关'}，审核通过后记为“已评估”。")
        return application
