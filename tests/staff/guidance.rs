//! Guidance from a booking to the follow-up: a student books after a quick check, the adviser
//! records guidance, the follow-up falls due as the clock moves, the tutor records it and refers
//! the student back, and new guidance closes the referral. Checked in SQLite as well as on the
//! pages.

use signpost::kiosk::config::Config;
use signpost::kiosk::domain::YearGroup;
use signpost::kiosk::staff::Role;
use time::macros::datetime;

use crate::common::{Browser, Kiosk, Resp, PASSWORD};

/// Year 11 quick-check answers built from the built-in triage.toml: the apprenticeship
/// option marked `apprenticeship` (considering it makes the result Red), every other option
/// "considering", and every readiness question given answer number `answer` (0 = most ready).
pub(crate) fn year11(apprenticeship: &str, answer: &str) -> Vec<(String, String)> {
    let triage = Config::defaults().triage;
    let year = YearGroup::new(11).unwrap();
    let mut f: Vec<(String, String)> = vec![("year".into(), "11".into())];
    for o in &triage.pathways_for(year).unwrap().options {
        let c = if o.tags.iter().any(|t| t == "apprenticeship") {
            apprenticeship
        } else {
            "considering"
        };
        f.push((format!("opt_{}", o.id), c.into()));
    }
    for q in triage.questions_for(year) {
        f.push((format!("q_{}", q.id), answer.into()));
    }
    f.push(("extra_support".into(), "no".into()));
    f
}

/// A student does the quick check (if `check` is given) and books `slot` like at the kiosk;
/// returns the booking's row id.
pub(crate) fn book(
    k: &Kiosk,
    check: Option<Vec<(String, String)>>,
    slot: &str,
    name: (&str, &str, &str),
) -> i64 {
    let mut b = k.browser();
    let token = match check {
        Some(answers) => {
            let refs: Vec<(&str, &str)> = answers
                .iter()
                .map(|(a, c)| (a.as_str(), c.as_str()))
                .collect();
            let r = b.post("/triage", &refs);
            assert_eq!(r.status, 200, "{}", r.body);
            r.field("triage")
        }
        None => String::new(),
    };
    let r = b.get(&format!(
        "/book/details?slot={}&triage={token}",
        slot.replace(':', "%3A")
    ));
    assert_eq!(r.status, 200, "{}", r.body);
    let form_id = r.field("form_id");
    let r = b.post(
        "/book",
        &[
            ("slot", slot),
            ("triage", &token),
            ("form_id", &form_id),
            ("first_name", name.0),
            ("surname", name.1),
            ("tutor_group", name.2),
        ],
    );
    assert!(r.body.contains("You are booked in"), "{}", r.body);
    k.count("SELECT MAX(id) FROM booking")
}

/// Ada Lovelace (10A, Year 11, Red: she is considering an apprenticeship) books 09:00 on
/// Tuesday 1 December after a quick check; returns the booking's row id.
pub(crate) fn book_ada(k: &Kiosk) -> i64 {
    book(
        k,
        Some(year11("considering", "0")),
        "2026-12-01T09:00",
        ("Ada", "Lovelace", "10A"),
    )
}

/// Signs in an account that already exists (after a restart the old browser is gone).
pub(crate) fn sign_in(k: &Kiosk, name: &str) -> Browser {
    let mut b = k.browser();
    let r = b.post("/staff", &[("name", name), ("password", PASSWORD)]);
    assert_eq!(r.status, 200, "sign-in failed: {}", r.body);
    b
}

/// The guidance form's fields for a save.
pub(crate) fn guidance_fields<'a>(
    notes: &'a str,
    actions: &[&'a str],
    extra: &[(&'a str, &'a str)],
) -> Vec<(String, String)> {
    let mut f = vec![
        ("held_on".to_string(), "2026-12-01".to_string()),
        ("notes".into(), notes.into()),
    ];
    for (i, a) in actions.iter().enumerate() {
        f.push((format!("action-{}", i + 1), a.to_string()));
    }
    for (n, v) in extra {
        f.push((n.to_string(), v.to_string()));
    }
    f
}

pub(crate) fn post(b: &mut Browser, path: &str, fields: &[(String, String)]) -> Resp {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, c)| (a.as_str(), c.as_str()))
        .collect();
    b.post(path, &refs)
}

pub(crate) fn student_id(k: &Kiosk, surname: &str) -> i64 {
    k.db()
        .query_row(
            "SELECT id FROM student WHERE surname = ?1",
            [surname],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn guidance_from_booking_to_follow_up_and_referral() {
    let mut k = Kiosk::start();
    let ada = book_ada(&k);
    let grace = book(&k, None, "2026-12-01T13:30", ("Grace", "Hopper", "10B"));
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    k.add_staff("Mr Jones", Role::Tutor, &["10A"]);

    // The form for Ada's booking shows who she is and her quick check.
    let r = adviser.get(&format!("/staff/guidance?booking={ada}"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Guidance for Ada Lovelace (10A)"));
    assert!(r.body.contains("<dd>Red</dd>") && r.body.contains("<dd>Year 11</dd>"));
    assert!(
        r.body.contains("value=\"2026-12-01\""),
        "dated the booking's day"
    );

    // Missing notes: the form comes back with the typed actions kept and nothing stored.
    let missing = guidance_fields(
        "",
        &["Visit the college open day"],
        &[("destination", "apprenticeship")],
    );
    let mut with_booking = missing.clone();
    with_booking.push(("booking".into(), ada.to_string()));
    let r = post(&mut adviser, "/staff/guidance", &with_booking);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Enter notes from the session"));
    assert!(
        r.body.contains("href=\"#notes\""),
        "linked from the error summary"
    );
    assert!(r.body.contains("value=\"Visit the college open day\""));
    assert!(r.body.contains("value=\"apprenticeship\" checked"));
    assert_eq!(k.count("SELECT COUNT(*) FROM guidance"), 0);
    assert_eq!(
        k.count("SELECT COUNT(*) FROM student"),
        0,
        "nothing half-saved"
    );

    let mut fields = guidance_fields(
        "Keen on engineering <b>apprenticeships</b>.",
        &[
            "Visit the college open day",
            "",
            "Ask Mr Jones about work experience",
        ],
        &[
            ("destination", "apprenticeship"),
            ("destination_detail", "Engineering, level 3"),
            ("meeting_by_16", "yes"),
        ],
    );
    fields.push(("booking".into(), ada.to_string()));
    let r = post(&mut adviser, "/staff/guidance", &fields);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Guidance saved"));
    assert!(
        r.body.contains("follow-up is due on 29 December 2026"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("&lt;b&gt;apprenticeships&lt;&#x2F;b&gt;"),
        "escaped"
    );
    let g = k.count("SELECT id FROM guidance");
    let ada_id = student_id(&k, "Lovelace");
    assert_eq!(
        k.count(&format!(
            "SELECT COUNT(*) FROM guidance WHERE student_id = {ada_id} AND booking_id = {ada}
             AND destination = 'apprenticeship' AND meeting_by_16 = 1 AND meeting_by_18 = 0"
        )),
        1
    );
    for (sql, want) in [
        (
            format!("SELECT COUNT(*) FROM guidance_action WHERE guidance_id = {g}"),
            2,
        ),
        (
            format!(
                "SELECT COUNT(*) FROM follow_up WHERE guidance_id = {g} AND due_on = '2026-12-29'"
            ),
            1,
        ),
        (
            format!("SELECT year_group FROM student WHERE id = {ada_id}"),
            11,
        ),
        (
            format!("SELECT student_id FROM booking WHERE id = {ada}"),
            ada_id,
        ),
        (
            format!("SELECT COUNT(*) FROM triage WHERE student_id = {ada_id}"),
            1,
        ),
        (
            format!(
                "SELECT COUNT(*) FROM audit_log WHERE student_id = {ada_id} AND action = 'change'"
            ),
            1,
        ),
    ] {
        assert_eq!(k.count(&sql), want, "{sql}");
    }
    // Opening the booking again leads to the record, not a second one.
    let r = adviser.get(&format!("/staff/guidance?booking={ada}"));
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("Location").unwrap(),
        format!("/staff/guidance?id={g}")
    );

    // The slip: first name, date, the actions and who to see; printable as it is.
    let r = adviser.get(&format!("/staff/guidance/slip?id={g}"));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<dd>Ada</dd>") && !r.body.contains("Lovelace"));
    assert!(r.body.contains("<li>Visit the college open day</li>"));
    assert!(r
        .body
        .contains("<li>Ask Mr Jones about work experience</li>"));
    assert!(r.body.contains("1 December 2026"));
    assert!(r
        .body
        .contains("See Ms Patel, the careers adviser, in the careers room"));
    assert!(r.body.contains("id=\"print-slip\""));

    // Grace (10B) gets guidance too.
    let mut fields = guidance_fields(
        "Wants to stay on at sixth form.",
        &["Read the sixth form guide"],
        &[("destination", "education")],
    );
    fields.push(("booking".into(), grace.to_string()));
    assert_eq!(post(&mut adviser, "/staff/guidance", &fields).status, 200);
    let grace_id = student_id(&k, "Hopper");

    // Not due yet on the day.
    let mut tutor = sign_in(&k, "Mr Jones");
    let r = tutor.get("/staff/follow-ups");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("No follow-ups are due") && !r.body.contains("Lovelace"));

    // Four weeks and a day later the follow-up is overdue; the tutor sees their group only.
    k.restart_at(datetime!(2026-12-30 09:00));
    let mut tutor = sign_in(&k, "Mr Jones");
    let r = tutor.get("/staff/follow-ups");
    assert!(
        r.body.contains("Ada Lovelace") && r.body.contains("Overdue"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Hopper"), "not one of the tutor's groups");
    assert!(
        !r.body.contains("Referred back to the careers adviser"),
        "advisers only"
    );
    let f = k.count(&format!("SELECT id FROM follow_up WHERE guidance_id = {g}"));
    let grace_f = k.count("SELECT MAX(id) FROM follow_up");
    assert_eq!(
        tutor.get(&format!("/staff/follow-up?id={grace_f}")).status,
        403
    );
    let r = tutor.post(
        "/staff/follow-up",
        &[
            ("id", &grace_f.to_string()),
            ("version", "1"),
            ("q_actions-done", "Yes"),
        ],
    );
    assert_eq!(r.status, 403, "nor can they record it");
    assert_eq!(
        tutor.get(&format!("/staff/student?id={grace_id}")).status,
        403
    );
    let r = tutor.get(&format!("/staff/follow-up?id={f}"));
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("<li>Visit the college open day</li>"),
        "the actions agreed"
    );
    let version = r.field("version");

    // An unanswered question is explained; the note typed is kept.
    let r = tutor.post(
        "/staff/follow-up",
        &[
            ("id", &f.to_string()),
            ("version", &version),
            ("q_actions-done", "Partly"),
            ("note", "Went to the open day"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Choose an answer to"));
    assert!(r.body.contains("Went to the open day"));
    assert!(r.body.contains("value=\"Partly\" checked"));
    let r = tutor.post(
        "/staff/follow-up",
        &[
            ("id", &f.to_string()),
            ("version", &version),
            ("q_actions-done", "Partly"),
            ("q_clearer", "A little"),
            ("q_more-help", "Yes"),
            ("note", "Went to the open day"),
            ("refer_back", "yes"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Follow-up saved"));
    assert_eq!(
        k.count(&format!(
            "SELECT COUNT(*) FROM follow_up WHERE id = {f} AND done_on = '2026-12-30'
             AND referred_back = 1 AND referral_closed_on IS NULL"
        )),
        1
    );
    assert_eq!(
        k.count(&format!(
            "SELECT COUNT(*) FROM follow_up_answer WHERE follow_up_id = {f}"
        )),
        3
    );
    let r = tutor.get("/staff/follow-ups");
    assert!(!r.body.contains("Ada Lovelace"), "done, so no longer due");

    // The adviser sees the referral at the top of the list.
    let mut adviser = sign_in(&k, "Ms Patel");
    let r = adviser.get("/staff/follow-ups");
    let referred = r.body.find("Referred back to the careers adviser").unwrap();
    let due = r.body.find("Due now").unwrap();
    assert!(referred < due);
    assert!(r.body[referred..due].contains("Ada Lovelace"), "{}", r.body);

    // Ada checks again (Amber now), books, and new guidance closes the referral.
    k.restart_at(datetime!(2027-01-05 08:00));
    let again = book(
        &k,
        Some(year11("not", "1")),
        "2027-01-05T09:00",
        ("ada", " Lovelace", "10a"),
    );
    let mut adviser = sign_in(&k, "Ms Patel");
    let r = adviser.get(&format!("/staff/guidance?booking={again}"));
    assert!(r.body.contains("<dd>Amber</dd>"));
    let mut fields = guidance_fields(
        "Open day went well.",
        &["Apply by the end of January"],
        &[("destination", "apprenticeship"), ("held_on", "2027-01-05")],
    );
    fields.retain(|(n, v)| !(n == "held_on" && v == "2026-12-01"));
    fields.push(("booking".into(), again.to_string()));
    assert_eq!(post(&mut adviser, "/staff/guidance", &fields).status, 200);
    assert_eq!(k.count("SELECT COUNT(*) FROM student"), 2, "the same Ada");
    assert_eq!(
        k.count(&format!(
            "SELECT COUNT(*) FROM follow_up WHERE id = {f} AND referral_closed_on = '2027-01-05'"
        )),
        1
    );
    let r = adviser.get("/staff/follow-ups");
    assert!(r
        .body
        .contains("No students are waiting after a referral back"));

    // The student record shows the change, both sessions and the follow-up.
    let mut tutor = sign_in(&k, "Mr Jones");
    let r = tutor.get(&format!("/staff/student?id={ada_id}"));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Red → Amber"), "{}", r.body);
    assert!(r.body.contains("Open day went well.") && r.body.contains("Keen on engineering"));
    assert!(r.body.contains("Apply by the end of January"));
    assert!(r.body.contains("Went to the open day"));
    assert!(r.body.contains("seen again 5 January 2027"));
    assert!(
        !r.body.contains("Edit this record"),
        "tutors do not edit guidance"
    );
    let r = tutor.get("/staff/students?q=lovelace");
    assert!(r.body.contains(&format!("/staff/student?id={ada_id}")));
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE record LIKE '%lovelace%'"),
        0,
        "searched words are not logged"
    );
    let r = tutor.get("/staff/students?q=");
    assert!(
        !r.body.contains("Hopper"),
        "tutors find their own groups only"
    );
    assert_eq!(
        tutor.get(&format!("/staff/guidance?id={g}")).status,
        403,
        "advisers only"
    );
    assert!(
        k.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE student_id = {ada_id} AND action = 'view'
             AND record = 'student {ada_id}' AND staff_name = 'Mr Jones'"
        )) == 1
    );
}

#[test]
fn a_save_from_an_old_version_is_refused_and_overwrites_nothing() {
    let k = Kiosk::start();
    let booking = book(&k, None, "2026-12-01T09:00", ("Ada", "Lovelace", "10A"));
    let mut first = k.signed_in("Ms Patel", Role::Adviser);
    let mut second = k.signed_in("Mr Khan", Role::Leader);
    let mut fields = guidance_fields("First notes", &["One"], &[("destination", "undecided")]);
    fields.push(("booking".into(), booking.to_string()));
    // Both open the blank form; the first saves.
    assert_eq!(
        second
            .get(&format!("/staff/guidance?booking={booking}"))
            .status,
        200
    );
    assert_eq!(post(&mut first, "/staff/guidance", &fields).status, 200);
    // The second's new record for the same booking is refused, showing what was saved.
    let mut theirs = guidance_fields("Second notes", &["Two"], &[("destination", "education")]);
    theirs.push(("booking".into(), booking.to_string()));
    let r = post(&mut second, "/staff/guidance", &theirs);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("Not saved: Ms Patel saved this record"));
    assert!(r.body.contains("First notes") && r.body.contains("Second notes"));
    assert_eq!(k.count("SELECT COUNT(*) FROM guidance"), 1);

    // Both open the record at version 1; the first saves a change, then the second's is refused.
    let g = k.count("SELECT id FROM guidance");
    let v1 = first
        .get(&format!("/staff/guidance?id={g}"))
        .field("version");
    assert_eq!(
        second
            .get(&format!("/staff/guidance?id={g}"))
            .field("version"),
        v1
    );
    let edit = |notes: &str, version: &str| {
        let mut f = guidance_fields(notes, &["One"], &[("destination", "undecided")]);
        f.push(("id".into(), g.to_string()));
        f.push(("version".into(), version.to_string()));
        f
    };
    assert_eq!(
        post(
            &mut first,
            "/staff/guidance",
            &edit("Edited by the first", &v1)
        )
        .status,
        200
    );
    let r = post(
        &mut second,
        "/staff/guidance",
        &edit("Edited by the second", &v1),
    );
    assert_eq!(r.status, 409);
    assert!(r.body.contains("Edited by the first") && r.body.contains("Edited by the second"));
    let notes: String = k
        .db()
        .query_row("SELECT notes FROM guidance", [], |r| r.get(0))
        .unwrap();
    assert_eq!(notes, "Edited by the first");
    // The refused form now carries the current version, so a deliberate save goes through.
    let v2 = r.field("version");
    assert_ne!(v2, v1);
    assert_eq!(
        post(&mut second, "/staff/guidance", &edit("Merged", &v2)).status,
        200
    );
    assert_eq!(k.count("SELECT version FROM guidance"), 3);
}

#[test]
fn a_drop_in_visit_asks_for_the_surname() {
    let k = Kiosk::start();
    let mut student = k.browser();
    let r = student.post("/queue", &[("first_name", "Alan"), ("tutor_group", "11T")]);
    assert!(r.status == 200 || r.status == 303, "{}", r.body);
    let q = k.count("SELECT MAX(id) FROM queue_entry");
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    let r = adviser.get(&format!("/staff/guidance?queue={q}"));
    assert!(r
        .body
        .contains("<label for=\"surname\">Student&#x27;s surname</label>"));
    let mut fields = guidance_fields("Drop-in chat", &[], &[("destination", "employment")]);
    fields.push(("queue".into(), q.to_string()));
    let r = post(&mut adviser, "/staff/guidance", &fields);
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Enter the student&#x27;s surname"),
        "{}",
        r.body
    );
    fields.push(("surname".into(), "Turing".into()));
    assert_eq!(post(&mut adviser, "/staff/guidance", &fields).status, 200);
    let s = student_id(&k, "Turing");
    assert_eq!(
        k.count(&format!(
            "SELECT student_id FROM queue_entry WHERE id = {q}"
        )),
        s
    );
}

#[test]
fn guidance_for_a_student_on_record_without_a_booking() {
    let k = Kiosk::start();
    let booking = book_ada(&k);
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    let mut fields = guidance_fields("First", &["One"], &[("destination", "undecided")]);
    fields.push(("booking".into(), booking.to_string()));
    assert_eq!(post(&mut adviser, "/staff/guidance", &fields).status, 200);
    let ada = student_id(&k, "Lovelace");
    let r = adviser.get(&format!("/staff/student?id={ada}"));
    assert!(r
        .body
        .contains(&format!("href=\"/staff/guidance?student={ada}\"")));
    let r = adviser.get(&format!("/staff/guidance?student={ada}"));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Guidance for Ada Lovelace (10A)") && r.body.contains("<dd>Red</dd>"));
    let mut fields = guidance_fields("Second", &["Two"], &[("destination", "employment")]);
    fields.push(("student".into(), ada.to_string()));
    assert_eq!(post(&mut adviser, "/staff/guidance", &fields).status, 200);
    assert_eq!(
        k.count(&format!(
            "SELECT COUNT(*) FROM guidance WHERE student_id = {ada} AND booking_id IS NULL"
        )),
        1
    );
    assert_eq!(k.count("SELECT COUNT(*) FROM follow_up"), 2);
    assert_eq!(k.count("SELECT COUNT(*) FROM student"), 1);
    assert_eq!(adviser.get("/staff/guidance?student=999").status, 404);

    // The careers leader records one too: the slip names her as the careers leader.
    let mut leader = k.signed_in("Mrs Jones", Role::Leader);
    let mut fields = guidance_fields("Third", &["Three"], &[("destination", "education")]);
    fields.push(("student".into(), ada.to_string()));
    assert_eq!(post(&mut leader, "/staff/guidance", &fields).status, 200);
    let g = k.count("SELECT MAX(id) FROM guidance");
    let slip = leader.get(&format!("/staff/guidance/slip?id={g}"));
    assert!(
        slip.body
            .contains("See Mrs Jones, the careers leader, in the careers room"),
        "{}",
        slip.body
    );
}

#[test]
fn a_follow_up_saved_by_someone_else_first_is_not_overwritten() {
    let mut k = Kiosk::start();
    let booking = book(&k, None, "2026-12-01T09:00", ("Ada", "Lovelace", "10A"));
    k.add_staff("Ms Patel", Role::Adviser, &[]);
    k.add_staff("Mr Jones", Role::Tutor, &["10A"]);
    let mut adviser = sign_in(&k, "Ms Patel");
    let mut fields = guidance_fields("Notes", &["One"], &[("destination", "undecided")]);
    fields.push(("booking".into(), booking.to_string()));
    assert_eq!(post(&mut adviser, "/staff/guidance", &fields).status, 200);
    k.restart_at(datetime!(2026-12-29 10:00));
    let f = k.count("SELECT id FROM follow_up");
    let mut tutor = sign_in(&k, "Mr Jones");
    let mut adviser = sign_in(&k, "Ms Patel");
    let v = tutor
        .get(&format!("/staff/follow-up?id={f}"))
        .field("version");
    assert_eq!(
        adviser
            .get(&format!("/staff/follow-up?id={f}"))
            .field("version"),
        v
    );
    let answers = |more_help: &'static str, note: &'static str| {
        vec![
            ("id".to_string(), f.to_string()),
            ("version".to_string(), v.clone()),
            ("q_actions-done".to_string(), "Yes".to_string()),
            ("q_clearer".to_string(), "Yes".to_string()),
            ("q_more-help".to_string(), more_help.to_string()),
            ("note".to_string(), note.to_string()),
        ]
    };
    let r = post(
        &mut tutor,
        "/staff/follow-up",
        &answers("No", "All done, from the tutor"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        &mut adviser,
        "/staff/follow-up",
        &answers("Not sure", "From the adviser"),
    );
    assert_eq!(r.status, 409);
    assert!(r
        .body
        .contains("Not saved: Mr Jones recorded this follow-up"));
    assert!(r.body.contains("All done, from the tutor") && r.body.contains("From the adviser"));
    let note: String = k
        .db()
        .query_row("SELECT note FROM follow_up", [], |r| r.get(0))
        .unwrap();
    assert_eq!(note, "All done, from the tutor");
    assert_eq!(
        k.count("SELECT COUNT(*) FROM follow_up_answer WHERE question_id = 'more-help' AND answer = 'No'"),
        1
    );
}
