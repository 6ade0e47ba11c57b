//! The kiosk's settings, triage questionnaire and follow-up questions, read once at start from
//! `kiosk.toml`, `triage.toml` and `follow_up.toml` so a school can change them without touching
//! code.
//!
//! Each file is parsed into typed structs with unknown fields refused; every error names the
//! file, the line and the field. Copies of the default files are built into the binary and used
//! for any file the config folder does not have.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use time::Weekday;

use super::domain::{ClockTime, Rag, YearGroup};
use crate::clock::Zone;

/// The default `kiosk.toml`, used when the config folder has none.
pub const DEFAULT_KIOSK_TOML: &str = include_str!("../../kiosk/kiosk.toml");
/// The default `triage.toml`, used when the config folder has none.
pub const DEFAULT_TRIAGE_TOML: &str = include_str!("../../kiosk/triage.toml");
/// The default `follow_up.toml`, used when the config folder has none.
pub const DEFAULT_FOLLOW_UP_TOML: &str = include_str!("../../kiosk/follow_up.toml");

/// Everything the kiosk reads from its config folder.
#[derive(Debug, Clone)]
pub struct Config {
    /// From `kiosk.toml`.
    pub kiosk: KioskSettings,
    /// From `triage.toml`.
    pub triage: TriageSettings,
    /// From `follow_up.toml`.
    pub follow_up: FollowUpSettings,
    /// A `templates/` folder inside the config folder, whose files override the built-in ones.
    pub template_dir: Option<PathBuf>,
    /// Where each file came from, for the start-up message.
    pub sources: Vec<String>,
}

/// `kiosk.toml`: the school, timings and the adviser's usual week.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSettings {
    /// Shown at the top of every screen.
    pub school_name: String,
    /// Seconds without input before the screen returns to the start.
    #[serde(default = "default_idle")]
    pub idle_timeout_seconds: u32,
    /// Minutes without use after which a member of staff is signed out (the staff screens also
    /// return to the start after this long, which signs them out).
    #[serde(default = "default_staff_idle")]
    pub staff_idle_minutes: u32,
    /// How many days, counting today, a student may book ahead.
    #[serde(default = "default_days_ahead")]
    pub booking_days_ahead: u16,
    /// Sessions may start every this many minutes inside the adviser's availability.
    #[serde(default = "default_step")]
    pub slot_step_minutes: u16,
    /// Days after which triage answers never linked to a booking, cancelled bookings and old
    /// queue entries are deleted at start.
    #[serde(default = "default_retention")]
    pub retention_days: u16,
    /// Session length for each readiness result.
    #[serde(default)]
    pub session_minutes: SessionMinutes,
    /// The adviser's usual week; dates added with `signpost kiosk availability add` come on top.
    #[serde(default)]
    pub availability: Vec<WeeklyWindow>,
    /// Automatic daily backups.
    #[serde(default)]
    pub backup: BackupSettings,
    /// The school's IANA time zone (default Europe/London): the kiosk's clock follows its
    /// clock changes while it runs.
    #[serde(default, deserialize_with = "time_zone")]
    pub time_zone: Zone,
    /// Days after a guidance session that its follow-up falls due (the Pathway Planner model
    /// follows up three to four weeks later, so 21 to 28).
    #[serde(default = "default_follow_up_days")]
    pub follow_up_days: u16,
}

/// Reads `time_zone`, naming the field in the error (the message alone would not).
fn time_zone<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Zone, D::Error> {
    Zone::deserialize(d).map_err(|e| serde::de::Error::custom(format!("time_zone: {e}")))
}

fn default_follow_up_days() -> u16 {
    28
}

/// `follow_up.toml`: what a tutor asks a student a few weeks after guidance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpSettings {
    /// The questions, in order.
    pub questions: Vec<FollowUpQuestion>,
}

/// One follow-up question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpQuestion {
    /// Stable id stored with the answer.
    pub id: String,
    /// The question.
    pub text: String,
    /// The answers to pick from; none means the tutor types the answer.
    #[serde(default)]
    pub answers: Vec<String>,
}

/// `[backup]` in `kiosk.toml`: a copy of the database each day the kiosk runs, the oldest
/// deleted once there are more than `keep`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BackupSettings {
    /// How many daily copies to keep; 0 turns automatic backups off.
    #[serde(default = "default_keep")]
    pub keep: u16,
    /// The folder for the copies; a relative path is taken from the database file's folder.
    #[serde(default = "default_backup_folder")]
    pub folder: PathBuf,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            keep: default_keep(),
            folder: default_backup_folder(),
        }
    }
}

fn default_keep() -> u16 {
    14
}
fn default_backup_folder() -> PathBuf {
    PathBuf::from("backups")
}

fn default_idle() -> u32 {
    60
}
fn default_staff_idle() -> u32 {
    20
}
fn default_days_ahead() -> u16 {
    14
}
fn default_step() -> u16 {
    10
}
fn default_retention() -> u16 {
    365
}

/// Minutes of guidance for each result (the Pathway Planner suggests 60/30/20).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SessionMinutes {
    /// Red: needs the most help.
    pub red: u16,
    /// Amber.
    pub amber: u16,
    /// Green: ready, a short check.
    pub green: u16,
    /// For a student who books without doing the quick check first.
    pub without_check: u16,
}

impl Default for SessionMinutes {
    fn default() -> Self {
        SessionMinutes {
            red: 60,
            amber: 30,
            green: 20,
            without_check: 30,
        }
    }
}

impl SessionMinutes {
    /// The length for a result.
    pub fn for_rag(&self, rag: Rag) -> u16 {
        match rag {
            Rag::Red => self.red,
            Rag::Amber => self.amber,
            Rag::Green => self.green,
        }
    }
}

/// A day of the week on which the adviser is usually in, and when.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyWindow {
    /// e.g. "tuesday".
    pub day: DayName,
    /// e.g. "09:00".
    pub from: ClockTime,
    /// e.g. "12:30".
    pub to: ClockTime,
}

/// A weekday as written in `kiosk.toml`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum DayName {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl DayName {
    /// The matching `time` weekday.
    pub fn weekday(self) -> Weekday {
        match self {
            DayName::Monday => Weekday::Monday,
            DayName::Tuesday => Weekday::Tuesday,
            DayName::Wednesday => Weekday::Wednesday,
            DayName::Thursday => Weekday::Thursday,
            DayName::Friday => Weekday::Friday,
            DayName::Saturday => Weekday::Saturday,
            DayName::Sunday => Weekday::Sunday,
        }
    }
}

/// `triage.toml`: the quick careers check.
///
/// Which parts follow the Pathway Planner model and which are the school's choice is set out
/// in docs/kiosk.md: extra support always gives Red and considering nothing is never Green
/// (the model); the years offered, thresholds and the other Red rules are settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageSettings {
    /// Which year groups see the quick check (default: Years 11 and 12, as in the model).
    #[serde(default)]
    pub quick_check: QuickCheck,
    /// Percent thresholds for Green and Amber (default 75 and 45).
    #[serde(default)]
    pub scoring: Scoring,
    /// Answers that always give Red, whatever the score.
    #[serde(default)]
    pub always_red: AlwaysRed,
    /// One sentence per result saying what it means.
    pub results: ResultText,
    /// The yes/no "I would like extra support" question.
    pub extra_support: ExtraSupport,
    /// Which options each year group is asked about.
    pub pathways: Vec<Pathways>,
    /// Readiness questions, each answer worth a score.
    pub questions: Vec<Question>,
}

/// Which year groups are offered the quick check.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickCheck {
    /// The model triages Year 11 (post-16 choices) and Year 12 (post-18) after a
    /// pre-guidance session; a school may offer it to more years.
    #[serde(default = "model_years")]
    pub years: Vec<YearGroup>,
}

/// The years the Pathway Planner model triages.
fn model_years() -> Vec<YearGroup> {
    YearGroup::ALL
        .into_iter()
        .filter(|y| matches!(y.get(), 11 | 12))
        .collect()
}

impl Default for QuickCheck {
    fn default() -> Self {
        QuickCheck {
            years: model_years(),
        }
    }
}

/// Score thresholds, as a percentage of the most a year group can score.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scoring {
    /// At or above this percentage: Green.
    pub green_from_percent: u8,
    /// At or above this (and below Green): Amber; below: Red.
    pub amber_from_percent: u8,
}

impl Default for Scoring {
    /// The defaults documented in docs/kiosk.md.
    fn default() -> Self {
        Scoring {
            green_from_percent: 75,
            amber_from_percent: 45,
        }
    }
}

/// Rules that make the result Red regardless of score.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlwaysRed {
    /// Red if any option carrying one of these tags is definitely considered or considered.
    pub considering_tags: Vec<String>,
    /// Red if the student asks for extra support. This follows the model and cannot be turned
    /// off; the setting is kept so existing files still read.
    pub extra_support: bool,
    /// Red if the student is not considering any option at all. With this off, such a
    /// student is still never Green (the model wants to see them), but can be Amber.
    pub nothing_considered: bool,
}

impl Default for AlwaysRed {
    fn default() -> Self {
        AlwaysRed {
            considering_tags: vec!["apprenticeship".into()],
            extra_support: true,
            nothing_considered: true,
        }
    }
}

/// What each result means, in a sentence a student understands.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultText {
    /// Red.
    pub red: String,
    /// Amber.
    pub amber: String,
    /// Green.
    pub green: String,
}

impl ResultText {
    /// The sentence for a result.
    pub fn for_rag(&self, rag: Rag) -> &str {
        match rag {
            Rag::Red => &self.red,
            Rag::Amber => &self.amber,
            Rag::Green => &self.green,
        }
    }
}

/// Wording of the extra-support question (never a diagnosis: yes or no only).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraSupport {
    /// The question.
    pub question: String,
    /// A hint under it.
    #[serde(default)]
    pub hint: String,
}

/// The options one set of year groups chooses between.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pathways {
    /// Year groups this set is for.
    pub years: Vec<YearGroup>,
    /// The heading above the options, e.g. "After Year 11 I might...".
    pub heading: String,
    /// The options.
    pub options: Vec<PathOption>,
}

/// One next-step option, e.g. "An apprenticeship".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathOption {
    /// Stable id stored with the answers, e.g. "apprenticeship".
    pub id: String,
    /// What the student reads.
    pub label: String,
    /// Tags used by rules, e.g. "apprenticeship".
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A readiness question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id stored with the answers.
    pub id: String,
    /// The question.
    pub text: String,
    /// Year groups asked; empty means all.
    #[serde(default)]
    pub years: Vec<YearGroup>,
    /// The possible answers, in order.
    pub answers: Vec<Answer>,
}

/// One possible answer and what it scores.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// What the student reads.
    pub label: String,
    /// Points towards readiness.
    pub score: u16,
}

impl TriageSettings {
    /// The option set for a year group offered the quick check (validation guarantees there
    /// is exactly one); `None` for a year that is not offered it.
    pub fn pathways_for(&self, year: YearGroup) -> Option<&Pathways> {
        if !self.offers(year) {
            return None;
        }
        self.pathways.iter().find(|p| p.years.contains(&year))
    }

    /// Whether a year group is offered the quick check.
    pub fn offers(&self, year: YearGroup) -> bool {
        self.quick_check.years.contains(&year)
    }

    /// The year groups offered the quick check, in order, for the first step.
    pub fn offered_years(&self) -> Vec<YearGroup> {
        YearGroup::ALL
            .into_iter()
            .filter(|y| self.offers(*y))
            .collect()
    }

    /// The questions a year group is asked, in file order.
    pub fn questions_for(&self, year: YearGroup) -> impl Iterator<Item = &Question> {
        self.questions
            .iter()
            .filter(move |q| q.years.is_empty() || q.years.contains(&year))
    }
}

/// Why the config could not be used; printed once, naming the file, line and field.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but could not be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Not valid TOML, an unknown field, or a value of the wrong kind.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, naming the field.
        message: String,
    },
    /// Well-formed, but a value makes no sense.
    #[error("{file}:{line}: `{field}`: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// 1-based line (best effort: where the field first appears).
        line: usize,
        /// The field, e.g. `availability[0].to`.
        field: String,
        /// What is wrong.
        message: String,
    },
}

impl Config {
    /// Reads `kiosk.toml` and `triage.toml` from `dir`, falling back to the built-in copies.
    pub fn load(dir: Option<&Path>) -> Result<Config, ConfigError> {
        let mut sources = Vec::new();
        let (kiosk_name, kiosk_src) = read_or_default(dir, "kiosk.toml", DEFAULT_KIOSK_TOML)?;
        let (triage_name, triage_src) = read_or_default(dir, "triage.toml", DEFAULT_TRIAGE_TOML)?;
        let (follow_up_name, follow_up_src) =
            read_or_default(dir, "follow_up.toml", DEFAULT_FOLLOW_UP_TOML)?;
        let follow_up = parse_follow_up(&follow_up_name, &follow_up_src)?;
        let kiosk = parse_kiosk(&kiosk_name, &kiosk_src)?;
        let triage = parse_triage(&triage_name, &triage_src)?;
        sources.push(kiosk_name);
        sources.push(triage_name);
        sources.push(follow_up_name);
        let template_dir = dir.map(|d| d.join("templates")).filter(|d| d.is_dir());
        if let Some(t) = &template_dir {
            sources.push(format!("templates from {}", t.display()));
        }
        Ok(Config {
            kiosk,
            triage,
            follow_up,
            template_dir,
            sources,
        })
    }

    /// The built-in defaults, for tests and for a first run.
    pub fn defaults() -> Config {
        // The built-in files are checked by a unit test, so this cannot fail in a release.
        match Config::load(None) {
            Ok(c) => c,
            Err(e) => panic!("built-in kiosk config is invalid: {e}"),
        }
    }
}

fn read_or_default(
    dir: Option<&Path>,
    name: &str,
    fallback: &str,
) -> Result<(String, String), ConfigError> {
    if let Some(dir) = dir {
        let path = dir.join(name);
        if path.is_file() {
            let file = path.display().to_string();
            return match std::fs::read_to_string(&path) {
                Ok(s) => Ok((file, s)),
                Err(source) => Err(ConfigError::Read { file, source }),
            };
        }
    }
    Ok((format!("{name} (built-in)"), fallback.to_string()))
}

fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, src: &str) -> Result<T, ConfigError> {
    toml::from_str(src).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(src, s.start)).unwrap_or((1, 1));
        ConfigError::Parse {
            file: file.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })
}

fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Best-effort line of the first `key =` in the file, for errors found after parsing.
fn line_of_key(src: &str, key: &str) -> usize {
    src.lines()
        .position(|l| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
                || t.contains(&format!("{key} ="))
                || t.trim() == format!("[{key}]")
                || t.trim() == format!("[[{key}]]")
        })
        .map_or(1, |i| i + 1)
}

struct Checker<'a> {
    file: &'a str,
    src: &'a str,
}

impl Checker<'_> {
    fn fail(&self, field: impl Into<String>, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            file: self.file.to_string(),
            line: line_of_key(self.src, key),
            field: field.into(),
            message: message.into(),
        }
    }

    /// Question ids are stored with each answer, so they must be well formed and unique.
    fn question_id<'q>(
        &self,
        i: usize,
        id: &'q str,
        seen: &mut BTreeSet<&'q str>,
    ) -> Result<(), ConfigError> {
        if is_id(id) && seen.insert(id) {
            return Ok(());
        }
        Err(self.fail(
            format!("questions[{i}].id"),
            "id",
            format!("`{id}` must be a unique id of lower-case letters, digits and dashes"),
        ))
    }

    fn range(&self, field: &str, value: u32, lo: u32, hi: u32) -> Result<(), ConfigError> {
        if (lo..=hi).contains(&value) {
            Ok(())
        } else {
            let key = field.rsplit('.').next().unwrap_or(field);
            Err(self.fail(
                field,
                key,
                format!("must be between {lo} and {hi}, not {value}"),
            ))
        }
    }
}

/// Parses and checks `kiosk.toml`.
pub fn parse_kiosk(file: &str, src: &str) -> Result<KioskSettings, ConfigError> {
    let k: KioskSettings = parse_toml(file, src)?;
    let c = Checker { file, src };
    if k.school_name.trim().is_empty() {
        return Err(c.fail("school_name", "school_name", "must not be empty"));
    }
    c.range("idle_timeout_seconds", k.idle_timeout_seconds, 1, 3600)?;
    c.range("staff_idle_minutes", k.staff_idle_minutes, 1, 240)?;
    c.range("booking_days_ahead", k.booking_days_ahead.into(), 1, 90)?;
    c.range("slot_step_minutes", k.slot_step_minutes.into(), 5, 120)?;
    c.range("retention_days", k.retention_days.into(), 30, 3650)?;
    c.range("backup.keep", k.backup.keep.into(), 0, 3650)?;
    if !(21..=28).contains(&k.follow_up_days) {
        return Err(c.fail(
            "follow_up_days",
            "follow_up_days",
            format!(
                "must be between 21 and 28 (three to four weeks after guidance, as in the \
                 Pathway Planner model), not {}",
                k.follow_up_days
            ),
        ));
    }
    if k.backup.folder.as_os_str().is_empty() {
        return Err(c.fail(
            "backup.folder",
            "folder",
            "must name a folder, e.g. \"backups\"",
        ));
    }
    let s = k.session_minutes;
    for (name, v) in [
        ("session_minutes.red", s.red),
        ("session_minutes.amber", s.amber),
        ("session_minutes.green", s.green),
        ("session_minutes.without_check", s.without_check),
    ] {
        c.range(name, v.into(), 5, 240)?;
    }
    for (i, w) in k.availability.iter().enumerate() {
        if w.to <= w.from {
            return Err(c.fail(
                format!("availability[{i}].to"),
                "to",
                format!("{} is not after {}", w.to, w.from),
            ));
        }
    }
    Ok(k)
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Parses and checks `triage.toml`.
pub fn parse_triage(file: &str, src: &str) -> Result<TriageSettings, ConfigError> {
    let t: TriageSettings = parse_toml(file, src)?;
    let c = Checker { file, src };
    let sc = t.scoring;
    c.range(
        "scoring.green_from_percent",
        sc.green_from_percent.into(),
        0,
        100,
    )?;
    c.range(
        "scoring.amber_from_percent",
        sc.amber_from_percent.into(),
        0,
        100,
    )?;
    if !t.always_red.extra_support {
        return Err(c.fail(
            "always_red.extra_support",
            "extra_support",
            "cannot be false: a student who asks for extra support always gets the long (Red) session, as in the Pathway Planner model",
        ));
    }
    if t.quick_check.years.is_empty() {
        return Err(c.fail(
            "quick_check.years",
            "years",
            "lists no year groups; give at least one, e.g. years = [11, 12]",
        ));
    }
    if sc.amber_from_percent > sc.green_from_percent {
        return Err(c.fail(
            "scoring.amber_from_percent",
            "amber_from_percent",
            "must not be above green_from_percent",
        ));
    }
    let mut covered = BTreeSet::new();
    for (i, p) in t.pathways.iter().enumerate() {
        if p.years.is_empty() {
            return Err(c.fail(format!("pathways[{i}].years"), "years", "is empty"));
        }
        for y in &p.years {
            if !covered.insert(*y) {
                return Err(c.fail(
                    format!("pathways[{i}].years"),
                    "years",
                    format!("{y} already has a set of options"),
                ));
            }
        }
        if p.options.is_empty() {
            return Err(c.fail(format!("pathways[{i}].options"), "options", "is empty"));
        }
        let mut ids = BTreeSet::new();
        for (j, o) in p.options.iter().enumerate() {
            let field = format!("pathways[{i}].options[{j}].id");
            if !is_id(&o.id) {
                return Err(c.fail(
                    field,
                    "id",
                    format!("`{}` must be lower-case letters, digits and dashes", o.id),
                ));
            }
            if !ids.insert(o.id.as_str()) {
                return Err(c.fail(field, "id", format!("`{}` is used twice", o.id)));
            }
        }
    }
    for y in t.offered_years() {
        if !covered.contains(&y) {
            return Err(c.fail("pathways", "pathways", format!("no options for {y}")));
        }
        if t.questions_for(y).next().is_none() {
            return Err(c.fail("questions", "questions", format!("no questions for {y}")));
        }
    }
    let mut qids = BTreeSet::new();
    for (i, q) in t.questions.iter().enumerate() {
        c.question_id(i, &q.id, &mut qids)?;
        if q.answers.len() < 2 {
            return Err(c.fail(
                format!("questions[{i}].answers"),
                "answers",
                "needs at least two answers",
            ));
        }
    }
    Ok(t)
}

/// Parses and checks `follow_up.toml`.
pub fn parse_follow_up(file: &str, src: &str) -> Result<FollowUpSettings, ConfigError> {
    let f: FollowUpSettings = parse_toml(file, src)?;
    let c = Checker { file, src };
    if f.questions.is_empty() {
        return Err(c.fail(
            "questions",
            "questions",
            "lists no questions; add at least one [[questions]] block with id and text",
        ));
    }
    let mut ids = BTreeSet::new();
    for (i, q) in f.questions.iter().enumerate() {
        c.question_id(i, &q.id, &mut ids)?;
        if q.text.trim().is_empty() {
            return Err(c.fail(format!("questions[{i}].text"), "text", "must not be empty"));
        }
        if q.answers.len() == 1 || q.answers.iter().any(|a| a.trim().is_empty()) {
            return Err(c.fail(
                format!("questions[{i}].answers"),
                "answers",
                "needs two or more answers, none empty (or leave it out for a typed answer)",
            ));
        }
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_files_are_valid() {
        let c = Config::load(None).unwrap();
        assert_eq!(c.kiosk.idle_timeout_seconds, 60);
        assert_eq!(c.kiosk.session_minutes, SessionMinutes::default());
        for y in YearGroup::ALL {
            assert!(c.triage.pathways_for(y).is_some());
        }
    }

    #[test]
    fn time_zone_defaults_to_london_and_may_be_set() {
        let k = parse_kiosk("kiosk.toml", "school_name = \"A\"\n").unwrap();
        assert_eq!(k.time_zone.name(), "Europe/London");
        let src = "school_name = \"A\"\ntime_zone = \"Europe/Dublin\"\n";
        assert_eq!(
            parse_kiosk("kiosk.toml", src).unwrap().time_zone.name(),
            "Europe/Dublin"
        );
    }

    #[test]
    fn a_bad_time_zone_names_file_line_field_and_the_fix() {
        let src = "school_name = \"A\"\n\ntime_zone = \"Europe/Londn\"\n";
        let e = parse_kiosk("kiosk.toml", src).unwrap_err().to_string();
        assert!(e.starts_with("kiosk.toml:3:"), "{e}");
        assert!(e.contains("time_zone"), "{e}");
        assert!(e.contains("`Europe/Londn`"), "{e}");
        assert!(e.contains("\"Europe/London\""), "{e}");
    }

    #[test]
    fn unknown_field_names_file_line_and_field() {
        let src = "school_name = \"A\"\nidle_timout_seconds = 5\n";
        let e = parse_kiosk("kiosk.toml", src).unwrap_err().to_string();
        assert!(e.starts_with("kiosk.toml:2:"), "{e}");
        assert!(e.contains("idle_timout_seconds"), "{e}");
    }

    #[test]
    fn wrong_type_names_line() {
        let src = "school_name = \"A\"\n\n[session_minutes]\nred = \"long\"\namber = 30\ngreen = 20\nwithout_check = 30\n";
        let e = parse_kiosk("kiosk.toml", src).unwrap_err().to_string();
        assert!(e.starts_with("kiosk.toml:4:"), "{e}");
    }

    #[test]
    fn bad_time_and_range_are_explained() {
        let src = "school_name = \"A\"\n[[availability]]\nday = \"tuesday\"\nfrom = \"9am\"\nto = \"12:00\"\n";
        let e = parse_kiosk("k", src).unwrap_err().to_string();
        assert!(e.contains("k:4:") && e.contains("9am"), "{e}");

        let src = "school_name = \"A\"\n[[availability]]\nday = \"tuesday\"\nfrom = \"12:00\"\nto = \"09:00\"\n";
        let e = parse_kiosk("k", src).unwrap_err().to_string();
        assert!(e.contains("availability[0].to") && e.contains("k:5"), "{e}");

        let src = "school_name = \"A\"\nidle_timeout_seconds = 0\n";
        let e = parse_kiosk("k", src).unwrap_err().to_string();
        assert!(e.contains("k:2: `idle_timeout_seconds`"), "{e}");

        let src = "school_name = \"A\"\n[[availability]]\nday = \"funday\"\nfrom = \"09:00\"\nto = \"10:00\"\n";
        let e = parse_kiosk("k", src).unwrap_err().to_string();
        assert!(e.contains("k:3:") && e.contains("funday"), "{e}");
    }

    #[test]
    fn triage_checks_year_coverage_and_ids() {
        let bad_years = DEFAULT_TRIAGE_TOML.replacen("years = [7, 8, 9]", "years = [7, 8]", 1);
        let e = parse_triage("t", &bad_years).unwrap_err().to_string();
        assert!(e.contains("no options for Year 9"), "{e}");

        let bad_year = DEFAULT_TRIAGE_TOML.replacen("years = [7, 8, 9]", "years = [6, 7, 8, 9]", 1);
        let e = parse_triage("t", &bad_year).unwrap_err().to_string();
        assert!(e.contains("year group"), "{e}");

        let bad_scoring =
            DEFAULT_TRIAGE_TOML.replacen("amber_from_percent = 45", "amber_from_percent = 90", 1);
        let e = parse_triage("t", &bad_scoring).unwrap_err().to_string();
        assert!(e.contains("amber_from_percent"), "{e}");
    }

    #[test]
    fn quick_check_defaults_follow_the_model() {
        // A file that leaves out [quick_check], [scoring] and [always_red].
        let minimal: String = DEFAULT_TRIAGE_TOML
            .split("\n[[pathways]]")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.split("\n[results]")
                        .nth(1)
                        .map(|r| format!("[results]{r}"))
                        .unwrap()
                } else {
                    format!("\n[[pathways]]{part}")
                }
            })
            .collect();
        let t = parse_triage("t", &minimal).unwrap();
        let years: Vec<u8> = t.offered_years().iter().map(|y| y.get()).collect();
        assert_eq!(years, [11, 12], "the model triages Years 11 and 12");
        assert_eq!(
            (t.scoring.green_from_percent, t.scoring.amber_from_percent),
            (75, 45)
        );
        assert!(t.always_red.extra_support && t.always_red.nothing_considered);
        assert_eq!(t.always_red.considering_tags, ["apprenticeship"]);
        // Only offered years need options: without the Years 7-9 block the file still reads.
        let without_7_9: String = minimal
            .split("\n[[pathways]]")
            .filter(|part| !part.contains("years = [7, 8, 9]"))
            .collect::<Vec<_>>()
            .join("\n[[pathways]]");
        assert!(parse_triage("t", &without_7_9).is_ok());
        let e = parse_triage(
            "t",
            &format!("[quick_check]\nyears = [8, 11]\n{without_7_9}"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no options for Year 8"), "{e}");
        let e = parse_triage(
            "t",
            &DEFAULT_TRIAGE_TOML.replacen("extra_support = true", "extra_support = false", 1),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("always_red.extra_support") && e.contains("Pathway Planner"),
            "{e}"
        );
        let e = parse_triage(
            "t",
            &DEFAULT_TRIAGE_TOML.replacen("years = [7, 8, 9, 10, 11, 12, 13]", "years = []", 1),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("quick_check.years"), "{e}");
    }

    #[test]
    fn missing_folder_files_fall_back_to_built_in() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("kiosk.toml"),
            "school_name = \"Hillside Academy\"\nidle_timeout_seconds = 90\n",
        )
        .unwrap();
        let c = Config::load(Some(dir.path())).unwrap();
        assert_eq!(c.kiosk.school_name, "Hillside Academy");
        assert_eq!(c.kiosk.idle_timeout_seconds, 90);
        assert!(c.sources[1].contains("built-in"));
    }

    #[test]
    fn follow_up_questions_default_and_errors_name_file_line_and_field() {
        let c = Config::defaults();
        assert_eq!(c.kiosk.follow_up_days, 28);
        assert!(c.follow_up.questions.len() >= 3);
        assert!(c.follow_up.questions.iter().any(|q| q.answers.len() >= 2));

        let src = "[[questions]]\nid = \"a\"\ntext = \"Done?\"\nanswers = [\"Yes\"]\n";
        let e = parse_follow_up("follow_up.toml", src)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("follow_up.toml:4: `questions[0].answers`"),
            "{e}"
        );

        let src =
            "[[questions]]\nid = \"a\"\ntext = \"x\"\n[[questions]]\nid = \"a\"\ntext = \"y\"\n";
        let e = parse_follow_up("f", src).unwrap_err().to_string();
        assert!(e.contains("questions[1].id") && e.contains("unique"), "{e}");

        let src = "[[questions]]\nid = \"a\"\ntxt = \"x\"\n";
        let e = parse_follow_up("f", src).unwrap_err().to_string();
        assert!(e.starts_with("f:3:") && e.contains("txt"), "{e}");

        let e = parse_follow_up("f", "questions = []\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("f:1: `questions`"), "{e}");

        let typed = parse_follow_up(
            "f",
            "[[questions]]\nid = \"said\"\ntext = \"What did you do?\"\n",
        )
        .unwrap();
        assert!(typed.questions[0].answers.is_empty());
    }

    #[test]
    fn follow_up_days_must_be_three_to_four_weeks() {
        let e = parse_kiosk("k", "school_name = \"A\"\nfollow_up_days = 7\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("k:2: `follow_up_days`") && e.contains("21 and 28"),
            "{e}"
        );
        let k = parse_kiosk("k", "school_name = \"A\"\nfollow_up_days = 21\n").unwrap();
        assert_eq!(k.follow_up_days, 21);
    }

    #[test]
    fn a_follow_up_file_in_the_folder_is_used() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("follow_up.toml"),
            "[[questions]]\nid = \"on-track\"\ntext = \"On track?\"\nanswers = [\"Yes\", \"No\"]\n",
        )
        .unwrap();
        let c = Config::load(Some(dir.path())).unwrap();
        assert_eq!(c.follow_up.questions.len(), 1);
        assert!(c.sources.iter().any(|s| s.ends_with("follow_up.toml")));
        std::fs::write(
            dir.path().join("follow_up.toml"),
            "[[questions]]\nid = \"x\"\n",
        )
        .unwrap();
        let e = Config::load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("follow_up.toml") && e.contains("text"), "{e}");
    }
}
