//! Stage 1, load: find the article files, read them, and parse each one on its own into an
//! [`Article`]. Nothing here looks at other articles; that is the link stage's job.

mod discover;
pub mod front_matter;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

pub use discover::discover;
pub use front_matter::{FrontMatter, Located};

use crate::diagnostic::{Diagnostic, Problem};
use crate::markdown::{ParsedBody, parse_body};
use crate::paths::{Slug, SourcePath};

/// A content hash: equal bytes, equal hash.
pub type ContentHash = u128;

pub fn content_hash(bytes: &[u8]) -> ContentHash {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// One article, parsed on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub source: SourcePath,
    pub slug: Slug,
    pub meta: FrontMatter,
    pub body: ParsedBody,
    /// The hash of the file's bytes.
    pub hash: ContentHash,
}

/// Parses one article file. Pure: the bytes of the file in, an article or its problems out.
pub fn parse_article(source: &SourcePath, bytes: &[u8]) -> Result<Article, Vec<Diagnostic>> {
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
    let body = parse_body(split.body, split.body_first_line);
    Ok(Article { source: source.clone(), slug: source.slug(), meta, body, hash: content_hash(bytes) })
}

/// Parsed articles kept between builds, keyed by source path and checked by content hash,
/// so that a rebuild parses only the files whose bytes changed.
#[derive(Debug, Default)]
pub struct ArticleCache {
    entries: HashMap<SourcePath, Arc<Article>>,
}

/// An article and whether it was parsed anew (`true`) or taken from the cache.
type Cached = (Arc<Article>, bool);

/// What loading found: the articles that parsed, and the problems of those that did not.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Sorted by source path.
    pub articles: Vec<Arc<Article>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Slugs of files that exist but could not be parsed (links to them are not reported).
    pub failed_slugs: Vec<Slug>,
    /// How many files were parsed anew (not taken from the cache).
    pub parsed: usize,
}

/// Reads and parses every article under `articles_dir`, reusing cached parses of files whose
/// bytes are unchanged.
pub fn load(articles_dir: &Path, cache: &mut ArticleCache) -> anyhow::Result<Loaded> {
    let found = discover(articles_dir)?;
    let mut diagnostics = found.diagnostics;
    let results: Vec<(SourcePath, Result<Cached, Vec<Diagnostic>>)> = found
        .files
        .par_iter()
        .map(|source| {
            let path = articles_dir.join(source.as_str());
            let result = match std::fs::read(&path) {
                Ok(bytes) => {
                    let hash = content_hash(&bytes);
                    match cache.entries.get(source) {
                        Some(hit) if hit.hash == hash => Ok((Arc::clone(hit), false)),
                        _ => parse_article(source, &bytes).map(|a| (Arc::new(a), true)),
                    }
                }
                Err(err) => {
                    Err(vec![Diagnostic::new(source.display_path(), None, Problem::Unreadable(err.to_string()))])
                }
            };
            (source.clone(), result)
        })
        .collect();

    let mut loaded = Loaded::default();
    let mut entries = HashMap::with_capacity(results.len());
    for (source, result) in results {
        match result {
            Ok((article, fresh)) => {
                loaded.parsed += usize::from(fresh);
                entries.insert(source, Arc::clone(&article));
                loaded.articles.push(article);
            }
            Err(problems) => {
                loaded.failed_slugs.push(source.slug());
                diagnostics.extend(problems);
            }
        }
    }
    cache.entries = entries;
    loaded.diagnostics = diagnostics;
    Ok(loaded)
}
