//! `signpost check`

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The site folder: it holds signpost.toml and content/.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
}

pub fn run(_args: CheckArgs) -> ExitCode {
    eprintln!("check is not written yet");
    ExitCode::from(2)
}
