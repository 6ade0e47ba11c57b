//! signpost: a school's careers pages from Markdown, checked against what the law and Gatsby
//! Benchmark 1 ask, plus the careers-room kiosk.
//!
//! The site is a one-way pipeline: [`site::load`] reads the folder into a typed [`site::model`],
//! [`site::check`] finds what is missing, [`site::render`] turns the model into pages in memory and
//! [`site::output`] writes them atomically. The kiosk lives in [`kiosk`]. Both take "now" from one
//! [`clock::Clock`] made at start, and share the school types in [`domain`].

pub mod clock;
pub mod domain;
pub mod kiosk;
pub mod serve;
pub mod site;
pub mod web;

/// An error and all its causes on one line: template engines nest the useful part deep down.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
