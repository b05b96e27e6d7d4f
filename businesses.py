"""What each business does after 【提交】: one declaration per kind (DESIGN.md pattern 11).

A business files its application (the only place one is created), approves it,
gives it back on 退回 or 撤销, says how many working days the bureau has, whether
通过 is still possible, and what the review and detail pages show beside the form
data. models.Application.decide and withdraw only claim the row and call it.

A new business: a class here registered with @BUSINESSES.register (a filing of a
new service kind subclasses NewFiling/ChangeFiling/CancelFiling and names its
target and number kind), plus a flow in wizard/ when it is filed through steps.
"""
import assessments
import models
import timeutil
from models import (BUSINESSES, Application, Assessment, Domain, Draft, FilingPicture, ImportedSite, IpBlock, Provider,
                    RecordSequence, Service, ServiceKey, Subject, TransitionError)


class Business:
    """The protocol every business implements; the defaults suit a business with no target."""

    kind = ""                 # the 业务类型 as the platform names it (also the application's kind)
    target = "subject"        # what it files: "subject", a Service kind, or Assessment.TARGET
    number_kind = None        # the RecordSequence kind code its 通过 issues, if any
    returns_draft = False     # 撤销/退回 puts what was typed back into 我的草稿
    filing = False            # filed through a wizard flow: data holds "filed" and "wizard"
    facts_title = ""          # heading of facts() on the review and detail pages
    issues_number_hint = ""   # what 通过 does, said beside the officer's button

    def file(self, subject, data, service=None, attachment=None, bureau=None):
        """Create the application, in the caller's transaction; a second open one for the same
        service is refused by the database."""
        try:
            with models.db.atomic():
                return Application.create(owner=subject.owner_id, subject=subject, kind=self.kind,
                                          bureau=bureau or subject.bureau_id, service=service, data=data,
                                          attachment=attachment)
        except models.IntegrityError:
            raise TransitionError("存在审核中的单据") from None

    def approve(self, application):
        """通过: carry the decision to the subject or service (inside the deciding transaction)."""
        raise NotImplementedError

    def give_back(self, application, values):
        """退回 or 撤销: undo what filing started; values is the payload (with the step to reopen)."""

    def check_give_back(self, application):
        """Raise TransitionError when 撤销 or 退回 must not happen now."""

    def still_possible(self, application):
        """Raise TransitionError when what happened since submission forbids 通过."""

    def review_days(self, application):
        """Working days the bureau has: its limit for this 业务类型, else its general one."""
        return application.bureau.days_for(self.kind)

    def facts(self, application):
        """(label, value) rows the review and detail pages show beside the form data."""
        return []

    def applicant_facts(self, application):
        """The rows of facts() the applicant's own detail page shows."""
        return self.facts(application)

    def flags(self, application):
        """What the officer should look at before deciding, beside the rules re-run: while the subject
        is still 待审核, every other subject under its certificate (the first approval wins)."""
        subject = application.subject
        if subject.status != Subject.PENDING:
            return []
        return [f"证件号码与开办主体“{rival.name}”（待审核）相同：先通过者有效，请核实谁是证件持有人"
                if rival.status == Subject.PENDING else
                f"该证件号码已由开办主体“{rival.name}”（{rival.status}）登记，本申请不能通过，请退回"
                for rival in subject.rivals()]

    # What the officer ticks to confirm before 通过, when confirm_needed() says it is needed.
    confirmation = ""

    def confirm_needed(self, application):
        """Whether 通过 waits for the officer's explicit confirmation first."""
        return False

    def confirm(self, application):
        """Record the officer's confirmation (in the deciding transaction; the audit entry of the
        decision keeps it and who gave it)."""

    def about(self, application):
        """The service (or report) the application is about; "" for the subject's own business."""
        return application.service.name if application.service_id else ""

    def target_name(self, application):
        """What the application is about, for lists: that, else the subject's name."""
        return self.about(application) or application.subject.name

    # 退回: (label, items) the officer ticks among besides the reason; None: the 填写规范.
    return_checklist = None
    # The officer may require 面审 or 实地检查 before deciding.
    schedules = True

    def scope_added(self, application):
        """The 安全评估 items (assessments.SCOPE) its 通过 brings to its service: a report is then due."""
        return []

    def document(self, application):
        """(title, endpoint, arguments) of a printable document the application filed, or None."""
        return None

    @staticmethod
    def pictures(filed):
        """Ids of the owner's uploaded pictures a filing names (an APP's icon and screenshots)."""
        return []


def _plain(name):
    """A name as compared: no spaces, brackets full-width (（有限公司） and (有限公司) are one name)."""
    return "".join((name or "").split()).replace("(", "（").replace(")", "）")


# -- 开办主体 ---------------------------------------------------------------------------

@BUSINESSES.register
class NewSubject(Business):
    """新增主体: reviewed together with the subject's first filing."""

    kind = Application.NEW_SUBJECT
    returns_draft = True

    def approve(self, application):
        application.subject.approve()

    def give_back(self, application, values):
        # Never reviewed: it stops counting (its certificate can be filed again)
        # and what was typed comes back as a 新增主体 draft.
        subject = application.subject
        subject.status = Subject.CANCELLED
        subject.save()
        Draft.create(owner=application.owner, kind=Draft.NEW_SUBJECT, data=values.get("form", {}))

    def check_give_back(self, application):
        # A filing still open under it (待审核, 待面审 …) would be left under a cancelled subject.
        if application.subject.applications.where(Application.id != application.id,
                                                  Application.status.in_(Application.OPEN)).exists():
            raise TransitionError("该主体下还有审核中的业务，请先撤销这些业务申请")


@BUSINESSES.register
class ChangeSubject(Business):
    """变更主体: the new data takes effect on 通过; 退回 or 撤销 returns it as a draft."""

    kind = Application.CHANGE_SUBJECT
    returns_draft = True

    def approve(self, application):
        application.subject.finish_change(True, application.data)

    def give_back(self, application, values):
        application.subject.finish_change(False)
        Draft.save_for(application.owner, Draft.CHANGE_SUBJECT, values.get("form", {}), subject=application.subject)


@BUSINESSES.register
class CancelSubject(Business):
    """注销主体: 通过 ends the subject and every service under it."""

    kind = Application.CANCEL_SUBJECT

    def approve(self, application):
        application.subject.finish_cancel(True)

    def give_back(self, application, values):
        application.subject.finish_cancel(False)


# -- Filings of a service: website, APP, 小程序 (应用市场, 服务商 … are declared the same way) -----

class Filing(Business):
    """A business about a filed service of kind target."""

    target = Service.WEBSITE
    # Whether 通过 needs the service already on record (变更, 注销).
    needs_filed_service = False

    @staticmethod
    def columns(filed):
        """The service's columns from what a flow puts on record (websites' shape)."""
        return {"name": filed["site_name"], "domain": filed["domains"][0],
                "interactive": filed.get("interactive", False)}

    @staticmethod
    def keys(filed):
        """What else the service holds besides domains (package names, an AppID)."""
        return []

    def holdings(self, filed):
        """(held table, values) of everything the filing holds."""
        return [(Domain, filed.get("domains", [])), (ServiceKey, self.keys(filed))]

    def still_possible(self, application):
        subject, service = application.subject, application.service
        if subject.status in (Subject.CANCELLING, Subject.CANCELLED):
            raise TransitionError(f"开办主体{subject.status}，不能通过{self.kind}申请，请退回")
        if subject.status == Subject.PENDING and application.bureau_id != subject.bureau_id:
            # Its 通过 would approve the subject too, which only the subject's own bureau may review.
            raise TransitionError("开办主体尚待其属地公安机关审核，主体审核通过后才能通过本申请")
        if self.needs_filed_service and service.status != Service.FILED:
            raise TransitionError(f"{service.kind_label}当前状态为“{service.status}”，不能通过，请退回")
        if self.filing:
            for held, values in self.holdings(application.data["filed"]):
                taken = [v for v in values if Service.blocking(v, subject, self.target, exclude=service, held=held)]
                if taken:
                    shown = "、".join(v[0] if isinstance(v, (list, tuple)) else v for v in taken)
                    raise TransitionError(f"{held.LABEL}{shown}已被其他备案使用，请退回")


class WizardFiling(Filing):
    """A filing made through a wizard flow: 新办, 认领 and 变更."""

    filing = True
    returns_draft = True
    instant = False   # the bureau's 即审即办 applies to it (websites)

    def review_days(self, application):
        """即审即办 (0) for a non-interactive website where the bureau offers it, the bureau's own
        limit for interactive filings, else its limit for this 业务类型 (or its general one)."""
        bureau = application.bureau
        if not application.service_id:
            return super().review_days(application)
        if application.data.get("filed", {}).get("interactive", application.service.interactive):
            return bureau.interactive_review_days
        return 0 if self.instant and bureau.instant_approval else super().review_days(application)

    def _ask(self, service, application, filed):
        """The filing asks for its domains and keys, and names its pictures (the bureau may see them)."""
        for held, values in self.holdings(filed):
            held.ask(service, application, values)
        FilingPicture.name(application, self.pictures(filed))

    def scope_added(self, application):
        """A service of a kind the 安全评估 rules cover: the items in scope the filing adds to what is
        on record (a first filing: all of them; a 变更: those the service did not have)."""
        if self.target not in assessments.KINDS:
            return []
        before = application.service.data.get("interactive_items") if self.needs_filed_service else []
        return assessments.added(before, application.data["filed"].get("interactive_items"))

    def _draft_again(self, application, values, **links):
        Draft.create(owner=application.owner, kind=self.kind, subject=application.subject,
                     data=values.get("wizard", {}), step=values.get("last_step", ""), **links)


class NewFiling(WizardFiling):
    """新办: the service is created pending with the application; 通过 issues its number."""

    issues_number_hint = "通过后即核发公安备案号"
    facts_title = "公安机关登记的信息"
    number_kind = RecordSequence.WEBSITE   # every kind's number has the website format (digits 7–8 "02")

    def file(self, subject, data, service=None, attachment=None, bureau=None):
        filed = data["filed"]
        with models.db.atomic():
            service = Service.create(kind=self.target, owner=subject.owner_id, subject=subject, data=filed,
                                     **self.columns(filed))
            application = super().file(subject, data, service=service, bureau=bureau)
            self._ask(service, application, filed)
        return application

    def approve(self, application):
        service, subject = application.service, application.subject
        service.status = Service.FILED
        # A claimed offline filing keeps the number it was given then; a 服务商 gets none.
        if self.number_kind:
            service.record_number = application.data.get("record_number") or \
                RecordSequence.issue(application.bureau, self.number_kind)
        service.put_in_force(application.data["filed"], self.columns(application.data["filed"]), application)
        added = self.scope_added(application)
        if added:
            service.require_assessment(assessments.LAUNCH, added)
        if subject.status == Subject.PENDING:
            for first in subject.applications.where(Application.kind == Application.NEW_SUBJECT,
                                                    Application.status.in_(Application.OPEN)):
                first._close(Application.APPROVED, reviewer=application.reviewer_id)
            subject.approve()

    def give_back(self, application, values):
        self._draft_again(application, values, imported=values.get("imported"))
        if application.service_id:
            # Never filed: the service returns to the draft and leaves no row (an imported
            # 未备案/认领 site waits for it again).
            service_id, application.service = application.service_id, None
            Application.update(service=None).where(Application.id == application.id).execute()
            ImportedSite.update(service=None).where(ImportedSite.service == service_id).execute()
            for held in models.HELD:
                held.delete().where(held.service == service_id).execute()
            Service.delete().where(Service.id == service_id).execute()

    @staticmethod
    def imported(application):
        """The site from the bureau's own list this filing completes or claims, or None."""
        return ImportedSite.get_or_none(ImportedSite.id == application.data["imported"]) \
            if application.data.get("imported") else None

    def facts(self, application):
        """A site from the bureau's own list: what the bureau had on record, and how a claimant
        proved control of an offline filing."""
        imported = self.imported(application)
        if imported is None:
            return []
        rows = [("名单类型", imported.kind), ("登记的域名", imported.domain), ("登记的开办主体", imported.subject_name),
                ("原公安备案号", imported.record_number or "—"), ("截止日期", imported.deadline)]
        if imported.kind == ImportedSite.OFFLINE:
            rows.append(("控制权证明", application.data.get("control") or "未验证（线下备案未登记负责人手机，须民警核实确认）"))
        return rows

    def applicant_facts(self, application):
        # The bureau's record of an offline filing is not shown to a claimant who has not proven control.
        hidden = () if application.data.get("control") else ("登记的开办主体", "原公安备案号")
        return [row for row in self.facts(application) if row[0] not in hidden]

    def flags(self, application):
        """Besides the subject's: a subject name that differs from the one the bureau listed."""
        found = super().flags(application)
        imported = self.imported(application)
        if imported is not None and _plain(imported.subject_name) != _plain(application.subject.name):
            found.append(f"开办主体名称“{application.subject.name}”与公安机关登记的“{imported.subject_name}”不一致，"
                         "请核实是否为同一主体")
        return found


class ChangeFiling(WizardFiling):
    """变更: the filed data stays in force until 通过; 退回 or 撤销 brings the change back as a draft."""

    needs_filed_service = True

    def file(self, subject, data, service=None, attachment=None, bureau=None):
        with models.db.atomic():
            application = super().file(subject, data, service=service, bureau=bureau)
            self._ask(service, application, data["filed"])
        return application

    def approve(self, application):
        service, filed = application.service, application.data["filed"]
        added = self.scope_added(application)    # against what was in force until now
        service.put_in_force(filed, self.columns(filed), application)
        if added:
            service.require_assessment(assessments.LAUNCH, added)

    def give_back(self, application, values):
        for held in models.HELD:
            held.drop_request(application)
        self._draft_again(application, values, service=application.service)


class CancelFiling(Filing):
    """注销: 通过 marks the service 已注销; its number is never reused."""

    needs_filed_service = True

    def approve(self, application):
        application.service.cancel()

    def facts(self, application):
        """What the applicant stated and, for a website, what the closed-site check found."""
        service, values = application.service, application.data
        rows = [(service.kind_label, service.name),
                *([("公安备案号", service.record_number)] if service.record_number else []),
                (f"{service.kind_label}负责人", values.get("leader_name", "")), ("注销原因", values.get("reason", ""))]
        if "site_check" in values:
            rows.append(("网站首页检查", f"{values['site_check']}（{values.get('site_checked_at', '')}）"))
        return rows


# -- 网站 ---------------------------------------------------------------------------------

class WebsiteKind:
    """A website holds its domains; the bureau's 即审即办 (a non-interactive site's due date is the
    day it was filed) is offered for websites."""

    target = Service.WEBSITE
    instant = True


@BUSINESSES.register
class NewWebsite(WebsiteKind, NewFiling):
    kind = Application.NEW_WEBSITE


@BUSINESSES.register
class ClaimWebsite(NewWebsite):
    """网站认领: an offline filing completed by its owner; it keeps its old number. A certificate
    number is public, so the claimant proves control: by an SMS code to the 负责人手机 the bureau
    listed (data "control", written when filed), else the officer confirms it on 通过."""

    kind = Application.CLAIM_WEBSITE
    issues_number_hint = "通过后保留原公安备案号"
    confirmation = "我已核实认领人对该网站的控制权（如核对营业执照原件、线下备案材料或域名管理权限）"

    def confirm_needed(self, application):
        return not application.data.get("control")

    def confirm(self, application):
        application.data = {**application.data, "control": f"民警核实确认（{timeutil.format_local(timeutil.now())}）"}
        Application.update(data=application.data).where(Application.id == application.id).execute()

    def still_possible(self, application):
        super().still_possible(application)
        if self.confirm_needed(application):
            raise TransitionError("认领人未经负责人手机验证：请核实其对网站的控制权并勾选确认后再通过，或退回")

    def flags(self, application):
        found = super().flags(application)
        if self.confirm_needed(application):
            found.append("线下备案未登记负责人手机，认领人未经短信验证：通过前须核实其对网站的控制权并勾选确认")
        return found


@BUSINESSES.register
class ChangeWebsite(WebsiteKind, ChangeFiling):
    kind = Application.CHANGE_WEBSITE


@BUSINESSES.register
class CancelWebsite(WebsiteKind, CancelFiling):
    kind = Application.CANCEL_WEBSITE
    facts_title = "注销网站"


# -- APP -------------------------------------------------------------------------------------

class AppKind:
    """What an APP filing puts in the service's columns and holds: its domains and package names."""

    target = Service.APP

    @staticmethod
    def columns(filed):
        return {"name": filed["app_name"], "domain": (filed.get("domains") or [""])[0],
                "interactive": filed.get("interactive", False)}

    @staticmethod
    def keys(filed):
        return [platform["package"] for platform in filed.get("platforms", {}).values()]

    @staticmethod
    def pictures(filed):
        return [filed["icon"], *filed.get("screenshots", [])] if filed.get("icon") else filed.get("screenshots", [])


@BUSINESSES.register
class NewApp(AppKind, NewFiling):
    kind = Application.NEW_APP


@BUSINESSES.register
class ChangeApp(AppKind, ChangeFiling):
    kind = Application.CHANGE_APP


@BUSINESSES.register
class CancelApp(AppKind, CancelFiling):
    kind = Application.CANCEL_APP
    facts_title = "注销APP"


# -- 小程序 -----------------------------------------------------------------------------------

class MiniappKind:
    """A 小程序 holds its AppID; it has no domains."""

    target = Service.MINIAPP

    @staticmethod
    def columns(filed):
        return {"name": filed["miniapp_name"], "domain": "", "interactive": filed.get("interactive", False)}

    @staticmethod
    def keys(filed):
        return [filed["appid"]]


@BUSINESSES.register
class NewMiniapp(MiniappKind, NewFiling):
    kind = Application.NEW_MINIAPP


@BUSINESSES.register
class ChangeMiniapp(MiniappKind, ChangeFiling):
    kind = Application.CHANGE_MINIAPP


@BUSINESSES.register
class CancelMiniapp(MiniappKind, CancelFiling):
    kind = Application.CANCEL_MINIAPP
    facts_title = "注销小程序"


# -- 服务商: its filing is the record (no number); 通过 puts it in the provider directory ---------

class ProviderKind:
    """A 服务商 holds nothing; its filing in force is its entries of the provider directory."""

    target = Service.PROVIDER

    @staticmethod
    def columns(filed):
        return {"name": filed["full_name"], "domain": "", "interactive": False}

    @staticmethod
    def pictures(filed):
        return filed.get("documents", [])

    def approve(self, application):
        super().approve(application)
        filed = application.data["filed"]
        Provider.put_on_record(application.service, filed["provider_types"], filed["full_name"],
                               filed["region_code"], filed["licence"])


@BUSINESSES.register
class NewProvider(ProviderKind, NewFiling):
    kind = Application.NEW_PROVIDER
    number_kind = None
    issues_number_hint = "服务商备案不核发公安备案号，通过后列入服务商目录"


@BUSINESSES.register
class ChangeProvider(ProviderKind, ChangeFiling):
    kind = Application.CHANGE_PROVIDER


@BUSINESSES.register
class CancelProvider(CancelFiling):
    """注销服务商: its directory entries are retired; filings that named it keep the name as typed."""

    kind = Application.CANCEL_PROVIDER
    target = Service.PROVIDER
    facts_title = "注销服务商"


# -- 应用市场 ---------------------------------------------------------------------------------

class AppstoreKind:
    """An 应用市场 holds its domains; its review rules and agreement are its documents."""

    target = Service.APPSTORE

    @staticmethod
    def columns(filed):
        return {"name": filed["platform_name"], "domain": filed["domains"][0],
                "interactive": filed.get("interactive", False)}

    @staticmethod
    def pictures(filed):
        return [*filed.get("review_rules", []), *filed.get("agreement", [])]


@BUSINESSES.register
class NewAppstore(AppstoreKind, NewFiling):
    kind = Application.NEW_APPSTORE


@BUSINESSES.register
class ChangeAppstore(AppstoreKind, ChangeFiling):
    kind = Application.CHANGE_APPSTORE


@BUSINESSES.register
class CancelAppstore(AppstoreKind, CancelFiling):
    kind = Application.CANCEL_APPSTORE
    facts_title = "注销应用市场"


# -- 联网单位 (IP登记): no number, the filing is the record; a 有效 subject's is filed at once ----

class UnitKind:
    """A 联网单位 holds its address blocks (overlaps follow the domains' rule) and its 制度 documents."""

    target = Service.UNIT

    @staticmethod
    def columns(filed):
        return {"name": filed["unit_name"], "domain": "", "interactive": False}

    @staticmethod
    def pictures(filed):
        return filed.get("documents", [])

    def holdings(self, filed):
        return [(IpBlock, [(block, *bounds) for block, bounds in zip(filed["ip_blocks"], filed["ip_bounds"])])]


@BUSINESSES.register
class NewUnit(UnitKind, NewFiling):
    kind = Application.NEW_UNIT
    number_kind = None
    issues_number_hint = "IP登记不核发公安备案号，通过即为已备案"


@BUSINESSES.register
class ChangeUnit(UnitKind, ChangeFiling):
    kind = Application.CHANGE_UNIT


@BUSINESSES.register
class CancelUnit(UnitKind, CancelFiling):
    kind = Application.CANCEL_UNIT
    facts_title = "注销联网单位"


# -- 安全评估: a report on a filed website, APP or 小程序, reviewed by the 地市级 bureau ------------

@BUSINESSES.register
class NewAssessment(Business):
    """新办安全评估: the report is filed with the application; 通过 records it as 已评估 on the
    service (meeting the need for one); 退回 or 撤销 removes it and brings it back as a draft."""

    kind = Application.NEW_ASSESSMENT
    target = Assessment.TARGET
    filing = True
    returns_draft = True
    facts_title = "安全评估"
    issues_number_hint = "通过后该服务记为“已评估”"
    return_checklist = ("未落实或说明不足的安全措施", [measure.title for measure in assessments.MEASURES])
    schedules = False   # a report is judged on paper

    def file(self, subject, data, service=None, attachment=None, bureau=None):
        filed = data["filed"]
        covered = Service.get_by_id(filed["service_id"])
        with models.db.atomic():
            application = super().file(subject, data, bureau=bureau)
            try:
                with models.db.atomic():
                    Assessment.create(service=covered, application=application, trigger=filed["trigger"],
                                      feature=filed["feature_name"], data=filed)
            except models.IntegrityError:
                raise TransitionError(f"{covered.kind_label}“{covered.name}”已有审核中的安全评估报告") from None
            FilingPicture.name(application, self.pictures(filed))
        return application

    @staticmethod
    def report(application):
        return Assessment.get_or_none(Assessment.application == application.id)

    def still_possible(self, application):
        report = self.report(application)
        if report is None or report.service.status != Service.FILED:
            raise TransitionError("评估对象已不在备案状态，不能通过，请退回")

    def approve(self, application):
        self.report(application).approve()

    def give_back(self, application, values):
        Assessment.delete().where(Assessment.application == application.id).execute()
        Draft.create(owner=application.owner, kind=self.kind, subject=application.subject,
                     data=values.get("wizard", {}), step=values.get("last_step", ""))

    def document(self, application):
        report = self.report(application)
        return ("安全评估报告", "assessments.report", {"assessment_id": report.id}) if report else None

    def about(self, application):
        filed = application.data.get("filed", {})
        return f"{filed.get('service_name', '')}·{filed.get('feature_name', '')}"

    def facts(self, application):
        filed = application.data["filed"]
        return [("评估对象", f"{filed['service_label']}“{filed['service_name']}”"
                 + (f"（公安备案号 {filed['record_number']}）" if filed.get("record_number") else "")),
                ("评估情形", filed["trigger"]), ("评估方式", filed["assessor"]),
                ("涉及的服务", "、".join(filed.get("scope", [])) or "—")]

    @staticmethod
    def pictures(filed):
        return [upload for measure in filed.get("measures", {}).values() for upload in measure.get("files", [])]
