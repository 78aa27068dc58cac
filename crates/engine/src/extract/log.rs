//! What a log line says about the request it records: its timestamp, the client's address, the
//! HTTP method and URL, read from the start of the line (at most [`LOOK`] bytes) with a few
//! fixed patterns:
//! - a leading ISO 8601 timestamp (`2023-06-20T12:00:00.123Z`, `2023-06-20 12:00:00,123`,
//!   optionally in `[…]`), or an access log's `[10/Oct/2000:13:55:36 -0700]`;
//! - the client address: the first of the line's first four fields that is an IPv4 or IPv6
//!   address (brackets, quotes and an IPv4 `:port` aside);
//! - the request: an HTTP method (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`, `OPTIONS`)
//!   at the start of the line or after a space, quote or `>`/`<`, followed by a space and a URL
//!   starting with `/` or `http(s)://`. The URL is kept without its query and fragment, which
//!   may carry the token itself (a fingerprint-only export must not leak it through here).
//!
//! A line is a log line when it shows a timestamp or a request; otherwise nothing is recorded.

use crate::found::LogLine;

/// How much of a line is read.
const LOOK: usize = 4096;

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// The log facts of the line `text` starts with, if it is a log line.
pub(crate) fn log_line(text: &str) -> Option<LogLine> {
    let head = head(text, LOOK);
    let line = head.split('\n').next().unwrap_or_default();
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut out = LogLine {
        timestamp: leading_timestamp(line).or_else(|| bracketed_clf_timestamp(line)),
        ..LogLine::default()
    };
    if let Some((method, url)) = request(line) {
        out.method = Some(method.to_owned());
        out.url = Some(url.to_owned());
    }
    if out.timestamp.is_none() && out.method.is_none() {
        return None;
    }
    out.client_ip = client_ip(line);
    Some(out)
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn head(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

fn digits(b: &[u8], at: usize, n: usize) -> bool {
    b.get(at..at + n)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

/// `YYYY-MM-DD[(T| )hh:mm[:ss[(.|,)fraction]]][Z|±hh[:]mm]` at the start (after an optional
/// `[`).
fn leading_timestamp(line: &str) -> Option<String> {
    let start = usize::from(line.starts_with('['));
    let b = line.as_bytes();
    let at = |i: usize| b.get(start + i).copied();
    if !(digits(b, start, 4)
        && at(4) == Some(b'-')
        && digits(b, start + 5, 2)
        && at(7) == Some(b'-')
        && digits(b, start + 8, 2))
    {
        return None;
    }
    let mut end = start + 10;
    if matches!(b.get(end), Some(b'T' | b' '))
        && digits(b, end + 1, 2)
        && b.get(end + 3) == Some(&b':')
        && digits(b, end + 4, 2)
    {
        end += 6;
        if b.get(end) == Some(&b':') && digits(b, end + 1, 2) {
            end += 3;
            if matches!(b.get(end), Some(b'.' | b',')) && digits(b, end + 1, 1) {
                end += 1;
                while b.get(end).is_some_and(u8::is_ascii_digit) {
                    end += 1;
                }
            }
        }
        match b.get(end) {
            Some(b'Z') => end += 1,
            Some(b'+' | b'-') if digits(b, end + 1, 2) => {
                let colon = usize::from(b.get(end + 3) == Some(&b':'));
                if digits(b, end + 3 + colon, 2) {
                    end += 5 + colon;
                }
            }
            _ => {}
        }
    }
    line.get(start..end).map(str::to_owned)
}

/// An access log's `[dd/Mon/yyyy:hh:mm:ss zone]`, anywhere in the line's head.
fn bracketed_clf_timestamp(line: &str) -> Option<String> {
    let b = line.as_bytes();
    let mut from = 0;
    while let Some(p) = line.get(from..)?.find('[') {
        let i = from + p + 1;
        let ok = digits(b, i, 2)
            && b.get(i + 2) == Some(&b'/')
            && b.get(i + 3..i + 6)
                .is_some_and(|m| m.iter().all(u8::is_ascii_alphabetic))
            && b.get(i + 6) == Some(&b'/')
            && digits(b, i + 7, 4)
            && b.get(i + 11) == Some(&b':');
        if ok {
            let close = line.get(i..)?.find(']')?;
            return line.get(i..i + close).map(str::to_owned);
        }
        from = i;
    }
    None
}

/// The first `METHOD URL` of the line.
fn request(line: &str) -> Option<(&'static str, &str)> {
    let b = line.as_bytes();
    for (i, _) in line.match_indices(|c: char| c.is_ascii_uppercase()) {
        let boundary = i == 0
            || b.get(i - 1)
                .is_some_and(|c| matches!(c, b' ' | b'\t' | b'"' | b'\'' | b'>' | b'<'));
        if !boundary {
            continue;
        }
        let rest = line.get(i..)?;
        let Some(method) = METHODS
            .iter()
            .find(|m| rest.starts_with(*m) && rest.as_bytes().get(m.len()) == Some(&b' '))
        else {
            continue;
        };
        let target = rest.get(method.len() + 1..)?;
        if !(target.starts_with('/')
            || target.starts_with("http://")
            || target.starts_with("https://"))
        {
            continue;
        }
        let end = target
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '?' | '#'))
            .unwrap_or(target.len());
        return Some((method, target.get(..end)?));
    }
    None
}

/// The first of the line's first four fields that is an IP address.
fn client_ip(line: &str) -> Option<String> {
    line.split_whitespace().take(4).find_map(|field| {
        let f = field.trim_matches(|c: char| matches!(c, '[' | ']' | '"' | '\'' | ',' | ';'));
        if f.parse::<std::net::IpAddr>().is_ok() {
            return Some(f.to_owned());
        }
        // An IPv4 address with a port.
        let (host, port) = f.rsplit_once(':')?;
        (host.parse::<std::net::Ipv4Addr>().is_ok() && port.bytes().all(|c| c.is_ascii_digit()))
            .then(|| host.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn log(t: Option<&str>, ip: Option<&str>, m: Option<&str>, u: Option<&str>) -> Option<LogLine> {
        Some(LogLine {
            timestamp: t.map(Into::into),
            client_ip: ip.map(Into::into),
            method: m.map(Into::into),
            url: u.map(Into::into),
        })
    }

    #[test]
    fn access_log_lines_give_address_time_method_and_url_without_query() {
        assert_eq!(
            log_line(
                r#"203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET /cb?id_token=eyJx HTTP/1.1" 200 2326"#
            ),
            log(
                Some("10/Oct/2000:13:55:36 -0700"),
                Some("203.0.113.7"),
                Some("GET"),
                Some("/cb")
            )
        );
        assert_eq!(
            log_line(
                r#"2001:db8::1 - - [20/Jun/2023:12:00:00 +0000] "POST https://api.example/token#x HTTP/2" 200"#
            ),
            log(
                Some("20/Jun/2023:12:00:00 +0000"),
                Some("2001:db8::1"),
                Some("POST"),
                Some("https://api.example/token")
            )
        );
    }

    #[test]
    fn application_log_lines_give_their_leading_timestamp() {
        for (line, ts) in [
            (
                "2023-06-20T12:00:00Z INFO token=eyJx",
                "2023-06-20T12:00:00Z",
            ),
            (
                "2023-06-20T12:00:00.123+02:00 auth ok",
                "2023-06-20T12:00:00.123+02:00",
            ),
            (
                "[2023-06-20 12:00:00,456] WARN bearer eyJx",
                "2023-06-20 12:00:00,456",
            ),
            ("2023-06-20 other", "2023-06-20"),
        ] {
            assert_eq!(
                log_line(line).and_then(|l| l.timestamp).as_deref(),
                Some(ts),
                "{line}"
            );
        }
        assert_eq!(
            log_line("2023-06-20T12:00:00Z 10.0.0.5:51234 GET /api/me bearer eyJx"),
            log(
                Some("2023-06-20T12:00:00Z"),
                Some("10.0.0.5"),
                Some("GET"),
                Some("/api/me")
            )
        );
    }

    #[test]
    fn lines_without_a_timestamp_or_request_are_not_log_lines() {
        for line in [
            "Authorization: Bearer eyJx",
            "> Authorization: Bearer eyJx",
            "10.0.0.1 said eyJx",
            "FORGET /x",
            "GET no-url",
            "20230620 12:00 eyJx",
            "",
            "é€ GET",
        ] {
            assert_eq!(log_line(line), None, "{line}");
        }
        assert_eq!(
            log_line("> GET /api?access_token=eyJx HTTP/1.1"),
            log(None, None, Some("GET"), Some("/api"))
        );
    }

    #[test]
    fn only_the_first_line_is_read() {
        assert_eq!(log_line("x\nGET /next"), None);
        assert_eq!(
            log_line("GET /first\r\nGET /next"),
            log(None, None, Some("GET"), Some("/first"))
        );
    }

    #[test]
    fn only_the_head_of_a_long_line_is_read() {
        let long = format!("{} GET /late", "x".repeat(LOOK));
        assert_eq!(log_line(&long), None);
        let multibyte = "é".repeat(LOOK);
        assert_eq!(log_line(&multibyte), None);
    }
}
