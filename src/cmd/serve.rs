//! `signpost serve`

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The site folder: it holds signpost.toml and content/.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// Address to listen on. Keep it on this computer (127.0.0.1) unless you mean to share it.
    #[arg(long, default_value = "127.0.0.1:1111")]
    pub listen: String,
}

pub fn run(_args: ServeArgs) -> ExitCode {
    eprintln!("serve is not written yet");
    ExitCode::from(2)
}
