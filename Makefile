# Two commands matter: `make demo` (run the directory) and `make test` (run the test suite).
# Both install what is missing first: Debian packages, a virtual environment, the package.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := slapd ldap-utils slapi-dev gcc libc6-dev libldap2-dev libsasl2-dev chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed
DEMO_ARGS ?=

.PHONY: demo test bench bench-tools lint install system-packages clean

demo: install
	$(BIN)/govdir up $(DEMO_ARGS)

test: install
	$(BIN)/ruff check directory_service web tests benchmarks tools
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

bench: install bench-tools
	$(BIN)/python benchmarks/run_all.py

# ldclt, the C load generator of 389-ds-base, unpacked (not installed) as the server's ceiling.
LDCLT := var/tools/ldclt/usr/bin/ldclt
bench-tools: $(LDCLT)

$(LDCLT):
	mkdir -p var/tools/debs var/tools/ldclt
	cd var/tools/debs && apt-get download 389-ds-base 389-ds-base-libs
	for f in var/tools/debs/*.deb; do dpkg -x $$f var/tools/ldclt; done
	test -x $(LDCLT)

lint: install
	$(BIN)/ruff check directory_service web tests benchmarks tools
	$(BIN)/ruff format --check directory_service web tests benchmarks tools

install: system-packages $(STAMP)
	$(BIN)/pybabel compile -d web/translations >/dev/null 2>&1

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) var build *.egg-info
