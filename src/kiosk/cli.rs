//! `signpost kiosk availability add|list`: the adviser's availability from the command line, for
//! scripts and for a kiosk without a staff account yet. The Diary staff page edits the same
//! diary; `list` shows the usual week in force, wherever it comes from.

use std::path::{Path, PathBuf};

use time::Date;

use super::backup::{restore, BackupError};
use super::config::{Config, ConfigError, WeeklyWindow};
use super::domain::{iso_date, long_date, parse_iso_date, weekday_name, ClockTime};
use super::staff::accounts::{self, StaffAction, StaffCliError};
use super::store::{Store, StoreError, UsualWeekSource};
use super::Clock;

/// Subcommands of `signpost kiosk`.
#[derive(Debug, clap::Subcommand)]
pub enum KioskAction {
    /// Add or list the careers adviser's availability for particular dates.
    Availability {
        /// What to do.
        #[command(subcommand)]
        action: AvailabilityAction,
    },
    /// Write a consistent copy of the database to a new file; safe while the kiosk runs.
    Backup {
        /// The file to create, e.g. kiosk-2026-12-01.db (it must not exist yet).
        to: PathBuf,
    },
    /// Manage staff accounts (add, reset, remove, list).
    Staff {
        /// What to do.
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Put a backup back as the database, after checking it; the database it replaces is kept
    /// beside it. Stop the kiosk first.
    Restore {
        /// The backup file, e.g. backups/kiosk-2026-12-01.db.
        from: PathBuf,
    },
}

/// Subcommands of `signpost kiosk availability`.
#[derive(Debug, clap::Subcommand)]
pub enum AvailabilityAction {
    /// Add a block of time on one date when students can book the adviser.
    Add {
        /// The date, e.g. 2026-12-01.
        #[arg(long, value_parser = parse_date)]
        date: Date,
        /// Start time, e.g. 09:00.
        #[arg(long, value_parser = parse_time)]
        from: ClockTime,
        /// End time, e.g. 12:00.
        #[arg(long, value_parser = parse_time)]
        to: ClockTime,
    },
    /// List the usual week in force (kiosk.toml's, or the one saved in the Diary staff page),
    /// the dates added and the blocked dates from today on.
    List,
}

fn parse_date(s: &str) -> Result<Date, String> {
    parse_iso_date(s).map_err(|e| e.to_string())
}

fn parse_time(s: &str) -> Result<ClockTime, String> {
    s.parse::<ClockTime>().map_err(|e| e.to_string())
}

/// Errors from the kiosk subcommands.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The config is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A staff account command failed.
    #[error(transparent)]
    Staff(#[from] StaffCliError),
    /// A restore failed.
    #[error(transparent)]
    Restore(#[from] BackupError),
    /// The backup file is already there.
    #[error("{0} already exists; choose a new file name for the backup")]
    Exists(String),
    /// The times make no sense.
    #[error("--to ({to}) must be after --from ({from})")]
    Backwards {
        /// Start.
        from: ClockTime,
        /// End.
        to: ClockTime,
    },
}

/// Runs a subcommand against the database at `db`.
pub fn run_action(
    action: KioskAction,
    db: &Path,
    config_dir: &Path,
    clock: Clock,
) -> Result<(), CliError> {
    let now = clock.now();
    let action = match action {
        KioskAction::Restore { from } => return restore_command(db, &from, now),
        KioskAction::Backup { to } => {
            if to.exists() {
                return Err(CliError::Exists(to.display().to_string()));
            }
            Store::init(db)?.open()?.backup_to(&to)?;
            println!("Backed up {} to {}.", db.display(), to.display());
            return Ok(());
        }
        KioskAction::Staff { action } => {
            let store = Store::init(db)?;
            return Ok(accounts::run(
                action,
                &store,
                now,
                accounts::read_new_password,
            )?);
        }
        KioskAction::Availability { action } => action,
    };
    let store = Store::init(db)?;
    match action {
        AvailabilityAction::Add { date, from, to } => {
            if to <= from {
                return Err(CliError::Backwards { from, to });
            }
            store.open()?.add_availability(date, from, to, now)?;
            println!(
                "Added {} {from} to {to} ({}).",
                long_date(date),
                iso_date(date)
            );
            Ok(())
        }
        AvailabilityAction::List => {
            let config = Config::load(config_dir.is_dir().then_some(config_dir))?;
            print!(
                "{}",
                availability_list(&store, &config.kiosk.availability, now.date())?
            );
            Ok(())
        }
    }
}

/// What `availability list` prints.
fn availability_list(
    store: &Store,
    config_week: &[WeeklyWindow],
    today: Date,
) -> Result<String, CliError> {
    use std::fmt::Write as _;
    let db = store.open()?;
    let mut out = String::new();
    let (source, week) = db.usual_week(config_week)?;
    let _ = writeln!(
        out,
        "{}",
        match source {
            UsualWeekSource::Config => "Usual week (from kiosk.toml):",
            UsualWeekSource::Browser =>
                "Usual week (saved in the Diary staff page; kiosk.toml's is not used):",
        }
    );
    if week.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for w in &week {
        let _ = writeln!(
            out,
            "  {:<10} {} to {}",
            weekday_name(w.day.weekday()),
            w.from,
            w.to
        );
    }
    let last = today + time::Duration::days(3650);
    let rows = db.availability_between(today, last)?;
    let _ = writeln!(out, "Dates added (from today on):");
    if rows.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for r in rows {
        let from =
            ClockTime::from_minutes(r.window.start).map_or_else(|_| "?".into(), |t| t.to_string());
        let to = ClockTime::from_minutes(r.window.end)
            .map_or_else(|_| "24:00".into(), |t| t.to_string());
        let _ = writeln!(
            out,
            "  {} ({})  {from} to {to}",
            iso_date(r.day),
            long_date(r.day)
        );
    }
    let blocks = db.blocks_between(today, last)?;
    let _ = writeln!(out, "Blocked dates (from today on; no sessions at all):");
    if blocks.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for b in blocks {
        let _ = writeln!(
            out,
            "  {} to {}  {}",
            iso_date(b.first_day),
            iso_date(b.last_day),
            b.reason
        );
    }
    Ok(out)
}

/// `signpost kiosk restore FILE`: checks the backup, puts it in place and says what it holds.
fn restore_command(db: &Path, from: &Path, now: time::PrimitiveDateTime) -> Result<(), CliError> {
    let r = restore(db, from, now)?;
    println!(
        "Restored {} from {}: {} bookings, {} quick checks, {} queue entries.",
        db.display(),
        from.display(),
        r.counts.bookings,
        r.counts.checks,
        r.counts.queue
    );
    if let Some(kept) = r.kept {
        println!(
            "The database it replaced is kept as {}; delete it once you are sure.",
            kept.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn add_then_list_and_refuse_backwards_times() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.db");
        let clock = Clock::Fixed(datetime!(2026-11-30 12:00));
        let add = |from: &str, to: &str| {
            run_action(
                KioskAction::Availability {
                    action: AvailabilityAction::Add {
                        date: date!(2026 - 12 - 01),
                        from: from.parse().unwrap(),
                        to: to.parse().unwrap(),
                    },
                },
                &db,
                dir.path(),
                clock,
            )
        };
        add("09:00", "12:00").unwrap();
        assert!(matches!(
            add("12:00", "09:00"),
            Err(CliError::Backwards { .. })
        ));
        let list = KioskAction::Availability {
            action: AvailabilityAction::List,
        };
        run_action(list, &db, dir.path(), clock).unwrap();
        let rows = Store::init(&db)
            .unwrap()
            .open()
            .unwrap()
            .availability_between(date!(2026 - 12 - 01), date!(2026 - 12 - 01))
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].window.start, rows[0].window.end), (540, 720));
    }

    #[test]
    fn list_shows_the_usual_week_saved_in_the_browser_and_blocked_dates() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(&dir.path().join("k.db")).unwrap();
        let config = Config::defaults();
        let today = date!(2026 - 11 - 30);
        let text = availability_list(&store, &config.kiosk.availability, today).unwrap();
        assert!(text.contains("Usual week (from kiosk.toml):\n  Tuesday    09:00 to 12:30"));
        let friday = WeeklyWindow {
            day: crate::kiosk::config::DayName::Friday,
            from: "10:00".parse().unwrap(),
            to: "11:00".parse().unwrap(),
        };
        let mut db = store.open().unwrap();
        db.add_usual_window(&config.kiosk.availability, friday)
            .unwrap();
        db.remove_usual_window(&config.kiosk.availability, config.kiosk.availability[0])
            .unwrap();
        db.add_block(today, today, "Training day", datetime!(2026-11-30 12:00))
            .unwrap();
        let text = availability_list(&store, &config.kiosk.availability, today).unwrap();
        assert!(text.contains("saved in the Diary staff page"), "{text}");
        assert!(text.contains("  Friday     10:00 to 11:00"), "{text}");
        assert!(!text.contains("09:00 to 12:30"), "{text}");
        assert!(
            text.contains("2026-11-30 to 2026-11-30  Training day"),
            "{text}"
        );
    }

    #[test]
    fn backup_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.db");
        let to = dir.path().join("copy.db");
        let clock = Clock::Fixed(datetime!(2026-11-30 12:00));
        let backup = || {
            run_action(
                KioskAction::Backup { to: to.clone() },
                &db,
                dir.path(),
                clock,
            )
        };
        backup().unwrap();
        assert!(to.is_file());
        assert!(matches!(backup(), Err(CliError::Exists(_))));
    }

    #[test]
    fn command_line_values_are_checked() {
        assert!(parse_date("2026-12-01").is_ok());
        assert!(parse_date("01/12/2026").is_err());
        assert!(parse_time("9:00").is_ok());
        assert!(parse_time("9am").is_err());
    }
}
