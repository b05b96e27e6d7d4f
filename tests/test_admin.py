"""系统管理: bureaus and their guides, officer accounts, the holiday table; each change audited."""
import datetime as dt
import json
import re

import pytest

import models
from tests.conftest import Client, make_user
from tests.factories import make_bureau, make_subject

BUREAU = {"name": "莲都区公安分局网安大队", "division_code": "331102", "address": "丽水市莲都区某路1号",
          "phone": "0578-1234567", "complaint_phone": "", "office_hours": "工作日 8:30-17:00",
          "office_hours_summer": "", "review_days": "15", "interactive_review_days": "5",
          "guide_scope": "本区开办网站的单位和个人。", "guide_basis": "公安部令第33号。",
          "guide_materials": "开办主体证件图片。", "guide_procedure": "网上申请 → 审核 → 发号。",
          "guide_faq": "周末能办吗？\n网上申请随时可以提交，审核在工作日进行。\n\n要收费吗？\n不收费。"}


@pytest.fixture
def admin(client, app):
    make_user("root", mobile="13700000001", role=models.User.ADMIN)
    client.login("root", "Secret2026x")
    return models.User.get(models.User.username == "root")


def audit_actions():
    return [e.action for e in models.AuditEntry.select().order_by(models.AuditEntry.id)]


@pytest.mark.parametrize("url", ["/admin", "/admin/bureaus", "/admin/officers", "/admin/holidays",
                                 "/admin/audit", "/admin/bureaus/new"])
def test_only_admins_get_in(client, app, url):
    bureau = make_bureau()
    make_user("cop", mobile="13800002222", role=models.User.OFFICER, bureau=bureau)
    client.login("cop", "Secret2026x")
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code in (404, 405)


def test_new_bureau_is_validated_saved_audited_and_its_guide_published(client, admin):
    page = client.post("/admin/bureaus/new", {**BUREAU, "division_code": "999999"}).get_data(as_text=True)
    assert "请填写有效的6位行政区划代码" in page
    assert models.Bureau.select().count() == 0

    response = client.post("/admin/bureaus/new", BUREAU)
    assert response.status_code == 303
    bureau = models.Bureau.get(models.Bureau.division_code == "331102")
    assert (bureau.review_days, bureau.interactive_review_days, bureau.instant_approval) == (15, 5, False)
    assert audit_actions() == ["新增公安机关"]

    guide = client.get(f"/guide/{bureau.id}").get_data(as_text=True)
    assert "本区开办网站的单位和个人。" in guide and "<strong>周末能办吗？</strong>网上申请随时可以提交" in guide
    assert "交互式网站：5个工作日内" in guide

    again = client.post("/admin/bureaus/new", {**BUREAU, "name": "重复"}).get_data(as_text=True)
    assert "该区划已有公安机关负责" in again and models.Bureau.select().count() == 1


def test_editing_a_bureau_keeps_before_and_after(client, admin):
    bureau = make_bureau()
    form = client.get(f"/admin/bureaus/{bureau.id}").get_data(as_text=True)
    assert "身份证不通过什么意思？" in form  # the default guide to start from
    data = {**BUREAU, "division_code": bureau.division_code, "name": bureau.name, "instant_approval": "y",
            "days_1": "abc"}
    assert "请填写整数" in client.post(f"/admin/bureaus/{bureau.id}", data).get_data(as_text=True)
    data["days_1"] = "10"   # 变更主体 within 10 working days; the other kinds keep the general 15
    assert client.post(f"/admin/bureaus/{bureau.id}", data).status_code == 303
    bureau = models.Bureau.get_by_id(bureau.id)
    assert bureau.instant_approval and bureau.review_days == 15
    # IP登记即审即办 was left unticked: this bureau reviews every IP登记 first.
    assert bureau.ip_instant is False
    assert bureau.days_for("变更主体") == 10 and bureau.days_for("注销主体") == 15
    assert 'value="10"' in client.get(f"/admin/bureaus/{bureau.id}").get_data(as_text=True)
    entry = models.AuditEntry.get()
    assert entry.action == "修改公安机关" and entry.target == f"bureau:{bureau.id}"
    assert entry.before["review_days"] == 21 and entry.after["review_days"] == 15
    assert client.get("/admin/bureaus/9999").status_code == 404


def test_blank_guide_sections_fall_back_to_the_default(client, admin):
    bureau = make_bureau()
    client.post(f"/admin/bureaus/{bureau.id}", {**BUREAU, "division_code": bureau.division_code,
                                                 "guide_faq": "", "guide_scope": ""})
    guide = client.get(f"/guide/{bureau.id}").get_data(as_text=True)
    assert "身份证不通过什么意思？" in guide and "服务对象：个人、法人、其他组织" in guide


def test_officer_is_created_then_disabled_which_ends_their_session(client, admin, app):
    bureau = make_bureau()
    officer = {"username": "cop9", "bureau": str(bureau.id), "mobile": "13800009999",
               "email": "cop9@example.com", "password": "Police2026x", "password2": "Police2026x"}
    page = client.post("/admin/officers", {**officer, "bureau": "0", "password2": "x"}).get_data(as_text=True)
    assert "请选择所属公安机关" in page and "两次输入的密码不一致" in page
    assert not models.User.select().where(models.User.username == "cop9").exists()

    assert client.post("/admin/officers", officer).status_code == 303
    created = models.User.get(models.User.username == "cop9")
    assert created.role == models.User.OFFICER and created.bureau_id == bureau.id
    assert "该用户名已被注册" in client.post("/admin/officers", officer).get_data(as_text=True)

    cop = Client(app.test_client())
    cop.login("cop9", "Police2026x")
    assert cop.get("/review").status_code == 200

    client.post(f"/admin/officers/{created.id}/active", {"active": "0"})
    assert not models.User.get_by_id(created.id).active
    assert "/login" in cop.get("/review").location          # the open session has ended
    cop.login("cop9", "Police2026x")
    assert "/login" in cop.get("/review").location          # and no new one starts

    client.post(f"/admin/officers/{created.id}/active", {"active": "1"})
    cop.login("cop9", "Police2026x")
    assert cop.get("/review").status_code == 200
    assert audit_actions() == ["新增民警", "停用民警", "启用民警"]
    # Only officers are managed here: an applicant's id answers 404.
    applicant = make_user("alice", mobile="13800001111")
    assert client.post(f"/admin/officers/{applicant.id}/active", {"active": "0"}).status_code == 404


def test_entering_next_years_holidays_moves_due_dates(client, admin):
    page = client.get("/admin/holidays?year=2027").get_data(as_text=True)
    assert "尚未录入2027年法定节假日安排" in page

    odd = client.post("/admin/holidays", {"start": "2027-01-01", "end": "x", "kind": "zzz",
                                          "name": "元旦"}).get_data(as_text=True)
    assert "日期格式不正确" in odd and "不是有效的选择" in odd and "Not a valid" not in odd
    bad = client.post("/admin/holidays", {"start": "2027-01-03", "end": "2027-01-01", "kind": "off",
                                          "name": "元旦"}).get_data(as_text=True)
    assert "结束日期不能早于开始日期" in bad and not models.Holiday.calendar().known(2027)

    client.post("/admin/holidays", {"start": "2027-01-01", "end": "2027-01-03", "kind": "off", "name": "元旦"})
    client.post("/admin/holidays", {"start": "2027-02-20", "kind": "work", "name": "春节"})
    calendar = models.Holiday.calendar()
    assert calendar.add_workdays(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert calendar.is_workday(dt.date(2027, 2, 20))   # a Saturday made a workday
    page = client.get("/admin/holidays?year=2027").get_data(as_text=True)
    assert "已录入2027年 4 天，尚未确认该年安排已录入完整" in page and "调休上班" in page
    assert not calendar.known(2027)

    client.post("/admin/holidays/2027/complete", {"complete": "1"})
    assert models.Holiday.calendar().known(2027)
    page = client.get("/admin/holidays?year=2027").get_data(as_text=True)
    assert "root 已于" in page and "尚未" not in page
    mistaken = models.Holiday.get(models.Holiday.day == dt.date(2027, 2, 20))
    client.post(f"/admin/holidays/{mistaken.id}/delete")
    assert not models.Holiday.calendar().is_workday(dt.date(2027, 2, 20))
    assert audit_actions() == ["录入节假日"] * 4 + ["确认节假日安排", "删除节假日"]


def test_one_holiday_entered_does_not_end_the_warnings_until_the_year_is_confirmed(client, admin, app):
    """Issue #22: entering a single 2027 day removed every warning though 元旦 and 春节 were missing."""
    bureau = make_bureau()
    cop = make_user("cop", mobile="13800002222", role=models.User.OFFICER, bureau=bureau)
    subject = make_subject(make_user("alice", mobile="13800001111"), bureau=bureau)
    # An application due in 2027: filed in late December 2026.
    models.Application.create(owner=subject.owner, subject=subject, kind=models.Application.CHANGE_SUBJECT,
                              bureau=bureau, data={}, submitted_at=dt.datetime(2026, 12, 28, 2))
    officer = Client(app.test_client())
    officer.login(cop.username, "Secret2026x")
    warning = "尚未录入2027年法定节假日安排"
    assert warning in officer.get("/review").get_data(as_text=True)

    client.post("/admin/holidays", {"start": "2027-10-01", "end": "2027-10-07", "kind": "off", "name": "国庆节"})
    assert warning in officer.get("/review").get_data(as_text=True)
    assert "尚未确认该年安排已录入完整" in client.get("/admin/holidays?year=2027").get_data(as_text=True)

    client.post("/admin/holidays/2027/complete", {"complete": "1"})
    assert warning not in officer.get("/review").get_data(as_text=True)
    row = models.HolidayYear.get(models.HolidayYear.year == 2027)
    assert row.confirmed_by_id == admin.id

    # A mistaken confirmation can be withdrawn; the years chinesecalendar publishes cannot.
    client.post("/admin/holidays/2027/complete", {"complete": "0"})
    assert warning in officer.get("/review").get_data(as_text=True)
    client.post("/admin/holidays/2026/complete", {"complete": "0"})
    assert models.Holiday.calendar().known(2026)
    assert audit_actions() == ["录入节假日"] * 7 + ["确认节假日安排", "撤销节假日安排确认"]


def test_a_year_with_no_days_entered_cannot_be_confirmed(client, admin):
    page = client.post("/admin/holidays/2031/complete", {"complete": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "尚未录入2031年的任何节假日" in page
    assert not models.HolidayYear.select().where(models.HolidayYear.year == 2031).exists()
    assert client.post("/admin/holidays/1999/complete", {"complete": "1"}).status_code == 404


def test_only_admins_confirm_a_year(client, app):
    make_user("cop", mobile="13800002222", role=models.User.OFFICER, bureau=make_bureau())
    client.login("cop", "Secret2026x")
    models.Holiday.create(day=dt.date(2027, 1, 1), name="元旦")
    assert client.post("/admin/holidays/2027/complete", {"complete": "1"}).status_code == 404
    assert not models.Holiday.calendar().known(2027)


def test_audit_log_lists_admin_actions(client, admin):
    client.post("/admin/holidays", {"start": "2027-10-01", "kind": "off", "name": "国庆节"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "录入节假日" in page and "holiday:2027-10-01" in page and "root" in page


def test_a_bureau_in_use_keeps_its_division_code_and_holidays_stay_in_range(client, admin):
    bureau = make_bureau()
    models.RecordSequence.issue(bureau, "02")
    data = {**BUREAU, "name": bureau.name, "division_code": "331102"}
    page = client.post(f"/admin/bureaus/{bureau.id}", data).get_data(as_text=True)
    assert "已有业务的公安机关不能修改管辖区划代码" in page
    assert models.Bureau.get_by_id(bureau.id).division_code == "331100"
    old = client.post("/admin/holidays", {"start": "1999-12-31", "kind": "off", "name": "元旦"}).get_data(as_text=True)
    assert "请填写2020年至2100年之间的日期" in old and not models.Holiday.select().where(
        models.Holiday.name == "元旦", models.Holiday.day < dt.date(2000, 1, 1)).exists()


def test_a_new_bureau_files_ip_registrations_at_once_unless_told_otherwise(client, admin):
    page = client.get("/admin/bureaus/new").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="ip_instant"[^>]*>', page).group(0)
    assert "checked" in box and "IP登记即审即办" in page
