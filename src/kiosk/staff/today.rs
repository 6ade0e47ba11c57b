//! `/staff/today`: the adviser's working screen. The day's bookings with each student's quick
//! check, the drop-in queue with the buttons that run it, and the week of the adviser's diary.
//!
//! Any signed-in member of staff may look; a tutor sees only the bookings and queue entries of
//! their own tutor groups, and only the adviser and the careers leader run the queue. Looking is
//! not a view of one student's record, so it is not audited; every change to the queue is.

use serde::Serialize;
use time::{Date, Duration, PrimitiveDateTime};

use super::{Role, Session};
use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::domain::{iso_date, long_date, parse_iso_date, Rag};
use crate::kiosk::http::{Request, Response};
use crate::kiosk::schedule::{merge, Window};
use crate::kiosk::store::{AuditAction, AuditEntry, DayBooking, QueueEntry, QueueMark};

/// Where Today lives.
pub const PATH: &str = "/staff/today";

/// `hh:mm` for a minute of the day; 1440 (the end of the day) reads 24:00.
pub fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn clock(t: PrimitiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The Monday of the week `day` falls in.
pub fn monday_of(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

#[derive(Serialize)]
struct BookingView {
    id: i64,
    start: String,
    end: String,
    minutes: u16,
    name: String,
    tutor_group: String,
    cancelled: bool,
    /// "Red", "Amber", "Green", or empty for no quick check (or one since removed); Red when
    /// staff have recorded additional needs, as the model has it.
    rag_word: String,
    rag_class: String,
    /// Additional needs are recorded on the student's record.
    additional_needs: bool,
    /// The quick check's own result when the recorded needs made it Red.
    checked_as: String,
    year: String,
    extra_support: bool,
    answers: Vec<(String, String)>,
    options: Vec<(String, String)>,
}

#[derive(Serialize)]
struct QueueView {
    id: i64,
    number: i64,
    first_name: String,
    tutor_group: String,
    joined: String,
    wait_minutes: i64,
    called: String,
    seen: String,
    left: String,
}

#[derive(Serialize)]
struct WeekDay {
    label: String,
    iso: String,
    selected: bool,
    blocks: Vec<String>,
    windows: Vec<String>,
    bookings: Vec<String>,
}

#[derive(Serialize)]
struct TodayPage {
    day_label: String,
    day_iso: String,
    typed_day: String,
    day_error: String,
    errors: Vec<super::diary::FieldError>,
    prev_iso: String,
    next_iso: String,
    is_today: bool,
    bookings: Vec<BookingView>,
    hidden_for_tutor: bool,
    /// The first person waiting to be called, for "Call next".
    next: Option<QueueView>,
    /// Called but not yet seen, then waiting, in that order.
    open: Vec<QueueView>,
    done: Vec<QueueView>,
    runs_queue: bool,
    notice: String,
    week_label: String,
    week: Vec<WeekDay>,
}

/// What a queue button did, told on Today after the redirect.
const NOTICES: [(&str, &str); 4] = [
    ("called", "Number {n} has been called."),
    ("seen", "Number {n} is marked as seen."),
    ("left", "Number {n} is marked as having left."),
    (
        "unchanged",
        "Nothing changed: number {n} had already been called, seen or marked as left.",
    ),
];

fn notice(req: &Request) -> String {
    let key = req.query.text("notice");
    let Ok(n) = req.query.text("number").parse::<i64>() else {
        return String::new();
    };
    NOTICES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, text)| text.replace("{n}", &n.to_string()))
        .unwrap_or_default()
}

/// `GET /staff/today[?day=YYYY-MM-DD]`.
pub fn today(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let now = ctx.now;
    let typed = req.query.get("day").map(str::trim).unwrap_or("");
    let (day, day_error) = match typed {
        "" => (now.date(), String::new()),
        t => match parse_iso_date(t) {
            Ok(d) => (d, String::new()),
            Err(_) => (
                now.date(),
                "Enter a date like 2026-12-01 (year, month, day)".to_string(),
            ),
        },
    };
    let Some(staff) = ctx.staff.clone() else {
        return Err(HandlerError::Forbidden);
    };
    let pattern = ctx.app.config.kiosk.availability.clone();
    let db = ctx.db()?;

    let all = db.bookings_on(day)?;
    let hidden_for_tutor = all.iter().any(|b| !staff.sees_group(&b.tutor_group));
    let mut bookings = Vec::new();
    for b in all.into_iter().filter(|b| staff.sees_group(&b.tutor_group)) {
        bookings.push(booking_view(db, b)?);
    }

    let entries: Vec<QueueEntry> = db
        .queue_entries(day)?
        .into_iter()
        .filter(|e| staff.sees_group(&e.tutor_group))
        .collect();
    let view = |e: &QueueEntry| QueueView {
        id: e.id,
        number: e.number,
        first_name: e.first_name.clone(),
        tutor_group: e.tutor_group.clone(),
        joined: clock(e.joined),
        wait_minutes: (now - e.joined).whole_minutes().max(0),
        called: e.called.map(clock).unwrap_or_default(),
        seen: e.seen.map(clock).unwrap_or_default(),
        left: e.left.map(clock).unwrap_or_default(),
    };
    let next = entries
        .iter()
        .find(|e| e.open() && e.called.is_none())
        .map(view);
    let mut open: Vec<&QueueEntry> = entries.iter().filter(|e| e.open()).collect();
    // Stable: called ones first, each group in the order they joined.
    open.sort_by_key(|e| e.called.is_none());
    let open = open.into_iter().map(view).collect();
    let done = entries.iter().filter(|e| !e.open()).map(view).collect();

    let monday = monday_of(day);
    let friday = monday + Duration::days(4);
    let windows = db.open_windows(&pattern, monday, friday)?;
    let blocks = db.blocks_between(monday, friday)?;
    let booked = db.booked_between(monday, friday)?;
    let week = windows
        .into_iter()
        .map(|(d, w)| WeekDay {
            label: long_date(d),
            iso: iso_date(d),
            selected: d == day,
            blocks: blocks
                .iter()
                .filter(|b| b.covers(d))
                .map(|b| b.reason.clone())
                .collect(),
            windows: merge(w).iter().map(span).collect(),
            bookings: {
                let mut times: Vec<&Window> = booked
                    .iter()
                    .filter(|(bd, _)| *bd == d)
                    .map(|(_, w)| w)
                    .collect();
                times.sort();
                times.into_iter().map(span).collect()
            },
        })
        .collect();

    let status = if day_error.is_empty() { 200 } else { 422 };
    let errors = if day_error.is_empty() {
        Vec::new()
    } else {
        vec![super::diary::field_error("day", &day_error)]
    };
    let page = TodayPage {
        day_label: long_date(day),
        day_iso: iso_date(day),
        typed_day: if day_error.is_empty() {
            iso_date(day)
        } else {
            typed.to_string()
        },
        day_error,
        errors,
        prev_iso: iso_date(day - Duration::days(1)),
        next_iso: iso_date(day + Duration::days(1)),
        is_today: day == now.date(),
        bookings,
        hidden_for_tutor,
        next,
        open,
        done,
        runs_queue: runs_queue(&staff) && day == now.date(),
        notice: notice(req),
        week_label: format!("Week beginning {}", long_date(monday)),
        week,
    };
    ctx.page(status, "staff_today.html", "Today", &page)
}

fn span(w: &Window) -> String {
    format!("{} to {}", hhmm(w.start), hhmm(w.end))
}

/// Only the adviser and the careers leader call students from the queue.
fn runs_queue(s: &Session) -> bool {
    s.role >= Role::Adviser
}

fn booking_view(db: &crate::kiosk::store::Db, b: DayBooking) -> Result<BookingView, HandlerError> {
    let detail = match b.triage_id {
        Some(id) => db.triage_detail(id)?,
        None => None,
    };
    let end = b.slot.end_minute();
    let checked = detail.as_ref().map(|d| d.rag);
    let rag = checked.map(|r| if b.additional_needs { Rag::Red } else { r });
    Ok(BookingView {
        id: b.id,
        start: b.slot.start.to_string(),
        end: hhmm(end),
        minutes: b.slot.minutes,
        name: format!("{} {}", b.first_name, b.surname),
        tutor_group: b.tutor_group,
        cancelled: b.cancelled,
        rag_word: rag.map(|r| r.word().to_string()).unwrap_or_default(),
        rag_class: rag.map(|r| r.as_str().to_string()).unwrap_or_default(),
        additional_needs: b.additional_needs,
        checked_as: checked
            .filter(|c| Some(*c) != rag)
            .map(|c| c.word().to_string())
            .unwrap_or_default(),
        year: detail
            .as_ref()
            .map(|d| d.year.get().to_string())
            .unwrap_or_default(),
        extra_support: detail.as_ref().is_some_and(|d| d.extra_support),
        answers: detail
            .as_ref()
            .map(|d| d.answers.clone())
            .unwrap_or_default(),
        options: detail
            .map(|d| {
                d.options
                    .into_iter()
                    .map(|(label, c)| (label, c.label().to_string()))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// `POST /staff/queue` (`action` = call, seen or left; `id`): changes one queue entry and goes
/// back to Today. "Call next" sends the id of the first person waiting as the page showed it, so
/// a second tap, or a colleague pressing it at the same moment, calls that person once rather
/// than calling the next one too.
pub fn queue_action(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let mark = match req.form.text("action").as_str() {
        "call" => QueueMark::Call,
        "seen" => QueueMark::Seen,
        "left" => QueueMark::Left,
        _ => {
            return Err(HandlerError::BadRequest(
                "That queue button was not one the kiosk knows.".into(),
            ))
        }
    };
    let Ok(id) = req.form.text("id").parse::<i64>() else {
        return Err(HandlerError::BadRequest(
            "That queue button did not say which entry it was for.".into(),
        ));
    };
    if ctx.staff.is_none() {
        return Err(HandlerError::Forbidden);
    }
    let now = ctx.now;
    let Some((entry, changed)) = ctx.db()?.mark_queue(id, mark, now)? else {
        return Err(HandlerError::NotFound);
    };
    if changed {
        ctx.audit(&AuditEntry {
            action: AuditAction::Change,
            record: &format!("queue_entry {}", entry.id),
            student_id: entry.student_id,
            detail: mark.as_str(),
        })?;
    }
    let word = if changed { mark.as_str() } else { "unchanged" };
    Ok(Response::see_other(&format!(
        "{PATH}?notice={word}&number={}",
        entry.number
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn weeks_start_on_monday_and_times_read_as_a_clock() {
        assert_eq!(monday_of(date!(2026 - 12 - 03)), date!(2026 - 11 - 30));
        assert_eq!(monday_of(date!(2026 - 11 - 30)), date!(2026 - 11 - 30));
        assert_eq!(monday_of(date!(2026 - 12 - 06)), date!(2026 - 11 - 30));
        assert_eq!(hhmm(570), "09:30");
        assert_eq!(hhmm(1440), "24:00");
    }
}
