//! Verification benchmark: one signature check per algorithm with the reference verifier
//! (`jsonwebtoken`, RustCrypto backend), key already parsed: RS256, PS256, ES256, ES384, EdDSA,
//! HS256. Keys and tokens are SYNTHETIC, from `benches/fixtures/verify.json`
//! (`bench/gen-verify-fixture.mjs`).

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use criterion::Criterion;
    use keyhole_engine::keys::{parse_key_set, KeyMaterial};
    use keyhole_engine::verify::{Alg, JsonWebTokenVerifier, SignatureVerifier};
    use keyhole_engine::{b64, token};
    use serde_json::{json, Value};

    struct Case {
        alg: Alg,
        key: KeyMaterial,
        signing_input: Vec<u8>,
        signature: Vec<u8>,
    }

    fn cases() -> Vec<Case> {
        let fixture: Value = serde_json::from_str(include_str!("fixtures/verify.json"))
            .unwrap_or_else(|e| unreachable!("verify.json: {e}"));
        let entries = fixture["entries"].as_array().cloned().unwrap_or_default();
        entries
            .iter()
            .map(|e| {
                let name = e["alg"].as_str().unwrap_or_default();
                let alg = Alg::parse(name).unwrap_or_else(|| unreachable!("unknown alg {name}"));
                let set = parse_key_set(0, None, None, &json!({ "keys": [e["jwk"].clone()] }));
                let key = set
                    .keys
                    .first()
                    .map(|k| k.material.clone())
                    .unwrap_or_else(|| unreachable!("{name}: key not read: {:?}", set.problems));
                let parsed = token::parse_compact(e["token"].as_str().unwrap_or_default())
                    .unwrap_or_else(|err| unreachable!("{name}: {err}"));
                let block = parsed
                    .primary()
                    .unwrap_or_else(|| unreachable!("{name}: no signature"));
                let signature = b64::decode_url(&block.signature_b64)
                    .unwrap_or_else(|err| unreachable!("{name}: {err}"));
                Case {
                    alg,
                    key,
                    signing_input: block.signing_input.clone(),
                    signature,
                }
            })
            .collect()
    }

    pub fn benches() {
        let cases = cases();
        assert_eq!(cases.len(), 6, "one fixture per benchmarked algorithm");
        let verifier = JsonWebTokenVerifier;
        let mut c = Criterion::default().configure_from_args();
        let mut group = c.benchmark_group("verify");
        for case in &cases {
            // A benchmark of a failing check would measure the wrong path: verify first.
            let ok = verifier.verify(case.alg, &case.key, &case.signing_input, &case.signature);
            assert_eq!(ok, Ok(true), "{} fixture must verify", case.alg);
            group.bench_function(case.alg.as_str(), |b| {
                b.iter(|| {
                    verifier.verify(
                        case.alg,
                        std::hint::black_box(&case.key),
                        std::hint::black_box(&case.signing_input),
                        std::hint::black_box(&case.signature),
                    )
                })
            });
        }
        group.finish();
        c.final_summary();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    bench::benches();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
