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
//! Only the pages an edit was made in are rendered straight away; the others it changed (the
//! home page, which lists every title, or every page when a menu entry changed) are marked out
//! of date and rendered when they are asked for ([`Preview::file`]), so a save at thousands of
//! pages shows as soon as its own page is ready, and a page nobody opens costs nothing.
//!
//! Pages are always read through [`load::load_with`] (the same walk, order and checks as
//! `build`), reusing the pages whose files did not change, so the preview shows what `build`
//! writes, byte for byte; `tests/serve.rs` holds it to that after a run of edits. When a save
//! only changed files that were pages already, the walk's list is the last reading's pages in
//! their order, which is what walking again would find.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::error::SiteError;
use super::load::{self, LoadOptions};
use super::model::{Kind, Page, Site};
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
    /// Every file of the site; those of the pages in `pending` hold an older version.
    files: Files,
    /// Output paths of pages to render again before they are served.
    pending: HashSet<String>,
    /// A failed update left the kept pages incomplete: the next one loads everything.
    stale: bool,
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
            pending: HashSet::new(),
            stale: false,
        })
    }

    /// How many pages are out of date until they are next asked for.
    pub fn waiting(&self) -> usize {
        self.pending.len()
    }

    /// The paths of every file of the site.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// One file of the site as `build` would write it, rendering it first if an edit left it
    /// out of date.
    pub fn file(&mut self, path: &str) -> Result<Option<&[u8]>, SiteError> {
        if self.pending.remove(path) {
            if let Some(page) = self.site.pages.iter().find(|p| p.path == path) {
                let html = self.bodies.get(&page.source).map_or("", String::as_str);
                match self.renderer.page(&self.site, page, html) {
                    Ok(bytes) => {
                        self.files.insert(path.to_string(), bytes);
                    }
                    Err(e) => {
                        self.pending.insert(path.to_string());
                        return Err(e);
                    }
                }
            }
        }
        Ok(self.files.get(path).map(Vec::as_slice))
    }

    /// Every file of the site, as `build` would write it.
    pub fn files(&mut self) -> Result<&Files, SiteError> {
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            let pages: Vec<&Page> = self
                .site
                .pages
                .iter()
                .filter(|p| pending.contains(&p.path))
                .collect();
            match render_pages(&self.site, &pages, &self.renderer, &self.bodies) {
                Ok(fresh) => self.files.extend(fresh),
                Err(e) => {
                    self.pending = pending;
                    return Err(e);
                }
            }
        }
        Ok(&self.files)
    }

    /// Brings the site up to date after the files at `changed` (absolute paths) changed. On an
    /// error the preview keeps showing the last good site.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Scope, SiteError> {
        let content = &self.site.content_dir;
        if content != &self.root && !content.is_dir() {
            return Err(SiteError::Other(format!(
                "the content folder {} is gone; put it back (or undo the delete) and the preview comes back",
                content.display()
            )));
        }
        let touched = match self.touched_pages(changed) {
            Some(touched) if !self.stale => touched,
            _ => {
                *self = Preview::load(&self.root, &self.opts, self.drafts)?;
                return Ok(Scope::Everything);
            }
        };
        // Unchanged pages move into the new site rather than being copied: at thousands of
        // pages, copying and freeing them would cost more than the edit. Until this update
        // succeeds the kept pages are in pieces, so a failure leads to a full load next time.
        self.stale = true;
        let old_order: Vec<(String, String)> = outputs(&self.site)
            .map(|(s, p)| (s.to_string(), p.to_string()))
            .collect();
        let old_sources: HashSet<&str> = old_order.iter().map(|(s, _)| s.as_str()).collect();
        // Only files that were pages already, and still are files: the pages are the same files
        // in the same order, so the content folder need not be walked again.
        let same_files = touched.folders.is_empty()
            && touched
                .files
                .iter()
                .all(|f| old_sources.contains(f.as_str()) && content.join(f).is_file());
        let known_files: Option<Vec<(String, PathBuf)>> = same_files.then(|| {
            let pages = self.site.pages.iter();
            pages
                .map(|p| (p.source.clone(), content.join(&p.source)))
                .collect()
        });
        let mut keep = Kept::new(std::mem::take(&mut self.site.pages));
        let previous = keep.take_touched(&touched);
        let keep = RefCell::new(keep);
        let take = |source: &str| keep.borrow_mut().take(source);
        let site = load::load_with(
            &self.root,
            &LoadOptions {
                drafts: self.drafts,
                unchanged: Some(&take),
                files: known_files.as_deref(),
            },
        )?;
        let reread: Vec<&Page> = site
            .pages
            .iter()
            .filter(|p| touched.covers(&p.source) || !old_sources.contains(p.source.as_str()))
            .collect();
        let same_pages = outputs(&site).eq(old_order.iter().map(|(s, p)| (s.as_str(), p.as_str())));
        let bodies_only = same_pages
            && reread.iter().all(|p| {
                previous
                    .iter()
                    .find(|o| o.source == p.source)
                    .is_some_and(|o| same_front_matter(o, p))
            });

        let scope = if bodies_only {
            let fresh = markdown_of(&site, reread.iter().copied());
            let mut pages = Vec::with_capacity(reread.len());
            for page in &reread {
                let html = fresh.get(&page.source).map_or("", String::as_str);
                pages.push((page.path.clone(), self.renderer.page(&site, page, html)?));
            }
            let n = pages.len();
            for (path, _) in &pages {
                self.pending.remove(path);
            }
            self.files.extend(pages);
            self.bodies.extend(fresh);
            Scope::Pages(n)
        } else if same_pages {
            // Front matter changed: the pages whose views changed with it, and the page itself.
            // The Markdown and the shared views are independent: each gets a core.
            let (fresh_md, renderer) = std::thread::scope(|s| {
                let md = s.spawn(|| markdown_of(&site, reread.iter().copied()));
                let renderer = self.renderer.for_site(&site, &self.opts);
                (joined(md), renderer)
            });
            self.bodies.extend(fresh_md);
            let reread: HashSet<&str> = reread.iter().map(|p| p.source.as_str()).collect();
            let mut same: HashMap<Kind, bool> = HashMap::new();
            let (edited, others): (Vec<&Page>, Vec<&Page>) = site
                .pages
                .iter()
                .filter(|p| {
                    reread.contains(p.source.as_str())
                        || !*same
                            .entry(p.kind)
                            .or_insert_with(|| renderer.same_views_for(&self.renderer, p))
                })
                .partition(|p| reread.contains(p.source.as_str()));
            let n = edited.len() + others.len();
            // The generated pages and the sitemap meanwhile, on the other core.
            let (fresh, rest) = std::thread::scope(|s| {
                let rest = s.spawn(|| {
                    renderer.rest(
                        &site,
                        &self.theme,
                        &self.opts,
                        outputs(&site).map(|(_, p)| p),
                    )
                });
                let fresh = render_pages(&site, &edited, &renderer, &self.bodies);
                (fresh, joined(rest))
            });
            let (fresh, rest) = (fresh?, rest?);
            for (path, _) in &fresh {
                self.pending.remove(path);
            }
            self.pending.extend(others.iter().map(|p| p.path.clone()));
            self.files.extend(fresh);
            self.files.extend(rest);
            self.renderer = renderer;
            Scope::Pages(n)
        } else {
            self.bodies = markdown_of(&site, site.pages.iter());
            let renderer = Renderer::new(&site, &self.theme, &self.opts)?;
            self.files = render_all(&site, &self.theme, &renderer, &self.bodies, &self.opts)?;
            self.pending.clear();
            self.renderer = renderer;
            Scope::AllPages
        };
        self.site = site;
        self.stale = false;
        Ok(scope)
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

/// The last reading's pages, handed back to the walk of the next one unread. The walk meets the
/// files in the same order as before, so each is looked for where the last one was found and
/// only an added, removed or moved file makes an index by source: at thousands of pages,
/// hashing every source for each save was a tenth of the update.
struct Kept {
    pages: Vec<Option<Page>>,
    next: usize,
    by_source: Option<HashMap<String, usize>>,
}

impl Kept {
    fn new(pages: Vec<Page>) -> Kept {
        Kept {
            pages: pages.into_iter().map(Some).collect(),
            next: 0,
            by_source: None,
        }
    }

    /// Takes out the pages the edit touched, which must be read again.
    fn take_touched(&mut self, touched: &Touched) -> Vec<Page> {
        self.pages
            .iter_mut()
            .filter(|p| p.as_ref().is_some_and(|p| touched.covers(&p.source)))
            .filter_map(Option::take)
            .collect()
    }

    /// The kept page read from `source`, if there is one.
    fn take(&mut self, source: &str) -> Option<Page> {
        while matches!(self.pages.get(self.next), Some(None)) {
            self.next += 1;
        }
        let at = match self.pages.get(self.next) {
            Some(Some(p)) if p.source == source => self.next,
            _ => {
                let pages = &self.pages;
                let index = self.by_source.get_or_insert_with(|| {
                    let sources = pages.iter().enumerate();
                    sources
                        .filter_map(|(i, p)| Some((p.as_ref()?.source.clone(), i)))
                        .collect()
                });
                *index.get(source)?
            }
        };
        self.next = at + 1;
        self.pages[at].take()
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

/// The result of a scoped thread; a panic there carries on here, as it would have in one thread.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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

/// `pages` through their templates, on every core.
fn render_pages(
    site: &Site,
    pages: &[&Page],
    renderer: &Renderer,
    bodies: &HashMap<String, String>,
) -> Result<Vec<(String, Vec<u8>)>, SiteError> {
    render::in_parallel(pages, |p| {
        let html = bodies.get(&p.source).map_or("", String::as_str);
        Ok((p.path.clone(), renderer.page(site, p, html)?))
    })
}

fn render_all(
    site: &Site,
    theme: &Theme,
    renderer: &Renderer,
    bodies: &HashMap<String, String>,
    opts: &RenderOptions,
) -> Result<Files, SiteError> {
    let pages: Vec<&Page> = site.pages.iter().collect();
    let mut files: Files = render_pages(site, &pages, renderer, bodies)?
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
    fn an_edit_renders_the_pages_that_show_what_it_changed() {
        let dir = site(&[
            ("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n"),
            ("a.md", "+++\ntitle = \"A\"\nweight = 2\n+++\nA text.\n"),
            ("b.md", "+++\ntitle = \"B\"\n+++\nB text.\n"),
            ("c.md", "+++\ntitle = \"C\"\n+++\nC text.\n"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let mut preview = Preview::load(&root, &RenderOptions::default(), false).unwrap();
        let (a, b) = (root.join("content/a.md"), root.join("content/b.md"));

        std::fs::write(&a, "+++\ntitle = \"A\"\nweight = 2\n+++\nNew words.\n").unwrap();
        assert_eq!(
            preview.update(std::slice::from_ref(&a)).unwrap(),
            Scope::Pages(1)
        );
        assert_eq!(preview.files().unwrap(), &build(&root));

        // B is in no menu: only B and the home page (which lists every page) change.
        std::fs::write(&b, "+++\ntitle = \"Bee\"\n+++\nB text.\n").unwrap();
        assert_eq!(
            preview.update(std::slice::from_ref(&b)).unwrap(),
            Scope::Pages(2)
        );
        assert_eq!(preview.files().unwrap(), &build(&root));

        // A is in the menu every page shows.
        std::fs::write(
            &a,
            "+++\ntitle = \"Renamed\"\nweight = 2\n+++\nNew words.\n",
        )
        .unwrap();
        assert_eq!(
            preview.update(std::slice::from_ref(&a)).unwrap(),
            Scope::Pages(4)
        );
        assert_eq!(preview.files().unwrap(), &build(&root));

        let moved = root.join("content/c.md");
        std::fs::rename(&a, &moved).unwrap();
        assert_eq!(preview.update(&[a, moved]).unwrap(), Scope::AllPages);
        assert_eq!(preview.files().unwrap(), &build(&root));

        let settings = root.join("signpost.toml");
        std::fs::write(&settings, "[school]\nname = \"U\"\nyears = [7]\n").unwrap();
        assert_eq!(preview.update(&[settings]).unwrap(), Scope::Everything);
        assert_eq!(preview.files().unwrap(), &build(&root));
    }

    #[test]
    fn pages_an_edit_changed_elsewhere_are_rendered_when_asked_for() {
        let dir = site(&[
            ("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n"),
            ("b.md", "+++\ntitle = \"B\"\n+++\nB text.\n"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let mut preview = Preview::load(&root, &RenderOptions::default(), false).unwrap();
        let b = root.join("content/b.md");
        let old_home = preview.file("index.html").unwrap().unwrap().to_vec();

        std::fs::write(&b, "+++\ntitle = \"Bee\"\n+++\nB text.\n").unwrap();
        assert_eq!(
            preview.update(std::slice::from_ref(&b)).unwrap(),
            Scope::Pages(2)
        );
        assert!(
            preview.pending.contains("index.html"),
            "the home page waits"
        );
        assert_eq!(preview.waiting(), 1);
        assert!(
            !preview.pending.contains("b.html"),
            "the edited page is ready"
        );
        let built = build(&root);
        let home = preview.file("index.html").unwrap().unwrap().to_vec();
        assert_ne!(home, old_home);
        assert_eq!(
            home, built["index.html"],
            "rendered on request, as build writes it"
        );
        assert_eq!(preview.waiting(), 0);

        // A later edit of the text alone leaves a page still waiting as it was.
        std::fs::write(&b, "+++\ntitle = \"Bees\"\n+++\nB text.\n").unwrap();
        preview.update(std::slice::from_ref(&b)).unwrap();
        std::fs::write(&b, "+++\ntitle = \"Bees\"\n+++\nOther text.\n").unwrap();
        assert_eq!(
            preview.update(std::slice::from_ref(&b)).unwrap(),
            Scope::Pages(1)
        );
        assert!(preview.pending.contains("index.html"));
        assert_eq!(preview.files().unwrap(), &build(&root));
    }

    #[test]
    fn a_broken_save_keeps_the_last_good_site() {
        let dir = site(&[("index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")]);
        let root = dir.path().canonicalize().unwrap();
        let mut preview = Preview::load(&root, &RenderOptions::default(), false).unwrap();
        let before = preview.files().unwrap().clone();
        let page = root.join("content/index.md");
        std::fs::write(&page, "+++\ntitle = 5\n+++\n").unwrap();
        assert!(preview.update(&[page]).is_err());
        assert_eq!(preview.files().unwrap(), &before);
    }
}
