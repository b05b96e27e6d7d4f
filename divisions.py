"""The bundled GB/T 2260 division table (data/divisions-2023), loaded once."""
import csv
import functools
import os
from dataclasses import dataclass, field

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "divisions-2023")

# GB/T 2260 province code -> abbreviation used in 公网安备 numbers.
PROVINCE_ABBR: dict[str, str] = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙",
    "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁",
    "41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼",
    "50": "渝", "51": "川", "52": "贵", "53": "滇", "54": "藏",
    "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}
# Cities whose CSV name is the bare placeholder of a municipality.
_PLACEHOLDER_CITY_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Division:
    code: str        # six digits: XX0000 province, XXXX00 city, XXXXXX county
    name: str
    parent: str | None
    level: str      # province | city | county


@dataclass
class Divisions:
    by_code: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)

    def add(self, division):
        self.by_code[division.code] = division
        self.children.setdefault(division.parent, []).append(division)

    def get(self, code):
        """The division with a six-digit code (or its 2/4-digit short form)."""
        return self.by_code.get(normalize_code(code)) if code else None

    def provinces(self):
        return self.children.get(None, [])

    def children_of(self, code):
        return self.children.get(normalize_code(code), [])

    def full_name(self, code):
        """'浙江省丽水市莲都区' style name, skipping placeholder city names."""
        parts, division = [], self.get(code)
        while division:
            if division.name not in _PLACEHOLDER_CITY_NAMES:
                parts.append(division.name)
            division = self.by_code.get(division.parent)
        return "".join(reversed(parts))

    def counties(self):
        return [d for d in self.by_code.values() if d.level == "county"]


def normalize_code(code):
    """Pad a 2- or 4-digit province/city code to GB/T 2260's six digits."""
    code = str(code).strip()
    return code.ljust(6, "0") if len(code) in (2, 4) else code


def _rows(directory, name):
    with open(os.path.join(directory, name), encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def load(directory=DATA_DIR):
    """Read provinces, cities and counties from the CSV files in directory."""
    table = Divisions()
    for row in _rows(directory, "provinces.csv"):
        table.add(Division(normalize_code(row["code"]), row["name"], None, "province"))
    for row in _rows(directory, "cities.csv"):
        table.add(Division(normalize_code(row["code"]), row["name"],
                           normalize_code(row["provinceCode"]), "city"))
    for row in _rows(directory, "areas.csv"):
        table.add(Division(row["code"], row["name"], normalize_code(row["cityCode"]), "county"))
    return table


@functools.lru_cache(maxsize=1)
def table():
    """The bundled table, read on first use."""
    return load()
