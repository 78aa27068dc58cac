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
# The web app's release build (`release_trunk build --release`, `release_trunk serve --release`):
# rustc itself, not the clippy-driver wrapper of the test builds (it compiles without MIR
# optimisations), with the standard library rebuilt for size. Two unstable switches of the
# pinned rustc (rust-toolchain.toml; RUSTC_BOOTSTRAP admits them on that stable compiler):
# -Zbuild-std with std's optimize_for_size (smaller sort, formatting and collection code), and
# -Cpanic=immediate-abort (a panic is a bare trap: no message formatting, locations or panic
# hook in the module; www/boot.js shows the error screen for a trap). Together 28 KB less at start
# (BENCHMARKS.md). They apply to the wasm32 builds only: trunk's and scripts/inline-wasm.mjs's
# on-demand modules; native builds and the test builds are unaffected.
release_trunk() {
  env -u RUSTC_WORKSPACE_WRAPPER RUSTC_BOOTSTRAP=1 \
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" \
    trunk "$@"
}
# `cargo install` of a tool Keyhole only runs (Trunk, wasm-bindgen-cli, cargo-fuzz), compiled
# for a short install rather than for speed: optimisation level $1, no LTO (Trunk's manifest
# asks for fat LTO and one codegen unit), no debug info. A cold CI machine installs all three.
quick_install() {
  local opt="$1"
  shift
  CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt" CARGO_PROFILE_RELEASE_LTO=off \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 CARGO_PROFILE_RELEASE_DEBUG=0 \
    cargo install "$@"
}
