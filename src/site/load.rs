//! Reading a site folder into the typed model: settings, then every Markdown page.
//!
//! Every file is read and every problem collected before giving up, so one build reports them
//! all: each file is parsed to spanned TOML first and checked field by field against
//! [`super::schema`], and only a file without problems becomes typed model values.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;
use walkdir::WalkDir;

use super::order::{natural_path_cmp, sort_naturally};

use super::error::{did_you_mean, Problem, SiteError};
use super::markdown::{encode_path, normalise, Rendered};
use super::model::*;
use super::schema::{self, Field, Shape};
use super::yaml;

/// The settings file at the top of a site folder.
pub const SETTINGS_FILE: &str = "signpost.toml";

/// The only folder of a site whose files are published as they are (images, the logo, PDFs).
pub const STATIC_DIR: &str = "static";

/// Gives back a page read earlier, by source path, if its file has not changed since.
pub type Unchanged<'a> = &'a dyn Fn(&str) -> Option<Page>;

/// What the live preview changes about loading; `load` uses the defaults.
#[derive(Default)]
pub struct LoadOptions<'a> {
    /// Keep pages marked `draft = true` (`serve --drafts`).
    pub drafts: bool,
    /// Pages taken as they are instead of reading and parsing their files again.
    pub unchanged: Option<Unchanged<'a>>,
    /// The Markdown files, in site order, when the caller knows no file came or went since it
    /// last walked the content folder (source path relative to it, and the file).
    pub files: Option<&'a [(String, PathBuf)]>,
}

/// Refuses a folder that is not a signpost site, so that a build run from the wrong folder never
/// replaces anything and never reads another project's files as pages.
pub fn require_site(root: &Path) -> Result<(), SiteError> {
    if root.join(SETTINGS_FILE).is_file() {
        Ok(())
    } else {
        Err(SiteError::NotASite(root.to_path_buf()))
    }
}

/// Reads the site in `root`: `root/signpost.toml` and the pages in `root/content/`.
pub fn load(root: &Path) -> Result<Site, SiteError> {
    load_with(root, &LoadOptions::default())
}

/// [`load`] with options: the same walk, order and checks, so the preview matches the build.
pub fn load_with(root: &Path, opts: &LoadOptions) -> Result<Site, SiteError> {
    require_site(root)?;
    let mut problems = Vec::new();
    let settings = read_settings(root, &mut problems)?;
    let taught = {
        let mut y = settings.school.years.clone();
        y.sort();
        y.dedup();
        y
    };
    let content_dir = root.join("content");
    let display_prefix = "content/";
    let mut pages = Vec::new();
    if !content_dir.is_dir() {
        problems.push(
            Problem::new(display_prefix, "there is no content folder beside signpost.toml")
                .hint("make a folder called content and put the pages' Markdown files in it (`signpost new` makes a starter)"),
        );
    }
    let walked;
    let files = match opts.files {
        Some(known) => known,
        None => {
            walked = markdown_files(&content_dir)?;
            &walked
        }
    };
    for (rel, path) in files {
        if let Some(page) = opts.unchanged.and_then(|take| take(rel)) {
            pages.push(page);
            continue;
        }
        let shown = format!("{display_prefix}{rel}");
        let Some(text) = read_text(path, &shown, &mut problems)? else {
            continue;
        };
        match parse_page(rel, &shown, &text, &taught, opts.drafts) {
            Ok(Some(page)) => pages.push(page),
            Ok(None) => {}
            Err(mut p) => problems.append(&mut p),
        }
    }
    check_unique_paths(&pages, display_prefix, &mut problems);
    check_one_page_per_year(&pages, display_prefix, &mut problems);
    if problems.is_empty() {
        Ok(Site {
            root: root.to_path_buf(),
            content_dir,
            settings,
            pages,
        })
    } else {
        Err(SiteError::Invalid(problems))
    }
}

/// The Markdown files below `content_dir` (hidden files and folders left out), as their path
/// relative to it with `/` between folders, in site order: each folder's entries in natural order
/// ([`natural_path_cmp`]), a folder's pages where the folder sorts among its neighbours. Sorted
/// once at the end, because sorting during the walk asks every entry for its name at every
/// comparison, which at thousands of pages was most of a preview update.
fn markdown_files(content_dir: &Path) -> Result<Vec<(String, PathBuf)>, SiteError> {
    let mut files = Vec::new();
    for entry in WalkDir::new(content_dir)
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name()))
    {
        let Ok(entry) = entry else {
            // A missing content folder is reported by the caller; other walk errors are real.
            if !content_dir.is_dir() {
                break;
            }
            return Err(SiteError::Other(format!(
                "could not read the content folder {}",
                content_dir.display()
            )));
        };
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel = path
            .strip_prefix(content_dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        files.push((rel, entry.into_path()));
    }
    sort_naturally(&mut files, |(rel, _)| rel, natural_path_cmp);
    Ok(files)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n.len() > 1)
}

/// Reads a text file. UTF-16 with a byte order mark (Notepad's "Unicode") is read as it is; any
/// other text that is not UTF-8 (Windows-1252 from Word, where `£` is one byte) is a problem
/// naming its lines, because guessing the encoding could publish the wrong characters.
fn read_text(
    path: &Path,
    shown: &str,
    problems: &mut Vec<Problem>,
) -> Result<Option<String>, SiteError> {
    let bytes = std::fs::read(path).map_err(|e| SiteError::io("read", path, e))?;
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return Ok(Some(text.into_owned()));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(text)),
        Err(e) => {
            problems.push(not_utf8(shown, e.as_bytes()));
            Ok(None)
        }
    }
}

fn not_utf8(shown: &str, bytes: &[u8]) -> Problem {
    let lines: Vec<(usize, String)> = bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| std::str::from_utf8(l).is_err())
        .map(|(i, l)| {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(l);
            (i + 1, text.trim().to_string())
        })
        .collect();
    let (first, example) = lines.first().cloned().unwrap_or((1, String::new()));
    let others = if lines.len() > 1 {
        format!(
            " (and line{} {})",
            if lines.len() > 2 { "s" } else { "" },
            lines[1..]
                .iter()
                .map(|(n, _)| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        String::new()
    };
    Problem::new(
        shown,
        format!(
            "this file is not saved as UTF-8 text, so signpost cannot be sure of its characters; this line{others} probably reads \"{example}\" (a £, curly quote or dash saved by Word or Notepad in an older encoding)"
        ),
    )
    .at(first)
    .hint("save it as UTF-8: in Notepad choose Save As and set Encoding to UTF-8; in Word choose Save As, Plain Text, then Unicode (UTF-8)")
}

/// Turns byte offsets in a piece of a file into the file's line numbers.
struct Src<'a> {
    file: &'a str,
    text: &'a str,
    /// The file's line number of the first line of `text`.
    first_line: usize,
}

impl Src<'_> {
    fn line(&self, offset: usize) -> usize {
        let before = self.text.get(..offset).unwrap_or(self.text);
        before.matches('\n').count() + self.first_line
    }

    /// The text a span covers, for messages.
    fn at(&self, span: std::ops::Range<usize>) -> &str {
        self.text.get(span).unwrap_or("").trim()
    }
}

/// Parses TOML, reporting every syntax problem it recovers from in plain words.
fn parse_toml<'a>(src: &Src<'a>, problems: &mut Vec<Problem>) -> Spanned<DeTable<'a>> {
    let (table, errors) = DeTable::parse_recoverable(src.text);
    for e in errors {
        problems.push(syntax_problem(src, &e));
    }
    table
}

/// Adds the field checks' problems to the syntax problems, leaving out a second problem on a
/// line that could not be read in the first place.
fn add_checked(problems: &mut Vec<Problem>, syntax_from: usize, checked: Vec<Problem>) {
    let unreadable: Vec<Option<usize>> = problems[syntax_from..].iter().map(|p| p.line).collect();
    problems.extend(
        checked
            .into_iter()
            .filter(|p| p.line.is_none() || !unreadable.contains(&p.line)),
    );
}

fn syntax_problem(src: &Src, e: &toml::de::Error) -> Problem {
    let span = e.span().unwrap_or(0..0);
    let line = src.line(span.start);
    let line_text = src.text.lines().nth(line - src.first_line).unwrap_or("");
    let key = key_on_line(line_text);
    let value = src.at(span.clone());
    let message = e.message().trim();
    let p = Problem::new(src.file, "").at(line);
    let p = match &key {
        Some(k) => p.field(k.clone()),
        None => p,
    };
    let key = key.unwrap_or_else(|| "setting".into());
    if message.starts_with("string values must be quoted") {
        Problem {
            message: format!("`{key}` is text, so it goes in \"double quotes\""),
            ..p
        }
        .hint(format!("write it as: {key} = \"{value}\""))
    } else if message.starts_with("invalid date") {
        let why = Date::parse(value)
            .err()
            .unwrap_or_else(|| message.to_string());
        Problem { message: why, ..p }.hint(format!("write a real date, like {key} = 2027-02-12"))
    } else if message.starts_with("duplicate key") {
        Problem {
            message: format!("`{key}` is set more than once here"),
            ..p
        }
        .hint("keep one of the lines and delete the other")
    } else {
        Problem {
            message: format!("this line cannot be read as settings: {message}"),
            ..p
        }
        .hint("check the quotes and brackets on this line against the examples in docs/content-model.md")
    }
}

/// What to say about a field the table does not take.
type Unknown<'f> = dyn Fn(&str, usize) -> Problem + 'f;

/// Checks `table` against `fields`: unknown fields, values of the wrong shape, values the model
/// refuses (year 14, 30 February) and missing required fields, every one reported.
fn validate(
    src: &Src,
    table: &DeTable,
    line: usize,
    fields: &[Field],
    place: &str,
    unknown: &Unknown,
    problems: &mut Vec<Problem>,
) {
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        match fields.iter().find(|f| f.name == name) {
            Some(f) => check_value(src, f, value, problems),
            None => problems.push(unknown(name, src.line(key.span().start))),
        }
    }
    for f in fields.iter().filter(|f| f.required) {
        if !table.iter().any(|(k, _)| k.get_ref() == f.name) {
            problems.push(
                Problem::new(src.file, format!("`{}` is required{place}", f.name))
                    .at(line)
                    .field(f.name)
                    .hint(format!("add a line such as: {} = {}", f.name, f.example)),
            );
        }
    }
}

/// "`titel` is not a field signpost knows here", with a "did you mean" among `fields`.
fn unknown_field<'f>(file: &'f str, fields: &'f [Field], place: &'f str) -> Box<Unknown<'f>> {
    Box::new(move |name, line| {
        let names = fields.iter().map(|f| f.name);
        let hint = match did_you_mean(name, names.clone()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "the fields allowed here are: {}",
                names.collect::<Vec<_>>().join(", ")
            ),
        };
        Problem::new(
            file,
            format!("`{name}` is not a field signpost knows{place}"),
        )
        .at(line)
        .field(name)
        .hint(hint)
    })
}

fn check_value(src: &Src, f: &Field, v: &Spanned<DeValue>, problems: &mut Vec<Problem>) {
    let line = src.line(v.span().start);
    if !f.shape.fits(v.get_ref()) {
        problems.push(wrong_shape(src, f, v, line));
        return;
    }
    match (f.shape, v.get_ref()) {
        (Shape::Table(fields), DeValue::Table(t)) => {
            let place = format!(" in [{}]", f.name);
            let unknown = unknown_field(src.file, fields, &place);
            validate(src, t, line, fields, &place, &unknown, problems);
        }
        (Shape::Rows(fields), DeValue::Array(rows)) => {
            let place = format!(" in [[{}]]", f.name);
            let unknown = unknown_field(src.file, fields, &place);
            for row in rows.iter() {
                if let DeValue::Table(t) = row.get_ref() {
                    let line = src.line(row.span().start);
                    validate(src, t, line, fields, &place, &unknown, problems);
                }
            }
        }
        (Shape::List(inner), DeValue::Array(items)) => {
            if let Some(bad) = items.iter().find(|i| !inner.fits(i.get_ref())) {
                let quoted = bad.get_ref().is_str() && !matches!(inner, Shape::Text);
                let how = if quoted {
                    ", with numbers written without quotes"
                } else {
                    ""
                };
                problems.push(
                    Problem::new(
                        src.file,
                        format!("`{}` should be {}{how}", f.name, f.shape.words(f.example)),
                    )
                    .at(src.line(bad.span().start))
                    .field(f.name)
                    .hint(format!("write it as: {} = {}", f.name, f.example)),
                );
                return;
            }
        }
        _ => {}
    }
    if let Some(e) = f.check.and_then(|check| check(v)) {
        let mut p = toml_problem(src.file, src.text, src.first_line, &e);
        p.field = Some(f.name.to_string());
        p.line = p.line.or(Some(line));
        problems.push(p);
    }
}

/// "`year` should be a whole number like 10, without quotes".
fn wrong_shape(src: &Src, f: &Field, v: &Spanned<DeValue>, line: usize) -> Problem {
    let written = src.at(v.span());
    let unquoted = v
        .get_ref()
        .as_str()
        .filter(|_| !matches!(f.shape, Shape::Text))
        .filter(|s| {
            DeValue::parse(s.trim())
                .ok()
                .is_some_and(|inner| f.shape.fits(inner.get_ref()))
        });
    let (how, fix) = match (unquoted, f.shape) {
        (Some(s), _) => (
            ", without quotes",
            format!("write it as: {} = {}", f.name, s.trim()),
        ),
        (None, Shape::Text) => (
            "",
            format!(
                "write it as: {} = \"{}\"",
                f.name,
                written.trim_matches(['[', ']', '"'])
            ),
        ),
        (None, Shape::Rows(_)) => (
            "",
            format!(
                "start each one with a line [[{}]] and put its settings below it",
                f.name
            ),
        ),
        (None, Shape::Table(_)) => (
            "",
            format!(
                "start it with a line [{}] and put its settings below it",
                f.name
            ),
        ),
        (None, _) => ("", format!("write it as: {} = {}", f.name, f.example)),
    };
    Problem::new(
        src.file,
        format!("`{}` should be {}{how}", f.name, f.shape.words(f.example)),
    )
    .at(line)
    .field(f.name)
    .hint(fix)
}

/// Reads `signpost.toml`; problems are collected and the defaults used so pages still get read.
fn read_settings(root: &Path, problems: &mut Vec<Problem>) -> Result<Settings, SiteError> {
    let Some(text) = read_text(&root.join(SETTINGS_FILE), SETTINGS_FILE, problems)? else {
        return Ok(Settings::default());
    };
    let src = Src {
        file: SETTINGS_FILE,
        text: &text,
        first_line: 1,
    };
    let before = problems.len();
    let table = parse_toml(&src, problems);
    let unknown = unknown_field(SETTINGS_FILE, schema::SETTINGS, "");
    let mut checked = Vec::new();
    validate(
        &src,
        table.get_ref(),
        1,
        schema::SETTINGS,
        "",
        &unknown,
        &mut checked,
    );
    add_checked(problems, before, checked);
    if problems.len() > before {
        return Ok(Settings::default());
    }
    let mut settings = match toml::from_str::<Settings>(&text) {
        Ok(s) => s,
        Err(e) => {
            problems.push(toml_problem(SETTINGS_FILE, &text, 1, &e));
            return Ok(Settings::default());
        }
    };
    check_settings(root, &src, &mut settings, problems);
    Ok(settings)
}

/// What the settings must get right for the site to be published correctly: a logo that
/// exists, with its alt text, and an absolute web address.
fn check_settings(root: &Path, src: &Src, settings: &mut Settings, problems: &mut Vec<Problem>) {
    let line_of = |field: &str| field_line(src.text, field).unwrap_or(1);
    let school = &mut settings.school;
    if let Some(logo) = school.logo.clone() {
        match published_file(root, &logo) {
            Ok(path) => {
                school.logo_path = Some(encode_path(&path));
                school.logo = Some(path);
            }
            Err(why) => problems.push(
                Problem::new(src.file, format!("the logo {why}"))
                    .at(line_of("logo"))
                    .field("logo")
                    .hint("put the image in the static folder beside signpost.toml and write its path from there, like logo = \"static/logo.svg\""),
            ),
        }
        if school
            .logo_alt
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
        {
            problems.push(
                Problem::new(
                    src.file,
                    "a logo needs `logo_alt`: words saying what the logo shows, for people who cannot see it",
                )
                .at(line_of("logo"))
                .field("logo_alt")
                .hint("add a line such as: logo_alt = \"Riverside Academy crest\""),
            );
        }
    }
    if let Some(url) = &settings.site.base_url {
        if let Err(why) = check_base_url(url) {
            problems.push(
                Problem::new(src.file, why)
                    .at(line_of("base_url"))
                    .field("base_url")
                    .hint("write the full address the pages will have, like base_url = \"https://www.riverside.example.sch.uk/careers/\""),
            );
        }
    }
}

/// `base_url` is the start of every address in the sitemap, so it must be a whole web address.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r)
            if !r.is_empty()
                && !r.starts_with('/')
                && !r.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "`{url}` is not a whole web address: base_url must start with https:// and the website's name"
        )),
    }
}

/// The published path of a file named in settings (relative to the site folder, `%20` and
/// `./` allowed), when it exists in the static folder; otherwise why not.
fn published_file(root: &Path, written: &str) -> Result<String, String> {
    let decoded = percent_encoding::percent_decode_str(written.trim()).decode_utf8_lossy();
    let path = normalise(&decoded.replace('\\', "/"));
    let on_disk = root.join(&path);
    if !on_disk.is_file() {
        return Err(format!("file {path} was not found in the site folder"));
    }
    if !path.starts_with(&format!("{STATIC_DIR}/")) {
        return Err(format!(
            "file {path} is not in the static folder, so it would not be published"
        ));
    }
    Ok(path)
}

/// Images in the pages that point at files which are not there (or would not be published).
pub fn missing_images(site: &Site, bodies: &HashMap<String, Rendered>) -> Vec<Problem> {
    let mut problems = Vec::new();
    for page in &site.pages {
        let Some(body) = bodies.get(&page.source) else {
            continue;
        };
        for image in &body.images {
            let Some(path) = &image.file else { continue };
            let published = path.starts_with(&format!("{STATIC_DIR}/"));
            if published && site.root.join(path).is_file() {
                continue;
            }
            let why = if published || !site.content_dir.join(path).is_file() {
                format!("the image {} was not found", image.src)
            } else {
                format!(
                    "the image {} is in the content folder, which is not published",
                    image.src
                )
            };
            problems.push(
                Problem::new(shown_path(site, page), why)
                    .at(image.line)
                    .hint("put images in the static folder beside signpost.toml and write the path from the site folder, like ![A careers fair](/static/careers-fair.jpg)"),
            );
        }
    }
    problems
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

/// Every field any page kind may carry, read once the front matter has passed the field-by-field
/// checks against [`schema`] (which also say which kind a misplaced field belongs to).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    // `kind` and `draft` are read from the spanned table first; here they are only allowed.
    #[serde(rename = "kind")]
    _kind: Option<serde::de::IgnoredAny>,
    title: Option<String>,
    menu: Option<String>,
    description: Option<String>,
    weight: Option<i64>,
    updated: Option<Date>,
    #[serde(rename = "draft")]
    _draft: Option<serde::de::IgnoredAny>,
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

fn parse_page(
    rel: &str,
    shown: &str,
    text: &str,
    taught: &[YearGroup],
    drafts: bool,
) -> Result<Option<Page>, Vec<Problem>> {
    if let Some(lines) = yaml::front_matter(text) {
        return Err(vec![yaml_problem(shown, &lines)]);
    }
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
    let fm_text = fm_text.unwrap_or("");
    let src = Src {
        file: shown,
        text: fm_text,
        first_line: fm_line,
    };
    let mut problems = Vec::new();
    let table = parse_toml(&src, &mut problems);
    let table = table.get_ref();
    if find(table, "draft").and_then(|v| v.get_ref().as_bool()) == Some(true) && !drafts {
        return Ok(None);
    }
    let is_index = rel == "index.md" || rel.eq_ignore_ascii_case("readme.md");
    let kind = find(table, "kind")
        .and_then(schema::kind_of)
        .unwrap_or(if is_index { Kind::Home } else { Kind::Page });
    let fields: Vec<Field> = schema::COMMON
        .iter()
        .chain(schema::fields_of(kind))
        .copied()
        .collect();
    let place = format!(" on a {} page", kind.id());
    let general = unknown_field(shown, &fields, &place);
    let unknown = |name: &str, line: usize| match schema::kinds_with(name).as_slice() {
        [] => general(name, line),
        owners => misplaced(shown, name, kind, owners, line),
    };
    let mut checked = Vec::new();
    validate(
        &src,
        table,
        fm_line,
        &fields,
        &place,
        &unknown,
        &mut checked,
    );
    add_checked(&mut problems, 0, checked);
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems);
    }
    let fm: FrontMatter =
        toml::from_str(fm_text).map_err(|e| vec![toml_problem(shown, fm_text, fm_line, &e)])?;
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
            None => PageData::None {},
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
    let not_taught = years_not_taught(&src, table, &data, taught);
    if !not_taught.is_empty() {
        return Err(not_taught);
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

/// "`year` is not used on a vision page", naming the kinds it belongs to.
fn misplaced(shown: &str, field: &str, kind: Kind, owners: &[Kind], line: usize) -> Problem {
    let owners: Vec<String> = owners.iter().map(|o| format!("\"{}\"", o.id())).collect();
    Problem::new(
        shown,
        format!("`{field}` is not used on a {} page", kind.id()),
    )
    .at(line)
    .field(field)
    .hint(format!(
        "it belongs on a page of kind {}; remove it, or set kind to one of those",
        owners.join(" or ")
    ))
}

/// YAML front matter: the page is refused, with its settings shown as TOML to paste instead.
fn yaml_problem(shown: &str, lines: &[&str]) -> Problem {
    let converted = yaml::to_toml(lines);
    let mut hint = format!(
        "replace the two --- lines with +++ and write the settings in TOML, like this:\n+++\n{}\n+++",
        converted.toml
    );
    if !converted.left_out.is_empty() {
        let lines: Vec<String> = converted.left_out.iter().map(|l| l.to_string()).collect();
        hint.push_str(&format!(
            "\nline{} {} could not be converted; write {} by hand (see docs/content-model.md)",
            if lines.len() > 1 { "s" } else { "" },
            lines.join(", "),
            if lines.len() > 1 { "them" } else { "it" }
        ));
    }
    Problem::new(
        shown,
        "this page's settings are written in YAML between --- lines; signpost reads settings written in TOML between +++ lines",
    )
    .at(1)
    .hint(hint)
}

/// A programme page or provider encounter for a year the school does not teach (`[school]
/// years`) would publish a programme the school does not run.
fn years_not_taught(
    src: &Src,
    table: &DeTable,
    data: &PageData,
    taught: &[YearGroup],
) -> Vec<Problem> {
    let taught_words = super::render::join_words(
        &taught
            .iter()
            .map(|y| y.get().to_string())
            .collect::<Vec<_>>(),
    );
    let say = |what: String, line: usize, field: &str| {
        Problem::new(
            src.file,
            format!("{what}, but signpost.toml says the school teaches Years {taught_words}"),
        )
        .at(line)
        .field(field)
        .hint("correct the year here, or add the year to `years` under [school] in signpost.toml")
    };
    // The line of `name`, or of `field` in each of its rows: where the fix goes.
    let lines = |name: &str, field: &str| -> Vec<usize> {
        match find(table, name) {
            Some(v) => match v.get_ref().as_array() {
                Some(rows) => rows
                    .iter()
                    .map(|r| {
                        let at = r
                            .get_ref()
                            .as_table()
                            .and_then(|t| find(t, field))
                            .map_or(r.span().start, |v| v.span().start);
                        src.line(at)
                    })
                    .collect(),
                None => vec![src.line(v.span().start)],
            },
            None => Vec::new(),
        }
    };
    let mut problems = Vec::new();
    match data {
        PageData::Programme(pr) if !taught.contains(&pr.year) => {
            let line = lines("year", "").first().copied().unwrap_or(src.first_line);
            problems.push(say(
                format!("this is a programme page for {}", pr.year),
                line,
                "year",
            ));
        }
        PageData::ProviderAccess(pa) => {
            let lines = lines("encounter", "years");
            for (i, e) in pa.encounters.iter().enumerate() {
                let wrong: Vec<String> = e
                    .years
                    .iter()
                    .filter(|y| !taught.contains(y))
                    .map(|y| y.to_string())
                    .collect();
                if !wrong.is_empty() {
                    let line = lines.get(i).copied().unwrap_or(src.first_line);
                    problems.push(say(
                        format!(
                            "the encounter \"{}\" is for {}",
                            e.title,
                            wrong.join(" and ")
                        ),
                        line,
                        "years",
                    ));
                }
            }
        }
        _ => {}
    }
    problems
}

fn find<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
}

/// One programme page per year: a leftover copy (`year-10-old.md`) would double the year in the
/// overview and the benchmark counts.
fn check_one_page_per_year(pages: &[Page], prefix: &str, problems: &mut Vec<Problem>) {
    let mut seen: HashMap<YearGroup, &Page> = HashMap::new();
    for page in pages {
        let PageData::Programme(pr) = &page.data else {
            continue;
        };
        if let Some(first) = seen.get(&pr.year) {
            let line = field_line(&page.front_matter, "year");
            let mut p = Problem::new(
                format!("{prefix}{}", page.source),
                format!(
                    "{} has two programme pages: {prefix}{} and {prefix}{}",
                    pr.year, first.source, page.source
                ),
            )
            .field("year")
            .hint("keep one page per year: delete the leftover file, move it out of the content folder, or add draft = true to it");
            p.line = line;
            problems.push(p);
        } else {
            seen.insert(pr.year, page);
        }
    }
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

    #[test]
    fn markdown_files_come_in_the_order_of_a_walk_sorted_by_name() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("content");
        let names = [
            "b.md",
            "b/z.md",
            "b/a/x.md",
            "programme/year-10.md",
            "programme/year-9.md",
            "programme.md",
            "Vision.md",
            "apple.md",
            "page-2.md",
            "page-10.md",
            ".hidden.md",
            "notes.txt",
            ".git/x.md",
        ];
        for n in names {
            let p = dir.as_path().join(n);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let walked: Vec<String> = WalkDir::new(dir.as_path())
            .sort_by(|a, b| {
                crate::site::order::natural_cmp(
                    &a.file_name().to_string_lossy(),
                    &b.file_name().to_string_lossy(),
                )
            })
            .into_iter()
            .filter_entry(|e| !is_hidden(e.file_name()))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| {
                let rel = e.path().strip_prefix(dir.as_path()).unwrap();
                rel.to_string_lossy().replace('\\', "/")
            })
            .collect();
        let listed: Vec<String> = markdown_files(dir.as_path())
            .unwrap()
            .into_iter()
            .map(|(rel, _)| rel)
            .collect();
        assert_eq!(walked.len(), 10);
        assert_eq!(listed, walked);
    }

    fn all_years() -> Vec<YearGroup> {
        YearGroup::ALL.to_vec()
    }

    fn problems(text: &str) -> Vec<Problem> {
        parse_page(
            "programme/year-7.md",
            "content/programme/year-7.md",
            text,
            &all_years(),
            false,
        )
        .unwrap_err()
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
        assert!(p.message.contains("30 February 2027 is not a date"), "{p}");
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
        let mut fields: Vec<_> = ps.iter().filter_map(|p| p.field.as_deref()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["drop_in", "year"]);
    }

    #[test]
    fn untitled_page_gets_a_stand_in_title() {
        let page = parse_page(
            "careers-fair.md",
            "careers-fair.md",
            "Some text",
            &[],
            false,
        )
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
