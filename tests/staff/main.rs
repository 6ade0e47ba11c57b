//! The staff side of the kiosk over real HTTP: each module drives one part of it with a signed-in
//! browser and checks what ends up in SQLite. `common` (shared with tests/kiosk.rs) starts kiosks
//! and holds the browser.

#[path = "../support/mod.rs"]
mod common;

mod auth;
mod flow;
mod guidance;
mod reports;
mod today;
