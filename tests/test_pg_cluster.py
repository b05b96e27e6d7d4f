"""tests/pg_cluster.py, which make test-pg runs the suite through: a throwaway cluster, removed after."""
import os
import subprocess
import sys

import pytest

from tests import pg_cluster

SCRIPT = pg_cluster.__file__


def run(*command, **environ):
    return subprocess.run([sys.executable, SCRIPT, *command], capture_output=True, text=True,
                          env={**os.environ, **environ})


def test_without_postgresql_the_command_is_not_run_and_the_run_passes_saying_so(tmp_path):
    marker = tmp_path / "ran"
    done = run("touch", str(marker), PG_BINDIR=str(tmp_path / "missing"))
    assert done.returncode == 0
    assert "PostgreSQL is not available, so the suite ran on SQLite only" in done.stderr
    assert not marker.exists()


def test_a_machine_that_must_have_postgresql_fails_without_it(tmp_path):
    done = run("true", PG_BINDIR=str(tmp_path / "missing"), REQUIRE_POSTGRESQL="1")
    assert done.returncode == 1


@pytest.mark.skipif(not pg_cluster.bindir(), reason="PostgreSQL is not installed")
def test_the_command_gets_an_empty_database_its_status_is_kept_and_the_cluster_goes(tmp_path):
    probe = ("import os, sys, psycopg2\n"
             "url = os.environ['TEST_DATABASE_URL']\n"
             "with psycopg2.connect(url) as connection, connection.cursor() as cursor:\n"
             "    cursor.execute(\"SELECT count(*) FROM pg_tables WHERE schemaname = 'public'\")\n"
             "    print(url, cursor.fetchone()[0])\n"
             "sys.exit(3)\n")
    done = run(sys.executable, "-c", probe)
    assert done.returncode == 3, done.stderr
    url, tables = done.stdout.splitlines()[-1].split()
    assert tables == "0" and url.startswith("postgresql://postgres@/beian_test?host=")
    folder = url.split("host=")[1].split("&")[0]
    assert not os.path.exists(folder)
