"""What the step forms of every filed service share (网站, APP, 小程序, 应用市场, 服务商): the filing's
context, the provider lookup, 交互式, 前置审批 with a 文号 per item, held domains, uploaded pictures
and documents, 提示说明 and 注销."""
import json

from flask import current_app, url_for
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

import divisions
import models
from forms import rules
from forms.base import Form, required, rule, strip
from forms.people import LEADER_AS_PERSON, people_form
from forms.subject import CodeField


def lines(text):
    """Non-empty lines of a text area, trimmed."""
    return [line.strip() for line in (text or "").replace("；", "\n").replace(";", "\n").splitlines()
            if line.strip()]


def choices(items):
    return [(item, item) for item in items]


def interactive_reason(items):
    """Why a service counts as 交互式, or None when it does not."""
    if not items:
        return None
    return f"您选择了“{'、'.join(items)}”，属于交互式服务：提交后需到公安机关面审或接受实地检查。"


class FilingForm(Form):
    """A step form of a filing: knows the filing subject and, once filed, the service itself."""

    needs_subject = True

    def __init__(self, *args, subject=None, service=None, imported=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.service = service
        self.imported = imported  # the 未备案/认领 site being filed, whose domain is its own

    @staticmethod
    def ticked_check(ticked, check, *context):
        """A validator that runs a rule only for a ticked item (an unticked item's fields are ignored)."""
        def validator(_form, field):
            message = check(field.data, *context) if ticked else None
            if message:
                raise StopValidation(message)
        return validator

    # -- domains: who may hold one --

    def check_taken(self, domains):
        """Refuse a domain this subject already files for a service of this kind, or another
        subject holds in force (another subject's pending filing blocks nobody)."""
        try:
            wanted = [rules.normalize_domain(d) for d in domains]
        except ValueError:
            return
        for domain, normal in zip(domains, wanted):
            holder = models.Service.blocking(normal, self.subject, self.service_kind, exclude=self.service)
            if holder is not None:
                raise ValidationError(self.pointer(rules.domain_filed_message(domain), holder))

    def check_domain_lines(self, text):
        """A text area of domains, one a line: each readable, and none another filing holds."""
        for domain in lines(text):
            message = rules.check_domain(domain)
            if message:
                raise ValidationError(f"{rules.shorten(domain)}：{message}")
        self.check_taken(lines(text))

    def check_key_taken(self, value, what):
        """The same rule for a package name or an AppID."""
        holder = models.Service.blocking(value, self.subject, self.service_kind, exclude=self.service,
                                         held=models.ServiceKey)
        if holder is not None:
            raise ValidationError(self.pointer(f"此{what}（{value}）已备案", holder))

    def pointer(self, message, holder):
        """Say where the existing record is: the user's own 我的…; of anyone else's, only that the
        value is taken (only a filing in force blocks another subject: Service.blocking)."""
        if self.subject is not None and holder.subject_id == self.subject.id:
            return message + f"（见【我的{holder.kind_label}】“{holder.name}”，状态：{holder.status}）"
        message = message.replace("您已经申请过", f"已有{holder.kind_label}申请过")
        return message + "（已备案，不可使用；如有异议请联系属地公安机关）"


class Interactive:
    """A step that says whether the service is 交互式 (then 面审 or 实地检查 follows): from its
    交互式服务项目 field, or from whatever ticked_interactive() finds (a 小程序's 服务内容类型)."""

    def ticked_interactive(self):
        return self.interactive_items.data or []

    @property
    def interactive(self):
        return bool(self.ticked_interactive())

    def interactive_note(self):
        return interactive_reason(self.ticked_interactive())


def leader_people_form(label):
    """The people step of a service with a 负责人, a 安全负责人 and a 7×24 应急联络人 (网站, APP,
    应用市场), each block labelled with what the service is called."""
    return people_form([
        ("owner", f"{label}负责人", ""),
        ("security", f"{label}安全负责人", ""),
        ("emergency", f"{label}应急联络人", f"需承担7×24小时联络责任，建议不与{label}负责人为同一人"),
    ], base=FilingForm, contact="emergency")


def approval_fields():
    """A 审批文号 and a 审批机关 field for each 前置审批 item (checked only when the item is ticked)."""
    fields = {}
    for approval in rules.PRE_APPROVALS:
        fields[f"approval_{approval.key}_number"] = StringField(
            f"{approval.item}·审批文号", filters=[strip], render_kw={"autocomplete": "off"},
            description=f"{approval.licence}上的编号，如 {approval.example}")
        fields[f"approval_{approval.key}_authority"] = StringField(
            f"{approval.item}·审批机关", filters=[strip], description=f"如 {approval.authority}")
    return fields


class Approvals:
    """前置审批: a form with a pre_approvals list and approval_fields() asks, for each ticked item,
    its 文号 and 审批机关."""

    def setup_approvals(self):
        for approval in rules.PRE_APPROVALS:
            number, authority = self.approval_fields(approval)
            ticked = approval.item in (self.pre_approvals.data or [])
            number.validators = [self.ticked_check(ticked, rules.check_approval_number, approval.item)]
            authority.validators = [self.ticked_check(ticked, rules.check_approval_authority)]
            number.summary_skip = authority.summary_skip = not ticked
            number.flags.required = authority.flags.required = True

    def approval_fields(self, approval):
        """(文号 field, 审批机关 field) of a 前置审批 item."""
        return self[f"approval_{approval.key}_number"], self[f"approval_{approval.key}_authority"]

    def ticked_approvals(self):
        """(item, 文号 field, 审批机关 field) of each ticked 前置审批 item, for the step and the filing."""
        ticked = self.pre_approvals.data or []
        return [(a.item, *self.approval_fields(a)) for a in rules.PRE_APPROVALS if a.item in ticked]

    def approval_details(self):
        """{item: {"number", "authority"}} of the ticked items, as the filing keeps them."""
        return {item: {"number": number.data, "authority": authority.data}
                for item, number, authority in self.ticked_approvals()}


def provider_fields(which, short):
    """The region and name fields of a 【查询…】 lookup (see Lookups); short: 接入商, 注册商."""
    return {f"{which}_region": SelectField(f"{short}所属地区", validate_choice=False),
            f"{which}_query": StringField(f"{short}名称", filters=[strip])}


class Found(list):
    """What a 【查询…】 answers: the list of providers offered and, when it could not search,
    why (problem). A list, so callers that only want the providers just iterate it."""

    def __init__(self, providers=(), problem=None):
        super().__init__(providers)
        self.problem = problem


class Lookups:
    """【查询网络接入服务商】 …: LOOKUPS = {which: (Provider kind, target field)}."""

    LOOKUPS = {}
    # Search-as-you-type waits for this many characters (one Chinese character matches too much);
    # an empty name lists the region's providers.
    MIN_QUERY = 2

    def setup_lookups(self):
        provinces = [("", "请选择")] + [(d.code, d.name) for d in divisions.table().provinces()]
        for which in self.LOOKUPS:
            self[f"{which}_region"].choices = provinces
            self[f"{which}_region"].summary_skip = self[f"{which}_query"].summary_skip = True

    def lookups_search_as_you_type(self, url):
        # Typing searches after a pause: static/site.js says "typed" when the text is worth a search
        # (never while an input method is composing, as 拼音 letters are not the name, nor on a single
        # character; htmx's own filters would need eval, which the CSP forbids); change (leaving the
        # field) searches whatever is there.
        for which in self.LOOKUPS:
            search = {"hx-post": url, "hx-vals": json.dumps({"action": f"lookup_{which}"}),
                      "hx-swap": "none", "hx-select-oob": f"#found-{which}", "hx-sync": "this:replace"}
            self[f"{which}_query"].render_kw = {**search, "hx-trigger": "change, typed changed delay:600ms",
                                                "data-search-min": self.MIN_QUERY, "autocomplete": "off"}
            self[f"{which}_region"].render_kw = {**search, "hx-trigger": "change"}

    def lookup(self, which):
        """Found providers of a kind matching the typed name in the chosen region (required)."""
        kind, _target = self.LOOKUPS[which]
        region, query = self[f"{which}_region"], self[f"{which}_query"]
        if not region.data or divisions.table().get(region.data) is None:
            return Found([], "请先选择所属地区")
        problem = rules.check_control_chars(query.data)
        if problem:
            return Found([], problem)
        if query.data and len(query.data) < self.MIN_QUERY:
            return Found([], f"请至少输入{self.MIN_QUERY}个字的名称，或清空名称列出该地区的全部服务商")
        return Found(models.Provider.offered(kind, region.data, query.data or ""))

    def pick(self, which, provider_id):
        """【选择】: fill the provider field from a provider the lookup offers (not a retired one)."""
        kind, target = self.LOOKUPS[which]
        provider = models.Provider.get_or_none(models.Provider.id == provider_id, models.Provider.kind == kind,
                                               models.Provider.retired == False)  # noqa: E712
        if provider:
            self[target].data = provider.name
        return provider


def check_lines(typed, check, most, too_many):
    """A text area of one value a line: more than most lines is refused with too_many, else the
    first line check refuses, named in the message."""
    if len(typed) > most:
        raise ValidationError(too_many)
    for line in typed:
        message = check(line)
        if message:
            raise ValidationError(f"{rules.shorten(line)}：{message}")


def check_ip_lines(text):
    """The first broken line of an IP text area, or None."""
    for line in lines(text):
        message = rules.check_ip_line(line)
        if message:
            return message
    return None


# -- Pictures inside a step (an APP's icon and screenshots) ------------------------------------

class PictureWidget:
    """The files kept (each a ticked box with its thumbnail, or a PDF's link: untick to remove)
    and a file input for more; the file input carries the field's id, so the label points at it."""

    def __call__(self, field, **kwargs):
        ids = [i for i in map(models.parse_id, field.data or []) if i is not None]
        pdfs = {u.id for u in models.Upload.select(models.Upload.id).where(
            models.Upload.id.in_(ids), models.Upload.content_type == "application/pdf")} if field.pdf else set()
        kept = []
        for number, upload_id in enumerate(ids, 1):
            url = url_for("workspace.upload", upload_id=upload_id)
            shown = Markup('<a href="{}">PDF文件{}</a>').format(url, number) if upload_id in pdfs else Markup(
                '<img src="{}" alt="{}{}" width="64" height="64">').format(url, field.label.text, number)
            kept.append(Markup('<li><label class="check"><input type="checkbox" name="{}" value="{}" checked> '
                               '{} 保留</label></li>').format(field.name, upload_id, shown))
        attributes = {k: v for k, v in kwargs.items() if v is not False and not k.startswith("hx-")}
        accept = "image/jpeg,image/png" + (",application/pdf" if field.pdf else "")
        attributes.update(id=field.id, name=f"{field.name}_file", type="file", accept=accept)
        if field.most > 1:
            attributes["multiple"] = True
        html = " ".join(escape(k.replace("_", "-")) if v is True else Markup('{}="{}"').format(k.replace("_", "-"), v)
                        for k, v in attributes.items())
        listing = Markup('<ul class="pictures">{}</ul>').format(Markup("").join(kept)) if kept else ""
        return Markup("{}<input {}> <button type=\"submit\" name=\"action\" value=\"upload\" formnovalidate>"
                      "上传</button>").format(listing, Markup(html))


class PictureList(SelectMultipleField):
    """Uploaded pictures of a filing, kept as the owner's Upload ids: least…most of them, each a
    verified JPEG/PNG (or, with pdf, a checked PDF) of at most max_kb (None: the platform's
    UPLOAD_MAX_KB) when it arrived."""

    widget = PictureWidget()

    def __init__(self, label, least, most, purpose, max_kb=None, pdf=False, **kwargs):
        super().__init__(label, validate_choice=False, **kwargs)
        self.least, self.most, self.purpose, self.max_kb, self.pdf = least, most, purpose, max_kb, pdf

    def ids(self):
        """The kept uploads' ids, as a filing records them."""
        return [int(v) for v in self.data or []]

    @property
    def unit(self):
        return "个" if self.pdf else "张"

    def summary_text(self):
        """How many, and which (so a 变更 that replaces one shows in the before/after table)."""
        if not self.data:
            return "—"
        return f"{len(self.data)}{'个文件' if self.pdf else '张图片'}（编号{'、'.join(str(i) for i in self.ids())}）"

    def limit_kb(self):
        return self.max_kb or current_app.config["UPLOAD_MAX_KB"]

    def pre_validate(self, form):
        count = len(self.data or [])
        owner = form.subject.owner_id if form.subject is not None else None
        ids = [i for i in map(models.parse_id, self.data or []) if i is not None]
        mine = models.Upload.select().where(models.Upload.id.in_(ids), models.Upload.owner == owner,
                                            models.Upload.purpose == self.purpose)
        unit, what = self.unit, "文件" if self.pdf else "图片"
        if count != mine.count():
            raise StopValidation(f"{what}已失效，请重新上传")
        if count < self.least:
            raise StopValidation(f"请上传{self.label.text}" + (f"（{self.least}至{self.most}{unit}，当前{count}{unit}）"
                                                             if self.most > 1 else ""))
        if count > self.most:
            raise StopValidation(f"{self.label.text}最多{self.most}{unit}（当前{count}{unit}），请取消勾选多余的{what}")


class Pictures:
    """A step form with PictureList fields takes the files posted beside them (take_uploads)."""

    upload_problems = None

    def picture_fields(self):
        return [field for field in self if isinstance(field, PictureList)]

    def take_uploads(self, files, owner):
        """Check, re-encode and store each posted picture, adding it to its field; a refused file
        leaves a message for that field. Return {field name: [ids]} for the draft."""
        self.upload_problems, kept = {}, {}
        for field in self.picture_fields():
            for storage in files.getlist(f"{field.name}_file"):
                if not getattr(storage, "filename", ""):
                    continue
                if len(field.data or []) >= field.most:
                    # Never store more than the field can keep, however many were posted.
                    self.upload_problems[field.name] = f"{field.label.text}最多{field.most}{field.unit}，多出的文件未上传"
                    break
                data = storage.read(field.limit_kb() * 1024 + 1)
                pdf = field.pdf and rules.is_pdf(data)
                try:
                    # A picture is decoded once and re-encoded (no EXIF, no hidden payload); a PDF is
                    # checked, then rebuilt from its pages.
                    if pdf:
                        problem = rules.check_pdf(data, field.limit_kb())
                        if problem:
                            raise ValueError(problem)
                        stored = rules.clean_pdf(data), "pdf"
                    else:
                        stored = rules.reencode_image(data, field.limit_kb())
                except ValueError as problem:
                    self.upload_problems[field.name] = f"{storage.filename[:40]}：{problem}"
                    continue
                upload = models.Upload.store(owner, field.purpose, *stored)
                field.data = [*(field.data or []), str(upload.id)]
            kept[field.name] = list(field.data or [])
        # Said at once (an 【上传】 alone validates nothing), and again by validate().
        for name, problem in self.upload_problems.items():
            self[name].errors = [problem]
        return kept

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for name, problem in (self.upload_problems or {}).items():
            self[name].errors = [*self[name].errors, problem]
            valid = False
        return valid


# -- 提示说明 and 注销 ---------------------------------------------------------------------------

class NoticeForm(FilingForm):
    """【提示说明】: the applicant confirms the security protection notice."""

    agree = BooleanField("我已阅读信息网络安全保护方案")

    def validate_agree(self, field):
        if not field.data:
            raise ValidationError("请先阅读并勾选“我已阅读信息网络安全保护方案”")


class CancelServiceForm(Form):
    """注销: the service has stopped; its 负责人 confirms with an SMS code; why; an optional picture."""

    closed = BooleanField("我确认已停止服务", validators=[InputRequired("请确认已停止服务")])
    leader_name = StringField("负责人姓名", filters=[strip], validators=[required("负责人姓名")])
    leader_mobile = StringField("负责人手机号码", filters=[strip], validators=[
        required("负责人手机号码"), rule(rules.check_mobile)], render_kw={"inputmode": "tel"},
        description="验证码将发送至备案登记的负责人手机")
    code = CodeField()
    reason = TextAreaField("注销原因", filters=[strip], validators=[
        required("注销原因"), Length(max=300, message="注销原因不超过300字")], render_kw={"rows": 3})
    attachment = FileField("附件", description="选填：如停止服务的说明或截图，JPG或PNG格式")

    field_order = ("closed", "leader_name", "leader_mobile", "code", "reason", "attachment")
    def __init__(self, *args, service, label="网站", stopped=("我确认已停止服务", "请确认已停止服务"), **kwargs):
        """label: what the service is (网站, APP …); stopped: (the confirmation, its refusal) in the
        platform's words for that kind."""
        super().__init__(*args, **kwargs)
        self.service = service
        self.leader = service.data.get("people", {}).get("owner", {})
        self.closed.label.text, refused = stopped
        self.closed.validators = [InputRequired(refused)]
        for name, words in (("leader_name", "姓名"), ("leader_mobile", "手机号码")):
            self[name].label.text = f"{label}负责人{words}"
            self[name].validators = [required(f"{label}负责人{words}"), *self[name].validators[1:]]
        self.leader_mobile.description = f"验证码将发送至备案登记的{label}负责人手机"
        self.kind_label = label

    def picture(self, max_kb):
        """The optional picture, checked and re-encoded (stored only once the cancel is filed):
        None when there is none, False with an error next to the field when it is refused."""
        storage = self.attachment.data
        if not storage or not getattr(storage, "filename", ""):
            return None
        try:
            return rules.reencode_image(storage.read(max_kb * 1024 + 1), max_kb)
        except ValueError as problem:
            self.attachment.errors = [str(problem)]
            return False

    def _filed(self, field):
        """What the filing holds for a leader_* field, in the 负责人 block."""
        return self.leader.get(LEADER_AS_PERSON[field.name], "")

    def validate_leader_name(self, field):
        if rules.normalize_person_name(field.data) != self._filed(field):
            raise ValidationError(f"与备案登记的{self.kind_label}负责人姓名不一致")

    def validate_leader_mobile(self, field):
        if rules.normalize_mobile(field.data) != rules.normalize_mobile(self._filed(field)):
            raise ValidationError(f"与备案登记的{self.kind_label}负责人手机号码不一致")
