//! Reading the command line's inputs into one case file.

use std::io::Read;
use std::path::Path;

use keyhole_engine::case::CaseKeySet;
use keyhole_engine::CaseFile;

use crate::args::CheckArgs;

/// The text of an argument that is either literal or `-` for stdin.
pub fn read_arg(arg: &str) -> Result<String, String> {
    if arg == "-" {
        read_stdin()
    } else {
        Ok(arg.to_owned())
    }
}

fn read_stdin() -> Result<String, String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| format!("could not read standard input: {e}"))?;
    Ok(s)
}

/// A file's text, or stdin for `-`.
fn read_input(name: &str) -> Result<String, String> {
    if name == "-" {
        return read_stdin();
    }
    read_file(Path::new(name))
}

fn read_file(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        // A DER certificate: hand it on as base64 text, which the engine reads.
        Err(e) => Ok(keyhole_engine::b64::encode_std(e.as_bytes())),
    }
}

fn parse_now(text: &str) -> Result<i64, String> {
    text.trim()
        .parse::<i64>()
        .ok()
        .or_else(|| keyhole_engine::time::parse_utc(text))
        .ok_or_else(|| {
            format!(
                "--now {text:?} is neither Unix seconds nor a UTC time like 2023-06-20T12:00:00Z"
            )
        })
}

/// Builds the case: a case file as given, or (with --keys) keys plus text files.
/// Whether a lone input (no --keys) is text to search rather than a case file, as the page
/// classifies a dropped file (`policy::classify`): a log, a HAR file or a token, so that
/// `keyhole check proxy.log` judges the log's tokens against the catalogue. JSON-looking input
/// on stdin or in a `.json` file that is neither stays a case file, so that a broken case file
/// is still reported as one.
fn is_text_to_search(name: &str, text: &str) -> bool {
    use keyhole_engine::policy::{classify, InputKind};
    let json_like = text.trim_start().starts_with(['{', '[']);
    let case_like_name = name == "-" || name.to_ascii_lowercase().ends_with(".json");
    matches!(
        classify(name, text),
        InputKind::Har | InputKind::Token | InputKind::Text
    ) && !(json_like && case_like_name)
}

pub fn build_case(args: &CheckArgs) -> Result<CaseFile, String> {
    let mut case = if args.keys.is_empty() {
        let [name] = args.inputs.as_slice() else {
            return Err(
                "give one case file (or `-`), or use --keys FILE with text files to search; see keyhole check --help"
                    .to_owned(),
            );
        };
        let text = read_input(name)?;
        if is_text_to_search(name, &text) {
            CaseFile {
                text: Some(text),
                ..CaseFile::default()
            }
        } else {
            CaseFile::from_json(&text).map_err(|e| format!("{name}: {e}"))?
        }
    } else {
        let mut case = CaseFile::default();
        add_keys(&mut case, args)?;
        if args.inputs.is_empty() {
            return Err(
                "no text to search: give text files after --keys, or `-` for stdin".to_owned(),
            );
        }
        let mut text = String::new();
        for name in &args.inputs {
            text.push_str(&read_input(name)?);
            text.push('\n');
        }
        case.text = Some(text);
        case
    };
    add_options(&mut case, args)?;
    Ok(case)
}

/// The case `check --stream` judges every batch of tokens against: the --keys documents,
/// --now and --weak-secrets, no tokens.
pub fn key_case(args: &CheckArgs) -> Result<CaseFile, String> {
    let mut case = CaseFile::default();
    add_keys(&mut case, args)?;
    add_options(&mut case, args)?;
    Ok(case)
}

fn add_keys(case: &mut CaseFile, args: &CheckArgs) -> Result<(), String> {
    if args.sources.len() > args.keys.len() || args.issuers.len() > args.keys.len() {
        return Err("more --source/--issuer values than --keys files".to_owned());
    }
    for (i, path) in args.keys.iter().enumerate() {
        case.key_sets.push(CaseKeySet {
            source: args.sources.get(i).cloned(),
            issuer: args.issuers.get(i).cloned(),
            document: keyhole_engine::policy::json_or_string(&read_file(path)?),
        });
    }
    Ok(())
}

fn add_options(case: &mut CaseFile, args: &CheckArgs) -> Result<(), String> {
    if args.time_per_token {
        case.judge_at = Some(keyhole_engine::case::JudgeAt::Token);
    }
    if let Some(now) = &args.now {
        case.now = Some(parse_now(now)?);
    }
    for path in &args.weak_secrets {
        let text = read_file(path)?;
        case.weak_secrets.extend(
            text.lines()
                .map(|l| l.trim_end_matches('\r'))
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    Ok(())
}
