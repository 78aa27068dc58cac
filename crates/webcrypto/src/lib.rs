//! WebCrypto as a batch verifier: the browser's native `crypto.subtle` answers every planned
//! signature check of a case concurrently (see the web app's `adapters::verification` for how
//! its answers are used). WebCrypto exists only in secure contexts (https, http://127.0.0.1,
//! file://); elsewhere [`available`] is false. A crate of its own so that the fallback verifier
//! module (crates/rust-verifier) answers the conformance diagnostics (`keyholeWebCryptoAnswers`)
//! with this very code, and the app's start module does not carry that diagnostic.
#![forbid(unsafe_code)]

use std::collections::HashMap;

use js_sys::{Array, Object, Promise, Reflect};
use keyhole_engine::b64::encode_url;
use keyhole_engine::keys::KeyMaterial;
use keyhole_engine::verify::{Alg, PlannedCheck};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::SubtleCrypto;

/// `crypto.subtle`, if this context has it.
pub fn subtle() -> Option<SubtleCrypto> {
    let global = js_sys::global();
    let crypto = Reflect::get(&global, &"crypto".into()).ok()?;
    if crypto.is_undefined() || crypto.is_null() {
        return None;
    }
    let subtle = Reflect::get(&crypto, &"subtle".into()).ok()?;
    (!subtle.is_undefined() && !subtle.is_null()).then(|| subtle.unchecked_into())
}

/// True when `crypto.subtle` can be used here.
pub fn available() -> bool {
    subtle().is_some()
}

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o
}

fn hash(alg: Alg) -> &'static str {
    match alg {
        Alg::HS384 | Alg::RS384 | Alg::PS384 | Alg::ES384 => "SHA-384",
        Alg::HS512 | Alg::RS512 | Alg::PS512 | Alg::ES512 => "SHA-512",
        _ => "SHA-256",
    }
}

/// (import parameters, verify parameters) for an algorithm WebCrypto implements.
fn params(alg: Alg) -> Option<(Object, Object)> {
    let h = || JsValue::from_str(hash(alg));
    Some(match alg {
        Alg::RS256 | Alg::RS384 | Alg::RS512 => (
            object(&[("name", "RSASSA-PKCS1-v1_5".into()), ("hash", h())]),
            object(&[("name", "RSASSA-PKCS1-v1_5".into())]),
        ),
        Alg::PS256 | Alg::PS384 | Alg::PS512 => {
            let salt = match alg {
                Alg::PS384 => 48,
                Alg::PS512 => 64,
                _ => 32,
            };
            (
                object(&[("name", "RSA-PSS".into()), ("hash", h())]),
                object(&[("name", "RSA-PSS".into()), ("saltLength", salt.into())]),
            )
        }
        Alg::ES256 | Alg::ES384 | Alg::ES512 => {
            let curve = match alg {
                Alg::ES384 => "P-384",
                Alg::ES512 => "P-521",
                _ => "P-256",
            };
            (
                object(&[("name", "ECDSA".into()), ("namedCurve", curve.into())]),
                object(&[("name", "ECDSA".into()), ("hash", h())]),
            )
        }
        Alg::EdDSA => (
            object(&[("name", "Ed25519".into())]),
            object(&[("name", "Ed25519".into())]),
        ),
        Alg::HS256 | Alg::HS384 | Alg::HS512 => (
            object(&[("name", "HMAC".into()), ("hash", h())]),
            object(&[("name", "HMAC".into())]),
        ),
        _ => return None,
    })
}

fn jwk(material: &KeyMaterial) -> Option<Object> {
    let s = |b: &[u8]| JsValue::from_str(&encode_url(b));
    Some(match material {
        KeyMaterial::Rsa { n, e } => object(&[("kty", "RSA".into()), ("n", s(n)), ("e", s(e))]),
        KeyMaterial::Ec { crv, x, y } => object(&[
            ("kty", "EC".into()),
            ("crv", crv.as_str().into()),
            ("x", s(x)),
            ("y", s(y)),
        ]),
        KeyMaterial::Okp { crv, x } if crv == "Ed25519" => object(&[
            ("kty", "OKP".into()),
            ("crv", "Ed25519".into()),
            ("x", s(x)),
        ]),
        KeyMaterial::Oct { secret } => object(&[("kty", "oct".into()), ("k", s(secret))]),
        KeyMaterial::Okp { .. } => return None,
    })
}

/// Keys numbered for `keyholeVerifyBatch`, each once per distinct key and algorithm. Key ids
/// are only unique within one case, so the material is compared too.
#[derive(Default)]
pub struct ImportedKeys {
    numbered: HashMap<(String, Alg), Vec<(KeyMaterial, u32)>>,
}

thread_local! {
    /// The next key number: never reused in a page's lifetime, since the script's import
    /// caches outlive one analysis.
    static NEXT_KEY: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// WebCrypto verifications under way: a promise of one answer byte per check; [`settle`]
/// gives the answers.
pub struct Pending(Promise);

/// Starts every verification of `checks` in `keyholeVerifyBatch` (www/webcrypto.js), which
/// calls `crypto.subtle.verify` from JavaScript, in a worker for large batches: from wasm each
/// call cost the page's main thread ≈15 µs, on a 10,000-token case the largest single cost.
/// WebCrypto works on its own threads while the caller goes on, until it awaits [`settle`].
/// Without the script (a page that did not load it) every check is left unanswered, and the
/// reference verifier decides them.
pub fn start(keys: &mut ImportedKeys, checks: &[PlannedCheck]) -> Pending {
    let Some(f) = Reflect::get(&js_sys::global(), &"keyholeVerifyBatch".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return Pending(Promise::reject(
            &"keyholeVerifyBatch is missing (www/webcrypto.js is not loaded)".into(),
        ));
    };
    let defs = Array::new();
    let mut sent: Vec<u32> = Vec::new();
    let mut table: Vec<u32> = Vec::with_capacity(checks.len() * 5);
    let bytes: usize = checks
        .iter()
        .map(|c| c.signing_input.len() + c.signature.len())
        .sum();
    let mut data: Vec<u8> = Vec::with_capacity(bytes);
    for c in checks {
        let entry = keys.numbered.entry((c.key_id.clone(), c.alg)).or_default();
        let number = match entry.iter().find(|(m, _)| *m == c.material) {
            Some((_, n)) => *n,
            None => {
                let n = NEXT_KEY.with(|next| {
                    let n = next.get();
                    next.set(n.wrapping_add(1));
                    n
                });
                entry.push((c.material.clone(), n));
                n
            }
        };
        if !sent.contains(&number) {
            sent.push(number);
            if let (Some((import_params, verify_params)), Some(jwk)) =
                (params(c.alg), jwk(&c.material))
            {
                defs.push(&Array::of4(
                    &number.into(),
                    &jwk,
                    &import_params,
                    &verify_params,
                ));
            }
        }
        let at = |len: usize| u32::try_from(len).unwrap_or(u32::MAX);
        table.push(number);
        table.push(at(data.len()));
        table.push(at(c.signing_input.len()));
        data.extend_from_slice(&c.signing_input);
        table.push(at(data.len()));
        table.push(at(c.signature.len()));
        data.extend_from_slice(&c.signature);
    }
    let table = js_sys::Uint32Array::from(table.as_slice());
    let data = js_sys::Uint8Array::from(data.as_slice());
    let promise = f
        .call3(&JsValue::NULL, &defs, &table, &data)
        .ok()
        .and_then(|p| p.dyn_into::<Promise>().ok())
        .unwrap_or_else(|| Promise::reject(&"keyholeVerifyBatch did not start".into()));
    Pending(promise)
}

/// The answers of [`start`]ed verifications, in order: `Some(true/false)`, or `None` where
/// WebCrypto could not answer (unsupported algorithm or key, import refused).
pub async fn settle(pending: Pending) -> Result<Vec<Option<bool>>, String> {
    let out = JsFuture::from(pending.0).await.map_err(|e| {
        e.as_string()
            .unwrap_or_else(|| "WebCrypto verification failed".into())
    })?;
    let out: js_sys::Uint8Array = out
        .dyn_into()
        .map_err(|_| "keyholeVerifyBatch answered something other than bytes")?;
    Ok(out
        .to_vec()
        .into_iter()
        .map(|b| match b {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        })
        .collect())
}

/// Answers every check (see [`settle`]). Errors only when WebCrypto is missing.
pub async fn answer_all(checks: &[PlannedCheck]) -> Result<Vec<Option<bool>>, String> {
    subtle().ok_or("WebCrypto is not available (not a secure context)")?;
    settle(start(&mut ImportedKeys::default(), checks)).await
}
