//! The drop-in queue: numbered places for the day, never names on the public screen.

use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension};
use time::{Date, PrimitiveDateTime};

use super::{now_text, Db, Sent, StoreError};
use crate::kiosk::domain::{iso_date, parse_iso_date};

/// The place in today's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePlace {
    /// The ticket number.
    pub number: i64,
    /// How many people still waiting joined before this one.
    pub ahead: i64,
    /// True once the adviser has seen or removed this entry.
    pub done: bool,
    /// True while the adviser has called this entry but not yet marked it seen or left.
    pub called: bool,
}

/// One entry of a day's queue as staff see it on Today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// Row id (the guidance record links to it).
    pub id: i64,
    /// The ticket number.
    pub number: i64,
    /// First name as typed.
    pub first_name: String,
    /// Tutor group as typed.
    pub tutor_group: String,
    /// The student's record, once linked.
    pub student_id: Option<i64>,
    /// When they joined.
    pub joined: PrimitiveDateTime,
    /// When the adviser called them.
    pub called: Option<PrimitiveDateTime>,
    /// When the adviser marked them seen.
    pub seen: Option<PrimitiveDateTime>,
    /// When the adviser marked that they had left without being seen.
    pub left: Option<PrimitiveDateTime>,
}

impl QueueEntry {
    /// Still in the queue: neither seen nor gone (called or not).
    pub fn open(&self) -> bool {
        self.seen.is_none() && self.left.is_none()
    }
}

/// What staff do to a queue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueMark {
    /// Call them to the adviser.
    Call,
    /// They have been seen.
    Seen,
    /// They left without being seen.
    Left,
}

impl QueueMark {
    /// The word used in forms and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            QueueMark::Call => "called",
            QueueMark::Seen => "seen",
            QueueMark::Left => "left",
        }
    }
}

impl Db {
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
                called: false,
            },
        )))
    }

    /// Where a ticket number stands in a day's queue; `None` if there is no such number.
    pub fn queue_place(&self, day: Date, number: i64) -> Result<Option<QueuePlace>, StoreError> {
        let day_s = iso_date(day);
        let found: Option<(bool, bool)> = self
            .conn
            .query_row(
                "SELECT seen_at IS NOT NULL OR left_at IS NOT NULL, called_at IS NOT NULL
                 FROM queue_entry WHERE day = ?1 AND number = ?2",
                params![day_s, number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((done, called)) = found else {
            return Ok(None);
        };
        let ahead = waiting_ahead(&self.conn, &day_s, number)?;
        Ok(Some(QueuePlace {
            number,
            ahead,
            done,
            called: called && !done,
        }))
    }

    /// How many people are waiting in a day's queue, not yet called (a count, never names).
    pub fn queue_waiting(&self, day: Date) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM queue_entry
             WHERE day = ?1 AND called_at IS NULL AND seen_at IS NULL AND left_at IS NULL",
            [iso_date(day)],
            |r| r.get(0),
        )?)
    }
}

impl Db {
    /// Every entry in a day's queue, in the order they joined.
    pub fn queue_entries(&self, day: Date) -> Result<Vec<QueueEntry>, StoreError> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {ENTRY_COLUMNS} FROM queue_entry WHERE day = ?1 ORDER BY number"
        ))?;
        let rows = st.query_map([iso_date(day)], entry_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Calls, marks seen or marks left one entry, in one `BEGIN IMMEDIATE` transaction.
    /// Returns the entry afterwards and whether this request changed it: calling someone
    /// already called, or marking seen someone already seen or gone, changes nothing (a double
    /// tap, or two members of staff at once). `None` if there is no such entry.
    pub fn mark_queue(
        &mut self,
        id: i64,
        mark: QueueMark,
        now: PrimitiveDateTime,
    ) -> Result<Option<(QueueEntry, bool)>, StoreError> {
        let sql = match mark {
            QueueMark::Call => {
                "UPDATE queue_entry SET called_at = ?2
                 WHERE id = ?1 AND called_at IS NULL AND seen_at IS NULL AND left_at IS NULL"
            }
            QueueMark::Seen => {
                "UPDATE queue_entry SET seen_at = ?2, called_at = COALESCE(called_at, ?2)
                 WHERE id = ?1 AND seen_at IS NULL AND left_at IS NULL"
            }
            QueueMark::Left => {
                "UPDATE queue_entry SET left_at = ?2
                 WHERE id = ?1 AND seen_at IS NULL AND left_at IS NULL"
            }
        };
        let tx = self.write()?;
        let changed = tx.execute(sql, params![id, now_text(now)])? > 0;
        let entry = tx
            .query_row(
                &format!("SELECT {ENTRY_COLUMNS} FROM queue_entry WHERE id = ?1"),
                [id],
                entry_from_row,
            )
            .optional()?;
        tx.commit()?;
        Ok(entry.map(|e| (e, changed)))
    }
}

const ENTRY_COLUMNS: &str =
    "id, number, first_name, tutor_group, student_id, joined_at, called_at, seen_at, left_at";

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QueueEntry> {
    Ok(QueueEntry {
        id: r.get(0)?,
        number: r.get(1)?,
        first_name: r.get(2)?,
        tutor_group: r.get(3)?,
        student_id: r.get(4)?,
        joined: stamp_at(r, 5)?,
        called: optional_stamp_at(r, 6)?,
        seen: optional_stamp_at(r, 7)?,
        left: optional_stamp_at(r, 8)?,
    })
}

/// The form [`now_text`] writes.
const STAMP: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

fn stamp_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<PrimitiveDateTime> {
    let s: String = r.get(i)?;
    PrimitiveDateTime::parse(&s, STAMP)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

fn optional_stamp_at(
    r: &rusqlite::Row<'_>,
    i: usize,
) -> rusqlite::Result<Option<PrimitiveDateTime>> {
    match r.get_ref(i)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => stamp_at(r, i).map(Some),
    }
}

/// How many joined before `number` and are still waiting to be called. Someone called is with
/// the adviser (or on their way), so no longer ahead of anyone.
fn waiting_ahead(conn: &Connection, day: &str, number: i64) -> Result<i64, rusqlite::Error> {
    conn.query_row(
        "SELECT COUNT(*) FROM queue_entry
         WHERE day = ?1 AND number < ?2 AND called_at IS NULL AND seen_at IS NULL AND left_at IS NULL",
        params![day, number],
        |r| r.get(0),
    )
}
