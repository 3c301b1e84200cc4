# The two commands of README.md:
#   make demo   install everything, build the SQLite demo database, serve
#               the web client on http://127.0.0.1:8000 and the e-mails it
#               sends on http://127.0.0.1:1080 (make demo PORT=8080
#               MAIL_PORT=1081 SMTP_PORT=1026 for other ports)
#   make test   run every test on SQLite, then on PostgreSQL
# Each install step leaves a stamp file and is skipped when already done.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Every module folder (klachten_*/ with a pyproject.toml)
MODULES := $(patsubst %/pyproject.toml,%,$(wildcard klachten_*/pyproject.toml))
INSTALL_STAMP := $(VENV)/.klachten-installed

# The web client: the npm package, unpacked, with its own node_modules
SAO_VERSION := 8.0.11
SAO_CACHE := var/sao/$(SAO_VERSION)
SAO_ROOT := $(SAO_CACHE)/package
SAO_STAMP := $(SAO_CACHE)/.installed

# The npm packages of package.json: axe-core (tests), maildev (demo)
NODE_STAMP := node_modules/.installed

# make demo PORT=8080: the web client; MAIL_PORT and SMTP_PORT: the mail
# catcher's web page and SMTP server
PORT ?= 8000
MAIL_PORT ?= 1080
SMTP_PORT ?= 1025
DEMO_ENV = SAO_ROOT=$(CURDIR)/$(SAO_ROOT) PORT=$(PORT) MAIL_PORT=$(MAIL_PORT) \
	SMTP_PORT=$(SMTP_PORT)

# make test BACKENDS=sqlite PYTEST_ARGS='-k scenario -x'
BACKENDS ?= sqlite postgresql
PYTEST_ARGS ?=
# make test LINT_FIRST=no: skip make lint before the tests (CI lints)
LINT_FIRST ?= yes

.PHONY: help install sao node demo demo-reset demo-mail test lint clean
help:
	@echo "make demo        install, create the demo database, serve the web client"
	@echo "                 and the mail catcher (PORT=8000 MAIL_PORT=1080 SMTP_PORT=1025)"
	@echo "make test        run all tests on SQLite and PostgreSQL"
	@echo "                 (BACKENDS=sqlite, PYTEST_ARGS='-k scenario')"
	@echo "make demo-reset  like make demo, with a new demo database"
	@echo "make demo-mail   (while make demo runs) an e-mail of a citizen to the"
	@echo "                 demo mailbox: it becomes a draft complaint"
	@echo "make install     only install the Python packages into $(VENV)"
	@echo "make lint        flake8, isort --check and the import contracts"
	@echo "                 (.importlinter); make test runs it first"
	@echo "make clean       delete $(VENV) and var/ (databases, caches, web client)"

install: $(INSTALL_STAMP)

# Re-run when the requirements or a module's packaging change, or a module
# folder is added.
$(INSTALL_STAMP): requirements.txt $(MODULES:%=%/pyproject.toml)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
		|| { echo "$(PYTHON) is older than Python 3.10" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) \
		|| { echo "Could not create $(VENV): install python3-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements.txt $(MODULES:%=-e %)
	touch $@

sao: $(SAO_STAMP)

$(SAO_STAMP):
	@command -v npm >/dev/null \
		|| { echo "npm is missing: install nodejs and npm" >&2; exit 1; }
	rm -rf $(SAO_CACHE) && mkdir -p $(SAO_CACHE)
	cd $(SAO_CACHE) && npm pack --silent tryton-sao@$(SAO_VERSION) \
		&& tar -xzf tryton-sao-$(SAO_VERSION).tgz
	cd $(SAO_ROOT) && npm install --omit=dev --legacy-peer-deps \
		--no-audit --no-fund --loglevel=error
	touch $@

node: $(NODE_STAMP)

# The same stamp as scripts/system_deps.sh (make test)
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null \
		|| { echo "npm is missing: install nodejs and npm" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(INSTALL_STAMP) $(SAO_STAMP) $(NODE_STAMP)
	@$(DEMO_ENV) scripts/demo.sh

demo-reset: $(INSTALL_STAMP) $(SAO_STAMP) $(NODE_STAMP)
	@$(DEMO_ENV) scripts/demo.sh --reset

# While make demo runs: an e-mail of a demo citizen to the demo mailbox
demo-mail: $(INSTALL_STAMP)
	@$(BIN)/python scripts/demo_mail.py --port $(PORT)

test: $(INSTALL_STAMP) $(SAO_STAMP)
	@if [ "$(LINT_FIRST)" != no ]; then $(MAKE) --no-print-directory lint; fi
	@scripts/system_deps.sh
	@KLACHTEN_SAO_ROOT=$(CURDIR)/$(SAO_ROOT) scripts/test.sh \
		--backends "$(BACKENDS)" -- $(PYTEST_ARGS)

# Every check reports, then the target fails if any found something.
# lint-imports: the modules point only to klachten_base, no circles
# (.importlinter)
lint: $(INSTALL_STAMP)
	@rc=0; \
	$(BIN)/flake8 $(MODULES) scripts tests || rc=1; \
	$(BIN)/isort --check-only --diff $(MODULES) scripts tests || rc=1; \
	$(BIN)/lint-imports --no-cache --no-logo .importlinter || rc=1; \
	exit $$rc

clean:
	rm -rf $(VENV) var node_modules
