//! Component tests in headless Chromium (wasm-bindgen-test): the components render what the
//! engine decided, hostile values stay inert, and the test hooks (`data-verdict`, `data-codes`,
//! `#summary` data attributes) are present.
#![cfg(test)]
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use keyhole_app::components::summary::{summary, SummaryProps};
use keyhole_app::components::token_card::{TokenCard, TokenCardProps};
use keyhole_app::state::Progress;
use keyhole_engine::samples::sample;
use keyhole_engine::{analyze_with_reference, AnalyzeOptions, CaseFile, Report};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The summary is a plain function in the app; mounted here through a component of its own.
#[yew::function_component(Summary)]
fn summary_host(p: &SummaryProps) -> yew::Html {
    summary(p)
}

fn host() -> web_sys::Element {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser test has a document");
    let el = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

async fn settle() {
    yew::platform::time::sleep(std::time::Duration::from_millis(30)).await;
}

fn report_of(case: &CaseFile) -> Report {
    analyze_with_reference(case, &AnalyzeOptions::at(0))
}

fn sample_report(name: &str) -> Report {
    let json = sample(name).map(|s| s.case_json()).unwrap_or_default();
    report_of(&CaseFile::from_json(json).unwrap())
}

fn attr(root: &web_sys::Element, selector: &str, name: &str) -> Option<String> {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute(name))
}

#[wasm_bindgen_test]
async fn token_card_carries_verdict_and_codes_for_the_storm_sample() {
    let report = sample_report("storm-0558");
    let root = host();
    let props = TokenCardProps {
        report: std::rc::Rc::new(report),
        at: 0,
        first: true,
    };
    yew::Renderer::<TokenCard>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(
        attr(&root, "[data-verdict]", "data-verdict").as_deref(),
        Some("violation")
    );
    let codes = attr(&root, "[data-verdict]", "data-codes").unwrap_or_default();
    assert!(
        codes.contains("consumer-key-for-organization-tenant"),
        "{codes}"
    );
    let text = root.text_content().unwrap_or_default();
    assert!(
        text.contains("VIOLATION"),
        "the verdict is written in words, not colour alone"
    );
    assert!(
        text.contains("Microsoft consumer accounts only"),
        "provenance shown"
    );
}

#[wasm_bindgen_test]
async fn summary_sets_data_attributes_only_when_current() {
    let report = Rc::new(sample_report("cross-cloud"));
    let root = host();
    let props = SummaryProps {
        report: Some(report.clone()),
        current: true,
        progress: Progress::Idle,
        verifier: "test".into(),
        verdicts: keyhole_engine::triage::VerdictSet::ALL,
        on_action: yew::Callback::noop(),
    };
    yew::Renderer::<Summary>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(attr(&root, "#summary", "data-total").as_deref(), Some("2"));
    assert_eq!(
        attr(&root, "#summary", "data-violation").as_deref(),
        Some("2")
    );

    let stale = host();
    let props = SummaryProps {
        report: Some(report),
        current: false,
        progress: Progress::Idle,
        verifier: "test".into(),
        verdicts: keyhole_engine::triage::VerdictSet::ALL,
        on_action: yew::Callback::noop(),
    };
    yew::Renderer::<Summary>::with_root_and_props(stale.clone(), props).render();
    settle().await;
    assert_eq!(
        attr(&stale, "#summary", "data-total"),
        None,
        "a stale report must not look complete"
    );
}

#[wasm_bindgen_test]
async fn hostile_claims_render_as_inert_text_with_invisible_characters_marked() {
    let header =
        keyhole_engine::b64::encode_url(br#"{"alg":"HS256","kid":"<svg onload=alert(1)>"}"#);
    let payload = keyhole_engine::b64::encode_url(
        "{\"name\":\"<img src=x onerror=alert(1)>\",\"upn\":\"admin\u{202E}gpj.exe\"}".as_bytes(),
    );
    let case = CaseFile {
        tokens: vec![format!("{header}.{payload}.c2ln")],
        ..CaseFile::default()
    };
    let report = report_of(&case);
    let root = host();
    let props = TokenCardProps {
        report: std::rc::Rc::new(report),
        at: 0,
        first: true,
    };
    yew::Renderer::<TokenCard>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert!(
        root.query_selector("img, svg, script")
            .ok()
            .flatten()
            .is_none(),
        "no element may be injected"
    );
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("<img src=x onerror=alert(1)>"));
    let marker = root
        .query_selector(".invisible-char")
        .ok()
        .flatten()
        .and_then(|e| e.text_content());
    assert_eq!(marker.as_deref(), Some("U+202E"));
}

/// WebCrypto answers every planned check of every sample (all algorithms) exactly as
/// jsonwebtoken does, including a tampered signature of each; so no verdict depends on which
/// verifier answered.
#[wasm_bindgen_test]
async fn webcrypto_agrees_with_jsonwebtoken_on_every_sample_check() {
    use keyhole_engine::verify::{JsonWebTokenVerifier, SignatureVerifier};
    assert!(
        keyhole_app::adapters::webcrypto::available(),
        "the test page is a secure context"
    );
    // The page's batch verifier, as index.html loads it.
    js_sys::Function::new_no_args(include_str!("../www/webcrypto.js"))
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap_or_else(|e| panic!("www/webcrypto.js: {e:?}"));
    let mut checks = Vec::new();
    for s in keyhole_engine::samples::SAMPLES {
        let case = CaseFile::from_json(s.case_json()).unwrap();
        let mut analysis =
            keyhole_engine::Analysis::new(&case, &keyhole_engine::AnalyzeOptions::at(0));
        analysis.add_case(case);
        while let Some(mut slice) = analysis.next_slice(usize::MAX) {
            checks.extend(analysis.plan(&mut slice));
        }
    }
    let tampered: Vec<_> = checks
        .iter()
        .cloned()
        .map(|mut c| {
            if let Some(b) = c.signature.last_mut() {
                *b ^= 1;
            }
            c
        })
        .collect();
    checks.extend(tampered);
    let answers = keyhole_app::adapters::webcrypto::answer_all(&checks)
        .await
        .unwrap();
    let mut algs = std::collections::BTreeSet::new();
    for (c, a) in checks.iter().zip(&answers) {
        let reference = JsonWebTokenVerifier
            .verify(c.alg, &c.material, &c.signing_input, &c.signature)
            .unwrap_or(false);
        assert_eq!(*a, Some(reference), "{} with key {}", c.alg, c.key_id);
        algs.insert(c.alg.as_str());
    }
    assert!(algs.len() >= 13, "algorithms covered: {algs:?}");
}
