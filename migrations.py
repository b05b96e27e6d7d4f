"""Schema creation and upgrades, so a bureau that upgrades keeps its data.

A fresh database gets every table as models.py describes it and is marked as
being at the newest version. An existing database runs, in order, each
migration it has not seen, each inside a transaction, then gains any new
tables. A migration is a function taking a playhouse SchemaMigrator.
"""
from peewee import CharField, DatabaseProxy, IntegerField
from playhouse.migrate import migrate as apply_operations
from playhouse.migrate import SchemaMigrator

import models


class SchemaVersion(models.BaseModel):
    """Which migrations this database has run."""

    version = IntegerField(unique=True)
    name = CharField(max_length=100)


def m0001_bureau_summer_hours(migrator):
    """Bureaus of seed 001 keep winter and summer hours: add the summer column."""
    return [migrator.add_column("bureau", "office_hours_summer",
                                CharField(max_length=200, default=""))]


# Append only; never edit or reorder a released migration.
MIGRATIONS = [
    (1, m0001_bureau_summer_hours),
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
            for number, func in MIGRATIONS:
                SchemaVersion.create(version=number, name=func.__name__)
        return ran
    database.create_tables([SchemaVersion])
    version = version or 0
    migrator = SchemaMigrator.from_database(database)
    for number, func in MIGRATIONS:
        if number <= version:
            continue
        with database.atomic():
            apply_operations(*func(migrator))
            SchemaVersion.create(version=number, name=func.__name__)
        ran.append(func.__name__)
    # Tables added by a release need no migration of their own.
    database.create_tables(models.MODELS)
    return ran
