# Two commands on a fresh machine with Python 3.11+:  `make app`  and  `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: app test lint schema bench mutate mutate-sample clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,parquet]'
	# Optional extras whose tests skip without them: each installed when the index has it.
	for extra in spacy hf korean train dask; do \
	  $(BIN)/python -m pip install --quiet -e ".[$$extra]" || echo "note: extra $$extra not installed; its tests will skip"; \
	done
	touch $(STAMP)

app: $(STAMP)
	$(BIN)/annotator open corpora/demo

test: $(STAMP)
	$(BIN)/ruff check annotator tests
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

schema: $(STAMP)
	$(BIN)/annotator schema

bench: $(STAMP)
	for b in tests/bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; done

# Mutation testing of the core (slow: not part of `make test`); scope and options in setup.cfg.
mutate: $(STAMP)
	rm -rf mutants
	QT_QPA_PLATFORM=offscreen $(BIN)/mutmut run --max-children 2 || true
	$(BIN)/python tools/mutation_score.py

# A seeded random sample of the core's mutants: an estimate of the score with its 95% interval.
SAMPLE ?= 500
SEED ?= 1
mutate-sample: $(STAMP)
	$(BIN)/python tools/mutation_sample.py --size $(SAMPLE) --seed $(SEED) --max-children 2

clean:
	rm -rf $(VENV) build *.egg-info mutants
