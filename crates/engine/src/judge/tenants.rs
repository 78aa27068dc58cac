//! Entra tenants that mean something special, and the two Microsoft issuer forms
//! (v1 `https://sts.windows.net/{tid}/`, v2 `https://{host}/{tid}/v2.0`) that carry a tenant in
//! their path. Used for both sides of the comparison: a key's `issuer` (which may hold the
//! `{tenantid}` template) and a token's `iss`.

use super::clouds::{cloud_of_issuer_host, split_url};
pub use crate::model::{IssuerForm, MicrosoftIssuer};

/// The Microsoft consumer-accounts (MSA) tenant: keys scoped to it sign personal-account tokens
/// only (domain.md B.3/B.5; the Storm-0558 key's `issuer`).
pub const CONSUMER_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// The placeholder Microsoft puts in multi-tenant issuers (`…/{tenantid}/v2.0`).
pub const TENANT_TEMPLATE: &str = "{tenantid}";

/// True for a GUID in 8-4-4-4-12 hexadecimal form, the only form Entra tenant ids take in tokens.
pub fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8usize, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Tenant ids compare case-insensitively (GUIDs).
pub fn same_tenant(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// True when `tenant` is the consumer (MSA) tenant.
pub fn is_consumer_tenant(tenant: &str) -> bool {
    same_tenant(tenant, CONSUMER_TENANT)
}

impl MicrosoftIssuer {
    /// True when the tenant segment is the `{tenantid}` template (any organisational tenant).
    pub fn is_template(&self) -> bool {
        self.tenant.eq_ignore_ascii_case(TENANT_TEMPLATE)
    }
}

/// Parses a Microsoft issuer of the v1 or v2 form on a known cloud host; None for anything else
/// (other identity providers, B2C `tfp` paths, unknown hosts).
pub fn parse_microsoft_issuer(iss: &str) -> Option<MicrosoftIssuer> {
    if !iss.starts_with("https://") {
        return None;
    }
    let (host, path) = split_url(iss)?;
    let cloud = cloud_of_issuer_host(&host)?;
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (tenant, form) = match segments.as_slice() {
        [t] | [t, ""] => (*t, IssuerForm::V1),
        [t, "v2.0"] | [t, "v2.0", ""] => (*t, IssuerForm::V2),
        _ => return None,
    };
    if tenant.is_empty() || !(is_guid(tenant) || tenant.eq_ignore_ascii_case(TENANT_TEMPLATE)) {
        return None;
    }
    Some(MicrosoftIssuer {
        host,
        cloud,
        tenant: tenant.to_owned(),
        form,
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
            parse_microsoft_issuer("https://login.microsoftonline.com/tfp/contoso/b2c_1_x/v2.0"),
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
    fn guid_shape() {
        assert!(is_guid(CONSUMER_TENANT));
        assert!(!is_guid("9188040d-6c67-4c5b-b112-36a304b66dazz"));
        assert!(is_consumer_tenant("9188040D-6C67-4C5B-B112-36A304B66DAD"));
    }
}
