"""Schema creation and a real upgrade of a database made by an older release."""
from peewee import SqliteDatabase

import migrations
import models
from tests.conftest import SQLITE_UPGRADE


def after(version):
    """The names of the migrations newer than version, in order."""
    return [func.__name__ for number, func in migrations.MIGRATIONS if number > version]


def test_fresh_database_is_at_newest_version(app):
    with models.db.connection_context():
        assert migrations.current_version(models.db) == migrations.MIGRATIONS[-1][0]
        assert migrations.upgrade() == []


@SQLITE_UPGRADE
def test_upgrade_keeps_data_of_an_older_release(tmp_path):
    path = tmp_path / "old.db"
    old = SqliteDatabase(str(path))
    # The bureau table as the first release created it, before summer hours.
    old.execute_sql(
        "CREATE TABLE bureau (id INTEGER PRIMARY KEY, created_at DATETIME NOT NULL, "
        "name VARCHAR(100) NOT NULL, division_code VARCHAR(6) NOT NULL, address VARCHAR(200) NOT NULL, "
        "phone VARCHAR(60) NOT NULL, complaint_phone VARCHAR(60) NOT NULL, "
        "office_hours VARCHAR(200) NOT NULL, instant_approval INTEGER NOT NULL)")
    old.execute_sql(
        "INSERT INTO bureau VALUES (1, '2024-01-01 00:00:00', '博湖县公安局网安大队', '652829', "
        "'博湖县博湖镇西游南路60号', '0996-6627259', '0996-6627259', '10:00-14:00,16:00-19:30', 1)")
    old.close()

    database = models.open_database(f"sqlite:///{path}")
    with database.connection_context():
        assert migrations.current_version(database) is None
        ran = migrations.upgrade(database)
        assert ran == [name for _, name in ((n, f.__name__) for n, f in migrations.MIGRATIONS)]
        bureau = models.Bureau.get_by_id(1)
        assert bureau.name == "博湖县公安局网安大队"
        assert bureau.office_hours_summer == ""
        bureau.office_hours_summer = "09:30-13:30,16:00-19:30"
        bureau.save()
        assert "（夏）" in models.Bureau.get_by_id(1).hours_display()
        # Tables the old release did not have are created too.
        assert database.table_exists("user")
        assert migrations.current_version(database) == migrations.MIGRATIONS[-1][0]
        assert migrations.upgrade(database) == []


@SQLITE_UPGRADE
def test_upgrade_gives_websites_of_release_one_their_filing_columns(tmp_path):
    path = tmp_path / "v1.db"
    old = SqliteDatabase(str(path))
    old.execute_sql("CREATE TABLE schemaversion (id INTEGER PRIMARY KEY, created_at DATETIME NOT NULL, "
                    "version INTEGER NOT NULL UNIQUE, name VARCHAR(100) NOT NULL)")
    old.execute_sql("INSERT INTO schemaversion VALUES (1, '2026-11-22 00:00:00', 1, 'm0001_bureau_summer_hours')")
    old.execute_sql("CREATE TABLE website (id INTEGER PRIMARY KEY, created_at DATETIME NOT NULL, "
                    "owner_id INTEGER NOT NULL, subject_id INTEGER NOT NULL, name VARCHAR(100) NOT NULL, "
                    "domain VARCHAR(253) NOT NULL, status VARCHAR(8) NOT NULL, record_number VARCHAR(40))")
    old.execute_sql("INSERT INTO website VALUES (1, '2026-11-22 00:00:00', 1, 1, '丽水旅游网', 'lsly.cn', "
                    "'已备案', '浙公网安备33110202000001号')")
    old.execute_sql("CREATE TABLE application (id INTEGER PRIMARY KEY, created_at DATETIME NOT NULL, "
                    "owner_id INTEGER NOT NULL, subject_id INTEGER NOT NULL, kind VARCHAR(16) NOT NULL, "
                    "status VARCHAR(8) NOT NULL, data TEXT NOT NULL, bureau_id INTEGER, "
                    "submitted_at DATETIME NOT NULL, decided_at DATETIME)")
    old.close()

    database = models.open_database(f"sqlite:///{path}")
    with database.connection_context():
        assert migrations.upgrade(database) == [f.__name__ for n, f in migrations.MIGRATIONS if n > 1]
        site = models.Service.get_by_id(1)
        assert (site.name, site.record_number, site.interactive, site.data) == (
            "丽水旅游网", "浙公网安备33110202000001号", False, {})
        columns = {c.name for c in database.get_columns("application")}
        assert {"website_id", "reason", "appointment", "reviewer_id"} <= columns


@SQLITE_UPGRADE
def test_upgrade_from_release_five_with_bureaus_in_use(tmp_path):
    """A real deployment: officers and subjects point at their bureau while its table is rebuilt."""
    database = models.open_database(f"sqlite:///{tmp_path / 'v5.db'}")
    with database.connection_context():
        migrations.upgrade(database)
        bureau = models.Bureau.create(name="丽水市公安局网络警察支队", division_code="331100", phone="0578-2786359")
        cop = models.User(username="cop", mobile="13800002222", email="c@example.com", role="officer", bureau=bureau)
        cop.set_password("Secret2026x")
        cop.save()
        # Back to the schema release five left: no holiday table, no imported sites, no guide columns.
        database.execute_sql("DROP INDEX application_one_open_per_website")
        for statement in ("ALTER TABLE bureau DROP COLUMN guide", "ALTER TABLE bureau DROP COLUMN kind_days",
                          "DROP TABLE holiday"):
            database.execute_sql(statement)
        database.execute_sql("DELETE FROM schemaversion WHERE version > 5")

        assert migrations.upgrade(database) == after(5)
        assert models.User.get(models.User.username == "cop").bureau.name == "丽水市公安局网络警察支队"
        assert models.Bureau.get().guide_text()["faq"] and models.Holiday.select().count() > 200
        assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert not database.execute_sql("PRAGMA foreign_key_check").fetchall()


@SQLITE_UPGRADE
def test_upgrade_to_the_filing_core_moves_domains_attachments_and_approval_numbers(tmp_path):
    """Release seven's shapes: JSON domains, an attachment id inside the data, one 前置审批文号 for all."""
    database = models.open_database(f"sqlite:///{tmp_path / 'v7.db'}")
    with database.connection_context():
        migrations.upgrade(database)
        owner = models.User.create(username="u", password_hash="x", mobile="13900000001", email="u@e.com")
        subject = models.Subject.create(owner=owner, status="有效", nature="单位", name="丽水市云岭科技有限公司",
                                        region_code="331102", leader_name="张建国", leader_id_type="居民身份证",
                                        leader_id_number="x", leader_residence="x", leader_office_phone="x",
                                        leader_mobile="13900000001", leader_email="z@e.com")
        upload = models.Upload.create(owner=owner, purpose="cancel_attachment", stored_name="a.png",
                                      content_type="image/png", size=1, sha256="0")
        # Back to release seven: no Domain table, no kind column, the old index names (SQLite cannot drop
        # the attachment column, a foreign key; the migration leaves a present column alone).
        database.execute_sql("DROP TABLE domain")
        for name in ("service_kind", "service_owner_id", "service_subject_id", "service_domain",
                     "service_record_number"):
            database.execute_sql(f"DROP INDEX {name}")
        for statement in ("DROP TABLE assessment", "DROP INDEX service_assessment_due_since",
                          "ALTER TABLE website DROP COLUMN assessment_due_since",
                          "ALTER TABLE website DROP COLUMN assessment_trigger",
                          "ALTER TABLE website DROP COLUMN kind",
                          "CREATE INDEX website_domain ON website (domain)",
                          "CREATE UNIQUE INDEX website_record_number ON website (record_number)"):
            database.execute_sql(statement)
        database.execute_sql("DELETE FROM schemaversion WHERE version > 7")
        old = ('{"website": {"site_name": "丽水新闻资讯网", "domains": ["lsxw.cn", "www.lsxw.cn"], '
               '"pre_approvals": ["新闻"], "pre_approval_numbers": "33120180001"}, '
               '"wizard": {"steps": {"basic": {"pre_approvals": ["新闻"], "pre_approval_numbers": ["33120180001"]}}, '
               '"reached": 3}}')
        database.execute_sql("INSERT INTO website (id, created_at, owner_id, subject_id, name, domain, status, "
                             "record_number, interactive, data) VALUES (1, '2026-11-01', ?, ?, '丽水新闻资讯网', "
                             "'lsxw.cn', '已备案', '浙公网安备 33110002000001号', 0, "
                             "'{\"domains\": [\"lsxw.cn\", \"www.lsxw.cn\"]}')", (owner.id, subject.id))
        for kind, status, data in (("新办网站", "已通过", old),
                                   ("注销网站", "待审核", '{"reason": "关了", "attachment": %d}' % upload.id)):
            database.execute_sql("INSERT INTO application (created_at, owner_id, subject_id, kind, status, data, "
                                 "submitted_at, website_id, reason, appointment) VALUES ('2026-11-01', ?, ?, ?, ?, ?, "
                                 "'2026-11-01', 1, '', '{}')", (owner.id, subject.id, kind, status, data))
        database.execute_sql("INSERT INTO draft (created_at, owner_id, kind, subject_id, data, step, updated_at) "
                             "VALUES ('2026-11-01', ?, '新办网站', ?, ?, 'basic', '2026-11-01')",
                             (owner.id, subject.id, '{"steps": {"basic": {"pre_approvals": ["出版", "新闻"], '
                                                    '"pre_approval_numbers": ["（署）网出证（浙）字第045号"]}}, '
                                                    '"reached": 1}'))

        assert migrations.upgrade(database) == after(7)
        indexes = {row[0] for row in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'website'").fetchall()}
        assert not {i for i in indexes if i.startswith("website_")} and "service_record_number" in indexes
        assert {(d.domain, d.live) for d in models.Domain.select()} == {("lsxw.cn", True), ("www.lsxw.cn", True)}
        filed = models.Application.get(models.Application.kind == "新办网站").data
        assert filed["filed"]["pre_approval_details"] == {"新闻": {"number": "33120180001", "authority": ""}}
        assert filed["wizard"]["steps"]["basic"]["approval_news_number"] == ["33120180001"]
        assert models.Application.get(models.Application.kind == "注销网站").attachment_id == upload.id
        draft = models.Draft.get().data["steps"]["basic"]
        assert draft["approval_publishing_number"] == draft["approval_news_number"] == ["（署）网出证（浙）字第045号"]
        assert "pre_approval_numbers" not in draft
        assert not database.execute_sql("PRAGMA foreign_key_check").fetchall()


@SQLITE_UPGRADE
def test_upgrade_to_apps_adds_the_key_and_filed_picture_tables(tmp_path):
    """Release eight had no service_key table and no record of the pictures a filing names."""
    database = models.open_database(f"sqlite:///{tmp_path / 'v8.db'}")
    with database.connection_context():
        migrations.upgrade(database)
        for table in ("service_key", "filing_picture"):
            database.execute_sql(f"DROP TABLE {table}")
        database.execute_sql("DROP INDEX domain_one_live_holder")
        database.execute_sql("CREATE UNIQUE INDEX domain_one_live_holder ON domain (domain, kind) WHERE live")
        database.execute_sql("DELETE FROM schemaversion WHERE version > 8")

        assert migrations.upgrade(database) == after(8)
        assert database.table_exists("service_key") and database.table_exists("filing_picture")
        # Release eight's one-live-holder index counted APPs; now a subject's APPs may share a host.
        (sql,) = database.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'domain_one_live_holder'").fetchone()
        assert "kind <> 'app'" in sql
        assert not database.execute_sql("PRAGMA foreign_key_check").fetchall()


@SQLITE_UPGRADE
def test_upgrade_to_release_eleven_indexes_the_provider_lookup(tmp_path):
    """Release ten searched the provider directory by kind and province without an index for it."""
    database = models.open_database(f"sqlite:///{tmp_path / 'v10.db'}")
    with database.connection_context():
        migrations.upgrade(database)
        models.Provider.create(name="阿里云计算有限公司", kind="access", region_code="330106")
        database.execute_sql("DROP INDEX provider_kind_region_code")
        database.execute_sql("DELETE FROM schemaversion WHERE version > 10")

        assert migrations.upgrade(database) == after(10)
        indexes = {index.name: index.columns for index in database.get_indexes("provider")}
        assert indexes["provider_kind_region_code"] == ["kind", "region_code"] and "provider_name" in indexes
        assert [p.name for p in models.Provider.offered("access", "330000", "阿里云")] == ["阿里云计算有限公司"]
        assert migrations.upgrade(database) == []


@SQLITE_UPGRADE
def test_upgrade_to_provider_reports_adds_their_tables(tmp_path):
    """Release eleven had no reports of a 服务商 and no 未备案联网单位 list."""
    database = models.open_database(f"sqlite:///{tmp_path / 'v11.db'}")
    with database.connection_context():
        migrations.upgrade(database)
        database.execute_sql("DROP TABLE connected_unit")
        database.execute_sql("DROP TABLE provider_report")
        database.execute_sql("DELETE FROM schemaversion WHERE version > 11")

        assert migrations.upgrade(database) == after(11)
        assert database.table_exists("provider_report") and database.table_exists("connected_unit")
        assert "connectedunit_bureau_id_id" in {index.name for index in database.get_indexes("connected_unit")}
