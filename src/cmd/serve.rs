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
    /// Show pages marked `draft = true` too, to preview them before they are published.
    #[arg(long)]
    pub drafts: bool,
}

pub fn run(args: ServeArgs) -> ExitCode {
    let opts = signpost::serve::ServeOptions {
        listen: args.listen,
        drafts: args.drafts,
    };
    match signpost::serve::serve(&args.site, &opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
