"""Personal numbers at rest: sealed with SM4-GCM, found by HMAC-SM3, rotated, masked in the audit
log and on pages, and sealed by the upgrade of an older database."""
import datetime
import io
import json

import pytest
from peewee import IntegrityError, SqliteDatabase, Value

import migrations
import models
import sealing
from app import create_app
from forms import rules
from tests.conftest import APPLICANT_PASSWORD, Client, file_through_flow, make_user
from tests.factories import USCC, make_id, make_subject, person_form, picture, website_steps
from tests.test_wizard import BASIC, PEOPLE, go_through, start
from wizard.engine import FLOWS

NEW_KEY = "fedcba98765432100123456789abcdef"
# The numbers the scenario files: the unit's 负责人 and the website's people, the 个人 subject,
# and the receiver of a transfer.
LEADER, SECURITY, EMERGENCY, PERSON, RECEIVER = (make_id(seq=seq) for seq in (123, 456, 789, 321, 654))
NUMBERS = (LEADER, SECURITY, EMERGENCY, PERSON, RECEIVER)


def raw(model, field, row_id):
    """The column as stored, not unsealed."""
    return models.db.execute(model.select(field).where(model.id == row_id)).fetchone()[0]


def every_stored_text():
    """Every value of every row of every table, as text (what a stolen database file shows)."""
    texts = []
    for table in models.db.get_tables():
        texts += [str(value) for row in models.db.execute_sql(f'SELECT * FROM "{table}"').fetchall() for value in row]
    return texts


# -- The module itself ------------------------------------------------------------------------

def test_a_sealed_number_reads_back_and_shows_nothing(app):
    sealed = sealing.seal(PERSON)
    assert sealed.startswith("sm4gcm:v1:") and PERSON not in sealed and PERSON[:6] not in sealed
    assert sealing.unseal(sealed) == PERSON
    assert sealing.seal(PERSON) != sealed                      # a fresh nonce each time
    assert sealing.unseal(PERSON) == PERSON                    # an older release's plain value
    assert sealing.seal("") == "" and sealing.seal(None) is None


def test_an_altered_or_foreign_value_is_refused(app):
    sealed = sealing.seal(PERSON)
    head, body = sealed.rsplit(":", 1)
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    with pytest.raises(sealing.SealError, match="altered"):
        sealing.unseal(f"{head}:{flipped}")
    # The header is authenticated: the ciphertext cannot be passed off under another key id.
    other_id = sealing.Key(NEW_KEY).id
    with pytest.raises(sealing.SealError, match="unknown key"):
        sealing.unseal(sealed.replace(sealing.key_id_of(sealed), other_id))
    with pytest.raises(sealing.SealError):
        sealing.unseal(f"{head}:not base64!")


def test_lookup_hashes_are_keyed(app):
    assert sealing.lookup_hash(PERSON) == sealing.lookup_hash(PERSON) != sealing.lookup_hash(LEADER)
    assert sealing.lookup_hash(PERSON) != sealing.lookup_hash(PERSON, sealing.Key(NEW_KEY))


@pytest.mark.parametrize("key", ["abc", "00" * 15, "00" * 17, "zz" * 16])
def test_a_key_must_be_16_bytes_of_hex(key):
    with pytest.raises(ValueError, match="32 hex digits"):
        sealing.Key(key)


def test_production_refuses_to_start_without_pii_key(monkeypatch, tmp_path):
    monkeypatch.delenv("PII_KEY", raising=False)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    with pytest.raises(RuntimeError, match="PII_KEY"):
        create_app({"SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


# -- A deployment's data ------------------------------------------------------------------------

def submit_person(client):
    """新增主体 of a 个人 (李秀英, 身份证 PERSON) through the form."""
    files = {"id_photo_front": (io.BytesIO(picture()), "f.jpg"), "id_photo_back": (io.BytesIO(picture()), "b.jpg")}
    return client.post("/subject/new", {**person_form(leader_id_number=PERSON), **files, "action": "submit"})


@pytest.fixture
def filed(app, applicant, officer):
    """alice's unit subject with its 负责人, a website filed with three people, a 个人 subject of hers
    filed through the form, a website draft stopped after its people step, a transfer offered, and a
    site the officer listed under the 个人's 身份证."""
    client = applicant.client
    file_through_flow(app, FLOWS[models.Application.NEW_WEBSITE], applicant.subject,
                      website_steps()).decide(True, reviewer=officer.user.id)
    draft, base = start(client)
    go_through(client, base, basic={**BASIC, "domain": "lsxc.cn", "other_domains": "", "home_url": "lsxc.cn"},
               people=PEOPLE)
    applicant.subject.offer_transfer("13800001111", RECEIVER)
    assert submit_person(client).status_code == 303
    person = models.Subject.get(models.Subject.nature == models.Subject.PERSON)
    filing = models.Application.get(models.Application.subject == person)
    assert officer.post(f"/review/{filing.id}/approve").status_code == 303
    response = officer.post("/review/imported/add", {
        "kind": "未备案网站", "domain": "lishan.cn", "name": "丽山民宿", "subject_name": "李秀英",
        "cert_number": PERSON, "deadline": "2099-03-31"})
    assert response.status_code == 303
    return applicant, person, models.Draft.get_by_id(draft.id)


def test_no_table_holds_a_plain_id_number(filed):
    applicant, person, draft = filed
    # What the platform reads is as filed …
    assert (person.cert_number, person.leader_id_number) == (PERSON, PERSON)
    assert draft.data["steps"]["people"]["security-id_number"] == [SECURITY]
    assert models.Transfer.get().receiver_id_number == RECEIVER
    assert models.ImportedSite.get().cert_number == PERSON
    # … while what is stored shows none of it, anywhere.
    stored = every_stored_text()
    assert not [text for text in stored for number in NUMBERS if number in text]
    assert raw(models.Subject, models.Subject.cert_number, person.id).startswith(sealing.PREFIX)
    assert raw(models.Draft, models.Draft.data, draft.id).startswith(sealing.PREFIX)


def test_a_second_live_subject_with_the_same_certificate_is_refused(app, client, lishui_bureau):
    alice = make_user()
    make_subject(alice, bureau=lishui_bureau, nature="个人", leader_id_number=PERSON, cert_number=PERSON,
                 name="李秀英", cert_type="居民身份证")
    bob = make_user("bob", mobile="13900000002")
    assert client.login("bob", APPLICANT_PASSWORD).status_code == 303
    page = submit_person(client).get_data(as_text=True)
    assert "该证件号码已登记开办主体" in page
    # Past the form, a pending subject blocks nobody, but the database refuses to approve a second
    # one under the number: it finds the first by the lookup hash.
    pending = models.Subject.file_new(bob, {**{k: v for k, v in person_form(leader_id_number=PERSON).items()
                                               if k in models.Subject.DATA_FIELDS},
                                            "name": "李秀英", "cert_type": "居民身份证", "cert_number": PERSON,
                                            "region_code": "331102"}, lishui_bureau)
    with pytest.raises(models.TransitionError, match="已有审核通过的开办主体"):
        pending.applications.get().decide(True)
    assert models.Subject.get_by_id(pending.id).status == models.Subject.PENDING


def test_sites_listed_under_a_persons_id_reach_that_person(filed):
    applicant, person, _draft = filed
    site = models.ImportedSite.get()
    assert site.subject_of(applicant.user) == person
    assert list(models.ImportedSite.waiting_for(applicant.user, models.ImportedSite.UNFILED)) == [site]
    assert models.Subject.live_holders([PERSON]) == {PERSON: {applicant.user.id}}
    assert models.Notice.select().where(models.Notice.title == "请办理未备案网站").exists()


def test_rotate_pii_key_reseals_every_row_under_the_new_key(app, filed):
    _applicant, person, draft = filed
    old = app.config["PII_KEY"]
    rotated = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "DATABASE_URL": app.config["DATABASE_URL"],
                          "PII_KEY": NEW_KEY, "PII_OLD_KEYS": f" {old} "})
    try:
        new_id = sealing.Key(NEW_KEY).id
        # Readable under the new configuration before the command runs (the old key is listed) …
        assert models.Subject.get_by_id(person.id).cert_number == PERSON
        result = rotated.test_cli_runner().invoke(args=["rotate-pii-key"])
        assert result.exit_code == 0, result.output
        with models.db.connection_context():
            for model in models.MODELS:
                for field in models.sealed_fields(model):
                    for (value,) in models.db.execute(model.select(field)).fetchall():
                        assert not value or sealing.key_id_of(value) == new_id, (model, field.name)
            # … and after it, with the old key gone.
            sealing.use_keys(NEW_KEY)
            subject = models.Subject.get_by_id(person.id)
            assert (subject.cert_number, subject.leader_id_number) == (PERSON, PERSON)
            assert models.Draft.get_by_id(draft.id).data == draft.data
            assert models.Transfer.get().receiver_id_number == RECEIVER
            assert models.Subject.under_certificate(PERSON).exists()
            assert models.ImportedSite.get().subject_of(subject.owner) == subject
            assert models.Subject.get(models.Subject.cert_lookup(PERSON)).id == person.id
        again = rotated.test_cli_runner().invoke(args=["rotate-pii-key"])
        assert "subject：0 行" in again.output and "draft：0 行" in again.output
        # Back to the old key alone: the command names what is missing instead of failing somewhere.
        sealing.use_keys(old)
        refused = rotated.test_cli_runner().invoke(args=["rotate-pii-key"])
        assert refused.exit_code == 1 and "PII_OLD_KEYS" in refused.output
    finally:
        sealing.use_keys(old)


# -- What people see ------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ({"cert_number": PERSON}, {"cert_number": "3311**********" + PERSON[-4:]}),
    ({"cert_number": USCC}, {"cert_number": USCC}),                        # a company's code is public
    ({"owner-id_number": ["E12345678"]}, {"owner-id_number": ["E123*5678"]}),   # a passport, by its key
    ({"reason": f"身份证号{PERSON}有误"}, {"reason": f"身份证号3311**********{PERSON[-4:]}有误"}),
    ({"reason": PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1")},      # no check digit: not a 身份证
     {"reason": PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1")}),
    ({"record_number": "浙公网安备 33110002000001号", "told": 2, "day": None},
     {"record_number": "浙公网安备 33110002000001号", "told": 2, "day": None}),
])
def test_mask_personal_numbers(value, expected):
    assert rules.mask_personal_numbers(value) == expected


def test_the_audit_log_shows_no_full_number(filed, officer, app):
    _applicant, person, _draft = filed
    # One written before numbers were masked on the way in, and a reason quoting a number.
    models.AuditEntry.record(officer.user.id, "导入未备案网站", "imported:9", {},
                             {"cert_number": PERSON, "leader_id_number": "E12345678"})
    models.AuditEntry.record(officer.user.id, "退回", "application:1", {}, {"reason": f"身份证号{SECURITY}有误"})
    stored = json.dumps([entry.after for entry in models.AuditEntry.select().where(
        models.AuditEntry.action == "导入未备案网站", models.AuditEntry.target != "imported:9")], ensure_ascii=False)
    assert PERSON not in stored and rules.mask_id_number(PERSON) in stored
    make_user("root", mobile="13800009999", role=models.User.ADMIN)
    admin = Client(app.test_client())
    assert admin.login("root", APPLICANT_PASSWORD).status_code == 303
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "审计日志" in page and "导入未备案网站" in page
    assert PERSON not in page and SECURITY not in page and "E12345678" not in page
    assert rules.mask_id_number(PERSON) in page and rules.mask_id_number(SECURITY) in page


def test_pages_show_people_numbers_masked(filed, officer):
    applicant, person, _draft = filed
    client = applicant.client
    website = models.Service.get(models.Service.kind == models.Service.WEBSITE)
    pages = [client.get(f"/subjects/{person.id}"), client.get(f"/subjects/{applicant.subject.id}"),
             client.get(f"/websites/{website.id}")]
    filings = list(models.Application.select())
    pages += [client.get(f"/applications/{a.id}") for a in filings] + [officer.get(f"/review/{a.id}") for a in filings]
    pages.append(officer.get("/review/imported"))
    shown = [page.get_data(as_text=True) for page in pages if page.status_code == 200]
    assert len(shown) >= 8
    assert not [number for text in shown for number in NUMBERS if number in text]
    assert any(rules.mask_id_number(PERSON) in text for text in shown)


# -- The upgrade --------------------------------------------------------------------------------

def test_upgrade_seals_the_plain_numbers_of_an_older_release(app, applicant, officer):
    database = models.db
    with database.connection_context():
        person = make_subject(applicant.user, nature="个人", leader_id_number=PERSON, cert_number=PERSON,
                              name="李秀英", cert_type="居民身份证", bureau=applicant.bureau)
        draft = models.Draft.create(owner=applicant.user, kind="新办网站",
                                    data={"steps": {"people": {"owner-id_number": [SECURITY]}}})
        site = models.ImportedSite.create(bureau=applicant.bureau, kind="未备案网站", domain="lishan.cn",
                                          name="丽山民宿", subject_name="李秀英", cert_number=PERSON,
                                          deadline=datetime.date(2099, 3, 31))
        models.AuditEntry.record(officer.user.id, "导入未备案网站", f"imported:{site.id}", {}, {"cert_number": PERSON})
        # Back to release fourteen: numbers and data as plain text, indexes on the numbers themselves.
        for subject in models.Subject.select():
            models.Subject.update({models.Subject.cert_number: Value(subject.cert_number, converter=False),
                                   models.Subject.leader_id_number: Value(subject.leader_id_number,
                                                                          converter=False)}).where(
                models.Subject.id == subject.id).execute()
        for name in ("subject_approved_cert_hash", "subject_own_cert_hash", "subject_cert_hash",
                     "importedsite_cert_hash"):
            database.execute_sql(f"DROP INDEX {name}")
        for table in ("subject", "importedsite"):
            database.execute_sql(f"ALTER TABLE {table} DROP COLUMN cert_hash")
        plain_draft = json.dumps(draft.data, ensure_ascii=False)
        models.Draft.update({models.Draft.data: Value(plain_draft, converter=False)}).where(
            models.Draft.id == draft.id).execute()
        models.ImportedSite.update({models.ImportedSite.cert_number: Value(PERSON, converter=False)}).execute()
        if not isinstance(database.obj, SqliteDatabase):
            database.execute_sql("ALTER TABLE subject ALTER COLUMN cert_number TYPE VARCHAR(32)")
        database.execute_sql("CREATE INDEX subject_cert_number ON subject (cert_number)")
        database.execute_sql("CREATE UNIQUE INDEX subject_live_cert_number ON subject (cert_number) "
                             "WHERE status <> '已注销'")
        database.execute_sql("DELETE FROM schemaversion WHERE version > 15")
        assert raw(models.Subject, models.Subject.cert_number, person.id) == PERSON

        assert migrations.upgrade()[:1] == ["m0016_seal_personal_numbers"]
        for model, field, row_id in ((models.Subject, models.Subject.cert_number, person.id),
                                     (models.Subject, models.Subject.leader_id_number, person.id),
                                     (models.Draft, models.Draft.data, draft.id),
                                     (models.ImportedSite, models.ImportedSite.cert_number, site.id)):
            assert raw(model, field, row_id).startswith(sealing.PREFIX)
        assert models.Subject.get_by_id(person.id).cert_number == PERSON
        assert models.Draft.get_by_id(draft.id).data == draft.data
        assert models.ImportedSite.get_by_id(site.id).subject_of(applicant.user).id == person.id
        assert not [text for text in every_stored_text() if PERSON in text or SECURITY in text]
        # The one-live-subject index is back, on the lookup hash.
        with pytest.raises(IntegrityError), database.atomic():
            make_subject(make_user("bob", mobile="13900000002"), nature="个人", cert_number=PERSON)
        assert migrations.upgrade() == []
