//! `signpost serve` rebuilds on save and tells the open page to reload.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn saving_a_page_rebuilds_and_reloads_and_errors_show_in_the_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("signpost.toml"), "").unwrap();
    let page = dir.path().join("content/index.md");
    std::fs::write(&page, "+++\ntitle = \"First title\"\n+++\nHello.\n").unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args([
                "serve",
                "--site",
                dir.path().to_str().unwrap(),
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    let first = loop {
        if let Some(r) = get(port, "/") {
            break r;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(first.contains("First title"));
    assert!(first.contains("__signpost/poll"), "reload script injected");
    assert!(first.to_lowercase().contains("cache-control: no-store"));

    let poll = std::thread::spawn(move || get(port, "/__signpost/poll?v=1").unwrap());
    std::thread::sleep(Duration::from_millis(300));
    // Editors save by writing a new file and renaming it over the old one.
    let tmp = dir.path().join("content/.index.md.swp");
    std::fs::write(&tmp, "+++\ntitle = \"Second title\"\n+++\nHello.\n").unwrap();
    std::fs::rename(&tmp, &page).unwrap();
    let answer = poll.join().unwrap();
    assert!(
        answer.ends_with("\r\n\r\n2"),
        "poll reports the new version: {answer}"
    );
    assert!(get(port, "/index.html").unwrap().contains("Second title"));

    std::fs::write(dir.path().join("content/bad.md"), "+++\ntitle = 5\n+++\n").unwrap();
    let started = Instant::now();
    loop {
        let page = get(port, "/index.html").unwrap();
        if page.contains("role=\"alert\"") {
            assert!(page.contains("content/bad.md:2"), "{page}");
            assert!(page.contains("Second title"), "last good page still shown");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "error banner never appeared"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
