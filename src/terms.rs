//! The words search matches on, worked out the same way for articles (here) and for what a
//! reader types (in `search.js`): accents and case dropped, split at anything that is not a
//! letter or digit, very common words left out. A leaf: the load stage extracts each article's
//! terms once, when it parses it, and the render stage writes them into the index.

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
    let is_stopword = |key: u64, w: &str| match language {
        SearchLanguage::English => w.len() <= 8 && stopword_keys().binary_search(&key).is_ok(),
        SearchLanguage::Spanish => spanish_stopwords().binary_search(&w).is_ok(),
    };
    let mut terms: Vec<(u64, &str)> = words(&folded)
        .filter(|w| w.len() >= 2 && w.len() <= 40)
        .map(|w| (prefix_key(w), w))
        .filter(|&(key, w)| !is_stopword(key, w))
        .collect();
    terms.sort_unstable();
    terms.dedup();
    let mut packed =
        SearchTerms { text: String::with_capacity(terms.iter().map(|(_, t)| t.len() + 1).sum()), ..Default::default() };
    let mut start = 0;
    for (_, term) in terms {
        let key = term.as_bytes()[0];
        match packed.groups.last() {
            Some(group) if group.key == key => {}
            Some(_) => {
                packed.close_group(start);
                start = packed.text.len() + 1;
                packed.open_group(key);
            }
            None => packed.open_group(key),
        }
        if !packed.text.is_empty() {
            packed.text.push(' ');
        }
        packed.text.push_str(term);
    }
    if !packed.groups.is_empty() {
        packed.close_group(start);
    }
    packed
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

/// [`STOPWORDS`] (none longer than eight bytes) as sorted [`prefix_key`]s.
fn stopword_keys() -> &'static [u64] {
    static KEYS: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| STOPWORDS.iter().map(|w| prefix_key(w)).collect())
}

/// The distinct search terms of one article ([`terms_in`]): every term, sorted and joined by
/// single spaces, in one string, and where each shard's group of terms ends in it. One string
/// rather than one per shard: every build decodes the cached terms of every article, and at
/// 100,000 articles a string per group was two million allocations.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct SearchTerms {
    text: String,
    groups: Vec<Group>,
    /// Which keys have a group, one bit each ([`key_bit`]): the shard pages look up one key in
    /// every article, and a look at this alone answers most of them (and finds the group at
    /// once for the others) where a search of the groups touched memory all over.
    keys: u64,
}

/// The bit of `key` in [`SearchTerms::keys`]: terms start with a digit or a lower-case ASCII
/// letter, 36 keys in all.
/// The bit of [`SearchTerms::keys`] that says a key had no bit: look the group up by searching.
const SEARCH_GROUPS: u64 = 1 << 63;

fn key_bit(key: u8) -> Option<u32> {
    match key {
        b'0'..=b'9' => Some(u32::from(key - b'0')),
        b'a'..=b'z' => Some(u32::from(key - b'a') + 10),
        _ => None,
    }
}

/// A group of [`SearchTerms`]: the terms starting with `key`, up to byte `end` of the text
/// (from just after the previous group's end, or from the start).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Group {
    key: u8,
    end: u32,
    /// A hash of the group's terms, so that a shard's fingerprint need not read every term.
    hash: u64,
}

/// The terms of one article that start with `key`, space-separated and sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ShardTerms<'a> {
    pub(crate) key: u8,
    pub(crate) terms: &'a str,
    /// A hash of `terms`.
    pub(crate) hash: u64,
}

impl SearchTerms {
    fn open_group(&mut self, key: u8) {
        self.groups.push(Group { key, end: 0, hash: 0 });
        // Keys beyond the 36 cannot come from `words`; were one to, `group` would search.
        self.keys |= key_bit(key).map_or(SEARCH_GROUPS, |bit| 1 << bit);
    }

    /// Ends the last group, which started at byte `start`, where the text ends now.
    fn close_group(&mut self, start: usize) {
        let end = self.text.len();
        let group = self.groups.last_mut().expect("a group to close");
        group.end = u32::try_from(end).unwrap_or(u32::MAX);
        group.hash = xxhash_rust::xxh3::xxh3_64(&self.text.as_bytes()[start..end]);
    }

    /// Each shard's group of terms, in key order.
    pub(crate) fn groups(&self) -> impl Iterator<Item = ShardTerms<'_>> {
        let mut start = 0;
        self.groups.iter().map(move |g| {
            let end = g.end as usize;
            let terms = self.text.get(start..end).unwrap_or("");
            start = end + 1;
            ShardTerms { key: g.key, terms, hash: g.hash }
        })
    }

    /// The terms that start with `key`, if there are any.
    pub(crate) fn group(&self, key: u8) -> Option<&str> {
        let at = match key_bit(key).filter(|_| self.keys & SEARCH_GROUPS == 0) {
            Some(bit) if self.keys & (1 << bit) == 0 => return None,
            // Groups are in key order, as the bits are: the group is after those of lower bits.
            Some(bit) => (self.keys & ((1u64 << bit) - 1)).count_ones() as usize,
            None => self.groups.binary_search_by_key(&key, |g| g.key).ok()?,
        };
        let start = if at == 0 { 0 } else { self.groups[at - 1].end as usize + 1 };
        self.text.get(start..self.groups[at].end as usize)
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
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
        assert!(stopword_keys().windows(2).all(|k| k[0] < k[1]));
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
            let groups: Vec<ShardTerms<'_>> = terms.groups().collect();
            for key in 0..=u8::MAX {
                let searched = groups.iter().find(|g| g.key == key).map(|g| g.terms);
                assert_eq!(terms.group(key), searched, "{text:?}, key {key}");
            }
        }
        // A key without a bit of its own (none comes from real text) is searched for.
        let mut odd = SearchTerms::default();
        for (key, term) in [(b'#', "#x"), (b'b', "bb"), (b'~', "~y")] {
            if !odd.text.is_empty() {
                odd.text.push(' ');
            }
            let start = odd.text.len();
            odd.open_group(key);
            odd.text.push_str(term);
            odd.close_group(start);
        }
        assert_eq!(
            (odd.group(b'#'), odd.group(b'b'), odd.group(b'~'), odd.group(b'c')),
            (Some("#x"), Some("bb"), Some("~y"), None)
        );
    }

    #[test]
    fn terms_are_folded_split_deduplicated_and_sorted() {
        let flat = |text: &str| -> Vec<(char, String)> {
            terms_of(text).groups().map(|g| (g.key as char, g.terms.to_string())).collect()
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
        assert_eq!(terms_of("").groups().count(), 0);
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
