# make test: the whole suite; make demo: the offline demo (see README).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEPS_STAMP := $(VENV)/.deps-installed
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: test install demo clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Dependencies (and test extras) are installed once, again when pyproject.toml changes.
$(DEPS_STAMP): pyproject.toml | $(PY)
	$(PIP) install '.[test]'
	touch $(DEPS_STAMP)

# The project itself is reinstalled on every run, non-editable, as users install it.
install: $(DEPS_STAMP)
	$(PIP) install --no-deps --no-build-isolation --force-reinstall .

test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

demo: install
	@$(PY) -m demo

clean:
	rm -rf $(VENV) build dist .pytest_cache
