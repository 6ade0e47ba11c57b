//! Errors of the site pipeline, each tied to the file, line and field it comes from.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with the site's input, said so a careers leader can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the site folder where possible.
    pub file: String,
    pub line: Option<usize>,
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
    /// How to fix it, when there is something better to say than the message.
    pub hint: Option<String>,
}

impl Problem {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.into(),
            line: None,
            field: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn at(mut self, line: usize) -> Problem {
        self.line = Some(line);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Problem {
        self.field = Some(field.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  fix: {hint}")?;
        }
        Ok(())
    }
}

/// Why a build did not produce a site. The previous output is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{}", list(.0))]
    Invalid(Vec<Problem>),
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    /// The folder has no `signpost.toml`: nothing is read, built or replaced.
    #[error("this folder ({}) is not a signpost site: it has no signpost.toml.\n  fix: run `signpost new FOLDER` to start a new site, or give the site's folder with --site FOLDER", .0.display())]
    NotASite(PathBuf),
    #[error("{0}")]
    Other(String),
}

impl SiteError {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SiteError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

fn list(problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        out.push_str(&format!("{p}\n"));
    }
    let n = problems.len();
    out.push_str(&format!(
        "{n} problem{} found.",
        if n == 1 { "" } else { "s" }
    ));
    out
}

/// Suggests the closest of `candidates` to a misspelt `word`, if any is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word.to_lowercase(), c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("titel", ["title", "weight"]), Some("title"));
        assert_eq!(
            did_you_mean("on_track", ["not-started", "on-track"]),
            Some("on-track")
        );
        assert_eq!(did_you_mean("zzz", ["title", "weight"]), None);
    }

    #[test]
    fn problem_reads_as_one_line_plus_fix() {
        let p = Problem::new("content/a.md", "expected a number")
            .at(4)
            .field("year")
            .hint("write 7 to 13");
        assert_eq!(
            p.to_string(),
            "content/a.md:4: field `year`: expected a number\n  fix: write 7 to 13"
        );
    }
}
