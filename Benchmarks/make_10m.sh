#!/bin/sh
# 10M night for the scale run: gen.py needs > 23 GiB at 10M, so two 5M nights (seeds 1 and 2) are merged;
# the second's 考生号 start with 25 instead of 24 and its classes end with "B", so nothing collides.
PY=${PY:-${XDG_CACHE_HOME:-$HOME/.cache}/zicha-bench-venv/bin/python}
G=${BENCH:-$(cd "$(dirname "$0")/.." && pwd)/../shared/bench}/gen.py
nice -n 10 $PY $G --students 5000000 --seed 1 --out ${DATA_ROOT:-/tmp/bench}/n5m-s1 || exit 1
nice -n 10 $PY $G --students 5000000 --seed 2 --out ${DATA_ROOT:-/tmp/bench}/n5m-s2 || exit 1
mkdir -p ${DATA_ROOT:-/tmp/bench}/n10m
cp ${DATA_ROOT:-/tmp/bench}/n5m-s1/roster.csv ${DATA_ROOT:-/tmp/bench}/n10m/roster.csv
tail -n +2 ${DATA_ROOT:-/tmp/bench}/n5m-s2/roster.csv | awk -F, 'BEGIN{OFS=","} {sub(/^24/, "25", $1); $11 = $11 "B"; print}' >> ${DATA_ROOT:-/tmp/bench}/n10m/roster.csv
cp ${DATA_ROOT:-/tmp/bench}/n5m-s1/counselors.csv ${DATA_ROOT:-/tmp/bench}/n10m/counselors.csv
tail -n +2 ${DATA_ROOT:-/tmp/bench}/n5m-s2/counselors.csv | awk -F, 'BEGIN{OFS=","} {$1 = $1 "B"; print}' >> ${DATA_ROOT:-/tmp/bench}/n10m/counselors.csv
cp ${DATA_ROOT:-/tmp/bench}/n5m-s1/log.csv ${DATA_ROOT:-/tmp/bench}/n10m/log.csv
tail -n +2 ${DATA_ROOT:-/tmp/bench}/n5m-s2/log.csv >> ${DATA_ROOT:-/tmp/bench}/n10m/log.csv
rm -f ${DATA_ROOT:-/tmp/bench}/n5m-s1/log.csv ${DATA_ROOT:-/tmp/bench}/n5m-s2/log.csv ${DATA_ROOT:-/tmp/bench}/n5m-s1/roster.csv ${DATA_ROOT:-/tmp/bench}/n5m-s2/roster.csv
echo done
