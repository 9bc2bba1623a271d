# Threatwright: the two commands of README.md, and the steps behind them.
# `make run`  sets up and runs Threatwright on the bundled payments example: checks the
#             model, shows it, and prints its ranked threat register.
# `make test` sets up and runs every test (this is what .ci/run calls).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
EXAMPLE := models/examples/payments-api.yaml

.PHONY: run test setup build bench fmt-check

setup:
	@scripts/setup.sh core

build: setup
	cargo build --locked --release

run: build
	target/release/threatwright validate $(EXAMPLE)
	target/release/threatwright show $(EXAMPLE)
	target/release/threatwright analyze $(EXAMPLE)

# CI=true keeps insta from writing new snapshots: a mismatch fails the run.
test:
	@scripts/setup.sh test
	cargo fmt --all -- --check
	CI=true cargo test --locked --all-targets
	cargo clippy --locked --all-targets -- -D warnings

bench: setup
	cargo bench --locked
