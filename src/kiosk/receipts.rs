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
//! The quick check works the same way: its result and session length appear on the result page
//! and on every booking page whose address carries the check's token, so the token is held by
//! the browser that made the check (see [`Book::hold_check`]) and those pages show it only to
//! that browser, only until it goes back to the start, and only for the idle time after it was
//! last used.
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

/// A quick check a browser made, which its booking pages carry in their addresses.
#[derive(Debug)]
struct HeldCheck {
    token: String,
    expires: Instant,
}

/// The receipts, locked.
#[derive(Debug, Default)]
pub struct Book {
    /// Browser (its CSRF cookie) to its one current receipt.
    by_browser: HashMap<String, Receipt>,
    /// Browser to the quick check it made; kept apart from the receipt, which the booking
    /// form's own receipts replace while the check must stay with the student.
    checks: HashMap<String, HeldCheck>,
}

/// Keeps `map` under [`MAX_RECEIPTS`]: drops what has expired, and everything if that is not
/// enough (one browser holds one entry, so only a flood of fresh browsers gets here).
fn make_room<T>(map: &mut HashMap<String, T>, now: Instant, expires: impl Fn(&T) -> Instant) {
    if map.len() >= MAX_RECEIPTS {
        map.retain(|_, v| expires(v) > now);
        if map.len() >= MAX_RECEIPTS {
            map.clear();
        }
    }
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
        make_room(&mut self.by_browser, now, |r| r.expires);
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

    /// Gives `browser` the quick check `token` it has just made, replacing any it held.
    pub fn hold_check(&mut self, browser: &str, token: &str, now: Instant, ttl: Duration) {
        make_room(&mut self.checks, now, |c| c.expires);
        self.checks.insert(
            browser.to_string(),
            HeldCheck {
                token: token.to_string(),
                expires: now + ttl,
            },
        );
    }

    /// Whether `browser` holds the live quick check `token`; using it keeps it live for
    /// another `ttl`, so a student working through the booking pages never loses it.
    pub fn uses_check(&mut self, browser: &str, token: &str, now: Instant, ttl: Duration) -> bool {
        match self.checks.get_mut(browser) {
            Some(c) if c.token == token && c.expires > now => {
                c.expires = now + ttl;
                true
            }
            _ => false,
        }
    }

    /// Forgets `browser`'s receipt and quick check: it has gone back to the start, so a new
    /// student may be there.
    pub fn close(&mut self, browser: &str) {
        self.by_browser.remove(browser);
        self.checks.remove(browser);
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
    fn a_quick_check_is_used_only_by_its_browser_until_it_closes_or_idles() {
        let mut b = Book::default();
        let t0 = Instant::now();
        b.hold_check("A", "check", t0, TTL);
        assert!(!b.uses_check("B", "check", t0, TTL), "another browser");
        assert!(!b.uses_check("A", "other", t0, TTL), "another check");
        // A receipt for the booking form does not take the check away.
        b.issue("A", None, Outcome::Triage("x".into()), t0, TTL);
        assert!(b.uses_check("A", "check", t0 + Duration::from_secs(50), TTL));
        // Using it renewed it; idle for longer than the ttl ends it.
        assert!(b.uses_check("A", "check", t0 + Duration::from_secs(100), TTL));
        assert!(!b.uses_check("A", "check", t0 + Duration::from_secs(161), TTL));
        b.hold_check("A", "check", t0, TTL);
        b.close("A");
        assert!(
            !b.uses_check("A", "check", t0, TTL),
            "closed by the start page"
        );
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
