//! Signing in and out.

use signpost::kiosk::staff::Role;

use crate::common::{Kiosk, PASSWORD};

#[test]
fn sign_in_gives_a_new_session_and_sign_out_ends_it() {
    let k = Kiosk::start();
    k.add_staff("Ms Patel", Role::Adviser, &[]);
    let mut b = k.browser();
    assert_eq!(b.get("/staff/today").status, 303, "no session yet");
    let wrong = b.post(
        "/staff",
        &[("name", "Ms Patel"), ("password", "not it at all")],
    );
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("value=\"Ms Patel\""),
        "the name is kept"
    );
    assert!(b.cookie("signpost_staff").is_none());
    let r = b.post("/staff", &[("name", "ms patel"), ("password", PASSWORD)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Ms Patel"));
    let token = b.cookie("signpost_staff").unwrap().to_string();
    assert_eq!(
        k.count("SELECT COUNT(*) FROM staff_session"),
        1,
        "one session stored"
    );
    let out = b.post("/staff/sign-out", &[]);
    assert_eq!(out.status, 200);
    assert!(b.cookie("signpost_staff").is_none());
    assert_eq!(k.count("SELECT COUNT(*) FROM staff_session"), 0);
    // The old token no longer opens anything.
    let mut replay = k.browser();
    let r = crate::common::raw(
        k.addr(),
        format!(
            "GET /staff/today HTTP/1.1\r\nHost: kiosk\r\nCookie: signpost_staff={token}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 303);
    assert_eq!(replay.get("/staff/today").status, 303);
}

use time::Duration;

use crate::common::{raw, Browser, NOW};

const WRONG: &str = "not it at all";

/// Tries to sign in as `name` with `password`, returning the answer without following it.
fn try_sign_in(b: &mut Browser, name: &str, password: &str) -> crate::common::Resp {
    b.send("/staff", &[("name", name), ("password", password)])
}

#[test]
fn five_failures_lock_the_account_even_against_the_right_password() {
    let mut k = Kiosk::start();
    k.add_staff("Ms Patel", Role::Adviser, &[]);
    let mut b = k.browser();
    for _ in 0..4 {
        assert_eq!(try_sign_in(&mut b, "Ms Patel", WRONG).status, 401);
    }
    let fifth = try_sign_in(&mut b, "Ms Patel", WRONG);
    assert_eq!(fifth.status, 429, "the fifth failure locks");
    let locked = try_sign_in(&mut b, "ms patel", PASSWORD);
    assert_eq!(
        locked.status, 429,
        "the right password is refused while locked"
    );
    assert!(
        locked.body.contains("try again after 08:15"),
        "{}",
        locked.body
    );
    assert!(locked.body.contains("role=\"alert\""));
    assert_eq!(locked.header("Retry-After").as_deref(), Some("900"));
    assert!(b.cookie("signpost_staff").is_none());
    // More tries while it is paused are refused alike, and logged once for the whole pause.
    for _ in 0..3 {
        assert_eq!(try_sign_in(&mut b, "Ms Patel", PASSWORD).status, 429);
    }
    assert_eq!(
        k.count("SELECT COUNT(*) FROM sign_in_failure"),
        5,
        "a refused attempt is not checked, so not counted"
    );
    assert_eq!(
        k.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'session' AND detail LIKE 'refused%'"
        ),
        1
    );
    // Fifteen minutes later the right password works and the failures are forgotten.
    k.restart_at(NOW + Duration::minutes(15));
    let mut b = k.browser();
    assert_eq!(try_sign_in(&mut b, "Ms Patel", PASSWORD).status, 303);
    assert_eq!(k.count("SELECT COUNT(*) FROM sign_in_failure"), 0);
}

#[test]
fn five_failures_from_one_client_lock_every_name_there() {
    let k = Kiosk::start();
    k.add_staff("Ms Patel", Role::Adviser, &[]);
    let mut b = k.browser();
    for guess in ["admin", "Admin1", "head", "careers", "staff"] {
        try_sign_in(&mut b, guess, WRONG);
    }
    let r = try_sign_in(&mut b, "Ms Patel", PASSWORD);
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("too many attempts"));
    // Guessing more names while paused adds one line to the log, not one a name.
    for guess in ["root", "office", "teacher", "careers2"] {
        assert_eq!(try_sign_in(&mut b, guess, WRONG).status, 429);
    }
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE 'refused%'"),
        1
    );
}

#[test]
fn signing_in_clears_the_accounts_failures() {
    let k = Kiosk::start();
    k.add_staff("Ms Patel", Role::Adviser, &[]);
    let mut b = k.browser();
    for _ in 0..4 {
        try_sign_in(&mut b, "Ms Patel", WRONG);
    }
    assert_eq!(try_sign_in(&mut b, "Ms Patel", PASSWORD).status, 303);
    assert_eq!(k.count("SELECT COUNT(*) FROM sign_in_failure"), 0);
    let mut other = k.browser();
    for _ in 0..4 {
        assert_eq!(try_sign_in(&mut other, "Ms Patel", WRONG).status, 401);
    }
    assert_eq!(try_sign_in(&mut other, "Ms Patel", PASSWORD).status, 303);
}

#[test]
fn signing_in_and_out_are_in_the_audit_log() {
    let k = Kiosk::start();
    k.add_staff("Ms Patel", Role::Adviser, &[]);
    let mut b = k.browser();
    try_sign_in(&mut b, "Ms Patel", WRONG);
    try_sign_in(&mut b, "Ms Patel", PASSWORD);
    b.post("/staff/sign-out", &[]);
    let db = k.db();
    let mut q = db
        .prepare("SELECT staff_name, action, record, detail FROM audit_log ORDER BY id")
        .unwrap();
    let lines: Vec<(String, String, String, String)> = q
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let details: Vec<&str> = lines.iter().map(|l| l.3.as_str()).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines
        .iter()
        .all(|l| l.0 == "Ms Patel" && l.1 == "session" && l.2 == "sign-in"));
    assert!(details[0].starts_with("failed"), "{details:?}");
    assert!(details[1].starts_with("signed in"), "{details:?}");
    assert!(details[2].starts_with("signed out"), "{details:?}");
    assert!(details[1].contains("from 127.0.0.1"), "{details:?}");
}

#[test]
fn signing_in_gives_a_fresh_csrf_token_and_the_old_one_stops_working() {
    let k = Kiosk::start();
    k.add_staff("Ms Patel", Role::Adviser, &[]);
    let mut b = k.browser();
    let before = b.cookie("signpost_csrf").unwrap().to_string();
    assert_eq!(try_sign_in(&mut b, "Ms Patel", PASSWORD).status, 303);
    let after = b.cookie("signpost_csrf").unwrap().to_string();
    assert_ne!(before, after);
    let stale = b.send_raw("/staff/sign-out", format!("csrf={before}").as_bytes());
    assert_eq!(
        stale.status, 403,
        "a token from before signing in is refused"
    );
    assert_eq!(b.get("/staff/today").status, 200, "still signed in");
}

/// GETs `path` on the kiosk at its current address with a staff session token (a restarted
/// kiosk listens on a new port, so the browser's own address is stale).
fn get_with_session(k: &Kiosk, path: &str, token: &str) -> crate::common::Resp {
    raw(
        k.addr(),
        format!(
            "GET {path} HTTP/1.1\r\nHost: kiosk\r\nCookie: signpost_staff={token}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
}

/// Checks that a response tells the browser to forget its staff session cookie.
fn assert_session_cookie_cleared(r: &crate::common::Resp) {
    assert!(
        r.headers("Set-Cookie")
            .iter()
            .any(|c| c.starts_with("signpost_staff=;") && c.contains("Max-Age=0")),
        "the session cookie is not cleared: {}",
        r.head
    );
}

#[test]
fn a_session_left_idle_past_the_idle_time_is_gone() {
    let mut k = Kiosk::start();
    let b = k.signed_in("Ms Patel", Role::Adviser);
    let token = b.cookie("signpost_staff").unwrap().to_string();
    k.restart_at(NOW + Duration::minutes(19));
    let r = get_with_session(&k, "/staff/today", &token);
    assert_eq!(r.status, 200, "19 minutes idle is fine");
    // Idle from 08:19: by 08:40 more than 20 minutes have passed.
    k.restart_at(NOW + Duration::minutes(40));
    let r = get_with_session(&k, "/staff/today", &token);
    assert_eq!(r.status, 303);
    assert!(r.header("Location").unwrap().starts_with("/staff?next="));
    assert_session_cookie_cleared(&r);
    assert_eq!(k.count("SELECT COUNT(*) FROM staff_session"), 0);
}

#[test]
fn the_stylesheet_and_site_files_do_not_keep_a_session_alive() {
    let mut k = Kiosk::start();
    let b = k.signed_in("Ms Patel", Role::Adviser);
    let token = b.cookie("signpost_staff").unwrap().to_string();
    let last_use = |k: &Kiosk| {
        k.db()
            .query_row("SELECT last_seen FROM staff_session", [], |r| {
                r.get::<_, String>(0)
            })
            .unwrap()
    };
    let signed_in_at = last_use(&k);
    k.restart_at(NOW + Duration::minutes(5));
    for path in ["/assets/kiosk.css", "/assets/kiosk.js", "/site/index.html"] {
        assert_eq!(get_with_session(&k, path, &token).status, 200, "{path}");
    }
    assert_eq!(
        last_use(&k),
        signed_in_at,
        "files are not a use of the session"
    );
    assert_eq!(get_with_session(&k, "/staff/today", &token).status, 200);
    assert_ne!(last_use(&k), signed_in_at, "a staff page is");
}

#[test]
fn an_unknown_session_token_is_cleared() {
    let k = Kiosk::start();
    let r = get_with_session(&k, "/staff/today", "ffffffffffffffffffffffffffffffff");
    assert_eq!(r.status, 303);
    assert_session_cookie_cleared(&r);
}

#[test]
fn after_signing_in_the_page_first_asked_for_opens() {
    let (_k, mut b) = leader_not_signed_in();
    let r = b.get("/staff/audit?staff=Patel");
    assert_eq!(r.status, 303);
    let sign_in = r.header("Location").unwrap();
    let form = b.get(&sign_in);
    let next = form.field("next").replace("&#x2F;", "/");
    assert_eq!(next, "/staff/audit?staff=Patel");
    let r = try_sign_in_to(&mut b, "Ms Patel", &next);
    assert_eq!(
        r.header("Location").as_deref(),
        Some("/staff/audit?staff=Patel")
    );
    // Already signed in, the sign-in page goes straight on to the page asked for.
    let again = b.get("/staff?next=%2Fstaff%2Faccounts");
    assert_eq!(again.header("Location").as_deref(), Some("/staff/accounts"));
}

/// A kiosk with a careers leader, Ms Patel, and a browser not yet signed in.
fn leader_not_signed_in() -> (Kiosk, Browser) {
    let k = Kiosk::start();
    k.add_staff("Ms Patel", Role::Leader, &[]);
    let b = k.browser();
    (k, b)
}

fn try_sign_in_to(b: &mut Browser, name: &str, next: &str) -> crate::common::Resp {
    b.send(
        "/staff",
        &[("name", name), ("password", PASSWORD), ("next", next)],
    )
}

#[test]
fn a_return_address_off_the_staff_pages_is_ignored() {
    let (_k, mut b) = leader_not_signed_in();
    let form = b.get("/staff?next=//evil.example");
    assert_eq!(form.status, 200);
    assert!(!form.body.contains("evil.example"), "{}", form.body);
    for next in [
        "//evil.example",
        "https://evil.example/",
        "/staff/../book",
        "/\\evil.example",
    ] {
        let r = try_sign_in_to(&mut b, "Ms Patel", next);
        assert_eq!(
            r.header("Location").as_deref(),
            Some("/staff/today"),
            "{next}"
        );
    }
}

#[test]
fn the_audit_log_is_for_the_careers_leader() {
    let k = Kiosk::start();
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    assert_eq!(adviser.get("/staff/audit").status, 403);
    assert_eq!(adviser.get("/staff/accounts").status, 403);
    let today = adviser.get("/staff/today");
    assert!(
        !today.body.contains("/staff/audit"),
        "no link for an adviser"
    );
    let mut leader = k.signed_in("Mrs Jones", Role::Leader);
    let page = leader.get("/staff/audit");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("aria-current=\"page\">Audit log"));
    // Newest first: the leader's sign-in comes before the adviser's.
    let jones = page.body.find("<td>Mrs Jones</td>").unwrap();
    let patel = page.body.find("<td>Ms Patel</td>").unwrap();
    assert!(jones < patel, "{}", page.body);
    let only = leader.get("/staff/audit?staff=patel");
    assert!(only.body.contains("<td>Ms Patel</td>"));
    assert!(!only.body.contains("<td>Mrs Jones</td>"), "{}", only.body);
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE action = 'view' AND record = 'audit log' AND staff_name = 'Mrs Jones'"),
        2,
        "reading the log is logged"
    );
}

#[test]
fn the_audit_log_pages_through_older_lines() {
    let k = Kiosk::start();
    let mut leader = k.signed_in("Mrs Jones", Role::Leader);
    let db = k.db();
    for i in 0..60 {
        db.execute(
            "INSERT INTO audit_log (at, staff_name, action, record) VALUES ('2026-11-30 09:00:00', 'Mr Old', 'view', ?1)",
            [format!("student {i}")],
        )
        .unwrap();
    }
    drop(db);
    let first = leader.get("/staff/audit");
    assert!(
        first.body.contains("audit?page=2\">Older lines"),
        "{}",
        first.body
    );
    assert!(!first.body.contains("Newer lines"));
    let second = leader.get("/staff/audit?page=2");
    assert!(second.body.contains("Newer lines"));
    assert!(!second.body.contains("Older lines"));
    let rows = |body: &str| body.matches("<tr><td>").count();
    // 60 inserted, the sign-in and the first page's view line; 50 a page.
    assert_eq!(rows(&first.body), 50);
    assert_eq!(rows(&second.body), 12);
}

#[test]
fn the_accounts_page_lists_accounts_read_only() {
    let k = Kiosk::start();
    k.add_staff("Mr Khan", Role::Tutor, &["10A", "10B"]);
    let mut leader = k.signed_in("Mrs Jones", Role::Leader);
    let page = leader.get("/staff/accounts");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<td>Mr Khan</td><td>Tutor</td><td>10A, 10B</td>"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("<td>Mrs Jones</td><td>Careers leader</td>"));
    assert!(page.body.contains("signpost kiosk staff add"));
    assert!(!page.body.contains("$argon2"));
    assert!(
        !page.body.contains("type=\"password\""),
        "no passwords on screen"
    );
}

#[test]
fn staff_pages_are_never_cached_framed_or_referred() {
    let k = Kiosk::start();
    let mut leader = k.signed_in("Mrs Jones", Role::Leader);
    let mut visitor = k.browser();
    let pages = [
        leader.get("/staff/today"),
        leader.get("/staff/audit"),
        leader.get("/staff/accounts"),
        visitor.get("/staff"),
        visitor.get("/staff/today"),
    ];
    for r in &pages {
        assert_eq!(
            r.header("Cache-Control").as_deref(),
            Some("no-store"),
            "{}",
            r.head
        );
        assert_eq!(
            r.header("X-Frame-Options").as_deref(),
            Some("DENY"),
            "{}",
            r.head
        );
        assert_eq!(
            r.header("Referrer-Policy").as_deref(),
            Some("no-referrer"),
            "{}",
            r.head
        );
        if r.status == 200 {
            let csp = r.header("Content-Security-Policy").unwrap_or_default();
            assert!(csp.contains("frame-ancestors 'none'"), "{}", r.head);
        }
    }
}
