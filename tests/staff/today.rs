//! Today and the Diary: a booking made on the student side seen by the adviser, the drop-in
//! queue run from Today, and the diary edited in the browser changing what students are offered.

use signpost::kiosk::staff::Role;

use crate::common::{Browser, Kiosk, Resp};

/// A Year 11 quick check considering an apprenticeship (always Red, 60 minutes); returns the
/// triage token from the result page.
fn red_quick_check(student: &mut Browser) -> String {
    let answers = "year=11&opt_a-levels=definitely&opt_t-levels=not&opt_college-course=considering\
        &opt_apprenticeship=considering&opt_employment-training=not&q_know-options=1\
        &q_entry-requirements=1&q_how-to-apply=1&q_talked-to-someone=1&q_how-sure=1\
        &extra_support=no";
    let body = format!("{}&{answers}", student.form_body(&[]));
    let sent = student.send_raw("/triage", body.as_bytes());
    assert_eq!(sent.status, 303, "{}", sent.body);
    let r = student.get(&sent.header("Location").unwrap());
    assert_eq!(r.status, 200, "{}", r.body);
    r.field("triage")
}

/// Books `slot` as a new student without a quick check; returns the answer to the POST (not
/// followed).
fn book(k: &Kiosk, slot: &str, first: &str, surname: &str, group: &str) -> Resp {
    book_as(&mut k.browser(), slot, "", first, surname, group)
}

/// Books `slot` through the booking form in the student's own browser (the one that did the
/// quick check `triage`, if any).
fn book_as(
    student: &mut Browser,
    slot: &str,
    triage: &str,
    first: &str,
    surname: &str,
    group: &str,
) -> Resp {
    let r = student.get(&format!(
        "/book/details?slot={}&triage={triage}",
        signpost::kiosk::http::encode(slot)
    ));
    let form_id = r.field("form_id");
    student.send(
        "/book",
        &[
            ("slot", slot),
            ("triage", triage),
            ("form_id", &form_id),
            ("first_name", first),
            ("surname", surname),
            ("tutor_group", group),
        ],
    )
}

/// Joins today's queue as a new student.
fn join_queue(k: &Kiosk, first: &str, group: &str) {
    let mut student = k.browser();
    let r = student.post("/queue", &[("first_name", first), ("tutor_group", group)]);
    assert_eq!(r.status, 200, "{}", r.body);
}

fn queue_id(k: &Kiosk, number: i64) -> String {
    k.count(&format!(
        "SELECT id FROM queue_entry WHERE day = '2026-12-01' AND number = {number}"
    ))
    .to_string()
}

/// The first column of the first row of `sql`, as text.
fn text(k: &Kiosk, sql: &str) -> String {
    k.db().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// What the student's "check my place" page says for a number.
fn place(k: &Kiosk, number: i64) -> String {
    let r = k.browser().get(&format!("/queue/place?number={number}"));
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

#[test]
fn a_booking_made_as_a_student_is_on_today_with_its_quick_check() {
    let k = Kiosk::start();
    let mut student = k.browser();
    let token = red_quick_check(&mut student);
    let r = book_as(
        &mut student,
        "2026-12-01T09:00",
        &token,
        "Ada",
        "Lovelace",
        "11L",
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let no_check = book(&k, "2026-12-01T13:30", "Alan", "Turing", "11T");
    assert_eq!(no_check.status, 303, "{}", no_check.body);
    let next_week = book(&k, "2026-12-08T09:00", "Grace", "Hopper", "10H");
    assert_eq!(next_week.status, 303);
    let id = k.count("SELECT id FROM booking WHERE surname = 'Lovelace'");
    let question: String = text(
        &k,
        "SELECT answer FROM triage_answer WHERE question_id = 'know-options'",
    );

    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    let r = adviser.get("/staff/today");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Tuesday 1 December"));
    assert!(r.body.contains("Ada Lovelace, tutor group 11L, Year 11"));
    assert!(r.body.contains("09:00 to 10:00</strong> (60 minutes)"));
    assert!(
        r.body.contains("Quick check: <strong>Red</strong>"),
        "the RAG as a word: {}",
        r.body
    );
    assert!(r.body.contains("<details>"));
    assert!(r.body.contains(&format!("<dd>{question}</dd>")));
    assert!(r.body.contains("Do an apprenticeship: Considering"));
    assert!(r
        .body
        .contains(&format!("href=\"/staff/guidance?booking={id}\"")));
    // In time order; the one without a quick check says so.
    let ada = r.body.find("Ada Lovelace").unwrap();
    let alan = r.body.find("Alan Turing").unwrap();
    assert!(ada < alan);
    assert!(r.body[alan..].contains("No quick check."));
    assert!(!r.body.contains("Grace Hopper"), "another day's booking");
    // The week view: times only.
    assert!(r.body.contains("09:00 to 12:30<br>13:30 to 15:30"));
    assert!(r.body.contains("09:00 to 10:00<br>13:30 to 14:00"));

    // The day picker finds next week's booking; a bad date is kept and explained.
    let r = adviser.get("/staff/today?day=2026-12-08");
    assert!(r.body.contains("Grace Hopper") && !r.body.contains("Ada Lovelace"));
    assert!(r.body.contains("href=\"/staff/today?day=2026-12-07\""));
    let r = adviser.get("/staff/today?day=8%2F12%2F2026");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("value=\"8&#x2F;12&#x2F;2026\""));
    assert!(r.body.contains("Enter a date like 2026-12-01"));

    // A cancelled booking stays on Today, marked as cancelled, without a guidance link.
    let reference: String = text(&k, "SELECT reference FROM booking WHERE surname = 'Turing'");
    let r = k.browser().post(
        "/book/cancel",
        &[("reference", &reference), ("surname", "Turing")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let turing = k.count("SELECT id FROM booking WHERE surname = 'Turing'");
    let r = adviser.get("/staff/today");
    let alan = r.body.find("Alan Turing").unwrap();
    let item = &r.body[..alan];
    assert!(item[item.rfind("<li").unwrap()..].contains("class=\"booking cancelled\""));
    assert!(r.body[alan - 300..alan].contains("Cancelled"));
    assert!(!r
        .body
        .contains(&format!("/staff/guidance?booking={turing}\"")));
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE action <> 'session'"),
        0,
        "looking at Today is not a record view"
    );
}

#[test]
fn the_queue_is_run_from_today_and_a_double_tap_changes_nothing() {
    let k = Kiosk::start();
    join_queue(&k, "Ann", "10A");
    join_queue(&k, "Ben", "10B");
    join_queue(&k, "Cal", "11C");
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    let r = adviser.get("/staff/today");
    assert!(r.body.contains("Call next: number 1, Ann"), "{}", r.body);
    assert!(r.body.contains("waiting 0 minutes"));

    let one = queue_id(&k, 1);
    let call = [("action", "call"), ("id", one.as_str())];
    let r = adviser.send("/staff/queue", &call);
    assert_eq!(r.status, 303);
    let r = adviser.post("/staff/queue", &call);
    assert!(r.body.contains("Nothing changed: number 1"), "{}", r.body);
    assert_eq!(
        k.count("SELECT COUNT(*) FROM queue_entry WHERE called_at IS NOT NULL"),
        1,
        "a second tap does not call the next person"
    );
    assert!(r.body.contains("Call next: number 2, Ben"));
    // Someone called is with the adviser: no longer ahead of anyone, and told it is their turn.
    assert!(place(&k, 1).contains("It is your turn"));
    assert!(place(&k, 2).contains("You are next."));
    assert!(place(&k, 3).contains("There is 1 person ahead of you."));

    let seen = [("action", "seen"), ("id", one.as_str())];
    let r = adviser.post("/staff/queue", &seen);
    assert!(r.body.contains("Number 1 is marked as seen."));
    let first_seen: String = text(&k, "SELECT seen_at FROM queue_entry WHERE number = 1");
    let r = adviser.post("/staff/queue", &seen);
    assert!(r.body.contains("Nothing changed"));
    assert!(r
        .body
        .contains(&format!("href=\"/staff/guidance?queue={one}\"")));
    let again: String = text(&k, "SELECT seen_at FROM queue_entry WHERE number = 1");
    assert_eq!(first_seen, again);
    assert!(place(&k, 1).contains("has already been seen"));

    let two = queue_id(&k, 2);
    let r = adviser.post("/staff/queue", &[("action", "left"), ("id", two.as_str())]);
    assert!(r.body.contains("Number 2 is marked as having left."));
    assert!(place(&k, 3).contains("You are next."));
    // Someone who has left cannot then be called or seen.
    let r = adviser.post("/staff/queue", &[("action", "call"), ("id", two.as_str())]);
    assert!(r.body.contains("Nothing changed"));
    assert_eq!(
        k.count("SELECT COUNT(*) FROM queue_entry WHERE number = 2 AND called_at IS NULL AND seen_at IS NULL"),
        1
    );
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE record LIKE 'queue_entry %'"),
        3,
        "called, seen, left: one line each, none for the repeats"
    );
    assert_eq!(
        k.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE record = 'queue_entry {one}' AND detail = 'called' AND staff_name = 'Ms Patel'"
        )),
        1
    );
    // Nonsense is refused without a change.
    let r = adviser.send("/staff/queue", &[("action", "shout"), ("id", two.as_str())]);
    assert_eq!(r.status, 400);
    let r = adviser.send("/staff/queue", &[("action", "seen"), ("id", "99999")]);
    assert_eq!(r.status, 404);
}

#[test]
fn two_staff_calling_the_same_person_at_once_call_them_once() {
    let k = Kiosk::start();
    join_queue(&k, "Ann", "10A");
    join_queue(&k, "Ben", "10A");
    let one = queue_id(&k, 1);
    let a = k.signed_in("Ms Patel", Role::Adviser);
    let b = k.signed_in("Mr Jones", Role::Leader);
    let answers: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = [a, b]
            .into_iter()
            .map(|mut browser| {
                let one = one.clone();
                s.spawn(move || {
                    browser
                        .send("/staff/queue", &[("action", "call"), ("id", &one)])
                        .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(answers, [303, 303]);
    assert_eq!(
        k.count("SELECT COUNT(*) FROM queue_entry WHERE called_at IS NOT NULL"),
        1
    );
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE detail = 'called'"),
        1
    );
}

#[test]
fn a_tutor_sees_only_their_own_groups_and_does_not_run_the_queue() {
    let k = Kiosk::start();
    assert_eq!(
        book(&k, "2026-12-01T09:00", "Tia", "Own", "10A").status,
        303
    );
    assert_eq!(
        book(&k, "2026-12-01T10:00", "Uma", "Other", "11B").status,
        303
    );
    join_queue(&k, "Vic", "10a");
    join_queue(&k, "Wes", "11B");
    let mut tutor = k.signed_in("Mr Green", Role::Tutor);
    let r = tutor.get("/staff/today");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Tia Own"));
    assert!(!r.body.contains("Uma Other"));
    assert!(r.body.contains("your own tutor groups only"));
    assert!(r.body.contains("Number 1</strong>: Vic"));
    assert!(!r.body.contains("Wes"));
    assert!(!r.body.contains("Call next"));
    assert!(!r.body.contains("action=\"/staff/queue\""));
    assert!(!r.body.contains("href=\"/staff/diary\""));
    let one = queue_id(&k, 1);
    let r = tutor.send("/staff/queue", &[("action", "call"), ("id", &one)]);
    assert_eq!(r.status, 403);
    assert_eq!(tutor.get("/staff/diary").status, 403);
    assert_eq!(
        k.count("SELECT COUNT(*) FROM queue_entry WHERE called_at IS NOT NULL"),
        0
    );
}

/// The student's slot list for a 30-minute session (no quick check).
fn slots(k: &Kiosk) -> String {
    let r = k.browser().get("/book");
    assert_eq!(r.status, 200);
    r.body
}

#[test]
fn the_usual_week_saved_in_the_browser_changes_what_students_see() {
    let k = Kiosk::start();
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    let r = adviser.get("/staff/diary");
    assert_eq!(r.status, 200);
    assert!(r
        .body
        .contains("comes from\nthe <code>availability</code> list in kiosk.toml"));
    assert!(r
        .body
        .contains("<td>Tuesday</td><td>09:00</td><td>12:30</td>"));
    assert!(
        !slots(&k).contains("2026-12-02T10:00"),
        "not open on Wednesdays yet"
    );

    let r = adviser.post(
        "/staff/diary",
        &[
            ("action", "add_usual"),
            ("usual_day", "wednesday"),
            ("usual_from", "10:00"),
            ("usual_to", "11:00"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("The row has been added to the usual week."));
    assert!(r.body.contains("was saved here, in the browser"));
    assert_eq!(
        k.count("SELECT COUNT(*) FROM usual_week"),
        3,
        "kiosk.toml's two rows and the new one"
    );
    assert_eq!(
        k.count("SELECT COUNT(*) FROM setting WHERE key = 'usual_week_saved'"),
        1
    );
    let s = slots(&k);
    assert!(s.contains("value=\"2026-12-02T10:00\""));
    assert!(s.contains("value=\"2026-12-08T09:00\""));

    // Removing Tuesday mornings takes them away from students.
    let remove = [
        ("action", "remove_usual"),
        ("weekday", "2"),
        ("from", "09:00"),
        ("to", "12:30"),
    ];
    let r = adviser.post("/staff/diary", &remove);
    assert!(r
        .body
        .contains("The row has been removed from the usual week."));
    let s = slots(&k);
    assert!(!s.contains("value=\"2026-12-08T09:00\""));
    assert!(s.contains("value=\"2026-12-08T13:30\""));
    // The same removal again (a double tap) changes nothing.
    let r = adviser.post("/staff/diary", &remove);
    assert!(r.body.contains("Nothing changed"));
    assert_eq!(k.count("SELECT COUNT(*) FROM usual_week"), 2);
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE record = 'usual_week'"),
        2
    );
}

#[test]
fn diary_mistakes_are_shown_next_to_the_field_with_the_text_kept() {
    let k = Kiosk::start();
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    let r = adviser.post(
        "/staff/diary",
        &[
            ("action", "add_usual"),
            ("usual_day", "tuesday"),
            ("usual_from", "10:00"),
            ("usual_to", "09:00"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"usual_to-error\""));
    assert!(r.body.contains("The end time must be after the start time"));
    assert!(
        r.body.contains("href=\"#usual_to\""),
        "in the error summary"
    );
    assert!(r.body.contains("name=\"usual_from\" value=\"10:00\""));
    assert!(r.body.contains("<option value=\"tuesday\" selected>"));

    let r = adviser.post(
        "/staff/diary",
        &[
            ("action", "add_usual"),
            ("usual_day", "tuesday"),
            ("usual_from", "11:00"),
            ("usual_to", "13:45"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("This overlaps Tuesday 09:00 to 12:30"));
    assert_eq!(
        k.count("SELECT COUNT(*) FROM usual_week") + k.count("SELECT COUNT(*) FROM setting"),
        0,
        "nothing half-saved: the usual week still comes from kiosk.toml"
    );

    let r = adviser.post(
        "/staff/diary",
        &[
            ("action", "add_session"),
            ("session_date", "31/12/2026"),
            ("session_from", "9am"),
            ("session_to", "10:00"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("value=\"31&#x2F;12&#x2F;2026\""));
    assert!(r.body.contains("value=\"9am\""));
    assert!(r.body.contains("Enter the date as year-month-day"));
    assert!(r.body.contains("Enter the start time as hours and minutes"));

    let r = adviser.post(
        "/staff/diary",
        &[
            ("action", "add_block"),
            ("block_first", "2026-12-10"),
            ("block_last", "2026-12-09"),
            ("block_reason", ""),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r
        .body
        .contains("The last day must be the same as or after the first day"));
    assert!(r.body.contains("Enter the reason"));
    assert_eq!(k.count("SELECT COUNT(*) FROM diary_block"), 0);
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE action <> 'session'"),
        0
    );
}

#[test]
fn one_off_sessions_are_added_and_removed_in_the_browser() {
    let k = Kiosk::start();
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    let add = [
        ("action", "add_session"),
        ("session_date", "2026-12-03"),
        ("session_from", "14:00"),
        ("session_to", "15:00"),
    ];
    let r = adviser.post("/staff/diary", &add);
    assert!(r.body.contains("The session has been added."), "{}", r.body);
    assert!(r
        .body
        .contains("<td>Thursday 3 December 2026</td><td>14:00</td><td>15:00</td>"));
    assert!(slots(&k).contains("value=\"2026-12-03T14:00\""));
    let r = adviser.post("/staff/diary", &add);
    assert!(r.body.contains("Nothing changed"));
    assert_eq!(k.count("SELECT COUNT(*) FROM availability"), 1);
    let overlapping = [
        ("action", "add_session"),
        ("session_date", "2026-12-03"),
        ("session_from", "14:30"),
        ("session_to", "16:00"),
    ];
    let r = adviser.post("/staff/diary", &overlapping);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("This overlaps the session 14:00 to 15:00"));
    let past = [
        ("action", "add_session"),
        ("session_date", "2026-11-30"),
        ("session_from", "14:00"),
        ("session_to", "15:00"),
    ];
    assert_eq!(adviser.post("/staff/diary", &past).status, 422);

    let id = k.count("SELECT id FROM availability").to_string();
    let r = adviser.post("/staff/diary", &[("action", "remove_session"), ("id", &id)]);
    assert!(r.body.contains("The session has been removed."));
    assert!(!slots(&k).contains("value=\"2026-12-03T14:00\""));
    assert_eq!(k.count("SELECT COUNT(*) FROM availability"), 0);
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE record = 'availability'"),
        2
    );
}

#[test]
fn a_blocked_day_offers_no_slots_and_refuses_a_booking() {
    let k = Kiosk::start();
    assert!(slots(&k).contains("value=\"2026-12-08T09:00\""));
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    let r = adviser.post(
        "/staff/diary",
        &[
            ("action", "add_block"),
            ("block_first", "2026-12-08"),
            ("block_last", ""),
            ("block_reason", "Training day"),
        ],
    );
    assert!(
        r.body.contains("The dates have been blocked."),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains("<td>Tuesday 8 December 2026</td><td>Training day</td>"));
    assert!(!slots(&k).contains("2026-12-08T"));
    assert!(
        slots(&k).contains("value=\"2026-12-01T09:00\""),
        "other days stay open"
    );

    // The details page no longer offers the time, and a booking form for it sent straight to
    // /book (one opened before the block) is refused.
    assert_eq!(
        k.browser()
            .get("/book/details?slot=2026-12-08T09%3A00")
            .status,
        409
    );
    let r = k.browser().send(
        "/book",
        &[
            ("slot", "2026-12-08T09:00"),
            ("form_id", "0123456789abcdef0123456789abcdef"),
            ("first_name", "Ada"),
            ("surname", "Lovelace"),
            ("tutor_group", "11L"),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("Location").as_deref(), Some("/book?notice=gone"));
    assert_eq!(k.count("SELECT COUNT(*) FROM booking"), 0);

    // Today's week view says why.
    let r = adviser.get("/staff/today?day=2026-12-08");
    assert!(r.body.contains("Blocked: Training day"));

    let id = k.count("SELECT id FROM diary_block").to_string();
    let r = adviser.post("/staff/diary", &[("action", "remove_block"), ("id", &id)]);
    assert!(r.body.contains("The block has been removed."));
    assert!(slots(&k).contains("value=\"2026-12-08T09:00\""));
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE record = 'diary_block'"),
        2
    );
}

#[test]
fn additional_needs_recorded_by_staff_make_a_booking_red_on_today_only() {
    let k = Kiosk::start();
    // An Amber quick check, booked with, by a student the adviser already has a record for.
    k.db()
        .execute_batch(
            "INSERT INTO triage (id, token, year_group, extra_support, score, max_score, rag, minutes, created_at)
               VALUES (7, 'tok7', 11, 0, 6, 10, 'amber', 30, '2026-11-30 10:00:00');
             INSERT INTO booking (reference, day, start_min, end_min, first_name, surname, tutor_group, triage_id, created_at)
               VALUES ('ABC123', '2026-12-01', 540, 570, 'Ada', 'Lovelace', '11L', 7, '2026-11-30 10:01:00');
             INSERT INTO student (id, first_name, surname, tutor_group, created_at)
               VALUES (3, 'ada', 'LOVELACE', '11l', '2026-09-01 10:00:00');",
        )
        .unwrap();
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    let before = adviser.get("/staff/today");
    assert!(
        before.body.contains("Quick check: <strong>Amber</strong>"),
        "{}",
        before.body
    );
    assert!(!before.body.contains("Additional needs recorded"));

    let record = adviser.get("/staff/student?id=3");
    assert!(
        record
            .body
            .contains("<dd>None recorded (<a href=\"#needs\">change"),
        "{}",
        record.body
    );
    let r = adviser.send("/staff/student/needs", &[("id", "3"), ("needs", "yes")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("Location").unwrap(),
        "/staff/student?id=3&saved=needs#needs"
    );
    assert_eq!(
        k.count("SELECT additional_needs FROM student WHERE id = 3"),
        1
    );
    let record = adviser.get("/staff/student?id=3&saved=needs");
    assert!(record
        .body
        .contains("Recorded: their bookings show as Red on Today"));
    assert!(record
        .body
        .contains("id=\"needs-yes\" name=\"needs\" value=\"yes\" checked"));
    assert_eq!(
        k.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'change'
             AND record = 'student 3 additional needs' AND student_id = 3"
        ),
        1
    );

    // Today: Red, saying why, with what the answers alone gave.
    let today = adviser.get("/staff/today");
    assert!(
        today
            .body
            .contains("<strong>Additional needs recorded</strong>"),
        "{}",
        today.body
    );
    assert!(today
        .body
        .contains("Quick check: <strong>Red</strong> (the answers alone gave Amber)"));
    // Never on the student screen: the booking's slip and the start screen say nothing of it.
    for path in ["/", "/book/done?ref=ABC123"] {
        let page = k.browser().get(path);
        assert!(
            !page.body.to_lowercase().contains("additional needs"),
            "{path}"
        );
    }

    // Taken off again; a choice that is neither yes nor no is refused and changes nothing.
    let r = adviser.send("/staff/student/needs", &[("id", "3"), ("needs", "maybe")]);
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        k.count("SELECT additional_needs FROM student WHERE id = 3"),
        1
    );
    adviser.post("/staff/student/needs", &[("id", "3"), ("needs", "no")]);
    let today = adviser.get("/staff/today");
    assert!(today.body.contains("Quick check: <strong>Amber</strong>"));
    assert!(!today.body.contains("Additional needs recorded"));
    let r = adviser.send("/staff/student/needs", &[("id", "99"), ("needs", "yes")]);
    assert_eq!(r.status, 404);
}
