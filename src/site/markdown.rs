//! Markdown to HTML, rewriting links and images so they work from disk and under any path.
//!
//! While rendering it records headings, links and images with their source lines, which `check`
//! uses to find broken links, missing alt text and skipped heading levels. HTML comments (the
//! starter's notes to the author, or anyone's) are left out of the page.

use std::collections::{HashMap, HashSet};

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A rendered page body and what `check` needs to know about it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub images: Vec<Image>,
    /// Word count of the text, to spot empty pages.
    pub words: usize,
    pub tables: usize,
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Link {
    /// The link as written in the Markdown.
    pub written: String,
    /// Where it points once resolved: another page or file of the site, or outside it.
    pub target: LinkTarget,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A page of this site (output path) and an optional `#fragment`.
    Internal {
        path: String,
        fragment: Option<String>,
    },
    /// A relative link to something that is not a page (an image, a PDF in static/).
    File(String),
    External(String),
}

#[derive(Debug, Clone)]
pub struct Image {
    /// The path as written in the Markdown.
    pub src: String,
    pub alt: String,
    pub line: usize,
    /// The file it points at, relative to the site root (decoded), unless it is on another site.
    pub file: Option<String>,
}

/// What the renderer needs to know about the rest of the site.
pub struct LinkContext<'a> {
    /// Source path (relative to content, `/`-separated) -> output path.
    pub pages: &'a HashMap<String, String>,
    /// Source path of the page being rendered.
    pub source: &'a str,
    /// Output path of the page being rendered.
    pub output: &'a str,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_STRIKETHROUGH
}

/// Renders `body`, whose first line is line `first_line` of its file.
pub fn render(body: &str, first_line: usize, ctx: &LinkContext) -> Rendered {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_at = |offset: usize| line_starts.partition_point(|&s| s <= offset) - 1 + first_line;

    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut used_ids = HashSet::new();
    // Index into `events` of the open heading and its text so far.
    let mut heading: Option<(usize, String, usize)> = None;
    let mut image: Option<Image> = None;
    // The text of the HTML block being read, so a block that is only a comment can be dropped.
    let mut html_block: Option<String> = None;
    let mut notes = Footnotes::default();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some((events.len(), String::new(), line_at(range.start)));
                events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((at, text, line)) = heading.take() {
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[at] {
                        let chosen = match id {
                            Some(given) => given.to_string(),
                            None => unique_id(&slug(&text), &mut used_ids),
                        };
                        used_ids.insert(chosen.clone());
                        *id = Some(CowStr::from(chosen.clone()));
                        out.headings.push(Heading {
                            level: level_number(level),
                            text,
                            id: chosen,
                            line,
                        });
                    }
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let line = line_at(range.start);
                let target = resolve(&dest_url, ctx);
                let href = match &target {
                    LinkTarget::Internal { path, fragment } => {
                        let mut h = encode_path(&relative(ctx.output, path));
                        if let Some(f) = fragment {
                            h.push('#');
                            h.push_str(f);
                        }
                        h
                    }
                    LinkTarget::File(path) => encode_path(&relative(ctx.output, path)),
                    LinkTarget::External(_) => dest_url.to_string(),
                };
                out.links.push(Link {
                    written: dest_url.to_string(),
                    target,
                    line,
                });
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: href.into(),
                    title,
                    id,
                }));
            }
            // Images are rewritten like links, so they work from disk and under any path.
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let file = match resolve(&dest_url, ctx) {
                    LinkTarget::External(_) => None,
                    LinkTarget::File(path) | LinkTarget::Internal { path, .. } => Some(path),
                };
                let src = match &file {
                    Some(path) => encode_path(&relative(ctx.output, path)).into(),
                    None => dest_url.clone(),
                };
                image = Some(Image {
                    src: dest_url.to_string(),
                    alt: String::new(),
                    line: line_at(range.start),
                    file,
                });
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: src,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                if let Some(mut img) = image.take() {
                    img.alt = img.alt.trim().to_string();
                    out.images.push(img);
                }
                events.push(event);
            }
            Event::InlineHtml(ref h) if h.trim_start().starts_with("<!--") => {}
            Event::Start(Tag::HtmlBlock) => html_block = Some(String::new()),
            Event::Html(ref h) if html_block.is_some() => {
                if let Some(block) = html_block.as_mut() {
                    block.push_str(h);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                let kept = strip_comments(&html_block.take().unwrap_or_default());
                if !kept.trim().is_empty() {
                    events.push(Event::Start(Tag::HtmlBlock));
                    events.push(Event::Html(kept.into()));
                    events.push(Event::End(TagEnd::HtmlBlock));
                }
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some((_, text, _)) = heading.as_mut() {
                    text.push_str(t);
                }
                if let Some(img) = image.as_mut() {
                    img.alt.push_str(t);
                }
                out.words += t.split_whitespace().count();
                events.push(event);
            }
            // Wide tables scroll inside their own box, so the page never scrolls sideways.
            Event::Start(Tag::Table(_)) => {
                out.tables += 1;
                events.push(Event::Html(
                    format!(r#"<div class="table-wrap" role="region" aria-label="Table {}" tabindex="0">"#, out.tables).into(),
                ));
                events.push(event);
            }
            Event::End(TagEnd::Table) => {
                events.push(event);
                events.push(Event::Html("</div>".into()));
            }
            Event::FootnoteReference(label) => events.push(Event::Html(notes.cite(&label).into())),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                events.push(Event::Html(notes.open(&label).into()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                events.push(Event::Html(notes.close().into()))
            }
            other => events.push(other),
        }
    }
    html::push_html(&mut out.html, events.into_iter());
    out
}

/// `text` without its `<!-- ... -->` comments (an unclosed one runs to the end).
fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = match rest[start + 4..].find("-->") {
            Some(end) => &rest[start + 4 + end + 3..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// Characters a path in a URL cannot hold as they are (`/` stays, as the separator).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A site-relative path as it goes into a URL: `my file.pdf` -> `my%20file.pdf`.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// Footnotes that link both ways: each citation to its note, and each note back to every place
/// it is cited, so a reader who followed a note can return to where they were reading.
#[derive(Default)]
struct Footnotes {
    /// Label -> (number, times cited so far), numbered in order of first appearance.
    seen: HashMap<String, (usize, usize)>,
    /// The note being written: its number and how many citations it has.
    open: Option<(usize, usize)>,
}

impl Footnotes {
    fn number(&mut self, label: &str) -> &mut (usize, usize) {
        let next = self.seen.len() + 1;
        self.seen.entry(label.to_string()).or_insert((next, 0))
    }

    /// A citation: `<sup>` with a link to the note and an id to come back to.
    fn cite(&mut self, label: &str) -> String {
        let entry = self.number(label);
        entry.1 += 1;
        let (n, k) = *entry;
        format!(
            r##"<sup class="footnote-reference" id="{}"><a href="#fn-{n}">{n}</a></sup>"##,
            citation_id(n, k)
        )
    }

    fn open(&mut self, label: &str) -> String {
        let (n, cited) = *self.number(label);
        self.open = Some((n, cited));
        format!(
            r#"<div class="footnote-definition" id="fn-{n}"><sup class="footnote-definition-label">{n}</sup>"#
        )
    }

    /// Closes a note with a link back to each citation of it.
    fn close(&mut self) -> String {
        let Some((n, cited)) = self.open.take() else {
            return "</div>".into();
        };
        let links: String = (1..=cited)
            .map(|k| {
                let mark = if cited > 1 { k.to_string() } else { String::new() };
                format!(
                    r##" <a href="#{}" class="footnote-backref" aria-label="Back to where note {n} is cited{}">↩&#xfe0e;{mark}</a>"##,
                    citation_id(n, k),
                    if cited > 1 { format!(" ({k})") } else { String::new() }
                )
            })
            .collect();
        format!(r#"<p class="footnote-backrefs">{links}</p></div>"#)
    }
}

/// Id of the `k`th citation of note `n`.
fn citation_id(n: usize, k: usize) -> String {
    if k <= 1 {
        format!("fnref-{n}")
    } else {
        format!("fnref-{n}-{k}")
    }
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// A URL-safe id from heading text: `Pupil entitlement` -> `pupil-entitlement`.
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    if !used.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !used.contains(c))
        .unwrap_or_else(|| base.to_string())
}

/// Where a link or image points. A relative path is read from the Markdown file's folder in
/// content/, which maps onto the built site; climbing out of content/ (`../static/a.png` from
/// content/index.md, as a Markdown editor previews it) lands in the site folder, where static/
/// is. `%20` and other escapes are decoded, so files with spaces are found.
fn resolve(dest: &str, ctx: &LinkContext) -> LinkTarget {
    if has_scheme(dest) || dest.starts_with("//") {
        return LinkTarget::External(dest.to_string());
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let path = decoded.as_ref();
    if path.is_empty() {
        return LinkTarget::Internal {
            path: ctx.output.to_string(),
            fragment,
        };
    }
    let joined = if let Some(abs) = path.strip_prefix('/') {
        normalise(abs)
    } else {
        let dir = ctx.source.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        normalise(&format!("{dir}/{path}"))
    };
    if let Some(out) = ctx.pages.get(&joined) {
        return LinkTarget::Internal {
            path: out.clone(),
            fragment,
        };
    }
    // A link straight to a built page (`vision.html`), or a generated one, is fine too.
    if joined.ends_with(".html") || joined.ends_with(".md") {
        let html = joined
            .strip_suffix(".md")
            .map(|s| format!("{s}.html"))
            .unwrap_or(joined);
        return LinkTarget::Internal {
            path: html,
            fragment,
        };
    }
    LinkTarget::File(joined)
}

/// `https:`, `mailto:`, `tel:`, `data:`... A single letter is a Windows drive, not a scheme.
fn has_scheme(dest: &str) -> bool {
    dest.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// Resolves `.` and `..` in a `/`-separated path; `..` above the top stays at the top.
pub fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The relative URL from the page at `from` to the file at `to` (both site-relative).
pub fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts[..to_parts.len() - 1])
        .take_while(|(a, b)| a == b)
        .count();
    let mut s = "../".repeat(from_dirs.len() - common);
    s.push_str(&to_parts[common..].join("/"));
    s
}

/// `../` repeated for a page's depth: the path from a page back to the site root.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_at(body: &str, source: &str) -> Rendered {
        let pages: HashMap<String, String> = [
            ("vision.md", "vision.html"),
            ("programme/year-7.md", "programme/year-7.html"),
            ("programme/year-8.md", "programme/year-8.html"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let output = format!("{}.html", source.trim_end_matches(".md"));
        render(
            body,
            10,
            &LinkContext {
                pages: &pages,
                source,
                output: &output,
            },
        )
    }

    #[test]
    fn links_to_markdown_files_become_relative_page_links() {
        let r = render_at(
            "See [vision](../vision.md#why) and [Y8](year-8.md).",
            "programme/year-7.md",
        );
        assert!(
            r.html.contains(r#"href="../vision.html#why""#),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"href="year-8.html""#), "{}", r.html);
        assert_eq!(r.links.len(), 2);
    }

    #[test]
    fn relative_paths_are_shortest() {
        assert_eq!(
            relative("index.html", "programme/year-7.html"),
            "programme/year-7.html"
        );
        assert_eq!(
            relative("programme/year-7.html", "vision.html"),
            "../vision.html"
        );
        assert_eq!(
            relative("programme/year-7.html", "programme/year-8.html"),
            "year-8.html"
        );
        assert_eq!(relative("a/b/c.html", "a/d/e.html"), "../d/e.html");
    }

    #[test]
    fn headings_get_unique_ids_and_lines() {
        let r = render_at("intro\n\n## Who we are\n\n## Who we are\n", "vision.md");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["who-we-are", "who-we-are-2"]);
        assert_eq!(r.headings[0].line, 12);
        assert!(r.html.contains(r#"<h2 id="who-we-are">"#));
    }

    #[test]
    fn notes_to_the_author_are_left_out() {
        let r = render_at(
            "<!--\nNOTES FOR YOU\n-->\n\nText <!-- inline note --> here.\n\n<div>kept</div><!-- gone -->\n",
            "vision.md",
        );
        assert!(
            !r.html.contains("NOTES") && !r.html.contains("note"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<div>kept</div>"), "{}", r.html);
    }

    #[test]
    fn images_and_files_resolve_from_the_site_and_keep_spaces_encoded() {
        let r = render_at(
            "![A](/static/a%20b.png) ![B](<../../static/a b.png>) [C](../vision%20old.md)",
            "programme/year-7.md",
        );
        assert_eq!(r.images[0].file.as_deref(), Some("static/a b.png"));
        assert_eq!(r.images[1].file.as_deref(), Some("static/a b.png"));
        assert_eq!(
            r.html.matches(r#"src="../static/a%20b.png""#).count(),
            2,
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"href="../vision%20old.html""#),
            "{}",
            r.html
        );
        assert_eq!(encode_path("a b/100%.pdf"), "a%20b/100%25.pdf");
    }

    #[test]
    fn images_record_alt_text() {
        let r = render_at("![](a.png)\n\n![A careers fair](b.png)", "vision.md");
        assert_eq!(r.images[0].alt, "");
        assert_eq!(r.images[1].alt, "A careers fair");
    }

    #[test]
    fn external_links_are_left_alone_and_html_is_kept_safe_in_text() {
        let r = render_at(
            "[DfE](https://www.gov.uk) and 5 < 6 & \"quotes\"",
            "vision.md",
        );
        assert!(matches!(r.links[0].target, LinkTarget::External(_)));
        assert!(r.html.contains("5 &lt; 6 &amp;"), "{}", r.html);
    }

    #[test]
    fn tables_and_footnotes_render() {
        let r = render_at(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1]\n\n[^1]: Source.",
            "vision.md",
        );
        assert!(
            r.html.contains(
                r#"<div class="table-wrap" role="region" aria-label="Table 1" tabindex="0"><table>"#
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn footnotes_link_back_to_every_citation() {
        let r = render_at(
            "One[^src] and two[^other], again[^src].\n\n[^src]: A source.\n\n[^other]: Another.",
            "vision.md",
        );
        assert!(
            r.html.contains(
                r##"<sup class="footnote-reference" id="fnref-1"><a href="#fn-1">1</a></sup>"##
            ),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r##"id="fnref-1-2"><a href="#fn-1">1</a>"##),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"id="fn-2""#), "{}", r.html);
        assert!(
            r.html
                .contains(r##"href="#fnref-1" class="footnote-backref""##),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains(r##"href="#fnref-1-2" class="footnote-backref""##),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains(r##"href="#fnref-2" class="footnote-backref""##),
            "{}",
            r.html
        );
    }
}
