//! `keyhole`: the command-line face of the Keyhole engine, for batch work and CI.
//! It reads files or stdin, hands everything to the engine and prints what the engine decided.

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Inspect JWTs and judge whether their signing keys were allowed to sign for the tenant and
/// cloud they claim. Everything runs locally; nothing is fetched.
#[derive(Parser, Debug)]
#[command(name = "keyhole", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Decode one token's header and payload (no verification) and print them as JSON.
    #[command(
        after_help = "Examples:\n  keyhole decode eyJhbGciOi...\n  pbpaste | keyhole decode -"
    )]
    Decode {
        /// The token, or `-` to read it from standard input.
        token: String,
    },
}

fn read_arg(arg: &str) -> Result<String, String> {
    if arg == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("could not read standard input: {e}"))?;
        Ok(s)
    } else {
        Ok(arg.to_owned())
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Decode { token } => {
            let text = read_arg(&token)?;
            let decoded = keyhole_engine::decode_token(&text)
                .map_err(|e| format!("cannot decode the token: {e}"))?;
            let json = serde_json::to_string_pretty(&decoded)
                .map_err(|e| format!("cannot render JSON: {e}"))?;
            println!("{json}");
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
