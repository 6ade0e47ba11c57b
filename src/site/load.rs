//! Reading a site folder into the typed model: settings, then every Markdown page.
//!
//! Every file is read and every problem collected before giving up, so one build reports them all.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use walkdir::WalkDir;

use super::error::{did_you_mean, Problem, SiteError};
use super::model::*;

/// The settings file at the top of a site folder.
pub const SETTINGS_FILE: &str = "signpost.toml";

/// Reads the site in `root`. Its pages are in `root/content/`, or in `root` itself when there
/// is no `content` folder (a loose folder of Markdown still gets checked).
pub fn load(root: &Path) -> Result<Site, SiteError> {
    if !root.is_dir() {
        return Err(SiteError::Other(format!(
            "{} is not a folder; give the folder that holds signpost.toml and content/ (--site DIR)",
            root.display()
        )));
    }
    let mut problems = Vec::new();
    let settings_path = root.join(SETTINGS_FILE);
    let settings_found = settings_path.is_file();
    let settings = if settings_found {
        let text = read(&settings_path)?;
        match toml::from_str::<Settings>(&text) {
            Ok(s) => s,
            Err(e) => {
                problems.push(toml_problem(SETTINGS_FILE, &text, 1, &e));
                Settings::default()
            }
        }
    } else {
        Settings::default()
    };

    let content_dir = if root.join("content").is_dir() {
        root.join("content")
    } else {
        root.to_path_buf()
    };
    let display_prefix = relative_display(root, &content_dir);
    let mut pages = Vec::new();
    for entry in WalkDir::new(&content_dir)
        .sort_by(|a, b| {
            super::order::natural_cmp(
                &a.file_name().to_string_lossy(),
                &b.file_name().to_string_lossy(),
            )
        })
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name()))
    {
        let entry = entry
            .map_err(|e| SiteError::Other(format!("could not read the content folder: {e}")))?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel = path
            .strip_prefix(&content_dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let shown = format!("{display_prefix}{rel}");
        let text = read(path)?;
        match parse_page(&rel, &shown, &text) {
            Ok(Some(page)) => pages.push(page),
            Ok(None) => {}
            Err(mut p) => problems.append(&mut p),
        }
    }
    check_unique_paths(&pages, &display_prefix, &mut problems);
    if problems.is_empty() {
        Ok(Site {
            root: root.to_path_buf(),
            content_dir,
            settings_found,
            settings,
            pages,
        })
    } else {
        Err(SiteError::Invalid(problems))
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n.len() > 1)
}

fn read(path: &Path) -> Result<String, SiteError> {
    std::fs::read_to_string(path).map_err(|e| SiteError::io("read", path, e))
}

fn relative_display(root: &Path, dir: &Path) -> String {
    match dir.strip_prefix(root) {
        Ok(p) if !p.as_os_str().is_empty() => format!("{}/", p.to_string_lossy()),
        _ => String::new(),
    }
}

/// Output path for a source file: `a/b.md` -> `a/b.html`, `index.md` stays `index.html`.
pub fn output_path(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let stem = if stem.eq_ignore_ascii_case("readme") {
        "index"
    } else {
        stem
    };
    format!("{stem}.html")
}

/// Paths the generator writes itself; a page may not take them.
pub const GENERATED: &[&str] = &["programme/index.html", "benchmarks.html", "governors.html"];

fn check_unique_paths(pages: &[Page], prefix: &str, problems: &mut Vec<Problem>) {
    let mut seen: std::collections::HashMap<&str, &str> = Default::default();
    for p in pages {
        if GENERATED.contains(&p.path.as_str()) {
            problems.push(
                Problem::new(
                    format!("{prefix}{}", p.source),
                    format!(
                        "this page would be written to {}, which signpost generates itself",
                        p.path
                    ),
                )
                .hint("rename the file"),
            );
        }
        if let Some(other) = seen.insert(&p.path, &p.source) {
            problems.push(
                Problem::new(
                    format!("{prefix}{}", p.source),
                    format!("this page and {other} would both be written to {}", p.path),
                )
                .hint("rename one of the two files"),
            );
        }
    }
    let homes: Vec<_> = pages.iter().filter(|p| p.kind == Kind::Home).collect();
    if homes.len() > 1 {
        problems.push(
            Problem::new(
                format!("{prefix}{}", homes[1].source),
                format!("there is already a home page ({})", homes[0].source),
            )
            .field("kind")
            .hint("a site has one home page; use kind = \"page\" here"),
        );
    }
}

/// Every field any page kind may carry. Kind-specific fields are checked against the kind after
/// parsing, so a misplaced field gets an error that names the kind it belongs to.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    kind: Option<Kind>,
    title: Option<String>,
    menu: Option<String>,
    description: Option<String>,
    weight: Option<i64>,
    updated: Option<Date>,
    draft: Option<bool>,
    lang: Option<super::lang::Lang>,
    translation_of: Option<String>,
    school_vision: Option<String>,
    year: Option<YearGroup>,
    focus: Option<String>,
    activity: Option<Vec<Activity>>,
    outcome: Option<Vec<Outcome>>,
    period: Option<String>,
    approved_slt: Option<Date>,
    approved_governors: Option<Date>,
    review_date: Option<Date>,
    objective: Option<Vec<Objective>>,
    drop_in: Option<Vec<DropIn>>,
    contact: Option<Contact>,
    encounter: Option<Vec<Encounter>>,
    destination: Option<Vec<Destination>>,
}

/// Which kind-specific fields each kind takes.
fn fields_of(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Vision => &["school_vision"],
        Kind::Programme => &["year", "focus", "activity"],
        Kind::LearningJourney => &["outcome"],
        Kind::StrategicPlan => &[
            "period",
            "approved_slt",
            "approved_governors",
            "review_date",
            "objective",
        ],
        Kind::Guidance => &["drop_in"],
        Kind::ProviderAccess => &["approved_governors", "review_date", "contact", "encounter"],
        Kind::Impact => &["destination"],
        _ => &[],
    }
}

const KIND_FIELDS: &[&str] = &[
    "school_vision",
    "year",
    "focus",
    "activity",
    "outcome",
    "period",
    "approved_slt",
    "approved_governors",
    "review_date",
    "objective",
    "drop_in",
    "contact",
    "encounter",
    "destination",
];

/// A page file cut into front matter and body, with the line each starts on.
struct Parts<'a> {
    front_matter: Option<&'a str>,
    fm_line: usize,
    body: &'a str,
    body_line: usize,
}

/// Splits `+++` front matter from the body; a file without front matter is all body. An
/// unclosed block is an error at its opening line.
fn split(text: &str) -> Result<Parts<'_>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Ok(Parts {
            front_matter: None,
            fm_line: 1,
            body: text,
            body_line: 1,
        });
    }
    let start = first.len();
    let mut offset = start;
    for (line, l) in (2..).zip(lines) {
        if l.trim_end() == "+++" {
            return Ok(Parts {
                front_matter: Some(&text[start..offset]),
                fm_line: 2,
                body: &text[offset + l.len()..],
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    Err((
        1,
        "the front matter opened with +++ on line 1 is never closed".into(),
    ))
}

fn parse_page(rel: &str, shown: &str, text: &str) -> Result<Option<Page>, Vec<Problem>> {
    let Parts {
        front_matter: fm_text,
        fm_line,
        body,
        body_line,
    } = split(text).map_err(|(line, msg)| {
        vec![Problem::new(shown, msg)
            .at(line)
            .hint("add a line containing only +++ after the front matter")]
    })?;
    let fm: FrontMatter = match fm_text {
        Some(t) => toml::from_str(t).map_err(|e| vec![toml_problem(shown, t, fm_line, &e)])?,
        None => FrontMatter::default(),
    };
    if fm.draft == Some(true) {
        return Ok(None);
    }
    let fm_text = fm_text.unwrap_or("");
    let line_of = |field: &str| field_line(fm_text, field).map(|l| l + fm_line - 1);
    let is_index = rel == "index.md" || rel.eq_ignore_ascii_case("readme.md");
    let kind = fm
        .kind
        .unwrap_or(if is_index { Kind::Home } else { Kind::Page });
    let mut problems = Vec::new();

    let allowed = fields_of(kind);
    for field in KIND_FIELDS.iter().filter(|f| !allowed.contains(f)) {
        if let Some(line) = line_of(field) {
            let owners: Vec<&str> = Kind::ALL
                .iter()
                .filter(|k| fields_of(**k).contains(field))
                .map(|k| k.id())
                .collect();
            problems.push(
                Problem::new(
                    shown,
                    format!("`{field}` is not used on a {} page", kind.id()),
                )
                .at(line)
                .field(*field)
                .hint(format!(
                    "it belongs on a page of kind {}; remove it, or set kind to one of those",
                    owners
                        .iter()
                        .map(|o| format!("\"{o}\""))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )),
            );
        }
    }
    // A missing title is not fatal: `check` warns, and the page still builds under a stand-in.
    let title = fm
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let data = match kind {
        Kind::Vision => PageData::Vision {
            school_vision: fm.school_vision,
        },
        Kind::Programme => match fm.year {
            Some(year) => PageData::Programme(Programme {
                year,
                focus: fm.focus,
                activities: fm.activity.unwrap_or_default(),
            }),
            None => {
                problems.push(
                    Problem::new(shown, "a programme page needs the year group it is for")
                        .at(fm_line)
                        .field("year")
                        .hint("add a line such as: year = 7"),
                );
                PageData::None {}
            }
        },
        Kind::LearningJourney => PageData::LearningJourney {
            outcomes: fm.outcome.unwrap_or_default(),
        },
        Kind::StrategicPlan => PageData::StrategicPlan(Plan {
            period: fm.period,
            approved_slt: fm.approved_slt,
            approved_governors: fm.approved_governors,
            review_date: fm.review_date,
            objectives: fm.objective.unwrap_or_default(),
        }),
        Kind::Guidance => PageData::Guidance {
            drop_in: fm.drop_in.unwrap_or_default(),
        },
        Kind::ProviderAccess => PageData::ProviderAccess(ProviderAccess {
            approved_governors: fm.approved_governors,
            review_date: fm.review_date,
            contact: fm.contact.unwrap_or_default(),
            encounters: fm.encounter.unwrap_or_default(),
        }),
        Kind::Impact => PageData::Impact {
            destinations: fm.destination.unwrap_or_default(),
        },
        _ => PageData::None {},
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Some(Page {
        source: rel.to_string(),
        path: output_path(rel),
        kind,
        title: title.clone().unwrap_or_else(|| stand_in_title(body, rel)),
        has_title: title.is_some(),
        menu: fm.menu,
        description: fm.description,
        weight: fm.weight,
        updated: fm.updated,
        lang: fm.lang,
        translation_of: fm.translation_of,
        body_line,
        body: body.to_string(),
        // Padded so line numbers within it are line numbers of the file.
        front_matter: format!("{}{fm_text}", "\n".repeat(fm_line - 1)),
        data,
    }))
}

/// A title for a page that has none: its first Markdown heading, or its file name.
fn stand_in_title(body: &str, rel: &str) -> String {
    body.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_string())
        .unwrap_or_else(|| {
            let stem = rel
                .rsplit('/')
                .next()
                .unwrap_or(rel)
                .trim_end_matches(".md");
            let words = stem.replace(['-', '_'], " ");
            let mut c = words.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
}

/// The line (1-based, within `toml`) where `field` is set or its table starts.
pub fn field_line(toml: &str, field: &str) -> Option<usize> {
    toml.lines()
        .position(|l| {
            let l = l.trim_start();
            let key = l.trim_start_matches('[').trim_start();
            let rest = key.strip_prefix(field);
            rest.is_some_and(|r| {
                let r = r.trim_start();
                r.starts_with('=') || r.starts_with(']') || r.starts_with('.')
            })
        })
        .map(|i| i + 1)
}

/// Turns a TOML or serde error into a [`Problem`] with the file's line number, the field on that
/// line, and a "did you mean" hint for misspelt fields and words.
pub fn toml_problem(file: &str, text: &str, first_line: usize, e: &toml::de::Error) -> Problem {
    let message = e.message().trim().to_string();
    let (line, field) = match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line_idx = text[..start].matches('\n').count();
            let line_text = text.lines().nth(line_idx).unwrap_or("");
            (Some(line_idx + first_line), key_on_line(line_text))
        }
        None => (None, None),
    };
    let mut p = Problem::new(file, message.clone());
    p.line = line;
    p.field = field;
    if let Some((word, expected)) = unknown_word(&message) {
        let hint = match did_you_mean(&word, expected.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("use one of: {}", expected.join(", ")),
        };
        p.message = if message.starts_with("unknown field") {
            format!("`{word}` is not a field signpost knows here")
        } else {
            format!("`{word}` is not one of the allowed values")
        };
        p.field = p.field.or(Some(word));
        p.hint = Some(hint);
    } else if let Some(missing) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        p.message = format!("the required field `{missing}` is missing");
        p.hint = Some(format!(
            "add `{missing} = ...` to this entry (see docs/content-model.md)"
        ));
    } else if message.contains("expected") && p.hint.is_none() {
        p.hint = Some(
            "check the value's type: text goes in \"quotes\", numbers and dates do not".into(),
        );
    }
    p
}

fn key_on_line(line: &str) -> Option<String> {
    let line = line.trim();
    let key = if line.starts_with('[') {
        line.trim_matches(|c| c == '[' || c == ']').trim()
    } else {
        line.split('=').next()?.trim()
    };
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || "_-.".contains(c)))
    .then(|| key.to_string())
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown variant").
fn unknown_word(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (word, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((word.to_string(), expected))
}

/// Paths used in messages, relative to the site folder.
pub fn shown_path(site: &Site, page: &Page) -> String {
    let prefix: PathBuf = site
        .content_dir
        .strip_prefix(&site.root)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    if prefix.as_os_str().is_empty() {
        page.source.clone()
    } else {
        format!("{}/{}", prefix.to_string_lossy(), page.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<Problem> {
        parse_page("programme/year-7.md", "content/programme/year-7.md", text).unwrap_err()
    }

    #[test]
    fn splits_front_matter_and_counts_body_lines() {
        let p = split("+++\ntitle = \"A\"\n+++\n# Body\n").unwrap();
        assert_eq!(p.front_matter, Some("title = \"A\"\n"));
        assert_eq!((p.fm_line, p.body, p.body_line), (2, "# Body\n", 4));
        assert!(split("+++\ntitle = 1\n").is_err());
        assert_eq!(split("just text").unwrap().front_matter, None);
    }

    #[test]
    fn unknown_field_gets_line_and_suggestion() {
        let p = &problems("+++\nkind = \"programme\"\nyear = 7\ntitel = \"Year 7\"\n+++\n")[0];
        assert_eq!(p.line, Some(4));
        assert_eq!(p.field.as_deref(), Some("titel"));
        assert_eq!(p.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn benchmark_out_of_range_names_its_line() {
        let text = "+++\nkind = \"programme\"\ntitle = \"Y7\"\nyear = 7\n\n[[activity]]\ntitle = \"Fair\"\nterm = \"autumn\"\nbenchmarks = [2, 9]\n+++\n";
        let p = &problems(text)[0];
        assert_eq!(p.line, Some(9), "{p}");
        assert_eq!(p.field.as_deref(), Some("benchmarks"));
        assert!(
            p.message.contains("Gatsby Benchmark 9 does not exist"),
            "{p}"
        );
    }

    #[test]
    fn bad_year_status_and_date_are_errors() {
        let p = &problems("+++\nkind = \"programme\"\ntitle = \"Y\"\nyear = 14\n+++\n")[0];
        assert!(p.message.contains("year group 14 does not exist"), "{p}");
        let plan = "+++\nkind = \"strategic-plan\"\ntitle = \"P\"\n[[objective]]\ntitle = \"O\"\n[[objective.action]]\naction = \"A\"\nstatus = \"on_track\"\n+++\n";
        let p = &problems(plan)[0];
        assert_eq!(p.line, Some(8));
        assert_eq!(p.hint.as_deref(), Some("did you mean `on-track`?"));
        let date =
            "+++\nkind = \"strategic-plan\"\ntitle = \"P\"\nreview_date = \"2027-02-30\"\n+++\n";
        let p = &problems(date)[0];
        assert!(p.message.contains("not a real date"), "{p}");
        assert_eq!(p.line, Some(4));
    }

    #[test]
    fn misplaced_field_names_the_kind_it_belongs_to() {
        let ps = problems("+++\ntitle = \"Vision\"\nkind = \"vision\"\nyear = 7\n+++\n");
        assert_eq!(ps[0].field.as_deref(), Some("year"));
        assert!(ps[0].hint.as_deref().unwrap().contains("\"programme\""));
    }

    #[test]
    fn missing_year_and_misplaced_field_are_both_reported() {
        let ps = problems("+++\nkind = \"programme\"\ntitle = \"Y7\"\ndrop_in = []\n+++\n");
        let fields: Vec<_> = ps.iter().filter_map(|p| p.field.as_deref()).collect();
        assert_eq!(fields, ["drop_in", "year"]);
    }

    #[test]
    fn untitled_page_gets_a_stand_in_title() {
        let page = parse_page("careers-fair.md", "careers-fair.md", "Some text")
            .unwrap()
            .unwrap();
        assert_eq!(
            (page.title.as_str(), page.has_title),
            ("Careers fair", false)
        );
    }

    #[test]
    fn output_paths_follow_source_paths() {
        assert_eq!(output_path("index.md"), "index.html");
        assert_eq!(output_path("programme/year-7.md"), "programme/year-7.html");
    }
}
