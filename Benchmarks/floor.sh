#!/usr/bin/env bash
# Benchmarks/floor.sh [SIZE] — what storing a night's rows in SQLite costs at the least, beside the DuckDB peer.
#
# Runs, alternately, `sqlite3`'s own `.import` of the night's roster and log into a fresh database (every cell as
# text, no index, no normalization, nothing read back) and `peer_duckdb.py`'s whole job (read, reconcile, write its two
# files), and prints both medians and their ratio. zicha does more than that `.import` with the same rows — it
# normalizes them, indexes them, reconciles, keeps the results and writes 1.1 GB of reports at 1M — so any design that
# keeps every row of the night in SQLite on one thread takes at least this ratio of the peer's time. The CPU seconds
# (user + system) are printed too: the peer spreads its work over both cores, `.import` uses one.
#
#   SIZE     default 1000000 (data in $DATA_ROOT/n1m/, as Benchmarks/run.sh makes it)
#   env:     RUNS (default 3), BENCH, DATA_ROOT, PY as in run.sh; SQLITE3 (default sqlite3: Debian's CLI)
set -euo pipefail
. "$(dirname "$0")/common.sh"
SQLITE3=${SQLITE3:-sqlite3}
N=${1:-1000000}
DATA=$(night_folder "$N")
[ -f "$DATA/roster.csv" ] || { echo "no $DATA/roster.csv: run Benchmarks/run.sh $N first" >&2; exit 1; }
command -v "$SQLITE3" > /dev/null || { echo "no $SQLITE3 (apt-get install -y sqlite3)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/zicha-floor.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

for ((i = 1; i <= RUNS; i++)); do
  rm -f "$WORK/import.db"
  /usr/bin/time -a -o "$WORK/import.times" -f "%e %U %S" "$SQLITE3" "$WORK/import.db" \
    ".mode csv" ".import $DATA/roster.csv roster" ".import $DATA/log.csv log" > /dev/null
  rm -rf "$WORK/d"
  /usr/bin/time -a -o "$WORK/duckdb.times" -f "%e %U %S" "$PY" "$BENCH/peer_duckdb.py" "$DATA" "$WORK/d" > /dev/null 2> "$WORK/duckdb.err"
done
wall() { awk '{print $1}' "$WORK/$1.times" | median; }
cpu() { awk '{print $2 + $3}' "$WORK/$1.times" | median; }
iw=$(wall import); dw=$(wall duckdb); ic=$(cpu import); dc=$(cpu duckdb)
printf '%s students, %d alternating runs (medians): sqlite3 .import of roster and log %.2f s (CPU %.2f s), DuckDB peer %.2f s (CPU %.2f s); wall ratio %.2f, CPU ratio %.2f\n' \
  "$N" "$RUNS" "$iw" "$ic" "$dw" "$dc" "$(echo "$iw / $dw" | bc -l)" "$(echo "$ic / $dc" | bc -l)"
printf 'pairs (import / duckdb wall s): %s\n' "$(paste -d' ' "$WORK/import.times" "$WORK/duckdb.times" | awk '{printf "%s%.2f / %.2f", (NR > 1 ? ", " : ""), $1, $4}')"
