"""Table tests for the APP and 小程序 rules of forms/rules.py: pure functions, no Flask."""
import base64

import pytest

from forms.rules import (
    APP_PLATFORM_BY_KEY, APP_PLATFORMS, MINIAPP_PLATFORM_BY_KEY, MINIAPP_PLATFORMS, RULES,
    check_app_name, check_channel, check_fingerprint, check_icp_number, check_intro,
    check_miniapp_id, check_package_name, check_public_key, check_sdk, normalize_fingerprint,
)

MD5 = "D5:E9:04:26:18:CF:05:24:56:41:54:34:4A:76:D7:95"
SHA1 = "25:69:A5:74:1D:AF:C2:DC:0D:22:B6:DB:74:12:34:73:67:BE:FD:5B"
SHA256 = "BE:22:90:B7:57:D3:E0:9C:A1:87:07:FD:D5:5F:AC:07:12:09:45:16:E1:20:ED:9C:52:C2:4B:76:77:D7:B4:30"


def assert_result(result, expected):
    """expected None: the rule passes; a string: the message contains it."""
    if expected is None:
        assert result is None, result
    else:
        assert result is not None, f"expected a message containing {expected!r}"
        assert expected in result, result


# ---------------------------------------------------------------------------
# Platforms
# ---------------------------------------------------------------------------

def test_app_platforms():
    assert [p.key for p in APP_PLATFORMS] == ["android", "ios", "harmony", "linux", "other"]
    assert [p.label for p in APP_PLATFORMS] == ["安卓", "iOS", "鸿蒙", "Linux", "其他"]
    assert {p.key: p.fingerprint_algo for p in APP_PLATFORMS} == {
        "android": "MD5", "ios": "SHA-1", "harmony": "SHA-256", "linux": "SHA-256", "other": "SHA-256"}
    assert APP_PLATFORM_BY_KEY["ios"].id_label == "Bundle ID"
    assert APP_PLATFORM_BY_KEY["other"].id_label == "应用标识"


@pytest.mark.parametrize("platform", APP_PLATFORMS, ids=lambda p: p.key)
def test_an_app_platforms_examples_pass_its_own_checks(platform):
    assert check_package_name(platform.id_example, platform.key) is None
    assert check_fingerprint(platform.fingerprint_example, platform.fingerprint_algo) is None


def test_miniapp_platforms():
    assert [p.label for p in MINIAPP_PLATFORMS] == ["微信", "支付宝", "百度", "抖音", "快手", "其他"]
    assert MINIAPP_PLATFORM_BY_KEY["wechat"].example == "wx1234567890abcdef"


@pytest.mark.parametrize("platform", MINIAPP_PLATFORMS, ids=lambda p: p.key)
def test_a_miniapp_platforms_example_passes_only_there(platform):
    assert check_miniapp_id(platform.example, platform.key) is None
    for other in MINIAPP_PLATFORMS:
        if other.key not in (platform.key, "other"):
            assert check_miniapp_id(platform.example, other.key), (platform.key, other.key)


def test_the_app_rules_are_on_the_public_page():
    codes = {rule.code for rule in RULES}
    assert {"package_name", "fingerprint", "public_key", "miniapp_id", "app_name", "intro"} <= codes
    icp = next(rule for rule in RULES if rule.code == "icp_number")
    for context in ("APP：", "小程序："):
        assert any(e.startswith(context) for e in icp.good), context
        assert any(e.startswith(context) for e in icp.bad), context


@pytest.mark.parametrize("value,kind,expected", [
    ("浙ICP备20018325号-12A", "app", None),
    ("京ICP备2021012345号-3X", "miniprogram", None),
    ("京ICP备2021012345号-3X", "app", "APP"),
    ("浙ICP备20018325号-12A", "miniprogram", "小程序"),
])
def test_icp_numbers_of_apps_and_miniprograms(value, kind, expected):
    assert_result(check_icp_number(value, kind=kind), expected)


# ---------------------------------------------------------------------------
# 包名 / Bundle ID
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,platform,expected", [
    ("com.example.lvyou", "android", None),
    ("  com.example.lvyou  ", "android", None),
    ("cn.gov.zj.ls_bsdt", "android", None),
    ("com.Example.LvYou2", "android", None),
    ("a" + ".b" * 127, "android", None),                        # 255 characters
    ("com.example lvyou", "android", "包名不能含有空格"),
    ("com.example.\tlvyou", "android", "包名不能含有空格"),
    ("ｃｏｍ.example.lvyou", "android", "全角字符“ｃ”"),
    ("com．example．lvyou", "android", "全角字符“．”"),
    ("com。example。lvyou", "android", "全角字符“。”"),
    ("com.例子.lvyou", "android", "只能由英文字母、数字、下划线"),
    ("com-example.lvyou", "android", "只能由英文字母、数字、下划线"),
    ("lvyou", "android", "至少有2段"),
    ("com..lvyou", "android", "不能连用"),
    (".com.lvyou", "android", "不能连用"),
    ("com.lvyou.", "android", "不能连用"),
    ("com.example.1lvyou", "android", "“1lvyou”不是"),
    ("com.example._lvyou", "android", "以英文字母开头"),
    ("com.example.new", "android", "Java关键字“new”"),
    ("a" + ".b" * 128, "android", "安卓包名不能超过255个字符（当前257个）"),
    ("", "android", "请填写包名"),
    (None, "android", "请填写包名"),
    ("com.exa\u200bmple.lvyou", "android", "看不见的字符"),
    ("com.example.LvYou-iOS", "ios", None),
    ("com.example.2048", "ios", None),
    ("com.example.lv_you", "ios", "只能由英文字母、数字、连字符"),
    ("lvyou", "ios", "Bundle ID应至少有2段"),
    ("com.example lvyou", "ios", "Bundle ID不能含有空格"),
    ("com." + "a" * 152, "ios", "Bundle ID不能超过155个字符（当前156个）"),
    ("com.example.lvyou", "harmony", None),
    ("com.a.b", "harmony", None),                                # 7 characters
    ("com.lvyou", "harmony", "至少有3段"),
    ("1com.example.lvyou", "harmony", "鸿蒙包名应以英文字母开头"),
    ("com.example.lv-you", "harmony", "只能由英文字母、数字、下划线"),
    ("com.example." + "a" * 117, "harmony", "鸿蒙包名应为7至128个字符（当前129个）"),
    ("lvyou-client", "linux", None),
    ("org.example.LvYou_2", "linux", None),
    ("lvyou client", "linux", "包名不能含有空格"),
    ("lvyou/client", "linux", "只能由英文字母、数字、点"),
    ("com.example.lvyou", "other", None),
    ("lvyou..client", "other", "不能连用"),
    ("a" * 129, "other", "其他应用标识不能超过128个字符"),
])
def test_check_package_name(value, platform, expected):
    assert_result(check_package_name(value, platform), expected)


def test_unknown_app_platform_is_a_programming_error():
    with pytest.raises(ValueError):
        check_package_name("com.example.lvyou", "windows")


# ---------------------------------------------------------------------------
# 签名证书指纹
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,algo,expected", [
    (MD5, "MD5", None),
    (MD5.replace(":", ""), "MD5", None),
    (MD5.replace(":", " ").lower(), "MD5", None),
    (f"  {MD5}  ", "MD5", None),
    (MD5.replace(":", "："), "MD5", None),                      # full-width colons
    ("Ｄ５" + MD5[2:], "MD5", None),                              # full-width digits and letters
    ("d5e9 0426 18cf 0524 5641 5434 4a76 d795", "MD5", None),
    (SHA1, "SHA-1", None),
    (SHA256, "SHA-256", None),
    (MD5[:-1], "MD5", "MD5签名指纹应为32位十六进制字符（当前31位）"),
    (SHA1 + "0", "SHA-1", "SHA-1签名指纹应为40位十六进制字符（当前41位）"),
    (SHA256[:-3], "SHA-256", "SHA-256签名指纹应为64位十六进制字符（当前62位）"),
    (SHA1, "MD5", "您填写的像是SHA-1指纹"),
    (MD5, "SHA-256", "您填写的像是MD5指纹"),
    ("G" + MD5[1:], "MD5", "“G”不是十六进制字符"),
    (MD5.replace(":", "-"), "MD5", "“-”不是十六进制字符"),
    ("D:5E9" + MD5[5:], "MD5", "只能隔在每两位之间"),
    ("", "MD5", "请填写MD5签名指纹"),
])
def test_check_fingerprint(value, algo, expected):
    assert_result(check_fingerprint(value, algo), expected)


def test_unknown_fingerprint_algorithm_is_a_programming_error():
    with pytest.raises(ValueError):
        check_fingerprint(MD5, "SHA-512")


@pytest.mark.parametrize("value,expected", [
    (MD5, MD5),
    (MD5.replace(":", "").lower(), MD5),
    ("d5 e9 04 26 18 cf 05 24 56 41 54 34 4a 76 d7 95", MD5),
    ("  ｄ５：ｅ９ ", "D5:E9"),
    ("", ""),
    (None, ""),
])
def test_normalize_fingerprint(value, expected):
    assert normalize_fingerprint(value) == expected


# ---------------------------------------------------------------------------
# 公钥
# ---------------------------------------------------------------------------

def key_bytes(size: int) -> bytes:
    """Bytes whose base64 has letters beyond A–F: all-zero bytes encode as "AAAA", which is hex."""
    return bytes(i % 256 for i in range(size))


KEY_BYTES = key_bytes(91)
KEY_BASE64 = base64.b64encode(KEY_BYTES).decode()
KEY_HEX = KEY_BYTES.hex().upper()


def pem(body: str, kind: str = "PUBLIC KEY") -> str:
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {kind}-----", *lines, f"-----END {kind}-----"])


@pytest.mark.parametrize("value,expected", [
    (KEY_HEX, None),
    (KEY_HEX.lower(), None),
    (":".join(KEY_HEX[i:i + 2] for i in range(0, len(KEY_HEX), 2)), None),
    (" ".join(KEY_HEX[i:i + 32] for i in range(0, len(KEY_HEX), 32)), None),
    ("AB" * 64, None),                                          # 128 hex digits
    ("AB" * 2048, None),                                        # 4096
    (KEY_BASE64, None),
    (pem(KEY_BASE64), None),
    (pem(KEY_BASE64, "RSA PUBLIC KEY"), None),
    (base64.b64encode(key_bytes(64)).decode(), None),
    (base64.b64encode(key_bytes(2048)).decode(), None),
    ("AB" * 63, "十六进制公钥应为128至4096位且为双数（当前126位）"),
    ("AB" * 64 + "C", "当前129位"),
    ("AB" * 2049, "当前4098位"),
    (base64.b64encode(key_bytes(63)).decode(), "公钥解码后应为64至2048字节（当前63字节）"),
    (base64.b64encode(key_bytes(2049)).decode(), "当前2049字节"),
    (KEY_BASE64[:-2], "Base64"),                                # padding cut off
    ("见签名证书附件", "Base64"),
    (pem(KEY_BASE64, "PRIVATE KEY"), "这是私钥"),
    (pem(KEY_BASE64, "RSA PRIVATE KEY"), "这是私钥"),
    (pem(KEY_BASE64, "CERTIFICATE"), "不要填写整个证书"),
    ("ＡＢ" * 64, "全角字符"),
    ("", "请填写公钥"),
])
def test_check_public_key(value, expected):
    assert_result(check_public_key(value), expected)


# ---------------------------------------------------------------------------
# 小程序 AppID
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,platform,expected", [
    ("wx1234567890abcdef", "wechat", None),
    ("  wx1234567890abcdef ", "wechat", None),
    ("2021001234567890", "alipay", None),
    ("16386049", "baidu", None),
    ("1638604912", "baidu", None),
    ("tt1a2b3c4d5e6f7a8b", "douyin", None),
    ("ks671234567890123456", "kuaishou", None),
    ("ks123456789012345", "kuaishou", None),
    ("app_20240001", "other", None),
    ("1109123456", "other", None),                              # a QQ 小程序 under 其他
    ("wx1234567890abcdef", "other", None),
    ("tt1a2b3c4d5e6f7a8b", "wechat", "这是抖音小程序的AppID（以tt开头），承载平台选择的是微信"),
    ("wx1234567890abcdef", "douyin", "这是微信小程序的AppID（以wx开头），承载平台选择的是抖音"),
    ("wx1234567890abcdef", "alipay", "承载平台选择的是支付宝"),
    ("2021001234567890", "wechat", "这是支付宝小程序的AppID"),
    ("ks671234567890123456", "baidu", "这是快手小程序的AppID（以ks开头）"),
    ("16386049", "kuaishou", "这是百度小程序的AppID"),
    ("wx1234567890abcde", "wechat", "微信小程序的AppID应为wx加16位十六进制字符，如 wx1234567890abcdef"),
    ("wx1234567890ABCDEF", "wechat", "应为wx加16位十六进制字符"),
    ("wx1234567890abcdeg", "wechat", "应为wx加16位十六进制字符"),
    ("1021001234567890", "alipay", "支付宝小程序的AppID应为以20开头的16位数字"),
    ("1234567", "baidu", "百度小程序的AppID应为8至10位数字"),
    ("tt12345", "douyin", "抖音小程序的AppID应为tt加16位十六进制字符"),
    ("ks12345", "kuaishou", "快手小程序的AppID应为ks加15至20位数字"),
    ("a" * 65, "other", "1至64位"),
    ("app.2024", "other", "1至64位"),
    ("wx 1234567890abcdef", "wechat", "AppID不能含有空格"),
    ("ｗｘ1234567890abcdef", "wechat", "全角字符“ｗ”"),
    ("", "wechat", "请填写AppID"),
])
def test_check_miniapp_id(value, platform, expected):
    assert_result(check_miniapp_id(value, platform), expected)


def test_unknown_miniapp_platform_is_a_programming_error():
    with pytest.raises(ValueError):
        check_miniapp_id("wx1234567890abcdef", "qq")


# ---------------------------------------------------------------------------
# 名称, 简介, SDK, 分发渠道
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("丽水旅游", None),
    ("  莲都智慧停车  ", None),
    ("LvYou Guide", None),
    ("丽水公交2", None),
    ("WhatsApp", None),
    ("ｌｖｙｏｕ旅游", None),                                     # full-width letters count as letters
    ("游", "名称应为2至30个字（当前1个字）"),
    ("丽" * 31, "名称应为2至30个字（当前31个字）"),
    ("123456", "不能只有数字或符号"),
    ("!!!", "不能只有数字或符号"),
    ("１２３４５６", "不能只有数字或符号"),
    ("www.lsly.cn", "域名或网址"),
    ("lsly.cn", "域名或网址"),
    ("https://lsly.cn/app", "域名或网址"),
    ("测试", "真实名称"),
    ("test", "真实名称"),
    ("TEST", "真实名称"),
    ("demo", "真实名称"),
    ("Demo App", "真实名称"),
    ("测试APP", "真实名称"),
    ("测试小程序2", "真实名称"),
    ("未命名", "真实名称"),
    ("未命名小程序", "真实名称"),
    ("小程序", "真实名称"),
    ("某某", "真实名称"),
    ("", "请填写名称"),
])
def test_check_app_name(value, expected):
    assert_result(check_app_name(value), expected)


INTRO = "提供丽水市景点介绍、门票预订、酒店查询和旅游线路推荐等服务。"


@pytest.mark.parametrize("value,kwargs,expected", [
    (INTRO, {}, None),
    ("字" * 20, {}, None),
    ("字" * 200, {}, None),
    ("丽水旅游景点门票预订服务", {}, "简介应为20至200个字（当前12个字）"),
    ("字" * 201, {}, "当前201个字"),
    ("字" * 10 + "\n\n\n\n\n\n\n\n\n\n", {}, "当前10个字"),    # trailing blank lines trimmed
    ("字" * 10 + "          " + "字" * 5, {}, "当前16个字"),     # a run of spaces counts as one
    ("字" * 10, {"min_chars": 10, "max_chars": 50}, None),
    ("字" * 51, {"min_chars": 10, "max_chars": 50}, "简介应为10至50个字（当前51个字）"),
    ("", {}, "请填写简介"),
])
def test_check_intro(value, kwargs, expected):
    assert_result(check_intro(value, **kwargs), expected)


@pytest.mark.parametrize("name,vendor,purpose,expected", [
    ("", "", "", None),
    (None, None, None, None),
    ("高德地图SDK", "高德软件有限公司", "定位和地图展示", None),
    ("微信OpenSDK", "", "", "请填写SDK提供方、使用目的"),
    ("", "腾讯", "分享", "请填写SDK名称"),
    ("极光推送", "深圳市和讯华谷信息技术有限公司", "  ", "请填写使用目的"),
    ("S" * 61, "高德", "定位", "SDK名称不能超过60个字（当前61个字）"),
    ("高德地图SDK", "高德", "定" * 61, "使用目的不能超过60个字"),
    ("高德地图SDK", "高\u200b德", "定位", "看不见的字符"),
])
def test_check_sdk(name, vendor, purpose, expected):
    assert_result(check_sdk(name, vendor, purpose), expected)


@pytest.mark.parametrize("value,expected", [
    ("华为应用市场", None),
    ("App Store", None),
    ("https://appgallery.huawei.com/app/C100000000", None),
    ("http://www.lsly.cn/download", None),
    ("HTTPS://lsly.cn", None),
    ("应", "分发渠道应为2至60个字（当前1个字）"),
    ("https://lsly.cn/" + "a" * 50, "当前66个字"),
    ("www.lsly.cn/download", "http:// 或 https://"),
    ("lsly.cn", "http:// 或 https://"),
    ("ftp://lsly.cn/app.apk", "http:// 或 https://"),
    ("https://localhost", "http:// 或 https://"),
    ("123", "应用市场的名称"),
    ("", "请填写分发渠道"),
])
def test_check_channel(value, expected):
    assert_result(check_channel(value), expected)
