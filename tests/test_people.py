"""forms/people.py: the person block, the one ID check, the 负责人 mapping and people_form()."""
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

import models
from forms import rules
from forms.people import ID_TYPES, LEADER_AS_PERSON, PersonForm, check_person_id, leader_as_person, people_form
from forms.subject import SubjectForm
from forms.filing import FilingForm
from forms.website import WebsitePeopleForm
from tests.factories import USCC, make_id, unit_form

PERSON_FIELDS = ("same_as_subject", "name", "id_type", "id_number", "mobile", "office_phone", "email")
LEADER = SimpleNamespace(leader_name="张建国", leader_id_type="居民身份证", leader_id_number=make_id(),
                         leader_mobile="13905781234", leader_office_phone="0578-2786359",
                         leader_email="zhang@example.com")


def build(form_class, data=None, **context):
    return form_class(formdata=MultiDict(data or {}), meta={"csrf": False}, **context)


def test_website_people_keep_the_names_stored_drafts_use(app):
    with app.test_request_context():
        form = build(WebsitePeopleForm, subject=None)
    assert form.BLOCKS == ("owner", "security", "emergency")
    names = [sub.name for block in form.BLOCKS for sub in form[block]]
    assert names == [f"{block}-{field}" for block in form.BLOCKS for field in PERSON_FIELDS]
    assert [form[b].label.text for b in form.BLOCKS] == ["网站负责人", "网站安全负责人", "网站应急联络人"]
    assert form.emergency.description == "需承担7×24小时联络责任，建议不与网站负责人为同一人"
    assert form.owner.form.same_as_subject.label.text == "同主体负责人信息"


def test_a_people_step_is_declared_in_one_line(app):
    AppPeople = people_form([("app_owner", "APP负责人", ""), ("app_contact", "APP应急联络人", "7×24")],
                            base=FilingForm, contact="app_contact")
    same = {"app_owner-name": "张建国", "app_contact-name": "张建国", "app_contact-same_as_subject": "y"}
    with app.test_request_context():
        form = build(AppPeople, same, subject=LEADER)
        form.fill_ticked()
        assert form.same_person_warning() == "APP应急联络人需承担7×24小时联络责任，建议不与APP负责人为同一人"
        assert form.app_contact.form.mobile.data == "13905781234"   # ticked: filled from the subject
        assert not form.app_owner.form.mobile.data                  # not ticked: left alone
        form.enable_refresh("/here", "#wizard")
        assert form.app_owner.form.same_as_subject.refreshes
        assert not build(AppPeople, {"app_owner-name": "张建国", "app_contact-name": "李秀英"},
                         subject=LEADER).same_person_warning()
        assert not build(people_form([("one", "负责人", "")], base=FilingForm), same).same_person_warning()


def test_a_contact_that_is_not_a_block_is_refused():
    with pytest.raises(ValueError):
        people_form([("owner", "网站负责人", "")], base=FilingForm, contact="emergency")


def test_the_leader_mapping_covers_the_person_block_and_real_subject_columns():
    assert set(LEADER_AS_PERSON.values()) == set(PERSON_FIELDS) - {"same_as_subject"}
    assert set(LEADER_AS_PERSON) <= set(models.Subject.DATA_FIELDS)
    assert leader_as_person(LEADER) == {"name": "张建国", "id_type": "居民身份证", "id_number": make_id(),
                                        "mobile": "13905781234", "office_phone": "0578-2786359",
                                        "email": "zhang@example.com"}


def test_fill_from_keeps_what_was_typed():
    block = PersonForm(MultiDict({"name": "李秀英", "id_type": "护照"}))
    block.fill_from(LEADER)
    assert (block.name.data, block.id_type.data, block.mobile.data) == ("李秀英", "居民身份证", "13905781234")


@pytest.mark.parametrize("id_type, number, holder_is_subject, expected", [
    ("居民身份证", make_id(), False, None),
    ("居民身份证", "110105194912310021", False, "校验位"),
    ("护照", "E12345678", False, None),
    ("护照", "E123", False, "5至17位"),
    ("港澳居民来往内地通行证", "H12345678", False, None),
    ("港澳居民来往内地通行证", "12345678", False, "H（香港）或M（澳门）"),
    ("台湾居民来往大陆通行证", "12345678", False, None),
    ("台湾居民来往大陆通行证", "H12345678", False, "8位或10位数字"),
    ("外国人永久居留身份证", "933840198506011236", False, None),
    ("外国人永久居留身份证", "933840198506011237", False, "校验位"),
    ("护照", make_id(), False, "居民身份证号码"),
    ("居民身份证", make_id(), True, None),
    ("居民身份证", "110105194912310021", True, "校验位"),
    ("护照", "E12345678", True, "个人的证件类型只能是"),
    ("居民身份证", USCC, True, "您填写的是统一社会信用代码"),
])
def test_check_person_id(id_type, number, holder_is_subject, expected):
    message = check_person_id(id_type, number, holder_is_subject)
    assert message is None if expected is None else expected in message


@pytest.mark.parametrize("id_type, number", [("居民身份证", "110105194912310021"), ("居民身份证", make_id()),
                                             ("护照", "E12345678"), ("居民身份证", USCC), ("护照", "ABCDEFGH"),
                                             ("港澳居民来往内地通行证", "H1234567"),
                                             ("外国人永久居留身份证", "USA110185060123")])
def test_a_block_and_a_units_leader_judge_an_id_alike(app, id_type, number):
    with app.test_request_context():
        block = PersonForm(MultiDict({"id_type": id_type, "id_number": number}))
        subject = build(SubjectForm, unit_form(leader_id_type=id_type, leader_id_number=number))
        block.id_number.validate(block)
        subject.check_field("leader_id_number")
    assert block.id_number.errors == subject.leader_id_number.errors
    assert len(block.id_number.errors) <= 1


@pytest.mark.parametrize("id_type, name, message", [
    ("护照", "John Smith", None),
    ("港澳居民来往内地通行证", "Chan Tai Man", None),
    ("港澳居民来往内地通行证", "陳大文", None),
    ("外国人永久居留身份证", "Mary-Jane O'Neil", None),
    ("居民身份证", "John Smith", "英文字母"),
    ("护照", "Mr Smith", "称呼"),
    ("护照", "无名氏", "称呼"),
])
def test_a_block_and_a_units_leader_judge_a_name_by_the_document(app, id_type, name, message):
    with app.test_request_context():
        block = PersonForm(MultiDict({"name": name, "id_type": id_type}))
        subject = build(SubjectForm, unit_form(leader_name=name, leader_id_type=id_type))
        block.name.validate(block)
        subject.check_field("leader_name")
    assert block.name.errors == subject.leader_name.errors
    if message is None:
        assert block.name.errors == []
    else:
        assert len(block.name.errors) == 1 and message in block.name.errors[0]


def test_the_documents_offered_are_the_ones_the_rules_know():
    assert ID_TYPES == list(rules.PERSON_ID_TYPES) and ID_TYPES[0] == "居民身份证"
