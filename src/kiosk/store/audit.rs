//! The audit log: who looked at or changed which record, and when. The careers leader reads it;
//! erasing a student removes the copies of their content it holds.

use rusqlite::params;
use time::PrimitiveDateTime;

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
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO audit_log (at, staff_id, staff_name, action, record, student_id, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                now_text(now),
                who.staff_id,
                who.name,
                entry.action.as_str(),
                entry.record,
                entry.student_id,
                entry.detail
            ],
        )?;
        tx.commit()?;
        Ok(())
    }
}
