//! Choosing the trusted keys a token's signature is checked against.
//!
//! The header is untrusted: it may only *name* a trusted key, never supply one. The rules, in
//! order (in the spirit of panva/jose `createLocalJWKSet`):
//!
//! 1. `kid` in the header: the trusted keys whose `kid` equals it exactly ([`MatchedBy::Kid`]).
//! 2. else, or if no key has that `kid`, `x5t` in the header: the keys whose JWK `x5t`, or
//!    whose certificate's SHA-1 thumbprint, equals it ([`MatchedBy::X5t`]).
//! 3. then `x5t#S256` the same way with SHA-256 ([`MatchedBy::X5tS256`]).
//! 4. If the header names none of them: trial over every trusted key that can check the
//!    algorithm (right key type and curve; keys the policy distrusts are tried too, see
//!    [`super::fit`])
//!    ([`MatchedBy::Trial`]).
//! 5. If the header names a key that no trusted key carries: trial over the *anonymous* keys
//!    only — keys with no `kid`, `x5t`, `x5t#S256` or certificate (a PEM public key or an HMAC
//!    secret typed by the analyst), which cannot contradict the header. A key that carries a
//!    different identifier is never tried.
//!
//! Keys matched by name (rules 1–3) are returned whether or not the algorithm fits them, so that
//! the caller can say "the named key does not fit the algorithm" instead of "no key". Keys
//! carried in the token header (`jwk`, `x5c`, `jku`, `x5u`) are never looked at: anyone can
//! put a key there, so it proves nothing.

use super::{can_check, Alg, MatchedBy};
use crate::keys::KeyEntry;
use crate::token::HeaderParams;

fn is_anonymous(key: &KeyEntry) -> bool {
    key.kid.is_none() && key.x5t.is_none() && key.x5t_s256.is_none() && key.certificate.is_none()
}

/// Selects the trusted keys to check, and records how they were matched (see the module docs).
/// An empty list means no trusted key matches.
pub fn select_keys<'a>(
    params: &HeaderParams,
    alg: Alg,
    keys: &[&'a KeyEntry],
) -> (Vec<&'a KeyEntry>, MatchedBy) {
    let pick = |f: &dyn Fn(&KeyEntry) -> bool| -> Vec<&'a KeyEntry> {
        keys.iter().copied().filter(|k| f(k)).collect()
    };
    if let Some(kid) = params.kid.as_deref() {
        let found = pick(&|k| k.kid.as_deref() == Some(kid));
        if !found.is_empty() {
            return (found, MatchedBy::Kid);
        }
    }
    if let Some(x5t) = params.x5t.as_deref() {
        let found = pick(&|k| {
            k.x5t.as_deref() == Some(x5t) || k.certificate.as_ref().is_some_and(|c| c.x5t == x5t)
        });
        if !found.is_empty() {
            return (found, MatchedBy::X5t);
        }
    }
    if let Some(s256) = params.x5t_s256.as_deref() {
        let found = pick(&|k| {
            k.x5t_s256.as_deref() == Some(s256)
                || k.certificate.as_ref().is_some_and(|c| c.x5t_s256 == s256)
        });
        if !found.is_empty() {
            return (found, MatchedBy::X5tS256);
        }
    }
    let named = params.kid.is_some() || params.x5t.is_some() || params.x5t_s256.is_some();
    let found = pick(&|k| (!named || is_anonymous(k)) && can_check(alg, k));
    (found, MatchedBy::Trial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{hmac_key_set, parse_key_set, SecretEncoding};
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn secret(kid: Option<&str>, fill: u8) -> serde_json::Value {
        let mut k = json!({"kty":"oct","k":crate::b64::encode_url(&[fill; 32])});
        if let (Some(kid), Some(o)) = (kid, k.as_object_mut()) {
            o.insert("kid".into(), kid.into());
        }
        k
    }

    fn keys() -> Vec<KeyEntry> {
        let mut keys = parse_key_set(
            0,
            None,
            None,
            &json!({"keys":[secret(Some("a"), 1), secret(Some("b"), 2), secret(Some("a"), 3), secret(None, 4)]}),
        )
        .keys;
        keys.extend(hmac_key_set(1, "an analyst-typed secret of 32 b!", SecretEncoding::Utf8).keys);
        keys
    }

    fn ids(found: &[&KeyEntry]) -> Vec<String> {
        found.iter().map(|k| k.id.clone()).collect()
    }

    #[test]
    fn kid_selects_every_key_with_that_kid() {
        let keys = keys();
        let refs: Vec<&KeyEntry> = keys.iter().collect();
        let params = HeaderParams {
            kid: Some("a".into()),
            ..HeaderParams::default()
        };
        let (found, how) = select_keys(&params, Alg::HS256, &refs);
        assert_eq!(
            (ids(&found), how),
            (vec!["0/0".to_owned(), "0/2".to_owned()], MatchedBy::Kid)
        );
    }

    #[test]
    fn kid_match_is_returned_even_when_the_alg_does_not_fit() {
        let keys = keys();
        let refs: Vec<&KeyEntry> = keys.iter().collect();
        let params = HeaderParams {
            kid: Some("b".into()),
            ..HeaderParams::default()
        };
        let (found, how) = select_keys(&params, Alg::RS256, &refs);
        assert_eq!((ids(&found), how), (vec!["0/1".to_owned()], MatchedBy::Kid));
    }

    #[test]
    fn unknown_kid_falls_back_to_anonymous_keys_only() {
        let keys = keys();
        let refs: Vec<&KeyEntry> = keys.iter().collect();
        let params = HeaderParams {
            kid: Some("zzz".into()),
            ..HeaderParams::default()
        };
        let (found, how) = select_keys(&params, Alg::HS256, &refs);
        assert_eq!(
            (ids(&found), how),
            (vec!["0/3".to_owned(), "1/0".to_owned()], MatchedBy::Trial)
        );
    }

    #[test]
    fn no_identifier_means_trial_over_fitting_keys() {
        let keys = keys();
        let refs: Vec<&KeyEntry> = keys.iter().collect();
        let (found, how) = select_keys(&HeaderParams::default(), Alg::HS256, &refs);
        assert_eq!((found.len(), how), (5, MatchedBy::Trial));
        // HS512 needs 64-byte secrets: none of these is strong enough, but each is tried, so
        // that a genuine token under a short secret is told apart from a forgery.
        assert_eq!(
            select_keys(&HeaderParams::default(), Alg::HS512, &refs)
                .0
                .len(),
            5
        );
        assert!(select_keys(&HeaderParams::default(), Alg::RS256, &refs)
            .0
            .is_empty());
    }

    #[test]
    fn header_carried_keys_are_ignored() {
        let keys = keys();
        let refs: Vec<&KeyEntry> = keys.iter().take(1).collect();
        let params = HeaderParams {
            kid: Some("evil".into()),
            jwk: Some(secret(Some("evil"), 9)),
            jku: Some("https://attacker.example/jwks".into()),
            x5u: Some("https://attacker.example/cert".into()),
            x5c: Some(vec!["MIIB".into()]),
            ..HeaderParams::default()
        };
        assert!(select_keys(&params, Alg::HS256, &refs).0.is_empty());
    }
}
