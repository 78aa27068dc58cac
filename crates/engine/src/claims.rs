//! What each claim means, for people. Shared by the UI, the CLI's text/Markdown output and the
//! exports (which use [`ClaimInfo::personal`] to redact personal data).

use serde::Serialize;

/// Where a claim is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimFamily {
    /// RFC 7519 §4.1.
    Registered,
    /// OpenID Connect Core 1.0 §2 and §5.1.
    OpenIdConnect,
    /// Microsoft Entra ID / Microsoft identity platform.
    Entra,
}

/// A claim's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClaimInfo {
    pub name: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
    pub family: ClaimFamily,
    /// Identifies or describes a person; redacted on export when the analyst asks.
    pub personal: bool,
    /// The value is a NumericDate (Unix seconds).
    pub timestamp: bool,
}

const fn c(
    name: &'static str,
    title: &'static str,
    explanation: &'static str,
    family: ClaimFamily,
    personal: bool,
    timestamp: bool,
) -> ClaimInfo {
    ClaimInfo {
        name,
        title,
        explanation,
        family,
        personal,
        timestamp,
    }
}

use ClaimFamily::{Entra, OpenIdConnect as Oidc, Registered as Reg};

/// Every claim Keyhole explains.
pub const CLAIMS: &[ClaimInfo] = &[
    c("iss", "Issuer", "Who issued the token. For Entra: the token service plus the tenant (v1 https://sts.windows.net/{tid}/, v2 https://login.microsoftonline.com/{tid}/v2.0).", Reg, false, false),
    c("sub", "Subject", "The principal the token is about; in Entra a pairwise identifier, unique per user and application.", Reg, true, false),
    c("aud", "Audience", "Who the token is for: an application (client) ID or a resource URI. A recipient must reject tokens meant for someone else.", Reg, false, false),
    c("exp", "Expires", "After this time the token must not be accepted.", Reg, false, true),
    c("nbf", "Not before", "Before this time the token must not be accepted.", Reg, false, true),
    c("iat", "Issued at", "When the token was issued (as the issuer claims; a forger chooses it).", Reg, false, true),
    c("jti", "Token ID", "A unique identifier for this token, for replay detection.", Reg, false, false),
    c("azp", "Authorized party", "The client application that requested the token (v2; v1 uses appid).", Oidc, false, false),
    c("nonce", "Nonce", "Binds an ID token to the sign-in request that asked for it.", Oidc, false, false),
    c("auth_time", "Authentication time", "When the user last authenticated.", Oidc, false, true),
    c("at_hash", "Access token hash", "Half of a hash of the access token issued with this ID token.", Oidc, false, false),
    c("c_hash", "Code hash", "Half of a hash of the authorization code issued with this ID token.", Oidc, false, false),
    c("acr", "Authentication context", "How strongly the user authenticated (v1: 0 = no MFA-level context, 1 = authenticated).", Oidc, false, false),
    c("amr", "Authentication methods", "How the user authenticated (pwd, mfa, rsa, ...).", Oidc, false, false),
    c("name", "Name", "The user's display name.", Oidc, true, false),
    c("given_name", "Given name", "The user's first name.", Oidc, true, false),
    c("family_name", "Family name", "The user's last name.", Oidc, true, false),
    c("email", "E-mail", "The user's e-mail address (not verified by Entra for all account types; never use it as a key).", Oidc, true, false),
    c("preferred_username", "Preferred username", "The sign-in name shown to the user; mutable, never an identifier.", Oidc, true, false),
    c("upn", "User principal name", "The user's sign-in name in the tenant (v1).", Entra, true, false),
    c("unique_name", "Unique name", "A human-readable name for the user (v1); not guaranteed unique.", Entra, true, false),
    c("login_hint", "Login hint", "An opaque hint for re-authenticating the same user.", Entra, true, false),
    c("ipaddr", "IP address", "The address the user authenticated from.", Entra, true, false),
    c("onprem_sid", "On-premises SID", "The user's security identifier in on-premises Active Directory.", Entra, true, false),
    c("tid", "Tenant ID", "The Entra tenant the user signed in to. 9188040d-6c67-4c5b-b112-36a304b66dad means a personal Microsoft account (consumer).", Entra, false, false),
    c("oid", "Object ID", "The user's (or service principal's) immutable ID in the tenant, the same across applications.", Entra, true, false),
    c("scp", "Scopes", "Delegated permissions granted to the client application, space-separated.", Entra, false, false),
    c("roles", "Roles", "Application roles (or application permissions) granted.", Entra, false, false),
    c("wids", "Directory role templates", "Tenant-wide directory roles of the user (template IDs), e.g. 62e90394-69f5-4237-9190-012177145e10 = Global Administrator.", Entra, false, false),
    c("groups", "Groups", "Object IDs of groups the user belongs to.", Entra, false, false),
    c("idp", "Identity provider", "Who authenticated the user when it differs from the issuer, e.g. live.com for a personal Microsoft account signed in as a guest.", Entra, false, false),
    c("ver", "Token version", "1.0 or 2.0; it should agree with the issuer form (v2 issuers end in /v2.0).", Entra, false, false),
    c("appid", "Application ID", "The client application that requested the token (v1; v2 uses azp).", Entra, false, false),
    c("appidacr", "Client authentication (v1)", "How the client authenticated: 0 public client, 1 client secret, 2 certificate.", Entra, false, false),
    c("azpacr", "Client authentication (v2)", "How the client authenticated: 0 public client, 1 client secret, 2 certificate.", Entra, false, false),
    c("acct", "Account status", "0 = member of the tenant, 1 = guest.", Entra, false, false),
    c("uti", "Token identifier", "An internal identifier of the token, used to revoke it.", Entra, false, false),
    c("rh", "Refresh hint", "Opaque; used by Entra to revalidate tokens.", Entra, false, false),
    c("aio", "Internal", "Opaque; Entra's internal data for token reuse.", Entra, false, false),
    c("xms_cc", "Client capabilities", "Capabilities the client declared (e.g. CP1 for continuous access evaluation).", Entra, false, false),
    c("xms_tcdt", "Tenant creation time", "When the user's tenant was created.", Entra, false, true),
    c("tenant_region_scope", "Tenant region", "The region of the tenant (e.g. NA, EU, USGov).", Entra, false, false),
    c("tenant_region_sub_scope", "Tenant sub-region", "GCC for US Government Community Cloud (commercial cloud), DODCON or DOD for Azure Government.", Entra, false, false),
    c("cloud_instance_host_name", "Cloud host", "The login host of the cloud that issued the token.", Entra, false, false),
    c("sid", "Session ID", "The user's sign-in session.", Entra, false, false),
];

/// The explanation of a claim, if Keyhole knows it.
pub fn explain(name: &str) -> Option<&'static ClaimInfo> {
    CLAIMS.iter().find(|c| c.name == name)
}

/// Claims that identify or describe a person (for redaction on export).
pub fn is_personal(name: &str) -> bool {
    explain(name).is_some_and(|c| c.personal)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn entra_claims_are_explained() {
        for name in [
            "tid", "oid", "scp", "roles", "wids", "idp", "ver", "azp", "appid", "acct",
        ] {
            assert!(explain(name).is_some(), "{name} has no explanation");
        }
    }

    #[test]
    fn personal_claims_are_marked_and_others_not() {
        for name in ["name", "upn", "email", "unique_name", "preferred_username"] {
            assert!(is_personal(name), "{name} should be personal");
        }
        for name in ["tid", "iss", "exp", "scp", "unknown-claim"] {
            assert!(!is_personal(name), "{name} should not be personal");
        }
    }

    #[test]
    fn claim_names_are_unique() {
        for (i, a) in CLAIMS.iter().enumerate() {
            assert!(
                CLAIMS.iter().skip(i + 1).all(|b| b.name != a.name),
                "{} twice",
                a.name
            );
        }
    }
}
