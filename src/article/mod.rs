//! Stage 1, load: find the article files, read them, and parse each one on its own into an
//! [`Article`]. Nothing here looks at other articles; that is the link stage's job.
//!
//! Parsing is the most expensive part of a build, so its results are cached ([`cache`]): in
//! memory for `encyc watch`, and on disk between builds. An article from the on-disk cache
//! comes without its rendered body; [`Bodies`] reads and parses its file again for the few
//! pages that must be rendered.

pub(crate) mod cache;
mod discover;
pub(crate) mod front_matter;
mod name_keys;
pub(crate) mod spill;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub(crate) use discover::{Found, discover, is_hidden_path, is_markdown, sort_out};
pub(crate) use front_matter::FrontMatter;
pub(crate) use name_keys::{NameKey, NameKeys};

use crate::config::Mode;
use crate::diagnostic::{Diagnostic, Problem};
use crate::hash::{ContentHash, content_hash};
use crate::markdown::{BodyHtml, LinkTarget, Outline, parse_body};
use crate::paths::{Slug, SourcePath};
use crate::terms::SearchLanguage;
use cache::{ArticleCache, Entry, FileStamp};
use spill::{Kept, Spill};

/// One article, parsed on its own: everything but the body's HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Article {
    pub(crate) source: SourcePath,
    pub(crate) slug: Slug,
    pub(crate) meta: FrontMatter,
    pub(crate) outline: Outline,
    /// The hash of the file's bytes.
    pub(crate) hash: ContentHash,
    /// Lookup and sort keys of the title and each alternative name, in that order: worked out
    /// once per article, not once per build.
    pub(crate) name_keys: NameKeys,
    /// A hash of what other articles and pages can see of this one: its slug, names, section
    /// ids and revision date. An edit that keeps it (a body edit) cannot change how any other
    /// article links or lists.
    pub(crate) surface: u128,
    /// Whether the body links to an article of another edition (checked once every edition
    /// is linked): most do not, and looking through every link of every article after each
    /// edit was a millisecond of `encyc watch`.
    pub(crate) links_elsewhere: bool,
    /// What the search index needs: the article's distinct words (grouped by the index shard
    /// they belong to), a snippet to show in results, and its text (whitespace collapsed), from
    /// which a full-text result shows the passage where the words were found (kept out of
    /// memory by a one-off build, see [`spill`]).
    pub(crate) search_terms: crate::terms::SearchTerms,
    pub(crate) snippet: String,
    /// (In the on-disk cache, kept apart from the rest: [`cache`].)
    #[serde(skip)]
    pub(crate) text: Kept,
    /// How hard the body's prose is to read: measured only for `encyc check`
    /// ([`ArticleCache::measure_reading`]), since no page shows it and measuring it was a twentieth
    /// of a build's parsing. Boxed, since every other build keeps a `None` for every article.
    pub(crate) reading: Option<Box<crate::readability::Reading>>,
}

impl Article {
    /// The title, then each alternative name, with its keys and whether it is an alternative.
    pub(crate) fn names(&self) -> impl Iterator<Item = (&str, NameKey<'_>, bool)> {
        std::iter::once(self.meta.title.as_str())
            .chain(self.meta.alternative_names.iter().map(String::as_str))
            .zip(self.name_keys.iter())
            .enumerate()
            .map(|(i, (name, key))| (name, key, i > 0))
    }

    pub(crate) fn title_key(&self) -> NameKey<'_> {
        self.name_keys.title()
    }

    /// This article without the room its lists and strings grew while it was parsed: a build
    /// keeps every article until its end, and that room was a fifth of their memory.
    fn shrunk(mut self) -> Article {
        let outline = &mut self.outline;
        outline.headings.shrink_to_fit();
        outline.problems.shrink_to_fit();
        outline.images.shrink_to_fit();
        outline.citations.shrink_to_fit();
        outline.empty_sections.shrink_to_fit();
        self.search_terms.shrink_to_fit();
        self.snippet.shrink_to_fit();
        if let Kept::Memory(text, _) = &mut self.text {
            text.shrink_to_fit();
        }
        if let Some(reading) = &mut self.reading {
            reading.longest_sentences.shrink_to_fit();
            reading.long_words.shrink_to_fit();
        }
        self
    }
}

/// Parses one article file of the main edition, in English, measuring its reading grade:
/// [`parse_article_in`].
pub(crate) fn parse_article(source: &SourcePath, bytes: &[u8]) -> Result<(Article, BodyHtml), Vec<Diagnostic>> {
    parse_article_in(SearchLanguage::English, true, source, bytes)
}

/// Parses one article file, whose search terms are those of `language`, and measures its
/// reading grade when `measure_reading`. Pure: the bytes of the file in, the article and its
/// rendered body, or its problems, out.
pub(crate) fn parse_article_in(
    language: SearchLanguage,
    measure_reading: bool,
    source: &SourcePath,
    bytes: &[u8],
) -> Result<(Article, BodyHtml), Vec<Diagnostic>> {
    let file = source.display_path();
    let diag = |line: usize, problem: Problem| Diagnostic::new(file.clone(), Some(line), problem);
    let text = text_of(bytes).map_err(|(line, problem)| vec![Diagnostic::new(file.clone(), line, problem)])?;
    let split = front_matter::split(&text).map_err(|(line, p)| vec![diag(line, p)])?;
    let meta = front_matter::parse(&split)
        .map_err(|problems| problems.into_iter().map(|(line, p)| diag(line, p)).collect::<Vec<_>>())?;
    let (outline, body, plain) = parse_body(split.body, split.body_first_line, measure_reading);
    let unknown: Vec<Diagnostic> = outline
        .citations
        .iter()
        .filter(|c| !meta.references.iter().any(|r| r.value.key == c.key))
        .map(|c| diag(c.line, Problem::UnknownCitation(c.key.clone())))
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let search_terms =
        crate::terms::terms_in(language, &format!("{} {}", meta.summary.as_deref().unwrap_or(""), plain.all));
    let snippet = crate::terms::snippet_of(meta.summary.as_deref(), &plain.intro);
    let text = collapse_whitespace(&plain.all);
    let name_keys = NameKeys::of(std::iter::once(&meta.title).chain(&meta.alternative_names).map(String::as_str));
    let surface = surface(source, &meta, &outline);
    let links_elsewhere = outline.links.iter().any(|l| matches!(l.target, LinkTarget::OtherEdition { .. }));
    let article = Article {
        source: source.clone(),
        slug: source.slug(),
        meta,
        outline,
        hash: content_hash(bytes),
        name_keys,
        surface,
        links_elsewhere,
        search_terms,
        snippet,
        text: text.into(),
        reading: measure_reading.then(|| Box::new(crate::readability::measure(plain.prose.iter().map(String::as_str)))),
    };
    Ok((article.shrunk(), body))
}

/// Articles revised after `today`: an error, since a date in the future would top "Recently
/// revised" and put off the article's review. `today` comes from the command line (read once,
/// in `cli`), like every other use of the date.
pub(crate) fn revised_after(articles: &[Loaded], today: jiff::civil::Date) -> Vec<Diagnostic> {
    articles
        .iter()
        .map(|l| &l.article)
        .filter(|a| a.meta.last_revised > today)
        .map(|a| {
            Diagnostic::new(
                a.source.display_path(),
                Some(a.meta.last_revised_line),
                Problem::FutureDate { date: a.meta.last_revised.to_string(), today: today.to_string() },
            )
        })
        .collect()
}

/// An article file's bytes as text, as it is parsed: UTF-8 (and not UTF-16), without a
/// byte-order mark, lines ended `\n`; or why it is not text, and on which line if known.
fn text_of(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, (Option<usize>, Problem)> {
    // ASCII saved as UTF-16 without a byte-order mark is valid UTF-8 (NULs between the
    // letters), so this comes first.
    if looks_like_utf16(bytes) {
        return Err((None, Problem::Utf16));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        (Some(line), Problem::NotUtf8 { offset })
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Normalise CRLF once; line numbers are unchanged because every line keeps its `\n`.
    Ok(match text.contains('\r') {
        true => text.replace("\r\n", "\n").into(),
        false => text.into(),
    })
}

/// Whether `bytes` look like UTF-16, as some Windows editors save: a
/// UTF-16 byte-order mark, or text whose every other byte is NUL at the start.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let start = &bytes[..bytes.len().min(64) & !1];
    let nul_at = |parity: usize| start.iter().skip(parity).step_by(2).all(|&b| b == 0);
    start.len() >= 4 && (nul_at(0) || nul_at(1))
}

/// `text` with every run of whitespace made one space and none at either end, built in one
/// buffer: this runs once per parsed article.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
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
    for heading in outline.headings.iter() {
        field(heading.id.as_bytes());
    }
    field(meta.last_revised.to_string().as_bytes());
    field(b"\x02");
    for slug in &meta.previous_slugs {
        field(slug.value.as_str().as_bytes());
    }
    h.digest128()
}

/// An article's file no longer holds what the build parsed: it changed while the site was
/// being built (or, for `encyc watch`, without an event saying so). `encyc watch` reads it
/// again and builds once more.
#[derive(Debug, thiserror::Error)]
#[error("{} changed while the site was being built; build again", .path.display())]
pub(crate) struct SourceChanged {
    pub(crate) file: SourcePath,
    pub(crate) path: PathBuf,
}

/// Reads an article's file again to render its body, when only its summary was cached.
pub(crate) fn reparse_body(articles_dir: &Path, article: &Article) -> Result<BodyHtml> {
    let path = articles_dir.join(article.source.as_str());
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let changed = || SourceChanged { file: article.source.clone(), path: path.clone() };
    if content_hash(&bytes) != article.hash {
        return Err(changed().into());
    }
    match parse_article_in(SearchLanguage::English, false, &article.source, &bytes) {
        Ok((_, body)) => Ok(body),
        Err(_) => Err(changed().into()),
    }
}

/// A parsed article as the cache keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub(crate) article: Arc<Article>,
    /// The rendered body, unless the article came from the on-disk cache.
    pub(crate) body: Option<KeptBody>,
}

/// A rendered body, in memory or, for a one-off build, in its temporary file ([`spill`]).
#[derive(Debug, Clone)]
pub(crate) enum KeptBody {
    Memory(Arc<BodyHtml>),
    /// The HTML in the temporary file; here the body without it (where its links go).
    Spilled {
        html: Kept,
        shell: Arc<BodyHtml>,
    },
}

impl KeptBody {
    fn new(mut body: BodyHtml, spill: Option<&Arc<Spill>>) -> KeptBody {
        match Kept::new(body.take_html(), spill) {
            Kept::Memory(html, _) => KeptBody::Memory(Arc::new(body.with_html(html))),
            html => KeptBody::Spilled { html, shell: Arc::new(body) },
        }
    }

    /// The body, read back from the temporary file when it is there.
    fn body(&self) -> Result<Arc<BodyHtml>> {
        match self {
            KeptBody::Memory(body) => Ok(Arc::clone(body)),
            KeptBody::Spilled { html, shell } => Ok(Arc::new((**shell).clone().with_html(html.read()?.into_owned()))),
        }
    }
}

/// The rendered bodies of a build's articles: kept (in memory or in the build's temporary
/// file) for those parsed in this process, read and parsed again for those that came from the
/// on-disk cache.
pub(crate) struct Bodies<'a> {
    /// The loaded articles, in source path order (as [`LoadReport::articles`] are): looked up
    /// by a binary search rather than a map of 10,000 entries made for every rebuild.
    loaded: &'a [Loaded],
    articles_dir: &'a Path,
}

impl<'a> Bodies<'a> {
    pub(crate) fn new(loaded: &'a [Loaded], articles_dir: &'a Path) -> Bodies<'a> {
        debug_assert!(loaded.is_sorted_by(|a, b| a.article.source < b.article.source));
        Bodies { loaded, articles_dir }
    }

    /// The rendered body of `article`.
    pub(crate) fn body(&self, article: &Article) -> Result<Arc<BodyHtml>> {
        let at = self.loaded.binary_search_by(|l| l.article.source.cmp(&article.source));
        match at.ok().and_then(|at| self.loaded[at].body.as_ref()) {
            Some(body) => body.body(),
            None => Ok(Arc::new(reparse_body(self.articles_dir, article)?)),
        }
    }
}

/// A loaded article, the stamp of its file, whether it was parsed anew, and whether its cache
/// entry is as it was (most are, in `encyc watch`: that skips a second look-up per article).
type Fresh = (Loaded, Option<FileStamp>, bool, bool);

/// What loading found: the articles that parsed, and the problems of those that did not.
#[derive(Debug, Default)]
pub(crate) struct LoadReport {
    /// Sorted by source path (shared with the cache's last load in `encyc watch`, where
    /// copying 10,000 of them after every save cost a millisecond).
    pub(crate) articles: Arc<Vec<Loaded>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The files that exist but could not be parsed (links to them are not reported).
    pub(crate) failed: Failed,
    /// Articles parsed anew in this build.
    pub(crate) parsed: Vec<SourcePath>,
    /// Articles read again because their file's stamp was not the cached one, found unchanged,
    /// and whose new stamp a later process may trust: saving the cache spares the next build
    /// reading them again (after a `git checkout` or `touch` of many files, or a build that ran
    /// while they were being written).
    pub(crate) restamped: usize,
}

/// The article files that exist but could not be parsed (or have a Markdown name other than
/// `.md`): their own problems are reported, and links that may lead to them are not.
#[derive(Debug, Clone, Default)]
pub(crate) struct Failed {
    /// Their slugs.
    pub(crate) slugs: Vec<Slug>,
    /// The titles and alternative names their front matter gives (read as far as it can be),
    /// when it could be read for every one of them: a wiki link to a name no article has is
    /// reported unless one of these may be its target. `None`: some file's names are unknown,
    /// and such a link is reported by the build after that file is mended.
    pub(crate) names: Option<Vec<String>>,
}

impl Failed {
    pub(crate) fn is_empty(&self) -> bool {
        self.slugs.is_empty()
    }
}

/// The names a file that did not parse gives in its front matter ([`front_matter::names_in`]).
fn names_of_failed(bytes: &[u8]) -> Option<Vec<String>> {
    front_matter::names_in(&front_matter::split(&text_of(bytes).ok()?).ok()?)
}

/// Why a file did not load: its problems, and the names it gives ([`Failed::names`]).
type Failure = (Vec<Diagnostic>, Option<Vec<String>>);

/// Reads and parses every article under `articles_dir`, reusing what the cache knows about
/// files whose bytes are unchanged. A file whose stamp is unchanged since it was read (by this
/// process, or by an earlier one when the stamp was settled) is not read again.
pub(crate) fn load(
    language: SearchLanguage,
    articles_dir: &Path,
    found: discover::Found,
    cache: &mut ArticleCache,
    progress: &crate::progress::Progress,
) -> Result<LoadReport> {
    progress.stage("parsing", found.files.len());
    // A one-off build keeps bodies and texts out of memory until they are rendered.
    let spill = if cache.mode == Mode::OneOff { Spill::new() } else { None };
    // The file `found.files[i]`, with its cache entry if it has one.
    let load_one = |i: usize, cached: Option<&Entry>| -> Result<Fresh, Failure> {
        let source = &found.files[i];
        // An article parsed without its reading grade is parsed again when it is wanted.
        let cached = cached.filter(|e| !cache.measure_reading || e.loaded.article.reading.is_some());
        if let Some(entry) = cached.filter(|e| cache.mode == Mode::Watch && e.seen && e.stamp.is_some()) {
            return Ok((entry.loaded.clone(), entry.stamp, false, true));
        }
        // The path is made only when the file is looked at or read: most articles of a
        // rebuild are neither (10,000 paths made for nothing were a millisecond of one).
        let path = || -> PathBuf { articles_dir.join(source.as_str()) };
        let stamp = found.stamps.get(i).copied().flatten().or_else(|| FileStamp::of(&path()));
        if let Some(entry) = cached.filter(|e| e.stamp.is_some() && e.stamp == stamp) {
            return Ok((entry.loaded.clone(), stamp, false, entry.seen));
        }
        let path = path();
        progress.step();
        match std::fs::read(&path) {
            Ok(bytes) => {
                let hash = content_hash(&bytes);
                match cached {
                    Some(entry) if entry.loaded.article.hash == hash => Ok((entry.loaded.clone(), stamp, false, false)),
                    _ => parse_article_in(language, cache.measure_reading, source, &bytes)
                        .map(|(mut article, body)| {
                            article.text = std::mem::take(&mut article.text).spill_into(spill.as_ref());
                            let body = KeptBody::new(body, spill.as_ref());
                            (Loaded { article: Arc::new(article), body: Some(body) }, stamp, true, false)
                        })
                        .map_err(|problems| (problems, names_of_failed(&bytes))),
                }
            }
            Err(err) => {
                Err((vec![Diagnostic::new(source.display_path(), None, Problem::Unreadable(err.to_string()))], None))
            }
        }
    };
    // `encyc watch`, with the same list of files as the last load and events naming the files
    // that changed since: only those are looked at.
    let from_last = match (&cache.last, &cache.touched) {
        (Some(last), Some(touched)) if Arc::ptr_eq(&last.files, &found.files) && found.diagnostics.is_empty() => {
            let mut at: Vec<usize> = touched.iter().filter_map(|s| found.files.binary_search(s).ok()).collect();
            at.sort_unstable();
            at.dedup();
            let wanted = at.len();
            let fresh: Vec<(usize, Fresh)> =
                at.into_iter().map_while(|i| load_one(i, cache.get(&found.files[i])).ok().map(|f| (i, f))).collect();
            // One that fails to load is reported by the full load below.
            (fresh.len() == wanted).then_some(fresh)
        }
        _ => None,
    };
    if let Some((fresh, mut last)) = from_last.zip(cache.last.take()) {
        let mut parsed = Vec::new();
        for (i, (loaded, stamp, was_parsed, _)) in fresh {
            let source = &found.files[i];
            if was_parsed {
                parsed.push(source.clone());
            }
            // The last build's report is gone: nothing is copied.
            Arc::make_mut(&mut last.loaded)[i] = loaded.clone();
            cache.put(Entry { stamp, seen: true, loaded });
        }
        let articles = Arc::clone(&last.loaded);
        cache.last = Some(last);
        cache.touched = Some(Vec::new());
        let failed = Failed { slugs: found.misnamed, names: None };
        return Ok(LoadReport { articles, parsed, failed, ..LoadReport::default() });
    }
    // In the order of `found.files`, without a copy of each path: `encyc watch` loads 10,000
    // files from its cache after every edit.
    let matched = cache.matching(&found.files);
    let results: Vec<Result<Fresh, Failure>> =
        matched.par_iter().enumerate().map(|(i, &at)| load_one(i, at.map(|at| &cache.entries[at]))).collect();

    let mut report = LoadReport {
        diagnostics: found.diagnostics,
        // A Markdown file under another name is not read: its names are unknown.
        failed: Failed { names: found.misnamed.is_empty().then(Vec::new), slugs: found.misnamed },
        articles: Arc::new(Vec::with_capacity(results.len())),
        ..LoadReport::default()
    };
    let articles = Arc::get_mut(&mut report.articles).expect("made here");
    // The cache afterwards: an entry for each file that loaded, in the same order. Those of
    // files that are gone, or failed to load, are left out. When the cache held each file, in
    // the same places, and each loaded (the common case), its entries are updated where they
    // are: a new list of 10,000 entries was 2 ms of a build with one article changed.
    let in_place = matched.len() == cache.entries.len()
        && matched.iter().enumerate().all(|(i, &at)| at == Some(i))
        && results.iter().all(Result::is_ok);
    let mut entries = Vec::with_capacity(if in_place { 0 } else { found.files.len() });
    for (i, ((source, result), at)) in found.files.iter().zip(results).zip(matched).enumerate() {
        let kept = at.map(|at| &cache.entries[at]);
        match result {
            Ok((loaded, stamp, fresh, seen)) => {
                let stamp = match kept.filter(|_| seen) {
                    // Taken as it was: so is its entry.
                    Some(kept) => kept.stamp,
                    None => {
                        if fresh {
                            report.parsed.push(source.clone());
                        }
                        let settled = stamp.is_some_and(FileStamp::is_settled);
                        report.restamped += usize::from(!fresh && settled && kept.is_some_and(|k| k.stamp != stamp));
                        stamp
                    }
                };
                match in_place {
                    true => {
                        let entry = &mut cache.entries[i];
                        (entry.stamp, entry.seen) = (stamp, true);
                        // An article not parsed again is its entry's own.
                        if fresh {
                            entry.loaded = loaded.clone();
                        }
                    }
                    false => entries.push(Entry { stamp, seen: true, loaded: loaded.clone() }),
                }
                articles.push(loaded);
            }
            Err((problems, names)) => {
                report.failed.slugs.push(source.slug());
                report.diagnostics.extend(problems);
                match (&mut report.failed.names, names) {
                    (Some(all), Some(names)) => all.extend(names),
                    (all, _) => *all = None,
                }
            }
        }
    }
    if !in_place {
        cache.entries = entries;
    }
    let complete = report.diagnostics.is_empty() && report.failed.is_empty();
    (cache.last, cache.touched) = match cache.mode == Mode::Watch && complete {
        true => (
            Some(cache::LastLoad { files: Arc::clone(&found.files), loaded: Arc::clone(&report.articles) }),
            Some(Vec::new()),
        ),
        false => (None, None),
    };
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture site's articles, loaded by a build of `mode`.
    fn load_basic(mode: Mode) -> LoadReport {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic/articles");
        let found = discover(&dir).unwrap();
        let mut cache = ArticleCache::from_summaries(Vec::new(), mode);
        load(SearchLanguage::English, &dir, found, &mut cache, &crate::progress::Progress::none()).unwrap()
    }

    #[test]
    fn the_reading_grade_is_measured_only_when_asked_and_an_article_without_it_is_parsed_again() {
        assert!(load_basic(Mode::OneOff).articles.iter().all(|l| l.article.reading.is_none()));
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic/articles");
        let mut cache = ArticleCache::from_summaries(Vec::new(), Mode::Watch);
        let none = &crate::progress::Progress::none();
        load(SearchLanguage::English, &dir, discover(&dir).unwrap(), &mut cache, none).unwrap();
        cache.measure_reading = true;
        let measured = load(SearchLanguage::English, &dir, discover(&dir).unwrap(), &mut cache, none).unwrap();
        assert_eq!(measured.parsed.len(), measured.articles.len());
        assert!(measured.articles.iter().all(|l| l.article.reading.as_ref().is_some_and(|r| r.words > 0)));
    }

    #[test]
    fn articles_read_again_and_found_unchanged_are_counted_once_their_stamps_can_be_saved() {
        // The fixture's files were written long before this test: their stamps are settled.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic/articles");
        let first = load_basic(Mode::OneOff);
        let none = &crate::progress::Progress::none();
        let summaries = |stamped: bool| -> Vec<_> {
            let stamp = |a: &Article| stamped.then(|| FileStamp::of(&dir.join(a.source.as_str()))).flatten();
            first.articles.iter().map(|l| (stamp(&l.article), Arc::clone(&l.article))).collect()
        };
        // Cached without stamps (as a build that saw the files just written saves them): each is
        // read again, found unchanged, and counted, but not parsed.
        let mut cache = ArticleCache::from_summaries(summaries(false), Mode::OneOff);
        let again = load(SearchLanguage::English, &dir, discover(&dir).unwrap(), &mut cache, none).unwrap();
        assert_eq!((again.parsed.len(), again.restamped), (0, first.articles.len()));
        assert!(cache.summaries().all(|(stamp, _)| stamp.is_some()));
        // Cached with the stamps they have: nothing is read, nothing counted.
        let mut cache = ArticleCache::from_summaries(summaries(true), Mode::OneOff);
        let again = load(SearchLanguage::English, &dir, discover(&dir).unwrap(), &mut cache, none).unwrap();
        assert_eq!((again.parsed.len(), again.restamped), (0, 0));
    }

    #[test]
    fn a_load_updates_the_cache_in_place_or_anew_to_the_same_entries() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic/articles");
        let first = load_basic(Mode::OneOff);
        let none = &crate::progress::Progress::none();
        let summaries: Vec<_> = first.articles.iter().map(|l| (None, Arc::clone(&l.article))).collect();
        // The cache holds each file, in its place: its entries are updated where they are.
        let mut in_place = ArticleCache::from_summaries(summaries.clone(), Mode::OneOff);
        load(SearchLanguage::English, &dir, discover(&dir).unwrap(), &mut in_place, none).unwrap();
        // It also holds a file that is gone: a new list is made, without it.
        let text = "---\ntitle: Gone\nlast_revised: 2020-01-01\n---\n\nGone.\n";
        let gone = parse_article(&SourcePath::new(Path::new("zzz-gone.md")), text.as_bytes()).unwrap().0;
        let mut with_gone = summaries;
        with_gone.push((None, Arc::new(gone)));
        let mut anew = ArticleCache::from_summaries(with_gone, Mode::OneOff);
        load(SearchLanguage::English, &dir, discover(&dir).unwrap(), &mut anew, none).unwrap();
        let entries = |cache: &ArticleCache| -> Vec<_> {
            let entries = cache.entries.iter();
            entries.map(|e| (e.source().clone(), e.stamp, e.seen, Arc::as_ptr(&e.loaded.article))).collect()
        };
        assert_eq!(entries(&in_place), entries(&anew));
        assert_eq!(in_place.entries.len(), first.articles.len());
        assert!(in_place.entries.iter().all(|e| e.seen && e.stamp.is_some()));
    }

    #[test]
    fn a_one_off_build_keeps_bodies_and_texts_out_of_memory_and_reads_back_the_same() {
        let one_off = load_basic(Mode::OneOff);
        let watching = load_basic(Mode::Watch);
        assert!(one_off.articles.len() >= 3);
        let dir = Path::new("unused: every body is kept");
        let (spilled, kept) = (Bodies::new(&one_off.articles, dir), Bodies::new(&watching.articles, dir));
        for (s, k) in one_off.articles.iter().zip(watching.articles.iter()) {
            let (sa, ka) = (&s.article, &k.article);
            assert!(matches!(s.body, Some(KeptBody::Spilled { .. })), "{} kept its body in memory", sa.source);
            assert!(matches!(sa.text, Kept::Spilled(_)), "{} kept its text in memory", sa.source);
            assert!(matches!(k.body, Some(KeptBody::Memory(_))) && matches!(ka.text, Kept::Memory(..)));
            assert_eq!(spilled.body(sa).unwrap(), kept.body(ka).unwrap());
            assert_eq!(sa.text.read().unwrap(), ka.text.read().unwrap());
            assert_eq!(sa.text.hash(), ka.text.hash());
            assert_eq!(postcard::to_stdvec(&**sa).unwrap(), postcard::to_stdvec(&**ka).unwrap());
        }
    }
}
