"""The filing rules inside the website wizard: 前置审批 per item, and cross-field messages that the
inline check and 【下一步】 give alike (and take back once their cause is fixed)."""
import pytest

import models
from forms import rules
from tests.test_wizard import BASIC, PEOPLE

HTMX = {"HX-Request": "true"}


@pytest.fixture
def basic_step(applicant):
    """The applicant's 新办网站 draft, standing at 【网站基本信息】: (client, step URL)."""
    client = applicant.client
    client.post("/apply/website", {"action": "next"})
    draft = models.Draft.get()
    return client, f"/apply/website/{draft.id}/basic"


def approval(item, number=None, authority=None):
    """The posted fields of one ticked 前置审批 item (its own example values by default)."""
    entry = rules.PRE_APPROVAL_BY_ITEM[item]
    return {f"approval_{entry.key}_number": entry.example if number is None else number,
            f"approval_{entry.key}_authority": entry.authority if authority is None else authority}


@pytest.mark.parametrize("name, item", [("丽水教育在线", "教育"), ("丽水医疗健康网", "医疗保健"),
                                        ("丽水药品商城", "药品和医疗器械"), ("丽水广播电视网", "广播电影电视节目"),
                                        ("丽水文化旅游网", "文化"), ("丽水新闻网", "新闻")])
def test_a_name_with_a_field_keyword_needs_that_pre_approval_with_its_own_number(basic_step, name, item):
    client, step = basic_step
    page = client.post(step, {**BASIC, "site_name": name, "action": "next"}).get_data(as_text=True)
    assert f"须先取得“{item}”前置审批" in page
    assert models.Draft.get().data["furthest"] == "basic"
    # Ticked without its 文号 and 审批机关: both are asked for, next to their fields.
    page = client.post(step, {**BASIC, "site_name": name, "pre_approvals": [item],
                              **approval(item, "", ""), "action": "next"}).get_data(as_text=True)
    assert f"请填写“{item}”的审批文号" in page and "请填写审批机关" in page
    assert models.Draft.get().data["furthest"] == "basic"
    response = client.post(step, {**BASIC, "site_name": name, "pre_approvals": [item], **approval(item),
                                  "action": "next"})
    assert response.status_code == 303


def test_each_ticked_item_keeps_its_own_number_and_authority_on_record(basic_step):
    client, step = basic_step
    ticked = {**BASIC, "site_name": "丽水文化出版网", "pre_approvals": ["出版", "文化"],
              **approval("出版"), **approval("文化", authority="丽水市文化广电旅游局"),
              # An item not ticked: whatever its fields hold is neither checked nor kept.
              **approval("新闻", "乱填", "x")}
    assert client.post(step, {**ticked, "action": "next"}).status_code == 303
    base = step.rsplit("/", 1)[0]
    client.post(f"{base}/people", {**PEOPLE, "action": "next"})
    client.post(f"{base}/notice", {"agree": "y", "action": "next"})
    review = client.get(f"{base}/review").get_data(as_text=True)
    assert "出版·审批文号" in review and "丽水市文化广电旅游局" in review and "新闻·审批文号" not in review
    client.post(f"{base}/submit")
    filed = models.Application.get().data["filed"]
    assert filed["pre_approval_details"] == {
        "出版": {"number": "（署）网出证（浙）字第045号", "authority": "浙江省新闻出版局"},
        "文化": {"number": "浙网文〔2024〕1234-056号", "authority": "丽水市文化广电旅游局"}}


@pytest.mark.parametrize("item, number", [("出版", "12345"), ("药品和医疗器械", "浙药审2024-12"),
                                          ("广播电影电视节目", "110936")])
def test_a_number_with_a_public_format_is_checked_against_it(basic_step, item, number):
    client, step = basic_step
    page = client.post(step, {**BASIC, "pre_approvals": [item], **approval(item, number),
                              "action": "next"}).get_data(as_text=True)
    assert "格式不正确" in page and rules.PRE_APPROVAL_BY_ITEM[item].example in page


def test_ticking_an_item_shows_its_fields_and_settles_the_name_message(basic_step):
    client, step = basic_step
    named = {**BASIC, "site_name": "丽水教育在线"}
    before = client.post(step, {**named, "action": "check:site_name"}, headers=HTMX).get_data(as_text=True)
    assert "须先取得“教育”前置审批" in before
    answer = client.post(step, {**named, "pre_approvals": ["教育"], "action": "refresh"},
                         headers={**HTMX, "HX-Trigger-Name": "pre_approvals"}).get_data(as_text=True)
    details = answer.split('id="pre-approval-details"', 1)[1]
    assert "教育·审批文号" in details and "新闻·审批文号" not in details
    site_name = answer.split('id="field-site_name"', 1)[1].split("</div>", 1)[0]
    assert "前置审批" not in site_name and "error" not in site_name


def test_fixing_the_domain_takes_back_the_home_pages_message(basic_step):
    client, step = basic_step
    wrong = {**BASIC, "other_domains": "", "home_url": "www.lsly.cn", "domain": "lsly.com"}
    first = client.post(step, {**wrong, "action": "check:home_url"}, headers=HTMX).get_data(as_text=True)
    assert "不在网站域名列表中" in first
    # The cause is fixed in another field: its check brings the 网站首页 back without the message.
    answer = client.post(step, {**wrong, "domain": "lsly.cn", "action": "check:domain"},
                         headers=HTMX).get_data(as_text=True)
    home = answer.split('id="field-home_url"', 1)[1].split("</div>", 1)[0]
    assert 'hx-swap-oob="true"' in home and "不在网站域名列表中" not in home and "error" not in home
    # What was swapped in keeps checking through the step, never the context-free /validate.
    assert f'hx-post="{step}"' in home and "/validate/" not in answer
    # A dependent left empty is not checked (no message for a field the user has not reached).
    blank = client.post(step, {**wrong, "home_url": "", "action": "check:domain"}, headers=HTMX)
    assert 'id="field-home_url"' not in blank.get_data(as_text=True)


CROSS_FIELD = [
    ("site_name", {"site_name": "丽水教育在线"}, True),
    ("site_name", {"site_name": "丽水教育在线", "pre_approvals": ["教育"], **approval("教育")}, False),
    ("site_name", {"site_name": "丽水山居官网"}, False),
    ("site_name", {"site_name": "lsly.cn在线"}, True),
    ("home_url", {"home_url": "www.lsly.cn", "other_domains": ""}, False),
    ("home_url", {"home_url": "shop.lsly.cn", "other_domains": ""}, True),
    ("home_url", {"home_url": "www.lsly.com", "other_domains": ""}, True),
    ("other_domains", {"other_domains": "example.invalidtld"}, True),
    ("domain", {"domain": "com.cn", "home_url": "www.com.cn", "other_domains": ""}, True),
]


@pytest.mark.parametrize("name, values, refused", CROSS_FIELD)
def test_inline_check_and_next_agree_on_cross_field_rules(basic_step, name, values, refused):
    client, step = basic_step
    posted = {**BASIC, **values}
    inline = client.post(step, {**posted, "action": f"check:{name}"}, headers=HTMX).get_data(as_text=True)
    field_html = inline.split(f'id="field-{name}"', 1)[1].split('hx-swap-oob', 1)[0]
    page = client.post(step, {**posted, "action": "next"}).get_data(as_text=True)
    next_refused = f'id="err-{name}"' in page
    assert ('class="error"' in field_html) is refused and next_refused is refused


def test_without_javascript_the_confirm_button_shows_the_ticked_items_fields(basic_step):
    client, step = basic_step
    page = client.post(step, {**BASIC, "pre_approvals": ["出版", "药品和医疗器械"], "action": "refresh"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "出版·审批文号" in html and "药品和医疗器械·审批机关" in html
    assert "新闻·审批文号" not in html and '<button type="submit" name="action" value="refresh"' in html
    assert models.Draft.get().data["steps"]["basic"]["pre_approvals"] == ["出版", "药品和医疗器械"]


def test_control_characters_never_reach_a_lookup_or_the_public_query(client, basic_step):
    client, step = basic_step
    page = client.post(step, {**BASIC, "access_region": "330000", "access_query": "电信\x00",
                              "action": "lookup_access"}).get_data(as_text=True)
    assert "含有不可见的控制字符" in page
    answer = client.get("/query?q=lsly\x00.cn")
    assert answer.status_code == 200 and "含有不可见的控制字符" in answer.get_data(as_text=True)


def test_a_long_bad_line_is_echoed_shortened(basic_step):
    client, step = basic_step
    long_line = "1" * 80
    page = client.post(step, {**BASIC, "ips": long_line, "other_domains": "x" * 80 + ".invalidtld",
                              "action": "next"}).get_data(as_text=True)
    assert f'id="err-ips">{"1" * 29}…：' in page and f'id="err-other_domains">{"x" * 29}…：' in page
