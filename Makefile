# The commands of the README: `make run`, `make test` and `make lint`.
# Everything the project needs is installed from here (Python packages into .venv).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LINT_STAMP := $(VENV)/.installed-lint

.PHONY: run test install clean lint

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) setup.cfg pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The linters (pinned in setup.cfg's `lint` extra) beside the test dependencies.
$(LINT_STAMP): $(PY) setup.cfg pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,lint]'
	touch $(LINT_STAMP)

install: $(STAMP)

# Starts the desktop on the embedded SQLite database; the first start creates it
# with demo data and the account demo/demo (see README).
run: $(STAMP)
	$(PY) -m guji.syscheck
	$(VENV)/bin/guji-desktop --first-run-demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 -q

# ruff, mypy and the import-linter contracts, configured in pyproject.toml; all three run
# even when one fails, and the target fails if any did.
lint: $(LINT_STAMP)
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/mypy || status=1; \
	$(VENV)/bin/lint-imports || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) build *.egg-info
