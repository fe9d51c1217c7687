#!/usr/bin/env bash
# The share of dossier's build time spent on Dataview queries, on a generated vault (default 10000
# notes): the same vault is copied with every ```dataview fenced block removed, both are built RUNS
# times (median), and the share is (with - without) / with.
#
#   benches/dataview_share.sh [NOTES]        RUNS=5 by default
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
# shellcheck source=benches/common.sh
. benches/common.sh
start_fresh

cargo build --release --locked --quiet
DOSSIER="${CARGO_TARGET_DIR:-target}/release/dossier"
vault=$(ensure_vault "$N")
plain="$WORK/v$N-no-dataview"
if [ ! -d "$plain" ]; then
  python3 - "$vault" "$plain" <<'PY'
import os, re, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
shutil.copytree(src, dst)
block = re.compile(r"^```dataview[ \t]*\n.*?^```[ \t]*\n?", re.M | re.S)
removed = files = 0
for d, _, fs in os.walk(dst):
    for f in fs:
        if f.endswith(".md"):
            p = os.path.join(d, f)
            text = open(p, encoding="utf-8").read()
            new, k = block.subn("", text)
            if k:
                open(p, "w", encoding="utf-8", newline="\n").write(new)
                removed += k
                files += 1
print(f"removed {removed} dataview blocks from {files} notes", file=sys.stderr)
PY
fi
blocks() { grep -rc '^```dataview' "$1" | awk -F: '{s += $NF} END {print s + 0}' || true; }
with=$(blocks "$vault")
without=$(blocks "$plain")

build() { median_run benches/build_cold.sh "$DOSSIER" "$1" @OUT@; }
m=$(build "$vault") || exit 1
read -r t_with p_with <<<"$m"
m=$(build "$plain") || exit 1
read -r t_without p_without <<<"$m"
printf '%-22s %7s %9s %9s\n' vault blocks median_s peak_MB
awk -v n="v$N" -v b="$with" -v t="$t_with" -v p="$p_with" 'BEGIN {printf "%-22s %7d %9.3f %9.1f\n", n, b, t, p / 1024}'
awk -v n="v$N-no-dataview" -v b="$without" -v t="$t_without" -v p="$p_without" 'BEGIN {printf "%-22s %7d %9.3f %9.1f\n", n, b, t, p / 1024}'
awk -v a="$t_with" -v b="$t_without" -v r="$RUNS" \
  'BEGIN {printf "Dataview share of build time: %.1f%% (median of %d runs each)\n", (a - b) / a * 100, r}'
