use ascii::AsciiString;

use std::io::Error as IoError;
use std::io::Result as IoResult;
use std::io::{BufRead, BufReader, BufWriter, ErrorKind, Read, Write};

use std::net::{Shutdown, SocketAddr};
use std::str::FromStr;
use std::time::{Duration, Instant};

use crate::common::{HTTPVersion, Header, Method};
use crate::request::BodyProblem;
use crate::util::{Closer, RefinedTcpStream, SequentialWriterBuilder};
use crate::{Limits, Request};

/// Bytes written to the socket at once: a whole small response (head and body) leaves in one
/// write. Upstream used 1 KB, so a page's head and body left in separate small writes and, with
/// Nagle's algorithm and delayed ACKs, each kept-alive response waited about 40 ms.
const WRITE_BUFFER: usize = 64 * 1024;
/// Longest request line or header line accepted.
const MAX_LINE: usize = 16 * 1024;
/// Most header lines accepted on one request.
const MAX_HEADERS: usize = 128;
/// Most bytes read and thrown away after refusing a body, before the connection is closed.
const MAX_DISCARD: u64 = 1024 * 1024;
/// Longest time spent throwing away such a body.
const DISCARD_TIME: Duration = Duration::from_secs(2);

/// A ClientConnection is an object that will store a socket to a client
/// and return Request objects.
///
/// Patched: it reads each request's body (up to [`Limits::max_body`]) on the connection's own
/// thread before handing the request over, so the application's workers never wait on a client.
pub struct ClientConnection {
    // address of the client
    remote_addr: IoResult<Option<SocketAddr>>,

    // where requests are read from
    source: BufReader<RefinedTcpStream>,

    // sequence of Writers to the stream, to avoid writing response #2 before
    //  response #1
    sink: SequentialWriterBuilder<BufWriter<RefinedTcpStream>>,

    // shuts the socket down when the connection must end
    closer: Closer,

    limits: Limits,

    // set to true if we know that the previous request is the last one
    no_more_requests: bool,

    // set when the last request's body was refused: wait for its answer, then close
    refused_body: bool,
}

/// Error that can happen when reading a request.
#[derive(Debug)]
enum ReadError {
    WrongRequestLine,
    WrongHeader(HTTPVersion),
    /// the request line or the headers are too long
    TooLong(u16),
    /// bytes that cannot start an HTTP/1 request (for example a TLS hello): close at once
    NotHttp,
    /// a kept-alive connection stayed silent for the read timeout: close it quietly
    Idle,
    /// the client sent an unrecognized `Expect` header
    ExpectationFailed(HTTPVersion),
    ReadIoError(IoError),
}

fn is_timeout(e: &IoError) -> bool {
    matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock)
}

impl ClientConnection {
    /// Creates a new `ClientConnection` that takes ownership of the socket halves.
    pub fn new(
        write_socket: RefinedTcpStream,
        mut read_socket: RefinedTcpStream,
        closer: Closer,
        limits: Limits,
    ) -> ClientConnection {
        let remote_addr = read_socket.peer_addr();

        ClientConnection {
            source: BufReader::with_capacity(8 * 1024, read_socket),
            sink: SequentialWriterBuilder::new(BufWriter::with_capacity(
                WRITE_BUFFER,
                write_socket,
            )),
            closer,
            remote_addr,
            limits,
            no_more_requests: false,
            refused_body: false,
        }
    }

    /// Reads until `CRLF` is reached. The next read will start at the first byte of the new line.
    fn read_next_line(&mut self, first: bool) -> Result<AsciiString, ReadError> {
        let mut buf = Vec::new();
        let mut prev_byte_was_cr = false;

        loop {
            let byte = match self.source.by_ref().bytes().next() {
                Some(Ok(b)) => b,
                Some(Err(e)) => return Err(ReadError::ReadIoError(e)),
                None => {
                    let eof = IoError::new(ErrorKind::ConnectionAborted, "Unexpected EOF");
                    return Err(ReadError::ReadIoError(eof));
                }
            };

            if byte == b'\n' && prev_byte_was_cr {
                buf.pop(); // removing the '\r'
                return AsciiString::from_ascii(buf).map_err(|_| ReadError::NotHttp);
            }

            // Control characters and non-ASCII bytes never appear in HTTP/1 request lines
            // and headers: whatever this is (a TLS hello, binary junk), stop reading now.
            if byte >= 0x80 || (byte < 0x20 && !matches!(byte, b'\r' | b'\n' | b'\t')) {
                return Err(ReadError::NotHttp);
            }

            prev_byte_was_cr = byte == b'\r';

            buf.push(byte);
            if buf.len() > MAX_LINE {
                return Err(ReadError::TooLong(if first { 414 } else { 431 }));
            }
        }
    }

    /// Reads a request from the stream, with its body.
    /// Blocks until the request has been read or the deadline passes.
    fn read(&mut self) -> Result<Request, ReadError> {
        // Wait (at most the read timeout) for the first byte of the next request.
        match self.source.fill_buf() {
            Ok([]) => {
                let eof = IoError::new(ErrorKind::ConnectionAborted, "closed by the client");
                return Err(ReadError::ReadIoError(eof));
            }
            Ok(_) => {}
            Err(e) if is_timeout(&e) => return Err(ReadError::Idle),
            Err(e) => return Err(ReadError::ReadIoError(e)),
        }
        // From then on, the whole request with its body must arrive within the read timeout
        // (so a client trickling a byte at a time cannot keep the connection forever).
        let deadline = self.limits.read_timeout.map(|t| Instant::now() + t);
        self.source.get_mut().set_deadline(deadline);

        // reading the request line; empty lines before it are allowed (RFC 7230 3.5)
        let (method, path, version) = loop {
            let line = self.read_next_line(true)?;
            if !line.is_empty() {
                break parse_request_line(line.as_str().trim())?;
            }
        };

        // getting all headers
        let mut headers = Vec::new();
        loop {
            let line = self.read_next_line(false)?;

            if line.is_empty() {
                break;
            };
            if headers.len() >= MAX_HEADERS {
                return Err(ReadError::TooLong(431));
            }
            headers.push(match FromStr::from_str(line.as_str().trim()) {
                Ok(h) => h,
                _ => return Err(ReadError::WrongHeader(version)),
            });
        }

        // building the writer for the request
        let mut writer = self.sink.next().unwrap();

        let expects_continue = match headers
            .iter()
            .find(|h: &&Header| h.field.equiv("Expect"))
            .map(|h| h.value.as_str())
        {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("100-continue") => true,
            _ => return Err(ReadError::ExpectationFailed(version)),
        };

        let (body, problem) = match self.read_body(&headers, expects_continue, &version, &mut writer)
        {
            Ok(body) => (body, None),
            Err(BodyError::Problem(p)) => (Vec::new(), Some(p)),
            Err(BodyError::Io(e)) => return Err(ReadError::ReadIoError(e)),
        };
        self.source.get_mut().set_deadline(None);

        let mut request = crate::request::new_request(
            false,
            method,
            path,
            version,
            headers,
            *self.remote_addr.as_ref().unwrap(),
            body,
            writer,
        );
        request.set_connection(self.closer.clone(), self.limits.write_timeout);
        if let Some(p) = problem {
            // The rest of the body is never read: this must be the last request.
            request.set_body_problem(p);
            self.refused_body = true;
        }
        Ok(request)
    }

    /// Reads the body the headers announce, within the limits.
    fn read_body(
        &mut self,
        headers: &[Header],
        expects_continue: bool,
        version: &HTTPVersion,
        writer: &mut dyn Write,
    ) -> Result<Vec<u8>, BodyError> {
        let framing = framing(headers)?;
        let max = self.limits.max_body;
        if let Framing::Length(n) = framing {
            if n > max as u64 {
                return Err(BodyError::Problem(BodyProblem::TooLarge));
            }
            if n == 0 {
                return Ok(Vec::new());
            }
        }
        if matches!(framing, Framing::None) {
            return Ok(Vec::new());
        }
        if expects_continue {
            // The client waits for this before sending its body.
            write!(writer, "HTTP/{}.{} 100 Continue\r\n\r\n", version.0, version.1)
                .and_then(|_| writer.flush())
                .map_err(BodyError::Io)?;
        }
        let result = match framing {
            Framing::Length(n) => {
                let mut body = vec![0; n as usize];
                self.source.read_exact(&mut body).map(|_| body)
            }
            _ => read_chunked(&mut self.source, max),
        };
        result.map_err(|e| match e.kind() {
            _ if is_timeout(&e) => BodyError::Problem(BodyProblem::TimedOut),
            ErrorKind::InvalidData => BodyError::Problem(BodyProblem::Malformed),
            ErrorKind::OutOfMemory => BodyError::Problem(BodyProblem::TooLarge),
            _ => BodyError::Io(e),
        })
    }

    /// Waits until the last response has been written, then closes without reading the rest
    /// of a refused body (reading and dropping a little of it first, for a short while, so that
    /// the client sees the answer rather than a reset connection).
    fn close_after_refusal(&mut self) {
        let mut last = self.sink.next().unwrap();
        let _ = last.flush(); // returns once the previous response is written
        self.closer.shutdown(Shutdown::Write);
        self.closer.set_read_timeout(Some(Duration::from_millis(500)));
        self.source
            .get_mut()
            .set_deadline(Some(Instant::now() + DISCARD_TIME));
        let _ = std::io::copy(
            &mut self.source.by_ref().take(MAX_DISCARD),
            &mut std::io::sink(),
        );
        self.closer.shutdown(Shutdown::Both);
    }

    /// Writes a bodiless error response and marks the connection as finished.
    fn refuse(&mut self, status: u16, version: HTTPVersion) {
        let writer = self.sink.next().unwrap();
        let response = crate::Response::empty(status);
        response.raw_print(writer, version, &[], false, true).ok();
    }
}

/// How the length of a request body is known.
enum Framing {
    None,
    Length(u64),
    Chunked,
}

enum BodyError {
    Problem(BodyProblem),
    Io(IoError),
}

/// Patched: a request with both `Content-Length` and `Transfer-Encoding`, with a transfer coding
/// other than `chunked`, or with an unreadable or conflicting `Content-Length` is malformed
/// (upstream ignored such a length, and let `Transfer-Encoding` win over `Content-Length`).
fn framing(headers: &[Header]) -> Result<Framing, BodyError> {
    let malformed = || BodyError::Problem(BodyProblem::Malformed);
    let te: Vec<&str> = headers
        .iter()
        .filter(|h| h.field.equiv("Transfer-Encoding"))
        .map(|h| h.value.as_str())
        .collect();
    let cl: Vec<&str> = headers
        .iter()
        .filter(|h| h.field.equiv("Content-Length"))
        .flat_map(|h| h.value.as_str().split(','))
        .map(str::trim)
        .collect();
    if !te.is_empty() {
        let chunked = te.len() == 1 && te[0].trim().eq_ignore_ascii_case("chunked");
        return if chunked && cl.is_empty() {
            Ok(Framing::Chunked)
        } else {
            Err(malformed())
        };
    }
    match cl.first() {
        None => Ok(Framing::None),
        Some(first) => {
            let digits = |v: &&str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
            if !cl.iter().all(digits) || cl.iter().any(|v| v != first) {
                return Err(malformed());
            }
            // More digits than fit in a u64 is simply too large.
            Ok(Framing::Length(first.parse().unwrap_or(u64::MAX)))
        }
    }
}

/// Decodes a chunked body of at most `max` bytes. Errors: `InvalidData` for bad framing,
/// `OutOfMemory` when the body is over `max`, or the socket's own error (timeouts included).
fn read_chunked<R: BufRead>(r: &mut R, max: usize) -> IoResult<Vec<u8>> {
    let bad = || IoError::new(ErrorKind::InvalidData, "malformed chunked body");
    let mut body = Vec::new();
    loop {
        let line = read_crlf_line(r, 1024)?;
        let size_text = line.split(|b| *b == b';').next().unwrap_or(&[]);
        let size_text = std::str::from_utf8(size_text).map_err(|_| bad())?.trim();
        if size_text.is_empty() || size_text.len() > 16 {
            return Err(bad());
        }
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad())?;
        if size == 0 {
            break;
        }
        if size > max - body.len() {
            return Err(IoError::new(ErrorKind::OutOfMemory, "body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        if !read_crlf_line(r, 0)?.is_empty() {
            return Err(bad());
        }
    }
    // trailer fields, then the empty line
    for _ in 0..MAX_HEADERS {
        if read_crlf_line(r, MAX_LINE)?.is_empty() {
            return Ok(body);
        }
    }
    Err(bad())
}

/// One line ending in CRLF, without it; `InvalidData` if longer than `max` or a bare LF.
fn read_crlf_line<R: BufRead>(r: &mut R, max: usize) -> IoResult<Vec<u8>> {
    let mut line = Vec::new();
    r.by_ref()
        .take(max as u64 + 2)
        .read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Err(if line.len() > max {
            IoError::new(ErrorKind::InvalidData, "line too long")
        } else {
            IoError::new(ErrorKind::UnexpectedEof, "connection closed mid-body")
        });
    }
    line.pop();
    if line.pop() != Some(b'\r') {
        return Err(IoError::new(ErrorKind::InvalidData, "bare line feed"));
    }
    Ok(line)
}

impl Iterator for ClientConnection {
    type Item = Request;

    /// Blocks until the next Request is available.
    /// Returns None when no new Requests will come from the client.
    fn next(&mut self) -> Option<Request> {
        if self.refused_body {
            self.refused_body = false;
            self.no_more_requests = true;
            self.close_after_refusal();
            return None;
        }

        // the client sent a "connection: close" header in this previous request
        //  or is using HTTP 1.0, meaning that no new request will come
        if self.no_more_requests {
            return None;
        }

        loop {
            let rq = match self.read() {
                Err(ReadError::WrongRequestLine) => {
                    self.refuse(400, HTTPVersion(1, 1));
                    return None; // we don't know where the next request would start,
                                 // se we have to close
                }

                Err(ReadError::WrongHeader(ver)) => {
                    self.refuse(400, ver);
                    return None; // we don't know where the next request would start,
                                 // se we have to close
                }

                Err(ReadError::TooLong(status)) => {
                    self.refuse(status, HTTPVersion(1, 1));
                    return None;
                }

                Err(ReadError::ReadIoError(ref err)) if is_timeout(err) => {
                    // request timeout (also ends kept-alive connections left idle)
                    self.refuse(408, HTTPVersion(1, 1));
                    return None; // closing the connection
                }

                Err(ReadError::ExpectationFailed(ver)) => {
                    self.refuse(417, ver);
                    return None;
                }

                Err(ReadError::NotHttp) | Err(ReadError::Idle) | Err(ReadError::ReadIoError(_)) => {
                    return None
                }

                Ok(rq) => rq,
            };

            // checking HTTP version
            if *rq.http_version() > (1, 1) {
                let response = crate::Response::from_string(
                    "This server only supports HTTP versions 1.0 and 1.1".to_owned(),
                )
                .with_status_code(505);
                let _ = rq.respond(response);
                continue;
            }

            // updating the status of the connection
            let connection_header = rq
                .headers()
                .iter()
                .find(|h| h.field.equiv("Connection"))
                .map(|h| h.value.as_str());

            let lowercase = connection_header.map(|h| h.to_ascii_lowercase());

            match lowercase {
                Some(ref val) if val.contains("close") => self.no_more_requests = true,
                Some(ref val) if val.contains("upgrade") => self.no_more_requests = true,
                Some(ref val)
                    if !val.contains("keep-alive") && *rq.http_version() == HTTPVersion(1, 0) =>
                {
                    self.no_more_requests = true
                }
                None if *rq.http_version() == HTTPVersion(1, 0) => self.no_more_requests = true,
                _ => (),
            };

            let rq = if self.no_more_requests || self.refused_body {
                rq.closing()
            } else {
                rq
            };

            // returning the request
            return Some(rq);
        }
    }
}

/// Parses a "HTTP/1.1" string.
fn parse_http_version(version: &str) -> Result<HTTPVersion, ReadError> {
    let (major, minor) = match version {
        "HTTP/0.9" => (0, 9),
        "HTTP/1.0" => (1, 0),
        "HTTP/1.1" => (1, 1),
        "HTTP/2.0" => (2, 0),
        "HTTP/3.0" => (3, 0),
        _ => return Err(ReadError::WrongRequestLine),
    };

    Ok(HTTPVersion(major, minor))
}

/// Parses the request line of the request.
/// eg. GET / HTTP/1.1
fn parse_request_line(line: &str) -> Result<(Method, String, HTTPVersion), ReadError> {
    let mut parts = line.split(' ');

    let method = parts.next().and_then(|w| w.parse().ok());
    let path = parts.next().map(ToOwned::to_owned);
    let version = parts.next().and_then(|w| parse_http_version(w).ok());

    method
        .and_then(|method| Some((method, path?, version?)))
        .ok_or(ReadError::WrongRequestLine)
}

#[cfg(test)]
mod test {
    use super::{framing, read_chunked, Framing};
    use crate::Header;
    use std::io::ErrorKind;

    #[test]
    fn test_parse_request_line() {
        let (method, path, ver) = super::parse_request_line("GET /hello HTTP/1.1").unwrap();

        assert!(method == crate::Method::Get);
        assert!(path == "/hello");
        assert!(ver == crate::common::HTTPVersion(1, 1));

        assert!(super::parse_request_line("GET /hello").is_err());
        assert!(super::parse_request_line("qsd qsd qsd").is_err());
    }

    fn headers(list: &[&str]) -> Vec<Header> {
        list.iter().map(|h| h.parse().unwrap()).collect()
    }

    #[test]
    fn conflicting_framing_is_malformed() {
        let ok = |h: &[&str]| framing(&headers(h)).is_ok();
        assert!(ok(&["Content-Length: 12"]));
        assert!(ok(&["Content-Length: 12, 12"]));
        assert!(ok(&["Transfer-Encoding: chunked"]));
        assert!(!ok(&["Content-Length: 12", "Transfer-Encoding: chunked"]));
        assert!(!ok(&["Content-Length: -5"]));
        assert!(!ok(&["Content-Length: 12", "Content-Length: 13"]));
        assert!(!ok(&["Transfer-Encoding: gzip, chunked"]));
        assert!(matches!(
            framing(&headers(&["Content-Length: 99999999999999999999999"])),
            Ok(Framing::Length(u64::MAX))
        ));
    }

    #[test]
    fn chunked_bodies_are_decoded_within_limits() {
        let mut ok: &[u8] = b"3\r\nhel\r\n8;ext=1\r\nlo world\r\n0\r\nX-T: 1\r\n\r\nNEXT";
        assert_eq!(read_chunked(&mut ok, 100).unwrap(), b"hello world");
        assert_eq!(ok, b"NEXT");
        let kind = |mut src: &[u8], max| read_chunked(&mut src, max).unwrap_err().kind();
        assert_eq!(kind(b"zz\r\nabc\r\n0\r\n\r\n", 100), ErrorKind::InvalidData);
        assert_eq!(kind(b"3\r\nabcd\r\n0\r\n\r\n", 100), ErrorKind::InvalidData);
        assert_eq!(kind(b"3\nabc\r\n0\r\n\r\n", 100), ErrorKind::InvalidData);
        assert_eq!(kind(b"ffffffffffffffffff\r\n", 100), ErrorKind::InvalidData);
        assert_eq!(kind(b"65\r\n", 100), ErrorKind::OutOfMemory);
        assert_eq!(kind(b"3\r\nab", 100), ErrorKind::UnexpectedEof);
    }
}
