//! Command-line arguments (clap). Raw flags only; `input` turns them into a case file.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Inspect JWTs and judge whether their signing keys were allowed to sign for the tenant and
/// cloud they claim. Everything runs locally; nothing is fetched.
#[derive(Parser, Debug)]
#[command(name = "keyhole", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Decode one token's header and payload (no verification) and print them as JSON.
    #[command(
        after_help = "Examples:\n  keyhole decode eyJhbGciOi...\n  pbpaste | keyhole decode -"
    )]
    Decode {
        /// The token, or `-` to read it from standard input.
        token: String,
    },
    /// Analyse a case file, or keys plus text files, and report each token's verdict.
    #[command(after_help = "\
Exit status: 0 no token is a violation, 1 at least one is, 2 the input is unusable or part
of it was not searched (a single line over 32 MB; the report is still written). Text files
and stdin of any size are searched whole, in pieces cut at line ends.

Examples:
  keyhole check case.json
  keyhole check case.json --format markdown > report.md
  keyhole check --keys common-v2-keys.json \\
      --source https://login.microsoftonline.com/common/discovery/v2.0/keys \\
      --now 2023-06-20T12:00:00Z proxy.log
  cat tokens.txt | keyhole check --keys jwks.json -
  keyhole check --stream --keys jwks.json tokens.ndjson > verdicts.ndjson

A case file is JSON: {\"now\": 1688169600, \"key_sets\": [{\"source\": URL, \"issuer\": ISS,
\"document\": JWKS|JWK|OpenID configuration|PEM string}], \"tokens\": [\"eyJ…\"], \"text\": \"…\"}")]
    Check(CheckArgs),
    /// List every rule: code, severity, title and explanation.
    Rules,
    /// Look a key up in the built-in catalogue of published signing keys (kid, x5t, x5t#S256
    /// or certificate thumbprint): where and when it was published. Exit 1 when unknown.
    #[command(
        after_help = "Examples:\n  keyhole keys 1LTMzakihiRla_8z2BEJVXeWMqo\n  keyhole keys d4b4cccda9228624656bff33d8110955779632aa --format text"
    )]
    Keys(crate::keys_cmd::KeysArgs),
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// A case file (JSON) or one text file to search for tokens (a log, a HAR file; judged
    /// against the catalogue), or, with --keys, text files to search. `-` reads stdin.
    pub inputs: Vec<String>,
    /// Trusted key documents (JWKS, JWK, OpenID configuration, PEM, certificate). Repeatable.
    #[arg(long = "keys", value_name = "FILE")]
    pub keys: Vec<PathBuf>,
    /// Where each --keys document came from (URL), in the same order. Repeatable.
    #[arg(long = "source", value_name = "URL")]
    pub sources: Vec<String>,
    /// The issuer each --keys document is declared for, in the same order. Repeatable.
    #[arg(long = "issuer", value_name = "ISS")]
    pub issuers: Vec<String>,
    /// Analysis time: Unix seconds or UTC like 2023-06-20T12:00:00Z (default: now).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Output format. The Markdown and HTML reports (for tickets) redact personal claims and
    /// replace tokens by their SHA-256 fingerprints unless --no-redact is given.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Keep personal claims and the tokens themselves in the Markdown and HTML reports.
    #[arg(long = "no-redact")]
    pub no_redact: bool,
    /// Threads that check signatures and judge tokens (default: one per core). The report is
    /// the same whatever the number.
    #[arg(long, value_name = "N")]
    pub threads: Option<NonZeroUsize>,
    /// Which verdicts make the exit status 1, comma-separated (violation, invalid, unverified,
    /// malformed). Default: violation.
    #[arg(
        long = "fail-on",
        value_name = "VERDICTS",
        value_delimiter = ',',
        default_value = "violation"
    )]
    pub fail_on: Vec<FailOn>,
    /// A file of publicly known or guessed HMAC secrets, one per line, to test HS tokens
    /// against besides the built-in and public lists. Repeatable.
    #[arg(long = "weak-secrets", value_name = "FILE")]
    pub weak_secrets: Vec<PathBuf>,
    /// Do not consult the built-in catalogue of published signing keys: a token naming a key
    /// no --keys document holds stays unverified, and a --keys document from a catalogued
    /// endpoint takes no issuer from it.
    #[arg(long = "no-catalogue")]
    pub no_catalogue: bool,
    /// Read tokens from the inputs (files, `-` or none for stdin) line by line and write one
    /// JSON record per token as it goes (JSON lines), in bounded memory. A line is a JSON
    /// string (a token), a JSON object with a `token` member, or text to search.
    #[arg(long)]
    pub stream: bool,
    /// Judge each token at the time of its log line or HAR entry (startedDateTime), else at its
    /// own iat, instead of one time
    /// for the whole case (the case file's "judge_at": "token"); each token's notes say which.
    #[arg(long = "time-per-token")]
    pub time_per_token: bool,
}

/// A verdict that can make `keyhole check` exit with status 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Violation,
    Invalid,
    Unverified,
    Malformed,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Json,
    Markdown,
    /// A self-contained printable HTML page.
    Html,
    Text,
}
