//! The one table of every path the kiosk answers, and the dispatcher that applies the checks
//! common to all of them: method, who may call it, CSRF for every POST, and a 500 page (not a
//! dead worker) if a handler panics.
//!
//! Keeping the checks here rather than in each handler means a test can walk [`ROUTES`] and prove
//! that every POST is CSRF-checked and every staff route is guarded.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use serde::Serialize;
use time::PrimitiveDateTime;

use super::config::Config;
use super::http::{self, Method, Request, Response};
use super::receipts::Receipts;
use super::store::{Db, Store, StoreError};
use super::views::{Common, ViewError, Views, CSS, JS};
use super::{site_files, student, Clock};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone at the kiosk; no sign-in.
    Student,
    /// Careers staff, once signed in (the staff side is not built yet, so these are refused).
    Staff,
}

/// How a route's path is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathMatch {
    /// The whole path.
    Exact(&'static str),
    /// Everything under a folder (e.g. `/site/`).
    Prefix(&'static str),
}

impl PathMatch {
    fn matches(self, path: &str) -> bool {
        match self {
            PathMatch::Exact(p) => path == p,
            PathMatch::Prefix(p) => path.starts_with(p),
        }
    }
}

/// A request handler: returns a page or an error the dispatcher turns into a page.
pub type Handler = fn(&mut Ctx<'_>, &Request) -> Result<Response, HandlerError>;

/// One row of the route table.
#[derive(Clone, Copy)]
pub struct Route {
    /// GET (also answers HEAD) or POST.
    pub method: Method,
    /// The path.
    pub path: PathMatch,
    /// Who may call it.
    pub access: Access,
    /// What answers it.
    pub handler: Handler,
}

const fn route(method: Method, path: PathMatch, access: Access, handler: Handler) -> Route {
    Route {
        method,
        path,
        access,
        handler,
    }
}

use Access::Student;
use Method::{Get, Post};
use PathMatch::{Exact, Prefix};

/// Every path the kiosk answers. Anything else is a 404 page.
pub const ROUTES: &[Route] = &[
    route(Get, Exact("/"), Student, student::start),
    route(Get, Exact("/privacy"), Student, student::privacy),
    route(Get, Exact("/triage"), Student, student::triage_year),
    route(
        Get,
        Exact("/triage/questions"),
        Student,
        student::triage_questions,
    ),
    route(Post, Exact("/triage"), Student, student::triage_submit),
    route(
        Get,
        Exact("/triage/result"),
        Student,
        student::triage_result,
    ),
    route(Get, Exact("/book"), Student, student::book_slots),
    route(Get, Exact("/book/details"), Student, student::book_details),
    route(Post, Exact("/book"), Student, student::book_submit),
    route(Get, Exact("/book/done"), Student, student::book_done),
    route(Get, Exact("/book/cancel"), Student, student::cancel_form),
    route(Post, Exact("/book/cancel"), Student, student::cancel_submit),
    route(
        Get,
        Exact("/book/cancel/done"),
        Student,
        student::cancel_done,
    ),
    route(Get, Exact("/queue"), Student, student::queue_form),
    route(Post, Exact("/queue"), Student, student::queue_join),
    route(Get, Exact("/queue/ticket"), Student, student::queue_ticket),
    route(Get, Exact("/queue/place"), Student, student::queue_place),
    route(Get, Exact(UNSAVED), Student, unsaved),
    route(Get, Exact("/assets/kiosk.css"), Student, css),
    route(Get, Exact("/assets/kiosk.js"), Student, js),
    route(Get, Exact("/site"), Student, site_index),
    route(Get, Prefix("/site/"), Student, site_file),
];

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
const UNSAVED: &str = "/unsaved";

/// What a handler gets: the app, this worker's database connection, this browser's CSRF token.
pub struct Ctx<'a> {
    /// Shared state.
    pub app: &'a App,
    db: &'a mut Option<Db>,
    /// The token for hidden fields.
    pub csrf: &'a str,
    /// The time the request arrived (local school time).
    pub now: PrimitiveDateTime,
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
    /// The request makes no sense (a tampered form); the message is for the student.
    #[error("bad request: {0}")]
    BadRequest(String),
}

impl Ctx<'_> {
    /// This worker's database connection, opened on first use (and again after a failure).
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
        Common {
            school_name: &self.app.config.kiosk.school_name,
            idle_seconds: if idle {
                self.app.config.kiosk.idle_timeout_seconds
            } else {
                0
            },
            csrf: self.csrf,
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
fn status_words(status: u16) -> (&'static str, &'static str) {
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

/// Handles one request: finds the route, checks it, runs it, and never panics.
pub fn dispatch(app: &App, db: &mut Option<Db>, req: &Request) -> Response {
    dispatch_in(ROUTES, app, db, req)
}

/// [`dispatch`] over any table (tests use one with a handler that panics).
fn dispatch_in(table: &[Route], app: &App, db: &mut Option<Db>, req: &Request) -> Response {
    let (csrf, fresh) = http::csrf_for(req);
    let mut ctx = Ctx {
        app,
        db,
        csrf: &csrf,
        now: app.clock.now(),
    };
    let mut resp = route_request(table, &mut ctx, req);
    if fresh {
        resp.headers
            .push(("Set-Cookie".into(), http::csrf_set_cookie(&csrf)));
    }
    resp
}

/// An error page for a status, used by the server for requests refused before dispatch.
pub fn status_page(app: &App, status: u16) -> Response {
    let mut none = None;
    let ctx = Ctx {
        app,
        db: &mut none,
        csrf: "",
        now: app.clock.now(),
    };
    let (heading, message) = status_words(status);
    ctx.error_page(status, heading, message)
}

fn route_request(table: &[Route], ctx: &mut Ctx<'_>, req: &Request) -> Response {
    let method = match req.method {
        Method::Head => Method::Get,
        m => m,
    };
    let on_path: Vec<&Route> = table.iter().filter(|r| r.path.matches(&req.path)).collect();
    let Some(route) = on_path.iter().find(|r| r.method == method) else {
        let status = if on_path.is_empty() { 404 } else { 405 };
        let (h, m) = status_words(status);
        let mut resp = ctx.error_page(status, h, m);
        if status == 405 {
            let allow: Vec<&str> = on_path
                .iter()
                .map(|r| {
                    if r.method == Post {
                        "POST"
                    } else {
                        "GET, HEAD"
                    }
                })
                .collect();
            resp.headers.push(("Allow".into(), allow.join(", ")));
        }
        return resp;
    };
    if route.access == Access::Staff && !staff_signed_in(req) {
        return ctx.error_page(
            403,
            "Staff only",
            "This page is for careers staff. Please go back to the start.",
        );
    }
    if route.method == Post && !req.csrf_ok() {
        let (h, m) = status_words(403);
        return ctx.error_page(403, h, m);
    }
    let handler = route.handler;
    let result = catch_unwind(AssertUnwindSafe(|| handler(ctx, req)));
    match result {
        Ok(Ok(resp)) => resp,
        Ok(Err(HandlerError::NotFound)) => {
            let (h, m) = status_words(404);
            ctx.error_page(404, h, m)
        }
        Ok(Err(HandlerError::Closed)) => ctx.closed_page(),
        Ok(Err(HandlerError::BadRequest(msg))) => ctx.error_page(400, "Something went wrong", &msg),
        Ok(Err(HandlerError::Store(e))) if e.is_unwritable() => {
            eprintln!(
                "kiosk: cannot write to the database {} ({e}); students are told nothing was \
                 saved. Free some disk space, or make the file and its folder writable; the \
                 kiosk carries on by itself once it can write again.",
                ctx.app.store.path().display()
            );
            // Open a fresh connection next time, in case the file was replaced or moved back.
            *ctx.db = None;
            if method == Post {
                Response::see_other(UNSAVED)
            } else {
                unsaved_page(ctx)
            }
        }
        Ok(Err(e)) => {
            eprintln!(
                "kiosk: {} {}: {e}",
                if method == Post { "POST" } else { "GET" },
                req.path
            );
            let (h, m) = status_words(500);
            ctx.error_page(500, h, m)
        }
        Err(_) => {
            eprintln!(
                "kiosk: a handler panicked on {}; the kiosk carries on",
                req.path
            );
            // The connection may be broken after a panic; open a fresh one next time.
            *ctx.db = None;
            let (h, m) = status_words(500);
            ctx.error_page(500, h, m)
        }
    }
}

/// The page for a form that could not be stored: the student must not think they are booked.
fn unsaved_page(ctx: &Ctx<'_>) -> Response {
    ctx.error_page(
        503,
        "Nothing was saved",
        "The kiosk cannot save anything just now, so your details were not stored and you are \
         not booked in or in the queue. Please tell a member of staff in the careers room, or \
         try again later.",
    )
}

fn unsaved(ctx: &mut Ctx<'_>, _: &Request) -> Result<Response, HandlerError> {
    Ok(unsaved_page(ctx))
}

/// Whether the request comes from signed-in staff. There is no staff sign-in yet, so no one is.
fn staff_signed_in(_req: &Request) -> bool {
    false
}

fn css(_: &mut Ctx<'_>, _: &Request) -> Result<Response, HandlerError> {
    Ok(Response::bytes("text/css; charset=utf-8", CSS.as_bytes()))
}

fn js(_: &mut Ctx<'_>, _: &Request) -> Result<Response, HandlerError> {
    Ok(Response::bytes(
        "text/javascript; charset=utf-8",
        JS.as_bytes(),
    ))
}

fn site_index(_: &mut Ctx<'_>, _: &Request) -> Result<Response, HandlerError> {
    Ok(Response::see_other("/site/index.html"))
}

fn site_file(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let rest = req.path.strip_prefix("/site/").unwrap_or("");
    match site_files::open(&ctx.app.site_dir, rest) {
        Some(resp) => Ok(site_files::with_kiosk_bar(
            resp,
            ctx.app.config.kiosk.idle_timeout_seconds,
        )),
        None if rest.is_empty() || rest == "index.html" => Ok(ctx.error_page(
            404,
            "The careers programme is not here yet",
            "The careers pages have not been published on this computer. Please ask in the careers room.",
        )),
        None => Err(HandlerError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kiosk::config::Config;

    fn app(dir: &std::path::Path) -> App {
        App {
            config: Config::defaults(),
            views: Views::new(None).unwrap(),
            store: Store::init(&dir.join("k.db")).unwrap(),
            site_dir: dir.join("public"),
            clock: Clock::Fixed(time::macros::datetime!(2026-12-01 08:00)),
            receipts: Receipts::default(),
        }
    }

    fn request(method: Method, path: &str, cookie: Option<&str>, body: &str) -> Request {
        let mut headers = vec![(
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        )];
        if let Some(c) = cookie {
            headers.push(("Cookie".into(), format!("{}={c}", http::CSRF_COOKIE)));
        }
        Request::new(method, path, &headers, body.as_bytes())
    }

    /// Picks a concrete path a route answers.
    fn sample_path(r: &Route) -> &'static str {
        match r.path {
            Exact(p) => p,
            Prefix(_) => "/site/index.html",
        }
    }

    #[test]
    fn every_post_route_refuses_a_missing_or_wrong_token() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let mut db = None;
        let token = "0123456789abcdef0123456789abcdef";
        for r in ROUTES.iter().filter(|r| r.method == Post) {
            let path = sample_path(r);
            let no_cookie = request(Post, path, None, &format!("csrf={token}"));
            assert_eq!(dispatch(&app, &mut db, &no_cookie).status, 403, "{path}");
            let wrong = request(
                Post,
                path,
                Some(token),
                "csrf=ffffffffffffffffffffffffffffffff",
            );
            assert_eq!(dispatch(&app, &mut db, &wrong).status, 403, "{path}");
            let none = request(Post, path, Some(token), "");
            assert_eq!(dispatch(&app, &mut db, &none).status, 403, "{path}");
        }
    }

    /// Whether staff sign-in exists. Until it does the table must hold no staff route; once it
    /// does, the walk below must find some, so neither state lets the guard test pass on an
    /// empty list.
    const STAFF_SIGN_IN_BUILT: bool = false;

    #[test]
    fn every_staff_route_is_guarded() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let mut db = None;
        let token = "0123456789abcdef0123456789abcdef";
        let staff: Vec<&Route> = ROUTES
            .iter()
            .filter(|r| r.access == Access::Staff)
            .collect();
        if STAFF_SIGN_IN_BUILT {
            assert!(!staff.is_empty(), "the staff side has no routes in ROUTES");
        } else {
            assert!(
                staff.is_empty(),
                "staff routes exist before staff sign-in: {:?}",
                staff.iter().map(|r| sample_path(r)).collect::<Vec<_>>()
            );
        }
        // The guard itself, on a table that has staff routes of both methods.
        let table = [
            route(Get, Exact("/staff/today"), Access::Staff, student::start),
            route(Post, Exact("/staff/today"), Access::Staff, student::start),
        ];
        let walks = staff
            .iter()
            .map(|r| (ROUTES, *r))
            .chain(table.iter().map(|r| (&table[..], r)));
        for (within, r) in walks {
            let req = request(
                r.method,
                sample_path(r),
                Some(token),
                &format!("csrf={token}"),
            );
            let resp = dispatch_in(within, &app, &mut db, &req);
            assert_eq!(resp.status, 403, "{}", sample_path(r));
        }
    }

    /// A request that shows each GET route working, and the status it must give: the result
    /// pages give 410 without a receipt, and `/unsaved` is the "nothing was saved" page.
    fn expected(r: &Route) -> (&'static str, u16) {
        match r.path {
            Exact("/triage/questions") => ("/triage/questions?year=11", 200),
            Exact("/book/details") => ("/book/details?slot=2026-12-01T09%3A00", 200),
            Exact(
                p @ ("/triage/result" | "/book/done" | "/book/cancel/done" | "/queue/ticket"),
            ) => (p, 410),
            Exact("/site") => ("/site", 303),
            Exact(UNSAVED) => (UNSAVED, 503),
            _ => (sample_path(r), 200),
        }
    }

    #[test]
    fn every_get_route_answers_as_it_should() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("public")).unwrap();
        std::fs::write(dir.path().join("public/index.html"), "<h1>Site</h1>").unwrap();
        let app = app(dir.path());
        let mut db = None;
        let gets: Vec<&Route> = ROUTES.iter().filter(|r| r.method == Get).collect();
        assert!(
            gets.len() >= 10,
            "the walk found only {} GET routes",
            gets.len()
        );
        for r in gets {
            let (path, status) = expected(r);
            let resp = dispatch(&app, &mut db, &request(Get, path, None, ""));
            assert_eq!(resp.status, status, "{path}");
            assert!(resp
                .headers
                .iter()
                .any(|(n, v)| n == "Set-Cookie" && v.contains("HttpOnly; SameSite=Strict")));
        }
    }

    fn panics(_: &mut Ctx<'_>, _: &Request) -> Result<Response, HandlerError> {
        panic!("a bug in a handler")
    }

    #[test]
    fn a_panicking_handler_gives_a_500_page_and_the_dispatcher_carries_on() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let mut db = None;
        let table = [
            route(Get, Exact("/boom"), Student, panics),
            route(Get, Exact("/"), Student, student::start),
        ];
        let boom = request(Get, "/boom", None, "");
        let r = dispatch_in(&table, &app, &mut db, &boom);
        assert_eq!(r.status, 500);
        let fine = request(Get, "/", None, "");
        assert_eq!(dispatch_in(&table, &app, &mut db, &fine).status, 200);
    }

    #[test]
    fn unknown_paths_and_methods() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let mut db = None;
        assert_eq!(
            dispatch(&app, &mut db, &request(Get, "/nope", None, "")).status,
            404
        );
        let r = dispatch(&app, &mut db, &request(Method::Other, "/book", None, ""));
        assert_eq!(r.status, 405);
        assert_eq!(
            dispatch(
                &app,
                &mut db,
                &request(
                    Post,
                    "/privacy",
                    Some("0123456789abcdef0123456789abcdef"),
                    ""
                )
            )
            .status,
            405
        );
    }
}
