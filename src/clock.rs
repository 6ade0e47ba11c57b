//! The one notion of "now" for the site and the kiosk: the computer's clock read in the school's
//! time zone, or a fixed moment for tests, `signpost kiosk --now` and `signpost check --on`.
//!
//! The zone comes from the time zone database built into the binary (so it works the same on
//! Windows, which has no copy of its own), and every reading converts the current instant
//! through it, so a kiosk left running across the October and March clock changes shows the
//! right hour without a restart. The rest of the code keeps working in `time` values: a
//! `PrimitiveDateTime` is the wall-clock time in the school.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use jiff::tz::TimeZone;
use jiff::Timestamp;
use time::{Date, Month, PrimitiveDateTime, Time};

/// The zone schools in England keep, used unless `kiosk.toml` names another.
pub const DEFAULT_ZONE: &str = "Europe/London";

/// A time zone from the built-in database, e.g. Europe/London.
///
/// It is `Copy` so a [`Clock`] can be handed to every worker thread as freely as before:
/// each distinct zone is loaded once per process and kept (there are only a few hundred).
#[derive(Clone, Copy)]
pub struct Zone(&'static TimeZone);

impl Zone {
    /// Looks up an IANA zone name, e.g. "Europe/London".
    pub fn named(name: &str) -> Result<Zone, ZoneError> {
        let unknown = || ZoneError(name.to_string());
        if name.trim() != name || name.is_empty() {
            return Err(unknown());
        }
        let tz = TimeZone::get(name).map_err(|_| unknown())?;
        Ok(Zone(intern(tz)))
    }

    /// Europe/London, the default.
    pub fn london() -> Zone {
        // The database is compiled in (feature `tzdb-bundle-always`) and a unit test looks this
        // zone up, so it cannot be missing at run time.
        Zone::named(DEFAULT_ZONE).expect("the built-in time zone database has Europe/London")
    }

    /// The IANA name, e.g. "Europe/London".
    pub fn name(self) -> &'static str {
        self.0.iana_name().unwrap_or(DEFAULT_ZONE)
    }

    /// The wall-clock time in this zone at `instant`.
    pub fn local_at(self, instant: Timestamp) -> PrimitiveDateTime {
        to_time(self.0.to_datetime(instant))
    }
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::london()
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name())
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Zone {}

impl<'de> serde::Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Zone::named(&name).map_err(serde::de::Error::custom)
    }
}

/// A name that is not a zone in the built-in time zone database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a time zone signpost knows; write an IANA zone name, e.g. \"{DEFAULT_ZONE}\" \
     for schools in England"
)]
pub struct ZoneError(pub String);

/// Loads each zone once and keeps it for the life of the process, so [`Zone`] can be `Copy`.
fn intern(tz: TimeZone) -> &'static TimeZone {
    static ZONES: Mutex<Vec<&'static TimeZone>> = Mutex::new(Vec::new());
    let mut zones = ZONES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = zones.iter().find(|z| z.iana_name() == tz.iana_name()) {
        return known;
    }
    let kept: &'static TimeZone = Box::leak(Box::new(tz));
    zones.push(kept);
    kept
}

/// jiff's wall-clock value as the `time` value the rest of the code uses.
fn to_time(dt: jiff::civil::DateTime) -> PrimitiveDateTime {
    // jiff's civil values (years -9999 to 9999, valid days and times) all exist in `time`.
    let month = u8::try_from(dt.month())
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .expect("jiff months run from 1 to 12");
    let date = Date::from_calendar_date(i32::from(dt.year()), month, dt.day().unsigned_abs())
        .expect("jiff dates exist in the calendar");
    let time = Time::from_hms_nano(
        dt.hour().unsigned_abs(),
        dt.minute().unsigned_abs(),
        dt.second().unsigned_abs(),
        dt.subsec_nanosecond().unsigned_abs(),
    )
    .expect("jiff times are valid");
    PrimitiveDateTime::new(date, time)
}

/// Where "now" comes from. Made once (from the command line and `kiosk.toml`) and handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The computer's clock, read in this zone at every call.
    System(Zone),
    /// Always this wall-clock moment (tests, `--now`, `--on`).
    Fixed(PrimitiveDateTime),
}

impl Clock {
    /// The computer's clock in Europe/London.
    pub fn system() -> Clock {
        Clock::System(Zone::london())
    }

    /// A clock stopped at the start of `day`, for `--on DATE`.
    pub fn on_day(day: Date) -> Clock {
        Clock::Fixed(PrimitiveDateTime::new(day, Time::MIDNIGHT))
    }

    /// The current wall-clock date and time in the school.
    pub fn now(&self) -> PrimitiveDateTime {
        match self {
            Clock::System(zone) => zone.local_at(Timestamp::now()),
            Clock::Fixed(t) => *t,
        }
    }

    /// Today's date in the school.
    pub fn today(&self) -> Date {
        self.now().date()
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn at(utc: &str) -> Timestamp {
        utc.parse().unwrap()
    }

    fn abbreviation(zone: Zone, utc: &str) -> String {
        zone.0.to_offset_info(at(utc)).abbreviation().to_string()
    }

    #[test]
    fn clocks_go_back_at_one_utc_on_the_last_sunday_of_october() {
        let london = Zone::london();
        assert_eq!(
            london.local_at(at("2026-10-25T00:30:00Z")),
            datetime!(2026-10-25 01:30)
        );
        assert_eq!(abbreviation(london, "2026-10-25T00:30:00Z"), "BST");
        assert_eq!(
            london.local_at(at("2026-10-25T01:30:00Z")),
            datetime!(2026-10-25 01:30)
        );
        assert_eq!(abbreviation(london, "2026-10-25T01:30:00Z"), "GMT");
    }

    #[test]
    fn clocks_go_forward_at_one_utc_on_the_last_sunday_of_march() {
        let london = Zone::london();
        assert_eq!(
            london.local_at(at("2026-03-29T00:30:00Z")),
            datetime!(2026-03-29 00:30)
        );
        assert_eq!(
            london.local_at(at("2026-03-29T01:30:00Z")),
            datetime!(2026-03-29 02:30)
        );
        assert_eq!(abbreviation(london, "2026-03-29T01:30:00Z"), "BST");
    }

    #[test]
    fn the_date_after_midnight_in_summer_is_the_school_s_date_not_utc_s() {
        // 23:30 UTC on 30 June is already 1 July in London.
        let t = Zone::london().local_at(at("2026-06-30T23:30:00Z"));
        assert_eq!(t, datetime!(2026-07-01 00:30));
    }

    #[test]
    fn other_zones_can_be_named() {
        let z = Zone::named("America/New_York").unwrap();
        assert_eq!(z.name(), "America/New_York");
        assert_eq!(
            z.local_at(at("2026-01-15T12:00:00Z")),
            datetime!(2026-01-15 07:00)
        );
        assert_eq!(Zone::named("America/New_York").unwrap(), z);
    }

    #[test]
    fn a_bad_zone_name_says_what_to_write() {
        for bad in ["Europe/Londn", "BST-ish", "", " Europe/London"] {
            let e = Zone::named(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("`{bad}`")), "{e}");
            assert!(e.contains("\"Europe/London\""), "{e}");
        }
    }

    #[test]
    fn a_fixed_clock_never_moves_and_on_day_starts_at_midnight() {
        let c = Clock::on_day(time::macros::date!(2026 - 11 - 23));
        assert_eq!(c.now(), datetime!(2026-11-23 00:00));
        assert_eq!(c.today(), time::macros::date!(2026 - 11 - 23));
    }
}
