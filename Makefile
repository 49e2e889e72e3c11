# Loa: `make run` starts everything against the sandbox; `make test` runs the tests.
# Both work on a machine with nothing but python3 installed: they build .venv (and nlu/.venv) first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST_ARGS ?=

.PHONY: setup run test catalogs migrate nlu nlu-eval bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

catalogs: $(VENV)/.installed
	@for po in translations/*/LC_MESSAGES/*.po; do \
		[ -e "$$po" ] || continue; \
		$(VENV)/bin/pybabel compile -f -i $$po -o $${po%.po}.mo >/dev/null || exit 1; \
	done

extract-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k N_ -k gettext:2 -k ngettext:2,3 -o translations/messages.pot bot ivr nlu broadcasts core

nlu: $(VENV)/.installed
	bash nlu/install.sh
	bash nlu/train.sh

setup: $(VENV)/.installed catalogs nlu

migrate: setup
	$(PY) -m core.migrate

run: setup migrate
	$(PY) -m core.run

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

nlu-eval: setup
	bash nlu/evaluate.sh

clean:
	rm -rf $(VENV) var nlu/.venv nlu/models
