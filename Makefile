# Two commands: `make demo` and `make test`. Both create .venv and install from the lock file.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO := demo
DEMO_ENV := OPTOUT_DATABASE_URL=sqlite:///$(DEMO)/registry.db
DEMO_AS_OF := 2026-06-01T00:00:00Z

.PHONY: demo test install lint lock benchmarks clean

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

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .ruff_cache
