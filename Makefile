# Two commands do all the set-up on a fresh machine:
#   make demo  - build the virtualenv, ingest the bundled sample editions, print a KPI comparison
#   make test  - build the virtualenv with dev extras and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB := demo/nenpo.duckdb

.PHONY: demo test bench samples clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@mkdir -p demo
	$(BIN)/nenpo ingest samples/editions --db $(DEMO_DB)
	$(BIN)/nenpo compare --db $(DEMO_DB)

test: $(VENV)/.installed-dev
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python -m pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_catalogue.py

# The mincho layout is set in IPAex Mincho, from Debian's fonts-ipaexfont-mincho.
MINCHO_FONT := /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf

$(MINCHO_FONT):
	apt-get install -y -qq fonts-ipaexfont-mincho || (apt-get update -qq && apt-get install -y -qq fonts-ipaexfont-mincho)

samples: $(VENV)/.installed-dev $(MINCHO_FONT)
	$(BIN)/python -m nenpo.samples.generate samples/editions
	$(BIN)/python -m nenpo.samples.layouts.editions samples

clean:
	rm -rf $(VENV) demo .pytest_cache
