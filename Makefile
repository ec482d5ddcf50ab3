# Two commands from a fresh clone: `make run` (demo app) and `make test` (all tests, browser included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test bench clean

$(BIN)/activate: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/activate

run: $(BIN)/activate
	$(BIN)/python run.py --demo

test: $(BIN)/activate
	@test -x $(CHROMIUM) || { echo "Chromium ontbreekt: sudo apt-get install chromium"; exit 1; }
	$(BIN)/python -m pytest

bench: $(BIN)/activate
	$(BIN)/python bench/overhead.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
