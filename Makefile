# Client Hub — every target sets up what it needs; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
EXAMPLES ?= 200
STAMP := $(VENV)/.synced-$(shell cat requirements/dev.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: help setup test lint typecheck cfn-lint openapi openapi-check events events-check reliability-check fuzz unit integration e2e bench run token job lock clean

help: ## List the targets
	@grep -hE '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements/dev.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet "uv==$(UV_VERSION)"
	@$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements/dev.lock
	@$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	@rm -f $(VENV)/.synced-* && touch $@

setup: $(STAMP) ## Create or refresh the virtual environment from the lock file

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

test: lint typecheck cfn-lint openapi-check events-check reliability-check ## Every gate and every test (what CI runs)
	$(PY) -m pytest

unit: setup ## Unit tests only
	$(PY) -m pytest tests/unit --no-cov

integration: setup ## Integration tests only (handler → use case → moto)
	$(PY) -m pytest tests/integration --no-cov

e2e: setup ## End-to-end tests against the local hub
	$(PY) -m pytest tests/e2e --no-cov

fuzz: setup ## Run the generated suites, fuzzing EXAMPLES per operation (200), print and write docs/reliability.md
	$(PY) -m tools.reliability --write --examples $(EXAMPLES)

bench: setup ## Benchmarks, reported as ratios against a baseline measured in the same run
	$(PY) -m bench

run: setup ## Start the whole hub locally (no AWS account, no Docker), seeded; Ctrl-C stops it
	$(PY) -m local

token: setup ## Print an ID token of a seeded user of the running local hub: make token USER=anna@acme.example
	@case "$(USER)" in *@*) ;; *) echo "usage: make token USER=<email of a seeded user> (see make run's list)" >&2; exit 2;; esac
	@$(PY) -m local.tokens "$(USER)"

job: setup ## Run one scheduled job now against the running local hub: make job NAME=<job> [NOW=<RFC 3339>] (no NAME: list)
	@$(PY) -m local.jobs $(NAME) $(if $(NOW),--now $(NOW))

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
