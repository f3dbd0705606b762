//! Filing names under the A–Z bar: which letter a title or alternative name belongs to, and
//! the order in which names are listed on a letter page.
//!
//! Filing ignores letter case, accents and leading punctuation: "Ménière disease" files under
//! M, "\"Broken heart\" syndrome" under B, "5-alpha-reductase deficiency" under 0-9. Names that
//! start with no letter or digit at all (only punctuation or emoji) also file under 0-9, the
//! page for everything that is not A–Z. Letters of other scripts are transliterated first
//! (deunicode), so "Æ" files under A.
//!
//! An edition files by its language's [`Alphabet`]: Spanish has Ñ as a letter of its own,
//! after N ("ñame" files under Ñ, "niño" under N); accents are ignored as in English.

use std::fmt;

use serde::Serialize;

/// One of the sections of the A–Z bar: 27 in English, 28 in Spanish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Letter {
    /// An ASCII upper-case letter `A`..=`Z`.
    Alpha(u8),
    /// Spanish Ñ, a letter of its own after N.
    Enye,
    /// Digits and everything that does not file under a letter.
    Other,
}

impl Ord for Letter {
    /// Bar order: A … N, Ñ, O … Z, then 0-9.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |l: &Letter| match *l {
            Letter::Alpha(c) => u16::from(c) * 2,
            Letter::Enye => u16::from(b'N') * 2 + 1,
            Letter::Other => u16::MAX,
        };
        rank(self).cmp(&rank(other))
    }
}

impl PartialOrd for Letter {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// How an edition's language files names under letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) enum Alphabet {
    /// A–Z, accents ignored: English and every language without rules of its own here.
    #[default]
    Latin,
    /// A–Z with Ñ after N.
    Spanish,
}

impl Alphabet {
    /// The alphabet of a language tag (`es`, `es-MX` …).
    pub(crate) fn of_language(tag: &str) -> Alphabet {
        match tag.split('-').next().map(str::to_ascii_lowercase).as_deref() {
            Some("es") => Alphabet::Spanish,
            _ => Alphabet::Latin,
        }
    }

    /// The sections of this alphabet's bar, in order.
    pub(crate) fn letters(self) -> impl Iterator<Item = Letter> {
        let enye = (self == Alphabet::Spanish).then_some(Letter::Enye);
        let mut all: Vec<Letter> = Letter::all().chain(enye).collect();
        all.sort();
        all.into_iter()
    }

    /// The letter `name`, whose [`sort_key`] is `key`, files under.
    pub(crate) fn letter_of(self, name: &str, key: &str) -> Letter {
        let letter = letter_of_key(key);
        if self == Alphabet::Spanish && letter == Letter::Alpha(b'N') {
            // The first letter or digit of the name as written, in composed or decomposed form.
            let mut chars = name.chars().skip_while(|c| !c.is_alphanumeric());
            let first = chars.next();
            if matches!(first, Some('ñ' | 'Ñ')) || (matches!(first, Some('n' | 'N')) && chars.next() == Some('\u{303}'))
            {
                return Letter::Enye;
            }
        }
        letter
    }
}

impl Letter {
    /// All sections in the order of the bar: A … Z, then 0-9.
    pub(crate) fn all() -> impl Iterator<Item = Letter> {
        (b'A'..=b'Z').map(Letter::Alpha).chain(std::iter::once(Letter::Other))
    }

    /// The label shown in the bar.
    pub(crate) fn label(self) -> String {
        match self {
            Letter::Alpha(c) => (c as char).to_string(),
            Letter::Enye => "Ñ".to_string(),
            Letter::Other => "0-9".to_string(),
        }
    }

    /// The file name of this letter's page.
    pub(crate) fn file_name(self) -> String {
        match self {
            Letter::Alpha(c) => format!("letter-{}.html", (c as char).to_ascii_lowercase()),
            // ASCII, like every other file name encyc makes.
            Letter::Enye => "letter-enye.html".to_string(),
            Letter::Other => "letter-0-9.html".to_string(),
        }
    }
}

impl fmt::Display for Letter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl Serialize for Letter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

/// The letter a name files under.
pub(crate) fn letter_of(name: &str) -> Letter {
    letter_of_key(&sort_key(name))
}

/// The letter of a name, given its [`sort_key`] (which starts at the letter that counts).
pub(crate) fn letter_of_key(key: &str) -> Letter {
    match key.bytes().next() {
        Some(c) if c.is_ascii_alphabetic() => Letter::Alpha(c.to_ascii_uppercase()),
        _ => Letter::Other,
    }
}

/// The key names are sorted by on a letter page: transliterated, lower-case, without leading
/// punctuation. Callers add the name itself as a tie-breaker so the order is total.
pub(crate) fn sort_key(name: &str) -> String {
    folded(name)
}

/// The key two names are compared by, as readers see them: ignoring letter case and accents
/// ("Ménière disease" and "meniere Disease" are one name), and runs of spaces. Only Latin
/// letters lose their accents; other scripts, punctuation and symbols are kept, so that
/// "C++" and "C", or two names in Greek, stay apart. Titles must differ by this key, and wiki
/// links find names by it.
pub(crate) fn name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.chars().flat_map(char::to_uppercase).flat_map(char::to_lowercase) {
        if ch.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else if matches!(ch as u32, 0x0300..=0x036F) {
            // A combining accent (a name typed in decomposed form).
        } else if ch.is_alphabetic() && matches!(ch as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF) {
            // Latin with a diacritic: é → e, ß → ss, æ → ae.
            out.extend(deunicode::deunicode_char(ch).unwrap_or("").chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push(ch);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// `name` transliterated to ASCII, lower-cased, starting at its first letter or digit.
/// Symbols that transliterate to words (emoji become `:grinning:`-like names) are treated
/// as punctuation, so an emoji-only title does not file under a letter of its description.
fn folded(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut buf = [0u8; 4];
    // Fold case first (upper, then lower: close to Unicode case folding, which the standard
    // library lacks): transliteration is not case-blind ("Ǝ" becomes "3" but "ǝ" "@"), and some
    // letters have two lower-case forms (the micro sign "µ" and the Greek "μ").
    for ch in name.chars().flat_map(char::to_uppercase).flat_map(char::to_lowercase) {
        let ascii: &str = if ch.is_ascii() {
            ch.encode_utf8(&mut buf)
        } else if ch.is_alphanumeric() {
            deunicode::deunicode_char(ch).unwrap_or("")
        } else {
            // Punctuation, symbols and emoji count only as separators.
            " "
        };
        for c in ascii.chars() {
            if out.is_empty() && !c.is_ascii_alphanumeric() {
                continue;
            }
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filing_table() {
        let cases = [
            ("Nonspecific back pain", "N"),
            ("back pain - nonspecific", "B"),
            ("Ménière disease", "M"),
            ("Écthyma", "E"),
            ("Ångström retinal sign", "A"),
            ("\"Broken heart\" syndrome", "B"),
            ("(Para)thyroid adenoma", "P"),
            ("pH imbalance", "P"),
            ("5-alpha-reductase deficiency", "0-9"),
            ("11-beta-hydroxylase deficiency", "0-9"),
            ("¿Qué?", "Q"),
            ("Æsthesia", "A"),
            ("...", "0-9"),
            ("😀😀", "0-9"),
            ("😀 Smile", "S"),
            ("", "0-9"),
            ("   ", "0-9"),
        ];
        for (name, want) in cases {
            assert_eq!(letter_of(name).label(), want, "{name:?}");
        }
    }

    /// Found by `cargo fuzz run letters` (fuzz/regressions/letters/turned-e): the upper-case
    /// form of a letter transliterated differently from its lower-case form.
    #[test]
    fn filing_ignores_case_even_where_transliteration_does_not() {
        assert_eq!(letter_of("ǝO"), letter_of("ƎO"));
        assert_eq!(letter_of("ǝO").label(), "O");
        // fuzz/regressions/letters/micro-sign: "µ" upper-cases to the Greek "Μ".
        assert_eq!(letter_of("°µ"), letter_of("°Μ"));
    }

    #[test]
    fn sorting_ignores_case_accents_and_leading_punctuation() {
        let mut names = vec!["zeta", "\"Broken heart\" syndrome", "Ménière disease", "apple", "Meniere", "Back pain"];
        names.sort_by_key(|n| (sort_key(n), n.to_string()));
        assert_eq!(
            names,
            vec!["apple", "Back pain", "\"Broken heart\" syndrome", "Meniere", "Ménière disease", "zeta"]
        );
    }

    #[test]
    fn names_are_one_name_when_they_differ_only_in_case_accents_or_spacing() {
        for (a, b) in [
            ("Ménière disease", "meniere DISEASE"),
            ("Me\u{301}nie\u{300}re disease", "Ménière disease"),
            ("Sjögren  syndrome ", "sjogren syndrome"),
            ("Straße", "STRASSE"),
        ] {
            assert_eq!(name_key(a), name_key(b), "{a} / {b}");
        }
        for (a, b) in [("C++", "C"), ("Back-pain", "Back pain"), ("αβ", "ab"), ("😀", "😃")] {
            assert_ne!(name_key(a), name_key(b), "{a} / {b}");
        }
    }

    #[test]
    fn spanish_files_enye_after_n_and_ignores_other_accents() {
        let spanish = Alphabet::Spanish;
        let file = |name: &str| spanish.letter_of(name, &sort_key(name)).label();
        assert_eq!(file("ñame"), "Ñ");
        assert_eq!(file("Ñandú"), "Ñ");
        assert_eq!(file("n\u{303}ame"), "Ñ");
        assert_eq!(file("¿Ñu?"), "Ñ");
        assert_eq!(file("niño"), "N");
        assert_eq!(file("Úlcera"), "U");
        assert_eq!(Alphabet::Latin.letter_of("ñame", &sort_key("ñame")).label(), "N");
        let bar: Vec<String> = spanish.letters().map(Letter::label).collect();
        assert_eq!(bar.len(), 28);
        assert_eq!(&bar[13..16], ["N", "Ñ", "O"]);
        assert_eq!(bar[27], "0-9");
        assert_eq!(Letter::Enye.file_name(), "letter-enye.html");
        assert_eq!(Alphabet::Latin.letters().count(), 27);
    }

    #[test]
    fn the_bar_has_27_sections_in_order() {
        let labels: Vec<String> = Letter::all().map(Letter::label).collect();
        assert_eq!(labels.len(), 27);
        assert_eq!(labels[0], "A");
        assert_eq!(labels[25], "Z");
        assert_eq!(labels[26], "0-9");
        assert_eq!(Letter::Other.file_name(), "letter-0-9.html");
        assert_eq!(Letter::Alpha(b'N').file_name(), "letter-n.html");
    }
}
