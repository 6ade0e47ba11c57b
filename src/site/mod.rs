//! The careers site: load -> check -> render -> write.

pub mod check;
pub mod error;
pub mod lang;
pub mod load;
pub mod markdown;
pub mod model;
pub mod order;
pub mod output;
pub mod render;
pub mod theme;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

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
    let map: HashMap<String, String> = site
        .pages
        .iter()
        .map(|p| (p.source.clone(), p.path.clone()))
        .collect();
    let render = |p: &model::Page| -> Result<_, std::convert::Infallible> {
        let ctx = LinkContext {
            pages: &map,
            source: &p.source,
            output: &p.path,
        };
        Ok((
            p.source.clone(),
            markdown::render(&p.body, p.body_line, &ctx),
        ))
    };
    match render::in_parallel(&site.pages, render) {
        Ok(bodies) => bodies.into_iter().collect(),
        Err(never) => match never {},
    }
}

/// Loads, checks and renders the site in `root` without writing anything.
pub fn build_in_memory(root: &Path, opts: &RenderOptions) -> Result<Built, SiteError> {
    let site = load::load(root)?;
    let bodies = render_bodies(&site);
    let theme_name = site
        .settings
        .site
        .theme
        .clone()
        .unwrap_or_else(|| "default".into());
    let theme = theme::Theme::load(root, &theme_name)?;
    let files = render::render(&site, &bodies, &theme, opts)?;
    let today = opts.today.unwrap_or_else(model::Date::today);
    let findings = check::run(&site, &bodies, &files, today);
    Ok(Built {
        site,
        bodies,
        files,
        findings,
    })
}

/// Builds the site and writes it (and the zip, if asked) only when everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<Built, SiteError> {
    let built = build_in_memory(&opts.site, &opts.render)?;
    if opts.strict
        && built
            .findings
            .iter()
            .any(|f| f.severity == check::Severity::Error)
    {
        return Err(SiteError::Other(
            "the site has errors (listed above) and --strict is set, so nothing was written".into(),
        ));
    }
    output::check_safe_target(&built.site, &opts.out)?;
    output::write_atomic(&built.files, &opts.out)?;
    if let Some(zip) = &opts.zip {
        output::write_zip(&built.files, zip)?;
    }
    Ok(built)
}
