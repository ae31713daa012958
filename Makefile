PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

PACKAGE_STAMP := $(VENV)/.package-stamp
BUNDLE := dist/rd-cycle-tracker
SMOKE_DIR := build/smoke-test

.PHONY: run test bench lint package clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/tracker gui

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q
	$(BIN)/lint-imports
	$(BIN)/ruff check tracker tests

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -s -o addopts="--strict-markers" tests/benchmarks

$(PACKAGE_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[package]'
	touch $(PACKAGE_STAMP)

# The one-folder bundle; then, on a fresh demo database made by the bundle, the commands
# that load what a bundle most easily leaves out, and the application's smoke test.
# The bundle's demo database is encrypted: its administrator signs the checks in.
package: export RD_TRACKER_USER = demo
package: export RD_TRACKER_PASSWORD = demo-password
package: $(PACKAGE_STAMP)
	@start=$$(date +%s); \
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--workpath build/pyinstaller --distpath dist packaging/rd-cycle-tracker.spec && \
	echo "built $(BUNDLE) in $$(( $$(date +%s) - start )) s: $$(du -sh $(BUNDLE) | cut -f1)"
	rm -rf $(SMOKE_DIR) && mkdir -p $(SMOKE_DIR)
	$(BUNDLE)/rd-cycle-tracker demo --db $(SMOKE_DIR)/demo.sqlite --patients 50
	QT_QPA_PLATFORM=offscreen $(BUNDLE)/rd-cycle-tracker sheet --db $(SMOKE_DIR)/demo.sqlite \
		--mrn DEMO-00001 --cycle 1 -o $(SMOKE_DIR)/sheet.pdf
	for type in png svg pdf; do \
		$(BUNDLE)/rd-cycle-tracker chart --db $(SMOKE_DIR)/demo.sqlite -o $(SMOKE_DIR)/chart.$$type \
		|| exit 1; \
	done
	@start=$$(date +%s%N); \
	QT_QPA_PLATFORM=offscreen $(BUNDLE)/rd-cycle-tracker --db $(SMOKE_DIR)/demo.sqlite --smoke-test && \
	echo "bundle smoke test took $$(( ($$(date +%s%N) - start) / 1000000 )) ms from launch to exit"

lint: $(STAMP)
	$(BIN)/ruff check tracker tests
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) build dist *.egg-info
