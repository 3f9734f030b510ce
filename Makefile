# Two commands set tally up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO   ?= demo

.PHONY: demo test install clean bench

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,spark]'
	$(PY) -m compileall -q tally  # bytecode for the editable install too: a command starts faster
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m tally.demo --out $(DEMO)

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	for f in bench/*.py; do $(PY) $$f; done

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
