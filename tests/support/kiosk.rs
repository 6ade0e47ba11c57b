//! A kiosk on a free loopback port with a temporary database and a fixed clock, for the
//! student-side and staff-side suites; staff accounts are added as `signpost kiosk staff add`
//! does.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use signpost::kiosk::staff::{password, Role};
use signpost::kiosk::store::Store;
use signpost::kiosk::{self, Clock, Handle, KioskConfig};
use time::macros::datetime;
use time::PrimitiveDateTime;

use super::http::Browser;

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

    /// The running server (tests that count its workers or stop it use it).
    pub fn handle(&self) -> &Handle {
        self.handle.as_ref().unwrap()
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

/// Starts a kiosk on `db` whose clock stands at `now`, with a small built site in `dir/public`
/// and a file beside it that must never be served.
pub fn launch(db: &Path, dir: &Path, now: PrimitiveDateTime) -> Handle {
    let site = dir.join("public");
    std::fs::create_dir_all(site.join("guidance")).unwrap();
    std::fs::write(site.join("index.html"), "<h1>Our careers programme</h1>").unwrap();
    std::fs::write(site.join("style.css"), "body { color: black }").unwrap();
    std::fs::write(dir.join("secret.txt"), "do not serve").unwrap();
    let mut cfg = KioskConfig::new(db.to_path_buf());
    cfg.listen = "127.0.0.1:0".parse().unwrap();
    cfg.site_dir = site;
    cfg.clock = Clock::Fixed(now);
    kiosk::start(cfg).unwrap()
}
