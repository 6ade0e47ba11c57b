//! Checks the site against the statutory publishing list and the Gatsby Benchmarks.

use std::collections::HashMap;

use serde::Serialize;

use super::markdown::Rendered;
use super::model::{Date, Site};
use super::render::Files;

/// How much a finding matters: errors make the site unfit to publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One thing `check` found, with where, why it matters and how to fix it.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub rule: &'static str,
    /// The file the fix goes in (relative to the site folder).
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    /// The rule's source, in one line.
    pub why: &'static str,
    pub fix: String,
}

/// Runs every rule.
pub fn run(
    _site: &Site,
    _bodies: &HashMap<String, Rendered>,
    _files: &Files,
    _today: Date,
) -> Vec<Finding> {
    Vec::new()
}
