# Sambung: `make run` starts the embedded local stack, `make test` runs every suite.
# Both set everything up on a fresh Debian machine (python3, make, git and apt are assumed).
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 8000
CDK_DIR := infra/cdk
export AWS_DEFAULT_REGION ?= ap-southeast-3

.PHONY: run test test-fast synth bench system-deps clean

.venv/.installed: requirements.txt requirements-dev.txt print_bridge/requirements.txt
	@if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then \
	  echo "installing python3-venv"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; fi
	python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

# Debian's Chromium and fonts for the browser suite, Node.js for the CDK CLI, poppler for PDF previews.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	fc-list 2>/dev/null | grep -qi noto || missing="$$missing fonts-noto-core"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "apt-get install$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing system packages:$$missing (run as root or install them)"; exit 1; fi; \
	fi

$(CDK_DIR)/node_modules/.installed: $(CDK_DIR)/package.json $(CDK_DIR)/package-lock.json
	cd $(CDK_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: .venv/.installed
	$(PY) -m infra.local --port $(PORT)

test: .venv/.installed system-deps $(CDK_DIR)/node_modules/.installed
	$(PY) -m pytest tests -q
	$(MAKE) synth

# Unit and integration suites only (no browser, no CDK): the quick loop while coding.
test-fast: .venv/.installed
	$(PY) -m pytest tests/unit tests/integration tests/bridge -q

synth: .venv/.installed $(CDK_DIR)/node_modules/.installed
	cd $(CDK_DIR) && rm -rf cdk.out && PATH="$(CURDIR)/.venv/bin:$$PATH" npx --no-install cdk synth --quiet
	# W3005 is raised on CDK's own generated custom-resource roles, not on our resources.
	.venv/bin/cfn-lint --ignore-checks W3005 -- $(CDK_DIR)/cdk.out/*.template.json

bench: .venv/.installed
	$(PY) -m bench

clean:
	rm -rf .venv var $(CDK_DIR)/cdk.out $(CDK_DIR)/node_modules chalice.out $(CDK_DIR)/chalice.out
