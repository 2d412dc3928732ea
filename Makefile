# The two commands a newcomer needs: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AXE    := node_modules/axe-core/axe.min.js

.PHONY: site test serve check report bench lint clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/python -m builder build --seeds seeds --docs docs
	ARCHIVE_BUILDER=off $(BIN)/mkdocs build --strict --site-dir site
	$(BIN)/python -m builder.search_hook site

serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty

check: $(STAMP)
	$(BIN)/python -m builder check

report: $(STAMP)
	$(BIN)/python -m builder report

lint: $(STAMP)
	$(BIN)/ruff check builder tests bench fuzz
	$(BIN)/ruff format --check builder tests bench fuzz

# axe-core for tests/browser/test_a11y.py, pinned by package-lock.json.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(AXE)

test: $(STAMP) $(AXE)
	$(BIN)/ruff check builder tests bench fuzz
	$(BIN)/python -m pytest -q

bench: $(STAMP) site
	$(BIN)/python -m bench
	$(BIN)/python -m bench.search_bench --site site --articles $${BENCH_SEARCH_ARTICLES:-20000}

clean:
	rm -rf site docs/articles docs/entities docs/data docs/browse .cache
