"""安全评估: which filed services owe a report (the scope table), the approval that makes one due
(新办 or a 变更 adding an item in scope), the 新办安全评估 report through its steps, the 地市级 bureau's
通过 and 退回 with the measures that fall short, the printable report, and 逾期 on the dashboard."""
import datetime
import re

import pytest

import assessments
import migrations
import models
import timeutil
from forms import rules
from forms.app import MINIAPP_CONTENT_TYPES
from forms.assessment import AssessmentConclusionForm, AssessmentScopeForm, measure_fields
from forms.website import INTERACTIVE_ITEMS
from tests.conftest import APPLICANT_PASSWORD, SQLITE_UPGRADE, Client, file_through_flow, make_user
from tests.factories import (assessment_steps, make_bureau, make_service, make_subject, miniapp_steps, uploaded,
                             website_basic, website_steps)
from wizard.engine import FLOWS, rebuild, recheck, reopen_step

FLOW = FLOWS[models.Application.NEW_ASSESSMENT]


# -- The tables -------------------------------------------------------------------------------------

@pytest.mark.parametrize("items, expected", [
    ([], []),
    (["留言板", "会员登录/注册", "评论"], []),                     # interactive, but no 舆论属性
    (["论坛/BBS", "留言板"], ["论坛/BBS"]),
    (["网络直播", "论坛/BBS", "网络社区"], ["论坛/BBS", "网络直播"]),  # SCOPE's order, once each
    (["聊天/通讯"], ["聊天室", "通讯群组"]),                        # a 小程序's type counts as both
    (["即时通信"], ["聊天室", "通讯群组"]),                         # the website's chat item before them
    (["论坛/社区", "信息分享", "电商购物"], ["论坛/BBS", "信息分享"]),
    (None, []),
])
def test_scope_of_maps_the_forms_items_onto_the_regulations_list(items, expected):
    assert assessments.scope_of(items) == expected


def test_every_item_in_scope_can_be_ticked_and_every_mapping_lands_in_scope():
    assert set(assessments.SCOPE) <= set(INTERACTIVE_ITEMS)
    assert {"论坛/社区", "博客/微博", "聊天/通讯", "公众账号", "短视频", "网络直播", "信息分享"} <= {
        item for item, _ in assessments.scope_table(MINIAPP_CONTENT_TYPES)}
    assert all(set(scope) <= set(assessments.SCOPE) for scope in assessments.ITEM_SCOPE.values())


def test_the_filing_rules_page_and_a_guide_show_the_same_table(client, lishui_bureau):
    for url in ("/rules", f"/guide/{lishui_bureau.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "安全评估的范围和内容" in page
        assert "<td>聊天/通讯</td><td>聊天室、通讯群组</td>" in page and "<td>网络社区</td><td>论坛/BBS</td>" in page
        assert all(trigger in page for trigger in assessments.TRIGGERS)
        assert all(measure.title in page for measure in assessments.MEASURES)


@pytest.mark.parametrize("value, expected", [
    (assessments.MEASURES[0].example, None),
    ("已落实", "实际情况应为20至1000个字（当前3个字）"),
    ("已落实" + " " * 40 + "相关制度", "当前8个字"),
    ("有" * 30, "不要用重复的字符凑字数"),
    ("好的好的好的好的好的好的好的好的好的好的好的", "不要用重复的字符凑字数"),
    ("字" * 1001, "当前1001个字"),
    ("", "请填写实际情况"),
])
def test_check_situation(value, expected):
    message = rules.check_situation(value)
    assert message is None if expected is None else expected in message


@pytest.mark.parametrize("value, expected", [
    ("https://bbs.lsly.cn/", None),
    ("http://www.lsly.cn/live/index.html?id=3", None),
    ("bbs.lsly.cn", "以 http:// 或 https:// 开头"),
    ("https://10.0.0.1/bbs", "不要用IP地址"),
    ("https://bbs.lsly.cn/a b", "不能有空格"),
    ("https://localhost/", "网址中的域名不正确"),
    ("https://lsly.cn/" + "a" * 300, "不能超过300个字符"),
])
def test_check_feature_link(value, expected):
    message = rules.check_feature_link(value)
    assert message is None if expected is None else expected in message


def _examples(description):
    """What a hint offers as an example: the text after “如：” (or “如 ” up to the next comma)."""
    if "如：" in description:
        return [description.split("如：", 1)[1]]
    return [re.split(r"[；，]", part)[0].strip() for part in description.split("如 ")[1:]]


def test_every_hint_example_passes_its_own_rule(app):
    with app.test_request_context():
        fields = measure_fields(*assessments.MEASURE_BY_KEY)
        for name, unbound in fields.items():
            if name.endswith("_situation"):
                (example,) = _examples(unbound.kwargs["description"])
                assert rules.check_situation(example) is None, name
        scope = AssessmentScopeForm(formdata=None, meta={"csrf": False}, subject=None)
        (desc,) = _examples(scope.feature_desc.description)
        assert rules.check_text(desc, "功能描述", 20, 500) is None
        (link,) = _examples(scope.feature_link.description)
        assert rules.check_feature_link(link) is None
        (third,) = _examples(scope.assessor_name.description)
        assert rules.check_unit_name(third) is None
        conclusion = AssessmentConclusionForm(formdata=None, meta={"csrf": False}, subject=None)
        (text,) = _examples(conclusion.conclusion.description)
        assert rules.check_situation(text, "评估结论") is None


# -- When a report becomes due -----------------------------------------------------------------------

def file_site(app, officer, subject, domain="lsly.cn", name="丽水山居旅游网", items=("论坛/BBS", "留言板")):
    steps = website_steps(domain, name)
    steps["basic"] = website_basic(domain, name, interactive_items=list(items))
    application = file_through_flow(app, FLOWS[models.Application.NEW_WEBSITE], subject, steps)
    application.decide(True, reviewer=officer.user.id)
    return models.Service.get_by_id(application.service_id)


@pytest.fixture
def forum_site(app, applicant, officer):
    """The applicant's filed 丽水山居旅游网 with a 论坛/BBS: it owes a report."""
    return file_site(app, officer, applicant.subject)


def test_approving_a_site_with_a_forum_makes_a_report_due_and_says_so(forum_site, applicant):
    assert forum_site.assessment_trigger == assessments.LAUNCH
    due = timeutil.to_local(forum_site.assessment_due_since).date() + datetime.timedelta(days=30)
    assert forum_site.assessment_due_on() == due
    notice = models.Notice.get(models.Notice.title == "需提交安全评估报告")
    assert "论坛/BBS" in notice.body and "30日内" in notice.body
    client = applicant.client
    for url in (f"/websites/{forum_site.id}", "/home", "/assessments"):
        page = client.get(url).get_data(as_text=True)
        assert "需提交安全评估报告" in page and forum_site.name in page, url
    assert f'action="/assessments/for/{forum_site.id}"' in client.get(f"/websites/{forum_site.id}").get_data(
        as_text=True)


def test_an_interactive_site_without_such_items_owes_nothing(app, applicant, officer):
    site = file_site(app, officer, applicant.subject, items=("留言板", "会员登录/注册"))
    assert site.interactive and site.assessment_due_since is None
    assert "需提交安全评估报告" not in applicant.client.get(f"/websites/{site.id}").get_data(as_text=True)


def test_a_miniapp_with_live_streaming_owes_one_too(app, applicant, officer):
    steps = miniapp_steps()
    steps["basic"]["content_types"] = ["网络直播", "旅游出行"]
    application = file_through_flow(app, FLOWS[models.Application.NEW_MINIAPP], applicant.subject, steps)
    application.decide(True, reviewer=officer.user.id)
    assert models.Service.get_by_id(application.service_id).assessment_due_since is not None


def _change(app, officer, site, items):
    steps = website_steps(site.domain, site.name)
    steps["basic"] = website_basic(site.domain, site.name, interactive_items=list(items))
    application = file_through_flow(app, FLOWS[models.Application.CHANGE_WEBSITE], site.subject, steps, service=site)
    application.decide(True, reviewer=officer.user.id)
    return models.Service.get_by_id(site.id)


def test_a_change_that_adds_an_item_in_scope_makes_a_new_report_due(app, filed_site, officer):
    assert filed_site.assessment_due_since is None
    models.Notice.delete().execute()
    changed = _change(app, officer, filed_site, ["留言板"])
    assert changed.assessment_due_since is None            # interactive, but nothing in scope
    changed = _change(app, officer, changed, ["留言板", "短视频"])
    assert (changed.assessment_trigger, changed.assessment_due_since is not None) == (assessments.LAUNCH, True)
    assert "短视频" in models.Notice.get(models.Notice.title == "需提交安全评估报告").body


def test_a_change_keeping_the_same_items_after_a_report_asks_for_none(app, forum_site, officer):
    models.Service.update(assessment_due_since=None, assessment_trigger="").execute()
    changed = _change(app, officer, forum_site, ["论坛/BBS", "评论"])
    assert changed.assessment_due_since is None


# -- The report through its steps and the bureau's decision ------------------------------------------

def post_step(client, url, values, action="next"):
    return client.post(url, {**values, "action": action})


def file_report(client, service, **scope_changes):
    """As the applicant does it: 【新办安全评估】 on the service, every step, 【提交】. Returns the
    pages on the way (name → response)."""
    opened = client.post(f"/assessments/for/{service.id}")
    assert opened.status_code in (302, 303)
    step_url = opened.headers["Location"]
    base = step_url.rsplit("/", 1)[0]
    first = client.get(step_url).get_data(as_text=True)
    steps = assessment_steps(service, **scope_changes)
    pages = {"scope_page": first}
    for name, values in steps.items():
        pages[name] = post_step(client, f"{base}/{name}", values)
        assert pages[name].status_code in (302, 303), pages[name].get_data(as_text=True)[-3000:]
    pages["review"] = client.get(f"{base}/review")
    pages["submit"] = client.post(f"{base}/submit")
    return pages


def test_the_report_is_filed_to_the_city_bureau_and_approved(app, forum_site, applicant, officer):
    pages = file_report(applicant.client, forum_site)
    # The service is already chosen.
    assert re.search(rf'<input checked[^>]*value="{forum_site.id}"', pages["scope_page"])
    review = pages["review"].get_data(as_text=True)
    assert "丽水山居论坛" in review and "日志留存·实际情况" in review
    application = models.Application.get(models.Application.kind == models.Application.NEW_ASSESSMENT)
    report = models.Assessment.get(models.Assessment.application == application)
    assert (application.status, application.bureau_id, application.service_id) == (
        models.Application.PENDING, applicant.bureau.id, None)
    assert (report.status, report.service_id, report.trigger) == ("审核中", forum_site.id, assessments.LAUNCH)
    assert set(report.data["measures"]) == {m.key for m in assessments.MEASURES}
    # The applicant sees it under review; nothing else is owed meanwhile.
    detail = applicant.client.get(f"/websites/{forum_site.id}").get_data(as_text=True)
    assert "安全评估报告审核中" in detail and "新办安全评估</button>" not in detail

    queue = officer.get("/review").get_data(as_text=True)
    assert "新办安全评估" in queue and f"{forum_site.name}·丽水山居论坛" in queue
    page = officer.get(f"/review/{application.id}").get_data(as_text=True)
    assert "未落实或说明不足的安全措施" in page and f"/assessments/{report.id}" in page
    assert "已有审核中的安全评估报告" not in page        # its own report does not count against it
    with app.test_request_context():
        assert recheck(application) == [] and reopen_step(application) == "scope"
    assert all(measure.title in page for measure in assessments.MEASURES)
    printable = officer.get(f"/assessments/{report.id}").get_data(as_text=True)
    assert "互联网信息服务安全评估报告" in printable and assessments.MEASURES[3].example in printable
    assert "138****1234" not in printable and "139****1234" in printable   # the manager's mobile, masked

    assert officer.post(f"/review/{application.id}/approve").status_code in (302, 303)
    report = models.Assessment.get_by_id(report.id)
    assert report.status == "已评估" and report.assessed_at is not None
    assert models.Service.get_by_id(forum_site.id).assessment_due_since is None
    detail = applicant.client.get(f"/websites/{forum_site.id}").get_data(as_text=True)
    assert "已评估" in detail and "需提交安全评估报告" not in detail
    assert "已评估" in applicant.client.get("/assessments").get_data(as_text=True)
    assert "新办安全评估申请已通过" in [n.title for n in models.Notice.select()]


def test_return_names_the_measures_that_fall_short_and_gives_the_report_back(forum_site, applicant, officer):
    file_report(applicant.client, forum_site)
    application = models.Application.get(models.Application.kind == models.Application.NEW_ASSESSMENT)
    refused = officer.post(f"/review/{application.id}/return", {}).get_data(as_text=True)
    assert "请勾选未落实或说明不足的安全措施或填写退回原因" in refused
    officer.post(f"/review/{application.id}/return",
                 {"rules_broken": ["日志留存", "投诉举报"], "reason": "日志未覆盖客户端硬件特征"})
    application = models.Application.get_by_id(application.id)
    assert application.status == models.Application.RETURNED
    assert application.reason == "未落实或说明不足的安全措施：日志留存、投诉举报；日志未覆盖客户端硬件特征"
    assert not models.Assessment.select().exists()
    assert models.Service.get_by_id(forum_site.id).assessment_due_since is not None    # still owed
    draft = models.Draft.get(models.Draft.kind == models.Application.NEW_ASSESSMENT)
    assert draft.data["steps"]["scope"]["feature_name"] == ["丽水山居论坛"]


def test_reports_go_to_the_city_bureau_else_the_province(app):
    county, city = make_bureau("331102", "莲都区公安分局网安大队"), make_bureau("331100")
    assert models.Bureau.assessing("331102") == city and models.Bureau.assessing("331121") == city
    province = make_bureau("650000", "新疆维吾尔自治区公安厅网安总队")
    assert models.Bureau.assessing("652829") == province
    assert models.Bureau.assessing("440305") is None
    subject = models.Subject(region_code="331102", bureau=county)
    assert FLOW.bureau_of(subject) == city
    assert FLOW.bureau_of(models.Subject(region_code="440305", bureau=county)) == county


def test_the_report_page_is_for_the_owner_and_the_bureaus_concerned(app, forum_site, applicant, officer):
    file_report(applicant.client, forum_site)
    report = models.Assessment.get()
    assert applicant.client.get(f"/assessments/{report.id}").status_code == 200
    stranger = Client(app.test_client())
    make_user("bob", mobile="13900001111")
    stranger.login("bob", APPLICANT_PASSWORD)
    assert stranger.get(f"/assessments/{report.id}").status_code == 404
    assert stranger.post(f"/assessments/for/{forum_site.id}").status_code == 404
    elsewhere = Client(app.test_client())
    make_user("cop2", mobile="13800003333", role=models.User.OFFICER, bureau=make_bureau("652800", "塔里木公安局网安支队"))
    elsewhere.login("cop2", APPLICANT_PASSWORD)
    assert elsewhere.get(f"/assessments/{report.id}").status_code == 404
    assert elsewhere.get(f"/review/{report.application_id}").status_code == 404


def test_withdrawing_gives_it_back_and_a_second_report_waits_for_the_first(app, forum_site, applicant):
    file_report(applicant.client, forum_site)
    # A second one for the same service is refused at 评估对象 while the first is 审核中.
    context = FLOW.context(applicant.subject)
    with app.test_request_context():
        form = rebuild(AssessmentScopeForm, assessment_steps(forum_site)["scope"], context)
        assert not form.validate() and "已有审核中的安全评估报告" in form.service_id.errors[0]
    application = models.Application.get(models.Application.kind == models.Application.NEW_ASSESSMENT)
    applicant.client.post(f"/applications/{application.id}/withdraw")
    assert models.Application.get_by_id(application.id).status == models.Application.WITHDRAWN
    assert not models.Assessment.select().exists()
    with app.test_request_context():
        assert rebuild(AssessmentScopeForm, assessment_steps(forum_site)["scope"], context).validate()


def test_a_report_on_a_service_cancelled_meanwhile_cannot_be_approved(app, forum_site, applicant, officer):
    file_report(applicant.client, forum_site)
    application = models.Application.get(models.Application.kind == models.Application.NEW_ASSESSMENT)
    forum_site.cancel()
    with pytest.raises(models.TransitionError, match="请退回"):
        application.decide(True, reviewer=officer.user.id)


@pytest.mark.parametrize("step, changes, field, message", [
    ("scope", {"assessor": ["委托第三方评估"], "assessor_name": [""]}, "assessor_name", "请填写第三方评估机构名称"),
    ("scope", {"feature_link": [""]}, "feature_link", "请填写功能链接"),
    ("scope", {"feature_desc": ["论坛"]}, "feature_desc", "功能描述应为20至500个字"),
    ("scope", {"trigger": ["老板要求"]}, "trigger", "请选择评估情形"),
    ("scope", {"assessor": ["随便"]}, "assessor", "请选择评估方式"),
    ("management", {"reviewer_count": ["1"]}, "reviewer_names", "多于信息审核人员数量1人"),
    ("management", {"reviewer_names": ["李秀英\nabc"]}, "reviewer_names", "abc"),
    ("management", {"identity_situation": ["已落实"]}, "identity_situation", "实际情况应为20至1000个字"),
    ("measures", {"log_items": ["账号", "操作时间"]}, "log_items", "按规定还须留存：操作类型"),
    ("measures", {"log_months": ["3"]}, "log_months", "不能少于6个月"),
    ("conclusion", {"promise": []}, "promise", "请勾选"),
])
def test_bad_input_is_refused_beside_its_field(app, forum_site, applicant, step, changes, field, message):
    steps = assessment_steps(forum_site)
    form_class = next(s.form for s in FLOW.steps if s.name == step)
    with app.test_request_context():
        form = rebuild(form_class, {**steps[step], **changes}, FLOW.context(applicant.subject))
        assert not form.validate()
        errors = form[field].errors
        assert errors == [errors[0]] and message in errors[0], errors
        assert set(form.errors) == {field}


def test_only_the_subjects_own_filed_sites_apps_and_miniapps_can_be_chosen(app, applicant, officer, filed_site):
    other = make_subject(make_user("bob", mobile="13900001111"), cert_number="91330100MA27XL2P4W",
                         name="丽水市别家科技有限公司")
    theirs = make_service(other, name="别人的论坛", domains=("bbs.other.cn",))
    mine_pending = make_service(applicant.subject, name="审核中的站", domains=("p.lsly.cn",),
                                status=models.Service.PENDING)
    with app.test_request_context():
        form = AssessmentScopeForm(formdata=None, meta={"csrf": False}, subject=applicant.subject)
        assert [value for value, _ in form.service_id.choices] == [str(filed_site.id)]
        for service in (theirs, mine_pending):
            raw = assessment_steps(service)["scope"]
            refused = rebuild(AssessmentScopeForm, raw, FLOW.context(applicant.subject))
            assert not refused.validate() and refused.service_id.errors
    nothing_filed = make_subject(make_user("carol", mobile="13900002222"), cert_number="91330100MA2CFLXQ8N",
                                 name="丽水市新开科技有限公司")
    assert "没有已备案的网站" in FLOW.subject_problem(nothing_filed)


def test_a_miniapps_report_needs_no_link(app, applicant, filed_miniapp):
    raw = assessment_steps(filed_miniapp, feature_link="")["scope"]
    with app.test_request_context():
        assert rebuild(AssessmentScopeForm, raw, FLOW.context(applicant.subject)).validate()


# -- 逾期 -------------------------------------------------------------------------------------------------

def test_a_report_due_for_more_than_30_days_is_overdue_on_the_dashboard(forum_site, officer, app):
    page = officer.get("/review/dashboard").get_data(as_text=True)
    assert "暂无逾期未提交安全评估报告的服务" in page
    long_ago = timeutil.now() - datetime.timedelta(days=31)
    models.Service.update(assessment_due_since=long_ago).where(models.Service.id == forum_site.id).execute()
    page = officer.get("/review/dashboard").get_data(as_text=True)
    assert forum_site.name in page and '<span class="badge overdue">逾期</span>' in page
    # A bureau of another city does not see it; the county's own bureau does.
    assert models.Service.assessment_overdue("652800") == []
    assert [s.id for s in models.Service.assessment_overdue("331102")] == [forum_site.id]
    assert [s.id for s in models.Service.assessment_overdue("330000")] == [forum_site.id]
    assert models.Service.assessment_overdue("331121") == []


@pytest.mark.parametrize("code, prefix", [("331102", "331102"), ("331100", "3311"), ("330000", "33"), ("", "")])
def test_division_prefix(code, prefix):
    assert models.division_prefix(code) == prefix


# -- Upgrade -------------------------------------------------------------------------------------------

@SQLITE_UPGRADE
def test_upgrade_makes_filed_services_in_scope_owe_a_report(tmp_path):
    database = models.open_database(f"sqlite:///{tmp_path / 'v13.db'}")
    with database.connection_context():
        migrations.upgrade(database)
        owner = make_user()
        subject = make_subject(owner)
        forum = make_service(subject, name="丽水论坛", domains=("bbs.lsly.cn",),
                             data={"interactive_items": ["论坛/BBS"], "domains": ["bbs.lsly.cn"]})
        plain = make_service(subject, name="丽水门户", domains=("lsly.cn",),
                             data={"interactive_items": ["留言板"], "domains": ["lsly.cn"]})
        # Back to release thirteen: no assessment table or columns.
        for statement in ("DROP TABLE assessment", "DROP INDEX service_assessment_due_since",
                          "ALTER TABLE website DROP COLUMN assessment_due_since",
                          "ALTER TABLE website DROP COLUMN assessment_trigger",
                          "DELETE FROM schemaversion WHERE version > 13"):
            database.execute_sql(statement)
        assert migrations.upgrade(database)[:1] == ["m0014_security_assessments"]
        assert models.Service.get_by_id(forum.id).assessment_trigger == assessments.LAUNCH
        assert models.Service.get_by_id(forum.id).assessment_due_since is not None
        assert models.Service.get_by_id(plain.id).assessment_due_since is None
        assert models.Assessment.select().count() == 0


# -- What a report meets, and what stops owing one -------------------------------------------------------

def test_a_report_meets_only_the_need_it_was_filed_for(app, forum_site, applicant, officer):
    file_report(applicant.client, forum_site)
    application = models.Application.get(models.Application.kind == models.Application.NEW_ASSESSMENT)
    # While it is reviewed, a 变更 adds 网络直播: that feature needs its own report.
    models.Service.update(assessment_due_since=None).where(models.Service.id == forum_site.id).execute()
    changed = _change(app, officer, models.Service.get_by_id(forum_site.id), ["论坛/BBS", "网络直播"])
    assert changed.assessment_due_since > application.submitted_at
    application.decide(True, reviewer=officer.user.id)
    assert models.Service.get_by_id(forum_site.id).assessment_due_since == changed.assessment_due_since


def test_the_queue_flags_only_filings_that_owe_or_bring_a_report(app, filed_site, applicant, officer):
    def flagged(items):
        steps = website_steps(filed_site.domain, filed_site.name)
        steps["basic"] = website_basic(filed_site.domain, filed_site.name, interactive_items=items)
        application = file_through_flow(app, FLOWS[models.Application.CHANGE_WEBSITE], applicant.subject, steps,
                                        service=filed_site)
        row = [line for line in officer.get("/review").get_data(as_text=True).splitlines()
               if f"/review/{application.id}" in line or "变更网站" in line]
        application.withdraw()
        return application.owes_assessment, "需提交安全评估报告" in "".join(row)
    assert flagged(["留言板"]) == (False, False)
    assert flagged(["留言板", "公众账号"]) == (True, True)


def test_a_cancelled_service_owes_nothing(app, forum_site, applicant, officer):
    models.Service.get_by_id(forum_site.id).cancel()
    site = models.Service.get_by_id(forum_site.id)
    assert site.assessment_due_since is None
    page = applicant.client.get(f"/websites/{site.id}").get_data(as_text=True)
    assert "需提交安全评估报告" not in page and "新办安全评估" not in page
    assert applicant.client.post(f"/assessments/for/{site.id}").status_code == 404


def test_a_report_under_review_is_not_overdue_and_home_says_so(forum_site, applicant, officer):
    long_ago = timeutil.now() - datetime.timedelta(days=40)
    models.Service.update(assessment_due_since=long_ago).where(models.Service.id == forum_site.id).execute()
    assert "已逾期" in applicant.client.get("/home").get_data(as_text=True)
    file_report(applicant.client, forum_site)
    assert models.Service.assessment_overdue("331100") == []
    assert "暂无逾期未提交安全评估报告的服务" in officer.get("/review/dashboard").get_data(as_text=True)
    assert "报告审核中" in applicant.client.get("/home").get_data(as_text=True)


def test_overdue_counts_local_days_and_pages(app, applicant, officer):
    today = datetime.date(2026, 11, 25)
    def owed_since(day, name):
        since = timeutil.to_utc(datetime.datetime.combine(day, datetime.time(23, 30), timeutil.CN_TZ))
        return make_service(applicant.subject, name=name, domains=(f"{len(name)}{name[-1]}.lsly.cn",),
                            assessment_due_since=since, assessment_trigger=assessments.LAUNCH)
    due_today = owed_since(today - datetime.timedelta(days=30), "今天到期的站")   # due today: not yet late
    late = [owed_since(today - datetime.timedelta(days=31 + n), f"逾期的站{n}") for n in range(3)]
    assert due_today.assessment_due_on() == today
    first = models.Service.assessment_overdue("331100", today=today, size=2)
    assert [s.id for s in first] == [late[2].id, late[1].id]
    rest = models.Service.assessment_overdue("331100", today=today, after=first[-1], size=2)
    assert [s.id for s in rest] == [late[0].id]


def test_the_county_and_the_city_bureau_both_see_what_concerns_them(app, applicant, officer, lishui_bureau):
    county = make_bureau("331102", "莲都区公安分局网安大队")
    applicant.subject.bureau = county
    applicant.subject.cert_photo = models.Upload.create(owner=applicant.user, purpose="cert_photo", stored_name="c.png",
                                                        content_type="image/png", size=1, sha256="0")
    applicant.subject.save()
    site = file_site(app, officer, applicant.subject)
    steps = assessment_steps(site)
    document = uploaded(applicant.user.id, "assessment_document")
    steps["measures"]["logs_files"] = [document]
    application = file_through_flow(app, FLOW, applicant.subject, steps)
    assert application.bureau_id == lishui_bureau.id          # the city's, not the subject's county bureau
    county_officer = make_user("county", mobile="13800004444", role=models.User.OFFICER, bureau=county)
    upload = models.Upload.get_by_id(int(document))
    assert upload.visible_to(county_officer) and upload.visible_to(officer.user)
    assert applicant.subject.cert_photo.visible_to(officer.user)
    report = models.Assessment.get()
    assert report.visible_to(county_officer) and report.visible_to(officer.user)


def test_each_service_resumes_its_own_draft(app, applicant, officer, filed_site, filed_app):
    client = applicant.client
    first = client.post(f"/assessments/for/{filed_site.id}").headers["Location"]
    again = client.post(f"/assessments/for/{filed_site.id}").headers["Location"]
    other = client.post(f"/assessments/for/{filed_app.id}").headers["Location"]
    assert first == again and other != first
    assert re.search(rf'<input checked[^>]*value="{filed_app.id}"', client.get(other).get_data(as_text=True))
    assert models.Draft.select().where(models.Draft.kind == models.Application.NEW_ASSESSMENT).count() == 2


def test_a_report_is_not_sent_to_an_interview(app, forum_site, applicant, officer):
    file_report(applicant.client, forum_site)
    application = models.Application.get(models.Application.kind == models.Application.NEW_ASSESSMENT)
    assert "面审 / 实地检查" not in officer.get(f"/review/{application.id}").get_data(as_text=True)
    officer.post(f"/review/{application.id}/schedule", {"mode": "面审", "day": "2099-01-05", "time": "上午10:00",
                                                        "place": "窗口"})
    assert models.Application.get_by_id(application.id).status == models.Application.PENDING
