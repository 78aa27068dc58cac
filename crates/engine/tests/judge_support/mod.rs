//! Test support for the judgement tests: hand-built trusted keys and key sets (the key-document
//! parser is developed separately), crafted tokens parsed with `token::parse_compact`, and a
//! `Scenario` that bundles a token, the trusted sets and the signature outcome to judge. The
//! signature outcome is given, not computed: the judgement is a pure function of it.
#![allow(dead_code)]

use keyhole_engine::b64;
use keyhole_engine::judge::{self, JudgeOptions, TokenJudgement};
use keyhole_engine::keys::{
    CertificateInfo, DocumentKind, KeyEntry, KeyMaterial, KeyOrigin, KeySet, KeySize,
};
use keyhole_engine::report::{TokenReport, Verdict};
use keyhole_engine::token::{parse_compact, ParsedToken};
use keyhole_engine::verify::{MatchedBy, Verification};
use serde_json::{json, Value};

/// 2023-07-01T00:00:00Z, the analysis time of most tests.
pub const NOW: i64 = 1_688_169_600;
/// An organisational tenant (the Microsoft Docs sample tenant).
pub const ORG_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
pub const OTHER_TENANT: &str = "fa15d692-e9c7-4460-a743-29f2956fd429";
pub const CONSUMER_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";
pub const ENTRA_V2_TEMPLATE: &str = "https://login.microsoftonline.com/{tenantid}/v2.0";
pub const COMMON_V2_KEYS: &str = "https://login.microsoftonline.com/common/discovery/v2.0/keys";

/// An RSA-2048 signing key with a certificate valid 2020..2030, like an Entra key on the global
/// common v2 set: `issuer` template, `cloud_instance_name` microsoftonline.com.
pub fn entra_key(id: &str, kid: &str) -> KeyEntry {
    let (set_index, key_index) = split_id(id);
    KeyEntry {
        id: id.to_owned(),
        set_index,
        key_index,
        origin: KeyOrigin::Jwks,
        kty: "RSA".to_owned(),
        kid: Some(kid.to_owned()),
        alg: None,
        use_: Some("sig".to_owned()),
        key_ops: None,
        x5t: Some(kid.to_owned()),
        x5t_s256: None,
        issuer: Some(ENTRA_V2_TEMPLATE.to_owned()),
        cloud_instance_name: Some("microsoftonline.com".to_owned()),
        size: Some(KeySize::RsaBits { bits: 2048 }),
        thumbprint: None,
        certificate: Some(certificate("CN=accounts.accesscontrol.windows.net")),
        had_private_material: false,
        material: KeyMaterial::Rsa {
            n: vec![0xc3; 256],
            e: vec![1, 0, 1],
        },
        facts: Default::default(),
    }
}

/// A Microsoft consumer (MSA) key: issuer = the consumer tenant, Live ID certificate subject.
pub fn consumer_key(id: &str, kid: &str) -> KeyEntry {
    let mut k = entra_key(id, kid);
    k.issuer = Some(format!(
        "https://login.microsoftonline.com/{CONSUMER_TENANT}/v2.0"
    ));
    k.certificate = Some(certificate("CN=Live ID STS Signing Public Key"));
    k
}

/// A bare key: no issuer, no cloud_instance_name, no certificate (like a PEM public key).
pub fn bare_key(id: &str, kid: &str) -> KeyEntry {
    let mut k = entra_key(id, kid);
    k.issuer = None;
    k.cloud_instance_name = None;
    k.certificate = None;
    k.x5t = None;
    k
}

/// An HMAC secret as a trusted key.
pub fn hmac_key(id: &str, secret: &[u8]) -> KeyEntry {
    let mut k = bare_key(id, "hs");
    k.kid = None;
    k.kty = "oct".to_owned();
    k.origin = KeyOrigin::HmacSecret;
    k.size = Some(KeySize::SecretBits {
        bits: (secret.len() * 8) as u32,
    });
    k.material = KeyMaterial::Oct {
        secret: secret.to_vec(),
    };
    k
}

/// A certificate valid 2020-01-01..2030-01-01 that agrees with its JWK.
pub fn certificate(subject: &str) -> CertificateInfo {
    CertificateInfo {
        subject: subject.to_owned(),
        issuer: subject.to_owned(),
        serial: "01".to_owned(),
        not_before: 1_577_836_800,
        not_after: 1_893_456_000,
        sha1_hex: "00".repeat(20),
        x5t: b64::encode_url(&[0u8; 20]),
        x5t_s256: b64::encode_url(&[0u8; 32]),
        public_key_matches_jwk: Some(true),
        x5t_matches: Some(true),
        x5t_s256_matches: None,
    }
}

fn split_id(id: &str) -> (usize, usize) {
    let mut parts = id.split('/').map(|p| p.parse::<usize>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// A key set as the parser would produce it.
pub fn key_set(
    index: usize,
    source: Option<&str>,
    issuer: Option<&str>,
    keys: Vec<KeyEntry>,
) -> KeySet {
    KeySet {
        index,
        source: source.map(str::to_owned),
        declared_issuer: issuer.map(str::to_owned),
        issuer_from_catalogue: false,
        kind: DocumentKind::Jwks,
        keys,
        openid: None,
        problems: Vec::new(),
        warnings: Vec::new(),
    }
}

/// A compact token from JSON header and claims, with the given base64url signature.
pub fn compact(header: &Value, claims: &Value, signature_b64: &str) -> String {
    format!(
        "{}.{}.{}",
        b64::encode_url(header.to_string().as_bytes()),
        b64::encode_url(claims.to_string().as_bytes()),
        signature_b64
    )
}

pub fn parse(text: &str) -> ParsedToken {
    parse_compact(text).unwrap_or_else(|e| panic!("test token does not parse: {e}"))
}

/// v2 claims for tenant `tid` in the public cloud, issued a minute before `NOW`.
pub fn v2_claims(tid: &str) -> Value {
    json!({
        "iss": format!("https://login.microsoftonline.com/{tid}/v2.0"),
        "tid": tid,
        "ver": "2.0",
        "aud": "00000002-0000-0ff1-ce00-000000000000",
        "iat": NOW - 60,
        "nbf": NOW - 60,
        "exp": NOW + 3600
    })
}

pub fn verified(key_id: &str) -> Verification {
    Verification::Verified {
        key_id: key_id.to_owned(),
        matched_by: MatchedBy::Kid,
        verifier: "test".to_owned(),
        also_verified: Vec::new(),
        not_verified: Vec::new(),
        hashed_nonce: false,
    }
}

/// One token to judge against trusted sets with a given signature outcome.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub header: Value,
    pub claims: Value,
    pub signature_b64: String,
    pub sets: Vec<KeySet>,
    pub verification: Verification,
    pub now: i64,
    pub weak_secrets: Vec<String>,
    /// Public-list secrets a caller's own search found (`JudgeOptions::public_secrets`).
    pub public_secrets: Vec<String>,
}

impl Scenario {
    /// A clean v2 token for `ORG_TENANT`, verified by Entra key `0/0` (kid `k1`) from the
    /// global common v2 set: the judgement is `permitted` with no findings.
    pub fn clean() -> Self {
        Scenario {
            header: json!({"typ": "JWT", "alg": "RS256", "kid": "k1"}),
            claims: v2_claims(ORG_TENANT),
            signature_b64: b64::encode_url(b"not checked here: the outcome is given"),
            sets: vec![key_set(
                0,
                Some(COMMON_V2_KEYS),
                None,
                vec![entra_key("0/0", "k1")],
            )],
            verification: verified("0/0"),
            now: NOW,
            weak_secrets: Vec::new(),
            public_secrets: Vec::new(),
        }
    }

    /// The first key of the first set, to adjust.
    pub fn key(&mut self) -> &mut KeyEntry {
        match self.sets.first_mut().and_then(|s| s.keys.first_mut()) {
            Some(k) => k,
            None => unreachable!("scenario has no key"),
        }
    }

    pub fn set(&mut self) -> &mut KeySet {
        match self.sets.first_mut() {
            Some(s) => s,
            None => unreachable!("scenario has no set"),
        }
    }

    pub fn claim(&mut self, name: &str, value: Value) -> &mut Self {
        if let Some(o) = self.claims.as_object_mut() {
            o.insert(name.to_owned(), value);
        }
        self
    }

    pub fn remove_claim(&mut self, name: &str) -> &mut Self {
        if let Some(o) = self.claims.as_object_mut() {
            o.remove(name);
        }
        self
    }

    pub fn header_param(&mut self, name: &str, value: Value) -> &mut Self {
        if let Some(o) = self.header.as_object_mut() {
            o.insert(name.to_owned(), value);
        }
        self
    }

    pub fn token_text(&self) -> String {
        compact(&self.header, &self.claims, &self.signature_b64)
    }

    pub fn judge(&self) -> TokenJudgement {
        let token = parse(&self.token_text());
        let options = JudgeOptions {
            now: self.now,
            weak_secrets: &self.weak_secrets,
            public_secrets: &self.public_secrets,
        };
        judge::judge_token(&token, &self.verification, &self.sets, &options)
    }

    pub fn report(&self, index: usize) -> TokenReport {
        let token = parse(&self.token_text());
        TokenReport::judged(
            index,
            &token,
            self.judge(),
            Some(keyhole_engine::report::FoundAt::tokens(index)),
        )
    }

    pub fn codes(&self) -> Vec<String> {
        self.judge().findings.into_iter().map(|f| f.code).collect()
    }

    pub fn verdict(&self) -> Verdict {
        self.judge().verdict
    }
}

/// Key-level codes from the matrix over several scenarios sharing the first scenario's sets.
pub fn matrix_codes(scenarios: &[Scenario]) -> Vec<String> {
    let reports: Vec<TokenReport> = scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| s.report(i))
        .collect();
    let sets = scenarios
        .first()
        .map(|s| s.sets.clone())
        .unwrap_or_default();
    judge::key_usage(&sets, &reports)
        .into_iter()
        .flat_map(|k| k.findings.into_iter().map(|f| f.code))
        .collect()
}
