# Two commands for a fresh machine: `make run` (demo server) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-pg deps test-deps browser postgresql bench clean

$(VENV)/.deps: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-deps: $(VENV)/.deps requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

deps: $(VENV)/.deps
test-deps: $(VENV)/.test-deps

# Playwright cannot download its own browser here: use Debian's Chromium.
browser:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM) || { echo "chromium is missing: browser tests cannot run"; exit 1; }

# Debian's PostgreSQL server for test-pg. Never fails: without it the suite runs on SQLite alone
# (tests/pg_cluster.py says so), so a machine without apt or a package mirror still tests.
postgresql: $(VENV)/.deps
	@$(PY) tests/pg_cluster.py --found || { \
	  echo "Installing Debian's postgresql for the PostgreSQL test run"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } || \
	  echo "Could not install postgresql"

instance/secret_key:
	@mkdir -p instance
	@$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

# The demo's own database and uploads, never the ones a production folder configures (its
# DATABASE_URL and UPLOAD_FOLDER are overridden here): seed-demo adds accounts with known passwords.
DEMO_DB ?= instance/demo.db
DEMO_UPLOADS ?= instance/demo-uploads

run: deps instance/secret_key
	@export DEMO_MODE=1 SECRET_KEY=$$(cat instance/secret_key) \
	  DATABASE_URL=sqlite:///$(abspath $(DEMO_DB)) UPLOAD_FOLDER=$(abspath $(DEMO_UPLOADS)); \
	$(FLASK) init-db && $(FLASK) seed-demo && \
	echo "Serving http://127.0.0.1:$(PORT) (demo database: $(DEMO_DB))" && \
	$(VENV)/bin/waitress-serve --listen=127.0.0.1:$(PORT) --threads=8 app:app

# The suite on PostgreSQL, on a throwaway cluster that tests/pg_cluster.py starts and removes. The
# browser tests stay out: their live server runs on SQLite by design.
PG_TESTS = $(PY) tests/pg_cluster.py $(PY) -m pytest -q -rs --durations=10 --ignore=tests/browser

# The whole suite on SQLite, then the same without the browser tests on PostgreSQL.
test: test-deps browser postgresql
	TEST_DATABASE_URL= CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q --durations=15
	$(PG_TESTS)

test-pg: test-deps postgresql
	$(PG_TESTS)

bench: test-deps browser
	CHROMIUM=$(CHROMIUM) $(PY) bench/page_size.py
	CHROMIUM=$(CHROMIUM) $(PY) bench/wizard.py
	$(PY) bench/imports.py
	$(PY) bench/providers.py

clean:
	rm -rf $(VENV) .pytest_cache
