//! The `signpost` command line: parses arguments and calls one function per subcommand.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Publish a school's careers pages from Markdown and run the careers-room kiosk.
#[derive(Debug, Parser)]
#[command(name = "signpost", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the careers pages into a folder (and optionally a zip) ready to upload.
    Build(cmd::build::BuildArgs),
    /// Check the pages against the statutory list and Gatsby Benchmark 1, in plain English.
    Check(cmd::check::CheckArgs),
    /// Start a new school's site with one page of each kind, ready to edit.
    #[command(visible_alias = "init")]
    New(cmd::new::NewArgs),
    /// Preview the site in a browser while you edit; the page reloads when you save.
    Serve(cmd::serve::ServeArgs),
    /// Run the careers-room kiosk: triage quiz, bookings and the drop-in queue.
    Kiosk(signpost::kiosk::KioskArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Kiosk(args) => match signpost::kiosk::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
