#!/usr/bin/env bash
# How far down dossier's ratio to the floor can go on this machine while its pages are rendered with
# tera as it is (BENCHMARKS.md, twenty-first round). The floor and dossier build the generated vault
# (default 10000 notes) one after the other, RUNS times (default 7), each into a new folder; then
# perf profiles one dossier build for the share of its CPU time spent in tera: templates run
# (`VirtualMachine::interpret`), page contexts converted into tera's values
# (`Value::try_from_serializable`) and tera's contexts dropped. No build can take less wall time than
# that CPU time spread evenly over every core. dossier also reads, parses, renders and writes every
# note, which is all the floor does, so the floor's time plus tera's is a lower bound on dossier's
# time. perf cuts some call stacks short, so the share it reports is itself a lower bound.
#
#   SETTLE=0 WORK=/dev/shm/dossier-bench benches/floor_bound.sh [NOTES]   in memory; needs perf (Debian: linux-perf)
#   benches/floor_bound.sh [NOTES]                                        on disk (waits for it to settle)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
RUNS=${RUNS:-7}
# shellcheck source=benches/common.sh
. benches/common.sh
command -v perf >/dev/null || { echo "needs perf (apt-get install linux-perf)" >&2; exit 1; }
start_fresh

cargo build --release --locked --quiet
DOSSIER="${CARGO_TARGET_DIR:-target}/release/dossier"
FLOOR=$(floor_binary)
vault=$(ensure_vault "$N")
cores=$(nproc)

# once CMD...: one run of CMD into a new folder (@OUT@); prints "wall_s cpu_s" (user + system).
once() {
  local t0 t1
  t0=$(date +%s%N)
  with_fresh_out /usr/bin/time -f '%U %S' -o "$WORK/time.txt" "$@" >/dev/null 2>&1 || {
    echo "failed: $*" >&2
    return 1
  }
  t1=$(date +%s%N)
  tail -1 "$WORK/time.txt" | awk -v a="$t0" -v b="$t1" '{printf "%.4f %.2f\n", (b - a) / 1e9, $1 + $2}'
}

# Alternated, so that a drift of the machine weighs on both alike; a warm-up of each first.
once "$FLOOR" "$vault" @OUT@ >/dev/null
once benches/build_cold.sh "$DOSSIER" "$vault" @OUT@ >/dev/null
floor_wall=() floor_cpu=() dossier_wall=() dossier_cpu=()
for ((i = 0; i < RUNS; i++)); do
  read -r w c <<<"$(once "$FLOOR" "$vault" @OUT@)"
  floor_wall+=("$w") floor_cpu+=("$c")
  read -r w c <<<"$(once benches/build_cold.sh "$DOSSIER" "$vault" @OUT@)"
  dossier_wall+=("$w") dossier_cpu+=("$c")
done
fw=$(printf '%s\n' "${floor_wall[@]}" | median)
fc=$(printf '%s\n' "${floor_cpu[@]}" | median)
dw=$(printf '%s\n' "${dossier_wall[@]}" | median)
dc=$(printf '%s\n' "${dossier_cpu[@]}" | median)

with_fresh_out perf record -q -F 400 --call-graph dwarf,16384 -o "$WORK/perf.data" \
  benches/build_cold.sh "$DOSSIER" "$vault" @OUT@ >/dev/null 2>&1
share=$(perf report -i "$WORK/perf.data" --children --stdio --no-call-graph 2>/dev/null | awk '
  / tera::vm::interpreter::VirtualMachine::interpret$/ ||
  / tera::value::Value::try_from_serializable$/ ||
  / core::ptr::drop_in_place<tera::context::Context>$/ { sub("%", "", $1); s += $1 }
  END { printf "%.1f", s }')
rm -f "$WORK/perf.data"

printf '%-8s %13s %12s %7s\n' program median_wall_s median_cpu_s ratio
awk -v w="$fw" -v c="$fc" 'BEGIN {printf "%-8s %13.3f %12.2f %7.2f\n", "floor", w, c, 1}'
awk -v w="$dw" -v c="$dc" -v f="$fw" 'BEGIN {printf "%-8s %13.3f %12.2f %7.2f\n", "dossier", w, c, w / f}'
awk -v s="$share" -v c="$dc" -v n="$cores" -v f="$fw" 'BEGIN {
  t = s / 100 * c
  printf "tera: %.1f%% of dossier'\''s CPU time (perf), %.2f s; over %d cores at least %.3f s, %.2fx the floor\n", s, t, n, t / n, t / n / f
  printf "lower bound on dossier / floor while tera takes that: %.2f\n", (f + t / n) / f
}'
