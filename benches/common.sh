# Shared by benches/run.sh and benches/dataview_share.sh (sourced, not run, from the repository root):
# the settings both take from the environment, and the helpers below.
RUNS=${RUNS:-5}
SHARED=${SHARED:-../shared}
GEN=${GEN:-$SHARED/bench/gen_vault.py}
WORK=${WORK:-/tmp/dossier-bench}
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

# median_run CMD...: runs CMD once as a warm-up (unless WARMUP=0), then RUNS times; prints
# "median_seconds peak_kb".
# Wall time is taken with nanosecond clock reads around each run (GNU time's %e has only 2 decimals,
# too coarse for the small vaults); peak resident memory is GNU time's %M (KB), the largest of the runs.
median_run() {
  local times=() peaks=() i t0 t1
  [ "${WARMUP:-1}" = 0 ] || "$@" >/dev/null 2>&1 || true # warm-up (page cache, output folder)
  for ((i = 0; i < RUNS; i++)); do
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" || {
      echo "failed: $*" >&2
      tail -20 "$WORK/err.txt" >&2
      return 1
    }
    t1=$(date +%s%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}')")
    peaks+=("$(tail -1 "$WORK/time.txt")")
  done
  local med peak
  med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  peak=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -1)
  echo "$med $peak"
}

# ensure_vault N: the generated vault of N notes (seed 1) under $WORK, made once; prints its path.
ensure_vault() {
  local vault="$WORK/v$1"
  [ -d "$vault" ] || python3 "$GEN" --notes "$1" --out "$vault" --seed 1 >/dev/null
  echo "$vault"
}
