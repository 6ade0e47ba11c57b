//! The HTTP server: tiny_http with a fixed pool of worker threads.
//!
//! The project uses a patched copy of tiny_http 0.12 (`vendor/tiny_http`, listed in its README),
//! which does the connection-level defence itself, so this module stays small:
//! - every connection has a read and a write deadline ([`LIMITS`]), and its own thread reads the
//!   whole request, body included, before a worker sees it: a stalled or slow client holds its
//!   connection thread, never a worker, and a worker writing to a client that stopped reading
//!   gives up at the write deadline;
//! - at most [`LIMITS`]`.max_connections` connections are served at once; beyond that a new one
//!   gets 503 at once;
//! - bodies over [`http::MAX_BODY`] are never read: the request arrives marked, gets the kiosk's
//!   413 page, and its connection is closed; malformed bodies get the 400 page the same way;
//! - the accept loop survives `accept()` errors (such as running out of file descriptors) by
//!   waiting and trying again, so there is nothing to rebuild.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tiny_http::{BodyProblem, Limits};

use super::ctx::App;
use super::http::{self, Head, Request};
use super::routes;
use super::store::Db;

/// How long a worker waits for a request before checking for shutdown.
const POLL: Duration = Duration::from_millis(200);

/// Connection limits. The read timeout also ends a kept-alive connection left idle that long
/// (the browser opens a new one); the write timeout bounds how long a client that stops reading
/// can hold a worker; 256 connections leave room for a browser's six and many stalled clients.
pub const LIMITS: Limits = Limits {
    read_timeout: Some(Duration::from_secs(15)),
    write_timeout: Some(Duration::from_secs(5)),
    max_connections: 256,
    max_body: http::MAX_BODY,
};

/// State shared by the workers.
pub struct Shared {
    listener: TcpListener,
    server: tiny_http::Server,
    shutdown: AtomicBool,
}

impl Shared {
    /// Takes over a bound listener and starts tiny_http on it.
    pub fn new(listener: TcpListener) -> io::Result<Shared> {
        let for_server = listener.try_clone()?;
        for_server.set_nonblocking(false)?;
        let server = tiny_http::Server::with_limits(for_server, LIMITS)
            .map_err(|e| io::Error::other(e.to_string()))?;
        Ok(Shared {
            listener,
            server,
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

    /// How many failed `accept()` calls the server has recovered from.
    pub fn accept_errors(&self) -> u64 {
        self.server.accept_errors()
    }

    /// Makes `accept()` fail, to exercise the recovery in tests: the listening socket is set
    /// non-blocking, so every `accept()` with no connection waiting fails with `WouldBlock`.
    pub fn break_accept_loop(&self) -> io::Result<()> {
        self.listener.set_nonblocking(true)
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
        if let Ok(Some(rq)) = shared.server.recv_timeout(POLL) {
            handle(app, &mut db, rq);
        }
    }
}

/// Answers one request; a panic anywhere is caught so the worker lives on.
fn handle(app: &App, db: &mut Option<Db>, rq: tiny_http::Request) {
    let outcome = catch_unwind(AssertUnwindSafe(|| serve(app, db, rq)));
    if outcome.is_err() {
        eprintln!("kiosk: a request failed unexpectedly; the kiosk carries on");
        *db = None;
    }
}

/// The kiosk's page for a body the server did not read.
fn body_problem_status(problem: BodyProblem) -> u16 {
    match problem {
        BodyProblem::TooLarge => 413,
        BodyProblem::Malformed => 400,
        BodyProblem::TimedOut => 408,
    }
}

fn serve(app: &App, db: &mut Option<Db>, mut rq: tiny_http::Request) {
    if let Some(problem) = rq.body_problem() {
        // tiny_http closes the connection after this answer, without reading the body.
        let page = routes::status_page(app, body_problem_status(problem));
        let _ = rq.respond(page.into_tiny());
        return;
    }
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
    // Already in memory (at most MAX_BODY bytes): reading cannot block or fail.
    let mut body = Vec::new();
    let _ = rq.as_reader().read_to_end(&mut body);
    let mut req = Request::new(method, &target, &headers, &body);
    req.client = rq.remote_addr().map(|a| a.ip());
    let resp = routes::dispatch(app, db, &req);
    let _ = rq.respond(resp.into_tiny());
}
