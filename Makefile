# The two commands in the README: `make demo` and `make test`. Both install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
AZURITE := node_modules/.bin/azurite

.PHONY: venv node test unit lint infra browser corpus conformance lock demo bench soak clean

venv: $(STAMP)

# uv, pinned, in its own .venv-lock/: it installs the locks below in seconds where pip takes most of a minute,
# and it writes them (make lock).
UV_VERSION := 0.13.8
UV := .venv-lock/bin/uv
$(UV):
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The same locks the app deploys with (exact versions, hashes checked): see scripts/lock.py. The Functions
# remote build installs requirements.txt with pip; the package set is the same.
$(STAMP): requirements.txt requirements-lock.txt requirements-dev.txt requirements-dev-lock.txt | $(UV)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

# Re-lock after editing requirements.in or requirements-dev.in (needs the registry).
lock: | $(UV)
	$(PYTHON) scripts/lock.py --uv $(UV)

node: $(AZURITE)

# --prefer-offline: tarballs already in npm's cache are not re-checked with the registry (the lock's integrity
# hashes are still checked); a cold cache downloads as before.
$(AZURITE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error --prefer-offline
	touch $(AZURITE)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

# Bicep: every file parses and checkov passes (checkov lives in its own .venv-infra/, installed by uv).
infra: | $(UV)
	$(PYTHON) scripts/check_infra.py --uv $(UV)

browser:
	bash scripts/install_browser.sh

# The public mail corpus tests/corpus reads (copied from local snapshots, else fetched from the registries).
corpus:
	$(PYTHON) -m tests.corpus.collect --prepare

# Whole suite: lint, type-check, Bicep checks, unit and integration (fixtures start and stop Azurite and the
# emulators). The steps before pytest run side by side; --output-sync prints each one's output in one piece.
# pytest runs on two xdist workers, a test file (or a package sharing one stack) at a time: tests/conftest.py.
test:
	$(MAKE) --no-print-directory -j4 --output-sync=target venv node lint infra conformance browser corpus
	$(PY) -m pytest --ignore=tests/conformance -n 2 --dist loadfile --durations=20

# Product requests and emulator answers against the published Graph description and the iMIS description
# (tests/conformance, docs/wire-fidelity.md).
conformance: venv
	$(PY) -m pytest tests/conformance -q

unit: venv
	$(PY) -m pytest -m "not integration"

demo: venv node
	$(PY) -m devhost.demo

# Benchmarks on the whole local stack: figures printed and written to bench/results/latest.json.
# One or some of them: make bench BENCH="--only status" (python -m bench --help lists them).
bench: venv node
	$(PY) -m bench $(BENCH)

# The fault suite at a larger size than CI runs.
soak: venv node
	FAULT_SUITE_SIZE=5000 $(PY) -m pytest tests/faults

# Mutation testing (not in CI: it takes long): mutmut mutates shared/domain and the capture services and runs the
# unit and property tests against each mutant ([tool.mutmut] in pyproject.toml). MUTANTS narrows the run, e.g.
# make mutate MUTANTS='shared.domain.*'. Survivors and why they live: docs/mutation.md.
MUTMUT := mutmut==3.8.1
mutate: venv
	$(PY) -m pip install --quiet --disable-pip-version-check "$(MUTMUT)"
	$(VENV)/bin/mutmut run $(MUTANTS) || true
	$(PY) scripts/mutation_score.py

clean:
	rm -rf $(VENV) .venv-lock node_modules .pytest_cache .mypy_cache .ruff_cache .stack mutants
