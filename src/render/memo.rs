//! What a long-lived builder (`encyc watch`) keeps of an edition's last plan, so that a rebuild
//! fingerprints again only the pages an edit can reach. Fingerprinting all 10,000 article
//! pages, letter pages and search shards after every save was most of a rebuild; an edit that
//! keeps every name, slug and section id reaches only its own page, the pages whose "Articles
//! that link here" list it changes, and the search files (see [`crate::site::Changes`]).
//!
//! The memo is used only as far as it can vouch for a page: another theme, other settings or
//! words, a changed illustration, a full re-link or another count of articles make every
//! fingerprint be worked out again, and an article whose links to the other editions changed
//! is fingerprinted again. So a rebuild writes exactly what a fresh build writes.

use super::search_index::SearchMemo;
use crate::letters::Letter;
use crate::media::Library;
use crate::site::Changes;

/// How a plan may use the last one.
pub(crate) enum Reuse {
    /// Fingerprint every page and keep nothing: a one-off build.
    Nothing,
    /// Fingerprint every page, and keep a memo for the next plan.
    Remember,
    /// Take from the memo what the changes since it was made leave valid, and keep a new one.
    From(Box<PlanMemo>, Changes),
}

/// The fingerprints of an edition's last plan, and what they were made from.
#[derive(Debug)]
pub(crate) struct PlanMemo {
    /// What every article page shares (the build, theme, settings, words, A–Z bar).
    pub(super) shared: u128,
    /// What every page shares.
    pub(super) base: u128,
    /// Every illustration's fingerprint ([`media_digest`]).
    pub(super) media: u128,
    /// Per article: what its page shows of the other editions, and its page's fingerprint.
    pub(super) editions: Vec<u64>,
    pub(super) articles: Vec<u128>,
    /// Per article, its page's path (shared, not made again after each edit).
    pub(super) paths: Vec<crate::paths::OutputPath>,
    /// Per letter page, in order.
    pub(super) letters: Vec<u128>,
    /// Each letter page's A–Z bar, and what they were made from (what every page shares and
    /// which letters have entries).
    pub(super) bars_key: u128,
    pub(super) bars: Vec<String>,
    /// What the search files are made from.
    pub(super) search: SearchMemo,
    /// The paths of the pages other than articles, in the order planned, and where each
    /// planned page goes in path order: a plan of the same pages takes that order rather
    /// than sorting 10,000 paths again.
    pub(super) others: Vec<crate::paths::OutputPath>,
    pub(super) order: Vec<u32>,
}

/// The part of a memo that is valid for a plan, with the changes since it was made.
pub(super) struct Valid<'m> {
    pub(super) memo: &'m PlanMemo,
    pub(super) changes: &'m Changes,
}

impl Reuse {
    /// Whether the plan keeps a memo.
    pub(super) fn keeps(&self) -> bool {
        !matches!(self, Reuse::Nothing)
    }

    /// The memo, if everything it was made from that is not tracked by the changes is as it
    /// is now: what all pages share, the illustrations, and the number of articles. (Changes
    /// are only recorded while the same files stay in the same places: each article's path.)
    pub(super) fn valid(&self, shared: u128, base: u128, media: u128, articles: usize) -> Option<Valid<'_>> {
        match self {
            Reuse::From(memo, changes)
                if memo.shared == shared
                    && memo.base == base
                    && memo.media == media
                    && memo.articles.len() == articles =>
            {
                Some(Valid { memo, changes })
            }
            _ => None,
        }
    }
}

impl Valid<'_> {
    /// The fingerprint of article `i`'s page, if the memo's still holds: the article was not
    /// edited, nothing changed its "links here" list, and it shows the same of the other
    /// editions (`editions`).
    pub(super) fn article(&self, i: usize, editions: u64) -> Option<u128> {
        let unchanged = self.memo.editions[i] == editions
            && !self.changes.edited.contains(&i)
            && !self.changes.reached.contains(&i);
        unchanged.then(|| self.memo.articles[i])
    }

    /// The fingerprint of the letter page at `index`, of `letter`, when no re-link since
    /// changed its entries ([`crate::site::Refiled`]) and its A–Z bar is made from the same
    /// (`bars_key`): after a change of title, the pages of the other letters are not
    /// fingerprinted again (25,000 entries, each looking up its article, at 10,000 articles).
    pub(super) fn letter(&self, index: usize, letter: Letter, bars_key: u128, count: usize) -> Option<u128> {
        let same =
            self.changes.letters.keeps(letter) && self.memo.bars_key == bars_key && self.memo.letters.len() == count;
        same.then(|| self.memo.letters[index])
    }
}

/// Every illustration's fingerprint, as one number: an article page covers those it shows.
pub(crate) fn media_digest(media: &Library) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (source, image) in &media.images {
        h.update(source.as_bytes());
        h.update(&image.fingerprint().to_le_bytes());
    }
    h.digest128()
}
