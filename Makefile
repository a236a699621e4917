# The two commands of the README: `make run` and `make test`. Everything else they need is here.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.stamp-install
PORT    ?= 5000
PG_URL  ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
MO      := webapp/translations/zh/LC_MESSAGES/messages.mo
# Browser assets: npm ci into node_modules/ when the lock changes, then copy bpmn-js's ready
# bundles into the git-ignored static folder (the CSS expects bpmn-font/css and bpmn-font/font).
NPM_STAMP    := node_modules/.stamp-npm-ci
BPMN_DIST    := node_modules/bpmn-js/dist
VENDOR       := webapp/static/vendor/bpmn-js
VENDOR_STAMP := webapp/static/vendor/.stamp-bpmn-js
# The diagram editor (bpmn-js + properties panel + the Homecoming group), bundled by esbuild.
MODELER_SRC  := $(wildcard webapp/static/modeler/*.js)
MODELER      := webapp/static/vendor/modeler
MODELER_STAMP := webapp/static/vendor/.stamp-modeler
# The API's browsable page (/api/v1/docs): Swagger UI's ready bundle.
SWAGGER      := webapp/static/vendor/swagger-ui
SWAGGER_STAMP := webapp/static/vendor/.stamp-swagger-ui
# The evaluation pages' charts: Apache ECharts' ready bundle.
ECHARTS      := webapp/static/vendor/echarts
ECHARTS_STAMP := webapp/static/vendor/.stamp-echarts
# The accessibility scan of the browser tests: axe-core, injected by Playwright (never served).
AXE          := webapp/static/vendor/axe-core
AXE_STAMP    := webapp/static/vendor/.stamp-axe-core
# DEMO ONLY, published here: `make run`'s data are readable by anyone with this repository.
# Production sets its own HOMECOMING_DATA_KEY or HOMECOMING_DATA_KEY_FILE (see the README).
DEMO_DATA_KEY := ZGVtby1vbmx5LWtleS1wdWJsaXNoZWQtbm90LXNlY3I=
# DEMO ONLY too: the hand-over signing key of `make run`'s province (docs/exchange.md).
DEMO_SIGNING_KEY := XwPtq5krEwt68wDdyXRMiJ1W7XDguHr/6vehnQnjfP8=
# Real-browser tests use Debian's Chromium (Playwright never downloads a browser here).
CHROMIUM     := /usr/bin/chromium

.PHONY: run prod test install lint check-diagrams vendor browser

install: $(STAMP) $(MO) vendor

$(STAMP): setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

vendor: $(VENDOR_STAMP) $(MODELER_STAMP) $(SWAGGER_STAMP) $(ECHARTS_STAMP) $(AXE_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(VENDOR_STAMP): $(NPM_STAMP)
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)
	cp $(BPMN_DIST)/bpmn-navigated-viewer.production.min.js \
	   $(BPMN_DIST)/bpmn-modeler.production.min.js \
	   $(BPMN_DIST)/assets/diagram-js.css \
	   $(BPMN_DIST)/assets/bpmn-js.css $(VENDOR)/
	cp -R $(BPMN_DIST)/assets/bpmn-font $(VENDOR)/
	cp node_modules/camunda-bpmn-moddle/resources/camunda.json $(VENDOR)/camunda-moddle.json
	touch $@

$(MODELER_STAMP): $(NPM_STAMP) $(MODELER_SRC)
	rm -rf $(MODELER)
	node_modules/.bin/esbuild webapp/static/modeler/modeler.js --bundle --minify --log-level=warning \
		--outfile=$(MODELER)/modeler.bundle.js
	cp node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css $(MODELER)/
	touch $@

$(SWAGGER_STAMP): $(NPM_STAMP)
	rm -rf $(SWAGGER)
	mkdir -p $(SWAGGER)
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
	   $(SWAGGER)/
	touch $@

$(ECHARTS_STAMP): $(NPM_STAMP)
	rm -rf $(ECHARTS)
	mkdir -p $(ECHARTS)
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE $(ECHARTS)/
	touch $@

$(AXE_STAMP): $(NPM_STAMP)
	rm -rf $(AXE)
	mkdir -p $(AXE)
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE $(AXE)/
	touch $@

browser: $(CHROMIUM)

$(CHROMIUM):
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		chromium fonts-liberation fonts-noto-cjk

$(MO): webapp/translations/zh/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d webapp/translations

run: export HOMECOMING_DATA_KEY ?= $(DEMO_DATA_KEY)
run: export HOMECOMING_SIGNING_KEY ?= $(DEMO_SIGNING_KEY)
run: install
	$(PY) -m flask --app webapp demo seed
	$(PY) -m flask --app webapp timers run & \
	$(PY) -m flask --app webapp run --host 127.0.0.1 --port $(PORT)

# Production: gunicorn (WORKERS) plus a timer worker on DATABASE_URL (PostgreSQL); refuses to
# start without SECRET_KEY and HOMECOMING_DATA_KEY.
WORKERS ?= 4
BIND    ?= 127.0.0.1:8000
prod: install
	HOMECOMING_ENV=production $(PY) -m flask --app webapp prod serve --workers $(WORKERS) --bind $(BIND)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	node_modules/.bin/eslint webapp/static/

check-diagrams: install
	DATABASE_URL=sqlite:// HOMECOMING_DATA_KEY=$(DEMO_DATA_KEY) $(PY) -m flask --app webapp workflows check

# The suite runs on SQLite and on PostgreSQL at the same time (most tests wait on a server, a
# worker or a browser, so two runs share the cores well); PostgreSQL's output follows SQLite's.
TEST_TMP := $(CURDIR)/.test-runs
test: lint check-diagrams browser
	@rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	@if $(PY) -m webapp.pgcheck "$(PG_URL)"; then \
		echo "== the suite on SQLite, and on PostgreSQL at the same time (its output below) =="; \
		TEST_DATABASE_URL="$(PG_URL)" $(PY) -m pytest -q -p no:cacheprovider \
			--basetemp=$(TEST_TMP)/postgresql > $(TEST_TMP)/postgresql.log 2>&1 & postgresql=$$!; \
		$(PY) -m pytest -q --basetemp=$(TEST_TMP)/sqlite; sqlite=$$?; \
		wait $$postgresql; pg=$$?; \
		echo "== the suite on PostgreSQL =="; cat $(TEST_TMP)/postgresql.log; \
		exit $$(( sqlite || pg )); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at 127.0.0.1:5432 is not reachable, and CI must test it"; exit 1; \
	else \
		echo "PostgreSQL not reachable: skipped the PostgreSQL run"; \
		$(PY) -m pytest -q --basetemp=$(TEST_TMP)/sqlite; \
	fi
