//! The kiosk's SQLite database: the only code that speaks SQL.
//!
//! Every user action is one transaction, and every write transaction starts with
//! `BEGIN IMMEDIATE`, so two kiosk workers never interleave a read and a write: the check that a
//! slot is free and the insert that takes it happen under one write lock. A partial unique index
//! on active bookings backs that up. The journal is WAL with `synchronous=FULL`, so a booking is on
//! disk before its confirmation page is sent.
//!
//! Writers of one [`Store`] (the kiosk's four workers) take turns on an in-process mutex before
//! `BEGIN IMMEDIATE`, so they queue and wake as soon as the writer ahead commits, instead of
//! meeting SQLite's busy handler, which sleeps between tries (1, 2, 5, 10 ms and up) and wastes
//! the time in between. Nothing is batched: each transaction still commits, with its fsync,
//! before the page that confirms it is sent. Other processes (the availability command, a
//! restore) still wait in the busy handler.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use time::{Date, PrimitiveDateTime};

use super::domain::{
    iso_date, parse_iso_date, random_token, BookingRef, ClockTime, Consideration, Rag, Slot,
    YearGroup,
};
use super::schedule::{covers, Window};

/// Migrations, applied in order; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: triage answers, availability, bookings and the drop-in queue.
    "
    CREATE TABLE triage (
        id            INTEGER PRIMARY KEY,
        token         TEXT NOT NULL UNIQUE,
        year_group    INTEGER NOT NULL CHECK (year_group BETWEEN 7 AND 13),
        extra_support INTEGER NOT NULL CHECK (extra_support IN (0, 1)),
        score         INTEGER NOT NULL,
        max_score     INTEGER NOT NULL,
        rag           TEXT NOT NULL CHECK (rag IN ('red', 'amber', 'green')),
        minutes       INTEGER NOT NULL CHECK (minutes > 0),
        created_at    TEXT NOT NULL
    );
    CREATE TABLE triage_option (
        triage_id     INTEGER NOT NULL REFERENCES triage(id) ON DELETE CASCADE,
        option_id     TEXT NOT NULL,
        label         TEXT NOT NULL,
        consideration TEXT NOT NULL CHECK (consideration IN ('definitely', 'considering', 'not')),
        PRIMARY KEY (triage_id, option_id)
    );
    CREATE TABLE triage_answer (
        triage_id   INTEGER NOT NULL REFERENCES triage(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        question    TEXT NOT NULL,
        answer      TEXT NOT NULL,
        score       INTEGER NOT NULL,
        PRIMARY KEY (triage_id, question_id)
    );
    CREATE TABLE availability (
        id         INTEGER PRIMARY KEY,
        day        TEXT NOT NULL,
        start_min  INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
        end_min    INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
        created_at TEXT NOT NULL
    );
    CREATE INDEX availability_day ON availability(day);
    CREATE TABLE booking (
        id           INTEGER PRIMARY KEY,
        reference    TEXT NOT NULL UNIQUE,
        day          TEXT NOT NULL,
        start_min    INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
        end_min      INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
        first_name   TEXT NOT NULL,
        surname      TEXT NOT NULL,
        tutor_group  TEXT NOT NULL,
        triage_id    INTEGER REFERENCES triage(id) ON DELETE SET NULL,
        form_id      TEXT UNIQUE,
        created_at   TEXT NOT NULL,
        cancelled_at TEXT
    );
    CREATE UNIQUE INDEX booking_active_slot ON booking(day, start_min) WHERE cancelled_at IS NULL;
    CREATE INDEX booking_day ON booking(day);
    CREATE TABLE queue_entry (
        id          INTEGER PRIMARY KEY,
        day         TEXT NOT NULL,
        number      INTEGER NOT NULL CHECK (number > 0),
        first_name  TEXT NOT NULL,
        tutor_group TEXT NOT NULL,
        joined_at   TEXT NOT NULL,
        seen_at     TEXT,
        left_at     TEXT,
        UNIQUE (day, number)
    );
    ",
    // 2: the form a quick check or a queue place came from, so the same form sent twice (a
    // double tap, or Back and Reload) is stored once.
    "
    ALTER TABLE triage ADD COLUMN form_id TEXT;
    CREATE UNIQUE INDEX triage_form_id ON triage(form_id);
    ALTER TABLE queue_entry ADD COLUMN form_id TEXT;
    CREATE UNIQUE INDEX queue_entry_form_id ON queue_entry(form_id);
    ",
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The database file and how to open it; each worker thread opens its own [`Db`].
#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
    /// A [`Fault`] switched on by a test, shared by every connection.
    fault: Arc<AtomicU8>,
    /// The writers' turn, shared by every connection (see the module notes).
    writers: Arc<Mutex<()>>,
}

/// One open connection, used by one thread at a time.
pub struct Db {
    conn: Connection,
    fault: Arc<AtomicU8>,
    /// The fault this connection's settings match.
    applied: u8,
    writers: Arc<Mutex<()>>,
}

/// A write transaction that holds its store's writers' turn. Dropped without a commit it rolls
/// back first and then gives up the turn (fields drop in order).
struct WriteTx<'a> {
    tx: rusqlite::Transaction<'a>,
    _turn: MutexGuard<'a, ()>,
}

impl WriteTx<'_> {
    /// Commits (to disk, `synchronous=FULL`), then lets the next writer in.
    fn commit(self) -> rusqlite::Result<()> {
        self.tx.commit()
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.tx
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

/// Why a booking was not made.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// Someone else has (or overlaps) this slot.
    #[error("that time has just been taken")]
    Taken,
    /// The slot is not inside the adviser's availability (or is in the past).
    #[error("the adviser is not available then")]
    Unavailable,
    /// This form booked before and that booking has been cancelled: sending it again must not
    /// bring the booking back.
    #[error("this form's booking was cancelled")]
    Withdrawn,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for BookError {
    fn from(e: rusqlite::Error) -> Self {
        BookError::Store(StoreError::Sqlite(e))
    }
}

/// A triage to save: the result and the answers, with their wording at the time.
#[derive(Debug, Clone)]
pub struct NewTriage {
    /// Year group.
    pub year: YearGroup,
    /// Extra support asked for.
    pub extra_support: bool,
    /// Points scored.
    pub score: u16,
    /// Most points possible.
    pub max_score: u16,
    /// Result.
    pub rag: Rag,
    /// Minutes the result calls for.
    pub minutes: u16,
    /// (option id, label, consideration).
    pub options: Vec<(String, String, Consideration)>,
    /// (question id, question, answer, score).
    pub answers: Vec<(String, String, String, u16)>,
    /// A random id from the form, so the same form sent twice is stored once.
    pub form_id: Option<String>,
}

/// What the booking pages need to know about a saved triage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageSummary {
    /// Row id.
    pub id: i64,
    /// Result.
    pub rag: Rag,
    /// Session length.
    pub minutes: u16,
}

/// A booking to make.
#[derive(Debug, Clone)]
pub struct NewBooking {
    /// When.
    pub slot: Slot,
    /// First name as typed.
    pub first_name: String,
    /// Surname as typed.
    pub surname: String,
    /// Tutor group as typed.
    pub tutor_group: String,
    /// The triage token from the hidden field, if the student did the check.
    pub triage_token: Option<String>,
    /// A random id from the form, so pressing the button twice books once.
    pub form_id: Option<String>,
}

/// A booking as confirmed to the student.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// The reference on the slip.
    pub reference: BookingRef,
    /// When.
    pub slot: Slot,
    /// First name.
    pub first_name: String,
    /// Surname.
    pub surname: String,
    /// Tutor group.
    pub tutor_group: String,
}

/// The place in today's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePlace {
    /// The ticket number.
    pub number: i64,
    /// How many people still waiting joined before this one.
    pub ahead: i64,
    /// True once the adviser has seen or removed this entry.
    pub done: bool,
}

/// An availability row, for `signpost kiosk availability list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilityRow {
    /// Row id.
    pub id: i64,
    /// Day.
    pub day: Date,
    /// Window.
    pub window: Window,
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
            writers: Arc::new(Mutex::new(())),
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
            fault: Arc::clone(&self.fault),
            applied: Fault::None as u8,
            writers: Arc::clone(&self.writers),
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
    /// Waits for the writers' turn and begins a write transaction (`BEGIN IMMEDIATE`), first
    /// matching any simulated fault.
    fn write(&mut self) -> rusqlite::Result<WriteTx<'_>> {
        // A writer that panicked has rolled back (its transaction dropped first), so the turn
        // is safe to take.
        let turn = self.writers.lock().unwrap_or_else(PoisonError::into_inner);
        let want = self.fault.load(Ordering::SeqCst);
        if want != self.applied {
            let (query_only, max_pages) = if want == Fault::Full as u8 {
                let pages: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
                (false, pages)
            } else {
                // SQLite clamps this to its own largest allowed size.
                (want == Fault::ReadOnly as u8, i64::from(u32::MAX))
            };
            self.conn.pragma_update(None, "query_only", query_only)?;
            self.conn.pragma_update(None, "max_page_count", max_pages)?;
            self.applied = want;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(WriteTx { tx, _turn: turn })
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
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
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

    /// Saves a completed quick check and returns the random token that stands for it in forms.
    /// A form id seen before returns the token of the check it stored.
    pub fn save_triage(
        &mut self,
        t: &NewTriage,
        now: PrimitiveDateTime,
    ) -> Result<Sent<String>, StoreError> {
        let token = random_token();
        let tx = self.write()?;
        if let Some(form_id) = &t.form_id {
            let earlier: Option<String> = tx
                .query_row(
                    "SELECT token FROM triage WHERE form_id = ?1",
                    [form_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(earlier) = earlier {
                return Ok(Sent::Again(earlier));
            }
        }
        tx.execute(
            "INSERT INTO triage (token, year_group, extra_support, score, max_score, rag, minutes, created_at, form_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                token,
                t.year.get(),
                t.extra_support,
                t.score,
                t.max_score,
                t.rag.as_str(),
                t.minutes,
                now_text(now),
                t.form_id
            ],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut opt = tx.prepare(
                "INSERT INTO triage_option (triage_id, option_id, label, consideration) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (oid, label, c) in &t.options {
                opt.execute(params![id, oid, label, c.as_str()])?;
            }
            let mut ans = tx.prepare(
                "INSERT INTO triage_answer (triage_id, question_id, question, answer, score) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (qid, q, a, s) in &t.answers {
                ans.execute(params![id, qid, q, a, s])?;
            }
        }
        tx.commit()?;
        Ok(Sent::New(token))
    }

    /// Looks up a triage by the token in a form.
    pub fn triage_by_token(&self, token: &str) -> Result<Option<TriageSummary>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT id, rag, minutes FROM triage WHERE token = ?1",
                [token],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, u16>(2)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(id, rag, minutes)| {
            Ok(TriageSummary {
                id,
                rag: rag.parse().map_err(|_| StoreError::BadValue(rag))?,
                minutes,
            })
        })
        .transpose()
    }

    /// Availability added for particular dates, between two days inclusive.
    pub fn availability_between(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<AvailabilityRow>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT id, day, start_min, end_min FROM availability
             WHERE day >= ?1 AND day <= ?2 ORDER BY day, start_min",
        )?;
        let rows = st.query_map(params![iso_date(from), iso_date(to)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u16>(2)?,
                r.get::<_, u16>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, day, start, end) = row?;
            out.push(AvailabilityRow {
                id,
                day: parse_iso_date(&day).map_err(|_| StoreError::BadValue(day))?,
                window: Window { start, end },
            });
        }
        Ok(out)
    }

    /// Adds a window of availability on one date.
    pub fn add_availability(
        &mut self,
        day: Date,
        from: ClockTime,
        to: ClockTime,
        now: PrimitiveDateTime,
    ) -> Result<i64, StoreError> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO availability (day, start_min, end_min, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![iso_date(day), from.minutes(), to.minutes(), now_text(now)],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Active bookings between two days inclusive, as (day, window): times only, no names.
    pub fn booked_between(&self, from: Date, to: Date) -> Result<Vec<(Date, Window)>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT day, start_min, end_min FROM booking
             WHERE cancelled_at IS NULL AND day >= ?1 AND day <= ?2",
        )?;
        let rows = st.query_map(params![iso_date(from), iso_date(to)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u16>(1)?,
                r.get::<_, u16>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (day, start, end) = row?;
            let day = parse_iso_date(&day).map_err(|_| StoreError::BadValue(day))?;
            out.push((day, Window { start, end }));
        }
        Ok(out)
    }

    /// Books a slot, all in one `BEGIN IMMEDIATE` transaction.
    ///
    /// `weekly` is the adviser's usual availability on that day (from `kiosk.toml`); dates added
    /// with the availability command are read inside the transaction. The slot must lie inside
    /// that availability and overlap no active booking; the partial unique index on
    /// `(day, start_min)` guards the same rule at the lowest level. A repeated `form_id` returns
    /// the booking already made by that form instead of a second one, and is refused
    /// ([`BookError::Withdrawn`]) if that booking has been cancelled since.
    pub fn book(
        &mut self,
        b: &NewBooking,
        weekly: &[Window],
        now: PrimitiveDateTime,
    ) -> Result<Sent<Booking>, BookError> {
        let tx = self.write()?;
        if let Some(form_id) = &b.form_id {
            let existing = tx
                .query_row(
                    "SELECT cancelled_at IS NOT NULL, reference, day, start_min, end_min,
                            first_name, surname, tutor_group
                     FROM booking WHERE form_id = ?1",
                    [form_id],
                    |r| Ok((r.get::<_, bool>(0)?, booking_from_row_at(r, 1)?)),
                )
                .optional()?;
            match existing {
                Some((true, _)) => return Err(BookError::Withdrawn),
                Some((false, existing)) => {
                    return existing.map(Sent::Again).map_err(BookError::Store)
                }
                None => {}
            }
        }
        let day = iso_date(b.slot.day);
        let start = b.slot.start.minutes();
        let end = b.slot.end_minute();

        let mut windows: Vec<Window> = weekly.to_vec();
        {
            let mut st =
                tx.prepare("SELECT start_min, end_min FROM availability WHERE day = ?1")?;
            let rows = st.query_map([&day], |r| {
                Ok(Window {
                    start: r.get(0)?,
                    end: r.get(1)?,
                })
            })?;
            for w in rows {
                windows.push(w?);
            }
        }
        let starts_at = PrimitiveDateTime::new(
            b.slot.day,
            time::Time::from_hms((start / 60) as u8, (start % 60) as u8, 0)
                .map_err(|_| BookError::Unavailable)?,
        );
        if starts_at <= now || !covers(&windows, Window { start, end }) {
            return Err(BookError::Unavailable);
        }
        let clashes: i64 = tx.query_row(
            "SELECT COUNT(*) FROM booking
             WHERE cancelled_at IS NULL AND day = ?1 AND start_min < ?3 AND end_min > ?2",
            params![day, start, end],
            |r| r.get(0),
        )?;
        if clashes > 0 {
            return Err(BookError::Taken);
        }
        let triage_id: Option<i64> = match &b.triage_token {
            Some(t) => tx
                .query_row("SELECT id FROM triage WHERE token = ?1", [t], |r| r.get(0))
                .optional()?,
            None => None,
        };
        // A clash of references is astronomically rare; try a few fresh ones.
        for _ in 0..10 {
            let reference = BookingRef::random();
            let res = tx.execute(
                "INSERT INTO booking (reference, day, start_min, end_min, first_name, surname,
                                      tutor_group, triage_id, form_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    reference.as_str(),
                    day,
                    start,
                    end,
                    b.first_name,
                    b.surname,
                    b.tutor_group,
                    triage_id,
                    b.form_id,
                    now_text(now)
                ],
            );
            match res {
                Ok(_) => {
                    tx.commit()?;
                    return Ok(Sent::New(Booking {
                        reference,
                        slot: b.slot,
                        first_name: b.first_name.clone(),
                        surname: b.surname.clone(),
                        tutor_group: b.tutor_group.clone(),
                    }));
                }
                Err(rusqlite::Error::SqliteFailure(f, Some(msg)))
                    if f.code == rusqlite::ErrorCode::ConstraintViolation
                        && msg.contains("booking.reference") =>
                {
                    continue
                }
                Err(rusqlite::Error::SqliteFailure(f, _))
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    return Err(BookError::Taken)
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(BookError::Taken)
    }

    /// Cancels a booking if the reference and surname (any case, outer spaces ignored) match.
    /// Returns the cancelled booking, or `None` if nothing matched.
    pub fn cancel(
        &mut self,
        reference: &BookingRef,
        surname: &str,
        now: PrimitiveDateTime,
    ) -> Result<Option<Booking>, StoreError> {
        let tx = self.write()?;
        let found = tx
            .query_row(
                "SELECT id, reference, day, start_min, end_min, first_name, surname, tutor_group
                 FROM booking WHERE reference = ?1 AND cancelled_at IS NULL",
                [reference.as_str()],
                |r| Ok((r.get::<_, i64>(0)?, booking_from_row_at(r, 1)?)),
            )
            .optional()?;
        let Some((id, booking)) = found else {
            return Ok(None);
        };
        let booking = booking?;
        if booking.surname.trim().to_lowercase() != surname.trim().to_lowercase() {
            return Ok(None);
        }
        tx.execute(
            // The form id stays, so the booking form sent again cannot bring the booking back.
            "UPDATE booking SET cancelled_at = ?2 WHERE id = ?1",
            params![id, now_text(now)],
        )?;
        tx.commit()?;
        Ok(Some(booking))
    }

    /// Adds someone to a day's drop-in queue and returns the day, their number and place. A form
    /// id seen before returns the place that form took instead of a second one.
    pub fn join_queue(
        &mut self,
        day: Date,
        first_name: &str,
        tutor_group: &str,
        form_id: Option<&str>,
        now: PrimitiveDateTime,
    ) -> Result<Sent<(Date, QueuePlace)>, StoreError> {
        let tx = self.write()?;
        if let Some(form_id) = form_id {
            let earlier: Option<(String, i64)> = tx
                .query_row(
                    "SELECT day, number FROM queue_entry WHERE form_id = ?1",
                    [form_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((day_s, number)) = earlier {
                let day = parse_iso_date(&day_s).map_err(|_| StoreError::BadValue(day_s))?;
                drop(tx);
                let place = self
                    .queue_place(day, number)?
                    .ok_or_else(|| StoreError::BadValue(format!("queue number {number}")))?;
                return Ok(Sent::Again((day, place)));
            }
        }
        let day_s = iso_date(day);
        let number: i64 = tx.query_row(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM queue_entry WHERE day = ?1",
            [&day_s],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO queue_entry (day, number, first_name, tutor_group, joined_at, form_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                day_s,
                number,
                first_name,
                tutor_group,
                now_text(now),
                form_id
            ],
        )?;
        let ahead = waiting_ahead(&tx, &day_s, number)?;
        tx.commit()?;
        Ok(Sent::New((
            day,
            QueuePlace {
                number,
                ahead,
                done: false,
            },
        )))
    }

    /// The active booking with this reference, for the slip shown just after booking.
    pub fn booking_by_ref(&self, reference: &BookingRef) -> Result<Option<Booking>, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT reference, day, start_min, end_min, first_name, surname, tutor_group
                 FROM booking WHERE reference = ?1 AND cancelled_at IS NULL",
                [reference.as_str()],
                booking_from_row,
            )
            .optional()?;
        found.transpose()
    }

    /// Where a ticket number stands in a day's queue; `None` if there is no such number.
    pub fn queue_place(&self, day: Date, number: i64) -> Result<Option<QueuePlace>, StoreError> {
        let day_s = iso_date(day);
        let done: Option<bool> = self
            .conn
            .query_row(
                "SELECT seen_at IS NOT NULL OR left_at IS NOT NULL FROM queue_entry
                 WHERE day = ?1 AND number = ?2",
                params![day_s, number],
                |r| r.get(0),
            )
            .optional()?;
        let Some(done) = done else {
            return Ok(None);
        };
        let ahead = waiting_ahead(&self.conn, &day_s, number)?;
        Ok(Some(QueuePlace {
            number,
            ahead,
            done,
        }))
    }

    /// How many people are waiting in a day's queue (a count, never names).
    pub fn queue_waiting(&self, day: Date) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM queue_entry WHERE day = ?1 AND seen_at IS NULL AND left_at IS NULL",
            [iso_date(day)],
            |r| r.get(0),
        )?)
    }

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

fn waiting_ahead(conn: &Connection, day: &str, number: i64) -> Result<i64, rusqlite::Error> {
    conn.query_row(
        "SELECT COUNT(*) FROM queue_entry
         WHERE day = ?1 AND number < ?2 AND seen_at IS NULL AND left_at IS NULL",
        params![day, number],
        |r| r.get(0),
    )
}

type RowBooking = Result<Booking, StoreError>;

fn booking_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RowBooking> {
    booking_from_row_at(r, 0)
}

/// Reads (reference, day, start, end, first, surname, tutor) starting at column `i`.
fn booking_from_row_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<RowBooking> {
    let reference: String = r.get(i)?;
    let day: String = r.get(i + 1)?;
    let start: u16 = r.get(i + 2)?;
    let end: u16 = r.get(i + 3)?;
    let first_name: String = r.get(i + 4)?;
    let surname: String = r.get(i + 5)?;
    let tutor_group: String = r.get(i + 6)?;
    Ok((|| {
        let reference = reference
            .parse()
            .map_err(|_| StoreError::BadValue(reference.clone()))?;
        let day = parse_iso_date(&day).map_err(|_| StoreError::BadValue(day.clone()))?;
        let start =
            ClockTime::from_minutes(start).map_err(|_| StoreError::BadValue(start.to_string()))?;
        Ok(Booking {
            reference,
            slot: Slot {
                day,
                start,
                minutes: end.saturating_sub(start.minutes()),
            },
            first_name,
            surname,
            tutor_group,
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

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
    const MORNING: [Window; 1] = [Window {
        start: 9 * 60,
        end: 12 * 60,
    }];

    #[test]
    fn migrations_are_recorded_and_rerun_safely() {
        let (dir, s) = store();
        assert_eq!(s.open().unwrap().schema_version().unwrap(), 2);
        let s2 = Store::init(&dir.path().join("k.db")).unwrap();
        assert_eq!(s2.open().unwrap().schema_version().unwrap(), 2);
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
        db.book(&booking(day, "09:00", 60, None), &MORNING, NOW)
            .unwrap();
        assert!(matches!(
            db.book(&booking(day, "09:30", 30, None), &MORNING, NOW),
            Err(BookError::Taken)
        ));
        assert!(matches!(
            db.book(&booking(day, "08:40", 30, None), &MORNING, NOW),
            Err(BookError::Unavailable)
        ));
        assert!(matches!(
            db.book(&booking(day, "11:40", 30, None), &MORNING, NOW),
            Err(BookError::Unavailable)
        ));
        db.book(&booking(day, "10:00", 30, None), &MORNING, NOW)
            .unwrap();
        // In the past.
        let later = datetime!(2026-12-01 10:45);
        assert!(matches!(
            db.book(&booking(day, "10:40", 20, None), &MORNING, later),
            Err(BookError::Unavailable)
        ));
    }

    #[test]
    fn the_same_form_books_once() {
        let (_d, s) = store();
        let mut db = s.open().unwrap();
        let day = NOW.date();
        let a = db
            .book(&booking(day, "09:00", 30, Some("f1")), &MORNING, NOW)
            .unwrap();
        let b = db
            .book(&booking(day, "09:00", 30, Some("f1")), &MORNING, NOW)
            .unwrap();
        let Sent::New(a) = a else {
            panic!("first copy must book")
        };
        assert_eq!(b, Sent::Again(a.clone()));
        // Cancelled, the same form cannot bring the booking back, even with the slot free.
        db.cancel(&a.reference, "Lovelace", NOW).unwrap().unwrap();
        assert!(matches!(
            db.book(&booking(day, "09:00", 30, Some("f1")), &MORNING, NOW),
            Err(BookError::Withdrawn)
        ));
        assert_eq!(db.booking_by_ref(&a.reference).unwrap(), None);
        let c = db
            .book(&booking(day, "09:00", 30, Some("f2")), &MORNING, NOW)
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
        let Sent::New((_, place)) = db.join_queue(day, "Ada", "10X", Some("q1"), NOW).unwrap()
        else {
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
            .book(&booking(day, "09:00", 30, None), &MORNING, NOW)
            .unwrap()
            .into_inner();
        assert_eq!(db.cancel(&b.reference, "Babbage", NOW).unwrap(), None);
        assert!(db
            .cancel(&b.reference, " lovelace ", NOW)
            .unwrap()
            .is_some());
        assert_eq!(db.cancel(&b.reference, "Lovelace", NOW).unwrap(), None);
        db.book(&booking(day, "09:00", 30, None), &MORNING, NOW)
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
        db.book(&b, &MORNING, NOW).unwrap();
        db.join_queue(old.date(), "Old", "7A", None, old).unwrap();
        assert_eq!(db.purge(NOW.date(), 365).unwrap(), 2);
        assert!(db.triage_by_token(&kept).unwrap().is_some());
        assert!(db.triage_by_token(&dropped).unwrap().is_none());
    }
}
