"""备案查询 of APPs and 小程序: found by number, name, exact package name or AppID, filtered by 类型,
each row showing what the platform shows (number, name, subject, bureau, date) and no personal data."""
import re
from html import unescape

import pytest

import models
import timeutil
from tests.conftest import file_through_flow, make_user
from tests.factories import app_steps, make_id, make_subject
from wizard.engine import FLOWS

BUREAU = "丽水市公安局网络警察支队"


def result_rows(client, q, kind=None):
    """The result table's rows as lists of cell texts ([] when nothing was found)."""
    response = client.get("/query", query_string={"q": q, **({"kind": kind} if kind else {})})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    if body is None:
        return []
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


def names(rows):
    return [row[1] for row in rows]


def test_the_app_is_found_by_its_number_with_what_the_platform_shows(client, filed_app):
    approved = timeutil.format_local(filed_app.approved_on(), "%Y-%m-%d")
    expected = [["APP", "丽水山居旅游", filed_app.record_number, "com.lsly.lvyou", "丽水市云岭科技有限公司",
                 BUREAU, approved, "已备案"]]
    assert result_rows(client, filed_app.record_number) == expected
    # Typed without its spaces, as people copy it from a badge.
    assert result_rows(client, "".join(filed_app.record_number.split())) == expected


def test_the_app_is_found_by_a_name_fragment_and_its_exact_package_name_only(client, filed_app):
    assert names(result_rows(client, "山居旅游")) == ["丽水山居旅游"]
    assert names(result_rows(client, "com.lsly.lvyou")) == ["丽水山居旅游"]
    for fragment in ("com.lsly", "lsly.lvyou", "lvyou", "com.lsly.lvyo"):
        assert result_rows(client, fragment) == [], fragment


def test_the_miniapp_is_found_by_its_appid(client, filed_miniapp):
    rows = result_rows(client, "wx1234567890abcdef")
    assert [(row[0], row[1], row[2], row[3]) for row in rows] == [
        ("小程序", "丽水山居旅游", filed_miniapp.record_number, "微信 wx1234567890abcdef")]
    assert result_rows(client, "wx1234567890") == []


def test_the_kind_filter_leaves_out_the_other_kinds(client, filed_site, filed_app, filed_miniapp):
    assert sorted(row[0] for row in result_rows(client, "丽水山居")) == ["APP", "小程序", "网站"]
    assert [row[0] for row in result_rows(client, "丽水山居", "website")] == ["网站"]
    assert [row[0] for row in result_rows(client, "丽水山居", "app")] == ["APP"]
    assert [row[0] for row in result_rows(client, "丽水山居", "miniapp")] == ["小程序"]
    # A website's row names its domains; an unknown kind is 全部.
    assert result_rows(client, "丽水山居", "website")[0][3] == "lsly.cn、www.lsly.cn"
    assert len(result_rows(client, "丽水山居", "nonsense")) == 3
    # Filtering by kind never widens what is found.
    assert result_rows(client, "com.lsly.lvyou", "miniapp") == []
    assert result_rows(client, filed_site.record_number, "app") == []


def test_the_kind_choice_is_a_labelled_select_that_stays_chosen(client):
    page = client.get("/query?q=x&kind=app").get_data(as_text=True)
    assert '<label for="kind">类型</label>' in page and '<select id="kind" name="kind">' in page
    assert '<option value="">全部</option>' in page and '<option value="app" selected>APP</option>' in page
    assert '<option value="miniapp">小程序</option>' in page and '<option value="website">网站</option>' in page


def test_a_cancelled_app_is_still_shown_as_cancelled(client, filed_app):
    filed_app.cancel()
    for q in (filed_app.record_number, "com.lsly.lvyou", "山居旅游"):
        rows = result_rows(client, q)
        assert [(row[1], row[-1]) for row in rows] == [("丽水山居旅游", "已注销")], q
        assert rows[0][5] == BUREAU


def test_a_pending_app_is_not_shown(app, client, applicant):
    application = file_through_flow(app, FLOWS[models.Application.NEW_APP], applicant.subject,
                                    app_steps(applicant.user.id, domain="app.yunling.cn", name="云岭导览",
                                              package="com.yunling.daolan"))
    assert models.Service.get_by_id(application.service_id).status == models.Service.PENDING
    for q in ("云岭导览", "com.yunling.daolan"):
        assert result_rows(client, q) == [], q


def test_a_persons_name_is_masked(app, client, lishui_bureau, officer):
    owner = make_user("wang", mobile="13905786666")
    subject = make_subject(owner, bureau=lishui_bureau, nature="个人", name="王建华", cert_type="居民身份证",
                           cert_number=make_id(seq=321), unit_kind="", investor="")
    application = file_through_flow(app, FLOWS[models.Application.NEW_APP], subject,
                                    app_steps(owner.id, domain="api.wjh.cn", name="王家民宿",
                                              package="cn.wjh.minsu"))
    application.decide(True, reviewer=officer.user.id)
    response = client.get("/query", query_string={"q": "cn.wjh.minsu"})
    page = response.get_data(as_text=True)
    assert [row[4] for row in result_rows(client, "cn.wjh.minsu")] == ["王*华"]
    assert "王建华" not in page and make_id(seq=321) not in page


def test_no_phone_or_id_number_from_the_filing_is_on_the_page(client, filed_app, filed_miniapp):
    page = client.get("/query", query_string={"q": "丽水山居"}).get_data(as_text=True)
    assert "com.lsly.lvyou" in page and "wx1234567890abcdef" in page
    subject = filed_app.subject
    private = {subject.leader_mobile, subject.leader_id_number, subject.leader_email, subject.cert_number,
               subject.leader_residence}
    for service in (filed_app, filed_miniapp):
        for step in service.filing()["steps"].values():
            for field, values in step.items():
                if field.split("-")[-1] in ("id_number", "mobile", "office_phone", "email", "name"):
                    private.update(values)
    assert {"13905781234", "13905782222", make_id(), make_id(seq=456), "张建国", "李秀英"} <= private
    for value in private:
        assert value not in page, value


def test_the_result_page_runs_the_same_queries_for_one_row_as_for_many(client, filed_site, filed_app, filed_miniapp,
                                                                        monkeypatch):
    database = models.db.obj
    statements = []
    real = database.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return real(sql, params, *args, **kwargs)

    def count(q):
        statements.clear()
        rows = result_rows(client, q)
        return len(rows), len(statements)

    monkeypatch.setattr(database, "execute_sql", counting)
    one, many = count("com.lsly.lvyou"), count("丽水山居")
    assert (one[0], many[0]) == (1, 3)
    assert one[1] == many[1]


@pytest.mark.parametrize("with_bureau", [True, False])
def test_a_row_no_application_put_on_record_names_its_subjects_bureau(client, lishui_bureau, with_bureau):
    subject = make_subject(make_user(), bureau=lishui_bureau if with_bureau else None)
    models.Service.create(owner=subject.owner, subject=subject, name="旧系统迁来的站", domain="old.cn",
                          status="已备案", record_number="浙公网安备 33110002000009号", data={"domains": ["old.cn"]})
    [row] = result_rows(client, "旧系统迁来")
    assert row[3:] == ["old.cn", "丽水市云岭科技有限公司", BUREAU if with_bureau else "—", "", "已备案"]
