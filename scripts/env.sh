# Sourced by the scripts: puts the project's tools first on PATH.
# shellcheck shell=bash
KEYHOLE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KEYHOLE_ROOT
export PATH="$KEYHOLE_ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
say() { printf '\033[1m[keyhole]\033[0m %s\n' "$*" >&2; }
