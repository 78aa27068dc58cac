//! What the document module (crates/documents, loaded on first use through `www/boot.js`)
//! renders for the page: the exports (JSON, Markdown, printable HTML, with the redaction asked
//! for), the per-key timelines and the
//! Known keys view of the catalogue. The start module carries none of that code; the engine
//! writes each request and renders it (`render_remote`, `catalogue::page`), so what the page
//! saves is what the CLI would write for the same report.

use keyhole_engine::catalogue::page::{KeySetAsOf, View, ViewRequest};
use keyhole_engine::export::ExportOptions;
use keyhole_engine::render_remote::{encode_request, encode_timelines_request, DocumentFormat};
use keyhole_engine::Report;

use super::on_demand::call;

/// Whether the page's analyses consult the catalogue: the module then draws publication
/// windows from the same catalogue.
fn consulted() -> bool {
    super::catalogue::for_page().is_some()
}

/// The `format` export of `report` with `options`' redaction and fingerprints (the Markdown
/// and HTML reports with their per-key timelines).
pub async fn render(
    report: &Report,
    format: DocumentFormat,
    options: ExportOptions,
) -> Result<String, String> {
    call(
        "keyholeRender",
        &encode_request(report, format, consulted(), options)?,
    )
    .await
}

/// The body of the page's timelines section for `report` (HTML, every text escaped).
pub async fn timelines(report: &Report) -> Result<String, String> {
    call(
        "keyholeTimelines",
        &encode_timelines_request(report, consulted())?,
    )
    .await
}

fn read<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| format!("the document module's answer: {e}"))
}

/// The Known keys view for the page's state (HTML, every text escaped).
pub async fn known_keys_view(request: &ViewRequest) -> Result<View, String> {
    let request = serde_json::to_string(request).map_err(|e| e.to_string())?;
    read(&call("keyholeKnownKeysView", &request).await?)
}

/// `endpoint`'s keys as of `date` (`YYYY-MM-DD`) as a key set.
pub async fn key_set_as_of(endpoint: &str, date: &str) -> Result<KeySetAsOf, String> {
    let request = serde_json::to_string(&(endpoint, date)).map_err(|e| e.to_string())?;
    read(&call("keyholeKeySetAsOf", &request).await?)
}
