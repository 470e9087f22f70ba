# The single entry point: CI runs the same targets a developer runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8080
SEED   ?=
USERS  ?=
BASE_URL ?=
PROFILE  ?= ci
API      ?= all
CONTRACT_ARGS ?=
CORPUS_JOBS ?= 2
CORPUS_ONLY ?=

.PHONY: install mock test coverage lint contracts contracts-seeds safety variants stall bench corpus mutations generate clean inventory-variants

# Re-installs only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# swagger2openapi (pinned in generators/node), which the generators run to convert Swagger 2.0
# specs; installed with the kit when npm is there (the generators name what to run otherwise).
GEN_JS_STAMP := generators/node/node_modules/.stamp
$(GEN_JS_STAMP): generators/node/package.json generators/node/package-lock.json
	npm ci --no-audit --no-fund --prefix generators/node
	@touch $@

install: $(STAMP) $(if $(shell command -v npm),$(GEN_JS_STAMP))

mock: $(STAMP)
	$(BIN)/python -m mockserver --host $(HOST) --port $(PORT) $(if $(SEED),--seed $(SEED)) $(if $(USERS),--users $(USERS)) $(if $(FAULTS),--faults $(FAULTS)) $(MOCK_ARGS)

# The official JS client (@c8y/client, pinned in tests/js) for tests/integration/test_official_js_client.py.
JS_STAMP := tests/js/node_modules/.stamp
$(JS_STAMP): tests/js/package.json tests/js/package-lock.json
	npm ci --no-audit --no-fund --prefix tests/js
	@touch $@

# Two workers (TEST_JOBS, pytest-xdist): every test picks its own ports and temporary directories.
TEST_JOBS ?= 2
TEST_RUN = HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(BIN)/python -m pytest -m "not slow" -n $(TEST_JOBS)
test: $(STAMP) $(JS_STAMP) $(GEN_JS_STAMP)
	$(TEST_RUN)

# The same tests with branch coverage of the three packages (in-process code; the servers the
# tests start as subprocesses are not measured, see ARCHITECTURE.md). Not part of `make test`:
# coverage's tracer makes the run about 35% longer (895 s against 656 s here).
coverage: $(STAMP) $(JS_STAMP) $(GEN_JS_STAMP)
	$(TEST_RUN) --cov --cov-report=term

# Every broken-mock variant of tests/generators/test_mutations.py (5 specs x 6 kinds; make test runs 6).
mutations: $(STAMP) $(GEN_JS_STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest tests/generators/test_mutations.py -m "slow or not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check mockserver contracts generators
	$(BIN)/mypy

contracts: $(STAMP)
	@test -n "$(BASE_URL)" || { echo "usage: make contracts BASE_URL=http://host:port [API=all] [PROFILE=ci]"; exit 2; }
	$(BIN)/python -m contracts run --base-url $(BASE_URL) --api $(API) --profile $(PROFILE) $(CONTRACT_ARGS)

# The ci profile against the mock with ten seeds (`make test` runs seed 0, and seed 4 over foreign data); about 2 min each.
contracts-seeds: $(STAMP)
	CONTRACT_SEEDS=0,1,2,3,4,5,6,7,8,9 $(BIN)/python -m pytest tests/contracts/test_contracts_cli.py -k finds_the_mock_conformant -p no:randomly

# Every broken inventory-query and identity variant (make test runs one per rule family).
inventory-variants: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest tests/contracts/test_contracts_inventory_variants.py -m "slow or not slow" -p no:randomly

# The harness against a mock holding foreign data: every profile with 5 seeds (long; not in `make test`).
# SAFETY_PROFILE=thorough (or quick, ci) runs that profile's 5 seeds only.
SAFETY_PROFILE ?=
safety: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest tests/contracts/test_contracts_safety.py -m slow -p no:randomly $(if $(SAFETY_PROFILE),-k '$(SAFETY_PROFILE)-')

# The broken harness variants marked slow (tests/contracts/harness_variants_schema.py, and those
# written from the specs alone, tests/contracts/harness_variants_unseen.py), beside those `make test` runs.
variants: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest tests/contracts/test_contracts_variants.py tests/contracts/test_contracts_unseen_variants.py -m slow -p no:randomly

# The longest event-loop step of each large request at the sizes the APIs admit (tests/integration/test_loop_steps.py, ~1 min).
stall: $(STAMP)
	$(BIN)/python -m pytest tests/integration/test_loop_steps.py tests/integration/test_dtm_stall.py -m "slow or not slow" -n 0 -s -p no:randomly

bench: $(STAMP)
	$(BIN)/python -m bench

# Every corpus spec (tests/data/corpus) generated, served by its own `make mock`, checked by its
# own `make test` and plain `st run`; scoreboard and failures in build/corpus/. A gate: exit 1 on
# a failing stage the manifest's known_failures does not list, or on any server error in st run.
corpus: $(STAMP) $(GEN_JS_STAMP)
	$(BIN)/python -m bench.corpus run --jobs $(CORPUS_JOBS) $(if $(CORPUS_ONLY),--only $(CORPUS_ONLY))

generate: $(STAMP)
	$(BIN)/python -m generators regenerate

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis reports
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
