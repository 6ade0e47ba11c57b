//! Follow-ups: three to four weeks after a guidance session a tutor asks the student the
//! school's follow-up questions and records the answers; the tutor may refer the student back
//! to the adviser, which stays open until the adviser records new guidance for them.

use rusqlite::{params, OptionalExtension};
use time::Date;

use super::students::{date_column, StudentName};
use super::{Db, StoreError};
use crate::kiosk::domain::iso_date;
use crate::kiosk::staff::Session;

/// A follow-up as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// Row id.
    pub id: i64,
    /// The guidance record it follows.
    pub guidance_id: i64,
    /// The student.
    pub student_id: i64,
    /// Their name and tutor group.
    pub name: StudentName,
    /// The day of the guidance session.
    pub held_on: Date,
    /// When it should be done.
    pub due_on: Date,
    /// When it was done, if it has been.
    pub done_on: Option<Date>,
    /// Who did it (their name now).
    pub done_by: Option<String>,
    /// The tutor asked for more guidance.
    pub referred_back: bool,
    /// The day new guidance closed that referral.
    pub referral_closed_on: Option<Date>,
    /// The tutor's note.
    pub note: String,
    /// Goes up by one with every save.
    pub version: i64,
}

/// One answer to a follow-up question, with the question's wording at the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpAnswer {
    /// The question's id in follow_up.toml.
    pub question_id: String,
    /// Its wording.
    pub question: String,
    /// The answer.
    pub answer: String,
}

/// What the follow-up form saves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpInput {
    /// The answers, in question order.
    pub answers: Vec<FollowUpAnswer>,
    /// The tutor's note.
    pub note: String,
    /// Refer the student back to the careers adviser.
    pub refer_back: bool,
    /// The day it was done.
    pub done_on: Date,
}

const COLUMNS: &str = "f.id, f.guidance_id, g.student_id, s.first_name, s.surname,
    s.tutor_group, g.held_on, f.due_on, f.done_on, st.name, f.referred_back,
    f.referral_closed_on, f.note, f.version
    FROM follow_up f JOIN guidance g ON g.id = f.guidance_id
    JOIN student s ON s.id = g.student_id
    LEFT JOIN staff st ON st.id = f.done_by";

type RawRow = (
    (i64, i64, i64),
    StudentName,
    (String, String, Option<String>, Option<String>),
    (bool, Option<String>, String, i64),
);

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        (r.get(0)?, r.get(1)?, r.get(2)?),
        StudentName {
            first_name: r.get(3)?,
            surname: r.get(4)?,
            tutor_group: r.get(5)?,
        },
        (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?),
        (r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?),
    ))
}

fn from_raw(raw: RawRow) -> Result<FollowUp, StoreError> {
    let ((id, guidance_id, student_id), name, dates, rest) = raw;
    let (held_on, due_on, done_on, done_by) = dates;
    let (referred_back, closed, note, version) = rest;
    let optional = |d: Option<String>| d.map(|d| date_column(&d)).transpose();
    Ok(FollowUp {
        id,
        guidance_id,
        student_id,
        name,
        held_on: date_column(&held_on)?,
        due_on: date_column(&due_on)?,
        done_on: optional(done_on)?,
        done_by,
        referred_back,
        referral_closed_on: optional(closed)?,
        note,
        version,
    })
}

impl Db {
    fn follow_ups_where(
        &self,
        condition: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<FollowUp>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} WHERE {condition}
             ORDER BY f.due_on, s.tutor_group COLLATE NOCASE, s.surname COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map(args, raw_row)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(from_raw(r?)?);
        }
        Ok(out)
    }

    /// Follow-ups not yet done that fall due on or before `until`, earliest first.
    pub fn follow_ups_due_by(&self, until: Date) -> Result<Vec<FollowUp>, StoreError> {
        self.follow_ups_where("f.done_on IS NULL AND f.due_on <= ?1", [iso_date(until)])
    }

    /// Students referred back to the adviser whose referral no new guidance has closed yet.
    pub fn open_referrals(&self) -> Result<Vec<FollowUp>, StoreError> {
        self.follow_ups_where("f.referred_back = 1 AND f.referral_closed_on IS NULL", [])
    }

    /// A student's follow-ups, newest first.
    pub fn follow_ups_of(&self, student_id: i64) -> Result<Vec<FollowUp>, StoreError> {
        let mut all = self.follow_ups_where("g.student_id = ?1", [student_id])?;
        all.reverse();
        Ok(all)
    }

    /// One follow-up.
    pub fn follow_up(&self, id: i64) -> Result<Option<FollowUp>, StoreError> {
        let raw = self
            .conn
            .query_row(&format!("SELECT {COLUMNS} WHERE f.id = ?1"), [id], raw_row)
            .optional()?;
        raw.map(from_raw).transpose()
    }

    /// The answers recorded for a follow-up.
    pub fn follow_up_answers(&self, id: i64) -> Result<Vec<FollowUpAnswer>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT question_id, question, answer FROM follow_up_answer
             WHERE follow_up_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(FollowUpAnswer {
                question_id: r.get(0)?,
                question: r.get(1)?,
                answer: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a follow-up's answers if nobody has saved it since `version`; returns false
    /// (and changes nothing) if someone has.
    pub fn record_follow_up(
        &mut self,
        id: i64,
        version: i64,
        input: &FollowUpInput,
        who: &Session,
    ) -> Result<bool, StoreError> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE follow_up SET done_on = ?3, done_by = ?4, note = ?5,
                 referred_back = ?6,
                 referral_closed_on = CASE WHEN ?6 THEN NULL ELSE referral_closed_on END,
                 version = version + 1
             WHERE id = ?1 AND version = ?2",
            params![
                id,
                version,
                iso_date(input.done_on),
                who.staff_id,
                input.note,
                input.refer_back
            ],
        )?;
        if changed == 0 {
            return Ok(false);
        }
        tx.execute("DELETE FROM follow_up_answer WHERE follow_up_id = ?1", [id])?;
        for a in &input.answers {
            tx.execute(
                "INSERT INTO follow_up_answer (follow_up_id, question_id, question, answer)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, a.question_id, a.question, a.answer],
            )?;
        }
        tx.commit()?;
        Ok(true)
    }
}
