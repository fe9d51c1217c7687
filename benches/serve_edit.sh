#!/usr/bin/env bash
# One-note edits under `dossier serve` on the 10,000-note vault: starts the server on a copy of the
# vault, appends a line of prose, then an open task, to notes of each kind in turn, and prints for each the rebuild time the server
# reports and, from benches/edit_latency.py, the time from the save to the live-reload event and to the
# page fetched again (see BENCHMARKS.md). ROUNDS=3 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/common.sh
NOTES=${NOTES:-10000}
V="$WORK/serve-v$NOTES"
LOG="$WORK/serve.log"
cargo build --release --quiet
[ -d "$WORK/v$NOTES" ] || python3 "$GEN" --notes "$NOTES" --out "$WORK/v$NOTES" >/dev/null
rm -rf "$V" && cp -r "$WORK/v$NOTES" "$V"
PORT=${PORT:-18311}
"${CARGO_TARGET_DIR:-target}/release/dossier" serve --vault "$V" --port "$PORT" --today 2026-11-20 >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null' EXIT
for _ in $(seq 1 1200); do grep -q "serving on" "$LOG" && break; sleep 0.5; done
grep -m1 "^built " "$LOG"
edit() { # file, line to append: the server's rebuild time, and save-to-reload as a browser sees it
  local n latency
  n=$(grep -c "rebuilt in" "$LOG" || true)
  latency=$(python3 benches/edit_latency.py "$PORT" "$V/$1" "$2" /index.html)
  for _ in $(seq 1 600); do [ "$(grep -c 'rebuilt in' "$LOG" || true)" -gt "$n" ] && break; sleep 0.05; done
  echo "$1: $(grep 'rebuilt in' "$LOG" | tail -1 | sed 's/: [0-9]* of .*//'); $latency"
  sleep 1
}
M=$(ls "$V/Meetings" | sed -n 1p); P=$(ls "$V/People" | sed -n 1p); J=$(ls "$V/Projects" | sed -n 1p); C=$(ls "$V/Customers" | sed -n 1p)
for run in $(seq 1 "${ROUNDS:-3}"); do
  edit "Meetings/$M" "Follow-up noted in run $run."
  edit "People/$P" "Prefers email, run $run."
  edit "Projects/$J" "Status checked in run $run."
  edit "Customers/$C" "Renewal discussed in run $run."
  # An open task: the CRM reads it (account task lists), so its view is built again.
  edit "Meetings/$M" "- [ ] Follow up, run $run"
  edit "People/$P" "- [ ] Send the deck, run $run"
  edit "Projects/$J" "- [ ] Check the budget, run $run"
  edit "Customers/$C" "- [ ] Book the review, run $run"
done
