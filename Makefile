# Two commands from a fresh clone: `make run` (demo app) and `make test` (all tests, browser included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test bench mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files: reinstall only when the package metadata changes.
$(VENV)/.app: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: $(VENV)/.app
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.mutate: $(VENV)/.test
	$(BIN)/pip install --quiet -e '.[test,mutate]'
	touch $@

PORT ?= 5000

run: $(VENV)/.app
	$(BIN)/python run.py --demo --port $(PORT)

test: $(VENV)/.test
	@test -x $(CHROMIUM) || { echo "Chromium ontbreekt: sudo apt-get install chromium"; exit 1; }
# Findings go to stdout; stderr only carries bandit's log, a warning for every line with a nosec.
	$(BIN)/bandit -q -r outreach 2>/dev/null || { echo "bandit vond iets (hele log: $(BIN)/bandit -r outreach)"; exit 1; }
	$(BIN)/python -m pytest

# The bench's own tools, never the app's: the Django peer (bench/peers) and Lighthouse (bench/lighthouse).
$(VENV)/.bench: $(VENV)/.app bench/peers/requirements.txt
	$(BIN)/pip install --quiet -r bench/peers/requirements.txt
	touch $@

bench/lighthouse/node_modules/.installed: bench/lighthouse/package.json bench/lighthouse/package-lock.json
	cd bench/lighthouse && npm ci --no-audit --no-fund --silent
	touch $@

bench: $(VENV)/.bench bench/lighthouse/node_modules/.installed
	@test -x $(CHROMIUM) || { echo "Chromium ontbreekt: sudo apt-get install chromium"; exit 1; }
	$(BIN)/python bench/overhead.py
	$(BIN)/python bench/field.py
	$(BIN)/python bench/peer.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/growth.py
	CHROME_PATH=$(CHROMIUM) $(BIN)/python bench/lcp.py

# Mutation testing of the guard modules (slow, not part of `make test`): MODULES="access otp" for a few,
# ARGS=--survivors to re-test only the last survivors, ARGS=--fresh to start over, MUTATE_JOBS=1 on a busy machine.
mutate: $(VENV)/.mutate
	$(BIN)/python mutation/run.py $(ARGS) $(MODULES)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mutation mutants tests/oidc/node_modules bench/lighthouse/node_modules
