"""中华人民共和国计算机信息网络国际联网单位备案表 (IP登记): what it prints, who may open it, and the guide's item."""
import datetime

import models
from tests.conftest import APPLICANT_PASSWORD, Client, make_user
from tests.factories import make_id, make_service, make_subject

OWNER_ID = make_id(seq=321)
ADMIN_ID = make_id(seq=654)
IP_BLOCKS = ["115.231.20.0/24", "240e:1234::/48", "47.96.8.0/28"]
DECIDED_AT = datetime.datetime(2026, 3, 2, 2, 30)   # UTC: 2026年3月2日 in China


def unit_data(**changes):
    """A 联网单位备案's filed data, shaped as the unit flow files it."""
    person = {"id_type": "居民身份证", "office_phone": "0578-2786359"}
    data = {"unit_name": "丽水市云岭科技有限公司", "connection": "专线", "access_provider": "中国电信股份有限公司丽水分公司",
            "ip_blocks": IP_BLOCKS, "bandwidth_mbps": 200, "terminals": 85,
            "measures": ["防病毒", "日志留存", "其他"], "measures_other": "数据库审计系统", "log_days": 180,
            "documents": [], "websites": [],
            "people": {"owner": {**person, "name": "张建国", "id_number": OWNER_ID, "mobile": "13905781234",
                                 "email": "zhang@example.com"},
                       "admin": {**person, "name": "陈晓东", "id_number": ADMIN_ID, "mobile": "13905785555",
                                 "email": "chen@example.com"}},
            "interactive": False}
    data.update(changes)
    return data


def make_unit(applicant, status=models.Service.FILED, kind="unit", approved=True, **changes):
    """A 联网单位 row of the applicant's subject and, when approved, the 通过 that put it on record."""
    service = models.Service.create(kind=kind, owner=applicant.user, subject=applicant.subject,
                                    name="丽水市云岭科技有限公司", status=status, data=unit_data(**changes))
    if approved:
        models.Application.create(owner=applicant.user, subject=applicant.subject, kind="联网单位备案",
                                  status=models.Application.APPROVED, bureau=applicant.bureau,
                                  decided_at=DECIDED_AT, service=service)
    return service


def url(service):
    return f"/units/{service.id}/record-form"


def client_of(app, username, mobile, role=models.User.APPLICANT, bureau=None):
    """Another logged-in user's client."""
    make_user(username, mobile=mobile, role=role, bureau=bureau)
    other = Client(app.test_client())
    assert other.login(username, APPLICANT_PASSWORD).status_code == 303
    return other


def test_record_form_prints_the_filed_unit(applicant):
    site = make_service(applicant.subject, name="丽水山居旅游网", domains=("lsly.cn",),
                        record_number="浙公网安备 33110202000123号")
    unit = make_unit(applicant, websites=[site.id])
    response = applicant.client.get(url(unit))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "中华人民共和国计算机信息网络国际联网单位备案表" in page
    assert "丽水市云岭科技有限公司" in page and "中国电信股份有限公司丽水分公司" in page
    assert "91330106673959654P" in page and "企业单位" in page
    for block in IP_BLOCKS:
        assert f"<div>{block}</div>" in page
    assert "☑ 专线" in page and "☐ 光纤" in page
    assert "200 Mbps" in page and "85 台" in page
    assert '<th scope="row">网络安全负责人</th><td colspan="1"><div>张建国</div>' in page
    assert '<th scope="row">网络管理员</th><td colspan="1"><div>陈晓东</div>' in page and "13905785555" in page
    for number in (OWNER_ID, ADMIN_ID):
        assert number not in page
        assert number[:4] + "*" * 10 + number[-4:] in page
    assert "☑ 防病毒" in page and "☐ 防火墙/入侵检测" in page and "☑ 其他：数据库审计系统" in page and "180 天" in page
    assert "丽水山居旅游网（浙公网安备 33110202000123号）" in page
    assert "丽水市公安局网络警察支队" in page and "2026年3月2日" in page
    for box in ("单位盖章", "负责人签字", "受理民警", "受理日期"):
        assert box in page
    assert "data-print>打印</button>" in page and "使用浏览器的打印功能" in page


def test_a_unit_without_websites_prints_none_and_never_another_subjects_site(app, applicant):
    stranger = make_user("bob", mobile="13912340000")
    theirs = make_service(make_subject(stranger, cert_number="91330100MA27XL0E2J"), name="别人的站",
                          domains=("other.cn",), record_number="浙公网安备 33110202000999号")
    page = applicant.client.get(url(make_unit(applicant, websites=[theirs.id]))).get_data(as_text=True)
    assert "别人的站" not in page and "33110202000999" not in page
    assert "<th scope=\"row\">提供ICP服务的网站</th><td colspan=\"3\"><div>无</div>" in page


def test_the_approving_bureaus_officer_may_open_it(applicant, officer):
    assert officer.get(url(make_unit(applicant))).status_code == 200


def test_nobody_else_sees_it(app, applicant):
    unit = make_unit(applicant)
    other_bureau = models.Bureau.create(name="塔里木公安局网安支队", division_code="652800")
    assert client_of(app, "bob", "13912340000").get(url(unit)).status_code == 404
    assert client_of(app, "cop2", "13800003333", models.User.OFFICER, other_bureau).get(url(unit)).status_code == 404


def test_only_filed_units_have_a_form(applicant):
    website = make_service(applicant.subject, name="丽水山居旅游网", domains=("lsly.cn",))
    pending = make_unit(applicant, status=models.Service.PENDING, approved=False)
    for service in (website, pending):
        assert applicant.client.get(url(service)).status_code == 404
    assert applicant.client.get("/units/9999/record-form").status_code == 404


def test_every_guide_has_the_ip_registration_item(app, client, lishui_bureau):
    # One bureau on the default text, one with its own (seed 001's 塔里木 writes no IP登记 section).
    own = models.Bureau.create(name="塔里木公安局网安支队", division_code="652800", guide={"scope": "本地区联网单位。"})
    for bureau in (lishui_bureau, own):
        page = client.get(f"/guide/{bureau.id}").get_data(as_text=True)
        assert "联网单位备案（IP登记）" in page and "审查类型：即审即办。" in page
        assert "中华人民共和国计算机信息网络国际联网单位备案表，纸质原件1份，复印件2份" in page
        assert "公安网备备案号" in page and "到办事现场次数：0次" in page and "收费：不收费。" in page
    assert "本地区联网单位。" in client.get(f"/guide/{own.id}").get_data(as_text=True)
