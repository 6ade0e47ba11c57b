//! Guidance records: what the adviser and a student talked about, the actions they agreed, the
//! student's intended destination and whether the meeting counts for Benchmark 8; saving one
//! also sets up its follow-up and closes any referral back to the adviser for that student.
//!
//! Each record carries a version number: a save names the version it started from and is
//! refused if someone else has saved since, so two people editing one record never silently
//! overwrite each other.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension};
use time::{Date, PrimitiveDateTime};

use super::students::{date_column, find_or_create, StudentName};
use super::{now_text, Db, StoreError};
use crate::kiosk::domain::{iso_date, Rag, YearGroup};
use crate::kiosk::staff::{Role, Session};

/// Where a student means to go next, as the adviser records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Destination {
    /// School sixth form, college, university.
    Education,
    /// An apprenticeship.
    Apprenticeship,
    /// A job (with or without training).
    Employment,
    /// Something else, described in the free text.
    Other,
    /// Not decided yet.
    Undecided,
}

impl Destination {
    /// Every destination, in the order the form shows them.
    pub const ALL: [Destination; 5] = [
        Destination::Education,
        Destination::Apprenticeship,
        Destination::Employment,
        Destination::Other,
        Destination::Undecided,
    ];

    /// The word stored in the database and sent by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            Destination::Education => "education",
            Destination::Apprenticeship => "apprenticeship",
            Destination::Employment => "employment",
            Destination::Other => "other",
            Destination::Undecided => "undecided",
        }
    }

    /// How it is shown.
    pub fn label(self) -> &'static str {
        match self {
            Destination::Education => "Education (sixth form, college, university)",
            Destination::Apprenticeship => "Apprenticeship",
            Destination::Employment => "Employment",
            Destination::Other => "Other",
            Destination::Undecided => "Undecided",
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A destination word that is not one of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not education, apprenticeship, employment, other or undecided")]
pub struct BadDestination(pub String);

impl FromStr for Destination {
    type Err = BadDestination;

    fn from_str(s: &str) -> Result<Destination, BadDestination> {
        Destination::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| BadDestination(s.to_string()))
    }
}

impl ToSql for Destination {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Destination {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e: BadDestination| FromSqlError::Other(Box::new(e)))
    }
}

/// What a guidance session came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionSource {
    /// A booking (row id).
    Booking(i64),
    /// A drop-in queue entry (row id).
    Queue(i64),
    /// A student already on record, seen without a booking (for example after their tutor
    /// referred them back).
    Student(i64),
}

/// The student and day a new guidance record is for, from its booking or queue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSubject {
    /// Where it came from.
    pub source: SessionSource,
    /// Name as typed on the kiosk; a drop-in entry has no surname (empty).
    pub name: StudentName,
    /// The year group from the quick check the booking came with, if any.
    pub year: Option<YearGroup>,
    /// The quick check's result, if any.
    pub rag: Option<Rag>,
    /// The day of the booking or the drop-in; none for a student seen without one.
    pub day: Option<Date>,
    /// The guidance record already made for it, if any.
    pub recorded: Option<i64>,
}

/// What the guidance form saves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuidanceInput {
    /// The day the session was held.
    pub held_on: Date,
    /// The adviser's notes.
    pub notes: String,
    /// Agreed actions, in order, none empty.
    pub actions: Vec<String>,
    /// Intended destination.
    pub destination: Destination,
    /// Free text about it.
    pub destination_detail: String,
    /// Counts as the student's guidance meeting by 16 (Benchmark 8).
    pub meeting_by_16: bool,
    /// Counts as the student's guidance meeting by 18 (Benchmark 8).
    pub meeting_by_18: bool,
}

/// A guidance record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuidanceRecord {
    /// Row id.
    pub id: i64,
    /// The student.
    pub student_id: i64,
    /// Their name.
    pub name: StudentName,
    /// What was saved.
    pub input: GuidanceInput,
    /// Who recorded it (their name now), if their account still exists.
    pub adviser: Option<String>,
    /// Their role now (an adviser or the careers leader), for the slip's words.
    pub adviser_role: Option<Role>,
    /// Goes up by one with every save.
    pub version: i64,
    /// The follow-up's due date.
    pub follow_up_due: Option<Date>,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Stored; the record's id.
    Done(i64),
    /// Someone saved this record (or a record for this booking or visit) first; nothing was
    /// changed. This is what they saved.
    Conflict(Box<GuidanceRecord>),
}

impl Db {
    /// The student and day behind a booking or drop-in entry (`None` if there is none, or the
    /// booking was cancelled).
    pub fn session_subject(
        &self,
        source: SessionSource,
    ) -> Result<Option<SessionSubject>, StoreError> {
        let sql = match source {
            SessionSource::Booking(_) => {
                "SELECT b.first_name, b.surname, b.tutor_group, t.year_group, t.rag, b.day,
                        (SELECT g.id FROM guidance g WHERE g.booking_id = b.id)
                 FROM booking b LEFT JOIN triage t ON t.id = b.triage_id
                 WHERE b.id = ?1 AND b.cancelled_at IS NULL"
            }
            SessionSource::Queue(_) => {
                "SELECT q.first_name, '', q.tutor_group, NULL, NULL, q.day,
                        (SELECT g.id FROM guidance g WHERE g.queue_entry_id = q.id)
                 FROM queue_entry q WHERE q.id = ?1"
            }
            SessionSource::Student(_) => {
                "SELECT s.first_name, s.surname, s.tutor_group, s.year_group,
                        (SELECT t.rag FROM triage t
                         WHERE t.student_id = s.id
                            OR t.id IN (SELECT triage_id FROM booking WHERE student_id = s.id)
                         ORDER BY t.created_at DESC, t.id DESC LIMIT 1),
                        NULL, NULL
                 FROM student s WHERE s.id = ?1"
            }
        };
        let id = match source {
            SessionSource::Booking(id) | SessionSource::Queue(id) | SessionSource::Student(id) => {
                id
            }
        };
        let row = self
            .conn
            .query_row(sql, [id], |r| {
                Ok((
                    StudentName {
                        first_name: r.get(0)?,
                        surname: r.get(1)?,
                        tutor_group: r.get(2)?,
                    },
                    r.get::<_, Option<u8>>(3)?,
                    r.get::<_, Option<Rag>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                ))
            })
            .optional()?;
        let Some((name, year, rag, day, recorded)) = row else {
            return Ok(None);
        };
        Ok(Some(SessionSubject {
            source,
            name,
            year: year.and_then(|y| YearGroup::new(y).ok()),
            rag,
            day: day.map(|d| date_column(&d)).transpose()?,
            recorded,
        }))
    }

    /// Saves a new guidance record for a booking or drop-in visit, in one transaction: the
    /// student (found or added) linked to the booking, visit and quick check; the record and its
    /// actions; a follow-up due on `follow_up_due`; and any open referral back to the adviser
    /// for this student closed. A second record for the same booking or visit is refused.
    pub fn record_guidance(
        &mut self,
        subject: &SessionSubject,
        name: &StudentName,
        input: &GuidanceInput,
        adviser: &Session,
        follow_up_due: Date,
        now: PrimitiveDateTime,
    ) -> Result<Saved, StoreError> {
        let tx = self.write()?;
        let (booking, queue) = match subject.source {
            SessionSource::Booking(id) => (Some(id), None),
            SessionSource::Queue(id) => (None, Some(id)),
            SessionSource::Student(_) => (None, None),
        };
        // NULL matches nothing here, so a student seen without a booking may have any number.
        let earlier: Option<i64> = tx
            .query_row(
                "SELECT id FROM guidance WHERE booking_id = ?1 OR queue_entry_id = ?2",
                params![booking, queue],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = earlier {
            drop(tx);
            return self.conflict(id);
        }
        let student = find_or_create(&tx, name, subject.year, now)?;
        match subject.source {
            SessionSource::Booking(id) => {
                tx.execute(
                    "UPDATE booking SET student_id = ?2 WHERE id = ?1",
                    params![id, student],
                )?;
                tx.execute(
                    "UPDATE triage SET student_id = ?2
                     WHERE id = (SELECT triage_id FROM booking WHERE id = ?1)",
                    params![id, student],
                )?;
            }
            SessionSource::Queue(id) => {
                tx.execute(
                    "UPDATE queue_entry SET student_id = ?2 WHERE id = ?1",
                    params![id, student],
                )?;
            }
            SessionSource::Student(_) => {}
        }
        let stamp = now_text(now);
        tx.execute(
            "INSERT INTO guidance (student_id, booking_id, queue_entry_id, held_on, adviser_id,
                 notes, destination, destination_detail, meeting_by_16, meeting_by_18,
                 version, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?11)",
            params![
                student,
                booking,
                queue,
                iso_date(input.held_on),
                adviser.staff_id,
                input.notes,
                input.destination,
                input.destination_detail,
                input.meeting_by_16,
                input.meeting_by_18,
                stamp
            ],
        )?;
        let id = tx.last_insert_rowid();
        insert_actions(&tx, id, &input.actions)?;
        tx.execute(
            "INSERT INTO follow_up (guidance_id, due_on) VALUES (?1, ?2)",
            params![id, iso_date(follow_up_due)],
        )?;
        tx.execute(
            "UPDATE follow_up SET referral_closed_on = ?2
             WHERE referred_back = 1 AND referral_closed_on IS NULL
               AND guidance_id IN (SELECT id FROM guidance WHERE student_id = ?1 AND id <> ?3)",
            params![student, iso_date(now.date()), id],
        )?;
        tx.commit()?;
        Ok(Saved::Done(id))
    }

    /// Saves changes to a guidance record if nobody has saved it since `version`; moves the
    /// follow-up's due date with the session's date while the follow-up is not yet done.
    pub fn update_guidance(
        &mut self,
        id: i64,
        version: i64,
        input: &GuidanceInput,
        follow_up_due: Date,
        now: PrimitiveDateTime,
    ) -> Result<Saved, StoreError> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE guidance SET held_on = ?3, notes = ?4, destination = ?5,
                 destination_detail = ?6, meeting_by_16 = ?7, meeting_by_18 = ?8,
                 version = version + 1, updated_at = ?9
             WHERE id = ?1 AND version = ?2",
            params![
                id,
                version,
                iso_date(input.held_on),
                input.notes,
                input.destination,
                input.destination_detail,
                input.meeting_by_16,
                input.meeting_by_18,
                now_text(now)
            ],
        )?;
        if changed == 0 {
            drop(tx);
            return self.conflict(id);
        }
        tx.execute("DELETE FROM guidance_action WHERE guidance_id = ?1", [id])?;
        insert_actions(&tx, id, &input.actions)?;
        tx.execute(
            "UPDATE follow_up SET due_on = ?2 WHERE guidance_id = ?1 AND done_on IS NULL",
            params![id, iso_date(follow_up_due)],
        )?;
        tx.commit()?;
        Ok(Saved::Done(id))
    }

    fn conflict(&self, id: i64) -> Result<Saved, StoreError> {
        let current = self
            .guidance(id)?
            .ok_or_else(|| StoreError::BadValue(format!("guidance {id} vanished")))?;
        Ok(Saved::Conflict(Box::new(current)))
    }

    /// One guidance record with its actions.
    pub fn guidance(&self, id: i64) -> Result<Option<GuidanceRecord>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT g.id, g.student_id, s.first_name, s.surname, s.tutor_group, g.held_on,
                        g.notes, g.destination, g.destination_detail, g.meeting_by_16,
                        g.meeting_by_18, st.name, g.version, f.due_on, st.role
                 FROM guidance g JOIN student s ON s.id = g.student_id
                 LEFT JOIN staff st ON st.id = g.adviser_id
                 LEFT JOIN follow_up f ON f.guidance_id = g.id
                 WHERE g.id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        StudentName {
                            first_name: r.get(2)?,
                            surname: r.get(3)?,
                            tutor_group: r.get(4)?,
                        },
                        r.get::<_, String>(5)?,
                        (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?),
                        (r.get::<_, Option<String>>(11)?, r.get(14)?),
                        r.get::<_, i64>(12)?,
                        r.get::<_, Option<String>>(13)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, student_id, name, held_on, fields, (adviser, adviser_role), version, due)) =
            row
        else {
            return Ok(None);
        };
        let (notes, destination, destination_detail, meeting_by_16, meeting_by_18) = fields;
        Ok(Some(GuidanceRecord {
            id,
            student_id,
            name,
            input: GuidanceInput {
                held_on: date_column(&held_on)?,
                notes,
                actions: self.actions_of(id)?,
                destination,
                destination_detail,
                meeting_by_16,
                meeting_by_18,
            },
            adviser,
            adviser_role,
            version,
            follow_up_due: due.map(|d| date_column(&d)).transpose()?,
        }))
    }

    /// A guidance record's agreed actions, in order.
    pub fn actions_of(&self, guidance_id: i64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT text FROM guidance_action WHERE guidance_id = ?1 ORDER BY position")?;
        let rows = stmt.query_map([guidance_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A student's guidance records, newest first.
    pub fn guidance_of(&self, student_id: i64) -> Result<Vec<GuidanceRecord>, StoreError> {
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare(
                "SELECT id FROM guidance WHERE student_id = ?1 ORDER BY held_on DESC, id DESC",
            )?;
            let rows = stmt.query_map([student_id], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.guidance(id)?);
        }
        Ok(out)
    }
}

fn insert_actions(tx: &Connection, guidance_id: i64, actions: &[String]) -> rusqlite::Result<()> {
    for (i, text) in actions.iter().enumerate() {
        tx.execute(
            "INSERT INTO guidance_action (guidance_id, position, text) VALUES (?1, ?2, ?3)",
            params![guidance_id, i as i64 + 1, text],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_round_trip_and_refuse_other_words() {
        for d in Destination::ALL {
            assert_eq!(d.as_str().parse::<Destination>(), Ok(d));
        }
        let e = "university".parse::<Destination>().unwrap_err().to_string();
        assert!(e.contains("apprenticeship"), "{e}");
    }
}
