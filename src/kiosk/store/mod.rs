//! The kiosk's SQLite database: the only code that speaks SQL.
//!
//! Every user action is one transaction, and every write transaction starts with
//! `BEGIN IMMEDIATE`, so two kiosk workers never interleave a read and a write: the check that a
//! slot is free and the insert that takes it happen under one write lock. A partial unique index
//! on active bookings backs that up. The journal is WAL with `synchronous=FULL`, so a booking is on
//! disk before its confirmation page is sent.
//!
//! Writers of one [`Store`] (the kiosk's workers) take turns on one shared writing connection
//! behind an in-process mutex, so they queue and wake as soon as the writer ahead commits, instead
//! of meeting SQLite's busy handler, which sleeps between tries (1, 2, 5, 10 ms and up) and wastes
//! the time in between. One connection also keeps its page cache: SQLite drops a connection's
//! cache whenever another connection has written, so with a writer per worker every booking read
//! again from the file the pages it checks. Nothing is batched: each transaction still commits,
//! with its fsync, before the page that confirms it is sent. Reads outside a write use the
//! worker's own connection. Other processes (the availability command, a restore) still wait in
//! the busy handler.

mod audit;
mod diary;
mod follow_up;
mod guidance;
mod maintenance;
mod queue;
mod reports;
mod rights;
mod schema;
mod sign_in;
mod staff;
mod students;
#[cfg(test)]
mod tests;
mod triage;
mod week;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::Connection;
use time::PrimitiveDateTime;

use super::domain::iso_date;

pub use audit::{AuditAction, AuditEntry, AuditLine};
pub use diary::{AvailabilityRow, BookError, Booking, DayBooking, NewBooking};
pub use follow_up::{FollowUp, FollowUpAnswer, FollowUpInput};
pub use guidance::{
    BadDestination, Destination, GuidanceInput, GuidanceRecord, Saved, SessionSource,
    SessionSubject,
};
pub use maintenance::{check_backup, purge_cutoff, Counts, PurgeKind, PurgeStep};
pub use queue::{QueueEntry, QueueMark, QueuePlace};
pub use reports::{
    AcademicYear, FollowUpDates, GuidanceRow, MeetingStatus, Milestone, RagByYear, RagCounts,
    RouteCount, Wait,
};
pub use rights::{Holding, Kind as HeldKind, StudentExport, StudentRow, FIND_LIMIT};
pub use schema::SCHEMA_VERSION;
pub use sign_in::RecentFailures;
pub use staff::{AccountError, StaffAccount};
pub use students::{CheckOnRecord, Student, StudentName};
pub use triage::{NewTriage, TriageDetail, TriageSummary};
pub use week::{Added, DiaryBlock, UsualWeekSource, USUAL_WEEK_SAVED, WEEKDAYS};

/// The database file and how to open it; each worker thread opens its own [`Db`].
#[derive(Clone)]
pub struct Store {
    path: PathBuf,
    /// A [`Fault`] switched on by a test, shared by every connection.
    fault: Arc<AtomicU8>,
    /// The one writing connection, opened at the first write (see the module notes).
    writer: Arc<Mutex<Option<Writer>>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// The connection every write goes through, and the fault its settings match.
struct Writer {
    conn: Connection,
    applied: u8,
}

/// One open connection for reading, used by one thread at a time; writes go through the store's
/// shared writer.
pub struct Db {
    conn: Connection,
    store: Store,
}

/// A write transaction on the shared writer, holding the writers' turn. Dropped without a commit
/// it rolls back before it gives up the turn.
struct WriteTx<'a> {
    turn: MutexGuard<'a, Option<Writer>>,
    done: bool,
}

impl WriteTx<'_> {
    /// Commits (to disk, `synchronous=FULL`), then lets the next writer in.
    fn commit(mut self) -> rusqlite::Result<()> {
        self.execute_batch("COMMIT")?;
        self.done = true;
        Ok(())
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if !self.done && !self.is_autocommit() {
            // Errors here leave the transaction to SQLite, which rolls back what it cannot keep.
            let _ = self.execute_batch("ROLLBACK");
        }
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self.turn.as_ref() {
            Some(w) => &w.conn,
            None => unreachable!("a WriteTx is only made once the writer is open"),
        }
    }
}

/// A storage fault that tests switch on to see what students get when the disk is full or the
/// database's location cannot be written, and that the kiosk recovers once it clears. SQLite
/// reports them as it would the real thing (`SQLITE_FULL`, `SQLITE_READONLY`).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Writing works.
    None = 0,
    /// The file may not grow (`PRAGMA max_page_count` at its current size).
    Full = 1,
    /// Nothing may be written (`PRAGMA query_only`).
    ReadOnly = 2,
}

/// What storing a form did: stored it now, or found it stored by an earlier copy of the same form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent<T> {
    /// Stored now.
    New(T),
    /// The same form (by its form id) was stored before; this is what it stored.
    Again(T),
}

impl<T> Sent<T> {
    /// What was stored, either way.
    pub fn into_inner(self) -> T {
        match self {
            Sent::New(t) | Sent::Again(t) => t,
        }
    }
}

/// Errors from the database layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// `PRAGMA integrity_check` found damage.
    #[error("the database {path} is damaged ({detail}); restore it from a backup or move it away to start afresh")]
    Corrupt {
        /// The file.
        path: String,
        /// What SQLite said.
        detail: String,
    },
    /// The file was written by a newer signpost.
    #[error("the database {path} is from a newer version of signpost (schema {found}, this version knows {known})")]
    TooNew {
        /// The file.
        path: String,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// A value stored in the database is not what the schema promises.
    #[error("unexpected value in the database: {0}")]
    BadValue(String),
    /// A file that should be a kiosk backup is not one.
    #[error("{path} cannot be restored: {why}")]
    NotABackup {
        /// The file.
        path: String,
        /// What is wrong with it.
        why: String,
    },
}

impl StoreError {
    /// True when the database could not be written because of where it is kept (disk full,
    /// read-only file or folder, the file gone or unreadable), as opposed to a bug: staff must
    /// act, and nothing was saved.
    pub fn is_unwritable(&self) -> bool {
        use rusqlite::ErrorCode as C;
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => matches!(
                f.code,
                C::DiskFull
                    | C::ReadOnly
                    | C::CannotOpen
                    | C::SystemIoFailure
                    | C::PermissionDenied
                    | C::DatabaseBusy
                    | C::DatabaseLocked
            ),
            _ => false,
        }
    }
}

fn now_text(now: PrimitiveDateTime) -> String {
    format!(
        "{} {:02}:{:02}:{:02}",
        iso_date(now.date()),
        now.hour(),
        now.minute(),
        now.second()
    )
}

impl Store {
    /// Opens (creating if needed) the database, checks it, and brings the schema up to date.
    ///
    /// Refuses to go on if `PRAGMA integrity_check` reports anything but "ok", so the kiosk
    /// never writes into a damaged file.
    pub fn init(path: &Path) -> Result<Store, StoreError> {
        let store = Store {
            path: path.to_path_buf(),
            fault: Arc::new(AtomicU8::new(Fault::None as u8)),
            writer: Arc::new(Mutex::new(None)),
        };
        let mut db = store.open()?;
        let detail: String = db
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| StoreError::Corrupt {
                path: path.display().to_string(),
                detail: e.to_string(),
            })?;
        if detail != "ok" {
            return Err(StoreError::Corrupt {
                path: path.display().to_string(),
                detail,
            });
        }
        db.migrate(&path.display().to_string())?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens a connection with the kiosk's settings.
    pub fn open(&self) -> Result<Db, StoreError> {
        let conn = Connection::open(&self.path).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                StoreError::Corrupt {
                    path: self.path.display().to_string(),
                    detail: "not a database file".into(),
                }
            }
            e => StoreError::Sqlite(e),
        })?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let not_db = |e: rusqlite::Error| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(
                    f.code,
                    rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt
                ) =>
            {
                StoreError::Corrupt {
                    path: self.path.display().to_string(),
                    detail: e.to_string(),
                }
            }
            e => StoreError::Sqlite(e),
        };
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(not_db)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::BadValue(format!(
                "journal mode is {mode}, not WAL"
            )));
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(not_db)?;
        Ok(Db {
            conn,
            store: self.clone(),
        })
    }

    /// The connection for the shared writer: the settings of [`Store::open`], on a database
    /// that has already been opened, checked and set to WAL.
    fn open_writer(&self) -> rusqlite::Result<Writer> {
        let conn = Connection::open(&self.path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        Ok(Writer {
            conn,
            applied: Fault::None as u8,
        })
    }

    /// Replaces this database's whole content with a backup's, through SQLite's online backup
    /// (page by page under SQLite's own locks), then checks and migrates the result. Check the
    /// backup with [`check_backup`] first.
    pub fn restore_from(&self, backup: &Path) -> Result<(), StoreError> {
        let src = Connection::open_with_flags(backup, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let mut dst = self.open()?;
        rusqlite::backup::Backup::new(&src, &mut dst.conn)?.run_to_completion(
            256,
            Duration::ZERO,
            None,
        )?;
        drop(dst);
        Store::init(&self.path)?;
        Ok(())
    }

    /// Switches a simulated storage fault on or off for every connection, from its next write.
    #[doc(hidden)]
    pub fn inject_fault(&self, fault: Fault) {
        self.fault.store(fault as u8, Ordering::SeqCst);
    }
}

impl Db {
    /// Waits for the writers' turn and begins a write transaction (`BEGIN IMMEDIATE`) on the
    /// shared writer, first matching any simulated fault.
    fn write(&mut self) -> rusqlite::Result<WriteTx<'_>> {
        // A writer that panicked has rolled back (its transaction dropped first), so the turn
        // is safe to take.
        let mut turn = self
            .store
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if turn.is_none() {
            *turn = Some(self.store.open_writer()?);
        }
        let want = self.store.fault.load(Ordering::SeqCst);
        if let Some(w) = turn.as_mut().filter(|w| w.applied != want) {
            let (query_only, max_pages) = if want == Fault::Full as u8 {
                let pages: i64 = w.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
                (false, pages)
            } else {
                // SQLite clamps this to its own largest allowed size.
                (want == Fault::ReadOnly as u8, i64::from(u32::MAX))
            };
            w.conn.pragma_update(None, "query_only", query_only)?;
            w.conn.pragma_update(None, "max_page_count", max_pages)?;
            w.applied = want;
        }
        let tx = WriteTx { turn, done: false };
        tx.execute_batch("BEGIN IMMEDIATE")?;
        Ok(tx)
    }

    fn migrate(&mut self, path: &str) -> Result<(), StoreError> {
        let known = SCHEMA_VERSION;
        let tx = self.write()?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > known {
            return Err(StoreError::TooNew {
                path: path.to_string(),
                found: version,
                known,
            });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The schema version (for tests and diagnostics).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}
