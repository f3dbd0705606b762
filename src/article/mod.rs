//! Stage 1, load: find the article files, read them, and parse each one on its own into an
//! [`Article`]. Nothing here looks at other articles; that is the link stage's job.
//!
//! Parsing is the most expensive part of a build, so its results are cached: in memory for
//! `encyc watch` (keyed by path, checked by file stamp and content hash), and on disk between
//! builds (the [`Article`] summaries, keyed by content hash). A cached article may come without
//! its rendered body; [`reparse_body`] fills that in for the few pages that must be rendered.

mod discover;
pub mod front_matter;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use discover::{Found, discover};
pub use front_matter::{FrontMatter, Located};

use crate::diagnostic::{Diagnostic, Problem};
use crate::markdown::{BodyHtml, Outline, parse_body};
use crate::paths::{Slug, SourcePath};

/// A content hash: equal bytes, equal hash.
pub type ContentHash = u128;

pub fn content_hash(bytes: &[u8]) -> ContentHash {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// One article, parsed on its own: everything but the body's HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub source: SourcePath,
    pub slug: Slug,
    pub meta: FrontMatter,
    pub outline: Outline,
    /// The hash of the file's bytes.
    pub hash: ContentHash,
    /// Lookup and sort keys of the title and each alternative name, in that order: worked out
    /// once per article, not once per build.
    pub name_keys: Vec<NameKey>,
    /// A hash of what other articles and pages can see of this one: its slug, names, section
    /// ids and revision date. An edit that keeps it (a body edit) cannot change how any other
    /// article links or lists.
    pub surface: u128,
    /// What the search index needs: the article's distinct words (grouped by the index shard
    /// they belong to) and a snippet to show in results.
    pub search_terms: Vec<crate::search::ShardTerms>,
    pub snippet: String,
}

/// How a title or alternative name is looked up (wiki links) and sorted (letter pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameKey {
    /// Lower-cased, for case-insensitive lookup.
    pub lower: String,
    /// See [`crate::letters::sort_key`].
    pub sort: String,
}

impl NameKey {
    pub fn of(name: &str) -> NameKey {
        NameKey { lower: name.to_lowercase(), sort: crate::letters::sort_key(name) }
    }
}

impl Article {
    /// The title, then each alternative name, with its keys and whether it is an alternative.
    pub fn names(&self) -> impl Iterator<Item = (&str, &NameKey, bool)> {
        std::iter::once(self.meta.title.as_str())
            .chain(self.meta.alternative_names.iter().map(String::as_str))
            .zip(&self.name_keys)
            .enumerate()
            .map(|(i, (name, key))| (name, key, i > 0))
    }

    pub fn title_key(&self) -> &NameKey {
        &self.name_keys[0]
    }
}

/// Parses one article file. Pure: the bytes of the file in, the article and its rendered
/// body, or its problems, out.
pub fn parse_article(source: &SourcePath, bytes: &[u8]) -> Result<(Article, BodyHtml), Vec<Diagnostic>> {
    let file = source.display_path();
    let diag = |line: usize, problem: Problem| Diagnostic::new(file.clone(), Some(line), problem);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        vec![diag(line, Problem::NotUtf8 { offset })]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Normalise CRLF once; line numbers are unchanged because every line keeps its `\n`.
    let normalised;
    let text = if text.contains('\r') {
        normalised = text.replace("\r\n", "\n");
        normalised.as_str()
    } else {
        text
    };
    let split = front_matter::split(text).map_err(|(line, p)| vec![diag(line, p)])?;
    let meta = front_matter::parse(&split)
        .map_err(|problems| problems.into_iter().map(|(line, p)| diag(line, p)).collect::<Vec<_>>())?;
    let (outline, body, plain) = parse_body(split.body, split.body_first_line);
    let search_terms = crate::search::terms_of(&format!("{} {}", meta.summary.as_deref().unwrap_or(""), plain.all));
    let snippet = crate::search::snippet_of(meta.summary.as_deref(), &plain.intro);
    let name_keys = std::iter::once(&meta.title).chain(&meta.alternative_names).map(|n| NameKey::of(n)).collect();
    let surface = surface(source, &meta, &outline);
    let article = Article {
        source: source.clone(),
        slug: source.slug(),
        meta,
        outline,
        hash: content_hash(bytes),
        name_keys,
        surface,
        search_terms,
        snippet,
    };
    Ok((article, body))
}

fn surface(source: &SourcePath, meta: &FrontMatter, outline: &Outline) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut field = |bytes: &[u8]| {
        h.update(bytes);
        h.update(b"\0");
    };
    field(source.as_str().as_bytes());
    field(meta.title.as_bytes());
    for name in &meta.alternative_names {
        field(name.as_bytes());
    }
    field(b"\x01");
    for heading in &outline.headings {
        field(heading.id.as_bytes());
    }
    field(meta.last_revised.to_string().as_bytes());
    h.digest128()
}

/// An article's file no longer holds what the build parsed: it changed while the site was
/// being built (or, for `encyc watch`, without an event saying so). `encyc watch` reads it
/// again and builds once more.
#[derive(Debug, thiserror::Error)]
#[error("{} changed while the site was being built; build again", .path.display())]
pub struct SourceChanged {
    pub file: SourcePath,
    pub path: PathBuf,
}

/// Reads an article's file again to render its body, when only its summary was cached.
pub fn reparse_body(articles_dir: &Path, article: &Article) -> Result<BodyHtml> {
    let path = articles_dir.join(article.source.as_str());
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let changed = || SourceChanged { file: article.source.clone(), path: path.clone() };
    if content_hash(&bytes) != article.hash {
        return Err(changed().into());
    }
    match parse_article(&article.source, &bytes) {
        Ok((_, body)) => Ok(body),
        Err(_) => Err(changed().into()),
    }
}

/// What identifies a file's state without reading it: its size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: SystemTime,
}

impl FileStamp {
    fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileStamp { len: meta.len(), modified: meta.modified().ok()? })
    }
}

/// A parsed article as the cache keeps it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub article: Arc<Article>,
    /// The rendered body, unless the article came from the on-disk cache.
    pub body: Option<Arc<BodyHtml>>,
}

#[derive(Debug, Clone)]
struct Entry {
    /// Set when the file was read in this process: an unchanged stamp means unchanged bytes.
    stamp: Option<FileStamp>,
    loaded: Loaded,
}

/// Parsed articles kept between builds.
#[derive(Debug, Default)]
pub struct ArticleCache {
    entries: HashMap<SourcePath, Entry>,
    /// Reuse an article read in this process without looking at its file again, because
    /// file events tell us (through [`ArticleCache::invalidate`]) which files changed.
    trust_events: bool,
}

impl ArticleCache {
    /// A cache seeded with article summaries from an earlier build (see [`crate::output`]).
    pub fn from_summaries(articles: Vec<Article>) -> Self {
        let entries = articles
            .into_iter()
            .map(|a| (a.source.clone(), Entry { stamp: None, loaded: Loaded { article: Arc::new(a), body: None } }))
            .collect();
        ArticleCache { entries, trust_events: false }
    }

    /// Whether file events are trusted to say which files changed (see `trust_events`).
    pub fn set_trust_events(&mut self, trust: bool) {
        self.trust_events = trust;
    }

    /// Lets go of the rendered bodies, which only a long-lived builder reuses: a one-off
    /// build is done with them once its pages are written.
    pub fn forget_bodies(&mut self) {
        for entry in self.entries.values_mut() {
            entry.loaded.body = None;
        }
    }

    /// The summaries of every cached article, for saving.
    pub fn summaries(&self) -> impl Iterator<Item = &Article> {
        self.entries.values().map(|e| e.loaded.article.as_ref())
    }

    /// Forgets what is known about `path` (a file event says it changed), or about every file
    /// under it when it is a folder (every file when it is empty).
    pub fn invalidate(&mut self, relative: &Path) {
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

/// A loaded article, the stamp of its file, and whether it was parsed anew.
type Fresh = (Loaded, Option<FileStamp>, bool);

/// What loading found: the articles that parsed, and the problems of those that did not.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Sorted by source path.
    pub articles: Vec<Loaded>,
    pub diagnostics: Vec<Diagnostic>,
    /// Slugs of files that exist but could not be parsed (links to them are not reported).
    pub failed_slugs: Vec<Slug>,
    /// Articles parsed anew in this build.
    pub parsed: Vec<SourcePath>,
}

/// Reads and parses every article under `articles_dir`, reusing what the cache knows about
/// files whose bytes are unchanged. A file whose stamp is unchanged since this process read
/// it is not read again.
pub fn load(
    articles_dir: &Path,
    found: discover::Found,
    cache: &mut ArticleCache,
    progress: &crate::progress::Progress,
) -> Result<LoadReport> {
    progress.stage("parsing", found.files.len());
    let results: Vec<(SourcePath, Result<Fresh, Vec<Diagnostic>>)> = found
        .files
        .par_iter()
        .map(|source| {
            let path: PathBuf = articles_dir.join(source.as_str());
            let cached = cache.entries.get(source);
            if let Some(entry) = cached.filter(|e| cache.trust_events && e.stamp.is_some()) {
                return (source.clone(), Ok((entry.loaded.clone(), entry.stamp, false)));
            }
            let stamp = FileStamp::of(&path);
            if let Some(entry) = cached.filter(|e| e.stamp.is_some() && e.stamp == stamp) {
                return (source.clone(), Ok((entry.loaded.clone(), stamp, false)));
            }
            progress.step();
            let result = match std::fs::read(&path) {
                Ok(bytes) => {
                    let hash = content_hash(&bytes);
                    match cached {
                        Some(entry) if entry.loaded.article.hash == hash => Ok((entry.loaded.clone(), stamp, false)),
                        _ => parse_article(source, &bytes).map(|(article, body)| {
                            (Loaded { article: Arc::new(article), body: Some(Arc::new(body)) }, stamp, true)
                        }),
                    }
                }
                Err(err) => {
                    Err(vec![Diagnostic::new(source.display_path(), None, Problem::Unreadable(err.to_string()))])
                }
            };
            (source.clone(), result)
        })
        .collect();

    let mut report = LoadReport { diagnostics: found.diagnostics, ..LoadReport::default() };
    let mut entries = HashMap::with_capacity(results.len());
    for (source, result) in results {
        match result {
            Ok((loaded, stamp, fresh)) => {
                if fresh {
                    report.parsed.push(source.clone());
                }
                entries.insert(source, Entry { stamp, loaded: loaded.clone() });
                report.articles.push(loaded);
            }
            Err(problems) => {
                report.failed_slugs.push(source.slug());
                report.diagnostics.extend(problems);
            }
        }
    }
    cache.entries = entries;
    Ok(report)
}
