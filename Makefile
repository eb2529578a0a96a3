# greenmarket: two entry points, `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run serve test quicktest browser lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## Run the default scenario; results land in results/quickstart/
run: $(STAMP)
	$(BIN)/greenmarket run configs/quickstart.yaml --out results/quickstart

## Debian's chromium for the browser tests (never a downloaded browser build), and a CJK font
## so screenshots of the Chinese pages show their text
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei; \
	fi

## Watch runs live in the browser: http://127.0.0.1:8000
serve: $(STAMP)
	$(BIN)/greenmarket serve

## Full test suite: lint, types, import contracts, every test (browser tests included)
test: $(STAMP) browser
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
