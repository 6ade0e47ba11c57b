use super::*;
use crate::kiosk::config::{DayName, WeeklyWindow};
use crate::kiosk::domain::ClockTime;
use crate::kiosk::domain::{Consideration, Rag, Slot, YearGroup};
use time::macros::datetime;
use time::Date;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::init(&dir.path().join("k.db")).unwrap();
    (dir, s)
}

/// A quick check with no answers recorded, as the store sees it.
fn triage(year: u8, rag: Rag, minutes: u16, form_id: Option<&str>) -> NewTriage {
    NewTriage {
        year: YearGroup::new(year).unwrap(),
        extra_support: rag == Rag::Red,
        score: 0,
        max_score: 2,
        rag,
        minutes,
        options: vec![],
        answers: vec![],
        form_id: form_id.map(str::to_string),
    }
}

fn booking(day: Date, start: &str, minutes: u16, form_id: Option<&str>) -> NewBooking {
    NewBooking {
        slot: Slot {
            day,
            start: start.parse().unwrap(),
            minutes,
        },
        first_name: "Ada".into(),
        surname: "Lovelace".into(),
        tutor_group: "10X".into(),
        triage_token: None,
        form_id: form_id.map(str::to_string),
    }
}

const NOW: PrimitiveDateTime = datetime!(2026-12-01 08:00);
/// Tuesday mornings (2026-12-01 is a Tuesday).
fn morning() -> [WeeklyWindow; 1] {
    [WeeklyWindow {
        day: DayName::Tuesday,
        from: ClockTime::from_minutes(9 * 60).unwrap(),
        to: ClockTime::from_minutes(12 * 60).unwrap(),
    }]
}

#[test]
fn migrations_are_recorded_and_rerun_safely() {
    let (dir, s) = store();
    assert_eq!(s.open().unwrap().schema_version().unwrap(), SCHEMA_VERSION);
    let s2 = Store::init(&dir.path().join("k.db")).unwrap();
    assert_eq!(s2.open().unwrap().schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("k.db");
    std::fs::write(&p, vec![b'x'; 8192]).unwrap();
    let e = Store::init(&p).unwrap_err();
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
}

#[test]
fn overlapping_bookings_are_refused() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let day = NOW.date();
    db.book(&booking(day, "09:00", 60, None), &morning(), NOW)
        .unwrap();
    assert!(matches!(
        db.book(&booking(day, "09:30", 30, None), &morning(), NOW),
        Err(BookError::Taken)
    ));
    assert!(matches!(
        db.book(&booking(day, "08:40", 30, None), &morning(), NOW),
        Err(BookError::Unavailable)
    ));
    assert!(matches!(
        db.book(&booking(day, "11:40", 30, None), &morning(), NOW),
        Err(BookError::Unavailable)
    ));
    db.book(&booking(day, "10:00", 30, None), &morning(), NOW)
        .unwrap();
    // In the past.
    let later = datetime!(2026-12-01 10:45);
    assert!(matches!(
        db.book(&booking(day, "10:40", 20, None), &morning(), later),
        Err(BookError::Unavailable)
    ));
}

#[test]
fn the_same_form_books_once() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let day = NOW.date();
    let a = db
        .book(&booking(day, "09:00", 30, Some("f1")), &morning(), NOW)
        .unwrap();
    let b = db
        .book(&booking(day, "09:00", 30, Some("f1")), &morning(), NOW)
        .unwrap();
    let Sent::New(a) = a else {
        panic!("first copy must book")
    };
    assert_eq!(b, Sent::Again(a.clone()));
    // Cancelled, the same form cannot bring the booking back, even with the slot free.
    db.cancel(&a.reference, "Lovelace", NOW).unwrap().unwrap();
    assert!(matches!(
        db.book(&booking(day, "09:00", 30, Some("f1")), &morning(), NOW),
        Err(BookError::Withdrawn)
    ));
    assert_eq!(db.booking_by_ref(&a.reference).unwrap(), None);
    let c = db
        .book(&booking(day, "09:00", 30, Some("f2")), &morning(), NOW)
        .unwrap()
        .into_inner();
    assert_eq!(db.booking_by_ref(&c.reference).unwrap(), Some(c));
}

#[test]
fn the_same_check_or_queue_form_is_stored_once() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let t = triage(10, Rag::Red, 60, Some("form-a"));
    let Sent::New(first) = db.save_triage(&t, NOW).unwrap() else {
        panic!("first copy must be stored")
    };
    assert_eq!(db.save_triage(&t, NOW).unwrap(), Sent::Again(first));
    let day = NOW.date();
    let Sent::New((_, place)) = db.join_queue(day, "Ada", "10X", Some("q1"), NOW).unwrap() else {
        panic!("first copy must join")
    };
    assert_eq!(
        db.join_queue(day, "Ada", "10X", Some("q1"), NOW).unwrap(),
        Sent::Again((day, place))
    );
    assert_eq!(db.queue_waiting(day).unwrap(), 1);
    let count: i64 = db
        .conn
        .query_row("SELECT COUNT(*) FROM triage", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn simulated_faults_refuse_writes_as_sqlite_would_and_clear() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let day = NOW.date();
    s.inject_fault(Fault::ReadOnly);
    let e = db.join_queue(day, "Ada", "10X", None, NOW).unwrap_err();
    assert!(e.is_unwritable(), "{e}");
    s.inject_fault(Fault::Full);
    // The file may not grow: writing fills the free room, then fails.
    let mut failed = None;
    for i in 0..5000 {
        if let Err(e) = db.join_queue(
            day,
            &format!("S{i:04}{}", "x".repeat(200)),
            "10X",
            None,
            NOW,
        ) {
            failed = Some(e);
            break;
        }
    }
    let e = failed.expect("the database never filled up");
    assert!(e.is_unwritable(), "{e}");
    let before = db.queue_waiting(day).unwrap();
    s.inject_fault(Fault::None);
    db.join_queue(day, "Bo", "11Y", None, NOW).unwrap();
    assert_eq!(db.queue_waiting(day).unwrap(), before + 1);
    assert!(!StoreError::BadValue("x".into()).is_unwritable());
}

#[test]
fn cancel_needs_the_surname_and_frees_the_slot() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let day = NOW.date();
    let b = db
        .book(&booking(day, "09:00", 30, None), &morning(), NOW)
        .unwrap()
        .into_inner();
    assert_eq!(db.cancel(&b.reference, "Babbage", NOW).unwrap(), None);
    assert!(db
        .cancel(&b.reference, " lovelace ", NOW)
        .unwrap()
        .is_some());
    assert_eq!(db.cancel(&b.reference, "Lovelace", NOW).unwrap(), None);
    db.book(&booking(day, "09:00", 30, None), &morning(), NOW)
        .unwrap();
}

#[test]
fn availability_added_for_a_date_is_bookable() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let day = NOW.date();
    assert!(matches!(
        db.book(&booking(day, "14:00", 30, None), &[], NOW),
        Err(BookError::Unavailable)
    ));
    db.add_availability(day, "13:00".parse().unwrap(), "15:00".parse().unwrap(), NOW)
        .unwrap();
    db.book(&booking(day, "14:00", 30, None), &[], NOW).unwrap();
    assert_eq!(db.availability_between(day, day).unwrap().len(), 1);
    assert_eq!(db.booked_between(day, day).unwrap().len(), 1);
}

#[test]
fn queue_numbers_and_places() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let day = NOW.date();
    let a = db
        .join_queue(day, "Ada", "10X", None, NOW)
        .unwrap()
        .into_inner()
        .1;
    let b = db
        .join_queue(day, "Bo", "11Y", None, NOW)
        .unwrap()
        .into_inner()
        .1;
    assert_eq!((a.number, a.ahead), (1, 0));
    assert_eq!((b.number, b.ahead), (2, 1));
    assert_eq!(db.queue_waiting(day).unwrap(), 2);
    assert_eq!(db.queue_place(day, 2).unwrap().unwrap().ahead, 1);
    assert_eq!(db.queue_place(day, 3).unwrap(), None);
    // Tomorrow starts again at 1.
    let next = db
        .join_queue(day.next_day().unwrap(), "Cy", "9Z", None, NOW)
        .unwrap()
        .into_inner()
        .1;
    assert_eq!(next.number, 1);
}

#[test]
fn backup_makes_a_usable_copy() {
    let (d, s) = store();
    let mut db = s.open().unwrap();
    db.join_queue(NOW.date(), "Ada", "10X", None, NOW).unwrap();
    let copy = d.path().join("copy.db");
    db.backup_to(&copy).unwrap();
    let restored = Store::init(&copy).unwrap().open().unwrap();
    assert_eq!(restored.queue_waiting(NOW.date()).unwrap(), 1);
    assert!(db.backup_to(&copy).is_err(), "must not overwrite");
}

#[test]
fn purge_keeps_booked_triage() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let t = triage(11, Rag::Amber, 30, None);
    let old = datetime!(2024-01-01 09:00);
    let kept = db.save_triage(&t, old).unwrap().into_inner();
    let dropped = db.save_triage(&t, old).unwrap().into_inner();
    let mut b = booking(NOW.date(), "09:00", 30, None);
    b.triage_token = Some(kept.clone());
    db.book(&b, &morning(), NOW).unwrap();
    db.join_queue(old.date(), "Old", "7A", None, old).unwrap();
    assert_eq!(db.purge(NOW.date(), 365).unwrap(), 2);
    assert!(db.triage_by_token(&kept).unwrap().is_some());
    assert!(db.triage_by_token(&dropped).unwrap().is_none());
}

/// Saves a quick check in a fresh store and returns the store, a connection and its token.
fn saved(t: NewTriage) -> (tempfile::TempDir, Db, String) {
    let (dir, s) = store();
    let mut db = s.open().unwrap();
    let token = db.save_triage(&t, NOW).unwrap().into_inner();
    (dir, db, token)
}

#[test]
fn a_saved_check_reads_back_with_its_result() {
    let (_dir, db, token) = saved(triage(12, Rag::Amber, 30, None));
    let got = db.triage_by_token(&token).unwrap().unwrap();
    assert_eq!((got.rag, got.minutes), (Rag::Amber, 30));
    let (year, rag): (i64, String) = db
        .conn
        .query_row(
            "SELECT year_group, rag FROM triage WHERE token = ?1",
            [&token],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((year, rag.as_str()), (12, "amber"));
}

#[test]
fn a_damaged_check_row_is_an_error_not_a_panic() {
    let (_dir, db, token) = saved(triage(10, Rag::Red, 45, None));
    // As a hand-edited file might hold it: the schema's CHECK would refuse this otherwise.
    db.conn
        .execute_batch(
            "PRAGMA ignore_check_constraints = ON;
             UPDATE triage SET rag = 'purple';",
        )
        .unwrap();
    let e = db.triage_by_token(&token).unwrap_err();
    assert!(!e.is_unwritable());
    assert!(
        e.to_string()
            .contains("`purple` is not red, amber or green"),
        "{e}"
    );
}

fn weekly(day: DayName, from: &str, to: &str) -> WeeklyWindow {
    WeeklyWindow {
        day,
        from: from.parse().unwrap(),
        to: to.parse().unwrap(),
    }
}

/// The windows `open_windows` gives for one day, as (start, end) minutes.
fn windows_on(db: &Db, pattern: &[WeeklyWindow], day: Date) -> Vec<(u16, u16)> {
    db.open_windows(pattern, day, day).unwrap()[0]
        .1
        .iter()
        .map(|w| (w.start, w.end))
        .collect()
}

#[test]
fn the_usual_week_comes_from_the_browser_once_saved_there() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let tue = time::macros::date!(2026 - 12 - 01);
    let wed = time::macros::date!(2026 - 12 - 02);
    let config = morning();
    assert_eq!(db.usual_week(&config).unwrap().0, UsualWeekSource::Config);
    assert_eq!(windows_on(&db, &config, tue), [(540, 720)]);

    // An overlapping first row saves nothing: the week still comes from kiosk.toml.
    let clash = weekly(DayName::Tuesday, "11:00", "13:00");
    assert!(matches!(
        db.add_usual_window(&config, clash).unwrap(),
        Added::Overlaps { .. }
    ));
    assert_eq!(db.usual_week(&config).unwrap().0, UsualWeekSource::Config);
    // So do kiosk.toml's own row added again and a row removed that is not there.
    assert_eq!(
        db.add_usual_window(&config, config[0]).unwrap(),
        Added::Already
    );
    let absent = weekly(DayName::Monday, "09:00", "10:00");
    assert!(!db.remove_usual_window(&config, absent).unwrap());
    assert_eq!(db.usual_week(&config).unwrap().0, UsualWeekSource::Config);

    let wednesday = weekly(DayName::Wednesday, "10:00", "11:00");
    assert_eq!(db.add_usual_window(&config, wednesday).unwrap(), Added::New);
    assert_eq!(
        db.add_usual_window(&config, wednesday).unwrap(),
        Added::Already
    );
    let (source, rows) = db.usual_week(&config).unwrap();
    assert_eq!((source, rows.len()), (UsualWeekSource::Browser, 2));
    assert_eq!(windows_on(&db, &config, wed), [(600, 660)]);
    // From now on kiosk.toml's list is not read: an empty one changes nothing.
    assert_eq!(windows_on(&db, &[], tue), [(540, 720)]);

    assert!(db.remove_usual_window(&config, config[0]).unwrap());
    assert!(!db.remove_usual_window(&config, config[0]).unwrap());
    assert!(windows_on(&db, &config, tue).is_empty());
}

#[test]
fn a_blocked_day_has_no_windows_and_cannot_be_booked() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let tue = time::macros::date!(2026 - 12 - 01);
    let config = morning();
    let extra = (
        ClockTime::from_minutes(14 * 60).unwrap(),
        ClockTime::from_minutes(15 * 60).unwrap(),
    );
    assert_eq!(
        db.add_session(tue, extra.0, extra.1, NOW).unwrap(),
        Added::New
    );
    assert_eq!(
        db.add_session(tue, extra.0, extra.1, NOW).unwrap(),
        Added::Already
    );
    assert_eq!(windows_on(&db, &config, tue), [(540, 720), (840, 900)]);

    assert_eq!(
        db.add_block(tue, tue, "Training day", NOW).unwrap(),
        Added::New
    );
    assert_eq!(
        db.add_block(tue, tue, "Training day", NOW).unwrap(),
        Added::Already
    );
    assert!(windows_on(&db, &config, tue).is_empty());
    let next = tue + time::Duration::days(7);
    assert_eq!(
        windows_on(&db, &config, next),
        [(540, 720)],
        "only the blocked day"
    );
    assert!(matches!(
        db.book(&booking(tue, "09:00", 30, None), &config, NOW),
        Err(BookError::Unavailable)
    ));

    let block = db.blocks_between(tue, tue).unwrap().remove(0);
    assert_eq!(block.reason, "Training day");
    assert!(db.remove_block(block.id).unwrap().is_some());
    assert!(db.remove_block(block.id).unwrap().is_none());
    assert!(db
        .book(&booking(tue, "09:00", 30, None), &config, NOW)
        .is_ok());
}

#[test]
fn queue_marks_change_an_entry_once_and_called_people_are_not_ahead() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let day = NOW.date();
    for name in ["Ann", "Ben", "Cal"] {
        db.join_queue(day, name, "10A", None, NOW).unwrap();
    }
    let ids: Vec<i64> = db
        .queue_entries(day)
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    let (e, changed) = db
        .mark_queue(ids[0], QueueMark::Call, NOW)
        .unwrap()
        .unwrap();
    assert!(changed && e.called.is_some());
    let (_, changed) = db
        .mark_queue(ids[0], QueueMark::Call, NOW)
        .unwrap()
        .unwrap();
    assert!(!changed);
    let first = db.queue_place(day, 1).unwrap().unwrap();
    assert!(first.called && !first.done);
    assert_eq!(db.queue_place(day, 2).unwrap().unwrap().ahead, 0);
    assert_eq!(db.queue_place(day, 3).unwrap().unwrap().ahead, 1);
    assert_eq!(db.queue_waiting(day).unwrap(), 2);

    // Left: cannot then be seen; seen without a call counts as called too.
    assert!(
        db.mark_queue(ids[1], QueueMark::Left, NOW)
            .unwrap()
            .unwrap()
            .1
    );
    assert!(
        !db.mark_queue(ids[1], QueueMark::Seen, NOW)
            .unwrap()
            .unwrap()
            .1
    );
    let (e, changed) = db
        .mark_queue(ids[2], QueueMark::Seen, NOW)
        .unwrap()
        .unwrap();
    assert!(changed && e.seen.is_some() && e.called.is_some());
    assert!(db.mark_queue(9999, QueueMark::Call, NOW).unwrap().is_none());
    assert_eq!(db.queue_waiting(day).unwrap(), 0);
}

#[test]
fn a_quick_check_is_read_back_with_its_answers_in_order() {
    let (_d, s) = store();
    let mut db = s.open().unwrap();
    let mut t = triage(11, Rag::Amber, 45, None);
    t.answers = vec![
        ("b".into(), "Second question?".into(), "Yes".into(), 2),
        ("a".into(), "First question?".into(), "No".into(), 0),
    ];
    t.options = vec![(
        "college".into(),
        "Go to college".into(),
        Consideration::Considering,
    )];
    let token = db.save_triage(&t, NOW).unwrap().into_inner();
    let id = db.triage_by_token(&token).unwrap().unwrap().id;
    let d = db.triage_detail(id).unwrap().unwrap();
    assert_eq!(d.rag, Rag::Amber);
    assert_eq!(d.year.get(), 11);
    assert_eq!(
        d.answers[0],
        ("Second question?".to_string(), "Yes".to_string())
    );
    assert_eq!(
        d.options,
        [("Go to college".to_string(), Consideration::Considering)]
    );
    assert!(db.triage_detail(id + 1).unwrap().is_none());
}

#[test]
fn workers_share_one_writer_that_a_refused_or_panicking_write_leaves_clean() {
    let (_d, s) = store();
    let mut a = s.open().unwrap();
    let mut b = s.open().unwrap();
    let tue = time::macros::date!(2026 - 12 - 01);
    assert!(a
        .book(&booking(tue, "09:00", 30, None), &morning(), NOW)
        .is_ok());
    // Refused inside its transaction: rolled back, and the next writer is not kept waiting.
    assert!(matches!(
        b.book(&booking(tue, "09:00", 30, None), &morning(), NOW),
        Err(BookError::Taken)
    ));
    // A worker that panics in the middle of a write gives the writer back rolled back.
    let s2 = s.clone();
    let panicked = std::thread::spawn(move || {
        let mut c = s2.open().unwrap();
        let tx = c.write().unwrap();
        tx.execute(
            "INSERT INTO availability (day, start_min, end_min, created_at)
             VALUES ('2026-12-08', 540, 600, '2026-12-01 08:00:00')",
            [],
        )
        .unwrap();
        panic!("a handler bug");
    })
    .join();
    assert!(panicked.is_err());
    assert!(b
        .book(&booking(tue, "10:00", 30, None), &morning(), NOW)
        .is_ok());
    // Both workers read what the shared writer committed, and nothing of the panicked write.
    for db in [&a, &b] {
        let n: i64 = db
            .conn
            .query_row("SELECT COUNT(*) FROM booking", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
        let n: i64 = db
            .conn
            .query_row("SELECT COUNT(*) FROM availability", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}
