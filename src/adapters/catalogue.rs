//! Keyhole's catalogue of published signing keys in the page. The page's engine is built without
//! it (the start budget): `keyhole-catalogue.js` (the same JSON the CLI embeds, SRI-pinned in
//! index.html) is loaded once, on request, through `www/boot.js` (a same-origin script, no
//! fetch: the CSP's connect-src 'none' holds) and read by the engine once, for the page's
//! lifetime. The page's analysis consults it only after the analyst has loaded it (so a verdict
//! never changes behind their back); the JS API loads it itself unless a case turns it off.

use std::cell::{Cell, OnceCell};

use keyhole_engine::catalogue::Catalogue;

use super::on_demand;

thread_local! {
    static CATALOGUE: OnceCell<&'static Catalogue> = const { OnceCell::new() };
    static FOR_PAGE: Cell<bool> = const { Cell::new(false) };
}

/// The catalogue, if it has been loaded.
pub fn loaded() -> Option<&'static Catalogue> {
    CATALOGUE.with(|c| c.get().copied())
}

/// Loads and reads the catalogue (once; later calls return the same one).
pub async fn load() -> Result<&'static Catalogue, String> {
    if let Some(c) = loaded() {
        return Ok(c);
    }
    let text = on_demand::call("keyholeCatalogue", "").await?;
    let read = Catalogue::from_json(&text).map_err(|e| e.to_string())?;
    // Read once for the page's lifetime: analyses borrow it for as long as they run.
    let leaked: &'static Catalogue = Box::leak(Box::new(read));
    Ok(CATALOGUE.with(|c| *c.get_or_init(|| leaked)))
}

/// The analyst loaded the catalogue in the page: its analyses consult it from now on.
pub fn consult_in_page() {
    FOR_PAGE.with(|f| f.set(true));
}

/// The catalogue the page's analyses consult (None until the analyst loaded it).
pub fn for_page() -> Option<&'static Catalogue> {
    FOR_PAGE.with(Cell::get).then(loaded).flatten()
}
