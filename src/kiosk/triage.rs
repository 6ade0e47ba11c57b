//! Scoring the quick careers check: answers in, a Red/Amber/Green result and minutes out.
//!
//! Pure functions over the settings from `triage.toml`, so the rules a school configures can be
//! tested as a table without a server or a database.
//!
//! Two rules follow the Pathway Planner model whatever the settings say: a student who asks
//! for extra support (or whom staff have recorded as having additional needs) gets Red, the
//! long session; and a student considering no option at all is never Green.

use super::config::{SessionMinutes, TriageSettings};
use super::domain::{Consideration, Rag, YearGroup};

/// One student's answers to the quick check, already checked against the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    /// The student's year group.
    pub year: YearGroup,
    /// For each option shown (by id), how seriously it is being considered.
    pub options: Vec<(String, Consideration)>,
    /// For each readiness question (by id), the index of the chosen answer.
    pub questions: Vec<(String, usize)>,
    /// "I would like extra support".
    pub extra_support: bool,
}

/// The result of the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The readiness result.
    pub rag: Rag,
    /// Minutes of guidance the result calls for.
    pub minutes: u16,
    /// Points scored on the readiness questions.
    pub score: u16,
    /// The most that could be scored by this year group.
    pub max_score: u16,
    /// Rules that forced Red, for the adviser (never shown to other students).
    pub red_because: Vec<RedReason>,
}

/// Why a rule made the result Red.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedReason {
    /// An option with this tag is being considered (e.g. an apprenticeship).
    Considering(String),
    /// The student asked for extra support.
    ExtraSupport,
    /// No option is being considered at all.
    NothingConsidered,
    /// Staff have recorded additional needs for the student (see [`StaffRecord`]).
    AdditionalNeedsRecorded,
}

/// What staff have recorded about a student, for the staff side of the kiosk to pass in.
/// The model tags additional needs in its system, so a student who does not tick "extra
/// support" still gets the long session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StaffRecord {
    /// Staff have recorded that the student has additional needs (a yes/no, never a diagnosis).
    pub additional_needs: bool,
}

/// Answers that do not fit the questionnaire (a tampered or out-of-date form).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriageError {
    /// An option id the year group is not asked about.
    #[error("unknown option `{0}`")]
    UnknownOption(String),
    /// An option left without an answer.
    #[error("no answer for option `{0}`")]
    MissingOption(String),
    /// A question id the year group is not asked.
    #[error("unknown question `{0}`")]
    UnknownQuestion(String),
    /// A question left without an answer.
    #[error("no answer for question `{0}`")]
    MissingQuestion(String),
    /// An answer index past the end of the list.
    #[error("answer {1} is not one of the answers to `{0}`")]
    BadAnswer(String, usize),
}

/// Scores a student's answers when nothing is recorded about them by staff.
pub fn assess(
    settings: &TriageSettings,
    minutes: &SessionMinutes,
    answers: &Answers,
) -> Result<Assessment, TriageError> {
    assess_with_record(settings, minutes, answers, StaffRecord::default())
}

/// Scores a student's answers, taking what staff have recorded into account.
///
/// Red when the student asks for extra support, staff have recorded additional needs, or any
/// `always_red` rule matches; otherwise by the share of the maximum score: Green at or above
/// `green_from_percent`, Amber at or above `amber_from_percent`, else Red. A student who
/// considers no option is never Green.
pub fn assess_with_record(
    settings: &TriageSettings,
    minutes: &SessionMinutes,
    answers: &Answers,
    record: StaffRecord,
) -> Result<Assessment, TriageError> {
    let pathways = settings
        .pathways_for(answers.year)
        .ok_or_else(|| TriageError::UnknownOption(String::new()))?;

    for (id, _) in &answers.options {
        if !pathways.options.iter().any(|o| &o.id == id) {
            return Err(TriageError::UnknownOption(id.clone()));
        }
    }
    let mut considered_tags = Vec::new();
    let mut any_considered = false;
    for option in &pathways.options {
        let c = answers
            .options
            .iter()
            .find(|(id, _)| id == &option.id)
            .map(|(_, c)| *c)
            .ok_or_else(|| TriageError::MissingOption(option.id.clone()))?;
        if c.is_considered() {
            any_considered = true;
            considered_tags.extend(option.tags.iter().cloned());
        }
    }

    let asked: Vec<_> = settings.questions_for(answers.year).collect();
    for (id, _) in &answers.questions {
        if !asked.iter().any(|q| &q.id == id) {
            return Err(TriageError::UnknownQuestion(id.clone()));
        }
    }
    let mut score = 0u16;
    let mut max_score = 0u16;
    for q in &asked {
        let idx = answers
            .questions
            .iter()
            .find(|(id, _)| id == &q.id)
            .map(|(_, i)| *i)
            .ok_or_else(|| TriageError::MissingQuestion(q.id.clone()))?;
        let answer = q
            .answers
            .get(idx)
            .ok_or_else(|| TriageError::BadAnswer(q.id.clone(), idx))?;
        score = score.saturating_add(answer.score);
        max_score = max_score.saturating_add(q.answers.iter().map(|a| a.score).max().unwrap_or(0));
    }

    let rules = &settings.always_red;
    let mut red_because = Vec::new();
    for tag in &rules.considering_tags {
        if considered_tags.contains(tag) {
            red_because.push(RedReason::Considering(tag.clone()));
        }
    }
    // The model: extra support, asked for or recorded, always means the long session.
    if answers.extra_support {
        red_because.push(RedReason::ExtraSupport);
    }
    if record.additional_needs {
        red_because.push(RedReason::AdditionalNeedsRecorded);
    }
    if rules.nothing_considered && !any_considered {
        red_because.push(RedReason::NothingConsidered);
    }

    let rag = if !red_because.is_empty() {
        Rag::Red
    } else {
        // Integer percent, rounded down; a questionnaire worth nothing counts as fully ready.
        let percent = (u32::from(score) * 100)
            .checked_div(u32::from(max_score))
            .unwrap_or(100);
        let by_score = if percent >= u32::from(settings.scoring.green_from_percent) {
            Rag::Green
        } else if percent >= u32::from(settings.scoring.amber_from_percent) {
            Rag::Amber
        } else {
            Rag::Red
        };
        // Considering nothing is never Green: the model most wants to see these students.
        if by_score == Rag::Green && !any_considered {
            Rag::Amber
        } else {
            by_score
        }
    };
    Ok(Assessment {
        rag,
        minutes: minutes.for_rag(rag),
        score,
        max_score,
        red_because,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kiosk::config::{parse_triage, DEFAULT_TRIAGE_TOML};
    use Consideration::{Considering, Definitely, Not};

    fn settings() -> TriageSettings {
        parse_triage("triage.toml", DEFAULT_TRIAGE_TOML).unwrap()
    }

    /// Builds answers for `year` with every option `Not` except those listed, and every question
    /// answered with the given index (0 = best in the default file).
    fn answers(year: u8, considering: &[(&str, Consideration)], q: usize, extra: bool) -> Answers {
        let s = settings();
        let y = YearGroup::new(year).unwrap();
        let options = s
            .pathways_for(y)
            .unwrap()
            .options
            .iter()
            .map(|o| {
                let c = considering
                    .iter()
                    .find(|(id, _)| *id == o.id)
                    .map_or(Not, |(_, c)| *c);
                (o.id.clone(), c)
            })
            .collect();
        let questions = s.questions_for(y).map(|qq| (qq.id.clone(), q)).collect();
        Answers {
            year: y,
            options,
            questions,
            extra_support: extra,
        }
    }

    #[test]
    fn scoring_table() {
        let s = settings();
        let m = SessionMinutes::default();
        // (year, options considered, answer index for every question, extra support, expected)
        type Row<'a> = (u8, &'a [(&'a str, Consideration)], usize, bool, Rag, u16);
        let table: &[Row] = &[
            // Well prepared, no rules: Green, 20 minutes.
            (11, &[("a-levels", Definitely)], 0, false, Rag::Green, 20),
            (13, &[("university", Considering)], 0, false, Rag::Green, 20),
            (8, &[("sixth-form", Definitely)], 0, false, Rag::Green, 20),
            // Middle answers (half marks): Amber.
            (11, &[("a-levels", Definitely)], 1, false, Rag::Amber, 30),
            (12, &[("gap-year", Considering)], 1, false, Rag::Amber, 30),
            // Lowest answers: Red.
            (11, &[("t-levels", Considering)], 2, false, Rag::Red, 60),
            // An apprenticeship considered is always Red, even fully prepared.
            (
                11,
                &[("apprenticeship", Considering)],
                0,
                false,
                Rag::Red,
                60,
            ),
            (
                11,
                &[("apprenticeship", Definitely)],
                0,
                false,
                Rag::Red,
                60,
            ),
            (
                12,
                &[("degree-apprenticeship", Considering)],
                0,
                false,
                Rag::Red,
                60,
            ),
            (
                7,
                &[("apprenticeship", Considering)],
                0,
                false,
                Rag::Red,
                60,
            ),
            // ...but not when it is marked "not considering".
            (
                11,
                &[("apprenticeship", Not), ("a-levels", Definitely)],
                0,
                false,
                Rag::Green,
                20,
            ),
            // Asking for extra support is always Red.
            (11, &[("a-levels", Definitely)], 0, true, Rag::Red, 60),
            // Considering nothing is Red in the default file, however ready the answers.
            (11, &[], 0, false, Rag::Red, 60),
            (12, &[("gap-year", Not)], 1, false, Rag::Red, 60),
        ];
        for (year, considering, q, extra, rag, minutes) in table {
            let a = answers(*year, considering, *q, *extra);
            let r = assess(&s, &m, &a).unwrap();
            assert_eq!(
                (r.rag, r.minutes),
                (*rag, *minutes),
                "year {year}, {considering:?}, answers {q}, extra {extra}: {r:?}"
            );
        }
    }

    #[test]
    fn thresholds_are_inclusive_percentages() {
        let s = settings();
        let m = SessionMinutes::default();
        // Year 11 is asked 5 questions; answer 0 scores 2, answer 1 scores 1, answer 2 scores 0,
        // so the most is 10. Green from 75% (8 points), Amber from 45% (5 points).
        let table: &[([usize; 5], u16, Rag)] = &[
            ([0, 0, 0, 0, 0], 10, Rag::Green),
            ([0, 0, 0, 1, 1], 8, Rag::Green),
            ([0, 0, 1, 1, 1], 7, Rag::Amber),
            ([1, 1, 1, 1, 1], 5, Rag::Amber),
            ([2, 1, 1, 1, 1], 4, Rag::Red),
            ([2, 2, 2, 2, 2], 0, Rag::Red),
        ];
        for (picks, score, rag) in table {
            let mut a = answers(11, &[("a-levels", Definitely)], 0, false);
            for (q, pick) in a.questions.iter_mut().zip(picks) {
                q.1 = *pick;
            }
            let r = assess(&s, &m, &a).unwrap();
            assert_eq!(
                (r.score, r.max_score, r.rag),
                (*score, 10, *rag),
                "{picks:?}"
            );
        }
    }

    #[test]
    fn rules_and_lengths_are_configurable() {
        let mut s = settings();
        s.always_red.considering_tags.clear();
        let m = SessionMinutes {
            red: 45,
            amber: 25,
            green: 15,
            without_check: 25,
        };
        let a = answers(11, &[("apprenticeship", Definitely)], 0, false);
        let r = assess(&s, &m, &a).unwrap();
        assert_eq!((r.rag, r.minutes), (Rag::Green, 15));
        let a = answers(11, &[], 0, false);
        let r = assess(&s, &m, &a).unwrap();
        assert_eq!((r.rag, r.minutes), (Rag::Red, 45));
        assert_eq!(r.red_because, vec![RedReason::NothingConsidered]);
        s.scoring.green_from_percent = 100;
        let a = answers(11, &[("a-levels", Definitely)], 1, false);
        assert_eq!(assess(&s, &m, &a).unwrap().rag, Rag::Amber);
    }

    #[test]
    fn the_model_rules_hold_whatever_the_settings() {
        let mut s = settings();
        s.always_red.nothing_considered = false;
        let m = SessionMinutes::default();
        // Considering nothing is never Green, even with the Red rule off and full marks...
        let r = assess(&s, &m, &answers(11, &[], 0, false)).unwrap();
        assert_eq!((r.rag, r.minutes), (Rag::Amber, 30));
        // ...and low marks stay Red.
        let r = assess(&s, &m, &answers(11, &[], 2, false)).unwrap();
        assert_eq!(r.rag, Rag::Red);
        // Asking for extra support is Red even if the setting says otherwise.
        s.always_red.extra_support = false;
        let r = assess(&s, &m, &answers(11, &[("a-levels", Definitely)], 0, true)).unwrap();
        assert_eq!(r.red_because, vec![RedReason::ExtraSupport]);
        // Additional needs recorded by staff are Red without the student ticking the box.
        let a = answers(11, &[("a-levels", Definitely)], 0, false);
        let record = StaffRecord {
            additional_needs: true,
        };
        let r = assess_with_record(&s, &m, &a, record).unwrap();
        assert_eq!((r.rag, r.minutes), (Rag::Red, 60));
        assert_eq!(r.red_because, vec![RedReason::AdditionalNeedsRecorded]);
        assert_eq!(assess(&s, &m, &a).unwrap().rag, Rag::Green);
    }

    #[test]
    fn only_offered_years_are_checked() {
        let mut s = settings();
        s.quick_check.years = vec![YearGroup::new(11).unwrap(), YearGroup::new(12).unwrap()];
        let m = SessionMinutes::default();
        assert!(s.pathways_for(YearGroup::new(10).unwrap()).is_none());
        let a = answers(10, &[("a-levels", Definitely)], 0, false);
        assert!(assess(&s, &m, &a).is_err());
        let offered: Vec<u8> = s.offered_years().iter().map(|y| y.get()).collect();
        assert_eq!(offered, [11, 12]);
    }

    #[test]
    fn tampered_answers_are_refused() {
        let s = settings();
        let m = SessionMinutes::default();
        let mut a = answers(11, &[], 0, false);
        a.options.push(("university".into(), Definitely));
        assert_eq!(
            assess(&s, &m, &a),
            Err(TriageError::UnknownOption("university".into()))
        );
        let mut a = answers(11, &[], 0, false);
        a.options.pop();
        assert!(matches!(
            assess(&s, &m, &a),
            Err(TriageError::MissingOption(_))
        ));
        let mut a = answers(11, &[], 0, false);
        a.questions[0].1 = 7;
        assert!(matches!(
            assess(&s, &m, &a),
            Err(TriageError::BadAnswer(_, 7))
        ));
        let mut a = answers(8, &[], 0, false);
        a.questions.push(("how-to-apply".into(), 0));
        assert!(matches!(
            assess(&s, &m, &a),
            Err(TriageError::UnknownQuestion(_))
        ));
    }
}
