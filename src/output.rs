//! Stage 4, write: put the rendered pages on disk without ever leaving a half-written site.
//!
//! * A first build writes into a staging folder beside the output and renames it into place.
//! * Later builds write only pages whose bytes changed. Each goes to a temporary file in its
//!   final folder first; only when every one of them is written are they renamed over the old
//!   files (renames are cheap and do not fail for want of space), then pages that no longer
//!   belong are removed. A failure or Ctrl-C before that point deletes the temporary files
//!   and leaves the previous site exactly as it was.
//! * The output folder carries a manifest of the files encyc wrote, with their hashes and
//!   fingerprints. It is how encyc knows the folder is its own and which files are unchanged,
//!   without reading them back. A file not in it is never overwritten or deleted; a folder
//!   without one is adopted only if it holds nothing but the files the build writes, each
//!   with exactly the bytes written. After an edit, `encyc watch` writes only the manifest's
//!   lines that changed, into a file beside it ([`MANIFEST_CHANGES`], naming the manifest it
//!   changes), and the manifest whole again once those are many.
//! * Beside it, the load stage keeps its cache of article summaries (`article::cache`).

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::SystemTime;

use crate::config::Mode;
use crate::hash::{ContentHash, content_hash};
use crate::paths::{CACHE, MANIFEST, MANIFEST_CHANGES, MEDIA_CACHE, MEDIA_VARIANTS, OutputPath, TEMP_PREFIX};
use crate::stat::{Folder, Stat, nanos_since_epoch};
use anyhow::{Context, Result, bail};

/// The length of a manifest line's hash and fingerprint, with the space between them: 32 hex
/// digits each.
const HEX_PAIR: usize = 65;

const MANIFEST_HEADER: &str = "# encyc manifest v2 (hash fingerprint path): the files encyc wrote here; do not edit";

/// The first line of the changes to the manifest file named `base` ([`manifest_identity`]).
fn changes_header(base: u64) -> String {
    format!("# encyc manifest changes to the manifest {base:016x}: lines that replace its own; do not edit")
}

/// What names one writing of the manifest: its text's hash, and the file's inode number and
/// modification time. The same text written again (a build that found every page as it was
/// when the manifest was last written whole) is another file, which no earlier changes fit.
fn manifest_identity(text: &str, file: Stat) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(text.as_bytes());
    hasher.update(&file.inode.to_le_bytes());
    hasher.update(&file.modified.to_le_bytes());
    hasher.update(&file.len.to_le_bytes());
    hasher.digest()
}

/// What a write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WriteReport {
    pub(crate) written: usize,
    pub(crate) removed: usize,
    pub(crate) unchanged: usize,
}

/// Why the write stage did not make a build visible.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// Ctrl-C, seen before anything was changed.
    Interrupted,
    /// The file system said no; nothing was changed unless the message says otherwise.
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for WriteError {
    fn from(err: anyhow::Error) -> Self {
        WriteError::Failed(err)
    }
}

/// A file of the built site, as the write stage has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    pub(crate) path: OutputPath,
    /// The hash of the page's bytes.
    pub(crate) hash: ContentHash,
    /// What the page was made from (equal fingerprints, equal pages).
    pub(crate) fingerprint: u128,
    pub(crate) state: PageState,
}

/// Where a page's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageState {
    /// On disk already, made from the same fingerprint: it was not rendered.
    Kept,
    /// Rendered, with the same bytes as the file on disk: nothing to write.
    Same,
    /// Rendered and put in a temporary file (or the staging folder) by the write stage.
    Staged,
}

/// A file encyc wrote: the hash of its bytes and the fingerprint of what it was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Recorded {
    hash: ContentHash,
    fingerprint: u128,
}

/// What is in the output folder: whether it exists, and what encyc recorded writing there.
#[derive(Debug, Clone)]
pub(crate) struct OutputState {
    dir: PathBuf,
    exists: bool,
    files: HashMap<String, Recorded>,
    /// When the manifest (or its changes, when they apply) was written: a file modified later
    /// was touched by someone else.
    written_at: Option<SystemTime>,
    /// The manifest's and its changes file's times, as last read or written.
    times: ManifestTimes,
    /// Whether this process already removed temporary files a killed build left behind, or
    /// knows there are none.
    swept: bool,
    /// [`Mode::Watch`] or [`Mode::Poll`]: take the recorded state as the truth without looking at each file
    /// (our own writes made it); see [`OutputState::for_mode`].
    trusted: bool,
    /// Every file the manifest lists was seen as encyc wrote it when this build began
    /// ([`OutputState::verified_at`]).
    verified: bool,
    /// The folder has files but no manifest (it was deleted): a file there is adopted only if
    /// it holds exactly the bytes this build writes to it; anything else stops the build.
    adopting: bool,
    /// The manifest this process last wrote, when it lists exactly `files`: the next one is
    /// made from it by rewriting the lines of the pages that changed.
    manifest: Option<Manifest>,
    /// A trusted state's files as the last build's pages, in path order
    /// ([`OutputState::remember`]): the next build, planning the same pages in the same order,
    /// finds each where it was rather than by its path.
    pages: Vec<Page>,
}

impl OutputState {
    /// Whether the output folder exists (when not, the next write is a first build).
    pub(crate) fn exists(&self) -> bool {
        self.exists
    }

    /// Reads the manifest of `output`. A non-empty folder without one can only be adopted
    /// (see [`PageWriter::finish`]).
    pub(crate) fn read(output: &Path) -> Result<OutputState> {
        let mut state = OutputState {
            dir: output.to_path_buf(),
            exists: false,
            files: HashMap::default(),
            written_at: None,
            times: (None, None),
            swept: false,
            trusted: false,
            verified: false,
            adopting: false,
            manifest: None,
            pages: Vec::new(),
        };
        let meta = match fs::symlink_metadata(output) {
            Ok(meta) => meta,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(state),
            Err(err) => return Err(err).with_context(|| format!("cannot read the output folder {}", output.display())),
        };
        if !meta.is_dir() {
            bail!("the output path {} exists and is not a folder", output.display());
        }
        state.exists = true;
        let manifest =
            read_manifest(output).with_context(|| format!("cannot read {}", output.join(MANIFEST).display()))?;
        match manifest {
            Some(manifest) => {
                state.written_at = Some(manifest.written_at);
                state.times = manifest.times;
                state.files = parse_manifest(&manifest.text);
                for (path, recorded) in manifest.changes.as_deref().map(manifest_lines).into_iter().flatten() {
                    if let Some(old) = state.files.get_mut(path) {
                        *old = recorded;
                    }
                }
                // Pages written after another writing of the manifest (it was replaced since,
                // by hand or by a build stopped before it removed the changes) may hold other
                // bytes than it records, even where a page comes back to what it records:
                // each is made and written again.
                for (path, _) in manifest.stale_changes.as_deref().map(manifest_lines).into_iter().flatten() {
                    if let Some(old) = state.files.get_mut(path) {
                        *old = Recorded { hash: 0, fingerprint: 0 };
                    }
                }
                // The text as read is the next manifest's starting point, as the one this
                // process wrote last is for `encyc watch`: a rebuild after one edit writes the
                // lines that changed, not the whole manifest (1 MB at 10,000 articles).
                let base = manifest.base();
                state.manifest = Manifest::from_disk(manifest.text, base, manifest.changes.as_deref())
                    .filter(|m| m.starts.len() == state.files.len());
                Ok(state)
            }
            None => {
                let mut entries = fs::read_dir(output)
                    .with_context(|| format!("cannot read the output folder {}", output.display()))?;
                // Without a manifest nothing proves which files encyc wrote: the build may only
                // adopt the files it would write with the same bytes (see `PageWriter::finish`).
                state.adopting = entries.next().is_some();
                Ok(state)
            }
        }
    }

    /// The hash of the file at `path` if encyc wrote it from `fingerprint` and nobody has
    /// touched it since. `at` is the page's place among all pages in path order (or
    /// `usize::MAX`): when the last build's page there is the same, no look-up by path is
    /// needed (`encyc watch` asks this of 10,000 pages after each edit).
    fn kept_at(&self, at: usize, path: &OutputPath, fingerprint: u128) -> Option<ContentHash> {
        if let Some(last) = self.pages.get(at).filter(|_| self.trusted && self.written_at.is_some())
            && last.fingerprint == fingerprint
            && last.path == *path
        {
            return Some(last.hash);
        }
        let recorded = self.files.get(path.as_str())?;
        (recorded.fingerprint == fingerprint && self.intact_listed(path)).then_some(recorded.hash)
    }

    /// This state once `pages` are the folder's files, as recorded in a manifest written at
    /// `written_at` (with the manifest files' `times`). Updated in place: after an edit, most
    /// files are recorded as they were.
    fn recording(
        mut self,
        pages: &[Page],
        (written_at, times): (SystemTime, ManifestTimes),
        manifest: Option<Manifest>,
    ) -> OutputState {
        // A kept page is recorded as it was (see [`PageWriter::kept_at`]).
        for p in pages.iter().filter(|p| p.state != PageState::Kept) {
            let recorded = Recorded { hash: p.hash, fingerprint: p.fingerprint };
            match self.files.get_mut(p.path.as_str()) {
                Some(old) => *old = recorded,
                None => {
                    self.files.insert(p.path.as_str().to_string(), recorded);
                }
            }
        }
        if self.files.len() != pages.len() {
            let paths: HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
            self.files.retain(|path, _| paths.contains(path.as_str()));
        }
        let pages = Vec::new();
        OutputState {
            exists: true,
            written_at: Some(written_at),
            times,
            verified: false,
            adopting: false,
            manifest,
            pages,
            ..self
        }
    }

    /// This state, knowing that every file its manifest lists was untouched when the manifest
    /// written at `untouched` was looked at ([`untouched_since_manifest`], at the start of a
    /// one-off build, beside the look at its inputs): the build need not look at each page it
    /// keeps again, which was a tenth of a build with one article changed.
    pub(crate) fn verified_at(mut self, untouched: Option<SystemTime>) -> Self {
        self.verified = untouched.is_some() && untouched == self.written_at;
        self
    }

    /// This state, knowing whether a killed process may have left temporary files in the
    /// folder ([`crate::lock::OutputLock::left_clean`]): only then does the next build that
    /// writes look through every folder of the output for them.
    pub(crate) fn with_leftovers(mut self, possible: bool) -> Self {
        self.swept = !possible;
        self
    }

    /// Whether temporary files a killed process left may still be in the folder.
    pub(crate) fn may_hold_leftovers(&self) -> bool {
        !self.swept
    }

    /// This state as the next build of `mode` uses it. A long-lived builder ([`Mode::Watch`], [`Mode::Poll`])
    /// trusts it from now on to describe the folder without checking each file, since its own
    /// writes keep it up to date. As long as the manifest is the one we wrote
    /// ([`OutputState::still_ours`]), nobody rebuilt the folder behind our back; a page edited
    /// by hand in the output is then only rewritten when it changes.
    pub(crate) fn for_mode(mut self, mode: Mode) -> Self {
        self.trusted = mode != Mode::OneOff;
        self
    }

    /// Keeps `pages`, the pages of the build that made this state (in path order), for a
    /// trusted state's next build ([`OutputState::kept_at`]).
    pub(crate) fn remember(&mut self, pages: Vec<Page>) {
        if self.trusted {
            self.pages = pages;
        }
    }

    /// Whether the manifest on disk, and its changes, are still those this state was made from.
    pub(crate) fn still_ours(&self) -> bool {
        self.times.0.is_some() && manifest_times(&self.dir) == self.times
    }

    /// Whether the file at `path` is one encyc wrote with exactly the bytes hashing to `hash`.
    fn holds(&self, path: &OutputPath, hash: ContentHash) -> bool {
        self.files.get(path.as_str()).is_some_and(|r| r.hash == hash) && self.intact_listed(path)
    }

    /// [`OutputState::intact`] for a file the manifest lists, which a trusted or verified state
    /// need not look up again: `encyc watch` asks this of every page after each edit, a one-off
    /// build of every page it need not render.
    fn intact_listed(&self, path: &OutputPath) -> bool {
        match self.trusted || self.verified {
            true => self.written_at.is_some(),
            false => self.intact(path),
        }
    }

    /// The file at `path` is the one encyc last wrote there: it exists, and was not modified
    /// after the manifest was written.
    fn intact(&self, path: &OutputPath) -> bool {
        let Some(written_at) = self.written_at else { return false };
        if self.trusted {
            return self.files.contains_key(path.as_str());
        }
        as_written(Stat::of_link(&path.under(&self.dir)), nanos_since_epoch(written_at))
    }

    /// Whether the file at `path` already has exactly `bytes` (hashing to `hash`), judged
    /// from the manifest, the file's time stamp and (unless trusted) its size.
    fn unchanged(&self, path: &OutputPath, hash: ContentHash, bytes: &[u8]) -> bool {
        self.holds(path, hash)
            && (self.trusted || fs::metadata(path.under(&self.dir)).is_ok_and(|m| m.len() == bytes.len() as u64))
    }

    /// Whether writing `bytes` to `path` would replace a file encyc did not write: one that is
    /// there but not in the manifest. When the manifest is lost, a file that already holds
    /// exactly `bytes` is not in the way: it is adopted.
    fn in_the_way(&self, path: &OutputPath, bytes: &[u8]) -> bool {
        if self.files.contains_key(path.as_str()) {
            return false;
        }
        let target = path.under(&self.dir);
        match fs::symlink_metadata(&target) {
            Err(_) => false,
            Ok(meta) if self.adopting && meta.is_file() && meta.len() == bytes.len() as u64 => {
                fs::read(&target).map_or(true, |on_disk| on_disk != bytes)
            }
            Ok(_) => true,
        }
    }

    /// Files in the folder that this build would neither write nor leave as they are, when
    /// the manifest is lost: everything but `pages` and encyc's own bookkeeping.
    fn unaccounted(&self, pages: &[Page]) -> Result<Vec<String>> {
        let pages: HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        let mut found = Vec::new();
        // The cache of encoded illustrations is encyc's own, like the other caches.
        let not_cache = |e: &walkdir::DirEntry| e.depth() != 1 || e.file_name() != MEDIA_VARIANTS;
        for entry in
            walkdir::WalkDir::new(&self.dir).min_depth(1).sort_by_file_name().into_iter().filter_entry(not_cache)
        {
            let entry = entry.with_context(|| format!("cannot read the output folder {}", self.dir.display()))?;
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_dir()
                || name == MANIFEST
                || name == MANIFEST_CHANGES
                || name.starts_with(CACHE)
                || name == MEDIA_CACHE
                || name.starts_with(TEMP_PREFIX)
            {
                continue;
            }
            let relative = entry.path().strip_prefix(&self.dir).expect("walked from the output folder");
            let relative = relative.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>().join("/");
            if !pages.contains(relative.as_str()) {
                found.push(relative);
            }
        }
        Ok(found)
    }

    /// Why the build stops: `paths` are files encyc would replace or leave unexplained,
    /// though it cannot prove it wrote them.
    fn refusal(&self, mut paths: Vec<String>) -> anyhow::Error {
        paths.sort();
        const SHOWN: usize = 10;
        let more = paths.len().saturating_sub(SHOWN);
        let mut list: Vec<String> = paths.iter().take(SHOWN).map(|p| self.dir.join(p).display().to_string()).collect();
        if more > 0 {
            list.push(format!("and {more} more"));
        }
        let list = list.join(", ");
        let dir = self.dir.display();
        if self.adopting {
            anyhow::anyhow!(
                "the output folder {dir} has no {MANIFEST} (the record of the files encyc wrote), so nothing \
proves that encyc wrote the files in it, and these differ from what it would write there: {list}. \
Nothing was changed. encyc only adopts files identical to the ones it writes; move the others out of the \
folder, or move the whole folder aside (`mv {dir} {dir}.old`) or choose another with --output, and build again"
            )
        } else {
            anyhow::anyhow!(
                "refusing to overwrite {list}: encyc did not write it (it is not in {dir}/{MANIFEST}). Nothing was \
changed. Move the file out of the output folder, or rename the article whose page would go there, and build again"
            )
        }
    }
}

/// The text of a manifest, with where each of its lines starts, and which lines changed since
/// it was last written whole.
#[derive(Debug, Clone)]
struct Manifest {
    text: String,
    /// Per page, in path order: where its line starts in `text`.
    starts: Vec<u32>,
    /// The file the text was last written whole to ([`MANIFEST`], see [`manifest_identity`]),
    /// which the changes file names; `None` when not known, and then no changes are written.
    base: Option<u64>,
    /// The pages (places in `starts`) whose lines may differ from that text: those of the
    /// changes file ([`MANIFEST_CHANGES`]).
    changed: std::collections::BTreeSet<u32>,
}

impl Manifest {
    /// The manifest of `pages`, one line per path in path order. A build hands its pages over
    /// sorted already; sorting 10,000 paths again was a twentieth of a rebuild in `encyc watch`.
    fn of(pages: &[Page]) -> Manifest {
        fn entry(p: &Page) -> (&str, (ContentHash, u128)) {
            (p.path.as_str(), (p.hash, p.fingerprint))
        }
        let sorted: Vec<(&str, (ContentHash, u128))> = match pages.is_sorted_by(|a, b| a.path < b.path) {
            true => pages.iter().map(entry).collect(),
            false => pages.iter().map(entry).collect::<BTreeMap<_, _>>().into_iter().collect(),
        };
        let mut text = String::with_capacity(80 * sorted.len());
        let mut starts = Vec::with_capacity(sorted.len());
        text.push_str(MANIFEST_HEADER);
        text.push('\n');
        for (path, (hash, fingerprint)) in sorted {
            starts.push(text.len() as u32);
            push_hex(&mut text, hash);
            text.push(' ');
            push_hex(&mut text, fingerprint);
            text.push(' ');
            text.push_str(path);
            text.push('\n');
        }
        Manifest { text, starts, base: None, changed: Default::default() }
    }

    /// The manifest as read from disk (`text`, the writing `base`, with the lines of its
    /// `changes` file when they apply), as [`Manifest::of`] would have made it: `None` unless
    /// every line is one that it writes, in path order, each path once, so that
    /// [`Manifest::updated`] may rewrite lines in place. Anything else (a manifest edited by
    /// hand, or by another version of encyc) is written whole again, as before.
    fn from_disk(mut text: String, base: u64, changes: Option<&str>) -> Option<Manifest> {
        /// The hash, fingerprint and path of a line as [`Manifest::of`] writes them.
        fn parts(line: &str) -> Option<(&str, &str)> {
            let hex = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            let (numbers, path) = (line.get(..HEX_PAIR)?, line.get(HEX_PAIR + 1..)?);
            let ok = hex(&numbers[..32]) && &numbers[32..33] == " " && hex(&numbers[33..]);
            // A line ended `\r\n` (a manifest that went through a Windows editor) is not ours.
            (ok && line.as_bytes()[HEX_PAIR] == b' ' && is_safe(path) && !path.contains('\r'))
                .then_some((numbers, path))
        }
        let body = text.strip_prefix(MANIFEST_HEADER)?.strip_prefix('\n')?;
        let at = text.len() - body.len();
        let mut starts = Vec::with_capacity(body.len() / 80);
        let mut last: Option<&str> = None;
        let mut start = at;
        for line in body.split_inclusive('\n') {
            let (_, path) = parts(line.strip_suffix('\n')?)?;
            if last.is_some_and(|last| last >= path) {
                return None;
            }
            last = Some(path);
            starts.push(u32::try_from(start).ok()?);
            start += line.len();
        }
        let mut changed = std::collections::BTreeSet::new();
        for line in changes.map(str::lines).into_iter().flatten().filter(|l| !l.starts_with('#')) {
            let (numbers, path) = parts(line)?;
            let path_at = |s: &u32| {
                let line = &text[*s as usize..];
                &line[HEX_PAIR + 1..line.find('\n').unwrap_or(line.len())]
            };
            // Changes name only paths the manifest lists (see `Manifest::updated`).
            let at = starts.binary_search_by(|s| path_at(s).cmp(path)).ok()?;
            let start = starts[at] as usize;
            text.replace_range(start..start + HEX_PAIR, numbers);
            changed.insert(at as u32);
        }
        Some(Manifest { text, starts, base: Some(base), changed })
    }

    /// Whether the manifest on disk is this text only with its changes file.
    fn has_changes(&self) -> bool {
        !self.changed.is_empty()
    }

    /// Whether the changed lines are few enough to be written as changes: at most an eighth
    /// of the manifest (and 64 lines, for small sites), so that the changes file stays small
    /// and a build that reads it has little to apply.
    fn changes_are_few(&self) -> bool {
        self.base.is_some() && self.has_changes() && self.changed.len() <= (self.starts.len() / 8).max(64)
    }

    /// This text, as written whole to `file` (looked at once written; `None` if it could not be).
    fn written_whole(mut self, file: Option<Stat>) -> Manifest {
        self.base = file.map(|file| manifest_identity(&self.text, file));
        self.changed.clear();
        self
    }

    /// The text of the changes file: the lines that changed since the text was written whole.
    fn changes_text(&self) -> String {
        let mut text = changes_header(self.base.expect("changes are written only to a known manifest"));
        text.push('\n');
        for &at in &self.changed {
            let start = self.starts[at as usize] as usize;
            let line = &self.text[start..];
            text.push_str(&line[..=line.find('\n').expect("every line ends")]);
        }
        text
    }

    /// The manifest of `pages`, made from this one, which lists the same paths in the same
    /// order (`pages` sorted, each listed, none missing): only the lines of pages whose hash or
    /// fingerprint changed are written again. That keeps a rebuild in `encyc watch` from
    /// writing out 10,000 lines after each edit. A file made on every build and found as it was
    /// (the theme's style sheet and scripts) keeps its line, and is no change.
    fn updated(mut self, pages: &[Page]) -> Manifest {
        debug_assert_eq!(self.starts.len(), pages.len());
        for (at, (page, &start)) in
            pages.iter().zip(&self.starts).enumerate().filter(|(_, (p, _))| p.state != PageState::Kept)
        {
            let mut line = String::with_capacity(65);
            push_hex(&mut line, page.hash);
            line.push(' ');
            push_hex(&mut line, page.fingerprint);
            let start = start as usize;
            debug_assert!(self.text[start + 66..].starts_with(page.path.as_str()));
            if self.text[start..start + line.len()] != line {
                self.changed.insert(at as u32);
                self.text.replace_range(start..start + line.len(), &line);
            }
        }
        debug_assert_eq!(self.text, Manifest::of(pages).text);
        self
    }
}

/// Appends `value` as 32 lower-case hex digits, like `{:032x}` but several times faster, which
/// shows on a 10,000-line manifest written after every edit in `encyc watch`.
fn push_hex(text: &mut String, value: u128) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 32];
    for (i, digit) in digits.iter_mut().enumerate() {
        *digit = DIGITS[((value >> ((31 - i) * 4)) & 0xf) as usize];
    }
    text.push_str(std::str::from_utf8(&digits).expect("hex digits are ASCII"));
}

/// Reads a manifest; entries that could escape the folder are ignored (never ours).
fn parse_manifest(text: &str) -> HashMap<String, Recorded> {
    // At its full size at once (see `Look::stamps_under`).
    let mut files = HashMap::with_capacity_and_hasher(text.lines().count(), Default::default());
    files.extend(manifest_lines(text).map(|(path, recorded)| (path.to_string(), recorded)));
    files
}

/// The entries of a manifest's (or its changes file's) lines, but those that could escape the
/// folder (never ours).
fn manifest_lines(text: &str) -> impl Iterator<Item = (&str, Recorded)> {
    text.lines().filter(|l| !l.starts_with('#')).filter_map(|line| {
        let mut parts = line.splitn(3, ' ');
        let hash = ContentHash::from_str_radix(parts.next()?, 16).ok()?;
        let fingerprint = u128::from_str_radix(parts.next()?, 16).ok()?;
        let path = parts.next()?;
        is_safe(path).then_some((path, Recorded { hash, fingerprint }))
    })
}

/// The modification times of the manifest and of its changes file: while both are as a
/// build left them, nobody else wrote the folder.
type ManifestTimes = (Option<SystemTime>, Option<SystemTime>);

fn manifest_times(output: &Path) -> ManifestTimes {
    let time = |name| fs::metadata(output.join(name)).and_then(|m| m.modified()).ok();
    (time(MANIFEST), time(MANIFEST_CHANGES))
}

/// When the manifest files were last written, as pages are compared with it: the later of the
/// manifest and its changes when the changes apply, else the manifest. One rule for a read and
/// for a build's own record, which must agree.
fn written_at((whole, changes): ManifestTimes, changes_apply: bool) -> Option<SystemTime> {
    match changes_apply {
        true => whole.zip(changes).map(|(whole, changes)| whole.max(changes)),
        false => whole,
    }
}

/// The manifest of an output folder as it is on disk.
struct ManifestOnDisk {
    text: String,
    /// The lines of its changes file, when that was written for this very writing of it
    /// ([`manifest_identity`]). Changes to another (a build that wrote the manifest whole and
    /// was stopped before removing them, or an older encyc that knew nothing of them) no
    /// longer say anything.
    changes: Option<String>,
    /// The lines of a changes file written for another writing of it: they name pages written
    /// after that one, which this manifest may not record as they are.
    stale_changes: Option<String>,
    /// When the manifest, or its changes when they apply, were written.
    written_at: SystemTime,
    times: ManifestTimes,
    /// The manifest file as it was looked at when read.
    file: Stat,
    /// Which writing of the manifest this is ([`manifest_identity`]), worked out when a changes
    /// file asked: hashing the whole text is not needed by a build that repeats the last one.
    base: Option<u64>,
}

impl ManifestOnDisk {
    /// Which writing of the manifest this is ([`manifest_identity`]).
    fn base(&self) -> u64 {
        self.base.unwrap_or_else(|| manifest_identity(&self.text, self.file))
    }
}

/// Reads the manifest of `output` and its changes, if it has one.
fn read_manifest(output: &Path) -> std::io::Result<Option<ManifestOnDisk>> {
    let text = match fs::read_to_string(output.join(MANIFEST)) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    let times = manifest_times(output);
    let (Some(base_at), Some(file)) = (times.0, Stat::of(&output.join(MANIFEST))) else {
        return Err(std::io::Error::other("the manifest went while it was read"));
    };
    let changes_file = times.1.and_then(|_| fs::read_to_string(output.join(MANIFEST_CHANGES)).ok());
    let base = changes_file.is_some().then(|| manifest_identity(&text, file));
    let (changes, stale_changes) = match changes_file.as_deref().map(|c| c.split_once('\n').unwrap_or((c, ""))) {
        Some((header, lines)) if Some(header) == base.map(changes_header).as_deref() => (Some(lines.to_string()), None),
        Some((_, lines)) => (None, Some(lines.to_string())),
        None => (None, None),
    };
    // Changes are read only when their file has a time, so that this is always known.
    let written_at = written_at(times, changes.is_some()).unwrap_or(base_at);
    Ok(Some(ManifestOnDisk { text, changes, stale_changes, written_at, times, file, base }))
}

/// Whether a path a manifest lists stays inside the output folder.
fn is_safe(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

/// When the manifest in `output` was written, if every file it lists is still as encyc wrote
/// it: there, and not modified since (as [`OutputState`]'s `intact`), looked at in parallel.
/// The manifest's hashes are not decoded: a build that repeats the last one needs only the
/// paths, and decoding 10,000 lines of hashes was a tenth of it. A build that does not repeat
/// the last one takes the answer for every page ([`OutputState::verified_at`]).
pub(crate) fn untouched_since_manifest(output: &Path) -> Option<SystemTime> {
    use rayon::prelude::*;
    // Changes name no path the manifest does not list (see `Manifest::updated`).
    let ManifestOnDisk { text, written_at, .. } = read_manifest(output).ok()??;
    let listed: Option<Vec<&str>> =
        text.lines().filter(|l| !l.starts_with('#')).map(|line| line.splitn(3, ' ').nth(2)).collect();
    let (folder, written) = (Folder::open(output), nanos_since_epoch(written_at));
    let untouched =
        listed?.par_iter().all(|page| is_safe(page) && as_written(folder.stat_link(Path::new(page)), written));
    untouched.then_some(written_at)
}

/// Whether a page looked at as `stat` (not following a link) is as encyc wrote it before the
/// manifest written at `written` ([`nanos_since_epoch`]): a file, not modified since.
fn as_written(stat: Option<Stat>, written: i128) -> bool {
    stat.is_some_and(|s| s.is_file && s.modified <= written)
}

/// The write stage, fed page by page while the site is rendered: a first build writes each
/// page into the staging folder, a later build puts each changed page in a temporary file
/// beside its final place. Nothing is visible until [`PageWriter::finish`]; dropping the writer
/// instead (an error, Ctrl-C) deletes what it wrote.
#[derive(Debug)]
pub(crate) struct PageWriter {
    /// The folder as it was; as it is after [`PageWriter::finish`].
    state: OutputState,
    /// The staging folder of a first build.
    staging: Option<Staging>,
    /// A later build's temporary files and the files each will replace.
    prepared: Mutex<Vec<(tempfile::TempPath, PathBuf)>>,
    /// Pages that would replace a file encyc did not write: the build stops in `finish`,
    /// naming them all, before anything is visible.
    in_the_way: Mutex<Vec<String>>,
    /// Folders made for the temporary files; after `prepared`, so that a build that does not
    /// finish deletes its files first, then these folders.
    made: MadeFolders,
}

/// The folders a later build made for its pages, removed again (those left empty, deepest
/// first) unless the build finished: a build that fails or is refused leaves no folder behind.
#[derive(Debug, Default)]
struct MadeFolders {
    made: Mutex<Vec<PathBuf>>,
    kept: bool,
}

impl MadeFolders {
    /// Makes `dir` and any missing folder above it, remembering those it made.
    fn create(&self, dir: &Path) -> Result<()> {
        let mut missing = Vec::new();
        let mut at = Some(dir);
        while let Some(d) = at.filter(|d| fs::symlink_metadata(d).is_err()) {
            missing.push(d.to_path_buf());
            at = d.parent();
        }
        if missing.is_empty() {
            return Ok(());
        }
        fs::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
        self.made.lock().expect("made folders").extend(missing.into_iter().rev());
        Ok(())
    }
}

impl Drop for MadeFolders {
    fn drop(&mut self) {
        if !self.kept {
            // Deepest first, by path order (a folder sorts before what is in it), not in the
            // order they were made: two pages made side by side can record `assets/search-text`
            // (its parent made a moment before by the other) ahead of `assets`, which was then
            // removed while not yet empty and left behind.
            let made = self.made.get_mut().expect("made folders");
            made.sort_unstable();
            made.dedup();
            for dir in made.iter().rev() {
                let _ = fs::remove_dir(dir);
            }
        }
    }
}

impl PageWriter {
    /// A writer into the output folder described by `state`; a first build writes through
    /// `staging` when one was started.
    pub(crate) fn new(state: OutputState, staging: Option<Staging>) -> Result<PageWriter> {
        let staging = match (state.exists, staging) {
            (true, _) => None,
            (false, Some(staging)) => Some(staging),
            (false, None) => Some(Staging::start(&state.dir, Vec::new())?),
        };
        Ok(PageWriter {
            state,
            staging,
            prepared: Mutex::new(Vec::new()),
            in_the_way: Mutex::new(Vec::new()),
            made: MadeFolders::default(),
        })
    }

    /// The page at `path` as it is on disk, if encyc wrote it there from `fingerprint` and
    /// nobody touched it since: then it need not be rendered. `at` is its place among all the
    /// pages, in path order (see [`OutputState`]'s `kept_at`).
    pub(crate) fn kept_at(&self, at: usize, path: &OutputPath, fingerprint: u128) -> Option<Page> {
        let hash = self.state.kept_at(at, path, fingerprint)?;
        Some(Page { path: path.clone(), hash, fingerprint, state: PageState::Kept })
    }

    /// Takes a rendered page's bytes into the staging folder or a temporary file (or drops
    /// them when the file on disk already has them). `fingerprint` is what the page was made
    /// from; without one, its bytes stand for it.
    pub(crate) fn write(&self, path: OutputPath, fingerprint: Option<u128>, bytes: &[u8]) -> Result<Page> {
        let hash = content_hash(bytes);
        let fingerprint = fingerprint.unwrap_or(hash);
        let state = match &self.staging {
            Some(staging) => {
                staging.write(&path, bytes)?;
                PageState::Staged
            }
            None if self.state.unchanged(&path, hash, bytes) => PageState::Same,
            None if self.state.in_the_way(&path, bytes) => {
                self.in_the_way.lock().expect("pages in the way").push(path.as_str().to_string());
                PageState::Same
            }
            // With the manifest lost, a file with exactly these bytes is adopted as it is.
            None if self.state.adopting && fs::symlink_metadata(path.under(&self.state.dir)).is_ok() => PageState::Same,
            None => {
                let temp = prepare(&self.state.dir, &path, bytes, &self.made)?;
                self.prepared.lock().expect("prepared pages").push(temp);
                PageState::Staged
            }
        };
        Ok(Page { path, hash, fingerprint, state })
    }

    /// Makes the build visible: renames the staging folder into place (first build), or the
    /// temporary files over the old pages, then removes pages that no longer belong and
    /// records the new state. `pages` is every page of the site; `cancel` is checked before
    /// anything becomes visible. Returns what was done and the folder's new state.
    pub(crate) fn finish(
        mut self,
        pages: &[Page],
        cancel: &AtomicBool,
    ) -> Result<(WriteReport, OutputState), WriteError> {
        let mut state = self.state;
        let mut refused = self.in_the_way.into_inner().expect("pages in the way");
        if state.adopting {
            refused.extend(state.unaccounted(pages)?);
        }
        if !refused.is_empty() {
            return Err(WriteError::Failed(state.refusal(refused)));
        }
        let (report, manifest) = match self.staging {
            Some(staging) => {
                // The folder is made anew: nothing a killed build left is in it.
                state.swept = true;
                finish_fresh(&state.dir, pages, staging, cancel).map(|(r, m)| (r, Some(m)))?
            }
            None => {
                let last = state.manifest.take();
                let prepared = std::mem::take(&mut *self.prepared.lock().expect("prepared pages"));
                let finished = finish_update(&mut state, last, pages, prepared, &self.made, cancel);
                // Once pages may have been renamed into them, the folders stay.
                self.made.kept = !matches!(finished, Err(WriteError::Interrupted));
                finished?
            }
        };
        // Pages are compared with the time the manifest files were written, as `read_manifest`
        // takes it ([`written_at`]; when nothing was written, as before).
        let times = manifest_times(&state.dir);
        let written_at = match &manifest {
            Some(manifest) => written_at(times, manifest.has_changes()),
            None => state.written_at,
        };
        let path = state.dir.join(MANIFEST);
        let written_at = written_at.with_context(|| format!("cannot read {}", path.display()))?;
        Ok((report, state.recording(pages, (written_at, times), manifest)))
    }
}

/// A staging folder for a first build, with an empty file created early for every page the
/// build is expected to write. Creating files is what a first build spends most of its time
/// on, so a thread does it while the articles are parsed, linked and rendered, and pages are
/// written into their files as soon as both exist. Dropping the staging folder removes it, so
/// a build that fails leaves nothing behind.
#[derive(Debug)]
pub(crate) struct Staging {
    dir: PathBuf,
    /// Where each planned page is in the order the files are created.
    planned: HashMap<String, usize>,
    /// How many planned files exist so far, or the error that stopped their creation.
    progress: Arc<(Mutex<Progress>, Condvar)>,
    worker: Option<std::thread::JoinHandle<()>>,
    keep: bool,
}

#[derive(Debug, Default)]
struct Progress {
    created: usize,
    done: bool,
    error: Option<String>,
}

impl Staging {
    /// Starts preparing the staging folder beside `output` for `paths`.
    /// The folder that becomes the output folder.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn start(output: &Path, paths: Vec<OutputPath>) -> Result<Staging> {
        let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let name = output.file_name().context("the output path has no folder name")?.to_string_lossy();
        let dir = parent.join(format!(".{name}.encyc-staging"));
        if dir.exists() {
            // Left by a build that was killed; the name is ours alone.
            fs::remove_dir_all(&dir).with_context(|| format!("cannot remove the leftover {}", dir.display()))?;
        }
        fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let planned = paths.iter().enumerate().map(|(i, p)| (p.as_str().to_string(), i)).collect();
        let progress = Arc::new((Mutex::new(Progress::default()), Condvar::new()));
        let (root, shared) = (dir.clone(), Arc::clone(&progress));
        let worker = std::thread::Builder::new()
            .name("encyc-staging".into())
            .spawn(move || {
                let mut dirs: HashSet<PathBuf> = HashSet::default();
                let mut error = None;
                for path in &paths {
                    let file = path.under(&root);
                    let made = match file.parent().filter(|p| dirs.insert(p.to_path_buf())) {
                        Some(parent) => fs::create_dir_all(parent).and_then(|()| fs::File::create(&file).map(drop)),
                        None => fs::File::create(&file).map(drop),
                    };
                    if let Err(err) = made {
                        error = Some(format!("cannot write {}: {err}", file.display()));
                        break;
                    }
                    let (lock, ready) = &*shared;
                    lock.lock().expect("staging progress").created += 1;
                    ready.notify_all();
                }
                let (lock, ready) = &*shared;
                let mut progress = lock.lock().expect("staging progress");
                progress.done = true;
                progress.error = error;
                ready.notify_all();
            })
            .context("cannot start a thread")?;
        Ok(Staging { dir, planned, progress, worker: Some(worker), keep: false })
    }

    /// Waits until the file for planned page `index` exists; `false` if it never will.
    fn wait_for(&self, index: usize) -> Result<bool> {
        let (lock, ready) = &*self.progress;
        let mut progress = lock.lock().expect("staging progress");
        while progress.created <= index && !progress.done {
            progress = ready.wait(progress).expect("staging progress");
        }
        match &progress.error {
            Some(err) if progress.created <= index => bail!("{err}"),
            _ => Ok(progress.created > index),
        }
    }

    /// Writes a page into the staging folder: into the file created for it once that exists,
    /// or into a new file when the page was not planned.
    fn write(&self, path: &OutputPath, bytes: &[u8]) -> Result<()> {
        let file = path.under(&self.dir);
        let created = match self.planned.get(path.as_str()) {
            Some(&index) => self.wait_for(index)?,
            None => false,
        };
        if created {
            // The file is empty (we created it). Truncating it anyway would make ext4 start
            // writing it back on close, as it does for files rewritten in place: ~0.1 ms per
            // page on a cold build.
            fs::OpenOptions::new()
                .write(true)
                .truncate(false)
                .open(&file)
                .and_then(|mut f| f.write_all(bytes))
                .with_context(|| format!("cannot write {}", file.display()))
        } else {
            let parent = file.parent().expect("pages live inside the staging folder");
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
            fs::write(&file, bytes).with_context(|| format!("cannot write {}", file.display()))
        }
    }

    fn join(&mut self) {
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        self.join();
        if !self.keep {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// First build: every page is in the staging folder; one rename makes it the site.
fn finish_fresh(
    output: &Path,
    pages: &[Page],
    mut staging: Staging,
    cancel: &AtomicBool,
) -> Result<(WriteReport, Manifest), WriteError> {
    staging.join();
    let dir = staging.dir.clone();
    // Files prepared for pages the build did not write (none, unless the plan was wrong).
    let written: HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    for extra in staging.planned.keys().filter(|c| !written.contains(c.as_str())) {
        let _ = fs::remove_file(OutputPath::new(extra.clone()).under(&dir));
    }
    let manifest = Manifest::of(pages);
    let path = dir.join(MANIFEST);
    fs::write(&path, &manifest.text).with_context(|| format!("cannot write {}", path.display()))?;
    // Renaming the folder keeps the file's inode and time.
    let manifest = manifest.written_whole(Stat::of(&path));
    if cancel.load(Ordering::SeqCst) {
        return Err(WriteError::Interrupted);
    }
    fs::rename(&dir, output).with_context(|| format!("cannot move {} to {}", dir.display(), output.display()))?;
    staging.keep = true;
    Ok((WriteReport { written: pages.len(), removed: 0, unchanged: 0 }, manifest))
}

/// Later builds: the changed pages wait in temporary files; swap them in, drop what no
/// longer belongs, and record the new state last. `last` is the manifest this process wrote
/// last, if it lists what `state` does.
fn finish_update(
    state: &mut OutputState,
    last: Option<Manifest>,
    pages: &[Page],
    prepared: Vec<(tempfile::TempPath, PathBuf)>,
    made: &MadeFolders,
    cancel: &AtomicBool,
) -> Result<(WriteReport, Option<Manifest>), WriteError> {
    let output = &state.dir;
    // Pages the manifest lists as they are, and pages it lists at all: when every file it
    // lists is among the pages (the usual case; pages come in path order, so each once), none
    // is stale, and no set of paths is needed.
    let (mut same, mut listed) = (0, 0);
    for p in pages {
        // A kept page is listed as it is (see [`PageWriter::kept_at`]); most are, after an edit.
        if p.state == PageState::Kept {
            listed += 1;
            same += 1;
        } else if let Some(recorded) = state.files.get(p.path.as_str()) {
            listed += 1;
            same += usize::from(*recorded == Recorded { hash: p.hash, fingerprint: p.fingerprint });
        }
    }
    let unique = pages.is_sorted_by(|a, b| a.path < b.path);
    let mut stale: Vec<&String> = match unique && listed == state.files.len() {
        true => Vec::new(),
        false => {
            let new_paths: HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
            state.files.keys().filter(|p| !new_paths.contains(p.as_str())).collect()
        }
    };
    stale.sort();
    let manifest_same = state.written_at.is_some() && same == pages.len();
    // The same paths as the last manifest's, in the same order.
    let same_paths = unique && listed == state.files.len() && listed == pages.len();
    let last = last.filter(|m| same_paths && m.starts.len() == pages.len());
    if prepared.is_empty() && stale.is_empty() && manifest_same {
        return Ok((WriteReport { written: 0, removed: 0, unchanged: pages.len() }, last));
    }
    // Temporary files of a killed build are hidden and harmless, so they are swept up only by
    // a build that writes anyway.
    if !state.swept {
        remove_leftover_temps(output, pages, &prepared);
        state.swept = true;
    }
    let text = match last {
        Some(last) => last.updated(pages),
        None => Manifest::of(pages),
    };
    // After an edit, only the lines that changed since the manifest was written whole: the
    // whole of it was most of what a rebuild in `encyc watch` wrote.
    let (text, manifest) = match text.changes_are_few() {
        true => {
            let changes = prepare(output, &OutputPath::new(MANIFEST_CHANGES), text.changes_text().as_bytes(), made)?;
            (text, changes)
        }
        false => {
            let manifest = prepare(output, &OutputPath::new(MANIFEST), text.text.as_bytes(), made)?;
            // Renaming keeps the file's inode and time.
            (text.written_whole(Stat::of(&manifest.0)), manifest)
        }
    };
    if cancel.load(Ordering::SeqCst) {
        return Err(WriteError::Interrupted);
    }
    let written = prepared.len();
    for (temp, target) in prepared {
        temp.persist(&target).with_context(|| {
            format!("cannot replace {} (the site may be partly updated; build again)", target.display())
        })?;
    }
    let mut removed = 0;
    for path in stale {
        let target = OutputPath::new(path.clone()).under(output);
        match fs::remove_file(&target) {
            Ok(()) => {
                removed += 1;
                remove_empty_parents(output, &target);
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(anyhow::Error::new(err).context(format!("cannot remove {}", target.display())).into());
            }
        }
    }
    manifest.0.persist(&manifest.1).with_context(|| format!("cannot write {}", manifest.1.display()))?;
    if !text.has_changes() {
        // Changes to the manifest just replaced: they name its old text, so they no longer
        // apply even if they cannot be removed.
        let _ = fs::remove_file(output.join(MANIFEST_CHANGES));
    }
    Ok((WriteReport { written, removed, unchanged: pages.len() - written }, Some(text)))
}

/// A temporary file beside `path` holding `bytes`, in a folder made (and remembered in `made`)
/// if it is not there yet.
fn prepare(
    output: &Path,
    path: &OutputPath,
    bytes: &[u8],
    made: &MadeFolders,
) -> Result<(tempfile::TempPath, PathBuf)> {
    let target = path.under(output);
    let dir = target.parent().expect("pages live inside the output folder");
    made.create(dir)?;
    if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
        bail!("cannot write {}: a folder is in the way", target.display());
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Published files must be readable by the web server, not private like temp files.
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    file.write_all(bytes).with_context(|| format!("cannot write {}", target.display()))?;
    Ok((file.into_temp_path(), target))
}

/// Removes temporary files a killed build left in the folders we write to (not `ours`).
fn remove_leftover_temps(output: &Path, pages: &[Page], ours: &[(tempfile::TempPath, PathBuf)]) {
    let ours: HashSet<&Path> = ours.iter().map(|(temp, _)| &**temp).collect();
    // The folders pages are in, from their paths: a path for every page was 10,000 allocations.
    let dirs: std::collections::BTreeSet<&str> =
        pages.iter().map(|p| p.path.as_str().rsplit_once('/').map_or("", |(dir, _)| dir)).collect();
    for dir in dirs {
        let dir = match dir {
            "" => output.to_path_buf(),
            dir => OutputPath::new(dir).under(output),
        };
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) && !ours.contains(entry.path().as_path()) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// After removing a stale page, removes folders it leaves empty (never the output itself).
fn remove_empty_parents(output: &Path, removed: &Path) {
    let mut dir = removed.parent();
    while let Some(d) = dir {
        if d == output || !d.starts_with(output) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    /// Folders recorded child before parent (as two pages written side by side can record
    /// them) are all removed, and a folder holding something else stays.
    #[test]
    fn made_folders_are_removed_deepest_first_whatever_order_they_were_recorded_in() {
        let root = tempfile::tempdir().unwrap();
        let (parent, child, other) =
            (root.path().join("assets"), root.path().join("assets/search-text"), root.path().join("kept"));
        std::fs::create_dir_all(&child).unwrap();
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("file"), "x").unwrap();
        let made = super::MadeFolders {
            made: std::sync::Mutex::new(vec![child.clone(), parent.clone(), other.clone(), parent.clone()]),
            kept: false,
        };
        drop(made);
        assert!(!child.exists() && !parent.exists(), "a made folder was left behind");
        assert!(other.join("file").exists());
    }

    use super::*;

    #[test]
    fn manifest_round_trips_and_rejects_escapes() {
        let page = |path: &str, bytes: &[u8]| Page {
            path: OutputPath::new(path),
            hash: content_hash(bytes),
            fingerprint: 7,
            state: PageState::Staged,
        };
        let text = Manifest::of(&[page("b.html", b"b"), page("assets/style.css", b"css")]).text;
        // Pages handed over in path order make the same manifest, in path order.
        assert_eq!(Manifest::of(&[page("assets/style.css", b"css"), page("b.html", b"b")]).text, text);
        assert!(text.find("assets/style.css").unwrap() < text.find("b.html").unwrap());
        let parsed = parse_manifest(&text);
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed["b.html"], Recorded { hash: content_hash(b"b"), fingerprint: 7 });
        let hostile = format!("{:032x} {:032x} ../etc/passwd\n{:032x} {:032x} /abs\n", 1, 1, 2, 2);
        assert!(parse_manifest(&hostile).is_empty());
    }

    #[test]
    fn a_manifest_updated_for_the_pages_that_changed_is_the_manifest_of_all() {
        let page = |path: &str, bytes: &[u8], fingerprint: u128, state: PageState| Page {
            path: OutputPath::new(path),
            hash: content_hash(bytes),
            fingerprint,
            state,
        };
        let paths = ["404.html", "a.html", "assets/search-text/b.js", "b-ü.html", "index.html", "letter-a.html"];
        let first: Vec<Page> = paths.iter().map(|p| page(p, p.as_bytes(), 1, PageState::Staged)).collect();
        let mut last = Manifest::of(&first);
        let whole = last.text.clone();
        last.base = Some(1);
        // Each round: some pages kept as they were, others rendered with new bytes or made
        // from something else with the same bytes.
        for round in 2..6u128 {
            let pages: Vec<Page> = paths
                .iter()
                .enumerate()
                .map(|(i, p)| match (i as u128 + round) % 3 {
                    0 => page(p, format!("{p}{round}").as_bytes(), round, PageState::Staged),
                    1 => page(p, p.as_bytes(), round, PageState::Same),
                    _ => Page { state: PageState::Kept, ..page(p, b"", 0, PageState::Kept) },
                })
                .map(|p| match p.state {
                    // A kept page is as the last manifest has it.
                    PageState::Kept => {
                        let line = last.text.lines().find(|l| l.ends_with(&format!(" {}", p.path))).unwrap();
                        let hash = u128::from_str_radix(&line[..32], 16).unwrap();
                        let fingerprint = u128::from_str_radix(&line[33..65], 16).unwrap();
                        Page { hash, fingerprint, ..p }
                    }
                    _ => p,
                })
                .collect();
            last = last.updated(&pages);
            assert_eq!(last.text, Manifest::of(&pages).text, "round {round}");
            // What the next process reads back from the manifest written whole and the changes
            // written since is the same manifest, with the same lines changed.
            let changes = last.changes_text();
            let read = Manifest::from_disk(whole.clone(), 1, Some(changes.split_once('\n').unwrap().1)).unwrap();
            assert_eq!((&read.text, &read.starts, &read.changed), (&last.text, &last.starts, &last.changed));
        }
        let read = Manifest::from_disk(whole.clone(), 1, None).unwrap();
        assert_eq!((read.text, read.starts, read.changed.len()), (whole, Manifest::of(&first).starts, 0));
    }

    #[test]
    fn a_manifest_read_back_with_lines_it_would_not_write_is_written_whole_again() {
        let line = |hash: u128, path: &str| format!("{hash:032x} {:032x} {path}\n", 7);
        let manifest = |lines: &[String]| format!("{MANIFEST_HEADER}\n{}", lines.concat());
        let good = [line(1, "a.html"), line(2, "b.html")];
        assert_eq!(Manifest::from_disk(manifest(&good), 1, None).unwrap().starts.len(), 2);
        let wrong = [
            manifest(&[line(2, "b.html"), line(1, "a.html")]),
            manifest(&[line(1, "a.html"), line(1, "a.html")]),
            manifest(&[line(1, "a.html"), line(2, "../b.html")]),
            manifest(&[line(1, "a.html"), line(2, "b.html").to_uppercase()]),
            manifest(&[line(1, "a.html"), line(2, "b.html").replacen('0', "", 1)]),
            manifest(&[line(1, "a.html"), line(2, "b.html").trim_end().to_string()]),
            good.concat(),
            format!("# another header\n{}", good.concat()),
            format!("{MANIFEST_HEADER}\n{}", good.concat().replace('\n', "\r\n")),
        ];
        for text in wrong {
            assert!(Manifest::from_disk(text.clone(), 1, None).is_none(), "{text}");
        }
        // Changes must name paths the manifest lists, in lines it would write.
        for changes in [line(3, "c.html"), line(3, "b.html").to_uppercase()] {
            assert!(Manifest::from_disk(manifest(&good), 1, Some(&changes)).is_none(), "{changes}");
        }
        let changed = Manifest::from_disk(manifest(&good), 1, Some(&line(3, "b.html"))).unwrap();
        assert_eq!(changed.text, manifest(&[line(1, "a.html"), line(3, "b.html")]));
        assert_eq!(changed.changed.into_iter().collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn a_manifest_read_with_its_changes_lists_the_pages_as_they_are_and_changes_to_another_do_not_count() {
        let dir = tempfile::tempdir().unwrap();
        let page = |path: &str, bytes: &str, state: PageState| Page {
            path: OutputPath::new(path),
            hash: content_hash(bytes.as_bytes()),
            fingerprint: content_hash(bytes.as_bytes()) ^ 1,
            state,
        };
        let paths = ["a.html", "b.html", "c.html", "search/d.js"];
        let first: Vec<Page> = paths.iter().map(|p| page(p, p, PageState::Staged)).collect();
        // Written as a build writes it: into a new file renamed over the old one.
        let write_whole = |manifest: Manifest| {
            let temp = dir.path().join("manifest.tmp");
            fs::write(&temp, &manifest.text).unwrap();
            let file = Stat::of(&temp);
            fs::rename(&temp, dir.path().join(MANIFEST)).unwrap();
            manifest.written_whole(file)
        };
        let base = write_whole(Manifest::of(&first));
        let read = || OutputState::read(dir.path()).unwrap().files;
        assert_eq!(read(), parse_manifest(&base.text));
        // Two edits, each changing some pages: the changes file lists every line changed since
        // the manifest was written whole, and nothing else.
        let second: Vec<Page> = paths
            .iter()
            .map(|p| match *p {
                "b.html" => page(p, "b2", PageState::Staged),
                _ => Page { state: PageState::Kept, ..page(p, p, PageState::Kept) },
            })
            .collect();
        let third: Vec<Page> = second
            .iter()
            .map(|p| match p.path.as_str() {
                "search/d.js" => page("search/d.js", "d3", PageState::Staged),
                _ => Page { state: PageState::Kept, ..p.clone() },
            })
            .collect();
        let updated = base.clone().updated(&second).updated(&third);
        let changes = updated.changes_text();
        assert_eq!(changes.lines().count(), 3, "{changes}");
        fs::write(dir.path().join(MANIFEST_CHANGES), &changes).unwrap();
        assert_eq!(read(), parse_manifest(&Manifest::of(&third).text));
        // The manifest written whole again (by a build stopped before it removed the changes,
        // or by another program): the changes no longer apply, even to the same text, and the
        // pages they name are recorded as nothing a page can match, to be written again.
        let stale = |text: &str| {
            let mut files = parse_manifest(text);
            for (path, _) in manifest_lines(&changes) {
                if let Some(recorded) = files.get_mut(path) {
                    *recorded = Recorded { hash: 0, fingerprint: 0 };
                }
            }
            files
        };
        let again = write_whole(Manifest::of(&first));
        assert_eq!(again.text, base.text);
        assert_eq!(read(), stale(&base.text));
        assert_ne!(read(), parse_manifest(&base.text));
        let other = write_whole(Manifest::of(&first[..3]));
        assert_eq!(read(), stale(&other.text));
    }

    #[test]
    fn hex_is_like_the_format_macro() {
        for value in [0, 1, 0xabc, u128::MAX, u128::MAX / 3] {
            let mut text = String::new();
            push_hex(&mut text, value);
            assert_eq!(text, format!("{value:032x}"));
        }
    }
}
