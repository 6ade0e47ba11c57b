//! Builds sites with the real `signpost` binary and looks at what a reader would get.

use std::collections::{BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs signpost; `build` and `check` judge dates as on a fixed day, so results do not age.
fn signpost(args: &[&str]) -> Output {
    let mut args = args.to_vec();
    if matches!(args.first(), Some(&"build") | Some(&"check")) {
        args.splice(1..1, ["--on", "2026-11-23"]);
    }
    Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(args)
        .output()
        .expect("signpost runs")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(site: &Path, out: &Path) -> Output {
    build_with(site, out, &[])
}

/// `signpost build` of `site` into `out`, with more options after.
fn build_with(site: &Path, out: &Path, more: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--site",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    signpost(&args)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A small site written into a temp folder: settings plus the given pages.
fn fixture(pages: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("signpost.toml"),
        "[school]\nname = \"Test School\"\nyears = [7, 8]\n[careers_leader]\nname = \"A Leader\"\nemail = \"a@example.sch.uk\"\nphone = \"01632 960000\"\n",
    )
    .unwrap();
    for (path, body) in pages {
        let p = dir.path().join("content").join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, body).unwrap();
    }
    dir
}

fn front_matter(path: &Path) -> toml::Table {
    let text = fs::read_to_string(path).unwrap();
    let fm = text.split("+++").nth(1).unwrap();
    toml::from_str(fm).unwrap()
}

/// The theme's escaping of text, to find front matter values in pages.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = build(&repo(), &out);
    assert!(o.status.success(), "{}", text(&o));
    (tmp, out)
}

#[test]
fn year_page_lists_every_activity_with_its_benchmarks() {
    let (_tmp, out) = example();
    for year in 7..=13 {
        let source = repo().join(format!("content/programme/year-{year}.md"));
        let html = fs::read_to_string(out.join(format!("programme/year-{year}.html"))).unwrap();
        let fm = front_matter(&source);
        let activities = fm["activity"].as_array().unwrap();
        assert!(activities.len() >= 3, "year {year} has a real programme");
        for a in activities {
            let title = a["title"].as_str().unwrap();
            let escaped = esc(title);
            let at = html
                .find(&format!(">{escaped}</h3>"))
                .unwrap_or_else(|| panic!("year {year}: {title}"));
            let entry = &html[at..html[at..].find("</li>\n").map(|e| at + e).unwrap()];
            for b in a["benchmarks"].as_array().unwrap() {
                assert!(
                    entry.contains(&format!("Benchmark {}:", b.as_integer().unwrap())),
                    "{title} shows benchmark {b}"
                );
            }
        }
    }
}

#[test]
fn plan_shows_each_action_status_as_a_word() {
    let (_tmp, out) = example();
    let html = fs::read_to_string(out.join("strategic-plan.html")).unwrap();
    let fm = front_matter(&repo().join("content/strategic-plan.md"));
    let words = [
        ("not-started", "Not started"),
        ("on-track", "On track"),
        ("at-risk", "At risk"),
        ("done", "Done"),
    ];
    let mut rows = 0;
    let mut overdue = 0;
    // The tests build "today" as 2026-11-23: an action due before then and not done is overdue,
    // and shows as Overdue, never under the status it was last given.
    let today = "2026-11-23";
    for o in fm["objective"].as_array().unwrap() {
        for a in o["action"].as_array().unwrap() {
            let status = a["status"].as_str().unwrap();
            let due = a.get("due").map(|d| d.to_string());
            let is_overdue = status != "done" && due.is_some_and(|d| d.as_str() < today);
            let (id, word) = if is_overdue {
                overdue += 1;
                ("overdue", "Overdue")
            } else {
                *words.iter().find(|(id, _)| *id == status).unwrap()
            };
            let badge = format!(r#"<span class="status status-{id}">{word}</span>"#);
            let action = esc(a["action"].as_str().unwrap());
            let row_start = html
                .find(&format!(">{action}</th>"))
                .expect("action row present");
            let row = &html[row_start..row_start + html[row_start..].find("</tr>").unwrap()];
            assert!(row.contains(&badge), "row for {action} shows {word}");
            if is_overdue {
                assert!(!row.contains("On track"), "overdue {action} says On track");
            }
            rows += 1;
        }
    }
    assert!(
        rows >= 12,
        "the example plan has a dozen actions, found {rows}"
    );
    assert!(
        overdue >= 1,
        "the example plan has an overdue action on 2026-11-23"
    );
    let gov = fs::read_to_string(out.join("governors.html")).unwrap();
    assert!(gov.contains("Overdue actions") && gov.contains("status-overdue"));
    let overdue_list = &gov[gov.find("Overdue actions").unwrap()..];
    assert!(
        !overdue_list.contains("On track"),
        "the governors' overdue list says On track"
    );
}

#[test]
fn coverage_page_shows_a_benchmark_with_no_activity_as_a_gap() {
    let site = fixture(&[
        ("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n"),
        (
            "programme/year-7.md",
            "+++\nkind = \"programme\"\ntitle = \"Year 7\"\nyear = 7\n[[activity]]\ntitle = \"Careers fair\"\nterm = \"autumn\"\nbenchmarks = [1, 5]\n+++\n",
        ),
    ]);
    let out = site.path().join("public");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o));
    let html = fs::read_to_string(out.join("benchmarks.html")).unwrap();
    let section = |n: u8| {
        let start = html.find(&format!(r#"<h2 id="benchmark-{n}">"#)).unwrap();
        let end = html[start..].find("</section>").unwrap() + start;
        html[start..end].to_string()
    };
    assert!(
        section(6).contains("Gap</span> No activity in Year 7 and 8"),
        "{}",
        section(6)
    );
    assert!(section(5).contains("Careers fair"));
    assert!(section(5).contains("Year 8:</strong> <span class=\"gap\">Gap</span>"));
}

#[test]
fn broken_files_are_all_reported_and_leave_the_last_site_intact() {
    let site = fixture(&[("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")]);
    let out = site.path().join("public");
    assert!(build(site.path(), &out).status.success());
    let before = fs::read(out.join("index.html")).unwrap();

    fs::write(
        site.path().join("content/vision.md"),
        "+++\nkind = \"vision\"\ntitel = \"Vision\"\n+++\n",
    )
    .unwrap();
    fs::write(
        site.path().join("content/year-7.md"),
        "+++\nkind = \"programme\"\ntitle = \"Y7\"\nyear = 7\n[[activity]]\ntitle = \"A\"\nterm = \"autumn\"\nbenchmarks = [9]\n+++\n",
    )
    .unwrap();
    fs::write(
        site.path().join("content/index.md"),
        "+++\ntitle = \"Changed\"\n+++\nNew text.\n",
    )
    .unwrap();
    let o = build(site.path(), &out);
    let msg = text(&o);
    assert!(!o.status.success());
    assert!(msg.contains("content/vision.md:3: field `titel`"), "{msg}");
    assert!(msg.contains("did you mean `title`?"), "{msg}");
    assert!(
        msg.contains("content/year-7.md:8: field `benchmarks`: Gatsby Benchmark 9 does not exist"),
        "{msg}"
    );
    assert_eq!(
        fs::read(out.join("index.html")).unwrap(),
        before,
        "the last good site is untouched"
    );
    let stray: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(stray.is_empty(), "no half-written folders left behind");
}

#[test]
fn a_page_that_cannot_be_written_stops_the_build_and_leaves_the_last_site() {
    let site = fixture(&[("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")]);
    let out = site.path().join("public");
    assert!(build(site.path(), &out).status.success());
    let before = fs::read(out.join("index.html")).unwrap();
    fs::write(
        site.path().join("content/index.md"),
        "+++\ntitle = \"Changed\"\n+++\nNew text.\n",
    )
    .unwrap();
    // A name the file system takes for a page's source but not, with ".html", for its output.
    let long = "a".repeat(251);
    fs::write(
        site.path().join(format!("content/{long}.md")),
        "+++\ntitle = \"Long\"\n+++\nText.\n",
    )
    .unwrap();

    let o = build(site.path(), &out);
    let msg = text(&o);
    assert!(!o.status.success(), "{msg}");
    assert!(msg.contains(&format!("public/{long}.html")), "{msg}");
    assert!(
        !msg.contains(".new-"),
        "the staging folder is not named: {msg}"
    );
    assert!(msg.contains("left as it was"), "{msg}");
    assert_eq!(fs::read(out.join("index.html")).unwrap(), before);
    let stray = fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .count();
    assert_eq!(stray, 0, "no half-written folders left behind");
}

#[test]
fn zip_is_the_same_bytes_for_the_same_input() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = |name: &str| {
        let path = tmp.path().join(name);
        let out = tmp.path().join(format!("out-{name}"));
        let o = build_with(&repo(), &out, &["--zip", path.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));
        fs::read(path).unwrap()
    };
    let a = zip("a.zip");
    let b = zip("b.zip");
    assert!(a.len() > 1000);
    assert!(a == b, "two builds of the same input give identical zips");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    assert!(
        names.iter().any(|n| n == "index.html") && names.iter().any(|n| n == "assets/style.css")
    );
    // Every entry carries the fixed zip epoch rather than the time of the build, so builds at
    // different moments give the same bytes too (no need to wait for the clock to move on).
    for i in 0..archive.len() {
        let entry = archive.by_index(i).unwrap();
        assert_eq!(
            entry.last_modified(),
            Some(zip::DateTime::default()),
            "{} carries a build time",
            entry.name()
        );
    }
}

/// Follows every relative link from index.html, as a person clicking through the site from disk.
#[test]
fn every_page_is_reachable_by_links_from_the_home_page() {
    let (_tmp, out) = example();
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([String::from("index.html")]);
    while let Some(page) = queue.pop_front() {
        if !seen.insert(page.clone()) {
            continue;
        }
        let html = fs::read_to_string(out.join(&page)).unwrap_or_else(|_| panic!("{page} exists"));
        let dir = page.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        for href in html
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
        {
            if href.contains(':') || href.starts_with('#') {
                continue;
            }
            let path = href.split('#').next().unwrap();
            let joined = signpost::site::markdown::normalise(&format!("{dir}/{path}"));
            assert!(
                out.join(&joined).is_file(),
                "{page} links to missing {href}"
            );
            if joined.ends_with(".html") {
                queue.push_back(joined);
            }
        }
    }
    let all: BTreeSet<String> = walk(&out)
        .into_iter()
        .filter(|p| p.ends_with(".html"))
        .collect();
    assert_eq!(seen, all);
    assert!(all.len() >= 20);
}

fn walk(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn sitemap_lists_pages_under_the_base_url() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = build_with(
        &repo(),
        &out,
        &["--base-url", "https://school.example/careers"],
    );
    assert!(o.status.success());
    let xml = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        xml.contains("<loc>https://school.example/careers/programme/year-7.html</loc>"),
        "{xml}"
    );
}

#[test]
fn new_site_builds_straight_away() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("school");
    let o = signpost(&["new", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let out = tmp.path().join("public");
    let o = build(&dir, &out);
    assert!(o.status.success(), "{}", text(&o));
    for page in [
        "index.html",
        "provider-access.html",
        "strategic-plan.html",
        "programme/year-7.html",
        "governors.html",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
    let again = signpost(&["new", dir.to_str().unwrap()]);
    assert!(!again.status.success(), "new refuses to overwrite");
}

#[test]
fn help_explains_each_subcommand() {
    let o = signpost(&["--help"]);
    let t = text(&o);
    // Each subcommand is listed on its own line with what it does.
    for sub in ["build", "check", "new", "serve", "kiosk"] {
        assert!(
            t.lines().any(|l| l.starts_with("  ")
                && l.split_whitespace().next() == Some(sub)
                && l.split_whitespace().count() > 1),
            "{sub} is not listed in:\n{t}"
        );
    }
    let b = text(&signpost(&["build", "--help"]));
    assert!(b.contains("--zip") && b.contains("ready to upload"), "{b}");
}

#[test]
fn output_escapes_html_from_front_matter() {
    let site = fixture(&[(
        "index.md",
        "+++\ntitle = \"Careers <script>alert(1)</script>\"\n+++\nHi\n",
    )]);
    let out = site.path().join("public");
    assert!(build(site.path(), &out).status.success());
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("Careers &lt;script&gt;"));
}

#[test]
fn a_site_overrides_a_theme_template_with_its_own_copy() {
    let site = fixture(&[
        ("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n"),
        (
            "parents.md",
            "+++\nkind = \"parents\"\ntitle = \"For parents\"\n+++\nWelcome.\n",
        ),
    ]);
    fs::create_dir(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}<p class=\"ours\">{{ page.title }}</p>{{ content | safe }}{% endblock main %}",
    )
    .unwrap();
    let out = site.path().join("public");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o));
    let html = fs::read_to_string(out.join("parents.html")).unwrap();
    assert!(html.contains("<p class=\"ours\">For parents</p>"), "{html}");
    assert!(
        html.contains("Skip to main content"),
        "the theme's base layout is still used"
    );
}

#[test]
fn refuses_to_replace_a_folder_holding_the_careers_leaders_own_files() {
    let site = fixture(&[("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")]);
    let keep = site.path().join("content/index.md");
    for out in [site.path().join("content"), site.path().to_path_buf()] {
        let o = build(site.path(), &out);
        assert!(!o.status.success(), "refused {}", out.display());
        assert!(
            text(&o).contains("will not write the site to"),
            "{}",
            text(&o)
        );
        assert!(keep.is_file(), "the page is still there");
    }
    let notes = site.path().join("notes");
    fs::create_dir(&notes).unwrap();
    fs::write(notes.join("plan.md"), "my notes").unwrap();
    assert!(!build(site.path(), &notes).status.success());
    assert!(notes.join("plan.md").is_file());
}

/// `signpost` run from `cwd` with the fixed date the other tests use.
fn signpost_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("signpost runs")
}

#[test]
fn the_default_output_is_public_inside_the_site_folder_wherever_build_runs() {
    let site = fixture(&[("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")]);
    let elsewhere = tempfile::tempdir().unwrap();
    let theirs = elsewhere.path().join("public");
    fs::create_dir(&theirs).unwrap();
    fs::write(theirs.join("holiday.jpg"), "not a careers page").unwrap();

    let o = signpost_in(
        elsewhere.path(),
        &["build", "--site", site.path().to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(site.path().join("public/index.html").is_file());
    assert!(theirs.join("holiday.jpg").is_file(), "{}", text(&o));
    assert_eq!(
        fs::read_dir(&theirs).unwrap().count(),
        1,
        "nothing added here"
    );
    assert!(
        text(&o).contains(&site.path().join("public").display().to_string()),
        "says where the site went: {}",
        text(&o)
    );
}

#[test]
fn build_replaces_only_a_folder_it_made_or_an_empty_one() {
    let site = fixture(&[("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")]);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("website");
    fs::create_dir_all(out.join("images")).unwrap();
    for name in ["about.html", "contact.html", "a.txt"] {
        fs::write(out.join(name), "the school's own file").unwrap();
    }
    let o = build(site.path(), &out);
    let msg = text(&o);
    assert!(!o.status.success(), "{msg}");
    assert!(
        msg.contains("a.txt, about.html, contact.html and images/"),
        "names what is there: {msg}"
    );
    assert!(msg.contains("--out"), "says how to choose another: {msg}");
    assert!(out.join("about.html").is_file() && out.join("images").is_dir());

    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    assert!(build(site.path(), &empty).status.success());
    assert!(
        build(site.path(), &empty).status.success(),
        "its own folder is replaced"
    );
    fs::remove_file(empty.join(".signpost-build")).unwrap();
    let o = build(site.path(), &empty);
    assert!(!o.status.success(), "without the marker it is not ours");
    assert!(text(&o).contains("index.html"), "{}", text(&o));
    assert!(empty.join("index.html").is_file());

    let file = tmp.path().join("notes.txt");
    fs::write(&file, "notes").unwrap();
    assert!(!build(site.path(), &file).status.success());
    assert_eq!(fs::read_to_string(&file).unwrap(), "notes");
}

#[test]
fn the_zip_never_overwrites_a_file_signpost_did_not_write() {
    let site = fixture(&[("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")]);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let zip_at = |name: &str| tmp.path().join(name);

    fs::write(zip_at("report.docx"), "the governors' report").unwrap();
    let other_zip = zip_at("photos.zip");
    {
        let mut z = zip::ZipWriter::new(fs::File::create(&other_zip).unwrap());
        z.start_file("photo.jpg", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, b"jpeg").unwrap();
        z.finish().unwrap();
    }
    let before = fs::read(&other_zip).unwrap();
    for target in ["report.docx", "photos.zip"] {
        let path = zip_at(target);
        let o = build_with(site.path(), &out, &["--zip", path.to_str().unwrap()]);
        assert!(!o.status.success(), "{target}");
        assert!(text(&o).contains("--zip"), "{}", text(&o));
    }
    assert_eq!(
        fs::read_to_string(zip_at("report.docx")).unwrap(),
        "the governors' report"
    );
    assert_eq!(fs::read(&other_zip).unwrap(), before);

    let ours = zip_at("careers.zip");
    for _ in 0..2 {
        let o = build_with(site.path(), &out, &["--zip", ours.to_str().unwrap()]);
        assert!(
            o.status.success(),
            "a zip signpost wrote is replaced: {}",
            text(&o)
        );
    }
}

#[test]
fn verbose_build_reports_each_phase() {
    let site = fixture(&[("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")]);
    let out = site.path().join("public");
    let o = build_with(site.path(), &out, &["--verbose"]);
    assert!(o.status.success(), "{}", text(&o));
    let said = text(&o);
    for phase in ["load", "parse", "render", "write", "check", "swap"] {
        assert!(
            said.lines()
                .any(|l| l.trim_start().starts_with(phase) && l.contains(" ms")),
            "no {phase} line in {said}"
        );
    }
    assert!(!text(&build(site.path(), &out)).contains("Phases"));
}

/// The build writes pages as it goes and keeps only what `check` reads; its summary must still
/// agree with `signpost check`, section links included.
#[test]
fn the_build_summary_agrees_with_check() {
    let site = fixture(&[
        (
            "index.md",
            "+++\ntitle = \"Home\"\n+++\nSee [the right part](b.md#what-we-do), [a missing part](b.md#nowhere) and [a lost page](gone.md).\n",
        ),
        ("b.md", "+++\ntitle = \"B\"\n+++\n## What we do\nText.\n"),
    ]);
    let out = site.path().join("public");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o));
    let check = signpost(&[
        "check",
        "--site",
        site.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["message"].as_str().unwrap_or("").contains("#nowhere")),
        "{report}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f["message"].as_str().unwrap_or("").contains("#what-we-do")),
        "{report}"
    );
    let summary = format!(
        "Check: {} error{}, {} warning{}.",
        report["errors"],
        if report["errors"] == 1 { "" } else { "s" },
        report["warnings"],
        if report["warnings"] == 1 { "" } else { "s" },
    );
    assert!(text(&o).contains(&summary), "{summary} in {}", text(&o));
}

/// The `href`s of the links inside the first element that starts with `start`, in page order.
fn links_in<'a>(html: &'a str, start: &str) -> Vec<&'a str> {
    let at = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} is on the page"));
    let section = &html[at..at + html[at..].find("</ul>").unwrap()];
    section
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

#[test]
fn home_page_lists_year_groups_in_natural_order() {
    let (_tmp, out) = example();
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    let years: Vec<&str> = links_in(&home, "<ul class=\"all-pages\">")
        .into_iter()
        .filter(|h| h.starts_with("programme/year-"))
        .collect();
    let expected: Vec<String> = (7..=13)
        .map(|y| format!("programme/year-{y}.html"))
        .collect();
    assert_eq!(years, expected);
}

#[test]
fn home_page_shows_the_contact_box_once_and_describes_each_page_once() {
    let (_tmp, out) = example();
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(home.matches("<div class=\"contact\">").count(), 1, "{home}");
    let descriptions: Vec<&str> = home
        .split("<span class=\"link-description\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    let mut unique = descriptions.clone();
    unique.sort();
    unique.dedup();
    assert!(!descriptions.is_empty());
    assert_eq!(
        descriptions.len(),
        unique.len(),
        "a description repeats on the home page"
    );
}

/// A home page and a parents' page with translations into Polish and Urdu.
fn translated_site() -> tempfile::TempDir {
    let home = "+++\nkind = \"home\"\ntitle = \"Careers\"\n+++\nHello.\n";
    let parents = "+++\nkind = \"parents\"\ntitle = \"Parents and carers\"\nmenu = \"Parents\"\nweight = 2\n+++\nFor families.\n";
    let polish = "+++\nkind = \"parents\"\nlang = \"pl\"\ntranslation_of = \"parents.md\"\ntitle = \"Dla rodziców\"\nweight = 3\n+++\nDla rodzin.\n";
    let urdu = "+++\nkind = \"parents\"\nlang = \"ur\"\ntranslation_of = \"parents.md\"\ntitle = \"والدین کے لیے\"\n+++\nخاندانوں کے لیے۔\n";
    fixture(&[
        ("index.md", home),
        ("parents.md", parents),
        ("parents-pl.md", polish),
        ("parents-ur.md", urdu),
    ])
}

#[test]
fn a_translated_page_sets_its_language_and_direction() {
    let site = translated_site();
    let out = site.path().join("public");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o));
    let urdu = fs::read_to_string(out.join("parents-ur.html")).unwrap();
    assert!(urdu.contains("<html lang=\"ur\" dir=\"rtl\">"), "{urdu}");
    // The site's own header and footer stay English, marked as such.
    assert!(
        urdu.contains("<header class=\"site-header\" lang=\"en-GB\" dir=\"ltr\">"),
        "{urdu}"
    );
    let polish = fs::read_to_string(out.join("parents-pl.html")).unwrap();
    assert!(
        polish.contains("<html lang=\"pl\" dir=\"ltr\">"),
        "{polish}"
    );
    let english = fs::read_to_string(out.join("parents.html")).unwrap();
    assert!(english.contains("<html lang=\"en-GB\">"), "{english}");
}

#[test]
fn the_english_page_is_the_way_in_and_links_to_its_translations_by_name() {
    let site = translated_site();
    let out = site.path().join("public");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o));
    let english = fs::read_to_string(out.join("parents.html")).unwrap();
    assert!(
        english.contains(r#"href="parents-pl.html" lang="pl" dir="ltr" hreflang="pl">Polski</a>"#),
        "{english}"
    );
    assert!(
        english.contains(r#"href="parents-ur.html" lang="ur" dir="rtl" hreflang="ur">اردو</a>"#),
        "{english}"
    );
    for translation in ["parents-pl.html", "parents-ur.html"] {
        let html = fs::read_to_string(out.join(translation)).unwrap();
        assert!(
            html.contains(
                r#"href="parents.html" lang="en-GB" dir="ltr" hreflang="en-GB">English</a>"#
            ),
            "{translation} links back to the English page:\n{html}"
        );
    }
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    let card = links_in(&home, "Parents and carers</h3>");
    assert_eq!(card.first(), Some(&"parents.html"), "{home}");
    let menu = links_in(&home, "<nav class=\"site-nav\"");
    assert!(menu.contains(&"parents.html"), "{menu:?}");
    assert!(!menu.iter().any(|h| h.starts_with("parents-")), "{menu:?}");
}
