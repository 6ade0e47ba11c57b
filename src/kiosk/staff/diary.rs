//! `/staff/diary`: the adviser's diary in the browser. The usual week (which replaces
//! kiosk.toml's `availability` once first saved here), one-off sessions on particular dates
//! (the same ones `signpost kiosk availability add` makes) and blocked dates (training days,
//! holidays), which take a day out of the diary entirely.
//!
//! Each form posts to `/staff/diary` with an `action`; a change leads back to the page
//! (Post/Redirect/Get), a mistake shows the page again with the typed text kept and the error
//! next to the field. Every change is written in the audit log.

use serde::Serialize;
use time::{Date, Duration};

use super::today::hhmm;
use crate::kiosk::config::{DayName, WeeklyWindow};
use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::domain::{iso_date, long_date, parse_iso_date, weekday_name, ClockTime};
use crate::kiosk::http::{Form, Request, Response};
use crate::kiosk::store::{Added, AuditAction, AuditEntry, UsualWeekSource, WEEKDAYS};

/// Where the diary lives.
pub const PATH: &str = "/staff/diary";
/// Longest reason for a block.
const MAX_REASON: usize = 80;
/// How far ahead the page lists one-off sessions and blocks.
const LIST_DAYS: i64 = 400;

/// A message for the error summary, linking to the field.
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    field: String,
    message: String,
}

/// An error for `field` (its id on the page).
pub fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.to_string(),
    }
}

/// The diary's fields, as typed (and, in a second copy, their errors). Every field is always
/// present so the template never meets a missing one.
#[derive(Debug, Clone, Default, Serialize)]
struct Fields {
    usual_day: String,
    usual_from: String,
    usual_to: String,
    session_date: String,
    session_from: String,
    session_to: String,
    block_first: String,
    block_last: String,
    block_reason: String,
}

impl Fields {
    fn typed(form: &Form) -> Fields {
        let t = |n: &str| form.text(n).trim().to_string();
        Fields {
            usual_day: t("usual_day"),
            usual_from: t("usual_from"),
            usual_to: t("usual_to"),
            session_date: t("session_date"),
            session_from: t("session_from"),
            session_to: t("session_to"),
            block_first: t("block_first"),
            block_last: t("block_last"),
            block_reason: t("block_reason"),
        }
    }

    fn slot(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "usual_day" => &mut self.usual_day,
            "usual_from" => &mut self.usual_from,
            "usual_to" => &mut self.usual_to,
            "session_date" => &mut self.session_date,
            "session_from" => &mut self.session_from,
            "session_to" => &mut self.session_to,
            "block_first" => &mut self.block_first,
            "block_last" => &mut self.block_last,
            "block_reason" => &mut self.block_reason,
            _ => return None,
        })
    }
}

/// Errors found in one form, kept both by field and in page order for the summary.
#[derive(Default)]
struct Problems {
    by_field: Fields,
    list: Vec<FieldError>,
}

impl Problems {
    fn add(&mut self, field: &str, message: &str) {
        if let Some(slot) = self.by_field.slot(field) {
            if slot.is_empty() {
                *slot = message.to_string();
                self.list.push(field_error(field, message));
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[derive(Serialize)]
struct UsualRow {
    day: String,
    weekday: u8,
    from: String,
    to: String,
}

#[derive(Serialize)]
struct SessionRow {
    id: i64,
    label: String,
    from: String,
    to: String,
}

#[derive(Serialize)]
struct BlockRow {
    id: i64,
    label: String,
    reason: String,
}

#[derive(Serialize)]
struct DiaryPage {
    from_browser: bool,
    usual: Vec<UsualRow>,
    weekdays: Vec<(String, String)>,
    sessions: Vec<SessionRow>,
    blocks: Vec<BlockRow>,
    typed: Fields,
    err: Fields,
    errors: Vec<FieldError>,
    notice: String,
}

/// What a change did, told on the page after the redirect.
const NOTICES: [(&str, &str); 7] = [
    ("usual-added", "The row has been added to the usual week."),
    (
        "usual-removed",
        "The row has been removed from the usual week.",
    ),
    ("session-added", "The session has been added."),
    ("session-removed", "The session has been removed."),
    ("block-added", "The dates have been blocked."),
    ("block-removed", "The block has been removed."),
    ("unchanged", "Nothing changed: that was already done."),
];

/// `GET /staff/diary`.
pub fn diary(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let key = req.query.text("notice");
    let notice = NOTICES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, t)| t.to_string())
        .unwrap_or_default();
    render(ctx, 200, Fields::default(), Problems::default(), notice)
}

fn render(
    ctx: &mut Ctx<'_>,
    status: u16,
    typed: Fields,
    problems: Problems,
    notice: String,
) -> Result<Response, HandlerError> {
    let today = ctx.now.date();
    let last = today + Duration::days(LIST_DAYS);
    let pattern = ctx.app.config.kiosk.availability.clone();
    let db = ctx.db()?;
    let (source, usual) = db.usual_week(&pattern)?;
    let mut usual = usual;
    usual.sort_by_key(|w| (w.day.weekday().number_from_monday(), w.from));
    let sessions = db
        .availability_between(today, last)?
        .into_iter()
        .map(|r| SessionRow {
            id: r.id,
            label: full_date(r.day),
            from: hhmm(r.window.start),
            to: hhmm(r.window.end),
        })
        .collect();
    let blocks = db
        .blocks_between(today, last)?
        .into_iter()
        .map(|b| BlockRow {
            id: b.id,
            label: if b.first_day == b.last_day {
                full_date(b.first_day)
            } else {
                format!("{} to {}", full_date(b.first_day), full_date(b.last_day))
            },
            reason: b.reason,
        })
        .collect();
    let page = DiaryPage {
        from_browser: source == UsualWeekSource::Browser,
        usual: usual
            .iter()
            .map(|w| UsualRow {
                day: weekday_name(w.day.weekday()).to_string(),
                weekday: w.day.weekday().number_from_monday(),
                from: w.from.to_string(),
                to: w.to.to_string(),
            })
            .collect(),
        weekdays: WEEKDAYS
            .iter()
            .map(|d| {
                let name = weekday_name(d.weekday());
                (name.to_ascii_lowercase(), name.to_string())
            })
            .collect(),
        sessions,
        blocks,
        typed,
        err: problems.by_field,
        errors: problems.list,
        notice,
    };
    ctx.page(status, "staff_diary.html", "Diary", &page)
}

fn full_date(d: Date) -> String {
    format!("{} {}", long_date(d), d.year())
}

fn day_named(s: &str) -> Option<DayName> {
    WEEKDAYS
        .iter()
        .copied()
        .find(|d| weekday_name(d.weekday()).eq_ignore_ascii_case(s.trim()))
}

fn day_numbered(s: &str) -> Option<DayName> {
    let n: usize = s.trim().parse().ok()?;
    WEEKDAYS.get(n.checked_sub(1)?).copied()
}

/// Reads one time field, noting what is wrong with it.
fn time_field(value: &str, field: &str, what: &str, p: &mut Problems) -> Option<ClockTime> {
    if value.is_empty() {
        p.add(field, &format!("Enter the {what} time, like 09:30"));
        return None;
    }
    let parsed = value.parse::<ClockTime>().ok();
    if parsed.is_none() {
        p.add(
            field,
            &format!("Enter the {what} time as hours and minutes, like 09:30"),
        );
    }
    parsed
}

/// Reads a from/to pair given as (typed value, field id), noting what is wrong with either.
fn times(from: (&str, &str), to: (&str, &str), p: &mut Problems) -> Option<(ClockTime, ClockTime)> {
    let a = time_field(from.0, from.1, "start", p);
    let b = time_field(to.0, to.1, "end", p);
    let (a, b) = (a?, b?);
    if b <= a {
        p.add(to.1, "The end time must be after the start time");
        return None;
    }
    Some((a, b))
}

/// Reads a date field, noting what is wrong.
fn date_field(value: &str, field: &str, what: &str, p: &mut Problems) -> Option<Date> {
    if value.is_empty() {
        p.add(field, &format!("Enter the {what}, like 2026-12-08"));
        return None;
    }
    match parse_iso_date(value) {
        Ok(d) => Some(d),
        Err(_) => {
            p.add(
                field,
                &format!("Enter the {what} as year-month-day, like 2026-12-08"),
            );
            None
        }
    }
}

fn bad_form() -> HandlerError {
    HandlerError::BadRequest(
        "That diary form did not make sense. Please open the diary again.".into(),
    )
}

/// `POST /staff/diary`: one change to the diary, chosen by `action`.
pub fn diary_change(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let form = &req.form;
    let typed = Fields::typed(form);
    let mut p = Problems::default();
    let now = ctx.now;
    let today = now.date();
    let pattern = ctx.app.config.kiosk.availability.clone();
    if ctx.staff.is_none() {
        return Err(HandlerError::Forbidden);
    }
    let action = form.text("action");
    // (what happened, the record, the audit detail) once the change is made.
    let outcome: (Added, &str, String, &str) = match action.as_str() {
        "add_usual" => {
            let day = day_named(&typed.usual_day);
            if day.is_none() {
                p.add("usual_day", "Choose a day of the week");
            }
            let t = times(
                (&typed.usual_from, "usual_from"),
                (&typed.usual_to, "usual_to"),
                &mut p,
            );
            let (Some(day), Some((from, to))) = (day, t) else {
                return render(ctx, 422, typed, p, String::new());
            };
            let w = WeeklyWindow { day, from, to };
            let added = ctx.db()?.add_usual_window(&pattern, w)?;
            if let Added::Overlaps { from, to } = added {
                p.add(
                    "usual_from",
                    &format!(
                        "This overlaps {} {from} to {to}, already in the usual week; remove \
                         that row first or choose other times",
                        weekday_name(day.weekday())
                    ),
                );
                return render(ctx, 422, typed, p, String::new());
            }
            (added, "usual_week", describe(&w), "usual-added")
        }
        "remove_usual" => {
            let day = day_numbered(&form.text("weekday")).ok_or_else(bad_form)?;
            let from: ClockTime = form.text("from").parse().map_err(|_| bad_form())?;
            let to: ClockTime = form.text("to").parse().map_err(|_| bad_form())?;
            let w = WeeklyWindow { day, from, to };
            let removed = ctx.db()?.remove_usual_window(&pattern, w)?;
            let added = if removed { Added::New } else { Added::Already };
            (
                added,
                "usual_week",
                format!("removed {}", describe(&w)),
                "usual-removed",
            )
        }
        "add_session" => {
            let day = date_field(&typed.session_date, "session_date", "date", &mut p);
            if day.is_some_and(|d| d < today) {
                p.add("session_date", "Choose today or a later date");
            }
            let t = times(
                (&typed.session_from, "session_from"),
                (&typed.session_to, "session_to"),
                &mut p,
            );
            let (Some(day), Some((from, to)), true) = (day, t, p.is_empty()) else {
                return render(ctx, 422, typed, p, String::new());
            };
            let added = ctx.db()?.add_session(day, from, to, now)?;
            if let Added::Overlaps { from, to } = added {
                p.add(
                    "session_from",
                    &format!(
                        "This overlaps the session {from} to {to} already on {}",
                        long_date(day)
                    ),
                );
                return render(ctx, 422, typed, p, String::new());
            }
            let detail = format!("added {} {from} to {to}", iso_date(day));
            (added, "availability", detail, "session-added")
        }
        "remove_session" => {
            let id: i64 = form.text("id").parse().map_err(|_| bad_form())?;
            let gone = ctx.db()?.remove_session(id)?;
            let added = if gone.is_some() {
                Added::New
            } else {
                Added::Already
            };
            let detail = gone.map_or(String::new(), |r| {
                format!(
                    "removed {} {} to {}",
                    iso_date(r.day),
                    hhmm(r.window.start),
                    hhmm(r.window.end)
                )
            });
            (added, "availability", detail, "session-removed")
        }
        "add_block" => {
            let first = date_field(&typed.block_first, "block_first", "first day", &mut p);
            let last = if typed.block_last.is_empty() {
                first
            } else {
                date_field(&typed.block_last, "block_last", "last day", &mut p)
            };
            if let (Some(f), Some(l)) = (first, last) {
                if l < f {
                    p.add(
                        "block_last",
                        "The last day must be the same as or after the first day",
                    );
                }
            }
            let reason = typed
                .block_reason
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if reason.is_empty() {
                p.add("block_reason", "Enter the reason, for example Training day");
            } else if reason.chars().count() > MAX_REASON {
                p.add(
                    "block_reason",
                    &format!("The reason must be {MAX_REASON} characters or fewer"),
                );
            }
            let (Some(first), Some(last), true) = (first, last, p.is_empty()) else {
                return render(ctx, 422, typed, p, String::new());
            };
            let added = ctx.db()?.add_block(first, last, &reason, now)?;
            let detail = format!(
                "blocked {} to {}: {reason}",
                iso_date(first),
                iso_date(last)
            );
            (added, "diary_block", detail, "block-added")
        }
        "remove_block" => {
            let id: i64 = form.text("id").parse().map_err(|_| bad_form())?;
            let gone = ctx.db()?.remove_block(id)?;
            let added = if gone.is_some() {
                Added::New
            } else {
                Added::Already
            };
            let detail = gone.map_or(String::new(), |b| {
                format!(
                    "removed block {} to {}: {}",
                    iso_date(b.first_day),
                    iso_date(b.last_day),
                    b.reason
                )
            });
            (added, "diary_block", detail, "block-removed")
        }
        _ => return Err(bad_form()),
    };
    let (added, record, detail, notice) = outcome;
    if added != Added::New {
        return Ok(Response::see_other(&format!("{PATH}?notice=unchanged")));
    }
    ctx.audit(&AuditEntry {
        action: AuditAction::Change,
        record,
        student_id: None,
        detail: &detail,
    })?;
    Ok(Response::see_other(&format!("{PATH}?notice={notice}")))
}

fn describe(w: &WeeklyWindow) -> String {
    format!("{} {} to {}", weekday_name(w.day.weekday()), w.from, w.to)
}
