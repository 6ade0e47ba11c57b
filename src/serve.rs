//! `signpost serve`: the site in a browser while it is edited, reloading on every save.
//!
//! It runs the same pipeline as `build` ([`crate::site::build_in_memory`]) and serves the result
//! from memory, so preview never writes to `public/`. A failed build keeps the last good pages
//! on screen with the errors in a banner.

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::site::{self, Files, RenderOptions};
use crate::web::{content_type, percent_decode};

/// What the preview server is showing now.
#[derive(Default)]
struct State {
    files: Files,
    version: u64,
    error: Option<String>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// Folders whose changes trigger a rebuild. Folders, not files: editors save by renaming.
const WATCHED: &[&str] = &["content", "templates", "static", "themes", "theme-static"];

/// Builds the site in `root`, serves it on `listen` and rebuilds when anything changes.
pub fn serve(root: &Path, listen: &str) -> Result<(), String> {
    // Watch events arrive with absolute paths; compare like with like.
    let root = &root
        .canonicalize()
        .map_err(|e| format!("could not open the site folder {}: {e}", root.display()))?;
    let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
    rebuild(root, &shared);
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
    watch(root, &shared)
}

fn rebuild(root: &Path, shared: &Shared) {
    let started = Instant::now();
    let result = site::build_in_memory(root, &RenderOptions::default());
    let (lock, changed) = &**shared;
    let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
    match result {
        Ok(built) => {
            println!(
                "Rebuilt {} files in {} ms.",
                built.files.len(),
                started.elapsed().as_millis()
            );
            state.files = built.files;
            state.error = None;
        }
        Err(e) => {
            eprintln!("error: {e}");
            state.error = Some(e.to_string());
        }
    }
    state.version += 1;
    changed.notify_all();
}

fn watch(root: &Path, shared: &Shared) -> Result<(), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(tx).map_err(|e| format!("could not watch for changes: {e}"))?;
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("could not watch {}: {e}", root.display()))?;
    for dir in WATCHED.iter().map(|d| root.join(d)).filter(|d| d.is_dir()) {
        watcher
            .watch(&dir, RecursiveMode::Recursive)
            .map_err(|e| format!("could not watch {}: {e}", dir.display()))?;
    }
    while let Ok(first) = rx.recv() {
        let mut relevant = is_relevant(root, &first);
        // Debounce: one rebuild for a burst of saves.
        while let Ok(next) = rx.recv_timeout(Duration::from_millis(150)) {
            relevant |= is_relevant(root, &next);
        }
        if relevant {
            rebuild(root, shared);
        }
    }
    Ok(())
}

fn is_relevant(root: &Path, event: &notify::Result<notify::Event>) -> bool {
    let Ok(event) = event else { return false };
    if event.kind.is_access() {
        return false;
    }
    event.paths.iter().any(|p| {
        let rel = p.strip_prefix(root).unwrap_or(p);
        let top = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        match top.as_deref() {
            Some(t) if WATCHED.contains(&t) => true,
            Some(t) => t == site::load::SETTINGS_FILE,
            None => false,
        }
    })
}

const POLL: &str = "/__signpost/poll";

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
    let state = lock.lock().unwrap_or_else(|p| p.into_inner());
    let key = file_key(path);
    let Some(bytes) = state.files.get(&key) else {
        let body = format!("<!DOCTYPE html><html lang=\"en-GB\"><title>Not found</title><h1>Not found</h1><p>There is no page at /{}.</p><p><a href=\"/\">Home</a></p>", site::render::escape(&key));
        return text_response(
            404,
            "text/html; charset=utf-8",
            inject(body.as_bytes(), &state),
        );
    };
    let kind = content_type(Path::new(&key));
    let body = if kind.starts_with("text/html") {
        inject(bytes, &state)
    } else {
        bytes.clone()
    };
    text_response(200, kind, body)
}

/// Adds the reload script, and the build errors if the last build failed, to a served page.
fn inject(html: &[u8], state: &State) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(err) = &state.error {
        extra.push_str(&format!(
            "<div role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;background:#8a1c1c;color:#fff;padding:1rem;font:14px/1.4 monospace;white-space:pre-wrap;z-index:99\">The last save has problems, so this is the previous version:\n{}</div>",
            site::render::escape(err)
        ));
    }
    extra.push_str(&format!(
        "<script>(function(){{var v={};function poll(){{fetch('{POLL}?v='+v).then(function(r){{return r.text()}}).then(function(t){{if(t!==String(v)){{location.reload()}}else{{poll()}}}}).catch(function(){{setTimeout(poll,1000)}})}}poll()}})();</script>",
        state.version
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
        let state = State {
            error: Some("content/a.md:2: <bad>".into()),
            version: 7,
            ..State::default()
        };
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>", &state)).unwrap();
        assert!(out.ends_with("</script></body></html>"), "{out}");
        assert!(out.contains("var v=7"));
        assert!(out.contains("content/a.md:2: &lt;bad&gt;"));
    }

    #[test]
    fn only_site_folders_and_settings_trigger_rebuilds() {
        let root = Path::new("/site");
        let ev =
            |p: &str| Ok(notify::Event::new(notify::EventKind::Any).add_path(PathBuf::from(p)));
        assert!(is_relevant(root, &ev("/site/content/a.md")));
        assert!(is_relevant(root, &ev("/site/signpost.toml")));
        assert!(!is_relevant(root, &ev("/site/public/index.html")));
        assert!(!is_relevant(root, &ev("/site/target/x")));
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(file_key("/a%20b.html"), "a b.html");
        assert_eq!(file_key("/100%"), "100%");
        assert_eq!(file_key("/programme/"), "programme/index.html");
    }
}
