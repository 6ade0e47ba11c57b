//! The student side of the kiosk: the start screen, the quick careers check, booking a guidance
//! session, cancelling, and the drop-in queue. No sign-in.
//!
//! State passes between steps in the page itself (a year group in the URL, a random triage token
//! in a hidden field), never in a cookie, and no page ever shows another student's details.
//!
//! Every form is answered with a redirect (Post/Redirect/Get) to a page that shows its result
//! from a [`receipts`](super::receipts) entry, so Back and Reload never send a form again and
//! never bring back what the last student saw. Each form carries a random form id, so the same
//! form sent twice is stored once.

use std::time::{Duration as StdDuration, Instant};

use serde::Serialize;
use time::Duration;

use super::ctx::{Ctx, HandlerError};
use super::domain::{long_date, BookingRef, ClockTime, Consideration, Slot, YearGroup};
use super::http::{is_token, Form, Request, Response, CSRF_FIELD};
use super::receipts::{Book, Outcome};
use super::schedule::free_slots;
use super::store::{BookError, Booking, NewBooking, NewTriage, Sent, TriageSummary};
use super::triage::{assess, Answers};

/// Longest name accepted.
const MAX_NAME: usize = 60;
/// Longest tutor group accepted.
const MAX_TUTOR_GROUP: usize = 20;

/// A message for the error summary, linking to the field.
#[derive(Debug, Clone, Serialize)]
struct FieldError {
    field: String,
    message: String,
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.into(),
    }
}

fn error_for(errors: &[FieldError], field: &str) -> String {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
        .unwrap_or_default()
}

/// Tidies typed text: control characters become spaces, runs of spaces become one.
pub(crate) fn tidy(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks a required text field, returning the tidied value and any error.
fn required(
    form: &Form,
    field: &str,
    what: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let v = tidy(form.get(field).unwrap_or(""));
    if v.is_empty() {
        errors.push(field_error(field, format!("Enter your {what}")));
    } else if v.chars().count() > max {
        errors.push(field_error(
            field,
            format!("Your {what} must be {max} characters or fewer"),
        ));
    }
    v
}

/// How long a receipt stays live after it was last shown: the idle time, after which the screen
/// would have gone back to the start anyway.
fn receipt_ttl(ctx: &Ctx<'_>) -> StdDuration {
    StdDuration::from_secs(u64::from(ctx.app.config.kiosk.idle_timeout_seconds.max(30)))
}

/// The form id a page carries, if it is one the kiosk could have issued.
fn form_id_of(form: &Form) -> Option<String> {
    Some(form.text("form_id")).filter(|f| is_token(f))
}

/// `path` with `r=TOKEN` added to its query.
fn with_receipt(path: &str, token: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}r={token}")
}

/// Issues this browser a receipt for what its form did and redirects to the page showing it.
fn redirect_to_receipt(
    ctx: &Ctx<'_>,
    book: &mut Book,
    path: &str,
    form_id: Option<&str>,
    outcome: Outcome,
) -> Response {
    let token = book.issue(ctx.csrf, form_id, outcome, Instant::now(), receipt_ttl(ctx));
    Response::see_other(&with_receipt(path, &token))
}

/// A form stored before came again: the same page if this browser has only just sent it (a
/// double tap), otherwise a page that shows nothing of it (Back and Reload by someone else).
fn sent_again(ctx: &Ctx<'_>, book: &Book, path: &str, form_id: Option<&str>) -> Response {
    match form_id.and_then(|f| book.again(ctx.csrf, f, Instant::now())) {
        Some(token) => Response::see_other(&with_receipt(path, &token)),
        None => ctx.error_page(
            409,
            "This form has already been sent",
            "To keep everyone's details private, the kiosk does not show what it was sent \
             before. Please start again.",
        ),
    }
}

/// Sends a form with mistakes back to its page: what was typed and the errors go in a receipt
/// only this browser can see, and only until it goes back to the start.
fn redirect_to_draft(ctx: &Ctx<'_>, path: &str, form: &Form, errors: Vec<FieldError>) -> Response {
    let fields = form
        .pairs()
        .iter()
        .filter(|(n, _)| n != CSRF_FIELD)
        .cloned()
        .collect();
    let errors = errors.into_iter().map(|e| (e.field, e.message)).collect();
    let mut book = ctx.app.receipts.lock();
    redirect_to_receipt(
        ctx,
        &mut book,
        path,
        None,
        Outcome::Draft { fields, errors },
    )
}

/// The live receipt the page's `r` names, for this browser.
fn shown(ctx: &Ctx<'_>, req: &Request) -> Option<Outcome> {
    let token = req.query.get("r")?;
    ctx.app
        .receipts
        .lock()
        .show(ctx.csrf, token, Instant::now(), receipt_ttl(ctx))
}

/// A form to show again from a live draft receipt: what was typed, and the errors.
fn draft(ctx: &Ctx<'_>, req: &Request) -> Option<(Form, Vec<FieldError>)> {
    match shown(ctx, req)? {
        Outcome::Draft { fields, errors } => Some((
            Form::from_pairs(fields),
            errors
                .into_iter()
                .map(|(f, m)| field_error(&f, m))
                .collect(),
        )),
        _ => None,
    }
}

/// What a result address shows once its receipt has closed.
fn closed(ctx: &Ctx<'_>) -> Result<Response, HandlerError> {
    Ok(ctx.closed_page())
}

/// How long a quick check stays with its browser after it was last used on a page. Longer than
/// a receipt's: the screen stays on while the student types their details (the page's script
/// counts key presses), but the kiosk only sees page loads. Going back to the start still ends
/// it at once.
fn check_ttl(ctx: &Ctx<'_>) -> StdDuration {
    receipt_ttl(ctx) * 3
}

/// A form shown again with its errors is a 422; a fresh one a 200.
fn draft_or_blank(ctx: &Ctx<'_>, req: &Request) -> (u16, Form, Vec<FieldError>) {
    match draft(ctx, req) {
        Some((form, errors)) => (422, form, errors),
        None => (200, Form::default(), Vec::new()),
    }
}

#[derive(Serialize)]
struct RetentionPage {
    retention_days: u16,
}

/// `GET /`: the start screen, with the privacy notice before anything is entered. Finish, Start
/// again and the idle reset all come here, so this closes the browser's receipt: whoever is at
/// the screen now cannot bring back the last student's pages.
pub fn start(ctx: &mut Ctx<'_>, _req: &Request) -> Result<Response, HandlerError> {
    ctx.app.receipts.lock().close(ctx.csrf);
    ctx.start_page(
        "start.html",
        &RetentionPage {
            retention_days: ctx.app.config.kiosk.retention_days,
        },
    )
}

/// `GET /privacy`: the longer privacy notice.
pub fn privacy(ctx: &mut Ctx<'_>, _req: &Request) -> Result<Response, HandlerError> {
    ctx.page(
        200,
        "privacy.html",
        "Your information",
        &RetentionPage {
            retention_days: ctx.app.config.kiosk.retention_days,
        },
    )
}

#[derive(Serialize)]
struct YearPage {
    years: Vec<u8>,
    selected_year: u8,
    year_error: String,
    errors: Vec<FieldError>,
}

fn year_page(ctx: &Ctx<'_>, status: u16, error: Option<&str>) -> Result<Response, HandlerError> {
    let errors: Vec<FieldError> = error.map(|e| field_error("year", e)).into_iter().collect();
    ctx.page(
        status,
        "triage_year.html",
        "Quick careers check",
        &YearPage {
            years: ctx
                .app
                .config
                .triage
                .offered_years()
                .iter()
                .map(|y| y.get())
                .collect(),
            selected_year: 0,
            year_error: error.unwrap_or("").to_string(),
            errors,
        },
    )
}

/// `GET /triage`: step 1, the year group.
pub fn triage_year(ctx: &mut Ctx<'_>, _req: &Request) -> Result<Response, HandlerError> {
    year_page(ctx, 200, None)
}

#[derive(Serialize)]
struct OptionView {
    id: String,
    label: String,
    selected: String,
    error: String,
}

#[derive(Serialize)]
struct ChoiceView {
    value: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct AnswerView {
    label: String,
}

#[derive(Serialize)]
struct QuestionView {
    id: String,
    text: String,
    answers: Vec<AnswerView>,
    selected: i64,
    error: String,
}

#[derive(Serialize)]
struct SupportView {
    question: String,
    hint: String,
    selected: String,
    error: String,
}

#[derive(Serialize)]
struct QuestionsPage {
    year: u8,
    form_id: String,
    heading: String,
    options: Vec<OptionView>,
    considerations: Vec<ChoiceView>,
    questions: Vec<QuestionView>,
    support: SupportView,
    errors: Vec<FieldError>,
}

/// Builds the questions page for a year, with earlier answers and errors (if any) shown.
fn questions_page(
    ctx: &Ctx<'_>,
    status: u16,
    year: YearGroup,
    form: &Form,
    errors: Vec<FieldError>,
) -> Result<Response, HandlerError> {
    let t = &ctx.app.config.triage;
    let pathways = t.pathways_for(year).ok_or(HandlerError::NotFound)?;
    let options = pathways
        .options
        .iter()
        .map(|o| {
            let name = format!("opt_{}", o.id);
            OptionView {
                id: o.id.clone(),
                label: o.label.clone(),
                selected: form
                    .get(&name)
                    .filter(|v| v.parse::<Consideration>().is_ok())
                    .unwrap_or("")
                    .to_string(),
                error: error_for(&errors, &name),
            }
        })
        .collect();
    let questions = t
        .questions_for(year)
        .map(|q| {
            let name = format!("q_{}", q.id);
            QuestionView {
                id: q.id.clone(),
                text: q.text.clone(),
                answers: q
                    .answers
                    .iter()
                    .map(|a| AnswerView {
                        label: a.label.clone(),
                    })
                    .collect(),
                selected: form
                    .get(&name)
                    .and_then(|v| v.parse::<usize>().ok())
                    .filter(|i| *i < q.answers.len())
                    .map_or(-1, |i| i as i64),
                error: error_for(&errors, &name),
            }
        })
        .collect();
    let support = SupportView {
        question: t.extra_support.question.clone(),
        hint: t.extra_support.hint.clone(),
        selected: form
            .get("extra_support")
            .filter(|v| *v == "yes" || *v == "no")
            .unwrap_or("")
            .to_string(),
        error: error_for(&errors, "extra_support"),
    };
    ctx.page(
        status,
        "triage_questions.html",
        "Quick careers check",
        &QuestionsPage {
            year: year.get(),
            form_id: form_id_of(form).unwrap_or_else(super::domain::random_token),
            heading: pathways.heading.clone(),
            options,
            considerations: Consideration::ALL
                .iter()
                .map(|c| ChoiceView {
                    value: c.as_str(),
                    label: c.label(),
                })
                .collect(),
            questions,
            support,
            errors,
        },
    )
}

/// `GET /triage/questions?year=N`: step 2, the options and readiness questions for that year.
pub fn triage_questions(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    match req.query.get("year").map(str::parse::<YearGroup>) {
        Some(Ok(year)) => {
            let (status, form, errors) = draft_or_blank(ctx, req);
            questions_page(ctx, status, year, &form, errors)
        }
        Some(Err(_)) | None => year_page(ctx, 422, Some("Choose your year group")),
    }
}

/// Checks the questions form against the questionnaire; answers or field errors.
fn read_answers(ctx: &Ctx<'_>, year: YearGroup, form: &Form) -> Result<Answers, Vec<FieldError>> {
    let t = &ctx.app.config.triage;
    let mut errors = Vec::new();
    let mut options = Vec::new();
    if let Some(p) = t.pathways_for(year) {
        for o in &p.options {
            let name = format!("opt_{}", o.id);
            match form.get(&name).map(str::parse::<Consideration>) {
                Some(Ok(c)) => options.push((o.id.clone(), c)),
                _ => errors.push(field_error(
                    &name,
                    format!("Choose how much you are thinking about: {}", o.label),
                )),
            }
        }
    }
    let mut questions = Vec::new();
    for q in t.questions_for(year) {
        let name = format!("q_{}", q.id);
        match form
            .get(&name)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|i| *i < q.answers.len())
        {
            Some(i) => questions.push((q.id.clone(), i)),
            None => errors.push(field_error(&name, format!("Choose an answer: {}", q.text))),
        }
    }
    let extra_support = match form.get("extra_support") {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            errors.push(field_error(
                "extra_support",
                "Choose yes or no for extra support",
            ));
            false
        }
    };
    if errors.is_empty() {
        Ok(Answers {
            year,
            options,
            questions,
            extra_support,
        })
    } else {
        Err(errors)
    }
}

#[derive(Serialize)]
struct ResultPage {
    rag: &'static str,
    rag_word: &'static str,
    meaning: String,
    minutes: u16,
    triage: String,
}

/// `POST /triage`: scores the answers, stores them, and leads to the result.
pub fn triage_submit(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let Ok(year) = req.form.text("year").parse::<YearGroup>() else {
        // Step 1 again, with "Choose your year group".
        return Ok(Response::see_other("/triage/questions"));
    };
    let answers = match read_answers(ctx, year, &req.form) {
        Ok(a) => a,
        Err(errors) => {
            let path = format!("/triage/questions?year={}", year.get());
            return Ok(redirect_to_draft(ctx, &path, &req.form, errors));
        }
    };
    let t = &ctx.app.config.triage;
    let result = assess(t, &ctx.app.config.kiosk.session_minutes, &answers).map_err(|e| {
        HandlerError::BadRequest(format!(
            "The answers did not match the questions ({e}). Please start again."
        ))
    })?;
    let pathways = t.pathways_for(year).ok_or(HandlerError::NotFound)?;
    let options = answers
        .options
        .iter()
        .filter_map(|(id, c)| {
            let o = pathways.options.iter().find(|o| &o.id == id)?;
            Some((id.clone(), o.label.clone(), *c))
        })
        .collect();
    let qa = answers
        .questions
        .iter()
        .filter_map(|(id, i)| {
            let q = t.questions.iter().find(|q| &q.id == id)?;
            let a = q.answers.get(*i)?;
            Some((id.clone(), q.text.clone(), a.label.clone(), a.score))
        })
        .collect();
    let record = NewTriage {
        year,
        extra_support: answers.extra_support,
        score: result.score,
        max_score: result.max_score,
        rag: result.rag,
        minutes: result.minutes,
        options,
        answers: qa,
        form_id: form_id_of(&req.form),
    };
    let now = ctx.now;
    let app = ctx.app;
    let mut book = app.receipts.lock();
    match ctx.db()?.save_triage(&record, now)? {
        Sent::New(token) => {
            book.hold_check(ctx.csrf, &token, Instant::now(), check_ttl(ctx));
            Ok(redirect_to_receipt(
                ctx,
                &mut book,
                "/triage/result",
                record.form_id.as_deref(),
                Outcome::Triage(token),
            ))
        }
        Sent::Again(_) => Ok(sent_again(
            ctx,
            &book,
            "/triage/result",
            record.form_id.as_deref(),
        )),
    }
}

/// `GET /triage/result?r=...`: the result, for the browser that just sent the check.
pub fn triage_result(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let Some(Outcome::Triage(token)) = shown(ctx, req) else {
        return closed(ctx);
    };
    let Some(summary) = ctx.db()?.triage_by_token(&token)? else {
        return closed(ctx);
    };
    ctx.page(
        200,
        "triage_result.html",
        "Your result",
        &ResultPage {
            rag: summary.rag.as_str(),
            rag_word: summary.rag.word(),
            meaning: ctx
                .app
                .config
                .triage
                .results
                .for_rag(summary.rag)
                .to_string(),
            minutes: summary.minutes,
            triage: token,
        },
    )
}

/// The quick check a booking page or form carries: none when it carries none, and
/// [`HandlerError::Closed`] when the check is not this browser's live one (the student has
/// finished, or the screen went idle), so its result and length are shown to no one else.
fn find_triage(
    ctx: &mut Ctx<'_>,
    form: &Form,
    field: &str,
) -> Result<Option<(String, TriageSummary)>, HandlerError> {
    let token = form.text(field);
    if token.is_empty() {
        return Ok(None);
    }
    let held = is_token(&token)
        && ctx
            .app
            .receipts
            .lock()
            .uses_check(ctx.csrf, &token, Instant::now(), check_ttl(ctx));
    if !held {
        return Err(HandlerError::Closed);
    }
    match ctx.db()?.triage_by_token(&token)? {
        Some(t) => Ok(Some((token, t))),
        None => Err(HandlerError::Closed),
    }
}

#[derive(Serialize)]
struct SlotView {
    key: String,
    start: String,
    end: String,
}

#[derive(Serialize)]
struct DayView {
    label: String,
    slots: Vec<SlotView>,
}

#[derive(Serialize)]
struct SlotsPage {
    minutes: u16,
    rag_word: String,
    triage: String,
    days: Vec<DayView>,
    days_ahead: u16,
    message: String,
}

fn end_label(s: &Slot) -> String {
    ClockTime::from_minutes(s.end_minute())
        .map(|t| t.to_string())
        .unwrap_or_else(|_| "24:00".into())
}

/// The free slots of `minutes` length from today on.
fn open_slots(
    ctx: &mut Ctx<'_>,
    minutes: u16,
) -> Result<Vec<super::schedule::DaySlots>, HandlerError> {
    let k = &ctx.app.config.kiosk;
    let today = ctx.now.date();
    let last = today + Duration::days(i64::from(k.booking_days_ahead.max(1)) - 1);
    let pattern = k.availability.clone();
    let step = k.slot_step_minutes;
    let now = ctx.now;
    let db = ctx.db()?;
    let days = db.open_windows(&pattern, today, last)?;
    let booked = db.booked_between(today, last)?;
    Ok(free_slots(&days, &booked, minutes, step, now))
}

fn slots_page(
    ctx: &mut Ctx<'_>,
    status: u16,
    triage: Option<(String, TriageSummary)>,
    message: &str,
) -> Result<Response, HandlerError> {
    let minutes = triage.as_ref().map_or(
        ctx.app.config.kiosk.session_minutes.without_check,
        |(_, t)| t.minutes,
    );
    let days = open_slots(ctx, minutes)?
        .into_iter()
        .map(|d| DayView {
            label: long_date(d.day),
            slots: d
                .slots
                .iter()
                .map(|s| SlotView {
                    key: s.start_key(),
                    start: s.start.to_string(),
                    end: end_label(s),
                })
                .collect(),
        })
        .collect();
    let page = SlotsPage {
        minutes,
        rag_word: triage
            .as_ref()
            .map(|(_, t)| t.rag.word().to_string())
            .unwrap_or_default(),
        triage: triage.map(|(tok, _)| tok).unwrap_or_default(),
        days,
        days_ahead: ctx.app.config.kiosk.booking_days_ahead,
        message: message.to_string(),
    };
    ctx.page(status, "book_slots.html", "Book a guidance session", &page)
}

/// Why a booking form led back to the slot list, as `notice=...` in its address.
const NOTICES: [(&str, u16, &str); 3] = [
    ("choose", 422, "Please choose a time."),
    (
        "taken",
        409,
        "Sorry, someone has just booked that time. Please choose another.",
    ),
    (
        "gone",
        409,
        "Sorry, that time is no longer available. Please choose another.",
    ),
];

/// The slot list's address with a notice, keeping the student's quick check.
fn slots_with_notice(triage: &Option<(String, TriageSummary)>, notice: &str) -> Response {
    let triage = triage
        .as_ref()
        .map(|(t, _)| format!("&triage={t}"))
        .unwrap_or_default();
    Response::see_other(&format!("/book?notice={notice}{triage}"))
}

/// `GET /book[?triage=TOKEN][&notice=...]`: free slots of the length the student needs.
pub fn book_slots(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let triage = find_triage(ctx, &req.query, "triage")?;
    let notice = req.query.get("notice");
    let (status, message) = NOTICES
        .iter()
        .find(|(n, _, _)| Some(*n) == notice)
        .map_or((200, ""), |(_, status, message)| (*status, *message));
    slots_page(ctx, status, triage, message)
}

#[derive(Serialize)]
struct DetailsPage {
    slot: String,
    slot_label: String,
    minutes: u16,
    triage: String,
    form_id: String,
    first_name: String,
    surname: String,
    tutor_group: String,
    first_name_error: String,
    surname_error: String,
    tutor_group_error: String,
    errors: Vec<FieldError>,
}

fn slot_label(s: &Slot) -> String {
    format!("{}, {} to {}", long_date(s.day), s.start, end_label(s))
}

fn details_page(
    ctx: &Ctx<'_>,
    status: u16,
    slot: &Slot,
    triage: &str,
    form: &Form,
    errors: Vec<FieldError>,
) -> Result<Response, HandlerError> {
    let form_id = form_id_of(form).unwrap_or_else(super::domain::random_token);
    let page = DetailsPage {
        slot: slot.start_key(),
        slot_label: slot_label(slot),
        minutes: slot.minutes,
        triage: triage.to_string(),
        form_id,
        first_name: tidy(form.get("first_name").unwrap_or("")),
        surname: tidy(form.get("surname").unwrap_or("")),
        tutor_group: tidy(form.get("tutor_group").unwrap_or("")),
        first_name_error: error_for(&errors, "first_name"),
        surname_error: error_for(&errors, "surname"),
        tutor_group_error: error_for(&errors, "tutor_group"),
        errors,
    };
    ctx.page(status, "book_details.html", "Your details", &page)
}

/// `GET /book/details?slot=...[&triage=...]`: name and tutor group for the chosen time.
pub fn book_details(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let triage = find_triage(ctx, &req.query, "triage")?;
    let minutes = triage.as_ref().map_or(
        ctx.app.config.kiosk.session_minutes.without_check,
        |(_, t)| t.minutes,
    );
    let Ok(slot) = Slot::parse_key(&req.query.text("slot"), minutes) else {
        return slots_page(ctx, 422, triage, "Please choose a time.");
    };
    let still_free = open_slots(ctx, minutes)?
        .iter()
        .any(|d| d.slots.contains(&slot));
    if !still_free {
        return slots_page(
            ctx,
            409,
            triage,
            "Sorry, that time is no longer free. Please choose another.",
        );
    }
    let token = triage.map(|(t, _)| t).unwrap_or_default();
    let (status, form, errors) = draft_or_blank(ctx, req);
    details_page(ctx, status, &slot, &token, &form, errors)
}

#[derive(Serialize)]
struct DonePage {
    reference: String,
    first_name: String,
    surname: String,
    tutor_group: String,
    day: String,
    start: String,
    end: String,
    minutes: u16,
}

/// `POST /book`: makes the booking (committed to disk first) and leads to the slip.
pub fn book_submit(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let form = &req.form;
    let triage = find_triage(ctx, form, "triage")?;
    let minutes = triage.as_ref().map_or(
        ctx.app.config.kiosk.session_minutes.without_check,
        |(_, t)| t.minutes,
    );
    let Ok(slot) = Slot::parse_key(&form.text("slot"), minutes) else {
        return Ok(slots_with_notice(&triage, "choose"));
    };
    let mut errors = Vec::new();
    let first_name = required(form, "first_name", "first name", MAX_NAME, &mut errors);
    let surname = required(form, "surname", "surname", MAX_NAME, &mut errors);
    let tutor_group = required(
        form,
        "tutor_group",
        "tutor group",
        MAX_TUTOR_GROUP,
        &mut errors,
    );
    let token = triage.as_ref().map(|(t, _)| t.clone()).unwrap_or_default();
    if !errors.is_empty() {
        let path = format!(
            "/book/details?slot={}&triage={token}",
            super::http::encode(&slot.start_key())
        );
        return Ok(redirect_to_draft(ctx, &path, form, errors));
    }
    let request = NewBooking {
        slot,
        first_name,
        surname,
        tutor_group,
        triage_token: triage.as_ref().map(|(t, _)| t.clone()),
        form_id: form_id_of(form),
    };
    let now = ctx.now;
    let app = ctx.app;
    let mut book = app.receipts.lock();
    let form_id = request.form_id.as_deref();
    match ctx
        .db()?
        .book(&request, &app.config.kiosk.availability, now)
    {
        Ok(Sent::New(b)) => Ok(redirect_to_receipt(
            ctx,
            &mut book,
            "/book/done",
            form_id,
            Outcome::Booked(b.reference),
        )),
        Ok(Sent::Again(_)) | Err(BookError::Withdrawn) => {
            Ok(sent_again(ctx, &book, "/book/done", form_id))
        }
        Err(BookError::Taken) => Ok(slots_with_notice(&triage, "taken")),
        Err(BookError::Unavailable) => Ok(slots_with_notice(&triage, "gone")),
        Err(BookError::Store(e)) => Err(e.into()),
    }
}

/// `GET /book/done?r=...`: the booking slip, for the browser that just booked.
pub fn book_done(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let Some(Outcome::Booked(reference)) = shown(ctx, req) else {
        return closed(ctx);
    };
    let Some(b) = ctx.db()?.booking_by_ref(&reference)? else {
        return closed(ctx);
    };
    ctx.page(
        200,
        "book_done.html",
        "You are booked in",
        &DonePage {
            reference: b.reference.to_string(),
            first_name: b.first_name,
            surname: b.surname,
            tutor_group: b.tutor_group,
            day: long_date(b.slot.day),
            start: b.slot.start.to_string(),
            end: end_label(&b.slot),
            minutes: b.slot.minutes,
        },
    )
}

#[derive(Serialize)]
struct CancelPage {
    reference: String,
    surname: String,
    reference_error: String,
    surname_error: String,
    errors: Vec<FieldError>,
}

fn cancel_page(
    ctx: &Ctx<'_>,
    status: u16,
    form: &Form,
    errors: Vec<FieldError>,
) -> Result<Response, HandlerError> {
    ctx.page(
        status,
        "cancel.html",
        "Cancel a booking",
        &CancelPage {
            reference: tidy(form.get("reference").unwrap_or("")),
            surname: tidy(form.get("surname").unwrap_or("")),
            reference_error: error_for(&errors, "reference"),
            surname_error: error_for(&errors, "surname"),
            errors,
        },
    )
}

/// `GET /book/cancel`: the cancel form.
pub fn cancel_form(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let (status, form, errors) = draft_or_blank(ctx, req);
    cancel_page(ctx, status, &form, errors)
}

#[derive(Serialize)]
struct CancelDonePage {
    reference: String,
    day: String,
    start: String,
}

/// `POST /book/cancel`: cancels when the reference and surname match.
pub fn cancel_submit(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let form = &req.form;
    let mut errors = Vec::new();
    let reference = form.text("reference").parse::<BookingRef>();
    if form.text("reference").is_empty() {
        errors.push(field_error("reference", "Enter your booking reference"));
    } else if reference.is_err() {
        errors.push(field_error(
            "reference",
            "Enter the 6 letters and numbers from your slip",
        ));
    }
    let surname = required(form, "surname", "surname", MAX_NAME, &mut errors);
    let reference = match reference {
        Ok(r) if errors.is_empty() => r,
        _ => return Ok(redirect_to_draft(ctx, "/book/cancel", form, errors)),
    };
    let now = ctx.now;
    match ctx.db()?.cancel(&reference, &surname, now)? {
        Some(b) => {
            let mut book = ctx.app.receipts.lock();
            Ok(redirect_to_receipt(
                ctx,
                &mut book,
                "/book/cancel/done",
                None,
                Outcome::Cancelled(b),
            ))
        }
        None => Ok(redirect_to_draft(
            ctx,
            "/book/cancel",
            form,
            vec![field_error(
                "reference",
                "We could not find a booking with that reference and surname",
            )],
        )),
    }
}

/// `GET /book/cancel/done?r=...`: says the booking is cancelled, to the browser that cancelled.
pub fn cancel_done(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let Some(Outcome::Cancelled(b)) = shown(ctx, req) else {
        return closed(ctx);
    };
    cancelled_page(ctx, &b)
}

fn cancelled_page(ctx: &Ctx<'_>, b: &Booking) -> Result<Response, HandlerError> {
    ctx.page(
        200,
        "cancel_done.html",
        "Booking cancelled",
        &CancelDonePage {
            reference: b.reference.to_string(),
            day: long_date(b.slot.day),
            start: b.slot.start.to_string(),
        },
    )
}

#[derive(Serialize)]
struct QueuePage {
    waiting: i64,
    form_id: String,
    first_name: String,
    tutor_group: String,
    first_name_error: String,
    tutor_group_error: String,
    errors: Vec<FieldError>,
}

fn queue_page(
    ctx: &mut Ctx<'_>,
    status: u16,
    form: &Form,
    errors: Vec<FieldError>,
) -> Result<Response, HandlerError> {
    let today = ctx.now.date();
    let waiting = ctx.db()?.queue_waiting(today)?;
    ctx.page(
        status,
        "queue.html",
        "Drop-in queue",
        &QueuePage {
            waiting,
            form_id: form_id_of(form).unwrap_or_else(super::domain::random_token),
            first_name: tidy(form.get("first_name").unwrap_or("")),
            tutor_group: tidy(form.get("tutor_group").unwrap_or("")),
            first_name_error: error_for(&errors, "first_name"),
            tutor_group_error: error_for(&errors, "tutor_group"),
            errors,
        },
    )
}

/// `GET /queue`: how many are waiting (a count, never names) and the join form.
pub fn queue_form(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let (status, form, errors) = draft_or_blank(ctx, req);
    queue_page(ctx, status, &form, errors)
}

#[derive(Serialize)]
struct PlaceView {
    number: i64,
    ahead: i64,
    done: bool,
    called: bool,
}

#[derive(Serialize)]
struct PlacePage {
    joined: bool,
    place: Option<PlaceView>,
    number: String,
    number_error: String,
    errors: Vec<FieldError>,
}

/// `POST /queue`: joins today's queue and shows the number and place.
pub fn queue_join(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let form = &req.form;
    let mut errors = Vec::new();
    let first_name = required(form, "first_name", "first name", MAX_NAME, &mut errors);
    let tutor_group = required(
        form,
        "tutor_group",
        "tutor group",
        MAX_TUTOR_GROUP,
        &mut errors,
    );
    if !errors.is_empty() {
        return Ok(redirect_to_draft(ctx, "/queue", form, errors));
    }
    let now = ctx.now;
    let form_id = form_id_of(form);
    let app = ctx.app;
    let mut book = app.receipts.lock();
    match ctx.db()?.join_queue(
        now.date(),
        &first_name,
        &tutor_group,
        form_id.as_deref(),
        now,
    )? {
        Sent::New((day, place)) => Ok(redirect_to_receipt(
            ctx,
            &mut book,
            "/queue/ticket",
            form_id.as_deref(),
            Outcome::Queue {
                day,
                number: place.number,
            },
        )),
        Sent::Again(_) => Ok(sent_again(ctx, &book, "/queue/ticket", form_id.as_deref())),
    }
}

/// `GET /queue/ticket?r=...`: the number and place, for the browser that just joined.
pub fn queue_ticket(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let Some(Outcome::Queue { day, number }) = shown(ctx, req) else {
        return closed(ctx);
    };
    let Some(place) = ctx.db()?.queue_place(day, number)? else {
        return closed(ctx);
    };
    ctx.page(
        200,
        "queue_place.html",
        "You are in the queue",
        &PlacePage {
            joined: true,
            place: Some(PlaceView {
                number: place.number,
                ahead: place.ahead,
                done: place.done,
                called: place.called,
            }),
            number: String::new(),
            number_error: String::new(),
            errors: Vec::new(),
        },
    )
}

/// `GET /queue/place[?number=N]`: where a ticket number stands today.
pub fn queue_place(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let raw = req.query.get("number").map(tidy);
    let mut page = PlacePage {
        joined: false,
        place: None,
        number: raw.clone().unwrap_or_default(),
        number_error: String::new(),
        errors: Vec::new(),
    };
    let Some(raw) = raw else {
        return ctx.page(200, "queue_place.html", "Your place in the queue", &page);
    };
    let error = match raw.parse::<i64>() {
        Ok(n) if (1..=99_999).contains(&n) => {
            let today = ctx.now.date();
            match ctx.db()?.queue_place(today, n)? {
                Some(p) => {
                    page.place = Some(PlaceView {
                        number: p.number,
                        ahead: p.ahead,
                        done: p.done,
                        called: p.called,
                    });
                    None
                }
                None => Some(format!("There is no number {n} in today's queue")),
            }
        }
        _ if raw.is_empty() => Some("Enter your queue number".to_string()),
        _ => Some("Enter your queue number, for example 7".to_string()),
    };
    let status = if let Some(e) = error {
        page.number_error = e.clone();
        page.errors = vec![field_error("number", e)];
        422
    } else {
        200
    };
    ctx.page(status, "queue_place.html", "Your place in the queue", &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_removes_control_characters_and_extra_spaces() {
        assert_eq!(tidy("  Ada \n\t Lovelace\u{0}  "), "Ada Lovelace");
        assert_eq!(tidy("<script>"), "<script>");
        assert_eq!(tidy("Zoë O'Brien-Smith"), "Zoë O'Brien-Smith");
    }

    #[test]
    fn required_fields_explain_themselves() {
        let f = Form::parse(b"first_name=&surname=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        let mut errors = Vec::new();
        required(&f, "first_name", "first name", 60, &mut errors);
        required(&f, "surname", "surname", 60, &mut errors);
        required(&f, "tutor_group", "tutor group", 20, &mut errors);
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Enter your first name",
                "Your surname must be 60 characters or fewer",
                "Enter your tutor group"
            ]
        );
    }
}
