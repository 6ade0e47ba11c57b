//! Small domain types shared by the kiosk's rooms, so that a readiness score or a booking
//! reference is checked once, where it enters, and never passed around as a bare string.

use std::fmt;
use std::str::FromStr;

use rand::Rng;
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::{parse_sql_number, parse_sql_text};

/// How ready a student is for their next step, which sets how long their guidance session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    /// Needs the most help: the longest session.
    Red,
    /// Some preparation done: a medium session.
    Amber,
    /// Well prepared: a short session.
    Green,
}

impl Rag {
    /// The lower-case name used in the database, in forms and as a CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
        }
    }

    /// The word shown to a student, so that colour is never the only signal.
    pub fn word(self) -> &'static str {
        match self {
            Rag::Red => "Red",
            Rag::Amber => "Amber",
            Rag::Green => "Green",
        }
    }
}

impl FromStr for Rag {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "red" => Ok(Rag::Red),
            "amber" => Ok(Rag::Amber),
            "green" => Ok(Rag::Green),
            _ => Err(DomainError::Rag(s.to_string())),
        }
    }
}

/// Stores each type as the text forms use (`as_str`) and reads it back through `FromStr`, so a
/// stored value the schema does not promise is an error naming it: a Red/Amber/Green result and
/// a consideration by their lower-case names, a booking reference as printed on the slip.
macro_rules! stored_as_text {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                parse_sql_text(value)
            }
        }
    )*};
}

stored_as_text!(Rag, Consideration, BookingRef);

/// Year groups are shared with the site, so they live in [`crate::domain`].
pub use crate::domain::YearGroup;

/// How seriously a student is thinking about one option for their next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Consideration {
    /// "I am definitely considering this."
    Definitely,
    /// "I am considering this."
    Considering,
    /// "I am not considering this."
    Not,
}

impl Consideration {
    /// All three, in the order the radio buttons show them.
    pub const ALL: [Consideration; 3] = [
        Consideration::Definitely,
        Consideration::Considering,
        Consideration::Not,
    ];

    /// The value used in forms and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Consideration::Definitely => "definitely",
            Consideration::Considering => "considering",
            Consideration::Not => "not",
        }
    }

    /// The words on the radio button.
    pub fn label(self) -> &'static str {
        match self {
            Consideration::Definitely => "Definitely considering",
            Consideration::Considering => "Considering",
            Consideration::Not => "Not considering",
        }
    }

    /// True for "definitely" and "considering": the option is on the student's mind.
    pub fn is_considered(self) -> bool {
        !matches!(self, Consideration::Not)
    }
}

impl FromStr for Consideration {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "definitely" => Ok(Consideration::Definitely),
            "considering" => Ok(Consideration::Considering),
            "not" => Ok(Consideration::Not),
            _ => Err(DomainError::Consideration(s.to_string())),
        }
    }
}

/// A short booking reference a student can copy from a slip and type back in to cancel.
///
/// Six characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V pairs), upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct BookingRef(String);

impl BookingRef {
    /// Characters that cannot be mistaken for each other on a printed slip.
    pub const ALPHABET: &'static [u8] = b"ACDEFGHJKMNPQRTWXY34679";
    /// Length of every reference.
    pub const LEN: usize = 6;

    /// A fresh random reference; the store retries on the (rare) clash.
    pub fn random() -> Self {
        let mut rng = rand::thread_rng();
        let s = (0..Self::LEN)
            .map(|_| Self::ALPHABET[rng.gen_range(0..Self::ALPHABET.len())] as char)
            .collect();
        BookingRef(s)
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for BookingRef {
    type Err = DomainError;
    /// Accepts what a student types: any case, spaces or dashes ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let cleaned: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect();
        if cleaned.len() == Self::LEN && cleaned.bytes().all(|b| Self::ALPHABET.contains(&b)) {
            Ok(BookingRef(cleaned))
        } else {
            Err(DomainError::BookingRef(s.chars().take(40).collect()))
        }
    }
}

impl fmt::Display for BookingRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A time of day to the minute ("09:30"), stored as minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    /// Builds from minutes after midnight; must be before 24:00.
    pub fn from_minutes(m: u16) -> Result<Self, DomainError> {
        if m < 24 * 60 {
            Ok(ClockTime(m))
        } else {
            Err(DomainError::ClockTime(m.to_string()))
        }
    }

    /// Minutes after midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl FromStr for ClockTime {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DomainError::ClockTime(s.to_string());
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(ClockTime(h * 60 + m))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Stored as minutes after midnight, so SQL can compare and subtract times.
impl ToSql for ClockTime {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(self.0)))
    }
}

/// A stored number outside the day (negative, or 24:00 and after) is an error naming it.
impl FromSql for ClockTime {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_sql_number(value, ClockTime::from_minutes)
    }
}

/// A bookable (or booked) stretch of one day, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    /// The day.
    pub day: Date,
    /// First minute of the session.
    pub start: ClockTime,
    /// Length in minutes.
    pub minutes: u16,
}

impl Slot {
    /// Minutes after midnight at which the session ends.
    pub fn end_minute(&self) -> u16 {
        self.start.minutes() + self.minutes
    }

    /// The form value for this slot's start, e.g. `2026-12-01T09:30`.
    pub fn start_key(&self) -> String {
        format!("{}T{}", iso_date(self.day), self.start)
    }

    /// Parses a form value made by [`Slot::start_key`], adding the length the caller needs.
    pub fn parse_key(key: &str, minutes: u16) -> Result<Slot, DomainError> {
        let bad = || DomainError::Slot(key.chars().take(40).collect());
        let (d, t) = key.split_once('T').ok_or_else(bad)?;
        let day = parse_iso_date(d).map_err(|_| bad())?;
        let start: ClockTime = t.parse().map_err(|_| bad())?;
        if u32::from(start.minutes()) + u32::from(minutes) > 24 * 60 || minutes == 0 {
            return Err(bad());
        }
        Ok(Slot {
            day,
            start,
            minutes,
        })
    }
}

/// Dates are read and written once for the site and the kiosk, in [`crate::domain`].
pub use crate::domain::{iso_date, weekday_name};

/// Parses `2026-12-01`, with the kiosk's short error: the date is all a student or the command
/// line needs echoed back.
pub fn parse_iso_date(s: &str) -> Result<Date, DomainError> {
    crate::domain::parse_iso_date(s).map_err(|_| DomainError::Date(s.chars().take(40).collect()))
}

/// "Tuesday 1 December", how a student reads a day (see [`crate::domain::weekday_date`]).
pub fn long_date(d: Date) -> String {
    crate::domain::weekday_date(d)
}

/// A random token for things that must not be guessed (form state, CSRF), 128 bits as hex.
pub fn random_token() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a value from outside could not become a domain type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Not one of red, amber, green.
    #[error("`{0}` is not red, amber or green")]
    Rag(String),
    /// Not definitely, considering or not.
    #[error("`{0}` is not definitely, considering or not")]
    Consideration(String),
    /// Wrong length or characters.
    #[error("`{0}` is not a booking reference (six letters and numbers)")]
    BookingRef(String),
    /// Not HH:MM.
    #[error("`{0}` is not a time like 09:30")]
    ClockTime(String),
    /// Not YYYY-MM-DD.
    #[error("`{0}` is not a date like 2026-12-01")]
    Date(String),
    /// Not a slot key.
    #[error("`{0}` is not a session time")]
    Slot(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sql_test::{round_trip, stored, stored_as};

    #[test]
    fn rag_is_stored_by_name_and_checked_when_read() {
        for rag in [Rag::Red, Rag::Amber, Rag::Green] {
            assert_eq!(round_trip(&rag).unwrap(), rag);
            assert_eq!(stored_as(&rag).unwrap(), format!("text {}", rag.as_str()));
        }
        let e = stored::<Rag>("'purple'").unwrap_err().to_string();
        assert!(e.contains("`purple` is not red, amber or green"), "{e}");
        assert!(stored::<Rag>("'Red'").is_err());
        assert!(stored::<Rag>("1").is_err());
        assert!(stored::<Rag>("NULL").is_err());
    }

    #[test]
    fn considerations_are_stored_by_name_and_checked_when_read() {
        for c in Consideration::ALL {
            assert_eq!(round_trip(&c).unwrap(), c);
            assert_eq!(stored_as(&c).unwrap(), format!("text {}", c.as_str()));
        }
        let e = stored::<Consideration>("'maybe'").unwrap_err().to_string();
        assert!(e.contains("`maybe` is not definitely"), "{e}");
        assert!(stored::<Consideration>("2").is_err());
    }

    #[test]
    fn booking_refs_are_stored_as_printed_and_checked_when_read() {
        let r = BookingRef::random();
        assert_eq!(round_trip(&r).unwrap(), r);
        assert_eq!(stored_as(&r).unwrap(), format!("text {r}"));
        let e = stored::<BookingRef>("'ACDEF0'").unwrap_err().to_string();
        assert!(e.contains("`ACDEF0` is not a booking reference"), "{e}");
        assert!(stored::<BookingRef>("42").is_err());
    }

    #[test]
    fn clock_times_are_stored_as_minutes_and_checked_when_read() {
        let t: ClockTime = "09:30".parse().unwrap();
        assert_eq!(round_trip(&t).unwrap(), t);
        assert_eq!(stored_as(&t).unwrap(), "integer 570");
        assert_eq!(stored::<ClockTime>("1439").unwrap().to_string(), "23:59");
        for bad in ["1440", "-1", "70000", "'09:30'", "NULL"] {
            assert!(stored::<ClockTime>(bad).is_err(), "{bad}");
        }
        let e = stored::<ClockTime>("1440").unwrap_err().to_string();
        assert!(e.contains("`1440` is not a time"), "{e}");
    }

    #[test]
    fn booking_refs_are_forgiving_but_strict() {
        for _ in 0..100 {
            let r = BookingRef::random();
            assert_eq!(r.as_str().parse::<BookingRef>().unwrap(), r);
        }
        assert_eq!("acd-efg".parse::<BookingRef>().unwrap().as_str(), "ACDEFG");
        assert!("ACDEF0".parse::<BookingRef>().is_err());
        assert!("ACDEF".parse::<BookingRef>().is_err());
        assert!("<script>".parse::<BookingRef>().is_err());
    }

    #[test]
    fn clock_times_parse() {
        assert_eq!("09:30".parse::<ClockTime>().unwrap().minutes(), 570);
        assert_eq!("9:05".parse::<ClockTime>().unwrap().to_string(), "09:05");
        for bad in ["24:00", "12:60", "12", "12:5", "ab:cd", "", "-1:00"] {
            assert!(bad.parse::<ClockTime>().is_err(), "{bad}");
        }
    }

    #[test]
    fn slot_keys_round_trip() {
        let s = Slot::parse_key("2026-12-01T09:30", 30).unwrap();
        assert_eq!(s.end_minute(), 600);
        assert_eq!(s.start_key(), "2026-12-01T09:30");
        assert_eq!(long_date(s.day), "Tuesday 1 December");
        assert!(Slot::parse_key("2026-02-30T09:30", 30).is_err());
        assert!(Slot::parse_key("2026-12-01T23:50", 30).is_err());
        assert!(Slot::parse_key("nonsense", 30).is_err());
    }

    #[test]
    fn kiosk_dates_use_the_shared_reading_with_a_short_error() {
        let d = parse_iso_date("2026-12-01").unwrap();
        assert_eq!(iso_date(d), "2026-12-01");
        assert_eq!(long_date(d), "Tuesday 1 December");
        for bad in ["2026-02-30", "2026-13-01", "01/12/2026", "26-12-01"] {
            assert_eq!(
                parse_iso_date(bad).unwrap_err().to_string(),
                format!("`{bad}` is not a date like 2026-12-01")
            );
        }
    }

    #[test]
    fn considerations_parse() {
        for c in Consideration::ALL {
            assert_eq!(c.as_str().parse::<Consideration>().unwrap(), c);
        }
        assert!("maybe".parse::<Consideration>().is_err());
        assert!(Consideration::Considering.is_considered());
        assert!(!Consideration::Not.is_considered());
    }
}
