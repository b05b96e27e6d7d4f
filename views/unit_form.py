"""中华人民共和国计算机信息网络国际联网单位备案表: the printable record of a filed 联网单位 (IP登记)."""
from dataclasses import dataclass

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

import models
import timeutil
from forms import rules

bp = Blueprint("unit_form", __name__)

# The kind the 联网单位备案 flow files under (models.Service.KINDS gains it with that flow).
UNIT_KIND = models.Service.UNIT
# The choices the paper form prints with a box each, in its order.
CONNECTIONS = ("专线", "光纤", "ADSL/宽带", "无线", "其他")
MEASURES = ("防病毒", "防火墙/入侵检测", "日志留存", "上网行为审计", "其他")
PEOPLE = (("owner", "网络安全负责人"), ("admin", "网络管理员"))
# The boxes left blank for ink: the unit's (stamp, signature, date), then the bureau's.
SIGNATURE_BOXES = ("单位盖章", "负责人签字", "日期", "受理民警", "受理日期")
TICKED, UNTICKED = "☑", "☐"


@dataclass(frozen=True)
class Cell:
    """One label and its value on the form; span is how many value columns the value takes."""

    label: str
    lines: tuple
    span: int = 1


def _one(label, value, span=1):
    return Cell(label, (str(value) if value not in (None, "") else "—",), span)


def _boxes(choices, chosen):
    """The paper form's check boxes: every choice, ticked if chosen."""
    return [f"{TICKED if choice in chosen else UNTICKED} {choice}" for choice in choices]


def _person_rows(title, person):
    person = person or {}
    number = person.get("id_number") or ""
    # The form is printed and handed over: the full number never leaves the platform on it.
    masked = rules.mask_id_number(number) if number else "—"
    id_line = f"{person.get('id_type') or '居民身份证'} {masked}"
    return [(_one(title, person.get("name")), Cell("证件号码", (id_line,))),
            (_one("手机号码", person.get("mobile")), _one("办公电话", person.get("office_phone")))]


def _websites(service, ids):
    """The subject's own filed websites the unit names (name and 公安备案号), or 无."""
    wanted = [i for i in map(models.parse_id, ids or []) if i is not None]
    if not wanted:
        return ["无"]
    found = {site.id: site for site in models.Service.select().where(
        models.Service.id.in_(wanted), models.Service.subject == service.subject_id,
        models.Service.kind == models.Service.WEBSITE)}
    lines = [f"{found[i].name}（{found[i].record_number or '暂无公安备案号'}）" for i in wanted if i in found]
    return lines or ["无"]


def _chinese_date(value):
    """A stored UTC time as the China date a paper form writes: 2026年3月2日."""
    local = timeutil.to_local(value)
    return f"{local.year}年{local.month}月{local.day}日" if local else None


def record_form_rows(service):
    """The 备案表's rows, in the paper form's order: each a tuple of Cells (label, value lines, span)."""
    data, subject = service.data, service.subject
    measures = data.get("measures") or []
    measure_lines = _boxes(MEASURES, measures)
    if "其他" in measures and data.get("measures_other"):
        measure_lines[-1] += f"：{data['measures_other']}"
    bureau = service.approving_bureau()
    rows = [
        (_one("单位名称", data.get("unit_name") or subject.name, 3),),
        (_one("单位性质", subject.unit_kind), Cell("证件号码", (f"{subject.cert_type} {subject.cert_number}",))),
        (_one("单位地址", subject.address, 3),),
        (Cell("联网方式", (" ".join(_boxes(CONNECTIONS, [data.get("connection")])),), 3),),
        (_one("接入服务单位", data.get("access_provider"), 3),),
        (Cell("IP地址段", tuple(data.get("ip_blocks") or ["—"]), 3),),
        (_one("带宽", f"{data.get('bandwidth_mbps', '—')} Mbps"), _one("终端数", f"{data.get('terminals', '—')} 台")),
    ]
    for key, title in PEOPLE:
        rows.extend(_person_rows(title, (data.get("people") or {}).get(key)))
    rows += [
        (Cell("安全保护技术措施", tuple(measure_lines)), _one("日志留存天数", f"{data.get('log_days', '—')} 天")),
        (Cell("提供ICP服务的网站", tuple(_websites(service, data.get("websites"))), 3),),
        (_one("备案机关", bureau.name if bureau else None), _one("备案日期", _chinese_date(service.approved_on()))),
    ]
    return rows


def _may_see(service):
    """The unit's own applicant, or an officer of the bureau that put it on record."""
    if current_user.role == models.User.APPLICANT:
        return service.owner_id == current_user.id
    if current_user.role == models.User.OFFICER:
        bureau = service.approving_bureau()
        return bureau is not None and current_user.bureau_id == bureau.id
    return False


@bp.route("/units/<int:service_id>/record-form")
@login_required
def record_form(service_id):
    """The printable 联网单位备案表 of a 已备案 联网单位, for its owner and its bureau's officers."""
    service = models.Service.get_or_none(models.Service.id == service_id, models.Service.kind == UNIT_KIND,
                                         models.Service.status == models.Service.FILED) or abort(404)
    if not _may_see(service):
        abort(404)
    return render_template("units/record_form.html", service=service, rows=record_form_rows(service),
                           signatures=SIGNATURE_BOXES)
