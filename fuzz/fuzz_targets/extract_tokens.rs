//! Token extraction from free text (logs, HTTP, HAR, URLs): never panics; locations are exact.
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = keyhole_fuzz::text(data);
    if let Ok(found) = keyhole_engine::extract::extract_tokens(&text) {
        keyhole_fuzz::check_found(&text, &found);
        // What extraction finds is what analysis parses next.
        for f in &found {
            let _ = keyhole_engine::token::parse_token(&f.token);
        }
    }
});
