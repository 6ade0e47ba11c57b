//! The one table of every path the kiosk answers, and the dispatcher that applies the checks
//! common to all of them: method, who may call it, CSRF for every POST, and a 500 page (not a
//! dead worker) if a handler panics.
//!
//! Keeping the checks here rather than in each handler means a test can walk [`ROUTES`] and prove
//! that every POST is CSRF-checked and every staff route is guarded.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::ctx::{status_words, unsaved_page, App, Ctx, HandlerError, UNSAVED};
use super::http::{self, Method, Request, Response};
use super::staff::{self, Role};
use super::store::Db;
use super::views::{CSS, JS};
use super::{site_files, student};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone at the kiosk; no sign-in.
    Student,
    /// Anyone; fixed files (the stylesheet, the script, the built site), for which no staff
    /// session is looked up: a staff page's stylesheet need not write the session's last use.
    Files,
    /// Careers staff signed in with at least this role; anyone else is sent to sign in (or
    /// refused with 403 if signed in with a lesser role).
    Staff(Role),
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

use Access::{Files, Student};
/// Any signed-in member of staff.
const STAFF: Access = Access::Staff(Role::Tutor);
/// The careers leader only.
const LEADER: Access = Access::Staff(Role::Leader);
/// The careers adviser or the careers leader.
const ADVISER: Access = Access::Staff(Role::Adviser);
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
    route(Get, Exact("/assets/kiosk.css"), Files, css),
    route(Get, Exact("/assets/kiosk.js"), Files, js),
    route(Get, Exact("/site"), Files, site_index),
    route(Get, Prefix("/site/"), Files, site_file),
    route(Get, Exact("/staff"), Student, staff::auth::sign_in_form),
    route(Post, Exact("/staff"), Student, staff::auth::sign_in),
    route(Post, Exact("/staff/sign-out"), STAFF, staff::auth::sign_out),
    route(
        Get,
        Exact("/staff/audit"),
        LEADER,
        staff::audit_log::audit_page,
    ),
    route(
        Get,
        Exact("/staff/accounts"),
        LEADER,
        staff::account_list::accounts_page,
    ),
    route(Get, Exact("/staff/today"), STAFF, staff::today::today),
    route(
        Post,
        Exact("/staff/queue"),
        ADVISER,
        staff::today::queue_action,
    ),
    route(Get, Exact("/staff/diary"), ADVISER, staff::diary::diary),
    route(
        Post,
        Exact("/staff/diary"),
        ADVISER,
        staff::diary::diary_change,
    ),
    route(
        Get,
        Exact("/staff/guidance"),
        ADVISER,
        staff::guidance::form,
    ),
    route(
        Post,
        Exact("/staff/guidance"),
        ADVISER,
        staff::guidance::save,
    ),
    route(
        Get,
        Exact("/staff/guidance/slip"),
        ADVISER,
        staff::guidance::slip,
    ),
    route(
        Get,
        Exact("/staff/follow-ups"),
        STAFF,
        staff::followup::list,
    ),
    route(Get, Exact("/staff/follow-up"), STAFF, staff::followup::form),
    route(
        Post,
        Exact("/staff/follow-up"),
        STAFF,
        staff::followup::save,
    ),
    route(
        Get,
        Exact("/staff/students"),
        STAFF,
        staff::students::search,
    ),
    route(Get, Exact("/staff/student"), STAFF, staff::students::record),
    route(
        Post,
        Exact("/staff/student/needs"),
        ADVISER,
        staff::students::set_needs,
    ),
    route(Get, Exact("/staff/reports"), ADVISER, staff::reports::page),
    route(
        Get,
        Exact("/staff/reports.csv"),
        ADVISER,
        staff::reports::csv,
    ),
    route(
        Get,
        Exact("/staff/guidance.csv"),
        ADVISER,
        staff::reports::guidance_csv,
    ),
    route(Get, Exact("/staff/data"), LEADER, staff::rights::data),
    route(
        Post,
        Exact("/staff/data/purge"),
        LEADER,
        staff::rights::purge,
    ),
    route(
        Get,
        Exact("/staff/erase"),
        LEADER,
        staff::rights::erase_preview,
    ),
    route(Post, Exact("/staff/erase"), LEADER, staff::rights::erase),
    route(Get, Exact("/staff/export"), LEADER, staff::rights::export),
];

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
        staff: None,
        head: req.method == Method::Head,
    };
    let mut on_path = table
        .iter()
        .filter(|r| r.path.matches(&req.path))
        .peekable();
    let files_only = on_path.peek().is_some() && on_path.all(|r| r.access == Files);
    let signed_out = !files_only && staff::auth::resolve(&mut ctx, req);
    let mut resp = route_request(table, &mut ctx, req);
    if signed_out {
        resp.headers
            .push(("Set-Cookie".into(), http::staff_clear_cookie()));
    }
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
        staff: None,
        head: false,
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
    if let Access::Staff(least) = route.access {
        match &ctx.staff {
            None => return Response::see_other(&staff::auth::sign_in_path(req)),
            Some(s) if s.role < least => {
                return ctx.error_page(
                    403,
                    "Not for your role",
                    "Your account cannot open this page. Ask the careers leader if you need it.",
                )
            }
            Some(_) => {}
        }
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
        Ok(Err(HandlerError::Forbidden)) => ctx.error_page(
            403,
            "Not one of your students",
            "You can see the records of students in your own tutor groups only.",
        ),
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

fn unsaved(ctx: &mut Ctx<'_>, _: &Request) -> Result<Response, HandlerError> {
    Ok(unsaved_page(ctx))
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
    use crate::kiosk::receipts::Receipts;
    use crate::kiosk::store::Store;
    use crate::kiosk::views::Views;
    use crate::kiosk::Clock;

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
        staff_request(method, path, cookie, None, body)
    }

    fn staff_request(
        method: Method,
        path: &str,
        csrf: Option<&str>,
        session: Option<&str>,
        body: &str,
    ) -> Request {
        let mut headers = vec![(
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        )];
        let mut cookies = Vec::new();
        if let Some(c) = csrf {
            cookies.push(format!("{}={c}", http::CSRF_COOKIE));
        }
        if let Some(s) = session {
            cookies.push(format!("{}={s}", http::STAFF_COOKIE));
        }
        if !cookies.is_empty() {
            headers.push(("Cookie".into(), cookies.join("; ")));
        }
        Request::new(method, path, &headers, body.as_bytes())
    }

    /// Signs a member of staff in directly in the database and returns the session token.
    fn session_for(app: &App, role: Role) -> String {
        let mut db = app.store.open().unwrap();
        let now = app.clock.now();
        let name = format!("{role} one");
        let id = match db.staff_for_sign_in(&name).unwrap() {
            Some((a, _)) => a.id,
            None => db
                .add_staff(&name, role, &["10A".into()], "unused", now)
                .unwrap(),
        };
        db.start_session(id, now).unwrap()
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
        // Staff routes send a browser without a session to sign in first; the staff guard test
        // checks their tokens once signed in.
        for r in ROUTES
            .iter()
            .filter(|r| r.method == Post && r.access == Student)
        {
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

    #[test]
    fn every_staff_route_is_guarded() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let mut db = None;
        let token = "0123456789abcdef0123456789abcdef";
        let staff: Vec<&Route> = ROUTES
            .iter()
            .filter(|r| matches!(r.access, Access::Staff(_)))
            .collect();
        assert!(
            staff.len() >= 2,
            "the walk found only {} staff routes",
            staff.len()
        );
        let tutor = session_for(&app, Role::Tutor);
        let leader = session_for(&app, Role::Leader);
        for r in staff {
            let path = sample_path(r);
            let body = format!("csrf={token}");
            // No session: sent to sign in, whatever the method.
            let resp = dispatch(&app, &mut db, &request(r.method, path, Some(token), &body));
            assert_eq!(resp.status, 303, "{path}");
            assert!(
                resp.headers.iter().any(|(n, v)| n == "Location"
                    && (v == staff::auth::SIGN_IN
                        || v.starts_with(&format!("{}?next=", staff::auth::SIGN_IN)))),
                "{path}"
            );
            // A session that has ended counts as none.
            let ended = "ffffffffffffffffffffffffffffffff";
            let req = staff_request(r.method, path, Some(token), Some(ended), &body);
            assert_eq!(dispatch(&app, &mut db, &req).status, 303, "{path}");
            // A role below the route's least role: refused.
            if let Access::Staff(least) = r.access {
                if least > Role::Tutor {
                    let req = staff_request(r.method, path, Some(token), Some(&tutor), &body);
                    assert_eq!(dispatch(&app, &mut db, &req).status, 403, "{path}");
                }
            }
            // Signed in, but a POST without the right CSRF token: refused.
            if r.method == Post {
                let wrong = "csrf=ffffffffffffffffffffffffffffffff";
                let req = staff_request(Post, path, Some(token), Some(&leader), wrong);
                assert_eq!(dispatch(&app, &mut db, &req).status, 403, "{path}");
            }
        }
    }

    #[test]
    fn the_start_page_signs_staff_out() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let mut db = None;
        let s = session_for(&app, Role::Adviser);
        let today = staff_request(Get, "/staff/today", None, Some(&s), "");
        assert_eq!(dispatch(&app, &mut db, &today).status, 200);
        let start = dispatch(&app, &mut db, &staff_request(Get, "/", None, Some(&s), ""));
        assert_eq!(start.status, 200);
        assert!(start
            .headers
            .iter()
            .any(|(n, v)| n == "Set-Cookie" && v.starts_with("signpost_staff=;")));
        assert_eq!(dispatch(&app, &mut db, &today).status, 303);
    }

    #[test]
    fn sign_in_throttling_counts_by_name_and_by_address_apart() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let mut db = None;
        let password = "correct horse battery";
        let hash = staff::password::hash(password).unwrap();
        let now = app.clock.now();
        for name in ["Ms Patel", "Mr Khan"] {
            let mut d = app.store.open().unwrap();
            d.add_staff(name, Role::Adviser, &[], &hash, now).unwrap();
        }
        let token = "0123456789abcdef0123456789abcdef";
        let mut sign_in = |name: &str, given: &str, from: [u8; 4]| {
            let body = format!(
                "csrf={token}&name={}&password={}",
                http::encode(name),
                http::encode(given)
            );
            let mut req = request(Post, "/staff", Some(token), &body);
            req.client = Some(std::net::IpAddr::from(from));
            dispatch(&app, &mut db, &req).status
        };
        for _ in 0..5 {
            sign_in("Ms Patel", "a wrong guess", [10, 0, 0, 1]);
        }
        assert_eq!(
            sign_in("Ms Patel", password, [10, 0, 0, 2]),
            429,
            "the name is paused everywhere"
        );
        assert_eq!(
            sign_in("Mr Khan", password, [10, 0, 0, 1]),
            429,
            "so is the address, for any name"
        );
        assert_eq!(
            sign_in("Mr Khan", password, [10, 0, 0, 2]),
            303,
            "another name elsewhere is not"
        );
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
            Exact(p) if p.starts_with("/staff/") => (p, 303),
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
