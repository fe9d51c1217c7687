#!/usr/bin/env bash
# Benchmarks dossier against the floor program (and Hugo, when installed) on generated CRM vaults.
#
#   benches/run.sh [SIZES...]        default sizes: 1000 10000 50000
#
# Vaults come from ../shared/bench/gen_vault.py (seed 1), so figures are comparable across runs.
# Each program runs once as a warm-up, then RUNS times; the median wall time is reported, with peak
# memory from /usr/bin/time -v, notes/s, MB/s, and dossier / floor as a ratio (stable across machines).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-1000 10000 50000}")
[ $# -gt 0 ] || SIZES=(1000 10000 50000)
RUNS=${RUNS:-5}
GEN=${GEN:-../shared/bench/gen_vault.py}
WORK=${WORK:-/tmp/dossier-bench}
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

cargo build --release --quiet
cargo bench --bench floor --no-run --quiet 2>/dev/null
FLOOR=$(ls -t target/release/deps/floor-* | grep -v '\.d$' | head -1)
DOSSIER=target/release/dossier

# median_run NAME CMD...: prints "median_seconds peak_kb"
median_run() {
  local times=() peaks=() i
  "$@" >/dev/null 2>&1 || true   # warm-up
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" || { cat "$WORK/err.txt" >&2; return 1; }
    times+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(k=1;k<=n;k++) s=s*60+a[k]; print s}' "$WORK/time.txt")")
    peaks+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")")
  done
  local med peak
  med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  peak=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -1)
  echo "$med $peak"
}

printf '%-7s %-8s %9s %9s %10s %8s %7s\n' notes program median_s peak_MB notes/s MB/s ratio
for n in "${SIZES[@]}"; do
  vault="$WORK/v$n"
  [ -d "$vault" ] || python3 "$GEN" --notes "$n" --out "$vault" --seed 1 >/dev/null
  mb=$(du -sm --apparent-size "$vault" | cut -f1)
  read -r ft fp < <(median_run "$FLOOR" "$vault" "$WORK/floor-out")
  read -r dt dp < <(median_run "$DOSSIER" build --quiet --vault "$vault" --out "$WORK/dossier-out" --today 2026-11-20 --force)
  for row in "floor $ft $fp" "dossier $dt $dp"; do
    set -- $row
    awk -v n="$n" -v p="$1" -v t="$2" -v k="$3" -v mb="$mb" -v f="$ft" \
      'BEGIN {printf "%-7s %-8s %9.3f %9.1f %10.0f %8.1f %7.2f\n", n, p, t, k/1024, n/t, mb/t, t/f}'
  done
  if command -v hugo >/dev/null; then
    read -r ht hp < <(median_run sh ../shared/bench/hugo_peer.sh "$vault" "$WORK/hugo-out")
    awk -v n="$n" -v t="$ht" -v k="$hp" -v mb="$mb" -v f="$ft" \
      'BEGIN {printf "%-7s %-8s %9.3f %9.1f %10.0f %8.1f %7.2f\n", n, "hugo", t, k/1024, n/t, mb/t, t/f}'
  fi
done
