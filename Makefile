PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# axe-core, which the browser tests run over every page (pinned in package-lock.json).
AXE := node_modules/axe-core/axe.min.js

.PHONY: install run test lint bench db clean messages

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

$(AXE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(AXE)

# Two workers (one per core here); each test module stays on one worker, so a browser module
# keeps its one app server.
test: install lint $(AXE)
	$(BIN)/pytest --numprocesses=2 --dist=loadfile

bench: install
	$(BIN)/python -m tests.benchmarks

# Extract every marked message from the code into locale/niem.pot, then add the new ones
# (untranslated) to every catalog and drop the ones the code no longer uses.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
		--project=niem --msgid-bugs-address= -o locale/niem.pot app.py app_pages niem
	$(BIN)/pybabel update -i locale/niem.pot -d locale -D niem \
		--no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) node_modules data/niem.db data/niem.db-wal data/niem.db-shm
