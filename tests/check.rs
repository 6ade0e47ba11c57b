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
            .unwrap()
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
        ])
        .env("SIGNPOST_TODAY", today)
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
fn home_page_must_say_how_each_audience_finds_out() {
    let site = example();
    fs::write(site.path().join("content/index.md"), "+++\ntitle = \"Careers\"\n+++\nCareers for students, parents and staff at our school, with lots of detail about every year group and every activity. ".repeat(3)).unwrap();
    let r = check(site.path());
    assert_eq!(r.code, 1);
    let msgs = r.messages("programme-summary");
    assert!(msgs.contains("how employers can find out"), "{msgs}");
    assert!(!msgs.contains("how students"), "{msgs}");
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
fn next_review_must_be_in_the_coming_year() {
    let site = example();
    let r = check_at(site.path(), "2027-08-01");
    assert!(
        r.messages("next-review").contains("has passed"),
        "{:#}",
        r.json
    );
    let r = check_at(site.path(), "2026-01-10");
    assert!(r.messages("next-review").contains("more than a year away"));
    assert_eq!(check(site.path()).errors("next-review"), 0);
}

#[test]
fn provider_access_policy_needs_every_part() {
    let site = example();
    let page = site.path().join("content/provider-access.md");
    edit(&page, "## Premises and facilities", "## Rooms");
    let r = check(site.path());
    assert_eq!(r.code, 1);
    assert_eq!(
        r.messages("provider-access"),
        "The policy has no section on the premises and facilities offered."
    );
    fs::remove_file(&page).unwrap();
    assert!(check(site.path())
        .messages("provider-access")
        .contains("no provider access policy"));
}

#[test]
fn six_encounters_by_28_february() {
    let site = example();
    assert_eq!(check(site.path()).errors("provider-encounters"), 0);
    let page = site.path().join("content/provider-access.md");
    let text = fs::read_to_string(&page).unwrap();
    // Move every Years 12-13 encounter to after the deadline.
    let moved: Vec<String> = text
        .split("[[encounter]]")
        .map(|block| {
            if block.contains("years = [12, 13]")
                || block.contains("years = [12]")
                || block.contains("years = [13]")
            {
                let at = block.find("date = ").unwrap();
                format!("{}date = 2027-03-10{}", &block[..at], &block[at + 17..])
            } else {
                block.to_string()
            }
        })
        .collect();
    fs::write(&page, moved.join("[[encounter]]")).unwrap();
    let r = check(site.path());
    assert_eq!(
        r.errors("provider-encounters"),
        1,
        "{}",
        r.messages("provider-encounters")
    );
    assert!(r
        .messages("provider-encounters")
        .contains("Year 12 or 13 are dated this school year by 28 February 2027"));
    assert!(r
        .messages("provider-encounters")
        .contains("after 28 February"));
    // An 11-16 school needs no post-16 encounters.
    edit(
        &site.path().join("signpost.toml"),
        "years = [7, 8, 9, 10, 11, 12, 13]",
        "years = [7, 8, 9, 10, 11]",
    );
    assert_eq!(check(site.path()).errors("provider-encounters"), 0);
}

#[test]
fn personal_guidance_and_accessibility_pages_are_required() {
    let site = example();
    fs::remove_file(site.path().join("content/guidance.md")).unwrap();
    fs::remove_file(site.path().join("content/accessibility.md")).unwrap();
    let r = check(site.path());
    assert_eq!(r.errors("personal-guidance"), 1);
    assert_eq!(r.errors("accessibility-statement"), 1);
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

#[test]
fn benchmark_missing_from_a_key_stage_is_named() {
    let site = example();
    for y in [12, 13] {
        let p = site.path().join(format!("content/programme/year-{y}.md"));
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
                        .filter(|n| *n != "6")
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
    let r = check(site.path());
    assert_eq!(
        r.messages("benchmark-coverage"),
        "Benchmark 6 (Experiences of workplaces) has no activity in Key Stage 5 (Years 12 and 13)."
    );
}

#[test]
fn plan_actions_need_owner_date_and_attention_when_overdue() {
    let site = example();
    let r = check(site.path());
    let overdue = r.rule("plan");
    assert!(!overdue.is_empty());
    assert!(overdue
        .iter()
        .all(|f| f["message"].as_str().unwrap().contains("was due on") && f["line"].is_u64()));
    // Before any action fell due, nothing is overdue.
    assert!(check_at(site.path(), "2025-10-01").rule("plan").is_empty());
    let plan = site.path().join("content/strategic-plan.md");
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
    fs::write(
        dir.path().join("careers.md"),
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
        "personal-guidance",
        "accessibility-statement",
    ] {
        assert!(r.errors(rule) >= 1, "{rule} reported");
    }
    assert_eq!(r.errors("careers-leader"), 3, "name, email and telephone");
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
        .args(["check", "--site", site.path().to_str().unwrap()])
        .env("SIGNPOST_TODAY", TODAY)
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
        ];
        if strict {
            args.push("--strict");
        }
        Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(args)
            .env("SIGNPOST_TODAY", TODAY)
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
        .env("SIGNPOST_TODAY", TODAY)
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
