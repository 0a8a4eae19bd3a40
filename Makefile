# Two commands on a fresh machine:
#   make run   — venv, install, migrate SQLite, load the demo city, serve http://127.0.0.1:8000
#   make test  — venv, install, run the whole test suite (on SQLite, or on SAIKEN_DATABASE_URL)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The demo runs on the development settings (SAIKEN_DEBUG=1: a fixed secret key, plain HTTP,
# static files served by runserver) and asks nobody for a second factor (SAIKEN_OTP_ROLES
# empty), so the demo logins work without an authenticator app. README: "Trying the second factor".
DEMO_ENV := SAIKEN_DEBUG=1 SAIKEN_OTP_ROLES=

run: $(STAMP)
	$(DEMO_ENV) $(BIN)/saiken migrate --noinput
	$(DEMO_ENV) $(BIN)/saiken demo-city --scale S --seed 1 --if-empty
	@echo ""
	@echo "  saiken: http://127.0.0.1:8000/   ログイン: demo / demo"
	@echo ""
	$(DEMO_ENV) $(BIN)/saiken runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider

bench: $(STAMP)
	SAIKEN_DEBUG=1 $(BIN)/saiken bench ledger --scale M --db sqlite

clean:
	rm -rf $(VENV) var *.egg-info
