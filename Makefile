# Two commands for a newcomer: `make run` (the bot, offline console without Slack tokens) and
# `make test` (the suite, less its slow burst tests: `make test-all` runs those too). Both create .venv
# and install the project into it first.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: run test test-all lint format

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/itwg run

test: $(BIN)/.installed
	$(BIN)/python -m pytest -m "not slow"

test-all: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
