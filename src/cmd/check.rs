//! `signpost check`: what is missing, wrong or out of date, in plain English.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use signpost::site::check::{self, Finding, Severity};
use signpost::site::{self, RenderOptions, SiteError};

use super::build::plural;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Sentences grouped by file, for people.
    Text,
    /// One JSON document, for other tools.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The site folder: it holds signpost.toml and content/.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// How to print the results.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Exit codes: 0 publishable (warnings allowed), 1 errors remain, 2 the site could not be read.
pub fn run(args: CheckArgs) -> ExitCode {
    let built = match site::build_in_memory(&args.site, &RenderOptions::default()) {
        Ok(b) => b,
        Err(e) => {
            unreadable(&e, args.format);
            return ExitCode::from(2);
        }
    };
    let external = check::external_links(&built.site, &built.bodies);
    let (errors, warnings) = check::counts(&built.findings);
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "publishable": errors == 0,
                "errors": errors,
                "warnings": warnings,
                "findings": built.findings,
                "external_links": external,
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => print_text(&built.findings, &external, errors, warnings),
    }
    if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_text(
    findings: &[Finding],
    external: &[check::ExternalLink],
    errors: usize,
    warnings: usize,
) {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_file.entry(&f.file).or_default().push(f);
    }
    // Files in natural order, so Year 7's findings come before Year 10's.
    let mut by_file: Vec<_> = by_file.into_iter().collect();
    by_file.sort_by(|a, b| site::order::natural_cmp(a.0, b.0));
    for (file, list) in &by_file {
        println!("{file}");
        for f in list {
            let at = f.line.map(|l| format!(" (line {l})")).unwrap_or_default();
            let label = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            println!("  {label}{at}: {}", f.message);
            println!("    why: {}", f.why);
            println!("    fix: {}", f.fix);
        }
        println!();
    }
    if !external.is_empty() {
        println!("Links to other websites (not checked; try them before you publish):");
        for l in external {
            println!("  {}:{}  {}", l.file, l.line, l.url);
        }
        println!();
    }
    let verdict = if errors == 0 {
        "Ready to publish."
    } else {
        "Not ready to publish: fix the errors first."
    };
    println!(
        "{errors} error{}, {warnings} warning{}. {verdict}",
        plural(errors),
        plural(warnings)
    );
}

fn unreadable(e: &SiteError, format: Format) {
    match (format, e) {
        (Format::Json, SiteError::Invalid(problems)) => {
            let list: Vec<_> = problems
                .iter()
                .map(|p| serde_json::json!({ "file": p.file, "line": p.line, "field": p.field, "message": p.message, "fix": p.hint }))
                .collect();
            println!(
                "{}",
                serde_json::json!({ "publishable": false, "unreadable": list })
            );
        }
        (Format::Json, e) => println!(
            "{}",
            serde_json::json!({ "publishable": false, "unreadable": [{ "message": e.to_string() }] })
        ),
        (Format::Text, e) => {
            eprintln!("The site could not be read, so it was not checked:\n{e}");
        }
    }
}
