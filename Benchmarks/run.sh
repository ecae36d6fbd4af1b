#!/usr/bin/env bash
# Benchmarks/run.sh [SIZES...] — zicha nightly against the DuckDB peer, on the same synthetic nights.
#
#   sizes:   default "10000 100000 1000000"
#   env:     BENCH (default ../shared/bench relative to the repo): gen.py, peer_duckdb.py, check.py
#            DATA_ROOT (default /tmp/bench): data in $DATA_ROOT/n<N>/ (generated with gen.py --seed 1 if missing)
#            RUNS (default 3): alternating runs of zicha and the peer; the medians are reported
#            PY (default ~/.cache/zicha-bench-venv/bin/python, created from $BENCH/requirements.txt if missing)
#            ZICHA (default .build/release/zicha, built with `swift build -c release` if missing)
#            CHECK=0 skips the correctness gate (check.py and check_all_codes.py on zicha's last run)
#            RERUN=0 skips the second run of the same night (unchanged files, same database), the third
#            (the same night with 1 % more log rows: an evening export of every 100th event, at 23:00) and the
#            fourth (the next night, whose only new file is a log of 1 % of the rows: every 100th event again)
#            and fifth (the night after: a roster with every 100th student's phone changed, and another 1 % log)
# For each size prints, per run: wall s, peak RSS (KB), zicha's stage times (ZICHA_PROFILE); then the medians,
# rows per second (roster + log rows / wall) and the ratio zicha / DuckDB, then each pair's walls and ratio (the
# pairs' spread shows the host's drift). zicha runs with every report and
# no mail (`--no-mail`), as the peer does; the parts of each stage ("step" lines) follow the stages.
set -euo pipefail
. "$(dirname "$0")/common.sh"
ZICHA=${ZICHA:-$REPO/.build/release/zicha}
AS_OF=2024-10-15
SIZES=("${@:-10000 100000 1000000}")
read -r -a SIZES <<< "${SIZES[*]}"

if ! "$PY" -c 'import numpy, duckdb' 2>/dev/null; then
  venv=$(dirname "$(dirname "$PY")")
  echo "setting up $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$BENCH/requirements.txt"
fi
[ -x "$ZICHA" ] || (cd "$REPO" && swift build -c release)

WORK=$(mktemp -d /tmp/zicha-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT


# timed NAME CMD... — runs CMD under /usr/bin/time; appends "wall rss" to $WORK/NAME.times, stderr to $WORK/NAME.err
timed() {
  local name=$1; shift
  if ! /usr/bin/time -o "$WORK/time" -f "%e %M" "$@" 2> "$WORK/$name.err" > /dev/null; then
    # Its stderr goes with the work folder at exit: say why here (a full disk stopped a 1M batch silently once).
    echo "run.sh: the $name run failed:" >&2; { grep -v '^\(stage\|step\)' "$WORK/$name.err" || true; } | tail -5 >&2; df -h "$WORK" | tail -1 >&2
    exit 1
  fi
  cat "$WORK/time" >> "$WORK/$name.times"
}

# Between the runs after a first night: a night follows the previous one by a day, not by seconds. The same-night
# run replaces its folder (13,726 counselor files deleted), and on this journal-less ext4 files created within ~30 s of such
# a deletion are slower to create (see "How the runs are laid out" in BENCHMARKS.md): written back and waited out.
settle() { sync; sleep "${SETTLE:-35}"; }

zicha_night() {  # zicha_night NAME DATA DB OUT [MORE ARGS] — timed run of one night
  local name=$1 data=$2 db=$3 out=$4; shift 4
  timed "$name" env ZICHA_PROFILE=1 "$ZICHA" nightly --roster "${ROSTER:-$data/roster.csv}" --log "$data/log.csv" --counselors "$data/counselors.csv" \
    --db "$db" --out "$out" --as-of "${NIGHT:-$AS_OF}" --no-mail -q "$@"
}

printf '%-9s %-10s %9s %9s %12s   %s\n' size tool "wall s" "peak MB" "rows/s" "stages (s, median)"
for N in "${SIZES[@]}"; do
  DATA=$(night_folder "$N")
  if [ ! -f "$DATA/truth.json" ]; then
    "$PY" "$BENCH/gen.py" --students "$N" --seed 1 --out "$DATA" >&2
  fi
  rows=$(( $(wc -l < "$DATA/roster.csv") + $(wc -l < "$DATA/log.csv") - 2 ))
  rm -f "$WORK"/*.times "$WORK"/stages.*
  # Every run writes into a folder of its own, all removed when the benchmark ends. This machine's ext4 has no
  # journal, and without one ext4 skips inodes deleted in the last 30 s (minutes while their table block is dirty)
  # when it creates a file: removing the last run's 13,726 counselor files just before a run cost that run's
  # counselor pass 3 s at 1M. A night never follows such a deletion (yesterday's folder stays).
  for ((i = 1; i <= RUNS; i++)); do
    rm -rf "$WORK/d"; Z=$WORK/z$N-$i; mkdir -p "$Z"
    zicha_night zicha "$DATA" "$Z/db.sqlite" "$Z/out"
    awk '/^(stage|step)/ {print $2, $3}' "$WORK/zicha.err" >> "$WORK/stages.all"
    timed duckdb "$PY" "$BENCH/peer_duckdb.py" "$DATA" "$WORK/d"
  done
  stages=$(for s in $(awk '{print $1}' "$WORK/stages.all" | awk '!seen[$0]++'); do
    printf '%s %.2f  ' "$s" "$(awk -v s="$s" '$1 == s {print $2}' "$WORK/stages.all" | median)"; done)
  zw=$(awk '{print $1}' "$WORK/zicha.times" | median); zm=$(awk '{print $2}' "$WORK/zicha.times" | median)
  dw=$(awk '{print $1}' "$WORK/duckdb.times" | median); dm=$(awk '{print $2}' "$WORK/duckdb.times" | median)
  printf '%-9s %-10s %9.2f %9.0f %12.0f   %s\n' "$N" zicha "$zw" "$(echo "$zm / 1024" | bc -l)" "$(echo "$rows / $zw" | bc -l)" "$stages"
  printf '%-9s %-10s %9.2f %9.0f %12.0f\n' "$N" duckdb "$dw" "$(echo "$dm / 1024" | bc -l)" "$(echo "$rows / $dw" | bc -l)"
  printf '%-9s ratio zicha/duckdb (wall, medians of %d alternating runs): %.2f\n' "$N" "$RUNS" "$(echo "$zw / $dw" | bc -l)"
  # Each pair ran back to back: on a host whose speed drifts, the spread and median of the pairs' own ratios show
  # how much of a difference is the machine.
  pairs=$(paste -d' ' <(awk '{print $1}' "$WORK/zicha.times") <(awk '{print $1}' "$WORK/duckdb.times"))
  printf '%-9s pairs (zicha / duckdb s, ratio): %s; median of the pairs'"'"' ratios %.2f\n' "$N" \
    "$(echo "$pairs" | awk '{printf "%s%.2f / %.2f (%.2f)", (NR > 1 ? ", " : ""), $1, $2, $1 / $2}')" \
    "$(echo "$pairs" | awk '{print $1 / $2}' | median)"
  if [ "${CHECK:-1}" != 0 ]; then
    python3 "$REPO/Benchmarks/to_check_format.py" "$Z/out/$AS_OF" "$WORK/chk" > /dev/null
    python3 "$BENCH/check.py" "$DATA" "$WORK/chk" > "$WORK/check.out" && ok1=exact || ok1=DIFFERS
    python3 "$REPO/Benchmarks/check_all_codes.py" "$DATA" "$Z/out/$AS_OF" > "$WORK/codes.out" && ok2=exact || ok2=DIFFERS
    printf '%-9s correctness: check.py %s, check_all_codes.py %s\n' "$N" "$ok1" "$ok2"
  fi
  if [ "${RERUN:-1}" != 0 ]; then
    rm -f "$WORK/rerun.times"
    zicha_night rerun "$DATA" "$Z/db.sqlite" "$Z/out"
    read -r rw rm_ < "$WORK/rerun.times"
    printf '%-9s second run of the same night (unchanged files, same db): %.2f s, %.0f MB (%.0f%% of the first)  %s\n' \
      "$N" "$rw" "$(echo "$rm_ / 1024" | bc -l)" "$(echo "100 * $rw / $zw" | bc -l)" \
      "$(awk '/^stage/ {printf "%s %s  ", $2, $3}' "$WORK/rerun.err")"
    awk -F, -v day="$AS_OF 23:00:00" 'NR == 1 {print; next} NR % 100 == 0 {OFS = ","; $1 = day; print}' "$DATA/log.csv" > "$WORK/delta.csv"
    settle
    zicha_night delta "$DATA" "$Z/db.sqlite" "$Z/out" --log "$WORK/delta.csv"
    read -r dw_ dm_ < "$WORK/delta.times"
    printf '%-9s the same night with 1%% more log rows (%d, same db): %.2f s, %.0f MB (%.0f%% of the first)  %s\n' \
      "$N" "$(( $(wc -l < "$WORK/delta.csv") - 1 ))" "$dw_" "$(echo "$dm_ / 1024" | bc -l)" "$(echo "100 * $dw_ / $zw" | bc -l)" \
      "$(awk '/^stage/ {printf "%s %s  ", $2, $3}' "$WORK/delta.err")"
    awk -F, 'NR == 1 {print; next} NR % 100 == 50 {OFS = ","; $1 = "2024-10-16 10:00:00"; print}' "$DATA/log.csv" > "$WORK/next.csv"
    settle
    NIGHT=2024-10-16 zicha_night next "$DATA" "$Z/db.sqlite" "$Z/out" --log "$WORK/delta.csv" --log "$WORK/next.csv"
    read -r nw_ nm_ < "$WORK/next.times"
    printf '%-9s the next night, its only new file a log of 1%% of the rows (%d, same db): %.2f s, %.0f MB (%.0f%% of the first)  %s\n' \
      "$N" "$(( $(wc -l < "$WORK/next.csv") - 1 ))" "$nw_" "$(echo "$nm_ / 1024" | bc -l)" "$(echo "100 * $nw_ / $zw" | bc -l)" \
      "$(awk '/^stage/ {printf "%s %s  ", $2, $3}' "$WORK/next.err")"
    awk -F, 'BEGIN {OFS = ","} NR > 1 && NR % 100 == 0 {$8 = "139" substr($8, 4)} {print}' "$DATA/roster.csv" > "$WORK/roster.csv"
    awk -F, 'NR == 1 {print; next} NR % 100 == 75 {OFS = ","; $1 = "2024-10-17 10:00:00"; print}' "$DATA/log.csv" > "$WORK/next2.csv"
    settle
    ROSTER=$WORK/roster.csv NIGHT=2024-10-17 zicha_night roster "$DATA" "$Z/db.sqlite" "$Z/out" \
      --log "$WORK/delta.csv" --log "$WORK/next.csv" --log "$WORK/next2.csv"
    read -r ow_ om_ < "$WORK/roster.times"
    printf '%-9s the night after, a roster with 1%% of students changed and a 1%% log (same db): %.2f s, %.0f MB (%.0f%% of the first)  %s\n' \
      "$N" "$ow_" "$(echo "$om_ / 1024" | bc -l)" "$(echo "100 * $ow_ / $zw" | bc -l)" \
      "$(awk '/^stage/ {printf "%s %s  ", $2, $3}' "$WORK/roster.err")"
  fi
done
