//! Writing a built site: file by file into a fresh folder beside the target, swapped in only
//! when complete, and as a reproducible zip.
//!
//! Building replaces the output folder whole, so signpost only ever replaces a folder it made
//! itself (it holds [`MARKER`] from the last build) or an empty one, and only overwrites a zip it
//! wrote itself (its archive comment is [`ZIP_COMMENT`]). Anything else is refused with what is
//! there and how to choose another place: a typo in `--out` must never cost a folder of files.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::error::SiteError;
use super::model::Site;
use super::render::Files;

/// The file every build leaves in its output folder, so the next build knows the folder is its
/// own to replace.
pub const MARKER: &str = ".signpost-build";

const MARKER_TEXT: &str = "This folder was written by `signpost build` and is replaced whole by the next build.\nKeep your own files somewhere else.\n";

/// The archive comment of every zip signpost writes; a zip without it is not replaced.
pub const ZIP_COMMENT: &str = "Careers pages written by signpost build";

/// How many entries of a refused folder the message names.
const SHOWN: usize = 5;

fn refuse(out: &Path, why: impl std::fmt::Display) -> SiteError {
    SiteError::Other(format!(
        "will not write the site to {}: {why}. Building replaces the whole folder, so signpost only replaces a folder it made itself or an empty one. Choose a new or empty folder with --out (the default is public inside the site folder), or move those files somewhere safe first",
        out.display()
    ))
}

/// Refuses an output folder whose replacement would lose someone's files: anything holding the
/// site or its sources, a file, and any folder that is neither empty nor signpost's own.
pub fn check_safe_target(site: &Site, out: &Path) -> Result<(), SiteError> {
    let Ok(meta) = out.symlink_metadata() else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(refuse(out, "it is a file, not a folder"));
    }
    let full = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (out_full, root, content) = (full(out), full(&site.root), full(&site.content_dir));
    if root.starts_with(&out_full) {
        return Err(refuse(out, "it holds the site's own files"));
    }
    if out_full.starts_with(&content)
        || ["static", "templates", "themes"]
            .iter()
            .any(|d| out_full.starts_with(root.join(d)))
    {
        return Err(refuse(out, "it is part of the site's sources"));
    }
    if out.join(MARKER).is_file() {
        return Ok(());
    }
    let entries = listing(out).map_err(|e| SiteError::io("read", out, e))?;
    if entries.is_empty() {
        return Ok(());
    }
    Err(refuse(
        out,
        format!(
            "it was not made by signpost (there is no {MARKER} file from an earlier build) and it holds {}",
            describe(&entries)
        ),
    ))
}

/// The folder's entries by name, folders marked with a trailing `/`, sorted.
fn listing(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let mut name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            name.push('/');
        }
        names.push(name);
    }
    names.sort();
    Ok(names)
}

/// "a.txt, notes/ and 3 more".
fn describe(entries: &[String]) -> String {
    let shown: Vec<String> = entries.iter().take(SHOWN).cloned().collect();
    match entries.len().saturating_sub(SHOWN) {
        0 => super::render::join_words(&shown),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// Refuses to overwrite a file that is not a zip signpost wrote.
pub fn check_safe_zip(target: &Path) -> Result<(), SiteError> {
    let Ok(meta) = target.symlink_metadata() else {
        return Ok(());
    };
    let fix = "Choose another name with --zip, or move that file somewhere safe first";
    if meta.is_dir() {
        return Err(SiteError::Other(format!(
            "will not write the zip to {}: it is a folder. {fix}",
            target.display()
        )));
    }
    let ours = std::fs::File::open(target)
        .ok()
        .and_then(|f| zip::ZipArchive::new(f).ok())
        .is_some_and(|z| z.comment() == ZIP_COMMENT.as_bytes());
    if ours {
        return Ok(());
    }
    Err(SiteError::Other(format!(
        "will not replace {}: it is not a zip that signpost wrote, and writing the zip would overwrite it. {fix}",
        target.display()
    )))
}

/// A build being written: a staging folder beside the target, filled one file at a time (from
/// any thread) and moved into place by [`Staging::finish`]. Dropped unfinished, it removes
/// itself and the last good site stays as it was.
///
/// A file whose bytes are the same as in the last good site keeps that file's date, so upload
/// tools that send only newer files send only what changed. On Unix it is hard-linked from the
/// last good site rather than written again: the new site is still complete on its own
/// (removing the old one only drops a link), and the file system neither allocates a new file
/// nor frees the old one, which at thousands of pages, right after the last build's files were
/// freed, was most of a rebuild's time.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    /// Folders already created, so each is made once however many files it holds.
    made: Mutex<HashSet<PathBuf>>,
    /// Whether the last good site is there to compare with (signpost's own, by its marker).
    compare: bool,
    /// Whether unchanged files may be linked; switched off when the file system refuses a link
    /// (a FAT drive), so each later file does not try again.
    link: AtomicBool,
    finished: bool,
}

impl Staging {
    pub fn begin(out: &Path) -> Result<Staging, SiteError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| SiteError::io("create", &parent, e))?;
        let dir = parent.join(format!(".{}.new-{}", name_of(out), std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).map_err(|e| SiteError::io("create", &dir, e))?;
        Ok(Staging {
            made: Mutex::new(HashSet::from([dir.clone()])),
            dir,
            out: out.to_path_buf(),
            compare: out.join(MARKER).is_file(),
            link: AtomicBool::new(cfg!(unix)),
            finished: false,
        })
    }

    /// Writes one file of the site (`path` relative to the site, `/`-separated). No fsync: a
    /// crash before [`Staging::finish`] leaves the old site, and after it the system's own
    /// write-back is as safe as any other copy of these files.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), SiteError> {
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
            if !made.contains(parent) {
                std::fs::create_dir_all(parent).map_err(|e| SiteError::io("create", parent, e))?;
                made.insert(parent.to_path_buf());
            }
        }
        // Errors name the file where it was going, not the staging folder nobody sees.
        let failed = |e| SiteError::io("write", self.out.join(path), e);
        let Some(was) = self.unchanged(path, bytes) else {
            return std::fs::write(&target, bytes).map_err(failed);
        };
        // Only a file with no other name may be shared: the new site must not change when a
        // file outside it does.
        if links(&was) == 1 && self.link.load(Ordering::Relaxed) {
            match std::fs::hard_link(self.out.join(path), &target) {
                Ok(()) => return Ok(()),
                Err(_) => self.link.store(false, Ordering::Relaxed),
            }
        }
        let dated = |f: std::fs::File| match was.modified() {
            Ok(time) => f.set_modified(time),
            Err(_) => Ok(()),
        };
        std::fs::File::create(&target)
            .and_then(|mut f| f.write_all(bytes).map(|()| f))
            .and_then(dated)
            .map_err(failed)
    }

    /// The last good site's file at `path` if it holds exactly these bytes as a plain file
    /// (never a link to somewhere else).
    fn unchanged(&self, path: &str, bytes: &[u8]) -> Option<std::fs::Metadata> {
        if !self.compare {
            return None;
        }
        let old = self.out.join(path);
        let meta = old.symlink_metadata().ok()?;
        let same = meta.is_file()
            && meta.len() == bytes.len() as u64
            && std::fs::File::open(&old).is_ok_and(|f| holds_exactly(f, bytes));
        same.then_some(meta)
    }

    /// Reads back a file written earlier (for the few pages `check` looks inside).
    pub fn read(&self, path: &str) -> Result<Vec<u8>, SiteError> {
        let target = self.dir.join(path);
        std::fs::read(&target).map_err(|e| SiteError::io("read", &target, e))
    }

    /// Moves the finished site into place, keeping the old one aside until the new one is in.
    /// The old one is removed on a background thread; join the handle before exiting.
    pub fn finish(mut self) -> Result<Option<std::thread::JoinHandle<()>>, SiteError> {
        self.write(MARKER, MARKER_TEXT.as_bytes())?;
        let old = self.dir.with_file_name(format!(
            ".{}.old-{}",
            name_of(&self.out),
            std::process::id()
        ));
        let out = self.out.clone();
        let had_old = out.exists();
        if had_old {
            std::fs::rename(&out, &old).map_err(|e| SiteError::io("move aside", &out, e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &out) {
            if had_old {
                let _ = std::fs::rename(&old, &out);
            }
            return Err(SiteError::io("move into place", &out, e));
        }
        self.finished = true;
        Ok(had_old.then(|| {
            std::thread::spawn(move || {
                let _ = std::fs::remove_dir_all(&old);
            })
        }))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether reading `file` to its end gives `bytes`. Read into a buffer one byte longer than
/// expected, not with `read_to_end`, which asks the file for its size and position again first.
fn holds_exactly(mut file: std::fs::File, bytes: &[u8]) -> bool {
    let mut buf = vec![0; bytes.len() + 1];
    let mut filled = 0;
    loop {
        match file.read(&mut buf[filled..]) {
            Ok(0) => return buf[..filled] == *bytes,
            Ok(n) if filled + n <= bytes.len() => filled += n,
            Ok(_) => return false,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// How many names the file has; elsewhere than Unix, where the standard library cannot tell,
/// files are never linked.
#[cfg(unix)]
fn links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn links(_: &std::fs::Metadata) -> u64 {
    0
}

fn name_of(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

/// Writes `files` to `out` atomically: a failed or interrupted write leaves the last good site.
pub fn write_atomic(files: &Files, out: &Path) -> Result<(), SiteError> {
    let staging = Staging::begin(out)?;
    for (path, bytes) in files {
        staging.write(path, bytes)?;
    }
    if let Some(cleanup) = staging.finish()? {
        let _ = cleanup.join();
    }
    Ok(())
}

/// Writes the files `paths` of the built site in `dir` as a zip with entries in the given
/// order and fixed timestamps, so the same input gives the same bytes. Written beside the
/// target and renamed, like the folder.
pub fn write_zip<'a>(
    dir: &Path,
    paths: impl Iterator<Item = &'a str>,
    target: &Path,
) -> Result<(), SiteError> {
    let tmp = target.with_extension(format!("zip.tmp-{}", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(|e| SiteError::io("create", &tmp, e))?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        zip.set_comment(ZIP_COMMENT);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        let zip_err = |e: zip::result::ZipError| {
            SiteError::Other(format!("could not write {}: {e}", target.display()))
        };
        let mut bytes = Vec::new();
        for path in paths {
            let source = dir.join(path);
            bytes.clear();
            std::fs::File::open(&source)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .map_err(|e| SiteError::io("read", &source, e))?;
            zip.start_file(path, options).map_err(zip_err)?;
            zip.write_all(&bytes)
                .map_err(|e| SiteError::io("write", &tmp, e))?;
        }
        zip.finish()
            .map_err(zip_err)?
            .flush()
            .map_err(|e| SiteError::io("write", &tmp, e))?;
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
        assert!(out.join(MARKER).is_file(), "the next build may replace it");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_kept_and_changed_ones_written_afresh() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut files = Files::new();
        files.insert("same.html".into(), b"unchanged".to_vec());
        files.insert("edited.html".into(), b"first".to_vec());
        files.insert("grown.html".into(), b"short".to_vec());
        write_atomic(&files, &out).unwrap();
        let inode = |name: &str| std::fs::metadata(out.join(name)).unwrap().ino();
        let before = (
            inode("same.html"),
            inode("edited.html"),
            inode("grown.html"),
        );

        files.insert("edited.html".into(), b"fresh".to_vec());
        files.insert("grown.html".into(), b"short, and longer".to_vec());
        write_atomic(&files, &out).unwrap();
        assert_eq!(
            inode("same.html"),
            before.0,
            "the unchanged file is the same file"
        );
        assert_ne!(inode("edited.html"), before.1);
        assert_ne!(inode("grown.html"), before.2);
        for (name, bytes) in &files {
            assert_eq!(&std::fs::read(out.join(name)).unwrap(), bytes, "{name}");
            let meta = std::fs::metadata(out.join(name)).unwrap();
            assert_eq!(
                meta.nlink(),
                1,
                "{name} has no other name once the old site is gone"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_linked_from_outside_the_site_is_never_shared() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut files = Files::new();
        files.insert("a.html".into(), b"same".to_vec());
        files.insert("b.html".into(), b"same".to_vec());
        write_atomic(&files, &out).unwrap();
        // Someone made a.html a link to a file of theirs, and gave b.html a second name.
        let theirs = dir.path().join("theirs.html");
        std::fs::write(&theirs, b"same").unwrap();
        std::fs::remove_file(out.join("a.html")).unwrap();
        std::os::unix::fs::symlink(&theirs, out.join("a.html")).unwrap();
        let other_name = dir.path().join("other-name.html");
        std::fs::hard_link(out.join("b.html"), &other_name).unwrap();
        let long_ago =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1e9 as u64);
        std::fs::File::options()
            .write(true)
            .open(out.join("b.html"))
            .and_then(|f| f.set_modified(long_ago))
            .unwrap();

        write_atomic(&files, &out).unwrap();
        let date = |name: &str| {
            std::fs::metadata(out.join(name))
                .unwrap()
                .modified()
                .unwrap()
        };
        assert_eq!(
            date("b.html"),
            long_ago,
            "written afresh, but still unchanged"
        );
        assert!(!out.join("a.html").symlink_metadata().unwrap().is_symlink());
        std::fs::write(&theirs, b"changed").unwrap();
        std::fs::write(&other_name, b"changed").unwrap();
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"same");
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"same");
    }

    #[test]
    fn an_abandoned_build_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::begin(&dir.path().join("public")).unwrap();
        staging.write("a/b/c.html", b"x").unwrap();
        drop(staging);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_refused_folder_is_described_by_its_first_entries() {
        let names: Vec<String> = (1..=7).map(|i| format!("f{i}")).collect();
        assert_eq!(describe(&names), "f1, f2, f3, f4, f5 and 2 more");
        assert_eq!(describe(&names[..2]), "f1 and f2");
    }
}
