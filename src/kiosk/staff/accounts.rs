//! `signpost kiosk staff ...`: staff accounts are made on the careers-room PC's command line, by
//! whoever runs the kiosk; there is no default account and no password on the command line.

use std::io::{BufRead, IsTerminal};

use time::PrimitiveDateTime;

use super::password::{self, PasswordError};
use super::Role;
use crate::kiosk::store::{AccountError, Store, StoreError};

/// Subcommands of `signpost kiosk staff`.
#[derive(Debug, clap::Subcommand)]
pub enum StaffAction {
    /// Add a staff account; the password is asked for (typed twice, not shown).
    Add {
        /// The name they sign in with, e.g. "Ms Patel".
        name: String,
        /// leader (everything, including the audit log), adviser (bookings, guidance records
        /// and reports) or tutor (their own tutor groups' students and follow-ups).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A tutor's groups, separated by commas, e.g. 10A,10B.
        #[arg(long, value_delimiter = ',')]
        groups: Vec<String>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|e: super::BadRole| e.to_string())
}

/// Errors from the staff commands.
#[derive(Debug, thiserror::Error)]
pub enum StaffCliError {
    /// The account change was refused.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The password was refused.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The two passwords typed differ.
    #[error("the two passwords were not the same; nothing was changed, please try again")]
    Mismatch,
    /// No password could be read.
    #[error("could not read the password: {0}")]
    Read(std::io::Error),
    /// A tutor without groups would see no one.
    #[error("a tutor needs their tutor groups, e.g. --groups 10A,10B")]
    NoGroups,
}

/// Reads a new password: from the terminal without echo, typed twice; or, when the input is not
/// a terminal (a script), the first two lines of standard input.
pub fn read_new_password() -> Result<String, StaffCliError> {
    let (first, second) = if std::io::stdin().is_terminal() {
        let a = rpassword::prompt_password("New password: ").map_err(StaffCliError::Read)?;
        let b = rpassword::prompt_password("Type it again: ").map_err(StaffCliError::Read)?;
        (a, b)
    } else {
        let mut lines = std::io::stdin().lock().lines();
        let mut next = || -> Result<String, StaffCliError> {
            lines
                .next()
                .transpose()
                .map_err(StaffCliError::Read)
                .map(Option::unwrap_or_default)
        };
        (next()?, next()?)
    };
    if first != second {
        return Err(StaffCliError::Mismatch);
    }
    Ok(first)
}

/// Runs a staff subcommand, reading passwords with `read_password`.
pub fn run(
    action: StaffAction,
    store: &Store,
    now: PrimitiveDateTime,
    read_password: impl Fn() -> Result<String, StaffCliError>,
) -> Result<(), StaffCliError> {
    match action {
        StaffAction::Add { name, role, groups } => {
            let groups: Vec<String> = groups
                .iter()
                .map(|g| g.trim().to_string())
                .filter(|g| !g.is_empty())
                .collect();
            if role == Role::Tutor && groups.is_empty() {
                return Err(StaffCliError::NoGroups);
            }
            let hash = password::hash(&read_password()?)?;
            store
                .open()?
                .add_staff(name.trim(), role, &groups, &hash, now)?;
            println!("Added {} ({}).", name.trim(), role.label());
            Ok(())
        }
    }
}
