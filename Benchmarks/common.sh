# Benchmarks/common.sh — sourced by run.sh and floor.sh: where things are, and the helpers both use.
#   env: BENCH (default ../shared/bench beside the repo), DATA_ROOT (default /tmp/bench), RUNS (default 3),
#        PY (default ~/.cache/zicha-bench-venv/bin/python)
REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH:-$REPO/../shared/bench}
DATA_ROOT=${DATA_ROOT:-/tmp/bench}
RUNS=${RUNS:-3}
PY=${PY:-${XDG_CACHE_HOME:-$HOME/.cache}/zicha-bench-venv/bin/python}

# median — the median of the numbers on standard input, one per line.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# night_folder N — the folder of gen.py's night of N students: $DATA_ROOT/n10k, …/n100k, …/n1m.
night_folder() { if [ "$1" -ge 1000000 ]; then echo "$DATA_ROOT/n$(($1 / 1000000))m"; else echo "$DATA_ROOT/n$(($1 / 1000))k"; fi; }
