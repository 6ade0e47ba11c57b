//! Quick checks: the triage result and the answers, with their wording at the time.

use rusqlite::{params, OptionalExtension};
use time::PrimitiveDateTime;

use super::{now_text, Db, Sent, StoreError};
use crate::kiosk::domain::{random_token, Consideration, Rag, YearGroup};

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

impl Db {
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
                t.year,
                t.extra_support,
                t.score,
                t.max_score,
                t.rag,
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
                opt.execute(params![id, oid, label, c])?;
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
        Ok(self
            .conn
            .query_row(
                "SELECT id, rag, minutes FROM triage WHERE token = ?1",
                [token],
                |r| {
                    Ok(TriageSummary {
                        id: r.get(0)?,
                        rag: r.get(1)?,
                        minutes: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }
}

/// A saved quick check with its answers, for staff (Today shows it beside each booking).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageDetail {
    /// Result.
    pub rag: Rag,
    /// Year group.
    pub year: YearGroup,
    /// Whether the student asked for extra support.
    pub extra_support: bool,
    /// (question, answer) with their wording at the time, in the order asked.
    pub answers: Vec<(String, String)>,
    /// (route label, how much it is being considered).
    pub options: Vec<(String, Consideration)>,
}

impl Db {
    /// The quick check `id` with its answers, or `None` if it has gone (purged or erased).
    pub fn triage_detail(&self, id: i64) -> Result<Option<TriageDetail>, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT rag, year_group, extra_support FROM triage WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, Rag>(0)?,
                        r.get::<_, YearGroup>(1)?,
                        r.get::<_, bool>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((rag, year, extra_support)) = head else {
            return Ok(None);
        };
        let mut st = self.conn.prepare_cached(
            "SELECT question, answer FROM triage_answer WHERE triage_id = ?1 ORDER BY rowid",
        )?;
        let answers = st
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT label, consideration FROM triage_option WHERE triage_id = ?1 ORDER BY rowid",
        )?;
        let options = st
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(TriageDetail {
            rag,
            year,
            extra_support,
            answers,
            options,
        }))
    }
}
