//! The adviser's diary: availability added for dates, bookings and cancellations.

use rusqlite::{params, Connection, OptionalExtension};
use time::{Date, PrimitiveDateTime};

use super::week::{blocks_touching, date_at, saved_usual_week, Added};
use super::{now_text, Db, Sent, StoreError};
use crate::kiosk::config::WeeklyWindow;
use crate::kiosk::domain::{iso_date, parse_iso_date, BookingRef, ClockTime, Slot};
use crate::kiosk::schedule::{covers, weekly_for, Window};

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

impl Db {
    /// The adviser's open windows for each day from `from` to `to` inclusive (see
    /// [`open_windows`]).
    pub fn open_windows(
        &self,
        pattern: &[WeeklyWindow],
        from: Date,
        to: Date,
    ) -> Result<Vec<(Date, Vec<Window>)>, StoreError> {
        Ok(open_windows(&self.conn, pattern, from, to)?)
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
    /// The adviser's open windows that day come from [`open_windows`], read inside the
    /// transaction. The slot must lie inside
    /// that availability and overlap no active booking; the partial unique index on
    /// `(day, start_min)` guards the same rule at the lowest level. A repeated `form_id` returns
    /// the booking already made by that form instead of a second one, and is refused
    /// ([`BookError::Withdrawn`]) if that booking has been cancelled since.
    pub fn book(
        &mut self,
        b: &NewBooking,
        pattern: &[WeeklyWindow],
        now: PrimitiveDateTime,
    ) -> Result<Sent<Booking>, BookError> {
        let tx = self.write()?;
        if let Some(form_id) = &b.form_id {
            let existing = tx
                .prepare_cached(
                    "SELECT cancelled_at IS NOT NULL, reference, day, start_min, end_min,
                            first_name, surname, tutor_group
                     FROM booking WHERE form_id = ?1",
                )?
                .query_row([form_id], |r| {
                    Ok((r.get::<_, bool>(0)?, booking_from_row_at(r, 1)?))
                })
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

        let windows = open_windows(&tx, pattern, b.slot.day, b.slot.day)?
            .pop()
            .map(|(_, w)| w)
            .unwrap_or_default();
        let starts_at = PrimitiveDateTime::new(
            b.slot.day,
            time::Time::from_hms((start / 60) as u8, (start % 60) as u8, 0)
                .map_err(|_| BookError::Unavailable)?,
        );
        if starts_at <= now || !covers(&windows, Window { start, end }) {
            return Err(BookError::Unavailable);
        }
        let clashes: i64 = tx
            .prepare_cached(
                "SELECT COUNT(*) FROM booking
                 WHERE cancelled_at IS NULL AND day = ?1 AND start_min < ?3 AND end_min > ?2",
            )?
            .query_row(params![day, start, end], |r| r.get(0))?;
        if clashes > 0 {
            return Err(BookError::Taken);
        }
        let triage_id: Option<i64> = match &b.triage_token {
            Some(t) => tx
                .prepare_cached("SELECT id FROM triage WHERE token = ?1")?
                .query_row([t], |r| r.get(0))
                .optional()?,
            None => None,
        };
        // A clash of references is astronomically rare; try a few fresh ones.
        for _ in 0..10 {
            let reference = BookingRef::random();
            let res = tx
                .prepare_cached(
                    "INSERT INTO booking (reference, day, start_min, end_min, first_name, surname,
                                          tutor_group, triage_id, form_id, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
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
                ]);
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
}

/// One booking of a day as staff see it on Today, cancelled ones included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayBooking {
    /// Row id (the guidance record links to it).
    pub id: i64,
    /// When.
    pub slot: Slot,
    /// First name.
    pub first_name: String,
    /// Surname.
    pub surname: String,
    /// Tutor group.
    pub tutor_group: String,
    /// The quick check the student did before booking, if any.
    pub triage_id: Option<i64>,
    /// True once cancelled (the time is free again).
    pub cancelled: bool,
    /// Staff have recorded additional needs on the student's record (the booking's own, or,
    /// before a session has linked it, the record with the same name and tutor group).
    pub additional_needs: bool,
}

impl Db {
    /// Every booking on `day` in time order, cancelled ones included.
    pub fn bookings_on(&self, day: Date) -> Result<Vec<DayBooking>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT id, start_min, end_min, first_name, surname, tutor_group, triage_id,
                    cancelled_at IS NOT NULL,
                    EXISTS (SELECT 1 FROM student s WHERE s.additional_needs = 1
                            AND (s.id = booking.student_id
                                 OR (booking.student_id IS NULL
                                     AND s.first_name = booking.first_name COLLATE NOCASE
                                     AND s.surname = booking.surname COLLATE NOCASE
                                     AND s.tutor_group = booking.tutor_group COLLATE NOCASE)))
             FROM booking WHERE day = ?1 ORDER BY start_min, cancelled_at IS NOT NULL, id",
        )?;
        let rows = st.query_map([iso_date(day)], |r| {
            let start: u16 = r.get(1)?;
            let end: u16 = r.get(2)?;
            Ok((
                r.get::<_, i64>(0)?,
                start,
                end,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<i64>>(6)?,
                (r.get::<_, bool>(7)?, r.get::<_, bool>(8)?),
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, start, end, first_name, surname, tutor_group, triage_id, flags) = row?;
            let (cancelled, additional_needs) = flags;
            out.push(DayBooking {
                id,
                slot: slot_from(day, start, end)?,
                first_name,
                surname,
                tutor_group,
                triage_id,
                cancelled,
                additional_needs,
            });
        }
        Ok(out)
    }

    /// Adds a one-off session on a date from the browser: refused if it overlaps another
    /// one-off session that day; the same session twice changes nothing.
    pub fn add_session(
        &mut self,
        day: Date,
        from: ClockTime,
        to: ClockTime,
        now: PrimitiveDateTime,
    ) -> Result<Added, StoreError> {
        let tx = self.write()?;
        let near = tx
            .query_row(
                "SELECT start_min, end_min FROM availability
                 WHERE day = ?1 AND start_min < ?3 AND end_min > ?2
                 ORDER BY start_min = ?2 AND end_min = ?3 DESC LIMIT 1",
                params![iso_date(day), from.minutes(), to.minutes()],
                |r| Ok((r.get::<_, u16>(0)?, r.get::<_, u16>(1)?)),
            )
            .optional()?;
        match near {
            Some((a, b)) if a == from.minutes() && b == to.minutes() => return Ok(Added::Already),
            Some((a, b)) => {
                return Ok(Added::Overlaps {
                    from: ClockTime::from_minutes(a)
                        .map_err(|_| StoreError::BadValue(a.to_string()))?,
                    to: ClockTime::from_minutes(b.min(24 * 60 - 1))
                        .map_err(|_| StoreError::BadValue(b.to_string()))?,
                })
            }
            None => {}
        }
        tx.execute(
            "INSERT INTO availability (day, start_min, end_min, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![iso_date(day), from.minutes(), to.minutes(), now_text(now)],
        )?;
        tx.commit()?;
        Ok(Added::New)
    }

    /// Removes a one-off session; returns it, or `None` if it was already gone. Bookings already
    /// made in it stay (the adviser sees them on Today and can tell the student).
    pub fn remove_session(&mut self, id: i64) -> Result<Option<AvailabilityRow>, StoreError> {
        let tx = self.write()?;
        let found = tx
            .query_row(
                "SELECT id, day, start_min, end_min FROM availability WHERE id = ?1",
                [id],
                |r| {
                    Ok(AvailabilityRow {
                        id: r.get(0)?,
                        day: date_at(r, 1)?,
                        window: Window {
                            start: r.get(2)?,
                            end: r.get(3)?,
                        },
                    })
                },
            )
            .optional()?;
        if found.is_some() {
            tx.execute("DELETE FROM availability WHERE id = ?1", [id])?;
            tx.commit()?;
        }
        Ok(found)
    }
}

type RowBooking = Result<Booking, StoreError>;

/// A booking's slot from its stored start and end minutes.
fn slot_from(day: Date, start: u16, end: u16) -> Result<Slot, StoreError> {
    let start =
        ClockTime::from_minutes(start).map_err(|_| StoreError::BadValue(start.to_string()))?;
    Ok(Slot {
        day,
        start,
        minutes: end.saturating_sub(start.minutes()),
    })
}

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
        Ok(Booking {
            reference,
            slot: slot_from(day, start, end)?,
            first_name,
            surname,
            tutor_group,
        })
    })())
}

/// The one place the adviser's diary is worked out: for each day from `from` to `to` inclusive,
/// the usual weekly windows (the browser's once saved there, otherwise `pattern` from
/// kiosk.toml) plus sessions added for that date, and nothing at all on a blocked date. Both the
/// slot list and [`Db::book`] use it, so a slot offered is a slot that can be booked.
fn open_windows(
    conn: &Connection,
    pattern: &[WeeklyWindow],
    from: Date,
    to: Date,
) -> rusqlite::Result<Vec<(Date, Vec<Window>)>> {
    let saved = saved_usual_week(conn)?;
    let usual = saved.as_deref().unwrap_or(pattern);
    let blocks = blocks_touching(conn, from, to)?;
    let mut st = conn.prepare_cached(
        "SELECT day, start_min, end_min FROM availability WHERE day >= ?1 AND day <= ?2",
    )?;
    let added = st
        .query_map(params![iso_date(from), iso_date(to)], |r| {
            Ok((
                date_at(r, 0)?,
                Window {
                    start: r.get(1)?,
                    end: r.get(2)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        let windows = if blocks.iter().any(|b| b.covers(day)) {
            Vec::new()
        } else {
            let mut w = weekly_for(usual, day);
            w.extend(added.iter().filter(|(d, _)| *d == day).map(|(_, w)| *w));
            w
        };
        out.push((day, windows));
        match day.next_day() {
            Some(d) => day = d,
            None => break,
        }
    }
    Ok(out)
}
