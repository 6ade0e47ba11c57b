//! The edge of the kiosk: turns a tiny_http request into a small, bounded [`Request`] and a
//! [`Response`] back into bytes on the wire.
//!
//! The body limit ([`MAX_BODY`]) is enforced by tiny_http itself (see `server::LIMITS`), which
//! reads bodies before a worker sees them; target length, header count and the number of form
//! fields are checked here. Handlers never see tiny_http, which keeps them testable with plain
//! values.

use std::fs::File;
use std::io::Read;

use super::domain::random_token;

/// Largest request body accepted; anything bigger is never read and gets 413.
pub const MAX_BODY: usize = 64 * 1024;
/// Longest request target (path and query) accepted.
pub const MAX_TARGET: usize = 4096;
/// Most headers accepted on one request.
pub const MAX_HEADERS: usize = 64;
/// Most bytes of headers accepted on one request.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Most fields parsed from one form or query string.
pub const MAX_FIELDS: usize = 200;
/// Name of the cookie holding a signed-in member of staff's session token.
pub const STAFF_COOKIE: &str = "signpost_staff";
/// Name of the cookie holding the per-browser CSRF token.
pub const CSRF_COOKIE: &str = "signpost_csrf";
/// Name of the hidden form field carrying the same token.
pub const CSRF_FIELD: &str = "csrf";

/// The request methods the kiosk answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// HEAD, answered like GET without a body.
    Head,
    /// POST, always CSRF-checked.
    Post,
    /// Anything else: 405.
    Other,
}

/// Decoded `name=value` pairs from a query string or a urlencoded body, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    fields: Vec<(String, String)>,
}

impl Form {
    /// Parses `application/x-www-form-urlencoded` bytes. Never fails: bad percent escapes are
    /// kept literally and invalid UTF-8 becomes U+FFFD, so odd input is stored as text.
    pub fn parse(bytes: &[u8]) -> Form {
        let mut fields = Vec::new();
        for pair in bytes.split(|b| *b == b'&') {
            if pair.is_empty() {
                continue;
            }
            if fields.len() >= MAX_FIELDS {
                break;
            }
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &[][..]),
            };
            fields.push((decode(name), decode(value)));
        }
        Form { fields }
    }

    /// Builds a form from pairs (for tests and for re-showing answers).
    pub fn from_pairs<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Form {
        Form {
            fields: pairs.into_iter().collect(),
        }
    }

    /// The first value for `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value for `name`, trimmed, or "" when absent.
    pub fn text(&self, name: &str) -> String {
        self.get(name).map(str::trim).unwrap_or("").to_string()
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.fields
    }
}

/// Percent-decodes one form component, with `+` as space.
fn decode(s: &[u8]) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (
                    s.get(i + 1).copied().and_then(hex),
                    s.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes a value for a URL query (for links such as `?triage=...`).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A request as the handlers see it: bounded, decoded, and free of tiny_http.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The path without the query, still percent-encoded (static files decode it themselves).
    pub path: String,
    /// The decoded query string.
    pub query: Form,
    /// The decoded body (urlencoded forms only; empty otherwise).
    pub form: Form,
    /// The CSRF cookie, if the browser sent a well-formed one.
    pub csrf_cookie: Option<String>,
    /// The staff session cookie, if the browser sent a well-formed one.
    pub staff_cookie: Option<String>,
    /// The `Content-Type` header, lower-cased.
    pub content_type: String,
    /// The client's address (set by the server; sign-in throttling counts failures by it).
    pub client: Option<std::net::IpAddr>,
}

impl Request {
    /// Builds a request from parts (the server uses this; so do the unit tests).
    pub fn new(method: Method, target: &str, headers: &[(String, String)], body: &[u8]) -> Request {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, q),
            None => (target, ""),
        };
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let content_type = header("content-type").unwrap_or("").to_ascii_lowercase();
        let form = if method == Method::Post
            && content_type.starts_with("application/x-www-form-urlencoded")
        {
            Form::parse(body)
        } else {
            Form::default()
        };
        let cookie = |name: &str| {
            headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
                .flat_map(|(_, v)| v.split(';'))
                .filter_map(|c| c.trim().split_once('='))
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
                .filter(|v| is_token(v))
        };
        Request {
            method,
            path: path.to_string(),
            query: Form::parse(query.as_bytes()),
            form,
            csrf_cookie: cookie(CSRF_COOKIE),
            staff_cookie: cookie(STAFF_COOKIE),
            content_type,
            client: None,
        }
    }

    /// True when the POSTed CSRF field matches this browser's cookie.
    pub fn csrf_ok(&self) -> bool {
        match (&self.csrf_cookie, self.form.get(CSRF_FIELD)) {
            (Some(cookie), Some(field)) => constant_time_eq(cookie.as_bytes(), field.as_bytes()),
            _ => false,
        }
    }
}

/// A token we issued: 32 lower-case hex digits.
pub fn is_token(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh CSRF token for a browser that has none.
pub fn new_csrf_token() -> String {
    random_token()
}

/// The `Set-Cookie` value for a CSRF token: not readable by scripts, never sent cross-site.
pub fn csrf_set_cookie(token: &str) -> String {
    format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict")
}

/// The `Set-Cookie` value for a staff session: not readable by scripts, never sent cross-site,
/// and gone when the browser closes.
pub fn staff_set_cookie(token: &str) -> String {
    format!("{STAFF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict")
}

/// The `Set-Cookie` value that clears the staff session cookie.
pub fn staff_clear_cookie() -> String {
    format!("{STAFF_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// A response body.
#[derive(Debug)]
pub enum Body {
    /// Bytes in memory (pages).
    Bytes(Vec<u8>),
    /// A file streamed from disk (the careers site), with its length.
    File(File, usize),
}

/// A response the server will send; every one carries `Cache-Control: no-store`.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Content type.
    pub content_type: String,
    /// Body.
    pub body: Body,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
}

/// Security policy for kiosk pages: only our own CSS and script, no framing.
const KIOSK_CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

impl Response {
    /// An HTML page of the kiosk itself (gets the strict content security policy).
    pub fn html(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: "text/html; charset=utf-8".into(),
            body: Body::Bytes(body.into_bytes()),
            headers: vec![("Content-Security-Policy".into(), KIOSK_CSP.into())],
        }
    }

    /// Plain text (used only when a page cannot be rendered).
    pub fn text(status: u16, body: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8".into(),
            body: Body::Bytes(body.as_bytes().to_vec()),
            headers: Vec::new(),
        }
    }

    /// Static bytes with a content type (CSS, JS).
    pub fn bytes(content_type: &str, body: &[u8]) -> Response {
        Response {
            status: 200,
            content_type: content_type.into(),
            body: Body::Bytes(body.to_vec()),
            headers: Vec::new(),
        }
    }

    /// A 303 redirect (after a successful POST that has nothing personal to show).
    pub fn see_other(location: &str) -> Response {
        let mut r = Response::text(303, "See other");
        r.headers.push(("Location".into(), location.into()));
        r
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Converts into a tiny_http response, adding the headers every response needs.
    pub fn into_tiny(self) -> tiny_http::Response<Box<dyn Read + Send>> {
        let (reader, len): (Box<dyn Read + Send>, usize) = match self.body {
            Body::Bytes(b) => {
                let len = b.len();
                (Box::new(std::io::Cursor::new(b)), len)
            }
            Body::File(f, len) => (Box::new(f), len),
        };
        let mut headers = vec![
            header("Content-Type", &self.content_type),
            header("Cache-Control", "no-store"),
            header("Pragma", "no-cache"),
            header("X-Content-Type-Options", "nosniff"),
            header("Referrer-Policy", "no-referrer"),
            header("X-Frame-Options", "DENY"),
        ];
        headers.extend(self.headers.iter().map(|(n, v)| header(n, v)));
        // Always a Content-Length (never chunked), so a browser knows when a file is complete.
        tiny_http::Response::new(
            tiny_http::StatusCode(self.status),
            headers.into_iter().flatten().collect(),
            reader,
            Some(len),
            None,
        )
        .with_chunked_threshold(usize::MAX)
    }
}

fn header(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// The request target, method and headers of a tiny_http request, checked against the limits.
pub enum Head {
    /// Within limits.
    Ok {
        /// The method.
        method: Method,
        /// The target (path and query).
        target: String,
        /// The headers, as text.
        headers: Vec<(String, String)>,
    },
    /// Over a limit: answer with this status (414 or 431).
    Refuse(u16),
}

/// Checks the target and headers of a request before anything else looks at it.
pub fn head(rq: &tiny_http::Request) -> Head {
    let target = rq.url();
    if target.len() > MAX_TARGET {
        return Head::Refuse(414);
    }
    let hs = rq.headers();
    let total: usize = hs
        .iter()
        .map(|h| h.field.as_str().as_str().len() + h.value.as_str().len() + 4)
        .sum();
    if hs.len() > MAX_HEADERS || total > MAX_HEADER_BYTES {
        return Head::Refuse(431);
    }
    let method = match rq.method() {
        tiny_http::Method::Get => Method::Get,
        tiny_http::Method::Head => Method::Head,
        tiny_http::Method::Post => Method::Post,
        _ => Method::Other,
    };
    Head::Ok {
        method,
        target: target.to_string(),
        headers: hs
            .iter()
            .map(|h| (h.field.as_str().to_string(), h.value.to_string()))
            .collect(),
    }
}

/// A new random CSRF token if the request has none; the caller sets it as a cookie.
pub fn csrf_for(req: &Request) -> (String, bool) {
    match &req.csrf_cookie {
        Some(t) => (t.clone(), false),
        None => (new_csrf_token(), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_parsing_decodes_and_survives_garbage() {
        let f =
            Form::parse(b"first=Ada+Lovelace&sur=O%27Brien&x=%3Cscript%3E&bad=%zz%4&empty=&flag");
        assert_eq!(f.get("first"), Some("Ada Lovelace"));
        assert_eq!(f.get("sur"), Some("O'Brien"));
        assert_eq!(f.get("x"), Some("<script>"));
        assert_eq!(f.get("bad"), Some("%zz%4"));
        assert_eq!(f.get("empty"), Some(""));
        assert_eq!(f.get("flag"), Some(""));
        assert_eq!(f.get("missing"), None);
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let f = Form::parse(b"name=%FF%FEab&n2=\xff");
        assert_eq!(f.get("name"), Some("\u{FFFD}\u{FFFD}ab"));
        assert_eq!(f.get("n2"), Some("\u{FFFD}"));
    }

    #[test]
    fn first_value_wins_and_fields_are_capped() {
        let f = Form::parse(b"a=1&a=2");
        assert_eq!(f.get("a"), Some("1"));
        let many: Vec<u8> = (0..1000)
            .flat_map(|i| format!("f{i}=1&").into_bytes())
            .collect();
        assert_eq!(Form::parse(&many).pairs().len(), MAX_FIELDS);
    }

    #[test]
    fn encode_round_trips() {
        let s = "a b&c=d/é";
        let f = Form::parse(format!("x={}", encode(s)).as_bytes());
        assert_eq!(f.get("x"), Some(s));
    }

    fn post(cookie: Option<&str>, body: &str) -> Request {
        let mut headers = vec![(
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        )];
        if let Some(c) = cookie {
            headers.push(("Cookie".into(), c.into()));
        }
        Request::new(Method::Post, "/book?x=1", &headers, body.as_bytes())
    }

    #[test]
    fn csrf_double_submit() {
        let t = "0123456789abcdef0123456789abcdef";
        let ok = post(
            Some(&format!("other=1; {CSRF_COOKIE}={t}")),
            &format!("csrf={t}&a=b"),
        );
        assert_eq!(ok.path, "/book");
        assert_eq!(ok.query.get("x"), Some("1"));
        assert!(ok.csrf_ok());
        assert!(!post(
            Some(&format!("{CSRF_COOKIE}={t}")),
            "csrf=0123456789abcdef0123456789abcdee"
        )
        .csrf_ok());
        assert!(!post(None, &format!("csrf={t}")).csrf_ok());
        assert!(!post(Some(&format!("{CSRF_COOKIE}={t}")), "a=b").csrf_ok());
        // A cookie we did not issue is ignored.
        assert!(!post(Some(&format!("{CSRF_COOKIE}=x")), "csrf=x").csrf_ok());
    }

    #[test]
    fn only_urlencoded_bodies_are_forms() {
        let r = Request::new(
            Method::Post,
            "/",
            &[("content-type".into(), "text/plain".into())],
            b"a=b",
        );
        assert_eq!(r.form.get("a"), None);
    }
}
