//! Read-only serving of the built careers site under `/site/`, so students can read the
//! programme on the kiosk without the internet.
//!
//! A URL path is decoded, split into plain segments (no `..`, no hidden files, no backslashes or
//! NULs), joined under the site folder, and the real path checked to still be inside it, so
//! neither `..` tricks nor symbolic links can reach any other file on the computer.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::http::{Body, Response};

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

/// Decodes `%XX` escapes; `None` if the result is not UTF-8 or an escape is malformed.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The content type for a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "zip" => "application/zip",
        _ => "application/octet-stream",
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

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_site_are_refused() {
        let (d, root) = site();
        std::os::unix::fs::symlink(d.path().join("secret.txt"), root.join("link.txt")).unwrap();
        assert_eq!(resolve(&root, "link.txt"), None);
    }
}
