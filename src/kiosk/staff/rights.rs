//! Data rights, for the careers leader: find a student, export everything held about them
//! (subject access: a printable page and JSON), erase it everywhere after a preview, and see and
//! run the retention purge (`/staff/data`).

use serde::Serialize;

use super::guidance::audit;
use super::spreadsheet::attachment;
use super::Session;
use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::domain::{iso_date, long_date};
use crate::kiosk::http::{Request, Response};
use crate::kiosk::store::{
    purge_cutoff, AuditAction, AuditEntry, Holding, PurgeStep, StudentRow, FIND_LIMIT,
};

/// How many records of each kind the retention preview lists (all are counted).
const PREVIEW_LINES: usize = 100;

/// "Tuesday 1 December 2026".
fn full_date(d: time::Date) -> String {
    format!("{} {}", long_date(d), d.year())
}

/// The student id in `?student=` (or the form's `student` field), checked.
fn student_id(value: Option<&str>) -> Result<i64, HandlerError> {
    let v = value.unwrap_or("").trim();
    v.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        HandlerError::BadRequest(format!(
            "`student={}` is not a student number. Find the student on the Data page and use \
             the links there.",
            v.chars().take(20).collect::<String>()
        ))
    })
}

/// The signed-in member of staff (the dispatcher guarantees one on staff routes).
fn session(ctx: &Ctx<'_>) -> Result<Session, HandlerError> {
    ctx.staff.clone().ok_or(HandlerError::Forbidden)
}

/// A student with the links the Data page offers.
#[derive(Serialize)]
struct Found {
    student: StudentRow,
    year: String,
}

#[derive(Serialize)]
struct DataPage {
    q: String,
    searched: bool,
    found: Vec<Found>,
    limit: usize,
    retention_days: u16,
    cutoff: String,
    steps: Vec<PurgeStep>,
    total: usize,
    preview_lines: usize,
    erased: bool,
    purged: Option<usize>,
}

/// `GET /staff/data`: find a student (for export or erasure) and what the retention purge
/// would delete now.
pub fn data(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let q = req
        .query
        .text("q")
        .trim()
        .chars()
        .take(60)
        .collect::<String>();
    let days = ctx.app.config.kiosk.retention_days;
    let today = ctx.now.date();
    let db = ctx.db()?;
    let found = db
        .find_students(&q)?
        .into_iter()
        .map(|student| Found {
            year: student
                .year_group
                .map(|y| y.to_string())
                .unwrap_or_else(|| "Year not recorded".into()),
            student,
        })
        .collect();
    let steps = db.purge_preview(today, days, PREVIEW_LINES)?;
    let data = DataPage {
        searched: !q.is_empty(),
        q,
        found,
        limit: FIND_LIMIT,
        retention_days: days,
        cutoff: full_date(purge_cutoff(today, days)),
        total: steps.iter().map(|s| s.count).sum(),
        steps,
        preview_lines: PREVIEW_LINES,
        erased: req.query.get("erased").is_some(),
        purged: req.query.get("purged").and_then(|n| n.parse().ok()),
    };
    ctx.page(200, "staff_data.html", "Data and privacy", &data)
}

/// `POST /staff/data/purge`: runs the retention purge now.
pub fn purge(ctx: &mut Ctx<'_>, _req: &Request) -> Result<Response, HandlerError> {
    let days = ctx.app.config.kiosk.retention_days;
    let now = ctx.now;
    let n = ctx.db()?.purge(now.date(), days)?;
    let detail = format!("{n} records older than {days} days");
    ctx.audit(&AuditEntry {
        action: AuditAction::Change,
        record: "retention purge",
        student_id: None,
        detail: &detail,
    })?;
    Ok(Response::see_other(&format!("/staff/data?purged={n}")))
}

#[derive(Serialize)]
struct ErasePage {
    student: StudentRow,
    holdings: Vec<Holding>,
    total: usize,
    error: &'static str,
    errors: Vec<FieldError>,
}

/// An error for the error summary, linking to its field.
#[derive(Serialize)]
struct FieldError {
    field: &'static str,
    message: &'static str,
}

fn erase_page(
    ctx: &mut Ctx<'_>,
    id: i64,
    status: u16,
    error: &'static str,
) -> Result<Response, HandlerError> {
    let db = ctx.db()?;
    let student = db.student_row(id)?.ok_or(HandlerError::NotFound)?;
    let holdings = db.erase_preview(id)?;
    let data = ErasePage {
        total: holdings.iter().map(|h| h.count).sum(),
        student,
        holdings,
        error,
        errors: if error.is_empty() {
            Vec::new()
        } else {
            vec![FieldError {
                field: "confirm",
                message: error,
            }]
        },
    };
    ctx.page(
        status,
        "staff_erase.html",
        "Erase a student's records",
        &data,
    )
}

/// `GET /staff/erase?student=ID`: everything erasing this student would remove.
pub fn erase_preview(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let id = student_id(req.query.get("student"))?;
    let resp = erase_page(ctx, id, 200, "")?;
    let record = format!("student {id} erasure preview");
    audit(ctx, AuditAction::View, &record, Some(id))?;
    Ok(resp)
}

/// `POST /staff/erase`: erases the student everywhere, once the box saying so is ticked.
pub fn erase(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let id = student_id(req.form.get("student"))?;
    if req.form.get("confirm") != Some("yes") {
        return erase_page(
            ctx,
            id,
            400,
            "Tick the box to confirm that these records should be erased",
        );
    }
    let who = session(ctx)?;
    let now = ctx.now;
    match ctx.db()?.erase_student(id, &who, now)? {
        Some(_) => Ok(Response::see_other("/staff/data?erased=1")),
        None => Err(HandlerError::NotFound),
    }
}

#[derive(Serialize)]
struct ExportPage<'a> {
    export: &'a crate::kiosk::store::StudentExport,
    year: String,
    json_link: String,
    printed_on: String,
}

/// `GET /staff/export?student=ID[&format=json]`: everything held about the student, as a page
/// to print or as a JSON file.
pub fn export(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let id = student_id(req.query.get("student"))?;
    let export = ctx
        .db()?
        .student_export(id)?
        .ok_or(HandlerError::NotFound)?;
    let json = match req.query.get("format") {
        None | Some("html") => false,
        Some("json") => true,
        Some(other) => {
            return Err(HandlerError::BadRequest(format!(
                "`format={}` is not a format the export knows: leave it out for the page, or \
                 use format=json.",
                other.chars().take(20).collect::<String>()
            )))
        }
    };
    let record = format!(
        "student {id} subject access{}",
        if json { " (JSON)" } else { "" }
    );
    audit(ctx, AuditAction::Export, &record, Some(id))?;
    if json {
        let body = serde_json::to_vec_pretty(&export)
            .map_err(|e| HandlerError::BadRequest(format!("The export could not be made: {e}")))?;
        let name = format!("student-{id}-{}.json", iso_date(ctx.now.date()));
        return Ok(attachment("application/json; charset=utf-8", &name, &body));
    }
    let data = ExportPage {
        year: export
            .student
            .year_group
            .map(|y| y.to_string())
            .unwrap_or_else(|| "Year not recorded".into()),
        json_link: format!("/staff/export?student={id}&format=json"),
        printed_on: full_date(ctx.now.date()),
        export: &export,
    };
    ctx.page(
        200,
        "staff_export.html",
        "Records held about a student",
        &data,
    )
}
