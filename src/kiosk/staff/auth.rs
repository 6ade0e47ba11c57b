//! Signing in and out, and finding the signed-in member of staff for each request.
//!
//! A session lives in the database under a random token carried in an HttpOnly, SameSite=Strict
//! cookie. It ends when the member of staff signs out, when it has not been used for
//! `staff_idle_minutes`, or when the browser goes back to the kiosk's start page, which is where
//! every screen's idle reset leads: a staff screen left open signs itself out.

use serde::Serialize;
use time::{Duration, PrimitiveDateTime};

use super::{password, throttle};
use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::http::{self, Method, Request, Response};
use crate::kiosk::store::{AuditAction, AuditEntry, Db, StoreError};

/// The sign-in page, where the dispatcher sends anyone without a session.
pub const SIGN_IN: &str = "/staff";
/// Where staff land after signing in.
pub const HOME: &str = "/staff/today";

/// Finds the session for this request's cookie and puts it in `ctx.staff`. Returns true when
/// the browser's cookie should be cleared: the session has ended, or the browser is at the start
/// page, which signs staff out.
pub fn resolve(ctx: &mut Ctx<'_>, req: &Request) -> bool {
    let Some(token) = req.staff_cookie.as_deref() else {
        return false;
    };
    let now = ctx.now;
    let idle = Duration::minutes(i64::from(ctx.app.config.kiosk.staff_idle_minutes));
    let Ok(db) = ctx.db() else {
        return false;
    };
    if req.path == "/" {
        // If this fails the session still ends by itself after the idle time.
        if let Ok(Some(s)) = db.session(token, now, idle) {
            let _ = audit_session(
                db,
                Some(s.staff_id),
                &s.name,
                "signed out (start page)",
                req,
                now,
                None,
            );
        }
        let _ = db.end_session(token);
        return true;
    }
    match db.session(token, now, idle) {
        Ok(Some(session)) => {
            ctx.staff = Some(session);
            false
        }
        Ok(None) => true,
        Err(e) => {
            eprintln!("kiosk: could not look up a staff session ({e})");
            false
        }
    }
}

/// Where the dispatcher sends a browser without a session: the sign-in page, remembering the
/// staff page it asked for (GET only; a form sent without a session cannot be replayed).
pub fn sign_in_path(req: &Request) -> String {
    if !matches!(req.method, Method::Get | Method::Head) {
        return SIGN_IN.to_string();
    }
    let mut asked = req.path.clone();
    let query: Vec<String> = req
        .query
        .pairs()
        .iter()
        .map(|(n, v)| format!("{}={}", http::encode(n), http::encode(v)))
        .collect();
    if !query.is_empty() {
        asked = format!("{asked}?{}", query.join("&"));
    }
    match safe_next(&asked) {
        Some(next) => format!("{SIGN_IN}?next={}", http::encode(next)),
        None => SIGN_IN.to_string(),
    }
}

/// The page to return to after signing in, if `next` is one of our own staff pages: a path
/// under `/staff/` on this site, never another site (`//evil.example`, `https:...`) or a
/// path that climbs out with `..` or backslashes.
pub fn safe_next(next: &str) -> Option<&str> {
    let fine = next.starts_with("/staff/")
        && next.bytes().all(|b| b.is_ascii_graphic())
        && !next.contains("//")
        && !next.contains('\\')
        && !next.contains("..")
        && !next.starts_with("/staff/sign-out");
    fine.then_some(next)
}

#[derive(Serialize)]
struct SignInPage<'a> {
    name: &'a str,
    error: &'a str,
    next: &'a str,
}

fn sign_in_page(
    ctx: &Ctx<'_>,
    status: u16,
    page: &SignInPage<'_>,
) -> Result<Response, HandlerError> {
    ctx.page(status, "staff_sign_in.html", "Staff sign in", page)
}

/// `GET /staff`: the sign-in form, or straight on for someone already signed in.
pub fn sign_in_form(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let next = req.query.get("next").and_then(safe_next);
    if ctx.staff.is_some() {
        return Ok(Response::see_other(next.unwrap_or(HOME)));
    }
    let page = SignInPage {
        name: "",
        error: "",
        next: next.unwrap_or(""),
    };
    sign_in_page(ctx, 200, &page)
}

/// Writes a sign-in, sign-out or refused sign-in in the audit log, with the client's address;
/// with `once_since`, only if no line the same was written since then: from the same computer
/// (whatever the name, as a pause of a computer covers every name) or, with no address known,
/// for the same name.
fn audit_session(
    db: &mut Db,
    staff_id: Option<i64>,
    name: &str,
    what: &str,
    req: &Request,
    now: PrimitiveDateTime,
    once_since: Option<PrimitiveDateTime>,
) -> Result<(), StoreError> {
    let detail = match req.client {
        Some(ip) => format!("{what}, from {ip}"),
        None => what.to_string(),
    };
    // A name typed at the sign-in form is kept short: it may be a mistyped password.
    let name: String = name.chars().take(60).collect();
    let entry = AuditEntry {
        action: AuditAction::Session,
        record: "sign-in",
        student_id: None,
        detail: &detail,
    };
    if let Some(since) = once_since {
        let by = req.client.is_none().then_some(name.as_str());
        if db.logged_since(by, &entry, since)? {
            return Ok(());
        }
    }
    db.audit_by(staff_id, &name, &entry, now)
}

/// The words for a locked sign-in: when to try again, in the school's time.
fn locked_message(until: PrimitiveDateTime) -> String {
    format!(
        "Signing in is paused after too many attempts that did not work, to keep accounts \
         safe. Please try again after {:02}:{:02}, or ask the careers leader to give you a new \
         password.",
        until.hour(),
        until.minute()
    )
}

/// The sign-in page refusing a locked account or client (429, with `Retry-After`).
fn locked_page(
    ctx: &Ctx<'_>,
    page: &SignInPage<'_>,
    until: PrimitiveDateTime,
) -> Result<Response, HandlerError> {
    let seconds = (until - ctx.now).whole_seconds().max(1);
    Ok(sign_in_page(ctx, 429, page)?.with_header("Retry-After", &seconds.to_string()))
}

/// `POST /staff`: checks the name and password (unless throttled) and starts a new session with
/// a new token and a new CSRF token, so nothing from before signing in carries over.
pub fn sign_in(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let name = req.form.text("name");
    let name = name.trim();
    let given = req.form.get("password").unwrap_or("");
    let next = req.form.get("next").and_then(safe_next);
    let client = req.client.map(|ip| ip.to_string());
    let now = ctx.now;
    let db = ctx.db()?;
    let account = db.staff_for_sign_in(name)?;
    let account_id = account.as_ref().map(|(a, _)| a.id);
    let failures = db.recent_sign_in_failures(name, client.as_deref(), now, throttle::KEEP)?;
    if let Some(until) = throttle::locked_until(&failures, now) {
        // Once per pause: a client hammering the form must not fill the log (or the disk).
        audit_session(
            db,
            account_id,
            name,
            "refused: too many failed attempts",
            req,
            now,
            Some(until - throttle::WINDOW),
        )?;
        let message = locked_message(until);
        let page = SignInPage {
            name,
            error: &message,
            next: next.unwrap_or(""),
        };
        return locked_page(ctx, &page, until);
    }
    let (hash, account) = match account {
        Some((a, h)) => (h, Some(a)),
        None => (password::decoy().to_string(), None),
    };
    let matches = password::verify(given, &hash);
    let Some(account) = account.filter(|_| matches && !name.is_empty()) else {
        db.record_sign_in_failure(name, client.as_deref(), now, throttle::KEEP)?;
        audit_session(
            db,
            account_id,
            name,
            "failed: name or password not right",
            req,
            now,
            None,
        )?;
        let failures = db.recent_sign_in_failures(name, client.as_deref(), now, throttle::KEEP)?;
        let locked = throttle::locked_until(&failures, now);
        let message = locked.map(locked_message).unwrap_or_else(|| {
            "The name or the password is not right. Check them and try again.".to_string()
        });
        let page = SignInPage {
            name,
            error: &message,
            next: next.unwrap_or(""),
        };
        return match locked {
            Some(until) => locked_page(ctx, &page, until),
            None => sign_in_page(ctx, 401, &page),
        };
    };
    db.clear_sign_in_failures(name)?;
    if let Some(old) = req.staff_cookie.as_deref() {
        db.end_session(old)?;
    }
    let token = db.start_session(account.id, now)?;
    audit_session(
        db,
        Some(account.id),
        &account.name,
        "signed in",
        req,
        now,
        None,
    )?;
    Ok(Response::see_other(next.unwrap_or(HOME))
        .with_header("Set-Cookie", &http::staff_set_cookie(&token))
        .with_header(
            "Set-Cookie",
            &http::csrf_set_cookie(&http::new_csrf_token()),
        ))
}

/// `POST /staff/sign-out`: ends the session and returns to the kiosk's start page.
pub fn sign_out(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let now = ctx.now;
    if let Some(s) = ctx.staff.take() {
        let db = ctx.db()?;
        db.end_session(&s.token)?;
        audit_session(db, Some(s.staff_id), &s.name, "signed out", req, now, None)?;
    }
    Ok(Response::see_other("/")
        .with_header("Set-Cookie", &http::staff_clear_cookie())
        .with_header(
            "Set-Cookie",
            &http::csrf_set_cookie(&http::new_csrf_token()),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_staff_pages_are_returned_to() {
        assert_eq!(
            safe_next("/staff/audit?page=2"),
            Some("/staff/audit?page=2")
        );
        for bad in [
            "//evil.example",
            "/staff//evil.example",
            "https://evil.example/staff/",
            "/\\evil.example",
            "/staff/../book",
            "/staff/a b",
            "/staff",
            "/book",
            "/staff/sign-out",
            "",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_sign_in_redirect_remembers_a_get_but_not_a_post() {
        let get = Request::new(Method::Get, "/staff/audit?staff=Ms+Patel&page=2", &[], b"");
        let to = sign_in_path(&get);
        assert_eq!(
            to,
            "/staff?next=%2Fstaff%2Faudit%3Fstaff%3DMs%2520Patel%26page%3D2"
        );
        let form = http::Form::parse(to.split_once('?').unwrap().1.as_bytes());
        assert_eq!(
            form.get("next"),
            Some("/staff/audit?staff=Ms%20Patel&page=2")
        );
        let post = Request::new(Method::Post, "/staff/sign-out", &[], b"");
        assert_eq!(sign_in_path(&post), SIGN_IN);
    }
}
