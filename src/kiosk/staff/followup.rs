//! Follow-ups: the list of students whose follow-up is due (tutors see their own groups), the
//! form a tutor fills in with the school's questions from `follow_up.toml`, and referrals back
//! to the careers adviser, listed first for advisers until new guidance closes them.

use serde::Serialize;
use time::Duration;

use super::guidance::{audit, day_label, id_param, multiline, within, FieldErrors};
use super::Role;
use crate::kiosk::config::FollowUpQuestion;
use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::http::{Form, Request, Response};
use crate::kiosk::store::{AuditAction, FollowUp, FollowUpAnswer, FollowUpInput};
use crate::kiosk::student::tidy;

/// Follow-ups due within this many days are listed as "due soon".
const SOON_DAYS: i64 = 7;
/// Longest typed answer or note.
const MAX_TEXT: usize = 2000;

/// One student in a list.
#[derive(Serialize)]
struct Row {
    id: i64,
    student_id: i64,
    name: String,
    tutor_group: String,
    held_on: String,
    due_on: String,
    /// "Overdue", "Due today", "Due soon" or "Referred back": never colour alone.
    status: &'static str,
}

fn row(f: &FollowUp, status: &'static str) -> Row {
    Row {
        id: f.id,
        student_id: f.student_id,
        name: format!("{} {}", f.name.first_name, f.name.surname),
        tutor_group: f.name.tutor_group.clone(),
        held_on: day_label(f.held_on),
        due_on: day_label(f.due_on),
        status,
    }
}

/// One part of the list page.
#[derive(Serialize)]
struct Section {
    id: &'static str,
    heading: &'static str,
    caption: &'static str,
    empty: &'static str,
    rows: Vec<Row>,
}

/// `GET /staff/follow-ups`: referrals back (advisers), then follow-ups due and due soon.
pub fn list(ctx: &mut Ctx<'_>, _req: &Request) -> Result<Response, HandlerError> {
    let staff = ctx.staff.clone().ok_or(HandlerError::Forbidden)?;
    let today = ctx.now.date();
    let db = ctx.db()?;
    let mut sections = Vec::new();
    if staff.role >= Role::Adviser {
        sections.push(Section {
            id: "referred",
            heading: "Referred back to the careers adviser",
            caption: "Students their tutor referred back for more guidance; recording new \
                      guidance for the student closes the referral",
            empty: "No students are waiting after a referral back.",
            rows: db
                .open_referrals()?
                .iter()
                .map(|f| row(f, "Referred back"))
                .collect(),
        });
    }
    let (mut due, mut soon) = (Vec::new(), Vec::new());
    for f in db.follow_ups_due_by(today + Duration::days(SOON_DAYS))? {
        if !staff.sees_group(&f.name.tutor_group) {
            continue;
        }
        if f.due_on < today {
            due.push(row(&f, "Overdue"));
        } else if f.due_on == today {
            due.push(row(&f, "Due today"));
        } else {
            soon.push(row(&f, "Due soon"));
        }
    }
    sections.push(Section {
        id: "due",
        heading: "Due now",
        caption: "Follow-ups due today or overdue",
        empty: "No follow-ups are due.",
        rows: due,
    });
    sections.push(Section {
        id: "soon",
        heading: "Due in the next week",
        caption: "Follow-ups due in the next seven days",
        empty: "None in the next seven days.",
        rows: soon,
    });
    audit(ctx, AuditAction::View, "follow-up list", None)?;
    ctx.page(
        200,
        "staff_follow_ups.html",
        "Follow-ups",
        &serde_json::json!({ "sections": sections, "nav": "follow-ups" }),
    )
}

#[derive(Serialize)]
struct QuestionView {
    id: String,
    text: String,
    choices: Vec<String>,
    value: String,
    error: String,
}

#[derive(Serialize)]
struct AnswerView {
    question: String,
    answer: String,
}

#[derive(Serialize)]
struct FormPage {
    id: i64,
    version: i64,
    student_id: i64,
    name: String,
    tutor_group: String,
    held_on: String,
    due_on: String,
    actions: Vec<String>,
    done: String,
    questions: Vec<QuestionView>,
    note: String,
    note_error: String,
    refer_back: bool,
    errors: FieldErrors,
    /// Someone saved first: what they recorded.
    conflict: Option<Vec<AnswerView>>,
    conflict_by: String,
    saved: bool,
}

/// The follow-up a request names, if this member of staff may see it.
fn find(ctx: &mut Ctx<'_>, form: &Form) -> Result<FollowUp, HandlerError> {
    let id = id_param(form, "id").ok_or(HandlerError::NotFound)?;
    let f = ctx.db()?.follow_up(id)?.ok_or(HandlerError::NotFound)?;
    match &ctx.staff {
        Some(s) if s.sees_group(&f.name.tutor_group) => Ok(f),
        _ => Err(HandlerError::Forbidden),
    }
}

/// What the form shows: typed values (after an error) or what was recorded.
struct Shown {
    answers: Vec<String>,
    note: String,
    refer_back: bool,
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    ctx: &mut Ctx<'_>,
    status: u16,
    f: &FollowUp,
    shown: Shown,
    errors: FieldErrors,
    conflict: Option<Vec<FollowUpAnswer>>,
    saved: bool,
) -> Result<Response, HandlerError> {
    let actions = ctx.db()?.actions_of(f.guidance_id)?;
    let questions = ctx
        .app
        .config
        .follow_up
        .questions
        .iter()
        .zip(shown.answers)
        .map(|(q, value)| QuestionView {
            id: format!("q_{}", q.id),
            text: q.text.clone(),
            choices: q.answers.clone(),
            error: errors.get(&format!("q_{}", q.id)),
            value,
        })
        .collect();
    let page = FormPage {
        id: f.id,
        version: f.version,
        student_id: f.student_id,
        name: format!("{} {}", f.name.first_name, f.name.surname),
        tutor_group: f.name.tutor_group.clone(),
        held_on: day_label(f.held_on),
        due_on: day_label(f.due_on),
        actions,
        done: f
            .done_on
            .map(|d| {
                format!(
                    "{}{}",
                    day_label(d),
                    f.done_by
                        .as_ref()
                        .map(|b| format!(" by {b}"))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default(),
        questions,
        note: shown.note,
        note_error: errors.get("note"),
        refer_back: shown.refer_back,
        errors,
        conflict_by: f.done_by.clone().unwrap_or_else(|| "someone".into()),
        conflict: conflict.map(|answers| {
            answers
                .into_iter()
                .map(|a| AnswerView {
                    question: a.question,
                    answer: a.answer,
                })
                .chain(std::iter::once(AnswerView {
                    question: "Note".into(),
                    answer: f.note.clone(),
                }))
                .collect()
        }),
        saved,
    };
    let title = format!("Follow-up for {}", page.name.trim());
    ctx.page(status, "staff_follow_up.html", &title, &page)
}

/// `GET /staff/follow-up?id=ID`: the follow-up questions for one student.
pub fn form(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let f = find(ctx, &req.query)?;
    audit(
        ctx,
        AuditAction::View,
        &format!("follow-up {}", f.id),
        Some(f.student_id),
    )?;
    let recorded = ctx.db()?.follow_up_answers(f.id)?;
    let answers = ctx
        .app
        .config
        .follow_up
        .questions
        .iter()
        .map(|q| {
            recorded
                .iter()
                .find(|a| a.question_id == q.id)
                .map(|a| a.answer.clone())
                .unwrap_or_default()
        })
        .collect();
    let shown = Shown {
        answers,
        note: f.note.clone(),
        refer_back: f.referred_back,
    };
    let saved = req.query.get("saved").is_some();
    form_page(ctx, 200, &f, shown, FieldErrors::default(), None, saved)
}

/// Reads and checks the answers: a choice must be one of the question's answers.
fn read(
    questions: &[FollowUpQuestion],
    form: &Form,
) -> (Shown, Result<Vec<FollowUpAnswer>, FieldErrors>) {
    let mut errors = FieldErrors::default();
    let mut answers = Vec::new();
    let mut typed = Vec::new();
    for q in questions {
        let field = format!("q_{}", q.id);
        let value = tidy(form.get(&field).unwrap_or(""));
        if q.answers.is_empty() {
            within(&mut errors, &field, "The answer", &value, MAX_TEXT);
        } else if !q.answers.contains(&value) {
            errors.add(&field, format!("Choose an answer to \"{}\"", q.text));
        }
        if !value.is_empty() {
            answers.push(FollowUpAnswer {
                question_id: q.id.clone(),
                question: q.text.clone(),
                answer: value.clone(),
            });
        }
        typed.push(value);
    }
    let note = multiline(form.get("note").unwrap_or(""));
    within(&mut errors, "note", "The note", &note, MAX_TEXT);
    let shown = Shown {
        answers: typed,
        note,
        refer_back: form.get("refer_back").is_some(),
    };
    let result = if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    };
    (shown, result)
}

/// `POST /staff/follow-up`: records the answers, unless someone saved first.
pub fn save(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let f = find(ctx, &req.form)?;
    let (shown, answers) = read(&ctx.app.config.follow_up.questions, &req.form);
    let answers = match answers {
        Ok(a) => a,
        Err(errors) => return form_page(ctx, 422, &f, shown, errors, None, false),
    };
    let input = FollowUpInput {
        answers,
        note: shown.note.clone(),
        refer_back: shown.refer_back,
        done_on: ctx.now.date(),
    };
    let who = ctx.staff.clone().ok_or(HandlerError::Forbidden)?;
    let version = req.form.text("version").parse().unwrap_or(0);
    if !ctx.db()?.record_follow_up(f.id, version, &input, &who)? {
        let current = ctx.db()?.follow_up(f.id)?.ok_or(HandlerError::NotFound)?;
        let theirs = ctx.db()?.follow_up_answers(f.id)?;
        return form_page(
            ctx,
            409,
            &current,
            shown,
            FieldErrors::default(),
            Some(theirs),
            false,
        );
    }
    audit(
        ctx,
        AuditAction::Change,
        &format!("follow-up {}", f.id),
        Some(f.student_id),
    )?;
    Ok(Response::see_other(&format!(
        "/staff/follow-up?id={}&saved=1",
        f.id
    )))
}
