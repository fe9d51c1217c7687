# Shared by benches/run.sh and benches/dataview_share.sh (sourced, not run, from the repository root):
# the settings both take from the environment, and the helpers below.
RUNS=${RUNS:-5}
SHARED=${SHARED:-../shared}
GEN=${GEN:-$SHARED/bench/gen_vault.py}
WORK=${WORK:-/tmp/dossier-bench}
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

# median: the median of the numbers on standard input, one per line (the lower middle of an even count).
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# median_run CMD...: runs CMD once as a warm-up (unless WARMUP=0), then RUNS times; prints
# "median_seconds peak_kb".
# An argument @OUT@ is replaced, in every run, by a folder that does not exist yet (under $FRESH), so
# that a build "into an empty folder" does not also pay for removing the last run's output. Removing
# thousands of files just before creating thousands is the slowest thing this machine's disk does:
# its root is ext4 without a journal, where creating a file scans past every inode freed in the last
# minute or more (the kernel's `recently_deleted`), a cost that grows with the square of the file
# count and hit dossier (17k files at 10k notes) three times as hard as the floor (10k). The folders
# are removed when the script exits (`cleanup_fresh`).
# Wall time is taken with nanosecond clock reads around each run (GNU time's %e has only 2 decimals,
# too coarse for the small vaults); peak resident memory is GNU time's %M (KB), the largest of the runs.
median_run() {
  local times=() peaks=() i t0 t1
  [ "${WARMUP:-1}" = 0 ] || with_fresh_out "$@" >/dev/null 2>&1 || true # warm-up (page cache)
  for ((i = 0; i < RUNS; i++)); do
    t0=$(date +%s%N)
    with_fresh_out /usr/bin/time -f '%M' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" || {
      echo "failed: $*" >&2
      tail -20 "$WORK/err.txt" >&2
      return 1
    }
    t1=$(date +%s%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}')")
    peaks+=("$(tail -1 "$WORK/time.txt")")
  done
  local med peak
  med=$(printf '%s\n' "${times[@]}" | median)
  peak=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -1)
  echo "$med $peak"
}

FRESH="$WORK/fresh"
# with_fresh_out CMD...: runs CMD with each @OUT@ argument replaced by a new folder under $FRESH.
with_fresh_out() {
  local args=() a
  mkdir -p "$FRESH"
  for a in "$@"; do
    if [ "$a" = @OUT@ ]; then args+=("$(mktemp -u -d "$FRESH/out-XXXXXXXX")"); else args+=("$a"); fi
  done
  "${args[@]}"
}
# cleanup_fresh: removes the outputs of every run, and notes when (for settle_disk).
cleanup_fresh() {
  if [ -d "$FRESH" ]; then
    rm -rf "$FRESH"
    date +%s >"$WORK/deleted-at"
  fi
}
# settle_disk: lets the next runs create files at the disk's usual speed after a large deletion (the
# last run's outputs, or another script's). ext4 without a journal will not reuse an inode freed less
# than 60 s ago, or 300 s while its inode-table block is dirty, which creating files in the same group
# makes it again: each file created scans past every such inode. Until SETTLE seconds (default 305)
# have passed since the last deletion of these scripts' outputs, it waits; deletions of your own are
# not seen. It then syncs and drops the caches (root only), so that each program's warm-up run reads
# the vault back. Two scripts run back to back with a wait of 65 s measured the floor at 8.1 s for 50k
# notes instead of 1.2 s, and at 0.76 s for 10k instead of 0.22.
settle_disk() {
  local last wait
  last=$(cat "$WORK/deleted-at" 2>/dev/null || echo 0)
  wait=$((last + ${SETTLE:-305} - $(date +%s)))
  if [ "$wait" -gt 0 ]; then
    echo "waiting ${wait} s for the disk to settle after the last outputs were removed" >&2
    sleep "$wait"
  fi
  sync
  if [ -w /proc/sys/vm/drop_caches ]; then
    echo 3 >/proc/sys/vm/drop_caches
  else
    echo "note: not root, caches not dropped" >&2
  fi
}
# start_fresh: for the scripts that time builds into @OUT@ folders: removes a killed run's leftovers,
# settles the disk, and removes this run's outputs when the script exits.
start_fresh() {
  cleanup_fresh
  settle_disk
  trap cleanup_fresh EXIT
}

# floor_binary: builds the floor program (benches/floor.rs) and prints its path, asked of cargo rather
# than guessed from the newest file in deps/; exits the script when it cannot be built.
floor_binary() {
  local floor
  floor=$(cargo bench --locked --bench floor --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json, sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "floor" and m.get("executable"):
        print(m["executable"])' | tail -1)
  [ -x "$floor" ] || { echo "cannot build the floor bench" >&2; exit 1; }
  echo "$floor"
}

# ensure_vault N: the generated vault of N notes (seed 1) under $WORK, made once; prints its path.
ensure_vault() {
  local vault="$WORK/v$1"
  [ -d "$vault" ] || python3 "$GEN" --notes "$1" --out "$vault" --seed 1 >/dev/null
  echo "$vault"
}

# ensure_plain_vault N: a copy of the vault of N notes with every ```dataview fenced block removed
# (benches/dataview_share.sh, benches/instructions.sh), made once; prints its path.
ensure_plain_vault() {
  local vault plain
  vault=$(ensure_vault "$1")
  plain="$WORK/v$1-no-dataview"
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
  echo "$plain"
}
