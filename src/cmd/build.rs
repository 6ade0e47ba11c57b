//! `signpost build`

use std::path::PathBuf;
use std::process::ExitCode;

use signpost::site::{self, check, load, BuildOptions, Phases, RenderOptions, SiteError};

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The site folder: it holds signpost.toml and content/.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// Where to write the finished pages (default: public inside the site folder). Replaced whole,
    /// only when the build succeeds, and only if signpost made it or it is empty.
    #[arg(long, value_name = "FOLDER")]
    pub out: Option<PathBuf>,
    /// Also write the pages as a zip file, ready to upload to the school website.
    #[arg(long, value_name = "FILE")]
    pub zip: Option<PathBuf>,
    /// The web address the pages will live at (e.g. https://school.example/careers/); adds sitemap.xml.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Refuse to write the site if `signpost check` finds errors.
    #[arg(long)]
    pub strict: bool,
    /// Say how long each phase took (load, parse, render, write, check, swap, zip).
    #[arg(long, short)]
    pub verbose: bool,
    /// Build as if today were this day (YEAR-MONTH-DAY): overdue actions and the check
    /// summary are judged on that date.
    #[arg(long, value_name = "DATE", value_parser = super::check::parse_date)]
    pub on: Option<signpost::site::model::Date>,
}

pub fn run(args: BuildArgs) -> ExitCode {
    let started = std::time::Instant::now();
    if let Some(Err(why)) = args.base_url.as_deref().map(load::check_base_url) {
        eprintln!("error: --base-url {why}");
        return ExitCode::from(2);
    }
    let out = args.out.unwrap_or_else(|| args.site.join("public"));
    let opts = BuildOptions {
        site: args.site,
        out: out.clone(),
        zip: args.zip.clone(),
        render: RenderOptions {
            base_url: args.base_url,
            clock: super::check::clock_on(args.on),
        },
        strict: args.strict,
    };
    match site::build(&opts) {
        Ok(built) => {
            let pages = built.paths.iter().filter(|p| p.ends_with(".html")).count();
            let (errors, warnings) = check::counts(&built.findings);
            println!(
                "Built {pages} pages into {} in {} ms.",
                out.display(),
                started.elapsed().as_millis()
            );
            if args.verbose {
                print_phases(&built.phases, built.paths.len());
            }
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
        Err(e @ SiteError::NotASite(_)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("The previous site in {} was left as it was.", out.display());
            ExitCode::FAILURE
        }
    }
}

fn print_phases(p: &Phases, files: usize) {
    let ms = |d: std::time::Duration| format!("{:>7.1} ms", d.as_secs_f64() * 1000.0);
    println!("Phases:");
    println!(
        "  load    {}  read the files and their front matter",
        ms(p.load)
    );
    println!(
        "  pages   {}  parse, render and write {files} files on {} threads at once:",
        ms(p.pages_wall),
        p.threads
    );
    println!("    parse {}  Markdown (summed over threads)", ms(p.parse));
    println!(
        "    render{}  templates (summed over threads)",
        ms(p.render)
    );
    println!(
        "    write {}  files into the staging folder (summed over threads)",
        ms(p.write)
    );
    println!("  check   {}  the rules `signpost check` runs", ms(p.check));
    println!("  swap    {}  move the new site into place", ms(p.swap));
    if p.zip > std::time::Duration::ZERO {
        println!("  zip     {}", ms(p.zip));
    }
    println!(
        "  cleanup {}  waiting for the previous site to be removed",
        ms(p.cleanup)
    );
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
