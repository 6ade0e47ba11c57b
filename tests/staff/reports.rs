//! Reports, CSV exports and data rights over HTTP, checked against what is in SQLite. The
//! guidance tables are filled with plain SQL, as the guidance screens would fill them.

use signpost::kiosk::staff::Role;

use crate::common::{Kiosk, Resp};

/// Five students in Years 10-13 and one unrelated; quick checks, a booking, guidance sessions
/// and follow-ups in the school year 2026-27 (the kiosk's clock is 1 December 2026), and one
/// quick check from the year before.
const SEED: &str = "
INSERT INTO student (id, first_name, surname, tutor_group, year_group, created_at) VALUES
  (1, 'Ada', 'Lovelace', '10A', 10, '2026-09-01 09:00:00'),
  (2, 'Ben', 'Okafor', '10B', 10, '2026-09-01 09:00:00'),
  (3, 'Cara', 'Diaz', '11A', 11, '2026-09-01 09:00:00'),
  (4, 'Dev', 'Shah', '12A', 12, '2026-09-01 09:00:00'),
  (5, 'Eve', 'Jones', '13A', 13, '2026-09-01 09:00:00');
INSERT INTO triage (id, token, year_group, extra_support, score, max_score, rag, minutes, created_at, student_id) VALUES
  (1, 't1', 10, 0, 2, 10, 'red', 60, '2026-10-01 10:00:00', 1),
  (2, 't2', 10, 0, 5, 10, 'amber', 30, '2026-11-01 10:00:00', 1),
  (3, 't3', 10, 0, 9, 10, 'green', 20, '2026-10-05 10:00:00', 2),
  (4, 't4', 11, 1, 1, 10, 'red', 60, '2026-10-10 10:00:00', NULL),
  (5, 't5', 12, 0, 3, 10, 'red', 60, '2026-09-10 10:00:00', 4),
  (6, 't6', 10, 0, 9, 10, 'green', 20, '2025-10-01 10:00:00', NULL),
  (7, 't7', 11, 0, 2, 10, 'red', 60, '2026-10-14 10:00:00', 3);
INSERT INTO triage_option (triage_id, option_id, label, consideration) VALUES
  (1, 'apprenticeship', 'Apprenticeship', 'definitely'),
  (2, 'apprenticeship', 'Apprenticeship', 'considering'),
  (2, 'a-levels', 'A levels', 'definitely'),
  (3, 'a-levels', 'A levels', 'considering'),
  (4, 'a-levels', 'A levels', 'not');
INSERT INTO triage_answer (triage_id, question_id, question, answer, score) VALUES
  (2, 'plan', 'Do you have a plan?', 'Sort of', 1);
INSERT INTO booking (id, reference, day, start_min, end_min, first_name, surname, tutor_group, triage_id, created_at, cancelled_at, student_id) VALUES
  (1, 'ADA111', '2026-11-08', 540, 570, 'Ada', 'Lovelace', '10A', 2, '2026-11-01 10:05:00', NULL, 1),
  (2, 'ADA222', '2026-10-02', 540, 600, 'ada', 'lovelace', '10a', NULL, '2026-10-01 10:05:00', '2026-10-01 11:00:00', NULL),
  (3, 'BEN333', '2026-12-08', 540, 560, 'Ben', 'Okafor', '10B', 3, '2026-11-20 10:05:00', NULL, 2);
INSERT INTO queue_entry (id, day, number, first_name, tutor_group, joined_at, student_id) VALUES
  (1, '2026-10-03', 1, 'Ada', '10A', '2026-10-03 12:00:00', 1),
  (2, '2026-10-03', 2, 'Ben', '10B', '2026-10-03 12:01:00', 2);
INSERT INTO guidance (id, student_id, booking_id, held_on, notes, destination, destination_detail, meeting_by_16, meeting_by_18, created_at, updated_at) VALUES
  (1, 1, 1, '2026-11-08', '=SUM(A1:A9) wants to be a vet VETMARKER', 'education', 'Vet science', 1, 0, '2026-11-08 10:00:00', '2026-11-08 10:00:00'),
  (2, 4, NULL, '2026-09-24', 'Engineering apprenticeship', 'apprenticeship', '', 0, 1, '2026-09-24 10:00:00', '2026-09-24 10:00:00'),
  (3, 3, NULL, '2026-10-20', 'College', 'education', '', 1, 0, '2026-10-20 10:00:00', '2026-10-20 10:00:00'),
  (4, 5, NULL, '2026-10-01', 'Gap year', 'other', '', 1, 0, '2026-10-01 10:00:00', '2026-10-01 10:00:00');
INSERT INTO guidance_action (guidance_id, position, text) VALUES
  (1, 1, 'Visit the open day'), (1, 2, 'Ask about work experience');
INSERT INTO follow_up (id, guidance_id, due_on, done_on) VALUES
  (1, 1, '2026-11-25', '2026-11-25'),
  (2, 2, '2026-10-15', '2026-10-20'),
  (3, 3, '2026-11-10', NULL),
  (4, 4, '2026-12-20', NULL);
INSERT INTO follow_up_answer (follow_up_id, question_id, question, answer) VALUES
  (1, 'open-day', 'Did you go to the open day?', 'Yes, VETMARKER loved it');
INSERT INTO audit_log (at, staff_name, action, record, student_id, detail) VALUES
  ('2026-11-08 10:00:00', 'Ms Patel', 'change', 'guidance 1', 1, 'notes: wants to be a vet VETMARKER'),
  ('2026-11-09 10:00:00', 'Ms Patel', 'view', 'search', NULL, 'looked for Ada Lovelace'),
  ('2026-11-09 10:00:00', 'Ms Patel', 'view', 'guidance 2', 4, 'Dev Shah notes');
";

fn seeded() -> Kiosk {
    let k = Kiosk::start();
    k.db().execute_batch(SEED).unwrap();
    k
}

/// The rows of a CSV download, after checking it is a UTF-8 attachment with a BOM.
pub(crate) fn csv_rows(r: &Resp) -> Vec<Vec<String>> {
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("Content-Type").unwrap().starts_with("text/csv"));
    let disposition = r.header("Content-Disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"") && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let text = r.body.strip_prefix('\u{feff}').expect("a byte order mark");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The row of `rows` whose cells start with `key`.
pub(crate) fn row<'a>(rows: &'a [Vec<String>], key: &[&str]) -> &'a [String] {
    rows.iter()
        .find(|r| r.iter().zip(key).all(|(a, b)| a == b))
        .unwrap_or_else(|| panic!("no row {key:?} in {rows:?}"))
}

#[test]
fn reports_count_the_seeded_records() {
    let k = seeded();
    let mut b = k.signed_in("Ms Patel", Role::Adviser);
    let page = b.get("/staff/reports");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<h1>Reports, 2026-27</h1>"));
    // Charts are named images, described by their tables, labelled in words.
    assert_eq!(page.body.matches(r#"role="img""#).count(), 5);
    assert!(page.body.contains(r#"aria-describedby="b8-table""#));
    assert!(page.body.contains(r#"<table id="b8-table""#));
    // Who has not had their meeting, by name; who has is not listed.
    assert!(page.body.contains("Okafor, Ben (10B)"));
    assert!(page.body.contains("Jones, Eve (13A)"));
    assert!(!page.body.contains("Lovelace, Ada"));
    assert!(!page.body.contains("Shah, Dev"));

    let rag = csv_rows(&b.get("/staff/reports.csv?report=rag-mix"));
    assert_eq!(
        rag[0],
        [
            "Academic year",
            "Counted",
            "Year group",
            "Red",
            "Amber",
            "Green",
            "Total"
        ]
    );
    // Every check this year (the one from 2025 is left out), and each student's latest.
    assert_eq!(
        row(&rag, &["2026-27", "All quick checks", "10"])[3..],
        ["1", "1", "1", "3"]
    );
    assert_eq!(
        row(&rag, &["2026-27", "All quick checks", "11"])[3..],
        ["2", "0", "0", "2"]
    );
    assert_eq!(
        row(&rag, &["2026-27", "Latest per student", "10"])[3..],
        ["0", "1", "1", "2"]
    );
    assert_eq!(
        row(&rag, &["2026-27", "Latest per student", "11"])[3..],
        ["1", "0", "0", "1"]
    );

    let routes = csv_rows(&b.get("/staff/reports.csv?report=routes"));
    assert_eq!(
        row(&routes, &["2026-27", "Apprenticeship", "10"])[3..],
        ["1", "1"]
    );
    assert_eq!(
        row(&routes, &["2026-27", "A levels", "10"])[3..],
        ["1", "1"]
    );
    assert!(
        !routes.iter().any(|r| r[1] == "A levels" && r[2] == "11"),
        "\"not considering\" is not counted: {routes:?}"
    );

    let b8 = csv_rows(&b.get("/staff/reports.csv?report=benchmark-8"));
    let had = |surname: &str| row(&b8, &["2026-27", surname])[6..].to_vec();
    assert_eq!(had("Lovelace"), ["Yes", "2026-11-08"]);
    assert_eq!(had("Okafor"), ["No", ""]);
    assert_eq!(had("Diaz"), ["Yes", "2026-10-20"]);
    assert_eq!(had("Shah"), ["Yes", "2026-09-24"]);
    // Eve's meeting counted by 16 only: in Year 13 she is still due one by 18.
    assert_eq!(had("Jones"), ["No", ""]);
    assert_eq!(row(&b8, &["2026-27", "Jones"])[5], "By 18");
    assert!(page.body.contains(
        "<tr><th scope=\"row\">Year 10</th><td>by 16</td><td>2</td><td>1</td><td>1</td></tr>"
    ));

    let waiting = csv_rows(&b.get("/staff/reports.csv?report=waiting"));
    // Red: Dev waited 14 days, Cara 6: median 10. Amber: Ada's booked check, 7 days.
    assert_eq!(row(&waiting, &["2026-27", "Red"])[2..], ["2", "10", "14"]);
    assert_eq!(row(&waiting, &["2026-27", "Amber"])[2..], ["1", "7", "7"]);
    assert_eq!(row(&waiting, &["2026-27", "Green"])[2..], ["0", "", ""]);

    let follow = csv_rows(&b.get("/staff/reports.csv?report=follow-ups"));
    assert_eq!(follow[1], ["2026-27", "4", "1", "1", "2", "1"]);

    // The school year before has only the old quick check.
    let before = csv_rows(&b.get("/staff/reports.csv?report=rag-mix&year=2025"));
    assert_eq!(
        row(&before, &["2025-26", "All quick checks", "10"])[3..],
        ["0", "0", "1", "1"]
    );
    assert_eq!(before.len(), 2, "{before:?}");

    // Every download is in the audit log.
    assert_eq!(
        k.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND record LIKE 'report %'"
        ),
        6
    );
    assert_eq!(
        k.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'view' AND record = 'reports 2026-27'"
        ),
        1
    );
    assert_eq!(b.get("/staff/reports.csv?report=nope").status, 400);
    assert_eq!(b.get("/staff/reports?year=abc").status, 400);
}

#[test]
fn the_guidance_csv_holds_each_record_with_formulas_made_text() {
    let k = seeded();
    let mut b = k.signed_in("Ms Patel", Role::Adviser);
    let rows = csv_rows(&b.get("/staff/guidance.csv"));
    assert_eq!(rows[0][0], "Guidance ID");
    assert_eq!(rows.len(), 5, "a heading and four records");
    let ada = row(&rows, &["1", "2026-11-08", "Lovelace", "Ada", "10A", "10"]);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(ada[col("Quick check result")], "Amber");
    assert_eq!(ada[col("Intended destination")], "Education");
    assert_eq!(ada[col("Meeting by 16")], "Yes");
    assert_eq!(
        ada[col("Agreed actions")],
        "Visit the open day; Ask about work experience"
    );
    assert_eq!(ada[col("Follow-up done")], "2026-11-25");
    assert_eq!(
        ada[col("Notes")],
        "'=SUM(A1:A9) wants to be a vet VETMARKER",
        "a formula cell starts with an apostrophe"
    );
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND record = 'guidance records'"),
        1
    );
    // A tutor may not download reports.
    let mut tutor = k.signed_in("Mr Khan", Role::Tutor);
    assert_eq!(tutor.get("/staff/guidance.csv").status, 403);
    assert_eq!(tutor.get("/staff/reports").status, 403);
}

/// Every text value in every table, as "table: value".
pub(crate) fn every_text(k: &Kiosk) -> Vec<String> {
    let db = k.db();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() >= 15, "{tables:?}");
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = db.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                if let Ok(rusqlite::types::ValueRef::Text(s)) = r.get_ref(i) {
                    out.push(format!("{t}: {}", String::from_utf8_lossy(s)));
                }
            }
        }
    }
    out
}

#[test]
fn erasure_removes_the_student_everywhere_including_the_audit_logs_copies() {
    let k = seeded();
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    assert_eq!(adviser.get("/staff/erase?student=1").status, 403);
    assert_eq!(
        adviser
            .send("/staff/erase", &[("student", "1"), ("confirm", "yes")])
            .status,
        403
    );

    let mut b = k.signed_in("Mrs Lead", Role::Leader);
    let found = b.get("/staff/data?q=love");
    assert!(
        found.body.contains("href=\"/staff/erase?student=1\""),
        "{}",
        found.body
    );
    let preview = b.get("/staff/erase?student=1");
    assert_eq!(preview.status, 200, "{}", preview.body);
    let count = |label: &str| format!("<th scope=\"row\">{label}</th><td>");
    for (label, n) in [
        ("Quick checks (with their answers)", 2),
        ("Bookings", 2),
        ("Drop-in queue entries", 1),
        ("Guidance records", 1),
        ("Agreed actions", 2),
        ("Follow-ups", 1),
        ("Follow-up answers", 1),
    ] {
        assert!(
            preview.body.contains(&format!("{}{n}</td>", count(label))),
            "{label}: {n} in {}",
            preview.body
        );
    }
    // Two seeded lines about Ada (one linked, one naming her); opening this preview is audited
    // after the page is drawn.
    assert!(preview.body.contains(&format!(
        "{}2</td>",
        count("Audit log lines (content blanked, line kept)")
    )));

    // Without the box ticked nothing goes.
    let refused = b.send("/staff/erase", &[("student", "1")]);
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("Tick the box"));
    assert_eq!(k.count("SELECT COUNT(*) FROM student WHERE id = 1"), 1);

    let done = b.post("/staff/erase", &[("student", "1"), ("confirm", "yes")]);
    assert_eq!(done.status, 200);
    assert!(done.body.contains("records have been erased"));

    let left = every_text(&k);
    for marker in ["Lovelace", "lovelace", "VETMARKER", "ADA111", "ADA222"] {
        let hits: Vec<&String> = left.iter().filter(|s| s.contains(marker)).collect();
        assert!(hits.is_empty(), "{marker} is still in {hits:?}");
    }
    for (sql, n) in [
        ("SELECT COUNT(*) FROM student", 4),
        ("SELECT COUNT(*) FROM triage WHERE id IN (1, 2)", 0),
        ("SELECT COUNT(*) FROM triage_option WHERE triage_id IN (1, 2)", 0),
        ("SELECT COUNT(*) FROM triage_answer", 0),
        ("SELECT COUNT(*) FROM booking", 1),
        ("SELECT COUNT(*) FROM queue_entry", 1),
        ("SELECT COUNT(*) FROM guidance", 3),
        ("SELECT COUNT(*) FROM guidance_action", 0),
        ("SELECT COUNT(*) FROM follow_up", 3),
        ("SELECT COUNT(*) FROM follow_up_answer", 0),
        ("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%Ada%'", 0),
        // Other students' records and audit lines are untouched.
        ("SELECT COUNT(*) FROM triage WHERE student_id = 2", 1),
        ("SELECT COUNT(*) FROM audit_log WHERE detail = 'Dev Shah notes'", 1),
        (
            "SELECT COUNT(*) FROM audit_log WHERE action = 'erase' AND record = 'erased student records'
               AND student_id IS NULL AND detail = '' AND staff_name = 'Mrs Lead'",
            1,
        ),
    ] {
        assert_eq!(k.count(sql), n, "{sql}");
    }
    assert_eq!(b.get("/staff/erase?student=1").status, 404);
}

#[test]
fn the_subject_access_export_holds_the_students_records() {
    let k = seeded();
    let mut b = k.signed_in("Mrs Lead", Role::Leader);
    let page = b.get("/staff/export?student=1");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Records held about Ada Lovelace"));
    assert!(page.body.contains("Visit the open day"));
    assert!(page
        .body
        .contains("Did you go to the open day? Yes, VETMARKER loved it"));
    assert!(page.body.contains("A levels: definitely"));
    let r = b.get("/staff/export?student=1&format=json");
    assert_eq!(r.status, 200);
    assert!(r
        .header("Content-Type")
        .unwrap()
        .starts_with("application/json"));
    assert!(r
        .header("Content-Disposition")
        .unwrap()
        .starts_with("attachment; filename=\"student-1-"));
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(json["student"]["surname"], "Lovelace");
    assert_eq!(json["quick_checks"].as_array().unwrap().len(), 2);
    assert_eq!(json["quick_checks"][1]["rag"], "amber");
    assert_eq!(json["bookings"].as_array().unwrap().len(), 2);
    assert_eq!(json["queue_entries"].as_array().unwrap().len(), 1);
    let g = &json["guidance"][0];
    assert_eq!(g["notes"], "=SUM(A1:A9) wants to be a vet VETMARKER");
    assert_eq!(g["actions"][1]["text"], "Ask about work experience");
    assert_eq!(
        g["follow_up"]["answers"][0]["answer"],
        "Yes, VETMARKER loved it"
    );
    assert_eq!(json["quick_checks"][1]["options"][1]["option"], "A levels");
    assert_eq!(json["quick_checks"][1]["answers"][0]["answer"], "Sort of");
    assert!(!r.body.contains("Okafor"), "nobody else's records");
    assert_eq!(
        k.count("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND student_id = 1"),
        2
    );
    assert_eq!(b.get("/staff/export?student=99").status, 404);
    assert_eq!(b.get("/staff/export?student=x").status, 400);
}

/// The count shown for a kind on the data page.
fn shown(body: &str, label: &str) -> i64 {
    let cell = format!("<th scope=\"row\">{label}</th><td>");
    let start = body
        .find(&cell)
        .unwrap_or_else(|| panic!("{label} in {body}"))
        + cell.len();
    body[start..].split('<').next().unwrap().parse().unwrap()
}

#[test]
fn the_retention_preview_matches_what_the_purge_deletes() {
    let k = seeded();
    // Old records: a cancelled booking whose quick check goes with it, a quick check never
    // booked, a kept booking with its check, and two queue entries; the seed's quick check from
    // October 2025 is past the 365 days too.
    k.db()
        .execute_batch(
            "INSERT INTO triage (id, token, year_group, extra_support, score, max_score, rag, minutes, created_at) VALUES
               (20, 'o1', 9, 0, 1, 10, 'red', 60, '2025-01-05 10:00:00'),
               (21, 'o2', 9, 0, 1, 10, 'red', 60, '2025-01-06 10:00:00'),
               (22, 'o3', 9, 0, 1, 10, 'red', 60, '2025-01-07 10:00:00');
             INSERT INTO booking (reference, day, start_min, end_min, first_name, surname, tutor_group, triage_id, created_at, cancelled_at) VALUES
               ('OLD111', '2025-01-10', 540, 600, 'Old', 'Cancelled', '9A', 20, '2025-01-05 10:00:00', '2025-01-06 10:00:00'),
               ('OLD222', '2025-01-11', 540, 600, 'Old', 'Kept', '9A', 22, '2025-01-07 10:00:00', NULL);
             INSERT INTO queue_entry (day, number, first_name, tutor_group, joined_at) VALUES
               ('2025-01-05', 1, 'Old', '9A', '2025-01-05 12:00:00'),
               ('2025-01-05', 2, 'Older', '9B', '2025-01-05 12:05:00');",
        )
        .unwrap();
    let mut b = k.signed_in("Mrs Lead", Role::Leader);
    let page = b.get("/staff/data");
    assert_eq!(page.status, 200, "{}", page.body);
    let bookings = shown(&page.body, "Cancelled bookings");
    let checks = shown(
        &page.body,
        "Quick checks that never led to a booking or a record",
    );
    let queue = shown(&page.body, "Drop-in queue entries");
    assert_eq!((bookings, checks, queue), (1, 3, 2));
    assert!(page.body.contains("Old Cancelled (9A), cancelled"));
    // The preview deleted nothing.
    assert_eq!(k.count("SELECT COUNT(*) FROM triage WHERE id >= 20"), 3);

    let before = |k: &Kiosk| {
        (
            k.count("SELECT COUNT(*) FROM booking"),
            k.count("SELECT COUNT(*) FROM triage"),
            k.count("SELECT COUNT(*) FROM queue_entry"),
        )
    };
    let (b0, t0, q0) = before(&k);
    let done = b.post("/staff/data/purge", &[]);
    assert!(done.body.contains("6 records deleted"), "{}", done.body);
    let (b1, t1, q1) = before(&k);
    assert_eq!((b0 - b1, t0 - t1, q0 - q1), (bookings, checks, queue));
    assert_eq!(
        k.count("SELECT COUNT(*) FROM triage WHERE id = 22"),
        1,
        "booked: kept"
    );
    let again = b.get("/staff/data");
    assert!(again.body.contains("There is nothing to delete now."));
    let mut adviser = k.signed_in("Ms Patel", Role::Adviser);
    assert_eq!(adviser.get("/staff/data").status, 403);
}

#[test]
fn an_option_label_is_escaped_on_the_page_and_made_text_in_the_csv() {
    let k = seeded();
    let label = "=cmd|' /C calc'!A0 <b>bold</b>";
    k.db()
        .execute(
            "INSERT INTO triage_option (triage_id, option_id, label, consideration)
             VALUES (3, 'odd', ?1, 'definitely')",
            [label],
        )
        .unwrap();
    let mut b = k.signed_in("Ms Patel", Role::Adviser);
    let page = b.get("/staff/reports");
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<b>bold</b>"), "raw markup on the page");
    // Once in the chart (escaped by the chart) and once in the table (by the template).
    assert!(
        page.body.matches("&lt;b&gt;bold&lt;").count() >= 2,
        "{}",
        page.body
    );
    let routes = csv_rows(&b.get("/staff/reports.csv?report=routes"));
    let odd = routes.iter().find(|r| r[1].contains("calc")).unwrap();
    assert_eq!(odd[1], format!("'{label}"));
}

#[test]
fn a_head_request_shows_nobody_a_record_so_writes_no_audit_line() {
    let k = seeded();
    let b = k.signed_in("Ms Patel", Role::Adviser);
    let student = k.count("SELECT MIN(id) FROM student");
    let lines = || k.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('view', 'export')");
    let before = lines();
    for path in [
        "/staff/reports.csv?report=rag-mix".to_string(),
        "/staff/guidance.csv".to_string(),
        format!("/staff/student?id={student}"),
    ] {
        let head = crate::common::raw(
            k.addr(),
            format!(
                "HEAD {path} HTTP/1.1\r\nHost: kiosk\r\n{}Connection: close\r\n\r\n",
                b.cookie_header()
            )
            .as_bytes(),
        );
        assert_eq!(head.status, 200, "{path}: {}", head.body);
        assert!(head.body.is_empty(), "{path}: a HEAD answer has no body");
        assert_eq!(lines(), before, "{path}: HEAD wrote an audit line");
    }
    let mut b = b;
    b.get("/staff/reports.csv?report=rag-mix");
    assert_eq!(lines(), before + 1, "the download itself is in the log");
}

#[test]
fn erasure_blanks_audit_lines_naming_the_student_as_whole_words_only() {
    let k = seeded();
    k.db()
        .execute_batch(
            "INSERT INTO audit_log (at, staff_name, action, record, student_id, detail) VALUES
               ('2026-11-10 10:00:00', 'Ms Patel', 'view', 'search', NULL, 'asked: ada lovelace''s form?'),
               ('2026-11-10 10:01:00', 'Ms Patel', 'view', 'search', NULL, 'Lovelace, Ada (11L)'),
               ('2026-11-10 10:02:00', 'Ms Patel', 'view', 'search', NULL, 'Nevada Lovelace asked too'),
               ('2026-11-10 10:03:00', 'Ms Patel', 'view', 'search', NULL, 'Ada Lovelacey, new in 7B'),
               ('2026-11-10 10:04:00', 'Ms Patel', 'view', 'search', NULL, 'Ada Lovelace-Byron?');",
        )
        .unwrap();
    let mut b = k.signed_in("Mrs Lead", Role::Leader);
    let done = b.post("/staff/erase", &[("student", "1"), ("confirm", "yes")]);
    assert_eq!(done.status, 200, "{}", done.body);
    let kept = |detail: &str| {
        k.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE detail = '{}'",
            detail.replace('\'', "''")
        ))
    };
    assert_eq!(kept("asked: ada lovelace's form?"), 0, "her name, then 's");
    assert_eq!(kept("Lovelace, Ada (11L)"), 0, "surname first");
    assert_eq!(
        kept("Nevada Lovelace asked too"),
        1,
        "another name ending in hers"
    );
    assert_eq!(
        kept("Ada Lovelacey, new in 7B"),
        1,
        "another name starting with hers"
    );
    assert_eq!(
        kept("Ada Lovelace-Byron?"),
        0,
        "a hyphen may join her name to another"
    );
}
