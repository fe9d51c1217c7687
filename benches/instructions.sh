#!/usr/bin/env bash
# Instructions executed in user space (valgrind's cachegrind, "I refs") by the floor program, by
# `dossier build` and by `dossier build` on the same vault without its Dataview blocks. Unlike wall
# time on this machine, where creating thousands of files is slowed for minutes after others were
# removed (common.sh), these counts repeat to within 0.01%: the figure to compare two commits by,
# and the Dataview share without the disk's noise. The kernel's work (creating and writing files) is
# not counted; `benches/run.sh` measures it, with everything else, as wall time.
#
#   benches/instructions.sh [NOTES...]        default 1000; with 10000, about 5 minutes
#   DOSSIER=/path/to/dossier benches/instructions.sh 1000     another build of dossier (an older commit)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ $# -gt 0 ] || SIZES=(1000)
# shellcheck source=benches/common.sh
. benches/common.sh
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }

cargo build --release --locked --quiet
FLOOR=$(floor_binary)
DOSSIER=${DOSSIER:-${CARGO_TARGET_DIR:-target}/release/dossier}
OUTS=$(mktemp -d "$WORK/instructions-XXXXXX")
trap 'rm -rf "$OUTS"; date +%s >"$WORK/deleted-at"' EXIT

# count CMD...: the instructions CMD executes in user space, every thread included.
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/I *refs:/ {gsub(",", "", $NF); print $NF}'
}

printf '%-7s %-20s %16s %7s\n' notes program instructions ratio
for n in "${SIZES[@]}"; do
  vault=$(ensure_vault "$n")
  plain=$(ensure_plain_vault "$n")
  floor=$(count "$FLOOR" "$vault" "$OUTS/floor-$n")
  with=$(count "$DOSSIER" build --quiet --vault "$vault" --out "$OUTS/with-$n" --today 2026-11-20)
  without=$(count "$DOSSIER" build --quiet --vault "$plain" --out "$OUTS/without-$n" --today 2026-11-20)
  for row in "floor $floor" "dossier $with" "dossier-no-dataview $without"; do
    read -r name value <<<"$row"
    awk -v n="$n" -v p="$name" -v v="$value" -v f="$floor" \
      'BEGIN {printf "%-7s %-20s %16.0f %7.2f\n", n, p, v, v / f}'
  done
  awk -v a="$with" -v b="$without" -v n="$n" \
    'BEGIN {printf "%-7s Dataview share of dossier'"'"'s instructions: %.1f%%\n", n, (a - b) / a * 100}'
  rm -rf "${OUTS:?}"/*
done
