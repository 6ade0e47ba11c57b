//! School ideas that the site and the kiosk both use, defined once so a year group read from a
//! page's front matter, `triage.toml` or a kiosk form is the same checked value everywhere, and
//! a date is read and written the same way on a careers page, in the kiosk and in its database.

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use time::{Date, Month, Weekday};

/// A secondary-school year group, 7 to 13; anything else is refused where it is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct YearGroup(u8);

impl YearGroup {
    /// The numbers of the year groups a secondary school may teach.
    pub const RANGE: RangeInclusive<u8> = 7..=13;

    /// Every year group, in order.
    pub const ALL: [YearGroup; 7] = [
        YearGroup(7),
        YearGroup(8),
        YearGroup(9),
        YearGroup(10),
        YearGroup(11),
        YearGroup(12),
        YearGroup(13),
    ];

    /// Checks the range, so a `YearGroup` is always a real year.
    pub fn new(year: u8) -> Result<YearGroup, YearGroupError> {
        if Self::RANGE.contains(&year) {
            Ok(YearGroup(year))
        } else {
            Err(YearGroupError(year.to_string()))
        }
    }

    /// The number, e.g. 11.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The key stage the year belongs to.
    pub fn key_stage(self) -> KeyStage {
        match self.0 {
            7..=9 => KeyStage::Ks3,
            10 | 11 => KeyStage::Ks4,
            _ => KeyStage::Ks5,
        }
    }
}

/// Accepts an integer; the error says which numbers exist, so it points at the value.
impl<'de> Deserialize<'de> for YearGroup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bounded(d, Self::RANGE, "year group").map(YearGroup)
    }
}

/// Accepts "11" or "Year 11", as a form or the command line may send.
impl FromStr for YearGroup {
    type Err = YearGroupError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t.strip_prefix("Year ").unwrap_or(t);
        t.parse::<u8>()
            .map_err(|_| YearGroupError(s.to_string()))
            .and_then(YearGroup::new)
    }
}

impl fmt::Display for YearGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Year {}", self.0)
    }
}

/// Stored as its number, so SQL can sort and compare year groups.
impl ToSql for YearGroup {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(self.0)))
    }
}

/// A stored number outside 7 to 13 is an error naming it, never a year group.
impl FromSql for YearGroup {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_sql_number(value, YearGroup::new)
    }
}

/// Reads an integer column through a type's checked constructor, so a stored number out of
/// range is an error naming it rather than a panic or a wrapped-around value.
pub(crate) fn parse_sql_number<N, T, E>(
    value: ValueRef<'_>,
    build: impl FnOnce(N) -> Result<T, E>,
) -> FromSqlResult<T>
where
    N: TryFrom<i64>,
    E: std::error::Error + Send + Sync + 'static,
{
    let n = value.as_i64()?;
    let n = N::try_from(n).map_err(|_| FromSqlError::OutOfRange(n))?;
    build(n).map_err(FromSqlError::other)
}

/// Reads a text column into a type that parses itself, so a stored value that is not what the
/// schema promises becomes an error naming the value rather than a panic or a default.
pub(crate) fn parse_sql_text<T>(value: ValueRef<'_>) -> FromSqlResult<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    value.as_str()?.parse().map_err(FromSqlError::other)
}

/// Deserializes an integer and checks it against a range, so the error points at the value.
pub(crate) fn bounded<'de, D: Deserializer<'de>>(
    d: D,
    range: RangeInclusive<u8>,
    what: &str,
) -> Result<u8, D::Error> {
    let n = i64::deserialize(d)?;
    u8::try_from(n)
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            de::Error::custom(format!(
                "{what} {n} does not exist; expected a number from {} to {}",
                range.start(),
                range.end()
            ))
        })
}

/// Text that is not a year group from 7 to 13.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a year group from 7 to 13")]
pub struct YearGroupError(pub String);

/// The key stages of secondary school, which group year groups for coverage and outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum KeyStage {
    /// Years 7 to 9.
    #[serde(rename = "Key Stage 3")]
    Ks3,
    /// Years 10 and 11.
    #[serde(rename = "Key Stage 4")]
    Ks4,
    /// Years 12 and 13.
    #[serde(rename = "Key Stage 5")]
    Ks5,
}

impl KeyStage {
    /// The name with its years, as pages show it.
    pub fn label(self) -> &'static str {
        match self {
            KeyStage::Ks3 => "Key Stage 3 (Years 7 to 9)",
            KeyStage::Ks4 => "Key Stage 4 (Years 10 and 11)",
            KeyStage::Ks5 => "Key Stage 5 (Years 12 and 13)",
        }
    }
}

/// `2027-02-12`: how dates are stored, typed on the command line and put in `<time datetime>`.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses `YEAR-MONTH-DAY` (`2027-02-12`; a four-digit year), explaining an impossible month or
/// day in words a careers leader can act on.
pub fn parse_iso_date(text: &str) -> Result<Date, DateError> {
    let not_iso = || DateError::NotIso(text.chars().take(40).collect());
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err(not_iso());
    };
    let digits =
        |p: &str, max: usize| (1..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if y.len() != 4 || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return Err(not_iso());
    }
    let number = |p: &str| p.parse::<i32>().map_err(|_| not_iso());
    date_from_ymd(number(y)?, number(m)?, number(d)?)
}

/// Builds a date from numbers (a TOML date, or the parts of `YEAR-MONTH-DAY`), explaining an
/// impossible month or day.
pub fn date_from_ymd(year: i32, month: i32, day: i32) -> Result<Date, DateError> {
    let m = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(DateError::NoSuchMonth(month))?;
    let no_such_day = || DateError::NoSuchDay {
        day,
        month: m,
        year,
        days: time::util::days_in_month(m, year),
    };
    let d = u8::try_from(day).map_err(|_| no_such_day())?;
    Date::from_calendar_date(year, m, d).map_err(|_| no_such_day())
}

/// `12 February 2027`: the way dates are written on UK school pages.
pub fn long_date(d: Date) -> String {
    format!("{} {}", day_and_month(d), d.year())
}

/// `Tuesday 1 December`: how a student reads a day in the next few weeks, where the weekday
/// matters and the year goes without saying.
pub fn weekday_date(d: Date) -> String {
    format!("{} {}", weekday_name(d.weekday()), day_and_month(d))
}

/// `1 December`, the part every long form of a date shares.
fn day_and_month(d: Date) -> String {
    format!("{} {}", d.day(), d.month())
}

/// English name of a weekday.
pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// Why text or numbers are not a calendar date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not shaped like `2027-02-12` (kept to 40 characters, as it may be hostile input).
    #[error("`{0}` is not a date; write it as YEAR-MONTH-DAY, e.g. 2027-02-12")]
    NotIso(String),
    /// A month number outside 1 to 12.
    #[error("month {0} does not exist; months run from 1 to 12")]
    NoSuchMonth(i32),
    /// A day the month does not have (30 February).
    #[error("{day} {month} {year} is not a date: {month} {year} has {days} days")]
    NoSuchDay {
        /// The day asked for.
        day: i32,
        /// Its month.
        month: Month,
        /// Its year.
        year: i32,
        /// How many days that month has that year.
        days: u8,
    },
}

/// Helpers for the `ToSql`/`FromSql` tests of the site's and the kiosk's domain types.
#[cfg(test)]
pub(crate) mod sql_test {
    use rusqlite::types::{FromSql, ToSql};
    use rusqlite::Connection;

    /// Writes `value` to an in-memory database and reads it back as SQLite stored it.
    pub fn round_trip<T: ToSql + FromSql>(value: &T) -> rusqlite::Result<T> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch("CREATE TABLE t (v)")?;
        conn.execute("INSERT INTO t (v) VALUES (?1)", [value])?;
        conn.query_row("SELECT v FROM t", [], |r| r.get(0))
    }

    /// Reads a value written into the database by hand (an SQL literal), as a damaged or
    /// hand-edited database might hold it.
    pub fn stored<T: FromSql>(literal: &str) -> rusqlite::Result<T> {
        let conn = Connection::open_in_memory()?;
        conn.query_row(&format!("SELECT {literal}"), [], |r| r.get(0))
    }

    /// What SQLite stored for `value`, as SQL text (`typeof` and value), e.g. `integer 11`.
    pub fn stored_as<T: ToSql>(value: &T) -> rusqlite::Result<String> {
        let conn = Connection::open_in_memory()?;
        conn.query_row("SELECT typeof(?1) || ' ' || ?1", [value], |r| r.get(0))
    }
}

#[cfg(test)]
mod tests {
    use super::sql_test::{round_trip, stored, stored_as};
    use super::*;

    #[test]
    fn year_groups_are_stored_as_numbers_and_checked_when_read() {
        for y in YearGroup::ALL {
            assert_eq!(round_trip(&y).unwrap(), y);
        }
        assert_eq!(
            stored_as(&YearGroup::new(11).unwrap()).unwrap(),
            "integer 11"
        );
        assert_eq!(stored::<YearGroup>("9").unwrap().get(), 9);
        for bad in ["6", "14", "300", "-1", "'eleven'", "NULL"] {
            assert!(stored::<YearGroup>(bad).is_err(), "{bad}");
        }
        let e = stored::<YearGroup>("14").unwrap_err().to_string();
        assert!(e.contains("`14` is not a year group from 7 to 13"), "{e}");
    }

    #[test]
    fn iso_dates_round_trip_and_bad_ones_are_explained() {
        let d = parse_iso_date("2027-02-12").unwrap();
        assert_eq!(iso_date(d), "2027-02-12");
        assert_eq!(
            iso_date(parse_iso_date(" 2027-2-3 ").unwrap()),
            "2027-02-03"
        );
        for bad in [
            "12/02/2027",
            "27-02-12",
            "+2027-02-12",
            "2027-02",
            "2027-02-12-1",
            "",
        ] {
            assert_eq!(
                parse_iso_date(bad).unwrap_err().to_string(),
                format!("`{bad}` is not a date; write it as YEAR-MONTH-DAY, e.g. 2027-02-12")
            );
        }
        assert_eq!(
            parse_iso_date("2027-13-01").unwrap_err().to_string(),
            "month 13 does not exist; months run from 1 to 12"
        );
        assert_eq!(
            parse_iso_date("2027-02-30").unwrap_err().to_string(),
            "30 February 2027 is not a date: February 2027 has 28 days"
        );
        assert!(parse_iso_date("2028-02-29").is_ok());
        assert!(date_from_ymd(2027, 2, 300).is_err());
        let long = "9".repeat(100);
        let e = parse_iso_date(&long).unwrap_err().to_string();
        assert!(e.contains(&long[..40]) && !e.contains(&long[..41]), "{e}");
    }

    #[test]
    fn long_dates_are_worded_for_pages_and_for_students() {
        let d = parse_iso_date("2026-12-01").unwrap();
        assert_eq!(long_date(d), "1 December 2026");
        assert_eq!(weekday_date(d), "Tuesday 1 December");
        assert_eq!(weekday_name(Weekday::Sunday), "Sunday");
    }

    #[test]
    fn year_groups_are_checked_wherever_they_come_from() {
        assert_eq!("11".parse::<YearGroup>().unwrap().get(), 11);
        assert_eq!("Year 7".parse::<YearGroup>().unwrap().get(), 7);
        for bad in ["6", "14", "eleven", ""] {
            assert_eq!(
                bad.parse::<YearGroup>().unwrap_err().to_string(),
                format!("`{bad}` is not a year group from 7 to 13")
            );
        }
        assert!(YearGroup::new(13).is_ok());
        assert!(YearGroup::new(6).is_err());
        let e = toml::from_str::<std::collections::HashMap<String, YearGroup>>("y = 14")
            .unwrap_err()
            .to_string();
        assert!(e.contains("year group 14 does not exist"), "{e}");
    }

    #[test]
    fn year_groups_map_to_key_stages() {
        assert_eq!(YearGroup::new(9).unwrap().key_stage(), KeyStage::Ks3);
        assert_eq!(YearGroup::new(11).unwrap().key_stage(), KeyStage::Ks4);
        assert_eq!(YearGroup::new(12).unwrap().key_stage(), KeyStage::Ks5);
    }

    #[test]
    fn every_year_is_in_the_list_once_in_order() {
        let numbers: Vec<u8> = YearGroup::ALL.iter().map(|y| y.get()).collect();
        assert_eq!(numbers, YearGroup::RANGE.collect::<Vec<_>>());
    }
}
