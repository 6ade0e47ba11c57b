//! A kiosk on a free loopback port with a temporary database, and a browser that keeps its
#![allow(dead_code)] // shared by every module; each uses what it needs
//! cookies (the CSRF token and the staff session) and follows redirects as Chromium does.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;
use signpost::kiosk::staff::{password, Role};
use signpost::kiosk::store::Store;
use signpost::kiosk::{self, Clock, Handle, KioskConfig};
use time::macros::datetime;
use time::PrimitiveDateTime;

/// Tuesday 1 December 2026, 08:00: the default kiosk.toml has the adviser in on Tuesdays
/// 09:00-12:30 and 13:30-15:30.
pub const NOW: PrimitiveDateTime = datetime!(2026-12-01 08:00);

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery";

/// A running kiosk and the folder holding its database.
pub struct Kiosk {
    handle: Option<Handle>,
    dir: tempfile::TempDir,
}

impl Kiosk {
    /// A fresh kiosk at [`NOW`].
    pub fn start() -> Kiosk {
        Kiosk::start_at(NOW)
    }

    /// A fresh kiosk whose clock stands at `now`.
    pub fn start_at(now: PrimitiveDateTime) -> Kiosk {
        let dir = tempfile::tempdir().unwrap();
        let handle = launch(&dir.path().join("kiosk.db"), dir.path(), now);
        Kiosk {
            handle: Some(handle),
            dir,
        }
    }

    /// Stops this kiosk and starts it again on the same database with the clock at `now`
    /// (to let follow-ups fall due).
    pub fn restart_at(&mut self, now: PrimitiveDateTime) {
        if let Some(h) = self.handle.take() {
            h.shutdown();
        }
        self.handle = Some(launch(&self.db_path(), self.dir.path(), now));
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.handle.as_ref().unwrap().addr()
    }

    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("kiosk.db")
    }

    /// A connection of our own, to check what was stored.
    pub fn db(&self) -> Connection {
        Connection::open(self.db_path()).unwrap()
    }

    /// The first column of the first row of `sql`, as a number.
    pub fn count(&self, sql: &str) -> i64 {
        self.db().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Adds a staff account (as `signpost kiosk staff add` does) with [`PASSWORD`].
    pub fn add_staff(&self, name: &str, role: Role, groups: &[&str]) {
        let store = Store::init(&self.db_path()).unwrap();
        let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
        let hash = password::hash(PASSWORD).unwrap();
        store
            .open()
            .unwrap()
            .add_staff(name, role, &groups, &hash, NOW)
            .unwrap();
    }

    /// A browser that has opened the start page.
    pub fn browser(&self) -> Browser {
        Browser::new(self.addr())
    }

    /// A browser signed in as a new account with this role (tutors look after 10A).
    pub fn signed_in(&self, name: &str, role: Role) -> Browser {
        self.add_staff(name, role, &["10A"]);
        let mut b = self.browser();
        let r = b.post("/staff", &[("name", name), ("password", PASSWORD)]);
        assert_eq!(r.status, 200, "sign-in failed: {}", r.body);
        b
    }
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.shutdown();
        }
    }
}

fn launch(db: &Path, dir: &Path, now: PrimitiveDateTime) -> Handle {
    let site = dir.join("public");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), "<h1>Our careers programme</h1>").unwrap();
    let mut cfg = KioskConfig::new(db.to_path_buf());
    cfg.listen = "127.0.0.1:0".parse().unwrap();
    cfg.site_dir = site;
    cfg.clock = Clock::Fixed(now);
    kiosk::start(cfg).unwrap()
}

/// A response as received.
#[derive(Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Status line and headers.
    pub head: String,
    /// Body.
    pub body: String,
}

impl Resp {
    /// The first header called `name`.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers(name).into_iter().next()
    }

    /// Every header called `name`.
    pub fn headers(&self, name: &str) -> Vec<String> {
        self.head
            .lines()
            .filter_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .collect()
    }

    /// The value of the first `name="NAME" value="..."` in the page.
    pub fn field(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&needle)
            .unwrap_or_else(|| panic!("no field {name} in {}", self.body))
            + needle.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_string()
    }
}

/// A browser: keeps every cookie the kiosk sets and deletes those it clears.
pub struct Browser {
    addr: SocketAddr,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    /// Opens the start page, which hands out the CSRF cookie.
    pub fn new(addr: SocketAddr) -> Browser {
        let mut b = Browser {
            addr,
            cookies: BTreeMap::new(),
        };
        assert_eq!(b.get("/").status, 200);
        b
    }

    /// The value of a cookie this browser holds.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    fn remember(&mut self, r: &Resp) {
        for c in r.headers("Set-Cookie") {
            assert!(
                c.contains("HttpOnly") && c.contains("SameSite=Strict"),
                "{c}"
            );
            let pair = c.split(';').next().unwrap_or("");
            if let Some((n, v)) = pair.split_once('=') {
                if v.is_empty() || c.contains("Max-Age=0") {
                    self.cookies.remove(n);
                } else {
                    self.cookies.insert(n.to_string(), v.to_string());
                }
            }
        }
    }

    fn cookie_header(&self) -> String {
        if self.cookies.is_empty() {
            return String::new();
        }
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        format!("Cookie: {}\r\n", pairs.join("; "))
    }

    /// GETs a page without following redirects.
    pub fn get(&mut self, path: &str) -> Resp {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: kiosk\r\n{}Connection: close\r\n\r\n",
            self.cookie_header()
        );
        let r = raw(self.addr, req.as_bytes());
        self.remember(&r);
        r
    }

    /// The body of a form: the CSRF field, then the pairs, encoded.
    pub fn form_body(&self, fields: &[(&str, &str)]) -> String {
        let mut body = format!("csrf={}", self.cookie("signpost_csrf").unwrap_or(""));
        for (n, v) in fields {
            body.push_str(&format!(
                "&{}={}",
                signpost::kiosk::http::encode(n),
                signpost::kiosk::http::encode(v)
            ));
        }
        body
    }

    /// POSTs a form and, like a browser, follows the redirect that answers it.
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let r = self.send(path, fields);
        match (r.status, r.header("Location")) {
            (303, Some(to)) => self.get(&to),
            _ => r,
        }
    }

    /// POSTs a form and returns the answer itself (a 303 when the form was taken).
    pub fn send(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = self.form_body(fields);
        self.send_raw(path, body.as_bytes())
    }

    /// POSTs raw bytes as a form.
    pub fn send_raw(&mut self, path: &str, body: &[u8]) -> Resp {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: kiosk\r\n{}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.cookie_header(),
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(body);
        let r = raw(self.addr, &req);
        self.remember(&r);
        r
    }
}

/// Sends raw bytes and reads the whole response (every request asks the server to close).
pub fn raw(addr: SocketAddr, bytes: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(bytes).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Resp {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}
