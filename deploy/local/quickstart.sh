#!/usr/bin/env bash
# The README's main command. Until the distributed pipeline lands (issue 5) it runs the offline part of the
# method end to end: builds the tools in release mode and runs the exact ROUGE-L novelty filter over a seed
# file and candidate instructions, writing one decision per candidate and printing where it went.
#
#   deploy/local/quickstart.sh                          example seeds and candidates shipped in examples/
#   SEEDS=… CANDIDATES=… OUT_DIR=… deploy/local/quickstart.sh   your own files
#
# Needs a Swift 6.1+ toolchain on PATH; installs the Debian packages the build links against when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
say() { echo "quickstart: $*" >&2; }

command -v swift >/dev/null || { say "no swift on PATH: install a Swift 6.1+ toolchain (https://www.swift.org/install/linux/)"; exit 1; }

missing=()
for package in $(deploy/local/services.sh packages); do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

seeds="${SEEDS:-examples/seed_tasks.jsonl}"
candidates="${CANDIDATES:-examples/candidates.jsonl}"
out_dir="${OUT_DIR:-out}"
mkdir -p "$out_dir"

say "building sictl (release)"
swift build -c release --product sictl 2>&1 | tail -n 1 >&2
sictl="$(swift build -c release --show-bin-path)/sictl"

output="$out_dir/decisions.jsonl"
"$sictl" dedup --seeds "$seeds" --input "$candidates" --output "$output"
echo "output: $(cd "$(dirname "$output")" && pwd)/$(basename "$output")"
