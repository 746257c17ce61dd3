# One .venv holds the project and its test extras; every target installs it when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOPOLOGY ?= one-to-one
PORT ?= 8443
N ?= auto

.PHONY: install test simulate bench lint clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
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
