# What every `build-<LogicalId>` target of sam build runs (`BuildMethod: makefile` in infra/template.yaml): the
# packaging of `python -m tools.package`, into the folder sam build names in $(ARTIFACTS_DIR).
#
# sam build runs `make --makefile <CodeUri>/Makefile build-<LogicalId>` in a scratch copy of the CodeUri folder (or
# in it, with --build-in-source): nothing here depends on the working directory, the repository is found from this
# file's own path, and the code is read from the repository itself (tools/package.py leaves requirements.txt and the
# Makefile out of the package). Lambda's bytecode needs a CPython 3.12 (python3.12 on the PATH, pyenv's, or
# LAMBDA_PYTHON=/path/to/python3.12); `make setup` must have made .venv (uv installs the requirements).
# BYTECODE=no builds without it.

HUB_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
HUB_PYTHON ?= $(firstword $(wildcard $(HUB_ROOT)/.venv/bin/python) python3)
HUB_PACKAGE = $(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set: sam build sets it))cd "$(HUB_ROOT)" && \
	"$(HUB_PYTHON)" -m tools.package
HUB_PACKAGE_OPTIONS = --artifacts "$(ARTIFACTS_DIR)"$(if $(filter no,$(BYTECODE)), --no-bytecode)

# A service's Makefile sets SERVICE (its folder's name: sam build's scratch copy has another) and FUNCTIONS (its
# functions' logical ids) before including this file: each build-<LogicalId> packages the service's function.
ifdef SERVICE
.PHONY: $(addprefix build-,$(FUNCTIONS))
$(addprefix build-,$(FUNCTIONS)):
	$(HUB_PACKAGE) function $(SERVICE) $(HUB_PACKAGE_OPTIONS)
endif
