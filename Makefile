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

# Served as production serves it: gunicorn, DEBUG off, static files through WhiteNoise, a secret
# key generated into var/. `make run PORT=8123` picks the port; DEBUG=true for development.
# compute_results reports the computation's outcome; a failed one (the `-`) does not stop the site.
HOST ?= 127.0.0.1
PORT ?= 8000

run: install
	$(PY) manage.py check
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py seed_demo --if-empty
	-$(PY) manage.py compute_results
	@echo "打开 http://$(HOST):$(PORT) 登录（账号见上）"
	$(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 \
		--timeout 120 --access-logfile -

system-packages:
	bash scripts/system-packages

test: install system-packages
	$(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
