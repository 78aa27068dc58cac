//! Time rules: the token's own validity relative to the analysis time `now` (an argument, never
//! the clock), and the signing certificate's validity at the moment the token says it was issued.
//! No leeway is applied: the analyst sees exact values and decides what a small skew means.

use crate::judge::evidence as ev;

use super::{evidence, Facts};
use super::{
    INVALID_TIME_CLAIM, ISSUED_IN_FUTURE, SIGNING_CERT_EXPIRED_AT_ISSUE,
    SIGNING_CERT_NOT_YET_VALID_AT_ISSUE, TOKEN_EXPIRED, TOKEN_NOT_YET_VALID,
};
use crate::judge::boundary::time_claim;
use crate::report::Finding;

/// A Unix time for messages: `1686787200 (2023-06-15T00:00:00Z)`.
pub fn show_time(t: i64) -> String {
    format!("{t} ({})", iso_utc(t))
}

/// RFC 3339 UTC text for Unix seconds (proleptic Gregorian; H. Hinnant's civil-from-days).
pub fn iso_utc(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

pub(crate) fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let now = f.options.now;
    let iat = time_claim(f.claims, "iat");
    let nbf = time_claim(f.claims, "nbf");
    let exp = time_claim(f.claims, "exp");
    invalid_time_claims(f, out);
    // Only the certificate of the key that signed the token says anything about it.
    let verified = f.key.filter(|_| f.key_verified);
    if let Some(cert) = verified.and_then(|k| k.certificate.as_ref()) {
        let (issued, which) = match (iat, nbf) {
            (Some(t), _) => (Some(t), "iat"),
            (None, Some(t)) => (Some(t), "nbf"),
            _ => (None, ""),
        };
        if let Some(t) = issued {
            let ev = || {
                evidence([
                    (which, ev::time(t)),
                    ("not_before", ev::time(cert.not_before)),
                    ("not_after", ev::time(cert.not_after)),
                    ("certificate_subject", (&cert.subject).into()),
                ])
            };
            if t > cert.not_after {
                out.push(SIGNING_CERT_EXPIRED_AT_ISSUE.finding(
                    format!(
                        "the token's {which} {} is after the signing certificate's notAfter {} ({})",
                        show_time(t),
                        show_time(cert.not_after),
                        cert.subject
                    ),
                    ev(),
                ));
            } else if t < cert.not_before {
                out.push(SIGNING_CERT_NOT_YET_VALID_AT_ISSUE.finding(
                    format!(
                        "the token's {which} {} is before the signing certificate's notBefore {} ({})",
                        show_time(t),
                        show_time(cert.not_before),
                        cert.subject
                    ),
                    ev(),
                ));
            }
        }
    }
    if let Some(exp) = exp.filter(|e| *e < now) {
        out.push(TOKEN_EXPIRED.finding(
            format!(
                "the token expired at {} (exp), before the analysis time {}",
                show_time(exp),
                show_time(now)
            ),
            evidence([("exp", ev::time(exp)), ("now", ev::time(now))]),
        ));
    }
    if let Some(nbf) = nbf.filter(|n| *n > now) {
        out.push(TOKEN_NOT_YET_VALID.finding(
            format!(
                "the token is not valid before {} (nbf), after the analysis time {}",
                show_time(nbf),
                show_time(now)
            ),
            evidence([("nbf", ev::time(nbf)), ("now", ev::time(now))]),
        ));
    }
    if let Some(iat) = iat.filter(|i| *i > now) {
        out.push(ISSUED_IN_FUTURE.finding(
            format!(
                "the token says it was issued at {} (iat), after the analysis time {}",
                show_time(iat),
                show_time(now)
            ),
            evidence([("iat", ev::time(iat)), ("now", ev::time(now))]),
        ));
    }
}

/// `exp`, `nbf` or `iat` present but not a NumericDate (RFC 7519 §2): some validators read a
/// non-numeric `exp` as no expiry at all.
fn invalid_time_claims(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(claims) = f.claims else { return };
    let bad: Vec<(&str, &serde_json::Value)> = ["exp", "nbf", "iat"]
        .into_iter()
        .filter_map(|name| {
            let v = claims.get(name)?;
            time_claim(f.claims, name).is_none().then_some((name, v))
        })
        .collect();
    if bad.is_empty() {
        return;
    }
    let described: Vec<String> = bad.iter().map(|(n, v)| format!("{n} = {v}")).collect();
    out.push(INVALID_TIME_CLAIM.finding(
        format!(
            "{} not a NumericDate (RFC 7519 §2): {}; a validator that skips what it cannot read would treat the token as never expiring or always valid",
            if bad.len() == 1 { "a time claim is" } else { "time claims are" },
            described.join(", ")
        ),
        bad.iter()
            .map(|(n, v)| ((*n).to_owned(), ev::json((*v).clone())))
            .collect(),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Values from domain.md A.5 (the Storm-0558 certificate window).
    #[test]
    fn iso_utc_matches_known_dates() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_617_547_415), "2021-04-04T14:43:35Z");
        assert_eq!(iso_utc(1_459_867_415), "2016-04-05T14:43:35Z");
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_utc(-1), "1969-12-31T23:59:59Z");
    }
}
