//! The live preview's site, kept in memory between edits so that saving one page of thousands
//! re-renders that page, not the site.
//!
//! An edit is sorted by what it can change:
//! - only the Markdown body of existing pages: those pages' Markdown and template, nothing else
//!   (menus, overviews and the home page are made from front matter alone);
//! - front matter, or pages added, renamed or deleted: every page's template again with fresh
//!   shared views (menus, routes, overviews), and every page's Markdown too when the set of
//!   pages changed, because links between pages are resolved against it;
//! - settings, templates, themes, static files or anything unexpected: everything, as `build`.
//!
//! Pages are always read through [`load::load_with`] (the same walk, order and checks as
//! `build`), reusing the pages whose files did not change, so the preview shows what `build`
//! writes, byte for byte; `tests/serve.rs` holds it to that after a run of edits.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::error::SiteError;
use super::load::{self, LoadOptions};
use super::model::{Page, Site};
use super::render::{self, Files, RenderOptions, Renderer};
use super::theme::Theme;

/// The site as the preview shows it, with what it needs to update it.
pub struct Preview {
    root: PathBuf,
    opts: RenderOptions,
    drafts: bool,
    site: Site,
    theme: Theme,
    renderer: Renderer,
    /// Source path -> the page's Markdown as HTML.
    bodies: HashMap<String, String>,
    files: Files,
}

/// How much of the site an update rendered again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only the pages whose bodies changed.
    Pages(usize),
    /// Every page's template (front matter changed, or pages came or went).
    AllPages,
    /// Everything, as a fresh build.
    Everything,
}

impl Preview {
    /// Loads and renders the whole site in `root` (`drafts`: include draft pages).
    pub fn load(root: &Path, opts: &RenderOptions, drafts: bool) -> Result<Preview, SiteError> {
        let site = load::load_with(
            root,
            &LoadOptions {
                drafts,
                ..LoadOptions::default()
            },
        )?;
        let theme = super::theme_of(&site)?;
        let bodies = markdown_of(&site, site.pages.iter());
        let renderer = Renderer::new(&site, &theme, opts)?;
        let files = render_all(&site, &theme, &renderer, &bodies, opts)?;
        Ok(Preview {
            root: root.to_path_buf(),
            opts: opts.clone(),
            drafts,
            site,
            theme,
            renderer,
            bodies,
            files,
        })
    }

    /// Every file of the site, as `build` would write it.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Brings the site up to date after the files at `changed` (absolute paths) changed. On an
    /// error the preview keeps the last good site.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Scope, SiteError> {
        let content = &self.site.content_dir;
        if content != &self.root && !content.is_dir() {
            return Err(SiteError::Other(format!(
                "the content folder {} is gone; put it back (or undo the delete) and the preview comes back",
                content.display()
            )));
        }
        let Some(touched) = self.touched_pages(changed) else {
            *self = Preview::load(&self.root, &self.opts, self.drafts)?;
            return Ok(Scope::Everything);
        };
        let unchanged: HashMap<String, Page> = self
            .site
            .pages
            .iter()
            .filter(|p| !touched.covers(&p.source))
            .map(|p| (p.source.clone(), p.clone()))
            .collect();
        let site = load::load_with(
            &self.root,
            &LoadOptions {
                drafts: self.drafts,
                unchanged: Some(&unchanged),
            },
        )?;
        let reread: Vec<&Page> = site
            .pages
            .iter()
            .filter(|p| !unchanged.contains_key(&p.source))
            .collect();
        let same_pages = outputs(&site).eq(outputs(&self.site));
        let old: HashMap<&str, &Page> = self
            .site
            .pages
            .iter()
            .map(|p| (p.source.as_str(), p))
            .collect();
        let bodies_only = same_pages
            && reread.iter().all(|p| {
                old.get(p.source.as_str())
                    .is_some_and(|o| same_front_matter(o, p))
            });

        if bodies_only {
            let fresh = markdown_of(&site, reread.iter().copied());
            let mut pages = Vec::with_capacity(reread.len());
            for page in &reread {
                let html = fresh.get(&page.source).map_or("", String::as_str);
                pages.push((page.path.clone(), self.renderer.page(&site, page, html)?));
            }
            let n = pages.len();
            self.files.extend(pages);
            self.bodies.extend(fresh);
            self.site = site;
            return Ok(Scope::Pages(n));
        }
        let bodies = if same_pages {
            let mut bodies = self.bodies.clone();
            bodies.extend(markdown_of(&site, reread.iter().copied()));
            bodies
        } else {
            markdown_of(&site, site.pages.iter())
        };
        let renderer = Renderer::new(&site, &self.theme, &self.opts)?;
        self.files = render_all(&site, &self.theme, &renderer, &bodies, &self.opts)?;
        (self.site, self.renderer, self.bodies) = (site, renderer, bodies);
        Ok(Scope::AllPages)
    }

    /// The content files (and folders) `changed` touches, or `None` when the change reaches
    /// beyond pages' Markdown and everything must be built again.
    fn touched_pages(&self, changed: &[PathBuf]) -> Option<Touched> {
        let content = &self.site.content_dir;
        let mut touched = Touched::default();
        for path in changed {
            let beyond_pages = path == &self.root.join(load::SETTINGS_FILE)
                || ["templates", "static", "themes", "theme-static"]
                    .iter()
                    .any(|d| path.starts_with(self.root.join(d)));
            if beyond_pages {
                return None;
            }
            let rel = path.strip_prefix(content).ok()?;
            if rel.as_os_str().is_empty() {
                return None; // the content folder itself came or went
            }
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.split('/').any(|part| part.starts_with('.')) {
                continue; // editors' swap files; `load` skips hidden files too
            }
            if rel.ends_with(".md") {
                touched.files.insert(rel);
                continue;
            }
            let folder = format!("{rel}/");
            let held_pages = self
                .site
                .pages
                .iter()
                .any(|p| p.source.starts_with(&folder));
            if held_pages || path.is_dir() {
                touched.folders.push(folder);
            } else if path.exists() {
                return None; // a file that is not Markdown: build it all to be safe
            }
            // Otherwise a temporary file that is gone again (editors write and delete them).
        }
        Some(touched)
    }
}

/// Content files and folders an edit touched, relative to the content folder.
#[derive(Default)]
struct Touched {
    files: HashSet<String>,
    folders: Vec<String>,
}

impl Touched {
    fn covers(&self, source: &str) -> bool {
        self.files.contains(source) || self.folders.iter().any(|f| source.starts_with(f.as_str()))
    }
}

/// Each page's source and output path, in site order: links and lists depend on exactly this.
fn outputs(site: &Site) -> impl Iterator<Item = (&str, &str)> {
    site.pages
        .iter()
        .map(|p| (p.source.as_str(), p.path.as_str()))
}

/// Whether two readings of a page differ only in the Markdown body: the serialized page leaves
/// the body out and holds every front matter field the views are made from.
fn same_front_matter(a: &Page, b: &Page) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
        && a.has_title == b.has_title
        && a.front_matter == b.front_matter
}

/// The Markdown of `pages` as HTML, by source path, on every core.
fn markdown_of<'a>(site: &Site, pages: impl Iterator<Item = &'a Page>) -> HashMap<String, String> {
    let pages: Vec<&Page> = pages.collect();
    let links = super::link_map(site);
    let html = |p: &&Page| -> Result<_, std::convert::Infallible> {
        Ok((p.source.clone(), super::render_body(p, &links).html))
    };
    match render::in_parallel(&pages, html) {
        Ok(v) => v.into_iter().collect(),
        Err(never) => match never {},
    }
}

fn render_all(
    site: &Site,
    theme: &Theme,
    renderer: &Renderer,
    bodies: &HashMap<String, String>,
    opts: &RenderOptions,
) -> Result<Files, SiteError> {
    let page = |p: &Page| -> Result<(String, Vec<u8>), SiteError> {
        let html = bodies.get(&p.source).map_or("", String::as_str);
        Ok((p.path.clone(), renderer.page(site, p, html)?))
    };
    let mut files: Files = render::in_parallel(&site.pages, page)?
        .into_iter()
        .collect();
    let rest = renderer.rest(site, theme, opts, files.keys().map(String::as_str))?;
    files.extend(rest);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pages: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("signpost.toml"),
            "[school]\nname = \"T\"\nyears = [7]\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        for (name, text) in pages {
            std::fs::write(dir.path().join("content").join(name), text).unwrap();
        }
        dir
    }

    fn build(root: &Path) -> Files {
        let site = load::load(root).unwrap();
        let bodies = super::super::render_bodies(&site);
        let theme = super::super::theme_of(&site).unwrap();
        render::render(&site, &bodies, &theme, &RenderOptions::default()).unwrap()
    }

    #[test]
    fn a_body_edit_renders_one_page_and_a_title_edit_all_of_them() {
        let dir = site(&[
            ("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n"),
            ("a.md", "+++\ntitle = \"A\"\nweight = 2\n+++\nA text.\n"),
            ("b.md", "+++\ntitle = \"B\"\n+++\nB text.\n"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let mut preview = Preview::load(&root, &RenderOptions::default(), false).unwrap();
        let a = root.join("content/a.md");

        std::fs::write(&a, "+++\ntitle = \"A\"\nweight = 2\n+++\nNew words.\n").unwrap();
        assert_eq!(
            preview.update(std::slice::from_ref(&a)).unwrap(),
            Scope::Pages(1)
        );
        assert_eq!(preview.files(), &build(&root));

        std::fs::write(
            &a,
            "+++\ntitle = \"Renamed\"\nweight = 2\n+++\nNew words.\n",
        )
        .unwrap();
        assert_eq!(
            preview.update(std::slice::from_ref(&a)).unwrap(),
            Scope::AllPages
        );
        assert_eq!(preview.files(), &build(&root));

        let moved = root.join("content/c.md");
        std::fs::rename(&a, &moved).unwrap();
        assert_eq!(preview.update(&[a, moved]).unwrap(), Scope::AllPages);
        assert_eq!(preview.files(), &build(&root));

        let settings = root.join("signpost.toml");
        std::fs::write(&settings, "[school]\nname = \"U\"\nyears = [7]\n").unwrap();
        assert_eq!(preview.update(&[settings]).unwrap(), Scope::Everything);
        assert_eq!(preview.files(), &build(&root));
    }

    #[test]
    fn a_broken_save_keeps_the_last_good_site() {
        let dir = site(&[("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")]);
        let root = dir.path().canonicalize().unwrap();
        let mut preview = Preview::load(&root, &RenderOptions::default(), false).unwrap();
        let before = preview.files().clone();
        let page = root.join("content/index.md");
        std::fs::write(&page, "+++\ntitle = 5\n+++\n").unwrap();
        assert!(preview.update(&[page]).is_err());
        assert_eq!(preview.files(), &before);
    }
}
