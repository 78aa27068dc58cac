//! Entra tenants that mean something special, and the Microsoft issuer forms that name a tenant:
//! Entra v1 `https://sts.windows.net/{tid}/` and v2 `https://{host}/{tid}/v2.0`, the ACS form
//! `{service principal}@{tid}`, Azure AD B2C (`{tenant}.b2clogin.com`, `tfp` paths) and Entra
//! External ID (`{tenant}.ciamlogin.com`). Used for both sides of the comparison: a key's
//! `issuer` (which may hold the `{tenantid}` template) and a token's `iss`; rules then compare
//! tenants and clouds, never issuer strings (docs/microsoft-identity.md).

use super::clouds::{cloud_of_issuer_host, split_url, tenant_issuer_host, Cloud};
pub use crate::model::{IssuerFamily, IssuerForm, MicrosoftIssuer};

/// The Microsoft consumer-accounts (MSA) tenant: keys scoped to it sign personal-account tokens
/// only (domain.md B.3/B.5; the Storm-0558 key's `issuer`).
pub const CONSUMER_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// The placeholder Microsoft puts in multi-tenant issuers (`…/{tenantid}/v2.0`).
pub const TENANT_TEMPLATE: &str = "{tenantid}";

/// True for a GUID in 8-4-4-4-12 hexadecimal form, the only form Entra tenant ids take in tokens.
/// Called for every token's issuer and tenant, so it allocates nothing.
pub fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Tenant ids compare case-insensitively (GUIDs).
pub fn same_tenant(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// True when `tenant` is the consumer (MSA) tenant.
pub fn is_consumer_tenant(tenant: &str) -> bool {
    same_tenant(tenant, CONSUMER_TENANT)
}

impl IssuerFamily {
    /// A short label for messages.
    pub fn label(self) -> &'static str {
        match self {
            IssuerFamily::Entra => "Microsoft Entra ID",
            IssuerFamily::B2c => "Azure AD B2C",
            IssuerFamily::ExternalId => "Microsoft Entra External ID",
        }
    }
}

impl MicrosoftIssuer {
    /// True when the tenant segment is the `{tenantid}` template (any organisational tenant).
    pub fn is_template(&self) -> bool {
        self.tenant.eq_ignore_ascii_case(TENANT_TEMPLATE)
    }

    /// True when the tenant is a GUID (not the template, not a name).
    pub fn has_tenant_id(&self) -> bool {
        is_guid(&self.tenant)
    }
}

/// True for a B2C policy name (`B2C_1_…` user flow, `B2C_1A_…` custom policy), any case.
pub fn is_b2c_policy(name: &str) -> bool {
    name.get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("b2c_1_"))
        || is_b2c_custom_policy(name)
}

/// True for a B2C custom policy name (`B2C_1A_…`), any case.
pub fn is_b2c_custom_policy(name: &str) -> bool {
    name.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("b2c_1a_"))
}

/// True for a tenant written as a name (`contoso.onmicrosoft.com`, `contoso`), as B2C URLs do.
fn is_tenant_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Parses a Microsoft issuer on a known cloud host; None for anything else (other identity
/// providers, unknown hosts, paths of no known form). The forms:
///
/// * Entra v1 `https://{alias host}/{tid}/` and v2 `https://{alias host}/{tid}/v2.0`;
/// * ACS `{service principal id}@{tid}` (SharePoint app-only and other v1 first-party service
///   tokens): the tenant after `@` is named as surely as in a URL; public cloud, the only one
///   whose ACS issuers appear in the material Keyhole has seen (docs/microsoft-identity.md);
/// * B2C `https://{tenant}.b2clogin.com/{tid}/v2.0/` and the `tfp` form
///   `https://{host}/tfp/{tenant}/{policy}/v2.0/` (also on `login.microsoftonline.com`);
/// * External ID `https://{tenant}.ciamlogin.com/{tid}/v2.0`.
pub fn parse_microsoft_issuer(iss: &str) -> Option<MicrosoftIssuer> {
    if let Some(acs) = parse_acs_issuer(iss) {
        return Some(acs);
    }
    if !iss.starts_with("https://") {
        return None;
    }
    let (host, path) = split_url(iss)?;
    let (cloud, host_tenant, family) = match cloud_of_issuer_host(&host) {
        Some(c) => (c, None, IssuerFamily::Entra),
        None => {
            let (c, label) = tenant_issuer_host(&host)?;
            let family = if host.ends_with("ciamlogin.com") {
                IssuerFamily::ExternalId
            } else {
                IssuerFamily::B2c
            };
            (c, Some(label), family)
        }
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let issuer = |tenant: &str, form, family, policy: Option<&str>| MicrosoftIssuer {
        host: host.clone(),
        cloud,
        tenant: tenant.to_owned(),
        form,
        family,
        policy: policy.map(str::to_owned),
        host_tenant: host_tenant.clone(),
        principal: None,
    };
    let tenant_ok = |t: &str| is_guid(t) || t.eq_ignore_ascii_case(TENANT_TEMPLATE);
    match segments.as_slice() {
        [t] | [t, ""] if tenant_ok(t) && family.is_entra() => {
            Some(issuer(t, IssuerForm::V1, family, None))
        }
        [t, "v2.0"] | [t, "v2.0", ""] if tenant_ok(t) => {
            Some(issuer(t, IssuerForm::V2, family, None))
        }
        [prefix, t, policy, "v2.0"] | [prefix, t, policy, "v2.0", ""]
            if (prefix.eq_ignore_ascii_case("tfp") || prefix.eq_ignore_ascii_case("te"))
                && family != IssuerFamily::ExternalId
                && (is_guid(t) || is_tenant_name(t))
                && is_b2c_policy(policy) =>
        {
            Some(issuer(t, IssuerForm::V2, IssuerFamily::B2c, Some(policy)))
        }
        _ => None,
    }
}

/// `{service principal id}@{tenant id}` (or `@{tenantid}` in a template).
fn parse_acs_issuer(iss: &str) -> Option<MicrosoftIssuer> {
    let (principal, tenant) = iss.split_once('@')?;
    if !is_guid(principal) || !(is_guid(tenant) || tenant.eq_ignore_ascii_case(TENANT_TEMPLATE)) {
        return None;
    }
    Some(MicrosoftIssuer {
        host: String::new(),
        cloud: Cloud::Public,
        tenant: tenant.to_owned(),
        form: IssuerForm::Acs,
        family: IssuerFamily::Entra,
        policy: None,
        host_tenant: None,
        principal: Some(principal.to_ascii_lowercase()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Cloud;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn parses_v1_and_v2_issuers() {
        let v1 =
            parse_microsoft_issuer("https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/");
        assert_eq!(v1.as_ref().map(|i| i.form), Some(IssuerForm::V1));
        assert_eq!(v1.as_ref().map(|i| i.cloud), Some(Cloud::Public));
        let v2 = parse_microsoft_issuer("https://login.microsoftonline.us/{tenantid}/v2.0");
        assert_eq!(v2.as_ref().map(|i| i.is_template()), Some(true));
        assert_eq!(v2.map(|i| i.cloud), Some(Cloud::UsGovernment));
    }

    #[test]
    fn rejects_non_microsoft_and_odd_paths() {
        assert_eq!(parse_microsoft_issuer("https://accounts.google.com"), None);
        assert_eq!(
            parse_microsoft_issuer(
                "https://login.microsoftonline.com/tfp/contoso/not_a_policy/v2.0"
            ),
            None
        );
        assert_eq!(
            parse_microsoft_issuer(
                "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"
            ),
            None
        );
        assert_eq!(
            parse_microsoft_issuer("http://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/"),
            None
        );
    }

    #[test]
    fn acs_issuers_name_their_tenant_in_the_public_cloud() {
        let acs = parse_microsoft_issuer(
            "00000001-0000-0000-c000-000000000000@72F988BF-86F1-41AF-91AB-2D7CD011DB47",
        );
        assert_eq!(acs.as_ref().map(|i| i.form), Some(IssuerForm::Acs));
        assert_eq!(acs.as_ref().map(|i| i.cloud), Some(Cloud::Public));
        assert_eq!(acs.as_ref().map(|i| i.has_tenant_id()), Some(true));
        assert_eq!(parse_microsoft_issuer("user@example.com"), None);
        assert_eq!(
            parse_microsoft_issuer("00000001-0000-0000-c000-000000000000@contoso.com"),
            None
        );
    }

    #[test]
    fn b2c_and_external_id_issuers() {
        let tid = "775527ff-9a37-4307-8b3d-cc311f58d925";
        let b2c = parse_microsoft_issuer(&format!("https://contoso.b2clogin.com/{tid}/v2.0/"));
        assert_eq!(b2c.as_ref().map(|i| i.family), Some(IssuerFamily::B2c));
        assert_eq!(b2c.as_ref().map(|i| i.cloud), Some(Cloud::Public));
        assert_eq!(
            b2c.as_ref().and_then(|i| i.host_tenant.as_deref()),
            Some("contoso")
        );
        let tfp = parse_microsoft_issuer(
            "https://login.microsoftonline.com/tfp/contoso.onmicrosoft.com/B2C_1_susi/v2.0/",
        );
        assert_eq!(tfp.as_ref().map(|i| i.family), Some(IssuerFamily::B2c));
        assert_eq!(
            tfp.as_ref().and_then(|i| i.policy.as_deref()),
            Some("B2C_1_susi")
        );
        assert_eq!(tfp.as_ref().map(|i| i.has_tenant_id()), Some(false));
        let ciam = parse_microsoft_issuer(&format!("https://{tid}.ciamlogin.com/{tid}/v2.0"));
        assert_eq!(
            ciam.as_ref().map(|i| i.family),
            Some(IssuerFamily::ExternalId)
        );
        // B2C and External ID have no v1 form; an unknown subdomain depth is not a tenant host.
        assert_eq!(
            parse_microsoft_issuer(&format!("https://contoso.b2clogin.com/{tid}/")),
            None
        );
        assert_eq!(
            parse_microsoft_issuer(&format!("https://a.b.ciamlogin.com/{tid}/v2.0")),
            None
        );
        assert!(is_b2c_custom_policy("B2C_1A_signup") && !is_b2c_custom_policy("B2C_1_x"));
    }

    #[test]
    fn ppe_issuers_are_their_own_cloud() {
        let ppe = parse_microsoft_issuer(
            "https://login.windows-ppe.net/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
        );
        assert_eq!(ppe.map(|i| i.cloud), Some(Cloud::Preproduction));
    }

    #[test]
    fn guid_shape() {
        assert!(is_guid(CONSUMER_TENANT));
        assert!(!is_guid("9188040d-6c67-4c5b-b112-36a304b66dazz"));
        // Dashes in the wrong places, a missing or extra digit, a group that is one long run.
        assert!(!is_guid("9188040d6-c67-4c5b-b112-36a304b66dad"));
        assert!(!is_guid("9188040d-6c67-4c5b-b112-36a304b66da"));
        assert!(!is_guid("9188040d-6c67-4c5b-b112-36a304b66dadd"));
        assert!(!is_guid("9188040d06c6704c5b0b112036a304b66dad"));
        assert!(!is_guid("9188040d-6c67-4c5b-b112-36a304b66dé"));
        assert!(is_guid("9188040D-6C67-4C5B-B112-36A304B66DAD"));
        assert!(is_consumer_tenant("9188040D-6C67-4C5B-B112-36A304B66DAD"));
    }
}
