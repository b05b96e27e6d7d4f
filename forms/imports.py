"""The bureau's lists of sites nobody filed here yet: 未备案网站 and offline filings for 网站认领,
imported from CSV (every row checked, nothing half-imported) or added one at a time."""
import csv
import datetime
import io
import re

from flask_wtf.file import FileField
from wtforms import RadioField, StringField
from wtforms.validators import Optional, ValidationError

import divisions
import models
from divisions import PROVINCE_ABBR
from forms import rules
from forms.base import DateInput, Form, max_length, required, strip

KINDS = [(models.ImportedSite.UNFILED, "未备案网站（通知开办主体限期备案）"),
         (models.ImportedSite.OFFLINE, "线下已备案网站（供开办主体认领，保留原备案号）")]
# CSV header → field; 公安备案号 only for offline filings; 负责人手机 may be left out.
COLUMNS = {"域名": "domain", "网站名称": "name", "主体名称": "subject_name", "证件号码": "cert_number",
           "截止日期": "deadline", "公安备案号": "record_number", "负责人手机": "leader_mobile"}
OPTIONAL = ("leader_mobile",)
RECORD_NUMBER = re.compile(r"^[\u4e00-\u9fa5]公网安备 ?(\d{14})号$")
MAX_ROWS = 2000


# What a CSV may be saved as (a spreadsheet saves GBK unless told otherwise) → what to tell the user.
ENCODINGS = {"utf-8-sig": "UTF-8", "gb18030": "GBK"}


def certificate_problem(number):
    """A certificate of a unit (统一社会信用代码) or a person (身份证号), checked digit and all."""
    if rules.check_uscc(number) is None or rules.check_id_number(number) is None:
        return None
    return "证件号码校验不通过（应为统一社会信用代码或身份证号码）"


def domain_problem(value):
    """(the domain as stored, or None; the problem with it, or None)."""
    try:
        domain = rules.normalize_domain(value)
    except ValueError:
        return None, "域名格式不正确"
    return domain, rules.check_domain(domain)


def text_problem(value, label, limit=100):
    """(the text stripped; the problem with it, or None): present, at most limit characters, nothing hidden."""
    text = (value or "").strip()
    if not text or len(text) > limit:
        return text, f"{label}：请填写（不超过{limit}字）"
    hidden = rules.check_control_chars(text)   # a NUL would not even store on PostgreSQL
    return text, f"{label}：{hidden}" if hidden else None


def _area_prefix(bureau):
    """The leading digits of every division code in the bureau's area (county, city or province)."""
    division = divisions.table().get(bureau.division_code)
    level = division.level if division else "county"
    return bureau.division_code[:{"province": 2, "city": 4}.get(level, 6)]


def check_row(values, kind, today, seen, bureau, held=None):
    """(clean values, problems) of one site for the importing bureau; seen holds the domains and
    numbers taken earlier in the same import; held, when given, every domain already on the
    platform (Domain.held(), read once for a whole file)."""
    problems, clean = [], {}
    clean["domain"], problem = domain_problem(values.get("domain", ""))
    if problem:
        problems.append(f"域名：{problem}")
    elif clean["domain"] in seen:
        problems.append(f"域名：{rules.shorten(clean['domain'])} 在本次导入中重复")
    elif (clean["domain"] in held if held is not None else models.Domain.held([clean["domain"]])) \
            or models.ImportedSite.waiting_hosts([clean["domain"]]):
        problems.append(f"域名：{rules.shorten(clean['domain'])} 已备案或已在待办名单中")
    for key, label in (("name", "网站名称"), ("subject_name", "主体名称")):
        clean[key], problem = text_problem(values.get(key), label)
        if problem:
            problems.append(problem)
    clean["cert_number"] = (values.get("cert_number") or "").strip().upper()
    problem = certificate_problem(clean["cert_number"])
    if problem:
        problems.append(problem)
    deadline = values.get("deadline")
    if isinstance(deadline, str):
        try:
            deadline = datetime.date.fromisoformat(deadline.strip().replace("/", "-"))
        except ValueError:
            deadline = None
    if deadline is None:
        problems.append("截止日期：请按 2027-01-31 的格式填写")
    elif deadline < today:
        problems.append("截止日期：不能早于今天")
    clean["deadline"] = deadline
    mobile = (values.get("leader_mobile") or "").strip()
    problem = rules.check_mobile(mobile) if mobile else None
    if problem:
        problems.append(f"负责人手机：{problem}")
    clean["leader_mobile"] = rules.normalize_mobile(mobile) if mobile else ""
    number = (values.get("record_number") or "").strip()
    if kind == models.ImportedSite.OFFLINE:
        match = RECORD_NUMBER.match(number)
        if not match:
            problems.append("公安备案号：格式应为 浙公网安备 33110002000001号")
        else:
            clean["record_number"] = number if " " in number else number.replace("公网安备", "公网安备 ")
            code = bureau.division_code
            if number[0] != PROVINCE_ABBR.get(code[:2]) or not match.group(1).startswith(_area_prefix(bureau)):
                problems.append("公安备案号：不是本机关辖区核发的备案号")
            elif clean["record_number"] in seen:
                problems.append("公安备案号：在本次导入中重复")
            elif models.Service.select().where(models.Service.record_number == clean["record_number"]).exists() \
                    or models.ImportedSite.select().where(
                        models.ImportedSite.record_number == clean["record_number"]).exists():
                problems.append("公安备案号：该备案号已在平台登记")
    return clean, problems


def decode_csv(raw, encodings=tuple(ENCODINGS)):
    """The text of an uploaded CSV in the first of encodings that reads it (by default UTF-8 with or
    without BOM, else GBK read as its superset GB18030, what Excel saves in China); None when none does."""
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def csv_file_chosen(_form, field):
    """Validator of a CSV file field: a file was chosen."""
    if not field.data or not getattr(field.data, "filename", ""):
        raise ValidationError("请选择CSV文件")


UNREADABLE_CSV = "文件格式不正确（单元格过长或引号不成对），请在表格软件中重新另存为CSV"


def csv_records(upload, columns, needed, complete=False, max_rows=None, encodings=tuple(ENCODINGS)):
    """([(line, {key: value})], [(line, problem)]) of an uploaded CSV (a file or its bytes) whose
    header names columns ({header: key}); needed: the headers it must have. An unreadable file or
    header is one problem at line 1 and no rows. Rows with more cells than the header (or, when
    complete, fewer) are problems; blank rows are skipped; the caller checks each row's values."""
    max_rows = max_rows or MAX_ROWS
    text = decode_csv(upload.read() if hasattr(upload, "read") else upload, encodings)
    if text is None:
        names = "或".join(ENCODINGS[encoding] for encoding in encodings)
        return [], [(1, f"文件编码无法识别，请在表格软件中另存为{names}编码的CSV")]
    reader = csv.DictReader(io.StringIO(text))
    try:
        missing = [name for name in needed if name not in (reader.fieldnames or [])]
    except csv.Error:
        return [], [(1, UNREADABLE_CSV)]
    if missing:
        return [], [(1, "表头缺少：" + "、".join(missing))]
    records, errors = [], []
    try:
        for count, record in enumerate(reader, start=1):
            # The file's own line (blank lines and cells with line breaks counted), as a spreadsheet shows it.
            line = reader.line_num
            if count > max_rows:
                errors.append((line, f"一次最多{max_rows}行"))
                break
            if None in record:
                errors.append((line, "列数多于表头，请检查是否有多余的逗号"))
                continue
            if not any((value or "").strip() for value in record.values()):
                continue
            short = [name for name in needed if record.get(name) is None]
            if complete and short:
                errors.append((line, "列数少于表头，缺少：" + "、".join(short)))
                continue
            records.append((line, {columns[name]: (value or "") for name, value in record.items() if name in columns}))
    except csv.Error:
        errors.append((reader.line_num + 1, UNREADABLE_CSV))
    if not records and not errors:
        errors.append((2, "文件中没有数据行"))
    return records, errors


def parse_csv(upload, columns, check, needed=None, encodings=tuple(ENCODINGS)):
    """(clean rows, [(line number, problem)]) of a CSV, every row checked before anything is stored:
    check(values by key) gives (clean values, problems) of a row in file order (it may remember what
    it saw, to refuse a repeat)."""
    records, errors = csv_records(upload, columns, list(columns) if needed is None else needed,
                                  encodings=encodings)
    if errors and errors[0][0] == 1:
        return [], errors
    rows = []
    for line, values in records:
        clean, problems = check(values)
        errors += [(line, problem) for problem in problems]
        rows.append(clean)
    return rows, sorted(errors, key=lambda error: error[0])


class ImportForm(Form):
    """导入名单: a CSV file (UTF-8 or GBK) with the columns of COLUMNS."""

    kind = RadioField("名单类型", choices=KINDS, default=models.ImportedSite.UNFILED)
    file = FileField("CSV文件", validators=[csv_file_chosen],
                     description="第一行为表头：域名,网站名称,主体名称,证件号码,截止日期"
                                 "（线下已备案网站另加“公安备案号”列，可加“负责人手机”列：认领时须向该手机发送验证码）；"
                                 "UTF-8或GBK编码，最多2000行")

    def validate_kind(self, field):
        if field.data not in dict(KINDS):
            raise ValidationError("请选择名单类型")

    def parse(self, today, bureau):
        """(clean rows, [(line number, problem)]): every row is checked before anything is stored."""
        seen, held = set(), models.Domain.held()

        def check(values):
            clean, problems = check_row(values, self.kind.data, today, seen, bureau, held)
            seen.update({clean.get("domain"), clean.get("record_number")} - {None})
            return clean, problems

        needed = [name for name, key in COLUMNS.items() if key not in OPTIONAL
                  and (key != "record_number" or self.kind.data == models.ImportedSite.OFFLINE)]
        return parse_csv(self.file.data, COLUMNS, check, needed)


class ImportedSiteForm(Form):
    """添加一个: the same facts as one CSV row."""

    kind = RadioField("名单类型", choices=KINDS, default=models.ImportedSite.UNFILED)
    domain = StringField("域名", filters=[strip], validators=[required("域名")])
    name = StringField("网站名称", filters=[strip], validators=[required("网站名称"), max_length(100)])
    subject_name = StringField("主体名称", filters=[strip], validators=[required("主体名称"), max_length(100)])
    cert_number = StringField("证件号码", filters=[strip], validators=[required("证件号码")],
                              description="开办主体的统一社会信用代码或身份证号码，用于匹配用户")
    deadline = DateInput("截止日期", validators=[required("截止日期")], render_kw={"type": "date"})
    record_number = StringField("公安备案号", filters=[strip], validators=[Optional()],
                                description="线下已备案网站必填，如 浙公网安备 33110002000001号")
    leader_mobile = StringField("负责人手机", filters=[strip], validators=[Optional()],
                                render_kw={"inputmode": "tel"},
                                description="选填：线下备案登记的网站负责人手机。填写后，认领须先向该手机发送验证码；"
                                            "不填则由民警审核时核实认领人并确认")

    def checked(self, today, bureau):
        """The clean values, or None with each problem put on its field."""
        if not self.validate():
            return None
        clean, problems = check_row({name: self[name].data for name in COLUMNS.values()}, self.kind.data,
                                    today, set(), bureau)
        for problem in problems:
            label = problem.split("：")[0]
            field = self[COLUMNS.get(label, "cert_number")]
            field.errors = list(field.errors) + [problem.partition("：")[2] or problem]
        return None if problems else clean
