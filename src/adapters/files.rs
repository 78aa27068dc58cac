//! Reading files the analyst opens or drops, and deciding what each one is.

use gloo::file::callbacks::FileReader;
use gloo::file::File;
use keyhole_engine::policy::{self, InputKind};
use keyhole_engine::CaseFile;

/// What a dropped or opened file turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Dropped {
    /// A Keyhole case file: replaces the current case.
    Case(Box<CaseFile>),
    /// A key document (JWKS, JWK, OpenID configuration, PEM, certificate): a new key set.
    Keys(String),
    /// Anything else: text to search for tokens (logs, HAR, headers).
    Text(String),
}

/// Classifies file contents with the engine's criteria ([`policy::classify`]): a case file
/// replaces the case, key documents (JWKS, JWK, OpenID configuration, PEM, certificates) become
/// key sets, everything else (HAR files, logs, tokens) is text to search.
pub fn classify(name: &str, text: String) -> Result<Dropped, String> {
    match policy::classify(name, &text) {
        InputKind::Case => CaseFile::from_json(&text)
            .map(|c| Dropped::Case(Box::new(c)))
            .map_err(|e| format!("{name}: {e}")),
        kind if kind.is_keys() => Ok(Dropped::Keys(text)),
        _ => Ok(Dropped::Text(text)),
    }
}

/// Reads a file as text; binary certificates (DER) come back as base64, which the engine reads.
pub fn read(
    file: File,
    done: impl FnOnce(Result<(String, String), String>) + 'static,
) -> FileReader {
    let name = file.name();
    gloo::file::callbacks::read_as_bytes(&file, move |result| {
        done(match result {
            Ok(bytes) => Ok((
                name,
                String::from_utf8(bytes)
                    .unwrap_or_else(|e| keyhole_engine::b64::encode_std(e.as_bytes())),
            )),
            Err(e) => Err(format!("cannot read {name}: {e}")),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_cases_keys_and_text() {
        assert!(matches!(
            classify("c.json", r#"{"tokens":[]}"#.into()),
            Ok(Dropped::Case(_))
        ));
        assert!(matches!(
            classify("k.json", r#"{"keys":[]}"#.into()),
            Ok(Dropped::Keys(_))
        ));
        assert!(matches!(
            classify("k.pem", "-----BEGIN PUBLIC KEY-----".into()),
            Ok(Dropped::Keys(_))
        ));
        assert!(matches!(
            classify("a.har", r#"{"log":{}}"#.into()),
            Ok(Dropped::Text(_))
        ));
        assert!(matches!(
            classify("x.log", "Authorization: Bearer x".into()),
            Ok(Dropped::Text(_))
        ));
        assert!(classify("bad.json", r#"{"tokens": 5}"#.into()).is_err());
    }
}
