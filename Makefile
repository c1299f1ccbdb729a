# Alera: `make run` serves the demo locally; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# `make run PORT=8101` serves there; settings derive SITE_URL (every emailed and returned
# link) from PORT unless SITE_URL itself is set.
export PORT ?= 8000

.PHONY: install run test lint format migrate seed worker clean bench fuzz audit mutate mutate-recheck

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A alera worker --beat --loglevel=INFO

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

fuzz: install
	bash bench/fuzz.sh

# Known vulnerabilities in the requirements (pip-audit; AUDIT_STRICT=1: no answer is a failure).
audit: install
	bash .ci/audit

# Mutation testing of the money and seat core (docs/testing.md): mutmut 3 on SQLite and local
# memory (no shared Redis: its tests clear their cache), one
# child process, results cached in mutants/. Slow, so never part of `make test`.
MUTMUT := env -u DATABASE_URL REDIS_URL= nice -n 5 $(VENV)/bin/mutmut run --max-children 1

mutate: install
	-$(MUTMUT)
	$(PY) tools/mutation_score.py

# After adding tests: re-check only the mutants that survived (killed ones stay killed).
mutate-recheck: install
	-$(MUTMUT) $$($(PY) tools/mutation_score.py --names)
	$(PY) tools/mutation_score.py
