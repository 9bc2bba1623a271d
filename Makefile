# Threatwright: the two commands of README.md, and the steps behind them.
# `make run`  sets up, builds and opens the desktop app on the bundled payments example.
# `make test` sets up and runs every test, the desktop end-to-end tests under Xvfb
#             included (this is what .ci/run calls).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
EXAMPLE := models/examples/payments-api.yaml

APP := target/release/threatwright-desktop
PROJECT := payments-example.twdb

.PHONY: run run-cli test setup build desktop bench e2e fmt-check

setup:
	@scripts/setup.sh core

build: setup
	cargo build --locked --release

# The desktop app (release), with the UI built and embedded.
desktop:
	@scripts/setup.sh desktop
	cd ui && npm run build
	cargo build --locked --release -p threatwright-desktop --features custom-protocol

# Opens the app on the payments example (a project file made from it on first run).
run: build desktop
	test -f $(PROJECT) || target/release/threatwright new $(PROJECT) --from $(EXAMPLE)
	$(APP) $(PROJECT)

# The command line on the same example: checks the model, shows it, ranks its threats.
run-cli: build
	target/release/threatwright validate $(EXAMPLE)
	target/release/threatwright show $(EXAMPLE)
	target/release/threatwright analyze $(EXAMPLE)

# CI=true keeps insta from writing new snapshots: a mismatch fails the run.
test:
	@scripts/setup.sh test
	cargo fmt --all -- --check
	CI=true cargo test --locked --all-targets
	cargo clippy --locked --workspace --all-targets -- -D warnings
	cd ui && npm test && npm run build
	$(MAKE) e2e

# The desktop end-to-end tests: the debug app with the UI embedded, driven through
# tauri-driver + WebKitWebDriver under Xvfb. Screenshots go to docs/screenshots/.
e2e:
	cargo build --locked -p threatwright-desktop --features custom-protocol
	cd tests/e2e && xvfb-run -a -s "-screen 0 1280x1024x24" npx wdio run ./wdio.conf.js

bench: setup
	cargo bench --locked
