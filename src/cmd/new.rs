//! `signpost new DIR` (or `signpost init DIR`): a starter site for the years the school teaches.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use signpost::site::model::YearGroup;
use signpost::site::theme;

/// The starter's programme page, written once per year taught.
const YEAR_PAGE: &str = "content/programme/year.md";

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The folder to create (it must not exist yet, or be empty).
    pub dir: PathBuf,
    /// The year groups the school teaches, e.g. 7-11 for an 11-16 school or 7-13 with a sixth
    /// form. Asked for when not given and signpost runs in a terminal; otherwise 7-13.
    #[arg(long, value_name = "YEARS", value_parser = parse_years)]
    pub years: Option<Years>,
}

/// The year groups given with `--years`.
#[derive(Debug, Clone)]
pub struct Years(pub Vec<YearGroup>);

pub fn run(args: NewArgs) -> ExitCode {
    let years = match args.years {
        Some(Years(y)) => y,
        None if std::io::stdin().is_terminal() => match ask_years() {
            Ok(y) => y,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        None => all_years(),
    };
    let dir = &args.dir;
    match scaffold(dir, &years) {
        Ok(n) => {
            println!(
                "Created a new careers site in {} ({n} files) for Years {}.",
                dir.display(),
                range_words(&years)
            );
            println!(
                "Next: edit {}/signpost.toml and replace every example in the pages (text in [square brackets], \"Your School Name\", \"Your Name\"), then run `signpost serve --site {}` to preview it.",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn all_years() -> Vec<YearGroup> {
    YearGroup::ALL.to_vec()
}

fn ask_years() -> Result<Vec<YearGroup>, String> {
    let stdin = std::io::stdin();
    loop {
        print!("Which year groups does your school teach? For example 7-11 for an 11-16 school, or 7-13 with a sixth form [7-13]: ");
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        let mut line = String::new();
        if stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?
            == 0
        {
            return Ok(all_years());
        }
        if line.trim().is_empty() {
            return Ok(all_years());
        }
        match parse_years(&line) {
            Ok(Years(y)) => return Ok(y),
            Err(e) => println!("{e}"),
        }
    }
}

/// Reads `7-11`, `7 to 11`, `7,8,9,10,11` or an age range such as `11-16` (Years 7 to 11).
pub fn parse_years(text: &str) -> Result<Years, String> {
    let text = text.trim().to_lowercase().replace(" to ", "-");
    let numbers = |s: &str| -> Result<Vec<u8>, String> {
        s.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.trim()
                    .parse::<u8>()
                    .map_err(|_| format!("`{p}` is not a year group; write years like 7-11"))
            })
            .collect()
    };
    let mut list: Vec<u8> = match text.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (numbers(a)?, numbers(b)?);
            let (&[from], &[to]) = (a.as_slice(), b.as_slice()) else {
                return Err("write the years as a range, like 7-11".into());
            };
            // "11-16" and "11-18" are the ages of the students, as schools describe themselves.
            if from == 11 && matches!(to, 16 | 18) {
                (7..=to - 5).collect()
            } else {
                (from..=to).collect()
            }
        }
        None => numbers(&text)?,
    };
    list.sort_unstable();
    list.dedup();
    if list.is_empty() {
        return Err("give at least one year group, like 7-11".into());
    }
    list.into_iter()
        .map(|n| {
            YearGroup::new(n).map_err(|_| {
                format!("Year {n} is not a secondary school year; years run from 7 to 13")
            })
        })
        .collect::<Result<_, _>>()
        .map(Years)
}

/// "7 to 11", or "7, 9 and 11" when the years are not a run.
fn range_words(years: &[YearGroup]) -> String {
    let n: Vec<u8> = years.iter().map(|y| y.get()).collect();
    match (n.first(), n.last()) {
        (Some(a), Some(b)) if usize::from(b - a) + 1 == n.len() && a != b => format!("{a} to {b}"),
        _ => signpost::site::render::join_words(&n.iter().map(u8::to_string).collect::<Vec<_>>()),
    }
}

/// The starter's files for these years: its pages are small templates filled in here.
pub fn starter_files(years: &[YearGroup]) -> Result<Vec<(String, String)>, String> {
    let numbers: Vec<u8> = years.iter().map(|y| y.get()).collect();
    let mut ctx = tera::Context::new();
    ctx.insert(
        "years",
        &numbers
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    );
    ctx.insert("year_list", &numbers);
    ctx.insert("first", &numbers.first().copied().unwrap_or(7));
    ctx.insert("last", &numbers.last().copied().unwrap_or(13));
    ctx.insert("sixth_form", &numbers.iter().any(|n| *n >= 12));
    let fill = |path: &str, text: &str, ctx: &tera::Context| {
        tera::Tera::one_off(text, ctx, false)
            .map_err(|e| format!("the starter file {path} is broken: {e}"))
    };
    let mut files = Vec::new();
    for (path, text) in theme::scaffold() {
        if path == YEAR_PAGE {
            for year in &numbers {
                let mut ctx = ctx.clone();
                ctx.insert("year", year);
                files.push((
                    format!("content/programme/year-{year}.md"),
                    fill(path, text, &ctx)?,
                ));
            }
        } else {
            files.push((path.to_string(), fill(path, text, &ctx)?));
        }
    }
    Ok(files)
}

fn scaffold(dir: &Path, years: &[YearGroup]) -> Result<usize, String> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(format!(
            "{} already exists and is not empty; choose a new folder name so nothing is overwritten",
            dir.display()
        ));
    }
    let files = starter_files(years)?;
    for (path, text) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
        }
        std::fs::write(&target, text)
            .map_err(|e| format!("could not write {}: {e}", target.display()))?;
    }
    Ok(files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<u8> {
        parse_years(text)
            .unwrap()
            .0
            .iter()
            .map(|y| y.get())
            .collect()
    }

    #[test]
    fn reads_the_ways_schools_write_their_years() {
        assert_eq!(numbers("7-11"), [7, 8, 9, 10, 11]);
        assert_eq!(numbers("7 to 13"), [7, 8, 9, 10, 11, 12, 13]);
        assert_eq!(numbers("9, 10,11"), [9, 10, 11]);
        assert_eq!(numbers("11-16"), [7, 8, 9, 10, 11]);
        assert_eq!(numbers("11-18"), [7, 8, 9, 10, 11, 12, 13]);
        assert!(parse_years("5-11").unwrap_err().contains("Year 5"));
        assert!(parse_years("seven").is_err());
    }
}
