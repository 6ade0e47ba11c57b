//! What every settings table and page kind may hold, field by field, in a careers leader's words.
//!
//! The loader checks a file against these lists before the typed model is built, so it can
//! report every problem in the file (not only the first) and say what a value should look like
//! ("a whole number like 10, without quotes") instead of repeating a parser's message. The same
//! lists are tested against docs/content-model.md so the docs and the code cannot drift apart.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::de::{DeValue, ValueDeserializer};
use toml::Spanned;

use super::model::*;

/// Runs the model's own deserializer on one value, for range and word checks (year 14,
/// Benchmark 9, 30 February, "on_track"), which the model explains in words already.
pub type Check = fn(&Spanned<DeValue<'_>>) -> Option<toml::de::Error>;

fn check<T: DeserializeOwned>(v: &Spanned<DeValue<'_>>) -> Option<toml::de::Error> {
    let mut owned = v.clone();
    owned.get_mut().make_owned();
    T::deserialize(ValueDeserializer::from(owned)).err()
}

/// The shape of a value, as TOML writes it.
#[derive(Clone, Copy)]
pub enum Shape {
    Text,
    Whole,
    Number,
    Bool,
    Date,
    /// A list in square brackets of values of one shape.
    List(&'static Shape),
    /// A `[name]` table.
    Table(&'static [Field]),
    /// `[[name]]` rows.
    Rows(&'static [Field]),
}

impl Shape {
    /// What a value of this shape looks like, for messages: "a whole number like 10".
    pub fn words(self, example: &str) -> String {
        match self {
            Shape::Text => format!("text in \"double quotes\", like {example}"),
            Shape::Whole => format!("a whole number like {example}"),
            Shape::Number => format!("a number like {example}"),
            Shape::Bool => "true or false".into(),
            Shape::Date => format!("a date written YEAR-MONTH-DAY, like {example}"),
            Shape::List(_) => format!("a list in square brackets, like {example}"),
            Shape::Table(_) => "a table of settings".into(),
            Shape::Rows(_) => "one or more rows".into(),
        }
    }

    /// Whether `v` has this shape. Dates may also be written in quotes, as the model accepts.
    pub fn fits(self, v: &DeValue<'_>) -> bool {
        match self {
            Shape::Text => v.is_str(),
            Shape::Whole => v.is_integer(),
            Shape::Number => v.is_integer() || v.is_float(),
            Shape::Bool => v.is_bool(),
            Shape::Date => v.is_datetime() || v.is_str(),
            Shape::List(_) => v.is_array(),
            Shape::Table(_) => v.is_table(),
            Shape::Rows(_) => v
                .as_array()
                .is_some_and(|a| a.iter().all(|e| e.get_ref().is_table())),
        }
    }
}

/// One field a table may hold.
#[derive(Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub shape: Shape,
    pub required: bool,
    /// A value that works, as it is written in the file: shown in messages and used by tests.
    pub example: &'static str,
    pub check: Option<Check>,
}

const fn f(name: &'static str, shape: Shape, example: &'static str) -> Field {
    Field {
        name,
        shape,
        required: false,
        example,
        check: None,
    }
}

impl Field {
    const fn required(mut self) -> Field {
        self.required = true;
        self
    }

    const fn checked(mut self, check: Check) -> Field {
        self.check = Some(check);
        self
    }
}

const TEXT: Shape = Shape::Text;
const WHOLE: Shape = Shape::Whole;
const TEXTS: Shape = Shape::List(&Shape::Text);
const WHOLES: Shape = Shape::List(&Shape::Whole);

const SCHOOL: &[Field] = &[
    f("name", TEXT, "\"Riverside Academy\""),
    f("years", WHOLES, "[7, 8, 9, 10, 11]").checked(check::<Vec<YearGroup>>),
    f("website", TEXT, "\"https://www.riverside.example.sch.uk\""),
    f("address", TEXT, "\"Mill Lane, Riverton RV1 2AB\""),
    f("logo", TEXT, "\"static/logo.svg\""),
    f("logo_alt", TEXT, "\"Riverside Academy crest\""),
];

const SITE: &[Field] = &[
    f(
        "base_url",
        TEXT,
        "\"https://www.riverside.example.sch.uk/careers/\"",
    ),
    f("academic_year", TEXT, "\"2026-27\""),
    f("next_review", Shape::Date, "2027-07-16").checked(check::<Date>),
    f("updated", Shape::Date, "2026-09-01").checked(check::<Date>),
    f("theme", TEXT, "\"default\""),
];

const COLOURS: &[Field] = &[
    f("primary", TEXT, "\"#1f4e79\"").checked(check::<Colour>),
    f("accent", TEXT, "\"#7a2e0e\"").checked(check::<Colour>),
];

const CONTACT: &[Field] = &[
    f("name", TEXT, "\"Ms Priya Sharma\""),
    f("role", TEXT, "\"Careers Leader\""),
    f("email", TEXT, "\"careers@riverside.example.sch.uk\""),
    f("phone", TEXT, "\"01632 960 123\""),
];

const ADVISER: &[Field] = &[
    f("name", TEXT, "\"Mr Tom Okafor\"").required(),
    f("organisation", TEXT, "\"Riverton Careers Service\""),
    f(
        "qualification",
        TEXT,
        "\"Level 6 Diploma in Career Guidance and Development\"",
    ),
    f("qualification_level", WHOLE, "6"),
];

const TERM: &[Field] = &[
    f("name", TEXT, "\"Autumn term\""),
    f("start", Shape::Date, "2026-09-03")
        .required()
        .checked(check::<Date>),
    f("end", Shape::Date, "2026-12-18")
        .required()
        .checked(check::<Date>),
    f("closed", Shape::List(&Shape::Date), "[2026-10-23]").checked(check::<Vec<Date>>),
];

/// Every table of `signpost.toml`.
pub const SETTINGS: &[Field] = &[
    f("school", Shape::Table(SCHOOL), ""),
    f("site", Shape::Table(SITE), ""),
    f("colours", Shape::Table(COLOURS), ""),
    f("careers_leader", Shape::Table(CONTACT), ""),
    f("adviser", Shape::Table(ADVISER), ""),
    f("term", Shape::Rows(TERM), ""),
];

/// Fields every page may have, whatever its kind.
pub const COMMON: &[Field] = &[
    f("kind", TEXT, "\"page\"").checked(check::<Kind>),
    f("title", TEXT, "\"Our careers vision\""),
    f("menu", TEXT, "\"Guidance\""),
    f(
        "description",
        TEXT,
        "\"What careers education at our school is for.\"",
    ),
    f("weight", WHOLE, "3"),
    f("updated", Shape::Date, "2026-09-01").checked(check::<Date>),
    f("draft", Shape::Bool, "true"),
    f("lang", TEXT, "\"pl\"").checked(check::<super::lang::Lang>),
    f("translation_of", TEXT, "\"parents.md\""),
];

const ACTIVITY: &[Field] = &[
    f("title", TEXT, "\"Careers fair\"").required(),
    f("term", TEXT, "\"autumn\"")
        .required()
        .checked(check::<Term>),
    f("benchmarks", WHOLES, "[2, 5]")
        .required()
        .checked(check::<Vec<Benchmark>>),
    f("cdi", TEXTS, "[\"explore-possibilities\"]").checked(check::<Vec<CdiArea>>),
    f("who", TEXT, "\"All Year 10\""),
    f(
        "description",
        TEXT,
        "\"Students meet local employers and colleges.\"",
    ),
    f("date", Shape::Date, "2027-03-10").checked(check::<Date>),
];

const OUTCOME: &[Field] = &[
    f("by_end_of", WHOLE, "9")
        .required()
        .checked(check::<YearGroup>),
    f("area", TEXT, "\"manage-career\"")
        .required()
        .checked(check::<CdiArea>),
    f("text", TEXT, "\"I can name three routes after Year 11.\"").required(),
];

const ACTION: &[Field] = &[
    f("action", TEXT, "\"Run a careers fair\"").required(),
    f("owner", TEXT, "\"Careers Leader\""),
    f("due", Shape::Date, "2027-03-31").checked(check::<Date>),
    f("success", TEXT, "\"Every Year 10 student attends\""),
    f("status", TEXT, "\"on-track\"")
        .required()
        .checked(check::<Status>),
    f("progress", TEXT, "\"Venue booked\""),
];

const OBJECTIVE: &[Field] = &[
    f("title", TEXT, "\"Every student meets employers\"").required(),
    f("summary", TEXT, "\"Why this matters\""),
    f("action", Shape::Rows(ACTION), ""),
];

const DROP_IN: &[Field] = &[
    f("day", TEXT, "\"Tuesday\"").required(),
    f("time", TEXT, "\"12:30 to 13:15\"").required(),
    f("place", TEXT, "\"Library\""),
];

const ENCOUNTER: &[Field] = &[
    f("title", TEXT, "\"Options evening\"").required(),
    f("years", WHOLES, "[10, 11]")
        .required()
        .checked(check::<Vec<YearGroup>>),
    f("date", Shape::Date, "2027-01-20")
        .required()
        .checked(check::<Date>),
    f("providers", TEXT, "\"Riverton College\""),
    f("out_of_hours", Shape::Bool, "true"),
    f("covers", TEXTS, "[\"provider\", \"courses\"]").checked(check::<Vec<EncounterTopic>>),
];

const DESTINATION: &[Field] = &[
    f("cohort", TEXT, "\"Year 11 leavers 2025\"").required(),
    f("education", Shape::Number, "82"),
    f("apprenticeship", Shape::Number, "9"),
    f("employment", Shape::Number, "4"),
    f("not_settled", Shape::Number, "5"),
];

const DATE: Shape = Shape::Date;

const VISION: &[Field] = &[f("school_vision", TEXT, "\"Learning together.\"")];

const PROGRAMME: &[Field] = &[
    f("year", WHOLE, "10")
        .required()
        .checked(check::<YearGroup>),
    f("focus", TEXT, "\"Who am I?\""),
    f("activity", Shape::Rows(ACTIVITY), ""),
];

const LEARNING_JOURNEY: &[Field] = &[f("outcome", Shape::Rows(OUTCOME), "")];

const STRATEGIC_PLAN: &[Field] = &[
    f("period", TEXT, "\"2025-2028\""),
    f("approved_slt", DATE, "2025-07-01").checked(check::<Date>),
    f("approved_governors", DATE, "2025-07-10").checked(check::<Date>),
    f("review_date", DATE, "2026-07-15").checked(check::<Date>),
    f("objective", Shape::Rows(OBJECTIVE), ""),
];

const GUIDANCE: &[Field] = &[f("drop_in", Shape::Rows(DROP_IN), "")];

const PROVIDER_ACCESS: &[Field] = &[
    f("approved_governors", DATE, "2025-07-10").checked(check::<Date>),
    f("review_date", DATE, "2026-07-15").checked(check::<Date>),
    f("contact", Shape::Table(CONTACT), ""),
    f("encounter", Shape::Rows(ENCOUNTER), ""),
];

const IMPACT: &[Field] = &[f("destination", Shape::Rows(DESTINATION), "")];

/// The fields a page of `kind` takes beyond [`COMMON`].
pub fn fields_of(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::Vision => VISION,
        Kind::Programme => PROGRAMME,
        Kind::LearningJourney => LEARNING_JOURNEY,
        Kind::StrategicPlan => STRATEGIC_PLAN,
        Kind::Guidance => GUIDANCE,
        Kind::ProviderAccess => PROVIDER_ACCESS,
        Kind::Impact => IMPACT,
        _ => &[],
    }
}

/// Kind-specific fields of every kind, for "this field belongs on a ... page" hints.
pub fn kinds_with(field: &str) -> Vec<Kind> {
    Kind::ALL
        .iter()
        .copied()
        .filter(|k| fields_of(*k).iter().any(|f| f.name == field))
        .collect()
}

/// Reads the kind of a page from its front matter, so the right field list is used.
pub fn kind_of(v: &Spanned<DeValue<'_>>) -> Option<Kind> {
    let mut owned = v.clone();
    owned.get_mut().make_owned();
    Kind::deserialize(ValueDeserializer::from(owned)).ok()
}
