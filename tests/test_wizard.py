"""新办网站申请 through the engine: order, tamper, back, revalidation, finalize once, 我的申请, 撤销."""
import threading
from datetime import timedelta

import pytest

import models
import timeutil
from tests.conftest import make_user
from tests.factories import make_bureau, make_id, make_service, make_subject

BASIC = {
    "site_name": "丽水山居旅游网", "domain": "lsly.cn", "other_domains": "www.lsly.cn", "home_url": "www.lsly.cn",
    "ips": "47.96.1.10\n47.96.1.20-47.96.1.30", "access_provider": "阿里云计算有限公司",
    "registrar": "阿里云计算有限公司", "service_types": ["单位门户网站"], "languages": ["中文简体"],
    "icp_number": "浙ICP备12345678号-1",
}


def person(prefix, name="张建国", seq=123, mobile="13905781234"):
    return {f"{prefix}-name": name, f"{prefix}-id_type": "居民身份证", f"{prefix}-id_number": make_id(seq=seq),
            f"{prefix}-mobile": mobile, f"{prefix}-office_phone": "0578-2786359",
            f"{prefix}-email": f"{prefix}@example.com"}


PEOPLE = {**person("owner"), **person("security", "李秀英", 456, "13905782222"),
          **person("emergency", "王建华", 789, "13905783333")}


@pytest.fixture
def alice(client, app):
    bureau = make_bureau()
    user = make_user()
    make_subject(user, bureau=bureau)
    client.login("alice", "Secret2026x")
    return user


def start(client):
    """Open 新办网站申请 (nothing stored yet) and move past 【开办主体】 (the draft begins)."""
    page = client.get("/apply/website").get_data(as_text=True)
    assert "丽水市云岭科技有限公司" in page and not models.Draft.select().exists()
    response = client.post("/apply/website", {"action": "next"})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    draft = models.Draft.get(models.Draft.kind == "新办网站")
    assert response.headers["Location"] == f"/apply/website/{draft.id}/basic"
    return draft, f"/apply/website/{draft.id}"


def go_through(client, base, basic=None, people=None):
    assert client.post(f"{base}/subject", {"action": "next"}).status_code == 303
    assert client.post(f"{base}/basic", {**(basic or BASIC), "action": "next"}).status_code == 303
    assert client.post(f"{base}/people", {**(people or PEOPLE), "action": "next"}).status_code == 303
    response = client.post(f"{base}/notice", {"agree": "y", "action": "next"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/review")


def test_whole_flow_files_one_application(client, alice):
    draft, base = start(client)
    go_through(client, base)
    review = client.get(f"{base}/review").get_data(as_text=True)
    assert "丽水山居旅游网" in review and "修改" in review and make_id(seq=456) not in review
    response = client.post(f"/apply/website/{draft.id}/submit")
    assert response.status_code == 303
    application = models.Application.get()
    website = models.Service.get()
    assert (application.kind, application.status, application.service_id) == ("新办网站", "待审核", website.id)
    assert application.bureau.division_code == "331100"
    assert website.domain == "lsly.cn" and website.data["domains"] == ["lsly.cn", "www.lsly.cn"]
    assert website.data["people"]["security"]["name"] == "李秀英" and not website.interactive
    assert not models.Draft.select().exists()
    assert models.Notice.get().title == "新办网站申请已提交"
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "撤销申请" in detail and "47.96.1.20-47.96.1.30" in detail


def test_steps_are_reachable_only_in_order(client, alice):
    draft, base = start(client)
    response = client.post(f"{base}/notice", {"agree": "y", "action": "next"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/basic")
    assert client.get(f"{base}/people").headers["Location"].endswith("/basic")
    assert client.post(f"/apply/website/{draft.id}/submit").headers["Location"].endswith("/basic")
    assert client.get(f"{base}/review").headers["Location"].endswith("/basic")
    assert not models.Application.select().exists()


def test_back_keeps_what_was_typed_without_validating(client, alice):
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    response = client.post(f"{base}/basic", {"site_name": "半截", "action": "back"})
    assert response.headers["Location"].endswith("/subject")
    assert 'value="半截"' in client.get(f"{base}/basic").get_data(as_text=True)


def test_bad_input_stays_on_the_step_with_messages(client, alice):
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    page = client.post(f"{base}/basic", {**BASIC, "site_name": "lsly.cn", "ips": "192.168.1.1",
                                         "home_url": "www.other.cn", "action": "next"}).get_data(as_text=True)
    assert page.count('class="error"') >= 3 and "不能使用域名" in page and "192.168.1.1" in page
    assert models.Draft.get().data["furthest"] == "basic"


def test_submit_revalidates_every_step(client, alice):
    draft, base = start(client)
    go_through(client, base)
    # The domain was filed by someone else meanwhile.
    other = make_subject(make_user("bob", mobile="13800001111"), cert_number="91110000802100433B")
    make_service(other)
    response = client.post(f"/apply/website/{draft.id}/submit")
    assert response.headers["Location"].endswith("/basic")
    assert not models.Application.select().exists() and models.Draft.select().count() == 1


def test_interactive_items_mark_the_site_and_say_why(client, alice):
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    note = client.post(f"{base}/basic", {**BASIC, "interactive_items": ["留言板"], "action": "refresh"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "属于交互式服务" in note and "面审" in note
    client.post(f"{base}/basic", {**BASIC, "interactive_items": ["留言板", "会员登录/注册"], "action": "next"})
    client.post(f"{base}/people", {**PEOPLE, "action": "next"})
    client.post(f"{base}/notice", {"agree": "y", "action": "next"})
    client.post(f"/apply/website/{draft.id}/submit")
    assert models.Service.get().interactive


def _hint_example(field):
    """The example a field's hint gives: 如 <example>，…"""
    return field.kwargs["description"].split("如 ", 1)[1].split("，", 1)[0]


def test_home_page_as_its_hint_says_passes_with_the_domain_as_its_hint_says(client, alice):
    from forms.website import WebsiteBasicForm
    home, domain = _hint_example(WebsiteBasicForm.home_url), _hint_example(WebsiteBasicForm.domain)
    assert (home, domain) == ("www.abc.com", "abc.com")
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    response = client.post(f"{base}/basic", {**BASIC, "domain": domain, "other_domains": "", "home_url": home,
                                             "action": "next"})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == f"{base}/people"


def test_same_as_subject_fills_the_block(client, alice):
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    client.post(f"{base}/basic", {**BASIC, "action": "next"})
    page = client.post(f"{base}/people", {"security-same_as_subject": "y", "action": "refresh"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="security-name" name="security-name" required type="text" value="张建国"' in page or \
        'value="张建国"' in page
    stored = models.Draft.get().data["steps"]["people"]
    assert stored["security-name"] == ["张建国"] and stored["security-mobile"] == ["13905781234"]


def test_same_person_as_emergency_contact_warns_but_passes(client, alice):
    draft, base = start(client)
    same = {**PEOPLE, **person("emergency")}
    go_through(client, base, people=same)
    assert "建议不与网站负责人为同一人" in client.get(f"{base}/review").get_data(as_text=True)


def test_a_person_with_a_passport_may_write_a_latin_name(client, alice):
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    client.post(f"{base}/basic", {**BASIC, "action": "next"})
    resident = client.post(f"{base}/people", {**PEOPLE, "owner-name": "John Smith", "action": "next"})
    page = resident.get_data(as_text=True)
    assert page.count('id="err-owner-name"') == 1 and "姓名中不能包含英文字母" in page
    foreign = {**PEOPLE, "owner-name": "Mary-Jane O'Neil", "owner-id_type": "护照", "owner-id_number": "E12345678"}
    go_through(client, base, people=foreign)
    assert client.post(f"/apply/website/{draft.id}/submit").status_code == 303
    owner = models.Service.get().data["people"]["owner"]
    assert (owner["name"], owner["id_type"], owner["id_number"]) == ("Mary-Jane O'Neil", "护照", "E12345678")


def test_notice_must_be_ticked(client, alice):
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    client.post(f"{base}/basic", {**BASIC, "action": "next"})
    client.post(f"{base}/people", {**PEOPLE, "action": "next"})
    page = client.post(f"{base}/notice", {"action": "next"}).get_data(as_text=True)
    assert "请先阅读并勾选" in page


def test_provider_lookup_needs_region_and_pick_fills(client, alice):
    models.Provider.create(name="中国电信股份有限公司丽水分公司", kind="access", region_code="331102")
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    page = client.post(f"{base}/basic", {"access_query": "电信", "action": "lookup_access"}).get_data(as_text=True)
    assert "请先选择所属地区" in page
    page = client.post(f"{base}/basic", {"access_query": "电信", "access_region": "330000",
                                         "action": "lookup_access"}).get_data(as_text=True)
    provider = models.Provider.get()
    assert "中国电信股份有限公司丽水分公司" in page and f'value="pick_access:{provider.id}"' in page
    page = client.post(f"{base}/basic", {"action": f"pick_access:{provider.id}"}).get_data(as_text=True)
    assert 'value="中国电信股份有限公司丽水分公司"' in page


def test_finalize_once_under_two_concurrent_submits(client, alice, app):
    draft, base = start(client)
    go_through(client, base)
    cookie = client.raw.get_cookie("session")
    token = client.token()
    results = []

    def submit():
        with app.test_client() as other:
            other.set_cookie("session", cookie.value)
            results.append(other.post(f"/apply/website/{draft.id}/submit", data={"csrf_token": token}).status_code)
    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [303, 303]
    assert models.Application.select().count() == 1 and models.Service.select().count() == 1


def test_withdraw_within_30_minutes_returns_a_draft(client, alice):
    draft, base = start(client)
    go_through(client, base)
    client.post(f"/apply/website/{draft.id}/submit")
    application = models.Application.get()
    response = client.post(f"/applications/{application.id}/withdraw")
    assert response.status_code == 303
    assert models.Application.get().status == "已撤销" and not models.Service.select().exists()
    restored = models.Draft.get(models.Draft.kind == "新办网站")
    assert restored.data["steps"]["basic"]["site_name"] == ["丽水山居旅游网"]
    assert client.get(f"/apply/website/{restored.id}/review").status_code == 200


def test_withdraw_after_30_minutes_is_refused(client, alice, monkeypatch):
    draft, base = start(client)
    go_through(client, base)
    client.post(f"/apply/website/{draft.id}/submit")
    application = models.Application.get()
    later = timeutil.now() + timedelta(minutes=31)
    monkeypatch.setattr(timeutil, "now", lambda: later)
    page = client.post(f"/applications/{application.id}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "已超过提交后30分钟" in page and "撤销申请</button>" not in page
    assert models.Application.get().status == "待审核" and models.Service.select().count() == 1


def test_other_users_draft_and_application_are_404(client, alice):
    bob = make_user("bob", mobile="13800001111")
    subject = make_subject(bob, cert_number="91110000802100433B")
    foreign_draft = models.Draft.create(owner=bob, kind="新办网站", subject=subject, data="{}")
    foreign_app = models.Application.create(owner=bob, subject=subject, kind="新办网站")
    for url in (f"/apply/website/{foreign_draft.id}/subject", f"/apply/website/{foreign_draft.id}/review",
                f"/applications/{foreign_app.id}"):
        assert client.get(url).status_code == 404
    assert client.post(f"/apply/website/{foreign_draft.id}/basic", BASIC).status_code == 404
    assert client.post(f"/applications/{foreign_app.id}/withdraw").status_code == 404
    assert models.Application.get_by_id(foreign_app.id).status == "待审核"


def test_no_subject_leads_to_new_subject_and_back(client, app):
    make_user()
    client.login("alice", "Secret2026x")
    page = client.get("/apply/website").get_data(as_text=True)
    assert "您当前还无有效主体" in page and "/subject/new?next=/apply/website" in page
    from tests.test_subject import submit_new, with_pictures
    from tests.factories import unit_form
    make_bureau()
    response = submit_new(client, with_pictures(unit_form()), query_string={"next": "/apply/website"})
    assert response.headers["Location"] == "/apply/website"
    assert "丽水市云岭科技有限公司" in client.get("/apply/website").get_data(as_text=True)


def test_step_swap_for_htmx_is_a_fragment_with_the_new_url(client, alice):
    client.get("/apply/website")
    response = client.post("/apply/website", {"action": "next"}, headers={"HX-Request": "true"})
    draft = models.Draft.get()
    base = f"/apply/website/{draft.id}"
    body = response.get_data(as_text=True)
    assert response.headers["HX-Push-Url"] == f"{base}/basic"
    assert body.lstrip().startswith('<div id="wizard">')
    assert "<html" not in body and 'name="site_name"' in body


def test_my_applications_filters(client, alice):
    draft, base = start(client)
    go_through(client, base)
    client.post(f"/apply/website/{draft.id}/submit")
    assert "丽水山居旅游网" in client.get("/applications?kind=新办网站&status=待审核").get_data(as_text=True)
    assert "暂无申请" in client.get("/applications?status=已通过").get_data(as_text=True)


def test_expired_session_mid_step_goes_to_login_and_back_to_the_step(client, alice):
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    client.post(f"{base}/basic", {"site_name": "丽水山居旅游网", "action": "autosave"}, headers={"HX-Request": "true"})
    client.raw.delete_cookie("session")
    response = client.post(f"{base}/basic", {"site_name": "丽水山居旅游网", "action": "next"},
                           headers={"HX-Request": "true", "HX-Current-URL": f"http://localhost{base}/basic"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == f"/login?next=%2Fapply%2Fwebsite%2F{draft.id}%2Fbasic"
    client.login("alice", "Secret2026x")
    assert 'value="丽水山居旅游网"' in client.get(f"{base}/basic").get_data(as_text=True)


def test_resume_lands_on_the_step_last_shown(client, alice):
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    client.get(f"{base}/basic")
    page = client.get("/drafts").get_data(as_text=True)
    assert f"{base}/basic" in page


def test_step_posted_after_logout_elsewhere_goes_to_login_not_a_dead_end(client, alice):
    draft, base = start(client)
    token = client.token()
    client.logout()  # another tab: the session, and its CSRF token, are gone
    response = client.post(f"{base}/subject", {"action": "next", "csrf_token": token}, csrf=False,
                           headers={"HX-Request": "true", "HX-Current-URL": f"http://localhost{base}/subject"})
    assert response.status_code == 400
    assert response.headers["HX-Redirect"] == f"/login?next=%2Fapply%2Fwebsite%2F{draft.id}%2Fsubject"


def test_home_shows_applications_notices_subject_and_websites_at_a_glance(client, alice):
    draft, base = start(client)
    go_through(client, base)
    client.post(f"/apply/website/{draft.id}/submit")
    home = client.get("/home").get_data(as_text=True)
    assert "新办网站申请已提交" in home and "1条未读" in home and "lsly.cn" in home
    assert "丽水市云岭科技有限公司" in home
    assert "未读" in client.get("/notices").get_data(as_text=True)
    assert "未读" in client.get("/notices").get_data(as_text=True)   # looking marks nothing read
    client.post("/notices/read")
    assert "未读" not in client.get("/notices").get_data(as_text=True)
    assert "条未读" not in client.get("/home").get_data(as_text=True)


def test_provider_active_search_answers_only_its_results(client, alice):
    models.Provider.create(name="中国电信股份有限公司丽水分公司", kind="access", region_code="331102")
    draft, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    page = client.get(f"{base}/basic").get_data(as_text=True)
    # A pause in typing searches, never while an input method composes, nor on one character.
    assert 'hx-select-oob="#found-access"' in page and 'hx-trigger="change, typed changed delay:600ms"' in page
    assert 'data-search-min="2"' in page   # site.js says "typed" (no htmx filter: it would need eval)
    answer = client.post(f"{base}/basic", {"access_query": "丽水", "access_region": "330000",
                                           "action": "lookup_access"}, headers={"HX-Request": "true"})
    assert 'id="found-access"' in answer.get_data(as_text=True) and "丽水分公司" in answer.get_data(as_text=True)
