//! The student record: a search by name or tutor group, and one page per student with their
//! quick checks over time (showing the change, e.g. Red → Amber), guidance sessions, agreed
//! actions, follow-ups and referrals. Tutors see their own groups' students only.

use serde::Serialize;

use super::guidance::{audit, day_label, id_param};
use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::http::{Request, Response};
use crate::kiosk::store::{AuditAction, CheckOnRecord};
use crate::kiosk::student::tidy;

/// Most students a search lists.
const MAX_RESULTS: usize = 200;

#[derive(Serialize)]
struct Found {
    id: i64,
    name: String,
    tutor_group: String,
    year: String,
}

/// `GET /staff/students?q=WORDS`: students whose name or tutor group matches.
pub fn search(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let staff = ctx.staff.clone().ok_or(HandlerError::Forbidden)?;
    let q = tidy(req.query.get("q").unwrap_or(""));
    let found: Vec<Found> = ctx
        .db()?
        .search_students(&q, usize::MAX)?
        .into_iter()
        .filter(|s| staff.sees_group(&s.name.tutor_group))
        .take(MAX_RESULTS)
        .map(|s| Found {
            id: s.id,
            name: format!("{} {}", s.name.first_name, s.name.surname),
            tutor_group: s.name.tutor_group,
            year: s.year.map(|y| y.to_string()).unwrap_or_default(),
        })
        .collect();
    // The words searched for are not logged: they are often a name, and a line with no student
    // on it would keep that name after the student's records are erased.
    audit(ctx, AuditAction::View, "student search", None)?;
    ctx.page(
        200,
        "staff_students.html",
        "Students",
        &serde_json::json!({ "q": q, "found": found, "searched": req.query.get("q").is_some(), "nav": "students" }),
    )
}

#[derive(Serialize)]
struct CheckView {
    day: String,
    year: String,
    rag: &'static str,
    rag_class: &'static str,
    /// "Red → Amber" from the check before; empty for the first.
    change: String,
}

/// Each check with the change from the one before it.
fn checks_with_change(checks: &[CheckOnRecord]) -> Vec<CheckView> {
    checks
        .iter()
        .enumerate()
        .map(|(i, c)| CheckView {
            day: day_label(c.day),
            year: c.year.to_string(),
            rag: c.rag.word(),
            rag_class: c.rag.as_str(),
            change: match i.checked_sub(1).map(|p| checks[p].rag) {
                Some(before) if before != c.rag => format!("{} → {}", before.word(), c.rag.word()),
                Some(_) => "No change".into(),
                None => String::new(),
            },
        })
        .collect()
}

#[derive(Serialize)]
struct SessionView {
    id: i64,
    day: String,
    adviser: String,
    notes: String,
    actions: Vec<String>,
    destination: &'static str,
    destination_detail: String,
    meetings: String,
}

#[derive(Serialize)]
struct FollowUpView {
    id: i64,
    due_on: String,
    done: String,
    answers: Vec<(String, String)>,
    note: String,
    referral: String,
}

/// `GET /staff/student?id=ID`: one student's record.
pub fn record(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let id = id_param(&req.query, "id").ok_or(HandlerError::NotFound)?;
    let student = ctx.db()?.student(id)?.ok_or(HandlerError::NotFound)?;
    match &ctx.staff {
        Some(s) if s.sees_group(&student.name.tutor_group) => {}
        _ => return Err(HandlerError::Forbidden),
    }
    audit(ctx, AuditAction::View, &format!("student {id}"), Some(id))?;
    let db = ctx.db()?;
    let checks = checks_with_change(&db.checks_of(id)?);
    let sessions: Vec<SessionView> = db
        .guidance_of(id)?
        .into_iter()
        .map(|g| {
            let by = [
                (g.input.meeting_by_16, "by 16"),
                (g.input.meeting_by_18, "by 18"),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, w)| *w)
            .collect::<Vec<_>>()
            .join(" and ");
            SessionView {
                id: g.id,
                day: day_label(g.input.held_on),
                adviser: g.adviser.unwrap_or_default(),
                notes: g.input.notes,
                actions: g.input.actions,
                destination: g.input.destination.label(),
                destination_detail: g.input.destination_detail,
                meetings: if by.is_empty() {
                    "No".into()
                } else {
                    format!("Yes, {by}")
                },
            }
        })
        .collect();
    let mut follow_ups = Vec::new();
    for f in db.follow_ups_of(id)? {
        let answers = db
            .follow_up_answers(f.id)?
            .into_iter()
            .map(|a| (a.question, a.answer))
            .collect();
        follow_ups.push(FollowUpView {
            id: f.id,
            due_on: day_label(f.due_on),
            done: match (f.done_on, &f.done_by) {
                (Some(d), Some(by)) => format!("Done {} by {by}", day_label(d)),
                (Some(d), None) => format!("Done {}", day_label(d)),
                (None, _) => "Not done yet".into(),
            },
            answers,
            note: f.note,
            referral: match (f.referred_back, f.referral_closed_on) {
                (false, _) => String::new(),
                (true, None) => "Referred back to the careers adviser: waiting".into(),
                (true, Some(d)) => format!(
                    "Referred back to the careers adviser: seen again {}",
                    day_label(d)
                ),
            },
        });
    }
    let name = format!("{} {}", student.name.first_name, student.name.surname);
    ctx.page(
        200,
        "staff_student.html",
        &name,
        &serde_json::json!({
            "id": id,
            "name": name,
            "tutor_group": student.name.tutor_group,
            "year": student.year.map(|y| y.to_string()).unwrap_or_default(),
            "additional_needs": student.additional_needs,
            "saved": req.query.get("saved").is_some(),
            "checks": checks,
            "sessions": sessions,
            "follow_ups": follow_ups,
            "nav": "students",
        }),
    )
}

/// `POST /staff/student/needs` (`id`, `needs` = yes or no): records whether the student has
/// additional needs, which shows their bookings as Red on Today, and goes back to the record.
pub fn set_needs(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let id = id_param(&req.form, "id").ok_or(HandlerError::NotFound)?;
    let needs = match req.form.text("needs").as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(HandlerError::BadRequest(
                "Choose yes or no for additional needs, then save.".into(),
            ))
        }
    };
    if !ctx.db()?.set_additional_needs(id, needs)? {
        return Err(HandlerError::NotFound);
    }
    let record = format!("student {id} additional needs");
    audit(ctx, AuditAction::Change, &record, Some(id))?;
    Ok(Response::see_other(&format!(
        "/staff/student?id={id}&saved=needs#needs"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kiosk::domain::{Rag, YearGroup};
    use time::macros::date;

    #[test]
    fn each_check_shows_the_change_from_the_one_before() {
        let year = YearGroup::new(11).unwrap();
        let check = |rag| CheckOnRecord {
            day: date!(2026 - 12 - 01),
            year,
            rag,
        };
        let views = checks_with_change(&[check(Rag::Red), check(Rag::Amber), check(Rag::Amber)]);
        let changes: Vec<&str> = views.iter().map(|v| v.change.as_str()).collect();
        assert_eq!(changes, ["", "Red → Amber", "No change"]);
    }
}
