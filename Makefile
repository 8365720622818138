# Client Hub — every target sets up what it needs; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
EXAMPLES ?= 200
# Python keeps the bytecode it compiles (some shells set PYTHONDONTWRITEBYTECODE): otherwise every process of a
# run — each test worker, each local hub — compiles boto3, moto, pydantic and the hub from source again.
unexport PYTHONDONTWRITEBYTECODE
STAMP := $(VENV)/.synced-$(shell cat requirements/dev.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: help setup package gates test lint typecheck cfn-lint openapi openapi-check events events-check reliability-check fuzz unit integration e2e browser bench run token job mail lock clean web web-check chromium

# The portal (web/): `npm ci` again only when package-lock.json changes (a stamp, like the virtual environment's).
WEB_STAMP := web/node_modules/.installed-$(shell cat web/package-lock.json web/package.json 2>/dev/null | cksum | cut -d' ' -f1)

help: ## List the targets
	@grep -hE '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements/dev.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet "uv==$(UV_VERSION)"
	@$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements/dev.lock
	@$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	@rm -f $(VENV)/.synced-* && touch $@

setup: $(STAMP) ## Create or refresh the virtual environment from the lock file

$(WEB_STAMP): web/package-lock.json web/package.json
	@command -v npm >/dev/null || { echo "The portal needs Node.js 20.19+ and npm 11 (https://nodejs.org); install them and run make again." >&2; exit 1; }
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@rm -f web/node_modules/.installed-* && touch $@

web: $(WEB_STAMP) ## Build the portal into web/dist (npm ci when the lock changed; types from docs/openapi.json)
	@cd web && npm run --silent build -- --logLevel warn

web-check: $(WEB_STAMP) ## The portal's gates: ESLint and Prettier, the type check against docs/openapi.json, Vitest, the build
	cd web && npm run --silent lint && npm run --silent test && npm run --silent build -- --logLevel warn

chromium: ## Make sure a Chromium is there for the browser tests (Debian's package through apt when root)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || test -n "$$CHROMIUM" || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests …"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium: on Debian or Ubuntu 'sudo apt-get install chromium'; elsewhere" >&2; \
	    echo "'.venv/bin/playwright install chromium', or set CHROMIUM=/path/to/chrome." >&2; exit 1; \
	  fi; }

mail: setup ## The e-mails the running local hub sent (notifications, Cognito's codes): make mail [TO=<address>] [WAIT=<seconds>]
	@$(PY) -m local.mail $(if $(TO),--to $(TO)) $(if $(WAIT),--wait $(WAIT))

lock: ## Re-resolve requirements/dev.lock from pyproject.toml (needs the registry)
	@test -x $(VENV)/bin/uv || { $(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install --quiet "uv==$(UV_VERSION)"; }
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --no-emit-index-url --generate-hashes --no-emit-package uv --quiet -o requirements/dev.lock

lint: setup ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup ## mypy with the pydantic plugin
	$(VENV)/bin/mypy

cfn-lint: setup ## cfn-lint on infra/template.yaml
	$(VENV)/bin/cfn-lint infra/template.yaml

openapi: setup ## Regenerate docs/openapi.json from the code
	$(PY) -m tools.openapi --write

openapi-check: setup ## Fail when docs/openapi.json drifts from the code
	$(PY) -m tools.openapi --check

events: setup ## Regenerate docs/events.md (the event catalogue) from the event models and the template
	$(PY) -m tools.events --write

events-check: setup ## Fail when docs/events.md drifts from the code
	$(PY) -m tools.events --check

reliability-check: setup ## Fail when docs/reliability.md's structure (suites, cases, settings) drifts from the tests
	$(PY) -m tools.reliability --check

GATES := lint typecheck cfn-lint openapi-check events-check reliability-check web-check chromium

gates: $(GATES) ## Every gate (lint, types, template, committed documents, the portal's), without the tests

test: ## Every gate and every test (what CI runs): the gates two at a time (the Python ones beside the portal's)
	@$(MAKE) --no-print-directory -j2 --output-sync=target gates
	$(PY) -m pytest

unit: setup ## Unit tests only
	$(PY) -m pytest tests/unit --no-cov

integration: setup ## Integration tests only (handler → use case → moto)
	$(PY) -m pytest tests/integration --no-cov

e2e: setup ## End-to-end tests against the local hub
	$(PY) -m pytest tests/e2e --no-cov

fuzz: setup ## Run the generated suites, fuzzing EXAMPLES per operation (200), print and write docs/reliability.md
	$(PY) -m tools.reliability --write --examples $(EXAMPLES)

browser: setup web chromium ## Browser tests: the portal in Chromium (Playwright) against the local hub
	$(PY) -m pytest tests/browser --no-cov

package: setup ## Build the deployment packages (layer and functions) into build/lambda as sam build does, with sizes
	$(PY) -m tools.package

bench: setup ## Benchmarks as ratios to baselines measured in the same run: one table, bench/report.json (≈ 10 min)
	$(PY) -m bench

run: setup web ## Start the whole hub and the portal locally (no AWS account, no Docker), seeded; Ctrl-C stops it
	$(PY) -m local

token: setup ## Print an ID token of a seeded user of the running local hub: make token USER=anna@acme.example
	@case "$(USER)" in *@*) ;; *) echo "usage: make token USER=<email of a seeded user> (see make run's list)" >&2; exit 2;; esac
	@$(PY) -m local.tokens "$(USER)"

job: setup ## Run one scheduled job now against the running local hub: make job NAME=<job> [NOW=<RFC 3339>] (no NAME: list)
	@$(PY) -m local.jobs $(NAME) $(if $(NOW),--now $(NOW))

clean: ## Remove the virtual environment, the packages built and the caches
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov web/node_modules web/dist test-artifacts
