#!/usr/bin/env bash
# Size experiments: builds the web app's wasm in a scratch copy of the source with one change at
# a time (a profile setting, or a dependency's use stubbed out) and prints what each change
# saves, raw / gzip / brotli, after wasm-bindgen and `wasm-opt -Oz` exactly as Trunk runs them.
# Nothing in the worktree is modified. Usage: bench/size-variants.sh [VARIANT...]
# Variants: baseline opt-s opt-3 no-crypto no-x509 no-crypto-no-x509 (default: all)
# Env: KEYHOLE_VARIANT_TARGET (cargo target dir, default /tmp/keyhole-size-variants/target).
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
cd "$KEYHOLE_ROOT"
WORK=${KEYHOLE_VARIANT_WORK:-/tmp/keyhole-size-variants}
export CARGO_TARGET_DIR=${KEYHOLE_VARIANT_TARGET:-$WORK/target}
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(baseline opt-s no-crypto no-x509 no-crypto-no-x509)
mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"
[ -f "$RESULTS" ] || printf 'variant\traw\tgzip\tbrotli\n' > "$RESULTS"

# Text edits applied with python so a mismatch (source changed) is an error, never a silent no-op.
edit() { # FILE OLD NEW
  python3 - "$@" <<'PY'
import sys
path, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
s = open(path).read()
if old not in s:
    sys.exit(f"size-variants: {path} no longer contains the text to stub: {old[:60]!r}")
open(path, "w").write(s.replace(old, new, 1))
PY
}

stub_crypto() { # Every signature check answers "unsupported"; EC/RSA key validation is skipped.
  local e=$1/crates/engine/src
  edit "$e/verify/jsonwebtoken_verifier.rs" '    ) -> Result<bool, VerifyError> {
        let decoding' '    ) -> Result<bool, VerifyError> {
        #[allow(unreachable_code)]
        if true { return Err(unsupported(alg, "size experiment")); }
        let decoding'
  edit "$e/keys/material.rs" '    rsa::RsaPublicKey::new_with_max_size(' '    #[cfg(any())] rsa::RsaPublicKey::new_with_max_size('
  edit "$e/keys/material.rs" '    let on_curve = match crv {' '    let on_curve = true || match crv {'
  edit "$e/keys/material.rs" '        let key = rsa::RsaPublicKey::from_pkcs1_der(bits)
            .map_err(|e| format!("the RSA public key does not decode: {e}"))?;
        return rsa_material(&key.n().to_bytes_be(), &key.e().to_bytes_be());' '        return material_from_pkcs1_der(bits);'
  edit "$e/keys/material.rs" '    let point = match crv {' '    let point = match "" {'
}
stub_x509() { # Certificates are never parsed (x5c, PEM certificates).
  edit "$1/crates/engine/src/keys/certificate.rs" '    let cert =
        Certificate::from_der(der)' '    if true { return Err("size experiment".into()); }
    #[allow(unreachable_code)]
    let cert =
        Certificate::from_der(der)'
}
set_profile() { # KEY VALUE in [profile.release]
  python3 - "$1/Cargo.toml" "$2" "$3" <<'PY'
import re, sys
path, key, value = sys.argv[1:]
s = open(path).read()
head, sep, rest = s.partition("[profile.release]\n")
body, nxt, tail = rest.partition("\n[")
lines = [l for l in body.split("\n") if not l.startswith(key + " ")]
lines.insert(0, f"{key} = {value}")
open(path, "w").write(head + sep + "\n".join(lines) + nxt + tail)
PY
}

for v in "${variants[@]}"; do
  src="$WORK/src-$v"
  rm -rf "$src"; mkdir -p "$src"
  tar -C "$KEYHOLE_ROOT" --exclude=./target --exclude=./node_modules --exclude=./dist --exclude=./.git -cf - . | tar -C "$src" -xf -
  case $v in
    baseline) ;;
    opt-s) set_profile "$src" opt-level '"s"' ;;
    opt-3) set_profile "$src" opt-level '3' ;;
    no-crypto) stub_crypto "$src" ;;
    no-x509) stub_x509 "$src" ;;
    no-crypto-no-x509) stub_crypto "$src"; stub_x509 "$src" ;;
    *) say "unknown variant $v"; exit 2 ;;
  esac
  say "size variant $v: building"
  if ! ( cd "$src" && cargo build --release --offline --locked -q --target wasm32-unknown-unknown -p keyhole-app ) > "$WORK/build-$v.log" 2>&1; then
    say "size variant $v: the build failed (see $WORK/build-$v.log)"; tail -n 20 "$WORK/build-$v.log" >&2; exit 1
  fi
  out="$WORK/out-$v"; rm -rf "$out"; mkdir -p "$out"
  wasm-bindgen --target no-modules --out-dir "$out" "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/keyhole-app.wasm"
  wasm-opt -Oz "$out/keyhole-app_bg.wasm" -o "$out/opt.wasm"
  sizes=$(node -e '
    const z = require("node:zlib"); const b = require("node:fs").readFileSync(process.argv[1]);
    const br = z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    console.log([b.length, z.gzipSync(b, { level: 9 }).length, br].join("\t"));' "$out/opt.wasm")
  printf '%s\t%s\n' "$v" "$sizes" | tee -a "$RESULTS"
  rm -rf "$src"
done
say "results (wasm after wasm-opt -Oz, bytes): $RESULTS"
column -t "$RESULTS" >&2
