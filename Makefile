# Two-command quick start: `make demo` and `make test`. Each creates .venv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser viewer's bundle (nnvox export RUN x.html): three.js and src/nnvox/viewer/web/js by esbuild
BUNDLE := src/nnvox/viewer/web/static/viewer.js

.PHONY: demo test bench setup clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first, pinned to the CPU build: a looser request would pull a multi-GB CUDA build. The package
	# itself accepts a range (pyproject.toml), so installing nnvox keeps a user's own torch.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

$(BUNDLE): node_modules/.package-lock.json $(wildcard src/nnvox/viewer/web/js/*.js)
	npm run build

setup: $(STAMP) $(BUNDLE)

demo: $(STAMP) $(BUNDLE)
	$(BIN)/nnvox demo

test: $(STAMP) $(BUNDLE)
	bash scripts/system-deps.sh
	$(BIN)/python -m pytest -q

bench: $(STAMP) $(BUNDLE)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) runs nnvox-demo node_modules src/nnvox/viewer/web/static
