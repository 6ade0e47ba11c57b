//! `signpost new DIR`: a starter site that builds straight away.

use std::path::Path;
use std::process::ExitCode;

use signpost::site::theme;

pub fn run(dir: &Path) -> ExitCode {
    match scaffold(dir) {
        Ok(n) => {
            println!(
                "Created a new careers site in {} ({n} files).",
                dir.display()
            );
            println!(
                "Next: edit {}/signpost.toml, then run `signpost serve --site {}` to preview it.",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn scaffold(dir: &Path) -> Result<usize, String> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(format!(
            "{} already exists and is not empty; choose a new folder name so nothing is overwritten",
            dir.display()
        ));
    }
    let mut n = 0;
    for (path, text) in theme::scaffold() {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
        }
        std::fs::write(&target, text)
            .map_err(|e| format!("could not write {}: {e}", target.display()))?;
        n += 1;
    }
    Ok(n)
}
