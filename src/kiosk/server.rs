//! The HTTP server: tiny_http with a fixed pool of worker threads, wrapped so that it keeps
//! serving whatever happens.
//!
//! What tiny_http leaves to us, and how it is handled here:
//! - Its accept loop stops for good on the first `accept()` error (for example when the process
//!   runs out of file descriptors). We keep our own handle on the listening socket; when a worker
//!   sees the error, a new tiny_http server is built on the same socket (with a growing pause if it
//!   keeps failing), and the old one is drained of requests already read before it is dropped.
//! - It has no socket timeouts and does not expose the socket. Headers (and bodies up to 1 KB) are
//!   read by tiny_http's own per-connection threads, so a slow client ties up one of those, not a
//!   worker. A larger body is read on a helper thread that a worker waits on for at most a few
//!   seconds (see [`read_body_with_deadline`]), so stalled clients cannot hold every worker.
//!   Writes cannot be timed out: a client that stops reading a large response holds its worker.
//! - Its per-connection thread pool is unbounded; binding to loopback keeps the clients to this PC.
//! - No header or body limits: see [`super::http`].

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::http::{self, Head, ReadOutcome, Request};
use super::routes::{self, App};
use super::store::Db;

/// How long a worker waits for a request before checking for shutdown or a broken server.
const POLL: Duration = Duration::from_millis(200);
/// How long a replaced server is still drained of requests it had already read.
const RETIRE_AFTER: Duration = Duration::from_secs(30);
/// Longest pause between attempts to rebuild a failing server.
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// How long a worker waits for a request body before leaving it to a helper thread.
const BODY_DEADLINE: Duration = Duration::from_secs(5);
/// Most helper threads reading slow bodies at once.
const MAX_BODY_READERS: usize = 32;

/// State shared by the workers.
pub struct Shared {
    listener: TcpListener,
    current: RwLock<(u64, Arc<tiny_http::Server>)>,
    retired: Mutex<Vec<(Instant, Arc<tiny_http::Server>)>>,
    broken: AtomicBool,
    failures: AtomicU32,
    next_attempt: Mutex<Instant>,
    rebuilds: AtomicU64,
    shutdown: AtomicBool,
}

fn build(listener: &TcpListener) -> io::Result<tiny_http::Server> {
    let l = listener.try_clone()?;
    l.set_nonblocking(false)?;
    tiny_http::Server::from_listener(l, None).map_err(|e| io::Error::other(e.to_string()))
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// Takes over a bound listener and starts the first tiny_http server on it.
    pub fn new(listener: TcpListener) -> io::Result<Shared> {
        let server = build(&listener)?;
        Ok(Shared {
            listener,
            current: RwLock::new((0, Arc::new(server))),
            retired: Mutex::new(Vec::new()),
            broken: AtomicBool::new(false),
            failures: AtomicU32::new(0),
            next_attempt: Mutex::new(Instant::now()),
            rebuilds: AtomicU64::new(0),
            shutdown: AtomicBool::new(false),
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Asks every worker to stop after its current request.
    pub fn stop(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
    }

    /// How many times the server has been rebuilt after an accept failure.
    pub fn rebuilds(&self) -> u64 {
        self.rebuilds.load(Ordering::SeqCst)
    }

    /// Makes the next `accept()` fail, to exercise the rebuild path in tests: the socket is set
    /// non-blocking, so tiny_http's accept loop ends with `WouldBlock` after its next connection.
    pub fn break_accept_loop(&self) -> io::Result<()> {
        self.listener.set_nonblocking(true)
    }

    fn current(&self) -> (u64, Arc<tiny_http::Server>) {
        let g = read(&self.current);
        (g.0, Arc::clone(&g.1))
    }

    fn mark_broken(&self, generation: u64, err: &io::Error) {
        if read(&self.current).0 == generation && !self.broken.swap(true, Ordering::SeqCst) {
            eprintln!("kiosk: the server stopped accepting connections ({err}); restarting it");
        }
    }

    fn try_rebuild(&self) {
        let mut next = lock(&self.next_attempt);
        if Instant::now() < *next || !self.broken.load(Ordering::SeqCst) {
            return;
        }
        let n = self.failures.fetch_add(1, Ordering::SeqCst).min(16);
        let pause = Duration::from_millis(50u64 << n.min(10)).min(MAX_BACKOFF);
        *next = Instant::now() + pause;
        match build(&self.listener) {
            Ok(server) => {
                let mut cur = self.current.write().unwrap_or_else(|p| p.into_inner());
                let generation = cur.0 + 1;
                let old = std::mem::replace(&mut *cur, (generation, Arc::new(server)));
                drop(cur);
                lock(&self.retired).push((Instant::now(), old.1));
                self.broken.store(false, Ordering::SeqCst);
                self.rebuilds.fetch_add(1, Ordering::SeqCst);
            }
            Err(e) => eprintln!("kiosk: could not restart the server yet ({e}); retrying"),
        }
    }

    /// Requests a replaced server had already read, and drops it once it has been quiet a while.
    fn drain_retired(&self) -> Vec<tiny_http::Request> {
        let mut retired = lock(&self.retired);
        if retired.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (_, s) in retired.iter() {
            while let Ok(Some(rq)) = s.try_recv() {
                out.push(rq);
            }
        }
        retired.retain(|(since, _)| since.elapsed() < RETIRE_AFTER);
        out
    }
}

/// Starts `count` workers, each with its own database connection.
pub fn spawn_workers(
    app: Arc<App>,
    shared: Arc<Shared>,
    count: usize,
) -> io::Result<Vec<JoinHandle<()>>> {
    (0..count.max(1))
        .map(|i| {
            let app = Arc::clone(&app);
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("kiosk-worker-{i}"))
                .spawn(move || worker(&app, &shared))
        })
        .collect()
}

fn worker(app: &App, shared: &Shared) {
    let mut db: Option<Db> = app.store.open().ok();
    while !shared.shutdown.load(Ordering::SeqCst) {
        if shared.broken.load(Ordering::SeqCst) {
            shared.try_rebuild();
        }
        let (generation, server) = shared.current();
        match server.recv_timeout(POLL) {
            Ok(Some(rq)) => {
                shared.failures.store(0, Ordering::SeqCst);
                handle(app, &mut db, rq);
            }
            Ok(None) => {}
            Err(e) => {
                shared.mark_broken(generation, &e);
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        drop(server);
        for rq in shared.drain_retired() {
            handle(app, &mut db, rq);
        }
    }
}

/// Answers one request; a panic anywhere is caught so the worker lives on.
fn handle(app: &App, db: &mut Option<Db>, rq: tiny_http::Request) {
    // A forged huge Content-Length must be refused before anything can drop the request.
    let rq = match rq.body_length() {
        Some(n) if n > http::MAX_DRAIN => {
            http::refuse_huge(rq, routes::status_page(app, 413));
            return;
        }
        _ => rq,
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| serve(app, db, rq)));
    if outcome.is_err() {
        eprintln!("kiosk: a request failed unexpectedly; the kiosk carries on");
        *db = None;
    }
}

/// Bodies being read by helper threads right now (across all kiosks in the process).
static BODY_READERS: AtomicUsize = AtomicUsize::new(0);

/// Reads a body that may arrive slowly on a helper thread, waiting at most [`BODY_DEADLINE`].
///
/// tiny_http cannot time out a socket read, so a client that stops sending half-way through a
/// body would hold a worker for as long as it stays connected. Here the worker gives up after the
/// deadline and goes back to serving; the helper answers 408 whenever the body finally arrives or
/// the client goes away. At most [`MAX_BODY_READERS`] helpers exist; beyond that, requests with
/// such bodies get 503. Returns `None` when the request has been dealt with elsewhere.
fn read_body_with_deadline(app: &App, rq: tiny_http::Request) -> Option<ReadOutcome> {
    if BODY_READERS.fetch_add(1, Ordering::SeqCst) >= MAX_BODY_READERS {
        BODY_READERS.fetch_sub(1, Ordering::SeqCst);
        http::refuse_huge(rq, routes::status_page(app, 503));
        return None;
    }
    let too_slow = routes::status_page(app, 408).with_header("Connection", "close");
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("kiosk-body".into())
        .spawn(move || {
            let outcome = http::read_body(rq);
            BODY_READERS.fetch_sub(1, Ordering::SeqCst);
            if let Err(mpsc::SendError(late)) = tx.send(outcome) {
                match late {
                    ReadOutcome::Ready(rq, _) | ReadOutcome::TooLarge(rq) => {
                        let _ = rq.respond(too_slow.into_tiny());
                    }
                    ReadOutcome::Refused(rq) => http::refuse_huge(rq, too_slow),
                    ReadOutcome::Failed => {}
                }
            }
        });
    if spawned.is_err() {
        BODY_READERS.fetch_sub(1, Ordering::SeqCst);
        return None;
    }
    rx.recv_timeout(BODY_DEADLINE).ok()
}

fn serve(app: &App, db: &mut Option<Db>, rq: tiny_http::Request) {
    let (method, target, headers) = match http::head(&rq) {
        Head::Ok {
            method,
            target,
            headers,
        } => (method, target, headers),
        Head::Refuse(status) => {
            let page = routes::status_page(app, status).with_header("Connection", "close");
            let _ = rq.respond(page.into_tiny());
            return;
        }
    };
    let outcome = if http::body_may_stall(&rq) {
        match read_body_with_deadline(app, rq) {
            Some(outcome) => outcome,
            None => return,
        }
    } else {
        http::read_body(rq)
    };
    match outcome {
        ReadOutcome::Ready(rq, body) => {
            let req = Request::new(method, &target, &headers, &body);
            let resp = routes::dispatch(app, db, &req);
            let _ = rq.respond(resp.into_tiny());
        }
        ReadOutcome::TooLarge(rq) => {
            let page = routes::status_page(app, 413).with_header("Connection", "close");
            let _ = rq.respond(page.into_tiny());
        }
        ReadOutcome::Refused(rq) => http::refuse_huge(rq, routes::status_page(app, 413)),
        ReadOutcome::Failed => {}
    }
}
