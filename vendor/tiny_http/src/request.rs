use std::io::Error as IoError;
use std::io::{self, Cursor, ErrorKind, Read, Write};

use std::fmt;
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

use crate::util::Closer;
use crate::{HTTPVersion, Header, Method, Response};

/// Represents an HTTP request made by a client.
///
/// A `Request` object is what is produced by the server, and is your what
/// your code must analyse and answer.
///
/// This object implements the `Send` trait, therefore you can dispatch your requests to
/// worker threads.
///
/// # Pipelining
///
/// If a client sends multiple requests in a row (without waiting for the response), then you will
/// get multiple `Request` objects simultaneously. This is called *requests pipelining*.
/// Tiny-http automatically reorders the responses so that you don't need to worry about the order
/// in which you call `respond` or `into_writer`.
///
/// This mechanic is disabled if:
///
///  - The body of a request is large enough (handling requires pipelining requires storing the
///    body of the request in a buffer ; if the body is too big, tiny-http will avoid doing that)
///  - A request sends a `Expect: 100-continue` header (which means that the client waits to
///    know whether its body will be processed before sending it)
///  - A request sends a `Connection: close` header or `Connection: upgrade` header (used for
///    websockets), which indicates that this is the last request that will be received on this
///    connection
///
/// # Automatic cleanup
///
/// If a `Request` object is destroyed without `into_writer` or `respond` being called,
/// an empty response with a 500 status code (internal server error) will automatically be
/// sent back to the client.
/// This means that if your code fails during the handling of a request, this "internal server
/// error" response will automatically be sent during the stack unwinding.
///
/// # Testing
///
/// If you want to build fake requests to test your server, use [`TestRequest`](crate::test::TestRequest).
pub struct Request {
    // where to read the body from
    data_reader: Option<Box<dyn Read + Send + 'static>>,

    // if this writer is empty, then the request has been answered
    response_writer: Option<Box<dyn Write + Send + 'static>>,

    remote_addr: Option<SocketAddr>,

    // true if HTTPS, false if HTTP
    secure: bool,

    method: Method,

    path: String,

    http_version: HTTPVersion,

    headers: Vec<Header>,

    body_length: Option<usize>,

    // why the body was not read, if it was not
    body_problem: Option<BodyProblem>,

    // true if the connection ends after this response (`Connection: close` is sent)
    close_after: bool,

    // shuts the connection down after a failed or final response
    closer: Option<Closer>,

    // the whole response must be written within this time
    write_timeout: Option<Duration>,
}

/// Why a request's body was not read (patched in: upstream had no body limits). The request is
/// handed over anyway, with an empty body, so that the application can answer with its own
/// page; the connection is closed after that answer without reading the rest of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyProblem {
    /// The declared or actual body is over the server's `max_body`: answer 413.
    TooLarge,
    /// Unreadable framing: a bad chunked body, `Content-Length` with `Transfer-Encoding`, an
    /// unknown transfer coding or a bad `Content-Length`: answer 400.
    Malformed,
    /// The body did not arrive within the read timeout: answer 408.
    TimedOut,
}

/// Builds a new request from its head and its body, already read.
///
/// The `Write` object will be used by the `Request` to write the response.
#[allow(clippy::too_many_arguments)]
pub fn new_request<W>(
    secure: bool,
    method: Method,
    path: String,
    version: HTTPVersion,
    headers: Vec<Header>,
    remote_addr: Option<SocketAddr>,
    body: Vec<u8>,
    writer: W,
) -> Request
where
    W: Write + Send + 'static,
{
    let body_length = if body.is_empty() {
        headers
            .iter()
            .find(|h| h.field.equiv("Content-Length"))
            .and_then(|h| h.value.as_str().trim().parse().ok())
    } else {
        Some(body.len())
    };
    Request {
        data_reader: Some(Box::new(Cursor::new(body)) as Box<dyn Read + Send + 'static>),
        response_writer: Some(Box::new(writer) as Box<dyn Write + Send + 'static>),
        remote_addr,
        secure,
        method,
        path,
        http_version: version,
        headers,
        body_length,
        body_problem: None,
        close_after: false,
        closer: None,
        write_timeout: None,
    }
}

/// A writer that refuses to go on once a response has taken longer than its deadline.
/// Each blocked write is bounded by the socket's write timeout, so a client that reads slowly
/// (or not at all) holds the writing thread for at most the deadline plus one write timeout.
struct DeadlineWriter<W> {
    inner: W,
    until: Option<Instant>,
}

impl<W: Write> Write for DeadlineWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.until.map_or(false, |t| Instant::now() >= t) {
            return Err(IoError::new(ErrorKind::TimedOut, "response deadline passed"));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Request {
    /// Returns true if the request was made through HTTPS.
    #[inline]
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// Returns the method requested by the client (eg. `GET`, `POST`, etc.).
    #[inline]
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// Returns the resource requested by the client.
    #[inline]
    pub fn url(&self) -> &str {
        &self.path
    }

    /// Returns a list of all headers sent by the client.
    #[inline]
    pub fn headers(&self) -> &[Header] {
        &self.headers
    }

    /// Returns the HTTP version of the request.
    #[inline]
    pub fn http_version(&self) -> &HTTPVersion {
        &self.http_version
    }

    /// Returns the length of the body in bytes.
    ///
    /// Returns `None` if the length is unknown.
    #[inline]
    pub fn body_length(&self) -> Option<usize> {
        self.body_length
    }

    /// Returns the address of the client that sent this request.
    ///
    /// The address is always `Some` for TCP listeners, but always `None` for UNIX listeners
    /// (as the remote address of a UNIX client is almost always unnamed).
    ///
    /// Note that this is gathered from the socket. If you receive the request from a proxy,
    /// this function will return the address of the proxy and not the address of the actual
    /// user.
    #[inline]
    pub fn remote_addr(&self) -> Option<&SocketAddr> {
        self.remote_addr.as_ref()
    }

    /// Why the body was not read, if it was not (see [`BodyProblem`]). When this is `Some`, the
    /// body reads as empty and the connection closes after the response.
    #[inline]
    pub fn body_problem(&self) -> Option<BodyProblem> {
        self.body_problem
    }

    /// Allows to read the body of the request (already read into memory by the server, up to
    /// its `max_body` limit, so this never blocks).
    #[inline]
    pub fn as_reader(&mut self) -> &mut dyn Read {
        self.data_reader.as_mut().unwrap()
    }

    /// Turns the `Request` into a writer.
    ///
    /// The writer has a raw access to the stream to the user.
    /// This function is useful for things like CGI.
    ///
    /// Note that the destruction of the `Writer` object may trigger
    /// some events. For exemple if a client has sent multiple requests and the requests
    /// have been processed in parallel, the destruction of a writer will trigger
    /// the writing of the next response.
    /// Therefore you should always destroy the `Writer` as soon as possible.
    #[inline]
    pub fn into_writer(mut self) -> Box<dyn Write + Send + 'static> {
        self.extract_writer_impl()
    }

    /// Extract the response `Writer` object from the Request, dropping this `Writer` has the same side effects
    /// as the object returned by `into_writer` above.
    ///
    /// This may only be called once on a single request.
    fn extract_writer_impl(&mut self) -> Box<dyn Write + Send + 'static> {
        use std::mem;

        assert!(self.response_writer.is_some());

        let mut writer = None;
        mem::swap(&mut self.response_writer, &mut writer);
        writer.unwrap()
    }

    /// Sends a response to this request.
    ///
    /// Patched: the whole response must be written within the server's write timeout; if it is
    /// not, or writing fails, or either side asked for `Connection: close`, the connection is
    /// shut down afterwards.
    #[inline]
    pub fn respond<R>(mut self, response: Response<R>) -> Result<(), IoError>
    where
        R: Read,
    {
        self.respond_impl(response)
    }

    fn respond_impl<R>(&mut self, response: Response<R>) -> Result<(), IoError>
    where
        R: Read,
    {
        let writer = self.extract_writer_impl();
        let close = self.close_after || response.closes_connection();
        let mut writer = DeadlineWriter {
            inner: writer,
            until: self.write_timeout.map(|t| Instant::now() + t),
        };

        let do_not_send_body = self.method == Method::Head;

        let result = response
            .raw_print(
                &mut writer,
                self.http_version.clone(),
                &self.headers,
                do_not_send_body,
                close,
            )
            .and_then(|_| writer.flush());
        drop(writer);
        if let Some(closer) = &self.closer {
            if result.is_err() {
                closer.shutdown(Shutdown::Both);
            } else if close && self.body_problem.is_none() {
                // A refused body is closed by the connection's thread, after a short drain.
                closer.shutdown(Shutdown::Both);
            }
        }
        Self::ignore_client_closing_errors(result)
    }

    fn ignore_client_closing_errors(result: io::Result<()>) -> io::Result<()> {
        result.or_else(|err| match err.kind() {
            ErrorKind::BrokenPipe => Ok(()),
            ErrorKind::ConnectionAborted => Ok(()),
            ErrorKind::ConnectionRefused => Ok(()),
            ErrorKind::ConnectionReset => Ok(()),
            _ => Err(err),
        })
    }

    /// Links the request to its connection: how to close it, and the response deadline.
    pub(crate) fn set_connection(&mut self, closer: Closer, write_timeout: Option<Duration>) {
        self.closer = Some(closer);
        self.write_timeout = write_timeout;
    }

    pub(crate) fn set_body_problem(&mut self, problem: BodyProblem) {
        self.body_problem = Some(problem);
        self.close_after = true;
    }

    /// Marks this request as the last on its connection.
    pub(crate) fn closing(mut self) -> Self {
        self.close_after = true;
        self
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> Result<(), fmt::Error> {
        write!(
            formatter,
            "Request({} {} from {:?})",
            self.method, self.path, self.remote_addr
        )
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        if self.response_writer.is_some() {
            let response = Response::empty(500);
            let _ = self.respond_impl(response); // ignoring any potential error
        }
    }
}

/// Dummy trait that regroups the `Read` and `Write` traits.
///
/// Automatically implemented on all types that implement both `Read` and `Write`.
pub trait ReadWrite: Read + Write {}
impl<T> ReadWrite for T where T: Read + Write {}

#[cfg(test)]
mod tests {
    use super::Request;

    #[test]
    fn must_be_send() {
        #![allow(dead_code)]
        fn f<T: Send>(_: &T) {}
        fn bar(rq: &Request) {
            f(rq);
        }
    }
}
