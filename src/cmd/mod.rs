//! One small module per subcommand: parse options, call the library, print for humans.

pub mod build;
pub mod check;
pub mod new;
pub mod serve;
