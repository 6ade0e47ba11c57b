//! School ideas that the site and the kiosk both use, defined once so a year group read from a
//! page's front matter, `triage.toml` or a kiosk form is the same checked value everywhere.

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;

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
