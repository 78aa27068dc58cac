//! Names of JWS algorithms (RFC 7518 §3.1, RFC 8037 §3.1, RFC 8812 §3.2), read exactly as
//! registered: `alg` values are case-sensitive, so `rs256` is not RS256.

use super::Alg;

const ALL: [(Alg, &str); 14] = [
    (Alg::HS256, "HS256"),
    (Alg::HS384, "HS384"),
    (Alg::HS512, "HS512"),
    (Alg::RS256, "RS256"),
    (Alg::RS384, "RS384"),
    (Alg::RS512, "RS512"),
    (Alg::PS256, "PS256"),
    (Alg::PS384, "PS384"),
    (Alg::PS512, "PS512"),
    (Alg::ES256, "ES256"),
    (Alg::ES384, "ES384"),
    (Alg::ES512, "ES512"),
    (Alg::ES256K, "ES256K"),
    (Alg::EdDSA, "EdDSA"),
];

impl Alg {
    /// Reads a registered JWS `alg` name (case-sensitive); `none` and unknown names give None.
    pub fn parse(name: &str) -> Option<Alg> {
        ALL.iter().find(|(_, n)| *n == name).map(|(a, _)| *a)
    }

    /// The registered name, e.g. `"RS256"`.
    pub fn as_str(self) -> &'static str {
        ALL.iter().find(|(a, _)| *a == self).map_or("", |(_, n)| n)
    }

    /// Every algorithm Keyhole knows, in registry order.
    pub fn all() -> impl Iterator<Item = Alg> {
        ALL.iter().map(|(a, _)| *a)
    }

    /// The digest length in bytes for HMAC algorithms (RFC 7518 §3.2 minimum key size), else None.
    pub fn hmac_min_key_bytes(self) -> Option<usize> {
        match self {
            Alg::HS256 => Some(32),
            Alg::HS384 => Some(48),
            Alg::HS512 => Some(64),
            _ => None,
        }
    }
}

impl std::fmt::Display for Alg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn names_round_trip() {
        for alg in Alg::all() {
            assert_eq!(Alg::parse(alg.as_str()), Some(alg));
        }
        assert_eq!(Alg::all().count(), 14);
    }

    #[test]
    fn parse_is_case_sensitive_and_refuses_none() {
        assert_eq!(Alg::parse("rs256"), None);
        assert_eq!(Alg::parse("none"), None);
        assert_eq!(Alg::parse("ES521"), None);
        assert_eq!(Alg::parse("EdDSA"), Some(Alg::EdDSA));
    }
}
