# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.base

# Django 6 needs Python 3.12+; the machine's python3 may be older.
PYTHON_FOR_VENV := $(shell \
  for p in python3.13 python3.12; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; exit 0; }; done; \
  for p in /root/.pyenv/versions/3.13.*/bin/python3 /root/.pyenv/versions/3.12.*/bin/python3 /usr/local/bin/python3.13 /usr/local/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3.12; do [ -x $$p ] && { echo $$p; exit 0; }; done)

.PHONY: chromium help run test bench lint format install install-test assets migrate demo messages constraints check-python

help:
	@echo "make run    set up and serve the demo on http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run every test"
	@echo "make bench  print request rates (dashboard, members list, bare view)"
	@echo "make lint   ruff check and format check"

check-python:
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
	  echo "Coproduce needs Python 3.12 or newer (Django 6 does not run on older versions)."; \
	  echo "Install python3.12 or python3.13 and run this command again."; exit 1; fi

$(VENV)/.installed: pyproject.toml constraints.txt | check-python
	@[ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { rm -rf $(VENV); $(PYTHON_FOR_VENV) -m venv $(VENV); }
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed $(VENV)/.installed
	$(PY) scripts/build_assets.py
	$(PY) manage.py collectstatic --noinput --verbosity 0

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: assets demo
	PORT=$(PORT) ./scripts/serve

# Debian's Chromium for the browser tests (never Playwright's own download).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get install -y --no-install-recommends chromium >/dev/null || { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }; \
	  else echo "Browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium'."; fi; fi

test: install-test assets chromium
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: assets migrate
	$(PY) scripts/bench.py

# Welsh and other catalogues: update the .po files, then compile them (both are committed).
messages: install
	$(PY) manage.py makemessages -l cy --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

constraints: install-test
	{ echo "# Every package Coproduce installs, pinned. Regenerate with: make constraints"; $(PIP) freeze --exclude-editable; } > constraints.txt
