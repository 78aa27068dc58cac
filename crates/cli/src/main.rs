//! `keyhole`: the command-line face of the Keyhole engine, for batch work and CI.
//! It reads files or stdin, builds a case file, hands it to the engine and prints what the
//! engine decided. Exit status: 0 no violation, 1 at least one violation, 2 unusable input
//! (including text that could not be searched: a pipeline must not read it as "no violation").
#![forbid(unsafe_code)]

mod analysis;
mod args;
mod input;
mod keys_cmd;
mod pretty;
mod record;
mod search;
mod stream;
mod ticket;

use std::io::Write;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use keyhole_engine::found::NoteCode;
use keyhole_engine::{render, AnalyzeOptions};

use args::{Cli, Command, FailOn, Format};

/// An error that makes the input unusable (exit status 2).
type Fail = String;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn emit(text: &str) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| format!("cannot write the output: {e}"))
}

fn run(cli: Cli) -> Result<ExitCode, Fail> {
    match cli.command {
        Command::Decode { token } => {
            let text = input::read_arg(&token)?;
            let decoded = keyhole_engine::decode_token(&text)
                .map_err(|e| format!("cannot decode the token: {e}"))?;
            let json = serde_json::to_string_pretty(&decoded)
                .map_err(|e| format!("cannot render JSON: {e}"))?;
            emit(&(json + "\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(check) if check.stream => {
            if !matches!(check.format, Format::Json) {
                return Err("--stream writes JSON lines only; drop --format".to_owned());
            }
            let head = input::key_case(&check)?;
            let threads = check.threads.unwrap_or_else(analysis::default_threads);
            let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
            let outcome = stream::run(
                head,
                AnalyzeOptions::at(now()),
                &check.inputs,
                threads,
                !check.no_catalogue,
                &check.fail_on,
                out,
            )?;
            Ok(if outcome.refused > 0 {
                eprintln!(
                    "keyhole: {} line{} refused; {} tokens judged",
                    outcome.refused,
                    if outcome.refused == 1 { "" } else { "s" },
                    outcome.tokens
                );
                ExitCode::from(2)
            } else if outcome.failing {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Check(check) => {
            let case = input::build_case(&check)?;
            // The catalogue the analysis consults, for the ticket reports' timelines.
            let catalogue = (!check.no_catalogue && case.catalogue != Some(false))
                .then(|| keyhole_engine::catalogue::embedded().ok())
                .flatten();
            let tokens_hint = case.tokens.len() + case.text.as_ref().map_or(0, |t| t.len() / 800);
            if tokens_hint > 1000 {
                eprintln!("keyhole: analysing about {tokens_hint} tokens…");
            }
            let threads = check.threads.unwrap_or_else(analysis::default_threads);
            let report = analysis::analyze(
                case,
                &AnalyzeOptions::at(now()),
                threads,
                !check.no_catalogue,
            )?;
            if tokens_hint > 1000 {
                eprintln!("keyhole: done: {} tokens analysed", report.summary.tokens);
            }
            let s = &report.summary;
            let failing = check.fail_on.iter().any(|v| match v {
                FailOn::Violation => s.violation > 0,
                FailOn::Invalid => s.invalid > 0,
                FailOn::Unverified => s.unverified > 0,
                FailOn::Malformed => s.malformed > 0,
            });
            let not_searched: Vec<&str> = report
                .notes
                .iter()
                .filter(|n| n.code == NoteCode::TextNotSearched)
                .map(|n| n.message.as_str())
                .collect();
            let exit = if !not_searched.is_empty() {
                for message in &not_searched {
                    eprintln!("keyhole: input not searched: {message}");
                }
                ExitCode::from(2)
            } else if failing {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
            match check.format {
                // Streamed: a 10,000-token report is ~40 MB of JSON, not worth holding twice.
                Format::Json => {
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    pretty::write_report(&mut out, report, threads)?;
                    out.write_all(b"\n")
                        .and_then(|_| out.flush())
                        .map_err(|e| format!("cannot write the output: {e}"))?;
                }
                Format::Markdown | Format::Html => emit(&ticket::render(
                    &report,
                    check.format,
                    !check.no_redact,
                    catalogue,
                ))?,
                Format::Text => emit(&render::to_text(&report))?,
            }
            Ok(exit)
        }
        Command::Keys(keys) => keys_cmd::run(&keys, emit),
        Command::Rules => {
            let mut o = String::new();
            for r in keyhole_engine::judge::RULES {
                let when = if r.severity != keyhole_engine::report::Severity::Error {
                    ""
                } else if r.violation_without_signature() {
                    " [violation whatever the signature]"
                } else {
                    " [violation when a trusted key verified the token]"
                };
                o.push_str(&format!(
                    "{:<40} {:<8} {}{when}\n    {}\n",
                    r.code,
                    render::severity_word(r.severity),
                    r.title,
                    r.explanation
                ));
            }
            emit(&o)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("keyhole: {msg}");
            ExitCode::from(2)
        }
    }
}
