//! The page's security policy is written twice: as `<meta http-equiv>` in `index.html` (in force
//! wherever dist/ is served, even from a host that sends no headers) and as HTTP headers in
//! `www/_headers` (for hosts that read that file). This test keeps them one policy: the header
//! CSP must be the meta CSP plus only the directives a `<meta>` CSP cannot carry
//! (`frame-ancestors`, per CSP3 §4.2.2 / HTML), and the two referrer policies must agree.
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

const INDEX_HTML: &str = include_str!("../index.html");
const HEADERS: &str = include_str!("../www/_headers");

/// Directives browsers ignore in a `<meta>` CSP: they live only in the header.
const HEADER_ONLY: [&str; 3] = ["frame-ancestors", "report-uri", "sandbox"];

/// A policy as directive name → its sources, in order (names lower-cased, as CSP compares them).
type Policy = BTreeMap<String, Vec<String>>;

fn parse_policy(text: &str) -> Policy {
    text.split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect()
}

/// The `content` of the `<meta>` whose attribute `attr` is `value` (case-insensitive), if one.
fn meta_content(html: &str, attr: &str, value: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let needle = format!("{attr}=\"{}\"", value.to_ascii_lowercase());
    let at = lower.find(&needle)?;
    let start = lower.get(..at)?.rfind("<meta")?;
    let end = start + lower.get(start..)?.find('>')?;
    let tag = html.get(start..end)?;
    let content = tag.get(tag.find("content=\"")? + "content=\"".len()..)?;
    Some(content.get(..content.find('"')?)?.replace("&#39;", "'"))
}

/// The value of header `name` in the `/*` block of a Netlify/Cloudflare-style `_headers` file.
fn header_value(headers: &str, name: &str) -> Option<String> {
    let mut in_all = false;
    for line in headers.lines() {
        if !line.starts_with(char::is_whitespace) {
            in_all = line.trim() == "/*";
            continue;
        }
        if let Some((key, value)) = line.trim().split_once(':') {
            if in_all && key.trim().eq_ignore_ascii_case(name) {
                return Some(value.trim().to_owned());
            }
        }
    }
    None
}

/// How the header policy differs from the meta policy, beyond the header-only directives.
fn differences(meta: &Policy, header: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    for name in meta.keys().filter(|n| HEADER_ONLY.contains(&n.as_str())) {
        out.push(format!(
            "{name} is ignored in a <meta> CSP: put it in www/_headers only"
        ));
    }
    for (name, sources) in meta {
        match header.get(name) {
            Some(h) if h == sources => {}
            Some(h) => out.push(format!("{name}: index.html {sources:?}, _headers {h:?}")),
            None => out.push(format!("{name}: in index.html, missing from _headers")),
        }
    }
    for name in header.keys() {
        if !meta.contains_key(name) && !HEADER_ONLY.contains(&name.as_str()) {
            out.push(format!("{name}: in _headers, missing from index.html"));
        }
    }
    out
}

fn csp_pair() -> (Policy, Policy) {
    let meta = meta_content(INDEX_HTML, "http-equiv", "Content-Security-Policy")
        .expect("index.html has no CSP <meta>");
    let header = header_value(HEADERS, "Content-Security-Policy")
        .expect("www/_headers has no Content-Security-Policy for /*");
    (parse_policy(&meta), parse_policy(&header))
}

#[test]
fn index_html_and_headers_carry_the_same_csp() {
    let (meta, header) = csp_pair();
    assert!(meta.len() >= 5, "the meta CSP was not read whole: {meta:?}");
    let diff = differences(&meta, &header);
    assert!(
        diff.is_empty(),
        "the CSP in index.html and www/_headers drifted apart:\n{}",
        diff.join("\n")
    );
    // Clickjacking protection only works from the header.
    assert_eq!(
        header.get("frame-ancestors"),
        Some(&vec!["'none'".to_owned()])
    );
}

#[test]
fn index_html_and_headers_carry_the_same_referrer_policy() {
    let meta = meta_content(INDEX_HTML, "name", "referrer");
    let header = header_value(HEADERS, "Referrer-Policy");
    assert!(meta.is_some(), "index.html has no referrer <meta>");
    assert_eq!(meta, header);
}

/// The comparison sees a drift in either direction, a changed source list, and a header-only
/// directive put in the meta policy.
#[test]
fn a_drifted_policy_is_reported() {
    let (meta, _) = csp_pair();
    let mut header = meta.clone();
    header.insert("frame-ancestors".to_owned(), vec!["'none'".to_owned()]);
    assert!(differences(&meta, &header).is_empty());
    let mut looser = header.clone();
    looser.insert("connect-src".to_owned(), vec!["*".to_owned()]);
    assert_eq!(differences(&meta, &looser).len(), 1);
    let mut extra = header.clone();
    extra.insert("worker-src".to_owned(), vec!["'self'".to_owned()]);
    assert_eq!(differences(&meta, &extra).len(), 1);
    let mut missing = header.clone();
    missing.remove("base-uri");
    assert_eq!(differences(&meta, &missing).len(), 1);
    let mut meta_with_frames = meta.clone();
    meta_with_frames.insert("frame-ancestors".to_owned(), vec!["'none'".to_owned()]);
    assert!(!differences(&meta_with_frames, &header).is_empty());
    assert_eq!(
        parse_policy("Script-Src  'self'  ; ;img-src data:"),
        Policy::from([
            ("script-src".to_owned(), vec!["'self'".to_owned()]),
            ("img-src".to_owned(), vec!["data:".to_owned()]),
        ])
    );
}
