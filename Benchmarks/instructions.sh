#!/usr/bin/env bash
# Benchmarks/instructions.sh [ZICHA] — instructions (callgrind's Ir) of reconciling and reporting a 100k night.
#
# Wall time on this shared 2-core machine moves by ±10 % from run to run; instruction counts do not (two runs of one
# build differ by < 0.01 %), so a change of a few per cent shows here when run.sh cannot see it.
#
#   ZICHA   default .build/release/zicha. A copy without debug info is profiled: valgrind 3.19 cannot read the
#           DWARF of Swift 6.3 ("Possibly corrupted debuginfo file"); the symbol table is kept, so
#           `callgrind_annotate $WORK/callgrind.out` still names every function.
#   env:    DATA (default /tmp/bench/n100k, made by Benchmarks/run.sh), WORK (default /tmp/zicha-instructions),
#           WHOLE=1 to count a whole first night instead: import, reconcile and report into a fresh database.
#
# By default the night is imported and reconciled natively first; the profiled run then finds its files already
# imported. Under valgrind /proc/self/exe is valgrind's own program, so the build identity differs from the stored
# night's and the profiled run reconciles again: the count covers reconcile and report (and the inputs' SHA-256,
# ≈ 0.9 G instructions under valgrind, which hides the CPU's SHA extensions from OpenSSL).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
ZICHA=${1:-$REPO/.build/release/zicha}
DATA=${DATA:-/tmp/bench/n100k}
WORK=${WORK:-/tmp/zicha-instructions}
[ -f "$DATA/roster.csv" ] || { echo "no $DATA/roster.csv: run Benchmarks/run.sh 100000 first" >&2; exit 1; }
command -v valgrind > /dev/null || { echo "valgrind is not installed (apt-get install -y valgrind)" >&2; exit 1; }
mkdir -p "$WORK"
objcopy --strip-debug "$ZICHA" "$WORK/zicha"
args=(nightly --roster "$DATA/roster.csv" --log "$DATA/log.csv" --counselors "$DATA/counselors.csv"
      --db "$WORK/db.sqlite" --out "$WORK/out" --as-of 2024-10-15 --no-mail -q)
rm -rf "$WORK/out/2024-10-15"
if [ "${WHOLE:-0}" = 1 ]; then rm -f "$WORK/db.sqlite"; else "$WORK/zicha" "${args[@]}"; rm -rf "$WORK/out/2024-10-15"; fi
valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" "$WORK/zicha" "${args[@]}" 2>&1 \
  | awk '/Collected/ {print "instructions:", $NF}'
echo "profile: callgrind_annotate $WORK/callgrind.out"
