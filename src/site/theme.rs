//! The theme: templates and static files, from the binary with the site's own copies on top.
//!
//! The default theme is compiled in so `signpost` works from anywhere. A site that has
//! `themes/<name>/` uses those files instead, and any file in the site's `templates/` or
//! `theme-static/` replaces the theme's file of the same name.

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

use super::error::SiteError;

macro_rules! embed {
    ($($path:literal),+ $(,)?) => {
        &[$(($path, include_str!(concat!("../../themes/default/", $path)))),+]
    };
}

/// Every file of `themes/default`, compiled in. A test checks this list against the folder.
pub const DEFAULT: &[(&str, &str)] = embed!(
    "templates/base.html",
    "templates/macros.html",
    "templates/partials/header.html",
    "templates/partials/footer.html",
    "templates/partials/contact.html",
    "templates/partials/languages.html",
    "templates/home.html",
    "templates/vision.html",
    "templates/programme.html",
    "templates/programme-overview.html",
    "templates/learning-journey.html",
    "templates/strategic-plan.html",
    "templates/guidance.html",
    "templates/provider-access.html",
    "templates/impact.html",
    "templates/page.html",
    "templates/benchmarks.html",
    "templates/governors.html",
    "static/style.css",
    "scaffold/signpost.toml",
    "scaffold/content/index.md",
    "scaffold/content/vision.md",
    "scaffold/content/programme/year.md",
    "scaffold/content/learning-journey.md",
    "scaffold/content/strategic-plan.md",
    "scaffold/content/guidance.md",
    "scaffold/content/provider-access.md",
    "scaffold/content/impact.md",
    "scaffold/content/parents.md",
    "scaffold/content/employers.md",
    "scaffold/content/accessibility.md",
);

/// A theme's files by path (`templates/...`, `static/...`), site overrides applied.
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Loads the theme named in settings for the site in `root`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, SiteError> {
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let on_disk = root.join("themes").join(name);
        if on_disk.is_dir() {
            read_tree(&on_disk, "", &mut files)?;
        } else if name == "default" {
            for (path, text) in DEFAULT {
                files.insert((*path).to_string(), text.as_bytes().to_vec());
            }
        } else {
            return Err(SiteError::Other(format!(
                "the theme \"{name}\" set in signpost.toml was not found at themes/{name}/; remove `theme` to use the default theme"
            )));
        }
        read_tree(&root.join("templates"), "templates/", &mut files)?;
        read_tree(&root.join("theme-static"), "static/", &mut files)?;
        let mut theme = Theme {
            templates: BTreeMap::new(),
            statics: BTreeMap::new(),
        };
        for (path, bytes) in files {
            if let Some(t) = path.strip_prefix("templates/") {
                let text = String::from_utf8(bytes).map_err(|_| SiteError::Template {
                    name: t.to_string(),
                    message: "is not UTF-8 text".into(),
                })?;
                theme.templates.insert(t.to_string(), text);
            } else if let Some(s) = path.strip_prefix("static/") {
                theme.statics.insert(s.to_string(), bytes);
            }
        }
        Ok(theme)
    }
}

/// Starter files for `signpost new`, paths relative to the new site folder.
pub fn scaffold() -> impl Iterator<Item = (&'static str, &'static str)> {
    DEFAULT
        .iter()
        .filter_map(|(p, t)| p.strip_prefix("scaffold/").map(|p| (p, *t)))
}

/// Reads every file below `dir` into `files`, keyed by `prefix` + its `/`-separated path.
pub fn read_tree(
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), SiteError> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry
            .map_err(|e| SiteError::Other(format!("could not read {}: {e}", dir.display())))?;
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let key = format!("{prefix}{}", rel.to_string_lossy().replace('\\', "/"));
        let bytes =
            std::fs::read(entry.path()).map_err(|e| SiteError::io("read", entry.path(), e))?;
        files.insert(key, bytes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_theme_file_is_compiled_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk = BTreeMap::new();
        read_tree(&dir, "", &mut on_disk).unwrap();
        let embedded: Vec<&str> = DEFAULT.iter().map(|(p, _)| *p).collect();
        let disk: Vec<&str> = on_disk.keys().map(String::as_str).collect();
        let mut sorted = embedded.clone();
        sorted.sort();
        assert_eq!(
            sorted, disk,
            "update theme::DEFAULT to match themes/default"
        );
    }
}
