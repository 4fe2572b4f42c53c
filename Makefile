# Two entry points for a fresh machine (README.md): `make run` and `make test`.
# Both create the virtual environment at .venv from the pinned requirements.lock.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test install system-packages lint

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py compute_results
	@echo "打开 http://127.0.0.1:8000 登录（账号见上）"
	$(PY) manage.py runserver 127.0.0.1:8000

system-packages:
	bash scripts/system-packages

test: install system-packages
	$(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
