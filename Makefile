# The two commands of the README: `make run` and `make test`.
# Everything the project needs is installed from here (Python packages into .venv).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test install clean lint

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) setup.cfg pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Starts the desktop on the embedded SQLite database; the first start creates it
# with demo data and the account demo/demo (see README).
run: $(STAMP)
	$(PY) -m guji.syscheck
	$(VENV)/bin/guji-desktop --first-run-demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 -q

clean:
	rm -rf $(VENV) build *.egg-info
