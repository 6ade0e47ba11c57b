//! What the kiosk's HTTP suites share: a kiosk to start and a client to drive it.
#![allow(dead_code, unused_imports)] // each suite uses what it needs

pub mod http;
pub mod kiosk;

pub use http::{parse_response, raw, try_raw, Browser, Resp};
pub use kiosk::{launch, Kiosk, NOW, PASSWORD};
