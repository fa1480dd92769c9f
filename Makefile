# Two commands: `make demo` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install messages bench clean-demo

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "bkk1555 needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

## make demo: set up an SQLite demo with reference and demo data, then serve web, worker and beat on 127.0.0.1:8000
## (another address: make demo ADDR=127.0.0.1:8100, or only the port: make demo PORT=8100)
PORT ?= 8000
ADDR ?= 127.0.0.1:$(PORT)
demo: $(STAMP)
	DEMO_MODE=true DEBUG=true $(BIN)/python manage.py demo --addr $(ADDR)

## make test: lint, the import contract (.importlinter), then the whole test suite (PostgreSQL/Redis/Chromium tests skip with a reason when absent)
test: $(STAMP)
	$(BIN)/ruff check .
	PYTHONPATH=. $(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make messages: refresh and compile the Thai/English translation catalogues
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en -l th --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean-demo:
	rm -rf db.sqlite3 media var
