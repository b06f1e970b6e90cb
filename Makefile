# Two commands on a fresh machine with Python 3.11+:
#   make run   install and open the app on a demo vault of fictional cases
#   make test  install the test tools and run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench screenshots clean

$(BIN)/rjfacil: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/rjfacil
	$(BIN)/rjfacil demo

test: $(BIN)/rjfacil
	$(BIN)/ruff check rjfacil screens tests bench
	$(BIN)/ruff format --check rjfacil screens tests bench
	$(BIN)/lint-imports
	@# mypy runs beside the tests (seven seconds on one core from a fresh clone) and
	@# prints when they end; either failing fails the target. The tests keep their
	@# bytecode even where PYTHONDONTWRITEBYTECODE is set: without it every run compiled
	@# rjfacil and rewrote every test module again in each of the five pytest processes
	@# (2.5 s each) and in every process a test starts.
	@$(BIN)/mypy > $(VENV)/mypy.log 2>&1 & typing=$$!; \
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n 4 --dist worksteal; tests=$$?; \
	wait $$typing; typed=$$?; echo "mypy: $$(cat $(VENV)/mypy.log)"; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

bench: $(BIN)/rjfacil
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

# The README's pictures, from the snapshot tests' SVGs (run those tests first after a change).
screenshots: $(BIN)/rjfacil
	$(BIN)/python docs/screenshots/make_screenshots.py

clean:
	rm -rf $(VENV) build dist *.egg-info
