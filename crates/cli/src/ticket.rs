//! The reports for people to attach to a ticket (`--format markdown|html`): the engine's
//! renderings of the report after the engine's export preparation, redacted by default as the
//! web app's export is, so that a report pasted into a ticket carries neither personal claims
//! nor live bearer tokens unless `--no-redact` asks for them.

use keyhole_engine::catalogue::{self, Catalogue};
use keyhole_engine::export::{prepare, ExportOptions};
use keyhole_engine::{render, Report};

use crate::args::Format;

/// The Markdown or HTML report (`format` is either; anything else gets Markdown), with the
/// per-key timelines drawn from the prepared report and, for publication windows, `catalogue`
/// (the one the analysis consulted, if any), as the page draws them.
pub fn render(
    report: &Report,
    format: Format,
    redact: bool,
    catalogue: Option<&Catalogue>,
) -> String {
    let prepared = prepare(
        report,
        ExportOptions {
            redact_personal: redact,
            fingerprint_tokens: redact,
        },
    );
    let timelines = catalogue::timelines(&prepared, catalogue);
    match format {
        Format::Html => render::to_html(&prepared, &timelines),
        _ => render::to_markdown(&prepared, &timelines),
    }
}
