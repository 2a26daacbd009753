# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/15

CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test test-postgres test-browser lint messages bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ensure_demo_data
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The browser tests drive Debian's Chromium ($(CHROMIUM)) against a live server, in a run of their own
# (the live server empties the database after each test). Where Chromium is missing they are left out
# with a notice; `make test-browser` fails instead.
test: install
	env -u DATABASE_URL $(BIN)/pytest -n 2 -m "not browser and not postgres and not redis"
	@if [ -x $(CHROMIUM) ]; then env -u DATABASE_URL $(BIN)/pytest -m browser; \
	else echo "Chromium not found at $(CHROMIUM): browser tests left out (apt-get install chromium)"; fi

test-postgres: install
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n 2 -m "not browser and not fuzz and not postgres and not redis"
	DATABASE_URL=$(POSTGRES_URL) REDIS_URL=$(REDIS_URL) $(BIN)/pytest -m "postgres or redis"

test-browser: install
	test -x $(CHROMIUM)
	env -u DATABASE_URL $(BIN)/pytest -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	$(BIN)/python manage.py makemessages --locale fr --locale en --no-obsolete --no-location --ignore ".venv/*" --ignore "tests/*"
	$(BIN)/python manage.py compilemessages --ignore ".venv"

# Benchmarks (docs/PERFORMANCE.md): 10k, 100k and 1M cases and visits on SQLite and PostgreSQL, in bench
# databases of their own; generating 1M rows takes tens of minutes per database (kept for later runs).
# Narrow it with BENCH_ARGS, e.g. make bench BENCH_ARGS="--sizes 10000,100000 --databases sqlite".
bench: install
	$(BIN)/python manage.py bench $(BENCH_ARGS)
