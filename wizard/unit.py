"""联网单位备案 (IP登记) as a flow, and its 变更: 【开办主体】 → 【联网信息】 → 【安全负责人】 → 【提示说明】.

即审即办 (seed 001: result on the spot, 0 visits): a 有效 subject's IP登记 is filed at once unless
its bureau reviews them first, a block is unusually large or another filing asks for it; a subject
still 待审核 goes to the officer with it, like any first business. A 变更 always goes to the officer."""
import models
from forms import rules
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
    record_note = "为他人提供联网服务的接入单位，还应以【服务商】备案，并在其详情页报告所接入的单位和用户。"
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

    @staticmethod
    def at_once(subject, application):
        """Whether the platform puts it on record without an officer: a 有效 subject at a bureau
        that offers it, blocks of a usual size, and no other filing asking for them."""
        filed = application.data["filed"]
        return (subject.status == models.Subject.VALID and subject.bureau.ip_instant
                and all(rules.is_small_block(block) for block in filed["ip_blocks"])
                and not models.IpBlock.conflicts(application))

    def finalize(self, draft, state, context):
        """File it, and put it on record at once when at_once says so (else the officer decides)."""
        application = super().finalize(draft, state, context)
        subject = models.Subject.get_by_id(draft.subject_id)   # as it stands now, with its bureau's setting
        if self.at_once(subject, application):
            application.decide(True)
            models.Notice.send(draft.owner_id, f"{self.title}已完成",
                               f"联网单位“{application.service.name}”的IP登记已即时备案，可在【我的联网单位】中打印备案表。")
        return application


@FLOWS.register
class UnitChangeFlow(ChangeFlow, UnitFlow):
    name = "unit-change"
    kind = models.Application.CHANGE_UNIT
    title = "变更联网单位"
