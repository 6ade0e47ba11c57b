//! Checks a site against what the law and the Gatsby Benchmarks ask a school to publish.
//!
//! Each rule is a plain function of the loaded site and its rendered pages that returns
//! findings; `signpost check` prints them and `signpost build` counts them. A finding says where
//! the fix goes, what is wrong, why it matters (the rule's source) and how to fix it.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::load::{shown_path, SETTINGS_FILE};
use super::markdown::{Heading, LinkTarget, Rendered};
use super::model::*;
use super::render::Files;

/// How much a finding matters: any error makes the site unfit to publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One thing `check` found, with where, why it matters and how to fix it.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable id of the rule, for tools and for switching a rule's tests.
    pub rule: &'static str,
    /// The file the fix goes in, relative to the site folder.
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    /// The rule's source, in one line.
    pub why: &'static str,
    pub fix: String,
}

/// A link to another website: listed for the careers leader to try, never fetched.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalLink {
    pub file: String,
    pub line: usize,
    pub url: String,
}

/// Which severities a rule can report, for the rule list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Error,
    Warning,
    /// An error for what the law requires, a warning for the rest.
    ErrorOrWarning,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::ErrorOrWarning => "error or warning",
        }
    }
}

type Rule = fn(&Context) -> Vec<Finding>;

/// One rule: what it checks, how much it matters and where that comes from.
#[derive(Serialize)]
pub struct RuleInfo {
    /// Stable id, used in findings and tests.
    pub id: &'static str,
    /// What the rule looks at, in a sentence.
    pub checks: &'static str,
    pub level: Level,
    /// The source, with its section or paragraph: printed as every finding's "why".
    pub why: &'static str,
    /// What could not be confirmed against the official text, or "" when nothing is uncertain.
    pub source_note: &'static str,
    #[serde(skip)]
    pub run: Rule,
}

const SCHOOL_INFO: &str = "The School Information (England) Regulations 2008, Schedule 4, paragraph 15 (as amended), and the DfE statutory guidance \"Careers guidance and access for education and training providers\": schools publish the Careers Leader's name, email and phone, a programme summary saying how pupils, parents, teachers and employers can find out about it, how impact is measured, and the next review date, for the current academic year.";
const SCHOOL_INFO_NOTE: &str = "Confirmed against published summaries of the 2018 amendment, not the regulation's own text, so sub-paragraph letters are not cited.";
const S42B_STATEMENT: &str = "Education Act 1997, section 42B(4)-(5), as amended by section 14 of the Skills and Post-16 Education Act 2022: the provider access policy statement sets out how providers ask for access, the grounds for granting and refusing it, the premises and facilities offered and the times at which access is given.";
const S42B_STATEMENT_NOTE: &str = "The 2022 amendment adding \"the times at which the access is to be given\" to paragraph (c) is confirmed; the wording of paragraphs (a) and (b) is not confirmed against the official text.";
const S42B_ENCOUNTERS: &str = "Education Act 1997, section 42B(1A), (2A)(a) and (2B), as amended in 2022: at least two occasions of provider access in each key phase (Years 8-9, 10-11, 12-13; the second year closes on 28 February) in the standard school day; in the first and second phases every pupil meets providers at least twice and not exactly the same ones each time. The third phase must be offered but pupils need not attend.";
const S42B_ENCOUNTERS_NOTE: &str = "The key phase dates (any time in the first year, 1 September to 28 February in the second) are from published summaries of the DfE statutory guidance; the definition of a key phase is not confirmed against the official text.";
const S42B_CONTENT: &str = "Education Act 1997, section 42B(2A)(b), as amended in 2022: schools ask every provider to tell pupils about itself and its technical qualifications or apprenticeships, the careers they lead to, what learning there is like, and to answer pupils' questions.";
const IMPARTIAL: &str = "Education Act 1997, section 42A(4)(a)-(b): careers guidance is impartial and includes the 16 to 18 options, including apprenticeships; section 42B (the \"Baker clause\") exists so pupils hear about technical education and apprenticeships at each point of choice.";
const BENCHMARK_1: &str = "Gatsby Benchmark 1 (2025): the careers programme is published so pupils, parents and carers, staff and employers can access and understand it; it is tailored, sequenced, has learning outcomes, says how parents and carers are engaged and is evaluated with feedback from pupils, parents and carers, staff, employers and careers advisers.";
const BENCHMARK_1_NOTE: &str = "Wording from published summaries of the 2025 changes (including a school's action plan in the project's source documents); not confirmed against the Gatsby text itself.";
const BENCHMARK_8: &str = "Gatsby Benchmark 8 (2025): information about personal guidance and how to get it is on the school website; every pupil meets a careers adviser qualified to at least level 6 by 16 and again by 18.";
const COVERAGE: &str = "Gatsby Benchmarks (2025): Benchmark 2 in each key stage; 4 and 5 every year from age 11; 6, 7 and 8 by 16 and again by 18; 1 and 3 across the programme.";
const ACCESSIBILITY: &str = "Schools are largely exempt from the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (except content for essential online administrative functions), so the statement is good practice, not a legal duty; WCAG 2.2 AA still applies to what signpost builds.";
const ACCESSIBILITY_NOTE: &str = "The exemption for \"schools or nurseries\" was found as regulation 3(1)(c) of SI 2018/852, which the No. 2 Regulations replaced; its regulation number in the No. 2 Regulations was not confirmed.";
const PLAN: &str = "Gatsby Benchmark 1 (2025): a careers plan backed by governors and senior leaders, with actions owned and dated.";
const REVIEW: &str = "DfE statutory guidance \"Careers guidance and access for education and training providers\": the provider access statement is approved by the governing body (or trust) and kept under review.";
const REVIEW_NOTE: &str =
    "The guidance's paragraph number for approval and review is not confirmed.";
const QUALITY: &str =
    "WCAG 2.2 AA and Benchmark 1: readers must be able to reach, use and understand every page.";

/// Every rule, in the order findings are reported. `docs/check-rules.md` is generated from this
/// table (`signpost check --list-rules --format markdown`), so add new rules here.
pub const RULES: &[RuleInfo] = &[
    RuleInfo { id: "careers-leader", checks: "The Careers Leader's name (a person, not a team or a role), email address and telephone number are in signpost.toml.", level: Level::Error, why: SCHOOL_INFO, source_note: SCHOOL_INFO_NOTE, run: careers_leader },
    RuleInfo { id: "placeholders", checks: "No text left from the `signpost new` starter: bracketed prompts such as \"[Write ...]\" and stand-ins such as \"Your School Name\" or \"Your Name\", in settings or pages.", level: Level::Error, why: SCHOOL_INFO, source_note: SCHOOL_INFO_NOTE, run: placeholders },
    RuleInfo { id: "academic-year", checks: "`academic_year` in signpost.toml names the current school year (from 1 July, the next one is accepted too).", level: Level::ErrorOrWarning, why: SCHOOL_INFO, source_note: SCHOOL_INFO_NOTE, run: academic_year },
    RuleInfo { id: "next-review", checks: "`next_review` is set and has not passed (errors); a date more than a year away is a warning.", level: Level::ErrorOrWarning, why: SCHOOL_INFO, source_note: SCHOOL_INFO_NOTE, run: next_review },
    RuleInfo { id: "programme-summary", checks: "There are programme pages and a home page summarising the programme (missing: error); a home page under 60 words is a warning.", level: Level::ErrorOrWarning, why: SCHOOL_INFO, source_note: SCHOOL_INFO_NOTE, run: programme_summary },
    RuleInfo { id: "programme-access", checks: "Pupils, parents and carers, teachers and employers each have a way in: a page written for them, or a home-page section naming them with a link, email address or phone number.", level: Level::Warning, why: SCHOOL_INFO, source_note: SCHOOL_INFO_NOTE, run: programme_access },
    RuleInfo { id: "impact", checks: "A page of kind \"impact\" says how the programme's impact on pupils is measured (missing: error; under 40 words: warning).", level: Level::ErrorOrWarning, why: SCHOOL_INFO, source_note: SCHOOL_INFO_NOTE, run: impact },
    RuleInfo { id: "impact-feedback", checks: "The impact page names the feedback it uses from pupils, parents and carers, teachers or staff, employers and careers advisers.", level: Level::Warning, why: BENCHMARK_1, source_note: BENCHMARK_1_NOTE, run: impact_feedback },
    RuleInfo { id: "parents-engagement", checks: "The site says how parents and carers are engaged: a page of kind \"parents\", or a heading naming parents, carers or families.", level: Level::Warning, why: BENCHMARK_1, source_note: BENCHMARK_1_NOTE, run: parents_engagement },
    RuleInfo { id: "send-tailoring", checks: "The programme says how it is tailored for pupils with SEND: an activity or page mentioning SEND, an EHCP, special educational needs or disabilities.", level: Level::Warning, why: BENCHMARK_1, source_note: BENCHMARK_1_NOTE, run: send_tailoring },
    RuleInfo { id: "learning-outcomes", checks: "The programme has learning outcomes: a learning-journey page with at least one [[outcome]].", level: Level::Warning, why: BENCHMARK_1, source_note: BENCHMARK_1_NOTE, run: learning_outcomes },
    RuleInfo { id: "provider-access", checks: "A provider access policy statement exists, with headed sections on pupil entitlement, how providers ask for access, granting and refusing, premises and facilities, and the times access is given (the dated encounters count), and a [contact] with a person's name, phone and email.", level: Level::Error, why: S42B_STATEMENT, source_note: S42B_STATEMENT_NOTE, run: provider_access },
    RuleInfo { id: "provider-access-review", checks: "The statement says when governors approved it, and its review date has not passed.", level: Level::Warning, why: REVIEW, source_note: REVIEW_NOTE, run: provider_access_review },
    RuleInfo { id: "provider-encounters", checks: "Each key phase the school teaches has at least two counted provider encounters per pupil (first year any date, second year by 28 February, this school year, in the school day, not out of hours), not all with the same providers in phases 1 and 2. Encounters that do not count are warnings.", level: Level::ErrorOrWarning, why: S42B_ENCOUNTERS, source_note: S42B_ENCOUNTERS_NOTE, run: provider_encounters },
    RuleInfo { id: "encounter-content", checks: "Each encounter names its providers and lists in `covers` what pupils hear: provider, courses, careers, learning and questions.", level: Level::Warning, why: S42B_CONTENT, source_note: "", run: encounter_content },
    RuleInfo { id: "personal-guidance", checks: "A page of kind \"guidance\" says how pupils get personal guidance (missing or under 60 words).", level: Level::Warning, why: BENCHMARK_8, source_note: BENCHMARK_1_NOTE, run: personal_guidance },
    RuleInfo { id: "careers-adviser", checks: "[adviser] names a person whose qualification is level 6 or above (`qualification_level = 6`, or \"level 6\", \"level 7\", QCG or QCD in `qualification`).", level: Level::Warning, why: BENCHMARK_8, source_note: BENCHMARK_1_NOTE, run: careers_adviser },
    RuleInfo { id: "accessibility-statement", checks: "A page of kind \"accessibility\" with at least 30 words.", level: Level::Warning, why: ACCESSIBILITY, source_note: ACCESSIBILITY_NOTE, run: accessibility_statement },
    RuleInfo { id: "programme-years", checks: "Every year group taught has a programme page with activities.", level: Level::Warning, why: BENCHMARK_1, source_note: BENCHMARK_1_NOTE, run: programme_years },
    RuleInfo { id: "benchmark-coverage", checks: "Each benchmark's own reach is met by whole-year activities (no `who`, or `who` starting \"All\", \"Every\" or \"Whole\"): 2 in each key stage, 4 and 5 in every year, 6, 7 and 8 by Year 11 and in Years 12-13, 1 and 3 somewhere.", level: Level::Warning, why: COVERAGE, source_note: BENCHMARK_1_NOTE, run: benchmark_coverage },
    RuleInfo { id: "impartiality", checks: "The Year 9 and 11 programmes mention apprenticeships, T Levels, technical or college courses and sixth form or A levels; Year 13 mentions apprenticeships, technical routes and university.", level: Level::Warning, why: IMPARTIAL, source_note: "", run: impartiality },
    RuleInfo { id: "destinations", checks: "Each destinations row adds up to no more than 100%.", level: Level::Warning, why: QUALITY, source_note: "", run: destinations },
    RuleInfo { id: "plan", checks: "A strategic plan exists, with approval dates, a review date not passed, and each action owned, dated and not overdue.", level: Level::Warning, why: PLAN, source_note: BENCHMARK_1_NOTE, run: plan },
    RuleInfo { id: "links", checks: "Links to other pages, sections and files of the site resolve.", level: Level::Warning, why: QUALITY, source_note: "", run: links },
    RuleInfo { id: "images", checks: "Every content image has alt text.", level: Level::Warning, why: QUALITY, source_note: "", run: images },
    RuleInfo { id: "headings", checks: "Headings start at ## and do not skip levels.", level: Level::Warning, why: QUALITY, source_note: "", run: headings },
    RuleInfo { id: "titles", checks: "Every page has a title.", level: Level::Warning, why: QUALITY, source_note: "", run: titles },
    RuleInfo { id: "empty-pages", checks: "No plain page is empty.", level: Level::Warning, why: QUALITY, source_note: "", run: empty_pages },
    RuleInfo { id: "translations", checks: "A page in another language (`lang`) names the English page it translates (`translation_of`), and that page exists and is itself in English.", level: Level::Warning, why: TRANSLATIONS, source_note: "", run: translations },
    RuleInfo { id: "colours", checks: "The school colours have a contrast of at least 4.5:1 with white text.", level: Level::Warning, why: "WCAG 2.2 AA, success criterion 1.4.3: a contrast of at least 4.5:1 between text and its background.", source_note: "", run: colours },
];

/// The rule list as Markdown: the body of `docs/check-rules.md`.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# What `signpost check` checks\n\n\
         Generated by `signpost check --list-rules --format markdown` from the rule table in\n\
         `src/site/check.rs`; a test keeps this file in step with the code. An error means the\n\
         site is not ready to publish (the law or Benchmark 1 requires it and it can be measured);\n\
         a warning is worth fixing but does not block publishing. Every finding prints the\n\
         rule's source as its \"why\".\n\n\
         Dates are judged against today, or against the day given with `--on YEAR-MONTH-DAY`.\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "\n## `{}`\n\n- **Checks:** {}\n- **Severity:** {}\n- **Source:** {}\n",
            r.id,
            r.checks,
            r.level.label(),
            r.why
        ));
        if !r.source_note.is_empty() {
            out.push_str(&format!("- **Source note:** {}\n", r.source_note));
        }
    }
    out
}

/// What every rule can look at.
pub struct Context<'a> {
    pub site: &'a Site,
    pub bodies: &'a HashMap<String, Rendered>,
    pub files: &'a Files,
    pub today: Date,
}

/// Runs every rule over a site.
pub fn run(
    site: &Site,
    bodies: &HashMap<String, Rendered>,
    files: &Files,
    today: Date,
) -> Vec<Finding> {
    let ctx = Context {
        site,
        bodies,
        files,
        today,
    };
    RULES.iter().flat_map(|r| (r.run)(&ctx)).collect()
}

/// How many findings are errors and how many warnings.
pub fn counts(findings: &[Finding]) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors, findings.len() - errors)
}

/// Links to other websites in the pages' Markdown, for the careers leader to check by hand.
pub fn external_links(site: &Site, bodies: &HashMap<String, Rendered>) -> Vec<ExternalLink> {
    let mut out = Vec::new();
    for page in &site.pages {
        for link in bodies
            .get(&page.source)
            .map(|b| b.links.as_slice())
            .unwrap_or_default()
        {
            if let LinkTarget::External(url) = &link.target {
                out.push(ExternalLink {
                    file: shown_path(site, page),
                    line: link.line,
                    url: url.clone(),
                });
            }
        }
    }
    out
}

/// Builds findings with the rule's source filled in from [`RULES`].
struct Say {
    rule: &'static str,
    why: &'static str,
}

impl Say {
    fn of(rule: &'static str) -> Say {
        Say {
            rule,
            why: RULES.iter().find(|r| r.id == rule).map_or("", |r| r.why),
        }
    }

    fn error(
        &self,
        file: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        self.finding(
            Severity::Error,
            file.into(),
            line,
            message.into(),
            fix.into(),
        )
    }

    fn warning(
        &self,
        file: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        self.finding(
            Severity::Warning,
            file.into(),
            line,
            message.into(),
            fix.into(),
        )
    }

    fn finding(
        &self,
        severity: Severity,
        file: String,
        line: Option<usize>,
        message: String,
        fix: String,
    ) -> Finding {
        Finding {
            severity,
            rule: self.rule,
            file,
            line,
            message,
            why: self.why,
            fix,
        }
    }
}

/// Where a page of `kind` should be created when there is none.
fn suggested_file(ctx: &Context, kind: Kind) -> String {
    let prefix = if ctx.site.content_dir != ctx.site.root {
        "content/"
    } else {
        ""
    };
    format!("{prefix}{}.md", kind.id())
}

/// Where a programme page (or the programme folder, for `rest = ""`) should go.
fn programme_file(ctx: &Context, rest: &str) -> String {
    suggested_file(ctx, Kind::Programme).replace("programme.md", &format!("programme/{rest}"))
}

fn file_of(ctx: &Context, page: &Page) -> String {
    shown_path(ctx.site, page)
}

fn words(ctx: &Context, page: &Page) -> usize {
    ctx.bodies.get(&page.source).map_or(0, |b| b.words)
}

fn plain_text(page: &Page) -> String {
    page.body.to_lowercase() + " " + &page.description.clone().unwrap_or_default().to_lowercase()
}

fn headings_of<'a>(ctx: &'a Context, page: &Page) -> &'a [Heading] {
    ctx.bodies
        .get(&page.source)
        .map(|b| b.headings.as_slice())
        .unwrap_or_default()
}

/// True when `text` (lower case) contains any of `words`.
fn mentions(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// Lines (1-based, in the file) where each `[[name]]` table starts, in order, so the n-th
/// entry of a list can be pointed at. A comment after the header is allowed.
fn table_lines(front_matter: &str, name: &str) -> Vec<usize> {
    let header = format!("[[{name}]]");
    front_matter
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let code = l.split('#').next().unwrap_or("");
            code.replace([' ', '\t'], "") == header
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// Words that make a name a role, a team or a stand-in rather than a person.
const NOT_A_PERSON: &[&str] = &[
    "team",
    "department",
    "dept",
    "office",
    "careers",
    "career",
    "leader",
    "lead",
    "coordinator",
    "co-ordinator",
    "manager",
    "head",
    "adviser",
    "advisor",
    "staff",
    "school",
    "reception",
    "admin",
    "service",
    "services",
    "officer",
    "director",
    "teacher",
    "tbc",
    "tba",
    "vacant",
    "your",
    "name",
];

/// Why `name` does not look like a person's name, if it does not.
fn not_a_person(name: &str) -> Option<String> {
    let words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if let Some(w) = words
        .iter()
        .find(|w| NOT_A_PERSON.contains(&w.trim_matches('\'')))
    {
        return Some(format!(
            "\"{name}\" reads as a role or a team (\"{w}\"), not a person"
        ));
    }
    if name.contains('@') || name.chars().any(|c| c.is_ascii_digit()) {
        return Some(format!("\"{name}\" is not a name"));
    }
    if words.len() < 2 {
        return Some(format!(
            "\"{name}\" is not a full name: give a title or first name and a surname"
        ));
    }
    None
}

fn careers_leader(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("careers-leader");
    let leader = &ctx.site.settings.careers_leader;
    let mut out = Vec::new();
    type Problem = fn(&str) -> Option<String>;
    let checks: [(&str, &Option<String>, &str, Problem); 3] = [
        (
            "name",
            &leader.name,
            "name = \"Mrs Jo Smith\"",
            not_a_person,
        ),
        (
            "email address",
            &leader.email,
            "email = \"careers@school.example.sch.uk\"",
            |v| {
                let ok = v
                    .split_once('@')
                    .is_some_and(|(a, d)| !a.is_empty() && d.contains('.'));
                (!ok).then(|| format!("\"{v}\" does not look like a complete email address"))
            },
        ),
        (
            "telephone number",
            &leader.phone,
            "phone = \"01632 960 123\"",
            |v| {
                (v.chars().filter(char::is_ascii_digit).count() < 10)
                    .then(|| format!("\"{v}\" does not look like a complete telephone number"))
            },
        ),
    ];
    for (what, value, example, problem) in checks {
        match value.as_deref().map(str::trim) {
            None | Some("") => out.push(say.error(
                SETTINGS_FILE,
                None,
                format!("The Careers Leader's {what} is not published."),
                format!("Add {example} under [careers_leader] in {SETTINGS_FILE}."),
            )),
            Some(v) => {
                if let Some(why) = problem(v) {
                    out.push(say.error(
                        SETTINGS_FILE,
                        None,
                        format!("The Careers Leader's {what}: {why}."),
                        format!("Write it in full, e.g. {example}, under [careers_leader] in {SETTINGS_FILE}; a role or team goes in role = \"...\"."),
                    ));
                }
            }
        }
    }
    out
}

/// Stand-ins the `signpost new` starter uses for the school's own details.
const STAND_INS: &[&str] = &[
    "Your School Name",
    "Your Name",
    "Adviser's Name",
    "Your Careers Service",
];

/// The first starter prompt in a line: a stand-in, or a bracketed prompt of two or more words
/// that is not a Markdown link (`[text](...)`, `[text][ref]`, `[ref]: url`).
fn prompt_in(line: &str) -> Option<String> {
    if let Some(s) = STAND_INS.iter().find(|s| line.contains(*s)) {
        return Some((*s).to_string());
    }
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(open) = line[from..].find('[').map(|i| i + from) {
        from = open + 1;
        let Some(close) = line[open + 1..].find(']').map(|i| i + open + 1) else {
            break;
        };
        let inner = &line[open + 1..close];
        let after = bytes.get(close + 1).copied();
        let before = open.checked_sub(1).and_then(|i| bytes.get(i)).copied();
        let is_link = matches!(after, Some(b'(' | b'[' | b':')) || before == Some(b'!');
        if !is_link
            && !inner.contains('[')
            && inner.contains(' ')
            && inner.chars().next().is_some_and(char::is_alphabetic)
        {
            return Some(format!("[{inner}]"));
        }
    }
    None
}

fn placeholders(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("placeholders");
    let mut out = Vec::new();
    let fix_page = "Replace it with your school's own words, or delete it.";
    let mut settings = Vec::new();
    if let Ok(value) = serde_json::to_value(&ctx.site.settings) {
        string_leaves(&value, String::new(), &mut settings);
    }
    for (field, text) in settings {
        if let Some(p) = prompt_in(&text) {
            out.push(say.error(
                SETTINGS_FILE,
                None,
                format!("`{field}` still holds the starter's \"{p}\"."),
                format!("Put your school's own details in `{field}` in {SETTINGS_FILE}."),
            ));
        }
    }
    for page in &ctx.site.pages {
        let file = file_of(ctx, page);
        let front = page
            .front_matter
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l));
        let front = front.filter(|(_, l)| !l.trim_start().starts_with('#'));
        let body = without_html_comments(&page.body);
        let body = body
            .lines()
            .enumerate()
            .map(|(i, l)| (i + page.body_line, l.to_string()))
            .collect::<Vec<_>>();
        let lines = front
            .map(|(n, l)| (n, l.to_string()))
            .chain(body)
            .filter_map(|(n, l)| prompt_in(&l).map(|p| (n, p)));
        for (line, p) in lines {
            out.push(say.error(
                &file,
                Some(line),
                format!("The starter's placeholder \"{p}\" is still here."),
                fix_page,
            ));
        }
    }
    out
}

/// Every string in a settings value, with its dotted path (`school.name`).
fn string_leaves(value: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::String(s) => out.push((path, s.clone())),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                string_leaves(v, p, out);
            }
        }
        serde_json::Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                string_leaves(v, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The text with `<!-- ... -->` comments blanked out, keeping its line breaks.
fn without_html_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("-->")
            .map_or(rest.len(), |e| start + e + 3);
        out.extend(rest[start..end].chars().filter(|c| *c == '\n'));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The first year of an academic year written "2026-27", "2026/27", "2026-2027" or "2026 to 2027".
fn academic_year_start(text: &str) -> Option<i32> {
    let digits: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let [first, second] = digits.as_slice() else {
        return None;
    };
    let start: i32 = first.parse().ok().filter(|_| first.len() == 4)?;
    let end: i32 = second.parse().ok()?;
    let end = if second.len() == 2 {
        start / 100 * 100 + end
    } else {
        end
    };
    (end == start + 1).then_some(start)
}

fn academic_year(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("academic-year");
    let current = ctx.today.academic_year_start();
    let name = |start: i32| format!("{start}-{:02}", (start + 1) % 100);
    let fix = format!(
        "Set academic_year = \"{}\" under [site] in {SETTINGS_FILE}, after checking every page is up to date for this year.",
        name(current)
    );
    let line = None;
    match ctx.site.settings.site.academic_year.as_deref().map(str::trim) {
        None | Some("") => vec![say.warning(
            SETTINGS_FILE,
            line,
            "The site does not say which school year its information is for.",
            fix,
        )],
        Some(text) => match academic_year_start(text) {
            None => vec![say.error(
                SETTINGS_FILE,
                line,
                format!("academic_year = \"{text}\" is not a school year written like \"{}\".", name(current)),
                fix,
            )],
            Some(start)
                if start == current
                    || (start == current + 1 && (ctx.today.0.month() as u8) >= 7) =>
            {
                Vec::new()
            }
            Some(start) => vec![say.error(
                SETTINGS_FILE,
                line,
                format!(
                    "The information is for {}, but {} falls in {}: the law asks for the current year's information.",
                    name(start),
                    ctx.today,
                    name(current)
                ),
                fix,
            )],
        },
    }
}

fn next_review(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("next-review");
    let fix = |d: &str| {
        format!(
            "Set next_review = {d} under [site] in {SETTINGS_FILE}, a date within the next year."
        )
    };
    let suggestion = Date::from_ymd(ctx.today.academic_year_start() + 1, 7, 16)
        .map(|d| d.iso())
        .unwrap_or_default();
    match ctx.site.settings.site.next_review {
        None => vec![say.error(SETTINGS_FILE, None, "The date of the next review of this information is not published.", fix(&suggestion))],
        Some(d) if d < ctx.today => vec![say.error(
            SETTINGS_FILE,
            None,
            format!("The next review date, {d}, has passed: the information is out of date."),
            format!("Review the pages, then {}", fix(&suggestion).to_lowercase()),
        )],
        Some(d) if (d.0 - ctx.today.0).whole_days() > 366 => vec![say.warning(
            SETTINGS_FILE,
            None,
            format!("The next review date, {d}, is more than a year away; the information is for the current academic year, so review it at least once a year."),
            fix(&suggestion),
        )],
        Some(_) => Vec::new(),
    }
}

fn programme_summary(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("programme-summary");
    let mut out = Vec::new();
    if ctx.site.programmes().is_empty() {
        out.push(say.error(
            programme_file(ctx, "year-7.md"),
            None,
            "There are no programme pages, so the careers programme itself is not published.",
            "Create a page with kind = \"programme\" for each year group (content/programme/year-7.md and so on).",
        ));
    }
    let Some(home) = ctx.site.first_of(Kind::Home) else {
        out.push(say.error(
            suggested_file(ctx, Kind::Home).replace("home.md", "index.md"),
            None,
            "There is no home page summarising the careers programme.",
            "Create content/index.md with kind = \"home\": a short summary of the programme and how pupils, parents and carers, teachers and employers can find out about it.",
        ));
        return out;
    };
    if words(ctx, home) < 60 {
        out.push(say.warning(
            file_of(ctx, home),
            Some(home.body_line),
            format!("The home page has {} words, which is short for a summary of the careers programme (60 or more is looked for).", words(ctx, home)),
            "Write a few paragraphs on what students do in careers education each year and how the programme is run.",
        ));
    }
    out
}

/// A reader the law names, the words that name them, and the page kinds written for them.
struct Audience {
    name: &'static str,
    words: &'static [&'static str],
    pages: &'static [Kind],
}

const AUDIENCES: &[Audience] = &[
    Audience {
        name: "pupils",
        words: &[
            "pupil",
            "student",
            "young people",
            "learner",
            "sixth former",
        ],
        pages: &[Kind::Programme, Kind::Guidance],
    },
    Audience {
        name: "parents and carers",
        words: &["parent", "carer", "famil", "guardian"],
        pages: &[Kind::Parents],
    },
    Audience {
        name: "teachers",
        words: &["teacher", "staff", "tutor", "colleague"],
        pages: &[],
    },
    Audience {
        name: "employers",
        words: &["employer", "business"],
        pages: &[Kind::Employers],
    },
];

/// A way to reach more information: a link, an email address or a phone number.
fn has_route(text: &str) -> bool {
    let email = text.split_whitespace().any(|w| {
        w.split_once('@')
            .is_some_and(|(a, d)| !a.is_empty() && d.contains('.'))
    });
    let mut run = 0;
    let mut longest = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            run += 1;
            longest = longest.max(run);
        } else if c != ' ' {
            run = 0;
        }
    }
    text.contains("](") || text.contains("<http") || email || longest >= 10
}

/// The home page cut into sections at its headings: (heading text, section text).
fn sections(page: &Page, headings: &[Heading]) -> Vec<(String, String)> {
    let lines: Vec<&str> = page.body.lines().collect();
    let mut starts: Vec<(usize, String)> = headings
        .iter()
        .map(|h| (h.line.saturating_sub(page.body_line), h.text.to_lowercase()))
        .collect();
    starts.insert(0, (0, String::new()));
    starts
        .iter()
        .enumerate()
        .map(|(i, (from, heading))| {
            let to = starts.get(i + 1).map_or(lines.len(), |(n, _)| *n);
            let text = lines
                .get(*from..to.max(*from).min(lines.len()))
                .unwrap_or_default()
                .join("\n");
            (heading.clone(), text)
        })
        .collect()
}

fn programme_access(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("programme-access");
    let Some(home) = ctx.site.first_of(Kind::Home) else {
        return Vec::new(); // programme-summary reports the missing home page.
    };
    let sections = sections(home, headings_of(ctx, home));
    let paragraphs: Vec<String> = home
        .body
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(str::to_lowercase)
        .collect();
    let mut out = Vec::new();
    for a in AUDIENCES {
        let own_page = a.pages.iter().any(|k| ctx.site.first_of(*k).is_some());
        let headed: Vec<&(String, String)> = sections
            .iter()
            .filter(|(h, _)| mentions(h, a.words))
            .collect();
        let found = own_page
            || if headed.is_empty() {
                paragraphs
                    .iter()
                    .any(|p| mentions(p, a.words) && has_route(p))
            } else {
                headed.iter().any(|(_, text)| has_route(text))
            };
        if !found {
            let pages = a
                .pages
                .iter()
                .map(|k| format!("kind = \"{}\"", k.id()))
                .collect::<Vec<_>>();
            let pages = if pages.is_empty() {
                String::new()
            } else {
                format!(", or a page with {}", pages.join(" or "))
            };
            out.push(say.warning(
                file_of(ctx, home),
                Some(home.body_line),
                format!(
                    "The home page gives {} no way to find out more: looked for a heading or paragraph naming them ({}) with a link, email address or phone number{pages}.",
                    a.name,
                    a.words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ")
                ),
                format!("Add a section for {} that links to where they can read about the programme, or gives who to contact.", a.name),
            ));
        }
    }
    out
}

fn impact(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("impact");
    match ctx.site.first_of(Kind::Impact) {
        None => vec![say.error(
            suggested_file(ctx, Kind::Impact),
            None,
            "The site does not say how the school measures and assesses the programme's impact on pupils.",
            "Create a page with kind = \"impact\": how you evaluate the programme (surveys, Compass+, destinations) and what you found.",
        )],
        Some(p) if words(ctx, p) < 40 => vec![say.warning(
            file_of(ctx, p),
            Some(p.body_line),
            "The impact page is under 40 words: too short to explain how the programme's impact is measured.",
            "Explain what you measure, how (surveys, Compass+, destinations) and how often.",
        )],
        Some(_) => Vec::new(),
    }
}

fn impact_feedback(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("impact-feedback");
    let Some(page) = ctx.site.first_of(Kind::Impact) else {
        return Vec::new();
    };
    let text = plain_text(page);
    let groups: [(&str, &[&str]); 5] = [
        ("pupils", &["pupil", "student"]),
        ("parents and carers", &["parent", "carer", "famil"]),
        ("teachers or staff", &["teacher", "staff"]),
        ("employers", &["employer"]),
        ("careers advisers", &["adviser", "advisor"]),
    ];
    let missing: Vec<&str> = groups
        .iter()
        .filter(|(_, w)| !mentions(&text, w))
        .map(|(g, _)| *g)
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    vec![say.warning(
        file_of(ctx, page),
        Some(page.body_line),
        format!("The impact page does not say what feedback it uses from {}.", missing.join(", ")),
        "Say how you ask each group for feedback and when (a table of who, how and when works well).",
    )]
}

fn parents_engagement(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("parents-engagement");
    let words = ["parent", "carer", "famil"];
    let headed = ctx.site.pages.iter().any(|p| {
        headings_of(ctx, p)
            .iter()
            .any(|h| mentions(&h.text.to_lowercase(), &words))
    });
    if ctx.site.first_of(Kind::Parents).is_some() || headed {
        return Vec::new();
    }
    vec![say.warning(
        suggested_file(ctx, Kind::Parents),
        None,
        "The site does not say how parents and carers are engaged in the careers programme (looked for a page with kind = \"parents\" or a heading naming parents, carers or families).",
        "Create a page with kind = \"parents\": how families hear about the programme, events they can come to and how to ask for help.",
    )]
}

fn send_tailoring(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("send-tailoring");
    let is_send = |text: &str| {
        let lower = text.to_lowercase();
        text.split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "SEND" || w == "EHCP")
            || mentions(
                &lower,
                &["special educational need", "disabilit", "additional needs"],
            )
    };
    let in_activities = ctx.site.programmes().iter().any(|(_, pr)| {
        pr.activities
            .iter()
            .any(|a| a.who.as_deref().is_some_and(is_send) || is_send(&a.title))
    });
    let in_pages = ctx
        .site
        .pages
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                Kind::Programme
                    | Kind::Guidance
                    | Kind::Parents
                    | Kind::Home
                    | Kind::LearningJourney
            )
        })
        .any(|p| is_send(&p.body));
    if in_activities || in_pages {
        return Vec::new();
    }
    vec![say.warning(
        programme_file(ctx, ""),
        None,
        "The programme does not say how it is tailored for pupils with SEND (looked for \"SEND\", \"EHCP\", \"special educational needs\", \"disabilities\" or \"additional needs\" in activities and programme, guidance, parents and home pages).",
        "Add activities with who = \"... students with SEND\", or a section on how the programme is adapted and who to contact (such as the SENCo).",
    )]
}

fn learning_outcomes(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("learning-outcomes");
    let has = ctx.site.pages.iter().any(|p| match &p.data {
        PageData::LearningJourney { outcomes } => !outcomes.is_empty(),
        _ => false,
    });
    if has || ctx.site.programmes().is_empty() {
        return Vec::new();
    }
    vec![say.warning(
        suggested_file(ctx, Kind::LearningJourney),
        None,
        "The programme has no learning outcomes: there is no learning-journey page with [[outcome]] entries.",
        "Create a page with kind = \"learning-journey\" and [[outcome]] entries (by_end_of, area, text).",
    )]
}

fn provider_access(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("provider-access");
    let Some((page, pa)) = ctx.site.provider_access() else {
        return vec![say.error(
            suggested_file(ctx, Kind::ProviderAccess),
            None,
            "There is no provider access policy statement.",
            "Create a page with kind = \"provider-access\" (run `signpost new` in another folder for a starter copy).",
        )];
    };
    let file = file_of(ctx, page);
    let mut out = Vec::new();
    let headings: Vec<String> = headings_of(ctx, page)
        .iter()
        .map(|h| h.text.to_lowercase())
        .collect();
    let sections: [(&str, &[&str], &str); 5] = [
        ("pupil entitlement", &["entitle"], "Pupil entitlement"),
        (
            "how providers ask for access",
            &[
                "request", "apply", "applying", "asking", "ask for", "how to",
            ],
            "Requests for access",
        ),
        (
            "the grounds for granting and refusing access",
            &["refus", "grant", "declin", "decision"],
            "Granting and refusing access",
        ),
        (
            "the premises and facilities offered",
            &["premises", "facilit", "rooms", "venue"],
            "Premises and facilities",
        ),
        (
            "the times at which access is given",
            &[
                "time",
                "when",
                "date",
                "opportunit",
                "calendar",
                "encounter",
            ],
            "Opportunities for access",
        ),
    ];
    for (what, keys, heading) in sections {
        let dated = what.starts_with("the times") && !pa.encounters.is_empty();
        if !dated && !headings.iter().any(|h| mentions(h, keys)) {
            out.push(say.error(
                &file,
                Some(page.body_line),
                format!(
                    "The policy has no section on {what} (looked for a heading containing {}).",
                    keys.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
                ),
                format!("Add a section headed \"## {heading}\"."),
            ));
        }
    }
    let c = &pa.contact;
    let contact_line = super::load::field_line(&page.front_matter, "contact");
    let missing: Vec<&str> = [
        ("name", &c.name),
        ("telephone number", &c.phone),
        ("email address", &c.email),
    ]
    .into_iter()
    .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
    .map(|(w, _)| w)
    .collect();
    if !missing.is_empty() {
        out.push(say.error(
            &file,
            contact_line,
            format!(
                "The policy's named contact for providers is missing a {}.",
                missing.join(", a ")
            ),
            "Fill in [contact] in the front matter with name, role, email and phone.",
        ));
    }
    if let Some(why) = c
        .name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .and_then(not_a_person)
    {
        out.push(say.error(
            &file,
            contact_line,
            format!("The policy's named contact: {why}."),
            "Give the person's name in name = \"...\" under [contact], and their job in role = \"...\".",
        ));
    }
    out
}

fn provider_access_review(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("provider-access-review");
    let Some((page, pa)) = ctx.site.provider_access() else {
        return Vec::new();
    };
    let file = file_of(ctx, page);
    let mut out = Vec::new();
    if pa.approved_governors.is_none() {
        out.push(say.warning(
            &file,
            None,
            "The policy does not say when governors approved it.",
            "Add approved_governors = YEAR-MONTH-DAY to the front matter.",
        ));
    }
    if let Some(d) = pa.review_date.filter(|d| *d < ctx.today) {
        out.push(say.warning(
            &file,
            super::load::field_line(&page.front_matter, "review_date"),
            format!("The policy's review date, {d}, has passed."),
            "Review the policy with governors and set a new review_date.",
        ));
    }
    out
}

/// A key phase of the provider access legislation: two school years, the second closing on
/// 28 February.
struct KeyPhase {
    name: &'static str,
    first: u8,
    second: u8,
    /// Phases 1 and 2: every pupil must attend. Phase 3 must be offered but is optional.
    compulsory: bool,
}

const KEY_PHASES: [KeyPhase; 3] = [
    KeyPhase {
        name: "first key phase (Years 8 and 9)",
        first: 8,
        second: 9,
        compulsory: true,
    },
    KeyPhase {
        name: "second key phase (Years 10 and 11)",
        first: 10,
        second: 11,
        compulsory: true,
    },
    KeyPhase {
        name: "third key phase (Years 12 and 13)",
        first: 12,
        second: 13,
        compulsory: false,
    },
];

/// Why an encounter does not count at all this school year, if it does not.
fn not_counted(ctx: &Context, e: &Encounter, year_start: i32) -> Option<String> {
    if e.date.academic_year_start() != year_start {
        Some(format!(
            "is dated {}, outside this school year ({year_start}-{:02})",
            e.date,
            (year_start + 1) % 100
        ))
    } else if e.out_of_hours {
        Some("is marked out_of_hours; only encounters in the school day count".into())
    } else if !ctx.site.settings.is_school_day(e.date) {
        let when = if e.date.is_weekday() {
            "a day outside the term dates in signpost.toml"
        } else {
            "a weekend"
        };
        Some(format!(
            "is dated {} ({}), {when}; only encounters in the school day count",
            e.date,
            e.date.0.weekday()
        ))
    } else {
        None
    }
}

/// The providers an encounter brings, as a set of names, to tell "the same providers" apart.
fn provider_set(e: &Encounter) -> Vec<String> {
    let mut names: Vec<String> = e
        .providers
        .as_deref()
        .unwrap_or_default()
        .split([',', ';'])
        .flat_map(|p| p.split(" and "))
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
}

fn provider_encounters(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("provider-encounters");
    let Some((page, pa)) = ctx.site.provider_access() else {
        return Vec::new();
    };
    let file = file_of(ctx, page);
    let lines = table_lines(&page.front_matter, "encounter");
    let list_line = super::load::field_line(&page.front_matter, "encounter");
    let year_start = ctx.today.academic_year_start();
    let deadline = Date::from_ymd(year_start + 1, 2, 28).ok();
    let taught = ctx.site.years_taught();
    let teaches = |y: u8| taught.iter().any(|t| t.get() == y);
    let mut out = Vec::new();
    let mut counted = Vec::new();
    for (i, e) in pa.encounters.iter().enumerate() {
        match not_counted(ctx, e, year_start) {
            Some(why) => out.push(say.warning(
                &file,
                lines.get(i).copied(),
                format!(
                    "\"{}\" {why}, so it does not count towards the legal minimum.",
                    e.title
                ),
                "Check the date, or move the event into the school day.",
            )),
            None => counted.push(e),
        }
    }
    for phase in &KEY_PHASES {
        if !teaches(phase.first) && !teaches(phase.second) {
            continue; // e.g. an 11-16 or special school with no Years 12-13.
        }
        let has = |e: &Encounter, y: u8| e.years.iter().any(|g| g.get() == y);
        // One pupil's occasions across the phase: this year's first-year encounters at any
        // date, and this year's second-year encounters up to 28 February.
        let mut occasions: Vec<&Encounter> = Vec::new();
        let mut late = 0;
        for e in &counted {
            if teaches(phase.first) && has(e, phase.first) {
                occasions.push(e);
            }
            if teaches(phase.second) && has(e, phase.second) {
                if deadline.is_some_and(|d| e.date <= d) {
                    occasions.push(e);
                } else {
                    late += 1;
                }
            }
        }
        let close = deadline.map(|d| d.to_string()).unwrap_or_default();
        if occasions.len() < 2 {
            let mut message = if phase.compulsory {
                format!(
                    "In the {}, a pupil meets providers on {} counted occasion{} across the two years; the law asks for at least two.",
                    phase.name,
                    occasions.len(),
                    if occasions.len() == 1 { "" } else { "s" }
                )
            } else {
                format!(
                    "The {} offers providers access on {} counted occasion{}; the law asks the school to offer at least two (attending is optional for pupils).",
                    phase.name,
                    occasions.len(),
                    if occasions.len() == 1 { "" } else { "s" }
                )
            };
            if late > 0 {
                message.push_str(&format!(
                    " {late} more for Year {} {} after {close}, too late for that year.",
                    phase.second,
                    if late == 1 { "is" } else { "are" }
                ));
            }
            out.push(say.error(
                &file,
                list_line,
                message,
                format!(
                    "Add [[encounter]] entries in the school day with years = [{}] (any date this school year) or years = [{}] (1 September {year_start} to {close}).",
                    phase.first, phase.second
                ),
            ));
        } else if phase.compulsory {
            let sets: Vec<Vec<String>> = occasions.iter().map(|e| provider_set(e)).collect();
            if sets.iter().all(|s| !s.is_empty() && *s == sets[0]) {
                out.push(say.error(
                    &file,
                    list_line,
                    format!(
                        "In the {}, every counted encounter brings the same providers ({}); the law asks that a pupil does not meet exactly the same providers each time.",
                        phase.name,
                        sets[0].join(", ")
                    ),
                    "Invite at least one different provider to one of the encounters.",
                ));
            }
        }
    }
    out
}

fn encounter_content(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("encounter-content");
    let Some((page, pa)) = ctx.site.provider_access() else {
        return Vec::new();
    };
    let file = file_of(ctx, page);
    let lines = table_lines(&page.front_matter, "encounter");
    let mut out = Vec::new();
    for (i, e) in pa.encounters.iter().enumerate() {
        let line = lines.get(i).copied();
        if provider_set(e).is_empty() {
            out.push(say.warning(
                &file,
                line,
                format!("\"{}\" does not name its providers.", e.title),
                "Add providers = \"...\" with the colleges, training providers or universities taking part.",
            ));
        }
        let missing: Vec<&str> = EncounterTopic::ALL
            .iter()
            .filter(|t| !e.covers.contains(t))
            .map(|t| t.label())
            .collect();
        if !missing.is_empty() {
            out.push(say.warning(
                &file,
                line,
                format!(
                    "\"{}\" does not say that pupils hear {}.",
                    e.title,
                    missing.join(", ")
                ),
                format!(
                    "Ask the providers to cover these, then add covers = [{}].",
                    EncounterTopic::ALL
                        .iter()
                        .map(|t| format!("\"{}\"", t.id()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    out
}

fn required_page(
    ctx: &Context,
    kind: Kind,
    rule: &'static str,
    missing: &str,
    fix: &str,
    min_words: usize,
) -> Vec<Finding> {
    let say = Say::of(rule);
    match ctx.site.first_of(kind) {
        None => vec![say.warning(suggested_file(ctx, kind), None, missing, fix)],
        Some(p) if words(ctx, p) < min_words => vec![say.warning(
            file_of(ctx, p),
            Some(p.body_line),
            format!(
                "The {} page is nearly empty (under {min_words} words).",
                kind.label().to_lowercase()
            ),
            fix,
        )],
        Some(_) => Vec::new(),
    }
}

fn personal_guidance(ctx: &Context) -> Vec<Finding> {
    required_page(
        ctx,
        Kind::Guidance,
        "personal-guidance",
        "There is no information about personal guidance and how students get it.",
        "Create a page with kind = \"guidance\": how students get a meeting with a qualified careers adviser by 16 and again by 18, drop-in times, and how parents and carers can be involved.",
        60,
    )
}

/// Whether a qualification's wording shows level 6 or above.
fn level_6_or_above(qualification: &str) -> bool {
    let q = qualification.to_lowercase();
    mentions(
        &q,
        &[
            "level 6",
            "level 7",
            "level 8",
            "qcg",
            "qcd",
            "qualification in career",
        ],
    )
}

fn careers_adviser(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("careers-adviser");
    let fix = "Under [adviser] in signpost.toml give name = \"...\" and qualification = \"...\", with qualification_level = 6 (or higher).";
    let Some(adviser) = &ctx.site.settings.adviser else {
        return vec![say.warning(
            SETTINGS_FILE,
            None,
            "No careers adviser is named, so readers cannot see that guidance comes from a qualified adviser.",
            fix,
        )];
    };
    let mut out = Vec::new();
    if let Some(why) = not_a_person(&adviser.name) {
        out.push(say.warning(
            SETTINGS_FILE,
            None,
            format!("The careers adviser: {why}."),
            fix,
        ));
    }
    let level_ok = adviser.qualification_level.is_some_and(|l| l >= 6)
        || adviser
            .qualification
            .as_deref()
            .is_some_and(level_6_or_above);
    if !level_ok {
        out.push(say.warning(
            SETTINGS_FILE,
            None,
            format!(
                "The careers adviser's qualification{} is not shown to be level 6 or above.",
                adviser
                    .qualification
                    .as_deref()
                    .map(|q| format!(" \"{q}\""))
                    .unwrap_or_default()
            ),
            fix,
        ));
    }
    out
}

fn accessibility_statement(ctx: &Context) -> Vec<Finding> {
    required_page(
        ctx,
        Kind::Accessibility,
        "accessibility-statement",
        "There is no accessibility statement. Schools are largely exempt from the 2018 regulations, but a statement tells readers what works and how to ask for another format.",
        "Create a page with kind = \"accessibility\": the standard the pages meet (WCAG 2.2 AA), known problems, and how to report one.",
        30,
    )
}

fn programme_years(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("programme-years");
    let have: HashSet<YearGroup> = ctx.site.programmes().iter().map(|(_, p)| p.year).collect();
    let mut out = Vec::new();
    if have.is_empty() {
        return out; // programme-summary already reports that there is no programme at all.
    }
    for y in ctx
        .site
        .years_taught()
        .into_iter()
        .filter(|y| !have.contains(y))
    {
        out.push(say.warning(
            programme_file(ctx, &format!("year-{}.md", y.get())),
            None,
            format!("{y} has no programme page."),
            format!("Create it with kind = \"programme\" and year = {}, or remove {} from years in {SETTINGS_FILE}.", y.get(), y.get()),
        ));
    }
    for (page, pr) in ctx.site.programmes() {
        if pr.activities.is_empty() {
            out.push(say.warning(
                file_of(ctx, page),
                None,
                format!("The {} page lists no activities.", pr.year),
                "Add [[activity]] entries.",
            ));
        }
    }
    out
}

/// How far a benchmark must reach, by the 2025 Gatsby Benchmarks.
#[derive(Clone, Copy)]
enum Reach {
    /// Somewhere in the programme (Benchmarks 1 and 3 are about the whole programme).
    Anywhere,
    /// In each key stage the school teaches (Benchmark 2).
    EachKeyStage,
    /// In every year the school teaches, from age 11 (Benchmarks 4 and 5).
    EveryYear,
    /// By 16 (Years 7-11) and again by 18 (Years 12-13) (Benchmarks 6, 7 and 8).
    By16And18,
}

impl Reach {
    fn of(b: Benchmark) -> Reach {
        match b.number() {
            2 => Reach::EachKeyStage,
            4 | 5 => Reach::EveryYear,
            6..=8 => Reach::By16And18,
            _ => Reach::Anywhere,
        }
    }
}

/// Whether an activity is for the whole year group, not a subgroup: no `who`, or a `who`
/// starting "All", "Every" or "Whole".
fn whole_year(a: &Activity) -> bool {
    a.who.as_deref().is_none_or(|w| {
        let w = w.trim_start().to_lowercase();
        ["all ", "every", "whole"].iter().any(|p| w.starts_with(p))
    })
}

fn benchmark_coverage(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("benchmark-coverage");
    let programmes = ctx.site.programmes();
    if programmes.is_empty() {
        return Vec::new();
    }
    let taught = ctx.site.years_taught();
    let folder = programme_file(ctx, "");
    let mut out = Vec::new();
    for b in Benchmark::all() {
        let serves = |whole: bool| -> HashSet<YearGroup> {
            programmes
                .iter()
                .filter(|(_, pr)| {
                    pr.activities
                        .iter()
                        .any(|a| a.benchmarks.contains(&b) && (!whole || whole_year(a)))
                })
                .map(|(_, pr)| pr.year)
                .collect()
        };
        let whole = serves(true);
        let any = serves(false);
        let name = format!("Benchmark {} ({})", b.number(), b.name());
        let tag = format!(
            "Tag a whole-year activity in those years with benchmarks = [{}], or plan one.",
            b.number()
        );
        // Groups of years, each of which needs one whole-year activity.
        let groups: Vec<(String, Vec<YearGroup>)> = match Reach::of(b) {
            Reach::Anywhere => {
                if any.is_empty() {
                    out.push(say.warning(
                        &folder,
                        None,
                        format!("No activity serves {name}."),
                        format!(
                            "Add benchmarks = [{}] to the activities that serve it.",
                            b.number()
                        ),
                    ));
                }
                continue;
            }
            Reach::EachKeyStage => {
                let mut stages: BTreeMap<KeyStage, Vec<YearGroup>> = BTreeMap::new();
                for y in &taught {
                    stages.entry(y.key_stage()).or_default().push(*y);
                }
                stages
                    .into_iter()
                    .map(|(s, ys)| (s.label().to_string(), ys))
                    .collect()
            }
            Reach::EveryYear => taught.iter().map(|y| (y.to_string(), vec![*y])).collect(),
            Reach::By16And18 => [
                ("by 16 (Years 7 to 11)", 7..=11),
                ("by 18 (Years 12 and 13)", 12..=13),
            ]
            .into_iter()
            .map(|(label, range)| {
                let ys: Vec<YearGroup> = taught
                    .iter()
                    .copied()
                    .filter(|y| range.contains(&y.get()))
                    .collect();
                (label.to_string(), ys)
            })
            .filter(|(_, ys)| !ys.is_empty())
            .collect(),
        };
        for (label, years) in groups {
            if years.iter().any(|y| whole.contains(y)) {
                continue;
            }
            let subgroup = years.iter().any(|y| any.contains(y));
            let note = if subgroup {
                " (only activities for a group of pupils, not the whole year, are tagged with it)"
            } else {
                ""
            };
            out.push(say.warning(
                &folder,
                None,
                format!("{name} has no whole-year activity in {label}{note}."),
                tag.clone(),
            ));
        }
    }
    out
}

/// The routes a year's programme should mention at a point of choice, with the words that
/// name each.
fn routes_for(year: u8) -> &'static [(&'static str, &'static [&'static str])] {
    const AT_16: &[(&str, &[&str])] = &[
        ("apprenticeships", &["apprentice"]),
        ("T Levels", &["t level", "t-level"]),
        (
            "technical or college courses",
            &["technical", "vocational", "btec", "college"],
        ),
        (
            "sixth form or A levels",
            &["sixth form", "a level", "a-level"],
        ),
    ];
    const AT_18: &[(&str, &[&str])] = &[
        ("apprenticeships", &["apprentice"]),
        (
            "technical routes",
            &["technical", "htq", "vocational", "foundation degree"],
        ),
        ("university", &["universit", "degree"]),
    ];
    match year {
        9 | 11 => AT_16,
        13 => AT_18,
        _ => &[],
    }
}

fn impartiality(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("impartiality");
    let mut out = Vec::new();
    for (page, pr) in ctx.site.programmes() {
        let routes = routes_for(pr.year.get());
        if routes.is_empty() {
            continue;
        }
        let mut text =
            plain_text(page) + " " + &pr.focus.clone().unwrap_or_default().to_lowercase();
        for a in &pr.activities {
            text.push(' ');
            text.push_str(&a.title.to_lowercase());
            text.push(' ');
            text.push_str(&a.description.clone().unwrap_or_default().to_lowercase());
        }
        let missing: Vec<String> = routes
            .iter()
            .filter(|(_, w)| !mentions(&text, w))
            .map(|(name, w)| {
                format!(
                    "{name} ({})",
                    w.iter()
                        .map(|x| format!("\"{x}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        if !missing.is_empty() {
            out.push(say.warning(
                file_of(ctx, page),
                Some(page.body_line),
                format!(
                    "The {} programme, a point of choice, does not mention {}.",
                    pr.year,
                    missing.join("; ")
                ),
                "Show every route fairly: add the missing ones to an activity or to the page.",
            ));
        }
    }
    out
}

fn destinations(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("destinations");
    let mut out = Vec::new();
    for page in &ctx.site.pages {
        let PageData::Impact { destinations } = &page.data else {
            continue;
        };
        let lines = table_lines(&page.front_matter, "destination");
        for (i, d) in destinations.iter().enumerate() {
            let total: f64 = [d.education, d.apprenticeship, d.employment, d.not_settled]
                .iter()
                .flatten()
                .sum();
            if total > 100.0 + 1e-9 {
                out.push(say.warning(
                    file_of(ctx, page),
                    lines.get(i).copied(),
                    format!(
                        "The destinations for \"{}\" add up to {total}%, more than 100%.",
                        d.cohort
                    ),
                    "Check the figures: each leaver should be counted once.",
                ));
            }
        }
    }
    out
}

fn plan(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("plan");
    let Some((page, plan)) = ctx.site.plan() else {
        return vec![say.warning(
            suggested_file(ctx, Kind::StrategicPlan),
            None,
            "There is no strategic careers plan.",
            "Create a page with kind = \"strategic-plan\" with your objectives and actions.",
        )];
    };
    let file = file_of(ctx, page);
    let mut out = Vec::new();
    for (field, who) in [
        ("approved_slt", "senior leaders"),
        ("approved_governors", "governors"),
    ] {
        let missing = if field == "approved_slt" {
            plan.approved_slt.is_none()
        } else {
            plan.approved_governors.is_none()
        };
        if missing {
            out.push(say.warning(
                &file,
                None,
                format!("The plan does not say when {who} approved it."),
                format!("Add {field} = YEAR-MONTH-DAY to the front matter."),
            ));
        }
    }
    if let Some(d) = plan.review_date.filter(|d| *d < ctx.today) {
        out.push(say.warning(
            &file,
            None,
            format!("The plan's review date, {d}, has passed."),
            "Review the plan and set a new review_date.",
        ));
    }
    let action_lines = table_lines(&page.front_matter, "objective.action");
    let mut n = 0;
    for o in &plan.objectives {
        for a in &o.actions {
            let line = action_lines.get(n).copied();
            n += 1;
            if a.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
                out.push(say.warning(
                    &file,
                    line,
                    format!("No one is responsible for \"{}\".", a.action),
                    "Add owner = \"...\" (a role is fine, e.g. \"Head of Sixth Form\").",
                ));
            }
            match a.due {
                None => out.push(say.warning(
                    &file,
                    line,
                    format!("\"{}\" has no date.", a.action),
                    "Add due = YEAR-MONTH-DAY.",
                )),
                Some(d) if a.is_overdue(ctx.today) => out.push(say.warning(
                    &file,
                    line,
                    format!(
                        "\"{}\" was due on {d} and is marked {}.",
                        a.action,
                        a.status.label().to_lowercase()
                    ),
                    "Update its status and progress, or agree a new date.",
                )),
                Some(_) => {}
            }
        }
    }
    out
}

/// Every `id` in a built page, to check `#fragment` links.
fn ids_in(html: &[u8]) -> HashSet<String> {
    let text = String::from_utf8_lossy(html);
    text.split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

fn links(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("links");
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    let mut out = Vec::new();
    for page in &ctx.site.pages {
        let Some(body) = ctx.bodies.get(&page.source) else {
            continue;
        };
        for link in &body.links {
            match &link.target {
                LinkTarget::Internal { path, fragment } => match ctx.files.get(path) {
                    None => out.push(say.warning(
                        file_of(ctx, page),
                        Some(link.line),
                        format!("The link to \"{}\" goes to a page that does not exist.", link.written),
                        "Link to the Markdown file of an existing page, e.g. (guidance.md), relative to this file.",
                    )),
                    Some(html) => {
                        if let Some(f) = fragment {
                            let known = ids.entry(path.as_str()).or_insert_with(|| ids_in(html));
                            if !known.contains(f) {
                                out.push(say.warning(
                                    file_of(ctx, page),
                                    Some(link.line),
                                    format!("The link \"{}\" points to a section \"#{f}\" that is not on that page.", link.written),
                                    "Check the heading it should point to; section ids are the heading in lower case with dashes.",
                                ));
                            }
                        }
                    }
                },
                LinkTarget::File(path) if !ctx.files.contains_key(path) => out.push(say.warning(
                    file_of(ctx, page),
                    Some(link.line),
                    format!("The link to \"{}\" goes to a file that is not in the site.", link.written),
                    "Put the file in static/ and link to it from there, or fix the path.",
                )),
                _ => {}
            }
        }
    }
    out
}

fn images(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("images");
    let mut out = Vec::new();
    for page in &ctx.site.pages {
        for img in ctx
            .bodies
            .get(&page.source)
            .map(|b| b.images.as_slice())
            .unwrap_or_default()
        {
            if img.alt.is_empty() {
                out.push(say.warning(
                    file_of(ctx, page),
                    Some(img.line),
                    format!("The image \"{}\" has no text alternative.", img.src),
                    "Describe it in the brackets: ![Students at the careers fair](photo.jpg).",
                ));
            }
        }
    }
    out
}

fn headings(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("headings");
    let mut out = Vec::new();
    for page in &ctx.site.pages {
        let mut previous = 1;
        for h in ctx
            .bodies
            .get(&page.source)
            .map(|b| b.headings.as_slice())
            .unwrap_or_default()
        {
            if h.level == 1 {
                out.push(say.warning(
                    file_of(ctx, page),
                    Some(h.line),
                    format!("\"{}\" is a main heading (#), but the page title is already the main heading.", h.text),
                    "Use ## for sections of the page.",
                ));
            } else if h.level > previous + 1 {
                out.push(say.warning(
                    file_of(ctx, page),
                    Some(h.line),
                    format!(
                        "The heading \"{}\" skips from level {previous} to level {}.",
                        h.text, h.level
                    ),
                    format!(
                        "Use {} so screen reader users can follow the page's outline.",
                        "#".repeat(usize::from(previous) + 1)
                    ),
                ));
            }
            previous = h.level;
        }
    }
    out
}

fn titles(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("titles");
    ctx.site
        .pages
        .iter()
        .filter(|p| !p.has_title)
        .map(|p| {
            say.warning(
                file_of(ctx, p),
                Some(1),
                format!("The page has no title, so it is shown as \"{}\".", p.title),
                "Add front matter at the top: +++ then title = \"...\" then +++.",
            )
        })
        .collect()
}

fn empty_pages(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("empty-pages");
    ctx.site
        .pages
        .iter()
        .filter(|p| {
            words(ctx, p) == 0 && matches!(p.data, PageData::None {} | PageData::Vision { .. })
        })
        .map(|p| {
            say.warning(
                file_of(ctx, p),
                Some(p.body_line),
                "The page has no text.",
                "Write the page, or set draft = true until it is ready.",
            )
        })
        .collect()
}

fn colours(ctx: &Context) -> Vec<Finding> {
    let say = Say::of("colours");
    let c = &ctx.site.settings.colours;
    [("primary", &c.primary), ("accent", &c.accent)]
        .into_iter()
        .filter(|(_, colour)| colour.contrast_with_white() < 4.5)
        .map(|(name, colour)| {
            say.warning(
                SETTINGS_FILE,
                None,
                format!(
                    "The {name} colour {} is too light for white text (contrast {:.1}:1).",
                    colour.0,
                    colour.contrast_with_white()
                ),
                format!("Choose a darker {name} colour under [colours]."),
            )
        })
        .collect()
}

const TRANSLATIONS: &str = "Benchmark 1 and WCAG 2.2 (3.1.1): families reading a translation need a way back to the full English page, which is the one the menus and home page link to.";

/// A page in another language must name the English page it translates, so the two link to
/// each other; without it the translation is reachable from nowhere.
fn translations(ctx: &Context) -> Vec<Finding> {
    let say = Say {
        rule: "translations",
        why: TRANSLATIONS,
    };
    let english = |p: &Page| p.lang.as_ref().is_none_or(|l| l.is_english());
    let line_of = |p: &Page, field: &str| super::load::field_line(&p.front_matter, field);
    let mut out = Vec::new();
    for page in ctx
        .site
        .pages
        .iter()
        .filter(|p| !english(p) || p.translation_of.is_some())
    {
        let file = file_of(ctx, page);
        let Some(of) = page.translation_of.as_deref() else {
            let guess = ctx
                .site
                .pages_of(page.kind)
                .find(|p| english(p) && p.translation_of.is_none() && p.kind != Kind::Page)
                .map_or("parents.md".to_string(), |p| p.source.clone());
            out.push(say.warning(
                &file,
                line_of(page, "lang"),
                "This page is a translation but does not say which English page it translates, so neither links to the other.",
                format!("Add translation_of = \"{guess}\" (the English page's file, inside content/)."),
            ));
            continue;
        };
        let original = ctx.site.pages.iter().find(|p| p.source == of);
        let problem = match original {
            None => Some(format!("translation_of names \"{of}\", but there is no such page.")),
            Some(o) if !english(o) || o.translation_of.is_some() => Some(format!(
                "translation_of names \"{of}\", which is itself a translation, not the English page."
            )),
            Some(_) if english(page) => Some(
                "This page names the page it translates but not its own language.".to_string(),
            ),
            Some(_) => None,
        };
        if let Some(message) = problem {
            let fix = if original.is_some() && english(page) {
                "Add lang = \"pl\" (or the code of the language it is written in).".to_string()
            } else {
                let hint = super::error::did_you_mean(
                    of,
                    ctx.site
                        .pages
                        .iter()
                        .filter(|p| english(p))
                        .map(|p| p.source.as_str()),
                )
                .map(|b| format!(" Did you mean \"{b}\"?"))
                .unwrap_or_default();
                format!("Set translation_of to the file of the English page, e.g. \"parents.md\".{hint}")
            };
            out.push(say.warning(&file, line_of(page, "translation_of"), message, fix));
        }
    }
    out
}
