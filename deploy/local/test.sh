#!/usr/bin/env bash
# The project's one test command: installs missing Debian packages, starts throwaway PostgreSQL and RabbitMQ
# servers and a real small teacher (llama.cpp serving SmolLM2-135M-Instruct, deploy/local/llm.sh), runs
# `swift build` and `swift test` against them, and always stops and removes the servers.
#
#   deploy/local/test.sh                       everything, and last a run on a six-host cluster in network namespaces
#                                              (deploy/local/cluster.sh run, docs/cluster.md)
#   deploy/local/test.sh --filter Integration  extra arguments go to `swift test` (one pass; without them the
#                                              process-level PipelineEndToEndTests run in a second pass and the
#                                              real-teacher suites, RealTeacherTests and RealTeacherPipelineTests,
#                                              in a third and fourth)
#
# The servers live in $SI_TEST_STATE (default .local/test-services) on their own ports (SI_TEST_PG_PORT 55434,
# SI_TEST_AMQP_PORT 55674, SI_TEST_AMQPS_PORT 55675 for amqps://, SI_TEST_AMQP_DIST_PORT 55680, SI_TEST_EPMD_PORT 54370, or free ones where another
# program holds those), apart from the development servers of deploy/local/services.sh; the teacher's pid and logs in $SI_TEST_LLM_STATE (default .local/test-llm),
# on a free port, its venv in $SI_LLM_VENV (default .local/llm-venv, kept: installing needs PyPI once).
# It also installs Hugging Face `datasets` (pinned, with pyarrow and pandas; no torch) into a venv of its own,
# $SI_DATASETS_VENV (default .local/datasets-venv, kept; deploy/local/pyvenv.sh, half a minute to a minute
# and 400 MB from PyPI when new), runs the self-test of Tools/formats/check_training_files.py with it, and exports
# its python as SI_TEST_DATASETS_PYTHON: the tests run that checker on the shards a run writes.
# SI_SWIFT_SCRATCH_PATH, when set, is the build directory (--scratch-path). Runs as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
services="$root/deploy/local/services.sh"
llm="$root/deploy/local/llm.sh"

export SI_LOCAL_STATE="${SI_TEST_STATE:-$root/.local/test-services}"
export SI_PG_PORT="${SI_TEST_PG_PORT:-55434}"
export SI_AMQP_PORT="${SI_TEST_AMQP_PORT:-55674}"
export SI_AMQPS_PORT="${SI_TEST_AMQPS_PORT:-55675}"
export SI_AMQP_DIST_PORT="${SI_TEST_AMQP_DIST_PORT:-55680}"
export SI_EPMD_PORT="${SI_TEST_EPMD_PORT:-54370}"
export SI_LLM_STATE="${SI_TEST_LLM_STATE:-$root/.local/test-llm}"

say() { echo "test.sh: $*" >&2; }

# Stops the servers and deletes their state, but only a directory that services.sh made (it has config.env).
remove_services() {
    if [ -f "$SI_LOCAL_STATE/config.env" ]; then
        "$services" stop || true
        rm -rf "$SI_LOCAL_STATE"
    fi
}

# The same for the teacher: only a directory that llm.sh made (it has server.out).
remove_llm() {
    if [ -f "$SI_LLM_STATE/server.out" ]; then
        "$llm" stop || true
        rm -rf "$SI_LLM_STATE"
    fi
}

# A run killed before its trap ran leaves servers behind; clear them before starting afresh.
remove_llm
remove_services
trap 'remove_llm; remove_services' EXIT

started=$SECONDS
# Headless Chromium renders the `sictl report` pages (ReportPipelineTests); the product itself does not need it.
# chromium renders the report pages; ip, pgbouncer and jq are for the cluster pass (deploy/local/cluster.sh).
missing=()
for pair in chromium:chromium ip:iproute2 pgbouncer:pgbouncer jq:jq; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (apt) for the report rendering tests and the cluster pass"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
"$services" --install --throwaway --free-ports start
say "services up in $((SECONDS - started)) s"
eval "$("$services" env)"
# Two database roles, as in production: the tests create and migrate their schemas as the owner (which grants the
# worker role) and run daemons, stores and sictl verbs as the worker (Tests/TestSupport/ServiceGate.swift).
export SI_TEST_DATABASE_URL="$SI_DATABASE_URL"
export SI_TEST_MIGRATE_DATABASE_URL="$SI_MIGRATE_DATABASE_URL"
export SI_TEST_DATABASE_WORKER_ROLE="$SI_DATABASE_WORKER_ROLE"
# Not for the tests' processes: a sictl migrate that inherited these would migrate the services' own schema.
unset SI_MIGRATE_DATABASE_URL SI_DATABASE_WORKER_ROLE
export SI_TEST_AMQP_URL="$SI_AMQP_URL"
# The TLS endpoints of the same servers and the CA that signs them (TLSTests).
export SI_TEST_AMQPS_URL="$SI_AMQPS_URL"
export SI_TEST_DATABASE_TLS_URL="$SI_DATABASE_TLS_URL"
export SI_TEST_TLS_CA_FILE="$SI_TLS_CA_FILE"
export SI_TEST_REQUIRE_SERVICES=1

# The real teacher: a no-op install after the first run, a start of about a second.
started=$SECONDS
"$llm" install >/dev/null
"$llm" start
eval "$("$llm" env)"
export SI_TEST_REAL_TEACHER_URL SI_TEST_REAL_TEACHER_MODEL
export SI_TEST_REAL_TEACHER_CONTEXT_TOKENS=2048
# Instruction lists usually stop early at a blank line; the bound is for the completion that does not.
export SI_TEST_REAL_TEACHER_MAX_TOKENS="${SI_TEST_REAL_TEACHER_MAX_TOKENS:-200}"
say "real teacher $SI_TEST_REAL_TEACHER_MODEL at $SI_TEST_REAL_TEACHER_URL up in $((SECONDS - started)) s"

# The checker that proves each training-data format loads in its consumer (datasets.load_dataset, OpenAI's
# format rules, LLaMA-Factory's dataset_info.json): its venv, then its self-test on hand-made run directories.
started=$SECONDS
SI_TEST_DATASETS_PYTHON="$("$root/deploy/local/pyvenv.sh" install)"
export SI_TEST_DATASETS_PYTHON
"$SI_TEST_DATASETS_PYTHON" Tools/formats/test_check_training_files.py --quiet
say "datasets venv and the format checker's self-test took $((SECONDS - started)) s"

# One type per source file, each named after it, and no SQL outside Records and Store (docs/architecture.md).
python3 Tools/layout/check.py

build_options=()
[ -n "${SI_SWIFT_SCRATCH_PATH:-}" ] && build_options=(--scratch-path "$SI_SWIFT_SCRATCH_PATH")

started=$SECONDS
swift build ${build_options[@]+"${build_options[@]}"}
say "swift build took $((SECONDS - started)) s"

started=$SECONDS
status=0
if [ $# -gt 0 ]; then
    swift test ${build_options[@]+"${build_options[@]}"} "$@" || status=$?
else
    # PipelineTests run a dozen daemon processes each; alongside the other suites they would starve the
    # timing-sensitive ones (heartbeats, HTTP timeouts) on a small machine, so they get a pass of their own.
    # So do the suites of the real teacher (RealTeacherTests, RealTeacherPipelineTests): the model takes both
    # cores while it decodes.
    swift test ${build_options[@]+"${build_options[@]}"} --skip PipelineEndToEndTests --skip RunPauseTests \
        --skip ChinesePipelineTests --skip BatchPipelineTests --skip ReportPipelineTests --skip RealTeacher || status=$?
    pass=$SECONDS
    swift test ${build_options[@]+"${build_options[@]}"} --filter "PipelineEndToEndTests|RunPauseTests|ChinesePipelineTests" || status=$?
    say "the PipelineEndToEndTests, RunPauseTests and ChinesePipelineTests pass took $((SECONDS - pass)) s"
    # Batch mode's runs in a pass of their own: beside the others they shift the timing RunPauseTests observes.
    pass=$SECONDS
    swift test ${build_options[@]+"${build_options[@]}"} --filter "BatchPipelineTests|ReportPipelineTests" || status=$?
    say "the BatchPipelineTests and ReportPipelineTests pass took $((SECONDS - pass)) s"
    # One at a time: each keeps the model's four slots busy on its own.
    pass=$SECONDS
    swift test ${build_options[@]+"${build_options[@]}"} --filter RealTeacherTests || status=$?
    swift test ${build_options[@]+"${build_options[@]}"} --filter RealTeacherPipelineTests || status=$?
    say "the real-teacher passes took $((SECONDS - pass)) s"
    # Six hosts as network namespaces: three clustered RabbitMQ nodes with quorum queues, PostgreSQL behind
    # PgBouncer, two worker hosts; one node cut off for 20 s, a worker host killed, PostgreSQL restarted, and the
    # run must complete and pass its audit (docs/cluster.md). The debug executables the tests just built.
    pass=$SECONDS
    "$root/deploy/local/cluster.sh" down >/dev/null 2>&1 || true  # what a killed earlier run may have left
    "$root/deploy/local/cluster.sh" run --strict --timeout 900 \
        --bin "$(swift build ${build_options[@]+"${build_options[@]}"} --show-bin-path)" --out "$root/.local/cluster-test" || status=$?
    say "the cluster pass (deploy/local/cluster.sh run) took $((SECONDS - pass)) s"
fi
say "swift test took $((SECONDS - started)) s and exited $status"
exit "$status"
