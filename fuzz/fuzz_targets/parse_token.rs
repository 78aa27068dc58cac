//! Token parsing (compact JWS/JWE/unsecured, JWS JSON serialization) and the display decoder:
//! never panics; a parsed token is self-consistent.
#![no_main]
#![forbid(unsafe_code)]

use keyhole_engine::token::{self, TokenKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = keyhole_fuzz::text(data);
    let _ = keyhole_engine::decode_token(&text);
    match token::parse_token(&text) {
        Err(e) => assert!(!e.to_string().is_empty(), "an error without a message"),
        Ok(t) => {
            assert!(
                !t.signatures.is_empty(),
                "a parsed token without a signature block"
            );
            assert_eq!(t.raw, text.trim(), "raw is the trimmed input");
            for block in &t.signatures {
                assert!(block.params.alg.is_some(), "every block has an alg");
                if t.kind == TokenKind::Unsecured {
                    assert!(t.signatures.iter().any(|b| b.params.is_unsecured()));
                }
            }
            serde_json::to_string(&t).expect("a parsed token must serialise");
        }
    }
});
