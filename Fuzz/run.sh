#!/bin/sh
# Runs one fuzz target with its corpus: `Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]`.
# The corpus grows in .build/fuzz/corpus/TARGET (seeded from SampleData, the fixtures and
# Fuzz/regressions); crashes land in .build/fuzz/artifacts/TARGET/. Exit status non-zero on a finding.
# A one-line summary (executions, seconds, corpus size) is appended to .build/fuzz/runs.log.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${FUZZ_OUT:-$ROOT/.build/fuzz}
target=${1:?usage: Fuzz/run.sh TARGET SECONDS}
seconds=${2:-60}
shift 2 || shift $#
[ -x "$OUT/fuzz-$target" ] || "$ROOT/Fuzz/build.sh" "$target"
corpus=$OUT/corpus/$target
if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    python3 "$ROOT/Fuzz/seed.py" "$OUT/corpus" "$target"
fi
mkdir -p "$OUT/artifacts/$target"
log=$OUT/fuzz-$target.run.log
# The Swift runtime's own crash handler fights ASan's: let libFuzzer and ASan report.
status=0
start=$(date +%s)
SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$ROOT/Fuzz/lsan.supp \
    "$OUT/fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$OUT/artifacts/$target/" "$@" "$corpus" >"$log" 2>&1 || status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
# A run that stops at a finding prints no "Done" line: the wall time is then measured here.
secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
[ -n "$secs" ] || secs=$(( $(date +%s) - start ))
units=$(ls "$corpus" | wc -l)
line="$(date -u +%Y-%m-%dT%H:%MZ) $target execs=${execs:-?} seconds=$secs corpus=$units status=$status"
echo "$line" | tee -a "$OUT/runs.log"
if [ "$status" -ne 0 ]; then
    grep -E "invariant violated|ERROR: AddressSanitizer|ERROR: libFuzzer|Test unit written|SUMMARY" "$log" | head -8 >&2
fi
exit "$status"
