# The two commands of the README: `make demo` and `make test`.
VENV := .venv/bin
SAMPLE := tests/corpus/shared/pdf/huaian_2024.pdf

.PHONY: setup demo test test-fast lint schema bench

setup:
	bash scripts/setup.sh

demo: setup
	$(VENV)/gongkai extract $(SAMPLE)

test: setup
	$(VENV)/python -m pytest -m "slow or not slow" -q

test-fast:
	$(VENV)/python -m pytest -q

lint:
	$(VENV)/ruff check .

schema:
	$(VENV)/gongkai schema > schemas/report.schema.json

bench:
	$(VENV)/python benchmarks/bench_extract.py
