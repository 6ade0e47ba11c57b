//! Checks a site against what the law and the Gatsby Benchmarks ask a school to publish.
//!
//! Each rule is a plain function of the loaded site and its rendered pages that returns
//! findings; `signpost check` prints them and `signpost build` counts them. A finding says where
//! the fix goes, what is wrong, why it matters (the rule's source) and how to fix it.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::load::{shown_path, SETTINGS_FILE};
use super::markdown::{LinkTarget, Rendered};
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

const STATUTORY: &str = "The School Information (England) Regulations 2008 (Schedule 4, paragraph 15) and the DfE statutory guidance on careers ask every school to publish this.";
const PROVIDER_ACCESS: &str = "Section 42B of the Education Act 1997 (the provider access legislation) requires a published policy statement with these parts.";
const ENCOUNTERS: &str = "The provider access legislation requires two provider encounters for Years 8-9, two for Years 10-11 and two for Years 12-13, each by 28 February, in the school day.";
const BENCHMARK_1: &str = "Gatsby Benchmark 1: the programme is published so pupils, parents and carers, staff and employers can access and understand it.";
const BENCHMARK_8: &str = "Gatsby Benchmark 8: information about personal guidance and how to get it should be on the school website.";
const ACCESSIBILITY: &str = "The Public Sector Bodies Accessibility Regulations 2018 ask school websites to publish an accessibility statement.";
const COVERAGE: &str = "The Gatsby Benchmarks expect every benchmark to be met for every pupil, across their time at school.";
const PLAN: &str = "Gatsby Benchmark 1 expects a careers plan backed by governors and senior leaders, with actions owned and dated.";
const QUALITY: &str =
    "WCAG 2.2 AA and Benchmark 1: readers must be able to reach, use and understand every page.";

/// What every rule can look at.
pub struct Context<'a> {
    pub site: &'a Site,
    pub bodies: &'a HashMap<String, Rendered>,
    pub files: &'a Files,
    pub today: Date,
}

type Rule = fn(&Context) -> Vec<Finding>;

/// Every rule, in the order findings are reported.
pub const RULES: &[(&str, Rule)] = &[
    ("careers-leader", careers_leader),
    ("programme-summary", programme_summary),
    ("impact", impact),
    ("next-review", next_review),
    ("provider-access", provider_access),
    ("provider-encounters", provider_encounters),
    ("personal-guidance", personal_guidance),
    ("accessibility-statement", accessibility_statement),
    ("programme-years", programme_years),
    ("benchmark-coverage", benchmark_coverage),
    ("plan", plan),
    ("links", links),
    ("images", images),
    ("headings", headings),
    ("titles", titles),
    ("empty-pages", empty_pages),
    ("colours", colours),
    ("translations", translations),
];

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
    RULES.iter().flat_map(|(_, rule)| rule(&ctx)).collect()
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

/// Builds findings with the rule's source filled in.
struct Say {
    rule: &'static str,
    why: &'static str,
}

impl Say {
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

fn file_of(ctx: &Context, page: &Page) -> String {
    shown_path(ctx.site, page)
}

fn words(ctx: &Context, page: &Page) -> usize {
    ctx.bodies.get(&page.source).map_or(0, |b| b.words)
}

fn plain_text(page: &Page) -> String {
    page.body.to_lowercase() + " " + &page.description.clone().unwrap_or_default().to_lowercase()
}

fn careers_leader(ctx: &Context) -> Vec<Finding> {
    let say = Say {
        rule: "careers-leader",
        why: STATUTORY,
    };
    let leader = &ctx.site.settings.careers_leader;
    let mut out = Vec::new();
    type Looks = fn(&str) -> bool;
    let checks: [(&str, &Option<String>, &str, Looks); 3] = [
        ("name", &leader.name, "name = \"Mrs Jo Smith\"", |v| {
            v.split_whitespace().count() >= 2
        }),
        (
            "email address",
            &leader.email,
            "email = \"careers@school.example.sch.uk\"",
            |v| {
                v.split_once('@')
                    .is_some_and(|(a, d)| !a.is_empty() && d.contains('.'))
            },
        ),
        (
            "telephone number",
            &leader.phone,
            "phone = \"01632 960 123\"",
            |v| v.chars().filter(char::is_ascii_digit).count() >= 10,
        ),
    ];
    for (what, value, example, valid) in checks {
        match value.as_deref().map(str::trim) {
            None | Some("") => out.push(say.error(
                SETTINGS_FILE,
                None,
                format!("The Careers Leader's {what} is not published."),
                format!("Add {example} under [careers_leader] in {SETTINGS_FILE}."),
            )),
            Some(v) if !valid(v) => out.push(say.error(
                SETTINGS_FILE,
                None,
                format!("The Careers Leader's {what} \"{v}\" does not look complete."),
                format!(
                    "Write it in full, e.g. {example}, under [careers_leader] in {SETTINGS_FILE}."
                ),
            )),
            Some(_) => {}
        }
    }
    out
}

fn programme_summary(ctx: &Context) -> Vec<Finding> {
    let say = Say {
        rule: "programme-summary",
        why: BENCHMARK_1,
    };
    let mut out = Vec::new();
    if ctx.site.programmes().is_empty() {
        out.push(say.error(
            suggested_file(ctx, Kind::Programme).replace("programme.md", "programme/year-7.md"),
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
            "Create content/index.md with kind = \"home\": a short summary of the programme and how students, parents and carers, teachers and employers can find out about it.",
        ));
        return out;
    };
    let file = file_of(ctx, home);
    if words(ctx, home) < 60 {
        out.push(say.error(
            &file,
            Some(home.body_line),
            "The home page is too short to summarise the careers programme.",
            "Write a few paragraphs on what students do in careers education each year and how the programme is run.",
        ));
    }
    let text = plain_text(home);
    let audiences = [
        ("students", &["student", "pupil"][..]),
        ("parents and carers", &["parent", "carer"][..]),
        ("teachers", &["teacher", "staff"][..]),
        ("employers", &["employer"][..]),
    ];
    for (who, words) in audiences {
        if !words.iter().any(|w| text.contains(w)) {
            out.push(say.error(
                &file,
                Some(home.body_line),
                format!("The home page does not say how {who} can find out about the careers programme."),
                format!("Add a sentence for {who}: where to read about the programme and who to ask."),
            ));
        }
    }
    out
}

fn impact(ctx: &Context) -> Vec<Finding> {
    let say = Say {
        rule: "impact",
        why: STATUTORY,
    };
    match ctx.site.first_of(Kind::Impact) {
        None => vec![say.error(
            suggested_file(ctx, Kind::Impact),
            None,
            "The site does not say how the school measures and assesses the programme's impact on pupils.",
            "Create a page with kind = \"impact\": how you evaluate the programme (surveys, Compass+, destinations) and what you found.",
        )],
        Some(p) if words(ctx, p) < 40 => vec![say.error(
            file_of(ctx, p),
            Some(p.body_line),
            "The impact page is too short to explain how the programme's impact is measured.",
            "Explain what you measure, how (surveys, Compass+, destinations) and how often.",
        )],
        Some(_) => Vec::new(),
    }
}

fn next_review(ctx: &Context) -> Vec<Finding> {
    let say = Say {
        rule: "next-review",
        why: STATUTORY,
    };
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
        Some(d) if (d.0 - ctx.today.0).whole_days() > 366 => vec![say.error(
            SETTINGS_FILE,
            None,
            format!("The next review date, {d}, is more than a year away; the information is for the current academic year."),
            fix(&suggestion),
        )],
        Some(_) => Vec::new(),
    }
}

fn provider_access(ctx: &Context) -> Vec<Finding> {
    let say = Say {
        rule: "provider-access",
        why: PROVIDER_ACCESS,
    };
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
    let headings: Vec<String> = ctx
        .bodies
        .get(&page.source)
        .map(|b| b.headings.iter().map(|h| h.text.to_lowercase()).collect())
        .unwrap_or_default();
    let text = page.body.to_lowercase();
    let sections: [(&str, &[&str], &str); 4] = [
        ("pupil entitlement", &["entitle"], "Pupil entitlement"),
        (
            "how providers request access",
            &["request"],
            "Requests for access",
        ),
        (
            "the grounds for granting and refusing access",
            &["refus", "grant"],
            "Granting and refusing access",
        ),
        (
            "the premises and facilities offered",
            &["premises", "facilit"],
            "Premises and facilities",
        ),
    ];
    for (what, keys, heading) in sections {
        if !headings.iter().any(|h| keys.iter().any(|k| h.contains(k))) {
            out.push(say.error(
                &file,
                Some(page.body_line),
                format!("The policy has no section on {what}."),
                format!("Add a section headed \"## {heading}\"."),
            ));
        }
    }
    let c = &pa.contact;
    let missing: Vec<&str> = [
        ("name", &c.name),
        ("telephone", &c.phone),
        ("email", &c.email),
    ]
    .into_iter()
    .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
    .map(|(w, _)| w)
    .collect();
    if !missing.is_empty() && !text.contains('@') {
        out.push(say.error(
            &file,
            None,
            format!(
                "The policy's named contact for providers is missing a {}.",
                missing.join(", a ")
            ),
            "Fill in [contact] in the front matter with name, role, email and phone.",
        ));
    }
    let review = Say {
        rule: "provider-access",
        why: "The provider access policy is approved by governors and reviewed every year.",
    };
    if pa.approved_governors.is_none() {
        out.push(review.warning(
            &file,
            None,
            "The policy does not say when governors approved it.",
            "Add approved_governors = YEAR-MONTH-DAY to the front matter.",
        ));
    }
    if let Some(d) = pa.review_date.filter(|d| *d < ctx.today) {
        out.push(review.warning(
            &file,
            None,
            format!("The policy's review date, {d}, has passed."),
            "Review the policy with governors and set a new review_date.",
        ));
    }
    out
}

fn provider_encounters(ctx: &Context) -> Vec<Finding> {
    let say = Say {
        rule: "provider-encounters",
        why: ENCOUNTERS,
    };
    let Some((page, pa)) = ctx.site.provider_access() else {
        return Vec::new();
    };
    let file = file_of(ctx, page);
    let year_start = ctx.today.academic_year_start();
    let mut out = Vec::new();
    let taught = ctx.site.years_taught();
    let phases = [
        ("Year 8 or 9", [8u8, 9]),
        ("Year 10 or 11", [10, 11]),
        ("Year 12 or 13", [12, 13]),
    ];
    let deadline = |start: i32| Date::from_ymd(start + 1, 2, 28).ok();
    let line = super::load::field_line(&page.front_matter, "encounter");
    for (name, years) in phases {
        if !years
            .iter()
            .any(|y| taught.iter().any(|t| t.number() == *y))
        {
            continue;
        }
        let in_phase: Vec<&Encounter> = pa
            .encounters
            .iter()
            .filter(|e| e.years.iter().any(|y| years.contains(&y.number())))
            .collect();
        let this_year: Vec<&&Encounter> = in_phase
            .iter()
            .filter(|e| e.date.academic_year_start() == year_start)
            .collect();
        let on_time = this_year
            .iter()
            .filter(|e| deadline(year_start).is_some_and(|d| e.date <= d))
            .count();
        if on_time < 2 {
            let late = this_year.len() - on_time;
            let mut message = format!(
                "Only {on_time} of the two required provider encounters for {name} are dated this school year by 28 February {}.",
                year_start + 1
            );
            if late > 0 {
                message.push_str(&format!(
                    " {late} more {} after 28 February.",
                    if late == 1 { "is" } else { "are" }
                ));
            }
            out.push(say.error(
                &file,
                line,
                message,
                format!("Add [[encounter]] entries with years including {} and dates between 1 September {year_start} and 28 February {}.", years.map(|y| y.to_string()).join(" or "), year_start + 1),
            ));
        }
    }
    for e in &pa.encounters {
        if !e.date.is_weekday() {
            out.push(
                Say {
                    rule: "provider-encounters",
                    why: ENCOUNTERS,
                }
                .warning(
                    &file,
                    line,
                    format!(
                        "\"{}\" is dated {}, a {}; encounters must happen in the school day.",
                        e.title,
                        e.date,
                        e.date.0.weekday()
                    ),
                    "Check the date.",
                ),
            );
        }
    }
    out
}

fn required_page(
    ctx: &Context,
    kind: Kind,
    rule: &'static str,
    why: &'static str,
    missing: &str,
    fix: &str,
    min_words: usize,
) -> Vec<Finding> {
    let say = Say { rule, why };
    match ctx.site.first_of(kind) {
        None => vec![say.error(suggested_file(ctx, kind), None, missing, fix)],
        Some(p) if words(ctx, p) < min_words => vec![say.error(
            file_of(ctx, p),
            Some(p.body_line),
            format!("The {} page is nearly empty.", kind.label().to_lowercase()),
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
        BENCHMARK_8,
        "There is no information about personal guidance and how students get it.",
        "Create a page with kind = \"guidance\": how students get a meeting with a qualified careers adviser by 16 and again by 18, drop-in times, and how parents and carers can be involved.",
        60,
    )
}

fn accessibility_statement(ctx: &Context) -> Vec<Finding> {
    required_page(
        ctx,
        Kind::Accessibility,
        "accessibility-statement",
        ACCESSIBILITY,
        "There is no accessibility statement.",
        "Create a page with kind = \"accessibility\": the standard the pages meet (WCAG 2.2 AA), known problems, and how to report one.",
        30,
    )
}

fn programme_years(ctx: &Context) -> Vec<Finding> {
    let say = Say {
        rule: "programme-years",
        why: BENCHMARK_1,
    };
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
            suggested_file(ctx, Kind::Programme).replace("programme.md", &format!("programme/year-{}.md", y.number())),
            None,
            format!("{y} has no programme page."),
            format!("Create it with kind = \"programme\" and year = {}, or remove {} from years in {SETTINGS_FILE}.", y.number(), y.number()),
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

fn benchmark_coverage(ctx: &Context) -> Vec<Finding> {
    let say = Say {
        rule: "benchmark-coverage",
        why: COVERAGE,
    };
    let programmes = ctx.site.programmes();
    if programmes.is_empty() {
        return Vec::new();
    }
    let mut stages: BTreeMap<KeyStage, Vec<YearGroup>> = BTreeMap::new();
    for y in ctx.site.years_taught() {
        stages.entry(y.key_stage()).or_default().push(y);
    }
    let mut out = Vec::new();
    for b in Benchmark::all() {
        let served: HashSet<KeyStage> = programmes
            .iter()
            .filter(|(_, pr)| pr.activities.iter().any(|a| a.benchmarks.contains(&b)))
            .map(|(_, pr)| pr.year.key_stage())
            .collect();
        if served.is_empty() {
            out.push(say.warning(
                suggested_file(ctx, Kind::Programme).replace("programme.md", "programme/"),
                None,
                format!(
                    "No activity serves Benchmark {} ({}).",
                    b.number(),
                    b.name()
                ),
                format!(
                    "Add benchmarks = [{}] to the activities that serve it, or plan one.",
                    b.number()
                ),
            ));
            continue;
        }
        for (stage, _) in stages.iter().filter(|(s, _)| !served.contains(s)) {
            out.push(say.warning(
                suggested_file(ctx, Kind::Programme).replace("programme.md", "programme/"),
                None,
                format!(
                    "Benchmark {} ({}) has no activity in {}.",
                    b.number(),
                    b.name(),
                    stage.label()
                ),
                "Tag an activity in those years with this benchmark, or add one.",
            ));
        }
    }
    out
}

fn plan(ctx: &Context) -> Vec<Finding> {
    let say = Say {
        rule: "plan",
        why: PLAN,
    };
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
    let action_lines = action_lines(&page.front_matter);
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

/// Lines (1-based, in the file) where each `[[objective.action]]` starts.
fn action_lines(file_text: &str) -> Vec<usize> {
    file_text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim().replace(' ', "") == "[[objective.action]]")
        .map(|(i, _)| i + 1)
        .collect()
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
    let say = Say {
        rule: "links",
        why: QUALITY,
    };
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
    let say = Say {
        rule: "images",
        why: QUALITY,
    };
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
    let say = Say {
        rule: "headings",
        why: QUALITY,
    };
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
    let say = Say {
        rule: "titles",
        why: QUALITY,
    };
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
    let say = Say {
        rule: "empty-pages",
        why: QUALITY,
    };
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
    let say = Say {
        rule: "colours",
        why: "WCAG 2.2 AA asks for a contrast of at least 4.5:1 between text and its background.",
    };
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
