//! Finding article files: every `*.md` under `articles/`, at any depth, in a stable order.
//! Hidden files and folders (editor swap files, `.git`) are skipped.
//!
//! Markdown saved under another extension (`upper.MD`, `notes.markdown`) is reported, not
//! skipped: an editor who wrote it expects it published. encyc does not load it as it is,
//! because the slug is the file name less `.md`, and links (`upper.md`) and the page names
//! must not depend on how a disk treats letter case.

use std::path::Path;

use anyhow::{Context, Result, bail};
use walkdir::WalkDir;

use crate::article::cache::FileStamp;
use crate::diagnostic::{Diagnostic, Problem};
use crate::paths::{Slug, SourcePath};

/// The article files found, sorted, and the problems met while looking.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Shared: `encyc watch` keeps the list between builds while no file comes or goes.
    pub(crate) files: std::sync::Arc<Vec<SourcePath>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Slugs of Markdown files under another extension (reported in `diagnostics`): links to
    /// them are not reported as well.
    pub(crate) misnamed: Vec<Slug>,
    /// The stamps of the files, in the order of `files`, when they were looked at just before
    /// ([`crate::last_build`]); empty when not. Loading takes a file's stamp from here rather
    /// than looking again.
    pub(crate) stamps: Vec<Option<FileStamp>>,
}

/// Lists the article files under `dir`. A missing folder is an error; an unreadable entry or
/// a symlink loop is a diagnostic about that entry.
pub(crate) fn discover(dir: &Path) -> Result<Found> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => bail!("{} is not a folder", dir.display()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            bail!("there is no articles folder at {}: create it and put the articles (*.md) in it", dir.display())
        }
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", dir.display())),
    }
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let walker =
        WalkDir::new(dir).follow_links(true).into_iter().filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_file() && is_markdown(entry.file_name()) {
                    let relative = entry.path().strip_prefix(dir).expect("walkdir yields paths under its root");
                    files.push(relative.to_path_buf());
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
                diagnostics.push(Diagnostic::new(shown, None, Problem::Unreadable(message)));
            }
        }
    }
    let mut found = sort_out(files.iter().map(|f| (f.as_path(), None)));
    found.diagnostics.extend(diagnostics);
    Ok(found)
}

/// The article files among `files` (paths relative to the articles folder of every file
/// under it, as a walk that gave no error lists them, each with its stamp when it was looked
/// at): those outside hidden folders, sorted, with Markdown files under another extension
/// reported. A one-off build takes the list from its look at every input file
/// ([`crate::last_build::Look::found_under`]) rather than walking the folder a second time.
pub(crate) fn sort_out<'a>(files: impl Iterator<Item = (&'a Path, Option<FileStamp>)>) -> Found {
    let mut found = Found::default();
    let mut articles = Vec::new();
    // Not sorted while walking (comparing file names per folder is slow for big folders):
    // the list is sorted once here.
    for (relative, stamp) in files {
        // Most paths are text: looked at as text, without taking them apart a component at a
        // time (a fortieth of a build with one article changed).
        let (name, hidden) = match relative.to_str().filter(|_| std::path::MAIN_SEPARATOR == '/') {
            Some(text) => {
                let name = text.rsplit('/').next().unwrap_or(text);
                (std::ffi::OsStr::new(name), is_hidden_path(text))
            }
            None => {
                let Some(name) = relative.file_name() else { continue };
                (name, relative.components().any(|c| is_hidden(c.as_os_str())))
            }
        };
        if !is_markdown(name) || hidden {
            continue;
        }
        let source = SourcePath::new(relative);
        if is_article(name) {
            articles.push((source, stamp));
        } else {
            let stem = Path::new(source.as_str()).file_stem().unwrap_or_default().to_string_lossy();
            found.misnamed.push(Slug::new(stem.to_string()));
            let rename_to = format!("{stem}.md");
            found.diagnostics.push(Diagnostic::new(source.display_path(), None, Problem::NotDotMd { rename_to }));
        }
    }
    // Paths under one folder are distinct: the order is total.
    articles.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    if articles.iter().any(|(_, stamp)| stamp.is_some()) {
        found.stamps = articles.iter().map(|(_, stamp)| *stamp).collect();
    }
    found.files = std::sync::Arc::new(articles.into_iter().map(|(source, _)| source).collect());
    found
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// Whether a relative path written with `/` is hidden or inside a hidden folder.
pub(crate) fn is_hidden_path(relative: &str) -> bool {
    relative.split('/').any(|part| part.starts_with('.'))
}

fn is_article(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.ends_with(".md") && n.len() > 3)
}

/// Extensions editors give Markdown files, compared ignoring case.
const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown", "mdown", "mkd", "mkdn", "mdwn", "mdtxt", "mdtext"];

/// Whether `name` is a Markdown file: an article (`*.md`), or one saved under another
/// Markdown extension, which a build reports. `encyc watch` rebuilds on both.
pub(crate) fn is_markdown(name: &std::ffi::OsStr) -> bool {
    if let Some(name) = name.to_str() {
        return is_markdown_name(name);
    }
    let path = Path::new(name);
    let has_stem = path.file_stem().is_some_and(|s| !s.is_empty());
    let extension = path.extension().and_then(|e| e.to_str());
    has_stem && extension.is_some_and(|e| MARKDOWN_EXTENSIONS.iter().any(|m| m.eq_ignore_ascii_case(e)))
}

/// [`is_markdown`] of a name that is text: a stem (what is before the last dot, not empty) and
/// one of the extensions, as [`Path::file_stem`] and [`Path::extension`] split a name.
fn is_markdown_name(name: &str) -> bool {
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => {
            MARKDOWN_EXTENSIONS.iter().any(|m| m.eq_ignore_ascii_case(extension))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stat::Stat;

    /// Names told apart as text agree with names taken apart as paths.
    #[test]
    fn a_markdown_name_is_told_as_the_path_functions_split_it() {
        let as_path = |name: &str| {
            let path = Path::new(name);
            let has_stem = path.file_stem().is_some_and(|s| !s.is_empty());
            let extension = path.extension().and_then(|e| e.to_str());
            has_stem && extension.is_some_and(|e| MARKDOWN_EXTENSIONS.iter().any(|m| m.eq_ignore_ascii_case(e)))
        };
        let names = [
            "a.md",
            ".md",
            "..md",
            "a..md",
            ".hidden.md",
            "a.",
            ".",
            "..",
            "md",
            "a.MD",
            "b.Markdown",
            "c.b.mdown",
            "d.mdx",
            "e.md.txt",
            "é.md",
            "notes.mkd",
            "x.mdtext",
            "y.mdtxt",
            "z.mdwn",
        ];
        for name in names {
            assert_eq!(is_markdown_name(name), as_path(name), "{name}");
        }
    }

    #[test]
    fn each_file_keeps_its_own_stamp_once_the_list_is_sorted() {
        let stamp = |len: u64| {
            let stat = Stat { len, modified: 1, changed: 1, inode: len, is_file: true };
            Some(FileStamp::from_stat(stat))
        };
        let looked_at = [
            ("b.md", stamp(2)),
            ("sub/a.md", stamp(5)),
            ("a.md", stamp(1)),
            (".git/c.md", stamp(3)),
            ("notes.markdown", stamp(4)),
            ("c.md", None),
        ];
        let found = sort_out(looked_at.iter().map(|(path, stamp)| (Path::new(*path), *stamp)));
        let files: Vec<&str> = found.files.iter().map(SourcePath::as_str).collect();
        assert_eq!(files, ["a.md", "b.md", "c.md", "sub/a.md"]);
        assert_eq!(found.stamps, [stamp(1), stamp(2), None, stamp(5)]);
        assert_eq!(found.misnamed, [Slug::new("notes")]);
        // A list walked without looking at the files has no stamps.
        let walked = sort_out(looked_at.iter().map(|(path, _)| (Path::new(*path), None)));
        assert_eq!((walked.files, walked.stamps.len()), (found.files, 0));
    }
}
