# Kefu: `make run` serves the demo, `make test` runs every suite this machine can run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run run-scaled stop-scaled test lint format messages bench clean-var

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

# PostgreSQL + Redis on loopback (Debian's packages when missing), migrations, WEB web
# processes on one port (default: two per core, WEB_THREADS threads each), WORKERS Huey workers
# on Redis. Ctrl-C stops all.
run-scaled: $(VENV)/.run-deps
	WEB=$(WEB) WEB_THREADS=$(WEB_THREADS) WORKERS=$(WORKERS) bash scripts/run-scaled.sh

stop-scaled:
	bash scripts/run-scaled.sh stop

test: $(VENV)/.test-deps
	$(BIN)/ruff check kefu tests bench scripts
	$(BIN)/ruff format --check kefu tests bench scripts
	bash scripts/test-suites.sh

lint: $(VENV)/.test-deps
	$(BIN)/ruff check kefu tests bench scripts

format: $(VENV)/.test-deps
	$(BIN)/ruff format kefu tests bench scripts
	$(BIN)/ruff check --fix kefu tests bench scripts

# Every benchmark under bench/ (bench/run.py): SCALE=small is the quick run (< 10 min on 2
# cores), results in bench/results/small/; the full run writes bench/results/. PostgreSQL runs
# when KEFU_BENCH_PG_URL (or KEFU_TEST_DATABASE_URL) names a server. Never part of `make test`.
SCALE ?= full
$(VENV)/.bench-deps: pyproject.toml $(VENV)/.test-deps
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $@

bench: $(VENV)/.bench-deps
	$(BIN)/python bench/run.py --scale $(SCALE)

messages: $(VENV)/.test-deps
	bash scripts/messages.sh
	$(BIN)/python scripts/translate.py kefu/locale/zh_Hans/LC_MESSAGES/django.po scripts/zh_*.py
	bash scripts/messages.sh --compile-only

clean-var:
	rm -rf var
