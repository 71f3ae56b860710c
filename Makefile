# Shortcuts for development; the README's Quick start uses scripts/ directly, so make is optional.
BIN := .venv/bin

.PHONY: demo test lint format docs setup

setup:
	sh scripts/setup.sh

demo:
	sh scripts/demo.sh

test:
	sh scripts/test.sh

lint: setup
	sh scripts/lint.sh

format: setup
	$(BIN)/ruff format qualityreport tests bench examples

docs: setup
	$(BIN)/python -c "from qualityreport.findings import catalogue_markdown; from qualityreport.spec import load_spec; open('docs/findings.md', 'w', encoding='utf-8').write(catalogue_markdown(load_spec().rules))"
	$(BIN)/python -c "from qualityreport.target_docs import targets_markdown; from qualityreport.targets import load_target_sets; open('docs/targets.md', 'w', encoding='utf-8').write(targets_markdown(load_target_sets()))"
