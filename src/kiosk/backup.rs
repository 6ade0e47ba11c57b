//! Automatic daily backups with rotation, and restoring a backup.
//!
//! The careers-room PC is rarely backed up by anyone, and the database is the only record of
//! who is coming to see the adviser, so the kiosk copies it once a day by itself (a consistent
//! copy, safe while students book) and keeps the last `keep` copies. `signpost kiosk restore`
//! puts a copy back after checking it, keeping the database it replaces.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use time::{Date, PrimitiveDateTime};

use super::config::BackupSettings;
use super::domain::{iso_date, parse_iso_date};
use super::store::{check_backup, Counts, Store, StoreError};
use super::Clock;

/// How often the background thread looks whether today's copy exists yet.
const CHECK_EVERY: Duration = Duration::from_secs(10 * 60);

/// Why a backup or restore failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The database (or the backup) could not be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file operation failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The backup named is the database itself.
    #[error("{0} is the database itself; name a backup file")]
    SameFile(String),
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> BackupError + 'a {
    move |source| BackupError::Io {
        action,
        path: path.display().to_string(),
        source,
    }
}

/// Where daily copies of one database go and how many are kept.
#[derive(Debug, Clone)]
pub struct Plan {
    dir: PathBuf,
    stem: String,
    keep: u16,
}

impl Plan {
    /// The plan for `db` under `settings` (a relative folder is inside the database's folder).
    pub fn new(db: &Path, settings: &BackupSettings) -> Plan {
        let base = db.parent().unwrap_or(Path::new(""));
        Plan {
            dir: base.join(&settings.folder),
            stem: db
                .file_stem()
                .map_or_else(|| "kiosk".into(), |s| s.to_string_lossy().into_owned()),
            keep: settings.keep,
        }
    }

    /// The folder the copies go in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The copy for a day, e.g. `backups/kiosk-2026-12-01.db`.
    pub fn file_for(&self, day: Date) -> PathBuf {
        self.dir.join(format!("{}-{}.db", self.stem, iso_date(day)))
    }

    /// The copies in the folder, oldest first.
    pub fn copies(&self) -> Result<Vec<(Date, PathBuf)>, BackupError> {
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(io("read the folder", &self.dir)(e)),
        };
        let prefix = format!("{}-", self.stem);
        for entry in entries {
            let entry = entry.map_err(io("read the folder", &self.dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let day = name
                .strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(".db"))
                .and_then(|d| parse_iso_date(d).ok());
            if let Some(day) = day {
                out.push((day, entry.path()));
            }
        }
        out.sort();
        Ok(out)
    }

    /// Makes `today`'s copy unless it exists, then deletes the oldest copies beyond `keep`.
    /// Returns the copy made, if one was. Does nothing when `keep` is 0.
    pub fn run(&self, store: &Store, today: Date) -> Result<Option<PathBuf>, BackupError> {
        if self.keep == 0 {
            return Ok(None);
        }
        std::fs::create_dir_all(&self.dir).map_err(io("create the folder", &self.dir))?;
        let target = self.file_for(today);
        let made = if target.exists() {
            None
        } else {
            // Written under a name the rotation ignores, then renamed, so a half-written copy
            // (power cut, full disk) is never taken for a backup.
            let partial = self
                .dir
                .join(format!(".{}-{}.partial", self.stem, iso_date(today)));
            if partial.exists() {
                std::fs::remove_file(&partial).map_err(io("remove", &partial))?;
            }
            store.open()?.backup_to(&partial)?;
            std::fs::rename(&partial, &target).map_err(io("rename", &partial))?;
            Some(target)
        };
        let copies = self.copies()?;
        let extra = copies.len().saturating_sub(usize::from(self.keep));
        for (_, old) in copies.iter().take(extra) {
            std::fs::remove_file(old).map_err(io("delete the old backup", old))?;
        }
        Ok(made)
    }
}

/// The background thread that makes the daily copy; stops when dropped.
pub struct Scheduler {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Scheduler {
    /// Makes today's copy now (on a thread, so the kiosk starts at once), then checks again
    /// every few minutes so the next day's copy is made even if the kiosk is never restarted.
    /// Returns `None` when backups are off.
    pub fn start(plan: Plan, store: Store, clock: Clock) -> std::io::Result<Option<Scheduler>> {
        if plan.keep == 0 {
            return Ok(None);
        }
        let (stop, rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("kiosk-backup".into())
            .spawn(move || loop {
                if let Err(e) = plan.run(&store, clock.now().date()) {
                    eprintln!(
                        "kiosk: the automatic backup into {} failed: {e}; it will be tried again",
                        plan.dir().display()
                    );
                }
                match rx.recv_timeout(CHECK_EVERY) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                }
            })?;
        Ok(Some(Scheduler {
            stop: Some(stop),
            thread: Some(thread),
        }))
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// What the restored database holds.
    pub counts: Counts,
    /// Where the database it replaced was kept, if there was one.
    pub kept: Option<PathBuf>,
}

/// Puts the backup `from` in place as the database `db`, after checking it. A database already
/// at `db` is kept beside it (`kiosk.db.before-restore-...`, or moved there whole if it is
/// damaged), so a restore from the wrong day can be undone.
pub fn restore(db: &Path, from: &Path, now: PrimitiveDateTime) -> Result<Restored, BackupError> {
    let counts = check_backup(from)?;
    if let (Ok(a), Ok(b)) = (db.canonicalize(), from.canonicalize()) {
        if a == b {
            return Err(BackupError::SameFile(from.display().to_string()));
        }
    }
    let stamp = format!(
        "{}-{:02}{:02}{:02}",
        iso_date(now.date()),
        now.hour(),
        now.minute(),
        now.second()
    );
    let beside = |what: &str| {
        let mut name = db.as_os_str().to_owned();
        name.push(format!(".{what}-{stamp}"));
        PathBuf::from(name)
    };
    let kept = if db.exists() {
        let aside = beside("before-restore");
        match Store::init(db) {
            Ok(store) => {
                store.open()?.backup_to(&aside)?;
                Some(aside)
            }
            Err(StoreError::Corrupt { .. }) => {
                move_aside(db, &aside)?;
                Some(aside)
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        // A journal left from a database that is gone would be replayed into the new one.
        move_aside(db, &beside("stale"))?;
        None
    };
    Store::init(db)?.restore_from(from)?;
    Ok(Restored { counts, kept })
}

/// Renames the database file and its `-wal` and `-shm` files (those that exist) to `to...`.
fn move_aside(db: &Path, to: &Path) -> Result<(), BackupError> {
    for suffix in ["", "-wal", "-shm"] {
        let mut from = db.as_os_str().to_owned();
        from.push(suffix);
        let from = PathBuf::from(from);
        if from.exists() {
            let mut dest = to.as_os_str().to_owned();
            dest.push(suffix);
            std::fs::rename(&from, PathBuf::from(dest)).map_err(io("move aside", &from))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn settings(keep: u16) -> BackupSettings {
        BackupSettings {
            keep,
            folder: PathBuf::from("backups"),
        }
    }

    #[test]
    fn one_copy_a_day_and_the_oldest_are_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.db");
        let store = Store::init(&db).unwrap();
        let plan = Plan::new(&db, &settings(3));
        let mut day = date!(2026 - 12 - 01);
        for _ in 0..5 {
            assert!(plan.run(&store, day).unwrap().is_some());
            assert_eq!(plan.run(&store, day).unwrap(), None, "once a day");
            day = day.next_day().unwrap();
        }
        let days: Vec<Date> = plan.copies().unwrap().into_iter().map(|c| c.0).collect();
        assert_eq!(
            days,
            [
                date!(2026 - 12 - 03),
                date!(2026 - 12 - 04),
                date!(2026 - 12 - 05)
            ]
        );
        assert_eq!(
            plan.file_for(date!(2026 - 12 - 05)),
            dir.path().join("backups").join("kiosk-2026-12-05.db")
        );
        // Other files in the folder are left alone.
        std::fs::write(dir.path().join("backups/notes.txt"), "keep me").unwrap();
        plan.run(&store, day).unwrap();
        assert!(dir.path().join("backups/notes.txt").is_file());
    }

    #[test]
    fn keep_zero_makes_no_copies() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.db");
        let store = Store::init(&db).unwrap();
        let plan = Plan::new(&db, &settings(0));
        assert_eq!(plan.run(&store, date!(2026 - 12 - 01)).unwrap(), None);
        assert!(!dir.path().join("backups").exists());
    }

    #[test]
    fn restore_refuses_what_is_not_a_backup_and_keeps_the_replaced_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.db");
        let store = Store::init(&db).unwrap();
        let now = datetime!(2026-12-01 08:00);
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, vec![9u8; 9000]).unwrap();
        let e = restore(&db, &junk, now).unwrap_err().to_string();
        assert!(e.contains("junk.db cannot be restored"), "{e}");
        let e = restore(&db, &dir.path().join("missing.db"), now)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no such file"), "{e}");
        assert!(matches!(
            restore(&db, &db, now),
            Err(BackupError::SameFile(_))
        ));

        let copy = dir.path().join("copy.db");
        store.open().unwrap().backup_to(&copy).unwrap();
        let r = restore(&db, &copy, now).unwrap();
        let kept = r.kept.unwrap();
        assert!(kept.ends_with("kiosk.db.before-restore-2026-12-01-080000"));
        assert!(check_backup(&kept).is_ok());
    }
}
