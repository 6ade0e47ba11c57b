//! The careers-room kiosk: a local web app, shown full-screen on the careers-room PC, where a
//! student does a quick careers check (triage), books a guidance session of the right length, or
//! joins the drop-in queue. Everything is stored in a local SQLite file.
//!
//! Data flows one way:
//! `server` (tiny_http, workers) → `http` (limits, forms, cookies) → `routes` (one table, CSRF)
//! → `student` (handlers) → `store` (SQL) / `triage` + `schedule` (pure) / `views` (tera).
//! `config` is read once at start; `domain` holds the small types every room shares.

pub mod backup;
pub mod config;
pub mod ctx;
pub mod domain;
pub mod http;
pub mod receipts;
pub mod routes;
pub mod schedule;
pub mod site_files;
pub mod staff;
pub mod store;
pub mod student;
pub mod triage;
pub mod views;

mod cli;
mod server;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use time::PrimitiveDateTime;

use config::{Config, ConfigError};
use ctx::App;
use store::{Store, StoreError};
use views::{ViewError, Views};

pub use crate::clock::Clock;
pub use cli::{AvailabilityAction, KioskAction};

/// Command-line options for `signpost kiosk`; with no subcommand, the server starts.
#[derive(Debug, clap::Args)]
pub struct KioskArgs {
    /// Manage the kiosk without starting it.
    #[command(subcommand)]
    pub action: Option<KioskAction>,
    /// The SQLite database file (created on first run).
    #[arg(long, default_value = "kiosk.db", global = true)]
    pub db: PathBuf,
    /// Address to listen on. Keep the default loopback address unless you know why not.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The built careers site, served read-only under /site/.
    #[arg(long, default_value = "public")]
    pub site: PathBuf,
    /// Folder with kiosk.toml, triage.toml, follow_up.toml and optional templates/ (built-in
    /// copies are used for any file it lacks).
    #[arg(long, default_value = "kiosk", global = true)]
    pub config: PathBuf,
    /// Pretend it is always this time in the school, e.g. 2026-12-01T08:00 (for automated
    /// tests).
    #[arg(long, hide = true, value_parser = parse_now)]
    pub now: Option<PrimitiveDateTime>,
}

fn parse_now(s: &str) -> Result<PrimitiveDateTime, String> {
    let slot =
        domain::Slot::parse_key(s, 1).map_err(|_| format!("`{s}` is not like 2026-12-01T08:00"))?;
    let t = time::Time::from_hms(
        (slot.start.minutes() / 60) as u8,
        (slot.start.minutes() % 60) as u8,
        0,
    )
    .map_err(|e| e.to_string())?;
    Ok(PrimitiveDateTime::new(slot.day, t))
}

/// Everything [`start`] needs; tests build one with a temporary database and port 0.
#[derive(Debug, Clone)]
pub struct KioskConfig {
    /// The SQLite file.
    pub db: PathBuf,
    /// Where to listen (port 0 picks a free port).
    pub listen: SocketAddr,
    /// The built careers site.
    pub site_dir: PathBuf,
    /// Settings, questionnaire and template overrides.
    pub config: Config,
    /// Number of worker threads.
    pub workers: usize,
    /// Source of the current time; [`run`] makes it from `--now` or the `time_zone` setting.
    pub clock: Clock,
}

impl KioskConfig {
    /// Defaults: loopback port 8080, `public/` as the site, built-in config, 4 workers, the
    /// system clock in Europe/London.
    pub fn new(db: PathBuf) -> KioskConfig {
        KioskConfig {
            db,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            site_dir: PathBuf::from("public"),
            config: Config::defaults(),
            workers: 4,
            clock: Clock::system(),
        }
    }
}

/// Why the kiosk could not start.
#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    /// A config file is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database cannot be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A template is wrong.
    #[error(transparent)]
    View(#[from] ViewError),
    /// The address could not be used.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

/// A running kiosk. Dropping it (or calling [`Handle::shutdown`]) stops the workers.
pub struct Handle {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    threads: Vec<JoinHandle<()>>,
    store: Store,
    /// Stops with the handle (dropped after the workers).
    _backups: Option<backup::Scheduler>,
}

impl Handle {
    /// The address the kiosk is listening on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Blocks until the kiosk stops (it normally runs until the process is ended).
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    /// Stops the workers and waits for them to finish their current request.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.shared.stop();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    /// How many failed `accept()` calls the server has recovered from (tiny_http waits and
    /// tries again; nothing needs rebuilding).
    pub fn accept_recoveries(&self) -> u64 {
        self.shared.accept_errors()
    }

    /// Simulates a full disk or a read-only database location (or clears it), so tests can
    /// check what students are told and that the kiosk recovers.
    #[doc(hidden)]
    pub fn inject_db_fault(&self, fault: store::Fault) {
        self.store.inject_fault(fault);
    }

    /// Makes `accept()` fail from now on whenever no connection is waiting, so tests can check
    /// that the kiosk recovers and keeps serving.
    #[doc(hidden)]
    pub fn break_accept_loop(&self) -> std::io::Result<()> {
        self.shared.break_accept_loop()
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Opens the database (checking and migrating it), loads the templates, binds the address and
/// starts the workers. Returns once the kiosk is serving.
pub fn start(cfg: KioskConfig) -> Result<Handle, KioskError> {
    let store = Store::init(&cfg.db)?;
    let now = cfg.clock.now();
    store
        .open()?
        .purge(now.date(), cfg.config.kiosk.retention_days)?;
    let views = Views::new(cfg.config.template_dir.as_deref())?;
    let backups = backup::Plan::new(&cfg.db, &cfg.config.kiosk.backup);
    let listener = TcpListener::bind(cfg.listen).map_err(|source| KioskError::Listen {
        addr: cfg.listen,
        source,
    })?;
    let listen_err = |source| KioskError::Listen {
        addr: cfg.listen,
        source,
    };
    let shared = Arc::new(server::Shared::new(listener).map_err(listen_err)?);
    let addr = shared.local_addr().map_err(listen_err)?;
    let backups =
        backup::Scheduler::start(backups, store.clone(), cfg.clock).map_err(listen_err)?;
    let app = Arc::new(App {
        config: cfg.config,
        views,
        store: store.clone(),
        site_dir: cfg.site_dir,
        clock: cfg.clock,
        receipts: Default::default(),
    });
    let threads =
        server::spawn_workers(app, Arc::clone(&shared), cfg.workers).map_err(listen_err)?;
    Ok(Handle {
        addr,
        shared,
        threads,
        store,
        _backups: backups,
    })
}

/// `signpost kiosk ...`: runs a subcommand, or starts the server and serves until stopped.
pub fn run(args: KioskArgs) -> Result<(), String> {
    let config_dir = args.config.is_dir().then_some(args.config.as_path());
    let config = Config::load(config_dir).map_err(|e| e.to_string())?;
    let clock = match args.now {
        Some(t) => Clock::Fixed(t),
        None => Clock::System(config.kiosk.time_zone),
    };
    if let Some(action) = args.action {
        return cli::run_action(action, &args.db, &args.config, clock).map_err(|e| e.to_string());
    }
    if config_dir.is_none() {
        eprintln!(
            "note: no config folder at {}; using the built-in settings",
            args.config.display()
        );
    }
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}, which other computers may reach. The kiosk has no sign-in \
             on the student side and serves plain HTTP; use 127.0.0.1 unless the network is \
             closed to everyone but this PC.",
            args.listen
        );
    }
    if !args.site.join("index.html").is_file() {
        eprintln!(
            "note: no built careers site at {} (run `signpost build` first); /site/ will say so",
            args.site.display()
        );
    }
    for source in &config.sources {
        eprintln!("using {source}");
    }
    let handle = start(KioskConfig {
        db: args.db.clone(),
        listen: args.listen,
        site_dir: args.site,
        config,
        workers: 4,
        clock,
    })
    .map_err(|e| e.to_string())?;
    eprintln!(
        "kiosk running at http://{} (database {}); press Ctrl+C to stop",
        handle.addr(),
        args.db.display()
    );
    handle.wait();
    Ok(())
}
