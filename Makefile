# make demo: the offline demo; make test: the whole suite; make unit: the unit tests (see README).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEPS_STAMP := $(VENV)/.deps-installed
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: test unit lint install demo docs bench iac-check clean

$(PY):
	@echo "creating $(VENV)"
	@$(PYTHON) -m venv $(VENV)

# Dependencies (and test extras) are installed once, again when pyproject.toml changes.
$(DEPS_STAMP): pyproject.toml | $(PY)
	@echo "installing dependencies into $(VENV)"
	@$(PIP) install '.[test,iac]'
	@touch $(DEPS_STAMP)

# The project itself is reinstalled on every run, non-editable, as users install it.
install: $(DEPS_STAMP)
	@$(PIP) install --no-deps --no-build-isolation --force-reinstall .

# The suite on pytest-xdist workers, a moto server each; each test module stays on one
# worker, so its module-scoped fixtures run once. Four workers even on two cores: the
# emulator tests spend much of their time waiting (child processes, paced writes), and four
# measured 7.5 min where two took 11 (docs/development.md).
TEST_WORKERS ?= 4
test: install lint
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# ruff: the lint rules and the formatting of pyproject.toml's [tool.ruff]; commit subjects of at
# most 72 characters (.ci/commit-subjects). make test runs it.
lint: $(DEPS_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@bash .ci/commit-subjects

# The unit tests alone: no emulator, CPU-bound, so one worker per core (about a minute).
unit: install
	$(PY) -m pytest -q -n auto --dist loadfile -m "not emulator" $(PYTEST_ARGS)

demo: install
	@$(PY) -m demo

# The configuration reference is generated from the filter's and action's schemas, the
# permission table (docs/iam.md) from what `c7n-vpcflow permissions` lists per policy.
docs: install
	@$(PY) docs/reference.py > docs/configuration.md
	@$(PY) docs/reference.py --permissions README.md docs/*.md

# Performance figures (issue 6): moto + the throttling proxy, every scenario, median of 3;
# prints the table and writes bench/RESULTS.md (minutes). BENCH_ARGS="--suite bare-100 --reps 1".
bench: install
	$(PY) -m bench $(BENCH_ARGS)

# Shift left (issue 8): the CIS 3.7 c7n-left policies over Terraform roots, as a CI gate.
# IAC_DIRS="infra/prod infra/stage" (run `terraform get` in each first); IAC_ARGS="--var-file prod.tfvars".
# Log-group retention is opt-in, as in the live filter: IAC_ARGS="--min-retention-days 365".
iac-check: install
	@test -n "$(IAC_DIRS)" || { echo 'usage: make iac-check IAC_DIRS="path/to/root ..."'; exit 2; }
	$(PY) iac/check.py $(IAC_ARGS) $(IAC_DIRS)

clean:
	rm -rf $(VENV) build dist .pytest_cache
