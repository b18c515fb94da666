# Two commands on a fresh Debian machine: `make run` and `make test` (see README.md).
PY ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
BENCH_INSTALLED := $(VENV)/.installed-bench
# WeasyPrint needs pango; libharfbuzz-subset0 makes font subsetting ~100x faster;
# fonts-noto-cjk gives the PDFs their Chinese fonts; chromium runs the browser tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk chromium gettext
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-packages migrate worker beat bench schema contract

run: migrate
	$(PYTHON) manage.py seed_demo
	@echo "unioncase: http://$(HOST):$(PORT)/  (demo logins in README.md); Ctrl-C stops the web app, worker and beat"
	$(PYTHON) -m config.embedded $(HOST):$(PORT)

test: install
	$(PYTHON) manage.py makemigrations --check --dry-run
	$(PYTHON) -m pytest

install: system-packages $(INSTALLED)

system-packages:
	@missing=""; \
	for package in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	$(PY) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(INSTALLED): pyproject.toml
	$(PY) -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -e '.[test]'
	touch $(INSTALLED)

migrate: install
	$(PYTHON) manage.py migrate --noinput

# The OpenAPI 3 document of /api/v1/ as a file (Chinese; add --lang en for English), validated,
# failing on any warning, to read or hand to a client's developers. Not committed: CI generates
# and validates it afresh in `make contract`.
schema: install
	$(PYTHON) manage.py spectacular --validate --fail-on-warn --file api/openapi.yaml

# The API's contract (issue 21; tests/contract/): the OpenAPI document generated with --validate
# --fail-on-warn, then schemathesis over every operation of /api/v1/schema/ against the live app
# (gunicorn) on a fresh database with fixture data — PostgreSQL beside the one DATABASE_URL names
# (as .ci/run sets it), else SQLite. Fails on any 5xx or any answer that breaks the schema.
contract: install
	$(PYTHON) -m tests.contract.run

# Production-like runs: set CELERY_BROKER_URL (and DATABASE_URL) first.
worker: migrate
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: migrate
	$(VENV)/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule

$(BENCH_INSTALLED): $(INSTALLED)
	$(PYTHON) -m pip install -q -e '.[test,bench]'
	touch $(BENCH_INSTALLED)

# bench/load.py needs PostgreSQL and Redis on 127.0.0.1 (or BENCH_DATABASE_URL, CELERY_BROKER_URL).
bench: install $(BENCH_INSTALLED)
	$(PYTHON) bench/documents.py
	$(PYTHON) bench/linkage.py
	$(PYTHON) bench/stats.py
	$(PYTHON) bench/import_disputes.py
	$(PYTHON) bench/dispute_lifecycle.py
	$(PYTHON) bench/queues.py
	$(PYTHON) bench/load.py
