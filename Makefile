# greenmarket: two entry points, `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test quicktest lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## Run the default scenario; results land in results/quickstart/
run: $(STAMP)
	$(BIN)/greenmarket run configs/quickstart.yaml --out results/quickstart

## Full test suite: lint, types, import contracts, every test
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

## Fast subset while developing
quicktest: $(STAMP)
	$(BIN)/pytest -q -m "not slow" -x

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) results .pytest_cache .mypy_cache .ruff_cache
