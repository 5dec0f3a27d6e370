# Kefu: `make run` serves the demo, `make test` runs every suite this machine can run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint format messages bench clean-var

$(VENV)/.run-deps: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml $(VENV)/.run-deps
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.run-deps
	$(BIN)/kefu migrate --noinput
	$(BIN)/kefu demo --if-empty
	$(BIN)/kefu serve

test: $(VENV)/.test-deps
	$(BIN)/ruff check kefu tests bench scripts
	$(BIN)/ruff format --check kefu tests bench scripts
	bash scripts/test-suites.sh

lint: $(VENV)/.test-deps
	$(BIN)/ruff check kefu tests bench scripts

format: $(VENV)/.test-deps
	$(BIN)/ruff format kefu tests bench scripts
	$(BIN)/ruff check --fix kefu tests bench scripts

messages: $(VENV)/.test-deps
	bash scripts/messages.sh
	$(BIN)/python scripts/translate.py kefu/locale/zh_Hans/LC_MESSAGES/django.po scripts/zh_*.py
	bash scripts/messages.sh --compile-only

clean-var:
	rm -rf var
