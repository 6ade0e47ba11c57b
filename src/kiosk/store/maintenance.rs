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
    /// to a booking, cancelled bookings and queue entries older than `days`, and queue entries
    /// from before today that are more than a week old. Returns the number of rows removed.
    pub fn purge(&mut self, today: Date, days: u16) -> Result<usize, StoreError> {
        let cutoff = today - time::Duration::days(i64::from(days));
        let cutoff = format!("{} 00:00:00", iso_date(cutoff));
        let tx = self.write()?;
        let mut n = tx.execute(
            "DELETE FROM booking WHERE cancelled_at IS NOT NULL AND created_at < ?1",
            [&cutoff],
        )?;
        n += tx.execute(
            "DELETE FROM triage WHERE created_at < ?1
             AND id NOT IN (SELECT triage_id FROM booking WHERE triage_id IS NOT NULL)",
            [&cutoff],
        )?;
        n += tx.execute("DELETE FROM queue_entry WHERE joined_at < ?1", [&cutoff])?;
        tx.commit()?;
        Ok(n)
    }
}
