//! The staff side of the kiosk over real HTTP: each module drives one part of it with a signed-in
//! browser and checks what ends up in SQLite. `common` starts kiosks and holds the browser.

mod common;

mod auth;
mod flow;
mod guidance;
mod reports;
mod today;
