"""Schema creation and upgrades, so a bureau that upgrades keeps its data.

A fresh database gets every table as models.py describes it and is marked as
being at the newest version. An existing database runs, in order, each
migration it has not seen, each inside a transaction, then gains any new
tables. A migration is a function taking a playhouse SchemaMigrator.
"""
import json

from peewee import (BooleanField, CharField, DatabaseProxy, DateTimeField, ForeignKeyField, IntegerField,
                    SqliteDatabase, TextField)
from playhouse.migrate import migrate as apply_operations
from playhouse.migrate import SchemaMigrator

import assessments
import domains
import models
import sealing
import timeutil
from forms import rules


class SchemaVersion(models.BaseModel):
    """Which migrations this database has run."""

    version = IntegerField(unique=True)
    name = CharField(max_length=100)


def _add_columns(migrator, table, **fields):
    """add_column for each missing column; a table not there yet is created whole later."""
    database = migrator.database
    if not database.table_exists(table):
        return []
    present = {column.name for column in database.get_columns(table)}
    return [migrator.add_column(table, name, field) for name, field in fields.items()
            if name not in present]


def m0001_bureau_summer_hours(migrator):
    """Bureaus of seed 001 keep winter and summer hours: add the summer column."""
    return _add_columns(migrator, "bureau", office_hours_summer=CharField(max_length=200, default=""))


def m0002_website_filing_data(migrator):
    """新办网站 keeps every filed field on the website and links its application."""
    return _add_columns(migrator, "website", interactive=BooleanField(default=False),
                        data=TextField(default="{}")) + \
        _add_columns(migrator, "application", website_id=ForeignKeyField(
            models.Service, field=models.Service.id, null=True, on_delete="SET NULL"))


def m0003_one_live_subject_per_certificate(migrator):
    """Refuse, in the database, a second live subject with the same certificate number."""
    if migrator.database.table_exists("subject"):
        # As released (m0016 moves it onto the lookup hash, m0017 narrows it to approved subjects).
        migrator.database.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS subject_live_cert_number "
                                      "ON subject (cert_number) WHERE status <> '已注销'")
    return []


def m0004_review_decisions(migrator):
    """The bureau's side: 退回 reasons, 面审/实地检查 appointments, who decided."""
    return _add_columns(migrator, "application", reason=TextField(default=""),
                        appointment=TextField(default="{}"),
                        reviewer_id=ForeignKeyField(models.User, field=models.User.id, null=True,
                                                    on_delete="SET NULL"))


def m0005_bureau_review_days(migrator):
    """Each bureau's own review time limits (working days)."""
    return _add_columns(migrator, "bureau", review_days=IntegerField(default=21),
                        interactive_review_days=IntegerField(default=21))


def m0006_holidays_and_guides(migrator):
    """The editable holiday table seeded from chinesecalendar; each bureau's own 办事指南 text and
    review limits per 业务类型."""
    migrator.database.create_tables([models.Holiday])
    models.Holiday.seed()
    return _add_columns(migrator, "bureau", guide=TextField(default="{}"), kind_days=TextField(default="{}"))


def m0007_website_after_filing(migrator):
    """变更网站 drafts point at their site; 未备案网站 and 网站认领 drafts at the imported site."""
    migrator.database.create_tables([models.ImportedSite])
    if migrator.database.table_exists("application"):
        migrator.database.execute_sql(models.ONE_OPEN_PER_WEBSITE_INDEX)
    return _add_columns(
        migrator, "draft",
        website_id=ForeignKeyField(models.Service, field=models.Service.id, null=True, on_delete="CASCADE"),
        imported_id=ForeignKeyField(models.ImportedSite, field=models.ImportedSite.id, null=True,
                                    on_delete="SET NULL"))


def _approvals_per_item(wizard):
    """Old wizard data kept one 前置审批文号 for all ticked items: give each ticked item that number."""
    basic = (wizard or {}).get("steps", {}).get("basic")
    if not basic or "pre_approval_numbers" not in basic:
        return wizard
    number = basic.pop("pre_approval_numbers")
    for item in basic.get("pre_approvals", []):
        if item in rules.PRE_APPROVAL_BY_ITEM:
            basic[f"approval_{rules.PRE_APPROVAL_BY_ITEM[item].key}_number"] = number
    return wizard


def _approval_details(filed):
    """Old filed data kept one 前置审批文号 for all ticked items: give each ticked item that number."""
    if "pre_approval_numbers" in filed:
        number = filed.pop("pre_approval_numbers")
        filed["pre_approval_details"] = {item: {"number": number, "authority": ""}
                                         for item in filed.get("pre_approvals", [])}
    return filed


def _approvals_in_application(data):
    """An application's data with a 文号 per ticked item: its wizard, what it changed and what it filed."""
    for key in ("wizard", "before"):
        if key in data:
            data[key] = _approvals_per_item(data[key])
    _approval_details(data.get("filed", {}))
    return data


def m0008_filing_core(migrator):
    """One filed-service table (website gains a kind), a Domain table replacing JSON scans, the
    注销 attachment as a foreign key, one payload key ("filed") for what a filing puts on record,
    and a 文号 per ticked 前置审批 item."""
    database = migrator.database
    if not database.table_exists("website"):
        return []
    apply_operations(*_add_columns(migrator, "website", kind=CharField(max_length=16, default="website")),
                     *_add_columns(migrator, "application", attachment_id=ForeignKeyField(
                         models.Upload, field=models.Upload.id, null=True, on_delete="SET NULL")))
    # The model is Service now: its indexes are named service_* (created with the new tables below).
    for column in ("domain", "owner_id", "subject_id", "record_number"):
        database.execute_sql(f"DROP INDEX IF EXISTS website_{column}")
    database.create_tables([models.Domain])
    drafts = models.Draft.select().where(models.Draft.kind.in_(
        [models.Application.NEW_WEBSITE, models.Application.CHANGE_WEBSITE, models.Application.CLAIM_WEBSITE]))
    for draft in drafts if database.table_exists("draft") else []:
        models.Draft.update(data=_approvals_per_item(dict(draft.data))).where(models.Draft.id == draft.id).execute()
    application = models.Application
    for row in application.select().where(application.kind.in_(
            [models.Application.NEW_WEBSITE, models.Application.CHANGE_WEBSITE, models.Application.CLAIM_WEBSITE,
             models.Application.CANCEL_WEBSITE])):
        data = dict(row.data)
        if "website" in data:
            data["filed"] = data.pop("website")
        _approvals_in_application(data)
        attachment = data.pop("attachment", None)
        application.update(data=data, attachment=attachment).where(application.id == row.id).execute()
    # Only the columns this release had (a later release's columns are not there yet).
    for service in models.Service.select(models.Service.id, models.Service.kind, models.Service.status,
                                         models.Service.domain, models.Service.data):
        in_force = service.status == models.Service.FILED or service.status == models.Service.CANCELLED
        first = service.applications.order_by(application.id).first()
        rows = [(host, first if not in_force else None) for host in service.domains()]
        # A 变更 under review asks for its domains beside those in force.
        pending = service.applications.where(application.kind == application.CHANGE_WEBSITE,
                                             application.status.in_(application.OPEN)).first()
        if pending is not None:
            rows += [(host, pending) for host in pending.data.get("filed", {}).get("domains", [])]
        for host, asked_by in rows:
            models.Domain.create(domain=host, registrable=domains.registrable(host), kind=service.kind,
                                 service=service, application=asked_by,
                                 live=asked_by is None and service.status == models.Service.FILED)
    return []


def m0009_apps_and_miniapps(migrator):
    """APP and 小程序 filings: their package names and AppIDs held like domains, and the pictures
    a filing names (an APP's icon and screenshots) recorded for the reviewing bureau."""
    database = migrator.database
    if not database.table_exists("upload"):
        return []
    database.create_tables([models.ServiceKey, models.FilingPicture])
    return []


def m0010_provider_directory(migrator):
    """The provider directory links to a filed 服务商 and can retire an entry; a subject's APPs
    may share the hosts they use (the one-live-holder index leaves APPs out)."""
    database = migrator.database
    if database.table_exists("domain"):
        database.execute_sql("DROP INDEX IF EXISTS domain_one_live_holder")
        database.execute_sql(models.SERVICE_DOMAIN_INDEX)
    return _add_columns(migrator, "provider",
                        service_id=ForeignKeyField(models.Service, field=models.Service.id, null=True,
                                                   on_delete="SET NULL"),
                        retired=BooleanField(default=False))


def m0011_provider_lookup_index(migrator):
    """The wizards' lookups narrow the directory by kind and province, then by name: index both."""
    database = migrator.database
    if not database.table_exists("provider"):
        return []
    present = {index.name for index in database.get_indexes("provider")}
    wanted = {"provider_kind_region_code": ("kind", "region_code"), "provider_name": ("name",)}
    return [migrator.add_index("provider", columns) for name, columns in wanted.items() if name not in present]


def m0012_provider_reports(migrator):
    """A 服务商's reports of the sites it hosts and the units it connects, and the bureau's
    未备案联网单位 list they fill."""
    migrator.database.create_tables([models.ProviderReport, models.ConnectedUnit])
    return []


def m0013_unit_filing(migrator):
    """联网单位备案 (IP登记): the address blocks a unit registers, and a bureau's choice of filing
    a 有效 subject's IP登记 at once (the default, as seed 001) or after an officer's review."""
    database = migrator.database
    if not database.table_exists("bureau"):
        return []
    database.create_tables([models.IpBlock])
    return _add_columns(migrator, "bureau", ip_instant=BooleanField(default=True))


def m0014_security_assessments(migrator):
    """安全评估: the reports, and on each service since when one is due. Services already filed with
    an item in scope owe one from the upgrade on (DUE_DAYS later they show as 逾期)."""
    database = migrator.database
    if not database.table_exists("website"):
        return []
    database.create_tables([models.Assessment])
    apply_operations(*_add_columns(migrator, "website", assessment_due_since=DateTimeField(null=True),
                                   assessment_trigger=CharField(max_length=32, default="")))
    # Named as create_tables names the model's index on a fresh database.
    database.execute_sql("CREATE INDEX IF NOT EXISTS service_assessment_due_since ON website (assessment_due_since)")
    due = []
    for service_id, kind, data in database.execute_sql(
            "SELECT id, kind, data FROM website WHERE status = '已备案'").fetchall():
        filed = json.loads(sealing.unseal(data)) if isinstance(data, str) else (data or {})
        if kind in assessments.KINDS and assessments.scope_of(filed.get("interactive_items")):
            due.append(service_id)
    if due:
        models.Service.update(assessment_due_since=timeutil.now(), assessment_trigger=assessments.LAUNCH).where(
            models.Service.id.in_(due)).execute()
    return []


def m0015_session_rows(migrator):
    """Logins are rows of usersession (created with the new tables), which 退出 ends: the user's
    session_token column, the old Flask-Login id that every request looked users up by, goes.
    Sessions of the old release end with it: everyone logs in again once."""
    database = migrator.database
    if not database.table_exists("user"):
        return []
    present = {column.name for column in database.get_columns("user")}
    return [migrator.drop_column("user", "session_token")] if "session_token" in present else []


def m0016_seal_personal_numbers(migrator):
    """身份证 and other personal numbers sealed at rest (SM4-GCM under PII_KEY): a subject's certificate
    and 负责人 numbers, a transfer's receiver, an imported site's certificate, and the data of drafts,
    applications and filed services. Certificates are found, and kept to one live subject, by their
    HMAC-SM3 lookup hash; the audit log keeps people's numbers masked."""
    database = migrator.database
    if not database.table_exists("subject"):
        return []
    apply_operations(*_add_columns(migrator, "subject", cert_hash=CharField(max_length=64, default="")),
                     *_add_columns(migrator, "importedsite", cert_hash=CharField(max_length=64, default="")))
    # Indexes on ciphertext find nothing.
    for name in ("subject_live_cert_number", "subject_cert_number", "importedsite_cert_number"):
        database.execute_sql(f"DROP INDEX IF EXISTS {name}")
    # Only the columns this release seals, named here (a later release's are not there yet).
    sealed = {models.Subject: ("cert_number", "leader_id_number"), models.Transfer: ("receiver_id_number",),
              models.ImportedSite: ("cert_number",), models.Draft: ("data",), models.Application: ("data",),
              models.Service: ("data",)}
    for model, names in sealed.items():
        table = model._meta.table_name
        if not database.table_exists(table):
            continue
        if not isinstance(database, SqliteDatabase):
            # A sealed number is longer than the VARCHAR(32) it was kept in (SQLite checks no lengths).
            for name in names:
                database.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{name}" TYPE TEXT')
        models.reseal(model, [model._meta.fields[name] for name in names])
    # As this release had it (m0017 narrows it to approved subjects).
    database.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS subject_live_cert_number "
                         "ON subject (cert_hash) WHERE status <> '已注销'")
    database.execute_sql("CREATE INDEX IF NOT EXISTS subject_cert_hash ON subject (cert_hash)")
    if database.table_exists("importedsite"):
        database.execute_sql("CREATE INDEX IF NOT EXISTS importedsite_cert_hash ON importedsite (cert_hash)")
    # Entries written before numbers were masked on the way in (导入未备案网站 kept a 个人's in full).
    if database.table_exists("auditentry"):
        entries = models.AuditEntry.select(models.AuditEntry.id, models.AuditEntry.before, models.AuditEntry.after)
        for entry in entries.iterator():
            before, after = (rules.mask_personal_numbers(side) for side in (entry.before, entry.after))
            if (before, after) != (entry.before, entry.after):
                models.AuditEntry.update(before=before, after=after).where(models.AuditEntry.id == entry.id).execute()
    return []


def m0017_claims_and_certificates(migrator):
    """Who holds a certificate: its first approved subject (a pending one blocks nobody; an account
    files a number once). 网站认领 proves control: an offline filing may carry the 负责人手机 that a
    claimant's SMS code goes to."""
    database = migrator.database
    if database.table_exists("subject"):
        database.execute_sql("DROP INDEX IF EXISTS subject_live_cert_number")
        # On the lookup hash (m0016 sealed the numbers).
        database.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS subject_approved_cert_hash "
                             "ON subject (cert_hash) WHERE status NOT IN ('待审核', '已注销')")
        database.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS subject_own_cert_hash "
                             "ON subject (owner_id, cert_hash) WHERE status <> '已注销'")
    return _add_columns(migrator, "importedsite", leader_mobile=CharField(max_length=20, default=""))


def _repair_edited_migrations(migrator):
    """Four migrations were edited after a release had run them, and a database that release made
    never ran the edit: release six's bureaus lack kind_days (added to m0006), release eight kept one
    前置审批文号 for all items (m0008's conversion came later, and it never converted a filed
    website's own data), releases nine and ten tied an APP's pictures to its service (m0009 then made
    filing_picture instead) and release ten's one-live-holder index still counted APPs (m0010). Each
    step does only what is missing, so a database that ran the edited migrations is left as it is."""
    database = migrator.database
    if not database.table_exists("bureau"):
        return []
    apply_operations(*_add_columns(migrator, "bureau", kind_days=TextField(default="{}")))
    if database.table_exists("domain"):
        database.execute_sql("DROP INDEX IF EXISTS domain_one_live_holder")
        database.execute_sql(models.SERVICE_DOMAIN_INDEX)
    # The data columns as this release has them (sealed since m0016): read and written by the models.
    for model, convert in ((models.Draft, _approvals_per_item), (models.Application, _approvals_in_application),
                           (models.Service, _approval_details)):
        if not database.table_exists(model._meta.table_name):
            continue
        for row_id, data in model.select(model.id, model.data).tuples().iterator():
            changed = convert(json.loads(json.dumps(data)))
            if changed != data:
                model.update(data=changed).where(model.id == row_id).execute()
    if "service_id" not in {column.name for column in database.get_columns("upload")}:
        return []
    database.create_tables([models.FilingPicture])
    # Release nine's rule: a picture of a service is seen with every filing of that service.
    for upload_id, application_id in database.execute_sql(
            "SELECT upload.id, application.id FROM upload JOIN application ON application.website_id = "
            "upload.service_id").fetchall():
        models.FilingPicture.get_or_create(application=application_id, upload=upload_id)
    database.execute_sql("DROP INDEX IF EXISTS upload_service_id")
    # SQLite's own DROP COLUMN refuses a foreign key column: rebuild the table instead.
    return [migrator.drop_column("upload", "service_id", legacy=True) if isinstance(database, SqliteDatabase)
            else migrator.drop_column("upload", "service_id")]


def _holiday_years(migrator):
    """A year's schedule counts as known once marked complete (holiday_year), no longer as soon as one
    of its days is entered: the years seeded from chinesecalendar are complete; a later year waits for
    the administrator's 【确认该年安排已录入完整】."""
    database = migrator.database
    if not database.table_exists("holiday"):
        return []
    database.create_tables([models.HolidayYear])
    models.HolidayYear.seed()
    return []


def m0018_operations(migrator):
    """Issue #22: databases of releases that ran a migration before it was edited get the edit, and
    holiday years are complete only once marked so."""
    return _repair_edited_migrations(migrator) + _holiday_years(migrator)


# Append only; never edit or reorder a released migration.
MIGRATIONS = [
    (1, m0001_bureau_summer_hours),
    (2, m0002_website_filing_data),
    (3, m0003_one_live_subject_per_certificate),
    (4, m0004_review_decisions),
    (5, m0005_bureau_review_days),
    (6, m0006_holidays_and_guides),
    (7, m0007_website_after_filing),
    (8, m0008_filing_core),
    (9, m0009_apps_and_miniapps),
    (10, m0010_provider_directory),
    (11, m0011_provider_lookup_index),
    (12, m0012_provider_reports),
    (13, m0013_unit_filing),
    (14, m0014_security_assessments),
    (15, m0015_session_rows),
    (16, m0016_seal_personal_numbers),
    (17, m0017_claims_and_certificates),
    (18, m0018_operations),
]


def current_version(database):
    """Newest applied migration number, or None for a database never set up."""
    if not database.table_exists(SchemaVersion._meta.table_name):
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def upgrade(database=None):
    """Bring the database to the newest schema; return the migrations run."""
    database = database or models.db
    if isinstance(database, DatabaseProxy):
        database = database.obj
    version = current_version(database)
    ran = []
    if version is None and not database.get_tables():
        with database.atomic():
            database.create_tables(models.MODELS + [SchemaVersion])
            models.Holiday.seed()
            models.HolidayYear.seed()
            for number, func in MIGRATIONS:
                SchemaVersion.create(version=number, name=func.__name__)
        return ran
    database.create_tables([SchemaVersion])
    version = version or 0
    migrator = SchemaMigrator.from_database(database)
    sqlite = isinstance(database, SqliteDatabase)
    if sqlite:
        # SQLite adds some columns by rebuilding the table (copy, drop, rename); with
        # foreign keys on, dropping a table others point at fails, or cascades. The
        # pragma cannot change inside a transaction, so it is set around them all.
        database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        for number, func in MIGRATIONS:
            if number <= version:
                continue
            with database.atomic():
                apply_operations(*func(migrator))
                SchemaVersion.create(version=number, name=func.__name__)
            ran.append(func.__name__)
        if sqlite and database.execute_sql("PRAGMA foreign_key_check").fetchall():
            raise RuntimeError("升级后外键检查未通过，请从备份恢复后联系维护人员")
    finally:
        if sqlite:
            database.execute_sql("PRAGMA foreign_keys = ON")
    # Tables added by a release need no migration of their own.
    database.create_tables(models.MODELS)
    return ran
