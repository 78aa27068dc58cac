# Sourced by the scripts: puts the project's tools first on PATH.
# shellcheck shell=bash
KEYHOLE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KEYHOLE_ROOT
export PATH="$KEYHOLE_ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Every message carries the time since the first script of this run started (exported, so
# scripts/test, scripts/python-test and scripts/fuzz under .ci/run share one clock): a CI log's
# tail then says where the time went.
export KEYHOLE_T0="${KEYHOLE_T0:-$(date +%s)}"
say() {
  local s=$(($(date +%s) - KEYHOLE_T0))
  printf '\033[1m[keyhole %d:%02d]\033[0m %s\n' $((s / 60)) $((s % 60)) "$*" >&2
}
# Returns 1 (after saying so) when a build log holds a compiler warning about Keyhole's own code
# (cargo caps dependencies' lints): the `-D warnings` of the builds clippy-driver lints in
# (scripts/test, scripts/python-test).
no_warnings() {
  if grep -E '^warning: `[^`]+` \(.*\) generated [0-9]+ warnings?' "$1" >&2; then
    say "FAIL: compiler or clippy warnings in Keyhole's code (see $1); the project builds with -D warnings"
    return 1
  fi
}
