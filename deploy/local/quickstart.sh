#!/usr/bin/env bash
# The README's main command: the whole distributed pipeline on this machine, end to end. Installs and starts
# private PostgreSQL and RabbitMQ (apt, when missing), builds everything in release mode, starts the simulated
# teacher and every stage daemon, runs the self-instruct recipe from examples/seed_tasks.jsonl to 500 admitted
# instructions with progress on the way, audits the run, prints where the shards are, and stops what it started.
#
#   deploy/local/quickstart.sh                 the defaults above
#   deploy/local/quickstart.sh --target 2000   any option of deploy/local/pipeline.sh (see its --help)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec deploy/local/pipeline.sh --target 500 --replicas 1 --out out "$@"
