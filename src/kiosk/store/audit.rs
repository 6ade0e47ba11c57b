//! The audit log: who looked at or changed which record, and when. The careers leader reads it;
//! erasing a student removes the copies of their content it holds.

use rusqlite::params;
use time::PrimitiveDateTime;

use super::sign_in::Stamp;
use super::{now_text, Db, StoreError};
use crate::kiosk::staff::Session;

/// What a member of staff did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// Opened it.
    View,
    /// Created or changed it.
    Change,
    /// Erased it (a student's records).
    Erase,
    /// Exported it (subject access, CSV).
    Export,
    /// Signed in or out.
    Session,
}

impl AuditAction {
    /// The word stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::View => "view",
            AuditAction::Change => "change",
            AuditAction::Erase => "erase",
            AuditAction::Export => "export",
            AuditAction::Session => "session",
        }
    }
}

/// One line to write in the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// What was done.
    pub action: AuditAction,
    /// Which record, e.g. "guidance 12" or "report rag-mix".
    pub record: &'a str,
    /// The student the record is about, if any (so erasure can find the line).
    pub student_id: Option<i64>,
    /// Any content worth keeping with the line (e.g. a changed field); erased with the student.
    pub detail: &'a str,
}

impl Db {
    /// Writes one line in the audit log, in its own transaction.
    pub fn audit(
        &mut self,
        who: &Session,
        entry: &AuditEntry<'_>,
        now: PrimitiveDateTime,
    ) -> Result<(), StoreError> {
        self.audit_by(Some(who.staff_id), &who.name, entry, now)
    }

    /// Whether a line like `entry` was written at or after `since`; by `name` (in any case)
    /// when one is given, by anyone otherwise.
    pub fn logged_since(
        &self,
        name: Option<&str>,
        entry: &AuditEntry<'_>,
        since: PrimitiveDateTime,
    ) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM audit_log WHERE at >= ?1 AND action = ?2
                AND record = ?3 AND detail = ?4
                AND (?5 IS NULL OR staff_name = ?5 COLLATE NOCASE))",
            params![
                now_text(since),
                entry.action.as_str(),
                entry.record,
                entry.detail,
                name
            ],
            |r| r.get(0),
        )?)
    }
}

impl rusqlite::types::FromSql for AuditAction {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match value.as_str()? {
            "view" => Ok(AuditAction::View),
            "change" => Ok(AuditAction::Change),
            "erase" => Ok(AuditAction::Erase),
            "export" => Ok(AuditAction::Export),
            "session" => Ok(AuditAction::Session),
            other => Err(rusqlite::types::FromSqlError::Other(
                format!("`{other}` is not an audit action").into(),
            )),
        }
    }
}

/// One line of the audit log as the careers leader reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    /// When.
    pub at: PrimitiveDateTime,
    /// Who, by the name they had then (kept after their account is removed).
    pub staff_name: String,
    /// What they did.
    pub action: AuditAction,
    /// Which record.
    pub record: String,
    /// Anything kept with the line.
    pub detail: String,
}

impl Db {
    /// Writes one line in the audit log for someone who may not have a session (signing in,
    /// or failing to): the name they typed and their account, if there is one.
    pub fn audit_by(
        &mut self,
        staff_id: Option<i64>,
        staff_name: &str,
        entry: &AuditEntry<'_>,
        now: PrimitiveDateTime,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO audit_log (at, staff_id, staff_name, action, record, student_id, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                now_text(now),
                staff_id,
                staff_name,
                entry.action.as_str(),
                entry.record,
                entry.student_id,
                entry.detail
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The latest `limit` lines after skipping `skip`, newest first, only those whose staff
    /// name contains `who` (any case) when given.
    pub fn audit_lines(
        &self,
        who: Option<&str>,
        limit: u32,
        skip: u32,
    ) -> Result<Vec<AuditLine>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT at, staff_name, action, record, detail FROM audit_log
             WHERE ?1 IS NULL OR instr(lower(staff_name), lower(?1)) > 0
             ORDER BY at DESC, id DESC LIMIT ?2 OFFSET ?3",
        )?;
        let lines = st
            .query_map(params![who, limit, skip], |r| {
                Ok(AuditLine {
                    at: r.get::<_, Stamp>(0)?.0,
                    staff_name: r.get(1)?,
                    action: r.get(2)?,
                    record: r.get(3)?,
                    detail: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines)
    }
}
