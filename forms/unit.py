"""联网单位备案 (IP登记) forms: 公安部令第33号 第十二条 — every unit that connects to the
international network (互联单位, 接入单位, 法人和其他组织, branches included) files within 30 days.

Seed 001 separates IP登记 (the unit's connection, 即审即办) from ICP登记 (the website filing).
"""
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import NumberRange, ValidationError

import models
from forms import rules
from forms.base import CheckboxList, WholeNumber, inline, refresh_on_change, required, strip
from forms.filing import FilingForm, Lookups, PictureList, Pictures, check_lines, choices, lines, provider_fields
from forms.people import people_form

CONNECTIONS = ["专线", "光纤", "ADSL/宽带", "无线", "其他"]
LOG_RETENTION = "日志留存"
MEASURES = ["防病毒", "防火墙/入侵检测", LOG_RETENTION, "上网行为审计", "其他"]
# 网络安全法 第二十一条: network logs are kept for at least six months (公安部令第82号 第十三条
# asks 60 days; the stricter law decides).
MIN_LOG_DAYS = 183
MAX_BLOCKS = 50


@inline("unit", "ip_blocks")
class UnitBasicForm(Pictures, Lookups, FilingForm):
    """【联网信息】"""

    service_kind = models.Service.UNIT

    unit_name = StringField("联网单位名称", filters=[strip], validators=[required("联网单位名称")],
                            description="即开办主体的名称；分支机构持本机构营业执照，以本机构为开办主体办理")
    connection = RadioField("联网方式", choices=choices(CONNECTIONS), validators=[required("联网方式")])
    vars().update(provider_fields("access", "接入商"))
    access_provider = StringField("接入服务单位", filters=[strip], validators=[required("接入服务单位")],
                                  description="提供联网线路的单位，可用【查询网络接入服务商】查找并选择")
    ip_blocks = TextAreaField("IP地址段", filters=[strip], validators=[required("IP地址段")], render_kw={"rows": 3},
                              description="每行一段：IPv4写起止地址或CIDR，如 115.231.10.0/24；IPv6写CIDR，如 240e:1234::/48；"
                                          "只填公网地址")
    bandwidth_mbps = WholeNumber("带宽（Mbps）", validators=[required("带宽"), NumberRange(
        1, 10_000_000, message="请填写1至10000000之间的整数")], render_kw={"inputmode": "numeric"})
    terminals = WholeNumber("联网终端数量", validators=[required("联网终端数量"), NumberRange(
        1, 10_000_000, message="请填写1至10000000之间的整数")], render_kw={"inputmode": "numeric"})
    measures = CheckboxList("安全保护技术措施", choices=choices(MEASURES))
    measures_other = StringField("其他措施", filters=[strip], description="勾选“其他”时填写")
    log_days = WholeNumber("日志留存天数", description=f"不少于{MIN_LOG_DAYS}天（网络安全法第二十一条：不少于六个月）",
                           render_kw={"inputmode": "numeric"})
    documents = PictureList("安全管理制度", 1, 5, "unit_document", pdf=True,
                            description="1至5个文件，PDF文件或JPG、PNG图片")
    websites = CheckboxList("提供ICP服务的网站", validate_choice=False,
                            description="本单位提供互联网信息服务的，勾选已备案的网站")

    LOOKUPS = {"access": (models.Provider.ACCESS, "access_provider")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.unit_name.data and self.subject is not None:
            self.unit_name.data = self.subject.name
        self.setup_lookups()
        self.websites.choices = [(str(site.id), f"{site.name}（{site.record_number}）") for site in self._own_websites()]
        for field in (self.measures, self.documents):
            field.flags.required = True

    def _own_websites(self):
        if self.subject is None:
            return []
        return list(models.Service.select().where(models.Service.subject == self.subject,
                                                  models.Service.kind == models.Service.WEBSITE,
                                                  models.Service.status == models.Service.FILED)
                    .order_by(models.Service.id).limit(100))

    def enable_refresh(self, url, target):
        refresh_on_change(self.measures, url, target, ["field-measures_other", "field-log_days"])
        self.lookups_search_as_you_type(url)

    @property
    def interactive(self):
        return False

    # -- values as the filing keeps them --

    def blocks(self):
        """The blocks as kept on record, in the order typed."""
        return list(dict.fromkeys(rules.normalize_ip_block(line) for line in lines(self.ip_blocks.data)))

    def bounds(self):
        return [list(rules.ip_block_bounds(block)) for block in self.blocks()]

    # -- checks --

    def validate_unit_name(self, field):
        if self.subject is not None and field.data != self.subject.name:
            raise ValidationError(f"联网单位名称应与开办主体名称“{self.subject.name}”一致")

    def validate_ip_blocks(self, field):
        check_lines(lines(field.data), rules.check_ip_block, MAX_BLOCKS, f"IP地址段最多{MAX_BLOCKS}行，更多地址请合并为CIDR")
        blocks = self.blocks()
        for index, block in enumerate(blocks):
            for earlier in blocks[:index]:
                if rules.blocks_overlap(block, earlier):
                    raise ValidationError(f"{block} 与 {earlier} 重叠，请合并后填写")
        for block, (first, last) in zip(blocks, self.bounds()):
            holder = models.Service.blocking((block, first, last), self.subject, self.service_kind,
                                             exclude=self.service, held=models.IpBlock)
            if holder is not None:
                raise ValidationError(self.pointer(f"IP地址段{block}与已登记的地址重叠", holder))

    def validate_measures(self, field):
        if not field.data:
            raise ValidationError("请勾选已落实的安全保护技术措施")

    def validate_measures_other(self, field):
        if "其他" in (self.measures.data or []) and not field.data:
            raise ValidationError("勾选“其他”时请填写其他措施")

    def validate_log_days(self, field):
        if LOG_RETENTION not in (self.measures.data or []):
            raise ValidationError(f"网络日志须留存不少于六个月，请勾选“{LOG_RETENTION}”")
        if field.data is None or field.data < MIN_LOG_DAYS:
            raise ValidationError(f"日志留存天数不能少于{MIN_LOG_DAYS}天")

    def validate_websites(self, field):
        mine = {value for value, _ in self.websites.choices}
        if set(field.data or []) - mine:
            raise ValidationError("只能勾选本主体已备案的网站")


# 【安全负责人】: 网络安全负责人 (the one who confirms 注销) and 网络管理员.
UnitPeopleForm = people_form([
    ("owner", "网络安全负责人", ""),
    ("admin", "网络管理员", "负责网络日常管理，承担7×24小时联络责任"),
], base=FilingForm, contact="admin")
