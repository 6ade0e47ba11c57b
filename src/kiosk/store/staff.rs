//! Staff accounts and their signed-in sessions.

use rusqlite::{params, OptionalExtension};
use time::{Duration, PrimitiveDateTime};

use super::{now_text, Db, StoreError};
use crate::kiosk::domain::random_token;
use crate::kiosk::staff::{Role, Session};

/// A staff account as listed by `signpost kiosk staff list` (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    /// Row id.
    pub id: i64,
    /// Sign-in name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Tutor groups (tutors).
    pub groups: Vec<String>,
}

/// Why an account change was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The name is taken (names are compared without regard to case).
    #[error("there is already an account called {0}; choose another name, or use `staff reset` to give it a new password")]
    Exists(String),
    /// No such account.
    #[error("there is no account called {0}; `signpost kiosk staff list` shows the accounts")]
    NoSuchAccount(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for AccountError {
    fn from(e: rusqlite::Error) -> Self {
        AccountError::Store(StoreError::Sqlite(e))
    }
}

impl Db {
    /// Adds a staff account with an already hashed password.
    pub fn add_staff(
        &mut self,
        name: &str,
        role: Role,
        groups: &[String],
        password_hash: &str,
        now: PrimitiveDateTime,
    ) -> Result<i64, AccountError> {
        let tx = self.write()?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM staff WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if taken {
            return Err(AccountError::Exists(name.to_string()));
        }
        tx.execute(
            "INSERT INTO staff (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role, password_hash, now_text(now)],
        )?;
        let id = tx.last_insert_rowid();
        for g in groups {
            tx.execute(
                "INSERT OR IGNORE INTO staff_group (staff_id, tutor_group) VALUES (?1, ?2)",
                params![id, g],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Every account, by name.
    pub fn list_staff(&self) -> Result<Vec<StaffAccount>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT id, name, role FROM staff ORDER BY name")?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<(i64, String, Role)>>>()?;
        rows.into_iter()
            .map(|(id, name, role)| {
                Ok(StaffAccount {
                    id,
                    name,
                    role,
                    groups: self.groups_of(id)?,
                })
            })
            .collect()
    }

    fn groups_of(&self, staff_id: i64) -> Result<Vec<String>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT tutor_group FROM staff_group WHERE staff_id = ?1 ORDER BY tutor_group",
        )?;
        let groups = st
            .query_map([staff_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(groups)
    }

    /// The account called `name` and its password hash, for signing in.
    pub fn staff_for_sign_in(
        &self,
        name: &str,
    ) -> Result<Option<(StaffAccount, String)>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT id, name, role, password_hash FROM staff WHERE name = ?1",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(id, name, role, hash): (i64, String, Role, String)| {
            Ok((
                StaffAccount {
                    id,
                    name,
                    role,
                    groups: self.groups_of(id)?,
                },
                hash,
            ))
        })
        .transpose()
    }

    /// Gives an account a new password hash and signs it out everywhere.
    pub fn reset_password(&mut self, name: &str, password_hash: &str) -> Result<(), AccountError> {
        let tx = self.write()?;
        let n = tx.execute(
            "UPDATE staff SET password_hash = ?2 WHERE name = ?1",
            params![name, password_hash],
        )?;
        if n == 0 {
            return Err(AccountError::NoSuchAccount(name.to_string()));
        }
        tx.execute(
            "DELETE FROM staff_session WHERE staff_id = (SELECT id FROM staff WHERE name = ?1)",
            [name],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Removes an account and its sessions; the audit log keeps the name it wrote.
    pub fn remove_staff(&mut self, name: &str) -> Result<(), AccountError> {
        let tx = self.write()?;
        let n = tx.execute("DELETE FROM staff WHERE name = ?1", [name])?;
        if n == 0 {
            return Err(AccountError::NoSuchAccount(name.to_string()));
        }
        tx.commit()?;
        Ok(())
    }

    /// Starts a session for a member of staff who has just signed in, with a new random token.
    pub fn start_session(
        &mut self,
        staff_id: i64,
        now: PrimitiveDateTime,
    ) -> Result<String, StoreError> {
        let token = random_token();
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO staff_session (token, staff_id, created_at, last_seen) VALUES (?1, ?2, ?3, ?3)",
            params![token, staff_id, now_text(now)],
        )?;
        tx.commit()?;
        Ok(token)
    }

    /// The session for a cookie's token, if it exists and has been used within `idle`; using it
    /// keeps it alive. An expired session is deleted.
    pub fn session(
        &mut self,
        token: &str,
        now: PrimitiveDateTime,
        idle: Duration,
    ) -> Result<Option<Session>, StoreError> {
        let cutoff = now_text(now - idle);
        let tx = self.write()?;
        tx.execute("DELETE FROM staff_session WHERE last_seen < ?1", [&cutoff])?;
        let found = tx
            .query_row(
                "SELECT s.id, s.name, s.role FROM staff_session x JOIN staff s ON s.id = x.staff_id
                 WHERE x.token = ?1",
                [token],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((staff_id, name, role)) = found else {
            tx.commit()?;
            return Ok(None);
        };
        tx.execute(
            "UPDATE staff_session SET last_seen = ?2 WHERE token = ?1",
            params![token, now_text(now)],
        )?;
        tx.commit()?;
        Ok(Some(Session {
            token: token.to_string(),
            staff_id,
            name,
            role,
            groups: self.groups_of(staff_id)?,
        }))
    }

    /// Ends a session (signing out, or the kiosk's idle reset).
    pub fn end_session(&mut self, token: &str) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute("DELETE FROM staff_session WHERE token = ?1", [token])?;
        tx.commit()?;
        Ok(())
    }
}
