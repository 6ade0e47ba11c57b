//! A student's data rights: finding everything held about one student, to export it (subject
//! access) or erase it (right to erasure).
//!
//! "Everything about the student" is written once, as one WHERE clause per kind of record
//! ([`Kind::filter`]), and the preview, the erasure and the export all use those clauses, so what
//! the careers leader is shown is what goes and what is exported.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use time::PrimitiveDateTime;

use super::{now_text, AuditAction, Db, StoreError};
use crate::kiosk::domain::{Rag, YearGroup};
use crate::kiosk::staff::Session;

/// A student record's own fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentRow {
    /// Row id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Surname.
    pub surname: String,
    /// Tutor group.
    pub tutor_group: String,
    /// Year group, if recorded.
    pub year_group: Option<YearGroup>,
    /// Additional needs recorded by staff (a yes or no, never a diagnosis); a student's own
    /// request for extra support is kept with each quick check.
    pub additional_needs: bool,
    /// When the record was made.
    pub created_at: String,
}

/// A kind of record held about a student, in the order erasure removes them (each one's clause
/// may look at kinds after it, never before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Lines in the audit log about the student: their content is blanked, the line kept.
    AuditLine,
    /// Answers to follow-up questions.
    FollowUpAnswer,
    /// Follow-ups.
    FollowUp,
    /// Agreed actions.
    Action,
    /// Quick checks (with their options and answers).
    QuickCheck,
    /// Drop-in queue entries.
    QueueEntry,
    /// Bookings.
    Booking,
    /// Guidance records.
    Guidance,
}

impl Kind {
    /// Every kind, in erasure order.
    pub const ALL: [Kind; 8] = [
        Kind::AuditLine,
        Kind::FollowUpAnswer,
        Kind::FollowUp,
        Kind::Action,
        Kind::QuickCheck,
        Kind::QueueEntry,
        Kind::Booking,
        Kind::Guidance,
    ];

    /// How the kind is named on screen.
    pub fn label(self) -> &'static str {
        match self {
            Kind::AuditLine => "Audit log lines (content blanked, line kept)",
            Kind::FollowUpAnswer => "Follow-up answers",
            Kind::FollowUp => "Follow-ups",
            Kind::Action => "Agreed actions",
            Kind::QuickCheck => "Quick checks (with their answers)",
            Kind::QueueEntry => "Drop-in queue entries",
            Kind::Booking => "Bookings",
            Kind::Guidance => "Guidance records",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Kind::AuditLine => "audit_log",
            Kind::FollowUpAnswer => "follow_up_answer",
            Kind::FollowUp => "follow_up",
            Kind::Action => "guidance_action",
            Kind::QuickCheck => "triage",
            Kind::QueueEntry => "queue_entry",
            Kind::Booking => "booking",
            Kind::Guidance => "guidance",
        }
    }

    /// The rows of [`table`](Self::table) about student `?1`. A booking or a quick check
    /// belongs to the student when it is linked to them, to their guidance, or (a booking made
    /// before the student record existed) carries exactly their name and tutor group.
    fn filter(self) -> String {
        const NAME_MATCH: &str = "EXISTS (SELECT 1 FROM student s WHERE s.id = ?1
            AND s.first_name = booking.first_name COLLATE NOCASE
            AND s.surname = booking.surname COLLATE NOCASE
            AND s.tutor_group = booking.tutor_group COLLATE NOCASE)";
        const THEIR_GUIDANCE: &str = "SELECT id FROM guidance WHERE student_id = ?1";
        match self {
            Kind::AuditLine => format!(
                "audit_log.student_id = ?1 OR {}",
                names_in("audit_log.detail || ' ' || audit_log.record")
            ),
            Kind::FollowUpAnswer => format!(
                "follow_up_answer.follow_up_id IN
                 (SELECT id FROM follow_up WHERE guidance_id IN ({THEIR_GUIDANCE}))"
            ),
            Kind::FollowUp => format!("follow_up.guidance_id IN ({THEIR_GUIDANCE})"),
            Kind::Action => format!("guidance_action.guidance_id IN ({THEIR_GUIDANCE})"),
            Kind::QuickCheck => format!(
                "triage.student_id = ?1 OR triage.id IN (SELECT booking.triage_id FROM booking
                 WHERE {})",
                Kind::Booking.filter()
            ),
            Kind::QueueEntry => "queue_entry.student_id = ?1
                 OR queue_entry.id IN (SELECT queue_entry_id FROM guidance WHERE student_id = ?1)"
                .to_string(),
            Kind::Booking => format!(
                "booking.student_id = ?1
                 OR booking.id IN (SELECT booking_id FROM guidance WHERE student_id = ?1)
                 OR (booking.student_id IS NULL AND {NAME_MATCH})"
            ),
            Kind::Guidance => "guidance.student_id = ?1".to_string(),
        }
    }

    /// One line describing a row, for the preview.
    fn describe(self) -> &'static str {
        match self {
            Kind::AuditLine => "substr(at, 1, 16) || ' ' || staff_name || ': ' || action || ' ' || record",
            Kind::FollowUpAnswer => "question",
            Kind::FollowUp => {
                "'Due ' || due_on || CASE WHEN done_on IS NULL THEN ', not done' ELSE ', done ' || done_on END"
            }
            Kind::Action => "text",
            Kind::QuickCheck => {
                "substr(created_at, 1, 10) || ': Year ' || year_group || ', ' || rag"
            }
            Kind::QueueEntry => "day || ': number ' || number",
            Kind::Booking => {
                "day || ': reference ' || reference || CASE WHEN cancelled_at IS NULL THEN '' ELSE ' (cancelled)' END"
            }
            Kind::Guidance => "held_on || ': guidance session'",
        }
    }
}

/// SQL that is true when `text` holds student `?1`'s name, as "First Surname" or "Surname,
/// First" in any case, as whole words: "Ann Lee" is in "saw Ann Lee's form" but not in "Joann
/// Lee" or "Ann Leeson" (never for a student with a blank name, which would match everything).
fn names_in(text: &str) -> String {
    let words = |sql: &str| format!("' ' || {} || ' '", as_words(&format!("lower({sql})")));
    let text = words(text);
    format!(
        "EXISTS (SELECT 1 FROM student s WHERE s.id = ?1
            AND trim(s.first_name) <> '' AND trim(s.surname) <> ''
            AND (instr({text}, {}) > 0 OR instr({text}, {}) > 0))",
        words("s.first_name || ' ' || s.surname"),
        words("s.surname || ', ' || s.first_name"),
    )
}

/// SQL for `sql` with punctuation, hyphens and white space made spaces, so that names compare
/// as words. A hyphen counts as a break too: "Ann Lee-Smith" may be Ann Lee, and a line wrongly
/// blanked costs less than one about an erased student kept.
fn as_words(sql: &str) -> String {
    const BETWEEN_WORDS: [&str; 25] = [
        "','", "'.'", "':'", "';'", "'('", "')'", "'['", "']'", "'{'", "'}'", "'<'", "'>'", "'\"'",
        "''''", "'!'", "'?'", "'/'", "'-'", "'_'", "'&'", "'+'", "'*'", "char(9)", "char(10)",
        "char(13)",
    ];
    BETWEEN_WORDS.iter().fold(sql.to_string(), |inner, mark| {
        format!("replace({inner}, {mark}, ' ')")
    })
}

/// What is held about a student, kind by kind: a count and a line for each record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holding {
    /// The kind.
    pub kind: Kind,
    /// Its name on screen.
    pub label: &'static str,
    /// How many.
    pub count: usize,
    /// One line per record.
    pub lines: Vec<String>,
}

/// A quick check as exported.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedCheck {
    /// When.
    pub created_at: String,
    /// Year group at the time.
    pub year_group: YearGroup,
    /// Result.
    pub rag: Rag,
    /// Points.
    pub score: i64,
    /// Most points possible.
    pub max_score: i64,
    /// Session length it called for.
    pub minutes: i64,
    /// Asked for extra support.
    pub extra_support: bool,
    /// The options and how seriously each was considered.
    pub options: Vec<ExportedOption>,
    /// The readiness questions and answers.
    pub answers: Vec<ExportedAnswer>,
}

/// An option on a quick check and how seriously the student was considering it.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedOption {
    /// The option as worded then.
    pub option: String,
    /// definitely, considering or not.
    pub consideration: String,
}

/// A question and the student's answer (quick check or follow-up).
#[derive(Debug, Clone, Serialize)]
pub struct ExportedAnswer {
    /// The question as worded then.
    pub question: String,
    /// The answer.
    pub answer: String,
}

/// An agreed action.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedAction {
    /// What the student agreed to do.
    pub text: String,
    /// When it was marked done, if it was.
    pub done_on: Option<String>,
}

/// A booking as exported.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedBooking {
    /// Reference on the slip.
    pub reference: String,
    /// Day.
    pub day: String,
    /// Start, minutes after midnight.
    pub start_min: i64,
    /// End, minutes after midnight.
    pub end_min: i64,
    /// Name as typed.
    pub first_name: String,
    /// Surname as typed.
    pub surname: String,
    /// Tutor group as typed.
    pub tutor_group: String,
    /// When it was made.
    pub created_at: String,
    /// When it was cancelled, if it was.
    pub cancelled_at: Option<String>,
}

/// A drop-in queue entry as exported.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedQueueEntry {
    /// Day.
    pub day: String,
    /// Ticket number.
    pub number: i64,
    /// Name as typed.
    pub first_name: String,
    /// Tutor group as typed.
    pub tutor_group: String,
    /// When they joined.
    pub joined_at: String,
    /// When they were seen.
    pub seen_at: Option<String>,
    /// When they left without being seen.
    pub left_at: Option<String>,
}

/// A follow-up as exported.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedFollowUp {
    /// Due date.
    pub due_on: String,
    /// Done date.
    pub done_on: Option<String>,
    /// Referred back for more guidance.
    pub referred_back: bool,
    /// The tutor's note.
    pub note: String,
    /// The follow-up questions and answers.
    pub answers: Vec<ExportedAnswer>,
}

/// A guidance record as exported.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedGuidance {
    /// Date held.
    pub held_on: String,
    /// Adviser's name, if the account still exists.
    pub adviser: Option<String>,
    /// Notes.
    pub notes: String,
    /// Intended destination.
    pub destination: String,
    /// Its free text.
    pub destination_detail: String,
    /// Counts as the meeting by 16.
    pub meeting_by_16: bool,
    /// Counts as the meeting by 18.
    pub meeting_by_18: bool,
    /// The agreed actions, in order.
    pub actions: Vec<ExportedAction>,
    /// The follow-up, if one was set.
    pub follow_up: Option<ExportedFollowUp>,
}

/// An audit line as exported: who did what with the student's records, when.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedAuditLine {
    /// When.
    pub at: String,
    /// Who.
    pub staff_name: String,
    /// What (view, change, export...).
    pub action: String,
    /// Which record.
    pub record: String,
}

/// Everything held about one student (subject access).
#[derive(Debug, Clone, Serialize)]
pub struct StudentExport {
    /// The student record.
    pub student: StudentRow,
    /// Quick checks.
    pub quick_checks: Vec<ExportedCheck>,
    /// Bookings.
    pub bookings: Vec<ExportedBooking>,
    /// Drop-in queue entries.
    pub queue_entries: Vec<ExportedQueueEntry>,
    /// Guidance records with actions and follow-ups.
    pub guidance: Vec<ExportedGuidance>,
    /// Who looked at or changed the records.
    pub audit_log: Vec<ExportedAuditLine>,
}

fn student_from(r: &Row<'_>) -> rusqlite::Result<StudentRow> {
    Ok(StudentRow {
        id: r.get(0)?,
        first_name: r.get(1)?,
        surname: r.get(2)?,
        tutor_group: r.get(3)?,
        year_group: r.get(4)?,
        additional_needs: r.get(5)?,
        created_at: r.get(6)?,
    })
}

const STUDENT_COLUMNS: &str =
    "id, first_name, surname, tutor_group, year_group, additional_needs, created_at";

/// The audit line an erasure leaves, naming no one.
pub const ERASED_LINE: &str = "erased student records";

/// How many students a name search lists at most.
pub const FIND_LIMIT: usize = 50;

/// Reads every row of `sql` (parameter `?1` the student id) with `f`.
fn all<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    id: i64,
    f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([id], f)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What is held about student `id`, kind by kind, read on `conn` (a plain connection or the
/// erasure's transaction).
fn holdings(conn: &rusqlite::Connection, id: i64) -> Result<Vec<Holding>, StoreError> {
    Kind::ALL
        .into_iter()
        .map(|kind| {
            let sql = format!(
                "SELECT {} FROM {} WHERE {} ORDER BY rowid",
                kind.describe(),
                kind.table(),
                kind.filter()
            );
            let lines: Vec<String> = all(conn, &sql, id, |r| {
                Ok(r.get::<_, Option<String>>(0)?.unwrap_or_default())
            })?;
            Ok(Holding {
                kind,
                label: kind.label(),
                count: lines.len(),
                lines,
            })
        })
        .collect()
}

fn student_on(conn: &rusqlite::Connection, id: i64) -> Result<Option<StudentRow>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {STUDENT_COLUMNS} FROM student WHERE id = ?1"),
            [id],
            student_from,
        )
        .optional()?)
}

impl Db {
    /// Students whose first name, surname or "first surname" starts with `q` (any case), at
    /// most [`FIND_LIMIT`], by surname.
    pub fn find_students(&self, q: &str) -> Result<Vec<StudentRow>, StoreError> {
        let q = q.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let pattern = format!(
            "{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {STUDENT_COLUMNS} FROM student
             WHERE first_name LIKE ?1 ESCAPE '\\' OR surname LIKE ?1 ESCAPE '\\'
                OR (first_name || ' ' || surname) LIKE ?1 ESCAPE '\\'
             ORDER BY surname COLLATE NOCASE, first_name COLLATE NOCASE, id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![pattern, FIND_LIMIT as i64], student_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One student record.
    pub fn student_row(&self, id: i64) -> Result<Option<StudentRow>, StoreError> {
        student_on(&self.conn, id)
    }

    /// What erasing student `id` would remove, kind by kind.
    pub fn erase_preview(&self, id: i64) -> Result<Vec<Holding>, StoreError> {
        holdings(&self.conn, id)
    }

    /// Erases student `id` everywhere, in one transaction: every record of theirs, the student
    /// record itself, and the content of audit lines about them (the lines stay, blanked and
    /// unlinked), then writes one content-free audit line saying a student's records were
    /// erased. Returns what went, or `None` if there is no such student.
    pub fn erase_student(
        &mut self,
        id: i64,
        who: &Session,
        now: PrimitiveDateTime,
    ) -> Result<Option<Vec<Holding>>, StoreError> {
        let tx = self.write()?;
        if student_on(&tx, id)?.is_none() {
            return Ok(None);
        }
        let gone = holdings(&tx, id)?;
        for kind in Kind::ALL {
            let sql = match kind {
                Kind::AuditLine => format!(
                    "UPDATE audit_log SET detail = '', student_id = NULL,
                       record = CASE WHEN {} THEN 'student record' ELSE record END
                     WHERE {}",
                    names_in("audit_log.record"),
                    kind.filter()
                ),
                _ => format!("DELETE FROM {} WHERE {}", kind.table(), kind.filter()),
            };
            tx.execute(&sql, [id])?;
        }
        tx.execute("DELETE FROM student WHERE id = ?1", [id])?;
        // The erasure's own line, in the same transaction so neither happens without the other;
        // it names no student and holds no content.
        tx.execute(
            "INSERT INTO audit_log (at, staff_id, staff_name, action, record, student_id, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, '')",
            params![
                now_text(now),
                who.staff_id,
                who.name,
                AuditAction::Erase.as_str(),
                ERASED_LINE
            ],
        )?;
        tx.commit()?;
        Ok(Some(gone))
    }

    /// Everything held about student `id`, or `None` if there is no such student.
    pub fn student_export(&self, id: i64) -> Result<Option<StudentExport>, StoreError> {
        let Some(student) = self.student_row(id)? else {
            return Ok(None);
        };
        let c = &self.conn;
        let answers = |sql: &str, of: i64| -> Result<Vec<ExportedAnswer>, StoreError> {
            all(c, sql, of, |r| {
                Ok(ExportedAnswer {
                    question: r.get(0)?,
                    answer: r.get(1)?,
                })
            })
        };
        let checks = all(
            c,
            &format!(
                "SELECT id, created_at, year_group, rag, score, max_score, minutes, extra_support
                 FROM triage WHERE {} ORDER BY created_at, id",
                Kind::QuickCheck.filter()
            ),
            id,
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ExportedCheck {
                        created_at: r.get(1)?,
                        year_group: r.get(2)?,
                        rag: r.get(3)?,
                        score: r.get(4)?,
                        max_score: r.get(5)?,
                        minutes: r.get(6)?,
                        extra_support: r.get(7)?,
                        options: Vec::new(),
                        answers: Vec::new(),
                    },
                ))
            },
        )?;
        let mut quick_checks = Vec::with_capacity(checks.len());
        for (tid, mut check) in checks {
            check.options = all(
                c,
                "SELECT label, consideration FROM triage_option WHERE triage_id = ?1 ORDER BY rowid",
                tid,
                |r| {
                    Ok(ExportedOption {
                        option: r.get(0)?,
                        consideration: r.get(1)?,
                    })
                },
            )?;
            check.answers = answers(
                "SELECT question, answer FROM triage_answer WHERE triage_id = ?1 ORDER BY rowid",
                tid,
            )?;
            quick_checks.push(check);
        }
        let bookings = all(
            c,
            &format!(
                "SELECT reference, day, start_min, end_min, first_name, surname, tutor_group,
                        created_at, cancelled_at
                 FROM booking WHERE {} ORDER BY day, start_min, id",
                Kind::Booking.filter()
            ),
            id,
            |r| {
                Ok(ExportedBooking {
                    reference: r.get(0)?,
                    day: r.get(1)?,
                    start_min: r.get(2)?,
                    end_min: r.get(3)?,
                    first_name: r.get(4)?,
                    surname: r.get(5)?,
                    tutor_group: r.get(6)?,
                    created_at: r.get(7)?,
                    cancelled_at: r.get(8)?,
                })
            },
        )?;
        let queue_entries = all(
            c,
            &format!(
                "SELECT day, number, first_name, tutor_group, joined_at, seen_at, left_at
                 FROM queue_entry WHERE {} ORDER BY joined_at, id",
                Kind::QueueEntry.filter()
            ),
            id,
            |r| {
                Ok(ExportedQueueEntry {
                    day: r.get(0)?,
                    number: r.get(1)?,
                    first_name: r.get(2)?,
                    tutor_group: r.get(3)?,
                    joined_at: r.get(4)?,
                    seen_at: r.get(5)?,
                    left_at: r.get(6)?,
                })
            },
        )?;
        let sessions = all(
            c,
            &format!(
                "SELECT guidance.id, held_on, st.name, notes, destination, destination_detail,
                        meeting_by_16, meeting_by_18
                 FROM guidance LEFT JOIN staff st ON st.id = guidance.adviser_id
                 WHERE {} ORDER BY held_on, guidance.id",
                Kind::Guidance.filter()
            ),
            id,
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ExportedGuidance {
                        held_on: r.get(1)?,
                        adviser: r.get(2)?,
                        notes: r.get(3)?,
                        destination: r.get(4)?,
                        destination_detail: r.get(5)?,
                        meeting_by_16: r.get(6)?,
                        meeting_by_18: r.get(7)?,
                        actions: Vec::new(),
                        follow_up: None,
                    },
                ))
            },
        )?;
        let mut guidance = Vec::with_capacity(sessions.len());
        for (gid, mut g) in sessions {
            g.actions = all(
                c,
                "SELECT text, done_on FROM guidance_action WHERE guidance_id = ?1
                 ORDER BY position, id",
                gid,
                |r| {
                    Ok(ExportedAction {
                        text: r.get(0)?,
                        done_on: r.get(1)?,
                    })
                },
            )?;
            let follow_up = c
                .query_row(
                    "SELECT id, due_on, done_on, referred_back, note FROM follow_up
                     WHERE guidance_id = ?1",
                    [gid],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            ExportedFollowUp {
                                due_on: r.get(1)?,
                                done_on: r.get(2)?,
                                referred_back: r.get(3)?,
                                note: r.get(4)?,
                                answers: Vec::new(),
                            },
                        ))
                    },
                )
                .optional()?;
            if let Some((fid, mut f)) = follow_up {
                f.answers = answers(
                    "SELECT question, answer FROM follow_up_answer WHERE follow_up_id = ?1
                     ORDER BY rowid",
                    fid,
                )?;
                g.follow_up = Some(f);
            }
            guidance.push(g);
        }
        let audit_log = all(
            c,
            &format!(
                "SELECT at, staff_name, action, record FROM audit_log WHERE {} ORDER BY at, id",
                Kind::AuditLine.filter()
            ),
            id,
            |r| {
                Ok(ExportedAuditLine {
                    at: r.get(0)?,
                    staff_name: r.get(1)?,
                    action: r.get(2)?,
                    record: r.get(3)?,
                })
            },
        )?;
        Ok(Some(StudentExport {
            student,
            quick_checks,
            bookings,
            queue_entries,
            guidance,
            audit_log,
        }))
    }
}
