//! Real Microsoft key metadata and sample tokens (../shared/fixtures/real, see SOURCES.md there):
//! every file parses, every published key agrees with its certificate, the Storm-0558 key's
//! certificate says what Microsoft's indicators say, and the Microsoft Docs sample token that
//! names that key does not verify with it.
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};

use keyhole_engine::keys::{parse_key_set, DocumentKind, KeyEntry, KeySet, KeySize};
use keyhole_engine::token::{parse_compact, SignatureBlock};
use keyhole_engine::verify::{
    alg_fits_key, verify_signature, Alg, JsonWebTokenVerifier, MatchedBy, Verification,
};
use serde_json::Value;

const STORM_KID: &str = "1LTMzakihiRla_8z2BEJVXeWMqo";
const MSA_TENANT_ISSUER: &str =
    "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0";

fn real() -> Option<PathBuf> {
    common::fixture("fixtures/real")
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn key_set(dir: &Path, name: &str) -> KeySet {
    let doc: Value =
        serde_json::from_str(&read(dir, name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    parse_key_set(0, Some(name), None, &doc)
}

fn files(dir: &Path, ext: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(ext))
        .collect();
    names.sort();
    names
}

/// The signature block of a sample token. The Microsoft Docs samples carry a non-standard `=`
/// after the payload, which the parser reads with a note (the signature covers the text exactly
/// as written, padding included).
fn sample_block(text: &str) -> SignatureBlock {
    parse_compact(text)
        .unwrap_or_else(|e| panic!("sample token does not parse: {e}"))
        .signatures
        .into_iter()
        .next()
        .expect("no block")
}

#[test]
fn every_real_json_file_parses_as_the_document_it_is() {
    let Some(dir) = real() else { return };
    let names = files(&dir, ".json");
    assert_eq!(names.len(), 14, "{names:?}");
    for name in &names {
        let set = key_set(&dir, name);
        if name.contains("jwks") || name.contains("discovery-keys") || name.starts_with("b2c-") {
            assert_eq!(set.kind, DocumentKind::Jwks, "{name}");
            assert!(set.problems.is_empty(), "{name}: {:?}", set.problems);
            assert!(set.warnings.is_empty(), "{name}: {:?}", set.warnings);
            assert!(!set.keys.is_empty(), "{name}");
        } else if name.contains("openid-configuration") {
            assert_eq!(set.kind, DocumentKind::OpenIdConfiguration, "{name}");
            let info = set.openid.clone().unwrap_or_default();
            assert!(
                info.jwks_uri
                    .as_deref()
                    .is_some_and(|u| u.starts_with("https://login.microsoftonline.com/")),
                "{name}"
            );
            assert!(
                info.id_token_signing_alg_values_supported
                    .contains(&"RS256".to_owned()),
                "{name}"
            );
            assert_eq!(
                info.cloud_instance_name.as_deref(),
                Some("microsoftonline.com"),
                "{name}"
            );
            assert_eq!(set.declared_issuer, info.issuer, "{name}");
            assert!(
                set.declared_issuer
                    .as_deref()
                    .is_some_and(|i| i.contains("{tenantid}")),
                "{name}"
            );
        } else {
            // Instance-discovery aliases and the derived indicator record hold no keys: they are
            // recognised as "not a key document" with a reason, not mis-read.
            assert_eq!(set.kind, DocumentKind::Unrecognised, "{name}");
            assert!(set.keys.is_empty(), "{name}");
            assert!(
                set.problems
                    .first()
                    .is_some_and(|p| p.message.contains("expected a JWKS")),
                "{name}"
            );
        }
    }
}

#[test]
fn every_real_sample_token_parses() {
    let Some(dir) = real() else { return };
    let names = files(&dir, ".jwt");
    assert_eq!(names.len(), 2);
    for name in &names {
        let block = sample_block(&read(&dir, name));
        assert_eq!(block.params.alg.as_deref(), Some("RS256"), "{name}");
        assert!(block.params.kid.is_some(), "{name}");
        if let Some(x5t) = &block.params.x5t {
            assert_eq!(
                block.params.kid.as_ref(),
                Some(x5t),
                "{name}: Microsoft sets kid = x5t"
            );
        }
    }
}

#[test]
fn every_real_microsoft_key_agrees_with_its_certificate() {
    let Some(dir) = real() else { return };
    let mut checked = 0;
    let mut published = 0;
    for name in files(&dir, ".json") {
        // B2C keys carry no certificate (microsoft_families.rs judges them).
        if name.starts_with("b2c-") {
            continue;
        }
        let raw: Value = serde_json::from_str(&read(&dir, &name)).unwrap_or_default();
        published += raw
            .get("keys")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for key in key_set(&dir, &name).keys {
            let who = format!("{name} kid {:?}", key.kid);
            let cert = key
                .certificate
                .as_ref()
                .unwrap_or_else(|| panic!("{who}: no x5c"));
            assert_eq!(key.x5t.as_deref(), Some(cert.x5t.as_str()), "{who}");
            assert_eq!(cert.x5t_matches, Some(true), "{who}");
            assert_eq!(cert.x5t_s256_matches, None, "{who}");
            assert_eq!(cert.public_key_matches_jwk, Some(true), "{who}");
            assert_eq!(key.kid, key.x5t, "{who}: Microsoft sets kid = x5t");
            assert_eq!(key.size, Some(KeySize::RsaBits { bits: 2048 }), "{who}");
            assert!(cert.not_before < cert.not_after, "{who}");
            assert!(
                key.thumbprint.is_some() && !key.had_private_material,
                "{who}"
            );
            // No real key trips a weak-key refusal (ROCA, size): RS256 fits every one.
            assert_eq!(alg_fits_key(Alg::RS256, &key), Ok(()), "{who}");
            checked += 1;
        }
    }
    // Every published JWK was read and checked (32 across the eight key documents).
    assert_eq!(checked, published);
    assert!(checked >= 30);
}

fn storm_key(dir: &Path, file: &str) -> KeyEntry {
    key_set(dir, file)
        .keys
        .into_iter()
        .find(|k| k.kid.as_deref() == Some(STORM_KID))
        .unwrap_or_else(|| panic!("{file}: no Storm-0558 key"))
}

#[test]
fn storm_0558_key_certificate_matches_microsoft_indicators() {
    let Some(dir) = real() else { return };
    let key = storm_key(&dir, "msa-consumers-v2-jwks.2016-storm0558-key.json");
    let cert = key.certificate.clone().unwrap_or_default();
    assert_eq!(cert.sha1_hex, "d4b4cccda9228624656bff33d8110955779632aa");
    assert_eq!(cert.x5t, STORM_KID);
    assert_eq!(cert.subject, "CN=Live ID STS Signing Public Key");
    assert_eq!(cert.issuer, "CN=Live ID STS Signing Public Key");
    assert_eq!(cert.serial, "80788d5549dc17ae");
    assert_eq!(cert.not_before, 1_459_867_415, "2016-04-05T14:43:35Z");
    assert_eq!(cert.not_after, 1_617_547_415, "2021-04-04T14:43:35Z");
    assert_eq!(key.issuer.as_deref(), Some(MSA_TENANT_ISSUER));
    assert_eq!(key.size, Some(KeySize::RsaBits { bits: 2048 }));

    // The indicator record agrees with what the engine computed from the certificate.
    let ind: Value =
        serde_json::from_str(&read(&dir, "storm-0558-key-indicators.json")).unwrap_or_default();
    assert_eq!(
        ind.get("sha1_thumbprint_hex").and_then(Value::as_str),
        Some(cert.sha1_hex.as_str())
    );
    assert_eq!(
        ind.get("cert_serial_hex").and_then(Value::as_str),
        Some(cert.serial.as_str())
    );
    assert_eq!(
        ind.get("cert_subject").and_then(Value::as_str),
        Some(cert.subject.as_str())
    );

    // The nexus.passport.com copy is the same key.
    let nexus = storm_key(&dir, "msa-nexus-passport-partner-discovery-keys.2018.json");
    assert_eq!(nexus.material, key.material);
    assert_eq!(nexus.thumbprint, key.thumbprint);
    assert_eq!(nexus.issuer, None);
}

#[test]
fn msdocs_v2_sample_token_does_not_verify_with_the_storm_0558_key() {
    let Some(dir) = real() else { return };
    let block = sample_block(&read(&dir, "msdocs-sample-idtoken-v2-msa-kid-1LTMz.jwt"));
    assert_eq!(block.params.kid.as_deref(), Some(STORM_KID));
    let set = key_set(&dir, "msa-consumers-v2-jwks.2016-storm0558-key.json");
    let keys: Vec<&KeyEntry> = set.keys.iter().collect();
    let v = verify_signature(&block, &keys, &JsonWebTokenVerifier);
    assert_eq!(
        v,
        Verification::SignatureInvalid {
            key_ids: vec!["0/0".into()],
            matched_by: MatchedBy::Kid,
            verifier: "jsonwebtoken".into()
        }
    );
}

#[test]
fn msdocs_v2_sample_token_is_matched_by_kid_in_the_common_jwks_but_does_not_verify() {
    let Some(dir) = real() else { return };
    let block = sample_block(&read(&dir, "msdocs-sample-idtoken-v2-msa-kid-1LTMz.jwt"));
    // The 2024 common set no longer publishes the Storm-0558 key: nothing to match.
    let set = key_set(&dir, "entra-global-common-v2-jwks.2024-10.json");
    let keys: Vec<&KeyEntry> = set.keys.iter().collect();
    assert!(matches!(
        verify_signature(&block, &keys, &JsonWebTokenVerifier),
        Verification::NoMatchingKey { .. }
    ));
    // The 2018 nexus copy publishes it (without issuer): matched by kid, still invalid.
    let set = key_set(&dir, "msa-nexus-passport-partner-discovery-keys.2018.json");
    let keys: Vec<&KeyEntry> = set.keys.iter().collect();
    assert!(matches!(
        verify_signature(&block, &keys, &JsonWebTokenVerifier),
        Verification::SignatureInvalid {
            matched_by: MatchedBy::Kid,
            ..
        }
    ));
}

#[test]
fn microsoft_per_key_issuer_and_cloud_instance_are_kept() {
    let Some(dir) = real() else { return };
    let set = key_set(
        &dir,
        "entra-global-common-v2-jwks.2025-with-cloud_instance_name.json",
    );
    let clouds: Vec<Option<&str>> = set
        .keys
        .iter()
        .map(|k| k.cloud_instance_name.as_deref())
        .collect();
    assert!(
        clouds.contains(&Some("microsoftonline.us"))
            && clouds.contains(&Some("microsoftonline.com"))
    );
    assert_eq!(
        set.keys
            .iter()
            .filter(|k| k.issuer.as_deref() == Some(MSA_TENANT_ISSUER))
            .count(),
        2
    );
    let china = key_set(&dir, "entra-china-common-v1-jwks.2026-07.json");
    assert!(china
        .keys
        .iter()
        .all(|k| k.cloud_instance_name.is_none() && k.issuer.is_none()));
    assert!(china.keys.iter().all(|k| k
        .certificate
        .as_ref()
        .is_some_and(|c| c.subject == "CN=accounts.accesscontrol.chinacloudapi.cn")));
}
