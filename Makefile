# Two commands do all the set-up on a fresh machine (`make lint` runs the checks):
#   make demo  - build the virtualenv, ingest the bundled sample editions, print a KPI comparison
#   make test  - build the virtualenv with dev extras, install Tesseract for OCR (apt, when
#                missing) and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB := demo/nenpo.duckdb

.PHONY: demo test lint lint-types bench samples clean ocr

# Tesseract and its Japanese models (Debian packages) read scanned pages. Installed with
# apt-get when missing (as root, or with sudo); skipped when `tesseract --list-langs`
# already lists jpn and jpn_vert.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

ocr:
	@if tesseract --list-langs 2>/dev/null | grep -qx jpn && tesseract --list-langs 2>/dev/null | grep -qx jpn_vert; then \
		echo "tesseract with jpn and jpn_vert: present"; \
	else \
		($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(OCR_PACKAGES) >/dev/null) \
			|| echo "Tesseract not installed: the OCR tests skip here and fail under CI"; \
	fi

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

test: $(VENV)/.installed-dev ocr
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python -m pytest

# The checks CI runs before the tests (configured in pyproject.toml). mypy reads the packages as
# nenpo.<package>: the editable install maps them with an import hook mypy cannot follow, so a tree
# of links under build/typecheck/nenpo names each package's folder.
TYPECHECK := build/typecheck
PACKAGES := core sources extractors pipeline warehouse samples

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) lint-types

lint-types: $(VENV)/.installed-dev
	@mkdir -p $(TYPECHECK)/nenpo
	@for p in $(PACKAGES); do ln -sfn ../../../$$p $(TYPECHECK)/nenpo/$$p; done
	MYPYPATH=$(TYPECHECK) $(BIN)/mypy $(addprefix -p nenpo.,$(PACKAGES))

bench: $(VENV)/.installed-dev ocr
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_catalogue.py
	$(BIN)/python benchmarks/bench_ocr.py
	$(BIN)/python benchmarks/bench_budget.py

# The mincho layout is set in IPAex Mincho, from Debian's fonts-ipaexfont-mincho.
MINCHO_FONT := /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf

$(MINCHO_FONT):
	apt-get install -y -qq fonts-ipaexfont-mincho || (apt-get update -qq && apt-get install -y -qq fonts-ipaexfont-mincho)

samples: $(VENV)/.installed-dev $(MINCHO_FONT)
	$(BIN)/python -m nenpo.samples.generate samples/editions
	$(BIN)/python -m nenpo.samples.layouts.editions samples

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache build
