//! Time rules: the token's own validity relative to the analysis time `now` (an argument, never
//! the clock), and the signing certificate's validity at the moment the token says it was issued.
//! No leeway is applied: the analyst sees exact values and decides what a small skew means.

use serde_json::json;

use super::{evidence, Facts};
use super::{
    ISSUED_IN_FUTURE, SIGNING_CERT_EXPIRED_AT_ISSUE, SIGNING_CERT_NOT_YET_VALID_AT_ISSUE,
    TOKEN_EXPIRED, TOKEN_NOT_YET_VALID,
};
use crate::judge::boundary::time_claim;
use crate::report::Finding;

pub(crate) fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let now = f.options.now;
    let iat = time_claim(f.claims, "iat");
    let nbf = time_claim(f.claims, "nbf");
    let exp = time_claim(f.claims, "exp");
    if let Some(cert) = f.key.and_then(|k| k.certificate.as_ref()) {
        let (issued, which) = match (iat, nbf) {
            (Some(t), _) => (Some(t), "iat"),
            (None, Some(t)) => (Some(t), "nbf"),
            _ => (None, ""),
        };
        if let Some(t) = issued {
            let ev = || {
                evidence([
                    (which, json!(t)),
                    ("not_before", json!(cert.not_before)),
                    ("not_after", json!(cert.not_after)),
                    ("certificate_subject", json!(cert.subject)),
                ])
            };
            if t > cert.not_after {
                out.push(SIGNING_CERT_EXPIRED_AT_ISSUE.finding(
                    format!("the token's {which} {t} is after the signing certificate's notAfter {} ({})", cert.not_after, cert.subject),
                    ev(),
                ));
            } else if t < cert.not_before {
                out.push(SIGNING_CERT_NOT_YET_VALID_AT_ISSUE.finding(
                    format!("the token's {which} {t} is before the signing certificate's notBefore {} ({})", cert.not_before, cert.subject),
                    ev(),
                ));
            }
        }
    }
    if let Some(exp) = exp.filter(|e| *e < now) {
        out.push(TOKEN_EXPIRED.finding(
            format!("the token expired at {exp} (exp), before the analysis time {now}"),
            evidence([("exp", json!(exp)), ("now", json!(now))]),
        ));
    }
    if let Some(nbf) = nbf.filter(|n| *n > now) {
        out.push(TOKEN_NOT_YET_VALID.finding(
            format!("the token is not valid before {nbf} (nbf), after the analysis time {now}"),
            evidence([("nbf", json!(nbf)), ("now", json!(now))]),
        ));
    }
    if let Some(iat) = iat.filter(|i| *i > now) {
        out.push(ISSUED_IN_FUTURE.finding(
            format!("the token says it was issued at {iat} (iat), after the analysis time {now}"),
            evidence([("iat", json!(iat)), ("now", json!(now))]),
        ));
    }
}
