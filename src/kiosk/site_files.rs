//! Read-only serving of the built careers site under `/site/`, so students can read the
//! programme on the kiosk without the internet.
//!
//! A URL path is decoded, split into plain segments (no `..`, no hidden files, no backslashes or
//! NULs), joined under the site folder, and the real path checked to still be inside it, so
//! neither `..` tricks nor symbolic links can reach any other file on the computer.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::http::{Body, Response};
use crate::web::{content_type, percent_decode};

/// Maps a path below `/site/` (still percent-encoded) to a file inside `root`.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut path = root.to_path_buf();
    let segments: Vec<&str> = decoded.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if seg.is_empty() {
            if last {
                break;
            }
            return None;
        }
        if seg.starts_with('.') || seg.contains(':') {
            return None;
        }
        path.push(seg);
    }
    let root_real = root.canonicalize().ok()?;
    let mut real = path.canonicalize().ok()?;
    if real.is_dir() {
        real = real.join("index.html").canonicalize().ok()?;
    }
    if real.starts_with(&root_real) && real.is_file() {
        Some(real)
    } else {
        None
    }
}

/// Opens a site file as a response, or `None` if there is no such file inside the site.
pub fn open(root: &Path, url_path: &str) -> Option<Response> {
    let path = resolve(root, url_path)?;
    let file = File::open(&path).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    Some(Response {
        status: 200,
        content_type: content_type(&path).to_string(),
        body: Body::File(file, len),
        headers: Vec::new(),
    })
}

/// Largest page that gets the kiosk bar added (bigger ones are sent as they are).
const MAX_BAR_PAGE: usize = 4 * 1024 * 1024;

/// Adds a "back to the start" bar and the idle reset to a page of the careers site.
///
/// In kiosk mode the browser has no address bar or Back button, so without this a student who
/// opens the programme could not get back to the kiosk, and the page would stay on screen for the
/// next student. The file on disk is not changed.
pub fn with_kiosk_bar(resp: Response, idle_seconds: u32) -> Response {
    if !resp.content_type.starts_with("text/html") {
        return resp;
    }
    let Body::File(mut file, len) = resp.body else {
        return resp;
    };
    let mut html = String::new();
    if len > MAX_BAR_PAGE || std::io::Read::read_to_string(&mut file, &mut html).is_err() {
        return Response {
            body: Body::File(file, len),
            ..resp
        };
    }
    let bar = format!(
        "<nav aria-label=\"Careers room kiosk\" style=\"position:sticky;bottom:0;z-index:2147483647;\
         margin:0;padding:8px 16px;background:#12355b;border-top:4px solid #ffdd00;\
         font:700 18px/1.4 system-ui,sans-serif\"><a href=\"/\" style=\"display:inline-block;\
         min-height:44px;padding:10px 4px;color:#ffffff;text-decoration:underline\">Back to the \
         careers room start</a></nav><script src=\"/assets/kiosk.js\" defer \
         data-idle=\"{idle_seconds}\"></script>"
    );
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    html.insert_str(at, &bar);
    Response {
        status: resp.status,
        content_type: resp.content_type,
        body: Body::Bytes(html.into_bytes()),
        headers: resp.headers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("public");
        std::fs::create_dir_all(root.join("guidance")).unwrap();
        std::fs::write(root.join("index.html"), "<h1>Home</h1>").unwrap();
        std::fs::write(root.join("guidance/index.html"), "g").unwrap();
        std::fs::write(root.join("style.css"), "body{}").unwrap();
        std::fs::write(root.join(".hidden"), "h").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        (dir, root)
    }

    #[test]
    fn serves_files_and_folder_indexes() {
        let (_d, root) = site();
        assert!(resolve(&root, "index.html")
            .unwrap()
            .ends_with("index.html"));
        assert!(resolve(&root, "").unwrap().ends_with("index.html"));
        assert!(resolve(&root, "guidance/")
            .unwrap()
            .ends_with("guidance/index.html"));
        assert!(resolve(&root, "guidance").is_some());
        assert!(resolve(&root, "style%2Ecss").is_some());
        assert_eq!(
            content_type(Path::new("a/b.CSS")),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.svg")), "image/svg+xml");
    }

    #[test]
    fn traversal_is_impossible() {
        let (_d, root) = site();
        for bad in [
            "../secret.txt",
            "%2e%2e/secret.txt",
            "..%2fsecret.txt",
            "guidance/../../secret.txt",
            "guidance/%2E%2E/%2E%2E/secret.txt",
            "..\\secret.txt",
            "%5c..%5csecret.txt",
            ".hidden",
            "guidance//index.html",
            "index.html%00.css",
            "%ff",
            "%zz",
            "/etc/passwd",
            "missing.html",
        ] {
            assert_eq!(resolve(&root, bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_get_a_way_back_to_the_kiosk() {
        let (_d, root) = site();
        std::fs::write(root.join("p.html"), "<html><body><p>x</p></BODY></html>").unwrap();
        let r = with_kiosk_bar(open(&root, "p.html").unwrap(), 60);
        let Body::Bytes(b) = r.body else {
            panic!("not rewritten")
        };
        let html = String::from_utf8(b).unwrap();
        let bar = html.find("Back to the careers room start").unwrap();
        assert!(bar > html.find("<p>x</p>").unwrap() && bar < html.find("</BODY>").unwrap());
        assert!(html.contains("data-idle=\"60\""));
        // Other files are left alone.
        let css = with_kiosk_bar(open(&root, "style.css").unwrap(), 60);
        assert!(matches!(css.body, Body::File(..)));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_site_are_refused() {
        let (d, root) = site();
        std::os::unix::fs::symlink(d.path().join("secret.txt"), root.join("link.txt")).unwrap();
        assert_eq!(resolve(&root, "link.txt"), None);
    }
}
