#!/usr/bin/env bash
# Builds one pathological note at a time with the release binary and prints wall time and peak memory:
# a 1 MB line, 100,000 links, a 10,000-row table, a 50 MB note, 50,000 code spans among comments, front
# matter of 70,000 keys, a task with 50,000 inline fields, an account's table cell of 50,000 unclosed
# `[[`. tests/site/hostile.rs builds smaller versions of most in every test run; this records what the
# full sizes cost (see BENCHMARKS.md). The binary is taken from $CARGO_TARGET_DIR when that is set, as
# cargo builds it there.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/dossier-hostile}
rm -rf "$WORK" && mkdir -p "$WORK/v"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet
python3 - "$WORK/v" <<'PY'
import os, sys
d = sys.argv[1]
open(os.path.join(d, 'Line.md'), 'w').write('x' * (1 << 20))
open(os.path.join(d, 'Links.md'), 'w').write(''.join('[[Target %d]] ' % (i % 50) for i in range(100000)))
open(os.path.join(d, 'Table.md'), 'w').write('| a | b |\n|---|---|\n' + ''.join('| %d | [[Row %d]] |\n' % (i, i) for i in range(10000)))
p = "Lorem ipsum dolor sit amet, [[Link]] consectetur #tag adipiscing elit.\n\n"
open(os.path.join(d, 'Huge.md'), 'w').write(p * (50 * (1 << 20) // len(p)))
open(os.path.join(d, 'Comments.md'), 'w').write('`code %%` and %% a comment %% then ' * 50000)
keys = ''.join('k%05d: %d\n' % (i, i) for i in range(70000, 0, -1))
open(os.path.join(d, 'Keys.md'), 'w').write('---\n' + keys + '---\nbody\n')
open(os.path.join(d, 'Fields.md'), 'w').write('- [ ] task ' + ' '.join('[f%d:: %d]' % (i, i) for i in range(50000, 0, -1)) + '\n')
open(os.path.join(d, 'Unclosed.md'), 'w').write('---\ntype: customer\n---\n## Account Status\n\n| Field | Value |\n|---|---|\n| Status | ' + '[[x ' * 50000 + '|\n')
PY
printf '%-8s %9s %9s\n' note seconds peak_MB
for f in Line Links Table Huge Comments Keys Fields Unclosed; do
  rm -rf "$WORK/one" && mkdir "$WORK/one" && cp "$WORK/v/$f.md" "$WORK/one/"
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "${CARGO_TARGET_DIR:-target}/release/dossier" build --quiet --vault "$WORK/one" --out "$WORK/out" --force
  read -r secs kb < "$WORK/time.txt"
  awk -v f="$f" -v s="$secs" -v k="$kb" 'BEGIN {printf "%-8s %9.2f %9.0f\n", f, s, k/1024}'
done
