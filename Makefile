# Two commands: `make demo` and `make test`. Both create .venv and install from the lock file.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO := demo

.PHONY: demo test install lint lock benchmarks clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -rf $(DEMO)
	$(BIN)/optout sample $(DEMO)/export --accounts 300 --seed 7
	$(BIN)/optout export check $(DEMO)/export
	OPTOUT_DATABASE_URL=sqlite:///$(DEMO)/registry.db $(BIN)/optout notices import $(DEMO)/export/notices.jsonl
	OPTOUT_DATABASE_URL=sqlite:///$(DEMO)/registry.db $(BIN)/optout objections import $(DEMO)/export/objections.jsonl
	OPTOUT_DATABASE_URL=sqlite:///$(DEMO)/registry.db $(BIN)/optout objections list
	OPTOUT_DATABASE_URL=sqlite:///$(DEMO)/registry.db $(BIN)/optout audit verify

test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

# Re-pin every dependency after changing pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet '.[dev]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^optout' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .ruff_cache
