"""The province → city → county picker, filled from the bundled division table."""
from wtforms import SelectField
from wtforms.validators import ValidationError

import divisions

PLACEHOLDER = ("", "请选择")


def _choices(items):
    return [PLACEHOLDER] + [(d.code, d.name) for d in items]


class RegionMixin:
    """Adds province/city/county selects; the county decides the reviewing bureau."""

    province = SelectField("省（自治区、直辖市）", validate_choice=False)
    city = SelectField("市（地区、州）", validate_choice=False)
    county = SelectField("县（市、区）", validate_choice=False)

    def fill_region_choices(self):
        """Offer the cities of the chosen province and the counties of the chosen city."""
        table = divisions.table()
        self.province.choices = _choices(table.provinces())
        cities = table.children_of(self.province.data) if self.province.data else []
        if self.city.data not in [c.code for c in cities]:
            self.city.data = ""
        self.city.choices = _choices(cities)
        counties = table.children_of(self.city.data) if self.city.data else []
        if self.county.data not in [c.code for c in counties]:
            self.county.data = ""
        self.county.choices = _choices(counties)

    def set_region(self, county_code):
        """Select a stored county code in all three selects."""
        county = divisions.table().get(county_code)
        if county and county.level == "county":
            city = divisions.table().get(county.parent)
            self.province.data, self.city.data, self.county.data = city.parent, city.code, county.code
        self.fill_region_choices()

    def validate_county(self, field):
        county = divisions.table().get(field.data) if field.data else None
        if county is None or county.level != "county" or county.parent != self.city.data:
            raise ValidationError("请依次选择省、市、县（区）")
