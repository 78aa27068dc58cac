//! One token's result: verdict (text, icon and colour), findings, the colour-coded token, the
//! decoded header and payload, every claim explained, and the signing key's provenance.

use keyhole_engine::decode::pretty;
use keyhole_engine::judge::provenance::Evidence;
use keyhole_engine::render::verdict_word;
use std::rc::Rc;

use keyhole_engine::report::{Report, SignatureOutcome, TokenReport, Verdict};
use keyhole_engine::time::format_utc;
use keyhole_engine::triage::where_found;
use serde_json::Value;
use yew::prelude::*;

use super::claims_table::claims_table;
use super::findings::Findings;
use super::reveal::{clip, reveal, Clipped, CLIP_CHARS};

#[derive(Properties)]
pub struct TokenCardProps {
    pub report: Rc<Report>,
    /// The token's place in `report.tokens`.
    pub at: usize,
    /// The first card of the page: its details start open unless the token is permitted.
    #[prop_or_default]
    pub first: bool,
}

/// A card changes only with its report: the same report, the same token, the same card (no
/// field-by-field comparison of the token's report, and no copy of it per card).
impl PartialEq for TokenCardProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.report, &o.report) && self.at == o.at && self.first == o.first
    }
}

fn verdict_icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Permitted => "✔",
        Verdict::Violation => "✖",
        Verdict::Invalid => "⊘",
        Verdict::Unverified => "?",
        Verdict::Malformed => "⚠",
    }
}

fn token_parts(token: &str) -> Html {
    let names = if token.split('.').count() == 5 {
        ["header", "key", "iv", "ciphertext", "tag"].as_slice()
    } else {
        ["header", "payload", "signature"].as_slice()
    };
    // A JSON serialization, or a token too long to colour part by part (a refused 1 MB
    // token): plain text, clipped.
    if token.trim_start().starts_with('{') || clip(token, CLIP_CHARS).is_some() {
        return html! { <code class="token-raw"><Clipped text={AttrValue::from(token.to_owned())} /></code> };
    }
    let parts: Vec<&str> = token.split('.').collect();
    html! {
        <code class="token-raw" aria-label="the token, coloured by part">
            { for parts.iter().enumerate().map(|(i, part)| html! {
                <>
                    if i > 0 { <span class="tp-dot">{ "." }</span> }
                    <span class={format!("tp tp-{}", names.get(i).copied().unwrap_or("extra"))}>{ part.to_string() }</span>
                </>
            }) }
        </code>
    }
}

fn evidence_line(label: &str, e: &Evidence) -> Html {
    html! {
        <li>
            <strong>{ label }</strong>{ ": " }{ reveal(&e.explanation) }
            if e.weak { <span class="weak">{ " (weak evidence)" }</span> }
        </li>
    }
}

fn matched_word(m: keyhole_engine::report::HowMatched) -> &'static str {
    use keyhole_engine::report::HowMatched;
    match m {
        HowMatched::Kid => "kid",
        HowMatched::X5t => "x5t",
        HowMatched::X5tS256 => "x5t#S256",
        HowMatched::Trial => "trying every compatible key",
    }
}

fn signature_text(s: &Option<SignatureOutcome>) -> String {
    match s {
        None => "not checked".to_owned(),
        Some(SignatureOutcome::Verified {
            key_id,
            matched_by,
            verifier,
            also_verified,
            hashed_nonce,
            ..
        }) => {
            let also = if also_verified.is_empty() {
                String::new()
            } else {
                format!("; also verified by {}", also_verified.join(", "))
            };
            let nonce = if *hashed_nonce {
                ", over the header with its nonce hashed"
            } else {
                ""
            };
            format!(
                "verified with trusted key {key_id} (matched by {}, checked by {verifier}{nonce}){also}",
                matched_word(*matched_by)
            )
        }
        Some(SignatureOutcome::SignatureInvalid {
            key_ids, verifier, ..
        }) => {
            format!(
                "INVALID: no signature match with key(s) {} (checked by {verifier})",
                key_ids.join(", ")
            )
        }
        Some(SignatureOutcome::NoMatchingKey { detail }) => {
            format!("no trusted key matches: {detail}")
        }
        Some(SignatureOutcome::AlgorithmDoesNotFitKey { key_id, reason }) => {
            format!("not checked: the algorithm does not fit key {key_id}: {reason}")
        }
        Some(SignatureOutcome::UnsupportedAlgorithm { alg }) => {
            format!("not checked: unsupported algorithm {alg}")
        }
        Some(SignatureOutcome::Unsecured) => "none: alg is \"none\" (unsecured token)".to_owned(),
        Some(SignatureOutcome::Encrypted) => {
            "encrypted token (JWE): no signature to check".to_owned()
        }
        Some(SignatureOutcome::DetachedPayload) => {
            "not checked: the payload is detached (not in the token)".to_owned()
        }
    }
}

#[function_component(TokenCard)]
pub fn token_card(p: &TokenCardProps) -> Html {
    let report = p.report.clone();
    // The details are built only while open: a page of 100 cards renders in a third of the
    // time, and a 10,000-token report shows its first page sooner. A permitted token needs no
    // second look: its card starts collapsed.
    let open = use_state(|| {
        p.first
            && report
                .tokens
                .get(p.at)
                .is_some_and(|t| t.verdict != Verdict::Permitted)
    });
    let Some(t) = report.tokens.get(p.at) else {
        return html! {};
    };
    let word = verdict_word(t.verdict);
    let codes = t
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let heading_id = format!("token-{}-title", t.index);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            open.set(
                e.target_unchecked_into::<web_sys::Element>()
                    .has_attribute("open"),
            )
        })
    };
    html! {
        <article class={classes!("token-card", format!("verdict-{word}"))} data-verdict={word} data-codes={codes}
            data-index={t.index.to_string()} aria-labelledby={heading_id.clone()}>
            <header class="token-head">
                <span class={classes!("badge", format!("verdict-{word}"))}>
                    <span aria-hidden="true">{ verdict_icon(t.verdict) }</span>{ " " }{ word.to_uppercase() }
                </span>
                <h3 id={heading_id}>{ format!("Token {}", t.index + 1) }</h3>
                { headline(t) }
            </header>
            <p class="verdict-reason"><Clipped text={AttrValue::from(t.verdict_reason.clone())} /></p>
            <p class="found-at">{ "Found: " }<Clipped text={AttrValue::from(t.found_at.as_ref().map(ToString::to_string).unwrap_or_default())} />
                <span class="fingerprint" title="SHA-256 of the token">{ format!(" · SHA-256 {}…", t.fingerprint.get(..16).unwrap_or("")) }</span>
            </p>
            if let Some(e) = &t.error { <p class="error">{ reveal(e) }</p> }
            <Findings report={report.clone()} at={p.at} about={AttrValue::from(keyhole_engine::render::finding_context(t))} />
            <details class="token-details" open={*open} {ontoggle}>
                <summary>{ "Token, header, claims and signing key" }</summary>
                if *open {
                if let Some(raw) = &t.token { { token_parts(raw) } }
                <p class="signature-line"><strong>{ "Signature: " }</strong>{ reveal(&signature_text(&t.signature)) }</p>
                if let Some(b) = &t.boundary {
                    <p><strong>{ "Claims to be: " }</strong>{ reveal(&b.description) }</p>
                }
                if let Some(k) = &t.signing_key {
                    <section class="signing-key">
                        <h4>{ "Signing key" }</h4>
                        <p class="signing-key-id"><Clipped text={AttrValue::from(format!("Key {} (kid {}), {}", k.key_id, k.kid.as_deref().unwrap_or("none"), if k.verified { "verified the signature" } else { "did not verify the signature" }))} /></p>
                        <p>{ "May sign for: " }<strong><Clipped text={AttrValue::from(k.provenance.scope.describe())} /></strong>{ " in the " }
                            <strong>{ k.provenance.cloud.map(|c| c.label()).unwrap_or("unknown cloud") }</strong></p>
                        <ul class="provenance">
                            { evidence_line("Scope", &k.provenance.scope_evidence) }
                            { evidence_line("Cloud", &k.provenance.cloud_evidence) }
                            if let Some(c) = &k.provenance.certificate {
                                <li><strong>{ "Certificate" }</strong>{ ": " }{ reveal(&c.subject) }
                                    { format!(", valid {} to {}, SHA-1 {}", format_utc(c.not_before), format_utc(c.not_after), c.sha1_hex) }</li>
                            }
                            { for k.provenance.notes.iter().map(|n| html!{ <li>{ reveal(n) }</li> }) }
                        </ul>
                    </section>
                }
                <div class="decoded">
                    <section>
                        <h4>{ "Header" }</h4>
                        <pre class="json decoded-header"><Clipped text={AttrValue::from(pretty(&t.header))} /></pre>
                    </section>
                    <section>
                        <h4>{ "Payload" }</h4>
                        <pre class="json decoded-payload"><Clipped text={AttrValue::from(pretty(&t.claims))} /></pre>
                    </section>
                </div>
                { claims_table(&t.claims, report.now) }
                if !t.notes.is_empty() {
                    <ul class="notes">{ for t.notes.iter().map(|n| html!{ <li>{ reveal(&n.message) }</li> }) }</ul>
                }
                }
            </details>
        </article>
    }
}

/// Who, for what, when and where, beside the card's heading (see `TokenReport::headline` and
/// `triage::where_found`); the issuer when the token names no user or audience.
fn headline(t: &TokenReport) -> Html {
    let h = t.headline();
    let mut parts: Vec<Html> = Vec::new();
    if let Some((claim, user)) = h.user {
        parts.push(html! { <span class="who" title={claim}>{ format!("{claim} ") }<Clipped text={AttrValue::from(user)} /></span> });
    }
    if let Some(aud) = h.audience {
        parts.push(
            html! { <span class="aud">{ "for " }<Clipped text={AttrValue::from(aud)} /></span> },
        );
    }
    if parts.is_empty() {
        if let Some(iss) = t.claims.get("iss").and_then(Value::as_str) {
            parts.push(html! { <span class="token-iss">{ "from " }<Clipped text={AttrValue::from(iss.to_owned())} /></span> });
        }
    }
    if let Some(iat) = h.issued_at {
        parts.push(html! { <span class="iat">{ format!("issued {iat}") }</span> });
    }
    let at = t.found_at.as_ref().map(where_found).unwrap_or_default();
    if !at.is_empty() {
        parts.push(
            html! { <span class="where">{ "at " }<Clipped text={AttrValue::from(at)} /></span> },
        );
    }
    if parts.is_empty() {
        return html! {};
    }
    let mut items = Vec::new();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            items.push(html! { { " · " } });
        }
        items.push(p);
    }
    html! { <p class="token-headline">{ for items }</p> }
}
