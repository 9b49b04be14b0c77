# tidal-mcp: `make run` (the stack against TIDAL), `make test` (the whole suite), `make demo` (emulator),
# `make conformance` (the MCP Inspector and conformance suite against a real stack), `make ops-check` (the
# Grafana dashboard and Prometheus alerts against a real Prometheus), `make lint` / `make format-check` /
# `make typecheck` (ruff and mypy), `make coverage` (the suite under coverage, failing under 90 %).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: install run demo supervise test coverage conformance ops-check lint format-check typecheck bench chaos clean

$(STAMP): setup.cfg setup.py pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tidal-mcp needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/tidal-mcp run --workers $(WORKERS)

demo: $(STAMP)
	$(BIN)/tidal-mcp demo --workers $(WORKERS)

supervise: $(STAMP)
	TIDAL_MCP_WORKERS=$(WORKERS) $(BIN)/tidal-mcp supervise

test: $(STAMP)
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# The suite under coverage.py, with every Python process it starts measured too (.coveragerc: the
# stack's worker/front/CLI processes and the xdist workers); combined, reported, failing under 90 %.
coverage: $(STAMP)
	rm -rf .run/coverage && mkdir -p .run/coverage
	$(BIN)/coverage run -m pytest -n auto $(PYTEST_ARGS)
	$(BIN)/coverage combine --quiet
	$(BIN)/coverage report

# The MCP Inspector (--strict tools/list) and the MCP conformance suite against a real stack (docs/operations.md).
conformance: $(STAMP)
	$(BIN)/python -m tests.conformance

# The dashboard and alerts against a real Prometheus (installs Debian's prometheus package when missing).
ops-check: $(STAMP)
	@command -v promtool >/dev/null && command -v prometheus >/dev/null || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus; }
	promtool check rules ops/prometheus/alerts.yml
	cd ops/prometheus && promtool test rules alerts-test.yml
	TIDAL_MCP_REQUIRE_PROMETHEUS=1 $(BIN)/python -m pytest -n 0 tests/integration/test_ops_dashboards.py \
		tests/integration/test_ops_login_metrics.py tests/unit/test_metrics.py tests/unit/test_metrics_pool.py

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff && $(BIN)/ruff check shared workers mcp_front tests bench

format-check: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff && $(BIN)/ruff format --check shared workers mcp_front tests bench

# mypy (mypy.ini: the pydantic plugin) over mcp_front, workers and shared.
typecheck: $(STAMP)
	$(BIN)/mypy --config-file mypy.ini

bench: $(STAMP)
	$(BIN)/python -m bench

chaos: $(STAMP)
	$(BIN)/python -m bench.chaos

clean:
	rm -rf $(VENV) .run .pytest_cache
