//! An HTTP client for the kiosk tests, shared by the student-side and staff-side suites: raw
//! requests over loopback and a browser that keeps the kiosk's cookies (the CSRF token and the
//! staff session) and follows redirects as Chromium does.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A response as received.
#[derive(Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Status line and headers.
    pub head: String,
    /// Body.
    pub body: String,
}

impl Resp {
    /// The first header called `name`.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers(name).into_iter().next()
    }

    /// Every header called `name`.
    pub fn headers(&self, name: &str) -> Vec<String> {
        self.head
            .lines()
            .filter_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .collect()
    }

    /// The value of the first `name="NAME" value="..."` in the page.
    pub fn field(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&needle)
            .unwrap_or_else(|| panic!("no field {name} in {}", self.body))
            + needle.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_string()
    }

    /// The booking reference on a slip.
    pub fn reference(&self) -> String {
        let marker = "id=\"booking-ref\">";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no booking reference in {}", self.body))
            + marker.len();
        self.body[start..start + 6].to_string()
    }
}

/// Sends raw bytes and reads the whole response (every request asks the server to close).
pub fn raw(addr: SocketAddr, bytes: &[u8]) -> Resp {
    try_raw(addr, bytes).unwrap_or_else(|e| panic!("request to {addr} failed: {e}"))
}

/// [`raw`], for a server that may be gone (the crash test kills it).
pub fn try_raw(addr: SocketAddr, bytes: &[u8]) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.write_all(bytes)?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    Ok(parse_response(&buf))
}

/// Splits a whole response into status, head and body.
pub fn parse_response(buf: &[u8]) -> Resp {
    let text = String::from_utf8_lossy(buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Resp {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// A browser: keeps every cookie the kiosk sets and deletes those it clears. A clone is a
/// second tab of the same browser (same cookies from then on).
#[derive(Debug, Clone)]
pub struct Browser {
    addr: SocketAddr,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    /// Opens the start page, which hands out the CSRF cookie.
    pub fn new(addr: SocketAddr) -> Browser {
        let mut b = Browser::fresh(addr);
        assert_eq!(b.get("/").status, 200);
        b
    }

    /// A browser that has not been to the kiosk yet: no cookies at all.
    pub fn fresh(addr: SocketAddr) -> Browser {
        Browser {
            addr,
            cookies: BTreeMap::new(),
        }
    }

    /// The value of a cookie this browser holds.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// The CSRF token the kiosk gave this browser.
    pub fn csrf(&self) -> String {
        self.cookie("signpost_csrf").unwrap_or_default().to_string()
    }

    /// Every cookie held, as a `Cookie` header's value.
    pub fn cookie_pairs(&self) -> String {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        pairs.join("; ")
    }

    /// Keeps the cookies a response sets, as a browser does.
    pub fn remember(&mut self, r: &Resp) {
        for c in r.headers("Set-Cookie") {
            assert!(
                c.contains("HttpOnly") && c.contains("SameSite=Strict"),
                "{c}"
            );
            let pair = c.split(';').next().unwrap_or("");
            if let Some((n, v)) = pair.split_once('=') {
                if v.is_empty() || c.contains("Max-Age=0") {
                    self.cookies.remove(n);
                } else {
                    self.cookies.insert(n.to_string(), v.to_string());
                }
            }
        }
    }

    /// The `Cookie` header line to send, empty when there are none.
    pub fn cookie_header(&self) -> String {
        if self.cookies.is_empty() {
            return String::new();
        }
        format!("Cookie: {}\r\n", self.cookie_pairs())
    }

    /// GETs a page without following redirects.
    pub fn get(&mut self, path: &str) -> Resp {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: kiosk\r\n{}Connection: close\r\n\r\n",
            self.cookie_header()
        );
        let r = raw(self.addr, req.as_bytes());
        self.remember(&r);
        r
    }

    /// The body of a form: the CSRF field, then the pairs, encoded.
    pub fn form_body(&self, fields: &[(&str, &str)]) -> String {
        let mut body = format!("csrf={}", self.csrf());
        for (n, v) in fields {
            body.push_str(&format!(
                "&{}={}",
                signpost::kiosk::http::encode(n),
                signpost::kiosk::http::encode(v)
            ));
        }
        body
    }

    /// POSTs a form and, like a browser, follows the redirect that answers it.
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = self.form_body(fields);
        self.post_raw(path, body.as_bytes())
    }

    /// POSTs a form and returns the answer itself (a 303 when the form was taken).
    pub fn send(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = self.form_body(fields);
        self.send_raw(path, body.as_bytes())
    }

    /// POSTs raw bytes and follows a 303 as a browser does.
    pub fn post_raw(&mut self, path: &str, body: &[u8]) -> Resp {
        let r = self.send_raw(path, body);
        match (r.status, r.header("Location")) {
            (303, Some(to)) => self.get(&to),
            _ => r,
        }
    }

    /// POSTs raw bytes as a form.
    pub fn send_raw(&mut self, path: &str, body: &[u8]) -> Resp {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: kiosk\r\n{}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.cookie_header(),
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(body);
        let r = raw(self.addr, &req);
        self.remember(&r);
        r
    }
}
