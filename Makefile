# D'Fresto developer commands. The logic lives in scripts/*.sh; see README.md for the variables
# (PORT, PG_PORT, PROFILE, DATABASE_URL, ...), which can be given as `make run PORT=9000`.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help run test bench build lint fmt psql db-status db-stop db-reset

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## start the demo: private PostgreSQL, migrate, seed once, web tier and worker; Ctrl-C stops all
	@scripts/run.sh

test: ## install test needs, fmt check, clippy, all tests on a throwaway PostgreSQL (ARGS=filter)
	@scripts/test.sh $(ARGS)

bench: ## release build, own PostgreSQL, bench data; system vs raw PostgreSQL (~10 min; bench/results/)
	@scripts/bench.sh

build: ## build the binaries (PROFILE=release by default, or debug)
	@cargo build --workspace $(if $(filter debug,$(PROFILE)),,--release)

lint: ## cargo fmt --check and clippy -D warnings, without tests
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt: ## format the code
	cargo fmt --all

psql: ## psql into the running private cluster (or DATABASE_URL)
	@scripts/db.sh psql

db-status: ## is the private cluster under .data/ there, and running?
	@scripts/db.sh status

db-stop: ## stop a private cluster left running by a killed make run
	@scripts/db.sh stop

db-reset: ## delete the private cluster and its demo data (the next make run reseeds)
	@scripts/db.sh reset
