#!/usr/bin/env bash
# The Python venv of the training-data checks: Hugging Face `datasets` (pinned with everything it pulls in,
# in deploy/local/datasets-requirements.txt) for Tools/formats/check_training_files.py, which proves that a
# run's shards load with datasets.load_dataset. Binary wheels from PyPI only; no torch.
#
#   deploy/local/pyvenv.sh install   make the venv and install the pinned packages (a no-op when they are
#                                    installed already); prints the venv's python on stdout
#   deploy/local/pyvenv.sh python    print the venv's python; exit 3 when not installed
#
# The venv is $SI_DATASETS_VENV (default ./.local/datasets-venv), made with $SI_DATASETS_VENV_PYTHON (default
# python3, which needs Debian's python3-venv). A change to the requirements file reinstalls on the next
# install. A separate venv from the teacher's (deploy/local/llm.sh): that one serves a model, this one reads
# files, and either can be rebuilt without the other. deploy/local/test.sh runs `install` and exports
# SI_TEST_DATASETS_PYTHON for the tests. Installing takes half a minute (a minute on a busy machine) and
# 400 MB (pyarrow, pandas).
set -euo pipefail

cd "$(dirname "$0")/../.."
requirements="$(pwd)/deploy/local/datasets-requirements.txt"
venv="${SI_DATASETS_VENV:-./.local/datasets-venv}"
case "$venv" in /*) ;; *) venv="$(pwd)/${venv#./}" ;; esac
python="$venv/bin/python"
stamp="$venv/requirements.sha256"  # the requirements file the venv was installed from

log() { echo "pyvenv.sh: $*" >&2; }
die() { log "$*"; exit 1; }

wanted_stamp() { sha256sum "$requirements" | cut -d' ' -f1; }

# Cheap: the stamp and the package's metadata (importing datasets takes seconds: pandas, pyarrow).
installed() {
    [ -x "$python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(wanted_stamp)" ] &&
        "$python" -c 'import importlib.metadata; importlib.metadata.version("datasets")' 2>/dev/null
}

install() {
    if installed; then
        log "already installed in $venv"
    else
        local base="${SI_DATASETS_VENV_PYTHON:-python3}" started=$SECONDS
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
        rm -f "$stamp"
        # --only-binary: a missing wheel fails here at once instead of compiling pyarrow for an hour.
        "$python" -m pip install --quiet --disable-pip-version-check --only-binary :all: -r "$requirements" ||
            die "pip install -r $requirements failed (needs PyPI, or the wheels in PIP_FIND_LINKS)"
        "$python" -c 'import datasets' || die "installed, but '$python -c \"import datasets\"' fails"
        wanted_stamp >"$stamp"
        log "installed $(grep -m1 '^datasets==' "$requirements") and its dependencies into $venv in $((SECONDS - started)) s ($(du -sh "$venv" | cut -f1))"
    fi
    echo "$python"
}

case "${1:-}" in
    install) install ;;
    python)
        installed || { log "not installed in $venv: run 'deploy/local/pyvenv.sh install'"; exit 3; }
        echo "$python"
        ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" ;;
    *) echo "pyvenv.sh: say install or python (try --help)" >&2; exit 64 ;;
esac
