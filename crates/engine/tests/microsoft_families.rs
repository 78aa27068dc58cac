//! Microsoft identity families judged end to end (issue 13): synthetic tokens shaped like the
//! genuine ones seen in public code (docs/microsoft-identity.md), signed at test time, run
//! through `analyze_with_reference` with key sets carrying the URLs and metadata their real
//! counterparts have. Each family has a case that must pass and one that must not.
#![cfg(test)]

mod families_support;

use families_support::*;
use keyhole_engine::case::CaseKeySet;
use keyhole_engine::judge::{Cloud, KeyScope};
use keyhole_engine::report::Verdict;
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Entra v1 access tokens (Microsoft Graph) under v1 and v2 key sets

fn graph_v1_claims(tenant: &str) -> serde_json::Value {
    claims(json!({
        "aud": "https://graph.microsoft.com",
        "iss": format!("https://sts.windows.net/{tenant}/"),
        "tid": tenant,
        "ver": "1.0",
        "appid": "de8bc8b5-d9f9-48b1-a8ad-b748da725064",
        "appidacr": "0",
        "scp": "openid profile User.Read",
        "idp": format!("https://sts.windows.net/{tenant}/")
    }))
}

#[test]
fn graph_v1_token_under_the_v2_common_keys_is_permitted() {
    let token = GLOBAL_KEY.sign(json!({"x5t": GLOBAL_KEY.kid}), &graph_v1_claims(TENANT_A));
    let t = one(
        vec![key_set(COMMON_V2_KEYS, jwks(vec![global_jwk()]))],
        token,
    );
    expect(
        &t,
        Verdict::Permitted,
        &[],
        &[
            "key-issuer-mismatch",
            "token-version-issuer-mismatch",
            "weak-key-evidence",
        ],
    );
}

#[test]
fn graph_v1_token_under_the_v1_common_keys_is_permitted_and_a_v2_form_is_not_confused() {
    let v1_key = GLOBAL_KEY.jwk(json!({"cloud_instance_name": "microsoftonline.com"}));
    let token = GLOBAL_KEY.sign(json!({}), &graph_v1_claims(TENANT_A));
    let t = one(
        vec![key_set(COMMON_V1_KEYS, jwks(vec![v1_key.clone()]))],
        token,
    );
    expect(
        &t,
        Verdict::Permitted,
        &[],
        &["token-version-issuer-mismatch"],
    );
    // Firing: a workforce token that says ver 1.0 under a /v2.0 issuer is still inconsistent.
    let mut c = graph_v1_claims(TENANT_A);
    c["iss"] = json!(format!("https://login.microsoftonline.com/{TENANT_A}/v2.0"));
    let t = one(
        vec![key_set(COMMON_V1_KEYS, jwks(vec![v1_key]))],
        GLOBAL_KEY.sign(json!({}), &c),
    );
    expect(
        &t,
        Verdict::Permitted,
        &["token-version-issuer-mismatch"],
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// ACS issuer form: SharePoint app-only tokens

fn sharepoint_claims(tenant: &str) -> serde_json::Value {
    claims(json!({
        "aud": format!("{SHAREPOINT_APP}/contoso.sharepoint.com@{tenant}"),
        "iss": format!("{ACS_PRINCIPAL}@{tenant}"),
        "nameid": format!("{APP}@{tenant}"),
        "identityprovider": format!("{ACS_PRINCIPAL}@{tenant}")
    }))
}

#[test]
fn sharepoint_acs_token_under_the_tenantid_template_key_is_permitted() {
    let token = GLOBAL_KEY.sign(json!({"x5t": GLOBAL_KEY.kid}), &sharepoint_claims(TENANT_A));
    let report = analyze(
        vec![key_set(COMMON_V2_KEYS, jwks(vec![global_jwk()]))],
        vec![token],
    );
    let t = report.tokens.first().unwrap();
    expect(
        t,
        Verdict::Permitted,
        &[],
        &["key-issuer-mismatch", "missing-issuer"],
    );
    let b = t.boundary.as_ref().unwrap();
    assert_eq!(b.tenant.as_deref(), Some(TENANT_A));
    assert_eq!(b.cloud, Some(Cloud::Public));
    assert!(report
        .keys
        .iter()
        .all(|k| k.tenants == vec![TENANT_A.to_owned()] || k.tokens == 0));
}

#[test]
fn sharepoint_acs_token_names_its_tenant_as_surely_as_a_url() {
    // A key whose own issuer names tenant B verifies an ACS token of tenant A.
    let tenant_b_key = GLOBAL_KEY.jwk(json!({
        "issuer": format!("https://login.microsoftonline.com/{TENANT_B}/v2.0"),
        "cloud_instance_name": "microsoftonline.com"
    }));
    let token = GLOBAL_KEY.sign(json!({}), &sharepoint_claims(TENANT_A));
    let t = one(
        vec![key_set(COMMON_V2_KEYS, jwks(vec![tenant_b_key]))],
        token.clone(),
    );
    expect(
        &t,
        Verdict::Violation,
        &["key-tenant-mismatch"],
        &["key-issuer-mismatch"],
    );
    // And its cloud: a US Government key signing it is cross-cloud.
    let us_key = GLOBAL_KEY
        .jwk(json!({"issuer": ENTRA_TEMPLATE, "cloud_instance_name": "microsoftonline.us"}));
    let t = one(vec![key_set(COMMON_V2_KEYS, jwks(vec![us_key]))], token);
    expect(&t, Verdict::Violation, &["cross-cloud-key"], &[]);
}

// ---------------------------------------------------------------------------------------------
// Azure AD B2C: built-in user flows share keys across tenants; custom policies do not

fn b2c_claims(host_tenant: &str, tenant: &str, policy_claim: (&str, &str)) -> serde_json::Value {
    let mut c = claims(json!({
        "iss": format!("https://{host_tenant}.b2clogin.com/{tenant}/v2.0/"),
        "aud": APP,
        "sub": "synthetic-user",
        "ver": "1.0",
        "auth_time": NOW - 60
    }));
    c[policy_claim.0] = json!(policy_claim.1);
    c
}

fn user_flow_set() -> CaseKeySet {
    key_set(
        "https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/B2C_1_SignUpSignIn/discovery/v2.0/keys",
        jwks(vec![B2C_SHARED_KEY.jwk(json!({"nbf": 1_493_763_266}))]),
    )
}

#[test]
fn b2c_user_flow_key_shared_by_two_tenants_is_permitted_for_both() {
    let a = B2C_SHARED_KEY.sign(
        json!({}),
        &b2c_claims("fabrikamb2c", TENANT_A, ("tfp", "B2C_1_SignUpSignIn")),
    );
    let b = B2C_SHARED_KEY.sign(
        json!({}),
        &b2c_claims("contosob2c", TENANT_B, ("acr", "b2c_1_susi")),
    );
    // The older issuer on login.microsoftonline.com, named B2C by its policy claim only.
    let mut older = b2c_claims("unused", TENANT_C, ("acr", "b2c_1_sign_in"));
    older["iss"] = json!(format!(
        "https://login.microsoftonline.com/{TENANT_C}/v2.0/"
    ));
    let c = B2C_SHARED_KEY.sign(json!({}), &older);
    // The tfp issuer form.
    let mut tfp = b2c_claims("contosob2c", TENANT_B, ("tfp", "B2C_1_edit"));
    tfp["iss"] = json!(format!(
        "https://contosob2c.b2clogin.com/tfp/{TENANT_B}/B2C_1_edit/v2.0/"
    ));
    let d = B2C_SHARED_KEY.sign(json!({}), &tfp);
    let report = analyze(vec![user_flow_set()], vec![a, b, c, d]);
    for t in &report.tokens {
        expect(
            t,
            Verdict::Permitted,
            &[],
            &[
                "key-tenant-mismatch",
                "token-version-issuer-mismatch",
                "unknown-key-provenance",
                "weak-key-evidence",
            ],
        );
    }
    let key = report
        .keys
        .iter()
        .find(|k| k.tokens == 4)
        .unwrap_or_else(|| panic!("{:?}", report.keys));
    assert_eq!(key.tenants.len(), 3);
    assert!(key.findings.is_empty(), "{:?}", key.findings);
    assert_eq!(key.scope, KeyScope::AnyOrganization);
}

#[test]
fn b2c_user_flow_key_places_its_cloud_only_weakly_by_its_url() {
    // Firing: the shared B2C key verifying a token of another cloud's issuer.
    let mut us = b2c_claims("fabrikamb2c", TENANT_A, ("tfp", "B2C_1_SignUpSignIn"));
    us["iss"] = json!(format!("https://login.microsoftonline.us/{TENANT_A}/v2.0"));
    us["ver"] = json!("2.0");
    let t = one(vec![user_flow_set()], B2C_SHARED_KEY.sign(json!({}), &us));
    // Its cloud is known only from the b2clogin.com URL (weak): not a violation.
    expect(
        &t,
        Verdict::Unverified,
        &["weak-key-evidence"],
        &["cross-cloud-key"],
    );
}

fn custom_policy_set(source: &str) -> CaseKeySet {
    key_set(source, jwks(vec![B2C_CUSTOM_KEY.jwk(json!({}))]))
}

#[test]
fn b2c_custom_policy_key_binds_to_its_tenant_by_name() {
    let source = "https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/B2C_1A_signup_signin/discovery/v2.0/keys";
    let own = B2C_CUSTOM_KEY.sign(
        json!({}),
        &b2c_claims("fabrikamb2c", TENANT_A, ("tfp", "B2C_1A_signup_signin")),
    );
    let t = one(vec![custom_policy_set(source)], own);
    expect(
        &t,
        Verdict::Permitted,
        &[],
        &["key-tenant-mismatch", "token-version-issuer-mismatch"],
    );
    let other = B2C_CUSTOM_KEY.sign(
        json!({}),
        &b2c_claims("contosob2c", TENANT_B, ("tfp", "B2C_1A_signup_signin")),
    );
    let t = one(vec![custom_policy_set(source)], other);
    expect(&t, Verdict::Violation, &["key-tenant-mismatch"], &[]);
}

#[test]
fn b2c_custom_policy_key_binds_to_its_tenant_by_id() {
    let source = format!(
        "https://login.microsoftonline.com/te/{TENANT_A}/b2c_1a_signin/discovery/v2.0/keys"
    );
    let own = B2C_CUSTOM_KEY.sign(
        json!({}),
        &b2c_claims("fabrikamb2c", TENANT_A, ("acr", "b2c_1a_signin")),
    );
    expect(
        &one(vec![custom_policy_set(&source)], own),
        Verdict::Permitted,
        &[],
        &["key-tenant-mismatch"],
    );
    let other = B2C_CUSTOM_KEY.sign(
        json!({}),
        &b2c_claims("contosob2c", TENANT_B, ("acr", "b2c_1a_signin")),
    );
    expect(
        &one(vec![custom_policy_set(&source)], other),
        Verdict::Violation,
        &["key-tenant-mismatch"],
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// Entra External ID (CIAM): tenants of the public cloud signed by the global Entra keys

fn ciam_claims(tenant: &str) -> serde_json::Value {
    claims(json!({
        "iss": format!("https://{tenant}.ciamlogin.com/{tenant}/v2.0"),
        "tid": tenant,
        "aud": APP,
        "ver": "2.0",
        "sub": "synthetic-user"
    }))
}

#[test]
fn external_id_token_under_the_global_keys_is_permitted() {
    let token = GLOBAL_KEY.sign(json!({}), &ciam_claims(TENANT_C));
    for source in [
        COMMON_V2_KEYS.to_owned(),
        format!("https://{TENANT_C}.ciamlogin.com/{TENANT_C}/discovery/v2.0/keys"),
    ] {
        let t = one(
            vec![key_set(&source, jwks(vec![global_jwk()]))],
            token.clone(),
        );
        expect(
            &t,
            Verdict::Permitted,
            &[],
            &["key-issuer-mismatch", "unknown-key-provenance"],
        );
        let b = t.boundary.as_ref().unwrap();
        assert_eq!(b.cloud, Some(Cloud::Public), "{source}");
        assert_eq!(b.tenant.as_deref(), Some(TENANT_C), "{source}");
    }
}

#[test]
fn external_id_token_under_a_consumer_key_is_a_violation() {
    let consumer = GLOBAL_KEY.jwk(json!({
        "issuer": "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
        "cloud_instance_name": "microsoftonline.com"
    }));
    let token = GLOBAL_KEY.sign(json!({}), &ciam_claims(TENANT_C));
    let t = one(vec![key_set(COMMON_V2_KEYS, jwks(vec![consumer]))], token);
    expect(
        &t,
        Verdict::Violation,
        &["consumer-key-for-organization-tenant"],
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// Application-specific signing keys (…/keys?appid=)

fn app_set(with_issuer: bool) -> CaseKeySet {
    let extra = if with_issuer {
        json!({"issuer": format!("https://login.microsoftonline.com/{TENANT_A}/v2.0"),
               "cloud_instance_name": "microsoftonline.com"})
    } else {
        json!({"cloud_instance_name": "microsoftonline.com"})
    };
    key_set(
        &format!("https://login.microsoftonline.com/{TENANT_A}/discovery/v2.0/keys?appid={APP}"),
        jwks(vec![APP_KEY.jwk(extra), global_jwk()]),
    )
}

fn app_claims(tenant: &str, aud: serde_json::Value) -> serde_json::Value {
    claims(json!({
        "iss": format!("https://login.microsoftonline.com/{tenant}/v2.0"),
        "tid": tenant,
        "aud": aud,
        "azp": OTHER_APP,
        "ver": "2.0"
    }))
}

#[test]
fn application_key_signing_for_its_application_is_permitted() {
    for with_issuer in [true, false] {
        for aud in [
            json!(APP),
            json!(format!("api://{APP}")),
            json!([APP, "other"]),
        ] {
            let token = APP_KEY.sign(json!({}), &app_claims(TENANT_A, aud.clone()));
            let t = one(vec![app_set(with_issuer)], token);
            expect(
                &t,
                Verdict::Permitted,
                &[],
                &["key-application-mismatch", "key-application-unverifiable"],
            );
            let scope = &t.signing_key.as_ref().unwrap().provenance.scope;
            assert_eq!(
                scope,
                &KeyScope::Application {
                    tenant: Some(TENANT_A.to_owned()),
                    application: APP.to_owned()
                },
                "{aud}"
            );
        }
    }
}

#[test]
fn application_key_signing_for_another_application_is_a_violation() {
    for aud in [
        json!(OTHER_APP),
        json!(GRAPH_APP),
        json!(format!("api://{OTHER_APP}")),
    ] {
        let token = APP_KEY.sign(json!({}), &app_claims(TENANT_A, aud.clone()));
        let t = one(vec![app_set(true)], token);
        expect(&t, Verdict::Violation, &["key-application-mismatch"], &[]);
        let f = t
            .findings
            .iter()
            .find(|f| f.code == "key-application-mismatch")
            .unwrap();
        assert_eq!(
            f.evidence_json().get("key_application"),
            Some(&json!(APP)),
            "{aud}"
        );
        assert_eq!(f.evidence_json().get("token_azp"), Some(&json!(OTHER_APP)));
    }
    // Another tenant's token under the application's key.
    let token = APP_KEY.sign(json!({}), &app_claims(TENANT_B, json!(APP)));
    expect(
        &one(vec![app_set(false)], token),
        Verdict::Violation,
        &["key-tenant-mismatch"],
        &["key-application-mismatch"],
    );
}

#[test]
fn application_key_with_an_audience_uri_is_unverified() {
    let token = APP_KEY.sign(
        json!({}),
        &app_claims(TENANT_A, json!("https://contoso.example/api")),
    );
    expect(
        &one(vec![app_set(true)], token),
        Verdict::Unverified,
        &["key-application-unverifiable"],
        &["key-application-mismatch"],
    );
}

#[test]
fn a_global_key_served_in_an_application_set_stays_any_organisation() {
    let token = GLOBAL_KEY.sign(json!({}), &app_claims(TENANT_B, json!(OTHER_APP)));
    let t = one(vec![app_set(true)], token);
    expect(
        &t,
        Verdict::Permitted,
        &[],
        &["key-application-mismatch", "key-tenant-mismatch"],
    );
}

// ---------------------------------------------------------------------------------------------
// Pre-production (PPE)

const PPE_KEYS: &str = "https://login.windows-ppe.net/common/discovery/keys";

fn ppe_jwk() -> serde_json::Value {
    PPE_KEY.jwk(json!({"cloud_instance_name": "windows-ppe.net"}))
}

fn v2_claims(host: &str, tenant: &str) -> serde_json::Value {
    claims(json!({
        "iss": format!("https://{host}/{tenant}/v2.0"),
        "tid": tenant,
        "aud": APP,
        "ver": "2.0"
    }))
}

#[test]
fn ppe_key_signing_a_production_token_is_cross_cloud() {
    let production = PPE_KEY.sign(json!({}), &v2_claims("login.microsoftonline.com", TENANT_A));
    let t = one(vec![key_set(PPE_KEYS, jwks(vec![ppe_jwk()]))], production);
    expect(&t, Verdict::Violation, &["cross-cloud-key"], &[]);
    let f = t
        .findings
        .iter()
        .find(|f| f.code == "cross-cloud-key")
        .unwrap();
    assert_eq!(
        f.evidence_json()["key_cloud"]["cloud"],
        json!("preproduction")
    );
    // Not firing: a PPE token under the PPE key.
    let ppe = PPE_KEY.sign(json!({}), &v2_claims("login.windows-ppe.net", TENANT_A));
    expect(
        &one(vec![key_set(PPE_KEYS, jwks(vec![ppe_jwk()]))], ppe),
        Verdict::Permitted,
        &[],
        &["cross-cloud-key"],
    );
}

#[test]
fn production_key_signing_a_ppe_token_is_cross_cloud() {
    let ppe = GLOBAL_KEY.sign(json!({}), &v2_claims("login.windows-ppe.net", TENANT_A));
    // Even when the production key was found in the PPE set (as real sets mix clouds).
    let t = one(vec![key_set(PPE_KEYS, jwks(vec![global_jwk()]))], ppe);
    expect(&t, Verdict::Violation, &["cross-cloud-key"], &[]);
}

// ---------------------------------------------------------------------------------------------
// Weak evidence alone never makes a violation

#[test]
fn a_bare_key_in_a_us_set_signing_a_public_token_is_unverified_not_a_violation() {
    let bare = GLOBAL_KEY.jwk(json!({}));
    let token = GLOBAL_KEY.sign(json!({}), &v2_claims("login.microsoftonline.com", TENANT_A));
    let t = one(
        vec![key_set(
            "https://login.microsoftonline.us/organizations/discovery/v2.0/keys",
            jwks(vec![bare.clone()]),
        )],
        token.clone(),
    );
    expect(
        &t,
        Verdict::Unverified,
        &["weak-key-evidence"],
        &["cross-cloud-key"],
    );
    let f = t
        .findings
        .iter()
        .find(|f| f.code == "weak-key-evidence")
        .unwrap();
    assert_eq!(
        f.evidence_json().get("would_be"),
        Some(&json!("cross-cloud-key"))
    );
    // The claimed cloud's own endpoint permits it.
    let t = one(
        vec![key_set(
            "https://login.microsoftonline.com/organizations/discovery/v2.0/keys",
            jwks(vec![bare]),
        )],
        token,
    );
    expect(&t, Verdict::Permitted, &[], &["weak-key-evidence"]);
}

#[test]
fn strong_evidence_against_the_claim_is_still_a_violation() {
    // Firing counterpart: the same URL, but the key's cloud_instance_name says US Government.
    let us = GLOBAL_KEY.jwk(json!({"cloud_instance_name": "microsoftonline.us"}));
    let token = GLOBAL_KEY.sign(json!({}), &v2_claims("login.microsoftonline.com", TENANT_A));
    let t = one(
        vec![key_set(
            "https://login.microsoftonline.com/organizations/discovery/v2.0/keys",
            jwks(vec![us]),
        )],
        token,
    );
    expect(
        &t,
        Verdict::Violation,
        &["cross-cloud-key"],
        &["weak-key-evidence"],
    );
}

#[test]
fn a_tenant_url_binds_its_keys_only_weakly() {
    let set = || {
        key_set(
            &format!("https://login.microsoftonline.com/{TENANT_A}/discovery/keys"),
            jwks(vec![
                GLOBAL_KEY.jwk(json!({"cloud_instance_name": "microsoftonline.com"}))
            ]),
        )
    };
    let own = GLOBAL_KEY.sign(json!({}), &v2_claims("login.microsoftonline.com", TENANT_A));
    expect(
        &one(vec![set()], own),
        Verdict::Permitted,
        &[],
        &["weak-key-evidence"],
    );
    let other = GLOBAL_KEY.sign(json!({}), &v2_claims("login.microsoftonline.com", TENANT_B));
    let t = one(vec![set()], other);
    expect(
        &t,
        Verdict::Unverified,
        &["weak-key-evidence"],
        &["key-tenant-mismatch"],
    );
}

// ---------------------------------------------------------------------------------------------
// Lenient reading of non-conformant published keys

#[test]
fn a_key_in_standard_base64_is_read_with_a_warning_and_verifies() {
    let (n, e) = GLOBAL_KEY.public_members();
    let standard =
        keyhole_engine::b64::encode_std(&keyhole_engine::b64::decode_url(&n).unwrap_or_default());
    let mut jwk = global_jwk();
    jwk["n"] = json!(standard);
    jwk["e"] = json!(e);
    let broken = json!({"kty": "RSA", "kid": "mixed", "n": "ab-c+d/e_", "e": "AQAB"});
    let token = GLOBAL_KEY.sign(json!({}), &v2_claims("login.microsoftonline.com", TENANT_A));
    let report = analyze(
        vec![key_set(COMMON_V2_KEYS, jwks(vec![broken, jwk]))],
        vec![token],
    );
    let set = report.key_sets.first().unwrap();
    assert_eq!(set.keys, 1);
    assert_eq!(set.problems.len(), 1, "{:?}", set.problems);
    assert!(
        set.problems.iter().any(|p| p.contains("mixed")),
        "{:?}",
        set.problems
    );
    let warning = set
        .warnings
        .iter()
        .find(|w| w.starts_with("non-conformant-key-encoding"))
        .unwrap_or_else(|| panic!("{:?}", set.warnings));
    assert!(
        warning.contains(GLOBAL_KEY.kid) && warning.contains("\"n\""),
        "{warning}"
    );
    let t = report.tokens.first().unwrap();
    expect(t, Verdict::Permitted, &[], &[]);
}
