# One target per job; CI calls `make test` exactly as the README does.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_DIR ?= demo-output

.PHONY: demo test lint format docs system-packages

demo: system-packages $(INSTALLED)
	$(BIN)/qualityreport demo -o $(DEMO_DIR)

test: system-packages $(INSTALLED)
	$(BIN)/ruff check qualityreport tests bench examples
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check qualityreport tests bench examples
	$(BIN)/ruff format --check qualityreport tests bench examples

format: $(INSTALLED)
	$(BIN)/ruff format qualityreport tests bench examples

system-packages:
	@sh scripts/system-packages.sh

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(INSTALLED)

docs: $(INSTALLED)
	$(BIN)/python -c "from qualityreport.findings import catalogue_markdown; from qualityreport.spec import load_spec; open('docs/findings.md', 'w', encoding='utf-8').write(catalogue_markdown(load_spec().rules))"
