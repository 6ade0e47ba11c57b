//! # Simple usage
//!
//! ## Creating the server
//!
//! The easiest way to create a server is to call `Server::http()`.
//!
//! The `http()` function returns an `IoResult<Server>` which will return an error
//! in the case where the server creation fails (for example if the listening port is already
//! occupied).
//!
//! ```no_run
//! let server = tiny_http::Server::http("0.0.0.0:0").unwrap();
//! ```
//!
//! A newly-created `Server` will immediately start listening for incoming connections and HTTP
//! requests.
//!
//! ## Receiving requests
//!
//! Calling `server.recv()` will block until the next request is available.
//! This function returns an `IoResult<Request>`, so you need to handle the possible errors.
//!
//! ```no_run
//! # let server = tiny_http::Server::http("0.0.0.0:0").unwrap();
//!
//! loop {
//!     // blocks until the next request is received
//!     let request = match server.recv() {
//!         Ok(rq) => rq,
//!         Err(e) => { println!("error: {}", e); break }
//!     };
//!
//!     // do something with the request
//!     // ...
//! }
//! ```
//!
//! In a real-case scenario, you will probably want to spawn multiple worker tasks and call
//! `server.recv()` on all of them. Like this:
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use std::thread;
//! # let server = tiny_http::Server::http("0.0.0.0:0").unwrap();
//! let server = Arc::new(server);
//! let mut guards = Vec::with_capacity(4);
//!
//! for _ in (0 .. 4) {
//!     let server = server.clone();
//!
//!     let guard = thread::spawn(move || {
//!         loop {
//!             let rq = server.recv().unwrap();
//!
//!             // ...
//!         }
//!     });
//!
//!     guards.push(guard);
//! }
//! ```
//!
//! If you don't want to block, you can call `server.try_recv()` instead.
//!
//! ## Handling requests
//!
//! The `Request` object returned by `server.recv()` contains informations about the client's request.
//! The most useful methods are probably `request.method()` and `request.url()` which return
//! the requested method (`GET`, `POST`, etc.) and url.
//!
//! To handle a request, you need to create a `Response` object. See the docs of this object for
//! more infos. Here is an example of creating a `Response` from a file:
//!
//! ```no_run
//! # use std::fs::File;
//! # use std::path::Path;
//! let response = tiny_http::Response::from_file(File::open(&Path::new("image.png")).unwrap());
//! ```
//!
//! All that remains to do is call `request.respond()`:
//!
//! ```no_run
//! # use std::fs::File;
//! # use std::path::Path;
//! # let server = tiny_http::Server::http("0.0.0.0:0").unwrap();
//! # let request = server.recv().unwrap();
//! # let response = tiny_http::Response::from_file(File::open(&Path::new("image.png")).unwrap());
//! let _ = request.respond(response);
//! ```
#![forbid(unsafe_code)]
#![deny(rust_2018_idioms)]
#![allow(clippy::match_like_matches_macro)]

use std::error::Error;
use std::io::Error as IoError;
use std::io::ErrorKind as IoErrorKind;
use std::io::Result as IoResult;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use client::ClientConnection;
use connection::Connection;
use util::MessagesQueue;

pub use common::{HTTPVersion, Header, HeaderField, Method, StatusCode};
pub use connection::{ConfigListenAddr, ListenAddr, Listener};
pub use request::{BodyProblem, ReadWrite, Request};
pub use response::{Response, ResponseBox};
pub use test::TestRequest;

mod client;
mod common;
mod connection;
mod request;
mod response;
mod test;
mod util;

/// The main class of this library.
///
/// Destroying this object will immediately close the listening socket and the reading
///  part of all the client's connections. Requests that have already been returned by
///  the `recv()` function will not close and the responses will be transferred to the client.
pub struct Server {
    // should be false as long as the server exists
    // when set to true, all the subtasks will close within a few hundreds ms
    close: Arc<AtomicBool>,

    // queue for messages received by child threads
    messages: Arc<MessagesQueue<Message>>,

    // result of TcpListener::local_addr()
    listening_addr: ListenAddr,

    // failed `accept()` calls the accept loop has recovered from
    accept_errors: Arc<AtomicU64>,

    // connections refused because every connection thread was busy
    refused: Arc<AtomicU64>,
}

/// Patched: the accept loop never stops on an error, so the queue only carries requests.
type Message = Request;

/// Limits that keep a client from holding the server (patched in; upstream had none).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest wait for each read, for a kept-alive connection's next request, and for a whole
    /// request (head and body) once it has started. `None`: no limit.
    pub read_timeout: Option<Duration>,
    /// Longest time to write a whole response (each write is bounded by it too). `None`: no
    /// limit.
    pub write_timeout: Option<Duration>,
    /// Most connections served at once, one thread each; beyond it a new connection gets a
    /// `503 Service Unavailable` at once and is closed.
    pub max_connections: usize,
    /// Largest request body read; a bigger one is not read (see [`BodyProblem::TooLarge`]).
    pub max_body: usize,
}

impl Default for Limits {
    /// 30 s to read a request or write a response, 256 connections, 1 MB bodies.
    fn default() -> Limits {
        Limits {
            read_timeout: Some(Duration::from_secs(30)),
            write_timeout: Some(Duration::from_secs(30)),
            max_connections: 256,
            max_body: 1024 * 1024,
        }
    }
}

/// The answer to a connection over [`Limits::max_connections`].
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 32\r\nRetry-After: 1\r\nConnection: close\r\n\r\nBusy: please try again shortly.\n";

// makes sure that Server implements Sync and Send (patched: upstream's marker trait now
// draws a dead-code warning)
const _: fn() = || {
    fn must_be_share<T: Sync + Send>() {}
    must_be_share::<Server>();
};

pub struct IncomingRequests<'a> {
    server: &'a Server,
}

/// Represents the parameters required to create a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The addresses to try to listen to.
    pub addr: ConfigListenAddr,

    /// If `Some`, then the server will use SSL to encode the communications.
    pub ssl: Option<SslConfig>,
}

/// Configuration of the server for SSL.
#[derive(Debug, Clone)]
pub struct SslConfig {
    /// Contains the public certificate to send to clients.
    pub certificate: Vec<u8>,
    /// Contains the ultra-secret private key used to decode communications.
    pub private_key: Vec<u8>,
}

impl Server {
    /// Shortcut for a simple server on a specific address.
    #[inline]
    pub fn http<A>(addr: A) -> Result<Server, Box<dyn Error + Send + Sync + 'static>>
    where
        A: ToSocketAddrs,
    {
        Server::new(ServerConfig {
            addr: ConfigListenAddr::from_socket_addrs(addr)?,
            ssl: None,
        })
    }

    #[cfg(unix)]
    #[inline]
    /// Shortcut for a UNIX socket server at a specific path
    pub fn http_unix(
        path: &std::path::Path,
    ) -> Result<Server, Box<dyn Error + Send + Sync + 'static>> {
        Server::new(ServerConfig {
            addr: ConfigListenAddr::unix_from_path(path),
            ssl: None,
        })
    }

    /// Builds a new server that listens on the specified address.
    pub fn new(config: ServerConfig) -> Result<Server, Box<dyn Error + Send + Sync + 'static>> {
        let listener = config.addr.bind()?;
        Self::from_listener(listener, config.ssl)
    }

    /// Builds a new server using the specified TCP listener.
    ///
    /// This is useful if you've constructed TcpListener using some less usual method
    /// such as from systemd. For other cases, you probably want the `new()` function.
    pub fn from_listener<L: Into<Listener>>(
        listener: L,
        ssl_config: Option<SslConfig>,
    ) -> Result<Server, Box<dyn Error + Send + Sync + 'static>> {
        if ssl_config.is_some() {
            return Err("this copy of tiny_http has no TLS support".into());
        }
        Self::with_limits(listener, Limits::default())
    }

    /// Builds a new server on the TCP listener with the given limits (patched in).
    pub fn with_limits<L: Into<Listener>>(
        listener: L,
        limits: Limits,
    ) -> Result<Server, Box<dyn Error + Send + Sync + 'static>> {
        let server = listener.into();
        let local_addr = server.local_addr()?;
        log::debug!("Server listening on {}", local_addr);

        let close_trigger = Arc::new(AtomicBool::new(false));
        let messages = MessagesQueue::with_capacity(8);
        let accept_errors = Arc::new(AtomicU64::new(0));
        let refused = Arc::new(AtomicU64::new(0));

        let inside_close_trigger = close_trigger.clone();
        let inside_messages = messages.clone();
        let inside_errors = accept_errors.clone();
        let inside_refused = refused.clone();
        thread::Builder::new()
            .name("tiny-http-accept".into())
            .spawn(move || {
                // a tasks pool is used to dispatch the connections into threads
                let tasks_pool = util::TaskPool::new(limits.max_connections);
                let mut pause = ACCEPT_PAUSE_MIN;

                log::debug!("Running accept thread");
                while !inside_close_trigger.load(Relaxed) {
                    let sock = match server.accept() {
                        Ok((sock, _)) => sock,
                        Err(e) => {
                            // Patched: upstream ended the accept loop here for good (for
                            // example when out of file descriptors). Wait and try again.
                            log::error!("Error accepting new client: {}", e);
                            inside_errors.fetch_add(1, Relaxed);
                            thread::sleep(pause);
                            pause = (pause * 2).min(ACCEPT_PAUSE_MAX);
                            continue;
                        }
                    };
                    pause = ACCEPT_PAUSE_MIN;
                    if inside_close_trigger.load(Relaxed) {
                        break;
                    }
                    if let Err(e) = sock.prepare(limits.read_timeout, limits.write_timeout) {
                        log::error!("Error preparing a new client: {}", e);
                        continue;
                    }

                    let (read_half, write_half, closer) = util::RefinedTcpStream::new(sock);
                    let refusal = closer.clone();
                    let client = ClientConnection::new(write_half, read_half, closer, limits);
                    let messages = inside_messages.clone();
                    let task: util::Task = Box::new(move || {
                        for rq in client {
                            messages.push(rq);
                        }
                    });
                    if let Err(task) = tasks_pool.spawn(task) {
                        inside_refused.fetch_add(1, Relaxed);
                        refuse_busy(&refusal);
                        drop(task); // closes the socket
                    }
                }
                log::debug!("Terminating accept thread");
            })?;

        // result
        Ok(Server {
            messages,
            close: close_trigger,
            listening_addr: local_addr,
            accept_errors,
            refused,
        })
    }

    /// How many failed `accept()` calls the server has recovered from (patched in).
    pub fn accept_errors(&self) -> u64 {
        self.accept_errors.load(Relaxed)
    }

    /// How many connections were answered 503 because the server was full (patched in).
    pub fn refused_connections(&self) -> u64 {
        self.refused.load(Relaxed)
    }

    /// Returns an iterator for all the incoming requests.
    ///
    /// The iterator will return `None` if the server socket is shutdown.
    #[inline]
    pub fn incoming_requests(&self) -> IncomingRequests<'_> {
        IncomingRequests { server: self }
    }

    /// Returns the address the server is listening to.
    #[inline]
    pub fn server_addr(&self) -> ListenAddr {
        self.listening_addr.clone()
    }

    /// Blocks until an HTTP request has been submitted and returns it.
    pub fn recv(&self) -> IoResult<Request> {
        match self.messages.pop() {
            Some(rq) => Ok(rq),
            None => Err(IoError::new(IoErrorKind::Other, "thread unblocked")),
        }
    }

    /// Same as `recv()` but doesn't block longer than timeout
    pub fn recv_timeout(&self, timeout: Duration) -> IoResult<Option<Request>> {
        Ok(self.messages.pop_timeout(timeout))
    }

    /// Same as `recv()` but doesn't block.
    pub fn try_recv(&self) -> IoResult<Option<Request>> {
        Ok(self.messages.try_pop())
    }

    /// Unblock thread stuck in recv() or incoming_requests().
    /// If there are several such threads, only one is unblocked.
    /// This method allows graceful shutdown of server.
    pub fn unblock(&self) {
        self.messages.unblock();
    }
}

/// Shortest and longest pause after a failed `accept()`.
const ACCEPT_PAUSE_MIN: Duration = Duration::from_millis(10);
const ACCEPT_PAUSE_MAX: Duration = Duration::from_secs(1);

/// Answers 503 to a connection the server has no room for, without waiting on the client:
/// whatever it has already sent is read and dropped (so that closing does not reset the
/// connection before the answer is read), then the socket is shut.
fn refuse_busy(closer: &util::Closer) {
    closer.set_nonblocking(true);
    let mut sock = closer.clone();
    let _ = sock.write_all(BUSY);
    closer.shutdown(Shutdown::Write);
    let mut scratch = [0u8; 4096];
    for _ in 0..16 {
        match sock.read(&mut scratch) {
            Ok(n) if n > 0 => {}
            _ => break,
        }
    }
}

impl Iterator for IncomingRequests<'_> {
    type Item = Request;
    fn next(&mut self) -> Option<Request> {
        self.server.recv().ok()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.close.store(true, Relaxed);
        // Connect briefly to ourselves to unblock the accept thread
        let maybe_stream = match &self.listening_addr {
            ListenAddr::IP(addr) => TcpStream::connect(addr).map(Connection::from),
            #[cfg(unix)]
            ListenAddr::Unix(addr) => {
                // TODO: use connect_addr when its stabilized.
                let path = addr.as_pathname().unwrap();
                std::os::unix::net::UnixStream::connect(path).map(Connection::from)
            }
        };
        if let Ok(stream) = maybe_stream {
            let _ = stream.shutdown(Shutdown::Both);
        }

        #[cfg(unix)]
        if let ListenAddr::Unix(addr) = &self.listening_addr {
            if let Some(path) = addr.as_pathname() {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}
