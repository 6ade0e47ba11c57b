//! Drives the kiosk over real HTTP on a free loopback port, with a temporary database, and checks
//! what ends up in SQLite.

#[path = "support/mod.rs"]
mod support;

/// Named so that `cargo test kiosk` runs every test here.
mod kiosk_http {
    use super::support::{launch, parse_response, raw, try_raw, Browser, Kiosk, Resp, NOW};
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{SocketAddr, TcpStream};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier, Mutex};
    use std::time::Duration;

    use rusqlite::Connection;
    use signpost::kiosk::store::Fault;
    use signpost::kiosk::{self, Clock, Handle, KioskConfig};
    use time::macros::datetime;

    /// The student side's kiosks all start at the suite's one moment.
    fn start_at(db: &Path, dir: &Path) -> Handle {
        launch(db, dir, NOW)
    }

    /// Year 11 answers: every readiness question answered with `answer` (0 = most ready).
    fn year11_answers(apprenticeship: &str, answer: &str, extra: &str) -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = vec![("year".into(), "11".into())];
        for (id, c) in [
            ("a-levels", "definitely"),
            ("t-levels", "not"),
            ("college-course", "considering"),
            ("apprenticeship", apprenticeship),
            ("employment-training", "not"),
        ] {
            f.push((format!("opt_{id}"), c.into()));
        }
        for q in [
            "know-options",
            "entry-requirements",
            "how-to-apply",
            "talked-to-someone",
            "how-sure",
        ] {
            f.push((format!("q_{q}"), answer.into()));
        }
        f.push(("extra_support".into(), extra.into()));
        f
    }

    fn post_pairs(b: &mut Browser, path: &str, pairs: &[(String, String)]) -> Resp {
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(a, c)| (a.as_str(), c.as_str()))
            .collect();
        b.post(path, &refs)
    }

    #[test]
    fn start_screen_is_safe_for_a_kiosk() {
        let k = Kiosk::start();
        let mut b = Browser::fresh(k.addr());
        let r = b.get("/");
        assert_eq!(r.status, 200);
        assert_eq!(r.header("Cache-Control").as_deref(), Some("no-store"));
        assert!(r.header("Content-Security-Policy").is_some());
        assert!(r.body.contains("<html lang=\"en-GB\">"));
        assert!(r.body.contains("Skip to main content"));
        for text in [
            "Quick careers check",
            "Book a guidance session",
            "Join today's drop-in queue",
            "Read our careers programme",
            "what we keep and why",
        ] {
            assert!(r.body.contains(text), "{text}");
        }
        // Privacy notice comes before the first action.
        assert!(r.body.find("what we keep").unwrap() < r.body.find("href=\"/triage\"").unwrap());
        // Every other page returns to the start when idle, even without JavaScript.
        let r = b.get("/triage");
        assert!(r
            .body
            .contains("<noscript><meta http-equiv=\"refresh\" content=\"60;url=/\"></noscript>"));
        assert!(r.body.contains("data-idle=\"60\""));
        for path in ["/assets/kiosk.css", "/assets/kiosk.js"] {
            let r = b.get(path);
            assert_eq!(r.status, 200);
            assert_eq!(r.header("Cache-Control").as_deref(), Some("no-store"));
        }
    }

    #[test]
    fn triage_then_booking_then_cancel() {
        let k = Kiosk::start();
        let mut b = k.browser();

        // Step 1 and 2 of the check.
        let r = b.get("/triage");
        assert!(r.body.contains("<legend>Which year are you in?</legend>"));
        let r = b.get("/triage/questions?year=11");
        assert_eq!(r.status, 200);
        assert!(r.body.contains("<legend>Do an apprenticeship</legend>"));
        assert!(r
            .body
            .contains("<label for=\"opt_apprenticeship-considering\">Considering</label>"));

        // Considering an apprenticeship: always Red, 60 minutes, whatever the answers.
        let r = post_pairs(&mut b, "/triage", &year11_answers("considering", "0", "no"));
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("rag-red"));
        assert!(r.body.contains("Red</p>"));
        assert!(r.body.contains("Book a 60-minute session"));
        let token = r.field("triage");
        let (rag, minutes, year, extra): (String, i64, i64, i64) = k
            .db()
            .query_row(
                "SELECT rag, minutes, year_group, extra_support FROM triage WHERE token = ?1",
                [&token],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!((rag.as_str(), minutes, year, extra), ("red", 60, 11, 0));
        assert_eq!(k.count("SELECT COUNT(*) FROM triage_option"), 5);
        assert_eq!(k.count("SELECT COUNT(*) FROM triage_answer"), 5);
        assert_eq!(
            k.count("SELECT COUNT(*) FROM triage_option WHERE option_id = 'apprenticeship' AND consideration = 'considering'"),
            1
        );

        // Free 60-minute slots.
        let r = b.get(&format!("/book?triage={token}"));
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Tuesday 1 December"));
        assert!(r.body.contains("value=\"2026-12-01T09:00\">09:00 to 10:00"));
        // 12:00 would run past 12:30.
        assert!(!r.body.contains("value=\"2026-12-01T12:00\""));

        let r = b.get(&format!(
            "/book/details?slot=2026-12-01T09%3A00&triage={token}"
        ));
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r
            .body
            .contains("<label for=\"first_name\">First name</label>"));
        let form_id = r.field("form_id");
        let fields = [
            ("slot", "2026-12-01T09:00"),
            ("triage", token.as_str()),
            ("form_id", form_id.as_str()),
            ("first_name", "Ada"),
            ("surname", "Lovelace"),
            ("tutor_group", "11L"),
        ];
        let r = b.post("/book", &fields);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("You are booked in"));
        let reference = r.reference();

        let (day, s, e, first, linked): (String, i64, i64, String, i64) = k
            .db()
            .query_row(
                "SELECT b.day, b.start_min, b.end_min, b.first_name, t.token = ?2
                 FROM booking b JOIN triage t ON t.id = b.triage_id WHERE b.reference = ?1",
                [&reference, &token],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(
            (day.as_str(), s, e, first.as_str(), linked),
            ("2026-12-01", 540, 600, "Ada", 1)
        );

        // Pressing the button again (same form) does not book twice.
        let again = b.post("/book", &fields);
        assert_eq!(again.status, 200);
        assert!(again.body.contains(&reference));
        assert_eq!(k.count("SELECT COUNT(*) FROM booking"), 1);

        // The slot is gone for the next student, including overlapping starts.
        let mut other = k.browser();
        let r = other.get("/book");
        assert!(!r.body.contains("value=\"2026-12-01T09:00\""));
        assert!(!r.body.contains("value=\"2026-12-01T09:30\""));
        assert!(r.body.contains("value=\"2026-12-01T10:00\""));

        // Cancel: the surname must match.
        let r = b.post(
            "/book/cancel",
            &[("reference", &reference), ("surname", "Babbage")],
        );
        assert_eq!(r.status, 422);
        assert!(r
            .body
            .contains("We could not find a booking with that reference and surname"));
        assert!(r.body.contains("value=\"Babbage\""));
        let lower = reference.to_lowercase();
        let r = b.post(
            "/book/cancel",
            &[("reference", &lower), ("surname", "lovelace")],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("Your booking is cancelled"));
        assert_eq!(
            k.count("SELECT COUNT(*) FROM booking WHERE cancelled_at IS NOT NULL"),
            1
        );
    }

    #[test]
    fn green_amber_and_extra_support_results() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let r = post_pairs(&mut b, "/triage", &year11_answers("not", "0", "no"));
        assert!(
            r.body.contains("Green</p>") && r.body.contains("20-minute"),
            "{}",
            r.body
        );
        let r = post_pairs(&mut b, "/triage", &year11_answers("not", "1", "no"));
        assert!(r.body.contains("Amber</p>") && r.body.contains("30-minute"));
        let r = post_pairs(&mut b, "/triage", &year11_answers("not", "0", "yes"));
        assert!(r.body.contains("Red</p>") && r.body.contains("60-minute"));
        assert_eq!(
            k.count("SELECT COUNT(*) FROM triage WHERE extra_support = 1 AND rag = 'red'"),
            1
        );
    }

    #[test]
    fn missing_answers_reshow_the_form_with_answers_kept() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let mut answers = year11_answers("considering", "1", "no");
        answers.retain(|(n, _)| n != "q_how-sure" && n != "extra_support");
        let r = post_pairs(&mut b, "/triage", &answers);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("There is a problem"));
        assert!(r
            .body
            .contains("Choose an answer: How sure do you feel about your next step?"));
        assert!(r.body.contains("Choose yes or no for extra support"));
        assert!(r.body.contains("value=\"considering\" checked"));
        assert!(r
            .body
            .contains("id=\"q_know-options-1\" name=\"q_know-options\" value=\"1\" checked"));
        assert_eq!(k.count("SELECT COUNT(*) FROM triage"), 0);

        // A bad year goes back to step 1.
        let r = b.get("/triage/questions?year=14");
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Choose your year group"));

        // Booking details: errors next to the fields, other answers kept.
        let r = b.get("/book/details?slot=2026-12-01T10%3A00");
        let form_id = r.field("form_id");
        let r = b.post(
            "/book",
            &[
                ("slot", "2026-12-01T10:00"),
                ("form_id", &form_id),
                ("first_name", "Grace"),
                ("surname", "   "),
                ("tutor_group", "9H"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"surname-error\""));
        assert!(r.body.contains("Enter your surname"));
        assert!(r.body.contains("value=\"Grace\""));
        assert!(r.body.contains("value=\"9H\""));
        assert_eq!(k.count("SELECT COUNT(*) FROM booking"), 0);
    }

    #[test]
    fn direct_booking_uses_the_default_length() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let r = b.get("/book");
        assert!(r.body.contains("Sessions are 30 minutes long"));
        assert!(r.body.contains("value=\"2026-12-01T12:00\">12:00 to 12:30"));
        let r = b.get("/book/details?slot=2026-12-01T13%3A30");
        let form_id = r.field("form_id");
        let r = b.post(
            "/book",
            &[
                ("slot", "2026-12-01T13:30"),
                ("triage", ""),
                ("form_id", &form_id),
                ("first_name", "Alan"),
                ("surname", "Turing"),
                ("tutor_group", "12T"),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            k.count("SELECT COUNT(*) FROM booking WHERE start_min = 810 AND end_min = 840 AND triage_id IS NULL"),
            1
        );
        // A slot outside the adviser's hours is refused even if posted directly.
        let r = b.post(
            "/book",
            &[
                ("slot", "2026-12-01T18:00"),
                ("first_name", "Alan"),
                ("surname", "Turing"),
                ("tutor_group", "12T"),
            ],
        );
        assert_eq!(r.status, 409);
        assert!(r.body.contains("no longer available"));
    }

    #[test]
    fn drop_in_queue_shows_places_not_names() {
        let k = Kiosk::start();
        let mut a = k.browser();
        let r = a.post(
            "/queue",
            &[("first_name", "Zebedee"), ("tutor_group", "8Q")],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("id=\"ticket-number\">1<"));
        assert!(r.body.contains("You are next."));
        let mut b = k.browser();
        let r = b.post(
            "/queue",
            &[("first_name", "Yolanda"), ("tutor_group", "9R")],
        );
        assert!(r.body.contains("id=\"ticket-number\">2<"));
        assert!(r.body.contains("There is 1 person ahead of you."));
        assert!(!r.body.contains("Zebedee"));

        let r = b.get("/queue");
        assert!(r.body.contains("2 people are waiting right now."));
        assert!(!r.body.contains("Zebedee") && !r.body.contains("Yolanda"));
        let r = b.get("/queue/place?number=2");
        assert!(r.body.contains("There is 1 person ahead of you."));
        assert!(!r.body.contains("Zebedee") && !r.body.contains("Yolanda"));
        let r = b.get("/queue/place?number=9");
        assert_eq!(r.status, 422);
        assert!(r
            .body
            .contains("There is no number 9 in today&#x27;s queue"));

        let r = b.post("/queue", &[("first_name", ""), ("tutor_group", "9R")]);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Enter your first name"));
        assert_eq!(
            k.count("SELECT COUNT(*) FROM queue_entry WHERE day = '2026-12-01'"),
            2
        );
    }

    #[test]
    fn csrf_is_required_for_every_post() {
        let k = Kiosk::start();
        let mut b = k.browser();
        // No token in the form.
        let r = b.post_raw("/queue", b"first_name=Eve&tutor_group=7E");
        assert_eq!(r.status, 403);
        assert!(r.body.contains("This page has expired"));
        // A token from another browser.
        let other = k.browser();
        let body = format!("csrf={}&first_name=Eve&tutor_group=7E", other.csrf());
        let r = b.post_raw("/queue", body.as_bytes());
        assert_eq!(r.status, 403);
        // No cookie at all.
        let mut fresh = Browser::fresh(k.addr());
        let r = fresh.post_raw("/book/cancel", body.as_bytes());
        assert_eq!(r.status, 403);
        assert_eq!(k.count("SELECT COUNT(*) FROM queue_entry"), 0);
    }

    #[test]
    fn names_are_stored_as_typed_and_always_escaped() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let r = b.get("/book/details?slot=2026-12-01T11%3A00");
        let form_id = r.field("form_id");
        let script = "<script>alert('x')</script>";
        let sql = "Robert'); DROP TABLE booking;--";
        let r = b.post(
            "/book",
            &[
                ("slot", "2026-12-01T11:00"),
                ("form_id", &form_id),
                ("first_name", script),
                ("surname", sql),
                ("tutor_group", "\"><img src=x>"),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(!r.body.contains("<script>alert"));
        assert!(!r.body.contains("<img src=x>"));
        assert!(r
            .body
            .contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2F;script&gt;"));
        let (first, surname): (String, String) = k
            .db()
            .query_row("SELECT first_name, surname FROM booking", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(first, script);
        assert_eq!(surname, sql);

        // Invalid UTF-8 is kept as text (with replacement characters), never an error.
        let mut bytes = format!("csrf={}&first_name=%FF%FEJo&tutor_group=", b.csrf()).into_bytes();
        bytes.extend_from_slice(b"\xff7A");
        let r = b.post_raw("/queue", &bytes);
        assert_eq!(r.status, 200, "{}", r.body);
        let name: String = k
            .db()
            .query_row("SELECT first_name FROM queue_entry", [], |r| r.get(0))
            .unwrap();
        assert_eq!(name, "\u{FFFD}\u{FFFD}Jo");

        // Re-shown forms escape what was typed, too.
        let r = b.post("/queue", &[("first_name", script), ("tutor_group", "")]);
        assert_eq!(r.status, 422);
        assert!(!r.body.contains("<script>alert"));
    }

    #[test]
    fn bodies_over_64kb_get_413() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let big = format!("csrf={}&first_name={}", b.csrf(), "a".repeat(100 * 1024));
        let r = b.post_raw("/queue", big.as_bytes());
        assert_eq!(r.status, 413);
        assert!(r.body.contains("too long"));
        assert_eq!(k.count("SELECT COUNT(*) FROM queue_entry"), 0);

        // A forged, enormous Content-Length is refused without reading or allocating it.
        let req = "POST /queue HTTP/1.1\r\nHost: kiosk\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 900000000000\r\n\r\nfirst_name=x";
        let mut s = TcpStream::connect(k.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(req.as_bytes()).unwrap();
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).contains(" 413 "));
        drop(s);

        // Chunked bodies are capped while reading.
        let mut chunked = format!(
            "POST /queue HTTP/1.1\r\nHost: kiosk\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            b.cookie_pairs()
        );
        for _ in 0..80 {
            chunked.push_str(&format!("400\r\n{}\r\n", "b".repeat(1024)));
        }
        chunked.push_str("0\r\n\r\n");
        let r = raw(k.addr(), chunked.as_bytes());
        assert_eq!(r.status, 413);

        assert_eq!(b.get("/").status, 200);
    }

    #[test]
    fn unknown_paths_are_a_friendly_404() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let r = b.get("/admin.php");
        assert_eq!(r.status, 404);
        assert!(r.body.contains("Page not found"));
        assert!(r.body.contains("Back to the start"));
        assert_eq!(r.header("Cache-Control").as_deref(), Some("no-store"));
        let r = b.get("/book/");
        assert_eq!(r.status, 404);
        let r = b.post_raw("/privacy", b"");
        assert_eq!(r.status, 405);
    }

    #[test]
    fn the_careers_site_is_served_read_only() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let r = b.get("/site/index.html");
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("Content-Type").as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert!(r.body.contains("Our careers programme"));
        // In kiosk mode there is no Back button: every page gets a way back to the start.
        assert!(r.body.contains("<a href=\"/\""));
        assert!(r.body.contains("Back to the careers room start"));
        let r = b.get("/site/style.css");
        assert_eq!(
            r.header("Content-Type").as_deref(),
            Some("text/css; charset=utf-8")
        );
        assert_eq!(b.get("/site/").status, 200);
        assert_eq!(b.get("/site").status, 303);
        for bad in [
            "/site/../secret.txt",
            "/site/%2e%2e/secret.txt",
            "/site/..%2fsecret.txt",
            "/site/guidance/../../secret.txt",
            "/site/%2e%2e/kiosk.db",
        ] {
            let r = b.get(bad);
            assert_eq!(r.status, 404, "{bad}");
            assert!(!r.body.contains("do not serve"));
        }
    }

    /// Fills in and sends the booking form for `slot` without following the answer; returns the
    /// fields (to send again) and the answer.
    fn book_form<'a>(
        b: &mut Browser,
        slot: &'a str,
        first: &'a str,
        surname: &'a str,
        group: &'a str,
    ) -> (Vec<(&'a str, String)>, Resp) {
        let r = b.get(&format!(
            "/book/details?slot={}",
            signpost::kiosk::http::encode(slot)
        ));
        assert_eq!(r.status, 200, "{}", r.body);
        let fields = vec![
            ("slot", slot.to_string()),
            ("form_id", r.field("form_id")),
            ("first_name", first.to_string()),
            ("surname", surname.to_string()),
            ("tutor_group", group.to_string()),
        ];
        let answer = send_fields(b, "/book", &fields);
        (fields, answer)
    }

    fn send_fields(b: &mut Browser, path: &str, fields: &[(&str, String)]) -> Resp {
        let refs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
        b.send(path, &refs)
    }

    /// Nothing of a student's booking or ticket is on the page.
    fn shows_nothing_of(r: &Resp, secrets: &[&str]) {
        for s in secrets {
            assert!(!r.body.contains(s), "{s} is on the page: {}", r.body);
        }
        for marker in [
            "booking-ref",
            "ticket-number",
            "rag-word",
            "You are booked in",
        ] {
            assert!(!r.body.contains(marker), "{marker} is on the page");
        }
    }

    #[test]
    fn every_student_form_is_answered_with_a_redirect() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let (_, r) = book_form(&mut b, "2026-12-01T09:00", "Ada", "Lovelace", "11L");
        assert_eq!(r.status, 303);
        assert!(r.header("Location").unwrap().starts_with("/book/done?r="));
        let checks = year11_answers("not", "0", "no");
        let refs: Vec<(&str, &str)> = checks
            .iter()
            .map(|(a, c)| (a.as_str(), c.as_str()))
            .collect();
        let r = b.send("/triage", &refs);
        assert_eq!(r.status, 303);
        assert!(r
            .header("Location")
            .unwrap()
            .starts_with("/triage/result?r="));
        let r = b.send("/queue", &[("first_name", "Ada"), ("tutor_group", "11L")]);
        assert_eq!(r.status, 303);
        assert!(r
            .header("Location")
            .unwrap()
            .starts_with("/queue/ticket?r="));
        // Mistakes, a taken time and a failed cancel are redirects too.
        let r = b.send("/queue", &[("first_name", ""), ("tutor_group", "11L")]);
        assert_eq!(r.status, 303);
        assert!(r.header("Location").unwrap().starts_with("/queue?r="));
        let fields = [
            ("slot", "2026-12-01T09:00"),
            ("first_name", "Bo"),
            ("surname", "Jones"),
            ("tutor_group", "9J"),
        ];
        let r = b.send("/book", &fields);
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("Location").as_deref(), Some("/book?notice=taken"));
        assert_eq!(b.get("/book?notice=taken").status, 409);
        let r = b.send(
            "/book/cancel",
            &[("reference", "AAAAAA"), ("surname", "Nobody")],
        );
        assert_eq!(r.status, 303);
        assert!(r.header("Location").unwrap().starts_with("/book/cancel?r="));
    }

    #[test]
    fn back_and_reload_after_finish_never_shows_the_last_booking() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let (fields, r) = book_form(&mut b, "2026-12-01T09:00", "Ada", "Lovelace", "11L");
        let slip_url = r.header("Location").unwrap();
        let slip = b.get(&slip_url);
        assert_eq!(slip.status, 200);
        assert!(slip.body.contains("Ada Lovelace") && slip.body.contains("11L"));
        let reference = slip.reference();
        // The student reloads the slip: still theirs to see.
        assert_eq!(b.get(&slip_url).status, 200);

        // Finish. The next student presses Back (the slip's address) and Reload.
        assert_eq!(b.get("/").status, 200);
        let r = b.get(&slip_url);
        assert_eq!(r.status, 410);
        assert!(r.body.contains("This page has closed"));
        shows_nothing_of(&r, &["Lovelace", "11L", &reference]);
        // Or sends the booking form again ("Confirm Form Resubmission", same form id).
        let r = send_fields(&mut b, "/book", &fields);
        assert_eq!(r.status, 409);
        assert!(r.body.contains("This form has already been sent"));
        shows_nothing_of(&r, &["Lovelace", "11L", &reference]);
        // Another browser never sees the slip either.
        let mut other = k.browser();
        assert_eq!(other.get(&slip_url).status, 410);
        assert_eq!(k.count("SELECT COUNT(*) FROM booking"), 1);
    }

    #[test]
    fn a_double_tap_books_once_and_both_taps_lead_to_the_slip() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let (fields, first) = book_form(&mut b, "2026-12-01T10:00", "Grace", "Hopper", "10H");
        let second = send_fields(&mut b, "/book", &fields);
        assert_eq!(second.status, 303);
        assert_eq!(second.header("Location"), first.header("Location"));
        // Both copies at the same instant, as two taps arrive from one browser.
        let r = b.get("/book/details?slot=2026-12-01T11%3A00");
        let form_id = r.field("form_id");
        let body = b.form_body(&[
            ("slot", "2026-12-01T11:00"),
            ("form_id", &form_id),
            ("first_name", "Grace"),
            ("surname", "Hopper"),
            ("tutor_group", "10H"),
        ]);
        let barrier = Arc::new(Barrier::new(2));
        let taps: Vec<_> = (0..2)
            .map(|_| {
                let mut tap = b.clone();
                let (barrier, body) = (Arc::clone(&barrier), body.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let r = tap.send_raw("/book", body.as_bytes());
                    (r.status, r.header("Location"))
                })
            })
            .collect();
        let answers: Vec<_> = taps.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(answers[0].0, 303, "{answers:?}");
        assert_eq!(answers[0], answers[1]);
        let slip = b.get(answers[0].1.as_deref().unwrap());
        assert!(slip.body.contains("Grace Hopper"));
        assert_eq!(
            k.count("SELECT COUNT(*) FROM booking WHERE surname = 'Hopper'"),
            2
        );
    }

    #[test]
    fn a_cancelled_booking_does_not_come_back_when_its_form_is_sent_again() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let (fields, r) = book_form(&mut b, "2026-12-01T09:00", "Mary", "Seacole", "12S");
        let slip = b.get(&r.header("Location").unwrap());
        let reference = slip.reference();
        let r = b.post(
            "/book/cancel",
            &[("reference", &reference), ("surname", "Seacole")],
        );
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Your booking is cancelled"));
        let r = send_fields(&mut b, "/book", &fields);
        assert_eq!(r.status, 409);
        shows_nothing_of(&r, &["Seacole", "12S", &reference]);
        assert_eq!(
            k.count("SELECT COUNT(*) FROM booking WHERE cancelled_at IS NULL"),
            0
        );
        // The time is free for someone else.
        assert!(b.get("/book").body.contains("value=\"2026-12-01T09:00\""));
    }

    #[test]
    fn the_same_queue_form_twice_gives_one_place() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let r = b.get("/queue");
        let fields = vec![
            ("form_id", r.field("form_id")),
            ("first_name", "Zebedee".to_string()),
            ("tutor_group", "8Q".to_string()),
        ];
        let first = send_fields(&mut b, "/queue", &fields);
        let second = send_fields(&mut b, "/queue", &fields);
        assert_eq!(first.status, 303);
        assert_eq!(first.header("Location"), second.header("Location"));
        let ticket = b.get(&first.header("Location").unwrap());
        assert!(ticket.body.contains("id=\"ticket-number\">1<"));
        assert_eq!(k.count("SELECT COUNT(*) FROM queue_entry"), 1);
        b.get("/");
        let r = send_fields(&mut b, "/queue", &fields);
        assert_eq!(r.status, 409);
        shows_nothing_of(&r, &["Zebedee", "8Q"]);
        let r = b.get(&first.header("Location").unwrap());
        assert_eq!(r.status, 410);
        shows_nothing_of(&r, &["Zebedee", "8Q"]);
        assert_eq!(k.count("SELECT COUNT(*) FROM queue_entry"), 1);
    }

    #[test]
    fn the_same_quick_check_twice_is_stored_once() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let r = b.get("/triage/questions?year=11");
        let mut answers = year11_answers("considering", "0", "yes");
        answers.push(("form_id".into(), r.field("form_id")));
        let first = post_pairs_raw(&mut b, &answers);
        let second = post_pairs_raw(&mut b, &answers);
        assert_eq!(first.status, 303);
        assert_eq!(first.header("Location"), second.header("Location"));
        assert!(b
            .get(&first.header("Location").unwrap())
            .body
            .contains("Red</p>"));
        assert_eq!(k.count("SELECT COUNT(*) FROM triage"), 1);
        b.get("/");
        let r = post_pairs_raw(&mut b, &answers);
        assert_eq!(r.status, 409);
        shows_nothing_of(&r, &["Red</p>", "60-minute"]);
        assert_eq!(b.get(&first.header("Location").unwrap()).status, 410);
        assert_eq!(k.count("SELECT COUNT(*) FROM triage"), 1);
    }

    /// Nothing of a quick check's result is on the page: no Red/Amber/Green word, no length.
    fn shows_no_result(r: &Resp, when: &str) {
        for word in ["Red", "Amber", "Green", "minute", "rag-"] {
            assert!(
                !r.body.contains(word),
                "{when}: {word} is on the page: {}",
                r.body
            );
        }
    }

    #[test]
    fn a_quick_check_result_is_not_shown_after_finish() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let r = b.send(
            "/triage",
            &year11_refs(&year11_answers("considering", "0", "no")),
        );
        let result_url = r.header("Location").unwrap();
        let r = b.get(&result_url);
        assert!(r.body.contains("Red</p>"));
        let token = r.field("triage");
        let slots_url = format!("/book?triage={token}");
        let details_url = format!("/book/details?slot=2026-12-01T09%3A00&triage={token}");
        let r = b.get(&slots_url);
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Your quick check result was Red"));
        let r = b.get(&details_url);
        assert_eq!(r.status, 200);
        assert!(r.body.contains("(60 minutes)"));
        // A slow student who makes a mistake keeps their check on the form shown again.
        let fields = [
            ("slot", "2026-12-01T09:00".to_string()),
            ("triage", token.clone()),
            ("form_id", r.field("form_id")),
            ("first_name", "Ada".to_string()),
            ("surname", String::new()),
            ("tutor_group", "11L".to_string()),
        ];
        let r = send_fields(&mut b, "/book", &fields);
        let again = b.get(&r.header("Location").unwrap());
        assert_eq!(again.status, 422);
        assert!(again.body.contains("(60 minutes)") && again.body.contains("Enter your surname"));
        // Another browser given the addresses sees nothing of the result.
        let mut other = k.browser();
        for url in [&result_url, &slots_url, &details_url] {
            let r = other.get(url);
            assert_eq!(r.status, 410, "{url}");
            shows_no_result(&r, url);
        }

        // Finish. The next student goes Back through the history, or resends the form.
        assert_eq!(b.get("/").status, 200);
        for url in [&result_url, &slots_url, &details_url] {
            let r = b.get(url);
            assert_eq!(r.status, 410, "{url}");
            assert!(r.body.contains("This page has closed"));
            shows_no_result(&r, url);
        }
        let mut complete = fields.to_vec();
        complete[4].1 = "Lovelace".to_string();
        let r = send_fields(&mut b, "/book", &complete);
        assert_eq!(r.status, 410);
        shows_no_result(&r, "the booking form sent again");
        shows_nothing_of(&r, &["Lovelace", "11L"]);
        assert_eq!(k.count("SELECT COUNT(*) FROM booking"), 0);
    }

    fn year11_refs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
        pairs
            .iter()
            .map(|(a, c)| (a.as_str(), c.as_str()))
            .collect()
    }

    fn post_pairs_raw(b: &mut Browser, pairs: &[(String, String)]) -> Resp {
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(a, c)| (a.as_str(), c.as_str()))
            .collect();
        b.send("/triage", &refs)
    }

    #[test]
    fn a_form_shown_again_with_mistakes_is_blank_after_finish() {
        let k = Kiosk::start();
        let mut b = k.browser();
        let r = b.send("/queue", &[("first_name", "Yolanda"), ("tutor_group", "")]);
        let again = r.header("Location").unwrap();
        let r = b.get(&again);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("value=\"Yolanda\""));
        assert!(r.body.contains("Enter your tutor group"));
        b.get("/");
        let r = b.get(&again);
        assert_eq!(r.status, 200);
        assert!(!r.body.contains("Yolanda"));
        assert!(!r.body.contains("Enter your tutor group"));
    }

    /// 50 students, each with their own browser, send the booking form for one of `slots` (in
    /// turn) at the same instant. Returns where each was sent.
    fn race(k: &Kiosk, slots: &'static [&'static str]) -> Vec<String> {
        let addr = k.addr();
        let barrier = Arc::new(Barrier::new(50));
        let threads: Vec<_> = (0..50)
            .map(|i| {
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let slot = slots[i % slots.len()];
                    let mut b = Browser::new(addr);
                    let r = b.get(&format!(
                        "/book/details?slot={}",
                        signpost::kiosk::http::encode(slot)
                    ));
                    assert_eq!(r.status, 200);
                    let form_id = r.field("form_id");
                    let name = format!("Student{i}");
                    barrier.wait();
                    let r = b.send(
                        "/book",
                        &[
                            ("slot", slot),
                            ("form_id", &form_id),
                            ("first_name", &name),
                            ("surname", "Racer"),
                            ("tutor_group", "10R"),
                        ],
                    );
                    assert_eq!(r.status, 303, "{}", r.body);
                    r.header("Location").unwrap_or_default()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    }

    fn booked(answers: &[String]) -> usize {
        answers
            .iter()
            .filter(|a| a.starts_with("/book/done?r="))
            .count()
    }

    #[test]
    fn fifty_students_race_for_one_slot_and_one_wins() {
        let k = Kiosk::start();
        let answers = race(&k, &["2026-12-01T14:00"]);
        assert_eq!(booked(&answers), 1, "{answers:?}");
        let taken = answers.iter().filter(|a| *a == "/book?notice=taken");
        assert_eq!(taken.count(), 49, "{answers:?}");
        assert_eq!(
            k.count("SELECT COUNT(*) FROM booking WHERE day = '2026-12-01' AND start_min = 840"),
            1
        );
    }

    #[test]
    fn fifty_students_race_for_ten_slots_and_ten_win() {
        const SLOTS: &[&str] = &[
            "2026-12-01T09:00",
            "2026-12-01T09:30",
            "2026-12-01T10:00",
            "2026-12-01T10:30",
            "2026-12-01T11:00",
            "2026-12-01T11:30",
            "2026-12-01T12:00",
            "2026-12-01T13:30",
            "2026-12-01T14:00",
            "2026-12-01T14:30",
        ];
        let k = Kiosk::start();
        let answers = race(&k, SLOTS);
        assert_eq!(booked(&answers), 10, "{answers:?}");
        assert_eq!(k.count("SELECT COUNT(*) FROM booking"), 10);
        assert_eq!(
            k.count("SELECT COUNT(DISTINCT day || start_min) FROM booking"),
            10
        );
        // No two active bookings overlap.
        assert_eq!(
            k.count(
                "SELECT COUNT(*) FROM booking a JOIN booking b ON a.id < b.id AND a.day = b.day
                 AND a.start_min < b.end_min AND b.start_min < a.end_min"
            ),
            0
        );
    }

    #[test]
    fn a_full_or_read_only_database_stores_nothing_says_so_and_recovers() {
        let k = Kiosk::start();
        let handle = k.handle();
        let mut b = k.browser();

        // The database's location becomes read-only.
        handle.inject_db_fault(Fault::ReadOnly);
        let (_, r) = book_form(&mut b, "2026-12-01T09:00", "Ada", "Lovelace", "11L");
        assert_eq!(r.header("Location").as_deref(), Some("/unsaved"));
        let page = b.get("/unsaved");
        assert_eq!(page.status, 503);
        assert!(page.body.contains("Nothing was saved"));
        assert!(page.body.contains("not booked in"));
        shows_nothing_of(&page, &["Lovelace", "11L"]);
        assert_eq!(k.count("SELECT COUNT(*) FROM booking"), 0);

        // The disk fills up: joins are confirmed until one is refused, and only the confirmed
        // ones are stored.
        handle.inject_db_fault(Fault::Full);
        let mut confirmed = 0;
        let mut refused = false;
        for i in 0..3000 {
            let name = format!("Student{i:04} {}", "x".repeat(40));
            let r = b.send("/queue", &[("first_name", &name), ("tutor_group", "10A")]);
            match r.header("Location").as_deref() {
                Some("/unsaved") => {
                    refused = true;
                    break;
                }
                Some(l) if l.starts_with("/queue/ticket?r=") => confirmed += 1,
                other => panic!("unexpected answer {other:?}: {}", r.body),
            }
        }
        assert!(refused, "the full disk never refused a write");
        eprintln!("full disk: {confirmed} queue places confirmed and stored before the refusal");
        assert_eq!(k.count("SELECT COUNT(*) FROM queue_entry"), confirmed);
        // Reading still works while full.
        assert_eq!(b.get("/book").status, 200);

        // Space returns: the kiosk carries on by itself.
        handle.inject_db_fault(Fault::None);
        let (_, r) = book_form(&mut b, "2026-12-01T09:00", "Ada", "Lovelace", "11L");
        let slip = b.get(&r.header("Location").unwrap());
        assert!(slip.body.contains("Ada Lovelace"), "{}", slip.body);
        assert_eq!(k.count("SELECT COUNT(*) FROM booking"), 1);
        let r = b.post("/queue", &[("first_name", "Bo"), ("tutor_group", "9B")]);
        assert_eq!(r.status, 200);
        assert_eq!(k.count("SELECT COUNT(*) FROM queue_entry"), confirmed + 1);
    }

    /// A kiosk started from the real binary, as on the careers-room PC.
    struct Process {
        child: Child,
        addr: SocketAddr,
    }

    impl Process {
        fn start(db: &Path, config: &Path, now: &str) -> Process {
            let mut child = Command::new(env!("CARGO_BIN_EXE_signpost"))
                .arg("kiosk")
                .arg("--db")
                .arg(db)
                .arg("--config")
                .arg(config)
                .args(["--listen", "127.0.0.1:0", "--now", now])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
            let addr = loop {
                let line = lines
                    .next()
                    .expect("the kiosk stopped before it was running")
                    .unwrap();
                if let Some(rest) = line.strip_prefix("kiosk running at http://") {
                    break rest.split_whitespace().next().unwrap().parse().unwrap();
                }
            };
            // Keep reading so the kiosk never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            Process { child, addr }
        }

        fn kill(mut self) {
            self.child.kill().unwrap();
            self.child.wait().unwrap();
        }
    }

    /// A config folder where the adviser is in every day, all day, for 90 days ahead.
    fn storm_config(dir: &Path) -> PathBuf {
        let config = dir.join("config");
        std::fs::create_dir_all(&config).unwrap();
        let mut toml = String::from(
            "school_name = \"Storm School\"\nbooking_days_ahead = 90\n[backup]\nkeep = 0\n",
        );
        for day in [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ] {
            toml.push_str(&format!(
                "[[availability]]\nday = \"{day}\"\nfrom = \"08:00\"\nto = \"20:00\"\n"
            ));
        }
        std::fs::write(config.join("kiosk.toml"), toml).unwrap();
        config
    }

    /// The `i`th 30-minute slot from 2 December 2026 (24 a day, 08:00 to 20:00).
    fn storm_slot(i: usize) -> String {
        let day = datetime!(2026-12-02 08:00).date() + time::Duration::days((i / 24) as i64);
        let start = 8 * 60 + 30 * (i % 24);
        format!("{day}T{:02}:{:02}", start / 60, start % 60)
    }

    /// One client of the storm: books slot after slot until the kiosk is gone, recording each
    /// booking it got a confirmation for.
    fn storm_client(addr: SocketAddr, next: Arc<AtomicUsize>, confirmed: Arc<Mutex<Vec<String>>>) {
        let Ok(start) = try_raw(
            addr,
            b"GET / HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n",
        ) else {
            return;
        };
        let mut b = Browser::fresh(addr);
        b.remember(&start);
        loop {
            let i = next.fetch_add(1, Ordering::SeqCst);
            let name = format!("Storm{i}");
            let body = b.form_body(&[
                ("slot", &storm_slot(i)),
                ("first_name", &name),
                ("surname", "Crash"),
                ("tutor_group", "11C"),
            ]);
            let req = format!(
                "POST /book HTTP/1.1\r\nHost: k\r\n{}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                b.cookie_header(),
                body.len()
            );
            match try_raw(addr, req.as_bytes()) {
                Ok(r) if r.status == 0 => return,
                Ok(r) => {
                    let to = r.header("Location").unwrap_or_default();
                    assert!(
                        to.starts_with("/book/done?r="),
                        "{} {to}: {}",
                        r.status,
                        r.body
                    );
                    confirmed.lock().unwrap().push(name);
                }
                Err(_) => return,
            }
        }
    }

    #[test]
    fn sigkill_mid_booking_storm_loses_no_confirmed_booking() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.db");
        let config = storm_config(dir.path());
        let next = Arc::new(AtomicUsize::new(0));
        let confirmed = Arc::new(Mutex::new(Vec::<String>::new()));
        for round in 1..=5 {
            let kiosk = Process::start(&db, &config, "2026-12-01T08:00");
            let clients: Vec<_> = (0..4)
                .map(|_| {
                    let (next, confirmed) = (Arc::clone(&next), Arc::clone(&confirmed));
                    let addr = kiosk.addr;
                    std::thread::spawn(move || storm_client(addr, next, confirmed))
                })
                .collect();
            // Kill once this round has had 20 bookings confirmed, while the clients carry on.
            let want = round * 20;
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            while confirmed.lock().unwrap().len() < want {
                assert!(
                    std::time::Instant::now() < deadline,
                    "round {round}: only {} bookings confirmed",
                    confirmed.lock().unwrap().len()
                );
                std::thread::yield_now();
            }
            kiosk.kill();
            for c in clients {
                c.join().unwrap();
            }
        }
        let conn = Connection::open(&db).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let confirmed = confirmed.lock().unwrap();
        let mut missing = Vec::new();
        for name in confirmed.iter() {
            let n: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM booking WHERE first_name = ?1 AND cancelled_at IS NULL",
                    [name],
                    |r| r.get(0),
                )
                .unwrap();
            if n != 1 {
                missing.push(name.clone());
            }
        }
        assert!(missing.is_empty(), "lost confirmed bookings: {missing:?}");
        assert!(confirmed.len() >= 100);
        eprintln!(
            "crash test: 5 SIGKILLs, {} confirmed bookings, all found, integrity_check ok",
            confirmed.len()
        );
        // And the kiosk starts again on the file.
        Process::start(&db, &config, "2026-12-01T08:00").kill();
    }

    #[test]
    fn a_daily_backup_restores_everything_after_the_database_is_destroyed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.db");
        // Day 1: a check, a booking and a queue place.
        let handle = start_at(&db, dir.path());
        let mut b = Browser::new(handle.addr());
        let r = post_pairs(&mut b, "/triage", &year11_answers("not", "1", "no"));
        let token = r.field("triage");
        let r = b.get(&format!(
            "/book/details?slot=2026-12-01T09%3A00&triage={token}"
        ));
        let form_id = r.field("form_id");
        let r = b.post(
            "/book",
            &[
                ("slot", "2026-12-01T09:00"),
                ("triage", &token),
                ("form_id", &form_id),
                ("first_name", "Rosalind"),
                ("surname", "Franklin"),
                ("tutor_group", "11F"),
            ],
        );
        let reference = r.reference();
        b.post(
            "/queue",
            &[("first_name", "Rosalind"), ("tutor_group", "11F")],
        );
        handle.shutdown();

        // Day 2: the kiosk makes the day's copy by itself.
        let mut cfg = KioskConfig::new(db.clone());
        cfg.listen = "127.0.0.1:0".parse().unwrap();
        cfg.clock = Clock::Fixed(datetime!(2026-12-02 08:00));
        let handle = kiosk::start(cfg).unwrap();
        let copy = dir.path().join("backups").join("kiosk-2026-12-02.db");
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while !copy.is_file() {
            assert!(
                std::time::Instant::now() < deadline,
                "no backup at {copy:?}"
            );
            std::thread::yield_now();
        }
        handle.shutdown();
        let before = dump(&db);
        assert!(before.contains("Franklin"));

        // The database is destroyed.
        for f in ["kiosk.db", "kiosk.db-wal", "kiosk.db-shm"] {
            let _ = std::fs::remove_file(dir.path().join(f));
        }
        let out = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .arg("kiosk")
            .arg("--db")
            .arg(&db)
            .arg("restore")
            .arg(&copy)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("1 bookings, 1 quick checks, 1 queue entries"),
            "{stdout}"
        );
        assert_eq!(dump(&db), before, "the restored database differs");

        // The kiosk runs on it: the time is still taken and the booking can be cancelled.
        let handle = start_at(&db, dir.path());
        let mut b = Browser::new(handle.addr());
        assert!(!b.get("/book").body.contains("value=\"2026-12-01T09:00\""));
        let r = b.post(
            "/book/cancel",
            &[("reference", &reference), ("surname", "Franklin")],
        );
        assert!(r.body.contains("Your booking is cancelled"), "{}", r.body);
        handle.shutdown();

        // A damaged file is refused, and the database is left as it was.
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, vec![1u8; 10_000]).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(["kiosk", "--db"])
            .arg(&db)
            .arg("restore")
            .arg(&junk)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("junk.db cannot be restored"), "{err}");
    }

    fn signpost_kiosk(db: &Path, args: &[&str]) -> (bool, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(["kiosk", "--now", "2026-11-30T12:00", "--db"])
            .arg(db)
            .args(args)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    #[test]
    fn a_time_zone_signpost_does_not_know_stops_the_kiosk_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kiosk");
        std::fs::create_dir(&config).unwrap();
        std::fs::write(
            config.join("kiosk.toml"),
            "school_name = \"A\"\ntime_zone = \"Europe/Londn\"\n",
        )
        .unwrap();
        let db = dir.path().join("kiosk.db");
        let (ok, text) = signpost_kiosk(
            &db,
            &["--config", config.to_str().unwrap(), "availability", "list"],
        );
        assert!(!ok, "{text}");
        assert!(text.contains("kiosk.toml:2:"), "{text}");
        assert!(text.contains("time_zone: `Europe/Londn`"), "{text}");
        assert!(text.contains("\"Europe/London\""), "{text}");
    }

    #[test]
    fn availability_list_shows_the_usual_week_and_the_dates_added() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.db");
        let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk");
        let config = config.to_str().unwrap();
        let (ok, text) = signpost_kiosk(&db, &["--config", config, "availability", "list"]);
        assert!(ok, "{text}");
        assert_eq!(
            text,
            "Usual week (from kiosk.toml):\n  Tuesday    09:00 to 12:30\n  Tuesday    13:30 to 15:30\nDates added (from today on):\n  none\nBlocked dates (from today on; no sessions at all):\n  none\n"
        );
        for (date, from, to) in [
            ("2026-12-03", "09:00", "12:00"),
            ("2026-11-01", "10:00", "11:00"),
        ] {
            let (ok, text) = signpost_kiosk(
                &db,
                &[
                    "availability",
                    "add",
                    "--date",
                    date,
                    "--from",
                    from,
                    "--to",
                    to,
                ],
            );
            assert!(ok, "{text}");
        }
        let (ok, text) = signpost_kiosk(&db, &["--config", config, "availability", "list"]);
        assert!(ok, "{text}");
        // The date in the past is not listed.
        assert!(
            text.contains(
                "Dates added (from today on):\n  2026-12-03 (Thursday 3 December)  09:00 to 12:00\nBlocked"
            ),
            "{text}"
        );
        let (ok, text) = signpost_kiosk(
            &db,
            &[
                "availability",
                "add",
                "--date",
                "2026-12-03",
                "--from",
                "12:00",
                "--to",
                "09:00",
            ],
        );
        assert!(!ok);
        assert!(
            text.contains("--to (09:00) must be after --from (12:00)"),
            "{text}"
        );
    }

    #[test]
    fn kiosk_help_lists_every_subcommand() {
        let dir = tempfile::tempdir().unwrap();
        let (ok, text) = signpost_kiosk(&dir.path().join("k.db"), &["--help"]);
        assert!(ok, "{text}");
        for sub in ["availability", "backup", "restore"] {
            assert!(
                text.lines().any(|l| l.starts_with("  ")
                    && l.split_whitespace().next() == Some(sub)
                    && l.split_whitespace().count() > 1),
                "{sub} is not listed in:\n{text}"
            );
        }
    }

    /// Every row of every kiosk table, as text, to compare two databases.
    fn dump(db: &Path) -> String {
        let conn = Connection::open(db).unwrap();
        let mut out = String::new();
        for table in [
            "triage",
            "triage_option",
            "triage_answer",
            "availability",
            "booking",
            "queue_entry",
        ] {
            let mut st = conn
                .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
                .unwrap();
            let n = st.column_count();
            let rows = st
                .query_map([], |r| {
                    let cells: Vec<String> = (0..n)
                        .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                        .collect();
                    Ok(cells.join("|"))
                })
                .unwrap();
            for row in rows {
                out.push_str(&format!("{table}: {}\n", row.unwrap()));
            }
        }
        out
    }

    #[test]
    fn data_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.db");
        let handle = start_at(&db, dir.path());
        let mut b = Browser::new(handle.addr());
        let r = b.get("/book/details?slot=2026-12-01T09%3A00");
        let form_id = r.field("form_id");
        let r = b.post(
            "/book",
            &[
                ("slot", "2026-12-01T09:00"),
                ("form_id", &form_id),
                ("first_name", "Mary"),
                ("surname", "Somerville"),
                ("tutor_group", "13S"),
            ],
        );
        assert_eq!(r.status, 200);
        let reference = r.reference();
        b.post("/queue", &[("first_name", "Mary"), ("tutor_group", "13S")]);
        handle.shutdown();

        let handle = start_at(&db, dir.path());
        let mut b = Browser::new(handle.addr());
        let r = b.get("/book");
        assert!(!r.body.contains("value=\"2026-12-01T09:00\""));
        let r = b.get("/queue");
        assert!(r.body.contains("1 person is waiting right now."));
        let r = b.post(
            "/book/cancel",
            &[("reference", &reference), ("surname", "Somerville")],
        );
        assert_eq!(r.status, 200);
        handle.shutdown();

        let conn = Connection::open(&db).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, signpost::kiosk::store::SCHEMA_VERSION);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_damaged_database_stops_the_start_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.db");
        std::fs::write(&db, vec![7u8; 10_000]).unwrap();
        let mut cfg = KioskConfig::new(db);
        cfg.listen = "127.0.0.1:0".parse().unwrap();
        let err = kiosk::start(cfg).err().expect("must refuse").to_string();
        assert!(err.contains("damaged"), "{err}");
    }

    #[test]
    fn garbage_and_slow_clients_do_not_stop_the_server() {
        let k = Kiosk::start();
        let addr = k.addr();
        for junk in [
            &b"GARBAGE\r\n\r\n"[..],
            b"\x00\x01\x02\xff\xfe\r\n\r\n",
            b"GET / HTTP/9.9\r\nHost\r\n\r\n",
            b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            b"POST /queue HTTP/1.1\r\nContent-Length: -5\r\nConnection: close\r\n\r\n",
            b"\r\n\r\n\r\n",
        ] {
            let mut s = TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.write_all(junk).unwrap();
            let _ = s.shutdown(std::net::Shutdown::Write);
            let _ = s.read_to_end(&mut Vec::new());
            assert_eq!(
                raw(
                    addr,
                    b"GET / HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n"
                )
                .status,
                200
            );
        }
        // A very long target and too many headers are refused.
        let long = format!(
            "GET /{} HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n",
            "a".repeat(5000)
        );
        assert_eq!(raw(addr, long.as_bytes()).status, 414);
        let mut many = String::from("GET / HTTP/1.1\r\nHost: k\r\nConnection: close\r\n");
        for i in 0..100 {
            many.push_str(&format!("X-H{i}: v\r\n"));
        }
        many.push_str("\r\n");
        assert_eq!(raw(addr, many.as_bytes()).status, 431);

        // Clients that stall half-way through their headers or bodies hold no more than what they
        // took; everyone else is still served.
        let mut stalled = Vec::new();
        for _ in 0..8 {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: k\r\nX-Slow: ")
                .unwrap();
            stalled.push(s);
        }
        // More stalled bodies than there are workers.
        for _ in 0..6 {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"POST /queue HTTP/1.1\r\nHost: k\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\nfirst_name=").unwrap();
            stalled.push(s);
        }
        // The signal that the server has taken every stalled connection (it accepts them in
        // order): a request made after them is answered. Polled with a short deadline per try
        // and a generous bound overall; then each request must be answered before `raw`'s read
        // deadline (a request stuck behind the stalled clients fails the test).
        let bound = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let mut s = TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut buf = Vec::new();
            if s.read_to_end(&mut buf).is_ok() && parse_response(&buf).status == 200 {
                break;
            }
            assert!(
                std::time::Instant::now() < bound,
                "the kiosk never answered while clients stalled"
            );
        }
        for _ in 0..10 {
            assert_eq!(
                raw(
                    addr,
                    b"GET /queue HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n"
                )
                .status,
                200
            );
        }
        drop(stalled);
        assert_eq!(
            raw(
                addr,
                b"GET / HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n"
            )
            .status,
            200
        );
    }

    #[test]
    fn the_server_keeps_serving_when_accept_fails() {
        let k = Kiosk::start();
        let handle = k.handle();
        let addr = k.addr();
        handle.break_accept_loop().unwrap();
        for _ in 0..10 {
            let r = raw(
                addr,
                b"GET / HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n",
            );
            assert_eq!(r.status, 200);
        }
        assert!(
            handle.accept_recoveries() >= 1,
            "no failed accept was recovered from"
        );
    }
}
