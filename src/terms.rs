//! The words search matches on, worked out the same way for articles (here) and for what a
//! reader types (in `search.js`): accents and case dropped, split at anything that is not a
//! letter or digit, very common words left out. A leaf: the load stage extracts each article's
//! terms once, when it parses it, and the render stage writes them into the index.

use anyhow::Context;
use rustc_hash::FxHashSet;

/// Words too common to search for. Kept short and sorted (for binary search). search.js gets
/// this very list from the index ([`stopwords`]), so the two sides cannot drift apart.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being",
    "but", "by", "can", "could", "do", "does", "for", "from", "had", "has", "have", "how", "if", "in", "into", "is",
    "it", "its", "may", "more", "most", "much", "no", "not", "of", "often", "on", "one", "or", "other", "out", "over",
    "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to",
    "up", "very", "was", "were", "what", "when", "which", "while", "who", "will", "with", "you", "your",
];

/// The Snowball project's Spanish stop words, as published (with accents).
const SPANISH_STOPWORDS: &str = include_str!("stopwords/es.txt");

/// How search treats the words of an edition's language: which words it leaves out and how
/// it folds letters. Languages without their own rules are searched as English is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum SearchLanguage {
    /// English's stop words ([`STOPWORDS`]); every accent and letter folded to ASCII.
    #[default]
    English,
    /// The Snowball Spanish stop words; accents ignored, but ñ kept apart from n (as the
    /// Spanish alphabet files Ñ as a letter of its own: "año" is not "ano"). It is folded to
    /// "ny", which no Spanish word spells.
    Spanish,
}

impl SearchLanguage {
    /// The rules for a language tag (`es`, `es-MX`, `en` …).
    pub(crate) fn of(tag: &str) -> SearchLanguage {
        match tag.split('-').next().unwrap_or(tag).to_ascii_lowercase().as_str() {
            "es" => SearchLanguage::Spanish,
            _ => SearchLanguage::English,
        }
    }
}

/// The words left out of the index in `language`, folded, as the index hands them to
/// search.js (which leaves them out of queries).
pub(crate) fn stopwords(language: SearchLanguage) -> &'static [&'static str] {
    match language {
        SearchLanguage::English => STOPWORDS,
        SearchLanguage::Spanish => spanish_stopwords(),
    }
}

/// [`SPANISH_STOPWORDS`] folded as Spanish text is, sorted and without repeats ("él" and
/// "el" are one).
fn spanish_stopwords() -> &'static [&'static str] {
    static WORDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words: Vec<&'static str> = SPANISH_STOPWORDS
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|w| &*Box::leak(fold_in(SearchLanguage::Spanish, w).into_boxed_str()))
            .collect();
        words.sort_unstable();
        words.dedup();
        words
    })
}

/// `text` as search compares it: transliterated to ASCII (é → e, ø → o, æ → ae, ß → ss) and in
/// lower case. search.js folds what the reader types with [`fold_table`], made from this.
pub(crate) fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_ascii_lowercase()
}

/// `text` folded as search compares it in `language`: as [`fold`] does, except that Spanish
/// keeps ñ apart from n (as "ny").
pub(crate) fn fold_in(language: SearchLanguage, text: &str) -> String {
    match language {
        SearchLanguage::Spanish if text.contains(['ñ', 'Ñ']) => fold(&text.replace(['ñ', 'Ñ'], "ny")),
        _ => fold(text),
    }
}

/// What [`fold_in`] makes of each Latin letter beyond ASCII (Latin-1, Latin Extended-A and -B,
/// Latin Extended Additional), for search.js to fold queries exactly as the index was folded;
/// it strips any other accent itself. Letters that fold to nothing are left out.
pub(crate) fn fold_table(language: SearchLanguage) -> Vec<(char, String)> {
    ('\u{c0}'..='\u{24f}')
        .chain('\u{1e00}'..='\u{1eff}')
        .filter(|c| c.is_alphabetic())
        .map(|c| (c, fold_in(language, c.encode_utf8(&mut [0; 4]))))
        .filter(|(_, folded)| !folded.is_empty() && folded.bytes().all(|b| b.is_ascii_alphanumeric()))
        .collect()
}

/// The distinct search terms of English `text`: [`terms_in`] English.
#[cfg(test)]
pub(crate) fn terms_of(text: &str) -> SearchTerms {
    terms_in(SearchLanguage::English, text)
}

/// The distinct search terms of `text` in `language`, sorted, grouped by their first
/// character (the shard of the index they belong to), each group joined by single spaces:
/// compact to cache, and each shard of the index can be built from its own group alone.
pub(crate) fn terms_in(language: SearchLanguage, text: &str) -> SearchTerms {
    let folded = fold_in(language, text);
    // Words are compared by an integer of their first eight bytes first: most comparisons end
    // there, without a call to compare the strings (this is the hot loop of parsing).
    let (english, spanish) = (stopword_keys(), spanish_stopword_set());
    let is_stopword = |key: u64, w: &str| match language {
        SearchLanguage::English => w.len() <= 8 && english.contains(&key),
        SearchLanguage::Spanish => spanish.contains(w),
    };
    // Repeats are left out as they come (a set of the words seen), so that only the distinct
    // words are looked up among the stop words and sorted: an article's words are mostly repeats, and sorting them all was a
    // third of the time taken to extract terms.
    let mut seen: FxHashSet<&str> = FxHashSet::with_capacity_and_hasher(folded.len() / 16, Default::default());
    let mut terms: Vec<(u64, &str)> = words(&folded)
        .filter(|w| w.len() >= 2 && w.len() <= 40)
        .map(|w| (prefix_key(w), w))
        .filter(|&(key, w)| seen.insert(w) && !is_stopword(key, w))
        .collect();
    terms.sort_unstable();
    let mut packed = SearchTerms {
        text: TermsText::Memory(String::with_capacity(terms.iter().map(|(_, t)| t.len() + 1).sum())),
        ..Default::default()
    };
    for (_, term) in terms {
        packed.push(term);
    }
    packed.finish();
    packed
}

impl SearchTerms {
    /// Adds `term`, which sorts after every term so far.
    fn push(&mut self, term: &str) {
        let key = term.as_bytes()[0];
        let TermsText::Memory(text) = &mut self.text else { unreachable!("terms are added in memory") };
        let new_group = self.groups.last().is_none_or(|g| g.key() != key);
        if new_group && let Some(last) = self.groups.last_mut() {
            last.close(text);
        }
        if !text.is_empty() {
            text.push(' ');
        }
        let start = u32::try_from(text.len()).unwrap_or(u32::MAX);
        text.push_str(term);
        if new_group {
            self.groups.push(Group::new(key, start));
            // Keys beyond the 36 cannot come from `words`; were one to, `group` would search.
            self.keys |= key_bit(key).map_or(SEARCH_GROUPS, |bit| 1 << bit);
        }
    }

    /// Ends the last group where the terms end.
    fn finish(&mut self) {
        if let (TermsText::Memory(text), Some(last)) = (&self.text, self.groups.last_mut()) {
            last.close(text);
        }
    }
}

/// The runs of ASCII letters and digits in `text` (split byte by byte: `text` is ASCII after
/// folding, and this is much faster than splitting by `char`).
fn words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() && !bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        if at == bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        // Both ends sit next to ASCII bytes, so they are character boundaries.
        Some(&text[start..at])
    })
}

/// The first eight bytes of `word` as a big-endian integer (zero-padded): ordered like the
/// words themselves, and equal for words of up to eight bytes only when the words are equal.
fn prefix_key(word: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = word.len().min(8);
    bytes[..n].copy_from_slice(&word.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// [`STOPWORDS`] (none longer than eight bytes) as a set of [`prefix_key`]s: every word of
/// every article is looked up, and a binary search of the list was a quarter of the time
/// taken to extract terms.
fn stopword_keys() -> &'static FxHashSet<u64> {
    static KEYS: std::sync::OnceLock<FxHashSet<u64>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| STOPWORDS.iter().map(|w| prefix_key(w)).collect())
}

/// The Spanish stop words ([`spanish_stopwords`]) as a set, for the same reason.
fn spanish_stopword_set() -> &'static FxHashSet<&'static str> {
    static WORDS: std::sync::OnceLock<FxHashSet<&'static str>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| spanish_stopwords().iter().copied().collect())
}

/// The distinct search terms of one article ([`terms_in`]): every term, sorted and joined by
/// single spaces, in one string, and where each shard's group of terms is in it. One string
/// rather than one per shard: at 100,000 articles a string per group was two million
/// allocations.
///
/// An article from the on-disk cache has no string: its groups' terms stay in the cache file,
/// where the terms of each shard lie together ([`TermsSource`]). A build needs the terms of one
/// shard only to write that shard, and one edit touches few shards, while every other use (the
/// shards' fingerprints) needs only the groups' hashes. Decoding every article's terms was a
/// quarter of the time a build with one article changed spent reading the cache.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct SearchTerms {
    /// (In the on-disk cache, the groups and their terms are kept apart from the rest:
    /// [`SearchTerms::kept_groups`].)
    #[serde(skip)]
    text: TermsText,
    #[serde(skip)]
    groups: Vec<Group>,
    /// Which keys have a group, one bit each ([`key_bit`]): a look at this alone says whether
    /// an article has terms in a shard, and finds the group at once when it has, where a search
    /// of the groups touched memory all over. Decoding checks the kept groups against it.
    keys: u64,
}

/// Where the terms of a [`SearchTerms`] are.
#[derive(Debug, Clone)]
enum TermsText {
    /// In this string.
    Memory(String),
    /// In a file, each group in the part of its shard's key.
    Kept(std::sync::Arc<dyn TermsSource>),
}

impl Default for TermsText {
    fn default() -> Self {
        TermsText::Memory(String::new())
    }
}

/// Where articles' terms are kept out of memory (the on-disk cache): for each shard's key, the
/// terms of that shard of every article, one group after another.
pub(crate) trait TermsSource: std::fmt::Debug + Send + Sync {
    /// The terms of shard `key` of every article kept here, read once.
    fn shard(&self, key: u8) -> anyhow::Result<&str>;
    /// The length of shard `key`'s part, known without reading it.
    fn shard_len(&self, key: u8) -> u64;
}

/// The groups of a [`SearchTerms`] as the on-disk cache keeps them: where each group's terms
/// are in its shard's part of the cache file. Encoded as one run of bytes, 16 for each group
/// ([`Group::to_bytes`]): decoded one number at a time, the groups were a sixth of the decoding
/// of the cache, which is most of a build with one article changed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct KeptGroups(Vec<Group>);

impl serde::Serialize for KeptGroups {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = self.0.iter().flat_map(Group::to_bytes).collect();
        serializer.serialize_bytes(&bytes)
    }
}

impl<'de> serde::Deserialize<'de> for KeptGroups {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = KeptGroups;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "search term groups of {GROUP_BYTES} bytes each")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<KeptGroups, E> {
                if !bytes.len().is_multiple_of(GROUP_BYTES) {
                    return Err(E::invalid_length(bytes.len(), &self));
                }
                Ok(KeptGroups(bytes.chunks_exact(GROUP_BYTES).map(Group::from_bytes).collect()))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

/// How many bytes a [`Group`] takes in the on-disk cache.
const GROUP_BYTES: usize = 16;

/// Two sets of terms are equal when their groups are: the same keys, with terms of the same
/// hashes (wherever those terms are kept).
impl PartialEq for SearchTerms {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys
            && self.groups.len() == other.groups.len()
            && self
                .groups
                .iter()
                .zip(&other.groups)
                .all(|(a, b)| (a.tagged, a.end - a.start) == (b.tagged, b.end - b.start))
    }
}

impl Eq for SearchTerms {}

/// The bit of [`SearchTerms::keys`] that says a key had no bit: look the group up by searching.
const SEARCH_GROUPS: u64 = 1 << 63;

/// The bit of `key` in [`SearchTerms::keys`]: terms start with a digit or a lower-case ASCII
/// letter, 36 keys in all.
fn key_bit(key: u8) -> Option<u32> {
    match key {
        b'0'..=b'9' => Some(u32::from(key - b'0')),
        b'a'..=b'z' => Some(u32::from(key - b'a') + 10),
        _ => None,
    }
}

/// A group of [`SearchTerms`]: the terms starting with one key, from byte `start` to byte
/// `end` of the text (or of the shard's part of the file that keeps them).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    /// The key in the top byte, and below it 56 bits of a hash of the group's terms, so that a
    /// shard's fingerprint need not read every term. One word for both keeps a group at 16
    /// bytes: every article has a couple of dozen, 100,000 articles two and a half million.
    tagged: u64,
    start: u32,
    end: u32,
}

const HASH_BITS: u64 = (1 << 56) - 1;

impl Group {
    /// The group as the on-disk cache keeps it ([`KeptGroups`]).
    fn to_bytes(&self) -> [u8; GROUP_BYTES] {
        let mut bytes = [0; GROUP_BYTES];
        bytes[..8].copy_from_slice(&self.tagged.to_le_bytes());
        bytes[8..12].copy_from_slice(&self.start.to_le_bytes());
        bytes[12..].copy_from_slice(&self.end.to_le_bytes());
        bytes
    }

    /// The group of [`Group::to_bytes`]; `bytes` holds [`GROUP_BYTES`].
    fn from_bytes(bytes: &[u8]) -> Group {
        let word = |range: std::ops::Range<usize>| -> [u8; 4] { bytes[range].try_into().expect("four bytes") };
        Group {
            tagged: u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes")),
            start: u32::from_le_bytes(word(8..12)),
            end: u32::from_le_bytes(word(12..16)),
        }
    }

    fn new(key: u8, start: u32) -> Group {
        Group { tagged: u64::from(key) << 56, start, end: start }
    }

    fn key(&self) -> u8 {
        (self.tagged >> 56) as u8
    }

    fn hash(&self) -> u64 {
        self.tagged & HASH_BITS
    }

    /// Ends the group where `text` ends now.
    fn close(&mut self, text: &str) {
        self.end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        let hash = xxhash_rust::xxh3::xxh3_64(&text.as_bytes()[self.start as usize..self.end as usize]);
        self.tagged = (self.tagged & !HASH_BITS) | (hash & HASH_BITS);
    }
}

/// The terms of one article that start with `key`, space-separated and sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ShardTerms<'a> {
    pub(crate) key: u8,
    pub(crate) terms: &'a str,
    /// A hash of `terms` (56 bits of one).
    pub(crate) hash: u64,
}

impl SearchTerms {
    /// Each shard's key with the hash of this article's terms there, in key order (without
    /// reading the terms).
    pub(crate) fn hashes(&self) -> impl Iterator<Item = (u8, u64)> + '_ {
        self.groups.iter().map(|g| (g.key(), g.hash()))
    }

    /// Each shard's group of terms, in key order.
    pub(crate) fn groups(&self) -> anyhow::Result<Vec<ShardTerms<'_>>> {
        self.groups.iter().map(|g| Ok(ShardTerms { key: g.key(), terms: self.terms_of(g)?, hash: g.hash() })).collect()
    }

    /// The terms that start with `key`, if there are any.
    pub(crate) fn group(&self, key: u8) -> anyhow::Result<Option<&str>> {
        let at = match key_bit(key).filter(|_| self.keys & SEARCH_GROUPS == 0) {
            Some(bit) if self.keys & (1 << bit) == 0 => return Ok(None),
            // Groups are in key order, as the bits are: the group is after those of lower bits.
            Some(bit) => (self.keys & ((1u64 << bit) - 1)).count_ones() as usize,
            None => match self.groups.binary_search_by_key(&key, Group::key) {
                Ok(at) => at,
                Err(_) => return Ok(None),
            },
        };
        self.terms_of(&self.groups[at]).map(Some)
    }

    fn terms_of(&self, group: &Group) -> anyhow::Result<&str> {
        let whole = match &self.text {
            TermsText::Memory(text) => text.as_str(),
            TermsText::Kept(source) => source.shard(group.key())?,
        };
        // Checked when the groups were put in ([`SearchTerms::with_kept_groups`]).
        Ok(whole.get(group.start as usize..group.end as usize).unwrap_or(""))
    }

    /// Where each group's terms go in the part of its key when the parts already hold `lens`
    /// bytes (one length per key, moved on past these terms): what the on-disk cache saves in
    /// place of the terms, which it writes shard by shard, in the same order of articles.
    pub(crate) fn kept_groups(&self, lens: &mut [u64]) -> anyhow::Result<KeptGroups> {
        let mut kept = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            let len = &mut lens[group.key() as usize];
            let start = u32::try_from(*len).context("the search terms of a shard are over 4 GB")?;
            *len += u64::from(group.end - group.start);
            let end = u32::try_from(*len).context("the search terms of a shard are over 4 GB")?;
            kept.push(Group { start, end, ..group.clone() });
        }
        Ok(KeptGroups(kept))
    }

    /// These terms, decoded from the on-disk cache without their groups, with the `groups` it
    /// kept apart, whose terms are in `source`; `None` when the groups do not fit the keys or
    /// the source (a damaged cache).
    pub(crate) fn with_kept_groups(
        self,
        groups: KeptGroups,
        source: &std::sync::Arc<dyn TermsSource>,
    ) -> Option<SearchTerms> {
        let KeptGroups(groups) = groups;
        let mut keys = 0;
        for (i, g) in groups.iter().enumerate() {
            let ordered = i == 0 || groups[i - 1].key() < g.key();
            if !ordered || g.start > g.end || u64::from(g.end) > source.shard_len(g.key()) {
                return None;
            }
            keys |= key_bit(g.key()).map_or(SEARCH_GROUPS, |bit| 1 << bit);
        }
        (keys == self.keys).then(|| SearchTerms { text: TermsText::Kept(std::sync::Arc::clone(source)), groups, keys })
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        if let TermsText::Memory(text) = &mut self.text {
            text.shrink_to_fit();
        }
        self.groups.shrink_to_fit();
    }
}

/// A snippet for search results: `summary` if the article has one, otherwise the start of
/// its text, cut at a word boundary.
pub(crate) fn snippet_of(summary: Option<&str>, text: &str) -> String {
    const MAX: usize = 160;
    let source = summary.unwrap_or(text);
    let words: Vec<&str> = source.split_whitespace().collect();
    let mut out = String::new();
    for word in words {
        if out.len() + word.len() + 1 > MAX {
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_and_short_enough_to_be_keys() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOPWORDS.iter().all(|w| w.len() <= 8));
        assert_eq!(stopword_keys().len(), STOPWORDS.len(), "no two stop words share a key");
        assert!(STOPWORDS.iter().all(|w| stopword_keys().contains(&prefix_key(w))));
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(words(" l4-l5, disc; x").collect::<Vec<_>>(), ["l4", "l5", "disc", "x"]);
        assert_eq!(words("").count(), 0);
        assert_eq!(words("--").count(), 0);
    }

    #[test]
    fn prefix_keys_order_like_the_words() {
        let mut words = ["back", "backache", "backaches", "b", "ba", "zz", "a1", "a10", "a9"];
        words.sort_unstable();
        let mut keyed: Vec<(u64, &str)> = words.iter().map(|w| (prefix_key(w), *w)).collect();
        keyed.sort_unstable();
        assert_eq!(keyed.iter().map(|k| k.1).collect::<Vec<_>>(), words);
    }

    #[test]
    fn a_group_is_found_by_its_key_as_by_searching_the_groups() {
        let texts = ["", "Zebra", "0 9 a z", "Quiet 42 xylophones and 7 apples, bananas, 2020 zoos", "ñandú"];
        for text in texts {
            let terms = terms_of(text);
            let groups: Vec<ShardTerms<'_>> = terms.groups().unwrap();
            for key in 0..=u8::MAX {
                let searched = groups.iter().find(|g| g.key == key).map(|g| g.terms);
                assert_eq!(terms.group(key).unwrap(), searched, "{text:?}, key {key}");
            }
        }
        // A key without a bit of its own (none comes from real text) is searched for.
        let mut odd = SearchTerms::default();
        for term in ["#x", "bb", "~y"] {
            odd.push(term);
        }
        odd.finish();
        let found = [b'#', b'b', b'~', b'c'].map(|key| odd.group(key).unwrap());
        assert_eq!(found, [Some("#x"), Some("bb"), Some("~y"), None]);
    }

    /// The shards' parts of a cache file, in memory.
    #[derive(Debug)]
    struct Parts(Vec<String>);

    impl TermsSource for Parts {
        fn shard(&self, key: u8) -> anyhow::Result<&str> {
            Ok(&self.0[key as usize])
        }
        fn shard_len(&self, key: u8) -> u64 {
            self.0[key as usize].len() as u64
        }
    }

    #[test]
    fn terms_kept_in_the_shards_parts_read_back_as_they_were() {
        let texts = ["Zebra", "", "Quiet 42 xylophones and 7 apples, bananas, 2020 zoos", "apples and zebras"];
        let terms: Vec<SearchTerms> = texts.iter().map(|t| terms_of(t)).collect();
        let mut lens = vec![0; 256];
        let kept: Vec<KeptGroups> = terms.iter().map(|t| t.kept_groups(&mut lens).unwrap()).collect();
        let part = |key: u8| -> String { terms.iter().filter_map(|t| t.group(key).unwrap()).collect() };
        let parts = Parts((0..=u8::MAX).map(part).collect());
        assert!((0..=u8::MAX).all(|key| parts.0[key as usize].len() as u64 == lens[key as usize]));
        assert_eq!(parts.0[b'a' as usize], "applesapples", "each shard's terms lie together");
        let source: std::sync::Arc<dyn TermsSource> = std::sync::Arc::new(parts);
        // The rest of the terms goes through the cache's encoding, which leaves the groups out.
        let encoded: Vec<Vec<u8>> = terms.iter().map(|t| postcard::to_stdvec(t).unwrap()).collect();
        // So do the groups, in the cache's encoding of their own.
        let kept: Vec<KeptGroups> = kept
            .iter()
            .map(|k| postcard::from_bytes(&postcard::to_stdvec(k).unwrap()).expect("kept groups decode"))
            .collect();
        assert!(postcard::from_bytes::<KeptGroups>(&[3, 1, 2, 3]).is_err(), "a group cut short is damage");
        for ((original, kept), bytes) in terms.iter().zip(kept).zip(&encoded) {
            let decoded: SearchTerms = postcard::from_bytes(bytes).unwrap();
            let back = decoded.with_kept_groups(kept, &source).expect("the groups fit");
            assert!(matches!(back.text, TermsText::Kept(_)));
            assert_eq!(&back, original);
            assert_eq!(back.groups().unwrap(), original.groups().unwrap());
            assert_eq!(back.hashes().collect::<Vec<_>>(), original.hashes().collect::<Vec<_>>());
            for key in 0..=u8::MAX {
                assert_eq!(back.group(key).unwrap(), original.group(key).unwrap());
            }
        }
        // Groups that do not fit their part, or the keys, are a damaged cache.
        let quiet = &terms[2];
        let decoded = || -> SearchTerms { postcard::from_bytes(&encoded[2]).unwrap() };
        let mut groups = quiet.groups.clone();
        groups[0].end = u32::MAX;
        assert!(decoded().with_kept_groups(KeptGroups(groups), &source).is_none());
        let groups = quiet.groups[1..].to_vec();
        assert!(decoded().with_kept_groups(KeptGroups(groups), &source).is_none());
        let mut groups = quiet.groups.clone();
        groups.swap(0, 1);
        assert!(decoded().with_kept_groups(KeptGroups(groups), &source).is_none());
    }

    #[test]
    fn terms_are_folded_split_deduplicated_and_sorted() {
        let flat = |text: &str| -> Vec<(char, String)> {
            terms_of(text).groups().unwrap().iter().map(|g| (g.key as char, g.terms.to_string())).collect()
        };
        assert_eq!(
            flat("Ménière's disease: the inner EAR, and the ear canal."),
            [
                ('c', "canal".into()),
                ('d', "disease".into()),
                ('e', "ear".into()),
                ('i', "inner".into()),
                ('m', "meniere".into())
            ]
        );
        assert_eq!(
            flat("X-rays at L4/L5 (2-5 days)"),
            [('d', "days".into()), ('l', "l4 l5".into()), ('r', "rays".into())]
        );
        assert_eq!(terms_of("").groups().unwrap().len(), 0);
    }

    /// One table of test vectors for folding, run here and against search.js (by
    /// `tests/ranking.rs`): the two sides fold alike.
    #[test]
    fn folding_follows_the_shared_test_vectors() {
        let vectors: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../tests/fixtures/folding.json")).unwrap();
        assert!(vectors.len() >= 10);
        for v in vectors {
            let (text, folded) = (v["text"].as_str().unwrap(), v["folded"].as_str().unwrap());
            assert_eq!(fold(text), folded, "fold({text:?})");
        }
    }

    #[test]
    fn spanish_search_ignores_accents_keeps_enye_and_leaves_out_snowball_stop_words() {
        let flat = |text: &str| -> Vec<String> {
            terms_in(SearchLanguage::Spanish, text)
                .groups()
                .unwrap()
                .iter()
                .flat_map(|g| g.terms.split(' ').map(String::from))
                .collect()
        };
        assert_eq!(
            flat("El dolor de espalda está en la región lumbar, más que en el año"),
            ["anyo", "dolor", "espalda", "lumbar", "region"]
        );
        assert_eq!(fold_in(SearchLanguage::Spanish, "Niño ÑANDÚ"), "ninyo nyandu");
        assert_eq!(fold_in(SearchLanguage::English, "Niño"), "nino");
        let stop = stopwords(SearchLanguage::Spanish);
        assert!(stop.windows(2).all(|w| w[0] < w[1]));
        for w in ["de", "el", "mas", "esta", "estuviesemos", "y"] {
            assert!(stop.contains(&w), "{w}");
        }
        assert!(!stop.contains(&"the"));
        assert_eq!(SearchLanguage::of("es-MX"), SearchLanguage::Spanish);
        assert_eq!(SearchLanguage::of("fr"), SearchLanguage::English);
        let table: std::collections::HashMap<char, String> = fold_table(SearchLanguage::Spanish).into_iter().collect();
        assert_eq!(table.get(&'ñ').map(String::as_str), Some("ny"));
        assert_eq!(table.get(&'á').map(String::as_str), Some("a"));
    }

    #[test]
    fn the_fold_table_covers_the_letters_readers_type_beyond_ascii() {
        let table: std::collections::HashMap<char, String> = fold_table(SearchLanguage::English).into_iter().collect();
        for (c, folded) in [('ø', "o"), ('Ø', "o"), ('æ', "ae"), ('ß', "ss"), ('é', "e"), ('ł', "l"), ('ő', "o")]
        {
            assert_eq!(table.get(&c).map(String::as_str), Some(folded), "{c}");
        }
    }

    #[test]
    fn snippets_prefer_the_summary_and_stop_at_a_word() {
        assert_eq!(snippet_of(Some("A short summary."), "Body text."), "A short summary.");
        let long = "word ".repeat(60);
        let s = snippet_of(None, &long);
        assert!(s.ends_with("word…") && s.len() <= 163, "{s}");
    }
}
