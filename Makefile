# One .venv holds the project and its test extras; every target installs it when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOPOLOGY ?= one-to-one
PORT ?= 8443
N ?= auto

CHROMIUM := /usr/bin/chromium

.PHONY: install test simulate bench lint clean

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

simulate: $(STAMP)
	$(BIN)/alcsim serve salesforce --port $(PORT)

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check simulators connector tests bench
	$(BIN)/ruff format --check simulators connector tests bench

clean:
	rm -rf $(VENV) build *.egg-info
