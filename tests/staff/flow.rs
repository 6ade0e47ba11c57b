//! The whole staff side in one go, through HTTP only: a student books at the kiosk, the adviser
//! finds the booking on Today and records guidance, the follow-up falls due as the clock moves,
//! the tutor records it on time, the reports and both CSV downloads count it, and erasure takes
//! every trace of the student away, the audit log's copies of content included.

use signpost::kiosk::staff::Role;
use time::macros::datetime;

use crate::common::Kiosk;
use crate::guidance::{book_ada, guidance_fields, post, sign_in, student_id};
use crate::reports::{csv_rows, every_text, row};

#[test]
fn from_a_student_booking_to_the_reports_and_erasure() {
    let mut k = Kiosk::start();
    let booking = book_ada(&k);
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    k.add_staff("Mr Jones", Role::Tutor, &["10A"]);
    k.add_staff("Mrs Lead", Role::Leader, &[]);

    // Today lists the booking with its quick check and a link to the guidance form.
    let today = adviser.get("/staff/today");
    assert_eq!(today.status, 200);
    let link = format!("/staff/guidance?booking={booking}");
    assert!(
        today.body.contains(&format!("href=\"{link}\"")),
        "{}",
        today.body
    );
    let item = &today.body[..today.body.find(&link).unwrap()];
    let item = &item[item.rfind("<li class=\"booking").unwrap()..];
    assert!(
        item.contains("Ada Lovelace") && item.contains("Quick check: <strong>Red</strong>"),
        "{item}"
    );

    let form = adviser.get(&link);
    assert!(form.body.contains("Guidance for Ada Lovelace (10A)"));
    let mut fields = guidance_fields(
        "Keen on engineering FLOWMARKER",
        &["Visit the college open day FLOWACTION"],
        &[("destination", "apprenticeship"), ("meeting_by_16", "yes")],
    );
    fields.push(("booking".into(), booking.to_string()));
    assert_eq!(post(&mut adviser, "/staff/guidance", &fields).status, 200);
    let ada = student_id(&k, "Lovelace");
    let follow_up = k.count(&format!(
        "SELECT f.id FROM follow_up f JOIN guidance g ON g.id = f.guidance_id
         WHERE g.student_id = {ada} AND f.due_on = '2026-12-29'"
    ));

    // On the day it falls due, the tutor finds it and records it.
    k.restart_at(datetime!(2026-12-29 10:00));
    let mut tutor = sign_in(&k, "Mr Jones");
    let due = tutor.get("/staff/follow-ups");
    assert!(
        due.body
            .contains(&format!("/staff/follow-up?id={follow_up}")),
        "{}",
        due.body
    );
    let version = tutor
        .get(&format!("/staff/follow-up?id={follow_up}"))
        .field("version");
    let saved = tutor.post(
        "/staff/follow-up",
        &[
            ("id", &follow_up.to_string()),
            ("version", &version),
            ("q_actions-done", "Yes"),
            ("q_clearer", "Yes"),
            ("q_more-help", "No"),
            ("note", "Went to the open day FLOWNOTE"),
        ],
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(
        k.count(&format!(
            "SELECT COUNT(*) FROM follow_up WHERE id = {follow_up} AND done_on = '2026-12-29'"
        )),
        1
    );

    // The reports count the meeting and the follow-up; the downloads hold them.
    let mut lead = sign_in(&k, "Mrs Lead");
    let page = lead.get("/staff/reports");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(
            "<tr><th scope=\"row\">Year 11</th><td>by 16</td><td>1</td><td>1</td><td>0</td></tr>"
        ),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("<tr><th scope=\"row\">Done on time</th><td>1</td></tr>"));
    let b8 = csv_rows(&lead.get("/staff/reports.csv?report=benchmark-8"));
    assert_eq!(
        row(&b8, &["2026-27", "Lovelace"])[6..],
        ["Yes", "2026-12-01"]
    );
    let follow = csv_rows(&lead.get("/staff/reports.csv?report=follow-ups"));
    assert_eq!(follow[1][..3], ["2026-27", "1", "1"], "{follow:?}");
    let records = csv_rows(&lead.get("/staff/guidance.csv"));
    assert_eq!(records.len(), 2, "a heading and Ada's record: {records:?}");
    let col = |name: &str| records[0].iter().position(|h| h == name).unwrap();
    assert_eq!(records[1][col("Notes")], "Keen on engineering FLOWMARKER");
    assert_eq!(records[1][col("Follow-up done")], "2026-12-29");

    // Erasure leaves nothing of her in any table.
    assert!(lead
        .get(&format!("/staff/student?id={ada}"))
        .body
        .contains("FLOWNOTE"));
    let erased = lead.post(
        "/staff/erase",
        &[("student", &ada.to_string()), ("confirm", "yes")],
    );
    assert!(
        erased.body.contains("records have been erased"),
        "{}",
        erased.body
    );
    let left = every_text(&k);
    for marker in ["Lovelace", "FLOWMARKER", "FLOWACTION", "FLOWNOTE"] {
        let hits: Vec<&String> = left.iter().filter(|s| s.contains(marker)).collect();
        assert!(hits.is_empty(), "{marker} is still in {hits:?}");
    }
    for table in [
        "student",
        "triage",
        "booking",
        "guidance",
        "follow_up",
        "follow_up_answer",
    ] {
        assert_eq!(
            k.count(&format!("SELECT COUNT(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    assert_eq!(
        k.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE student_id = {ada}"
        )),
        0
    );
    let records = csv_rows(&lead.get("/staff/guidance.csv"));
    assert_eq!(records.len(), 1, "only the heading is left: {records:?}");
}
