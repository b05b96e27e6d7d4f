"""Table tests for forms/rules.py: pure functions, no Flask, no database."""
import datetime
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from forms import rules
from forms.rules import (
    CERT_TYPES, ICP_PROVINCE_ABBR, PRE_APPROVAL_ITEMS, PROVINCE_ABBR, RULES, USCC_ALPHABET,
    USCC_AUTHORITIES, check_address_detail, check_cert_type_fits, check_control_chars,
    check_domain, check_id_document, check_investor, check_domain_not_filed, check_home_in_domains, check_icp_number,
    check_id_number, check_image, check_ip, check_ip_line, check_ip_range, check_landline,
    check_mobile, check_person_name, check_site_name, check_unit_name,
    check_unit_name_fits_nature, check_uscc, id_check_digit, mask_id_number, normalize_domain,
    normalize_id_number, normalize_mobile, normalize_person_name, normalize_uscc,
    reencode_image, shorten, uscc_check_digit,
)

TODAY = datetime.date(2025, 6, 1)
# No example database: the property tests must not write files into the project.
property_test = settings(max_examples=150, deadline=None, database=None)


def assert_result(result, expected):
    """expected None: the rule passes; a string: the message contains it."""
    if expected is None:
        assert result is None, result
    else:
        assert result is not None, f"expected a message containing {expected!r}"
        assert expected in result, result


def make_id(region: str, birth: datetime.date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


def make_uscc(body: str) -> str:
    return body + uscc_check_digit(body)


# ---------------------------------------------------------------------------
# RULES: the public page's examples are the code's behaviour
# ---------------------------------------------------------------------------

EXAMPLES = [(rule, example, kind) for rule in RULES if rule.check
            for kind, examples in (("good", rule.good), ("bad", rule.bad))
            for example in examples]


@pytest.mark.parametrize("rule,example,kind", EXAMPLES,
                         ids=[f"{r.code}-{k}-{e}" for r, e, k in EXAMPLES])
def test_rules_page_examples(rule, example, kind):
    result = rule.check(example)
    if kind == "good":
        assert result is None, f"{rule.code}: {example!r} should pass, got {result!r}"
    else:
        assert result, f"{rule.code}: {example!r} should fail"


def test_rules_table_is_complete():
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    assert {"id_number", "uscc", "cert_type", "mobile", "landline", "person_name", "unit_name",
            "unit_name_nature", "address", "site_name", "domain", "ip", "ip_range",
            "icp_number", "image", "control_chars", "id_document", "investor"} <= set(codes)
    for rule in RULES:
        assert rule.title and rule.text and rule.good and rule.bad, rule.code
    # Only the upload rule has descriptive examples instead of checkable ones.
    assert [r.code for r in RULES if r.check is None] == ["image"]


def test_every_public_function_has_a_docstring():
    public = [getattr(rules, n) for n in dir(rules) if not n.startswith("_")]
    functions = [f for f in public if callable(f) and getattr(f, "__module__", "") == rules.__name__]
    assert functions
    for function in functions:
        assert function.__doc__ and function.__doc__.strip(), function.__name__


# ---------------------------------------------------------------------------
# Control characters: refused in every text field
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,multiline,expected", [
    ("丽水市云岭科技有限公司", False, None),
    ("张建国\x00", False, "控制字符"),
    ("\x00", False, "控制字符"),
    ("丽水\x1b云岭", False, "控制字符"),
    ("丽水\x07", True, "控制字符"),
    ("丽水\x7f", False, "控制字符"),
    ("丽水\x85", False, "控制字符"),                     # NEL, a C1 control
    ("张\t建国", False, "控制字符"),                      # a single-line input has no tab
    ("第一行\n第二行", False, "控制字符"),
    ("第一行\r\n第二行\t注", True, None),              # a text area keeps lines and tabs
    ("第一行\x00", True, "控制字符"),
    ("张\u200b伟", False, None),                         # not Cc: the rules' invisible-character check
    ("", False, None),
    (None, False, None),
])
def test_check_control_chars(value, multiline, expected):
    assert_result(check_control_chars(value, multiline=multiline), expected)
    if expected:
        assert check_control_chars(value, multiline=multiline) == "含有不可见的控制字符，请删除后重新输入"


# ---------------------------------------------------------------------------
# 居民身份证
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("11010519491231002X", None),
    ("11010519491231002x", None),
    ("  11010519491231002X  ", None),
    ("１１０１０５１９４９１２３１００２Ｘ", None),          # full-width
    ("１１０１０５１９４９１２３１００２ｘ", None),
    ("33010619900101123X", None),
    ("65282920000229001X", None),                     # 29 Feb of a leap year
    ("110105194912310021", "校验位错误"),
    ("110105194912310029", "校验位错误"),
    ("110105491231002", "15位"),
    ("110105 19491231002X", "中间不能有空格"),
    ("1101051949\u200b1231002X", "看不见的字符"),
    ("\ufeff11010519491231002X", "看不见的字符"),
    ("1101051949123100", "应为18位"),
    ("11010519491231002XX", "应为18位"),
    ("11010519491231A02X", "前17位应为数字"),
    ("440524188001010014", "早于1900年"),
    ("110105209901011234", "晚于今天"),
    ("330106199002301239", "出生日期不存在"),
    ("999999199001011238", "地区代码不存在"),
    ("", "请填写身份证号码"),
    (None, "请填写身份证号码"),
])
def test_check_id_number(value, expected):
    assert_result(check_id_number(value, today=TODAY), expected)


def test_id_birth_date_boundaries():
    assert check_id_number(make_id("110105", datetime.date(1900, 1, 1), 1), today=TODAY) is None
    assert check_id_number(make_id("110105", TODAY, 1), today=TODAY) is None
    tomorrow = make_id("110105", TODAY + datetime.timedelta(days=1), 1)
    assert "晚于今天" in check_id_number(tomorrow, today=TODAY)


def test_id_future_birth_date_is_the_stdnum_gap_we_close():
    future = make_id("110105", datetime.date(2099, 1, 1), 123)
    assert stdnum_ric.is_valid(future)
    assert "晚于今天" in check_id_number(future)


def test_id_region_known_even_if_renamed_after_birth():
    # 330110 余杭区 exists since 2001; people born earlier keep such numbers.
    assert check_id_number(make_id("330110", datetime.date(1995, 5, 5), 12)) is None


@pytest.mark.parametrize("value,expected", [
    (" １１０１０５１９４９１２３１００２ｘ ", "11010519491231002X"),
    ("11010519491231002x", "11010519491231002X"),
    (None, ""),
])
def test_normalize_id_number(value, expected):
    assert normalize_id_number(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("33010619900101123X", "3301**********123X"),
    ("33010619900101123x", "3301**********123X"),
    ("1234567", "*******"),
])
def test_mask_id_number(value, expected):
    assert mask_id_number(value) == expected


ID_REGIONS = ["110105", "110108", "330106", "331102", "652829", "440305", "510104", "520102"]
ID_CHARS = "0123456789X"


@st.composite
def valid_ids(draw):
    region = draw(st.sampled_from(ID_REGIONS))
    birth = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY))
    return make_id(region, birth, draw(st.integers(0, 999)))


@property_test
@given(number=valid_ids(), position=st.integers(0, 17), char=st.sampled_from(ID_CHARS))
def test_id_number_checksum_property(number, position, char):
    assert check_id_number(number, today=TODAY) is None
    if char != number[position]:
        changed = number[:position] + char + number[position + 1:]
        assert check_id_number(changed, today=TODAY) is not None, changed


# ---------------------------------------------------------------------------
# The other documents a person may hold: 护照, 港澳/台湾 permits, 外国人永久居留身份证
# ---------------------------------------------------------------------------

FOREIGN_PR = "933840198506011236"     # 2023 card: 9, province 33, country 840, 1985-06-01, 123, check 6


@pytest.mark.parametrize("id_type,value,expected", [
    ("护照", "E12345678", None),
    ("护照", "G12345678", None),
    ("护照", "e12345678", None),
    ("护照", "ＥＡ１２３４５６７", None),                  # full-width
    ("护照", "123456789", None),                         # many countries: digits only
    ("护照", "C03005988", None),
    ("护照", "AB12", "5至17位"),
    ("护照", "A" * 17 + "1", "5至17位"),
    ("护照", "ABCDEFGH", "含有数字"),
    ("护照", "E-12345678", "字母和数字"),
    ("护照", "E 12345678", "空格"),
    ("护照", "11010519491231002X", "居民身份证号码"),
    ("护照", "", "请填写护照号码"),
    ("港澳居民来往内地通行证", "H12345678", None),
    ("港澳居民来往内地通行证", "M1234567890", None),
    ("港澳居民来往内地通行证", "h12345678", None),
    ("港澳居民来往内地通行证", "12345678", "H12345678"),
    ("港澳居民来往内地通行证", "H1234567", "8位或10位"),
    ("港澳居民来往内地通行证", "H123456789", "8位或10位"),
    ("港澳居民来往内地通行证", "K12345678", "H（香港）或M（澳门）"),
    ("台湾居民来往大陆通行证", "12345678", None),
    ("台湾居民来往大陆通行证", "1234567890", None),
    ("台湾居民来往大陆通行证", "H12345678", "8位或10位数字"),
    ("台湾居民来往大陆通行证", "123456789", "8位或10位数字"),
    ("外国人永久居留身份证", FOREIGN_PR, None),
    ("外国人永久居留身份证", "USA110185060123", None),
    ("外国人永久居留身份证", "usa110185060123", None),
    ("外国人永久居留身份证", FOREIGN_PR[:-1] + "7", "校验位"),
    ("外国人永久居留身份证", "833840198506011236", "以9开头"),
    ("外国人永久居留身份证", "US1110185060123", "3位字母加12位数字"),
    ("外国人永久居留身份证", "USA11018506012", "3位字母加12位数字"),
    ("外国人永久居留身份证", "11010519491231002X", "居民身份证号码"),
    ("居民身份证", "11010519491231002X", None),
    ("居民身份证", "110105194912310021", "校验位"),
    ("居民身份证", "E12345678", "18位"),
    ("其他证件", "E12345678", None),                      # an unknown type is its own field's error
])
def test_check_id_document(id_type, value, expected):
    assert_result(check_id_document(id_type, value), expected)


@pytest.mark.parametrize("id_type", rules.PERSON_ID_TYPES[1:])
def test_a_document_message_shows_a_number_that_passes(id_type):
    message = check_id_document(id_type, "？")
    examples = re.findall(r"[A-Z0-9]{5,}", message)
    assert examples and all(check_id_document(id_type, e) is None for e in examples), message


# ---------------------------------------------------------------------------
# 统一社会信用代码
# ---------------------------------------------------------------------------

LETTER_LED = [make_uscc("N2331102MA28K3L10"), make_uscc("Y1330106MA2B7X0Q1"),
              make_uscc("A1110000MB1234567")]


@pytest.mark.parametrize("value,expected", [
    ("91110000802100433B", None),
    ("91330106673959654P", None),
    ("91110000600037341L", None),
    ("91110000802100433b", None),                     # lower case
    ("９１１１００００８０２１００４３３Ｂ", None),        # full-width
    (LETTER_LED[0], None),
    (LETTER_LED[1], None),
    (LETTER_LED[2], None),
    ("91110000802100433A", "校验位错误"),
    ("9111000080210043", "应为18位"),
    ("91110000802100433BB", "应为18位"),
    ("91110000802I00433B", "不允许的字符“I”"),
    ("91110000802O00433B", "不允许的字符“O”"),
    ("B1110000802100433B", "第1位"),
    ("911A0000802100433B", "第3至8位"),
    ("9111 0000802100433B", "中间不能有空格"),
    ("91110000\u200b802100433B", "看不见的字符"),
    ("11010519491231002X", "居民身份证号码"),
    ("", "请填写统一社会信用代码"),
])
def test_check_uscc(value, expected):
    assert_result(check_uscc(value), expected)


def test_letter_led_uscc_is_the_stdnum_gap_we_close():
    for code in LETTER_LED:
        assert not stdnum_uscc.is_valid(code)
        assert check_uscc(code) is None


def test_uscc_check_digit_agrees_with_stdnum_for_digit_led_codes():
    for code in ("91110000802100433B", "91330106673959654P", "91110000600037341L"):
        assert uscc_check_digit(code) == stdnum_uscc.calc_check_digit(code[:17]) == code[-1]


def test_normalize_uscc():
    assert normalize_uscc(" ９１１１００００８０２１００４３３ｂ ") == "91110000802100433B"


@st.composite
def valid_usccs(draw, authorities=tuple(USCC_AUTHORITIES)):
    body = (draw(st.sampled_from(authorities)) + draw(st.sampled_from(USCC_ALPHABET))
            + draw(st.text("0123456789", min_size=6, max_size=6))
            + draw(st.text(USCC_ALPHABET, min_size=9, max_size=9)))
    return make_uscc(body)


USCC_SUBSTITUTES = USCC_ALPHABET + "IOZSV"


@property_test
@given(code=valid_usccs(), position=st.integers(0, 17), char=st.sampled_from(USCC_SUBSTITUTES))
def test_uscc_checksum_property(code, position, char):
    assert check_uscc(code) is None
    if char != code[position]:
        changed = code[:position] + char + code[position + 1:]
        assert check_uscc(changed) is not None, changed


@settings(property_test, max_examples=50)
@given(code=valid_usccs(authorities=("A", "N", "Y")))
def test_letter_led_usccs_pass(code):
    assert check_uscc(code) is None


# ---------------------------------------------------------------------------
# Certificate type vs subject
# ---------------------------------------------------------------------------

def test_cert_types_constant():
    assert CERT_TYPES["企业单位"] == ["统一社会信用代码"]
    assert CERT_TYPES["个人"] == ["居民身份证"]
    assert set(CERT_TYPES) == {"个人", *rules.UNIT_KINDS}
    assert all("统一社会信用代码" in types for kind, types in CERT_TYPES.items() if kind != "个人")


@pytest.mark.parametrize("nature,kind,cert_type,number,expected", [
    ("单位", "企业单位", "统一社会信用代码", "91330106673959654P", None),
    ("单位", "企业单位", "统一社会信用代码", make_uscc("92331102MA28K3L10"), None),  # 个体工商户
    ("单位", "事业单位", "统一社会信用代码", "12330000470051726F", None),
    ("单位", "事业单位", "事业单位法人证书", "事证第133000000123号", None),
    ("单位", "事业单位", "事业单位法人证书", "12330000470051726F", None),
    ("单位", "政府机构", "统一社会信用代码", make_uscc("11330100002497033"), None),
    ("单位", "政府机构", "组织机构代码证", "00249703-0", None),
    ("单位", "政府机构", "组织机构代码证", "802100433", None),
    ("单位", "社会团体", "社会团体法人登记证书", "浙社证字第0123号", None),
    ("单位", "社会团体", "统一社会信用代码", make_uscc("51330000MJ8812345"), None),
    ("单位", "军队院校", "军队代号", "12345部队", None),
    ("单位", "军队院校", "军队代号", "12345", None),
    ("个人", "", "居民身份证", "11010519491231002X", None),
    ("个人", None, "居民身份证", "11010519491231002x", None),
    ("单位", "企业单位", "居民身份证", "11010519491231002X", "只能是：统一社会信用代码"),
    ("单位", "企业单位", "军队代号", "12345", "只能是：统一社会信用代码"),
    ("单位", "企业单位", "统一社会信用代码", "11010519491231002X", "居民身份证号码"),
    ("单位", "事业单位", "事业单位法人证书", "11010519491231002X", "居民身份证号码"),
    ("单位", "企业单位", "统一社会信用代码", "91330106673959654Q", "校验位错误"),
    ("单位", "企业单位", "统一社会信用代码", "12330000470051726F", "表示事业单位"),
    ("单位", "政府机构", "统一社会信用代码", "91330106673959654P", "表示企业"),
    ("单位", "事业单位", "统一社会信用代码", make_uscc("11330100002497033"), "表示机关"),
    ("单位", "政府机构", "组织机构代码证", "80210043-4", "校验位错误"),
    ("单位", "事业单位", "事业单位法人证书", "事证第123号", "格式不正确"),
    ("单位", "军队院校", "军队代号", "部队", "5位数字"),
    ("个人", None, "统一社会信用代码", "91330106673959654P", "只能是：居民身份证"),
    ("个人", None, "居民身份证", "91330106673959654P", "统一社会信用代码"),
    ("个人", None, "居民身份证", "110105194912310021", "校验位错误"),
    ("公司", "企业单位", "统一社会信用代码", "91330106673959654P", "主体性质"),
    ("单位", "外资企业", "统一社会信用代码", "91330106673959654P", "单位性质"),
    ("单位", "企业单位", "统一社会信用代码", "", "请填写证件号码"),
    ("单位", "政府机构", "组织机构代码证", None, "请填写证件号码"),
])
def test_check_cert_type_fits(nature, kind, cert_type, number, expected):
    assert_result(check_cert_type_fits(nature, kind, cert_type, number), expected)


# ---------------------------------------------------------------------------
# Telephones
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("13800138000", None),
    ("19912345678", None),
    ("+8613800138000", None),
    ("8613800138000", None),
    ("008613800138000", None),
    ("138 0013 8000", None),
    ("138-0013-8000", None),
    ("１３８００１３８０００", None),
    ("12345678901", "请填写真实的手机号码"),          # a run, not an unknown range
    ("10012345678", "号段不存在"),
    ("00000000000", "请填写真实的手机号码"),
    ("11111111111", "请填写真实的手机号码"),
    ("01234567890", "请填写真实的手机号码"),
    ("98765432109", "请填写真实的手机号码"),
    ("05782786359", "固定电话"),
    ("010-62751234", "固定电话"),
    ("0000", "11位"),
    ("0578-278635", "11位"),                         # not a landline either
    ("1380013800", "11位"),
    ("138001380001", "11位"),
    ("0578-2786359", "固定电话"),
    ("1380013800a", "11位"),
    ("138\u200b00138000", "看不见的字符"),
    ("", "请填写手机号码"),
])
def test_check_mobile(value, expected):
    assert_result(check_mobile(value), expected)


@pytest.mark.parametrize("value", ["00000000000", "01234567890", "0000", "0578-278635"])
def test_mobile_called_landline_only_when_it_is_one(value):
    assert "固定电话" not in check_mobile(value)


@pytest.mark.parametrize("value,expected", [
    ("+86 138-0013-8000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("86123", "86123"),
])
def test_normalize_mobile(value, expected):
    assert normalize_mobile(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("0578-2786359", None),
    ("0996-2903895", None),
    ("010-62751234", None),
    ("021-61234567-123", None),
    ("0755 86013388", None),
    ("(0578)2786359", None),
    ("（0578）2786359", None),
    ("05782786359", None),
    ("0578-2786359转8001", None),
    ("010-00000000", "相同的数字"),
    ("0571-88888888", "相同的数字"),
    ("0578-2222222", "相同的数字"),
    ("010-12345678", "连续数字"),
    ("0571-87654321", "连续数字"),
    ("0578-2345678", "连续数字"),
    ("13800138000", "不能填写手机号码"),
    ("+86 138 0013 8000", "不能填写手机号码"),
    ("2786359", "区号"),
    ("0578-278635", "区号"),
    ("0578-27863590", "号码无效"),
    ("010-6275123", "号码无效"),
    ("400-123-4567", "区号"),
    ("", "请填写办公电话"),
])
def test_check_landline(value, expected):
    assert_result(check_landline(value), expected)


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("张伟", None),
    ("欧阳建国", None),
    ("王𠮷", None),                                  # CJK Extension B
    ("阿依古丽·买买提", None),
    ("买买提•艾力", None),                             # bullet normalised to ·
    ("爱新觉罗・启星", None),                           # katakana middle dot
    (" 张伟 ", None),
    ("王先生", "称呼"),
    ("李小姐", "称呼"),
    ("赵女士", "称呼"),
    ("陈老师", "称呼"),
    ("刘同志", "称呼"),
    ("孙经理", "称呼"),
    ("刘总", "称呼"),
    ("个人", "称呼"),
    ("本人", "称呼"),
    ("无", "称呼"),
    ("测试", "称呼"),
    ("某某", "称呼"),
    ("某人", "称呼"),
    ("无名氏", "称呼"),
    ("佚名", "称呼"),
    ("不详", "称呼"),
    ("未知", "称呼"),
    ("匿名", "称呼"),
    ("张3", "数字"),
    ("张３", "数字"),
    ("Zhang Wei", "英文字母"),
    ("张Wei", "英文字母"),
    ("张 伟", "空格"),
    ("张\u3000伟", "空格"),
    ("张\u200b伟", "看不见的字符"),
    ("张伟！", "只能由汉字组成"),
    ("·张伟", "间隔号"),
    ("张伟·", "间隔号"),
    ("阿依古丽··买买提", "间隔号"),
    ("张", "2至20个字"),
    ("张" * 21, "2至20个字"),
    ("", "请填写姓名"),
])
def test_check_person_name(value, expected):
    assert_result(check_person_name(value), expected)


OTHER_DOCUMENTS = ["护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"]


@pytest.mark.parametrize("id_type", OTHER_DOCUMENTS)
@pytest.mark.parametrize("value,expected", [
    ("John Smith", None),
    ("Mary-Jane O'Neil", None),
    ("Jean-Luc Picard", None),
    ("J.R.R. Tolkien", None),
    ("John F. Kennedy", None),
    ("D’Angelo Russo", None),                         # typographic apostrophe
    ("JOHN SMITH", None),                             # as the passport's machine line has it
    ("José Núñez", None),
    ("Ｊｏｈｎ Ｓｍｉｔｈ", None),                       # full-width letters
    ("  John   Smith ", None),                        # spaces collapse
    ("陳大文", None),                                  # HK and TW holders often have a Chinese name
    ("约翰·史密斯", None),
    ("John Smith 2", "数字"),
    ("John_Smith", "隔开"),
    ("John--Smith", "隔开"),
    ("-John", "隔开"),
    ("John Smith!", "隔开"),
    ("J", "2至60"),
    ("John " * 13 + "Smith", "2至60"),
    ("陳Tai Man", "不要混写"),
    ("Иван Петров", "拉丁字母"),
    ("Mr Smith", "称呼"),
    ("Ms. Mary Lee", "称呼"),
    ("Test", "代称"),
    ("unknown", "代称"),
    ("无名氏", "称呼"),
    ("王先生", "称呼"),
    ("", "请填写姓名"),
])
def test_a_name_follows_the_holders_document(value, id_type, expected):
    assert_result(check_person_name(value, id_type=id_type), expected)


@pytest.mark.parametrize("id_type", [None, "", "居民身份证", "其他证件"])
@pytest.mark.parametrize("value", ["John Smith", "Mary-Jane O'Neil", "张Wei"])
def test_latin_letters_are_for_other_documents_only(value, id_type):
    assert "英文字母" in check_person_name(value, id_type=id_type)


@pytest.mark.parametrize("value,expected", [
    ("张建国", None),
    ("陈立新", None),
    ("阿依古丽·买买提", None),
    ("John Smith", None),             # a foreign-invested company's 法定代表人; no document is asked
    ("丽水市云岭科技有限公司", "不填单位名称"),
    ("丽水市国有资产监督管理委员会", "不填单位名称"),
    ("阿里巴巴集团", "不填单位名称"),
    ("lsly.cn", "不填单位名称"),
    ("王先生", "称呼"),
    ("无名氏", "称呼"),
    ("张3", "数字"),
    ("张建国\x00", "只能由汉字组成"),              # the forms refuse it first, at their root
    ("", "请填写投资或主管单位"),
])
def test_check_investor_is_a_persons_name(value, expected):
    assert_result(check_investor(value), expected)


def test_one_placeholder_list_for_people_and_units():
    assert set(rules.PLACEHOLDER_NAMES) == {"无名氏", "佚名", "不详", "未知", "匿名", "测试", "某某", "个人",
                                            "本人", "无"}
    for name in rules.PLACEHOLDER_NAMES:
        assert check_person_name(name), name
        assert check_unit_name(name), name
        assert check_unit_name(name + "有限公司"), name


def test_normalize_person_name():
    assert normalize_person_name(" 买买提•艾力 ") == "买买提·艾力"
    assert normalize_person_name(" John \u3000 Smith ") == "John Smith"


@pytest.mark.parametrize("value,kind,expected", [
    ("阿里巴巴（中国）有限公司", "企业单位", None),
    ("丽水市莲都区人民政府", "政府机构", None),
    ("中国石油天然气集团有限公司", "企业单位", None),
    ("TCL科技集团股份有限公司", "企业单位", None),
    ("丽水学院", "事业单位", None),
    ("lsly.cn", "企业单位", "不能填写域名"),
    ("阿里巴巴.com", "企业单位", "不能填写域名"),
    ("中国政府网.中国", "政府机构", "不能填写域名"),
    ("12345678", "企业单位", "数字或编号"),
    ("Alibaba", "企业单位", "英文字母"),
    ("Apple Inc.", "企业单位", "英文字母"),
    ("Alibaba!", "企业单位", "中文全称"),             # punctuation made it pass before
    ("ＡＬＩＢＡＢＡ", "企业单位", "中文全称"),
    ("Alibaba (China) Co., Ltd.", "企业单位", "中文全称"),
    ("#@!~", "企业单位", "中文全称"),
    ("测试公司", "企业单位", "代称"),
    ("未知单位", "企业单位", "代称"),
    ("无名氏有限公司", "企业单位", "代称"),
    ("匿名", "企业单位", "代称"),
    ("个人", "企业单位", "代称"),
    ("不详", "事业单位", "代称"),
    ("丽水市测试技术有限公司", "企业单位", None),      # 测试 inside a real name is fine
    ("91330106673959654P", "企业单位", "证件号码"),
    ("11010519491231002X", "企业单位", "证件号码"),
    ("丽水旅游网", "企业单位", "网站名称"),
    ("某某科技有限公司", "企业单位", "某某"),
    ("丽水公司", "企业单位", None),
    ("某公司", "企业单位", "某某"),
    ("公司", "企业单位", "过短"),
    ("丽水学院", "事业单位", None),
    ("学院", "事业单位", "事业单位法人证书"),
    ("", "企业单位", "请填写单位名称"),
])
def test_check_unit_name(value, kind, expected):
    assert_result(check_unit_name(value, kind), expected)


@pytest.mark.parametrize("name,nature,kind,expected", [
    ("张伟", "个人", None, None),
    ("阿依古丽·买买提", "个人", None, None),
    ("阿里巴巴（中国）有限公司", "单位", "企业单位", None),
    ("丽水市莲都区老王小吃店", "单位", "企业单位", None),
    ("丽水药店", "单位", "企业单位", None),
    ("丽水市公安局", "单位", "政府机构", None),
    ("丽水市莲都区人民政府", "单位", "政府机构", None),
    ("丽水市发展和改革委员会", "单位", "政府机构", None),
    ("国务院办公厅", "单位", "政府机构", None),
    ("中国作家协会", "单位", "社会团体", None),
    ("浙江大华技术股份有限公司", "个人", None, "像是单位名称"),
    ("丽水某某有限责任公司", "个人", None, "像是单位名称"),
    ("浙江省某某集团", "个人", None, "像是单位名称"),
    ("丽水市摄影协会", "个人", None, "像是单位名称"),
    ("丽水实验学校", "个人", None, "像是单位名称"),
    ("浙江省农业科学研究院", "个人", None, "像是单位名称"),
    ("王先生", "个人", None, "称呼"),
    ("欧阳建国", "单位", "企业单位", "像是个人姓名"),
    ("张伟", "单位", "企业单位", "像是个人姓名"),
    ("阿依古丽·买买提", "单位", "社会团体", "像是个人姓名"),
    ("www.lsly.cn", "单位", "企业单位", "域名"),
    ("阿里巴巴（中国）有限公司", "单位", "政府机构", "不像政府机构"),
])
def test_check_unit_name_fits_nature(name, nature, kind, expected):
    assert_result(check_unit_name_fits_nature(name, nature, kind), expected)


# ---------------------------------------------------------------------------
# Address
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("浙江省丽水市莲都区人民街607号", None),
    ("某某乡下村村12号", None),
    ("北京市100081信箱", None),
    ("北京市海淀区中关村南大街5号", None),
    ("上海市黄浦区南京东路100号", None),
    ("浙江省杭州市西湖区文三路一百号", None),
    ("新疆博湖县博湖镇才坎诺尔村", None),
    ("浙江省遂昌县大柘镇大柘村3组", None),
    ("浙江省丽水市莲都区白云街道白云社区", "城镇地址"),
    ("广州市天河区石牌村东六巷12号", None),
    ("博湖县博湖镇", "农村地址须详细到村"),
    ("浙江省遂昌县湖山乡", "农村地址须详细到村"),
    ("北京市海淀区中关村", "城镇地址"),
    ("浙江省杭州市西湖区文三路", "城镇地址"),
    ("遂昌县妙高镇北街", "城镇地址"),
    ("杭州市", "过短"),
    ("", "请填写详细地址"),
])
def test_check_address_detail(value, expected):
    assert_result(check_address_detail(value), expected)


# ---------------------------------------------------------------------------
# Site name
# ---------------------------------------------------------------------------

def test_pre_approval_items():
    assert PRE_APPROVAL_ITEMS == ["新闻", "出版", "教育", "医疗保健", "药品和医疗器械", "文化",
                                  "广播电影电视节目", "电子公告"]


@pytest.mark.parametrize("name,context,expected", [
    ("丽水旅游资讯网", {}, None),
    ("丽水旅游资讯网", {"domains": ["lsly.cn"]}, None),
    ("小明的摄影日记", {"subject_nature": "个人"}, None),
    ("丽水市人民政府网", {"unit_kind": "政府机构"}, None),
    ("中国政府网", {"unit_kind": "政府机构"}, None),
    ("丽水新闻网", {"approvals": ["新闻"]}, None),
    ("丽水论坛", {"approvals": ["电子公告"]}, None),
    ("丽水旅游网", {"domains": ["bbs.lsly.cn"], "approvals": ["电子公告"]}, None),
    ("abc旅游资讯网", {"domains": ["abc"]}, None),
    ("Node.js中文社区学习站", {"approvals": ["电子公告"]}, None),
    ("lsly.cn", {"domains": ["lsly.cn"]}, "不能使用域名"),
    ("www.lsly.cn", {"domains": ["lsly.cn"]}, "不能使用域名"),
    ("lsly.cn旅游", {"domains": ["www.lsly.cn"]}, "不能使用域名"),
    ("LSLY.CN官网", {"domains": ["lsly.cn"]}, "不能使用域名"),
    ("例子.公司官网", {"domains": ["xn--fsqu00a.xn--55qx5d"]}, "不能使用域名"),
    ("abc.com旅游网", {}, "不能使用域名"),
    ("LSLY", {}, "数字或字母"),
    ("12306", {}, "数字或字母"),
    ("旅游", {}, "3个汉字"),
    ("i旅游", {}, "3个汉字"),
    ("丽水旅游有限公司", {"subject_nature": "个人"}, "个人网站"),
    ("张伟的集团官网", {"subject_nature": "个人"}, "个人网站"),
    ("中国旅游网", {}, "不能以“中国”开头"),
    ("中华美食网", {}, "不能以“中华”开头"),
    ("中央厨房网", {"unit_kind": "事业单位"}, "不能以“中央”开头"),
    ("国家地理爱好者", {}, "不能以“国家”开头"),
    ("人民美食网", {}, "不能以“人民”开头"),
    ("维权服务网", {}, "不能以“维权”开头"),
    ("中国旅游网", {"subject_nature": "个人", "unit_kind": "政府机构"}, "不能以“中国”开头"),
    ("丽水人民政府网", {}, "人民政府"),
    ("丽水公安服务网", {}, "公安"),
    ("丽水反腐观察", {}, "反腐"),
    ("丽水信访之家", {}, "信访"),
    ("丽水法院案例网", {}, "法院"),
    ("丽水新闻网", {}, "“新闻”前置审批"),
    ("丽水新闻网", {"approvals": ["出版"]}, "“新闻”前置审批"),
    ("丽水论坛", {}, "电子公告"),
    ("丽水社区之家", {}, "电子公告"),
    ("丽水bbs交流", {}, "BBS"),
    ("丽水旅游网", {"domains": ["bbs.lsly.cn"]}, "域名含“bbs”"),
    ("", {}, "请填写网站名称"),
])
def test_check_site_name(name, context, expected):
    assert_result(check_site_name(name, **context), expected)


# ---------------------------------------------------------------------------
# Domains
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("abc.com", None),
    ("www.lsly.cn", None),
    ("中国政府网.中国", None),
    ("例子.公司", None),
    ("中国政府网。中国", None),
    ("LSLY.CN", None),
    ("lsly.cn.", None),
    ("a-b.com.cn", None),
    ("xn--fiqs8sirgfmhq98a.xn--fiqs8s", None),
    ("http://abc.com", "不要带 http://"),
    ("https://abc.com", "不要带 http://"),
    ("HTTPS://abc.com/", "不要带 http://"),
    ("abc.com/index.html", "不要带路径"),
    ("abc.com?x=1", "不要带路径"),
    ("abc.com:8080", "端口"),
    ("*.abc.com", "通配符"),
    ("abc", "两级"),
    ("1.2.3.4", "不要填写IP地址"),
    ("2400:3200::1", "不要填写IP地址"),
    ("a_b.com", "不允许的字符"),
    ("abc..com", "连续的点"),
    (".abc.com", "连续的点"),
    ("-abc.com", "连字符"),
    ("a" * 64 + ".com", "63个字符"),
    (".".join(["a" * 60] * 5) + ".com", "253个字符"),
    ("abc.123", "后缀"),
    ("abc.c", "后缀"),
    ("ab c.com", "空格"),
    ("abc\u200b.com", "看不见的字符"),
    ("", "请填写域名"),
])
def test_check_domain(value, expected):
    assert_result(check_domain(value), expected)


@pytest.mark.parametrize("value,expected", [
    ("WWW.LSLY.CN.", "www.lsly.cn"),
    ("中国政府网.中国", "xn--fiqs8sirgfmhq98a.xn--fiqs8s"),
    ("例子.公司", "xn--fsqu00a.xn--55qx5d"),
    ("ｗｗｗ．ａｂｃ．ｃｏｍ", "www.abc.com"),
])
def test_normalize_domain(value, expected):
    assert normalize_domain(value) == expected


def test_normalize_domain_refuses_bad_input():
    with pytest.raises(ValueError):
        normalize_domain("a_b.com")


@pytest.mark.parametrize("home,domains,expected", [
    ("www.lsly.cn", ["lsly.cn", "www.lsly.cn"], None),
    ("WWW.LSLY.CN", ["lsly.cn", "www.lsly.cn"], None),
    ("http://lsly.cn/index.html", ["lsly.cn"], None),
    ("https://lsly.cn:443/", ["lsly.cn"], None),
    ("例子.公司", ["xn--fsqu00a.xn--55qx5d"], None),
    # The host is a filed domain, or www. in front of one.
    ("www.abc.com", ["abc.com"], None),
    ("abc.com", ["abc.com"], None),
    ("www.abc.com", ["www.abc.com"], None),
    ("http://www.abc.com/index.html", ["abc.com"], None),
    ("https://WWW.abc.com:8443/?from=beian", ["ABC.com"], None),
    ("www.例子.公司", ["例子.公司"], None),
    ("shop.abc.com", ["abc.com"], "不在网站域名列表中"),
    ("www.other.com", ["abc.com"], "不在网站域名列表中"),
    ("http://shop.abc.com/index.html", ["abc.com", "www.abc.com"], "不在网站域名列表中"),
    ("abc.com", ["www.abc.com"], "不在网站域名列表中"),
    ("wwwabc.com", ["abc.com"], "不在网站域名列表中"),
    ("www.abc.com.cn", ["abc.com"], "不在网站域名列表中"),
    ("abc.com", ["lsly.cn"], "不在网站域名列表中"),
    ("abc.com", [], "不在网站域名列表中"),
    ("", ["lsly.cn"], "请填写网站首页"),
])
def test_check_home_in_domains(home, domains, expected):
    assert_result(check_home_in_domains(home, domains), expected)


@pytest.mark.parametrize("domain,filed,expected", [
    ("lsly.cn", set(), None),
    ("lsly.cn", {"abc.com"}, None),
    ("www.lsly.cn", {"lsly.cn"}, None),
    ("lsly.cn", {"lsly.cn"}, "您已经申请过此域名"),
    ("LSLY.CN.", {"lsly.cn"}, "您已经申请过此域名"),
    ("例子.公司", {"xn--fsqu00a.xn--55qx5d"}, "您已经申请过此域名"),
    ("xn--fsqu00a.xn--55qx5d", {"例子.公司"}, "您已经申请过此域名"),
])
def test_check_domain_not_filed(domain, filed, expected):
    assert_result(check_domain_not_filed(domain, filed), expected)


# ---------------------------------------------------------------------------
# IP addresses
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("114.114.114.114", None),
    ("8.8.8.8", None),
    (" 223.5.5.5 ", None),
    ("2400:3200::1", None),
    ("240e:1::1", None),
    ("0.0.0.0", "未指定地址"),
    ("::", "未指定地址"),
    ("10.0.0.1", "内网"),
    ("172.16.5.4", "内网"),
    ("192.168.1.1", "内网"),
    ("fd00::1", "内网"),
    ("::ffff:192.168.1.1", "内网"),
    ("127.0.0.1", "回环"),
    ("::1", "回环"),
    ("169.254.1.1", "链路本地"),
    ("fe80::1", "链路本地"),
    ("224.0.0.1", "组播"),
    ("ff02::1", "组播"),
    ("100.64.0.1", "共享地址"),
    ("100.127.255.254", "共享地址"),
    ("192.0.2.1", "文档示例"),
    ("198.51.100.7", "文档示例"),
    ("203.0.113.9", "文档示例"),
    ("2001:db8::1", "文档示例"),
    ("240.0.0.1", "保留地址"),
    ("255.255.255.255", "保留地址"),
    ("256.1.1.1", "格式不正确"),
    ("1.2.3", "格式不正确"),
    ("abc", "格式不正确"),
    ("", "请填写IP地址"),
])
def test_check_ip(value, expected):
    assert_result(check_ip(value), expected)


@pytest.mark.parametrize("start,end,expected", [
    ("114.114.114.0", "114.114.114.255", None),
    ("8.8.8.8", "8.8.8.8", None),
    ("1.0.0.0", "1.0.255.255", None),                  # exactly 65536
    ("2400:3200::1", "2400:3200::ff", None),
    ("114.114.114.255", "114.114.114.0", "起始IP地址不能大于结束IP地址"),
    ("8.8.8.8", "2400:3200::1", "同为IPv4或同为IPv6"),
    ("1.0.0.0", "1.1.0.0", "过大"),
    ("9.255.255.0", "10.0.0.5", "内网"),
    ("100.63.255.0", "100.64.0.1", "共享地址"),
    ("10.0.0.1", "10.0.0.9", "内网"),
    ("8.8.8.8", "abc", "结束IP地址格式不正确"),
    ("", "8.8.8.8", "请填写起始IP地址"),
])
def test_check_ip_range(start, end, expected):
    assert_result(check_ip_range(start, end), expected)


@pytest.mark.parametrize("line,expected", [
    ("114.114.114.114", None),
    ("114.114.114.0-114.114.114.255", None),
    ("114.114.114.0 - 114.114.114.255", None),
    ("114.114.114.0～114.114.114.255", None),
    ("114.114.114.0~114.114.114.255", None),
    ("192.168.1.1", "192.168.1.1：IP地址不能是内网"),
    ("114.114.114.255-114.114.114.0", "114.114.114.255-114.114.114.0：起始IP地址不能大于"),
    ("abc", "abc：IP地址格式不正确"),
])
def test_check_ip_line_names_the_line(line, expected):
    assert_result(check_ip_line(line), expected)


# ---------------------------------------------------------------------------
# What the user typed, echoed in a message, is cut to a readable length
# ---------------------------------------------------------------------------

def test_shorten():
    assert shorten("lsly.cn") == "lsly.cn"
    assert shorten("a" * 30) == "a" * 30
    assert shorten("a" * 31) == "a" * 29 + "…"
    assert shorten("  a  ") == "a" and shorten(None) == ""
    assert shorten("例" * 50, 10) == "例" * 9 + "…"


LONG_LABEL = "a" * 300


@pytest.mark.parametrize("message", [
    check_domain("a_" + "b" * 60 + ".com"),                            # a bad label
    check_domain("abc." + "x" * 60),                                   # an unknown suffix
    check_home_in_domains("www." + LONG_LABEL + ".com", ["lsly.cn"]),
    rules.domain_filed_message(".".join(["a" * 60] * 4) + ".com"),
    check_ip_line("8.8.8.8-" + "1" * 300),
    check_ip_line("1" * 300),
], ids=["label", "suffix", "home", "filed", "ip-range", "ip"])
def test_long_typed_values_are_shortened_in_messages(message):
    assert message and "…" in message and len(message) < 100, message


# ---------------------------------------------------------------------------
# ICP 备案号
# ---------------------------------------------------------------------------

def test_province_abbreviations():
    assert len(PROVINCE_ABBR) == 31
    assert all(len(code) == 2 and code.isdigit() for code in PROVINCE_ABBR)
    assert PROVINCE_ABBR["11"] == "京" and PROVINCE_ABBR["52"] == "贵"
    assert ICP_PROVINCE_ABBR["52"] == "黔" and ICP_PROVINCE_ABBR["62"] == "陇"
    assert ICP_PROVINCE_ABBR["51"] == "蜀"


@pytest.mark.parametrize("value,kind,expected", [
    ("京ICP备12345678号", "website", None),
    ("京ICP备12345678号-1", "website", None),
    ("浙ICP备2021012345号-2", "website", None),
    ("京ICP备030173号", "website", None),
    ("黔ICP备12345678号-1", "website", None),
    ("贵ICP备12345678号-1", "website", None),
    ("蜀ICP备12345678号", "website", None),
    ("川ICP备12345678号", "website", None),
    ("陇ICP备12345678号", "website", None),
    ("滇ICP备12345678号", "website", None),
    ("京icp备12345678号－1", "website", None),
    ("京Icp备12345678号", "website", None),
    (" 京ICP备 12345678号-1 ", "website", None),
    ("浙ICP备20018325号-12A", "app", None),
    ("京ICP备2021012345号-3X", "miniprogram", None),
    ("京ICP备12345678", "website", "格式不正确"),
    ("ICP备12345678号", "website", "格式不正确"),
    ("京ICP备12345678号-", "website", "格式不正确"),
    ("京ICP证12345678号", "website", "经营许可证"),
    ("京公网安备11010502030143号", "website", "公安备案号"),
    ("港ICP备12345678号", "website", "省份简称“港”"),
    ("京ICP备12345号", "website", "6至10位"),
    ("京ICP备12345678901号", "website", "6至10位"),
    ("京ICP备12345678号-0", "website", "从1开始"),
    ("浙ICP备20018325号-12A", "website", "APP"),
    ("京ICP备2021012345号-3X", "website", "小程序"),
    ("浙ICP备20018325号-12", "app", "-序号A"),
    ("浙ICP备20018325号", "app", "-序号A"),
    ("浙ICP备20018325号-12X", "app", "APP的备案号应如"),
    ("京ICP备2021012345号-3", "miniprogram", "-序号X"),
    ("京ICP备2021012345号-3A", "miniprogram", "小程序的备案号应如"),
    ("京ICP备12345678号-1B", "website", "格式不正确"),
    ("", "website", "请填写ICP备案号"),
])
def test_check_icp_number(value, kind, expected):
    assert_result(check_icp_number(value, kind=kind), expected)


def test_check_icp_number_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        check_icp_number("京ICP备12345678号", kind="desktop")


# ---------------------------------------------------------------------------
# 增值电信业务经营许可证号 and division codes (the provider directory)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("粤B2-20090059", None),
    ("浙B2-20080224", None),
    ("京B1-20150001", None),
    ("B1-20150001", None),                      # nationwide, issued by MIIT
    ("B2-20160001", None),
    ("川B2-20100020", None),
    ("黔B2-20170017", None),                    # either spelling of a province, as in ICP numbers
    ("粤Ｂ２－２００９００５９", None),            # full width, typed with a Chinese input method
    (" 粤 b2 - 20090059 ", None),
    ("粤B2–20090059", None),                    # an en dash from a document
    ("", "请填写经营许可证号"),
    ("粤B2-2009\u200b0059", "看不见的字符"),
    ("京ICP备12345678号-1", "这是ICP备案号，不是经营许可证号"),
    ("京ICP证030173号", "这是ICP证编号"),
    ("京公网安备11010502030143号", "这是公安备案号"),
    ("粤B2-2009005", "应为8位数字，您填写了7位"),
    ("粤B2-200900590", "您填写了9位"),
    ("粤B2-", "“-”后应为8位数字"),
    ("粤B3-20090059", "业务类别“B3”不正确"),
    ("A2-20090059", "业务类别“A2”不正确"),
    ("B25-20090059", "业务类别“B25”不正确"),
    ("粤B220090059", "之间应有“-”"),
    ("港B2-20090059", "省份简称“港”不正确"),
    ("粤B2-2009-0059", "格式不正确"),
    ("阿里云", "格式不正确"),
])
def test_check_telecom_licence(value, expected):
    assert_result(rules.check_telecom_licence(value), expected)


def test_every_province_abbreviation_makes_a_licence():
    for abbr in PROVINCE_ABBR.values():
        assert rules.check_telecom_licence(f"{abbr}B2-20090059") is None, abbr


def test_a_licence_is_stored_normalised():
    assert rules.normalize_telecom_licence(" 粤ｂ２－２００９００５９ ") == "粤B2-20090059"


@pytest.mark.parametrize("value,province,expected", [
    ("331102", None, None),
    ("330000", None, None),
    ("３３１１００", None, None),
    ("440305", "330000", "不在本省"),
    ("331102", "331100", None),
    ("33110", None, "6位数字"),
    ("abcdef", None, "6位数字"),
    ("999999", None, "不存在"),
])
def test_check_division_code(value, province, expected):
    assert_result(rules.check_division_code(value, province), expected)


# ---------------------------------------------------------------------------
# Uploaded images
# ---------------------------------------------------------------------------

def image_bytes(fmt="PNG", size=(64, 48), **save_options):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **save_options)
    return out.getvalue()


def noisy_jpeg(size=(900, 900)):
    out = io.BytesIO()
    Image.effect_noise(size, 120).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def jpeg_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "Canon"                                  # Make
    exif[0x0112] = 1                                         # Orientation
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 9.0, 0.0)}  # GPS IFD
    return image_bytes("JPEG", exif=exif.tobytes())


def png_with_size(width, height):
    """A valid 1×1 PNG whose IHDR claims another size (a decompression bomb header)."""
    import struct
    import zlib
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    # IHDR data starts at byte 16 (8 signature + 4 length + 4 type); CRC follows 13 bytes.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def test_image_accepts_png_and_jpeg():
    assert check_image(image_bytes("PNG"), 512) is None
    assert check_image(image_bytes("JPEG"), 512) is None
    assert check_image(jpeg_with_gps(), 512) is None


@pytest.mark.parametrize("data,max_kb,expected", [
    (b"", 512, "请上传图片"),
    (b"hello, this is a text file renamed to photo.jpg\n" * 10, 512, "不是有效的图片"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", 512, "不是有效的图片"),
    (image_bytes("GIF"), 512, "JPG或PNG"),
    (image_bytes("BMP"), 512, "JPG或PNG"),
    (noisy_jpeg()[: len(noisy_jpeg()) // 2], 512, "损坏或不完整"),
    (image_bytes("PNG", size=(300, 300))[:-40], 512, "损坏或不完整"),
    (png_with_size(8000, 6000), 512, "尺寸过大"),
    (png_with_size(30000, 30000), 512, "尺寸过大"),
])
def test_image_refused(data, max_kb, expected):
    assert_result(check_image(data, max_kb), expected)


def test_image_size_limit_names_the_limit():
    data = noisy_jpeg()
    assert len(data) > 100 * 1024
    message = check_image(data, max_kb=100)
    assert "100KB" in message
    assert check_image(data, max_kb=len(data) // 1024 + 1) is None


def test_image_pixel_cap_is_configurable():
    assert check_image(image_bytes("PNG", size=(100, 100)), 512, max_pixels=5000) is not None
    assert check_image(image_bytes("PNG", size=(50, 50)), 512, max_pixels=5000) is None


def test_reencode_strips_exif_and_gps():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825) is not None
    data, fmt = reencode_image(original)
    assert fmt == "jpeg"
    cleaned = Image.open(io.BytesIO(data))
    assert cleaned.format == "JPEG"
    assert "exif" not in cleaned.info
    assert not dict(cleaned.getexif())
    assert b"Canon" not in data
    assert check_image(data, 512) is None


def test_reencode_png_strips_text_and_exif():
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret-author")
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    original = image_bytes("PNG", pnginfo=info, exif=exif.tobytes())
    assert b"secret-author" in original
    data, fmt = reencode_image(original)
    assert fmt == "png"
    assert b"secret-author" not in data and b"Canon" not in data
    assert Image.open(io.BytesIO(data)).size == (64, 48)


def test_reencode_applies_orientation_before_dropping_exif():
    exif = Image.Exif()
    exif[0x0112] = 6                                          # rotate 90° on display
    data, _ = reencode_image(image_bytes("JPEG", size=(64, 48), exif=exif.tobytes()))
    assert Image.open(io.BytesIO(data)).size == (48, 64)


def test_reencode_refuses_non_images():
    with pytest.raises(ValueError):
        reencode_image(b"not an image")


@pytest.mark.parametrize("domain, message", [
    ("example.invalidtld", "“.invalidtld”不是已开放注册的域名后缀"),
    ("com.cn", "“com.cn”是域名后缀本身"),
    ("gov.cn", "“gov.cn”是域名后缀本身"),
    ("abc.com.cn", None), ("丽水.中国", None), ("shop.abc.co", None),
])
def test_a_domain_ends_in_a_public_suffix(domain, message):
    answer = rules.check_domain(domain)
    assert answer is None if message is None else message in answer
