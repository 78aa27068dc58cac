#!/usr/bin/env bash
# Measures `keyhole check --stream` (issue 17) on the generated million-token input: tokens per
# second and peak resident memory (/usr/bin/time -v) of a release build, NDJSON from a file,
# the same NDJSON on stdin, and (when generated with --text) access-log lines to search.
# Generates the input first when missing (tools/stream-bench/generate.mjs: several minutes;
# the ≈2 GB it writes under bench/out/stream/ are kept for the next run).
# Usage: tools/stream-bench/run.sh [--tokens N] [--runs R]
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
cd "$KEYHOLE_ROOT"
tokens=1000000; runs=3
while [ $# -gt 0 ]; do
  case $1 in
    --tokens) tokens=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) say "usage: tools/stream-bench/run.sh [--tokens N] [--runs R]"; exit 2 ;;
  esac
done
OUT="${KEYHOLE_BENCH_OUT:-$KEYHOLE_ROOT/bench/out}/stream-$tokens"
if [ ! -s "$OUT/tokens.ndjson" ] || [ "$(wc -l < "$OUT/tokens.ndjson")" -ne "$tokens" ]; then
  say "generating $tokens tokens into $OUT"
  node tools/stream-bench/generate.mjs "$OUT" --tokens "$tokens" --text
fi
cargo build --release -p keyhole-cli --locked -q
BIN=$(mktemp /tmp/keyhole-stream-bench.XXXXXX)
cp target/release/keyhole "$BIN" && chmod +x "$BIN"
trap 'rm -f "$BIN"' EXIT
say "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores), load $(cut -d' ' -f1-3 /proc/loadavg)"
KEYS=(--keys "$OUT/keys.json" --source https://login.microsoftonline.com/common/discovery/v2.0/keys --now 1793534400)

measure() { # name, then the command (stdout discarded, counted)
  local name=$1; shift
  for i in $(seq "$runs"); do
    /usr/bin/time -v -o "$OUT/time.txt" "$@" > "$OUT/records.ndjson" || { say "exit status $?"; exit 1; }
    local wall rss lines cpu
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + p[j]; print s }' "$OUT/time.txt")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$OUT/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$OUT/time.txt")
    lines=$(wc -l < "$OUT/records.ndjson")
    echo "$name run $i: $lines records, ${wall} s wall, ${cpu} s CPU, $(awk -v n="$lines" -v w="$wall" 'BEGIN { printf "%.0f", n / w }') tokens/s, peak RSS ${rss} MB"
  done
}
measure "ndjson file" "$BIN" check --stream "${KEYS[@]}" "$OUT/tokens.ndjson"
measure "ndjson stdin" sh -c "\"\$0\" check --stream $(printf '%q ' "${KEYS[@]}") - < \"\$1\"" "$BIN" "$OUT/tokens.ndjson"
[ ! -s "$OUT/tokens.log" ] || measure "log text file" "$BIN" check --stream "${KEYS[@]}" "$OUT/tokens.log"
say "verdicts of the last run: $(grep -o '"verdict":"[a-z]*"' "$OUT/records.ndjson" | sort | uniq -c | tr '\n' ' ')"
rm -f "$OUT/records.ndjson"
