//! Signing in and out, and finding the signed-in member of staff for each request.
//!
//! A session lives in the database under a random token carried in an HttpOnly, SameSite=Strict
//! cookie. It ends when the member of staff signs out, when it has not been used for
//! `staff_idle_minutes`, or when the browser goes back to the kiosk's start page, which is where
//! every screen's idle reset leads: a staff screen left open signs itself out.

use serde::Serialize;
use time::Duration;

use super::password;
use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::http::{self, Request, Response};

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

#[derive(Serialize)]
struct SignInPage<'a> {
    name: &'a str,
    error: &'a str,
}

fn sign_in_page(
    ctx: &Ctx<'_>,
    status: u16,
    name: &str,
    error: &str,
) -> Result<Response, HandlerError> {
    ctx.page(
        status,
        "staff_sign_in.html",
        "Staff sign in",
        &SignInPage { name, error },
    )
}

/// `GET /staff`: the sign-in form, or straight on for someone already signed in.
pub fn sign_in_form(ctx: &mut Ctx<'_>, _req: &Request) -> Result<Response, HandlerError> {
    if ctx.staff.is_some() {
        return Ok(Response::see_other(HOME));
    }
    sign_in_page(ctx, 200, "", "")
}

/// `POST /staff`: checks the name and password and starts a new session with a new token.
pub fn sign_in(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let name = req.form.text("name");
    let name = name.trim();
    let given = req.form.get("password").unwrap_or("");
    let now = ctx.now;
    let account = ctx.db()?.staff_for_sign_in(name)?;
    let (hash, account) = match account {
        Some((a, h)) => (h, Some(a)),
        None => (password::decoy().to_string(), None),
    };
    let matches = password::verify(given, &hash);
    let Some(account) = account.filter(|_| matches && !name.is_empty()) else {
        return sign_in_page(
            ctx,
            401,
            name,
            "The name or the password is not right. Check them and try again.",
        );
    };
    let db = ctx.db()?;
    if let Some(old) = req.staff_cookie.as_deref() {
        db.end_session(old)?;
    }
    let token = db.start_session(account.id, now)?;
    Ok(Response::see_other(HOME).with_header("Set-Cookie", &http::staff_set_cookie(&token)))
}

/// `POST /staff/sign-out`: ends the session and returns to the kiosk's start page.
pub fn sign_out(ctx: &mut Ctx<'_>, _req: &Request) -> Result<Response, HandlerError> {
    if let Some(s) = ctx.staff.take() {
        ctx.db()?.end_session(&s.token)?;
    }
    Ok(Response::see_other("/").with_header("Set-Cookie", &http::staff_clear_cookie()))
}

/// `GET /staff/today`: the staff home page.
pub fn home(ctx: &mut Ctx<'_>, _req: &Request) -> Result<Response, HandlerError> {
    ctx.page(200, "staff_home.html", "Today", &serde_json::json!({}))
}
