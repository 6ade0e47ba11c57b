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
