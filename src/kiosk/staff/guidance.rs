//! The guidance record: the adviser writes up a session from a booking or a drop-in visit
//! (notes, agreed actions, intended destination, Benchmark 8 meetings) and prints the agreed
//! actions on a postcard-sized slip for the student.
//!
//! Forms carry the record's version, and a save started from an older version is refused with
//! the other person's text shown, so nobody's writing is silently lost.

use serde::Serialize;
use time::{Date, Duration};

use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::domain::{iso_date, parse_iso_date};
use crate::kiosk::http::{Form, Request, Response};
use crate::kiosk::staff::Role;
use crate::kiosk::store::{
    AuditAction, AuditEntry, Destination, GuidanceInput, GuidanceRecord, Saved, SessionSource,
    SessionSubject, StudentName,
};
use crate::kiosk::student::tidy;

/// How many action boxes the form offers.
const ACTION_BOXES: usize = 6;
/// Longest notes accepted.
const MAX_NOTES: usize = 5000;
/// Longest single line (an action, a name, the destination's detail).
const MAX_LINE: usize = 300;
/// Longest name accepted (as on the student side).
const MAX_NAME: usize = 60;

/// Errors found in a staff form, each for one field (its `id`), shown next to the field and in
/// the error summary.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct FieldErrors(Vec<FieldError>);

#[derive(Debug, Clone, Serialize)]
struct FieldError {
    field: String,
    message: String,
}

impl FieldErrors {
    pub(super) fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for one field, or "" (for the template).
    pub(super) fn get(&self, field: &str) -> String {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
            .unwrap_or_default()
    }
}

/// A day as staff read it: "1 December 2026".
pub(super) fn day_label(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

/// A positive row id from the query string or form, if there is one.
pub(super) fn id_param(form: &Form, name: &str) -> Option<i64> {
    form.get(name)?.trim().parse().ok().filter(|n| *n > 0)
}

/// Typed text kept as lines (notes): control characters other than line breaks dropped,
/// trailing spaces and blank space at either end trimmed.
pub(super) fn multiline(s: &str) -> String {
    let lines: Vec<String> = s
        .replace("\r\n", "\n")
        .split('\n')
        .map(|l| {
            l.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect();
    lines.join("\n").trim().to_string()
}

/// Checks a text's length, adding an error naming what is too long.
pub(super) fn within(errors: &mut FieldErrors, field: &str, what: &str, v: &str, max: usize) {
    if v.chars().count() > max {
        errors.add(field, format!("{what} must be {max} characters or fewer"));
    }
}

/// Writes a line in the audit log for what this member of staff did.
pub(super) fn audit(
    ctx: &mut Ctx<'_>,
    action: AuditAction,
    record: &str,
    student_id: Option<i64>,
) -> Result<(), HandlerError> {
    ctx.audit(&AuditEntry {
        action,
        record,
        student_id,
        detail: "",
    })
}

/// What the form was opened for.
enum Target {
    /// A new record for a booking or drop-in visit.
    New(SessionSubject),
    /// An existing record.
    Edit(Box<GuidanceRecord>),
}

impl Target {
    /// Reads `booking`, `queue` or `id` from the query (GET) or the hidden fields (POST).
    fn find(ctx: &mut Ctx<'_>, form: &Form) -> Result<Target, HandlerError> {
        let db = ctx.db()?;
        if let Some(id) = id_param(form, "id") {
            let record = db.guidance(id)?.ok_or(HandlerError::NotFound)?;
            return Ok(Target::Edit(Box::new(record)));
        }
        let source = match (
            id_param(form, "booking"),
            id_param(form, "queue"),
            id_param(form, "student"),
        ) {
            (Some(b), _, _) => SessionSource::Booking(b),
            (None, Some(q), _) => SessionSource::Queue(q),
            (None, None, Some(s)) => SessionSource::Student(s),
            (None, None, None) => {
                return Err(HandlerError::BadRequest(
                    "Open a guidance record from a booking, the drop-in queue or a student's \
                     record."
                        .into(),
                ))
            }
        };
        let subject = db.session_subject(source)?.ok_or(HandlerError::NotFound)?;
        Ok(Target::New(subject))
    }

    fn hidden(&self) -> Vec<(&'static str, String)> {
        match self {
            Target::Edit(r) => vec![("id", r.id.to_string()), ("version", r.version.to_string())],
            Target::New(s) => match s.source {
                SessionSource::Booking(b) => vec![("booking", b.to_string())],
                SessionSource::Queue(q) => vec![("queue", q.to_string())],
                SessionSource::Student(s) => vec![("student", s.to_string())],
            },
        }
    }

    fn name(&self) -> &StudentName {
        match self {
            Target::Edit(r) => &r.name,
            Target::New(s) => &s.name,
        }
    }

    fn audit_record(&self) -> String {
        match self {
            Target::Edit(r) => format!("guidance {}", r.id),
            Target::New(s) => match s.source {
                SessionSource::Booking(b) => format!("booking {b}"),
                SessionSource::Queue(q) => format!("queue entry {q}"),
                SessionSource::Student(s) => format!("student {s} new guidance"),
            },
        }
    }

    /// The student's row id, once they have one.
    fn student_id(&self) -> Option<i64> {
        match self {
            Target::Edit(r) => Some(r.student_id),
            Target::New(s) => match s.source {
                SessionSource::Student(id) => Some(id),
                _ => None,
            },
        }
    }
}

#[derive(Serialize)]
struct Hidden {
    name: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

/// The form's fields as shown (typed text kept after an error).
#[derive(Serialize, Default)]
struct Values {
    surname: String,
    held_on: String,
    notes: String,
    actions: Vec<String>,
    destination: String,
    destination_detail: String,
    meeting_by_16: bool,
    meeting_by_18: bool,
}

impl Values {
    fn of(input: &GuidanceInput) -> Values {
        Values {
            surname: String::new(),
            held_on: iso_date(input.held_on),
            notes: input.notes.clone(),
            actions: input.actions.clone(),
            destination: input.destination.as_str().into(),
            destination_detail: input.destination_detail.clone(),
            meeting_by_16: input.meeting_by_16,
            meeting_by_18: input.meeting_by_18,
        }
    }

    fn from_form(form: &Form) -> Values {
        Values {
            surname: tidy(form.get("surname").unwrap_or("")),
            held_on: form.text("held_on"),
            notes: multiline(form.get("notes").unwrap_or("")),
            actions: (1..=ACTION_BOXES)
                .map(|i| tidy(form.get(&format!("action-{i}")).unwrap_or("")))
                .collect(),
            destination: form.text("destination"),
            destination_detail: tidy(form.get("destination_detail").unwrap_or("")),
            meeting_by_16: form.get("meeting_by_16").is_some(),
            meeting_by_18: form.get("meeting_by_18").is_some(),
        }
    }

    /// Checks the values, giving what to save or the errors.
    fn check(&self, ask_surname: bool, today: Date) -> Result<GuidanceInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        if ask_surname && self.surname.is_empty() {
            errors.add("surname", "Enter the student's surname");
        }
        within(
            &mut errors,
            "surname",
            "The surname",
            &self.surname,
            MAX_NAME,
        );
        let held_on = match parse_iso_date(&self.held_on) {
            Ok(d) if d > today => {
                errors.add("held_on", "The date held cannot be in the future");
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.add(
                    "held_on",
                    "Enter the date the session was held, like 2026-12-01",
                );
                None
            }
        };
        if self.notes.is_empty() {
            errors.add("notes", "Enter notes from the session");
        }
        within(&mut errors, "notes", "The notes", &self.notes, MAX_NOTES);
        for (i, a) in self.actions.iter().enumerate() {
            within(
                &mut errors,
                &format!("action-{}", i + 1),
                &format!("Action {}", i + 1),
                a,
                MAX_LINE,
            );
        }
        let destination = self.destination.parse::<Destination>().ok();
        if destination.is_none() {
            errors.add(
                "destination",
                "Choose the student's intended destination (Undecided if they do not know yet)",
            );
        }
        within(
            &mut errors,
            "destination_detail",
            "The destination's detail",
            &self.destination_detail,
            MAX_LINE,
        );
        match (held_on, destination) {
            (Some(held_on), Some(destination)) if errors.is_empty() => Ok(GuidanceInput {
                held_on,
                notes: self.notes.clone(),
                actions: self
                    .actions
                    .iter()
                    .filter(|a| !a.is_empty())
                    .cloned()
                    .collect(),
                destination,
                destination_detail: self.destination_detail.clone(),
                meeting_by_16: self.meeting_by_16,
                meeting_by_18: self.meeting_by_18,
            }),
            _ => Err(errors),
        }
    }
}

/// What another member of staff saved first, shown when a save is refused.
#[derive(Serialize)]
struct ConflictView {
    adviser: String,
    notes: String,
    actions: Vec<String>,
    destination: &'static str,
    destination_detail: String,
}

#[derive(Serialize)]
struct FieldView {
    id: String,
    label: String,
    value: String,
    error: String,
}

#[derive(Serialize)]
struct FormPage {
    heading: String,
    first_name: String,
    surname: String,
    tutor_group: String,
    year: String,
    rag: String,
    ask_surname: bool,
    hidden: Vec<Hidden>,
    values: Values,
    actions: Vec<FieldView>,
    destinations: Vec<Choice>,
    errors: FieldErrors,
    error: ErrorsByField,
    conflict: Option<ConflictView>,
    saved: bool,
    record_id: Option<i64>,
    student_id: Option<i64>,
    follow_up_due: String,
}

/// Each field's error, for the template.
#[derive(Serialize, Default)]
struct ErrorsByField {
    surname: String,
    held_on: String,
    notes: String,
    destination: String,
    destination_detail: String,
}

fn form_page(
    ctx: &Ctx<'_>,
    status: u16,
    target: &Target,
    mut values: Values,
    errors: FieldErrors,
    conflict: Option<&GuidanceRecord>,
    saved: bool,
) -> Result<Response, HandlerError> {
    let name = target.name();
    let ask_surname = name.surname.is_empty();
    values.actions.resize(ACTION_BOXES, String::new());
    let actions = values
        .actions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let id = format!("action-{}", i + 1);
            FieldView {
                label: format!("Action {}", i + 1),
                value: v.clone(),
                error: errors.get(&id),
                id,
            }
        })
        .collect();
    let destinations = Destination::ALL
        .into_iter()
        .map(|d| Choice {
            value: d.as_str(),
            label: d.label(),
            checked: values.destination == d.as_str(),
        })
        .collect();
    let (year, rag, record_id, follow_up_due) = match target {
        Target::New(s) => (
            s.year.map(|y| y.to_string()).unwrap_or_default(),
            s.rag.map(|r| r.word().to_string()).unwrap_or_default(),
            None,
            String::new(),
        ),
        Target::Edit(r) => (
            String::new(),
            String::new(),
            Some(r.id),
            r.follow_up_due.map(day_label).unwrap_or_default(),
        ),
    };
    let student_id = target.student_id();
    let full = format!("{} {}", name.first_name, name.surname);
    let page = FormPage {
        heading: format!("Guidance for {} ({})", full.trim(), name.tutor_group),
        first_name: name.first_name.clone(),
        surname: name.surname.clone(),
        tutor_group: name.tutor_group.clone(),
        year,
        rag,
        ask_surname,
        hidden: target
            .hidden()
            .into_iter()
            .map(|(name, value)| Hidden { name, value })
            .collect(),
        error: ErrorsByField {
            surname: errors.get("surname"),
            held_on: errors.get("held_on"),
            notes: errors.get("notes"),
            destination: errors.get("destination"),
            destination_detail: errors.get("destination_detail"),
        },
        values,
        actions,
        destinations,
        errors,
        conflict: conflict.map(|c| ConflictView {
            adviser: c.adviser.clone().unwrap_or_else(|| "someone".into()),
            notes: c.input.notes.clone(),
            actions: c.input.actions.clone(),
            destination: c.input.destination.label(),
            destination_detail: c.input.destination_detail.clone(),
        }),
        saved,
        record_id,
        student_id,
        follow_up_due,
    };
    let title = page.heading.clone();
    ctx.page(status, "staff_guidance.html", &title, &page)
}

/// `GET /staff/guidance?booking=ID|queue=ID|student=ID|id=ID`: the guidance form, blank for a
/// new session (dated the booking's day, or today) or filled in for an existing record.
pub fn form(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let target = Target::find(ctx, &req.query)?;
    if let Target::New(s) = &target {
        if let Some(id) = s.recorded {
            return Ok(Response::see_other(&format!("/staff/guidance?id={id}")));
        }
    }
    let today = ctx.now.date();
    let values = match &target {
        Target::Edit(r) => Values::of(&r.input),
        Target::New(s) => Values {
            held_on: iso_date(s.day.map_or(today, |d| d.min(today))),
            ..Values::default()
        },
    };
    audit(
        ctx,
        AuditAction::View,
        &target.audit_record(),
        target.student_id(),
    )?;
    let saved = req.query.get("saved").is_some();
    form_page(
        ctx,
        200,
        &target,
        values,
        FieldErrors::default(),
        None,
        saved,
    )
}

/// `POST /staff/guidance`: saves a new record (with its follow-up) or changes to one, unless
/// someone else saved first.
pub fn save(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let form = &req.form;
    let target = Target::find(ctx, form)?;
    let values = Values::from_form(form);
    let ask_surname = target.name().surname.is_empty();
    let input = match values.check(ask_surname, ctx.now.date()) {
        Ok(input) => input,
        Err(errors) => return form_page(ctx, 422, &target, values, errors, None, false),
    };
    let due = input.held_on + Duration::days(i64::from(ctx.app.config.kiosk.follow_up_days));
    let now = ctx.now;
    let who = ctx.staff.clone().ok_or(HandlerError::Forbidden)?;
    let saved = match &target {
        Target::New(subject) => {
            let given = target.name();
            let surname = if ask_surname {
                &values.surname
            } else {
                &given.surname
            };
            let name = StudentName::new(&given.first_name, surname, &given.tutor_group);
            ctx.db()?
                .record_guidance(subject, &name, &input, &who, due, now)?
        }
        Target::Edit(r) => {
            let version = form.text("version").parse().unwrap_or(0);
            ctx.db()?.update_guidance(r.id, version, &input, due, now)?
        }
    };
    match saved {
        Saved::Done(id) => {
            let student = ctx.db()?.guidance(id)?.map(|r| r.student_id);
            audit(ctx, AuditAction::Change, &format!("guidance {id}"), student)?;
            Ok(Response::see_other(&format!(
                "/staff/guidance?id={id}&saved=1"
            )))
        }
        Saved::Conflict(current) => {
            // Show the form again for the record as it now is, with this person's text kept
            // and the new version, so they can merge and save deliberately.
            let shown = Target::Edit(current.clone());
            form_page(
                ctx,
                409,
                &shown,
                values,
                FieldErrors::default(),
                Some(&current),
                false,
            )
        }
    }
}

#[derive(Serialize)]
struct SlipPage {
    first_name: String,
    day: String,
    actions: Vec<String>,
    adviser: String,
    /// "the careers adviser" or "the careers leader", whoever recorded the session.
    adviser_title: &'static str,
    follow_up_due: String,
    record_id: i64,
}

/// `GET /staff/guidance/slip?id=ID`: the agreed actions on a postcard-sized slip (A6 when
/// printed) for the student to take away.
pub fn slip(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let id = id_param(&req.query, "id").ok_or(HandlerError::NotFound)?;
    let record = ctx.db()?.guidance(id)?.ok_or(HandlerError::NotFound)?;
    audit(
        ctx,
        AuditAction::View,
        &format!("guidance {id} slip"),
        Some(record.student_id),
    )?;
    let page = SlipPage {
        first_name: record.name.first_name,
        day: day_label(record.input.held_on),
        actions: record.input.actions,
        adviser: record.adviser.unwrap_or_default(),
        adviser_title: match record.adviser_role {
            Some(Role::Leader) => "the careers leader",
            _ => "the careers adviser",
        },
        follow_up_due: record.follow_up_due.map(day_label).unwrap_or_default(),
        record_id: id,
    };
    ctx.page(200, "staff_guidance_slip.html", "Your next steps", &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn form(pairs: &[(&str, &str)]) -> Form {
        Form::from_pairs(pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())))
    }

    #[test]
    fn empty_actions_are_ignored_and_typed_text_is_checked() {
        let f = form(&[
            ("held_on", "2026-12-01"),
            ("notes", "  Talked about\r\nA levels  \n\n"),
            ("action-1", " Visit the college open day "),
            ("action-3", "Ask about work experience"),
            ("destination", "education"),
            ("meeting_by_16", "on"),
        ]);
        let input = Values::from_form(&f)
            .check(false, date!(2026 - 12 - 01))
            .unwrap();
        assert_eq!(input.notes, "Talked about\nA levels");
        assert_eq!(
            input.actions,
            ["Visit the college open day", "Ask about work experience"]
        );
        assert!(input.meeting_by_16 && !input.meeting_by_18);

        let bad = form(&[("held_on", "2026-12-02"), ("destination", "university")]);
        let errors = Values::from_form(&bad)
            .check(true, date!(2026 - 12 - 01))
            .unwrap_err();
        for field in ["surname", "held_on", "notes", "destination"] {
            assert!(!errors.get(field).is_empty(), "{field}");
        }
        assert!(errors.get("held_on").contains("future"));
    }
}
