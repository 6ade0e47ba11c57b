//! The cohort reports: read-only counts over quick checks, guidance records and follow-ups for
//! one academic year, and the guidance records as rows for the CSV export. Nothing here writes.

use time::{Date, Month};

use super::{Db, StoreError};
use crate::kiosk::domain::{iso_date, Consideration, Rag, YearGroup};

/// An English school year, 1 September to 31 August, named by the calendar year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AcademicYear(i32);

impl AcademicYear {
    /// The school year that `day` falls in.
    pub fn containing(day: Date) -> AcademicYear {
        if day.month() >= Month::September {
            AcademicYear(day.year())
        } else {
            AcademicYear(day.year() - 1)
        }
    }

    /// The year starting on 1 September `start` (2000 to 9998, so both ends are real dates).
    pub fn starting(start: i32) -> Option<AcademicYear> {
        (2000..=9998)
            .contains(&start)
            .then_some(AcademicYear(start))
    }

    /// The calendar year it starts in, e.g. 2026 for 2026-27.
    pub fn start_year(self) -> i32 {
        self.0
    }

    /// How staff write it: "2026-27".
    pub fn label(self) -> String {
        format!("{}-{:02}", self.0, (self.0 + 1) % 100)
    }

    /// 1 September, the first day.
    pub fn first_day(self) -> Date {
        Date::from_calendar_date(self.0, Month::September, 1).unwrap_or(Date::MIN)
    }

    /// 1 September of the next year, the first day after it.
    pub fn next_first_day(self) -> Date {
        AcademicYear(self.0 + 1).first_day()
    }

    /// The bounds as text for SQL: dates (`held_on`) and timestamps (`created_at`) both compare
    /// as text from these, since a timestamp starts with its date.
    fn bounds(self) -> (String, String) {
        (iso_date(self.first_day()), iso_date(self.next_first_day()))
    }
}

/// Quick checks of one year group, by result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RagCounts {
    /// Red results.
    pub red: i64,
    /// Amber results.
    pub amber: i64,
    /// Green results.
    pub green: i64,
}

impl RagCounts {
    fn add(&mut self, rag: Rag, n: i64) {
        match rag {
            Rag::Red => self.red += n,
            Rag::Amber => self.amber += n,
            Rag::Green => self.green += n,
        }
    }

    /// All three.
    pub fn total(&self) -> i64 {
        self.red + self.amber + self.green
    }
}

/// One row of the routes report: an option, a year group, and how many quick checks marked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteCount {
    /// The option as worded on the quick check.
    pub label: String,
    /// The year group of the quick checks.
    pub year: YearGroup,
    /// Marked "definitely considering".
    pub definitely: i64,
    /// Marked "considering".
    pub considering: i64,
}

/// Which Benchmark 8 meeting a student is due: by 16 (Years 10-11) or by 18 (Years 12-13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Milestone {
    /// A guidance meeting by 16.
    By16,
    /// A further meeting by 18.
    By18,
}

impl Milestone {
    /// Both, in order.
    pub const ALL: [Milestone; 2] = [Milestone::By16, Milestone::By18];

    /// The milestone a year group is measured against, if any.
    pub fn for_year(year: YearGroup) -> Option<Milestone> {
        match year.get() {
            10 | 11 => Some(Milestone::By16),
            12 | 13 => Some(Milestone::By18),
            _ => None,
        }
    }

    /// "by 16" or "by 18".
    pub fn label(self) -> &'static str {
        match self {
            Milestone::By16 => "by 16",
            Milestone::By18 => "by 18",
        }
    }

    /// The guidance column that records it.
    fn column(self) -> &'static str {
        match self {
            Milestone::By16 => "meeting_by_16",
            Milestone::By18 => "meeting_by_18",
        }
    }

    /// The year groups it covers.
    fn years(self) -> (u8, u8) {
        match self {
            Milestone::By16 => (10, 11),
            Milestone::By18 => (12, 13),
        }
    }
}

/// A student in Years 10-13 and whether they have had the guidance meeting their year is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingStatus {
    /// The student's row id.
    pub student_id: i64,
    /// First name.
    pub first_name: String,
    /// Surname.
    pub surname: String,
    /// Tutor group.
    pub tutor_group: String,
    /// Year group now.
    pub year: YearGroup,
    /// Which meeting.
    pub milestone: Milestone,
    /// The date of the latest meeting that counts, if any.
    pub latest: Option<String>,
}

/// One guidance session and how many days the student waited for it since their quick check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// The quick check's result.
    pub rag: Rag,
    /// Whole days from the quick check to the session.
    pub days: i64,
}

/// A follow-up's due date and the date it was done, if it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpDates {
    /// When it was due (`YYYY-MM-DD`).
    pub due_on: String,
    /// When it was done.
    pub done_on: Option<String>,
}

/// A guidance record as one row of the CSV export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuidanceRow {
    /// Row id.
    pub id: i64,
    /// Date of the session.
    pub held_on: String,
    /// Student's surname.
    pub surname: String,
    /// Student's first name.
    pub first_name: String,
    /// Tutor group.
    pub tutor_group: String,
    /// Year group, if known.
    pub year: Option<YearGroup>,
    /// The adviser's sign-in name, if the account still exists.
    pub adviser: String,
    /// Intended destination (education, apprenticeship, employment, other, undecided).
    pub destination: String,
    /// The free text with it.
    pub destination_detail: String,
    /// Counts as the meeting by 16.
    pub meeting_by_16: bool,
    /// Counts as the meeting by 18.
    pub meeting_by_18: bool,
    /// The agreed actions, in order.
    pub actions: Vec<String>,
    /// Follow-up due date.
    pub follow_up_due: Option<String>,
    /// Follow-up done date.
    pub follow_up_done: Option<String>,
    /// Referred back for more guidance.
    pub referred_back: bool,
    /// The session notes.
    pub notes: String,
    /// The result of the quick check before it, if one is linked.
    pub rag: Option<Rag>,
}

/// Results counted per year group, in year order.
pub type RagByYear = Vec<(YearGroup, RagCounts)>;

impl Db {
    /// The school years that have any quick check or guidance session, newest first, always
    /// including `current`.
    pub fn report_years(&self, current: AcademicYear) -> Result<Vec<AcademicYear>, StoreError> {
        let first: Option<String> = self.conn.query_row(
            "SELECT MIN(d) FROM (SELECT MIN(created_at) AS d FROM triage
                                 UNION ALL SELECT MIN(held_on) FROM guidance)",
            [],
            |r| r.get(0),
        )?;
        let earliest = first
            .and_then(|d| crate::kiosk::domain::parse_iso_date(d.get(..10)?).ok())
            .map(AcademicYear::containing)
            .filter(|y| *y < current)
            .unwrap_or(current);
        Ok((earliest.0..=current.0).rev().map(AcademicYear).collect())
    }

    /// Quick checks in the year by year group and result: every check, and (second) only the
    /// latest check of each student a check is linked to.
    pub fn rag_mix(&self, year: AcademicYear) -> Result<(RagByYear, RagByYear), StoreError> {
        let (from, to) = year.bounds();
        let all = self.rag_counts(
            "SELECT year_group, rag, COUNT(*) FROM triage
             WHERE created_at >= ?1 AND created_at < ?2
             GROUP BY year_group, rag",
            &from,
            &to,
        )?;
        let latest = self.rag_counts(
            "SELECT t.year_group, t.rag, COUNT(*) FROM triage t
             WHERE t.student_id IS NOT NULL AND t.created_at >= ?1 AND t.created_at < ?2
               AND t.id = (SELECT t2.id FROM triage t2
                           WHERE t2.student_id = t.student_id
                             AND t2.created_at >= ?1 AND t2.created_at < ?2
                           ORDER BY t2.created_at DESC, t2.id DESC LIMIT 1)
             GROUP BY t.year_group, t.rag",
            &from,
            &to,
        )?;
        Ok((all, latest))
    }

    fn rag_counts(&self, sql: &str, from: &str, to: &str) -> Result<RagByYear, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?))
        })?;
        let mut out: RagByYear = Vec::new();
        for row in rows {
            let (year, rag, n) = row?;
            match out.iter_mut().find(|(y, _)| *y == year) {
                Some((_, c)) => c.add(rag, n),
                None => {
                    let mut c = RagCounts::default();
                    c.add(rag, n);
                    out.push((year, c));
                }
            }
        }
        out.sort_by_key(|(y, _)| *y);
        Ok(out)
    }

    /// Options marked "definitely" or "considering" on the year's quick checks, by option and
    /// year group.
    pub fn routes(&self, year: AcademicYear) -> Result<Vec<RouteCount>, StoreError> {
        let (from, to) = year.bounds();
        let mut stmt = self.conn.prepare(
            "SELECT o.label, t.year_group,
                    SUM(o.consideration = ?3), SUM(o.consideration = ?4)
             FROM triage_option o JOIN triage t ON t.id = o.triage_id
             WHERE t.created_at >= ?1 AND t.created_at < ?2 AND o.consideration IN (?3, ?4)
             GROUP BY o.label, t.year_group
             ORDER BY o.label, t.year_group",
        )?;
        let rows = stmt.query_map(
            [
                from.as_str(),
                to.as_str(),
                Consideration::Definitely.as_str(),
                Consideration::Considering.as_str(),
            ],
            |r| {
                Ok(RouteCount {
                    label: r.get(0)?,
                    year: r.get(1)?,
                    definitely: r.get(2)?,
                    considering: r.get(3)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every student in Years 10-13 with the latest guidance meeting, held before the end of
    /// `year`, that counts towards the Benchmark 8 meeting their year group is due.
    pub fn benchmark_8(&self, year: AcademicYear) -> Result<Vec<MeetingStatus>, StoreError> {
        let (_, to) = year.bounds();
        let mut out = Vec::new();
        for milestone in Milestone::ALL {
            let (lo, hi) = milestone.years();
            let sql = format!(
                "SELECT s.id, s.first_name, s.surname, s.tutor_group, s.year_group,
                        (SELECT MAX(g.held_on) FROM guidance g
                         WHERE g.student_id = s.id AND g.{} = 1 AND g.held_on < ?1)
                 FROM student s WHERE s.year_group BETWEEN ?2 AND ?3
                 ORDER BY s.year_group, s.surname COLLATE NOCASE, s.first_name COLLATE NOCASE, s.id",
                milestone.column()
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params![to, lo, hi], |r| {
                Ok(MeetingStatus {
                    student_id: r.get(0)?,
                    first_name: r.get(1)?,
                    surname: r.get(2)?,
                    tutor_group: r.get(3)?,
                    year: r.get(4)?,
                    milestone,
                    latest: r.get(5)?,
                })
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// For each guidance session held in the year, the days since the quick check before it:
    /// the check its booking came with, or else the student's latest check on or before the day.
    pub fn waits(&self, year: AcademicYear) -> Result<Vec<Wait>, StoreError> {
        let (from, to) = year.bounds();
        let mut stmt = self.conn.prepare(
            "SELECT t.rag, CAST(julianday(g.held_on) - julianday(substr(t.created_at, 1, 10)) AS INTEGER)
             FROM guidance g JOIN triage t ON t.id = COALESCE(
                 (SELECT b.triage_id FROM booking b WHERE b.id = g.booking_id),
                 (SELECT t2.id FROM triage t2
                  WHERE t2.student_id = g.student_id AND substr(t2.created_at, 1, 10) <= g.held_on
                  ORDER BY t2.created_at DESC, t2.id DESC LIMIT 1))
             WHERE g.held_on >= ?1 AND g.held_on < ?2",
        )?;
        let rows = stmt.query_map([from, to], |r| {
            Ok(Wait {
                rag: r.get(0)?,
                days: r.get::<_, i64>(1)?.max(0),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The follow-ups due in the year, with when each was done.
    pub fn follow_up_dates(&self, year: AcademicYear) -> Result<Vec<FollowUpDates>, StoreError> {
        let (from, to) = year.bounds();
        let mut stmt = self.conn.prepare(
            "SELECT due_on, done_on FROM follow_up WHERE due_on >= ?1 AND due_on < ?2
             ORDER BY due_on, id",
        )?;
        let rows = stmt.query_map([from, to], |r| {
            Ok(FollowUpDates {
                due_on: r.get(0)?,
                done_on: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every guidance record, oldest first, with its student, actions and follow-up.
    pub fn guidance_rows(&self) -> Result<Vec<GuidanceRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT g.id, g.held_on, s.surname, s.first_name, s.tutor_group, s.year_group,
                    COALESCE(st.name, ''), g.destination, g.destination_detail,
                    g.meeting_by_16, g.meeting_by_18,
                    f.due_on, f.done_on, COALESCE(f.referred_back, 0), g.notes,
                    (SELECT t.rag FROM booking b JOIN triage t ON t.id = b.triage_id
                     WHERE b.id = g.booking_id)
             FROM guidance g JOIN student s ON s.id = g.student_id
             LEFT JOIN staff st ON st.id = g.adviser_id
             LEFT JOIN follow_up f ON f.guidance_id = g.id
             ORDER BY g.held_on, g.id",
        )?;
        let mut actions = self.conn.prepare(
            "SELECT text FROM guidance_action WHERE guidance_id = ?1 ORDER BY position, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(GuidanceRow {
                id: r.get(0)?,
                held_on: r.get(1)?,
                surname: r.get(2)?,
                first_name: r.get(3)?,
                tutor_group: r.get(4)?,
                year: r.get(5)?,
                adviser: r.get(6)?,
                destination: r.get(7)?,
                destination_detail: r.get(8)?,
                meeting_by_16: r.get(9)?,
                meeting_by_18: r.get(10)?,
                actions: Vec::new(),
                follow_up_due: r.get(11)?,
                follow_up_done: r.get(12)?,
                referred_back: r.get(13)?,
                notes: r.get(14)?,
                rag: r.get(15)?,
            })
        })?;
        let mut out = Vec::new();
        for row in rows {
            let mut g = row?;
            g.actions = actions
                .query_map([g.id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            out.push(g);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_school_year_runs_from_september_to_august() {
        assert_eq!(
            AcademicYear::containing(date!(2026 - 12 - 01)).label(),
            "2026-27"
        );
        assert_eq!(
            AcademicYear::containing(date!(2027 - 08 - 31)).label(),
            "2026-27"
        );
        assert_eq!(
            AcademicYear::containing(date!(2027 - 09 - 01)).label(),
            "2027-28"
        );
        assert_eq!(
            AcademicYear::starting(2099).map(|y| y.label()),
            Some("2099-00".into())
        );
        assert_eq!(AcademicYear::starting(1999), None);
        let y = AcademicYear::containing(date!(2026 - 12 - 01));
        assert_eq!(y.bounds(), ("2026-09-01".into(), "2027-09-01".into()));
    }
}
