//! Finding article files: every `*.md` under `articles/`, at any depth, in a stable order.
//! Hidden files and folders (editor swap files, `.git`) are skipped.

use std::path::Path;

use anyhow::{Context, Result, bail};
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Problem};
use crate::paths::SourcePath;

/// The article files found, sorted, and the problems met while looking.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<SourcePath>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lists the article files under `dir`. A missing folder is an error; an unreadable entry or
/// a symlink loop is a diagnostic about that entry.
pub fn discover(dir: &Path) -> Result<Found> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => bail!("{} is not a folder", dir.display()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            bail!("there is no articles folder at {}: create it and put the articles (*.md) in it", dir.display())
        }
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", dir.display())),
    }
    let mut found = Found::default();
    // Not sorted while walking (comparing file names per folder is slow for big folders):
    // the list is sorted once at the end.
    let walker =
        WalkDir::new(dir).follow_links(true).into_iter().filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_file() && is_article(entry.file_name()) {
                    let relative = entry.path().strip_prefix(dir).expect("walkdir yields paths under its root");
                    found.files.push(SourcePath::new(relative));
                }
            }
            Err(err) => {
                let shown = err
                    .path()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map(|p| SourcePath::new(p).display_path())
                    .unwrap_or_else(|| Path::new(crate::config::ARTICLES_DIR).to_path_buf());
                let message = if err.loop_ancestor().is_some() {
                    "a symbolic link here points back to a folder that contains it (a loop); remove it".to_string()
                } else {
                    err.io_error().map_or_else(|| err.to_string(), ToString::to_string)
                };
                found.diagnostics.push(Diagnostic::new(shown, None, Problem::Unreadable(message)));
            }
        }
    }
    found.files.sort();
    Ok(found)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn is_article(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.ends_with(".md") && n.len() > 3)
}
