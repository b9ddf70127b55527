#!/usr/bin/env bash
# The project's one test command: installs missing Debian packages, starts throwaway PostgreSQL and RabbitMQ
# servers, runs `swift build` and `swift test` against them, and always stops and removes the servers.
#
#   deploy/local/test.sh                      everything
#   deploy/local/test.sh --filter Integration extra arguments go to `swift test` (one pass; without them the
#                                              process-level PipelineTests run in a second pass)
#
# The servers live in $SI_TEST_STATE (default .local/test-services) on their own ports (SI_TEST_PG_PORT 55434,
# SI_TEST_AMQP_PORT 55674, SI_TEST_AMQP_DIST_PORT 55680, SI_TEST_EPMD_PORT 54370), apart from the development
# servers of deploy/local/services.sh. Runs as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
services="$root/deploy/local/services.sh"

export SI_LOCAL_STATE="${SI_TEST_STATE:-$root/.local/test-services}"
export SI_PG_PORT="${SI_TEST_PG_PORT:-55434}"
export SI_AMQP_PORT="${SI_TEST_AMQP_PORT:-55674}"
export SI_AMQP_DIST_PORT="${SI_TEST_AMQP_DIST_PORT:-55680}"
export SI_EPMD_PORT="${SI_TEST_EPMD_PORT:-54370}"

say() { echo "test.sh: $*" >&2; }

# Stops the servers and deletes their state, but only a directory that services.sh made (it has config.env).
remove_services() {
    if [ -f "$SI_LOCAL_STATE/config.env" ]; then
        "$services" stop || true
        rm -rf "$SI_LOCAL_STATE"
    fi
}

# A run killed before its trap ran leaves servers behind; clear them before starting afresh.
remove_services
trap remove_services EXIT

started=$SECONDS
"$services" --install --throwaway start
say "services up in $((SECONDS - started)) s"
eval "$("$services" env)"
export SI_TEST_DATABASE_URL="$SI_DATABASE_URL"
export SI_TEST_AMQP_URL="$SI_AMQP_URL"
export SI_TEST_REQUIRE_SERVICES=1

# One type per source file, each named after it, and no SQL outside Records and Store (docs/architecture.md).
python3 Tools/layout/check.py

started=$SECONDS
swift build
say "swift build took $((SECONDS - started)) s"

started=$SECONDS
status=0
if [ $# -gt 0 ]; then
    swift test "$@" || status=$?
else
    # PipelineTests run a dozen daemon processes each; alongside the other suites they would starve the
    # timing-sensitive ones (heartbeats, HTTP timeouts) on a small machine, so they get a pass of their own.
    swift test --skip "PipelineEndToEndTests|RunPauseTests" || status=$?
    swift test --filter "PipelineEndToEndTests|RunPauseTests" || status=$?
fi
say "swift test took $((SECONDS - started)) s and exited $status"
exit "$status"
