//! The reports for senior leaders and governors (`/staff/reports`): the RAG mix, the routes
//! students are considering, Benchmark 8 (who has and has not had a guidance meeting by 16 and by
//! 18), waiting times and follow-ups, for one school year, as tables with bar charts; and each of
//! them, plus every guidance record, as a CSV file for Compass+ or the school MIS.
//!
//! The figures are worked out once ([`Figures`]) and then shown either as HTML or as CSV, so the
//! page and the download cannot disagree.

use serde::Serialize;
use time::Date;

use super::chart::BarChart;
use super::guidance::audit;
use super::spreadsheet::{attachment, yes_no, Sheet};
use crate::kiosk::ctx::{Ctx, HandlerError};
use crate::kiosk::domain::{iso_date, Rag, YearGroup};
use crate::kiosk::http::{Request, Response};
use crate::kiosk::store::{
    AcademicYear, AuditAction, FollowUpDates, MeetingStatus, Milestone, RagByYear, RagCounts,
    RouteCount, Wait,
};

/// The reports, as named in the CSV address (`?report=...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// Quick-check results by year group.
    RagMix,
    /// Options being considered.
    Routes,
    /// Guidance meetings by 16 and by 18.
    Benchmark8,
    /// Days from quick check to guidance.
    Waiting,
    /// Follow-ups on time, late and outstanding.
    FollowUps,
}

impl ReportKind {
    /// Every report, in page order.
    pub const ALL: [ReportKind; 5] = [
        ReportKind::RagMix,
        ReportKind::Routes,
        ReportKind::Benchmark8,
        ReportKind::Waiting,
        ReportKind::FollowUps,
    ];

    /// The name in addresses and file names.
    pub fn slug(self) -> &'static str {
        match self {
            ReportKind::RagMix => "rag-mix",
            ReportKind::Routes => "routes",
            ReportKind::Benchmark8 => "benchmark-8",
            ReportKind::Waiting => "waiting",
            ReportKind::FollowUps => "follow-ups",
        }
    }

    fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.slug() == s)
    }

    fn heading(self) -> &'static str {
        match self {
            ReportKind::RagMix => "Quick-check results by year group",
            ReportKind::Routes => "Routes being considered",
            ReportKind::Benchmark8 => "Benchmark 8: guidance meetings by 16 and by 18",
            ReportKind::Waiting => "Waiting time from quick check to guidance",
            ReportKind::FollowUps => "Follow-ups done on time",
        }
    }
}

/// Everything the reports show for one school year, read in one go.
struct Figures {
    year: AcademicYear,
    today: Date,
    rag_all: RagByYear,
    rag_latest: RagByYear,
    routes: Vec<RouteCount>,
    meetings: Vec<MeetingStatus>,
    waits: Vec<Wait>,
    follow_ups: Vec<FollowUpDates>,
}

impl Figures {
    fn read(ctx: &mut Ctx<'_>, year: AcademicYear) -> Result<Figures, HandlerError> {
        let today = ctx.now.date();
        let db = ctx.db()?;
        let (rag_all, rag_latest) = db.rag_mix(year)?;
        Ok(Figures {
            year,
            today,
            rag_all,
            rag_latest,
            routes: db.routes(year)?,
            meetings: db.benchmark_8(year)?,
            waits: db.waits(year)?,
            follow_ups: db.follow_up_dates(year)?,
        })
    }
}

/// Benchmark 8 for one year group: how many students have and have not had the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingSummary {
    /// "Year 10".
    pub year: String,
    /// "by 16".
    pub milestone: &'static str,
    /// Students in the year group.
    pub students: usize,
    /// Have had the meeting.
    pub had: usize,
    /// Have not.
    pub not_had: usize,
    /// Who has not, "Surname, First name (group)".
    pub names: Vec<String>,
}

/// Groups the students by year group.
pub fn summarise_meetings(meetings: &[MeetingStatus]) -> Vec<MeetingSummary> {
    let mut out: Vec<(YearGroup, MeetingSummary)> = Vec::new();
    for m in meetings {
        let i = match out.iter().position(|(y, _)| *y == m.year) {
            Some(i) => i,
            None => {
                out.push((
                    m.year,
                    MeetingSummary {
                        year: m.year.to_string(),
                        milestone: m.milestone.label(),
                        students: 0,
                        had: 0,
                        not_had: 0,
                        names: Vec::new(),
                    },
                ));
                out.len() - 1
            }
        };
        let s = &mut out[i].1;
        s.students += 1;
        if m.latest.is_some() {
            s.had += 1;
        } else {
            s.not_had += 1;
            s.names.push(format!(
                "{}, {} ({})",
                m.surname, m.first_name, m.tutor_group
            ));
        }
    }
    out.sort_by_key(|(y, _)| *y);
    out.into_iter().map(|(_, s)| s).collect()
}

/// Waiting times for one result: how many sessions, the median and the longest wait in days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitSummary {
    /// The quick check's result.
    pub rag: Rag,
    /// Sessions counted.
    pub sessions: usize,
    /// The median wait in days (a half when the count is even and the middle two differ).
    pub median: Option<f64>,
    /// The longest wait in days.
    pub longest: Option<i64>,
}

/// The median of some whole numbers, `None` for none.
pub fn median(values: &mut [i64]) -> Option<f64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2] as f64),
        _ => Some((values[n / 2 - 1] + values[n / 2]) as f64 / 2.0),
    }
}

/// Waiting times by result, Red first.
pub fn summarise_waits(waits: &[Wait]) -> Vec<WaitSummary> {
    [Rag::Red, Rag::Amber, Rag::Green]
        .into_iter()
        .map(|rag| {
            let mut days: Vec<i64> = waits
                .iter()
                .filter(|w| w.rag == rag)
                .map(|w| w.days)
                .collect();
            WaitSummary {
                rag,
                sessions: days.len(),
                longest: days.iter().copied().max(),
                median: median(&mut days),
            }
        })
        .collect()
}

/// Follow-ups by outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FollowUpSummary {
    /// Done on or before the due date.
    pub on_time: i64,
    /// Done after it.
    pub late: i64,
    /// Not done yet.
    pub outstanding: i64,
    /// Of those not done, how many are past their due date.
    pub overdue: i64,
}

/// Sorts follow-ups into on time, late and outstanding as of `today`.
pub fn summarise_follow_ups(dates: &[FollowUpDates], today: Date) -> FollowUpSummary {
    let today = iso_date(today);
    let mut s = FollowUpSummary::default();
    for f in dates {
        match &f.done_on {
            Some(done) if *done <= f.due_on => s.on_time += 1,
            Some(_) => s.late += 1,
            None => {
                s.outstanding += 1;
                if f.due_on < today {
                    s.overdue += 1;
                }
            }
        }
    }
    s
}

/// Days as text: "4" or "4.5", "–" for none.
fn days(d: Option<f64>) -> String {
    match d {
        Some(d) if d.fract() == 0.0 => format!("{d:.0}"),
        Some(d) => format!("{d:.1}"),
        None => "–".into(),
    }
}

/// Routes added up over year groups, per option, in first-seen (alphabetical) order.
fn route_totals(routes: &[RouteCount]) -> Vec<(String, i64, i64)> {
    let mut out: Vec<(String, i64, i64)> = Vec::new();
    for r in routes {
        match out.iter_mut().find(|(l, _, _)| *l == r.label) {
            Some((_, d, c)) => {
                *d += r.definitely;
                *c += r.considering;
            }
            None => out.push((r.label.clone(), r.definitely, r.considering)),
        }
    }
    out
}

/// A table on the page: a caption, headings, and rows whose first cell heads the row.
#[derive(Debug, Clone, Serialize)]
struct Table {
    id: String,
    caption: String,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

/// One report on the page.
#[derive(Debug, Serialize)]
struct Section {
    slug: &'static str,
    heading: &'static str,
    intro: String,
    chart: String,
    tables: Vec<Table>,
    /// Benchmark 8 only: who has not had the meeting, by year group.
    not_had: Vec<MeetingSummary>,
}

fn rag_rows(counts: &[(YearGroup, RagCounts)]) -> Vec<Vec<String>> {
    counts
        .iter()
        .map(|(y, c)| {
            vec![
                y.to_string(),
                c.red.to_string(),
                c.amber.to_string(),
                c.green.to_string(),
                c.total().to_string(),
            ]
        })
        .collect()
}

fn rag_groups(counts: &[(YearGroup, RagCounts)]) -> Vec<(String, Vec<i64>)> {
    counts
        .iter()
        .map(|(y, c)| (y.to_string(), vec![c.red, c.amber, c.green]))
        .collect()
}

const RAG_SERIES: &[&str] = &["Red", "Amber", "Green"];

/// A chart described by the table `table`.
fn chart(title: &str, table: &str, series: &[&str], groups: Vec<(String, Vec<i64>)>) -> String {
    BarChart {
        id: &format!("{table}-chart"),
        title,
        table_id: table,
        series,
        groups,
    }
    .svg()
}
const RAG_HEADER: [&str; 5] = ["Year group", "Red", "Amber", "Green", "Total"];

impl Figures {
    fn section(&self, kind: ReportKind) -> Section {
        let slug = kind.slug();
        let mut s = Section {
            slug,
            heading: kind.heading(),
            intro: String::new(),
            chart: String::new(),
            tables: Vec::new(),
            not_had: Vec::new(),
        };
        match kind {
            ReportKind::RagMix => {
                s.intro = "The first table counts every quick check done this year; the second \
                           counts only each student's latest one, for quick checks linked to a \
                           student record. The chart shows the latest per student."
                    .into();
                s.chart = chart(
                    "Latest quick-check result per student, by year group",
                    "rag-latest",
                    RAG_SERIES,
                    rag_groups(&self.rag_latest),
                );
                s.tables = vec![
                    Table {
                        id: "rag-all".into(),
                        caption: "All quick checks, by year group".into(),
                        header: RAG_HEADER.to_vec(),
                        rows: rag_rows(&self.rag_all),
                    },
                    Table {
                        id: "rag-latest".into(),
                        caption: "Latest quick check per student, by year group".into(),
                        header: RAG_HEADER.to_vec(),
                        rows: rag_rows(&self.rag_latest),
                    },
                ];
            }
            ReportKind::Routes => {
                s.intro = "How many of this year's quick checks marked each option \
                           \"definitely considering\" or \"considering\"."
                    .into();
                let totals = route_totals(&self.routes);
                s.chart = chart(
                    "Options considered, all year groups",
                    "routes-table",
                    &["Definitely", "Considering"],
                    totals
                        .iter()
                        .map(|(l, d, c)| (l.clone(), vec![*d, *c]))
                        .collect(),
                );
                s.tables = vec![Table {
                    id: "routes-table".into(),
                    caption: "Options considered, by year group".into(),
                    header: vec![
                        "Option",
                        "Year group",
                        "Definitely considering",
                        "Considering",
                    ],
                    rows: self
                        .routes
                        .iter()
                        .map(|r| {
                            vec![
                                r.label.clone(),
                                r.year.to_string(),
                                r.definitely.to_string(),
                                r.considering.to_string(),
                            ]
                        })
                        .collect(),
                }];
            }
            ReportKind::Benchmark8 => {
                s.intro = "Students in Years 10 and 11 should have had a guidance meeting by 16, \
                           and students in Years 12 and 13 a further one by 18. A meeting counts \
                           when its guidance record says so and it was held by the end of this \
                           school year; year groups are as they are now in the student records."
                    .into();
                let summary = summarise_meetings(&self.meetings);
                s.chart = chart(
                    "Guidance meetings had and not had, by year group",
                    "b8-table",
                    &["Had", "Not had"],
                    summary
                        .iter()
                        .map(|m| (m.year.clone(), vec![m.had as i64, m.not_had as i64]))
                        .collect(),
                );
                s.tables = vec![Table {
                    id: "b8-table".into(),
                    caption: "Guidance meetings by year group".into(),
                    header: vec!["Year group", "Meeting", "Students", "Had", "Not had"],
                    rows: summary
                        .iter()
                        .map(|m| {
                            vec![
                                m.year.clone(),
                                m.milestone.to_string(),
                                m.students.to_string(),
                                m.had.to_string(),
                                m.not_had.to_string(),
                            ]
                        })
                        .collect(),
                }];
                s.not_had = summary.into_iter().filter(|m| m.not_had > 0).collect();
            }
            ReportKind::Waiting => {
                s.intro = "Whole days from a student's quick check to the guidance session after \
                           it, for sessions held this year, by the quick check's result. The chart \
                           leaves out results with no sessions."
                    .into();
                let w = summarise_waits(&self.waits);
                s.chart = chart(
                    "Median and longest wait in days, by result",
                    "waiting-table",
                    &["Median", "Longest"],
                    w.iter()
                        .filter(|w| w.sessions > 0)
                        .map(|w| {
                            (
                                w.rag.word().to_string(),
                                vec![
                                    w.median.unwrap_or(0.0).round() as i64,
                                    w.longest.unwrap_or(0),
                                ],
                            )
                        })
                        .collect(),
                );
                s.tables = vec![Table {
                    id: "waiting-table".into(),
                    caption: "Waiting time in days, by quick-check result".into(),
                    header: vec!["Result", "Sessions", "Median days", "Longest days"],
                    rows: w
                        .iter()
                        .map(|w| {
                            vec![
                                w.rag.word().to_string(),
                                w.sessions.to_string(),
                                days(w.median),
                                days(w.longest.map(|d| d as f64)),
                            ]
                        })
                        .collect(),
                }];
            }
            ReportKind::FollowUps => {
                s.intro = "Follow-ups due this year: done on or before the due date, done after \
                           it, or not done yet (and of those, how many are past their date)."
                    .into();
                let f = summarise_follow_ups(&self.follow_ups, self.today);
                s.chart = chart(
                    "Follow-ups by outcome",
                    "follow-ups-table",
                    &["On time", "Late", "Outstanding"],
                    vec![(
                        "Follow-ups".to_string(),
                        vec![f.on_time, f.late, f.outstanding],
                    )],
                );
                let row = |what: &str, n: i64| vec![what.to_string(), n.to_string()];
                s.tables = vec![Table {
                    id: "follow-ups-table".into(),
                    caption: "Follow-ups by outcome".into(),
                    header: vec!["Outcome", "Follow-ups"],
                    rows: vec![
                        row("Done on time", f.on_time),
                        row("Done late", f.late),
                        row("Outstanding", f.outstanding),
                        row("Of which overdue", f.overdue),
                        row("All due this year", f.on_time + f.late + f.outstanding),
                    ],
                }];
            }
        }
        s
    }

    /// The report as a CSV sheet: one row per figure, the school year in the first column, so
    /// several years can be pasted one under another.
    fn sheet(&self, kind: ReportKind) -> Sheet {
        let year = self.year.label();
        let with_year = |header: Vec<&'static str>, rows: Vec<Vec<String>>| Sheet {
            header: std::iter::once("Academic year").chain(header).collect(),
            rows: rows
                .into_iter()
                .map(|r| std::iter::once(year.clone()).chain(r).collect())
                .collect(),
        };
        let rag = |counted: &str, counts: &[(YearGroup, RagCounts)]| -> Vec<Vec<String>> {
            counts
                .iter()
                .map(|(y, c)| {
                    vec![
                        counted.to_string(),
                        y.get().to_string(),
                        c.red.to_string(),
                        c.amber.to_string(),
                        c.green.to_string(),
                        c.total().to_string(),
                    ]
                })
                .collect()
        };
        match kind {
            ReportKind::RagMix => with_year(
                vec!["Counted", "Year group", "Red", "Amber", "Green", "Total"],
                rag("All quick checks", &self.rag_all)
                    .into_iter()
                    .chain(rag("Latest per student", &self.rag_latest))
                    .collect(),
            ),
            ReportKind::Routes => with_year(
                vec![
                    "Option",
                    "Year group",
                    "Definitely considering",
                    "Considering",
                ],
                self.routes
                    .iter()
                    .map(|r| {
                        vec![
                            r.label.clone(),
                            r.year.get().to_string(),
                            r.definitely.to_string(),
                            r.considering.to_string(),
                        ]
                    })
                    .collect(),
            ),
            ReportKind::Benchmark8 => with_year(
                vec![
                    "Surname",
                    "First name",
                    "Tutor group",
                    "Year group",
                    "Benchmark 8 meeting",
                    "Had meeting",
                    "Latest meeting date",
                ],
                self.meetings
                    .iter()
                    .map(|m| {
                        vec![
                            m.surname.clone(),
                            m.first_name.clone(),
                            m.tutor_group.clone(),
                            m.year.get().to_string(),
                            match m.milestone {
                                Milestone::By16 => "By 16",
                                Milestone::By18 => "By 18",
                            }
                            .to_string(),
                            yes_no(m.latest.is_some()),
                            m.latest.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            ),
            ReportKind::Waiting => with_year(
                vec!["Result", "Sessions", "Median days", "Longest days"],
                summarise_waits(&self.waits)
                    .iter()
                    .map(|w| {
                        vec![
                            w.rag.word().to_string(),
                            w.sessions.to_string(),
                            w.median.map(|m| m.to_string()).unwrap_or_default(),
                            w.longest.map(|m| m.to_string()).unwrap_or_default(),
                        ]
                    })
                    .collect(),
            ),
            ReportKind::FollowUps => {
                let f = summarise_follow_ups(&self.follow_ups, self.today);
                with_year(
                    vec!["Due", "Done on time", "Done late", "Outstanding", "Overdue"],
                    vec![vec![
                        (f.on_time + f.late + f.outstanding).to_string(),
                        f.on_time.to_string(),
                        f.late.to_string(),
                        f.outstanding.to_string(),
                        f.overdue.to_string(),
                    ]],
                )
            }
        }
    }
}

/// The school year asked for (`?year=2026` for 2026-27), or the current one.
fn chosen_year(ctx: &Ctx<'_>, req: &Request) -> Result<AcademicYear, HandlerError> {
    let current = AcademicYear::containing(ctx.now.date());
    match req
        .query
        .get("year")
        .map(str::trim)
        .filter(|y| !y.is_empty())
    {
        None => Ok(current),
        Some(y) => y
            .parse()
            .ok()
            .and_then(AcademicYear::starting)
            .ok_or_else(|| {
                HandlerError::BadRequest(format!(
                    "The school year `{}` is not one the reports know: choose one from the list, \
                     e.g. {} for {}.",
                    y.chars().take(20).collect::<String>(),
                    current.start_year(),
                    current.label()
                ))
            }),
    }
}

#[derive(Serialize)]
struct YearChoice {
    value: i32,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct ReportsPage {
    year: String,
    year_value: i32,
    years: Vec<YearChoice>,
    sections: Vec<Section>,
}

/// `GET /staff/reports`: every report for the chosen school year.
pub fn page(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let year = chosen_year(ctx, req)?;
    let current = AcademicYear::containing(ctx.now.date());
    let figures = Figures::read(ctx, year)?;
    let mut years = ctx.db()?.report_years(current)?;
    if !years.contains(&year) {
        years.push(year);
        years.sort_by(|a, b| b.cmp(a));
    }
    let data = ReportsPage {
        year: year.label(),
        year_value: year.start_year(),
        years: years
            .into_iter()
            .map(|y| YearChoice {
                value: y.start_year(),
                label: y.label(),
                selected: y == year,
            })
            .collect(),
        sections: ReportKind::ALL
            .into_iter()
            .map(|k| figures.section(k))
            .collect(),
    };
    // The page names students who have not had their meeting, so opening it is logged.
    audit(
        ctx,
        AuditAction::View,
        &format!("reports {}", year.label()),
        None,
    )?;
    ctx.page(200, "staff_reports.html", "Reports", &data)
}

/// Writes the export's line in the audit log and sends the file.
fn send_csv(
    ctx: &mut Ctx<'_>,
    record: &str,
    name: &str,
    sheet: &Sheet,
) -> Result<Response, HandlerError> {
    let bytes = sheet
        .to_bytes()
        .map_err(|e| HandlerError::BadRequest(format!("The CSV file could not be made: {e}")))?;
    audit(ctx, AuditAction::Export, record, None)?;
    Ok(attachment("text/csv; charset=utf-8", name, &bytes))
}

/// `GET /staff/reports.csv?report=rag-mix|routes|benchmark-8|waiting|follow-ups[&year=2026]`.
pub fn csv(ctx: &mut Ctx<'_>, req: &Request) -> Result<Response, HandlerError> {
    let asked = req.query.text("report");
    let kind = ReportKind::parse(asked.trim()).ok_or_else(|| {
        HandlerError::BadRequest(format!(
            "There is no report called `{}`. Use one of: {}.",
            asked.chars().take(30).collect::<String>(),
            ReportKind::ALL.map(ReportKind::slug).join(", ")
        ))
    })?;
    let year = chosen_year(ctx, req)?;
    let figures = Figures::read(ctx, year)?;
    let sheet = figures.sheet(kind);
    let name = format!("{}-{}.csv", kind.slug(), year.label());
    send_csv(ctx, &format!("report {}", kind.slug()), &name, &sheet)
}

/// Column headings of the guidance records' CSV (documented in docs/kiosk.md, under "Reports and
/// CSV files").
const GUIDANCE_COLUMNS: &[&str] = &[
    "Guidance ID",
    "Date",
    "Surname",
    "First name",
    "Tutor group",
    "Year group",
    "Adviser",
    "Quick check result",
    "Intended destination",
    "Destination detail",
    "Meeting by 16",
    "Meeting by 18",
    "Agreed actions",
    "Follow-up due",
    "Follow-up done",
    "Referred back",
    "Notes",
];

/// `GET /staff/guidance.csv`: every guidance record, one row each.
pub fn guidance_csv(ctx: &mut Ctx<'_>, _req: &Request) -> Result<Response, HandlerError> {
    let rows = ctx.db()?.guidance_rows()?;
    let sheet = Sheet {
        header: GUIDANCE_COLUMNS.to_vec(),
        rows: rows
            .into_iter()
            .map(|g| {
                vec![
                    g.id.to_string(),
                    g.held_on,
                    g.surname,
                    g.first_name,
                    g.tutor_group,
                    g.year.map(|y| y.get().to_string()).unwrap_or_default(),
                    g.adviser,
                    g.rag.map(|r| r.word().to_string()).unwrap_or_default(),
                    destination_label(&g.destination).to_string(),
                    g.destination_detail,
                    yes_no(g.meeting_by_16),
                    yes_no(g.meeting_by_18),
                    g.actions.join("; "),
                    g.follow_up_due.unwrap_or_default(),
                    g.follow_up_done.unwrap_or_default(),
                    yes_no(g.referred_back),
                    g.notes,
                ]
            })
            .collect(),
    };
    let name = format!("guidance-{}.csv", iso_date(ctx.now.date()));
    send_csv(ctx, "guidance records", &name, &sheet)
}

/// How an intended destination is written in the CSV.
fn destination_label(stored: &str) -> &str {
    match stored {
        "education" => "Education",
        "apprenticeship" => "Apprenticeship",
        "employment" => "Employment",
        "other" => "Other",
        "undecided" => "Undecided",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [9, 1, 5]), Some(5.0));
        assert_eq!(median(&mut [10, 2, 4, 7]), Some(5.5));
        assert_eq!(days(Some(5.5)), "5.5");
        assert_eq!(days(Some(5.0)), "5");
        assert_eq!(days(None), "–");
    }

    #[test]
    fn follow_ups_on_the_due_date_are_on_time() {
        let f = |due: &str, done: Option<&str>| FollowUpDates {
            due_on: due.into(),
            done_on: done.map(Into::into),
        };
        let s = summarise_follow_ups(
            &[
                f("2026-11-10", Some("2026-11-10")),
                f("2026-11-10", Some("2026-11-09")),
                f("2026-11-10", Some("2026-11-11")),
                f("2026-11-30", None),
                f("2026-12-01", None),
                f("2026-12-20", None),
            ],
            date!(2026 - 12 - 01),
        );
        assert_eq!(
            s,
            FollowUpSummary {
                on_time: 2,
                late: 1,
                outstanding: 3,
                overdue: 1
            }
        );
    }

    #[test]
    fn every_report_kind_round_trips_its_slug() {
        for k in ReportKind::ALL {
            assert_eq!(ReportKind::parse(k.slug()), Some(k));
        }
        assert_eq!(ReportKind::parse("nope"), None);
    }
}
