//! The load stage's cache of parsed articles, so that a build parses only what changed: in
//! memory for `encyc watch` (keyed by path, checked by file stamp and content hash), and on
//! disk between builds (the [`Article`] summaries, without bodies, in `output/.encyc-cache`,
//! keyed by content hash and by the encyc build that wrote them). A stale or missing cache
//! only costs time.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::{Article, Loaded};
use crate::config::Mode;
use crate::paths::{CACHE, SourcePath, TEMP_PREFIX};

/// What identifies a file's state without reading it: its size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileStamp {
    len: u64,
    modified: SystemTime,
}

impl FileStamp {
    /// The stamp as numbers, to keep on disk: length, and nanoseconds since 1970.
    pub(crate) fn to_parts(self) -> (u64, u128) {
        let nanos = self.modified.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        (self.len, nanos)
    }
}

impl FileStamp {
    pub(crate) fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileStamp { len: meta.len(), modified: meta.modified().ok()? })
    }
}

#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// Set when the file was read in this process: an unchanged stamp means unchanged bytes.
    pub(super) stamp: Option<FileStamp>,
    pub(super) loaded: Loaded,
}

/// Parsed articles kept between builds.
#[derive(Debug)]
pub(crate) struct ArticleCache {
    pub(super) entries: HashMap<SourcePath, Entry>,
    /// With [`Mode::Watch`], an article read in this process is reused without looking at its
    /// file again, because file events tell us (through [`ArticleCache::invalidate`]) which
    /// files changed.
    pub(super) mode: Mode,
}

impl ArticleCache {
    /// A cache seeded with the article summaries an earlier build saved in `output` (see
    /// [`write_summaries`]), for builds of `mode`.
    pub(crate) fn from_summaries(articles: Vec<Article>, mode: Mode) -> Self {
        let entries = articles
            .into_iter()
            .map(|a| (a.source.clone(), Entry { stamp: None, loaded: Loaded { article: Arc::new(a), body: None } }))
            .collect();
        ArticleCache { entries, mode }
    }

    /// Lets go of the rendered bodies, which only a long-lived builder reuses: a one-off
    /// build is done with them once its pages are written.
    pub(crate) fn forget_bodies(&mut self) {
        for entry in self.entries.values_mut() {
            entry.loaded.body = None;
        }
    }

    /// The summaries of every cached article, for saving.
    pub(crate) fn summaries(&self) -> impl Iterator<Item = &Article> {
        self.entries.values().map(|e| e.loaded.article.as_ref())
    }

    /// Forgets what is known about `path` (a file event says it changed), or about every file
    /// under it when it is a folder (every file when it is empty).
    pub(crate) fn invalidate(&mut self, relative: &Path) {
        let prefix = SourcePath::new(relative);
        for (source, entry) in &mut self.entries {
            let s = source.as_str();
            if prefix.as_str().is_empty()
                || s == prefix.as_str()
                || (s.starts_with(prefix.as_str()) && s[prefix.as_str().len()..].starts_with('/'))
            {
                entry.stamp = None;
            }
        }
    }
}

/// The on-disk cache of article summaries: which encyc build wrote it, and the summaries.
/// A compact binary encoding (postcard): it is read at the start of every build.
#[derive(Deserialize)]
struct SummaryCache {
    build: String,
    articles: Vec<Article>,
}

/// [`SummaryCache`] as written: borrowing the articles rather than copying them all.
#[derive(Serialize)]
struct SummaryCacheRef<'a> {
    build: String,
    articles: Vec<&'a Article>,
}

/// The file in the output folder that caches the summaries of an edition's articles: the
/// main edition's (`language` is `None`) in `.encyc-cache`, a further edition's in
/// `.encyc-cache.<language>`.
pub(crate) fn file_name(language: Option<&str>) -> String {
    match language {
        None => CACHE.to_string(),
        Some(language) => format!("{CACHE}.{language}"),
    }
}

/// The article summaries cached in `output/<name>`, if the same encyc build wrote them.
/// Anything unreadable is treated as no cache.
pub(crate) fn read_summaries(output: &Path, name: &str, build_id: u128) -> Vec<Article> {
    let Ok(bytes) = fs::read(output.join(name)) else { return Vec::new() };
    match postcard::from_bytes::<SummaryCache>(&bytes) {
        Ok(cache) if cache.build == format!("{build_id:032x}") => cache.articles,
        _ => Vec::new(),
    }
}

/// Saves article summaries in `output/<name>` for the next build (atomically; the folder must
/// exist).
pub(crate) fn write_summaries<'a>(
    output: &Path,
    name: &str,
    build_id: u128,
    articles: impl Iterator<Item = &'a Article>,
) -> Result<()> {
    let mut articles: Vec<&Article> = articles.collect();
    articles.sort_by(|a, b| a.source.cmp(&b.source));
    let cache = SummaryCacheRef { build: format!("{build_id:032x}"), articles };
    // Encoded straight into the file: the cache of a big site is tens of MB.
    let target = output.join(name);
    let temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(output)
        .with_context(|| format!("cannot write in {}", output.display()))?;
    let mut file = std::io::BufWriter::new(temp);
    postcard::to_io(&cache, &mut file).with_context(|| format!("cannot write {}", target.display()))?;
    let temp =
        file.into_inner().map_err(|e| e.into_error()).with_context(|| format!("cannot write {}", target.display()))?;
    temp.persist(&target).with_context(|| format!("cannot write {}", target.display()))?;
    Ok(())
}
