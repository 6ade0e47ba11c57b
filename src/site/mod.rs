//! The careers site: load -> check -> render -> write.

pub mod check;
pub mod error;
pub mod incremental;
pub mod lang;
pub mod load;
pub mod markdown;
pub mod model;
pub mod order;
pub mod output;
pub mod render;
pub mod schema;
pub mod theme;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub use error::{Problem, SiteError};
use markdown::{LinkContext, Rendered};
use model::Site;
pub use render::{Files, RenderOptions};

/// What `signpost build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site: PathBuf,
    pub out: PathBuf,
    pub zip: Option<PathBuf>,
    pub render: RenderOptions,
    /// Refuse to write a site that `check` finds errors in.
    pub strict: bool,
}

/// A site read and rendered in memory, with its check findings, before anything is written.
pub struct Built {
    pub site: Site,
    pub bodies: HashMap<String, Rendered>,
    pub files: Files,
    pub findings: Vec<check::Finding>,
}

/// Renders every page's Markdown once; the renderer and the checks both use the result.
pub fn render_bodies(site: &Site) -> HashMap<String, Rendered> {
    let map = link_map(site);
    let render = |p: &model::Page| -> Result<_, std::convert::Infallible> {
        Ok((p.source.clone(), render_body(p, &map)))
    };
    match render::in_parallel(&site.pages, render) {
        Ok(bodies) => bodies.into_iter().collect(),
        Err(never) => match never {},
    }
}

/// The theme a site asks for (`[site] theme`), or the default one.
pub fn theme_of(site: &Site) -> Result<theme::Theme, SiteError> {
    let name = site.settings.site.theme.as_deref().unwrap_or("default");
    theme::Theme::load(&site.root, name)
}

/// Loads, checks and renders the site in `root` without writing anything.
pub fn build_in_memory(root: &Path, opts: &RenderOptions) -> Result<Built, SiteError> {
    let site = load::load(root)?;
    let bodies = render_bodies(&site);
    let missing = load::missing_images(&site, &bodies);
    if !missing.is_empty() {
        return Err(SiteError::Invalid(missing));
    }
    let theme = theme_of(&site)?;
    let files = render::render(&site, &bodies, &theme, opts)?;
    let findings = check::run(&site, &bodies, &files, opts.today());
    Ok(Built {
        site,
        bodies,
        files,
        findings,
    })
}

/// What `build` wrote, with the check's findings and how long each phase took.
pub struct Written {
    pub site: Site,
    pub findings: Vec<check::Finding>,
    /// Every file of the built site, by path.
    pub paths: Vec<String>,
    pub phases: Phases,
}

/// How long each phase of a build took, for `build --verbose`. Parse (Markdown), render
/// (templates) and write run on every core at once, so they are summed over the threads; the
/// others are wall-clock time.
#[derive(Debug, Default, Clone)]
pub struct Phases {
    /// Reading the files and their front matter.
    pub load: Duration,
    pub parse: Duration,
    pub render: Duration,
    pub write: Duration,
    /// Pages rendered, parsed and written together, by the clock.
    pub pages_wall: Duration,
    pub check: Duration,
    /// Moving the new site into place.
    pub swap: Duration,
    pub zip: Duration,
    /// Waiting for the previous site to be removed (it runs alongside check and zip).
    pub cleanup: Duration,
    pub threads: usize,
}

/// Sums the time threads spend in one phase.
#[derive(Default)]
struct Clock(AtomicU64);

impl Clock {
    fn time<R>(&self, f: impl FnOnce() -> R) -> R {
        let started = Instant::now();
        let r = f();
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.0.fetch_add(nanos, Ordering::Relaxed);
        r
    }

    fn total(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::Relaxed))
    }
}

fn timed<R>(into: &mut Duration, f: impl FnOnce() -> R) -> R {
    let started = Instant::now();
    let r = f();
    *into += started.elapsed();
    r
}

/// Builds the site and writes it (and the zip, if asked) only when everything succeeded.
///
/// Pages go to the staging folder as soon as they are rendered rather than being held until
/// the end, so memory stays flat as a site grows: only each page's links and headings (for
/// `check`) stay in memory.
pub fn build(opts: &BuildOptions) -> Result<Written, SiteError> {
    let mut phases = Phases {
        threads: render::threads(),
        ..Phases::default()
    };
    let site = timed(&mut phases.load, || load::load(&opts.site))?;
    output::check_safe_target(&site, &opts.out)?;
    if let Some(zip) = &opts.zip {
        output::check_safe_zip(zip)?;
    }
    let theme = theme_of(&site)?;
    let renderer = render::Renderer::new(&site, &theme, &opts.render)?;
    let staging = output::Staging::begin(&opts.out)?;

    let started = Instant::now();
    let (parse, render, write) = (Clock::default(), Clock::default(), Clock::default());
    let links = link_map(&site);
    // One thread writes while the others render: two threads creating files in one folder
    // queue for its lock, and the one waiting spins on a core (at 10,000 new files that
    // spinning was most of a build's system time).
    let (to_disk, pages_out) = std::sync::mpsc::sync_channel::<(String, Vec<u8>)>(64);
    let (bodies, written) = std::thread::scope(|s| {
        let writer = s.spawn(|| {
            pages_out
                .into_iter()
                .try_for_each(|(path, bytes)| write.time(|| staging.write(&path, &bytes)))
        });
        let bodies = render::in_parallel(&site.pages, |page| {
            let mut body = parse.time(|| render_body(page, &links));
            let bytes = render.time(|| renderer.page(&site, page, &body.html))?;
            // A closed channel means the writer stopped on an error, which it returns, so
            // this stand-in is never shown.
            to_disk
                .send((page.path.clone(), bytes))
                .map_err(|_| SiteError::Other("the site could not be written".into()))?;
            body.html = String::new();
            Ok::<_, SiteError>((page.source.clone(), body))
        });
        drop(to_disk);
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (bodies, written)
    });
    written?;
    let bodies = bodies?;
    let bodies: HashMap<String, Rendered> = bodies.into_iter().collect();
    let page_paths = site.pages.iter().map(|p| p.path.as_str());
    let rest = render.time(|| renderer.rest(&site, &theme, &opts.render, page_paths))?;
    write.time(|| rest.iter().try_for_each(|(p, b)| staging.write(p, b)))?;
    (phases.parse, phases.render, phases.write) = (parse.total(), render.total(), write.total());
    phases.pages_wall = started.elapsed();

    let missing = load::missing_images(&site, &bodies);
    if !missing.is_empty() {
        return Err(SiteError::Invalid(missing));
    }
    let files = files_for_check(&site, &bodies, rest, &staging)?;
    let today = opts.render.today();
    let findings = timed(&mut phases.check, || {
        check::run(&site, &bodies, &files, today)
    });
    let has_errors = findings
        .iter()
        .any(|f| f.severity == check::Severity::Error);
    if opts.strict && has_errors {
        return Err(strict_refusal(&findings));
    }
    let cleanup = timed(&mut phases.swap, || staging.finish())?;
    let paths: Vec<String> = files.into_keys().collect();
    let zipped = match &opts.zip {
        Some(zip) => timed(&mut phases.zip, || {
            output::write_zip(&opts.out, paths.iter().map(String::as_str), zip)
        }),
        None => Ok(()),
    };
    if let Some(cleanup) = cleanup {
        timed(&mut phases.cleanup, || cleanup.join()).ok();
    }
    zipped?;
    Ok(Written {
        site,
        findings,
        paths,
        phases,
    })
}

/// `--strict`'s refusal, listing each error it refuses on with its file, line and fix.
fn strict_refusal(findings: &[check::Finding]) -> SiteError {
    let errors: Vec<&check::Finding> = findings
        .iter()
        .filter(|f| f.severity == check::Severity::Error)
        .collect();
    let mut listed = String::new();
    for f in &errors {
        let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
        listed.push_str(&format!(
            "{}{at}: {}\n  fix: {}\n",
            f.file, f.message, f.fix
        ));
    }
    let n = errors.len();
    SiteError::Other(format!(
        "{listed}--strict refuses a site with errors, so nothing was written; fix the {n} error{} above, or build without --strict",
        if n == 1 { "" } else { "s" }
    ))
}

/// Source path -> output path of every page, for rewriting links between pages.
fn link_map(site: &Site) -> HashMap<String, String> {
    site.pages
        .iter()
        .map(|p| (p.source.clone(), p.path.clone()))
        .collect()
}

/// One page's Markdown, with links rewritten for where the page is written.
fn render_body(page: &model::Page, links: &HashMap<String, String>) -> Rendered {
    let ctx = LinkContext {
        pages: links,
        source: &page.source,
        output: &page.path,
    };
    markdown::render(&page.body, page.body_line, &ctx)
}

/// The built site as `check` needs it without holding every page in memory: every path, the
/// files that are not pages in full, and of the pages' HTML only that of pages a `#fragment`
/// link points into (read back from the staging folder), the only page text `check` reads.
fn files_for_check(
    site: &Site,
    bodies: &HashMap<String, Rendered>,
    rest: Files,
    staging: &output::Staging,
) -> Result<Files, SiteError> {
    let mut files: Files = site
        .pages
        .iter()
        .map(|p| (p.path.clone(), Vec::new()))
        .collect();
    files.extend(rest);
    let targets: std::collections::BTreeSet<&str> = bodies
        .values()
        .flat_map(|b| &b.links)
        .filter_map(|l| match &l.target {
            markdown::LinkTarget::Internal {
                path,
                fragment: Some(_),
            } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    for path in targets {
        if let Some(bytes) = files.get_mut(path).filter(|b| b.is_empty()) {
            *bytes = staging.read(path)?;
        }
    }
    Ok(files)
}
