//! Where a one-off build keeps the biggest parts of its parsed articles until they are
//! rendered: each article's body HTML and its full text (for the search passages) are written
//! to a temporary file as soon as the article is parsed, and read back when its page and its
//! passages file are made. Together they are about half of what a parsed article weighs, and
//! a build needs each of them once or twice, long after parsing: kept in memory, a site of
//! 100,000 articles peaked near 2 GB.
//!
//! The file is created already deleted (its space is freed when the last [`Spilled`] part is
//! dropped) in the system's temporary folder. Writing it costs a copy into the page cache,
//! which the kernel may write out or drop under memory pressure, unlike the process's own
//! memory. A build that cannot create or write it keeps the parts in memory, as before.
//! `encyc watch` keeps them in memory: it reuses bodies between builds and renders few pages.

use std::borrow::Cow;
use std::fs::File;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};

/// The temporary file, appended to from the parsing threads.
#[derive(Debug)]
pub(crate) struct Spill {
    file: File,
    /// Whether this is the on-disk cache (whose damage is [`CacheDamaged`]) rather than the
    /// build's own temporary file.
    cache: bool,
    /// Where the next part goes: each writer reserves its range, then writes it at its place.
    end: AtomicU64,
}

impl Spill {
    /// A new, already deleted, temporary file; `None` when none can be made (or where files
    /// cannot be written at an offset from several threads: not on Unix).
    pub(crate) fn new() -> Option<Arc<Spill>> {
        if !cfg!(unix) {
            return None;
        }
        let file = tempfile::tempfile().ok()?;
        Some(Arc::new(Spill { file, cache: false, end: AtomicU64::new(0) }))
    }

    /// Parts already in `file`, which is only read from: the texts of the on-disk cache of
    /// articles ([`super::cache`]). An open file is not changed by a later cache replacing it
    /// (a rename), so its parts stay readable for as long as they are kept.
    #[cfg(unix)]
    pub(super) fn reader(file: File) -> Arc<Spill> {
        Arc::new(Spill { file, cache: true, end: AtomicU64::new(u64::MAX) })
    }

    /// The part of `len` bytes at `offset` whose hash is `hash`.
    pub(super) fn part(self: &Arc<Self>, offset: u64, len: u64, hash: u64) -> Spilled {
        Spilled { spill: Arc::clone(self), offset, len, hash }
    }

    /// Writes `bytes` to the file; `None` when they could not be written (the caller keeps them).
    fn put(self: &Arc<Self>, bytes: &[u8]) -> Option<Spilled> {
        let len = bytes.len() as u64;
        let offset = self.end.fetch_add(len, Ordering::Relaxed);
        #[cfg(unix)]
        std::os::unix::fs::FileExt::write_all_at(&self.file, bytes, offset).ok()?;
        let hash = xxhash_rust::xxh3::xxh3_64(bytes);
        Some(Spilled { spill: Arc::clone(self), offset, len, hash })
    }
}

/// A part written to a [`Spill`].
#[derive(Debug, Clone)]
pub(crate) struct Spilled {
    spill: Arc<Spill>,
    offset: u64,
    len: u64,
    /// The hash of the bytes ([`Kept::hash`]).
    hash: u64,
}

/// Fills `bytes` from `file` at `offset` (from several threads at once only on Unix, where
/// the file's position is not involved).
pub(super) fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    return std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset);
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = file;
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(bytes)
    }
}

/// Writes all of `bytes` to `file` at `offset` (from several threads at once only on Unix,
/// where the file's position is not involved).
pub(super) fn write_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    return std::os::unix::fs::FileExt::write_all_at(file, bytes, offset);
    #[cfg(not(unix))]
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut file = file;
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(bytes)
    }
}

impl Spilled {
    fn read(&self) -> Result<String> {
        let mut bytes = vec![0; self.len as usize];
        let read = read_at(&self.spill.file, &mut bytes, self.offset);
        let intact = read.is_ok() && xxhash_rust::xxh3::xxh3_64(&bytes) == self.hash;
        match String::from_utf8(bytes) {
            Ok(text) if intact => Ok(text),
            _ if self.spill.cache => Err(CacheDamaged.into()),
            _ => {
                read.context("cannot read back an article kept in the build's temporary file")?;
                anyhow::bail!("an article kept in the build's temporary file is damaged")
            }
        }
    }
}

/// A text kept in the on-disk cache did not read back as it was written. The cache only saves
/// time: the build is made again without it ([`crate::pipeline`]).
#[derive(Debug, thiserror::Error)]
#[error("the cache of article summaries in the output folder is damaged")]
pub(crate) struct CacheDamaged;

/// A text that is either in memory or in the build's temporary file.
#[derive(Clone)]
pub(crate) enum Kept {
    /// The text and its hash ([`Kept::hash`], worked out once: `encyc watch` fingerprints the
    /// passages files of 10,000 texts after every edit).
    Memory(String, u64),
    Spilled(Spilled),
}

impl Kept {
    /// `text` written to `spill` when there is one (and it takes it), else kept in memory.
    pub(crate) fn new(text: String, spill: Option<&Arc<Spill>>) -> Kept {
        match spill.and_then(|s| s.put(text.as_bytes())) {
            Some(spilled) => Kept::Spilled(spilled),
            None => Kept::from(text),
        }
    }

    /// Writes the text to `spill`, when there is one and it is in memory.
    pub(crate) fn spill_into(self, spill: Option<&Arc<Spill>>) -> Kept {
        match self {
            Kept::Memory(text, _) => Kept::new(text, spill),
            spilled => spilled,
        }
    }

    /// The text's length in bytes, known without reading it back.
    pub(crate) fn len(&self) -> u64 {
        match self {
            Kept::Memory(text, _) => text.len() as u64,
            Kept::Spilled(spilled) => spilled.len,
        }
    }

    /// A hash of the text, known without reading it back: for fingerprints.
    pub(crate) fn hash(&self) -> u64 {
        match self {
            Kept::Memory(_, hash) => *hash,
            Kept::Spilled(spilled) => spilled.hash,
        }
    }

    /// The text (read back from the temporary file when it is there).
    pub(crate) fn read(&self) -> Result<Cow<'_, str>> {
        match self {
            Kept::Memory(text, _) => Ok(Cow::Borrowed(text)),
            Kept::Spilled(spilled) => spilled.read().map(Cow::Owned),
        }
    }

    /// The text, or an empty one when it cannot be read: for comparisons and `Debug`, which
    /// cannot fail.
    fn or_empty(&self) -> Cow<'_, str> {
        self.read().unwrap_or_default()
    }
}

impl From<String> for Kept {
    fn from(text: String) -> Self {
        let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        Kept::Memory(text, hash)
    }
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.or_empty().fmt(f)
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.or_empty() == other.or_empty()
    }
}

impl Eq for Kept {}

/// An empty text in memory: what an [`super::Article`] decoded from the cache has until its
/// text, kept apart in the cache file, is put in.
impl Default for Kept {
    fn default() -> Self {
        Kept::from(String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spilled_text_reads_back_as_the_text_itself() {
        let spill = Spill::new().expect("a temporary file");
        let texts = ["Asthma is a long-term condition.", "", "Épilepsie — crises répétées"];
        let kept: Vec<Kept> = texts.iter().map(|t| Kept::new(t.to_string(), Some(&spill))).collect();
        for (text, kept) in texts.iter().zip(&kept) {
            assert!(matches!(kept, Kept::Spilled(_)));
            assert_eq!(kept.read().unwrap(), *text);
            let in_memory = Kept::from(text.to_string());
            assert_eq!(kept, &in_memory);
            assert_eq!(kept.hash(), in_memory.hash());
        }
    }
}
