# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/15

CHROMIUM ?= /usr/bin/chromium
PORT ?= 8000

.PHONY: install lock run test test-postgres test-browser lint messages bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Installs exactly what the locks say, every file checked against its hash (docs/DEVELOPMENT.md). pip and
# setuptools are upgraded first, unpinned: they are the installer, and the locks leave them out.
$(VENV)/.installed: $(BIN)/activate requirements.lock requirements-dev.lock
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

# Rewrites the locks from requirements.txt (production: requirements.lock) and requirements-dev.txt
# (development, production included: requirements-dev.lock), for Python 3.11 on Linux x86_64, with the
# hashes of every file PyPI serves for each version. uv reads its default index, PyPI, alone: no uv
# configuration file or index variable, and pip's settings (local mirrors, find-links) are not uv's. Pins
# already in a lock are kept unless a requirement changed; the dev lock keeps the production lock's
# versions. LOCK_ARGS="--upgrade-package NAME" (or "--upgrade") moves them on.
LOCK_COMPILE = env -u UV_INDEX -u UV_INDEX_URL -u UV_DEFAULT_INDEX -u UV_EXTRA_INDEX_URL -u UV_FIND_LINKS \
	$(BIN)/uv pip compile --quiet --no-config --python-version 3.11 \
	--python-platform x86_64-manylinux_2_28 --generate-hashes --no-emit-package pip \
	--no-emit-package setuptools --custom-compile-command "make lock" $(LOCK_ARGS)

# $(call relock,REQUIREMENTS,LOCK[,OPTIONS]): compiles into a copy of LOCK (whose pins uv keeps) and
# replaces LOCK only when its text changed, so that an unchanged lock does not trigger a reinstall.
define relock
	@cp $(2) $(2).new 2>/dev/null || true
	$(LOCK_COMPILE) $(3) --output-file $(2).new $(1) || { rm -f $(2).new; exit 1; }
	@if cmp -s $(2).new $(2); then rm $(2).new; else mv $(2).new $(2); echo "$(2) updated"; fi
endef

lock: install
	$(call relock,requirements.txt,requirements.lock)
	$(call relock,requirements-dev.txt,requirements-dev.lock,--constraint requirements.lock)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ensure_demo_data
	$(BIN)/python manage.py db_worker --reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The browser tests drive Debian's Chromium ($(CHROMIUM)) against a live server, in a run of their own
# (the live server empties the database after each test). Where Chromium is missing they are left out
# with a notice; `make test-browser` fails instead.
test: install
	env -u DATABASE_URL $(BIN)/pytest -n 2 -m "not browser and not postgres and not redis and not root"
	@if [ -x $(CHROMIUM) ]; then env -u DATABASE_URL $(BIN)/pytest -m "browser and not root"; \
	else echo "Chromium not found at $(CHROMIUM): browser tests left out (apt-get install chromium)"; fi

test-postgres: install
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n 2 -m "not browser and not fuzz and not postgres and not redis and not root"
	DATABASE_URL=$(POSTGRES_URL) REDIS_URL=$(REDIS_URL) $(BIN)/pytest -m "(postgres or redis or root) and not browser"
	@if [ -x $(CHROMIUM) ]; then env -u DATABASE_URL $(BIN)/pytest -m "browser and root"; \
	else echo "Chromium not found at $(CHROMIUM): the browser test on a full disk left out"; fi

test-browser: install
	test -x $(CHROMIUM)
	env -u DATABASE_URL $(BIN)/pytest -m "browser and not root"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	$(BIN)/python manage.py makemessages --locale fr --locale en --locale pt --no-obsolete --no-location --ignore ".venv/*" --ignore "tests/*"
	$(BIN)/python manage.py compilemessages --ignore ".venv"

# Benchmarks (docs/PERFORMANCE.md): 10k, 100k and 1M cases and visits on SQLite and PostgreSQL, in bench
# databases of their own; generating 1M rows takes tens of minutes per database (kept for later runs).
# Narrow it with BENCH_ARGS, e.g. make bench BENCH_ARGS="--sizes 10000,100000 --databases sqlite".
bench: install
	$(BIN)/python manage.py bench $(BENCH_ARGS)

# Spreadsheet imports (docs/IMPORTS.md): 10,000 lines of enterprises, past cases and past visits, each checked
# then imported on a fresh database: SQLite in a temporary file, or the PostgreSQL of DATABASE_URL (dropped
# and made again). Prints the figures. BENCH_IMPORTS_ARGS="--lines 2000" for a quicker run.
.PHONY: bench-imports
bench-imports: install
	$(BIN)/python -m hub.devtools.bench_imports $(BENCH_IMPORTS_ARGS)
