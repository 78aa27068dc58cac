//! Documents (the Markdown and printable HTML reports) rendered by the reference module, loaded on demand through
//! `keyholeRender` (see [`super::on_demand`]): the start module carries no document renderer.
//! The engine writes the request and renders it (`render_remote`), so what the page saves is
//! what the CLI would write for the same report.

use keyhole_engine::render_remote::{encode_request, DocumentFormat};
use keyhole_engine::Report;

/// The `format` document of `report` (already prepared for export: redaction, fingerprints),
/// with its per-key timelines (publication windows when the catalogue is loaded).
pub async fn render(report: &Report, format: DocumentFormat) -> Result<String, String> {
    let request = encode_request(report, format, super::catalogue::for_page())?;
    super::on_demand::call("keyholeRender", &request).await
}
