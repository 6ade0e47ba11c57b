//! The typed site: settings and pages, parsed once at the edge and trusted everywhere after.
//!
//! Domain values (`YearGroup`, `Benchmark`, `Status`, ...) validate themselves while the TOML is
//! read, so a bad value is reported with the line it stands on. They serialize for templates as
//! small objects carrying both the machine id and the words a reader sees.

use std::fmt;
use std::path::PathBuf;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::domain::bounded;

/// A calendar date. Accepts a TOML date (`2027-02-12`) or the same text in quotes, and rejects
/// dates that do not exist (30 February). Parsing and wording are shared with the kiosk in
/// [`crate::domain`]; this type adds what pages need (serde, the academic year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub time::Date);

impl Date {
    /// Parses `YYYY-MM-DD`, explaining what is wrong in words a careers leader can act on.
    pub fn parse(text: &str) -> Result<Date, String> {
        crate::domain::parse_iso_date(text)
            .map(Date)
            .map_err(|e| e.to_string())
    }

    /// Builds a date from numbers, explaining an impossible day or month.
    pub fn from_ymd(year: i32, month: i32, day: i32) -> Result<Date, String> {
        crate::domain::date_from_ymd(year, month, day)
            .map(Date)
            .map_err(|e| e.to_string())
    }

    /// `12 February 2027`: the way dates are written on UK school pages.
    pub fn long(&self) -> String {
        crate::domain::long_date(self.0)
    }

    /// `2027-02-12`, for machines (`<time datetime>`, sitemaps).
    pub fn iso(&self) -> String {
        crate::domain::iso_date(self.0)
    }

    /// The academic year (September to August) the date falls in, named by its first year.
    pub fn academic_year_start(&self) -> i32 {
        if (self.0.month() as u8) >= 9 {
            self.0.year()
        } else {
            self.0.year() - 1
        }
    }

    pub fn is_weekday(&self) -> bool {
        !matches!(
            self.0.weekday(),
            time::Weekday::Saturday | time::Weekday::Sunday
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.long())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Input {
            Toml(toml::value::Datetime),
            Text(String),
        }
        match Input::deserialize(d).map_err(|_| {
            de::Error::custom("expected a date written as YEAR-MONTH-DAY, e.g. 2027-02-12")
        })? {
            Input::Text(t) => Date::parse(&t).map_err(de::Error::custom),
            Input::Toml(dt) => match (dt.date, dt.time) {
                (Some(d), None) => Date::from_ymd(d.year.into(), d.month.into(), d.day.into())
                    .map_err(de::Error::custom),
                _ => Err(de::Error::custom(
                    "expected a date without a time, e.g. 2027-02-12",
                )),
            },
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Date", 2)?;
        st.serialize_field("iso", &self.iso())?;
        st.serialize_field("long", &self.long())?;
        st.end()
    }
}

/// Year groups and key stages are shared with the kiosk, so they live in [`crate::domain`].
pub use crate::domain::{KeyStage, YearGroup};

/// One of the eight Gatsby Benchmarks (2025 refresh).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Benchmark(u8);

impl Benchmark {
    pub fn all() -> impl Iterator<Item = Benchmark> {
        (1..=8).map(Benchmark)
    }

    pub fn number(self) -> u8 {
        self.0
    }

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "A stable careers programme",
            2 => "Learning from career and labour market information",
            3 => "Addressing the needs of each young person",
            4 => "Linking curriculum learning to careers",
            5 => "Encounters with employers and employees",
            6 => "Experiences of workplaces",
            7 => "Encounters with further and higher education",
            _ => "Personal guidance",
        }
    }
}

impl<'de> Deserialize<'de> for Benchmark {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bounded(d, 1..=8, "Gatsby Benchmark").map(Benchmark)
    }
}

impl Serialize for Benchmark {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Benchmark", 2)?;
        st.serialize_field("number", &self.0)?;
        st.serialize_field("name", self.name())?;
        st.end()
    }
}

/// Declares a closed set of words read from front matter (kebab-case) that serializes for
/// templates as `{ id, label }`, so a page always shows words, never bare codes.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $id:literal : $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $id)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn id(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut st = s.serialize_struct(stringify!($name), 2)?;
                st.serialize_field("id", self.id())?;
                st.serialize_field("label", self.label())?;
                st.end()
            }
        }
    };
}

word_enum!(
    /// The CDI Career Development Framework's six learning areas.
    CdiArea {
        Grow = "grow-throughout-life": "Grow throughout life",
        Explore = "explore-possibilities": "Explore possibilities",
        Manage = "manage-career": "Manage career",
        Create = "create-opportunities": "Create opportunities",
        Balance = "balance-life-and-work": "Balance life and work",
        BigPicture = "see-the-big-picture": "See the big picture",
    }
);

word_enum!(
    /// When in the school year an activity happens.
    Term {
        Autumn = "autumn": "Autumn term",
        Spring = "spring": "Spring term",
        Summer = "summer": "Summer term",
        AllYear = "all-year": "Throughout the year",
    }
);

word_enum!(
    /// What a provider encounter tells pupils: the parts section 42B(2A)(b) of the Education
    /// Act 1997 asks schools to request from every provider.
    EncounterTopic {
        Provider = "provider": "about the provider",
        Courses = "courses": "its technical qualifications or apprenticeships",
        Careers = "careers": "the careers they can lead to",
        Learning = "learning": "what learning or training there is like",
        Questions = "questions": "answers to pupils' questions",
    }
);

word_enum!(
    /// Progress of a strategic plan action, always shown as a word as well as a colour.
    Status {
        NotStarted = "not-started": "Not started",
        OnTrack = "on-track": "On track",
        AtRisk = "at-risk": "At risk",
        Done = "done": "Done",
    }
);

word_enum!(
    /// Which template renders a page and which fields it may carry.
    Kind {
        Home = "home": "Home",
        Vision = "vision": "Careers vision",
        Programme = "programme": "Careers programme",
        LearningJourney = "learning-journey": "Learning journey",
        StrategicPlan = "strategic-plan": "Strategic plan",
        Guidance = "guidance": "Personal guidance",
        ProviderAccess = "provider-access": "Provider access policy",
        Impact = "impact": "Impact and destinations",
        Parents = "parents": "Parents and carers",
        Employers = "employers": "Employers and providers",
        Accessibility = "accessibility": "Accessibility statement",
        Page = "page": "Page",
    }
);

/// Site-wide settings from `signpost.toml`. Everything is optional here: what the law requires
/// is reported by `check`, in words, rather than refused by the parser.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub school: School,
    pub site: SiteSettings,
    pub colours: Colours,
    pub careers_leader: Contact,
    pub adviser: Option<Adviser>,
    /// The school's term dates (`[[term]]`), so `check` can tell a school day from a weekday
    /// in the holidays. Optional: without them every weekday counts as a school day.
    #[serde(rename = "term")]
    pub terms: Vec<TermDates>,
}

/// One term, first and last day, with any days inside it when pupils are not in school.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TermDates {
    pub name: Option<String>,
    pub start: Date,
    pub end: Date,
    /// Training (INSET) days and other closures inside the term.
    #[serde(default)]
    pub closed: Vec<Date>,
}

impl Settings {
    /// Whether pupils are in school on `date`: a weekday inside a term and not a closure day.
    /// Without term dates every weekday counts.
    pub fn is_school_day(&self, date: Date) -> bool {
        date.is_weekday()
            && (self.terms.is_empty()
                || self
                    .terms
                    .iter()
                    .any(|t| t.start <= date && date <= t.end && !t.closed.contains(&date)))
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct School {
    pub name: String,
    pub years: Vec<YearGroup>,
    pub website: Option<String>,
    pub address: Option<String>,
    pub logo: Option<String>,
    pub logo_alt: Option<String>,
    /// The logo's published path, relative to the site root and percent-encoded, set by the
    /// loader once the file is found: templates write `{{ root }}{{ settings.school.logo_path }}`.
    #[serde(skip_deserializing)]
    pub logo_path: Option<String>,
}

impl Default for School {
    fn default() -> Self {
        School {
            name: "Our school".into(),
            years: YearGroup::ALL.to_vec(),
            website: None,
            address: None,
            logo: None,
            logo_alt: None,
            logo_path: None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteSettings {
    pub base_url: Option<String>,
    pub academic_year: Option<String>,
    pub next_review: Option<Date>,
    pub updated: Option<Date>,
    pub theme: Option<String>,
}

/// School colours, checked to be hex so they can go into a stylesheet safely.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Colours {
    pub primary: Colour,
    pub accent: Colour,
}

impl Default for Colours {
    fn default() -> Self {
        Colours {
            primary: Colour("#1f4e79".into()),
            accent: Colour("#7a2e0e".into()),
        }
    }
}

/// A `#rgb` or `#rrggbb` colour.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Colour(pub String);

impl Colour {
    /// Red, green and blue as 0-255.
    pub fn rgb(&self) -> (u8, u8, u8) {
        let hex = &self.0[1..];
        let wide: String = if hex.len() == 3 {
            hex.chars().flat_map(|c| [c, c]).collect()
        } else {
            hex.to_string()
        };
        let ch = |i: usize| u8::from_str_radix(&wide[i..i + 2], 16).unwrap_or(0);
        (ch(0), ch(2), ch(4))
    }

    /// WCAG contrast ratio against white text.
    pub fn contrast_with_white(&self) -> f64 {
        let (r, g, b) = self.rgb();
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
        1.05 / (l + 0.05)
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let ok = s.starts_with('#')
            && matches!(s.len(), 4 | 7)
            && s[1..].chars().all(|c| c.is_ascii_hexdigit());
        if ok {
            Ok(Colour(s.to_ascii_lowercase()))
        } else {
            Err(de::Error::custom(format!(
                "`{s}` is not a colour; write it as a hex code such as \"#1f4e79\""
            )))
        }
    }
}

/// A named person to contact, as the law asks for the Careers Leader and provider access.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Contact {
    pub name: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Contact {
    /// The phone number in the form a `tel:` link needs.
    pub fn tel(&self) -> Option<String> {
        self.phone.as_ref().map(|p| {
            p.chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect()
        })
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Adviser {
    pub name: String,
    pub organisation: Option<String>,
    pub qualification: Option<String>,
    /// The qualification's level on the national framework (Benchmark 8 asks for level 6).
    pub qualification_level: Option<u8>,
}

/// A page of the site after its front matter has been read and checked against its kind.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// Path of the source file, relative to the content folder, with `/` separators.
    pub source: String,
    /// Path of the built page, relative to the site root, e.g. `programme/year-7.html`.
    pub path: String,
    pub kind: Kind,
    pub title: String,
    /// False when the title above is a stand-in (`check` warns about it).
    #[serde(skip)]
    pub has_title: bool,
    /// Short label for the site menu; the title is used when absent.
    pub menu: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub updated: Option<Date>,
    /// The language the page is written in, when it is not the site's English.
    pub lang: Option<super::lang::Lang>,
    /// For a translation: the source file of the English page it translates (`parents.md`).
    pub translation_of: Option<String>,
    /// Line in the source file where the Markdown body starts (1-based).
    #[serde(skip)]
    pub body_line: usize,
    #[serde(skip)]
    pub body: String,
    /// The whole source file's front matter lines, kept so `check` can point at a field's line.
    #[serde(skip)]
    pub front_matter: String,
    pub data: PageData,
}

/// The structured fields a page kind carries beyond the common ones.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum PageData {
    None {},
    Vision { school_vision: Option<String> },
    Programme(Programme),
    LearningJourney { outcomes: Vec<Outcome> },
    StrategicPlan(Plan),
    Guidance { drop_in: Vec<DropIn> },
    ProviderAccess(ProviderAccess),
    Impact { destinations: Vec<Destination> },
}

#[derive(Debug, Clone, Serialize)]
pub struct Programme {
    pub year: YearGroup,
    pub focus: Option<String>,
    pub activities: Vec<Activity>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub title: String,
    pub term: Term,
    pub benchmarks: Vec<Benchmark>,
    #[serde(default)]
    pub cdi: Vec<CdiArea>,
    pub who: Option<String>,
    pub description: Option<String>,
    pub date: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub by_end_of: YearGroup,
    pub area: CdiArea,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub period: Option<String>,
    pub approved_slt: Option<Date>,
    pub approved_governors: Option<Date>,
    pub review_date: Option<Date>,
    pub objectives: Vec<Objective>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub title: String,
    pub summary: Option<String>,
    #[serde(default, rename(deserialize = "action"))]
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub action: String,
    pub owner: Option<String>,
    pub due: Option<Date>,
    pub success: Option<String>,
    pub status: Status,
    pub progress: Option<String>,
}

impl Action {
    /// Past its date and not done: what governors need to see first.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status != Status::Done && self.due.is_some_and(|d| d < today)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DropIn {
    pub day: String,
    pub time: String,
    pub place: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProviderAccess {
    pub approved_governors: Option<Date>,
    pub review_date: Option<Date>,
    pub contact: Contact,
    pub encounters: Vec<Encounter>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Encounter {
    pub title: String,
    pub years: Vec<YearGroup>,
    pub date: Date,
    pub providers: Option<String>,
    /// True for an evening or weekend event: it does not count towards the legal minimum.
    #[serde(default)]
    pub out_of_hours: bool,
    /// What the providers tell pupils (see [`EncounterTopic`]).
    #[serde(default)]
    pub covers: Vec<EncounterTopic>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Destination {
    pub cohort: String,
    pub education: Option<f64>,
    pub apprenticeship: Option<f64>,
    pub employment: Option<f64>,
    pub not_settled: Option<f64>,
}

/// The whole site as read from disk: what every later stage works from.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub settings: Settings,
    pub pages: Vec<Page>,
}

impl Site {
    pub fn pages_of(&self, kind: Kind) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(move |p| p.kind == kind)
    }

    pub fn first_of(&self, kind: Kind) -> Option<&Page> {
        self.pages_of(kind).next()
    }

    /// Programme pages in year order.
    pub fn programmes(&self) -> Vec<(&Page, &Programme)> {
        let mut v: Vec<_> = self
            .pages
            .iter()
            .filter_map(|p| match &p.data {
                PageData::Programme(pr) => Some((p, pr)),
                _ => None,
            })
            .collect();
        v.sort_by_key(|(_, pr)| pr.year);
        v
    }

    pub fn plan(&self) -> Option<(&Page, &Plan)> {
        self.pages.iter().find_map(|p| match &p.data {
            PageData::StrategicPlan(plan) => Some((p, plan)),
            _ => None,
        })
    }

    pub fn provider_access(&self) -> Option<(&Page, &ProviderAccess)> {
        self.pages.iter().find_map(|p| match &p.data {
            PageData::ProviderAccess(pa) => Some((p, pa)),
            _ => None,
        })
    }

    pub fn years_taught(&self) -> Vec<YearGroup> {
        let mut y = self.settings.school.years.clone();
        y.sort();
        y.dedup();
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_dates_are_explained() {
        let e = Date::parse("2027-02-30").unwrap_err();
        assert!(e.contains("February 2027 has 28 days"), "{e}");
        assert!(Date::parse("2027-13-01").unwrap_err().contains("month 13"));
        assert!(Date::parse("12/02/2027")
            .unwrap_err()
            .contains("YEAR-MONTH-DAY"));
        assert_eq!(
            Date::parse("2028-02-29").unwrap().long(),
            "29 February 2028"
        );
    }

    #[test]
    fn academic_year_turns_in_september() {
        assert_eq!(
            Date::parse("2026-09-01").unwrap().academic_year_start(),
            2026
        );
        assert_eq!(
            Date::parse("2027-02-27").unwrap().academic_year_start(),
            2026
        );
    }

    #[test]
    fn contrast_of_school_colours() {
        assert!(Colour("#1f4e79".into()).contrast_with_white() > 4.5);
        assert!(Colour("#ffcc00".into()).contrast_with_white() < 4.5);
        assert_eq!(Colour("#fff".into()).rgb(), (255, 255, 255));
    }
}
