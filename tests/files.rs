//! A careers leader's real files, written as another school would write them: a small 11-16
//! school, leftovers from last year, YAML from another tool, Windows line endings and text saved
//! by Word. Each test runs the real `signpost` binary and reads what the careers leader sees.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use signpost::site::model::Kind;
use signpost::site::schema::{self, Field, Shape};

fn signpost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("signpost runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Thornbury Hill, a small 11-16 school: Years 7 to 11, a logo, and a few pages.
fn eleven_sixteen(pages: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "signpost.toml",
        "[school]\nname = \"Thornbury Hill School\"\nyears = [7, 8, 9, 10, 11]\n\n[site]\nnext_review = 2027-07-01\n\n[careers_leader]\nname = \"Mr Dafydd Rees\"\nemail = \"careers@thornbury.example.sch.uk\"\nphone = \"01632 960 555\"\n",
    );
    write(
        dir.path(),
        "content/index.md",
        "+++\ntitle = \"Careers at Thornbury Hill\"\n+++\nWe help every student choose their next step.\n",
    );
    for (p, body) in pages {
        write(dir.path(), &format!("content/{p}"), body);
    }
    dir
}

fn write(root: &Path, rel: &str, body: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, body).unwrap();
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let p = root.join(rel);
    let t = fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{rel} contains {from:?}");
    fs::write(p, t.replacen(from, to, 1)).unwrap();
}

fn check(site: &Path) -> Output {
    signpost(&["check", "--site", path(site)])
}

fn build(site: &Path) -> (Output, PathBuf) {
    let out = site.join("public");
    let o = signpost(&["build", "--site", path(site), "--out", path(&out)]);
    (o, out)
}

const YEAR_10: &str = "+++\nkind = \"programme\"\ntitle = \"Year 10\"\nyear = 10\n\n[[activity]]\ntitle = \"Work experience week\"\nterm = \"summer\"\nbenchmarks = [6]\n+++\nYear 10.\n";

#[test]
fn a_folder_without_signpost_toml_is_not_a_site() {
    // A parent folder holding a site and someone else's project, and a public/ worth keeping.
    let parent = tempfile::tempdir().unwrap();
    write(parent.path(), "school/content/index.md", "# Careers\n");
    write(parent.path(), "other-project/README.md", "# Not careers\n");
    write(parent.path(), "public/index.html", "the live site");
    for command in ["build", "check"] {
        let o = signpost(&[command, "--site", path(parent.path())]);
        assert_eq!(o.status.code(), Some(2), "{command}: {}", text(&o));
        let said = text(&o);
        assert!(
            said.contains("is not a signpost site") && said.contains("no signpost.toml"),
            "{command}: {said}"
        );
        assert!(
            said.contains("signpost new") && said.contains("--site"),
            "{command}: {said}"
        );
    }
    assert_eq!(
        fs::read_to_string(parent.path().join("public/index.html")).unwrap(),
        "the live site"
    );
    assert!(!parent.path().join("careers.zip").exists());

    // `serve` stops too, instead of previewing a placeholder site.
    let mut child = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args([
            "serve",
            "--site",
            path(parent.path()),
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.and_then(|s| s.code()), Some(2), "serve stops with 2");
}

#[test]
fn yaml_front_matter_is_refused_with_the_same_settings_in_toml() {
    let site = eleven_sixteen(&[(
        "careers-fair.md",
        "---\nkind: page\ntitle: Careers fair 2027\nweight: 4\nlayout:\n  wide: true\n---\n\nThe fair is in March.\n",
    )]);
    let o = check(site.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let said = text(&o);
    assert!(said.contains("content/careers-fair.md:1:"), "{said}");
    assert!(said.contains("YAML"), "{said}");
    assert!(
        said.contains("+++\nkind = \"page\"\ntitle = \"Careers fair 2027\"\nweight = 4\n+++"),
        "{said}"
    );
    assert!(said.contains("lines 5, 6 could not be converted"), "{said}");
}

#[test]
fn a_leftover_second_page_for_a_year_names_both_files() {
    let site = eleven_sixteen(&[
        ("programme/year-10.md", YEAR_10),
        ("programme/year-10-old.md", YEAR_10),
    ]);
    let o = check(site.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let said = text(&o);
    assert!(
        said.contains("content/programme/year-10-old.md:4: field `year`: Year 10 has two programme pages: content/programme/year-10-old.md and content/programme/year-10.md")
            || said.contains("content/programme/year-10.md:4: field `year`: Year 10 has two programme pages: content/programme/year-10-old.md and content/programme/year-10.md"),
        "{said}"
    );
}

#[test]
fn pages_and_encounters_for_years_not_taught_are_errors() {
    let site = eleven_sixteen(&[
        ("programme/year-10.md", YEAR_10),
        (
            "programme/year-12.md",
            &YEAR_10.replace("year = 10", "year = 12"),
        ),
        (
            "provider-access.md",
            "+++\nkind = \"provider-access\"\ntitle = \"Provider access\"\n\n[[encounter]]\ntitle = \"Options fair\"\nyears = [10, 11]\ndate = 2027-01-20\n\n[[encounter]]\ntitle = \"Sixth form talk\"\nyears = [11, 12, 13]\ndate = 2027-02-03\n+++\nPolicy.\n",
        ),
    ]);
    let o = check(site.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let said = text(&o);
    assert!(
        said.contains("content/programme/year-12.md:4: field `year`: this is a programme page for Year 12, but signpost.toml says the school teaches Years 7, 8, 9, 10 and 11"),
        "{said}"
    );
    assert!(
        said.contains("content/provider-access.md:12: field `years`: the encounter \"Sixth form talk\" is for Year 12 and Year 13"),
        "{said}"
    );
    assert!(!said.contains("Options fair"), "{said}");
}

#[test]
fn images_and_the_logo_are_rewritten_relative_and_must_exist() {
    let site = eleven_sixteen(&[(
        "programme/year-10.md",
        &format!(
            "{YEAR_10}\n![Students at the fair](/static/fair%20photo.jpg)\n\n![The fair hall](<../../static/fair photo.jpg>)\n"
        ),
    )]);
    write(site.path(), "static/fair photo.jpg", "jpeg");
    write(site.path(), "static/crest.svg", "<svg/>");
    edit(
        site.path(),
        "signpost.toml",
        "[site]",
        "logo = \"./static/crest.svg\"\nlogo_alt = \"Thornbury Hill crest\"\n\n[site]",
    );
    let (o, out) = build(site.path());
    assert!(o.status.success(), "{}", text(&o));
    let year = fs::read_to_string(out.join("programme/year-10.html")).unwrap();
    assert_eq!(
        year.matches(r#"src="../static/fair%20photo.jpg""#).count(),
        2,
        "{year}"
    );
    assert!(out.join("static/fair photo.jpg").is_file());
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains(r#"src="static/crest.svg""#), "{home}");
    let year_logo = r#"src="../static/crest.svg""#;
    assert!(year.contains(year_logo), "{year}");

    // A missing image, a missing logo and a logo without alt text are errors with lines.
    write(
        site.path(),
        "content/events.md",
        "+++\ntitle = \"Events\"\n+++\n\nIntro.\n\n![Mock interviews](/static/mock-interviews.jpg)\n",
    );
    edit(
        site.path(),
        "signpost.toml",
        "logo = \"./static/crest.svg\"\nlogo_alt = \"Thornbury Hill crest\"",
        "logo = \"static/logo.png\"",
    );
    let (o, _) = build(site.path());
    assert!(!o.status.success());
    let said = text(&o);
    assert!(
        said.contains("signpost.toml:5: field `logo`: the logo file static/logo.png was not found"),
        "{said}"
    );
    assert!(
        said.contains("signpost.toml:5: field `logo_alt`: a logo needs `logo_alt`"),
        "{said}"
    );
    edit(
        site.path(),
        "signpost.toml",
        "logo = \"static/logo.png\"",
        "",
    );
    let (o, _) = build(site.path());
    assert!(!o.status.success());
    assert!(
        text(&o)
            .contains("content/events.md:7: the image /static/mock-interviews.jpg was not found"),
        "{}",
        text(&o)
    );
}

#[test]
fn links_to_files_with_spaces_resolve_and_the_sitemap_is_encoded() {
    let site = eleven_sixteen(&[
        (
            "our policy.md",
            "+++\ntitle = \"Our policy\"\n+++\nPolicy text.\n",
        ),
        (
            "programme/year-10.md",
            &format!(
                "{YEAR_10}\nRead [our policy](../our%20policy.md), [again](<../our policy.md>) and [the plan](/static/careers%20plan.pdf).\n"
            ),
        ),
    ]);
    write(site.path(), "static/careers plan.pdf", "%PDF");
    edit(
        site.path(),
        "signpost.toml",
        "[site]",
        "[site]\nbase_url = \"https://www.thornbury.example.sch.uk/careers/\"",
    );
    let (o, out) = build(site.path());
    assert!(o.status.success(), "{}", text(&o));
    let year = fs::read_to_string(out.join("programme/year-10.html")).unwrap();
    assert_eq!(
        year.matches(r#"href="../our%20policy.html""#).count(),
        2,
        "{year}"
    );
    assert!(
        year.contains(r#"href="../static/careers%20plan.pdf""#),
        "{year}"
    );
    let json = signpost(&["check", "--site", path(site.path()), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let broken: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == "content/programme/year-10.md" && f["rule"] == "links")
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        sitemap
            .contains("<loc>https://www.thornbury.example.sch.uk/careers/our%20policy.html</loc>"),
        "{sitemap}"
    );

    edit(
        site.path(),
        "signpost.toml",
        "https://www.thornbury.example.sch.uk/careers/",
        "www.thornbury.example.sch.uk/careers",
    );
    let o = check(site.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("signpost.toml:6: field `base_url`: `www.thornbury.example.sch.uk/careers` is not a whole web address"),
        "{}",
        text(&o)
    );
    let o = signpost(&[
        "build",
        "--site",
        path(site.path()),
        "--base-url",
        "/careers",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn the_starter_fits_the_years_taught_and_keeps_its_notes_out_of_the_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("thornbury");
    let o = signpost(&["new", path(&site), "--years", "7-11"]);
    assert!(o.status.success(), "{}", text(&o));
    let mut years: Vec<String> = fs::read_dir(site.join("content/programme"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    years.sort();
    assert_eq!(
        years,
        [
            "year-10.md",
            "year-11.md",
            "year-7.md",
            "year-8.md",
            "year-9.md"
        ]
    );
    let settings = fs::read_to_string(site.join("signpost.toml")).unwrap();
    assert!(
        settings.contains("\nyears = [7, 8, 9, 10, 11]\n"),
        "{settings}"
    );
    let year_9 = fs::read_to_string(site.join("content/programme/year-9.md")).unwrap();
    assert!(year_9.contains("\nyear = 9\n") && year_9.contains("All Year 9"));
    for file in ["content/index.md", "content/vision.md"] {
        let t = fs::read_to_string(site.join(file)).unwrap();
        assert!(
            t.contains("<!--") && t.contains("[Write "),
            "{file} has notes"
        );
    }
    assert!(settings.contains("\"Your School Name\"") && settings.contains("\"Your Name\""));

    let (o, out) = build(&site);
    assert!(o.status.success(), "{}", text(&o));
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|x| x == "html") {
            let html = fs::read_to_string(entry.path()).unwrap();
            assert!(
                !html.contains("NOTES FOR YOU")
                    && !html.contains("Delete them when you are done")
                    && !html.contains("<!--"),
                "{} shows the notes",
                entry.path().display()
            );
        }
    }
    assert!(!out.join("programme/year-12.html").exists());

    // `init` is another name for `new`; without --years and without a terminal it is 7-13.
    let sixth_form = tmp.path().join("with-sixth-form");
    let o = signpost(&["init", path(&sixth_form)]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(sixth_form.join("content/programme/year-13.md").is_file());
    let (o, _) = build(&sixth_form);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn every_problem_in_a_file_is_reported_in_a_careers_leaders_words() {
    let site = eleven_sixteen(&[(
        "programme/year-10.md",
        "+++\nkind = \"programme\"\ntitle = \"Year 10\"\nyear = \"10\"\nupdated = 2027-02-30\n\n[[activity]]\ntitle = \"Work experience\"\nterm = \"summr\"\nbenchmarks = 6\nwho = All Year 10\n+++\nYear 10.\n",
    )]);
    let o = check(site.path());
    assert_eq!(o.status.code(), Some(2));
    let said = text(&o);
    for expected in [
        "content/programme/year-10.md:4: field `year`: `year` should be a whole number like 10, without quotes\n  fix: write it as: year = 10",
        "content/programme/year-10.md:5: field `updated`: 30 February 2027 is not a date",
        "content/programme/year-10.md:9: field `term`: `summr` is not one of the allowed values\n  fix: did you mean `summer`?",
        "content/programme/year-10.md:10: field `benchmarks`: `benchmarks` should be a list in square brackets, like [2, 5]",
        "content/programme/year-10.md:11: field `who`: `who` is text, so it goes in \"double quotes\"\n  fix: write it as: who = \"All Year 10\"",
    ] {
        assert!(said.contains(expected), "{expected}\n---\n{said}");
    }
    assert!(!said.contains("invalid type"), "{said}");
    // The quotes hint is only given where quotes are the problem.
    assert_eq!(said.matches("quotes").count(), 2, "{said}");
    assert!(said.contains("5 problems found."), "{said}");
    assert!(!said.contains("nothing was written"), "{said}");
}

#[test]
fn windows_line_endings_are_read_and_word_text_is_named_by_line() {
    let crlf = YEAR_10
        .replace("year = 10", "year = 10\ntitel = \"x\"")
        .replace('\n', "\r\n");
    let site = eleven_sixteen(&[("programme/year-10.md", &crlf)]);
    let o = check(site.path());
    assert!(
        text(&o).contains("content/programme/year-10.md:5: field `titel`"),
        "{}",
        text(&o)
    );
    write(
        site.path(),
        "content/programme/year-10.md",
        &YEAR_10.replace('\n', "\r\n"),
    );
    let o = check(site.path());
    assert_ne!(o.status.code(), Some(2), "{}", text(&o));

    // "Trip costs £5" saved by Word as Windows-1252: the £ is the single byte 0xA3.
    let mut bytes =
        b"+++\ntitle = \"Trips\"\n+++\n\nEvery trip is free.\nThe museum trip costs ".to_vec();
    bytes.extend_from_slice(&[0xA3]);
    bytes.extend_from_slice(b"5.\n");
    fs::write(site.path().join("content/trips.md"), bytes).unwrap();
    let o = check(site.path());
    assert_eq!(o.status.code(), Some(2));
    let said = text(&o);
    assert!(
        said.contains("content/trips.md:6: this file is not saved as UTF-8 text")
            && said.contains("The museum trip costs £5.")
            && said.contains("save it as UTF-8"),
        "{said}"
    );
}

#[test]
fn strict_build_lists_the_errors_it_refuses_on() {
    let site = eleven_sixteen(&[("programme/year-10.md", YEAR_10)]);
    let out = site.path().join("public");
    let o = signpost(&[
        "build",
        "--site",
        path(site.path()),
        "--out",
        path(&out),
        "--strict",
    ]);
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    let report = signpost(&["check", "--site", path(site.path()), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let errors: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(!errors.is_empty());
    for e in errors {
        assert!(
            stderr.contains(e["message"].as_str().unwrap()),
            "{e}\n---\n{stderr}"
        );
    }
    assert!(!out.exists());
}

#[test]
fn address_in_use_suggests_another_listen() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let site = eleven_sixteen(&[]);
    let o = signpost(&["serve", "--site", path(site.path()), "--listen", &addr]);
    assert!(!o.status.success());
    let said = text(&o);
    assert!(said.contains("--listen 127.0.0.1:"), "{said}");
}

/// The fields each kind takes, as docs/content-model.md lists them in its tables.
struct Documented {
    /// Section (a kind, or a `[table]`/`[[rows]]` name) -> field names.
    tables: Vec<(String, Vec<String>)>,
}

fn documented() -> Documented {
    let docs =
        fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/content-model.md"))
            .unwrap();
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    let mut owner = String::new();
    let mut in_table = false;
    for line in docs.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            owner = if h.starts_with("Fields every page") {
                "common".into()
            } else {
                String::new()
            };
        } else if let Some(h) = line.strip_prefix("### ") {
            owner = h.split('`').nth(1).unwrap_or("").to_string();
        } else if line.starts_with('|') {
            let cell = line.split('|').nth(1).unwrap_or("").trim();
            if cell == "field" || cell.starts_with("---") {
                if cell == "field" {
                    tables.push((owner.clone(), Vec::new()));
                }
                in_table = true;
                continue;
            }
            if in_table {
                // `[[objective.action]]` in the objective's table is its field `action`.
                let name = cell.trim_matches(|c| c == '`' || c == '[' || c == ']');
                let name = name.rsplit('.').next().unwrap();
                tables.last_mut().unwrap().1.push(name.to_string());
            }
        } else {
            in_table = false;
            // "Each `[[activity]]`:" or "The `[contact]` table:" names the table that follows.
            if let Some(name) = line.split('`').nth(1).filter(|n| n.starts_with('[')) {
                owner = name.trim_matches(|c| c == '[' || c == ']').to_string();
            }
        }
    }
    Documented { tables }
}

impl Documented {
    fn fields(&self, owner: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .tables
            .iter()
            .filter(|(o, _)| o == owner)
            .flat_map(|(_, f)| f.clone())
            .collect();
        v.sort();
        v
    }
}

fn names(fields: &[Field]) -> Vec<String> {
    let mut v: Vec<String> = fields.iter().map(|f| f.name.to_string()).collect();
    v.sort();
    v
}

/// Rows and tables inside `fields`, with their names as the docs write them (`objective.action`).
fn nested(prefix: &str, fields: &'static [Field]) -> Vec<(String, &'static [Field])> {
    let mut out = Vec::new();
    for f in fields {
        if let Shape::Rows(inner) | Shape::Table(inner) = f.shape {
            let name = format!("{prefix}{}", f.name);
            out.extend(nested(&format!("{name}."), inner));
            out.push((name, inner));
        }
    }
    out
}

/// TOML setting every field in `fields` to its example value.
fn every_field(fields: &[Field], prefix: &str, toml: &mut String) {
    for f in fields {
        if !matches!(f.shape, Shape::Rows(_) | Shape::Table(_)) {
            let value = match f.name {
                "kind" | "draft" => continue,
                _ => f.example,
            };
            toml.push_str(&format!("{} = {value}\n", f.name));
        }
    }
    for f in fields {
        match f.shape {
            Shape::Table(inner) => {
                toml.push_str(&format!("\n[{prefix}{}]\n", f.name));
                every_field(inner, &format!("{prefix}{}.", f.name), toml);
            }
            Shape::Rows(inner) => {
                toml.push_str(&format!("\n[[{prefix}{}]]\n", f.name));
                every_field(inner, &format!("{prefix}{}.", f.name), toml);
            }
            _ => {}
        }
    }
}

#[test]
fn the_documented_fields_are_exactly_the_fields_the_loader_accepts() {
    let docs = documented();
    assert_eq!(docs.fields("common"), names(schema::COMMON));
    let mut site_toml = String::new();
    every_field(schema::SETTINGS, "", &mut site_toml);
    // The documented settings example has every setting, and no others.
    let docs_text =
        fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/content-model.md"))
            .unwrap();
    let example = docs_text
        .split("```toml\n")
        .nth(1)
        .and_then(|t| t.split("```").next())
        .unwrap();
    let example: toml::Table = toml::from_str(example).unwrap();
    for table in schema::SETTINGS {
        let (Shape::Table(inner) | Shape::Rows(inner)) = table.shape else {
            panic!("settings hold tables and rows of tables")
        };
        let documented = &example[table.name];
        let mut keys: Vec<String> = documented
            .as_table()
            .or_else(|| documented.as_array()?.first()?.as_table())
            .unwrap_or_else(|| panic!("[{}] in the docs' settings example", table.name))
            .keys()
            .cloned()
            .collect();
        keys.sort();
        assert_eq!(keys, names(inner), "[{}] in the docs", table.name);
    }

    let site = tempfile::tempdir().unwrap();
    write(site.path(), "signpost.toml", &site_toml);
    write(site.path(), "static/logo.svg", "<svg/>");
    for kind in Kind::ALL {
        let own = schema::fields_of(*kind);
        let doc_fields = docs.fields(kind.id());
        assert_eq!(doc_fields, names(own), "fields of {}", kind.id());
        for (name, inner) in nested("", own) {
            assert_eq!(docs.fields(&name), names(inner), "fields of [[{name}]]");
        }
        let mut fm = format!("kind = \"{}\"\n", kind.id());
        let all: Vec<Field> = schema::COMMON.iter().chain(own).copied().collect();
        every_field(&all, "", &mut fm);
        let file = if *kind == Kind::Home {
            "index.md".to_string()
        } else {
            format!("{}.md", kind.id())
        };
        write(
            site.path(),
            &format!("content/{file}"),
            &format!("+++\n{fm}+++\nText.\n"),
        );
    }
    let loaded = signpost::site::load::load(site.path());
    let site_read = loaded.unwrap_or_else(|e| panic!("the documented fields load:\n{e}"));
    assert_eq!(site_read.pages.len(), Kind::ALL.len());

    // A field the docs do not list is refused, as the `menu` of an activity once was not.
    edit(
        site.path(),
        "content/programme.md",
        "[[activity]]\n",
        "[[activity]]\nmenu = \"Fair\"\n",
    );
    let err = signpost::site::load::load(site.path())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("`menu` is not a field signpost knows in [[activity]]"),
        "{err}"
    );
}
