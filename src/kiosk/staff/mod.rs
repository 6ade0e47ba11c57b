//! The staff side of the kiosk: careers staff sign in at `/staff` to run guidance from the
//! bookings to the follow-up and the reports. Every staff route is marked in the route table with
//! the least [`Role`] that may use it, and the dispatcher refuses everyone else, so no handler
//! here has to remember to check.

pub mod account_list;
pub mod accounts;
pub mod audit_log;
pub mod auth;
pub mod chart;
pub mod diary;
pub mod followup;
pub mod guidance;
pub mod password;
pub mod reports;
pub mod rights;
pub mod spreadsheet;
pub mod students;
pub mod throttle;
pub mod today;

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::Serialize;

/// What a member of staff may do. Ordered: each role may do everything the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A form tutor: their own tutor groups' students and follow-ups.
    Tutor,
    /// The careers adviser: bookings, guidance records and reports for everyone.
    Adviser,
    /// The careers leader: everything, including settings, accounts and the audit log.
    Leader,
}

impl Role {
    /// The word stored in the database and typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Tutor => "tutor",
            Role::Adviser => "adviser",
            Role::Leader => "leader",
        }
    }

    /// How the role is named on screen.
    pub fn label(self) -> &'static str {
        match self {
            Role::Tutor => "Tutor",
            Role::Adviser => "Careers adviser",
            Role::Leader => "Careers leader",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of the three.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role; use leader, adviser or tutor")]
pub struct BadRole(pub String);

impl FromStr for Role {
    type Err = BadRole;

    fn from_str(s: &str) -> Result<Role, BadRole> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tutor" => Ok(Role::Tutor),
            "adviser" | "advisor" => Ok(Role::Adviser),
            "leader" => Ok(Role::Leader),
            _ => Err(BadRole(s.to_string())),
        }
    }
}

impl ToSql for Role {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Role {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e: BadRole| FromSqlError::Other(Box::new(e)))
    }
}

/// The member of staff signed in on this browser.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    /// The session's cookie value; never rendered.
    #[serde(skip)]
    pub token: String,
    /// The staff account's row id.
    pub staff_id: i64,
    /// Their sign-in name, shown in the page header and written in the audit log.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// For a tutor, the tutor groups they look after (as typed by the careers leader).
    pub groups: Vec<String>,
}

impl Session {
    /// Whether this member of staff may see a student in `tutor_group`: advisers and the
    /// careers leader see everyone, a tutor only their own groups.
    pub fn sees_group(&self, tutor_group: &str) -> bool {
        self.role >= Role::Adviser
            || self
                .groups
                .iter()
                .any(|g| g.trim().eq_ignore_ascii_case(tutor_group.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_order_and_parse() {
        assert!(Role::Leader > Role::Adviser && Role::Adviser > Role::Tutor);
        assert_eq!("Leader".parse::<Role>(), Ok(Role::Leader));
        assert_eq!("advisor".parse::<Role>(), Ok(Role::Adviser));
        assert!("head"
            .parse::<Role>()
            .unwrap_err()
            .to_string()
            .contains("leader, adviser or tutor"));
    }

    #[test]
    fn a_tutor_sees_only_their_groups() {
        let tutor = Session {
            token: String::new(),
            staff_id: 1,
            name: "t".into(),
            role: Role::Tutor,
            groups: vec!["10A".into()],
        };
        assert!(tutor.sees_group(" 10a "));
        assert!(!tutor.sees_group("10B"));
        let adviser = Session {
            role: Role::Adviser,
            groups: vec![],
            ..tutor
        };
        assert!(adviser.sees_group("10B"));
    }
}
