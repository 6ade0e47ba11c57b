//! `signpost serve` updates on save, tells the open page to reload, and shows what `build`
//! writes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Generous: these bound waits for a signal on a busy machine, they do not time anything.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `signpost serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `serve` on `site` and returns once it says it is watching for changes.
    fn start(site: &Path, more: &[&str]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!("127.0.0.1:{port}");
        let mut args = vec![
            "serve",
            "--site",
            site.to_str().unwrap(),
            "--listen",
            &listen,
        ];
        args.extend_from_slice(more);
        let mut child = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let server = Server { child, port };
        let started = Instant::now();
        loop {
            let left = PATIENCE.saturating_sub(started.elapsed());
            match rx.recv_timeout(left) {
                Ok(line) if line.starts_with("Watching ") => break,
                Ok(_) => {}
                Err(e) => panic!("serve never said it was watching: {e}"),
            }
        }
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in rx {});
        server
    }

    fn get(&self, path: &str) -> Option<(String, Vec<u8>)> {
        get(self.port, path)
    }

    fn text(&self, path: &str) -> String {
        text(self.port, path)
    }

    /// Waits until `page` satisfies `ok`, and returns it.
    fn wait_for(&self, page: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let text = self
                .get(page)
                .map(|(h, b)| format!("{h}\r\n\r\n{}", String::from_utf8_lossy(&b)));
            if let Some(text) = text.filter(|t| ok(t)) {
                return text;
            }
            assert!(started.elapsed() < PATIENCE, "{what} never happened");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The response's head and body, or `None` while the server is not answering.
fn get(port: u16, path: &str) -> Option<(String, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let at = out.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&out[..at]).into_owned();
    Some((head, out[at + 4..].to_vec()))
}

/// The whole response as text.
fn text(port: u16, path: &str) -> String {
    let (head, body) = get(port, path).expect("serve answers");
    format!("{head}\r\n\r\n{}", String::from_utf8_lossy(&body))
}

fn site(pages: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("signpost.toml"),
        "[school]\nname = \"Test School\"\nyears = [7, 8]\n[careers_leader]\nname = \"A Leader\"\nemail = \"a@example.sch.uk\"\n",
    )
    .unwrap();
    for (path, text) in pages {
        write(&dir.path().join("content").join(path), text);
    }
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Saves the way editors do: a new file renamed over the old one.
fn save(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(
        ".{}.swp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn saving_a_page_rebuilds_and_reloads_and_errors_show_in_the_page() {
    let dir = site(&[("index.md", "+++\ntitle = \"First title\"\n+++\nHello.\n")]);
    let server = Server::start(dir.path(), &[]);
    let first = server.text("/");
    assert!(first.contains("First title"));
    assert!(first.contains("__signpost/poll"), "reload script injected");
    assert!(first.to_lowercase().contains("cache-control: no-store"));
    let version = |page: &str| -> u64 {
        let at = page
            .find("var v=")
            .expect("reload script names its version")
            + 6;
        page[at..].split(';').next().unwrap().parse().unwrap()
    };
    let seen = version(&first);

    let port = server.port;
    let poll = std::thread::spawn(move || text(port, &format!("/__signpost/poll?v={seen}")));
    save(
        &dir.path().join("content/index.md"),
        "+++\ntitle = \"Second title\"\n+++\nHello.\n",
    );
    let answer = poll.join().unwrap();
    let now: u64 = answer.rsplit("\r\n\r\n").next().unwrap().parse().unwrap();
    assert!(
        now > seen,
        "the held poll reports a newer version: {answer}"
    );
    let page = server.wait_for("/index.html", "the new title", |p| {
        p.contains("Second title")
    });
    assert!(version(&page) > seen, "the page carries the new version");

    write(&dir.path().join("content/bad.md"), "+++\ntitle = 5\n+++\n");
    let page = server.wait_for("/index.html", "the error banner", |p| {
        p.contains("role=\"alert\"")
    });
    assert!(page.contains("content/bad.md:2"), "{page}");
    assert!(page.contains("Second title"), "last good page still shown");
}

/// Every file `signpost build` writes for `site`, by path (without the build's own marker).
fn built(site: &Path, out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["build", "--site", site.to_str().unwrap(), "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    walkdir(out)
        .into_iter()
        .filter(|p| p != ".signpost-build")
        .map(|p| {
            let bytes = std::fs::read(out.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

fn walkdir(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for e in std::fs::read_dir(dir.join(&rel)).unwrap() {
            let e = e.unwrap();
            let p = rel.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                out.push(p.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// A served page as `build` writes it: without the reload script the preview adds.
fn without_reload_script(mut body: Vec<u8>) -> Vec<u8> {
    let start = b"<script>(function(){var v=";
    if let Some(i) = body.windows(start.len()).position(|w| w == start) {
        let end = body[i..]
            .windows(9)
            .position(|w| w == b"</script>")
            .expect("the script ends");
        body.drain(i..i + end + 9);
    }
    body
}

/// Whether the preview now holds exactly `expected`; the first difference otherwise.
fn difference(
    server: &Server,
    expected: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let (_, list) = server.get("/__signpost/files")?;
    let served: Vec<String> = String::from_utf8_lossy(&list)
        .lines()
        .map(String::from)
        .collect();
    let wanted: Vec<&String> = expected.keys().collect();
    if served.iter().collect::<Vec<_>>() != wanted {
        return Some(format!("files differ: served {served:?}, built {wanted:?}"));
    }
    for (path, bytes) in expected {
        let url: String = path.replace(' ', "%20");
        let (head, body) = server.get(&format!("/{url}"))?;
        if !head.starts_with("HTTP/1.1 200") {
            return Some(format!("{path}: {head}"));
        }
        if &without_reload_script(body.clone()) != bytes {
            return Some(format!(
                "{path} differs:\nserved: {}\nbuilt:  {}",
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(bytes)
            ));
        }
    }
    None
}

#[test]
fn serve_shows_what_build_writes_after_every_kind_of_edit() {
    let dir = site(&[
        ("index.md", "+++\ntitle = \"Home\"\n+++\nWelcome. See [the guide](guidance.md).\n"),
        (
            "guidance.md",
            "+++\nkind = \"guidance\"\ntitle = \"Guidance\"\nweight = 2\n+++\n## Ask us\nText.\n",
        ),
        (
            "programme/year-7.md",
            "+++\nkind = \"programme\"\ntitle = \"Year 7\"\nyear = 7\n[[activity]]\ntitle = \"Fair\"\nterm = \"autumn\"\nbenchmarks = [2]\n+++\nYear 7 text links to [year 8](year-8.md).\n",
        ),
        (
            "programme/year-8.md",
            "+++\nkind = \"programme\"\ntitle = \"Year 8\"\nyear = 8\n+++\nYear 8 text.\n",
        ),
        ("notes/extra.md", "+++\ntitle = \"Extra\"\nweight = 5\n+++\nExtra page.\n"),
    ]);
    let content = dir.path().join("content");
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("public");
    let server = Server::start(dir.path(), &[]);

    type Edit<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let edits: Vec<Edit> = vec![
        ("as started", Box::new(|| {})),
        (
            "a body edit",
            Box::new(|| {
                save(&content.join("guidance.md"), "+++\nkind = \"guidance\"\ntitle = \"Guidance\"\nweight = 2\n+++\n## Ask us today\nNew text.\n")
            }),
        ),
        (
            "a menu title edit",
            Box::new(|| {
                save(&content.join("guidance.md"), "+++\nkind = \"guidance\"\ntitle = \"Personal guidance\"\nmenu = \"Guidance\"\nweight = 1\n+++\n## Ask us today\nNew text.\n")
            }),
        ),
        (
            "an activity added",
            Box::new(|| {
                save(&content.join("programme/year-8.md"), "+++\nkind = \"programme\"\ntitle = \"Year 8\"\nyear = 8\n[[activity]]\ntitle = \"Visit\"\nterm = \"spring\"\nbenchmarks = [4, 5]\n+++\nYear 8 text.\n")
            }),
        ),
        (
            "a page added",
            Box::new(|| {
                write(
                    &content.join("employers.md"),
                    "+++\nkind = \"employers\"\ntitle = \"Employers\"\n+++\nWork with us.\n",
                )
            }),
        ),
        (
            "a linked page renamed",
            Box::new(|| {
                std::fs::rename(
                    content.join("programme/year-8.md"),
                    content.join("programme/year-8-new.md"),
                )
                .unwrap()
            }),
        ),
        (
            "a page deleted",
            Box::new(|| std::fs::remove_file(content.join("employers.md")).unwrap()),
        ),
        (
            "a folder deleted",
            Box::new(|| std::fs::remove_dir_all(content.join("notes")).unwrap()),
        ),
        (
            "a page made a draft",
            Box::new(|| {
                save(
                    &content.join("guidance.md"),
                    "+++\nkind = \"guidance\"\ntitle = \"Guidance\"\ndraft = true\n+++\nText.\n",
                )
            }),
        ),
        (
            "a static file added",
            Box::new(|| write(&dir.path().join("static/leaflet.txt"), "Leaflet")),
        ),
        (
            "the settings changed",
            Box::new(|| {
                std::fs::write(
                    dir.path().join("signpost.toml"),
                    "[school]\nname = \"Renamed School\"\nyears = [7, 8]\n",
                )
                .unwrap()
            }),
        ),
    ];
    for (what, edit) in edits {
        edit();
        let expected = built(dir.path(), &out);
        let started = Instant::now();
        let mut last = None;
        while started.elapsed() < PATIENCE {
            last = difference(&server, &expected);
            if last.is_none() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(last.is_none(), "after {what}: {}", last.unwrap_or_default());
    }
}

#[test]
fn serve_drafts_previews_draft_pages_and_plain_serve_does_not() {
    let dir = site(&[
        ("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n"),
        (
            "events.md",
            "+++\ntitle = \"Summer events\"\ndraft = true\n+++\nComing soon.\n",
        ),
    ]);
    let plain = Server::start(dir.path(), &[]);
    assert!(plain.text("/events.html").starts_with("HTTP/1.1 404"));
    let drafts = Server::start(dir.path(), &["--drafts"]);
    let page = drafts.text("/events.html");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Summer events") && page.contains("Coming soon."));
}

#[test]
fn serve_survives_its_content_folder_being_deleted_and_comes_back_with_it() {
    let dir = site(&[("index.md", "+++\ntitle = \"Before\"\n+++\nHello.\n")]);
    let content = dir.path().join("content");
    let server = Server::start(dir.path(), &[]);
    assert!(server.text("/").contains("Before"));

    std::fs::remove_dir_all(&content).unwrap();
    let page = server.wait_for("/", "the missing folder banner", |p| {
        p.contains("role=\"alert\"")
    });
    assert!(page.contains("content folder"), "{page}");
    assert!(
        page.contains("Before"),
        "the last good page stays on screen"
    );

    write(
        &content.join("index.md"),
        "+++\ntitle = \"After\"\n+++\nBack again.\n",
    );
    let page = server.wait_for("/", "the returned content", |p| {
        p.contains("After") && !p.contains("role=\"alert\"")
    });
    assert!(page.contains("Back again."));
    // Still watching the new folder: a later save shows too.
    save(
        &content.join("index.md"),
        "+++\ntitle = \"Later\"\n+++\nBack again.\n",
    );
    server.wait_for("/", "a save in the returned folder", |p| {
        p.contains("Later")
    });
}
