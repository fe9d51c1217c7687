#!/usr/bin/env bash
# Benchmarks dossier against the floor program (and Hugo, when installed, and Eleventy, when npm is) on
# generated CRM vaults.
#
#   benches/run.sh [SIZES...]        default sizes: 1000 10000 50000
#   RUNS=3 benches/run.sh 1000 10000
#   RUNS=1 WARMUP=0 benches/run.sh 50000     (one cold run, for sizes that take minutes)
#
# Vaults come from $SHARED/bench/gen_vault.py (SHARED=../shared; seed 1), so figures are comparable across runs.
# Each program runs once as a warm-up, then RUNS times; the median wall time is reported, with peak
# memory from /usr/bin/time, notes/s, MB/s, and the ratio to floor's time (stable across machines).
# dossier is timed twice: `dossier` builds into an empty folder, as the floor and Hugo do (each run
# writes to a folder that does not exist yet; the outputs are removed when the script ends, see
# common.sh for why not before each run: needs about (RUNS + 1) x 0.5 GB of disk per 10k notes);
# `rebuild` is the usual rebuild, one note edited and the last build's site in place, where the files
# that come out the same are kept, not written again.
# When both 10000 and 50000 are run, the 50k/10k scaling of dossier's time is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ $# -gt 0 ] || SIZES=(1000 10000 50000)
# shellcheck source=benches/common.sh
. benches/common.sh
start_fresh

cargo build --release --locked --quiet
FLOOR=$(floor_binary)
DOSSIER="${CARGO_TARGET_DIR:-target}/release/dossier"

row() { # row NOTES PROGRAM SECONDS PEAK_KB MB FLOOR_SECONDS
  awk -v n="$1" -v p="$2" -v t="$3" -v k="$4" -v mb="$5" -v f="$6" \
    'BEGIN {printf "%-7s %-8s %9.3f %9.1f %10.0f %8.1f %7.2f\n", n, p, t, k / 1024, n / t, mb / t, t / f}'
}

# Eleventy (benches/eleventy_peer.sh) when npm is here, unless ELEVENTY=0: installed once, at the version
# benches/eleventy/package-lock.json pins.
ELEVENTY=${ELEVENTY:-1}
if [ "$ELEVENTY" = 1 ] && command -v npm >/dev/null; then
  [ -d benches/eleventy/node_modules/@11ty/eleventy ] ||
    npm ci --prefix benches/eleventy --no-audit --no-fund --silent || ELEVENTY=0
else
  ELEVENTY=0
fi

declare -A DOSSIER_T
printf '%-7s %-8s %9s %9s %10s %8s %7s\n' notes program median_s peak_MB notes/s MB/s ratio
for n in "${SIZES[@]}"; do
  vault=$(ensure_vault "$n")
  mb=$(du -sb --apparent-size "$vault" | awk '{printf "%.1f", $1 / 1e6}')
  m=$(median_run "$FLOOR" "$vault" @OUT@) || exit 1
  read -r ft fp <<<"$m"
  m=$(median_run benches/build_cold.sh "$DOSSIER" "$vault" @OUT@) || exit 1
  read -r dt dp <<<"$m"
  DOSSIER_T[$n]=$dt
  # The rebuild edits a note: a copy of the vault, so that every program reads the same notes.
  edited="$WORK/v$n-edited"
  [ -d "$edited" ] || cp -r "$vault" "$edited"
  # A site to rebuild over, also when there is no warm-up run (WARMUP=0): one per size, removed with
  # the other outputs when the script ends (replacing the last size's site deleted its files just
  # before the next size's floor ran, and a 50k site left by an earlier run slowed the next one's
  # floor tenfold).
  rebuilt="$FRESH/rebuild-$n"
  mkdir -p "$FRESH"
  "$DOSSIER" build --quiet --vault "$edited" --out "$rebuilt" --today 2026-11-20 >/dev/null 2>&1 || true
  m=$(median_run benches/build_edited.sh "$DOSSIER" "$edited" "$rebuilt") || exit 1
  read -r rt rp <<<"$m"
  row "$n" floor "$ft" "$fp" "$mb" "$ft"
  row "$n" dossier "$dt" "$dp" "$mb" "$ft"
  row "$n" rebuild "$rt" "$rp" "$mb" "$ft"
  if command -v hugo >/dev/null; then
    m=$(median_run sh "$SHARED/bench/hugo_peer.sh" "$vault" @OUT@) || exit 1
    read -r ht hp <<<"$m"
    row "$n" hugo "$ht" "$hp" "$mb" "$ft"
  fi
  if [ "$ELEVENTY" = 1 ]; then
    m=$(median_run sh benches/eleventy_peer.sh "$vault" @OUT@) || exit 1
    read -r et ep <<<"$m"
    row "$n" eleventy "$et" "$ep" "$mb" "$ft"
  fi
done
if [ -n "${DOSSIER_T[10000]:-}" ] && [ -n "${DOSSIER_T[50000]:-}" ]; then
  awk -v a="${DOSSIER_T[50000]}" -v b="${DOSSIER_T[10000]}" \
    'BEGIN {printf "dossier scaling 50000/10000: %.2fx the time for 5x the notes\n", a / b}'
fi
