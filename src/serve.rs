//! `signpost serve`: the site in a browser while it is edited, reloading on every save.
//!
//! It keeps the site in memory ([`crate::site::incremental::Preview`]) and, on a save, reads
//! only the files that changed and renders only the pages they touch, so the preview keeps up
//! at thousands of pages; what it serves is what `build` writes. It never writes to `public/`.
//! A failed build keeps the last good pages on screen with the errors in a banner, and a
//! content folder that is deleted and put back is picked up again.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::site::incremental::{Preview, Scope};
use crate::site::{self, RenderOptions};
use crate::web::{content_type, percent_decode};

/// What the preview server is showing now.
#[derive(Default)]
struct State {
    preview: Option<Preview>,
    version: u64,
    error: Option<String>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// Folders whose changes trigger a rebuild. Folders, not files: editors save by renaming.
const WATCHED: &[&str] = &["content", "templates", "static", "themes", "theme-static"];

/// How long the watcher waits for a burst of events (an editor's save) to end before updating.
const QUIET: Duration = Duration::from_millis(20);

/// The longest a stream of events can hold an update back.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// What `serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: String,
    /// Show pages marked `draft = true`.
    pub drafts: bool,
}

/// Builds the site in `root`, serves it and updates it when anything changes.
pub fn serve(root: &Path, opts: &ServeOptions) -> Result<(), String> {
    // Watch events arrive with absolute paths; compare like with like.
    let root = &root
        .canonicalize()
        .map_err(|e| format!("could not open the site folder {}: {e}", root.display()))?;
    let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
    rebuild(root, opts.drafts, &shared, &[]);
    let listen = &opts.listen;
    let server = tiny_http::Server::http(listen)
        .map_err(|e| format!("could not listen on {listen}: {e}"))?;
    let server = Arc::new(server);
    println!(
        "Previewing {} at http://{listen}/ (press Ctrl+C to stop).",
        root.display()
    );

    for _ in 0..8 {
        let server = Arc::clone(&server);
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || loop {
            match server.recv() {
                Ok(request) => respond(request, &shared),
                Err(e) => {
                    eprintln!("preview server: {e}");
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        });
    }
    watch(root, opts.drafts, &shared)
}

/// Updates the preview for `changed` paths (all of it when there is none yet) and tells
/// waiting pages to reload.
fn rebuild(root: &Path, drafts: bool, shared: &Shared, changed: &[PathBuf]) {
    let started = Instant::now();
    let (lock, notify) = &**shared;
    let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
    let result = match &mut state.preview {
        Some(preview) => preview.update(changed),
        None => Preview::load(root, &RenderOptions::default(), drafts).map(|p| {
            state.preview = Some(p);
            Scope::Everything
        }),
    };
    match result {
        Ok(scope) => {
            let took = started.elapsed().as_millis();
            let (files, waiting) = state
                .preview
                .as_ref()
                .map_or((0, 0), |p| (p.paths().count(), p.waiting()));
            let pages = |n: usize| format!("{n} page{}", if n == 1 { "" } else { "s" });
            let what = match scope {
                Scope::Pages(n) => format!("Updated {}", pages(n)),
                Scope::AllPages => "Updated every page".to_string(),
                Scope::Everything => format!("Built {files} files"),
            };
            match waiting {
                0 => println!("{what} in {took} ms."),
                1 => println!("{what} in {took} ms (1 page is made when next opened)."),
                n => println!("{what} in {took} ms ({n} pages are made when next opened)."),
            }
            state.error = None;
        }
        Err(e) => {
            eprintln!("error: {e}");
            state.error = Some(e.to_string());
        }
    }
    state.version += 1;
    notify.notify_all();
}

fn watch(root: &Path, drafts: bool, shared: &Shared) -> Result<(), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(tx).map_err(|e| format!("could not watch for changes: {e}"))?;
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("could not watch {}: {e}", root.display()))?;
    let mut present: HashMap<PathBuf, bool> = HashMap::new();
    watch_folders(root, &mut watcher, &mut present, &[])?;
    println!("Watching {} for changes.", root.display());
    while let Ok(first) = rx.recv() {
        let mut changed = relevant_paths(root, &first);
        // One update for a burst of events: wait until the folder is quiet for a moment.
        let started = Instant::now();
        while started.elapsed() < MAX_WAIT {
            match rx.recv_timeout(QUIET) {
                Ok(next) => changed.extend(relevant_paths(root, &next)),
                Err(_) => break,
            }
        }
        if changed.is_empty() {
            continue;
        }
        changed.sort();
        changed.dedup();
        watch_folders(root, &mut watcher, &mut present, &changed)?;
        rebuild(root, drafts, shared, &changed);
    }
    Ok(())
}

/// Watches each site folder that exists, again when it has come back after being deleted
/// (a deleted folder's watch is gone with it).
fn watch_folders(
    root: &Path,
    watcher: &mut impl Watcher,
    present: &mut HashMap<PathBuf, bool>,
    changed: &[PathBuf],
) -> Result<(), String> {
    for dir in WATCHED.iter().map(|d| root.join(d)) {
        let exists = dir.is_dir();
        let was = present.insert(dir.clone(), exists).unwrap_or(false);
        if exists && (!was || changed.contains(&dir)) {
            let _ = watcher.unwatch(&dir);
            watcher
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| format!("could not watch {}: {e}", dir.display()))?;
        }
    }
    Ok(())
}

/// The paths of an event that can change the site.
fn relevant_paths(root: &Path, event: &notify::Result<notify::Event>) -> Vec<PathBuf> {
    let Ok(event) = event else {
        // The watcher lost track (e.g. too many events): the site folder stands for it all.
        return vec![root.join(site::load::SETTINGS_FILE)];
    };
    if event.kind.is_access() {
        return Vec::new();
    }
    event
        .paths
        .iter()
        .filter(|p| is_relevant(root, p))
        .cloned()
        .collect()
}

fn is_relevant(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let top = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    match top.as_deref() {
        Some(t) if WATCHED.contains(&t) => true,
        Some(t) => t == site::load::SETTINGS_FILE,
        None => false,
    }
}

const POLL: &str = "/__signpost/poll";

/// Lists every file the preview holds, one path a line, so a test can compare it with `build`.
const FILES: &str = "/__signpost/files";

fn respond(mut request: tiny_http::Request, shared: &Shared) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let response = if path == POLL {
        let seen: u64 = url
            .split("v=")
            .nth(1)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        text_response(
            200,
            "text/plain",
            wait_for_change(shared, seen).to_string().into_bytes(),
        )
    } else if path == FILES {
        let (lock, _) = &**shared;
        let state = lock.lock().unwrap_or_else(|p| p.into_inner());
        let list: String = state
            .preview
            .iter()
            .flat_map(|p| p.paths())
            .map(|k| format!("{k}\n"))
            .collect();
        text_response(200, "text/plain; charset=utf-8", list.into_bytes())
    } else {
        let mut sink = Vec::new();
        let _ = request.as_reader().take(64 * 1024).read_to_end(&mut sink);
        page_response(path, shared)
    };
    let _ = request.respond(response);
}

/// Holds a poll open until the site changes (or 25 s pass), so reloads are immediate.
fn wait_for_change(shared: &Shared, seen: u64) -> u64 {
    let (lock, changed) = &**shared;
    let state = lock.lock().unwrap_or_else(|p| p.into_inner());
    let (state, _) = changed
        .wait_timeout_while(state, Duration::from_secs(25), |s| s.version == seen)
        .unwrap_or_else(|p| p.into_inner());
    state.version
}

fn page_response(path: &str, shared: &Shared) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let (lock, _) = &**shared;
    let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
    let State {
        preview,
        version,
        error,
    } = &mut *state;
    let key = file_key(path);
    let found = match preview.as_mut().map(|p| p.file(&key)) {
        Some(Ok(found)) => found,
        Some(Err(e)) => {
            let body = format!("<!DOCTYPE html><html lang=\"en-GB\"><title>Page not made</title><h1>This page could not be made</h1><p>{}</p>", site::render::escape(&e.to_string()));
            let body = inject(body.as_bytes(), error.as_deref(), *version);
            return text_response(500, "text/html; charset=utf-8", body);
        }
        None => None,
    };
    let Some(bytes) = found else {
        let body = format!("<!DOCTYPE html><html lang=\"en-GB\"><title>Not found</title><h1>Not found</h1><p>There is no page at /{}.</p><p><a href=\"/\">Home</a></p>", site::render::escape(&key));
        let body = inject(body.as_bytes(), error.as_deref(), *version);
        return text_response(404, "text/html; charset=utf-8", body);
    };
    let kind = content_type(Path::new(&key));
    let body = if kind.starts_with("text/html") {
        inject(bytes, error.as_deref(), *version)
    } else {
        bytes.to_vec()
    };
    text_response(200, kind, body)
}

/// Adds the reload script, and the build errors if the last build failed (`error`), to a
/// served page of the site's `version`.
fn inject(html: &[u8], error: Option<&str>, version: u64) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(err) = error {
        extra.push_str(&format!(
            "<div role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;background:#8a1c1c;color:#fff;padding:1rem;font:14px/1.4 monospace;white-space:pre-wrap;z-index:99\">The last save has problems, so this is the previous version:\n{}</div>",
            site::render::escape(err)
        ));
    }
    extra.push_str(&format!(
        "<script>(function(){{var v={};function poll(){{fetch('{POLL}?v='+v).then(function(r){{return r.text()}}).then(function(t){{if(t!==String(v)){{location.reload()}}else{{poll()}}}}).catch(function(){{setTimeout(poll,1000)}})}}poll()}})();</script>",
        version
    ));
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

fn text_response(
    status: u16,
    kind: &str,
    body: Vec<u8>,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut r = tiny_http::Response::from_data(body).with_status_code(status);
    for (k, v) in [("Content-Type", kind), ("Cache-Control", "no-store")] {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            r.add_header(h);
        }
    }
    r
}

/// The built file a URL path asks for; a folder means its `index.html`.
fn file_key(url_path: &str) -> String {
    let raw = url_path.trim_start_matches('/');
    let mut key = percent_decode(raw).unwrap_or_else(|| raw.to_string());
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn reload_script_and_errors_go_before_body_end() {
        let html = b"<html><body><p>x</p></body></html>";
        let out = String::from_utf8(inject(html, Some("content/a.md:2: <bad>"), 7)).unwrap();
        assert!(out.ends_with("</script></body></html>"), "{out}");
        assert!(out.contains("var v=7"));
        assert!(out.contains("content/a.md:2: &lt;bad&gt;"));
    }

    #[test]
    fn only_site_folders_and_settings_trigger_rebuilds() {
        let root = Path::new("/site");
        let ev = |p: &str| {
            let event = notify::Event::new(notify::EventKind::Any).add_path(PathBuf::from(p));
            relevant_paths(root, &Ok(event))
        };
        assert_eq!(
            ev("/site/content/a.md"),
            [PathBuf::from("/site/content/a.md")]
        );
        assert_eq!(ev("/site/signpost.toml").len(), 1);
        assert!(ev("/site/public/index.html").is_empty());
        assert!(ev("/site/target/x").is_empty());
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(file_key("/a%20b.html"), "a b.html");
        assert_eq!(file_key("/100%"), "100%");
        assert_eq!(file_key("/programme/"), "programme/index.html");
    }
}
