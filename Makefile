# biopark — `make run` serves the demo park, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/biopark/web/static/vendor
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export BIOPARK_VAR_DIR ?= $(CURDIR)/var

.PHONY: setup assets run test lint typecheck migrations-check pytest-sqlite pytest-pg browser-deps report-deps bench clean pip-install-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip sync -q --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.stamp: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js node_modules/axe-core/axe.min.js $(VENDOR)/
	touch $@

assets: $(VENDOR)/.stamp

setup: $(STAMP) assets

run: setup report-deps
	$(BIN)/biopark db upgrade
	$(BIN)/biopark demo load
	$(BIN)/biopark serve

lint: setup
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src tests bench migrations

typecheck: setup
	$(BIN)/mypy

# Migrations are the only schema source: upgrade a fresh database, then compare with the models.
migrations-check: setup
	rm -f $(BIOPARK_VAR_DIR)/alembic-check.db
	mkdir -p $(BIOPARK_VAR_DIR)
	BIOPARK_DATABASE_URL=sqlite:///$(BIOPARK_VAR_DIR)/alembic-check.db $(BIN)/alembic upgrade head
	BIOPARK_DATABASE_URL=sqlite:///$(BIOPARK_VAR_DIR)/alembic-check.db $(BIN)/alembic check
	rm -f $(BIOPARK_VAR_DIR)/alembic-check.db

browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	      || echo "chromium could not be installed; browser tests will be skipped"; \
	  else echo "chromium missing (install Debian's chromium as root); browser tests will be skipped"; fi; \
	fi

# The monthly report: Pango for WeasyPrint's PDF, Noto CJK for the charts, poppler-utils
# (pdftoppm, pdfinfo) for the tests that look at the rendered pages.
report-deps:
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || [ ! -d /usr/share/fonts/opentype/noto ] || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils >/dev/null) \
	      || echo "report libraries could not be installed; PDF report tests will be skipped"; \
	  else echo "pango, fonts-noto-cjk or poppler-utils missing (install them as root); PDF report tests will be skipped"; fi; \
	fi

pytest-sqlite: setup browser-deps report-deps
	$(BIN)/pytest -n 2 --durations=15

pytest-pg: setup report-deps
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(subst +psycopg,,$(PG_URL))', connect_timeout=3).close()" 2>/dev/null; then \
	  BIOPARK_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -m "not browser" --durations=15; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL not reachable at $(PG_URL)"; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): PostgreSQL pass skipped"; fi

# A plain `pip install .` (no lock) in a fresh virtualenv must give a working biopark:
# it catches imports that only the lock happens to satisfy (lxml_html_clean).
PIP_CHECK_VENV := $(BIOPARK_VAR_DIR)/pip-install-check
pip-install-check:
	rm -rf $(PIP_CHECK_VENV) build
	$(PYTHON) -m venv $(PIP_CHECK_VENV)
	$(PIP_CHECK_VENV)/bin/pip install -q --disable-pip-version-check .
	echo '<html><body><p>2026年3月，重庆某生物公司签约落户园区，投资5亿元。</p></body></html>' > $(PIP_CHECK_VENV)/a.html
	cd $(PIP_CHECK_VENV) && bin/biopark extract a.html | grep -q '"metrics"'
	rm -rf $(PIP_CHECK_VENV) build

test: lint typecheck migrations-check pytest-sqlite pytest-pg pip-install-check

bench: setup
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
