"""联网单位备案 (IP登记) as a flow, and its 变更: 【开办主体】 → 【联网信息】 → 【安全负责人】 → 【提示说明】.

即审即办 (seed 001: result on the spot, 0 visits): a 有效 subject's IP登记 is filed at once unless
its bureau reviews them first; a subject still 待审核 goes to the officer with it, like any first
business."""
import models
from forms.filing import NoticeForm
from forms.unit import UnitBasicForm, UnitPeopleForm
from wizard.engine import FLOWS, Step, rebuild
from wizard.filing import ChangeFlow, ServiceFlow


@FLOWS.register
class UnitFlow(ServiceFlow):
    name = "unit"
    kind = models.Application.NEW_UNIT
    title = "联网单位备案（IP登记）"
    target = models.Service.UNIT
    name_key = "unit_name"
    badge_place = None   # no number: the filing is the record
    units_only = True    # 法人和其他组织 file IP登记
    steps = (
        Step("subject", "开办主体", None, "wizard/_step_subject.html"),
        Step("basic", "联网信息", UnitBasicForm, "wizard/_step_unit.html"),
        Step("people", "安全负责人", UnitPeopleForm, "wizard/_step_people.html"),
        Step("notice", "提示说明", NoticeForm, "wizard/_step_notice.html"),
    )

    def filed_data(self, state, context):
        basic = rebuild(UnitBasicForm, state.raw("basic"), context)
        people = rebuild(UnitPeopleForm, state.raw("people"), context)
        return {
            "unit_name": basic.unit_name.data, "connection": basic.connection.data,
            "access_provider": basic.access_provider.data, "ip_blocks": basic.blocks(), "ip_bounds": basic.bounds(),
            "bandwidth_mbps": basic.bandwidth_mbps.data, "terminals": basic.terminals.data,
            "measures": basic.measures.data, "measures_other": basic.measures_other.data,
            "log_days": basic.log_days.data, "documents": basic.documents.ids(),
            "websites": [int(v) for v in basic.websites.data or []], "interactive": False,
            "people": people.people_data(),
        }

    def on_record_text(self, filed):
        return "IP登记不核发公安备案号。"

    def finalize(self, draft, state, context):
        """File it, and for a 有效 subject at a bureau that offers it, put it on record at once."""
        application = super().finalize(draft, state, context)
        subject = models.Subject.get_by_id(draft.subject_id)   # as it stands now, with its bureau's setting
        if subject.status == models.Subject.VALID and subject.bureau.ip_instant:
            application.decide(True)
            models.Notice.send(draft.owner_id, f"{self.title}已完成",
                               f"联网单位“{application.service.name}”的IP登记已即时备案，可在【我的联网单位】中打印备案表。")
        return application


@FLOWS.register
class UnitChangeFlow(ChangeFlow, UnitFlow):
    name = "unit-change"
    kind = models.Application.CHANGE_UNIT
    title = "变更联网单位"
