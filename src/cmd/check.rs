//! `signpost check`: what is missing, wrong or out of date, in plain English.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use signpost::clock::Clock;
use signpost::site::check::{self, Finding, Severity};
use signpost::site::model::Date;
use signpost::site::{self, RenderOptions, SiteError};

use super::build::plural;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Sentences grouped by file, for people.
    Text,
    /// One JSON document, for other tools.
    Json,
    /// Markdown, for documents (with --list-rules: the body of docs/check-rules.md).
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The site folder: it holds signpost.toml and content/.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// How to print the results.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Judge every date as if today were this day (YEAR-MONTH-DAY), e.g. to see what will be
    /// out of date at next month's governors' meeting.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub on: Option<Date>,
    /// List every rule: what it checks, error or warning, and its source. Checks nothing.
    #[arg(long)]
    pub list_rules: bool,
}

/// Reads `--on`, explaining a bad date in the same words as the pages' dates.
pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text)
}

/// The one clock for a run: stopped at the start of `--on DATE`, or the system clock in
/// Europe/London.
pub fn clock_on(on: Option<Date>) -> Clock {
    on.map_or_else(Clock::system, |d| Clock::on_day(d.0))
}

/// Exit codes: 0 publishable (warnings allowed), 1 errors remain, 2 the site could not be read.
pub fn run(args: CheckArgs) -> ExitCode {
    if args.list_rules {
        list_rules(args.format);
        return ExitCode::SUCCESS;
    }
    let opts = RenderOptions {
        clock: clock_on(args.on),
        ..RenderOptions::default()
    };
    let built = match site::build_in_memory(&args.site, &opts) {
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
        Format::Markdown => print_markdown(&built.findings, errors, warnings),
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

fn list_rules(format: Format) {
    match format {
        Format::Markdown => print!("{}", check::rules_markdown()),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(check::RULES).unwrap_or_default()
        ),
        Format::Text => {
            for r in check::RULES {
                println!(
                    "{} ({})
  checks: {}
  source: {}",
                    r.id,
                    r.level.label(),
                    r.checks,
                    r.why
                );
                if !r.source_note.is_empty() {
                    println!("  note: {}", r.source_note);
                }
                println!();
            }
        }
    }
}

/// Findings as a Markdown checklist, e.g. for a governors' paper.
fn print_markdown(findings: &[Finding], errors: usize, warnings: usize) {
    println!(
        "# signpost check
"
    );
    for f in findings {
        let at = f.line.map(|l| format!(", line {l}")).unwrap_or_default();
        let label = match f.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        };
        println!(
            "- [ ] **{label}** ({}{at}): {} Fix: {} _Why: {}_",
            f.file, f.message, f.fix, f.why
        );
    }
    println!(
        "
{errors} error{}, {warnings} warning{}.",
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
        (Format::Text | Format::Markdown, SiteError::NotASite(_)) => eprintln!("error: {e}"),
        (Format::Text | Format::Markdown, e) => {
            eprintln!("The site could not be read, so it was not checked:\n{e}");
        }
    }
}
