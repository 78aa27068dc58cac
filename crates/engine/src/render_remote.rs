//! Documents and views rendered elsewhere: the web app's start module carries no document
//! renderers (the exports: JSON, Markdown for tickets, printable HTML) and does not draw the
//! per-key timelines; it sends its report (for an export, with the redaction and fingerprints
//! asked for, which the module applies: [`crate::export::prepare`]) and whether its analyses
//! consult the catalogue to the document
//! module (`crates/documents`, loaded on demand), which draws the timelines and renders with
//! this same engine. The request is JSON, like [`crate::verify::remote`]'s, so both sides are
//! plain engine code and tested natively.

use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, KeyTimeline};
use crate::export::{prepare, ExportOptions};
use crate::report::Report;

/// The documents a report can be rendered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentFormat {
    /// The report as JSON, as the CLI writes it.
    Json,
    /// Markdown, to attach to a ticket.
    Markdown,
    /// A self-contained printable HTML page.
    Html,
}

impl DocumentFormat {
    /// The file name and media type a saved document gets.
    pub fn file(self) -> (&'static str, &'static str) {
        match self {
            DocumentFormat::Json => ("keyhole-report.json", "application/json"),
            DocumentFormat::Markdown => ("keyhole-report.md", "text/markdown"),
            DocumentFormat::Html => ("keyhole-report.html", "text/html"),
        }
    }

    /// `report` as this document, with its per-key timelines (the JSON report has none).
    pub fn render(self, report: &Report, timelines: &[KeyTimeline]) -> Result<String, String> {
        match self {
            DocumentFormat::Json => serde_json::to_string_pretty(report)
                .map_err(|e| format!("the report could not be written as JSON: {e}")),
            DocumentFormat::Markdown => Ok(crate::render::to_markdown(report, timelines)),
            DocumentFormat::Html => Ok(crate::render::to_html(report, timelines)),
        }
    }
}

#[derive(Serialize)]
struct RequestOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<DocumentFormat>,
    report: &'a Report,
    catalogue: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    export: Option<ExportOptions>,
}

#[derive(Deserialize)]
struct RequestIn {
    #[serde(default)]
    format: Option<DocumentFormat>,
    report: Report,
    #[serde(default)]
    catalogue: bool,
    #[serde(default)]
    export: Option<ExportOptions>,
}

/// The request asking for `report` as a `format` document, with `export`'s redaction and
/// fingerprints. `catalogue`: the page's analyses consult the catalogue, so the per-key
/// timelines show publication windows; the module reads the same catalogue (it is loaded in the
/// page by then) and draws the timelines from the report as exported, so a redacted report gets
/// timelines from its redacted form.
pub fn encode_request(
    report: &Report,
    format: DocumentFormat,
    catalogue: bool,
    export: ExportOptions,
) -> Result<String, String> {
    // Pretty, as the JS API returns reports: the page then holds one JSON writer for the report
    // instead of two copies of its serialisation code.
    serde_json::to_string_pretty(&RequestOut {
        format: Some(format),
        report,
        catalogue,
        export: Some(export),
    })
    .map_err(|e| format!("the report could not be written for rendering: {e}"))
}

/// The request asking for the page's timelines section of `report` (see [`encode_request`]
/// for `catalogue`).
pub fn encode_timelines_request(report: &Report, catalogue: bool) -> Result<String, String> {
    serde_json::to_string_pretty(&RequestOut {
        format: None,
        report,
        catalogue,
        export: None,
    })
    .map_err(|e| format!("the report could not be written for drawing its timelines: {e}"))
}

fn decode(request: &str) -> Result<RequestIn, String> {
    serde_json::from_str(request).map_err(|e| format!("the rendering request is not readable: {e}"))
}

/// The catalogue a request wants, from `catalogue` (called only when it does).
fn wanted<'c>(
    wants: bool,
    catalogue: impl FnOnce() -> Result<&'c Catalogue, String>,
) -> Result<Option<&'c Catalogue>, String> {
    wants.then(catalogue).transpose()
}

/// Renders the document a request (from [`encode_request`]) asks for; `catalogue` gives the
/// catalogue when the request says the page consults it.
pub fn render_request<'c>(
    request: &str,
    catalogue: impl FnOnce() -> Result<&'c Catalogue, String>,
) -> Result<String, String> {
    let RequestIn {
        format,
        report,
        catalogue: wants,
        export,
    } = decode(request)?;
    let format = format.ok_or("the rendering request names no document format")?;
    let report = match export {
        Some(options) => prepare(&report, options),
        None => report,
    };
    let timelines = match format {
        DocumentFormat::Json => Vec::new(),
        _ => crate::catalogue::timelines(&report, wanted(wants, catalogue)?),
    };
    format.render(&report, &timelines)
}

/// The page's timelines section ([`crate::catalogue::page::timelines_section`]) for a request
/// from [`encode_timelines_request`].
pub fn render_timelines_request<'c>(
    request: &str,
    catalogue: impl FnOnce() -> Result<&'c Catalogue, String>,
) -> Result<String, String> {
    let RequestIn {
        report,
        catalogue: wants,
        ..
    } = decode(request)?;
    Ok(crate::catalogue::page::timelines_section(
        &report,
        wanted(wants, catalogue)?,
    ))
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

    fn no_catalogue<'c>() -> Result<&'c Catalogue, String> {
        Err("the catalogue was asked for".to_owned())
    }

    #[test]
    fn a_rendered_request_equals_rendering_the_report_here() {
        let report = sample_report().unwrap_or_else(|e| unreachable!("{e}"));
        assert!(!report.tokens.is_empty());
        let timelines = crate::catalogue::timelines(&report, None);
        assert!(!timelines.is_empty());
        let request = encode_request(
            &report,
            DocumentFormat::Markdown,
            false,
            ExportOptions::default(),
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let remote = render_request(&request, no_catalogue).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(remote, crate::render::to_markdown(&report, &timelines));
        assert!(remote.starts_with("# Keyhole report"));
        assert!(remote.contains("## When each key signed"));
        let request = encode_request(
            &report,
            DocumentFormat::Html,
            false,
            ExportOptions::default(),
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            render_request(&request, no_catalogue).unwrap_or_else(|e| unreachable!("{e}")),
            crate::render::to_html(&report, &timelines)
        );
        let request =
            encode_timelines_request(&report, false).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            render_timelines_request(&request, no_catalogue)
                .unwrap_or_else(|e| unreachable!("{e}")),
            crate::catalogue::page::timelines_section(&report, None)
        );
    }

    /// A request made while the page consults the catalogue is drawn with it (publication
    /// windows), and asks for it only then; when it cannot be had, the error says why.
    #[cfg(feature = "catalogue")]
    #[test]
    fn a_request_with_the_catalogue_draws_publication_windows() {
        let report = sample_report().unwrap_or_else(|e| unreachable!("{e}"));
        let catalogue = crate::catalogue::embedded().unwrap_or_else(|e| unreachable!("{e}"));
        let request = encode_request(
            &report,
            DocumentFormat::Markdown,
            true,
            ExportOptions::default(),
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let with =
            render_request(&request, || Ok(catalogue)).unwrap_or_else(|e| unreachable!("{e}"));
        let timelines = crate::catalogue::timelines(&report, Some(catalogue));
        assert_eq!(with, crate::render::to_markdown(&report, &timelines));
        assert_eq!(
            render_request(&request, no_catalogue).err().as_deref(),
            Some("the catalogue was asked for")
        );
        let request =
            encode_timelines_request(&report, true).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            render_timelines_request(&request, || Ok(catalogue))
                .unwrap_or_else(|e| unreachable!("{e}")),
            crate::catalogue::page::timelines_section(&report, Some(catalogue))
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
            let err = render_request(bad, no_catalogue).err().unwrap_or_default();
            assert!(
                err.starts_with("the rendering request is not readable"),
                "{bad}: {err}"
            );
            let err = render_timelines_request(bad, no_catalogue)
                .err()
                .unwrap_or_default();
            assert!(
                err.starts_with("the rendering request is not readable"),
                "{bad}: {err}"
            );
        }
        let report = sample_report().unwrap_or_else(|e| unreachable!("{e}"));
        let timelines_only =
            encode_timelines_request(&report, false).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            render_request(&timelines_only, no_catalogue)
                .err()
                .as_deref(),
            Some("the rendering request names no document format")
        );
    }

    /// The exports' redaction and fingerprints are applied by the module, and the JSON export
    /// is the report as the CLI writes it: reading the request back loses nothing.
    #[test]
    fn exports_are_prepared_by_the_module_and_json_is_the_report_itself() {
        let report = sample_report().unwrap_or_else(|e| unreachable!("{e}"));
        let json = |options| {
            let request = encode_request(&report, DocumentFormat::Json, false, options)
                .unwrap_or_else(|e| unreachable!("{e}"));
            render_request(&request, no_catalogue).unwrap_or_else(|e| unreachable!("{e}"))
        };
        let kept = ExportOptions::default();
        assert_eq!(
            json(kept),
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
        let redacting = ExportOptions {
            redact_personal: true,
            fingerprint_tokens: true,
        };
        let prepared = prepare(&report, redacting);
        assert_ne!(prepared, report);
        assert_eq!(
            json(redacting),
            serde_json::to_string_pretty(&prepared).unwrap_or_default()
        );
        let request = encode_request(&report, DocumentFormat::Markdown, false, redacting)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let timelines = crate::catalogue::timelines(&prepared, None);
        assert_eq!(
            render_request(&request, no_catalogue).unwrap_or_else(|e| unreachable!("{e}")),
            crate::render::to_markdown(&prepared, &timelines)
        );
    }

    #[test]
    fn formats_name_their_files() {
        assert_eq!(
            DocumentFormat::Json.file(),
            ("keyhole-report.json", "application/json")
        );
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
