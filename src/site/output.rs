//! Writing a built site: into a fresh folder beside the target, swapped in only when complete,
//! and as a reproducible zip.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::SiteError;
use super::model::Site;
use super::render::Files;

/// Refuses an output folder whose replacement would lose the careers leader's own files: the
/// site folder itself, anything holding it, its content, or a folder with Markdown in it.
pub fn check_safe_target(site: &Site, out: &Path) -> Result<(), SiteError> {
    let refuse = |why: &str| {
        Err(SiteError::Other(format!(
            "will not write the site to {}: {why}, and building replaces the whole folder. Choose another --out, such as public",
            out.display()
        )))
    };
    let full = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    if !out.exists() {
        return Ok(());
    }
    let (out_full, root, content) = (full(out), full(&site.root), full(&site.content_dir));
    if root.starts_with(&out_full) {
        return refuse("it holds the site's own files");
    }
    if out_full.starts_with(&content)
        || ["static", "templates", "themes"]
            .iter()
            .any(|d| out_full.starts_with(root.join(d)))
    {
        return refuse("it is part of the site's sources");
    }
    let has_sources = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| x == "md" || x == "toml")
        });
    if has_sources {
        return refuse("it contains Markdown or TOML files, which a built site never does");
    }
    Ok(())
}

/// Writes `files` to `out` atomically: a failed or interrupted write leaves the last good site.
pub fn write_atomic(files: &Files, out: &Path) -> Result<(), SiteError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| SiteError::io("create", &parent, e))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);

    let result = write_tree(files, &staging).and_then(|()| swap(&staging, out, &old));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(files: &Files, dir: &Path) -> Result<(), SiteError> {
    std::fs::create_dir_all(dir).map_err(|e| SiteError::io("create", dir, e))?;
    for (path, bytes) in files {
        let target = dir.join(path);
        if let Some(p) = target.parent() {
            std::fs::create_dir_all(p).map_err(|e| SiteError::io("create", p, e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| SiteError::io("write", &target, e))?;
    }
    Ok(())
}

/// Moves `staging` to `out`, keeping the old `out` aside until the new one is in place.
fn swap(staging: &Path, out: &Path, old: &Path) -> Result<(), SiteError> {
    if out.exists() {
        if !out.is_dir() {
            return Err(SiteError::Other(format!(
                "{} exists and is not a folder; choose another --out",
                out.display()
            )));
        }
        std::fs::rename(out, old).map_err(|e| SiteError::io("move aside", out, e))?;
    }
    if let Err(e) = std::fs::rename(staging, out) {
        if old.exists() {
            let _ = std::fs::rename(old, out);
        }
        return Err(SiteError::io("move into place", out, e));
    }
    if old.exists() {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(())
}

/// Writes the site as a zip with sorted entries and fixed timestamps, so the same input gives
/// the same bytes. Written beside the target and renamed, like the folder.
pub fn write_zip(files: &Files, target: &Path) -> Result<(), SiteError> {
    let tmp = target.with_extension(format!("zip.tmp-{}", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(|e| SiteError::io("create", &tmp, e))?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        let zip_err = |e: zip::result::ZipError| {
            SiteError::Other(format!("could not write {}: {e}", target.display()))
        };
        for (path, bytes) in files {
            zip.start_file(path.as_str(), options).map_err(zip_err)?;
            zip.write_all(bytes)
                .map_err(|e| SiteError::io("write", &tmp, e))?;
        }
        zip.finish().map_err(zip_err)?;
        std::fs::rename(&tmp, target).map_err(|e| SiteError::io("write", target, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_replaces_the_old_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut files = Files::new();
        files.insert("index.html".into(), b"one".to_vec());
        files.insert("old.html".into(), b"gone soon".to_vec());
        write_atomic(&files, &out).unwrap();
        files.remove("old.html");
        files.insert("index.html".into(), b"two".to_vec());
        write_atomic(&files, &out).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"two");
        assert!(!out.join("old.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }
}
