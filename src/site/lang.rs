//! The language a page is written in, for pages translated for families.
//!
//! A page's `lang` sets the page's `lang` attribute (so screen readers pronounce it properly),
//! its writing direction, and the name its translations are linked by: the language's own name
//! (Polski, اردو), which is what a reader looking for their language recognises.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::error::did_you_mean;

/// Languages a page may be written in: code, own name, and whether it is written right to left.
/// The languages most spoken by families in English schools, and the common school subjects.
const KNOWN: &[(&str, &str, bool)] = &[
    ("en", "English", false),
    ("am", "አማርኛ", false),
    ("ar", "العربية", true),
    ("bg", "Български", false),
    ("bn", "বাংলা", false),
    ("ckb", "کوردی", true),
    ("cs", "Čeština", false),
    ("cy", "Cymraeg", false),
    ("de", "Deutsch", false),
    ("el", "Ελληνικά", false),
    ("es", "Español", false),
    ("fa", "فارسی", true),
    ("fr", "Français", false),
    ("ga", "Gaeilge", false),
    ("gu", "ગુજરાતી", false),
    ("he", "עברית", true),
    ("hi", "हिन्दी", false),
    ("hu", "Magyar", false),
    ("it", "Italiano", false),
    ("ku", "Kurdî", false),
    ("lt", "Lietuvių", false),
    ("lv", "Latviešu", false),
    ("ml", "മലയാളം", false),
    ("ne", "नेपाली", false),
    ("nl", "Nederlands", false),
    ("pa", "ਪੰਜਾਬੀ", false),
    ("pl", "Polski", false),
    ("ps", "پښتو", true),
    ("pt", "Português", false),
    ("ro", "Română", false),
    ("ru", "Русский", false),
    ("sd", "سنڌي", true),
    ("sk", "Slovenčina", false),
    ("so", "Soomaali", false),
    ("sq", "Shqip", false),
    ("ta", "தமிழ்", false),
    ("ti", "ትግርኛ", false),
    ("tr", "Türkçe", false),
    ("uk", "Українська", false),
    ("ur", "اردو", true),
    ("vi", "Tiếng Việt", false),
    ("yi", "ייִדיש", true),
    ("zh", "中文", false),
];

/// A language tag such as `pl`, `ur` or `pt-BR`, whose first part signpost knows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lang {
    tag: String,
    name: &'static str,
    rtl: bool,
}

impl Lang {
    /// Reads a tag, explaining what is expected when it is not one signpost knows.
    pub fn parse(text: &str) -> Result<Lang, String> {
        let tag = text.trim();
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let well_formed = tag
            .split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()));
        match KNOWN.iter().find(|(code, _, _)| *code == primary) {
            Some((code, name, rtl)) if well_formed => {
                let region = tag.split_once('-').map(|(_, r)| r.to_ascii_uppercase());
                Ok(Lang {
                    tag: region.map_or_else(|| (*code).to_string(), |r| format!("{code}-{r}")),
                    name,
                    rtl: *rtl,
                })
            }
            _ => {
                let hint = match did_you_mean(&primary, KNOWN.iter().map(|(c, _, _)| *c)) {
                    Some(best) => format!("did you mean \"{best}\"?"),
                    None => "use a language code such as \"pl\" (Polski) or \"ur\" (اردو)".into(),
                };
                Err(format!(
                    "`{tag}` is not a language signpost knows; {hint} Known codes: {}",
                    KNOWN
                        .iter()
                        .map(|(c, _, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
    }

    /// The tag for the `lang` attribute, e.g. `pl` or `pt-BR`.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The language's own name, e.g. `Polski`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn is_rtl(&self) -> bool {
        self.rtl
    }

    pub fn is_english(&self) -> bool {
        self.tag == "en" || self.tag.starts_with("en-")
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tag)
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Lang::parse(&text).map_err(de::Error::custom)
    }
}

/// For templates: `{ tag, name, dir }`.
impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Lang", 3)?;
        st.serialize_field("tag", &self.tag)?;
        st.serialize_field("name", self.name)?;
        st.serialize_field("dir", if self.rtl { "rtl" } else { "ltr" })?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_carry_their_own_name_and_direction() {
        let pl = Lang::parse("pl").unwrap();
        assert_eq!((pl.tag(), pl.name(), pl.is_rtl()), ("pl", "Polski", false));
        let ur = Lang::parse("ur").unwrap();
        assert_eq!((ur.name(), ur.is_rtl()), ("اردو", true));
        assert!(Lang::parse("ar").unwrap().is_rtl());
        assert_eq!(Lang::parse("pt-br").unwrap().tag(), "pt-BR");
        assert!(Lang::parse("en-GB").unwrap().is_english());
        assert!(!pl.is_english());
    }

    #[test]
    fn unknown_or_malformed_codes_are_explained() {
        let e = Lang::parse("polish").unwrap_err();
        assert!(e.contains("`polish` is not a language"), "{e}");
        assert!(Lang::parse("pl--x").is_err());
        assert!(Lang::parse("ru").is_ok());
        assert!(Lang::parse("urr")
            .unwrap_err()
            .contains("did you mean \"ur\"?"));
    }
}
