//! What a browser may see again after it sends a form: a short-lived, one-browser "receipt".
//!
//! Every student form is answered with a redirect (Post/Redirect/Get), so the browser's history
//! never holds a POST that Back and Reload could send again. The page the redirect leads to (the
//! booking slip, the queue ticket, a form shown again with its errors) names a receipt, and the
//! receipt is shown only to the browser that sent the form, only until that browser goes back to
//! the start (Finish, Start again, the idle reset) and only for the idle time after it was last
//! shown. After that the same address shows nothing, so the next student at the kiosk cannot
//! bring back the last one's details with Back and Reload.
//!
//! Receipts live in memory: after a restart the addresses show nothing, which is the safe side.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use time::Date;

use super::domain::{random_token, BookingRef};
use super::store::Booking;

/// Most receipts kept at once; beyond this the oldest are dropped (one browser holds one).
const MAX_RECEIPTS: usize = 10_000;

/// What a receipt shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A stored quick check, by its token.
    Triage(String),
    /// A stored booking.
    Booked(BookingRef),
    /// A booking just cancelled (shown from memory: it is no longer active in the database).
    Cancelled(Booking),
    /// A place in a day's drop-in queue.
    Queue {
        /// The day.
        day: Date,
        /// The ticket number.
        number: i64,
    },
    /// A form that was sent with mistakes: what was typed and the message for each field, to
    /// show the form again.
    Draft {
        /// The fields as sent (without the CSRF token).
        fields: Vec<(String, String)>,
        /// (field, message) pairs.
        errors: Vec<(String, String)>,
    },
}

#[derive(Debug)]
struct Receipt {
    token: String,
    form_id: Option<String>,
    outcome: Outcome,
    expires: Instant,
}

/// The receipts of every browser; lock it with [`Receipts::lock`].
#[derive(Debug, Default)]
pub struct Receipts {
    inner: Mutex<Book>,
}

impl Receipts {
    /// Locks the receipts. A handler that stores a form holds this lock from the database write
    /// until its receipt is issued, so a second copy of the same form (a double tap) always
    /// finds the first one's receipt.
    pub fn lock(&self) -> MutexGuard<'_, Book> {
        // A panic while holding the lock leaves the map whole (every change is one insert or
        // remove), so carrying on is safe.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The receipts, locked.
#[derive(Debug, Default)]
pub struct Book {
    /// Browser (its CSRF cookie) to its one current receipt.
    by_browser: HashMap<String, Receipt>,
}

impl Book {
    /// Issues a receipt for `browser`, replacing any it had, and returns its token.
    pub fn issue(
        &mut self,
        browser: &str,
        form_id: Option<&str>,
        outcome: Outcome,
        now: Instant,
        ttl: Duration,
    ) -> String {
        if self.by_browser.len() >= MAX_RECEIPTS {
            self.by_browser.retain(|_, r| r.expires > now);
            if self.by_browser.len() >= MAX_RECEIPTS {
                self.by_browser.clear();
            }
        }
        let token = random_token();
        self.by_browser.insert(
            browser.to_string(),
            Receipt {
                token: token.clone(),
                form_id: form_id.map(str::to_string),
                outcome,
                expires: now + ttl,
            },
        );
        token
    }

    /// The token of `browser`'s live receipt for the form `form_id`, if it has one: the same
    /// form sent again straight away (a double tap) leads to the same page.
    pub fn again(&self, browser: &str, form_id: &str, now: Instant) -> Option<String> {
        self.by_browser
            .get(browser)
            .filter(|r| r.expires > now && r.form_id.as_deref() == Some(form_id))
            .map(|r| r.token.clone())
    }

    /// What receipt `token` shows to `browser`, if it is still live; showing it keeps it live
    /// for another `ttl`.
    pub fn show(
        &mut self,
        browser: &str,
        token: &str,
        now: Instant,
        ttl: Duration,
    ) -> Option<Outcome> {
        let r = self.by_browser.get_mut(browser)?;
        if r.token != token || r.expires <= now {
            return None;
        }
        r.expires = now + ttl;
        Some(r.outcome.clone())
    }

    /// Forgets `browser`'s receipt: it has gone back to the start, so a new student may be
    /// there.
    pub fn close(&mut self, browser: &str) {
        self.by_browser.remove(browser);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(60);

    #[test]
    fn a_receipt_is_shown_only_to_its_browser_until_it_closes_or_expires() {
        let mut b = Book::default();
        let t0 = Instant::now();
        let tok = b.issue("A", Some("f1"), Outcome::Triage("x".into()), t0, TTL);
        assert_eq!(b.show("B", &tok, t0, TTL), None, "another browser");
        assert_eq!(b.show("A", "wrong", t0, TTL), None, "another token");
        assert_eq!(
            b.show("A", &tok, t0 + Duration::from_secs(50), TTL),
            Some(Outcome::Triage("x".into()))
        );
        // Showing it renewed it.
        assert!(b
            .show("A", &tok, t0 + Duration::from_secs(100), TTL)
            .is_some());
        assert_eq!(b.show("A", &tok, t0 + Duration::from_secs(161), TTL), None);
        let tok = b.issue("A", None, Outcome::Triage("y".into()), t0, TTL);
        b.close("A");
        assert_eq!(b.show("A", &tok, t0, TTL), None, "closed by the start page");
    }

    #[test]
    fn the_same_form_finds_its_receipt_only_while_live() {
        let mut b = Book::default();
        let t0 = Instant::now();
        let tok = b.issue("A", Some("f1"), Outcome::Triage("x".into()), t0, TTL);
        assert_eq!(b.again("A", "f1", t0).as_deref(), Some(tok.as_str()));
        assert_eq!(b.again("A", "f2", t0), None);
        assert_eq!(b.again("B", "f1", t0), None);
        assert_eq!(b.again("A", "f1", t0 + TTL), None);
        b.close("A");
        assert_eq!(b.again("A", "f1", t0), None);
    }

    #[test]
    fn a_new_receipt_replaces_the_last() {
        let mut b = Book::default();
        let t0 = Instant::now();
        let first = b.issue("A", None, Outcome::Triage("x".into()), t0, TTL);
        let second = b.issue("A", None, Outcome::Triage("y".into()), t0, TTL);
        assert_ne!(first, second);
        assert_eq!(b.show("A", &first, t0, TTL), None);
        assert!(b.show("A", &second, t0, TTL).is_some());
    }
}
