# The two commands of the quick start: `make run` and `make test`. Each bootstraps .venv from
# requirements.lock (exact versions) and installs xxgk into it in editable mode.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The web app on http://127.0.0.1:8000 over the embedded SQLite library. First start: the
# sample reports of examples/ are loaded and a generated admin password is printed, once.
run: $(STAMP)
	$(BIN)/xxgk serve

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/parse.py

# Re-resolve the locked versions from pyproject.toml (needs network).
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --disable-pip-version-check -e '.[dev,postgres,parquet,ocr]'
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^xxgk' > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV)
