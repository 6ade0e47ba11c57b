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
    if let Err(e) = signpost::site::load::require_site(&args.site) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let opts = signpost::serve::ServeOptions {
        listen: args.listen.clone(),
        drafts: args.drafts,
    };
    match signpost::serve::serve(&args.site, &opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if in_use(&args.listen) {
                eprintln!(
                    "  fix: another program (perhaps another `signpost serve`) is using {}; stop it, or choose another address with --listen, e.g. --listen 127.0.0.1:{}",
                    args.listen,
                    next_port(&args.listen)
                );
            }
            ExitCode::FAILURE
        }
    }
}

/// Whether the address is taken, asked of the system rather than read from the error's words,
/// which differ between Windows and Linux.
fn in_use(listen: &str) -> bool {
    std::net::TcpListener::bind(listen).is_err_and(|e| e.kind() == std::io::ErrorKind::AddrInUse)
}

/// The port after the one asked for, to suggest.
fn next_port(listen: &str) -> u32 {
    listen
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u32>().ok())
        .map_or(1112, |p| p + 1)
}
