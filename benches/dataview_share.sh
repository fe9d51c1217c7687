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
plain=$(ensure_plain_vault "$N")
blocks() { grep -rc '^```dataview' "$1" | awk -F: '{s += $NF} END {print s + 0}' || true; }
with=$(blocks "$vault")
without=$(blocks "$plain")

# One run with the blocks, then one without, RUNS times (after a warm-up of each), so that a drift of
# the machine over the runs (the disk, another process) weighs on both alike: with every run of one
# vault before the other's, three runs of the same commit gave 23%, -12% and 16%.
once() { RUNS=1 WARMUP=0 median_run benches/build_cold.sh "$DOSSIER" "$1" @OUT@; }
if [ "${WARMUP:-1}" != 0 ]; then
  once "$vault" >/dev/null
  once "$plain" >/dev/null
fi
times_with=() times_without=() p_with=0 p_without=0
for ((i = 0; i < RUNS; i++)); do
  m=$(once "$vault") || exit 1
  read -r t p <<<"$m"
  times_with+=("$t")
  p_with=$((p > p_with ? p : p_with))
  m=$(once "$plain") || exit 1
  read -r t p <<<"$m"
  times_without+=("$t")
  p_without=$((p > p_without ? p : p_without))
done
t_with=$(printf '%s\n' "${times_with[@]}" | median)
t_without=$(printf '%s\n' "${times_without[@]}" | median)
printf '%-22s %7s %9s %9s\n' vault blocks median_s peak_MB
awk -v n="v$N" -v b="$with" -v t="$t_with" -v p="$p_with" 'BEGIN {printf "%-22s %7d %9.3f %9.1f\n", n, b, t, p / 1024}'
awk -v n="v$N-no-dataview" -v b="$without" -v t="$t_without" -v p="$p_without" 'BEGIN {printf "%-22s %7d %9.3f %9.1f\n", n, b, t, p / 1024}'
awk -v a="$t_with" -v b="$t_without" -v r="$RUNS" \
  'BEGIN {printf "Dataview share of build time: %.1f%% (median of %d runs each)\n", (a - b) / a * 100, r}'
