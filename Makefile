# Two commands on a fresh machine: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
IDP_PORT ?= 5001

# Tests run in parallel, one pytest-xdist worker per core (JOBS=0 runs them in one process).
JOBS ?= auto
PYTEST := $(BIN)/pytest -n $(JOBS) --dist worksteal
PG_NOTE := PostgreSQL part skipped: set PORTAL_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)

.PHONY: run test test-quick check bench install assets translations i18n-update migrate seed-demo clean

run: install
	$(BIN)/python -m portal.devrun --port $(PORT) --idp-port $(IDP_PORT)

# Every test: unit, web and API tests and the browser journeys on SQLite; then, when
# PORTAL_TEST_DATABASE_URL names a PostgreSQL database, every test that touches the database again
# there (the pure ones ran once already) with the PostgreSQL-only races and faults. Browser tests run
# when Debian's chromium is installed and are skipped (and said so) when not.
test: install
	env -u PORTAL_TEST_DATABASE_URL $(PYTEST) $(PYTEST_ARGS)
	@if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then \
	  echo "== what touches the database, again on PostgreSQL =="; \
	  $(PYTEST) -m "not e2e" $(PYTEST_ARGS); \
	else echo "$(PG_NOTE)"; fi

# For working: the unit, web and API tests on SQLite, no browser, no PostgreSQL.
test-quick: install
	env -u PORTAL_TEST_DATABASE_URL $(PYTEST) -m "not e2e" tests/unit tests/web tests/api tests/devidp $(PYTEST_ARGS)

# Static checks, run by CI: lint, security lint, and known vulnerabilities in every installed package.
check: install
	$(BIN)/ruff check portal tests scripts wsgi.py
	$(BIN)/bandit -q -c pyproject.toml -r portal scripts wsgi.py
	$(BIN)/python scripts/audit_dependencies.py

# Benchmarks, not run by CI: they need the local PostgreSQL, Redis and wrk, and take minutes.
bench: install
	$(BIN)/python -m tests.bench.bench_sweep --cases $${BENCH_CASES:-100000}
	$(BIN)/python -m tests.bench.bench_pages --cases $${BENCH_CASES:-100000}

install: .stamp-python assets translations

.stamp-python: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# DKFDS and htmx, pinned in package-lock.json, copied into static/vendor/ (git ignores it).
assets: static/vendor/.stamp

static/vendor/.stamp: package.json package-lock.json scripts/vendor.py static/css/portal.css static/js/portal.js
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/vendor.py
	touch $@

translations: .stamp-python
	$(BIN)/pybabel compile --statistics -d translations

# For developers after changing strings: extract, merge into da and en, fill en from the source.
i18n-update: .stamp-python
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations
	$(BIN)/python scripts/fill_english.py

migrate: install
	$(BIN)/flask --app wsgi migrate

seed-demo: migrate
	$(BIN)/flask --app wsgi seed-demo

clean:
	rm -rf $(VENV) node_modules static/vendor .stamp-* instance/portal.sqlite3*
