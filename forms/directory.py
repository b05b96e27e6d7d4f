"""The provider directory the wizards' 【查询…】 search: one entry entered or edited by a bureau,
and a list imported from CSV (every row checked, nothing half-imported)."""
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired

import models
from forms import rules
from forms.base import Form, max_length, required, strip
from forms.imports import csv_file_chosen, csv_records

# CSV header → column; every one must be there (许可证号 may be empty).
COLUMNS = {"名称": "name", "类型": "kind", "所属地区代码": "region_code", "许可证号": "licence"}
KIND_BY_LABEL = {label: kind for kind, label in models.Provider.KINDS.items()}
NAME_MAX = 120


def _name_problem(name):
    if not name:
        return "请填写名称"
    if len(name) > NAME_MAX:
        return f"名称不能超过{NAME_MAX}个字"
    return rules.check_control_chars(name)


def check_values(values, province=None):
    """(clean values, problems) of one provider, each problem prefixed with its column; province:
    the importing officer's province code (None: an administrator, any region)."""
    clean = {key: (values.get(key) or "").strip() for key in COLUMNS.values()}
    problems = []
    problem = _name_problem(clean["name"])
    if problem:
        problems.append(f"名称：{problem}")
    label = clean["kind"]
    clean["kind"] = KIND_BY_LABEL.get(label, label if label in models.Provider.KINDS else None)
    if clean["kind"] is None:
        problems.append(f"类型：“{rules.shorten(label)}”不是可选的类型，应为" + "、".join(KIND_BY_LABEL))
    clean["region_code"] = rules.normalize_division_code(clean["region_code"])
    problem = rules.check_division_code(clean["region_code"], province)
    if problem:
        problems.append(f"所属地区代码：{problem}")
    if clean["licence"]:
        problem = rules.check_telecom_licence(clean["licence"])
        if problem:
            problems.append(f"许可证号：{problem}")
        clean["licence"] = rules.normalize_telecom_licence(clean["licence"])
    return clean, problems


class ProviderImportForm(Form):
    """导入服务商: a CSV file with the columns of COLUMNS."""

    file = FileField("CSV文件", validators=[csv_file_chosen],
                     description="第一行为表头：名称,类型,所属地区代码,许可证号；类型填写" + "、".join(KIND_BY_LABEL)
                                 + "之一，所属地区代码为6位行政区划代码，许可证号可空；UTF-8或GBK编码，最多2000行")

    def parse(self, province=None):
        """(clean rows, [(line, problem)]): every row checked before anything is stored, including
        against each other and against the live entries of the directory."""
        records, errors = csv_records(self.file.data, COLUMNS, list(COLUMNS), complete=True)
        rows, seen = [], {}
        for line, values in records:
            clean, problems = check_values(values, province)
            errors += [(line, problem) for problem in problems]
            key = (clean["name"], clean["kind"])
            if not problems and key in seen:
                errors.append((line, f"与第{seen[key]}行重复（同名同类型）"))
            elif not problems and models.Provider.live_duplicate(*key):
                errors.append((line, f"目录中已有{models.Provider.KINDS[key[1]]}“{rules.shorten(key[0])}”"))
            seen.setdefault(key, line)
            rows.append(clean)
        return rows, sorted(errors, key=lambda error: error[0])


class ProviderForm(Form):
    """新增 or 修改 one entry of the directory (the bureau's own, not one from a filing)."""

    name = StringField("名称", filters=[strip], validators=[required("名称"), max_length(NAME_MAX)],
                       description="服务商的单位全称，如 阿里云计算有限公司")
    kind = SelectField("类型", choices=[("", "请选择")] + list(models.Provider.KINDS.items()),
                       validators=[DataRequired("请选择类型")])
    region_code = StringField("所属地区代码", filters=[strip], validators=[required("所属地区代码")],
                              description="6位行政区划代码（省、市或县级），如 330106（杭州市西湖区）",
                              render_kw={"inputmode": "numeric", "maxlength": 6})
    licence = StringField("增值电信业务经营许可证号", filters=[strip], validators=[max_length(60)],
                          description="如 粤B2-20090059；全国性许可证如 B2-20160001；没有可不填")

    def __init__(self, *args, province=None, provider=None, **kwargs):
        self.province = province      # the officer's province code; None for an administrator
        self.provider = provider      # the entry being edited, None for a new one
        super().__init__(*args, **kwargs)

    def checked(self):
        """The clean values, or None with each problem put on its field."""
        if not self.validate():
            return None
        clean, problems = check_values({key: self[key].data for key in COLUMNS.values()}, self.province)
        duplicate = models.Provider.live_duplicate(clean["name"], clean["kind"],
                                                   exclude=self.provider.id if self.provider else None)
        if not problems and duplicate and not (self.provider and self.provider.retired):
            problems.append(f"名称：目录中已有{models.Provider.KINDS[clean['kind']]}“{rules.shorten(clean['name'])}”")
        labels = {label: key for label, key in COLUMNS.items()}
        for problem in problems:
            label, _, message = problem.partition("：")
            field = self[labels[label]]
            field.errors = list(field.errors) + [message]
        return None if problems else clean
