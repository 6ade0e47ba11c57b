//! `GET /staff/audit`: the careers leader reads the audit log, newest first, a page at a time,
//! optionally only one member of staff's lines. Reading it is itself written in the log, so
//! nobody can look through it unseen.

use serde::Serialize;

use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::domain::iso_date;
use crate::kiosk::http::{self, Request, Response};
use crate::kiosk::store::{AuditAction, AuditEntry};

/// Lines on one page.
pub const PAGE_SIZE: u32 = 50;

#[derive(Serialize)]
struct Line {
    at: String,
    who: String,
    action: &'static str,
    record: String,
    detail: String,
}

#[derive(Serialize)]
struct AuditPage {
    who: String,
    lines: Vec<Line>,
    page: u32,
    newer: Option<String>,
    older: Option<String>,
}

/// A link to page `page` of the log with the same filter.
fn page_link(who: &str, page: u32) -> String {
    let mut link = format!("/staff/audit?page={page}");
    if !who.is_empty() {
        link.push_str(&format!("&staff={}", http::encode(who)));
    }
    link
}

/// `GET /staff/audit?staff=NAME&page=N`.
pub fn audit_page(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let who: String = req.query.text("staff").chars().take(60).collect();
    let page: u32 = req
        .query
        .get("page")
        .and_then(|p| p.trim().parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let filter = (!who.is_empty()).then_some(who.as_str());
    let skip = (page - 1).saturating_mul(PAGE_SIZE);
    // One line more than a page says whether there is an older page.
    let mut found = ctx.db()?.audit_lines(filter, PAGE_SIZE + 1, skip)?;
    let more = found.len() > PAGE_SIZE as usize;
    found.truncate(PAGE_SIZE as usize);
    let detail = match filter {
        Some(w) => format!("page {page}, staff name containing {w}"),
        None => format!("page {page}"),
    };
    ctx.audit(&AuditEntry {
        action: AuditAction::View,
        record: "audit log",
        student_id: None,
        detail: &detail,
    })?;
    let lines = found
        .into_iter()
        .map(|l| Line {
            at: format!(
                "{} {:02}:{:02}",
                iso_date(l.at.date()),
                l.at.hour(),
                l.at.minute()
            ),
            who: l.staff_name,
            action: l.action.as_str(),
            record: l.record,
            detail: l.detail,
        })
        .collect();
    let data = AuditPage {
        newer: (page > 1).then(|| page_link(&who, page - 1)),
        older: more.then(|| page_link(&who, page + 1)),
        who,
        lines,
        page,
    };
    ctx.page(200, "staff_audit.html", "Audit log", &data)
}
