PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint bench db clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

data/niem.db: | $(STAMP)
	$(BIN)/niem init

db: data/niem.db

# init is idempotent: it builds a missing database and upgrades an older one.
run: install
	$(BIN)/niem init
	$(BIN)/niem-app

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy niem

test: install lint
	$(BIN)/pytest

bench: install
	$(BIN)/python -m tests.benchmarks

clean:
	rm -rf $(VENV) data/niem.db data/niem.db-wal data/niem.db-shm
