//! Microsoft sovereign clouds and how hosts map onto them. Token issuers are matched against the
//! exact host alias groups published by Entra instance discovery
//! (`/common/discovery/instance?api-version=1.1`, domain.md B.1/D); key evidence (certificate
//! subjects such as `accounts.accesscontrol.windows.net`, `cloud_instance_name` values such as
//! `microsoftonline.us`) is matched by registrable-domain suffix, because those names are not
//! login hosts.

pub use crate::model::Cloud;

impl Cloud {
    /// A short label for messages.
    pub fn label(self) -> &'static str {
        match self {
            Cloud::Public => "public (global) cloud",
            Cloud::UsGovernment => "US Government cloud",
            Cloud::China => "China cloud (21Vianet)",
            Cloud::Germany => "legacy Germany cloud",
            Cloud::Preproduction => {
                "Microsoft pre-production environment (PPE, not a production cloud)"
            }
        }
    }

    /// The issuer hosts of this cloud (one alias group of Entra instance discovery).
    pub fn issuer_hosts(self) -> &'static [&'static str] {
        match self {
            Cloud::Public => &[
                "login.microsoftonline.com",
                "login.windows.net",
                "login.microsoft.com",
                "sts.windows.net",
            ],
            Cloud::UsGovernment => &["login.microsoftonline.us", "login.usgovcloudapi.net"],
            Cloud::China => &[
                "login.partner.microsoftonline.cn",
                "login.chinacloudapi.cn",
                "sts.chinacloudapi.cn",
            ],
            Cloud::Germany => &["login.microsoftonline.de"],
            Cloud::Preproduction => &["login.windows-ppe.net", "sts.windows-ppe.net"],
        }
    }

    /// Parent domains whose every subdomain is a per-tenant issuer host of this cloud: Azure AD
    /// B2C (`{tenant}.b2clogin.com`) and Entra External ID (`{tenant}.ciamlogin.com`).
    pub fn tenant_issuer_domains(self) -> &'static [&'static str] {
        match self {
            Cloud::Public => &["b2clogin.com", "ciamlogin.com"],
            _ => &[],
        }
    }

    /// Domains whose names (and subdomains) belong to this cloud, for key evidence.
    fn domains(self) -> &'static [&'static str] {
        match self {
            Cloud::Public => &[
                "microsoftonline.com",
                "windows.net",
                "microsoft.com",
                "b2clogin.com",
                "ciamlogin.com",
            ],
            Cloud::UsGovernment => &["microsoftonline.us", "usgovcloudapi.net"],
            Cloud::China => &["microsoftonline.cn", "chinacloudapi.cn"],
            Cloud::Germany => &["microsoftonline.de", "cloudapi.de"],
            Cloud::Preproduction => &["windows-ppe.net"],
        }
    }
}

/// Every cloud, in a fixed order.
pub const ALL_CLOUDS: [Cloud; 5] = [
    Cloud::Public,
    Cloud::UsGovernment,
    Cloud::China,
    Cloud::Germany,
    Cloud::Preproduction,
];

/// The cloud whose alias group contains exactly this issuer host (case-insensitive).
pub fn cloud_of_issuer_host(host: &str) -> Option<Cloud> {
    ALL_CLOUDS.into_iter().find(|c| {
        c.issuer_hosts()
            .iter()
            .any(|h| h.eq_ignore_ascii_case(host))
    })
}

/// The cloud of a per-tenant issuer host (`contoso.b2clogin.com`, `{tid}.ciamlogin.com`) and
/// the tenant label in front of the domain (`contoso`, or the tenant id for External ID).
pub fn tenant_issuer_host(host: &str) -> Option<(Cloud, String)> {
    let host = host.to_ascii_lowercase();
    ALL_CLOUDS.into_iter().find_map(|c| {
        c.tenant_issuer_domains().iter().find_map(|d| {
            host.strip_suffix(d)
                .and_then(|label| label.strip_suffix('.'))
                .filter(|label| !label.is_empty() && !label.contains('.'))
                .map(|label| (c, label.to_owned()))
        })
    })
}

/// The cloud a domain name belongs to (the name itself or a subdomain of a cloud's domain), e.g.
/// `accounts.accesscontrol.windows.net` → public, `microsoftonline.us` → US Government.
pub fn cloud_of_domain(name: &str) -> Option<Cloud> {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    ALL_CLOUDS.into_iter().find(|c| {
        c.domains()
            .iter()
            .any(|d| name == *d || name.ends_with(&format!(".{d}")))
    })
}

/// Splits an `https://host/path` URL into lower-case host and path (path keeps its leading `/`).
/// Returns None for anything that is not an http(s) URL with a host.
pub fn split_url(url: &str) -> Option<(String, String)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or("").to_owned();
    Some((host, path))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn issuer_hosts_follow_instance_discovery_alias_groups() {
        assert_eq!(cloud_of_issuer_host("STS.windows.net"), Some(Cloud::Public));
        assert_eq!(
            cloud_of_issuer_host("login.usgovcloudapi.net"),
            Some(Cloud::UsGovernment)
        );
        assert_eq!(
            cloud_of_issuer_host("login.chinacloudapi.cn"),
            Some(Cloud::China)
        );
        assert_eq!(
            cloud_of_issuer_host("login.microsoftonline.de"),
            Some(Cloud::Germany)
        );
        assert_eq!(cloud_of_issuer_host("accounts.google.com"), None);
        // A certificate host is not an issuer host.
        assert_eq!(
            cloud_of_issuer_host("accounts.accesscontrol.windows.net"),
            None
        );
    }

    #[test]
    fn domains_match_on_label_boundaries() {
        assert_eq!(
            cloud_of_domain("accounts.accesscontrol.windows.net"),
            Some(Cloud::Public)
        );
        assert_eq!(
            cloud_of_domain("microsoftonline.us"),
            Some(Cloud::UsGovernment)
        );
        assert_eq!(
            cloud_of_domain("accounts.accesscontrol.chinacloudapi.cn"),
            Some(Cloud::China)
        );
        assert_eq!(cloud_of_domain("evilwindows.net"), None);
        assert_eq!(cloud_of_domain("Live ID STS Signing Public Key"), None);
    }

    #[test]
    fn ppe_and_tenant_hosts() {
        assert_eq!(
            cloud_of_domain("accounts.accesscontrol.windows-ppe.net"),
            Some(Cloud::Preproduction)
        );
        assert_eq!(
            cloud_of_domain("windows-ppe.net"),
            Some(Cloud::Preproduction)
        );
        assert_eq!(
            cloud_of_issuer_host("login.windows-ppe.net"),
            Some(Cloud::Preproduction)
        );
        assert_eq!(
            tenant_issuer_host("Contoso.b2clogin.com"),
            Some((Cloud::Public, "contoso".to_owned()))
        );
        assert_eq!(tenant_issuer_host("b2clogin.com"), None);
        assert_eq!(tenant_issuer_host("evilb2clogin.com"), None);
        assert_eq!(tenant_issuer_host("login.microsoftonline.com"), None);
    }

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            split_url("https://Login.MicrosoftOnline.com:443/common/discovery/keys?x=1"),
            Some((
                "login.microsoftonline.com".to_owned(),
                "/common/discovery/keys".to_owned()
            ))
        );
        assert_eq!(split_url("accounts.google.com"), None);
        assert_eq!(
            split_url("https://issuer.example"),
            Some(("issuer.example".to_owned(), String::new()))
        );
    }
}
