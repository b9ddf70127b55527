#!/usr/bin/env bash
# Runs the whole distributed pipeline on this machine: private PostgreSQL and RabbitMQ (installed with apt
# when missing), the simulated teacher or a real one, N replicas of every stage daemon, one run from create to
# audit. Everything it started is stopped when it ends, also on Ctrl-C or failure.
#
#   deploy/local/pipeline.sh [options]
#
#   --recipe R          self-instruct (default) or alpaca
#   --target N          instructions to admit (default 500)
#   --seeds FILE        seed tasks (default examples/seed_tasks.jsonl)
#   --replicas N        processes per stage daemon (default 1; si-shards always 1)
#   --concurrency N     circulating generation tokens of the run (default 8)
#   --worker-concurrency N   messages each daemon handles at once, SI_CONCURRENCY (default 8)
#   --name NAME         run name (default <recipe>-<timestamp>)
#   --faults SPEC       simulator faults, e.g. 429=0.05,503=0.02 (default none)
#   --latency SPEC      simulator latency, e.g. fixed:50 (default none)
#   --format LIST       shard formats of the run, comma-separated or all (default jsonl; see sictl run create --help)
#   --system-prompt T   the system turn of the openai-chat and sharegpt shards
#   --language L        en (default), zh or unicode: the run's prompts, ROUGE-L tokenizer and filters
#                       (docs/languages.md); with zh, --seeds examples/zh_seed_tasks.jsonl
#   --batch STAGES      send these stages' teacher requests through the batch API: all, or some of generate,
#                       classify, instances (docs/batches.md); --batch-max-age S and --batch-poll S go to run create
#   --sim-batch SPEC    the simulator's batch behaviour, e.g. delay=2,expire-first=1 (docs/teacher-simulator.md)
#
#   A real teacher instead of the simulator (any OpenAI-compatible /v1/completions server):
#   --teacher-url URL   its base URL, e.g. https://api.openai.com or http://127.0.0.1:8080 (no simulator starts)
#   --model M           the model id, required with --teacher-url; also the run's model (sictl run create --model)
#   --api-key-file F    a file holding the API key (passed as SI_TEACHER_API_KEY_FILE; the key itself is never
#                       on a command line or in a log; an exported SI_TEACHER_API_KEY works too). Without
#                       --teacher-url the simulator requires that key (SI_SIM_API_KEY_FILE)
#   --context-tokens N  the model's context window, prompt plus completion (default 4096)
#   --price-prompt USD_PER_M --price-completion USD_PER_M
#                       USD per million prompt / completion tokens: the run's prices, for its costs and budget
#                       (both or neither; also with the simulator)
#   --budget-usd X      the run's dollar cap (needs the prices); --budget-tokens N its token cap. A run that
#                       reaches its cap pauses (budget_exhausted): the script stops there and says how to go on
#
#   --out DIR           where logs and shards go (default out/)
#   --debug             use a debug build (faster to build, slower to run)
#   --report            at the end print wall time, audit time, per-stage messages/s, teacher calls, peak RSS per
#                       worker, the time from the last instance outcome to the run's completion (sharding), and
#                       `sictl export` in each of the five formats: wall time and peak RSS (files in OUT/export/),
#                       and how often the API key and the database and broker passwords occur in every log of the
#                       run (the daemons', the simulator's, PostgreSQL's and RabbitMQ's): it must be 0
#   --idle-cpu S        the CPU each daemon uses over S seconds with no run (before it starts) and after the run
#                       completed, in per cent of a core
#   --sample-rss S      every S seconds, the RSS of every daemon into OUT/rss.csv; with --report, each daemon's RSS
#                       after warm-up (the first quarter of the run), its peak after that, and the growth in per cent
#   -h, --help          this text
#
# Examples:
#   deploy/local/pipeline.sh --target 500 --replicas 2 --faults 429=0.05 --report
#   deploy/local/llm.sh install && deploy/local/llm.sh start     # llama.cpp + SmolLM2-135M on this machine
#   deploy/local/pipeline.sh --target 10 --concurrency 4 --teacher-url "$(cat .local/llm/url)" \
#       --model SmolLM2-135M-Instruct --context-tokens 2048
#   deploy/local/pipeline.sh --target 200 --teacher-url https://api.openai.com --model gpt-3.5-turbo-instruct \
#       --api-key-file ~/.openai-key --price-prompt 1.5 --price-completion 2 --report
#
# Output: shards and manifest.json in OUT/shards/<run name>/, logs in OUT/logs/. Needs a Swift 6.1+ toolchain
# on PATH and root for the apt step. SI_SWIFT_SCRATCH_PATH, when set, is the build directory (--scratch-path).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"

recipe=self-instruct target=500 seeds=examples/seed_tasks.jsonl replicas=1 run_concurrency=8 worker_concurrency=8
batch="" batch_max_age="" batch_poll="" sim_batch=""
name="" faults="" latency="" out_dir=out configuration=release report=0 formats="" system_prompt="" sample_rss="" idle_cpu="" language=""
teacher_url="" model="" api_key_file="" context_tokens="" price_prompt="" price_completion="" budget_usd="" budget_tokens=""
while [ $# -gt 0 ]; do
    case "$1" in
        --recipe) recipe="$2"; shift 2 ;;
        --target) target="$2"; shift 2 ;;
        --seeds) seeds="$2"; shift 2 ;;
        --replicas) replicas="$2"; shift 2 ;;
        --concurrency) run_concurrency="$2"; shift 2 ;;
        --worker-concurrency) worker_concurrency="$2"; shift 2 ;;
        --name) name="$2"; shift 2 ;;
        --faults) faults="$2"; shift 2 ;;
        --latency) latency="$2"; shift 2 ;;
        --format) formats="$2"; shift 2 ;;
        --system-prompt) system_prompt="$2"; shift 2 ;;
        --language) language="$2"; shift 2 ;;
        --batch) batch="$2"; shift 2 ;;
        --batch-max-age) batch_max_age="$2"; shift 2 ;;
        --batch-poll) batch_poll="$2"; shift 2 ;;
        --sim-batch) sim_batch="$2"; shift 2 ;;
        --teacher-url) teacher_url="$2"; shift 2 ;;
        --model) model="$2"; shift 2 ;;
        --api-key-file) api_key_file="$2"; shift 2 ;;
        --context-tokens) context_tokens="$2"; shift 2 ;;
        --price-prompt) price_prompt="$2"; shift 2 ;;
        --price-completion) price_completion="$2"; shift 2 ;;
        --budget-usd) budget_usd="$2"; shift 2 ;;
        --budget-tokens) budget_tokens="$2"; shift 2 ;;
        --out) out_dir="$2"; shift 2 ;;
        --debug) configuration=debug; shift ;;
        --report) report=1; shift ;;
        --sample-rss) sample_rss="$2"; shift 2 ;;
        --idle-cpu) idle_cpu="$2"; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "pipeline.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
usage_error() { echo "pipeline.sh: $*" >&2; exit 64; }
case "$recipe" in self-instruct|alpaca) ;; *) echo "pipeline.sh: --recipe must be self-instruct or alpaca" >&2; exit 64 ;; esac
case "$language" in ""|en|zh|unicode) ;; *) echo "pipeline.sh: --language must be en, zh or unicode" >&2; exit 64 ;; esac
for number in "$target" "$replicas" "$run_concurrency" "$worker_concurrency"; do
    [[ "$number" =~ ^[1-9][0-9]*$ ]] || { echo "pipeline.sh: '$number' is not a positive integer" >&2; exit 64; }
done
[ -f "$seeds" ] || { echo "pipeline.sh: seed file '$seeds' not found" >&2; exit 66; }
if [ -n "$teacher_url" ]; then
    [ -n "$model" ] || usage_error "--teacher-url needs --model (the model id the server serves)"
    [[ "$teacher_url" =~ ^https?://[^[:space:]]+$ ]] || usage_error "--teacher-url must be an http:// or https:// URL (got '$teacher_url')"
    [ -z "$faults" ] && [ -z "$latency" ] || usage_error "--faults and --latency are simulator options; they do not go with --teacher-url"
    if [ -n "$api_key_file" ]; then
        [ -f "$api_key_file" ] && [ -r "$api_key_file" ] || { echo "pipeline.sh: API key file '$api_key_file' not found or not readable" >&2; exit 66; }
        [ -z "${SI_TEACHER_API_KEY:-}" ] || usage_error "SI_TEACHER_API_KEY is exported and --api-key-file is given: use one"
        api_key_file="$(cd "$(dirname "$api_key_file")" && pwd)/$(basename "$api_key_file")"
    fi
    if [ -n "$context_tokens" ]; then
        [[ "$context_tokens" =~ ^[1-9][0-9]*$ ]] || usage_error "--context-tokens must be a positive integer (got '$context_tokens')"
    fi
else
    [ -z "$model" ] || usage_error "--model needs --teacher-url (the simulator serves its own model)"
    if [ -n "$api_key_file" ]; then
        [ -f "$api_key_file" ] && [ -r "$api_key_file" ] || { echo "pipeline.sh: API key file '$api_key_file' not found or not readable" >&2; exit 66; }
        api_key_file="$(cd "$(dirname "$api_key_file")" && pwd)/$(basename "$api_key_file")"
    fi
    for option in context_tokens; do
        [ -z "${!option}" ] || usage_error "--$(echo "$option" | tr _ -) goes with --teacher-url only"
    done
fi
if [ -n "$price_prompt$price_completion" ]; then
    [ -n "$price_prompt" ] && [ -n "$price_completion" ] || usage_error "give both --price-prompt and --price-completion"
    for price in "$price_prompt" "$price_completion"; do
        [[ "$price" =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage_error "a price must be USD per million tokens, like 1.5 (got '$price')"
    done
fi
if [ -n "$budget_usd" ]; then
    [[ "$budget_usd" =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage_error "--budget-usd must be a dollar amount, like 2.5 (got '$budget_usd')"
    [ -n "$price_prompt" ] || usage_error "--budget-usd needs --price-prompt and --price-completion"
fi
if [ -n "$idle_cpu" ]; then
    [[ "$idle_cpu" =~ ^[1-9][0-9]*$ ]] || usage_error "--idle-cpu must be a whole number of seconds (got '$idle_cpu')"
fi
if [ -n "$sample_rss" ]; then
    [[ "$sample_rss" =~ ^[1-9][0-9]*$ ]] || usage_error "--sample-rss must be a whole number of seconds (got '$sample_rss')"
fi
if [ -n "$budget_tokens" ]; then
    [[ "$budget_tokens" =~ ^[1-9][0-9]*$ ]] || usage_error "--budget-tokens must be a positive integer (got '$budget_tokens')"
fi
[ -n "$name" ] || name="$recipe-$(date +%Y%m%d-%H%M%S)"

say() { echo "pipeline: $*" >&2; }
command -v swift >/dev/null || { say "no swift on PATH: install a Swift 6.1+ toolchain (https://www.swift.org/install/linux/)"; exit 1; }

mkdir -p "$out_dir/logs" "$out_dir/shards"
out_dir="$(cd "$out_dir" && pwd)"
seeds="$(cd "$(dirname "$seeds")" && pwd)/$(basename "$seeds")"

# --- what we start, and stopping it again -------------------------------------------------------------------
pids=()
started_services=0
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ ${#pids[@]} -gt 0 ]; then
        say "stopping ${#pids[@]} processes"
        kill -TERM "${pids[@]}" 2>/dev/null || true
        for _ in $(seq 1 60); do
            alive=0
            for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            [ "$alive" -eq 0 ] && break
            sleep 0.5
        done
        kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
    if [ "$started_services" -eq 1 ]; then
        say "stopping PostgreSQL and RabbitMQ"
        deploy/local/services.sh stop >/dev/null 2>&1 || true
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- services and build ---------------------------------------------------------------------------------------
if deploy/local/services.sh status >/dev/null 2>&1; then
    say "using the PostgreSQL and RabbitMQ already running"
else
    deploy/local/services.sh --install --free-ports start
    started_services=1
fi
eval "$(deploy/local/services.sh env)"
# Two database roles (docs/store.md): the owner's URL is for `sictl migrate` only, never in the environment of the
# daemons or of the other sictl calls, which use the worker role of SI_DATABASE_URL.
migrate_url="$SI_MIGRATE_DATABASE_URL" worker_role="$SI_DATABASE_WORKER_ROLE"
unset SI_MIGRATE_DATABASE_URL SI_DATABASE_WORKER_ROLE
export SI_DATABASE_URL SI_AMQP_URL

say "building ($configuration)"
build_options=(-c "$configuration")
[ -n "${SI_SWIFT_SCRATCH_PATH:-}" ] && build_options+=(--scratch-path "$SI_SWIFT_SCRATCH_PATH")
swift build "${build_options[@]}" 2>&1 | grep -E "error|warning: .*\.swift|Compiling|Build complete" | tail -n 3 >&2
bin="$(swift build "${build_options[@]}" --show-bin-path)"
sictl="$bin/sictl"

SI_MIGRATE_DATABASE_URL="$migrate_url" SI_DATABASE_WORKER_ROLE="$worker_role" "$sictl" migrate >/dev/null

# --- the teacher: the simulator, or the real server named by --teacher-url -------------------------------------
if [ -n "$teacher_url" ]; then
    export SI_TEACHER_URL="$teacher_url" SI_TEACHER_MODEL="$model"
    # Only the path of the key file is passed on; the daemons read the key themselves.
    if [ -n "$api_key_file" ]; then export SI_TEACHER_API_KEY_FILE="$api_key_file"; else unset SI_TEACHER_API_KEY_FILE; fi
    if [ -n "$context_tokens" ]; then export SI_TEACHER_CONTEXT_TOKENS="$context_tokens"; else unset SI_TEACHER_CONTEXT_TOKENS; fi
    if [ -n "$price_prompt" ]; then
        export SI_TEACHER_PRICE_PROMPT_PER_M="$price_prompt" SI_TEACHER_PRICE_COMPLETION_PER_M="$price_completion"
    else
        unset SI_TEACHER_PRICE_PROMPT_PER_M SI_TEACHER_PRICE_COMPLETION_PER_M
    fi
    say "real teacher: $model at $teacher_url${context_tokens:+, context $context_tokens tokens}${api_key_file:+, API key from $api_key_file}"
else
    sim_args=(--port 0)
    # The simulator requires the key; the daemons send it. Both read it from the file.
    if [ -n "$api_key_file" ]; then export SI_SIM_API_KEY_FILE="$api_key_file"; else unset SI_SIM_API_KEY_FILE; fi
    [ -n "$faults" ] && sim_args+=(--faults "$faults")
    [ -n "$latency" ] && sim_args+=(--latency "$latency")
    [ -n "$sim_batch" ] && sim_args+=(--batch "$sim_batch")
    sim_out="$out_dir/logs/si-teacher-sim.out"
    : > "$sim_out"
    "$bin/si-teacher-sim" "${sim_args[@]}" > "$sim_out" 2> "$out_dir/logs/si-teacher-sim.log" &
    pids+=($!)
    for _ in $(seq 1 100); do grep -q '^listening ' "$sim_out" && break; sleep 0.1; done
    teacher_url="$(sed -n 's/^listening //p' "$sim_out" | head -n 1)"
    [ -n "$teacher_url" ] || { say "the simulator did not start; see $out_dir/logs/si-teacher-sim.log"; exit 1; }
    say "simulated teacher at $teacher_url"
    export SI_TEACHER_URL="$teacher_url" SI_TEACHER_MODEL=si-sim-1
    unset SI_TEACHER_API_KEY_FILE SI_TEACHER_CONTEXT_TOKENS SI_TEACHER_PRICE_PROMPT_PER_M SI_TEACHER_PRICE_COMPLETION_PER_M
    [ -n "$api_key_file" ] && export SI_TEACHER_API_KEY_FILE="$api_key_file"
fi

# --- stage daemons ----------------------------------------------------------------------------------------------
export SI_SHARDS_DIR="$out_dir/shards"
export SI_CONCURRENCY="$worker_concurrency" SI_LOG_LEVEL="${SI_LOG_LEVEL:-notice}"
# Connections are held only while a statement or transaction runs (never across a teacher call), so a few
# per daemon are enough however many messages it handles at once.
export SI_DATABASE_POOL_SIZE="${SI_DATABASE_POOL_SIZE:-8}"
stages=(si-generate si-filter si-shards)
[ "$recipe" = self-instruct ] && stages+=(si-classify si-instances)
worker_names=()
for stage in "${stages[@]}"; do
    count="$replicas"
    [ "$stage" = si-shards ] && count=1
    for i in $(seq 1 "$count"); do
        "$bin/$stage" 2> "$out_dir/logs/$stage-$i.log" &
        pids+=($!)
        worker_names+=("$stage-$i:$!")
    done
done
say "started ${#worker_names[@]} stage daemons (logs in $out_dir/logs)"

# RSS of every daemon every --sample-rss seconds: "unix time,daemon,kB" lines in OUT/rss.csv.
if [ -n "$sample_rss" ]; then
    echo "unix_seconds,daemon,rss_kb" > "$out_dir/rss.csv"
    (
        while true; do
            now=$(date +%s)
            for entry in "${worker_names[@]}"; do
                rss=$(awk '/VmRSS/ {print $2}' "/proc/${entry##*:}/status" 2>/dev/null) || continue
                [ -n "$rss" ] && echo "$now,${entry%%:*},$rss"
            done >> "$out_dir/rss.csv"
            sleep "$sample_rss"
        done
    ) &
    pids+=($!)
fi

# A real teacher that is unreachable, rejects the key or does not serve the model would only show up as
# retries in the logs; `sictl doctor` asks GET /v1/models first (its database and broker lines are not needed).
if [ -n "$model" ]; then
    teacher_checks="$("$sictl" doctor 2>&1 | grep -E '^(ok  |FAIL) (teacher|model) ' || true)"
    printf '%s\n' "$teacher_checks" | sed 's/^/pipeline: doctor: /' >&2
    if [ -z "$teacher_checks" ] || printf '%s\n' "$teacher_checks" | grep -q '^FAIL'; then
        say "the teacher is not ready (see the doctor lines above)"
        exit 1
    fi
fi

# Each daemon's CPU (user + system, from /proc) over --idle-cpu seconds, in per cent of a core.
measure_idle_cpu() {
    local when="$1" entry ticks
    declare -A before
    for entry in "${worker_names[@]}"; do
        before[$entry]=$(awk '{print $14 + $15}' "/proc/${entry##*:}/stat")
    done
    sleep "$idle_cpu"
    ticks=$(getconf CLK_TCK)
    for entry in "${worker_names[@]}"; do
        awk -v b="${before[$entry]}" -v t="$ticks" -v s="$idle_cpu" -v n="${entry%%:*}" -v w="$when" \
            '{printf "report: idle cpu %s %s: %.2f %% of a core over %d s\n", w, n, ($14 + $15 - b) / t / s * 100, s}' \
            "/proc/${entry##*:}/stat"
    done
}
if [ -n "$idle_cpu" ]; then
    sleep 5  # past start-up (connections, the teacher probe)
    measure_idle_cpu "with no run"
fi

# --- the run ----------------------------------------------------------------------------------------------------
started_at=$(date +%s%N)
run_options=()
[ -n "$model" ] && run_options+=(--model "$model")
[ -n "$price_prompt" ] && run_options+=(--price-prompt "$price_prompt" --price-completion "$price_completion")
[ -n "$budget_usd" ] && run_options+=(--budget-usd "$budget_usd")
[ -n "$budget_tokens" ] && run_options+=(--budget-tokens "$budget_tokens")
[ -n "$formats" ] && run_options+=(--format "$formats")
[ -n "$system_prompt" ] && run_options+=(--system-prompt "$system_prompt")
[ -n "$language" ] && run_options+=(--language "$language")
[ -n "$batch" ] && run_options+=(--batch "$batch")
[ -n "$batch_max_age" ] && run_options+=(--batch-max-age "$batch_max_age")
[ -n "$batch_poll" ] && run_options+=(--batch-poll "$batch_poll")
"$sictl" run create --name "$name" --recipe "$recipe" --seeds "$seeds" --target "$target" \
    --concurrency "$run_concurrency" ${run_options[@]+"${run_options[@]}"} >&2
"$sictl" run start "$name" >&2
# One `sictl status` every 10 s: its aggregate queries are not free on a busy machine, and a long-running
# snapshot also holds back vacuum of the queue tables.
while true; do
    progress="$("$sictl" status "$name" 2>/dev/null || true)"
    printf '%s\n' "$progress" | head -n 6 | sed "1s/^/$(date +%H:%M:%S) /" >&2
    # The first line reads "run ID NAME [RECIPE] STATUS …"; a failed poll (say, the database restarting) is
    # not the run failing: try again next round.
    status="$(printf '%s\n' "$progress" | head -n 1 | sed -n 's/^run [0-9]* .* \[[a-z-]*\] \([a-z]*\) .*/\1/p')"
    case "$status" in
        completed) break ;;
        cancelled|failed) say "run $name ended $status"; exit 1 ;;
        paused)
            # A self-pause waits for an operator: say why and how to go on, and stop here.
            reason="$(printf '%s\n' "$progress" | grep -o 'budget_exhausted\|teacher_credentials_rejected\|teacher_unreachable' | head -n 1 || true)"
            if [ -n "$reason" ]; then
                "$sictl" status "$name" >&2 || true
                say "run $name paused itself: $reason (nothing lost; its data stays in the local services' database)."
                say "Fix the cause, start the services and the stage daemons again, then: sictl run resume $name"
                exit 2
            fi ;;
    esac
    for entry in "${worker_names[@]}"; do
        kill -0 "${entry##*:}" 2>/dev/null || { say "${entry%%:*} exited; see $out_dir/logs/${entry%%:*}.log"; exit 1; }
    done
    sleep 10
done
finished_at=$(date +%s%N)

"$sictl" status "$name" >&2
say "auditing"
audit_started=$(date +%s%N)
"$sictl" audit "$name" --shards-dir "$out_dir/shards" >&2
audit_ms=$(( ($(date +%s%N) - audit_started) / 1000000 ))
[ -n "$idle_cpu" ] && measure_idle_cpu "after the run"

if [ "$report" -eq 1 ]; then
    elapsed_ms=$(( (finished_at - started_at) / 1000000 ))
    wall="$((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000)))"
    echo "report: wall ${wall} s from run start to completed (status polled every 10 s)"
    echo "report: audit $((audit_ms / 1000)).$(printf '%03d' $((audit_ms % 1000))) s (sictl audit, right after completion)"
    for entry in "${worker_names[@]}"; do
        pid="${entry##*:}"
        peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo "?")
        echo "report: peak RSS ${entry%%:*} ${peak} kB"
    done
    if [ -n "$sample_rss" ]; then
        # Warm-up is the first quarter of the run; growth is the peak after it against the RSS at its end.
        python3 - "$out_dir/rss.csv" "$((started_at / 1000000000))" "$((finished_at / 1000000000))" <<'PY'
import csv, sys
path, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
warm = start + (end - start) / 4
series = {}
for row in csv.DictReader(open(path)):
    t = int(row["unix_seconds"])
    if start <= t <= end:
        series.setdefault(row["daemon"], []).append((t, int(row["rss_kb"])))
for daemon in sorted(series):
    after = [kb for t, kb in series[daemon] if t >= warm]
    if len(after) < 2:
        print(f"report: rss {daemon}: too few samples after warm-up")
        continue
    base, peak = after[0], max(after)
    print(f"report: rss {daemon}: {base / 1024:.1f} MB after warm-up, peak {peak / 1024:.1f} MB after it, "
          f"growth {100 * (peak - base) / base:+.1f} % ({len(series[daemon])} samples in the run)")
PY
    fi
    # psql as the worker role: the parts of SI_DATABASE_URL (postgresql://user:password@host:port/database, as
    # services.sh prints it) go in libpq's environment variables, so the password is not on psql's command line;
    # the run name reaches the SQL as a psql variable (:'name'), never pasted into it.
    url_rest="${SI_DATABASE_URL#*://}"
    url_user="${url_rest%%@*}"
    url_rest="${url_rest#*@}"
    url_host="${url_rest%%/*}"
    url_database="${url_rest#*/}"
    PGUSER="${url_user%%:*}" PGPASSWORD="${url_user#*:}" PGHOST="${url_host%:*}" PGPORT="${url_host##*:}" \
        PGDATABASE="${url_database%%\?*}" psql -X -q -A -F ' ' -t -v ON_ERROR_STOP=1 -v name="$name" <<'SQL' | sed 's/^/report: /'
SELECT 'run wall ' || round(extract(epoch FROM finished_at - started_at)::numeric, 1) || ' s (runs.started_at to finished_at)'
FROM runs WHERE name = :'name';
SELECT 'run ' || name || ': admitted ' || p.admitted || ', candidates ' || p.candidates || ', instances valid '
       || p.instances_valid || ', rejected ' || p.instances_rejected || ', sharded ' || p.records_sharded
FROM si_run_progress p WHERE name = :'name';
SELECT 'teacher calls ' || count(*) || ' (' || count(*) FILTER (WHERE error_kind IS NOT NULL) || ' failed), prompt tokens '
       || sum(prompt_tokens) || ', completion tokens ' || sum(completion_tokens)
FROM llm_calls WHERE run_id = (SELECT id FROM runs WHERE name = :'name');
SELECT 'teacher cost $' || round(coalesce(sum(cost_usd), 0), 6) || ' in si_llm_usage, ' || coalesce(sum(batched_calls), 0)
       || ' of ' || coalesce(sum(calls), 0) || ' calls answered by batches'
FROM si_llm_usage WHERE run_id = (SELECT id FROM runs WHERE name = :'name');
SELECT 'batches ' || count(*) || ' (' || count(*) FILTER (WHERE remote_status = 'expired') || ' expired), requests '
       || coalesce(sum(requests), 0) || ', sent again ' || coalesce(sum(resubmitted), 0)
FROM teacher_batches WHERE run_id = (SELECT id FROM runs WHERE name = :'name') HAVING count(*) > 0;
SELECT 'stage ' || stage || ': ' || count(*) || ' messages in '
       || round(extract(epoch FROM max(processed_at) - min(processed_at))::numeric, 1) || ' s = '
       || round(count(*) / greatest(extract(epoch FROM max(processed_at) - min(processed_at)), 0.001)::numeric, 1) || ' msg/s'
FROM processed_messages WHERE run_id = (SELECT id FROM runs WHERE name = :'name') GROUP BY stage ORDER BY stage;
SELECT 'sharding ' || round(extract(epoch FROM r.finished_at - o.last_outcome)::numeric, 1)
       || ' s from the last instance outcome to completed (' || p.records_sharded || ' records, formats '
       || coalesce(r.config->>'formats', '["jsonl"]') || ')'
FROM runs r
JOIN si_run_progress p ON p.run_id = r.id
CROSS JOIN LATERAL (SELECT max(processed_at) AS last_outcome FROM processed_messages
                    WHERE run_id = r.id AND stage = CASE r.recipe WHEN 'alpaca' THEN 'filter.instructions' ELSE 'filter.instances' END) o
WHERE r.name = :'name';
SQL
    # Each export as its own process, timed with its peak RSS (getrusage of the finished child).
    mkdir -p "$out_dir/export"
    for format in jsonl alpaca-json self-instruct openai-chat sharegpt; do
        python3 - "$sictl" export "$name" --format "$format" --output "$out_dir/export/$name.$format" <<'PY'
import resource, subprocess, sys, time
started = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.monotonic() - started
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
if done.returncode != 0:
    sys.exit(f"report: export --format {sys.argv[5]} failed: {done.stderr.strip()}")
print(f"report: export {sys.argv[5]}: {wall:.2f} s, peak RSS {peak_mb:.1f} MB; {done.stderr.strip()}")
PY
    done
    # Secrets in logs: the API key and every password in the URLs, searched in the daemons' and simulator's logs
    # and in PostgreSQL's and RabbitMQ's; read from the environment and the key file, never from a command line.
    SI_REPORT_SERVICES_STATE="${SI_LOCAL_STATE:-.local/services}" SI_MIGRATE_DATABASE_URL="$migrate_url" \
        python3 - "$out_dir/logs" <<'PY'
import os, pathlib, sys, urllib.parse
secrets = {}
for variable in ("SI_DATABASE_URL", "SI_MIGRATE_DATABASE_URL", "SI_AMQP_URL"):
    password = urllib.parse.urlsplit(os.environ.get(variable, "")).password
    if password:
        secrets[f"password in {variable}"] = urllib.parse.unquote(password)
key = os.environ.get("SI_TEACHER_API_KEY") or ""
if os.environ.get("SI_TEACHER_API_KEY_FILE"):
    key = pathlib.Path(os.environ["SI_TEACHER_API_KEY_FILE"]).read_text().strip()
if key:
    secrets["API key"] = key
state = pathlib.Path(os.environ["SI_REPORT_SERVICES_STATE"])
files = sorted(pathlib.Path(sys.argv[1]).glob("*.log")) + [state / "postgres" / "server.log"]
files += sorted(p for p in (state / "rabbitmq").rglob("*") if p.is_file() and p.suffix == ".log")
files = [f for f in files if f.is_file()]
hits = {name: sum(f.read_bytes().count(value.encode()) for f in files) for name, value in secrets.items()}
total = sum(hits.values())
detail = ", ".join(f"{name} {count}" for name, count in hits.items())
print(f"report: secrets in logs: {total} hits in {len(files)} files ({detail})")
PY
fi

# si-shards names the directory after the run; a name with characters outside [A-Za-z0-9._-] has them replaced
# by '_' and the first 8 hex digits of its SHA-256 appended (ShardsHandler.runDirectoryName).
run_directory="$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_')"
[[ "$run_directory" =~ ^\.*$ ]] && run_directory=run
[ "$run_directory" = "$name" ] || run_directory="$run_directory-$(printf '%s' "$name" | sha256sum | cut -c1-8)"
echo "shards: $out_dir/shards/$run_directory"
