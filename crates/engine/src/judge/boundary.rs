//! The boundary a token claims: for Microsoft issuers the cloud (from the `iss` host through the
//! alias groups), the tenant (`tid`, else the `iss` path or the ACS `@tenant`), whether it is the
//! consumer tenant, and the identity service (Entra, B2C with its policy, External ID); for any
//! other issuer, the issuer string itself. Everything here is read from untrusted claims:
//! it is what the token *says*, to be compared with what the signing key may sign for.

use serde_json::{Map, Value};

use super::tenants::{
    is_b2c_policy, is_consumer_tenant, is_guid, parse_microsoft_issuer, IssuerFamily,
};
pub use crate::model::{ClaimedBoundary, TenantSource};

impl ClaimedBoundary {
    /// The label the key-usage matrix groups by: the tenant for Microsoft tokens, else the issuer.
    pub fn tenant_label(&self) -> Option<String> {
        self.tenant.clone().or_else(|| match &self.microsoft {
            None => self.iss.clone(),
            Some(_) => None,
        })
    }
}

/// A tenant name as B2C writes it (`Contoso.onmicrosoft.com`, `contoso`), normalised to the
/// bare label (`contoso`); None for a GUID or an empty name.
pub fn tenant_name_label(name: &str) -> Option<String> {
    let lower = name.trim().to_ascii_lowercase();
    let label = lower.strip_suffix(".onmicrosoft.com").unwrap_or(&lower);
    (!label.is_empty() && !is_guid(label)).then(|| label.to_owned())
}

/// Reads a string claim.
pub fn str_claim<'a>(claims: Option<&'a Map<String, Value>>, name: &str) -> Option<&'a str> {
    claims.and_then(|c| c.get(name)).and_then(Value::as_str)
}

/// Reads a NumericDate claim (RFC 7519 §2): an integer or a number with a fraction (truncated).
pub fn time_claim(claims: Option<&Map<String, Value>>, name: &str) -> Option<i64> {
    let v = claims.and_then(|c| c.get(name))?;
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.is_finite() && f.abs() < 1e15)
            .map(|f| f.trunc() as i64)
    })
}

/// Reads the claimed boundary from a claims object (None when the payload is not an object).
pub fn claimed_boundary(claims: Option<&Map<String, Value>>) -> ClaimedBoundary {
    let iss = str_claim(claims, "iss").map(str::to_owned);
    let tid = str_claim(claims, "tid").map(str::to_owned);
    let ver = str_claim(claims, "ver").map(str::to_owned);
    let microsoft = iss.as_deref().and_then(parse_microsoft_issuer);
    let (tenant, tenant_from) = match (&microsoft, &tid) {
        (Some(_), Some(t)) if !t.trim().is_empty() => {
            (Some(t.trim().to_ascii_lowercase()), Some(TenantSource::Tid))
        }
        (Some(m), _) if m.has_tenant_id() => {
            (Some(m.tenant.to_ascii_lowercase()), Some(TenantSource::Iss))
        }
        _ => (None, None),
    };
    let claimed_policy = ["tfp", "acr"]
        .into_iter()
        .filter_map(|c| str_claim(claims, c))
        .find(|p| is_b2c_policy(p));
    let policy = microsoft
        .as_ref()
        .and_then(|m| m.policy.clone())
        .or_else(|| claimed_policy.map(str::to_owned));
    let family = match &microsoft {
        Some(m) if m.family == IssuerFamily::Entra && policy.is_some() => IssuerFamily::B2c,
        Some(m) => m.family,
        None => IssuerFamily::Entra,
    };
    let tenant_name = microsoft.as_ref().and_then(|m| {
        let from_path = (!m.has_tenant_id() && !m.is_template())
            .then(|| tenant_name_label(&m.tenant))
            .flatten();
        from_path.or_else(|| {
            (m.family == IssuerFamily::B2c)
                .then(|| m.host_tenant.as_deref().and_then(tenant_name_label))
                .flatten()
        })
    });
    let cloud = microsoft.as_ref().map(|m| m.cloud);
    let consumer = match (&microsoft, &tenant) {
        (Some(_), Some(t)) => Some(is_consumer_tenant(t)),
        _ => None,
    };
    let description = match (&microsoft, &tenant, consumer, cloud) {
        (Some(_), Some(t), Some(true), Some(c)) => {
            format!(
                "Microsoft consumer accounts (tenant {t}) in the {}",
                c.label()
            )
        }
        (Some(_), Some(t), _, Some(c)) if family != IssuerFamily::Entra => {
            format!("{} tenant {t} in the {}", family.label(), c.label())
        }
        (Some(_), Some(t), _, Some(c)) => format!("organisational tenant {t} in the {}", c.label()),
        (Some(_), None, _, Some(c)) if tenant_name.is_some() => format!(
            "{} tenant \"{}\" (named, not identified) in the {}",
            family.label(),
            tenant_name.as_deref().unwrap_or_default(),
            c.label()
        ),
        (Some(_), _, _, Some(c)) => format!("an unnamed tenant in the {}", c.label()),
        _ => match &iss {
            Some(i) => format!("issuer {i}"),
            None => "no issuer (the token has no \"iss\" claim)".to_owned(),
        },
    };
    ClaimedBoundary {
        iss,
        tid,
        microsoft,
        cloud,
        tenant,
        tenant_from,
        consumer,
        ver,
        family,
        policy,
        tenant_name,
        description,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Cloud;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn boundary(v: Value) -> ClaimedBoundary {
        claimed_boundary(v.as_object())
    }

    #[test]
    fn tid_wins_over_iss_path() {
        let b = boundary(json!({
            "iss": "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
            "tid": "3338040D-6C67-4C5B-B112-36A304B66DAD"
        }));
        assert_eq!(
            b.tenant.as_deref(),
            Some("3338040d-6c67-4c5b-b112-36a304b66dad")
        );
        assert_eq!(b.tenant_from, Some(TenantSource::Tid));
        assert_eq!(b.consumer, Some(false));
        assert_eq!(b.cloud, Some(Cloud::Public));
    }

    #[test]
    fn v1_issuer_gives_tenant_without_tid() {
        let b = boundary(
            json!({"iss": "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/"}),
        );
        assert_eq!(b.tenant_from, Some(TenantSource::Iss));
        assert_eq!(b.consumer, Some(false));
    }

    #[test]
    fn other_issuer_is_the_issuer_string() {
        let b = boundary(json!({"iss": "https://accounts.google.com", "tid": "x"}));
        assert_eq!(b.microsoft, None);
        assert_eq!(b.tenant, None);
        assert_eq!(
            b.tenant_label().as_deref(),
            Some("https://accounts.google.com")
        );
    }

    #[test]
    fn fractional_numeric_dates_truncate_rfc7519_2() {
        let c = json!({"iat": 1688169600.9, "exp": "soon"});
        assert_eq!(time_claim(c.as_object(), "iat"), Some(1688169600));
        assert_eq!(time_claim(c.as_object(), "exp"), None);
    }
}
