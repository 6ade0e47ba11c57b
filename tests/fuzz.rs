//! Property-based fuzzing (proptest) of the two places where text from outside comes in: a site
//! folder's pages (front matter + Markdown) and the kiosk's request, form, cookie and query
//! decoding. Each must never panic, whatever it is given.
//!
//! The normal test run tries a few hundred cases per target; for a long run set
//! `PROPTEST_CASES`, e.g. `PROPTEST_CASES=1000000 cargo test --release --test fuzz`
//! (see docs/reliability.md).

use std::collections::HashMap;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config;
use signpost::kiosk::domain::{BookingRef, ClockTime, Slot, YearGroup};
use signpost::kiosk::http::{self, Form, Method, Request};
use signpost::site;
use signpost::site::markdown::{render, LinkContext};

/// Cases per target: `PROPTEST_CASES` if set, else `default` (kept small for the normal run).
fn config(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Text that looks like a page: front matter fences, TOML-ish keys, Markdown constructs, and
/// arbitrary characters mixed in.
fn page_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("+++\n".to_string()),
        Just("title = \"Careers\"\n".to_string()),
        Just("audience = [\"students\", \"parents\"]\n".to_string()),
        Just("statutory = [\"provider-access\"]\n".to_string()),
        Just("reviewed = 2026-11-20\n".to_string()),
        Just("order = -1\n".to_string()),
        Just("[extra]\n".to_string()),
        Just("# Heading {#id}\n".to_string()),
        Just("[link](other.md#x)\n".to_string()),
        Just("![img](../../x.png)\n".to_string()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
        Just("[^1]: note\n".to_string()),
        Just("<script>alert(1)</script>\n".to_string()),
        Just("```\ncode\n".to_string()),
        Just("\u{0}\u{feff}\r\n".to_string()),
        any::<String>(),
        "[ -~\n]{0,40}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(256))]

    /// The Markdown renderer, on its own.
    #[test]
    fn markdown_render_never_panics(body in page_text(), first_line in 0usize..5000) {
        let mut pages = HashMap::new();
        pages.insert("index.md".to_string(), "index.html".to_string());
        pages.insert("other.md".to_string(), "other.html".to_string());
        let ctx = LinkContext { pages: &pages, source: "guidance/page.md", output: "guidance/page.html" };
        let _ = render(&body, first_line, &ctx);
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// A whole site folder whose one page is arbitrary: loading it and rendering the bodies gives
    /// a site or an error, never a panic.
    #[test]
    fn loading_a_site_with_any_page_never_panics(page in page_text(), name in "[a-z]{1,8}") {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("signpost.toml"),
            root.join("signpost.toml"),
        )
        .unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content").join(format!("{name}.md")), &page).unwrap();
        if let Ok(s) = site::load::load(root) {
            let _ = site::render_bodies(&s);
        }
    }
}

/// Bytes that look like form bodies and query strings: `&`, `=`, `+`, `%` escapes (good and
/// bad), invalid UTF-8.
fn form_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"&".to_vec()),
        Just(b"=".to_vec()),
        Just(b"+".to_vec()),
        Just(b"%".to_vec()),
        Just(b"%2".to_vec()),
        Just(b"%zz".to_vec()),
        Just(b"%FF%FE".to_vec()),
        Just(b"csrf".to_vec()),
        Just(b"\xff\xfe\xc3".to_vec()),
        prop::collection::vec(any::<u8>(), 0..16),
        "[a-z_0-9]{0,8}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(512))]

    /// Form and query decoding.
    #[test]
    fn form_decoding_never_panics(bytes in form_bytes()) {
        let f = Form::parse(&bytes);
        for (n, _) in f.pairs() {
            let _ = f.get(n);
        }
    }

    /// What `encode` writes, `Form::parse` reads back exactly.
    #[test]
    fn encoded_values_decode_to_themselves(name in "[a-z_]{1,10}", value in any::<String>()) {
        let body = format!("{}={}", http::encode(&name), http::encode(&value));
        let f = Form::parse(body.as_bytes());
        prop_assert_eq!(f.get(&name), Some(value.as_str()));
    }

    /// Whole requests as the server hands them over: any method, target, headers (cookies,
    /// content types) and body.
    #[test]
    fn request_decoding_never_panics(
        post in any::<bool>(),
        target in "[ -~]{0,60}",
        cookie in "[ -~]{0,80}",
        content_type in prop_oneof![
            Just("application/x-www-form-urlencoded".to_string()),
            Just("APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8".to_string()),
            "[ -~]{0,30}",
        ],
        body in form_bytes(),
    ) {
        let headers = vec![
            ("Cookie".to_string(), cookie),
            ("Content-Type".to_string(), content_type),
        ];
        let method = if post { Method::Post } else { Method::Get };
        let req = Request::new(method, &target, &headers, &body);
        let _ = req.csrf_ok();
        let (token, fresh) = http::csrf_for(&req);
        prop_assert!(http::is_token(&token));
        prop_assert_eq!(fresh, req.csrf_cookie.is_none());
    }

    /// The kiosk's own values from forms and addresses.
    #[test]
    fn kiosk_values_from_forms_never_panic(s in "[ -~]{0,24}", minutes in any::<u16>()) {
        let _ = s.parse::<YearGroup>();
        let _ = s.parse::<BookingRef>();
        let _ = s.parse::<ClockTime>();
        if let Ok(slot) = Slot::parse_key(&s, minutes) {
            let _ = slot.end_minute();
            let _ = slot.start_key();
        }
    }
}
