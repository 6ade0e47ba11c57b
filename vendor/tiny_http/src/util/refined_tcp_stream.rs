use std::io::Result as IoResult;
use std::io::{Error as IoError, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::connection::Connection;

/// One half (reading or writing) of a client connection.
///
/// Patched: both halves share one socket through an `Arc` instead of a duplicated file
/// descriptor, so a connection costs one descriptor and [`Closer`] can shut it from anywhere.
/// The reading half can carry a deadline that bounds a whole request, not just each read.
pub struct RefinedTcpStream {
    stream: Arc<Connection>,
    close_read: bool,
    close_write: bool,
    deadline: Option<Instant>,
}

/// A handle that shuts a connection down (so a thread blocked reading it wakes up).
#[derive(Clone)]
pub struct Closer(Arc<Connection>);

impl Closer {
    /// Shuts down one or both directions; errors (already closed) are ignored.
    pub fn shutdown(&self, how: Shutdown) {
        let _ = self.0.shutdown(how);
    }

    pub(crate) fn set_read_timeout(&self, t: Option<Duration>) {
        let _ = self.0.set_read_timeout(t);
    }

    pub(crate) fn set_nonblocking(&self, on: bool) {
        let _ = self.0.set_nonblocking(on);
    }
}

impl Read for Closer {
    fn read(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        (&*self.0).read(buf)
    }
}

impl Write for Closer {
    fn write(&mut self, buf: &[u8]) -> IoResult<usize> {
        (&*self.0).write(buf)
    }

    fn flush(&mut self) -> IoResult<()> {
        Ok(())
    }
}

impl RefinedTcpStream {
    pub(crate) fn new(stream: Connection) -> (RefinedTcpStream, RefinedTcpStream, Closer) {
        let stream = Arc::new(stream);

        let read = RefinedTcpStream {
            stream: Arc::clone(&stream),
            close_read: true,
            close_write: false,
            deadline: None,
        };

        let write = RefinedTcpStream {
            stream: Arc::clone(&stream),
            close_read: false,
            close_write: true,
            deadline: None,
        };

        (read, write, Closer(stream))
    }

    pub(crate) fn peer_addr(&mut self) -> IoResult<Option<SocketAddr>> {
        self.stream.peer_addr()
    }

    /// Reads after `deadline` fail with `TimedOut` (each read is also bounded by the socket's
    /// own read timeout, so a request can take at most the deadline plus one read timeout).
    pub(crate) fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }
}

impl Drop for RefinedTcpStream {
    fn drop(&mut self) {
        if self.close_read {
            self.stream.shutdown(Shutdown::Read).ok();
        }

        if self.close_write {
            self.stream.shutdown(Shutdown::Write).ok();
        }
    }
}

impl Read for RefinedTcpStream {
    fn read(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        if self.deadline.map_or(false, |d| Instant::now() >= d) {
            return Err(IoError::new(ErrorKind::TimedOut, "request deadline passed"));
        }
        (&*self.stream).read(buf)
    }
}

impl Write for RefinedTcpStream {
    fn write(&mut self, buf: &[u8]) -> IoResult<usize> {
        (&*self.stream).write(buf)
    }

    fn flush(&mut self) -> IoResult<()> {
        Ok(())
    }
}
