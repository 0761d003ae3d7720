# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Local development: allows the throwaway secret key and local host names.
# Production never goes through this Makefile (see docs/operations.md, "Production").
export DJANGO_DEBUG ?= 1
PORT ?= 8000

.PHONY: run test test-registers test-articles bench bench-captures bench-release setup lint format browser bench-tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Local settings for every manage.py command typed in any shell: settings.py reads .env
# (real environment variables win). Written once, never overwritten; git-ignored, owner-only.
.env:
	@echo "Writing .env (DJANGO_DEBUG=1 and a random DJANGO_SECRET_KEY) for local use"
	@umask 077 && $(PYTHON) -c 'import secrets; print("# Local development settings, read by tracker/settings.py; real environment variables win.\nDJANGO_DEBUG=1\nDJANGO_SECRET_KEY=" + secrets.token_urlsafe(50))' > $@

setup: $(VENV)/.runtime .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin --port $(PORT)

# The web server and a background worker (imports and other long work run there); one Ctrl-C stops both.
run: setup
	@echo "Serving http://127.0.0.1:$(PORT)/ with a background worker (Ctrl-C stops both)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py run_jobs & worker=$$!; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Browser tests drive Debian's Chromium, and tests/test_proxy.py runs Debian's nginx with
# nginx.conf in front of gunicorn; install what this machine lacks.
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for the reverse-proxy tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx; }

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(VENV)/.dev .env browser lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# The whole real SIPRI register (../shared/data/, beside the project in CI; a fresh clone has none):
# every party resolved, every deal read, a re-import that changes nothing. Prints its numbers.
test-registers: $(VENV)/.dev .env
	$(BIN)/pytest -m registers -s

# The article reader (issue 22) against an analyst's ground truth: ../shared/articles/ where it exists
# (beside the project in CI; skipped, and said so, elsewhere) and our own tests/articles/. Prints recall,
# precision, types, systems and seconds per article; fails only on a zero goal (bench/articles.py).
test-articles: $(VENV)/.dev .env
	$(BIN)/python bench/articles.py $(ARTICLES_ARGS)

# Performance: databases of 100,000 and 1,000,000 synthetic requests on SQLite and
# PostgreSQL, served by gunicorn, measured against references. Takes about half
# an hour the first time (the databases are kept for the next run). See docs/performance.md.
bench-tools:
	@command -v wrk >/dev/null && command -v sqlite3 >/dev/null || { \
	  echo "Installing Debian's wrk and sqlite3 for the benchmark"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk sqlite3; }

bench: $(VENV)/.dev bench-tools
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A release of 100,000 synthetic requests: seconds and peak memory (issue 25's goal: under 100 MB); RELEASE_ARGS=--database-url=postgres://…
bench-release: $(VENV)/.dev
	$(BIN)/python bench/release.py $(RELEASE_ARGS)

# Peak memory of a worker capturing large responses (issue 21's goal: under 100 MB for a 100 MB response).
bench-captures: $(VENV)/.dev
	$(BIN)/python bench/captures.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles test-artifacts
