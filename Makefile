# EBW Leeromgeving. `make run` serves the platform with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench lint media check-content translations clean ralph

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[test]'
	touch $(TEST_STAMP)

instance/secret_key:
	mkdir -p instance
	$(PY) -c "import secrets; print(secrets.token_hex(32))" > instance/secret_key

run: $(STAMP) instance/secret_key
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) db upgrade
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) ebw demo || echo "Demo-gegevens niet geladen: zie de melding hierboven."
	SECRET_KEY=$$(cat instance/secret_key) SESSION_COOKIE_SECURE=0 $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Ralph, the xAPI LRS the tests send statements to, in its own virtualenv (its dependencies must not meet ours).
RALPH_STAMP := .venv-ralph/.installed
$(RALPH_STAMP):
	test -x .venv-ralph/bin/python || $(PYTHON) -m venv .venv-ralph
	.venv-ralph/bin/python -m pip install -q 'ralph-malph[lrs,cli]==5.1.0' requests
	touch $(RALPH_STAMP)

ralph: $(RALPH_STAMP)

test: $(TEST_STAMP)
	$(FLASK) ebw check-content
	$(FLASK) ebw check-guessing
	$(VENV)/bin/bandit -c pyproject.toml -q -r ebw_training --severity-level medium
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	$(PY) -m bench

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .

check-content: $(STAMP)
	$(FLASK) ebw check-content
	$(FLASK) ebw check-guessing

media: $(STAMP)
	$(PY) -m pip install -q -e '.[media]'
	$(PY) media/src/build_intro.py

translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o ebw_training/translations/messages.pot .
	$(VENV)/bin/pybabel update -i ebw_training/translations/messages.pot -d ebw_training/translations
	$(VENV)/bin/pybabel compile -d ebw_training/translations

clean:
	rm -rf $(VENV) instance/*.sqlite*
