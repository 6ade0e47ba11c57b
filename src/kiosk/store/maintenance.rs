//! Keeping the database: backups, checking a backup before a restore, and the retention purge.

use std::path::Path;

use rusqlite::Connection;
use time::Date;

use super::{Db, StoreError, SCHEMA_VERSION};
use crate::kiosk::domain::iso_date;

/// How many records a database holds, to say what a backup or a restore contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Bookings, active or cancelled.
    pub bookings: i64,
    /// Quick checks.
    pub checks: i64,
    /// Drop-in queue entries.
    pub queue: i64,
}

/// Checks that `path` is an undamaged kiosk database this version can use, without changing it,
/// and counts what it holds.
pub fn check_backup(path: &Path) -> Result<Counts, StoreError> {
    let not = |why: String| StoreError::NotABackup {
        path: path.display().to_string(),
        why,
    };
    if !path.is_file() {
        return Err(not("there is no such file".into()));
    }
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| not(e.to_string()))?;
    let detail: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| not(format!("it is not a database file ({e})")))?;
    if detail != "ok" {
        return Err(not(format!("it is damaged ({detail})")));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version < 1 {
        return Err(not("it is not a kiosk database".into()));
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.display().to_string(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    let count = |table: &str| -> Result<i64, StoreError> {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .map_err(|e| not(format!("it has no {table} table ({e})")))
    };
    Ok(Counts {
        bookings: count("booking")?,
        checks: count("triage")?,
        queue: count("queue_entry")?,
    })
}

impl Db {
    /// Writes a consistent, compacted copy of the whole database to `dest` (which must not
    /// exist), safe while the kiosk is running: the copy is made inside one read transaction.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        let dest = dest.to_string_lossy();
        self.conn.execute("VACUUM INTO ?1", [dest.as_ref()])?;
        Ok(())
    }

    /// Deletes what the retention period no longer allows keeping: triage answers never linked
    /// to a booking, cancelled bookings and queue entries, each older than `days`. Returns the
    /// number of rows removed.
    pub fn purge(&mut self, today: Date, days: u16) -> Result<usize, StoreError> {
        let tx = self.write()?;
        let steps = purge_steps(&tx, &cutoff_text(today, days), 0)?;
        tx.commit()?;
        Ok(steps.iter().map(|s| s.count).sum())
    }

    /// What [`purge`](Self::purge) would delete now, without deleting it: the same deletions
    /// run in a transaction that is then rolled back, so the counts cannot differ from the
    /// purge's (a later step sees what an earlier one removed, as in the purge). Lists up to
    /// `lines` records of each kind.
    pub fn purge_preview(
        &mut self,
        today: Date,
        days: u16,
        lines: usize,
    ) -> Result<Vec<PurgeStep>, StoreError> {
        let tx = self.write()?;
        let steps = purge_steps(&tx, &cutoff_text(today, days), lines)?;
        drop(tx);
        Ok(steps)
    }
}

/// The day before which the purge deletes, given today and the retention period.
pub fn purge_cutoff(today: Date, days: u16) -> Date {
    today - time::Duration::days(i64::from(days))
}

fn cutoff_text(today: Date, days: u16) -> String {
    format!("{} 00:00:00", iso_date(purge_cutoff(today, days)))
}

/// A kind of record the retention purge deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PurgeKind {
    /// Cancelled bookings.
    CancelledBooking,
    /// Quick checks that never led to a booking.
    UnbookedCheck,
    /// Drop-in queue entries.
    QueueEntry,
}

impl PurgeKind {
    /// How the kind is named on screen.
    pub fn label(self) -> &'static str {
        match self {
            PurgeKind::CancelledBooking => "Cancelled bookings",
            PurgeKind::UnbookedCheck => "Quick checks that never led to a booking or a record",
            PurgeKind::QueueEntry => "Drop-in queue entries",
        }
    }
}

/// The purge, step by step in the order it runs: the kind, its table, which rows go (`?1` is
/// the cutoff time), and a line describing a row for the preview.
const PURGE_STEPS: [(PurgeKind, &str, &str, &str); 3] = [
    (
        PurgeKind::CancelledBooking,
        "booking",
        "cancelled_at IS NOT NULL AND created_at < ?1",
        "day || ': ' || first_name || ' ' || surname || ' (' || tutor_group || '), cancelled'",
    ),
    (
        PurgeKind::UnbookedCheck,
        "triage",
        // A check on a student's record (a drop-in's, linked by its guidance) is part of their
        // careers record, kept until the student is erased.
        "created_at < ?1 AND student_id IS NULL
         AND id NOT IN (SELECT triage_id FROM booking WHERE triage_id IS NOT NULL)",
        "substr(created_at, 1, 10) || ': Year ' || year_group || ', ' || rag",
    ),
    (
        PurgeKind::QueueEntry,
        "queue_entry",
        "joined_at < ?1",
        "day || ': ' || first_name || ' (' || tutor_group || '), number ' || number",
    ),
];

/// One step of the purge: how many rows it deletes, and some of them described.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PurgeStep {
    /// The kind.
    pub kind: PurgeKind,
    /// Its name on screen.
    pub label: &'static str,
    /// Rows deleted.
    pub count: usize,
    /// Up to the number asked for, described.
    pub lines: Vec<String>,
}

/// Runs every step of the purge in `tx`, describing up to `lines` rows of each before deleting.
fn purge_steps(
    tx: &rusqlite::Connection,
    cutoff: &str,
    lines: usize,
) -> Result<Vec<PurgeStep>, StoreError> {
    let mut out = Vec::with_capacity(PURGE_STEPS.len());
    for (kind, table, filter, describe) in PURGE_STEPS {
        let described = if lines == 0 {
            Vec::new()
        } else {
            let mut stmt = tx.prepare(&format!(
                "SELECT {describe} FROM {table} WHERE {filter} ORDER BY rowid LIMIT ?2"
            ))?;
            let rows = stmt.query_map(rusqlite::params![cutoff, lines as i64], |r| {
                Ok(r.get::<_, Option<String>>(0)?.unwrap_or_default())
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let count = tx.execute(&format!("DELETE FROM {table} WHERE {filter}"), [cutoff])?;
        out.push(PurgeStep {
            kind,
            label: kind.label(),
            count,
            lines: described,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kiosk::store::Store;
    use time::macros::date;

    /// Quick checks, bookings (cancelled or not, with and without a check) and queue entries
    /// spread over two years, so different retention periods cut through them differently.
    fn spread() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(&dir.path().join("k.db")).unwrap();
        let db = store.open().unwrap();
        for i in 0..24i64 {
            let day = date!(2025 - 01 - 01) + time::Duration::days(i * 30);
            let at = format!("{} 10:00:00", iso_date(day));
            db.conn
                .execute(
                    "INSERT INTO triage (id, token, year_group, extra_support, score, max_score, rag, minutes, created_at)
                     VALUES (?1, ?1, 10, 0, 1, 2, 'red', 60, ?2)",
                    rusqlite::params![i + 1, at],
                )
                .unwrap();
            if i % 3 != 0 {
                let cancelled = (i % 2 == 0).then_some(at.clone());
                db.conn
                    .execute(
                        "INSERT INTO booking (reference, day, start_min, end_min, first_name, surname, tutor_group, triage_id, created_at, cancelled_at)
                         VALUES (?1, ?2, 540, 570, 'A', 'B', '10A', ?3, ?4, ?5)",
                        rusqlite::params![format!("R{i}"), iso_date(day), i + 1, at, cancelled],
                    )
                    .unwrap();
            }
            db.conn
                .execute(
                    "INSERT INTO queue_entry (day, number, first_name, tutor_group, joined_at)
                     VALUES (?1, 1, 'A', '10A', ?2)",
                    rusqlite::params![iso_date(day), at],
                )
                .unwrap();
        }
        (dir, store)
    }

    #[test]
    fn a_quick_check_on_a_students_record_outlives_the_purge() {
        let (_dir, store) = spread();
        let mut db = store.open().unwrap();
        db.conn
            .execute_batch(
                "INSERT INTO student (id, first_name, surname, tutor_group, created_at)
                 VALUES (1, 'Ada', 'Lovelace', '10A', '2025-01-01 10:00:00');
                 UPDATE triage SET student_id = 1 WHERE id = 1;",
            )
            .unwrap();
        let today = date!(2026 - 12 - 01);
        let preview = db.purge_preview(today, 30, 100).unwrap();
        let checks = preview
            .iter()
            .find(|s| s.kind == PurgeKind::UnbookedCheck)
            .unwrap();
        db.purge(today, 30).unwrap();
        let left: Vec<i64> = db
            .conn
            .prepare("SELECT id FROM triage ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            left.contains(&1),
            "the check on Ada's record stays: {left:?}"
        );
        assert!(
            !left.contains(&4),
            "an old check on no record and no booking goes: {left:?}"
        );
        assert!(checks.count > 0 && !checks.lines.iter().any(|l| l.starts_with("2025-01-01")));
    }

    #[test]
    fn the_preview_counts_exactly_what_the_purge_then_deletes() {
        let today = date!(2026 - 12 - 01);
        for days in [30u16, 200, 365, 500, 3650] {
            let (_dir, store) = spread();
            let mut db = store.open().unwrap();
            let preview = db.purge_preview(today, days, 5).unwrap();
            let again = db.purge_preview(today, days, 5).unwrap();
            assert_eq!(preview, again, "the preview changes nothing");
            for step in &preview {
                assert_eq!(step.lines.len(), step.count.min(5), "{step:?}");
            }
            let total: usize = preview.iter().map(|s| s.count).sum();
            assert_eq!(db.purge(today, days).unwrap(), total, "{days} days");
            let after = db.purge_preview(today, days, 5).unwrap();
            assert!(after.iter().all(|s| s.count == 0), "{after:?}");
        }
        // With a year's retention, a check whose only booking was cancelled long ago goes with
        // the booking: the preview counts it although, before the purge, it is still booked.
        let (_dir, store) = spread();
        let mut db = store.open().unwrap();
        let preview = db.purge_preview(today, 365, 0).unwrap();
        let checks = preview
            .iter()
            .find(|s| s.kind == PurgeKind::UnbookedCheck)
            .unwrap();
        let unbooked_before: i64 = db
            .conn
            .query_row(
                "SELECT COUNT(*) FROM triage WHERE created_at < '2025-12-01'
                 AND id NOT IN (SELECT triage_id FROM booking WHERE triage_id IS NOT NULL)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            checks.count as i64 > unbooked_before,
            "{checks:?} vs {unbooked_before}"
        );
    }
}
