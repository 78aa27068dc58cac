//! Extraction benchmark: finding every token in a 10 MB proxy/application log (issue 7).
//! The log is synthetic, built here: access-log lines, request dumps with Authorization
//! headers, cookies, query parameters and JSON bodies; one line in eight carries a token.

#[cfg(not(target_arch = "wasm32"))]
mod support;

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use std::fmt::Write;

    use criterion::{Criterion, Throughput};
    use keyhole_engine::b64;
    use keyhole_engine::extract::extract_tokens;

    use super::support;

    /// An unsigned-looking JWT for user `i` (extraction never verifies, so any signature bytes do).
    fn token(i: usize) -> String {
        let header = b64::encode_url(br#"{"typ":"JWT","alg":"RS256","kid":"bench-extract-key"}"#);
        let claims = format!(
            r#"{{"aud":"api://bench","iss":"https://login.microsoftonline.com/{i:08x}-0000-4000-8000-000000000000/v2.0","tid":"{i:08x}-0000-4000-8000-000000000000","sub":"synthetic-{i}","exp":1793538000}}"#
        );
        let signature: Vec<u8> = (0..256).map(|k| (k * 31 + i * 7) as u8).collect();
        format!(
            "{header}.{}.{}",
            b64::encode_url(claims.as_bytes()),
            b64::encode_url(&signature)
        )
    }

    /// A log of at least `bytes` bytes; 2,000 distinct tokens, each seen several times.
    pub fn log(bytes: usize) -> String {
        let tokens: Vec<String> = (0..2000).map(token).collect();
        let mut out = String::with_capacity(bytes + 4096);
        let mut i = 0usize;
        while out.len() < bytes {
            let t = &tokens[i % tokens.len()];
            let _ = match i % 8 {
                0 => writeln!(out, "GET /api/v1/items?page={i} HTTP/1.1\r\nHost: api.example.invalid\r\nAuthorization: Bearer {t}\r\n"),
                2 => writeln!(out, "10.0.{}.{} - - [26/Nov/2026:07:{:02}:00 +0000] \"GET /cb?code=abc&id_token={t}&state=x HTTP/1.1\" 302 0", i % 256, (i / 256) % 256, i % 60),
                4 => writeln!(out, "Cookie: session=ab12cd; access_token={t}; theme=dark"),
                6 => writeln!(out, "{{\"level\":\"info\",\"msg\":\"token refreshed\",\"access_token\":\"{t}\",\"user\":{i}}}"),
                _ => writeln!(out, "10.0.{}.{} - - [26/Nov/2026:07:{:02}:00 +0000] \"GET /static/app.{i}.js HTTP/1.1\" 200 5120 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"", i % 256, (i / 256) % 256, i % 60),
            };
            i += 1;
        }
        out
    }

    pub fn benches() {
        let quick = support::quick();
        let size = if quick { 16 * 1024 } else { 10 * 1024 * 1024 };
        let text = log(size);
        let found = extract_tokens(&text).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(!found.is_empty(), "the synthetic log must contain tokens");
        let mut c = Criterion::default().configure_from_args();
        let mut group = c.benchmark_group("extract");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sample_size(10);
        let name = if quick { "log-16KB" } else { "log-10MB" };
        group.bench_function(name, |b| {
            b.iter(|| extract_tokens(std::hint::black_box(&text)).map(|f| f.len()))
        });
        group.finish();
        c.final_summary();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    bench::benches();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
