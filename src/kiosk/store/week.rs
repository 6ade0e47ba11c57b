//! The parts of the adviser's diary kept in the browser: the usual week and blocked dates.
//!
//! Until the usual week is first saved in the browser it is kiosk.toml's `availability`; the
//! first save copies that into `usual_week` and records it in `setting`, and from then on the
//! database's rows are the usual week (kiosk.toml's list is no longer read for it). Blocked dates
//! take a day out of the diary entirely, usual week and one-off sessions alike.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use rusqlite::{params, Connection, OptionalExtension};
use time::{Date, PrimitiveDateTime};

use super::{now_text, Db, StoreError};
use crate::kiosk::config::{DayName, WeeklyWindow};
use crate::kiosk::domain::{iso_date, parse_iso_date, ClockTime};

/// The `setting` key that records that the usual week has been saved in the browser.
pub const USUAL_WEEK_SAVED: &str = "usual_week_saved";

/// The days of the week in order, Monday first (stored as 1 to 7).
pub const WEEKDAYS: [DayName; 7] = [
    DayName::Monday,
    DayName::Tuesday,
    DayName::Wednesday,
    DayName::Thursday,
    DayName::Friday,
    DayName::Saturday,
    DayName::Sunday,
];

impl ToSql for DayName {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(
            self.weekday().number_from_monday(),
        )))
    }
}

impl FromSql for DayName {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = value.as_i64()?;
        usize::try_from(n - 1)
            .ok()
            .and_then(|i| WEEKDAYS.get(i).copied())
            .ok_or(FromSqlError::OutOfRange(n))
    }
}

/// Where the usual week shown and used comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsualWeekSource {
    /// kiosk.toml's `availability` (never saved in the browser).
    Config,
    /// The `usual_week` table (saved in the browser at least once).
    Browser,
}

/// A stretch of dates taken out of the diary (a training day, half term).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiaryBlock {
    /// Row id.
    pub id: i64,
    /// First blocked day.
    pub first_day: Date,
    /// Last blocked day (the same as the first for one day).
    pub last_day: Date,
    /// Why, e.g. "Training day".
    pub reason: String,
}

impl DiaryBlock {
    /// True if `day` falls inside this block.
    pub fn covers(&self, day: Date) -> bool {
        self.first_day <= day && day <= self.last_day
    }
}

/// What adding a row to the diary did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Stored as a new row.
    New,
    /// The same row was already there (the form sent twice): nothing changed.
    Already,
    /// It overlaps this row already there on the same day: nothing changed.
    Overlaps {
        /// Its start.
        from: ClockTime,
        /// Its end.
        to: ClockTime,
    },
}

/// Reads an ISO date column, failing as a conversion error (not a panic) if it is not one.
pub(super) fn date_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Date> {
    let s: String = r.get(i)?;
    parse_iso_date(&s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

fn clock_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<ClockTime> {
    let m: u16 = r.get(i)?;
    ClockTime::from_minutes(m)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Integer, Box::new(e)))
}

/// The usual week saved in the browser, or `None` if it never has been.
pub(super) fn saved_usual_week(conn: &Connection) -> rusqlite::Result<Option<Vec<WeeklyWindow>>> {
    let saved: Option<String> = conn
        .prepare_cached("SELECT value FROM setting WHERE key = ?1")?
        .query_row([USUAL_WEEK_SAVED], |r| r.get(0))
        .optional()?;
    if saved.is_none() {
        return Ok(None);
    }
    let mut st = conn.prepare_cached(
        "SELECT weekday, start_min, end_min FROM usual_week ORDER BY weekday, start_min",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok(WeeklyWindow {
                day: r.get(0)?,
                from: clock_at(r, 1)?,
                to: clock_at(r, 2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(rows))
}

/// Blocks that touch any day from `from` to `to` inclusive, earliest first.
pub(super) fn blocks_touching(
    conn: &Connection,
    from: Date,
    to: Date,
) -> rusqlite::Result<Vec<DiaryBlock>> {
    let mut st = conn.prepare_cached(
        "SELECT id, first_day, last_day, reason FROM diary_block
         WHERE last_day >= ?1 AND first_day <= ?2 ORDER BY first_day, id",
    )?;
    let rows = st.query_map(params![iso_date(from), iso_date(to)], |r| {
        Ok(DiaryBlock {
            id: r.get(0)?,
            first_day: date_at(r, 1)?,
            last_day: date_at(r, 2)?,
            reason: r.get(3)?,
        })
    })?;
    rows.collect()
}

fn same_window(a: &WeeklyWindow, b: &WeeklyWindow) -> bool {
    a.day == b.day && a.from == b.from && a.to == b.to
}

impl Db {
    /// The usual week in force and where it comes from: the browser's once saved there,
    /// otherwise `fallback` (kiosk.toml's `availability`).
    pub fn usual_week(
        &self,
        fallback: &[WeeklyWindow],
    ) -> Result<(UsualWeekSource, Vec<WeeklyWindow>), StoreError> {
        Ok(match saved_usual_week(&self.conn)? {
            Some(rows) => (UsualWeekSource::Browser, rows),
            None => (UsualWeekSource::Config, fallback.to_vec()),
        })
    }

    /// Adds a row to the usual week, first copying `fallback` in if the usual week has never
    /// been saved. Refuses a row that overlaps another on the same weekday; the same row twice
    /// changes nothing. When nothing is added nothing is saved, so the usual week still comes
    /// from where it did.
    pub fn add_usual_window(
        &mut self,
        fallback: &[WeeklyWindow],
        w: WeeklyWindow,
    ) -> Result<Added, StoreError> {
        let tx = self.write()?;
        let rows = take_over_usual_week(&tx, fallback)?;
        if rows.iter().any(|r| same_window(r, &w)) {
            // Dropped without a commit: a first copy from kiosk.toml is not kept either.
            return Ok(Added::Already);
        }
        if let Some(r) = rows
            .iter()
            .find(|r| r.day == w.day && r.from < w.to && w.from < r.to)
        {
            // The copy from kiosk.toml is not kept either: nothing was saved.
            return Ok(Added::Overlaps {
                from: r.from,
                to: r.to,
            });
        }
        tx.execute(
            "INSERT INTO usual_week (weekday, start_min, end_min) VALUES (?1, ?2, ?3)",
            params![w.day, w.from.minutes(), w.to.minutes()],
        )?;
        tx.commit()?;
        Ok(Added::New)
    }

    /// Removes a row from the usual week (first copying `fallback` in if it has never been
    /// saved). Returns false if there was no such row (the form sent twice), and then saves
    /// nothing.
    pub fn remove_usual_window(
        &mut self,
        fallback: &[WeeklyWindow],
        w: WeeklyWindow,
    ) -> Result<bool, StoreError> {
        let tx = self.write()?;
        take_over_usual_week(&tx, fallback)?;
        let n = tx.execute(
            "DELETE FROM usual_week WHERE weekday = ?1 AND start_min = ?2 AND end_min = ?3",
            params![w.day, w.from.minutes(), w.to.minutes()],
        )?;
        // Nothing removed: nothing saved, not even a first copy from kiosk.toml.
        if n > 0 {
            tx.commit()?;
        }
        Ok(n > 0)
    }

    /// Blocks that touch any day from `from` to `to` inclusive, earliest first.
    pub fn blocks_between(&self, from: Date, to: Date) -> Result<Vec<DiaryBlock>, StoreError> {
        Ok(blocks_touching(&self.conn, from, to)?)
    }

    /// Blocks a stretch of dates. The same block twice (a double tap) is stored once.
    pub fn add_block(
        &mut self,
        first_day: Date,
        last_day: Date,
        reason: &str,
        now: PrimitiveDateTime,
    ) -> Result<Added, StoreError> {
        let tx = self.write()?;
        let same: i64 = tx.query_row(
            "SELECT COUNT(*) FROM diary_block WHERE first_day = ?1 AND last_day = ?2 AND reason = ?3",
            params![iso_date(first_day), iso_date(last_day), reason],
            |r| r.get(0),
        )?;
        if same > 0 {
            return Ok(Added::Already);
        }
        tx.execute(
            "INSERT INTO diary_block (first_day, last_day, reason, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![iso_date(first_day), iso_date(last_day), reason, now_text(now)],
        )?;
        tx.commit()?;
        Ok(Added::New)
    }

    /// Removes a block; returns it, or `None` if it was already gone.
    pub fn remove_block(&mut self, id: i64) -> Result<Option<DiaryBlock>, StoreError> {
        let tx = self.write()?;
        let found = tx
            .query_row(
                "SELECT id, first_day, last_day, reason FROM diary_block WHERE id = ?1",
                [id],
                |r| {
                    Ok(DiaryBlock {
                        id: r.get(0)?,
                        first_day: date_at(r, 1)?,
                        last_day: date_at(r, 2)?,
                        reason: r.get(3)?,
                    })
                },
            )
            .optional()?;
        if found.is_some() {
            tx.execute("DELETE FROM diary_block WHERE id = ?1", [id])?;
            tx.commit()?;
        }
        Ok(found)
    }
}

/// Inside a write transaction: the saved usual week, copying `fallback` in and marking it saved
/// if it never was, so the first edit in the browser starts from what students were offered.
fn take_over_usual_week(
    conn: &Connection,
    fallback: &[WeeklyWindow],
) -> rusqlite::Result<Vec<WeeklyWindow>> {
    if let Some(rows) = saved_usual_week(conn)? {
        return Ok(rows);
    }
    conn.execute("DELETE FROM usual_week", [])?;
    for w in fallback {
        conn.execute(
            "INSERT INTO usual_week (weekday, start_min, end_min) VALUES (?1, ?2, ?3)",
            params![w.day, w.from.minutes(), w.to.minutes()],
        )?;
    }
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?1, 'yes')",
        [USUAL_WEEK_SAVED],
    )?;
    Ok(fallback.to_vec())
}
