//! Test support for the Microsoft identity family tests (issue 13): synthetic tokens shaped like
//! the real ones, signed at test time (RS256, the algorithm Microsoft uses) with the committed
//! synthetic RSA keys of `tools/golden/keys/` (generated for the golden cases; nothing there is
//! real), their public halves published as JWKs with whatever metadata a family's real key sets
//! carry, and cases run through the public entry point `analyze_with_reference`.
//!
//! The key files are only RSA material here: which Microsoft key a test key imitates is decided
//! by the JWK members and key set URL each test gives it, never by the file name.
#![allow(dead_code)] // each test binary uses a different part

use jsonwebtoken::{Algorithm, EncodingKey};
use keyhole_engine::b64;
use keyhole_engine::case::CaseKeySet;
use keyhole_engine::report::{Report, TokenReport, Verdict};
use keyhole_engine::{analyze_with_reference, AnalyzeOptions, CaseFile};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};

/// 2024-06-01T00:00:00Z: the analysis time (the tokens are issued a minute before).
pub const NOW: i64 = 1_717_200_000;

/// Synthetic tenants and applications (GUID-shaped, not real).
pub const TENANT_A: &str = "aaaaaaaa-0000-4000-8000-00000000000a";
pub const TENANT_B: &str = "bbbbbbbb-0000-4000-8000-00000000000b";
pub const TENANT_C: &str = "cccccccc-0000-4000-8000-00000000000c";
pub const APP: &str = "11111111-2222-4333-8444-555555555555";
pub const OTHER_APP: &str = "66666666-7777-4888-8999-000000000000";
/// Microsoft Graph's application id and SharePoint's, as real tokens carry them.
pub const GRAPH_APP: &str = "00000003-0000-0000-c000-000000000000";
pub const SHAREPOINT_APP: &str = "00000003-0000-0ff1-ce00-000000000000";
/// The service principal in the ACS issuer of SharePoint app-only tokens.
pub const ACS_PRINCIPAL: &str = "00000001-0000-0000-c000-000000000000";
pub const ENTRA_TEMPLATE: &str = "https://login.microsoftonline.com/{tenantid}/v2.0";
pub const COMMON_V2_KEYS: &str = "https://login.microsoftonline.com/common/discovery/v2.0/keys";
pub const COMMON_V1_KEYS: &str = "https://login.microsoftonline.com/common/discovery/keys";

/// A synthetic RSA signing key.
#[derive(Debug, Clone, Copy)]
pub struct TestKey {
    pub kid: &'static str,
    pem: &'static str,
}

pub const GLOBAL_KEY: TestKey = TestKey {
    kid: "synthetic-global-entra-key",
    pem: include_str!("../../../../tools/golden/keys/entra-global.pem"),
};
pub const B2C_SHARED_KEY: TestKey = TestKey {
    kid: "synthetic-b2c-user-flow-key",
    pem: include_str!("../../../../tools/golden/keys/generic-rsa.pem"),
};
pub const B2C_CUSTOM_KEY: TestKey = TestKey {
    kid: "synthetic-b2c-custom-policy-key",
    pem: include_str!("../../../../tools/golden/keys/attacker.pem"),
};
pub const APP_KEY: TestKey = TestKey {
    kid: "synthetic-application-key",
    pem: include_str!("../../../../tools/golden/keys/msa-consumer-2016.pem"),
};
pub const PPE_KEY: TestKey = TestKey {
    kid: "synthetic-ppe-key",
    pem: include_str!("../../../../tools/golden/keys/entra-usgov.pem"),
};

fn pem_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    b64::decode_std(&body).unwrap_or_else(|e| panic!("test key PEM: {e}"))
}

impl TestKey {
    fn private(&self) -> rsa::RsaPrivateKey {
        rsa::RsaPrivateKey::from_pkcs8_der(&pem_der(self.pem))
            .unwrap_or_else(|e| panic!("test key: {e}"))
    }

    /// (n, e) as unpadded base64url.
    pub fn public_members(&self) -> (String, String) {
        let key = self.private();
        (
            b64::encode_url(&key.n().to_bytes_be()),
            b64::encode_url(&key.e().to_bytes_be()),
        )
    }

    /// The public JWK (`kty`, `use`, `kid`, `n`, `e`) with `extra` members added.
    pub fn jwk(&self, extra: Value) -> Value {
        let (n, e) = self.public_members();
        let mut jwk = json!({"kty": "RSA", "use": "sig", "kid": self.kid, "n": n, "e": e});
        if let (Some(o), Value::Object(more)) = (jwk.as_object_mut(), extra) {
            o.extend(more);
        }
        jwk
    }

    /// A compact RS256 token over `header` (given `alg` RS256 and this key's `kid`, which
    /// Microsoft also puts in `x5t`) and `claims`.
    pub fn sign(&self, header: Value, claims: &Value) -> String {
        let mut header = header;
        if let Some(o) = header.as_object_mut() {
            o.insert("alg".into(), json!("RS256"));
            o.entry("typ").or_insert(json!("JWT"));
            o.entry("kid").or_insert(json!(self.kid));
        }
        let input = format!(
            "{}.{}",
            b64::encode_url(header.to_string().as_bytes()),
            b64::encode_url(claims.to_string().as_bytes())
        );
        let key = EncodingKey::from_rsa_pem(self.pem.as_bytes())
            .unwrap_or_else(|e| panic!("test key: {e}"));
        let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key, Algorithm::RS256)
            .unwrap_or_else(|e| panic!("signing: {e}"));
        format!("{input}.{signature}")
    }
}

/// The global Entra key as the v2 common set publishes it: `issuer` template and
/// `cloud_instance_name` (strong evidence of scope and cloud).
pub fn global_jwk() -> Value {
    GLOBAL_KEY.jwk(json!({"issuer": ENTRA_TEMPLATE, "cloud_instance_name": "microsoftonline.com"}))
}

/// A JWKS document of these keys.
pub fn jwks(keys: Vec<Value>) -> Value {
    json!({ "keys": keys })
}

/// One key document with the URL it was fetched from.
pub fn key_set(source: &str, document: Value) -> CaseKeySet {
    CaseKeySet {
        source: Some(source.to_owned()),
        issuer: None,
        document,
    }
}

/// Claims issued a minute before `NOW`, valid an hour, plus `extra`.
pub fn claims(extra: Value) -> Value {
    let mut c = json!({"iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 3600});
    if let (Some(o), Value::Object(more)) = (c.as_object_mut(), extra) {
        o.extend(more);
    }
    c
}

/// Runs a case through the public entry point with the reference verifier.
pub fn analyze(key_sets: Vec<CaseKeySet>, tokens: Vec<String>) -> Report {
    let case = CaseFile {
        now: Some(NOW),
        key_sets,
        tokens,
        ..CaseFile::default()
    };
    analyze_with_reference(&case, &AnalyzeOptions::at(NOW))
}

/// The only token of a one-token case.
pub fn one(key_sets: Vec<CaseKeySet>, token: String) -> TokenReport {
    analyze(key_sets, vec![token])
        .tokens
        .into_iter()
        .next()
        .expect("no token report")
}

pub fn codes(t: &TokenReport) -> Vec<&str> {
    t.findings.iter().map(|f| f.code.as_str()).collect()
}

/// Asserts the verdict and that every code in `present` is there and none in `absent` is.
pub fn expect(t: &TokenReport, verdict: Verdict, present: &[&str], absent: &[&str]) {
    let c = codes(t);
    assert_eq!(
        t.verdict, verdict,
        "verdict {:?} ({}), findings {c:?}",
        t.verdict, t.verdict_reason
    );
    for p in present {
        assert!(
            c.contains(p),
            "{p} missing from {c:?} ({})",
            t.verdict_reason
        );
    }
    for a in absent {
        assert!(
            !c.contains(a),
            "{a} unexpected in {c:?} ({})",
            t.verdict_reason
        );
    }
    // The reference verifier checked the signature: every family test is about genuine tokens.
    assert!(
        t.signing_key.as_ref().is_some_and(|k| k.verified),
        "the token did not verify: {:?}",
        t.signature
    );
}
