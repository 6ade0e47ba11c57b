//! `signpost kiosk staff ...`: staff accounts are made on the careers-room PC's command line, by
//! whoever runs the kiosk; there is no default account and no password on the command line.

use std::io::{BufRead, IsTerminal, Write};

use time::PrimitiveDateTime;

use super::password::{self, PasswordError};
use super::Role;
use crate::kiosk::store::{AccountError, StaffAccount, Store, StoreError};

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
    /// Give an account a new password (typed twice, not shown); signs them out everywhere.
    Reset {
        /// The account's name, as `staff list` shows it.
        name: String,
    },
    /// Remove an account and sign it out; the audit log keeps the lines with their name.
    Remove {
        /// The account's name, as `staff list` shows it.
        name: String,
    },
    /// List the accounts: name, role and tutor groups (never passwords or their hashes).
    List,
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
    /// What the command reports could not be written.
    #[error("could not write the output: {0}")]
    Write(std::io::Error),
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
    run_to(action, store, now, read_password, &mut std::io::stdout())
}

/// [`run`], writing what it reports to `out` (tests read it back).
pub fn run_to(
    action: StaffAction,
    store: &Store,
    now: PrimitiveDateTime,
    read_password: impl Fn() -> Result<String, StaffCliError>,
    out: &mut dyn Write,
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
            writeln!(out, "Added {} ({}).", name.trim(), role.label()).map_err(StaffCliError::Write)
        }
        StaffAction::Reset { name } => {
            let name = existing(store, &name)?;
            let hash = password::hash(&read_password()?)?;
            let mut db = store.open()?;
            db.reset_password(&name, &hash)?;
            // A new password also lifts a lock on the account from mistyping the old one.
            db.clear_sign_in_failures(&name)?;
            writeln!(
                out,
                "Gave {name} a new password and signed them out everywhere."
            )
            .map_err(StaffCliError::Write)
        }
        StaffAction::Remove { name } => {
            let name = existing(store, &name)?;
            store.open()?.remove_staff(&name)?;
            writeln!(
                out,
                "Removed {name} and signed them out; the audit log keeps their name."
            )
            .map_err(StaffCliError::Write)
        }
        StaffAction::List => {
            let accounts = store.open()?.list_staff()?;
            write!(out, "{}", list_text(&accounts)).map_err(StaffCliError::Write)
        }
    }
}

/// The account's name as stored, or the "no such account" error before any password is asked.
fn existing(store: &Store, name: &str) -> Result<String, StaffCliError> {
    match store.open()?.staff_for_sign_in(name.trim())? {
        Some((account, _)) => Ok(account.name),
        None => Err(AccountError::NoSuchAccount(name.trim().to_string()).into()),
    }
}

/// The accounts as `staff list` prints them: one a line, name, role and groups in columns.
fn list_text(accounts: &[StaffAccount]) -> String {
    if accounts.is_empty() {
        return "There are no staff accounts yet. Add one with \
                `signpost kiosk staff add NAME --role leader`.\n"
            .to_string();
    }
    let width = accounts
        .iter()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let mut text = format!("{:width$}  {:15}  Groups\n", "Name", "Role");
    for a in accounts {
        let groups = if a.groups.is_empty() {
            "(all students)".to_string()
        } else {
            a.groups.join(", ")
        };
        text.push_str(&format!(
            "{:width$}  {:15}  {groups}\n",
            a.name,
            a.role.label()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use time::macros::datetime;
    use time::Duration;

    use super::*;
    use crate::kiosk::store::{AuditAction, AuditEntry};

    const NOW: PrimitiveDateTime = datetime!(2026-12-01 08:00);
    const FIRST: &str = "first password here";
    const SECOND: &str = "second password here";

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::init(&dir.path().join("k.db")).unwrap();
        (dir, s)
    }

    /// Runs a command with `password` as what would be typed, returning what it printed.
    fn run_with(
        store: &Store,
        action: StaffAction,
        password: &str,
    ) -> Result<String, StaffCliError> {
        let mut out = Vec::new();
        run_to(action, store, NOW, || Ok(password.to_string()), &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn add(store: &Store, name: &str, role: Role, groups: &[&str]) {
        let action = StaffAction::Add {
            name: name.into(),
            role,
            groups: groups.iter().map(|g| g.to_string()).collect(),
        };
        run_with(store, action, FIRST).unwrap();
    }

    fn sessions(store: &Store) -> i64 {
        rusqlite::Connection::open(store.path())
            .unwrap()
            .query_row("SELECT COUNT(*) FROM staff_session", [], |r| r.get(0))
            .unwrap()
    }

    fn hash_of(store: &Store, name: &str) -> String {
        store
            .open()
            .unwrap()
            .staff_for_sign_in(name)
            .unwrap()
            .unwrap()
            .1
    }

    #[test]
    fn list_shows_name_role_and_groups_but_never_a_hash() {
        let (_d, s) = store();
        let empty = run_with(&s, StaffAction::List, "").unwrap();
        assert!(empty.contains("no staff accounts"), "{empty}");
        add(&s, "Ms Patel", Role::Leader, &[]);
        add(&s, "Mr Khan", Role::Tutor, &["10A", "10B"]);
        let text = run_with(&s, StaffAction::List, "").unwrap();
        let khan = text.lines().find(|l| l.starts_with("Mr Khan")).unwrap();
        assert!(
            khan.contains("Tutor") && khan.contains("10A, 10B"),
            "{text}"
        );
        let patel = text.lines().find(|l| l.starts_with("Ms Patel")).unwrap();
        assert!(patel.contains("Careers leader"), "{text}");
        assert!(!text.contains("$argon2"), "{text}");
    }

    #[test]
    fn reset_gives_a_new_password_and_signs_them_out_everywhere() {
        let (_d, s) = store();
        add(&s, "Ms Patel", Role::Adviser, &[]);
        let id = s
            .open()
            .unwrap()
            .staff_for_sign_in("Ms Patel")
            .unwrap()
            .unwrap()
            .0
            .id;
        let mut db = s.open().unwrap();
        db.start_session(id, NOW).unwrap();
        db.start_session(id, NOW).unwrap();
        db.record_sign_in_failure("Ms Patel", None, NOW, Duration::minutes(30))
            .unwrap();
        let said = run_with(
            &s,
            StaffAction::Reset {
                name: "ms patel".into(),
            },
            SECOND,
        )
        .unwrap();
        assert!(said.contains("Ms Patel"), "{said}");
        let hash = hash_of(&s, "Ms Patel");
        assert!(password::verify(SECOND, &hash));
        assert!(!password::verify(FIRST, &hash));
        assert_eq!(sessions(&s), 0);
        let f = db
            .recent_sign_in_failures("Ms Patel", None, NOW, Duration::minutes(30))
            .unwrap();
        assert!(f.account.is_empty(), "a new password lifts the lock");
    }

    #[test]
    fn a_mistyped_or_short_new_password_changes_nothing() {
        let (_d, s) = store();
        add(&s, "Ms Patel", Role::Adviser, &[]);
        let mut out = Vec::new();
        let e = run_to(
            StaffAction::Reset {
                name: "Ms Patel".into(),
            },
            &s,
            NOW,
            || Err(StaffCliError::Mismatch),
            &mut out,
        )
        .unwrap_err();
        assert!(matches!(e, StaffCliError::Mismatch));
        let e = run_with(
            &s,
            StaffAction::Reset {
                name: "Ms Patel".into(),
            },
            "short",
        )
        .unwrap_err();
        assert!(matches!(
            e,
            StaffCliError::Password(PasswordError::TooShort)
        ));
        assert!(password::verify(FIRST, &hash_of(&s, "Ms Patel")));
    }

    #[test]
    fn an_unknown_name_points_to_staff_list_before_asking_for_a_password() {
        let (_d, s) = store();
        add(&s, "Ms Patel", Role::Adviser, &[]);
        for action in [
            StaffAction::Reset {
                name: "Ms Pattel".into(),
            },
            StaffAction::Remove {
                name: "Ms Pattel".into(),
            },
        ] {
            let asked = Cell::new(false);
            let mut out = Vec::new();
            let e = run_to(
                action,
                &s,
                NOW,
                || {
                    asked.set(true);
                    Ok(SECOND.to_string())
                },
                &mut out,
            )
            .unwrap_err()
            .to_string();
            assert!(e.contains("Ms Pattel") && e.contains("staff list"), "{e}");
            assert!(
                !asked.get(),
                "no password is asked for a name that is not there"
            );
        }
    }

    #[test]
    fn remove_ends_the_account_and_its_sessions_but_the_audit_log_keeps_the_name() {
        let (_d, s) = store();
        add(&s, "Mr Khan", Role::Tutor, &["10A"]);
        add(&s, "Ms Patel", Role::Leader, &[]);
        let mut db = s.open().unwrap();
        let id = db.staff_for_sign_in("Mr Khan").unwrap().unwrap().0.id;
        db.start_session(id, NOW).unwrap();
        let entry = AuditEntry {
            action: AuditAction::Session,
            record: "sign-in",
            student_id: None,
            detail: "signed in",
        };
        db.audit_by(Some(id), "Mr Khan", &entry, NOW).unwrap();
        run_with(
            &s,
            StaffAction::Remove {
                name: "mr khan".into(),
            },
            "",
        )
        .unwrap();
        assert!(db.staff_for_sign_in("Mr Khan").unwrap().is_none());
        let names: Vec<String> = db
            .list_staff()
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, vec!["Ms Patel".to_string()]);
        assert_eq!(sessions(&s), 0);
        let lines = db.audit_lines(Some("khan"), 10, 0).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].staff_name, "Mr Khan");
    }

    #[test]
    fn a_tutor_needs_groups() {
        let (_d, s) = store();
        let action = StaffAction::Add {
            name: "Mr Khan".into(),
            role: Role::Tutor,
            groups: vec![" ".into()],
        };
        assert!(matches!(
            run_with(&s, action, FIRST),
            Err(StaffCliError::NoGroups)
        ));
    }
}
