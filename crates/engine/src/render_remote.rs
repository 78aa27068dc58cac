//! Documents rendered elsewhere: the web app's start module carries no document renderers
//! (the ticket reports: Markdown, printable HTML); it sends its report, already prepared for export (redaction,
//! fingerprints: [`crate::export::prepare`]) and its per-key timelines, to the document module
//! (`crates/documents`, loaded on demand), which renders it with this same engine. The request is JSON, like
//! [`crate::verify::remote`]'s, so both sides are plain engine code and tested natively.

use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, KeyTimeline};
use crate::report::Report;

/// The documents a report can be rendered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentFormat {
    /// Markdown, to attach to a ticket.
    Markdown,
    /// A self-contained printable HTML page.
    Html,
}

impl DocumentFormat {
    /// The file name and media type a saved document gets.
    pub fn file(self) -> (&'static str, &'static str) {
        match self {
            DocumentFormat::Markdown => ("keyhole-report.md", "text/markdown"),
            DocumentFormat::Html => ("keyhole-report.html", "text/html"),
        }
    }

    /// `report` as this document, with its per-key timelines.
    pub fn render(self, report: &Report, timelines: &[KeyTimeline]) -> String {
        match self {
            DocumentFormat::Markdown => crate::render::to_markdown(report, timelines),
            DocumentFormat::Html => crate::render::to_html(report, timelines),
        }
    }
}

#[derive(Serialize)]
struct RequestOut<'a> {
    format: DocumentFormat,
    report: &'a Report,
    timelines: &'a [KeyTimeline],
}

#[derive(Deserialize)]
struct RequestIn {
    format: DocumentFormat,
    report: Report,
    #[serde(default)]
    timelines: Vec<KeyTimeline>,
}

/// The request asking for `report` as a `format` document. Its per-key timelines are drawn
/// here, where the catalogue is (the page's, when loaded: publication windows come from it),
/// from the report as given, so a redacted report gets timelines from its redacted form.
pub fn encode_request(
    report: &Report,
    format: DocumentFormat,
    catalogue: Option<&Catalogue>,
) -> Result<String, String> {
    let timelines = crate::catalogue::timelines(report, catalogue);
    // Pretty, as the page's JSON export writes reports: the page then holds one JSON writer for
    // the report instead of two copies of its serialisation code.
    serde_json::to_string_pretty(&RequestOut {
        format,
        report,
        timelines: &timelines,
    })
    .map_err(|e| format!("the report could not be written for rendering: {e}"))
}

/// Renders the document a request (from [`encode_request`]) asks for.
pub fn render_request(request: &str) -> Result<String, String> {
    let RequestIn {
        format,
        report,
        timelines,
    } = serde_json::from_str(request)
        .map_err(|e| format!("the rendering request is not readable: {e}"))?;
    Ok(format.render(&report, &timelines))
}

// The reports come from the reference verifier.
#[cfg(all(test, feature = "rust-crypto"))]
mod tests {
    use super::*;
    use crate::{analyze_with_reference, AnalyzeOptions, CaseFile};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn sample_report() -> Result<Report, String> {
        let sample = crate::samples::sample("storm-0558").map(|s| s.case_json());
        let case = CaseFile::from_json(sample.unwrap_or("{}")).map_err(|e| e.to_string())?;
        Ok(analyze_with_reference(
            &case,
            &AnalyzeOptions::at(case.now.unwrap_or(0)),
        ))
    }

    #[test]
    fn a_rendered_request_equals_rendering_the_report_here() {
        let report = sample_report().unwrap_or_else(|e| unreachable!("{e}"));
        assert!(!report.tokens.is_empty());
        let timelines = crate::catalogue::timelines(&report, None);
        assert!(!timelines.is_empty());
        let request = encode_request(&report, DocumentFormat::Markdown, None)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let remote = render_request(&request).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(remote, crate::render::to_markdown(&report, &timelines));
        assert!(remote.starts_with("# Keyhole report"));
        assert!(remote.contains("## When each key signed"));
        let request = encode_request(&report, DocumentFormat::Html, None)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            render_request(&request).unwrap_or_else(|e| unreachable!("{e}")),
            crate::render::to_html(&report, &timelines)
        );
    }

    #[test]
    fn unreadable_requests_are_errors_that_say_so() {
        for bad in [
            "",
            "{",
            r#"{"format":"pdf","report":{}}"#,
            r#"{"format":"markdown"}"#,
        ] {
            let err = render_request(bad).err().unwrap_or_default();
            assert!(
                err.starts_with("the rendering request is not readable"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn formats_name_their_files() {
        assert_eq!(
            DocumentFormat::Markdown.file(),
            ("keyhole-report.md", "text/markdown")
        );
        assert_eq!(
            DocumentFormat::Html.file(),
            ("keyhole-report.html", "text/html")
        );
    }
}
