"""forms/base.py: what every form gets at its root, whatever it declares (length words …)."""
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

import models
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from forms.account import LoginForm, RegisterForm, ResetForm, ResetRequestForm, SendCodeForm, VerifyMobileForm
from forms.admin import BureauForm, HolidayForm, OfficerForm
from forms.base import CaptchaForm, Form, MaxLength, max_length
from forms.imports import ImportedSiteForm, ImportForm
from forms.people import PersonForm
from forms.directory import ProviderForm, ProviderImportForm
from forms.review import CancelFiledForm, ReturnForm, ScheduleForm
from forms.subject import AcceptTransferForm, CancelSubjectForm, SubjectForm, TransferForm
from forms.app import AppBasicForm, AppPeopleForm, MiniappBasicForm, MiniappPeopleForm, SdkRow
from forms.filing import CancelServiceForm, FilingForm, NoticeForm
from forms.provider import AppstoreBasicForm, ProviderBasicForm
from forms.unit import UnitBasicForm
from forms.assessment import (AssessmentConclusionForm, AssessmentManagementForm, AssessmentMeasuresForm,
                              AssessmentScopeForm, ReportStep)
from forms.reports import SiteReportForm, UnitReportForm
from forms.website import ClaimCodeForm, WebsiteBasicForm, WebsitePeopleForm
from tests.conftest import make_user
from tests.factories import make_bureau, make_subject, unit_form
from tests.test_wizard import BASIC, PEOPLE, start

# Every page form, with the context it is built with.
PAGE_FORMS = [
    (SubjectForm, {}), (CancelSubjectForm, {"subject": None}), (TransferForm, {"subject": None}),
    (AcceptTransferForm, {"transfer": None}), (RegisterForm, {}), (LoginForm, {}), (ResetRequestForm, {}),
    (ResetForm, {}), (VerifyMobileForm, {}), (SendCodeForm, {}), (BureauForm, {}), (OfficerForm, {}),
    (HolidayForm, {}), (ReturnForm, {}), (ScheduleForm, {}), (ImportForm, {}), (ImportedSiteForm, {}),
    (ClaimCodeForm, {}), (ProviderForm, {}), (ProviderImportForm, {}),
    (WebsiteBasicForm, {"subject": None}), (WebsitePeopleForm, {"subject": None}),
    (NoticeForm, {"subject": None}), (AppBasicForm, {"subject": None}), (MiniappBasicForm, {"subject": None}),
    (SdkRow, {}), (AppPeopleForm, {"subject": None}), (MiniappPeopleForm, {"subject": None}),
    (ProviderBasicForm, {"subject": None}), (AppstoreBasicForm, {"subject": None}), (UnitBasicForm, {"subject": None}),
    (CancelFiledForm, {}), (CancelServiceForm, {"service": SimpleNamespace(data={})}),
    (SiteReportForm, {}), (UnitReportForm, {}),
    (AssessmentScopeForm, {"subject": None}), (AssessmentManagementForm, {"subject": None}),
    (AssessmentMeasuresForm, {"subject": None}), (AssessmentConclusionForm, {"subject": None}),
]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_the_list_holds_every_form_of_the_project():
    # Bases, and the people steps people_form() builds (WebsitePeopleForm stands for them), aside.
    declared = {cls for cls in _subclasses(Form) if cls.__module__.startswith("forms.")
                and cls not in (CaptchaForm, FilingForm, ReportStep) and cls.__name__ != "PeopleForm"}
    assert declared <= {form for form, _ in PAGE_FORMS}, declared - {form for form, _ in PAGE_FORMS}


def build(form_class, data=None, **context):
    return form_class(formdata=MultiDict(data or {}), meta={"csrf": False}, **context)


def leaf_fields(form):
    for field in form:
        if field.type == "FormField":
            yield from leaf_fields(field.form)
        else:
            yield field


class Sample(Form):
    plain = StringField("网站名称", validators=[Length(max=5)])
    worded = TextAreaField("注销原因", validators=[max_length(5)])


# ---------------------------------------------------------------------------
# Length: the platform's words, and one message only
# ---------------------------------------------------------------------------

def test_max_length_words_and_stops(app):
    with app.test_request_context():
        form = build(Sample, {"plain": "六个字的名称", "worded": "六个字的原因"})
        assert not form.validate()
    assert form.plain.errors == ["网站名称不能超过5个字"]
    assert form.worded.errors == ["注销原因不能超过5个字"]
    assert MaxLength(60, "网站名称").message == "网站名称不能超过60个字"


def test_max_length_keeps_the_browser_limit(app):
    with app.test_request_context():
        form = build(Sample)
    assert 'maxlength="5"' in form.worded() and 'maxlength="5"' in form.plain()


@pytest.mark.parametrize("form_class, context", PAGE_FORMS, ids=[f.__name__ for f, _ in PAGE_FORMS])
def test_no_form_keeps_wtforms_own_length_message(app, form_class, context):
    with app.test_request_context():
        form = build(form_class, **context)
    limits = [v for field in leaf_fields(form) for v in field.validators if isinstance(v, Length)]
    assert all(type(v) is MaxLength for v in limits), [v.message for v in limits]


@pytest.mark.parametrize("field, value, message", [
    ("name", "丽水市云岭科技有限公司" * 10, "单位名称不能超过100个字"),
    ("investor", "张" * 101, "投资或主管单位不能超过100个字"),
    ("address", "浙江省丽水市莲都区人民街607号" * 20, "单位地址不能超过200个字"),
    ("leader_residence", "浙江省丽水市莲都区人民街607号" * 20, "常住地址不能超过200个字"),
    ("leader_email", "z" * 120 + "@example.com", "电子邮箱不能超过120个字"),
])
def test_a_too_long_subject_value_gets_one_message(app, field, value, message):
    with app.test_request_context():
        form = build(SubjectForm, unit_form(**{field: value}))
        form.check_field(field)
    assert form[field].errors == [message]


def test_a_too_long_person_block_value_gets_one_message():
    block = PersonForm(MultiDict({"email": "z" * 120 + "@example.com"}))
    block.email.validate(block)
    assert block.email.errors == ["电子邮箱不能超过120个字"]


@pytest.fixture
def filer(client, app):
    """alice, logged in, with a valid subject under the 丽水 bureau."""
    user = make_user()
    make_subject(user, bureau=make_bureau())
    client.login("alice", "Secret2026x")
    return user


def test_a_too_long_wizard_value_gets_one_message(client, filer):
    # WebsiteBasicForm declares a bare Length(max=60): the root gives it the platform's words.
    _, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    page = client.post(f"{base}/basic", {**BASIC, "site_name": "中国旅游网" * 13, "action": "next"})
    page = page.get_data(as_text=True)
    assert page.count('id="err-site_name"') == 1 and "网站名称不能超过60个字" in page


# ---------------------------------------------------------------------------
# Control characters: refused at the root, in every text field, with one message
# ---------------------------------------------------------------------------

CONTROL = "含有不可见的控制字符，请删除后重新输入"


@pytest.mark.parametrize("form_class, context", PAGE_FORMS, ids=[f.__name__ for f, _ in PAGE_FORMS])
def test_every_text_field_refuses_control_characters_first(app, form_class, context):
    with app.test_request_context():
        form = build(form_class, **context)
    for field in [f for f in leaf_fields(form) if isinstance(f, StringField)]:
        field.data = "丽水\x00"
        assert not field.validate(form), field.name
        assert field.errors == [CONTROL], (field.name, field.errors)


def test_a_text_area_keeps_its_line_breaks(app):
    with app.test_request_context():
        form = build(Sample, {"worded": "一\r\n\t二"})
        assert form.worded.validate(form) and not form.worded.errors
        form = build(Sample, {"plain": "一\t二"})
        assert not form.plain.validate(form) and form.plain.errors == [CONTROL]


def test_the_guard_stays_when_a_form_sets_a_fields_validators_anew(app):
    # A form may give a field its validators in __init__ (the 前置审批 文号 fields do).
    with app.test_request_context():
        form = build(Sample, {"plain": "丽\x00"})
        form.plain.validators = []
        assert not form.plain.validate(form)
    assert form.plain.errors == [CONTROL]


@pytest.fixture
def newcomer(client, app):
    """alice, logged in, with no subject yet."""
    make_bureau()
    user = make_user()
    client.login("alice", "Secret2026x")
    return user


def test_a_subject_field_with_nul_is_refused_once_inline_and_on_submit(client, newcomer):
    data = {**unit_form(investor="张建国\x00"), "action": "submit"}
    page = client.post("/subject/new", data).get_data(as_text=True)
    assert page.count('id="err-investor"') == 1 and page.count(CONTROL) == 1
    assert models.Subject.select().count() == 0
    inline = client.post("/validate/subject/investor", unit_form(investor="张建国\x00"),
                         headers={"HX-Request": "true"}).get_data(as_text=True)
    assert inline.count('id="err-investor"') == 1 and inline.count(CONTROL) == 1


def test_a_person_block_field_with_nul_is_refused_once(client, filer):
    _, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    assert client.post(f"{base}/basic", {**BASIC, "action": "next"}).status_code == 303
    page = client.post(f"{base}/people", {**PEOPLE, "owner-name": "张建国\x00", "action": "next"})
    page = page.get_data(as_text=True)
    assert page.count('id="err-owner-name"') == 1 and page.count(CONTROL) == 1
    assert page.count('class="error"') == 1


def test_a_wizard_field_with_nul_is_refused_once(client, filer):
    _, base = start(client)
    client.post(f"{base}/subject", {"action": "next"})
    page = client.post(f"{base}/basic", {**BASIC, "site_name": "丽水山居旅游网\x00", "action": "next"})
    page = page.get_data(as_text=True)
    assert page.count('id="err-site_name"') == 1 and page.count(CONTROL) == 1
    assert page.count('class="error"') == 1
    checked = client.post(f"{base}/basic", {**BASIC, "site_name": "丽水山居旅游网\x00",
                                            "action": "check:site_name"}, headers={"HX-Request": "true"})
    assert checked.get_data(as_text=True).count(CONTROL) == 1
    # A text area keeps its line breaks: CR LF between IP lines passes.
    assert client.post(f"{base}/basic", {**BASIC, "ips": "47.96.1.10\r\n47.96.1.20-47.96.1.30",
                                         "action": "next"}).status_code == 303
