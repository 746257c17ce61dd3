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

.PHONY: install test simulate rules bench lint clean

# Browser tests drive Debian's chromium through Playwright; install it once when missing (we are root).
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest -q -n $(N)

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
	rm -rf $(VENV) build *.egg-info
