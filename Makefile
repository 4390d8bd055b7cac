# Two commands on a fresh machine: `make run` and `make test`.
# Both create the virtual environment on first use; llama-cpp-python
# compiles from source the first time (several minutes on two cores).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/draftsmith

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

bench: $(TEST_STAMP)
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/bible.py --details
	$(BIN)/python bench/prose.py
	$(BIN)/python bench/continuation.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/drafting.py
	$(BIN)/python bench/planning.py
	$(BIN)/python bench/style.py
	$(BIN)/python bench/responsiveness.py
	$(BIN)/python bench/kill_trials.py
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest -q tests/test_fuzz_text.py

clean:
	rm -rf $(VENV) build *.egg-info
