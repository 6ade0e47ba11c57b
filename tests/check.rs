//! `signpost check`: each rule fails on a broken fixture and passes on a good one.
//!
//! Fixtures are the example school copied to a temp folder with one thing changed, so each
//! test shows exactly what the rule looks at.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const TODAY: &str = "2026-11-23";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The example school in a temp folder.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        repo().join("signpost.toml"),
        dir.path().join("signpost.toml"),
    )
    .unwrap();
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    copy_tree(&repo().join("static"), &dir.path().join("static"));
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} contains {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

struct Report {
    code: i32,
    json: Value,
}

impl Report {
    fn rule(&self, rule: &str) -> Vec<&Value> {
        self.json["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("the site could not be read: {}", self.json))
            .iter()
            .filter(|f| f["rule"] == rule)
            .collect()
    }

    fn messages(&self, rule: &str) -> String {
        self.rule(rule)
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn errors(&self, rule: &str) -> usize {
        self.rule(rule)
            .iter()
            .filter(|f| f["severity"] == "error")
            .count()
    }
}

fn check_at(site: &Path, today: &str) -> Report {
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args([
            "check",
            "--format",
            "json",
            "--site",
            site.to_str().unwrap(),
            "--on",
            today,
        ])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    Report {
        code: o.status.code().unwrap(),
        json,
    }
}

fn check(site: &Path) -> Report {
    check_at(site, TODAY)
}

#[test]
fn the_example_school_is_publishable() {
    let site = example();
    let r = check(site.path());
    assert_eq!(r.code, 0, "{:#}", r.json);
    assert_eq!(r.json["errors"], 0);
    for rule in [
        "links",
        "images",
        "headings",
        "titles",
        "empty-pages",
        "programme-years",
        "colours",
        "benchmark-coverage",
    ] {
        assert!(r.rule(rule).is_empty(), "{rule}: {}", r.messages(rule));
    }
}

#[test]
fn careers_leader_contact_must_be_complete() {
    let site = example();
    edit(&site.path().join("signpost.toml"), "phone = ", "# phone = ");
    let r = check(site.path());
    assert_eq!(r.code, 1);
    assert_eq!(r.errors("careers-leader"), 1);
    assert!(r
        .messages("careers-leader")
        .contains("telephone number is not published"));
}

#[test]
fn each_audience_needs_a_way_in_and_synonyms_count() {
    let site = example();
    let home = site.path().join("content/index.md");
    // Families, staff and pupils are named with a link each; employers only in passing.
    fs::write(&home, "+++\ntitle = \"Careers\"\n+++\nOur careers programme runs from Year 7 to Year 13, with lessons, visits and guidance for every student in every year, and much more besides for everyone who wants to take part in it.\n\n## Families\n\nRead the [parents' page](parents.md).\n\n## Staff\n\nEmail careers@sallowfield.example.sch.uk.\n\n## Young people\n\nSee [guidance](guidance.md).\n\nWe work with employers.\n").unwrap();
    fs::remove_file(site.path().join("content/employers.md")).unwrap();
    fs::remove_file(site.path().join("content/parents.md")).unwrap();
    let r = check(site.path());
    let msgs = r.messages("programme-access");
    assert_eq!(r.rule("programme-access").len(), 1, "{msgs}");
    assert!(
        msgs.contains("gives employers no way to find out more"),
        "{msgs}"
    );
    assert!(
        msgs.contains("\"employer\", \"business\""),
        "says what it looks for: {msgs}"
    );
    assert_eq!(
        r.errors("programme-access"),
        0,
        "a guess from wording is a warning"
    );
    // A contact route for employers satisfies it.
    edit(
        &home,
        "We work with employers.",
        "Employers can ring 01632 960 415.",
    );
    assert!(check(site.path()).rule("programme-access").is_empty());
}

#[test]
fn impact_statement_is_required() {
    let site = example();
    fs::remove_file(site.path().join("content/impact.md")).unwrap();
    let r = check(site.path());
    assert_eq!((r.code, r.errors("impact")), (1, 1));
    assert!(r.messages("impact").contains("measures and assesses"));
}

#[test]
fn next_review_must_be_set_and_not_passed_and_a_far_date_is_a_warning() {
    let site = example();
    let r = check_at(site.path(), "2027-07-20");
    assert_eq!(r.errors("next-review"), 1, "{:#}", r.json);
    assert!(r.messages("next-review").contains("has passed"));
    let r = check_at(site.path(), "2026-06-10");
    assert!(r.messages("next-review").contains("more than a year away"));
    assert_eq!(
        r.errors("next-review"),
        0,
        "more than a year away is a warning"
    );
    assert_eq!(r.rule("next-review").len(), 1);
    assert!(check(site.path()).rule("next-review").is_empty());
}

#[test]
fn academic_year_must_be_the_current_one() {
    let site = example();
    assert!(check(site.path()).rule("academic-year").is_empty());
    // A year later the same settings describe last year.
    let r = check_at(site.path(), "2027-10-01");
    assert_eq!(r.errors("academic-year"), 1);
    assert!(
        r.messages("academic-year")
            .contains("is for 2026-27, but 1 October 2027 falls in 2027-28"),
        "{}",
        r.messages("academic-year")
    );
    let settings = site.path().join("signpost.toml");
    edit(
        &settings,
        "academic_year = \"2026-27\"",
        "academic_year = \"2026/2027\"",
    );
    assert!(
        check(site.path()).rule("academic-year").is_empty(),
        "other spellings are read"
    );
    edit(
        &settings,
        "academic_year = \"2026/2027\"",
        "academic_year = \"this year\"",
    );
    assert!(check(site.path())
        .messages("academic-year")
        .contains("is not a school year"));
    edit(&settings, "academic_year = \"this year\"", "");
    let r = check(site.path());
    assert_eq!(
        (r.errors("academic-year"), r.rule("academic-year").len()),
        (0, 1)
    );
}

#[test]
fn provider_access_policy_needs_every_part() {
    let site = example();
    let page = site.path().join("content/provider-access.md");
    edit(&page, "## Premises and facilities", "## Practicalities");
    let r = check(site.path());
    assert_eq!(r.code, 1);
    assert!(
        r.messages("provider-access")
            .starts_with("The policy has no section on the premises and facilities offered (looked for a heading containing \"premises\""),
        "{}",
        r.messages("provider-access")
    );
    fs::remove_file(&page).unwrap();
    assert!(check(site.path())
        .messages("provider-access")
        .contains("no provider access policy"));
}

#[test]
fn provider_access_needs_the_times_access_is_given() {
    let site = example();
    let page = site.path().join("content/provider-access.md");
    // The dated encounters say when access is given; without them a heading must.
    let text = fs::read_to_string(&page).unwrap();
    let start = text.find("[[encounter]]").unwrap();
    let end = text[1..].find("\n+++").unwrap() + 1;
    fs::write(&page, format!("{}{}", &text[..start], &text[end..])).unwrap();
    edit(&page, "### Opportunities for access", "### Other ways in");
    edit(
        &page,
        "### Mandatory provider encounters",
        "### What every student gets",
    );
    let r = check(site.path());
    assert!(
        r.messages("provider-access")
            .contains("the times at which access is given"),
        "{}",
        r.messages("provider-access")
    );
    edit(&page, "### Other ways in", "### Dates for access");
    assert!(!check(site.path())
        .messages("provider-access")
        .contains("the times at which access is given"));
}

#[test]
fn provider_contact_is_checked_even_when_the_page_has_an_email_address() {
    let site = example();
    let page = site.path().join("content/provider-access.md");
    // The body has several email addresses; the [contact] must still be complete.
    edit(&page, "phone = \"01632 960 415\"\n", "");
    let r = check(site.path());
    assert!(
        r.messages("provider-access")
            .contains("missing a telephone number"),
        "{}",
        r.messages("provider-access")
    );
    assert_eq!(
        r.rule("provider-access")[0]["line"],
        11,
        "points at [contact]"
    );
    edit(
        &page,
        "name = \"Mr Liam Fraser\"",
        "name = \"Careers Team\"",
    );
    assert!(check(site.path())
        .messages("provider-access")
        .contains("reads as a role or a team"));
}

/// The example's provider access page with its encounters replaced.
fn with_encounters(site: &Path, encounters: &str) {
    let page = site.join("content/provider-access.md");
    let text = fs::read_to_string(&page).unwrap();
    let start = text.find("[[encounter]]").unwrap();
    let end = text[1..].find("\n+++").unwrap() + 1;
    fs::write(
        &page,
        format!("{}{encounters}{}", &text[..start], &text[end..]),
    )
    .unwrap();
}

/// One `[[encounter]]` with everything the law asks pupils to hear.
fn encounter(title: &str, years: &str, date: &str, providers: &str) -> String {
    format!("[[encounter]]\ntitle = \"{title}\"\nyears = {years}\ndate = {date}\nproviders = \"{providers}\"\ncovers = [\"provider\", \"courses\", \"careers\", \"learning\", \"questions\"]\n\n")
}

fn encounter_errors(r: &Report) -> String {
    r.rule("provider-encounters")
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn first_year_of_a_phase_may_be_any_month_second_year_closes_on_28_february() {
    let site = example();
    assert_eq!(check(site.path()).errors("provider-encounters"), 0);
    // Years 8, 10 and 12 in March to July count; nothing else is listed.
    let spring = [
        encounter(
            "Y8 college taster",
            "[8]",
            "2027-03-10",
            "Deane Valley College",
        ),
        encounter(
            "Y8 apprenticeship talk",
            "[8]",
            "2027-06-16",
            "Brightpath Training",
        ),
        encounter(
            "Y10 college taster",
            "[10]",
            "2027-03-11",
            "Deane Valley College",
        ),
        encounter(
            "Y10 apprenticeship talk",
            "[10]",
            "2027-06-17",
            "Brightpath Training",
        ),
        encounter(
            "Y12 degree apprenticeships",
            "[12]",
            "2027-03-12",
            "Brightpath Training",
        ),
        encounter(
            "Y12 university day",
            "[12]",
            "2027-06-18",
            "University of Marchmoor",
        ),
    ]
    .concat();
    with_encounters(site.path(), &spring);
    let r = check(site.path());
    assert_eq!(
        r.errors("provider-encounters"),
        0,
        "{}",
        encounter_errors(&r)
    );
    // Year 9, 11 and 13 encounters after 28 February are too late for that year.
    let late = [
        encounter("Y9 fair", "[9]", "2027-03-10", "Deane Valley College"),
        encounter("Y9 talk", "[9]", "2027-06-16", "Brightpath Training"),
        encounter("Y11 fair", "[10, 11]", "2027-03-11", "Deane Valley College"),
        encounter(
            "Y13 day",
            "[12, 13]",
            "2027-03-12",
            "University of Marchmoor",
        ),
    ]
    .concat();
    with_encounters(site.path(), &late);
    let errors = encounter_errors(&check(site.path()));
    assert!(errors.contains("In the first key phase (Years 8 and 9), a pupil meets providers on 0 counted occasions across the two years; the law asks for at least two. 2 more for Year 9 are after 28 February 2027"), "{errors}");
    // Years 10-11 and 12-13 each have one counted occasion (the Year 10 / 12 half).
    assert!(
        errors.contains(
            "second key phase (Years 10 and 11), a pupil meets providers on 1 counted occasion"
        ),
        "{errors}"
    );
    assert!(errors.contains("The third key phase (Years 12 and 13) offers providers access on 1 counted occasion; the law asks the school to offer at least two (attending is optional for pupils)."), "{errors}");
}

#[test]
fn encounters_in_phases_1_and_2_must_not_all_bring_the_same_providers() {
    let site = example();
    let same = [
        encounter("Assembly", "[8]", "2026-11-12", "Deane Valley College"),
        encounter("Fair", "[9]", "2027-01-28", "Deane Valley College"),
        encounter(
            "Fair",
            "[10, 11]",
            "2026-10-08",
            "Deane Valley College, Brightpath Training",
        ),
        encounter(
            "Workshops",
            "[10, 11]",
            "2027-02-09",
            "Brightpath Training and Deane Valley College",
        ),
        encounter(
            "Masterclass",
            "[12, 13]",
            "2026-11-18",
            "Brightpath Training",
        ),
        encounter("Day", "[12, 13]", "2027-02-04", "Brightpath Training"),
    ]
    .concat();
    with_encounters(site.path(), &same);
    let errors = encounter_errors(&check(site.path()));
    assert!(errors.contains("In the first key phase (Years 8 and 9), every counted encounter brings the same providers (deane valley college)"), "{errors}");
    assert!(errors.contains("second key phase (Years 10 and 11), every counted encounter brings the same providers (brightpath training, deane valley college)"), "the order and joining words do not matter: {errors}");
    assert!(
        !errors.contains("third key phase"),
        "phase 3 is optional to attend: {errors}"
    );
}

#[test]
fn out_of_hours_weekend_and_holiday_encounters_do_not_count() {
    let site = example();
    let settings = site.path().join("signpost.toml");
    let page = site.path().join("content/provider-access.md");
    // The Years 8-9 assembly moves to an evening: one Year 8 and one Year 9 occasion lost.
    edit(
        &page,
        "date = 2026-11-12\n",
        "date = 2026-11-12\nout_of_hours = true\n",
    );
    let r = check(site.path());
    assert!(r
        .messages("provider-encounters")
        .contains("is marked out_of_hours"));
    assert!(
        encounter_errors(&r).contains(
            "first key phase (Years 8 and 9), a pupil meets providers on 1 counted occasion"
        ),
        "{}",
        encounter_errors(&r)
    );
    edit(&page, "out_of_hours = true\n", "");
    // A Saturday is not a school day.
    edit(&page, "date = 2026-11-12", "date = 2026-11-14");
    let r = check(site.path());
    assert!(
        r.messages("provider-encounters")
            .contains("(Saturday), a weekend"),
        "{}",
        r.messages("provider-encounters")
    );
    // A weekday in half term is not a school day either, once term dates are given.
    edit(&page, "date = 2026-11-14", "date = 2026-10-28");
    let r = check(site.path());
    assert!(
        r.messages("provider-encounters")
            .contains("outside the term dates"),
        "{}",
        r.messages("provider-encounters")
    );
    assert!(encounter_errors(&r).contains("first key phase"));
    // Without term dates every weekday counts.
    let text = fs::read_to_string(&settings).unwrap();
    let kept: Vec<&str> = text.split("\n[[term]]").collect();
    let rest = kept.last().unwrap();
    let after = &rest[rest.find("\n[colours]").unwrap()..];
    fs::write(&settings, format!("{}{after}", kept[0])).unwrap();
    assert_eq!(check(site.path()).errors("provider-encounters"), 0);
}

#[test]
fn schools_without_a_sixth_form_need_no_third_phase() {
    // 11-16: Years 7 to 11.
    let site = example();
    let settings = site.path().join("signpost.toml");
    edit(
        &settings,
        "years = [7, 8, 9, 10, 11, 12, 13]",
        "years = [7, 8, 9, 10, 11]",
    );
    for y in [12, 13] {
        fs::remove_file(site.path().join(format!("content/programme/year-{y}.md"))).unwrap();
    }
    let assembly = encounter(
        "Assembly",
        "[8, 9]",
        "2026-11-12",
        "Deane Valley College, Brightpath Training",
    );
    let options_fair = encounter(
        "Options fair",
        "[9]",
        "2027-01-28",
        "University of Marchmoor",
    );
    let phase_2 = [
        encounter(
            "Post-16 fair",
            "[10, 11]",
            "2026-10-08",
            "Deane Valley College",
        ),
        encounter(
            "Workshops",
            "[10, 11]",
            "2027-02-09",
            "Kestrel Engineering Training",
        ),
    ]
    .concat();
    with_encounters(
        site.path(),
        &[assembly, options_fair.clone(), phase_2.clone()].concat(),
    );
    let r = check(site.path());
    assert_eq!(
        r.errors("provider-encounters"),
        0,
        "{}",
        encounter_errors(&r)
    );
    assert!(
        !r.messages("benchmark-coverage").contains("Years 12 and 13"),
        "{}",
        r.messages("benchmark-coverage")
    );
    assert!(!r.messages("impartiality").contains("Year 13"));
    // A special school teaching Years 9 to 11: only the Year 9 half of the first phase, by
    // 28 February, and a single Year 9 encounter is not enough.
    edit(
        &settings,
        "years = [7, 8, 9, 10, 11]",
        "years = [9, 10, 11]",
    );
    for y in [7, 8] {
        fs::remove_file(site.path().join(format!("content/programme/year-{y}.md"))).unwrap();
    }
    with_encounters(site.path(), &[options_fair, phase_2].concat());
    let errors = encounter_errors(&check(site.path()));
    assert!(
        errors.contains(
            "first key phase (Years 8 and 9), a pupil meets providers on 1 counted occasion"
        ),
        "{errors}"
    );
    assert!(
        !errors.contains("second") && !errors.contains("third"),
        "{errors}"
    );
}

#[test]
fn encounters_say_what_pupils_hear() {
    let site = example();
    let page = site.path().join("content/provider-access.md");
    edit(
        &page,
        "covers = [\"provider\", \"courses\", \"careers\", \"learning\", \"questions\"]",
        "covers = [\"provider\", \"courses\"]",
    );
    let r = check(site.path());
    let f = r.rule("encounter-content");
    assert_eq!(f.len(), 1, "{}", r.messages("encounter-content"));
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[0]["line"], 17, "points at the first [[encounter]]");
    assert!(f[0]["message"].as_str().unwrap().ends_with("does not say that pupils hear the careers they can lead to, what learning or training there is like, answers to pupils' questions."));
}

#[test]
fn personal_guidance_and_accessibility_pages_are_warnings() {
    let site = example();
    fs::remove_file(site.path().join("content/guidance.md")).unwrap();
    fs::remove_file(site.path().join("content/accessibility.md")).unwrap();
    let r = check(site.path());
    assert_eq!(r.errors("personal-guidance"), 0);
    assert_eq!(r.rule("personal-guidance").len(), 1);
    let a = r.rule("accessibility-statement");
    assert_eq!((a.len(), r.errors("accessibility-statement")), (1, 0));
    assert!(a[0]["why"]
        .as_str()
        .unwrap()
        .contains("Schools are largely exempt"));
}

#[test]
fn the_careers_adviser_is_a_named_person_qualified_to_level_6() {
    let site = example();
    let settings = site.path().join("signpost.toml");
    assert!(check(site.path()).rule("careers-adviser").is_empty());
    edit(&settings, "qualification = \"Level 6 Diploma in Career Guidance and Development\"\nqualification_level = 6", "qualification = \"Level 4 Diploma in Careers Information and Advice\"");
    let r = check(site.path());
    assert!(
        r.messages("careers-adviser")
            .contains("is not shown to be level 6 or above"),
        "{}",
        r.messages("careers-adviser")
    );
    edit(
        &settings,
        "name = \"Ms Amira Haddad\"",
        "name = \"Careers adviser\"",
    );
    assert!(check(site.path())
        .messages("careers-adviser")
        .contains("reads as a role or a team"));
}

#[test]
fn every_year_taught_has_a_programme_page() {
    let site = example();
    fs::remove_file(site.path().join("content/programme/year-10.md")).unwrap();
    let r = check(site.path());
    assert_eq!(r.code, 0, "a warning, not an error");
    assert_eq!(
        r.messages("programme-years"),
        "Year 10 has no programme page."
    );
}

/// Drops benchmark `n` from every activity on the given programme pages.
fn untag(site: &Path, years: &[u8], n: &str) {
    for y in years {
        let p = site.join(format!("content/programme/year-{y}.md"));
        let text = fs::read_to_string(&p).unwrap();
        let stripped: String = text
            .lines()
            .map(|l| {
                if l.starts_with("benchmarks") {
                    let nums: Vec<&str> = l
                        .split(['[', ']'])
                        .nth(1)
                        .unwrap()
                        .split(',')
                        .map(str::trim)
                        .filter(|x| *x != n)
                        .collect();
                    let nums = if nums.is_empty() { vec!["1"] } else { nums };
                    format!("benchmarks = [{}]", nums.join(", "))
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        fs::write(&p, stripped).unwrap();
    }
}

#[test]
fn each_benchmark_has_its_own_reach() {
    let site = example();
    // Benchmark 6 by 18: nothing in Years 12 and 13.
    untag(site.path(), &[12, 13], "6");
    assert_eq!(
        check(site.path()).messages("benchmark-coverage"),
        "Benchmark 6 (Experiences of workplaces) has no whole-year activity in by 18 (Years 12 and 13)."
    );
    // Benchmark 5 is every year, so one year without it is named; Benchmark 8 is not
    // expected in Key Stage 3 at all.
    let site = example();
    untag(site.path(), &[10], "5");
    untag(site.path(), &[7, 8, 9], "8");
    let msgs = check(site.path()).messages("benchmark-coverage");
    assert_eq!(
        msgs,
        "Benchmark 5 (Encounters with employers and employees) has no whole-year activity in Year 10."
    );
}

#[test]
fn an_activity_for_a_subgroup_does_not_cover_the_whole_year() {
    let site = example();
    // In Year 13 only the applications clinic brings employers to the whole year.
    let y13 = site.path().join("content/programme/year-13.md");
    assert!(check(site.path()).rule("benchmark-coverage").is_empty());
    edit(
        &y13,
        "who = \"All Year 13\"\ndescription = \"Weekly sessions",
        "who = \"Year 13 students applying for jobs\"\ndescription = \"Weekly sessions",
    );
    assert_eq!(
        check(site.path()).messages("benchmark-coverage"),
        "Benchmark 5 (Encounters with employers and employees) has no whole-year activity in Year 13 (only activities for a group of pupils, not the whole year, are tagged with it)."
    );
}

#[test]
fn points_of_choice_show_every_route() {
    let site = example();
    let y11 = site.path().join("content/programme/year-11.md");
    let text = fs::read_to_string(&y11).unwrap();
    fs::write(
        &y11,
        text.replace("T Level", "course")
            .replace("T level", "course"),
    )
    .unwrap();
    let r = check(site.path());
    let msgs = r.messages("impartiality");
    assert_eq!(r.rule("impartiality").len(), 1, "{msgs}");
    assert!(msgs.contains("The Year 11 programme, a point of choice, does not mention T Levels (\"t level\", \"t-level\")."), "{msgs}");
}

#[test]
fn benchmark_1_2025_items_are_checked() {
    let site = example();
    let impact = site.path().join("content/impact.md");
    edit(&impact, "| Careers adviser | A termly review of guidance meetings, follow-ups and trends | Each term |\n", "");
    assert_eq!(
        check(site.path()).messages("impact-feedback"),
        "The impact page does not say what feedback it uses from careers advisers."
    );
    fs::remove_file(site.path().join("content/learning-journey.md")).unwrap();
    assert!(check(site.path())
        .messages("learning-outcomes")
        .contains("no learning outcomes"));
    fs::remove_file(site.path().join("content/parents.md")).unwrap();
    let r = check(site.path());
    assert!(
        r.rule("parents-engagement").is_empty(),
        "headings about families still count: {}",
        r.messages("parents-engagement")
    );
    assert!(r.rule("send-tailoring").is_empty());
    assert_eq!(
        r.code, 0,
        "Benchmark 1 items that are guessed from wording are warnings"
    );
}

#[test]
fn plan_actions_need_owner_date_and_attention_when_overdue() {
    let site = example();
    let r = check(site.path());
    let overdue = r.rule("plan");
    assert!(!overdue.is_empty());
    let plan = site.path().join("content/strategic-plan.md");
    let lines: Vec<String> = fs::read_to_string(&plan)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    for f in &overdue {
        // Each finding points at the [[objective.action]] of the action it names.
        let line = f["line"].as_u64().unwrap() as usize;
        assert_eq!(lines[line - 1].trim(), "[[objective.action]]", "{f}");
        let message = f["message"].as_str().unwrap();
        assert!(message.contains("was due on"), "{message}");
        let named = message.split('"').nth(1).unwrap();
        assert_eq!(lines[line], format!("action = \"{named}\""), "{f}");
    }
    // Before any action fell due, nothing is overdue.
    assert!(check_at(site.path(), "2025-10-01").rule("plan").is_empty());
    // A note after a table header does not shift the pairing.
    edit(
        &plan,
        "[[objective.action]]\n",
        "[[objective.action]]  # the first action\n",
    );
    let again = check(site.path());
    let lines_again: Vec<_> = again
        .rule("plan")
        .iter()
        .map(|f| f["line"].clone())
        .collect();
    assert_eq!(
        lines_again,
        overdue
            .iter()
            .map(|f| f["line"].clone())
            .collect::<Vec<_>>()
    );
    edit(&plan, "approved_governors = ", "# approved_governors = ");
    let text = fs::read_to_string(&plan).unwrap();
    let owner_at = text.find("\nowner = ").unwrap();
    let end = text[owner_at + 1..].find('\n').unwrap() + owner_at + 1;
    fs::write(&plan, format!("{}{}", &text[..owner_at], &text[end..])).unwrap();
    let msgs = check_at(site.path(), "2025-10-01").messages("plan");
    assert!(
        msgs.contains("does not say when governors approved it"),
        "{msgs}"
    );
    assert!(msgs.contains("No one is responsible for"), "{msgs}");
}

#[test]
fn broken_links_missing_alt_and_skipped_headings_are_found_with_lines() {
    let site = example();
    fs::write(
        site.path().join("content/extra.md"),
        "+++\ntitle = \"Extra\"\n+++\nSee [nowhere](nowhere.md), [a section](guidance.md#no-such-part) and [ok](guidance.md).\n\n![](../static/logo.svg)\n\n## Fine\n\n#### Too deep\n\n[DfE](https://www.gov.uk/)\n",
    )
    .unwrap();
    let r = check(site.path());
    let links = r.rule("links");
    assert_eq!(links.len(), 2, "{}", r.messages("links"));
    assert!(links
        .iter()
        .all(|f| f["file"] == "content/extra.md" && f["line"] == 4));
    assert!(r.messages("links").contains("#no-such-part"));
    assert_eq!(r.rule("images")[0]["line"], 6);
    assert!(r
        .messages("headings")
        .contains("skips from level 2 to level 4"));
    assert_eq!(r.json["external_links"][0]["url"], "https://www.gov.uk/");
    assert_eq!(r.code, 0, "quality problems are warnings");
}

#[test]
fn untitled_and_empty_pages_and_pale_colours_are_warned_about() {
    let site = example();
    fs::write(site.path().join("content/notes.md"), "Some notes.").unwrap();
    fs::write(
        site.path().join("content/blank.md"),
        "+++\ntitle = \"Blank\"\n+++\n",
    )
    .unwrap();
    edit(
        &site.path().join("signpost.toml"),
        "primary = \"",
        "primary = \"#ffdd00\"\n# was \"",
    );
    let r = check(site.path());
    assert!(r.messages("titles").contains("shown as \"Notes\""));
    assert_eq!(r.rule("empty-pages")[0]["file"], "content/blank.md");
    assert!(r.messages("colours").contains("#ffdd00 is too light"));
}

#[test]
fn an_almost_empty_site_gets_the_whole_statutory_list() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("signpost.toml"), "").unwrap();
    fs::create_dir(dir.path().join("content")).unwrap();
    fs::write(
        dir.path().join("content/careers.md"),
        "# Careers\n\nWe do careers.\n",
    )
    .unwrap();
    let r = check(dir.path());
    assert_eq!(r.code, 1);
    for rule in [
        "careers-leader",
        "programme-summary",
        "impact",
        "next-review",
        "provider-access",
    ] {
        assert!(r.errors(rule) >= 1, "{rule} reported");
    }
    for rule in [
        "personal-guidance",
        "accessibility-statement",
        "academic-year",
    ] {
        assert_eq!(
            (r.errors(rule), r.rule(rule).len()),
            (0, 1),
            "{rule} is a warning"
        );
    }
    assert_eq!(r.errors("careers-leader"), 3, "name, email and telephone");
}

#[test]
fn the_careers_leader_is_a_person_not_a_team_or_role() {
    let site = example();
    let settings = site.path().join("signpost.toml");
    for (name, expect) in [
        ("Careers Team", "reads as a role or a team (\"careers\")"),
        ("Head of Careers", "reads as a role or a team"),
        ("Whitfield", "not a full name"),
    ] {
        edit(
            &settings,
            "name = \"Mrs Joanna Whitfield\"",
            &format!("name = \"{name}\""),
        );
        let r = check(site.path());
        assert_eq!(r.errors("careers-leader"), 1, "{name}");
        assert!(
            r.messages("careers-leader").contains(expect),
            "{name}: {}",
            r.messages("careers-leader")
        );
        edit(
            &settings,
            &format!("name = \"{name}\""),
            "name = \"Mrs Joanna Whitfield\"",
        );
    }
    assert!(check(site.path()).rule("careers-leader").is_empty());
}

#[test]
fn the_untouched_starter_does_not_pass() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-school");
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["new", site.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = check(&site);
    assert_eq!(r.code, 1);
    let found = r.rule("placeholders");
    let msgs = r.messages("placeholders");
    assert!(
        msgs.contains("`school.name` still holds the starter's \"Your School Name\""),
        "{msgs}"
    );
    assert!(
        msgs.contains("`careers_leader.name` still holds the starter's \"Your Name\""),
        "{msgs}"
    );
    assert!(msgs.contains("\"[Write"), "{msgs}");
    assert!(found.iter().all(|f| f["severity"] == "error"));
    // Each page finding names the line the prompt is on.
    for f in found.iter().filter(|f| f["file"] != "signpost.toml") {
        let text = fs::read_to_string(site.join(f["file"].as_str().unwrap())).unwrap();
        let line = text
            .lines()
            .nth(f["line"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let prompt = f["message"].as_str().unwrap().split('"').nth(1).unwrap();
        assert!(line.contains(prompt), "{f}: {line}");
    }
    // The example school has no placeholders (links in brackets are not prompts).
    assert!(check(example().path()).rule("placeholders").is_empty());
}

#[test]
fn destinations_over_100_percent_are_a_warning() {
    let site = example();
    let impact = site.path().join("content/impact.md");
    edit(&impact, "education = 89", "education = 99");
    let r = check(site.path());
    let f = r.rule("destinations");
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0]["severity"].as_str(), f[0]["line"].as_u64()),
        (Some("warning"), Some(9))
    );
    assert!(f[0]["message"]
        .as_str()
        .unwrap()
        .contains("\"Year 11 leavers 2025\" add up to 110%"));
}

#[test]
fn on_date_drives_every_date_rule() {
    let site = example();
    // What will be wrong at a governors' meeting in September 2027?
    let r = check_at(site.path(), "2027-09-15");
    for rule in ["next-review", "academic-year"] {
        assert_eq!(r.errors(rule), 1, "{rule}");
    }
    assert!(r
        .messages("provider-encounters")
        .contains("outside this school year"));
    assert!(r.messages("provider-access-review").contains("has passed"));
    // A bad date is refused before anything is checked.
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args([
            "check",
            "--on",
            "2027-02-30",
            "--site",
            site.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("February 2027 has 28 days"));
}

#[test]
fn the_rule_list_in_the_docs_is_generated_from_the_rules() {
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["check", "--list-rules", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let generated = String::from_utf8(o.stdout).unwrap();
    let committed = fs::read_to_string(repo().join("docs/check-rules.md")).unwrap();
    assert_eq!(
        committed, generated,
        "docs/check-rules.md is out of date: run `signpost check --list-rules --format markdown > docs/check-rules.md`"
    );
    // Every rule that reports findings is listed, with its severity and source.
    for rule in [
        "provider-encounters",
        "placeholders",
        "careers-adviser",
        "impartiality",
    ] {
        assert!(generated.contains(&format!("## `{rule}`")), "{rule}");
    }
    assert!(generated.contains("- **Severity:** error or warning"));
}

#[test]
fn unreadable_site_exits_2_and_says_where() {
    let site = example();
    edit(
        &site.path().join("content/vision.md"),
        "title = ",
        "titel = ",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["check", "--site", site.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("content/vision.md:") && err.contains("did you mean `title`?"),
        "{err}"
    );
}

#[test]
fn text_output_reads_as_plain_english_grouped_by_file() {
    let site = example();
    edit(&site.path().join("signpost.toml"), "phone = ", "# phone = ");
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args([
            "check",
            "--on",
            TODAY,
            "--site",
            site.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("signpost.toml\n  error: The Careers Leader's telephone number is not published.\n    why: "), "{out}");
    assert!(out.contains("    fix: Add phone = "));
    assert!(
        out.trim_end()
            .ends_with("Not ready to publish: fix the errors first."),
        "{out}"
    );
}

#[test]
fn strict_build_refuses_a_site_with_errors_and_keeps_the_old_one() {
    let site = example();
    let out = site.path().join("public");
    let build = |strict: bool| {
        let mut args = vec![
            "build",
            "--site",
            site.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--on",
            TODAY,
        ];
        if strict {
            args.push("--strict");
        }
        Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(args)
            .output()
            .unwrap()
    };
    assert!(build(true).status.success());
    let before = fs::read(out.join("index.html")).unwrap();
    fs::remove_file(site.path().join("content/impact.md")).unwrap();
    edit(
        &site.path().join("content/index.md"),
        "title = ",
        "title = \"Changed\"\n# ",
    );
    let o = build(true);
    assert!(!o.status.success());
    assert_eq!(fs::read(out.join("index.html")).unwrap(), before);
    let o = build(false);
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Check: 1 error"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn build_on_date_judges_overdue_actions_on_that_day() {
    let site = example();
    let plan_page = |on: &str| {
        let out = site.path().join(format!("public-{on}"));
        let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args([
                "build",
                "--on",
                on,
                "--site",
                site.path().to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            fs::read_to_string(out.join("strategic-plan.html")).unwrap(),
            String::from_utf8_lossy(&o.stdout).to_string(),
        )
    };
    let (before, said_before) = plan_page("2025-10-01");
    let (after, said_after) = plan_page("2026-11-23");
    let overdue = |html: &str| html.matches("status-overdue\">Overdue").count();
    assert!(
        before.contains("0 <span class=\"status status-overdue\">Overdue"),
        "no action is overdue on the earlier day"
    );
    assert!(
        overdue(&after) > overdue(&before),
        "actions are overdue on the later day"
    );
    assert!(
        said_before.contains("Check:") && said_before != said_after,
        "{said_before}\n{said_after}"
    );
}

#[test]
fn a_translation_must_name_its_english_page() {
    let site = example();
    assert!(check(site.path()).rule("translations").is_empty());
    let polish = site.path().join("content/parents-pl.md");
    edit(&polish, "translation_of = \"parents.md\"\n", "");
    let r = check(site.path());
    let found = r.rule("translations");
    assert_eq!(found.len(), 1, "{:#}", r.json);
    assert_eq!(found[0]["file"], "content/parents-pl.md");
    assert_eq!(found[0]["line"], 3, "the line of `lang`");
    assert_eq!(found[0]["severity"], "warning");
    assert!(
        found[0]["fix"]
            .as_str()
            .unwrap()
            .contains("translation_of = \"parents.md\""),
        "{:#}",
        found[0]
    );
}

#[test]
fn a_translation_of_a_missing_page_is_named() {
    let site = example();
    let polish = site.path().join("content/parents-pl.md");
    edit(
        &polish,
        "translation_of = \"parents.md\"",
        "translation_of = \"parent.md\"",
    );
    let r = check(site.path());
    assert!(
        r.messages("translations")
            .contains("\"parent.md\", but there is no such page"),
        "{}",
        r.messages("translations")
    );
    assert!(r.rule("translations")[0]["fix"]
        .as_str()
        .unwrap()
        .contains("Did you mean \"parents.md\"?"));
}

#[test]
fn findings_are_listed_in_natural_year_order() {
    let site = example();
    for year in [7, 10, 12] {
        let page = site
            .path()
            .join(format!("content/programme/year-{year}.md"));
        let text = fs::read_to_string(&page).unwrap();
        let title = text.lines().find(|l| l.starts_with("title = ")).unwrap();
        edit(&page, &format!("{title}\n"), "");
    }
    let r = check(site.path());
    let files: Vec<&str> = r
        .rule("titles")
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "content/programme/year-7.md",
            "content/programme/year-10.md",
            "content/programme/year-12.md"
        ]
    );
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["check", "--site", site.path().to_str().unwrap()])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&o.stdout);
    let at = |file: &str| {
        report
            .find(&format!("{file}\n"))
            .unwrap_or_else(|| panic!("{file} in:\n{report}"))
    };
    assert!(at("content/programme/year-7.md") < at("content/programme/year-10.md"));
    assert!(at("content/programme/year-10.md") < at("content/programme/year-12.md"));
}
