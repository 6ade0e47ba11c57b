//! `signpost build`

use std::path::PathBuf;
use std::process::ExitCode;

use signpost::site::{self, check, BuildOptions, RenderOptions};

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The site folder: it holds signpost.toml and content/.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// Where to write the finished pages. Replaced whole, and only when the build succeeds.
    #[arg(long, default_value = "public")]
    pub out: PathBuf,
    /// Also write the pages as a zip file, ready to upload to the school website.
    #[arg(long, value_name = "FILE")]
    pub zip: Option<PathBuf>,
    /// The web address the pages will live at (e.g. https://school.example/careers/); adds sitemap.xml.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Refuse to write the site if `signpost check` finds errors.
    #[arg(long)]
    pub strict: bool,
    /// Build as if today were this day (YEAR-MONTH-DAY): overdue actions and the check
    /// summary are judged on that date.
    #[arg(long, value_name = "DATE", value_parser = super::check::parse_date)]
    pub on: Option<signpost::site::model::Date>,
}

pub fn run(args: BuildArgs) -> ExitCode {
    let started = std::time::Instant::now();
    let opts = BuildOptions {
        site: args.site,
        out: args.out.clone(),
        zip: args.zip.clone(),
        render: RenderOptions {
            base_url: args.base_url,
            today: args.on,
        },
        strict: args.strict,
    };
    match site::build(&opts) {
        Ok(built) => {
            let pages = built.files.keys().filter(|p| p.ends_with(".html")).count();
            let (errors, warnings) = check::counts(&built.findings);
            println!(
                "Built {pages} pages into {} in {} ms.",
                args.out.display(),
                started.elapsed().as_millis()
            );
            if let Some(zip) = &args.zip {
                println!("Wrote {}.", zip.display());
            }
            if errors + warnings > 0 {
                println!(
                    "Check: {errors} error{}, {warnings} warning{}. Run `signpost check` for details.",
                    plural(errors),
                    plural(warnings)
                );
            } else {
                println!("Check: no problems found.");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "The previous site in {} was left as it was.",
                args.out.display()
            );
            ExitCode::FAILURE
        }
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
