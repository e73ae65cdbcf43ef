# Fazhi: `make demo` serves a demo county on http://127.0.0.1:8000; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install system-packages serve clean bench

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "需要 Python 3.11 或更高版本（Fazhi needs Python 3.11+）"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/fazhi migrate --noinput
	$(BIN)/fazhi load_demo
	$(BIN)/fazhi collectstatic --noinput --verbosity 0
	@echo "Fazhi 演示环境：http://$(HOST):$(PORT)/  （Ctrl-C 停止）"
	$(BIN)/fazhi runserver $(HOST):$(PORT)

system-packages:
	@bash scripts/system-packages.sh

test: $(INSTALLED) system-packages
	@bash scripts/run-tests.sh

# Province scale on PostgreSQL (bench/README.md): generate 1M entities and 500k cases, then each benchmark prints its figures.
bench: $(INSTALLED)
	$(BIN)/python bench/province.py
	-$(BIN)/python bench/bench_entity_list.py
	-$(BIN)/python bench/bench_import.py
	-$(BIN)/python bench/bench_export.py
	-$(BIN)/python bench/bench_draw.py
	-$(BIN)/python bench/bench_merge.py
	-$(BIN)/python bench/bench_inspection_list.py
	-$(BIN)/python bench/bench_case_list.py
	-$(BIN)/python bench/bench_case_page.py
	-$(BIN)/python bench/bench_case_docx.py
	-$(BIN)/python bench/bench_dashboard.py
	-$(BIN)/python bench/bench_case_review.py
	-$(BIN)/python bench/bench_warning_scan.py
	-$(BIN)/python bench/eval_risk.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts
