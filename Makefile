# Two commands set tally up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO   ?= demo

.PHONY: demo test install native clean bench

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,spark]'
	touch $(STAMP)

# The reconciliation rules compiled with mypyc (a third less time; a no-op while current, and
# without a C compiler tally runs them as Python): see tally/reconcile/_native.py.
native: $(STAMP)
	$(PY) -m tally.reconcile compile
	$(PY) -m compileall -q tally  # bytecode for the editable install too: a command starts faster

install: native

demo: native
	$(PY) -m tally.demo --out $(DEMO)

test: native
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: native
	for f in bench/*.py; do $(PY) $$f; done

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
