//! signpost: a school's careers pages from Markdown, checked against what the law and Gatsby
//! Benchmark 1 ask, plus the careers-room kiosk.
//!
//! The site is a one-way pipeline: [`site::load`] reads the folder into a typed [`site::model`],
//! [`site::check`] finds what is missing, [`site::render`] turns the model into pages in memory and
//! [`site::output`] writes them atomically. The kiosk lives in [`kiosk`].

pub mod kiosk;
pub mod serve;
pub mod site;
