//! The load stage's cache of parsed articles, so that a build parses only what changed: in
//! memory for `encyc watch` (keyed by path, checked by file stamp and content hash), and on
//! disk between builds (the [`Article`] summaries, without bodies, in `output/.encyc-cache`,
//! keyed by content hash and by the encyc build that wrote them). A stale or missing cache
//! only costs time.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::spill::{CacheDamaged, Kept, read_at, write_at};
use super::{Article, Loaded};
use crate::config::Mode;
use crate::paths::{CACHE, SourcePath, TEMP_PREFIX};
use crate::stat::{Stat, nanos_since_epoch};
use crate::terms::{KeptGroups, TermsSource};

/// What identifies a file's state without reading it: its size, its modification time, the
/// time its inode last changed (`ctime`) and its inode number. Tools that put an old
/// modification time back on new bytes (`cp -p`, `rsync -t`, `touch -r`, unpacking an archive)
/// still change the inode's time, which no program can set; a file replaced by another
/// (an editor's save by rename) has another inode.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct FileStamp {
    len: u64,
    modified: i128,
    changed: i128,
    inode: u64,
    /// Whether the file had last changed [`SETTLE`] or more before it was looked at. Only such a
    /// stamp is kept on disk for the next process: a file written again within the file
    /// system's clock resolution of our look could keep its times (the "racy" case Git also
    /// guards against), so a recent one is read again next time.
    settled: bool,
}

/// Two stamps are equal when the file is: whether each was settled when taken does not matter.
impl PartialEq for FileStamp {
    fn eq(&self, other: &Self) -> bool {
        (self.len, self.modified, self.changed, self.inode) == (other.len, other.modified, other.changed, other.inode)
    }
}

impl Eq for FileStamp {}

impl std::hash::Hash for FileStamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.len, self.modified, self.changed, self.inode).hash(state);
    }
}

/// How long ago a file must have last changed for its stamp to be trusted by a later process:
/// longer than the coarsest time stamps a file system keeps (2 s on FAT).
const SETTLE: i128 = 2_000_000_000;

impl FileStamp {
    /// The stamp of the file at `path` as it is now (following symbolic links).
    pub(crate) fn of(path: &Path) -> Option<FileStamp> {
        Stat::of(path).map(FileStamp::from_stat)
    }

    /// The stamp of a file as `stat` found it, just now.
    pub(crate) fn from_stat(stat: Stat) -> FileStamp {
        let Stat { len, modified, changed, inode, .. } = stat;
        let now = nanos_since_epoch(SystemTime::now());
        FileStamp { len, modified, changed, inode, settled: changed.max(modified) + SETTLE <= now }
    }

    /// Whether a later process may trust this stamp: see [`FileStamp::settled`].
    pub(crate) fn is_settled(self) -> bool {
        self.settled
    }
}

#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// The stamp of the file the summary was made from: an unchanged stamp means unchanged
    /// bytes. From the on-disk cache only when settled ([`FileStamp::is_settled`]).
    pub(super) stamp: Option<FileStamp>,
    /// Whether this process has seen the file with that stamp (rather than a previous one).
    pub(super) seen: bool,
    pub(super) loaded: Loaded,
}

impl Entry {
    /// The article's file: what the cache is ordered by.
    pub(super) fn source(&self) -> &SourcePath {
        &self.loaded.article.source
    }
}

/// Parsed articles kept between builds.
#[derive(Debug)]
pub(crate) struct ArticleCache {
    /// Ordered by [`Entry::source`], one entry per file. A list rather than a map: a build
    /// takes its files in the same order ([`crate::article::Found`]), and matches the two in
    /// one pass; building a map of 10,000 entries and looking each file up in it was a
    /// twentieth of a build with one article changed.
    pub(super) entries: Vec<Entry>,
    /// With [`Mode::Watch`], an article read in this process is reused without looking at its
    /// file again, because file events tell us (through [`ArticleCache::invalidate`]) which
    /// files changed.
    pub(super) mode: Mode,
    /// Whether parsing measures each article's reading grade ([`Article::reading`]): only
    /// `encyc check` reports it.
    pub(crate) measure_reading: bool,
    /// With [`Mode::Watch`], what the last load gave (when every file loaded), and the files
    /// events said changed since (`None` once a folder, or a file it did not know, was): the
    /// next load takes every other article from there, without looking each one up.
    pub(super) last: Option<LastLoad>,
    pub(super) touched: Option<Vec<SourcePath>>,
}

/// The articles a load gave, in the order of the list of files it was given.
#[derive(Debug)]
pub(super) struct LastLoad {
    pub(super) files: Arc<Vec<SourcePath>>,
    pub(super) loaded: Arc<Vec<Loaded>>,
}

impl ArticleCache {
    /// A cache seeded with the article summaries an earlier build saved in `output` (see
    /// [`write_summaries`]), for builds of `mode`.
    pub(crate) fn from_summaries(articles: Vec<(Option<FileStamp>, Arc<Article>)>, mode: Mode) -> Self {
        let mut entries: Vec<Entry> = articles
            .into_iter()
            .map(|(stamp, article)| Entry { stamp, seen: false, loaded: Loaded { article, body: None } })
            .collect();
        // A cache file holds its articles in order, each once; anything else is put in order.
        if !entries.is_sorted_by(|a, b| a.source() < b.source()) {
            entries.sort_by(|a, b| a.source().cmp(b.source()));
            entries.dedup_by(|later, earlier| later.source() == earlier.source());
        }
        ArticleCache { entries, mode, measure_reading: false, last: None, touched: None }
    }

    /// Where `source`'s entry is, or would go.
    fn position(&self, source: &SourcePath) -> Result<usize, usize> {
        self.entries.binary_search_by(|e| e.source().cmp(source))
    }

    /// The entry of `source`'s article, if there is one.
    pub(super) fn get(&self, source: &SourcePath) -> Option<&Entry> {
        self.position(source).ok().map(|i| &self.entries[i])
    }

    /// Keeps `entry`, in place of the one of the same file if there is one.
    pub(super) fn put(&mut self, entry: Entry) {
        match self.position(entry.source()) {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
    }

    /// For each of `files` (in order, each once), the index of its entry, if there is one:
    /// both lists are in order, so one pass over each.
    pub(super) fn matching(&self, files: &[SourcePath]) -> Vec<Option<usize>> {
        let mut at = 0;
        files
            .iter()
            .map(|source| {
                while at < self.entries.len() && self.entries[at].source() < source {
                    at += 1;
                }
                (at < self.entries.len() && self.entries[at].source() == source).then_some(at)
            })
            .collect()
    }

    /// Lets go of the rendered bodies, which only a long-lived builder reuses: a one-off
    /// build is done with them once its pages are written.
    pub(crate) fn forget_bodies(&mut self) {
        for entry in &mut self.entries {
            entry.loaded.body = None;
        }
    }

    /// The summaries of every cached article with the stamp of its file, for saving.
    pub(crate) fn summaries(&self) -> impl Iterator<Item = (Option<FileStamp>, &Article)> {
        self.entries.iter().map(|e| (e.stamp.filter(|s| s.is_settled()), e.loaded.article.as_ref()))
    }

    /// Forgets what is known about `path` (a file event says it changed), or about every file
    /// under it when it is a folder (every file when it is empty).
    pub(crate) fn invalidate(&mut self, relative: &Path) {
        let prefix = SourcePath::new(relative);
        match self.get(&prefix).is_some() {
            true => {
                if let Some(touched) = &mut self.touched {
                    touched.push(prefix.clone());
                }
            }
            false => self.touched = None,
        }
        for entry in &mut self.entries {
            let s = entry.source().as_str();
            if prefix.as_str().is_empty()
                || s == prefix.as_str()
                || (s.starts_with(prefix.as_str()) && s[prefix.as_str().len()..].starts_with('/'))
            {
                entry.stamp = None;
            }
        }
    }
}

/// The on-disk cache of an edition's article summaries, read at the start of every build, so
/// laid out to be read fast:
///
/// ```text
/// [texts][search terms of shard 0]…[of shard z][chunk 1]…[chunk n][header][header's length: u64, little-endian]
/// ```
///
/// The texts of the articles (for the search passages; two thirds of the bytes) come first and
/// are not read with the rest: an article from the cache refers to its text in the file
/// ([`Kept`]), and the few passages files a rebuild makes read theirs back. The search terms
/// of every article follow, shard by shard (the terms of one shard of every article
/// together), and are not read with the rest either: a rebuild reads the parts of the few
/// shards it writes again ([`crate::terms::TermsSource`]). The summaries, with the settled
/// stamps of their files and where their texts and terms are, are in chunks of [`CHUNK`]
/// articles, each a compact binary encoding (postcard) of its own, decoded in parallel. The
/// header names the encyc build that wrote the file and the lengths of the parts.
#[derive(Serialize, Deserialize)]
struct Header {
    build: String,
    texts: u64,
    /// Each shard's key with the length and hash of its part of the terms, in key order.
    terms: Vec<(u8, u64, u64)>,
    chunks: Vec<u64>,
}

/// Where an article's text is in the texts part of the cache, and its hash ([`Kept::hash`]).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct TextAt {
    offset: u64,
    len: u64,
    hash: u64,
}

/// Articles per chunk of the cache.
const CHUNK: usize = 256;

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
pub(crate) fn read_summaries(output: &Path, name: &str, build_id: u128) -> Vec<(Option<FileStamp>, Arc<Article>)> {
    read(&output.join(name), build_id).unwrap_or_default()
}

fn read(path: &Path, build_id: u128) -> Option<Vec<(Option<FileStamp>, Arc<Article>)>> {
    let file = File::open(path).ok()?;
    let file_len = file.metadata().ok()?.len();
    let mut trailer = [0u8; 8];
    read_at(&file, &mut trailer, file_len.checked_sub(8)?).ok()?;
    let header_len = u64::from_le_bytes(trailer);
    let header_at = file_len.checked_sub(8)?.checked_sub(header_len)?;
    let mut bytes = vec![0u8; usize::try_from(header_len).ok()?];
    read_at(&file, &mut bytes, header_at).ok()?;
    let header: Header = postcard::from_bytes(&bytes).ok()?;
    let chunks_len = header.chunks.iter().try_fold(0u64, |sum, &n| sum.checked_add(n))?;
    let terms_len = header.terms.iter().try_fold(0u64, |sum, &(_, n, _)| sum.checked_add(n))?;
    if header.build != format!("{build_id:032x}")
        || header.texts.checked_add(terms_len)?.checked_add(chunks_len)? != header_at
    {
        return None;
    }
    // Each chunk is read into a buffer its thread keeps, and each article goes straight into
    // the `Arc` the cache keeps it in: reading the whole file into one buffer and collecting
    // the articles into lists first touched fresh memory, whose page faults were a third of
    // the time of a build with one article changed.
    let terms: Arc<dyn TermsSource> = Arc::new(TermsPart::of(file.try_clone().ok()?, header.texts, &header.terms)?);
    let mut chunks = Vec::with_capacity(header.chunks.len());
    let mut at = header.texts + terms_len;
    for &len in &header.chunks {
        chunks.push((at, usize::try_from(len).ok()?));
        at += len;
    }
    let texts = TextsPart::of(file.try_clone().ok()?, header.texts);
    let decoded: Vec<Vec<(Option<FileStamp>, Arc<Article>)>> = chunks
        .par_iter()
        .map(|&(at, len)| {
            CHUNK_BYTES.with_borrow_mut(|bytes| {
                bytes.resize(len, 0);
                read_at(&file, bytes, at).ok()?;
                let mut decoder = postcard::Deserializer::from_bytes(bytes);
                serde::de::DeserializeSeed::deserialize(Chunk { texts: &texts, terms: &terms }, &mut decoder).ok()
            })
        })
        .collect::<Option<_>>()?;
    let mut articles = Vec::with_capacity(decoded.iter().map(Vec::len).sum());
    decoded.into_iter().for_each(|chunk| articles.extend(chunk));
    Some(articles)
}

/// Decodes a chunk of the cache (a list of summaries, each with the stamp of its file, where
/// its text is and its groups of terms), each article straight into the `Arc` the cache keeps
/// it in: decoding the list first, then moving each article (672 bytes) out of it, copied
/// every article twice more and filled a list of 200 KB per chunk.
struct Chunk<'a> {
    texts: &'a TextsPart,
    terms: &'a Arc<dyn TermsSource>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Chunk<'_> {
    type Value = Vec<(Option<FileStamp>, Arc<Article>)>;

    fn deserialize<D: serde::Deserializer<'de>>(self, decoder: D) -> Result<Self::Value, D::Error> {
        decoder.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Chunk<'_> {
    type Value = Vec<(Option<FileStamp>, Arc<Article>)>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a chunk of article summaries")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error;
        let mut articles = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(CHUNK));
        while let Some((stamp, mut article, at, groups)) =
            seq.next_element::<(Option<FileStamp>, Article, TextAt, KeptGroups)>()?
        {
            article.text = self.texts.text(at).ok_or_else(|| A::Error::custom("a text outside the texts part"))?;
            article.search_terms = std::mem::take(&mut article.search_terms)
                .with_kept_groups(groups, self.terms)
                .ok_or_else(|| A::Error::custom("groups of terms that do not match their keys"))?;
            articles.push((stamp, Arc::new(article)));
        }
        Ok(articles)
    }
}

thread_local! {
    /// The bytes of the chunk of the cache a thread is decoding ([`read`]).
    static CHUNK_BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The texts part of an open cache file, `len` bytes from its start.
struct TextsPart {
    #[cfg(unix)]
    file: std::sync::Arc<super::spill::Spill>,
    #[cfg(not(unix))]
    file: File,
    len: u64,
}

impl TextsPart {
    fn of(file: File, len: u64) -> TextsPart {
        #[cfg(unix)]
        let file = super::spill::Spill::reader(file);
        TextsPart { file, len }
    }

    /// The text at `at`, left in the file (read at once where files cannot be read at an
    /// offset from several threads); `None` when `at` is not inside the texts part.
    fn text(&self, at: TextAt) -> Option<Kept> {
        if at.offset.checked_add(at.len)? > self.len {
            return None;
        }
        #[cfg(unix)]
        return Some(Kept::Spilled(self.file.part(at.offset, at.len, at.hash)));
        #[cfg(not(unix))]
        {
            let mut bytes = vec![0u8; usize::try_from(at.len).ok()?];
            read_at(&self.file, &mut bytes, at.offset).ok()?;
            Some(Kept::from(String::from_utf8(bytes).ok()?))
        }
    }
}

/// The search terms part of an open cache file: for each shard's key, where its part is, how
/// long, and the hash of its bytes; each part read when first needed, and kept.
#[derive(Debug)]
struct TermsPart {
    /// The open cache file, on Unix, where files can be read at an offset from several threads
    /// at once. Elsewhere every part is read at once, as the texts are ([`TextsPart::text`]),
    /// and the file is not kept open.
    file: Option<File>,
    /// Per key: where its part starts, its length and its hash.
    parts: Vec<(u64, u64, u64)>,
    read: Vec<std::sync::OnceLock<Option<Box<str>>>>,
}

impl TermsPart {
    /// The parts `terms` (key, length, hash, in key order) that start at `at` in `file`;
    /// `None` when the keys are out of order.
    fn of(file: File, mut at: u64, terms: &[(u8, u64, u64)]) -> Option<TermsPart> {
        let mut parts = vec![(0, 0, 0); 256];
        for (i, &(key, len, hash)) in terms.iter().enumerate() {
            if i > 0 && terms[i - 1].0 >= key {
                return None;
            }
            parts[key as usize] = (at, len, hash);
            at = at.checked_add(len)?;
        }
        let read = (0..256).map(|_| std::sync::OnceLock::new()).collect();
        #[cfg(unix)]
        return Some(TermsPart { file: Some(file), parts, read });
        #[cfg(not(unix))]
        {
            let mut part = TermsPart { file: Some(file), parts, read };
            for &(key, _, _) in terms {
                part.shard(key).ok()?;
            }
            part.file = None;
            Some(part)
        }
    }
}

impl TermsSource for TermsPart {
    fn shard(&self, key: u8) -> Result<&str> {
        let read = self.read[key as usize].get_or_init(|| {
            let (at, len, hash) = self.parts[key as usize];
            let mut bytes = vec![0u8; usize::try_from(len).ok()?];
            read_at(self.file.as_ref()?, &mut bytes, at).ok()?;
            if xxhash_rust::xxh3::xxh3_64(&bytes) != hash {
                return None;
            }
            Some(String::from_utf8(bytes).ok()?.into_boxed_str())
        });
        read.as_deref().ok_or_else(|| CacheDamaged.into())
    }

    fn shard_len(&self, key: u8) -> u64 {
        self.parts[key as usize].1
    }
}

/// Whether a one-off build that parsed `parsed` of `articles` anew, and read `restamped` others
/// again and found them unchanged (their new stamps to be saved), should rewrite the cache
/// (tens of MB for a big site). After a few edits the next build just parses those again.
/// Articles read again cost the next build far less, a read and a hash each: about 2 µs an
/// article at 10,000 articles, where parsing one takes about 55 µs and rewriting the cache
/// 7 µs an article. They are worth a rewrite only when they are a quarter of the articles, as
/// after a copy of the site or a `touch` of every file; fewer add up from build to build
/// until they are.
pub(crate) fn worth_rewriting(parsed: usize, restamped: usize, articles: usize) -> bool {
    let articles = articles.max(1);
    parsed >= 64 || parsed * 20 >= articles || restamped * 4 >= articles
}

/// Saves article summaries in `output/<name>` for the next build (atomically; the folder must
/// exist), laid out as [`Header`] says.
///
/// The texts come first, and their lengths are known without reading them, so the texts part
/// is copied on one core while the rest (the terms and the summaries) is written after it on
/// the other: this is the last stretch of a first build, and it ran on one core.
pub(crate) fn write_summaries<'a>(
    output: &Path,
    name: &str,
    build_id: u128,
    articles: impl Iterator<Item = (Option<FileStamp>, &'a Article)>,
) -> Result<()> {
    let mut articles: Vec<(Option<FileStamp>, &Article)> = articles.collect();
    articles.sort_by(|a, b| a.1.source.cmp(&b.1.source));
    let target = output.join(name);
    let cannot_write = || format!("cannot write {}", target.display());
    let temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(output)
        .with_context(|| format!("cannot write in {}", output.display()))?;
    let mut entries: Vec<(Option<FileStamp>, &Article, TextAt)> = Vec::with_capacity(articles.len());
    let mut offset = 0u64;
    for (stamp, article) in articles {
        let len = article.text.len();
        entries.push((stamp, article, TextAt { offset, len, hash: article.text.hash() }));
        offset += len;
    }
    let texts = offset;
    let file = temp.as_file();
    let write_texts = || -> Result<()> {
        let mut out = write_at_offset(file, 0);
        for (_, article, at) in &entries {
            let text = article.text.read()?;
            anyhow::ensure!(text.len() as u64 == at.len, "an article's text changed length while it was saved");
            out.write_all(text.as_bytes()).with_context(cannot_write)?;
        }
        out.flush().with_context(cannot_write)
    };
    let write_rest = || -> Result<()> {
        let mut out = write_at_offset(file, texts);
        // The terms, shard by shard, each part hashed as it is written. Gathered in one pass
        // over the articles: a pass per shard, looking up each article's group, waited on
        // memory.
        let mut parts: Vec<Vec<&str>> = vec![Vec::new(); 256];
        for (_, article, _) in &entries {
            for group in article.search_terms.groups()? {
                parts[group.key as usize].push(group.terms);
            }
        }
        let mut terms = Vec::new();
        for (key, part) in parts.iter().enumerate().filter(|(_, part)| !part.is_empty()) {
            let mut hash = xxhash_rust::xxh3::Xxh3::new();
            let mut len = 0;
            for group in part {
                hash.update(group.as_bytes());
                out.write_all(group.as_bytes()).with_context(cannot_write)?;
                len += group.len() as u64;
            }
            terms.push((key as u8, len, hash.digest()));
        }
        drop(parts);
        // One chunk at a time, in one buffer: the cache of 100,000 articles is 150 MB without
        // its texts, which a build at its peak of memory has no room for. Each article's
        // groups are where the pass above put them, in the same order.
        let mut chunks = Vec::new();
        let mut buffer = Vec::new();
        let mut terms_lens = vec![0u64; 256];
        for chunk in entries.chunks(CHUNK) {
            let chunk = chunk
                .iter()
                .map(|&(stamp, article, at)| {
                    Ok((stamp, article, at, article.search_terms.kept_groups(&mut terms_lens)?))
                })
                .collect::<Result<Vec<_>>>()?;
            buffer.clear();
            buffer = postcard::to_extend(&chunk, buffer).with_context(cannot_write)?;
            out.write_all(&buffer).with_context(cannot_write)?;
            chunks.push(buffer.len() as u64);
        }
        let header = Header { build: format!("{build_id:032x}"), texts, terms, chunks };
        let header = postcard::to_stdvec(&header).with_context(cannot_write)?;
        out.write_all(&header).with_context(cannot_write)?;
        out.write_all(&(header.len() as u64).to_le_bytes()).with_context(cannot_write)?;
        out.flush().with_context(cannot_write)
    };
    // Side by side only where writing at an offset leaves the file's position alone.
    let (wrote_texts, wrote_rest) = match cfg!(unix) {
        true => rayon::join(write_texts, write_rest),
        false => (write_texts(), write_rest()),
    };
    wrote_texts?;
    wrote_rest?;
    temp.persist(&target).with_context(cannot_write)?;
    Ok(())
}

/// How much each of the cache's two writers ([`write_at_offset`]) gathers before it writes.
const AT_BUFFER: usize = 256 * 1024;

/// A buffered writer to `file` from `offset` on, which leaves the file's position alone (see
/// [`write_at`]): two of them write two parts of one file at once.
fn write_at_offset(file: &File, offset: u64) -> std::io::BufWriter<At<'_>> {
    std::io::BufWriter::with_capacity(AT_BUFFER, At { file, offset })
}

/// Writes to a file at an offset that moves on past what was written.
struct At<'f> {
    file: &'f File,
    offset: u64,
}

impl Write for At<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        write_at(self.file, bytes, self.offset)?;
        self.offset += bytes.len() as u64;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two positional writers filling two parts of one file, with writes smaller than, equal
    /// to and larger than their buffer, in turns: the file holds each part where it belongs.
    #[test]
    fn two_writers_at_offsets_fill_their_own_parts_of_one_file() {
        let cap = AT_BUFFER;
        let piece = |n: usize, seed: u8| -> Vec<u8> { (0..n).map(|i| seed.wrapping_add((i % 251) as u8)).collect() };
        let first: Vec<Vec<u8>> = [10, cap - 10, cap, 1, cap + 7, 0, 3].iter().map(|&n| piece(n, 1)).collect();
        let second: Vec<Vec<u8>> = [cap + 1, 5, cap - 5, 9, cap].iter().map(|&n| piece(n, 100)).collect();
        let first_len: usize = first.iter().map(Vec::len).sum();
        let file = tempfile::tempfile().unwrap();
        let (mut a, mut b) = (write_at_offset(&file, 0), write_at_offset(&file, first_len as u64));
        for i in 0..first.len().max(second.len()) {
            if let Some(bytes) = first.get(i) {
                a.write_all(bytes).unwrap();
            }
            if let Some(bytes) = second.get(i) {
                b.write_all(bytes).unwrap();
            }
        }
        a.flush().unwrap();
        b.flush().unwrap();
        let expected: Vec<u8> = first.concat().into_iter().chain(second.concat()).collect();
        let mut written = vec![0; expected.len()];
        read_at(&file, &mut written, 0).unwrap();
        assert!(written == expected, "the parts were not written where they belong");
        assert_eq!(file.metadata().unwrap().len(), expected.len() as u64);
    }

    fn parsed(path: &str) -> Arc<Article> {
        let text = format!("---\ntitle: {path}\nlast_revised: 2020-01-01\n---\n\nSome text.\n");
        Arc::new(super::super::parse_article(&SourcePath::new(Path::new(path)), text.as_bytes()).unwrap().0)
    }

    #[test]
    fn the_cache_is_kept_in_file_order_and_matches_files_in_one_pass() {
        let sources = |cache: &ArticleCache| -> Vec<String> {
            cache.entries.iter().map(|e| e.source().as_str().to_string()).collect()
        };
        // Out of order and with a file twice (no cache file holds that, but a damaged one
        // must not make a wrong cache): put in order, each once.
        let summaries = ["c.md", "a.md", "sub/b.md", "a.md", "b.md"].map(|p| (None, parsed(p))).to_vec();
        let mut cache = ArticleCache::from_summaries(summaries, Mode::OneOff);
        assert_eq!(sources(&cache), ["a.md", "b.md", "c.md", "sub/b.md"]);
        let files: Vec<SourcePath> = ["0.md", "b.md", "bb.md", "c.md", "sub/b.md", "z.md"]
            .iter()
            .map(|p| SourcePath::new(Path::new(p)))
            .collect();
        assert_eq!(cache.matching(&files), [None, Some(1), None, Some(2), Some(3), None]);
        for file in &files {
            let looked_up = cache.get(file).map(|e| e.source().clone());
            assert_eq!(
                looked_up.as_ref(),
                cache.matching(std::slice::from_ref(file))[0].map(|i| cache.entries[i].source())
            );
        }
        // A new file goes in its place; a file again replaces its entry.
        cache.put(Entry { stamp: None, seen: true, loaded: Loaded { article: parsed("bb.md"), body: None } });
        cache.put(Entry { stamp: None, seen: true, loaded: Loaded { article: parsed("a.md"), body: None } });
        assert_eq!(sources(&cache), ["a.md", "b.md", "bb.md", "c.md", "sub/b.md"]);
        assert!(cache.entries[0].seen && !cache.entries[1].seen);
    }

    #[test]
    fn search_terms_kept_in_the_cache_read_back_and_a_damaged_part_is_a_damaged_cache() {
        let article = |path: &str, body: &str| {
            let text = format!("---\ntitle: {path}\nlast_revised: 2020-01-01\n---\n\n{body}\n");
            let source = SourcePath::new(Path::new(path));
            super::super::parse_article(&source, text.as_bytes()).unwrap().0
        };
        let articles = [
            article("a.md", "Apples, bananas and 7 cherries."),
            article("b.md", "Bananas grow in bunches."),
            article("c.md", "Zebras eat apples in 2020."),
        ];
        let dir = tempfile::tempdir().unwrap();
        write_summaries(dir.path(), CACHE, 7, articles.iter().map(|a| (None, a))).unwrap();
        let read = read_summaries(dir.path(), CACHE, 7);
        assert_eq!(read.len(), articles.len());
        for ((_, cached), original) in read.iter().zip(&articles) {
            assert_eq!(cached.source, original.source);
            assert_eq!(cached.search_terms.groups().unwrap(), original.search_terms.groups().unwrap());
        }
        // Each key's part lies after the texts, in key order: a byte changed in the part of
        // "b" (bananas, bunches, grow…) is found when that part is read, and only then.
        let file = dir.path().join(CACHE);
        let mut bytes = std::fs::read(&file).unwrap();
        let texts: usize = articles.iter().map(|a| a.text.read().unwrap().len()).sum();
        let before_b: usize = articles
            .iter()
            .flat_map(|a| a.search_terms.groups().unwrap())
            .filter(|g| g.key < b'b')
            .map(|g| g.terms.len())
            .sum();
        assert_eq!(&bytes[texts + before_b..texts + before_b + 7], b"bananas");
        bytes[texts + before_b] ^= 0x20;
        std::fs::write(&file, &bytes).unwrap();
        let read = read_summaries(dir.path(), CACHE, 7);
        assert_eq!(read.len(), articles.len(), "the damage is found only when the part is read");
        let terms = &read[1].1.search_terms;
        assert!(terms.group(b'b').unwrap_err().downcast_ref::<CacheDamaged>().is_some());
        assert_eq!(terms.group(b'g').unwrap(), Some("grow"));
    }

    #[test]
    fn the_cache_is_rewritten_for_many_parsed_articles_or_a_quarter_read_again() {
        // Parsed anew: 64 of them, or a twentieth of the site.
        assert!(!worth_rewriting(63, 0, 10_000));
        assert!(worth_rewriting(64, 0, 100_000));
        assert!(worth_rewriting(5, 0, 100));
        assert!(!worth_rewriting(4, 0, 100));
        // Read again and found unchanged: a quarter of the site, however many that is.
        assert!(!worth_rewriting(0, 2_499, 10_000));
        assert!(worth_rewriting(0, 2_500, 10_000));
        assert!(!worth_rewriting(0, 64, 100_000));
        assert!(worth_rewriting(0, 6, 6));
        // An empty site needs no arithmetic to go wrong.
        assert!(!worth_rewriting(0, 0, 0));
    }
}
