# The two Quick start commands live here: `make demo` and `make test`.
# Both create .venv with the Python on PATH (3.11+) and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("lingting needs Python 3.11 or newer / 需要 Python 3.11+") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/lingting demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint chromium
	$(BIN)/pytest

# The browser tests drive Debian's chromium through Playwright (never `playwright install`).
# Install it where it is missing and we may (root with apt-get); otherwise say so loudly: pytest
# then skips the browser tests with the reason (shown by -ra).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests / 为浏览器测试安装 chromium"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "!!! chromium could not be installed: the browser tests will be SKIPPED / 无法安装 chromium, 浏览器测试将跳过"; \
	else \
		echo "!!! /usr/bin/chromium is missing and this is not root with apt-get: the browser tests will be SKIPPED."; \
		echo "!!! install it with: sudo apt-get install chromium / 缺少 chromium, 浏览器测试将跳过"; \
	fi

clean:
	rm -rf $(VENV) lingting-demo .pytest_cache .mypy_cache .ruff_cache
