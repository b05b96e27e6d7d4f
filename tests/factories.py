"""Builders of valid filing data and rows, shared by unit and browser tests."""
import datetime
import secrets
import io

from PIL import Image

import assessments
import models
from domains import registrable
from forms.rules import id_check_digit

LISHUI_COUNTY = "331102"      # 莲都区, reviewed by the 丽水 city bureau (331100)
USCC = "91330106673959654P"


def make_id(region="331102", birth=datetime.date(1985, 6, 1), seq=123):
    """A 居民身份证 number with a correct check digit."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


def picture(fmt="JPEG", size=(40, 30), color=(200, 40, 40)):
    """A small real image file."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def pdf_document(script=None):
    """A real one-page PDF (with script: a document that runs JavaScript when opened)."""
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if script:
        writer.add_open_action(JavaScript(script))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def noisy_jpeg(size=(900, 900)):
    """A real JPEG that does not compress well (an oversize upload)."""
    out = io.BytesIO()
    Image.effect_noise(size, 120).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def make_bureau(code="331100", name="丽水市公安局网络警察支队"):
    return models.Bureau.create(name=name, division_code=code, phone="0578-2786359")


def unit_form(**changes):
    """The 新增主体 form of a company, as posted (without pictures)."""
    data = {
        "nature": "单位", "unit_kind": "企业单位", "name": "丽水市云岭科技有限公司",
        "cert_type": "统一社会信用代码", "cert_number": USCC, "investor": "张建国",
        "province": "330000", "city": "331100", "county": LISHUI_COUNTY,
        "address": "浙江省丽水市莲都区人民街607号",
        "leader_name": "张建国", "leader_id_type": "居民身份证", "leader_id_number": make_id(),
        "leader_residence": "浙江省丽水市莲都区紫金街道中山街128号", "leader_office_phone": "0578-2786359",
        "leader_mobile": "13905781234", "leader_email": "zhang@example.com",
    }
    data.update(changes)
    return data


def person_form(**changes):
    """The 新增主体 form of a person."""
    data = {key: value for key, value in unit_form().items()
            if key not in ("unit_kind", "name", "cert_type", "cert_number", "investor", "address")}
    data.update(nature="个人", leader_name="李秀英", leader_id_number=make_id(seq=456))
    data.update(changes)
    return data


def make_subject(owner, status=models.Subject.VALID, bureau=None, **changes):
    """A subject row straight in the database, in any state."""
    values = unit_form(**changes)
    subject = models.Subject(owner=owner, status=status, bureau=bureau, region_code=values["county"])
    subject.apply({**{k: v for k, v in values.items() if k in models.Subject.DATA_FIELDS},
                   "cert_photo": None, "id_photo_front": None, "id_photo_back": None})
    subject.save()
    return subject


def make_service(subject, name="别人的站", domains=("lsly.cn",), status=models.Service.FILED, **columns):
    """A filed (or pending) website straight in the database, with its Domain rows as filing makes them."""
    columns.setdefault("data", {"domains": list(domains)})
    service = models.Service.create(owner=subject.owner, subject=subject, name=name, domain=(domains or [""])[0],
                                    status=status, **columns)
    for host in domains:
        models.Domain.create(domain=host, registrable=registrable(host), kind=service.kind, service=service,
                             live=status == models.Service.FILED)
    return service


# -- A complete 新办网站申请 as the wizard stores it: step → field → the list of values typed --

def website_basic(domain="lsly.cn", name="丽水山居旅游网", **changes):
    """【网站基本信息】 of a non-interactive site on domain (and www.domain)."""
    raw = {"site_name": [name], "domain": [domain], "other_domains": [f"www.{domain}"],
           "home_url": [f"www.{domain}"], "ips": ["47.96.1.10\n47.96.1.20-47.96.1.30"],
           "access_provider": ["阿里云计算有限公司"], "registrar": ["阿里云计算有限公司"],
           "service_types": ["单位门户网站"], "languages": ["中文简体"], "icp_number": ["浙ICP备12345678号-1"]}
    raw.update(changes)
    return raw


def website_person(prefix, name, seq, mobile):
    """One person block of 【网站负责人】 (fields named <prefix>-<field>)."""
    return {f"{prefix}-name": [name], f"{prefix}-id_type": ["居民身份证"], f"{prefix}-id_number": [make_id(seq=seq)],
            f"{prefix}-mobile": [mobile], f"{prefix}-office_phone": ["0578-2786359"],
            f"{prefix}-email": [f"{prefix}@example.com"]}


def website_people():
    """【网站负责人】: three different people."""
    return {**website_person("owner", "张建国", 123, "13905781234"),
            **website_person("security", "李秀英", 456, "13905782222"),
            **website_person("emergency", "王建华", 789, "13905783333")}


def app_pictures(owner):
    """An icon and three screenshots the owner uploaded (rows only: filing checks whose they are)."""
    def one(purpose):
        return str(models.Upload.create(owner=owner, purpose=purpose, stored_name=secrets.token_hex(8) + ".png",
                                        content_type="image/png", size=1, sha256="0").id)
    return one("app_icon"), [one("app_screenshot") for _ in range(3)]


APP_FINGERPRINT = "D5:E9:04:26:18:CF:05:24:56:41:54:34:4A:76:D7:95"
APP_PUBLIC_KEY = "3082010a0282010100" + "c3a1" * 64 + "0203010001"


def app_basic(owner, domain="api.lsly.cn", name="丽水山居旅游", package="com.lsly.lvyou", **changes):
    """【APP基本信息】 of a non-interactive Android APP using domain."""
    icon, shots = app_pictures(owner)
    raw = {"app_name": [name], "icon": [icon], "screenshots": shots,
           "intro": ["提供丽水山居民宿预订、景点导览和旅游资讯查询服务的手机应用。"], "platforms": ["android"],
           "platform_android_package": [package], "platform_android_public_key": [APP_PUBLIC_KEY],
           "platform_android_fingerprint": [APP_FINGERPRINT],
           "sdks-0-name": ["个推推送SDK"], "sdks-0-vendor": ["每日互动股份有限公司"], "sdks-0-purpose": ["消息推送"],
           "channels": ["华为应用市场\n小米应用商店"], "domains": [domain], "ips": ["47.96.1.10"],
           "access_provider": ["阿里云计算有限公司"], "user_count": ["1万以下"], "languages": ["中文简体"],
           "icp_number": ["浙ICP备20018325号-12A"]}
    raw.update(changes)
    return raw


def app_steps(owner, domain="api.lsly.cn", name="丽水山居旅游", **changes):
    """Every step of the APP flows, filled in and valid."""
    return {"basic": app_basic(owner, domain, name, **changes), "people": website_people(), "notice": {"agree": ["y"]}}


def miniapp_basic(name="丽水山居旅游", appid="wx1234567890abcdef", **changes):
    """【小程序基本信息】 of a non-interactive WeChat 小程序."""
    raw = {"platform": ["wechat"], "appid": [appid], "miniapp_name": [name], "content_types": ["旅游出行"],
           "pre_approvals": ["以上都不涉及"], "intro": ["提供丽水山居民宿预订和景点导览服务的微信小程序。"],
           "icp_number": ["浙ICP备20018325号-3X"]}
    raw.update(changes)
    return raw


def miniapp_steps(name="丽水山居旅游", **changes):
    """Every step of the 小程序 flows, filled in and valid."""
    return {"basic": miniapp_basic(name, **changes), "people": website_person("owner", "张建国", 123, "13905781234"),
            "notice": {"agree": ["y"]}}


def uploaded(owner, purpose, content_type="application/pdf"):
    """An upload row of the owner's (filing checks whose it is, not the file)."""
    suffix = ".pdf" if content_type == "application/pdf" else ".png"
    return str(models.Upload.create(owner=owner, purpose=purpose, stored_name=secrets.token_hex(8) + suffix,
                                    content_type=content_type, size=1, sha256="0").id)


PROVIDER_LICENCE = "浙B2-20080224"


def provider_basic(owner, name="丽水市云岭科技有限公司", **changes):
    """【服务商基本信息】 of a 网络接入/IDC and 域名注册 provider in 莲都区."""
    raw = {"full_name": [name], "provider_types": ["access", "registrar"], "province": ["330000"],
           "city": ["331100"], "county": ["331102"], "licence": [PROVIDER_LICENCE],
           "business_scope": ["互联网数据中心业务、互联网接入服务业务（浙江省）"], "service_regions": ["浙江省"],
           "ips": ["115.231.10.0-115.231.10.255"], "documents": [uploaded(owner, "provider_document")]}
    raw.update(changes)
    return raw


def provider_steps(owner, name="丽水市云岭科技有限公司", **changes):
    """Every step of the 服务商 flows, filled in and valid."""
    return {"basic": provider_basic(owner, name, **changes),
            "people": {**website_person("owner", "张建国", 123, "13905781234"),
                       **website_person("security", "李秀英", 456, "13905782222")},
            "notice": {"agree": ["y"]}}


def appstore_basic(owner, domain="apps.lsly.cn", name="丽水应用商店", **changes):
    """【应用市场基本信息】 of a non-interactive app store on domain."""
    raw = {"platform_name": [name], "domain": [domain], "access_provider": ["阿里云计算有限公司"],
           "icp_licence": [PROVIDER_LICENCE], "categories": ["生活服务", "出行导航"], "app_count": ["120"],
           "review_rules": [uploaded(owner, "appstore_review_rules")],
           "agreement": [uploaded(owner, "appstore_agreement")]}
    raw.update(changes)
    return raw


def appstore_steps(owner, domain="apps.lsly.cn", name="丽水应用商店", **changes):
    """Every step of the 应用市场 flows, filled in and valid."""
    return {"basic": appstore_basic(owner, domain, name, **changes), "people": website_people(),
            "notice": {"agree": ["y"]}}


def unit_basic(owner, name="丽水市云岭科技有限公司", blocks="115.231.10.0/24\n240e:1234::/48", **changes):
    """【联网信息】 of a unit on a 专线 with an IPv4 and an IPv6 block."""
    raw = {"unit_name": [name], "connection": ["专线"], "access_provider": ["中国电信股份有限公司丽水分公司"],
           "ip_blocks": [blocks], "bandwidth_mbps": ["200"], "terminals": ["60"],
           "measures": ["防病毒", "防火墙/入侵检测", "日志留存"], "measures_other": [""], "log_days": ["183"],
           "documents": [uploaded(owner, "unit_document")]}
    raw.update(changes)
    return raw


def unit_steps(owner, name="丽水市云岭科技有限公司", **changes):
    """Every step of the 联网单位 flows, filled in and valid."""
    return {"basic": unit_basic(owner, name, **changes),
            "people": {**website_person("owner", "张建国", 123, "13905781234"),
                       **website_person("admin", "李秀英", 456, "13905782222")},
            "notice": {"agree": ["y"]}}


def website_steps(domain="lsly.cn", name="丽水山居旅游网"):
    """Every step of the website flows, filled in and valid."""
    return {"basic": website_basic(domain, name), "people": website_people(), "notice": {"agree": ["y"]}}


def assessment_scope(service, **changes):
    """【评估对象】 of a 安全评估 report on a filed service, valid."""
    values = {"service_id": [str(service.id)], "feature_name": ["丽水山居论坛"],
              "feature_desc": ["面向丽水游客的旅游论坛，注册用户可以发帖、回帖和上传照片。"],
              "feature_link": ["https://bbs.lsly.cn/"], "trigger": ["上线或新增功能"], "assessor": ["自评估"],
              "assessor_name": [""]}
    return {**values, **{name: [value] if isinstance(value, str) else value for name, value in changes.items()}}


def _situations(keys):
    return {f"{key}_situation": [assessments.MEASURE_BY_KEY[key].example] for key in keys}


def assessment_steps(service, **scope_changes):
    """Every step of the 新办安全评估 flow, filled in and valid (no documents)."""
    return {
        "scope": assessment_scope(service, **scope_changes),
        "management": {"manager_name": ["张建国"], "manager_mobile": ["13905781234"], "reviewer_count": ["6"],
                       "reviewer_names": ["李秀英\n王志强"], **_situations(("people", "organisation", "identity"))},
        "measures": {"log_items": list(assessments.LOG_ITEMS), "log_months": ["6"],
                     "complaint_channel": ["0578-2123456，jubao@lsly.cn"],
                     **_situations(("logs", "illegal", "privacy", "complaints", "support"))},
        "conclusion": {"conclusion": ["各项安全措施已落实，违法有害信息能够及时发现和处置，安全风险可控。"],
                       "promise": ["y"]},
    }
