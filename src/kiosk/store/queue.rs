//! The drop-in queue: numbered places for the day, never names on the public screen.

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
            },
        )))
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
}

fn waiting_ahead(conn: &Connection, day: &str, number: i64) -> Result<i64, rusqlite::Error> {
    conn.query_row(
        "SELECT COUNT(*) FROM queue_entry
         WHERE day = ?1 AND number < ?2 AND seen_at IS NULL AND left_at IS NULL",
        params![day, number],
        |r| r.get(0),
    )
}
