"""What a filed 服务商 reports (公安部令第33号 第十一条、第十二条): CSVs of the sites it hosts and of the
units it connects, read like the bureau's import (every row checked, nothing half-stored)."""
import unicodedata

from flask_wtf.file import FileField

from forms import imports, rules
from forms.base import Form
from forms.imports import MAX_ROWS, certificate_problem, csv_file_chosen, domain_problem, parse_csv, text_problem

# UTF-8 (a BOM is fine) or GBK, what a spreadsheet saves in China: as the bureau's own import.
ENCODINGS = tuple(imports.ENCODINGS)


def check_site(values, seen):
    """(clean values, problems) of one hosted site; seen holds the domains of earlier rows."""
    problems = []
    domain, problem = domain_problem(values.get("domain", ""))
    if problem:
        problems.append(f"域名：{problem}")
    elif domain in seen:
        problems.append(f"域名：{rules.shorten(domain)} 在本文件中重复，一个网站只填一行")
    ip = (values.get("ip") or "").strip()
    problem = rules.check_ip_line(ip)
    if problem:
        problems.append(f"IP地址：{problem}")
    subject_name, problem = text_problem(values.get("subject_name"), "客户名称")
    if problem:
        problems.append(problem)
    cert_number = (values.get("cert_number") or "").strip().upper()
    problem = certificate_problem(cert_number)
    if problem:
        problems.append(problem)
    return {"domain": domain, "ip": ip, "subject_name": subject_name, "cert_number": cert_number}, problems


def ip_block(value):
    """(the block as stored, or None; the problem, or None) of an IP地址段, as rules.check_ip_block
    allows it: an IPv4 network (47.96.1.0/24) or range "start-end" (~ also separates), an IPv6
    network of any size (240e:1234::/48). A lone address is stored as its /32 (/128), as rows
    reported earlier were, so that a repeat is still the same text."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    problem = rules.check_ip_block(text)
    if problem:
        return None, f"{rules.shorten(text)}：{problem}" if text else problem
    block = rules.normalize_ip_block(text)
    return (block if "-" in block or "/" in block else f"{block}/32"), None


def check_unit(values, seen):
    """(clean values, problems) of one connected unit; seen holds the IP地址段 of earlier rows."""
    problems = []
    ip_range, problem = ip_block(values.get("ip_range"))
    if problem:
        problems.append(f"IP地址段：{problem}")
    elif ip_range in seen:
        problems.append(f"IP地址段：{ip_range} 在本文件中重复")
    unit_name, problem = text_problem(values.get("unit_name"), "单位名称")
    if problem:
        problems.append(problem)
    credit_code = rules.normalize_uscc(values.get("credit_code"))
    problem = rules.check_uscc(credit_code)
    if problem:
        problems.append(f"统一社会信用代码：{problem}")
    return {"ip_range": ip_range, "unit_name": unit_name, "credit_code": credit_code}, problems


class _CsvReport:
    """What both report forms do with their one CSV file: its rows are checked by check, each
    against the earlier rows' KEY (a mixin, not a form of its own)."""

    COLUMNS: dict = {}   # CSV header → key of a clean row
    KEY = ""             # the key no two rows may share

    @staticmethod
    def check(values, seen):
        raise NotImplementedError

    def validate_file(self, field):
        csv_file_chosen(self, field)

    def parse(self):
        """(clean rows, [(line number, problem)]): every row is checked before anything is stored."""
        seen = set()

        def check(values):
            clean, problems = self.check(values, seen)
            seen.add(clean[self.KEY])
            return clean, problems

        return parse_csv(self.file.data, self.COLUMNS, check, encodings=ENCODINGS)


def _described(columns):
    return f"第一行为表头：{','.join(columns)}；UTF-8或GBK编码，最多{MAX_ROWS}行"


class SiteReportForm(_CsvReport, Form):
    """报告接入网站: the sites the 服务商 hosts (域名, IP地址, 客户名称, 证件号码)."""

    COLUMNS = {"域名": "domain", "IP地址": "ip", "客户名称": "subject_name", "证件号码": "cert_number"}
    KEY = "domain"
    check = staticmethod(check_site)
    file = FileField("CSV文件", description=_described(COLUMNS))


class UnitReportForm(_CsvReport, Form):
    """报告接入单位: the units the 服务商 connects (IP地址段, 单位名称, 统一社会信用代码)."""

    COLUMNS = {"IP地址段": "ip_range", "单位名称": "unit_name", "统一社会信用代码": "credit_code"}
    KEY = "ip_range"
    check = staticmethod(check_unit)
    file = FileField("CSV文件", description=_described(COLUMNS))
