# The two commands of the README: `make run` and `make test`. Everything else they need is here.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.stamp-install
PORT    ?= 5000
PG_URL  ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
MO      := webapp/translations/zh/LC_MESSAGES/messages.mo

.PHONY: run test install lint check-diagrams

install: $(STAMP) $(MO)

$(STAMP): setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

$(MO): webapp/translations/zh/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d webapp/translations

run: install
	$(PY) -m flask --app webapp demo seed
	$(PY) -m flask --app webapp timers run & \
	$(PY) -m flask --app webapp run --host 127.0.0.1 --port $(PORT)

lint: install
	$(PY) -m ruff check .

check-diagrams: install
	DATABASE_URL=sqlite:// $(PY) -m flask --app webapp workflows check

test: lint check-diagrams
	$(PY) -m pytest -q
	@if $(PY) -m webapp.pgcheck "$(PG_URL)"; then \
		echo "== the suite again on PostgreSQL =="; \
		TEST_DATABASE_URL="$(PG_URL)" $(PY) -m pytest -q; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at 127.0.0.1:5432 is not reachable, and CI must test it"; exit 1; \
	else \
		echo "PostgreSQL not reachable: skipped the PostgreSQL run"; \
	fi
