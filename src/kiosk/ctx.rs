//! What every handler works with: the shared [`App`], a [`Ctx`] per request (database
//! connection, CSRF token, the time, and the signed-in staff member if any), the errors a handler
//! may return, and the error pages in words a student or a member of staff understands.
//!
//! Kept apart from [`routes`](super::routes) (the table and the dispatcher) so that handler
//! modules depend on this one and the route table depends on them, never the other way round.

use std::path::PathBuf;

use serde::Serialize;
use time::PrimitiveDateTime;

use super::config::Config;
use super::http::Response;
use super::receipts::Receipts;
use super::staff::Session;
use super::store::{AuditEntry, Db, Store, StoreError};
use super::views::{Common, ViewError, Views};
use super::Clock;

/// Everything the handlers share, built once at start.
pub struct App {
    /// Settings and questionnaire.
    pub config: Config,
    /// Templates.
    pub views: Views,
    /// The database file (each worker has its own connection).
    pub store: Store,
    /// The built careers site served under `/site/`.
    pub site_dir: PathBuf,
    /// Today's date and time.
    pub clock: Clock,
    /// What each browser may see again after sending a form.
    pub receipts: Receipts,
}

/// Where a form that could not be stored leads (Post/Redirect/Get, like every other form).
pub const UNSAVED: &str = "/unsaved";

/// What a handler gets: the app, this worker's database connection, this browser's CSRF token.
pub struct Ctx<'a> {
    /// Shared state.
    pub app: &'a App,
    pub(super) db: &'a mut Option<Db>,
    /// The token for hidden fields.
    pub csrf: &'a str,
    /// The time the request arrived (local school time).
    pub now: PrimitiveDateTime,
    /// The member of staff signed in on this browser, if any (the dispatcher looks it up).
    pub staff: Option<Session>,
    /// A HEAD request: the page is made for its headers alone, so nobody sees it.
    pub head: bool,
}

/// Why a handler could not produce its page.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A template failed.
    #[error(transparent)]
    View(#[from] ViewError),
    /// Nothing here.
    #[error("not found")]
    NotFound,
    /// The page showed one student's result and has closed for privacy (see
    /// [`receipts`](super::receipts)).
    #[error("closed")]
    Closed,
    /// The signed-in member of staff may not see this record (a tutor asking for a student
    /// outside their groups).
    #[error("forbidden")]
    Forbidden,
    /// The request makes no sense (a tampered form); the message is for the student.
    #[error("bad request: {0}")]
    BadRequest(String),
}

impl Ctx<'_> {
    /// This worker's database connection, opened on first use (and again after a failure).
    /// Writes `entry` in the audit log as done by the member of staff signed in; nothing for a
    /// HEAD request, which shows nobody the record.
    pub fn audit(&mut self, entry: &AuditEntry<'_>) -> Result<(), HandlerError> {
        if self.head {
            return Ok(());
        }
        let who = self.staff.clone().ok_or(HandlerError::Forbidden)?;
        let now = self.now;
        self.db()?.audit(&who, entry, now)?;
        Ok(())
    }

    pub fn db(&mut self) -> Result<&mut Db, HandlerError> {
        if self.db.is_none() {
            *self.db = Some(self.app.store.open()?);
        }
        match self.db.as_mut() {
            Some(db) => Ok(db),
            None => Err(HandlerError::NotFound),
        }
    }

    fn common(&self, idle: bool) -> Common<'_> {
        let k = &self.app.config.kiosk;
        Common {
            school_name: &k.school_name,
            idle_seconds: match (idle, &self.staff) {
                (false, _) => 0,
                (true, Some(_)) => k.staff_idle_minutes.saturating_mul(60),
                (true, None) => k.idle_timeout_seconds,
            },
            csrf: self.csrf,
            staff: self.staff.as_ref(),
        }
    }

    /// Renders a page that returns to the start after the idle timeout.
    pub fn page<T: Serialize>(
        &self,
        status: u16,
        template: &str,
        title: &str,
        data: &T,
    ) -> Result<Response, HandlerError> {
        let html = self
            .app
            .views
            .page(template, title, &self.common(true), data)?;
        Ok(Response::html(status, html))
    }

    /// Renders the start page (no idle refresh: it is where the refresh leads).
    pub fn start_page<T: Serialize>(
        &self,
        template: &str,
        data: &T,
    ) -> Result<Response, HandlerError> {
        let html = self
            .app
            .views
            .page(template, "Welcome", &self.common(false), data)?;
        Ok(Response::html(200, html))
    }

    /// What a page about one student shows once it has closed: nothing about them.
    pub fn closed_page(&self) -> Response {
        self.error_page(
            410,
            "This page has closed",
            "To keep your details private, this page can only be seen straight after you send \
             the form. Please start again.",
        )
    }

    /// A friendly error page.
    pub fn error_page(&self, status: u16, heading: &str, message: &str) -> Response {
        #[derive(Serialize)]
        struct E<'a> {
            heading: &'a str,
            message: &'a str,
        }
        match self.page(status, "error.html", heading, &E { heading, message }) {
            Ok(r) => r,
            Err(_) => Response::text(status, &format!("{heading}\n\n{message}\n")),
        }
    }
}

/// The error page for a status, in words a student understands.
pub fn status_words(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => (
            "Something went wrong",
            "That page did not make sense to the kiosk. Please start again.",
        ),
        403 => (
            "This page has expired",
            "For your safety, forms only work from this kiosk screen. Please start again.",
        ),
        404 => (
            "Page not found",
            "There is nothing at this address. Use the button below to go back to the start.",
        ),
        405 => (
            "Something went wrong",
            "That page cannot be used this way. Please start again.",
        ),
        413 => (
            "That was too much to send",
            "What you entered is too long for the kiosk. Please start again with shorter answers.",
        ),
        408 => (
            "That took too long",
            "The kiosk waited too long for your answers. Please start again.",
        ),
        414 | 431 => (
            "Something went wrong",
            "The address was too long for the kiosk. Please start again.",
        ),
        _ => (
            "Sorry, something went wrong",
            "The kiosk had a problem and nothing was saved. Please try again, or ask in the careers room.",
        ),
    }
}

/// The page for a form that could not be stored: the student must not think they are booked.
pub fn unsaved_page(ctx: &Ctx<'_>) -> Response {
    ctx.error_page(
        503,
        "Nothing was saved",
        "The kiosk cannot save anything just now, so your details were not stored and you are \
         not booked in or in the queue. Please tell a member of staff in the careers room, or \
         try again later.",
    )
}
