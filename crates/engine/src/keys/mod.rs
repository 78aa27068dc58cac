//! Trusted key material pasted by the analyst: JWKS, single JWKs, arrays of JWKs, OpenID
//! Provider configurations, PEM public keys (SPKI, PKCS#1), PEM/DER X.509 certificates and
//! HMAC secrets. Each document becomes a [`KeySet`]; a key that cannot be read becomes a
//! [`KeyProblem`] in its set and never stops the others.

use std::sync::OnceLock;

use serde::Serialize;

mod certificate;
mod curves;
mod dn;
mod document;
mod hmac;
mod jwk;
pub(crate) mod material;
pub(crate) mod pem;
mod thumbprint;

pub use certificate::{parse_certificate, ParsedCertificate};
pub(crate) use document::is_openid_configuration;
pub use document::{parse_key_set, KeySetReader};
pub use hmac::{hmac_key_set, SecretEncoding};
pub use jwk::{parse_jwk, ParsedJwk};
pub use thumbprint::jwk_thumbprint;

/// Where a key came from inside its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyOrigin {
    Jwks,
    Jwk,
    JwkArray,
    PemPublicKey,
    Certificate,
    HmacSecret,
}

/// The public (or, for HMAC, secret) material needed to verify a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kty")]
pub enum KeyMaterial {
    /// RSA modulus and exponent, big-endian bytes without leading zeros.
    #[serde(rename = "RSA")]
    Rsa {
        #[serde(skip)]
        n: Vec<u8>,
        #[serde(skip)]
        e: Vec<u8>,
    },
    /// An elliptic-curve point (P-256, P-384, P-521, secp256k1).
    #[serde(rename = "EC")]
    Ec {
        crv: String,
        #[serde(skip)]
        x: Vec<u8>,
        #[serde(skip)]
        y: Vec<u8>,
    },
    /// An octet key pair (Ed25519, Ed448, X25519, X448).
    #[serde(rename = "OKP")]
    Okp {
        crv: String,
        #[serde(skip)]
        x: Vec<u8>,
    },
    /// A shared secret (HMAC). Never serialised.
    #[serde(rename = "oct")]
    Oct {
        #[serde(skip)]
        secret: Vec<u8>,
    },
}

/// The size of a key, for weak-key rules and display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KeySize {
    RsaBits { bits: u32 },
    Curve { name: String },
    SecretBits { bits: u32 },
}

/// What an X.509 certificate (from `x5c[0]`, PEM or DER) says, and whether it agrees with the JWK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct CertificateInfo {
    /// RFC 4514-style distinguished names, e.g. `CN=Live ID STS Signing Public Key`.
    pub subject: String,
    pub issuer: String,
    /// Serial number, lower-case hex without separators.
    pub serial: String,
    /// Validity window, Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// SHA-1 of the DER certificate, lower-case hex (Microsoft's "thumbprint").
    pub sha1_hex: String,
    /// base64url(SHA-1(DER)) — what `x5t` must equal (RFC 7515 §4.1.7).
    pub x5t: String,
    /// base64url(SHA-256(DER)) — what `x5t#S256` must equal (RFC 7515 §4.1.8).
    pub x5t_s256: String,
    /// Whether the certificate's public key equals the JWK's (None when there is no JWK to compare).
    pub public_key_matches_jwk: Option<bool>,
    /// Whether the JWK's `x5t` / `x5t#S256` match this certificate (None when the JWK has none).
    pub x5t_matches: Option<bool>,
    pub x5t_s256_matches: Option<bool>,
}

/// One trusted key, with every fact an analyst (and the judgement) needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyEntry {
    /// Stable id within a case: `"{set}/{index}"`, e.g. `"0/3"`.
    pub id: String,
    pub set_index: usize,
    pub key_index: usize,
    pub origin: KeyOrigin,
    pub kty: String,
    pub kid: Option<String>,
    pub alg: Option<String>,
    #[serde(rename = "use")]
    pub use_: Option<String>,
    pub key_ops: Option<Vec<String>>,
    pub x5t: Option<String>,
    #[serde(rename = "x5t#S256")]
    pub x5t_s256: Option<String>,
    /// Microsoft's per-key `issuer` (e.g. `https://login.microsoftonline.com/{tenantid}/v2.0`).
    pub issuer: Option<String>,
    /// Microsoft's per-key `cloud_instance_name` (e.g. `microsoftonline.us`).
    pub cloud_instance_name: Option<String>,
    pub size: Option<KeySize>,
    /// RFC 7638 JWK thumbprint (SHA-256, base64url); None for key types it does not define.
    pub thumbprint: Option<String>,
    pub certificate: Option<CertificateInfo>,
    /// The pasted JWK held private members (d, p, q, …); only the public part is kept.
    pub had_private_material: bool,
    pub material: KeyMaterial,
    /// What the fit check and the set-level remarks need from `material`, computed once when
    /// the entry is built (see [`KeyFacts`]); never serialised.
    #[serde(skip)]
    pub facts: FactsCell,
}

impl KeyEntry {
    /// The facts of this key's material: the ones computed when the entry was built, or
    /// computed now (and kept) for an entry written as a literal with `facts: Default::default()`.
    pub fn facts(&self) -> KeyFacts {
        *self.facts.0.get_or_init(|| KeyFacts::of(&self.material))
    }
}

/// Facts derived from a key's material that cost arithmetic over the whole modulus. A token's
/// fit check needs them for every candidate key, and reading a 10,000-key document needs the
/// ROCA test for each key: computing them once per key, when it is read, keeps both cheap and
/// leaves the document's last step (`KeySetReader::finish`) free of per-key arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyFacts {
    /// The RSA modulus length in bits; None for other key types.
    pub rsa_bits: Option<u32>,
    /// The RSA modulus has the ROCA fingerprint (CVE-2017-15361); false for other key types.
    pub roca: bool,
}

impl KeyFacts {
    /// Computes the facts of a material.
    pub fn of(material: &KeyMaterial) -> KeyFacts {
        match material {
            KeyMaterial::Rsa { n, .. } => KeyFacts {
                rsa_bits: Some(material::rsa_bits(n)),
                roca: material::has_roca_fingerprint(n),
            },
            _ => KeyFacts::default(),
        }
    }
}

/// A [`KeyFacts`] filled when a key is read, or on first use for an entry written as a literal
/// (`facts: Default::default()`, which is why this is a cell and not a plain field).
///
/// The facts follow from `material`, so two cells always compare equal: entries compare by what
/// they hold, whether or not the facts were computed yet. Code that replaces the `material` of
/// an entry whose facts were already computed must reset this cell (`Default::default()`).
#[derive(Debug, Clone, Default)]
pub struct FactsCell(OnceLock<KeyFacts>);

impl FactsCell {
    /// A cell holding the facts of `material`, computed now.
    pub fn computed(material: &KeyMaterial) -> FactsCell {
        FactsCell(OnceLock::from(KeyFacts::of(material)))
    }

    /// The facts, when they were computed already.
    pub fn get(&self) -> Option<KeyFacts> {
        self.0.get().copied()
    }
}

impl PartialEq for FactsCell {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Facts from an OpenID Provider configuration document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct OpenIdInfo {
    pub issuer: Option<String>,
    pub jwks_uri: Option<String>,
    pub id_token_signing_alg_values_supported: Vec<String>,
    pub cloud_instance_name: Option<String>,
    pub tenant_region_scope: Option<String>,
    pub tenant_region_sub_scope: Option<String>,
}

/// A key that could not be read, and why; it never stops the other keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyProblem {
    pub set_index: usize,
    /// Index inside the document (e.g. position in `keys`), when there is one.
    pub key_index: Option<usize>,
    pub kid: Option<String>,
    pub message: String,
}

/// The kind of document a key set was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Jwks,
    Jwk,
    JwkArray,
    OpenIdConfiguration,
    Pem,
    Der,
    HmacSecret,
    Unrecognised,
}

/// One pasted document with its declared source and issuer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeySet {
    pub index: usize,
    /// Where the analyst says the document came from (URL), if known.
    pub source: Option<String>,
    /// The issuer the analyst declared for these keys (or filled from an OpenID configuration).
    pub declared_issuer: Option<String>,
    /// True when `declared_issuer` is the issuer Keyhole's catalogue records for the set's
    /// source endpoint (no issuer was declared and the source is a catalogued endpoint).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub issuer_from_catalogue: bool,
    pub kind: DocumentKind,
    pub keys: Vec<KeyEntry>,
    pub openid: Option<OpenIdInfo>,
    pub problems: Vec<KeyProblem>,
    /// Non-fatal remarks (e.g. "private key material was pasted").
    pub warnings: Vec<String>,
}
