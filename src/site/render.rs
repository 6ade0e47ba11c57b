//! Pages in memory: the model and rendered Markdown go through the theme's tera templates.
//!
//! Views that several pages share (the menu, the plan with overdue flags, benchmark coverage)
//! are computed here once per build, from the model alone.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use tera::Tera;

use super::error::SiteError;
use super::markdown::{root_of, slug, Rendered};
use super::model::*;
use super::order::{natural_cmp, sort_naturally};
use super::theme::Theme;
use crate::clock::Clock;

/// The built site: output path -> bytes, sorted so output and zips are reproducible.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Options that change the output but not the content.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Absolute URL the site will live at; enables `sitemap.xml` and canonical links.
    pub base_url: Option<String>,
    /// "Now" for overdue actions and the check summary: the system clock, or `--on DATE`.
    pub clock: Clock,
}

impl RenderOptions {
    /// Today's date in the school, from the clock.
    pub fn today(&self) -> Date {
        Date(self.clock.today())
    }
}

/// Renders every page, the generated pages, the stylesheet and the site's static files.
pub fn render(
    site: &Site,
    bodies: &HashMap<String, Rendered>,
    theme: &Theme,
    opts: &RenderOptions,
) -> Result<Files, SiteError> {
    let renderer = Renderer::new(site, theme, opts)?;
    let render_page = |page: &Page| -> Result<(String, Vec<u8>), SiteError> {
        let html = bodies
            .get(&page.source)
            .map(|r| r.html.as_str())
            .unwrap_or("");
        Ok((page.path.clone(), renderer.page(site, page, html)?))
    };
    let mut files: Files = in_parallel(&site.pages, render_page)?.into_iter().collect();
    let rest = renderer.rest(site, theme, opts, files.keys().map(String::as_str))?;
    files.extend(rest);
    Ok(files)
}

/// The templates and the views pages share, made once and then used for any number of pages:
/// by `render`, by the build that streams pages to disk and by the preview that re-renders only
/// the pages an edit touched.
pub struct Renderer {
    /// Shared with the renderers made from this one by [`Renderer::for_site`].
    tera: Arc<Tera>,
    views: Views,
    today: Date,
}

/// A number for each set of views made, so a thread's kept context knows whose base it holds.
static VIEWS_MADE: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's context: the base views of the views numbered `.0`, which each page's own
    /// values join for its render and leave after it. The base is copied once per thread, not
    /// once per page, which at thousands of pages was a tenth of a build.
    static CONTEXT: RefCell<Option<(u64, tera::Context)>> = const { RefCell::new(None) };
}

/// The values one page adds to the kept context, noted so they can be taken out again.
struct PageValues<'a> {
    ctx: &'a mut tera::Context,
    base: &'a tera::Context,
    added: Vec<&'static str>,
    /// A page value hid a base one, so taking it out would lose that: the context is made again.
    hid_base: bool,
}

impl PageValues<'_> {
    fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.hid_base |= self.base.contains_key(key);
        self.ctx.insert(key, value);
        self.added.push(key);
    }
}

impl Renderer {
    pub fn new(site: &Site, theme: &Theme, opts: &RenderOptions) -> Result<Renderer, SiteError> {
        let tera = Arc::new(templates(theme)?);
        let today = opts.today();
        let views = shared_view(site, today);
        Ok(Renderer { tera, views, today })
    }

    /// A renderer with the same templates for a new reading of the site (the preview, when
    /// only pages changed), so an edit does not parse the templates again.
    pub fn for_site(&self, site: &Site, opts: &RenderOptions) -> Renderer {
        let today = opts.today();
        Renderer {
            tera: Arc::clone(&self.tera),
            views: shared_view(site, today),
            today,
        }
    }

    /// Whether `page` sees the same shared views here as in `other` (made from an earlier
    /// reading of the site), so that, unchanged itself, it renders to the same bytes. Every
    /// field of the views counts except the large ones its template does not show.
    pub fn same_views_for(&self, other: &Renderer, page: &Page) -> bool {
        let template = format!("{}.html", template_for(page.kind));
        // Compared in place: at thousands of pages a copy of the large views costs more than
        // rendering the pages that show them.
        let used = Views::used_by(&template);
        let (mine, theirs) = (&self.views, &other.views);
        self.today == other.today
            && mine.base == theirs.base
            && mine.translations == theirs.translations
            && mine
                .large
                .iter()
                .filter(|(n, _)| used.contains(n))
                .eq(theirs.large.iter().filter(|(n, _)| used.contains(n)))
    }

    /// One page through its template; `html` is its rendered Markdown.
    pub fn page(&self, site: &Site, page: &Page, html: &str) -> Result<Vec<u8>, SiteError> {
        let (views, today) = (&self.views, self.today);
        let template = format!("{}.html", template_for(page.kind));
        let description = page.description.as_deref();
        views.render(
            &self.tera,
            &template,
            &page.path,
            &page.title,
            description,
            |ctx| {
                ctx.insert("page", page);
                ctx.insert("lang", &page.lang.as_ref().filter(|l| !l.is_english()));
                ctx.insert(
                    "translations",
                    views.translations.get(&page.source).unwrap_or(&Value::Null),
                );
                ctx.insert("content", html);
                ctx.insert("view", &kind_view(site, page, today));
            },
        )
    }

    /// Everything that is not a page of Markdown: the generated pages, the theme's assets, the
    /// site's static files and the sitemap (which lists `pages`, the pages' output paths, too).
    pub fn rest<'a>(
        &self,
        site: &Site,
        theme: &Theme,
        opts: &RenderOptions,
        pages: impl Iterator<Item = &'a str>,
    ) -> Result<Files, SiteError> {
        let (tera, views) = (&self.tera, &self.views);
        let mut files = Files::new();
        for (path, template, title) in generated(site) {
            let bytes = views.render(tera, template, path, title, None, |_| {})?;
            files.insert(path.to_string(), bytes);
        }
        for (name, bytes) in &theme.statics {
            files.insert(format!("assets/{name}"), bytes.clone());
        }
        let mut statics = BTreeMap::new();
        super::theme::read_tree(&site.root.join("static"), "static/", &mut statics)?;
        files.extend(statics);
        if let Some(base) = opts
            .base_url
            .as_ref()
            .or(site.settings.site.base_url.as_ref())
        {
            let mut every: Files = pages.map(|p| (p.to_string(), Vec::new())).collect();
            every.extend(files.keys().map(|k| (k.clone(), Vec::new())));
            files.insert("sitemap.xml".into(), sitemap(base, &every).into_bytes());
        }
        Ok(files)
    }
}

fn templates(theme: &Theme) -> Result<Tera, SiteError> {
    let mut tera = Tera::default();
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str())),
    )
    .map_err(|e| SiteError::Template {
        name: "theme".into(),
        message: crate::error_chain(&e),
    })?;
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape);
    Ok(tera)
}

/// Escapes what HTML needs escaped and leaves `/` alone, so URLs stay readable.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn run(tera: &Tera, name: &str, ctx: &tera::Context) -> Result<Vec<u8>, SiteError> {
    tera.render(name, ctx)
        .map(String::into_bytes)
        .map_err(|e| SiteError::Template {
            name: name.into(),
            message: crate::error_chain(&e),
        })
}

fn template_for(kind: Kind) -> &'static str {
    match kind {
        Kind::Parents | Kind::Employers | Kind::Accessibility | Kind::Page => "page",
        k => k.id(),
    }
}

/// Pages the generator writes from the structured data alone.
fn generated(site: &Site) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut v = vec![(
        "benchmarks.html",
        "benchmarks.html",
        "Gatsby Benchmark coverage",
    )];
    if !site.programmes().is_empty() {
        v.push((
            "programme/index.html",
            "programme-overview.html",
            "Careers programme overview",
        ));
    }
    if site.plan().is_some() {
        v.push((
            "governors.html",
            "governors.html",
            "Governors' summary of the careers plan",
        ));
    }
    v
}

fn link(title: &str, path: &str, description: Option<&str>) -> Value {
    json!({ "title": title, "path": path, "description": description, "translations": [] })
}

/// What templates can see, computed once per build: a small context every page gets, and larger
/// views copied only into the templates that show them (copying every view into every page made
/// builds grow with the square of the page count).
#[derive(Clone, PartialEq)]
struct Views {
    /// Which views these are, for the threads' kept contexts ([`CONTEXT`]).
    id: u64,
    base: tera::Context,
    large: Vec<(&'static str, Value)>,
    /// Source path -> the page's language versions (itself included), for pages translated.
    translations: HashMap<String, Value>,
}

impl Views {
    /// Which large views each theme template uses. A site's own copy of a template sees the same.
    fn used_by(template: &str) -> &'static [&'static str] {
        match template {
            "home.html" => &["all_pages", "plan"],
            "strategic-plan.html" | "governors.html" => &["plan"],
            "benchmarks.html" => &["coverage"],
            "programme-overview.html" => &["overview"],
            _ => &[],
        }
    }

    /// Renders `template` for the page at `path` with the base views, the large views the
    /// template uses, and the values `add` puts in, in this thread's kept context.
    fn render(
        &self,
        tera: &Tera,
        template: &str,
        path: &str,
        title: &str,
        description: Option<&str>,
        add: impl FnOnce(&mut PageValues<'_>),
    ) -> Result<Vec<u8>, SiteError> {
        CONTEXT.with(|kept| {
            let mut kept = kept.borrow_mut();
            let ctx = match &mut *kept {
                Some((id, ctx)) if *id == self.id => ctx,
                other => &mut other.insert((self.id, self.base.clone())).1,
            };
            let mut values = PageValues {
                ctx,
                base: &self.base,
                added: Vec::with_capacity(12),
                hid_base: false,
            };
            for (name, value) in self
                .large
                .iter()
                .filter(|(n, _)| Self::used_by(template).contains(n))
            {
                values.insert(name, value);
            }
            values.insert("description", &description);
            values.insert("path", path);
            values.insert("root", &root_of(path));
            values.insert("title", title);
            add(&mut values);
            let result = run(tera, template, values.ctx);
            for key in &values.added {
                values.ctx.remove(key);
            }
            if values.hid_base {
                *kept = None;
            }
            result
        })
    }
}

/// How many threads [`in_parallel`] uses: one per core, up to 8.
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
}

/// Maps `f` over `items` on every core, keeping the order; the first error wins.
pub fn in_parallel<T: Sync, R: Send, E: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let threads = threads();
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Result<Vec<R>, E>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(out)
    })
}

fn shared_view(site: &Site, today: Date) -> Views {
    let mut menu: Vec<(i64, Value)> = site
        .pages
        .iter()
        .filter(|p| !is_translation(p))
        .filter_map(|p| {
            p.weight.map(|w| {
                (
                    w,
                    link(p.menu.as_deref().unwrap_or(&p.title), &p.path, None),
                )
            })
        })
        .collect();
    let programmes = site.programmes();
    if let Some((first, _)) = programmes.first() {
        let w = first.weight.unwrap_or(3);
        menu.push((w, link("Careers programme", "programme/index.html", None)));
    }
    menu.sort_by_key(|(w, _)| *w);
    let menu: Vec<Value> = menu.into_iter().map(|(_, v)| v).collect();

    let translations = translation_view(site);
    // The English page is the way in from the home page and menus; its translations are
    // offered beside it by their language names.
    let mut by_kind = serde_json::Map::new();
    for kind in Kind::ALL {
        if let Some(p) = site.pages_of(*kind).find(|p| !is_translation(p)) {
            let mut l = link(&p.title, &p.path, p.description.as_deref());
            l["translations"] = other_languages(&translations, p);
            by_kind.insert(kind.id().into(), l);
        }
    }
    let mut generated_links = serde_json::Map::new();
    for (path, _, title) in generated(site) {
        let key = path.trim_end_matches(".html").replace('/', "_");
        generated_links.insert(key, link(title, path, None));
    }
    let years: Vec<Value> = programmes
        .iter()
        .map(|(p, pr)| json!({ "year": pr.year, "title": p.title, "path": p.path, "focus": pr.focus }))
        .collect();
    // Titles only: the route cards above it already describe the main pages.
    let mut all_pages: Vec<(&str, Value)> = site
        .pages
        .iter()
        .filter(|p| p.kind != Kind::Home && !is_translation(p))
        .map(|p| {
            let mut l = link(&p.title, &p.path, None);
            l["translations"] = other_languages(&translations, p);
            (p.title.as_str(), l)
        })
        .collect();
    all_pages.extend(
        generated(site)
            .into_iter()
            .map(|(p, _, t)| (t, link(t, p, None))),
    );
    // Stable: pages with one title keep the site's order.
    sort_naturally(&mut all_pages, |(title, _)| title, natural_cmp);
    let all_pages: Vec<Value> = all_pages.into_iter().map(|(_, l)| l).collect();

    let mut ctx = tera::Context::new();
    ctx.insert("settings", &site.settings);
    ctx.insert("menu", &menu);
    ctx.insert("pages", &by_kind);
    ctx.insert("generated", &generated_links);
    ctx.insert("years", &years);
    ctx.insert("routes", &routes(&by_kind, &generated_links));
    ctx.insert("today", &today);
    Views {
        id: VIEWS_MADE.fetch_add(1, Ordering::Relaxed),
        base: ctx,
        large: vec![
            ("all_pages", Value::Array(all_pages)),
            ("plan", plan_view(site, today)),
            ("coverage", coverage_view(site)),
            ("overview", overview_view(site)),
        ],
        translations,
    }
}

/// A page in another language than the site's English, linked to from its English original.
fn is_translation(p: &Page) -> bool {
    p.translation_of.is_some() || p.lang.as_ref().is_some_and(|l| !l.is_english())
}

/// For every page that has translations, and every translation with an English original, the
/// list of language versions: `{ tag, name, dir, path, current }`, English first.
fn translation_view(site: &Site) -> HashMap<String, Value> {
    let mut groups: BTreeMap<&str, Vec<&Page>> = BTreeMap::new();
    for p in site.pages.iter().filter(|p| is_translation(p)) {
        let Some(original) = p.translation_of.as_deref().and_then(|src| {
            site.pages
                .iter()
                .find(|o| o.source == src && !is_translation(o))
        }) else {
            continue; // `check` warns about a translation with no English page to link back to.
        };
        groups
            .entry(&original.source)
            .or_insert_with(|| vec![original])
            .push(p);
    }
    let mut out = HashMap::new();
    for members in groups.values() {
        for me in members {
            let list: Vec<Value> = members
                .iter()
                .map(|p| {
                    let (tag, name, dir) = match &p.lang {
                        Some(l) if !l.is_english() => (l.tag(), l.name(), if l.is_rtl() { "rtl" } else { "ltr" }),
                        _ => ("en-GB", "English", "ltr"),
                    };
                    json!({ "tag": tag, "name": name, "dir": dir, "path": p.path, "current": p.source == me.source })
                })
                .collect();
            out.insert(me.source.clone(), Value::Array(list));
        }
    }
    out
}

/// The language versions of `page` other than itself, for links beside its title elsewhere.
fn other_languages(translations: &HashMap<String, Value>, page: &Page) -> Value {
    let others: Vec<Value> = translations
        .get(&page.source)
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter(|t| t["current"] != true)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    Value::Array(others)
}

/// The home page's ways in for each kind of reader: only links to pages that exist.
fn routes(
    pages: &serde_json::Map<String, Value>,
    generated: &serde_json::Map<String, Value>,
) -> Vec<Value> {
    // A page in several cards is described only the first time, so the cards stay short.
    let mut described = std::collections::HashSet::new();
    let mut pick = |keys: &[&str]| -> Vec<Value> {
        keys.iter()
            .filter_map(|k| pages.get(*k).or_else(|| generated.get(*k)).cloned())
            .map(|mut l| {
                if !described.insert(l["path"].to_string()) {
                    l["description"] = Value::Null;
                }
                l
            })
            .collect()
    };
    [
        (
            "Students",
            pick(&["programme_index", "learning-journey", "guidance"]),
        ),
        (
            "Parents and carers",
            pick(&["parents", "guidance", "programme_index"]),
        ),
        (
            "Employers and providers",
            pick(&["employers", "provider-access"]),
        ),
        (
            "Governors and senior leaders",
            pick(&[
                "strategic-plan",
                "governors",
                "impact",
                "benchmarks",
                "vision",
            ]),
        ),
    ]
    .into_iter()
    .filter(|(_, links)| !links.is_empty())
    .map(|(audience, links)| json!({ "audience": audience, "links": links }))
    .collect()
}

/// Anchor of an activity on its year page.
fn activity_id(a: &Activity) -> String {
    format!("activity-{}", slug(&a.title))
}

fn activity_view(a: &Activity) -> Value {
    json!({
        "id": activity_id(a), "title": a.title, "term": a.term, "benchmarks": a.benchmarks,
        "cdi": a.cdi, "who": a.who, "description": a.description, "date": a.date,
    })
}

fn by_term(activities: &[Activity]) -> Vec<Value> {
    Term::ALL
        .iter()
        .filter_map(|term| {
            let list: Vec<Value> = activities
                .iter()
                .filter(|a| a.term == *term)
                .map(activity_view)
                .collect();
            (!list.is_empty()).then(|| json!({ "term": term, "activities": list }))
        })
        .collect()
}

/// Data a page's own template needs beyond the page itself.
fn kind_view(site: &Site, page: &Page, today: Date) -> Value {
    match &page.data {
        PageData::Programme(pr) => {
            let years = site.programmes();
            let at = years
                .iter()
                .position(|(p, _)| p.path == page.path)
                .unwrap_or(0);
            let neighbour = |i: Option<usize>| {
                i.and_then(|i| years.get(i))
                    .map(|(p, _)| link(&p.title, &p.path, None))
            };
            json!({
                "terms": by_term(&pr.activities),
                "previous": neighbour(at.checked_sub(1)),
                "next": neighbour(Some(at + 1)),
                "key_stage": pr.year.key_stage().label(),
            })
        }
        PageData::LearningJourney { outcomes } => {
            let mut stages: Vec<YearGroup> = outcomes.iter().map(|o| o.by_end_of).collect();
            stages.sort();
            stages.dedup();
            let stages: Vec<Value> = stages
                .into_iter()
                .map(|y| {
                    let areas: Vec<Value> = CdiArea::ALL
                        .iter()
                        .filter_map(|area| {
                            let list: Vec<&str> = outcomes
                                .iter()
                                .filter(|o| o.by_end_of == y && o.area == *area)
                                .map(|o| o.text.as_str())
                                .collect();
                            (!list.is_empty()).then(|| json!({ "area": area, "outcomes": list }))
                        })
                        .collect();
                    json!({ "year": y, "key_stage": y.key_stage().label(), "areas": areas })
                })
                .collect();
            json!({ "stages": stages })
        }
        PageData::ProviderAccess(pa) => {
            let mut encounters = pa.encounters.clone();
            encounters.sort_by_key(|e| e.date);
            let list: Vec<Value> = encounters
                .iter()
                .map(|e| {
                    let mut years = e.years.clone();
                    years.sort();
                    years.dedup();
                    let years: Vec<String> = years.iter().map(|y| y.get().to_string()).collect();
                    json!({
                        "title": e.title, "date": e.date, "providers": e.providers,
                        "years": format!("Year{} {}", if years.len() > 1 { "s" } else { "" }, join_words(&years)),
                        "past": e.date < today,
                    })
                })
                .collect();
            json!({ "encounters": list })
        }
        _ => Value::Null,
    }
}

/// "7, 8 and 9".
pub fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The strategic plan with overdue flags and counts by status, for the plan page, the
/// governors' summary and the home page.
fn plan_view(site: &Site, today: Date) -> Value {
    let Some((page, plan)) = site.plan() else {
        return Value::Null;
    };
    // An overdue action counts as overdue, not under the status it was last given.
    let actions = || plan.objectives.iter().flat_map(|o| &o.actions);
    let mut counts: Vec<Value> = Status::ALL
        .iter()
        .map(|status| {
            let n = actions()
                .filter(|a| a.status == *status && !a.is_overdue(today))
                .count();
            json!({ "status": status, "count": n })
        })
        .collect();
    counts.push(json!({
        "status": overdue_status(),
        "count": actions().filter(|a| a.is_overdue(today)).count(),
    }));
    let mut overdue = Vec::new();
    let objectives: Vec<Value> = plan
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let actions: Vec<Value> = o
                .actions
                .iter()
                .map(|a| {
                    let shown = if a.is_overdue(today) {
                        overdue_status()
                    } else {
                        json!(a.status)
                    };
                    let v = json!({
                        "action": a.action, "owner": a.owner, "due": a.due, "success": a.success,
                        "status": shown, "recorded_status": a.status, "progress": a.progress,
                        "overdue": a.is_overdue(today), "objective": i + 1,
                    });
                    if a.is_overdue(today) {
                        overdue.push(v.clone());
                    }
                    v
                })
                .collect();
            let done = o
                .actions
                .iter()
                .filter(|a| a.status == Status::Done)
                .count();
            json!({
                "number": i + 1, "id": format!("objective-{}", i + 1), "title": o.title,
                "summary": o.summary, "actions": actions, "done": done, "total": o.actions.len(),
            })
        })
        .collect();
    let total: usize = plan.objectives.iter().map(|o| o.actions.len()).sum();
    json!({
        "path": page.path, "title": page.title, "period": plan.period,
        "approved_slt": plan.approved_slt, "approved_governors": plan.approved_governors,
        "review_date": plan.review_date,
        "review_passed": plan.review_date.is_some_and(|d| d < today),
        "objectives": objectives, "counts": counts, "overdue": overdue, "total": total,
    })
}

/// How an action past its date and not done is shown wherever the plan is: never "On track".
fn overdue_status() -> Value {
    json!({ "id": "overdue", "label": "Overdue" })
}

/// For each benchmark, the activities serving it in each year taught; empty years are gaps.
fn coverage_view(site: &Site) -> Value {
    let programmes = site.programmes();
    let years = site.years_taught();
    let rows: Vec<Value> = Benchmark::all()
        .map(|b| {
            let cells: Vec<Value> = years
                .iter()
                .map(|y| {
                    let acts: Vec<Value> = programmes
                        .iter()
                        .filter(|(_, pr)| pr.year == *y)
                        .flat_map(|(p, pr)| {
                            pr.activities.iter().filter(|a| a.benchmarks.contains(&b)).map(move |a| {
                                json!({ "title": a.title, "path": p.path, "id": activity_id(a) })
                            })
                        })
                        .collect();
                    json!({ "year": y, "activities": acts, "gap": acts.is_empty() })
                })
                .collect();
            let gaps: Vec<String> = cells
                .iter()
                .filter(|c| c["gap"] == true)
                .map(|c| c["year"].to_string())
                .collect();
            json!({ "benchmark": b, "years": cells, "gaps": join_words(&gaps), "gap_count": gaps.len() })
        })
        .collect();
    json!({ "rows": rows, "years": years })
}

/// Every year's activities by term, for the programme overview.
fn overview_view(site: &Site) -> Value {
    let years: Vec<Value> = site
        .programmes()
        .iter()
        .map(|(p, pr)| {
            json!({
                "year": pr.year, "title": p.title, "path": p.path, "focus": pr.focus,
                "terms": by_term(&pr.activities), "count": pr.activities.len(),
            })
        })
        .collect();
    let taught = site.years_taught();
    let missing: Vec<String> = taught
        .iter()
        .filter(|y| !site.programmes().iter().any(|(_, pr)| pr.year == **y))
        .map(|y| y.to_string())
        .collect();
    json!({ "years": years, "missing": missing })
}

fn sitemap(base: &str, files: &Files) -> String {
    let base = if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    };
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in files.keys().filter(|p| p.ends_with(".html")) {
        let loc = escape(&format!("{base}{}", super::markdown::encode_path(path)));
        xml.push_str(&format!("  <url><loc>{loc}</loc></url>\n"));
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `f` gives on a thread that has rendered nothing before.
    fn on_a_fresh_thread<R: Send>(f: impl FnOnce() -> R + Send) -> R {
        std::thread::scope(|s| s.spawn(f).join().unwrap())
    }

    #[test]
    fn a_page_renders_the_same_whatever_its_thread_rendered_before() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("signpost.toml"),
            "[school]\nname = \"T\"\nyears = [7]\n",
        )
        .unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir(&content).unwrap();
        std::fs::write(
            content.join("index.md"),
            "+++\ntitle = \"Home\"\n+++\nHi.\n",
        )
        .unwrap();
        std::fs::write(
            content.join("a.md"),
            "+++\ntitle = \"A\"\ndescription = \"About A\"\nweight = 2\n+++\nA.\n",
        )
        .unwrap();
        // A site's own template for a generated page that shows any page's values left over.
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/benchmarks.html"),
            "{{ title }}{% if page %} left: {{ page.title }}{% endif %}{% if content %} and its text{% endif %}",
        )
        .unwrap();
        let site = super::super::load::load(dir.path()).unwrap();
        let theme = super::super::theme_of(&site).unwrap();
        let opts = RenderOptions::default();
        let renderer = Renderer::new(&site, &theme, &opts).unwrap();
        let page = |p: &Page| renderer.page(&site, p, "<p>Body</p>").unwrap();
        let rest = || {
            let paths = site.pages.iter().map(|p| p.path.as_str());
            renderer.rest(&site, &theme, &opts, paths).unwrap()
        };

        let alone: Vec<Vec<u8>> = site
            .pages
            .iter()
            .map(|p| on_a_fresh_thread(|| page(p)))
            .collect();
        let rest_alone = on_a_fresh_thread(rest);
        let (forwards, backwards, rest_after) = on_a_fresh_thread(|| {
            let forwards: Vec<Vec<u8>> = site.pages.iter().map(page).collect();
            let mut backwards: Vec<Vec<u8>> = site.pages.iter().rev().map(page).collect();
            backwards.reverse();
            (forwards, backwards, rest())
        });
        assert_eq!(forwards, alone);
        assert_eq!(backwards, alone);
        assert_eq!(
            rest_after, rest_alone,
            "no page's values are left for the generated pages"
        );
        let home = String::from_utf8(alone[0].clone()).unwrap();
        assert!(home.contains("About A") || home.contains(">A<"), "{home}");
    }
}
