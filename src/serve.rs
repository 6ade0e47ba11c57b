//! Live preview server.
