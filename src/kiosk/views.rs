//! The kiosk's pages: tera templates from `kiosk/templates/`, built into the binary so it runs
//! from any folder, with autoescaping on so nothing a student types can become markup.
//!
//! A school may override any template by putting a file of the same name in the `templates/`
//! folder of its config folder; the built-in one is used otherwise.

use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};

use super::staff::Session;

/// Every template, by name, with its built-in text.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../kiosk/templates/base.html")),
    (
        "macros.html",
        include_str!("../../kiosk/templates/macros.html"),
    ),
    (
        "start.html",
        include_str!("../../kiosk/templates/start.html"),
    ),
    (
        "privacy.html",
        include_str!("../../kiosk/templates/privacy.html"),
    ),
    (
        "triage_year.html",
        include_str!("../../kiosk/templates/triage_year.html"),
    ),
    (
        "triage_questions.html",
        include_str!("../../kiosk/templates/triage_questions.html"),
    ),
    (
        "triage_result.html",
        include_str!("../../kiosk/templates/triage_result.html"),
    ),
    (
        "book_slots.html",
        include_str!("../../kiosk/templates/book_slots.html"),
    ),
    (
        "book_details.html",
        include_str!("../../kiosk/templates/book_details.html"),
    ),
    (
        "book_done.html",
        include_str!("../../kiosk/templates/book_done.html"),
    ),
    (
        "cancel.html",
        include_str!("../../kiosk/templates/cancel.html"),
    ),
    (
        "cancel_done.html",
        include_str!("../../kiosk/templates/cancel_done.html"),
    ),
    (
        "queue.html",
        include_str!("../../kiosk/templates/queue.html"),
    ),
    (
        "queue_place.html",
        include_str!("../../kiosk/templates/queue_place.html"),
    ),
    (
        "error.html",
        include_str!("../../kiosk/templates/error.html"),
    ),
    (
        "staff_nav.html",
        include_str!("../../kiosk/templates/staff_nav.html"),
    ),
    (
        "staff_sign_in.html",
        include_str!("../../kiosk/templates/staff_sign_in.html"),
    ),
    (
        "staff_audit.html",
        include_str!("../../kiosk/templates/staff_audit.html"),
    ),
    (
        "staff_accounts.html",
        include_str!("../../kiosk/templates/staff_accounts.html"),
    ),
    (
        "staff_today.html",
        include_str!("../../kiosk/templates/staff_today.html"),
    ),
    (
        "staff_diary.html",
        include_str!("../../kiosk/templates/staff_diary.html"),
    ),
    (
        "staff_guidance.html",
        include_str!("../../kiosk/templates/staff_guidance.html"),
    ),
    (
        "staff_guidance_slip.html",
        include_str!("../../kiosk/templates/staff_guidance_slip.html"),
    ),
    (
        "staff_follow_ups.html",
        include_str!("../../kiosk/templates/staff_follow_ups.html"),
    ),
    (
        "staff_follow_up.html",
        include_str!("../../kiosk/templates/staff_follow_up.html"),
    ),
    (
        "staff_students.html",
        include_str!("../../kiosk/templates/staff_students.html"),
    ),
    (
        "staff_student.html",
        include_str!("../../kiosk/templates/staff_student.html"),
    ),
    (
        "staff_reports.html",
        include_str!("../../kiosk/templates/staff_reports.html"),
    ),
    (
        "staff_data.html",
        include_str!("../../kiosk/templates/staff_data.html"),
    ),
    (
        "staff_erase.html",
        include_str!("../../kiosk/templates/staff_erase.html"),
    ),
    (
        "staff_export.html",
        include_str!("../../kiosk/templates/staff_export.html"),
    ),
];

/// The one stylesheet, served at `/assets/kiosk.css`.
pub const CSS: &str = include_str!("../../kiosk/assets/kiosk.css");
/// The optional script (idle reset on input, print button), served at `/assets/kiosk.js`.
pub const JS: &str = include_str!("../../kiosk/assets/kiosk.js");

/// Errors from loading or rendering templates.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    /// A template (built-in or the school's) does not parse.
    #[error("template error: {0}")]
    Template(String),
    /// The school's override could not be read.
    #[error("cannot read template {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Values every page needs.
#[derive(Debug, Clone, Serialize)]
pub struct Common<'a> {
    /// School name for the header.
    pub school_name: &'a str,
    /// Seconds before the page returns to the start; 0 for none (the start page).
    pub idle_seconds: u32,
    /// This browser's CSRF token, for the hidden field of every form.
    pub csrf: &'a str,
    /// The member of staff signed in, for the staff header (none on student pages).
    pub staff: Option<&'a Session>,
}

/// The loaded templates.
pub struct Views {
    tera: Tera,
}

impl Views {
    /// Loads the built-in templates, replacing any the school provides in `overrides`.
    pub fn new(overrides: Option<&Path>) -> Result<Views, ViewError> {
        let mut sources = Vec::with_capacity(TEMPLATES.len());
        for (name, text) in TEMPLATES {
            let custom = overrides.map(|d| d.join(name)).filter(|p| p.is_file());
            let text = match custom {
                Some(p) => std::fs::read_to_string(&p).map_err(|source| ViewError::Read {
                    file: p.display().to_string(),
                    source,
                })?,
                None => (*text).to_string(),
            };
            sources.push((*name, text));
        }
        let mut tera = Tera::default();
        tera.add_raw_templates(sources)
            .map_err(|e| ViewError::Template(crate::error_chain(&e)))?;
        Ok(Views { tera })
    }

    /// Renders a page with the common values and the page's own.
    pub fn page<T: Serialize>(
        &self,
        name: &str,
        title: &str,
        common: &Common<'_>,
        data: &T,
    ) -> Result<String, ViewError> {
        let mut ctx = Context::from_serialize(data)
            .map_err(|e| ViewError::Template(crate::error_chain(&e)))?;
        ctx.insert("title", title);
        ctx.insert("school_name", common.school_name);
        ctx.insert("idle_seconds", &common.idle_seconds);
        ctx.insert("csrf", common.csrf);
        ctx.insert("staff", &common.staff);
        self.tera
            .render(name, &ctx)
            .map_err(|e| ViewError::Template(format!("{name}: {}", crate::error_chain(&e))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_templates_load_and_escape() {
        let v = Views::new(None).unwrap();
        let common = Common {
            school_name: "<b>School</b>",
            idle_seconds: 60,
            csrf: "t",
            staff: None,
        };
        let html = v
            .page(
                "error.html",
                "Oops",
                &common,
                &serde_json::json!({"heading": "<script>alert(1)</script>", "message": "m"}),
            )
            .unwrap();
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;b&gt;School&lt;&#x2F;b&gt;"));
        assert!(html.contains("lang=\"en-GB\""));
    }

    #[test]
    fn a_school_can_override_a_template() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("error.html"),
            "{% extends \"base.html\" %}{% block content %}<p>Custom {{ heading }}</p>{% endblock content %}",
        )
        .unwrap();
        let v = Views::new(Some(dir.path())).unwrap();
        let common = Common {
            school_name: "S",
            idle_seconds: 60,
            csrf: "t",
            staff: None,
        };
        let html = v
            .page(
                "error.html",
                "x",
                &common,
                &serde_json::json!({"heading": "h"}),
            )
            .unwrap();
        assert!(html.contains("<p>Custom h</p>"));
    }

    #[test]
    fn a_broken_override_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("start.html"), "{% if %}").unwrap();
        let e = Views::new(Some(dir.path())).err().unwrap().to_string();
        assert!(e.contains("start.html"), "{e}");
    }
}
