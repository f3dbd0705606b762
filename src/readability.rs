//! How hard an article's prose is to read: the Flesch–Kincaid grade, with what to rewrite.
//!
//! Patient information should be readable at a 6th–8th grade level (NIH, NLM), so `encyc
//! check` warns about articles above the site's `reading_grade_max`. No maintained crate does
//! this, and the formula is small:
//!
//! grade = 0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59
//!
//! (Kincaid, Fishburne, Rogers & Chissom, "Derivation of new readability formulas … for Navy
//! enlisted personnel", Research Branch Report 8-75, 1975.) Syllables are counted by a vowel
//! group heuristic with a small dictionary of medical words it gets wrong. The text comes in
//! as blocks (paragraphs, list items): the end of a block ends a sentence, so a list item
//! without a full stop is not glued to the next one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An article's reading figures, and the sentences and words that push its grade up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Reading {
    pub(crate) words: usize,
    pub(crate) sentences: usize,
    pub(crate) syllables: usize,
    /// The longest sentences (most words first), at most three.
    pub(crate) longest_sentences: Vec<String>,
    /// Words of three or more syllables, most frequent first, at most five, with their counts.
    pub(crate) long_words: Vec<(String, usize)>,
}

/// Words a vowel-group count gets wrong, many of them medical, with their syllables as a
/// dictionary divides them (Merriam-Webster).
const DICTIONARY: &[(&str, usize)] = &[
    ("anemia", 4),
    ("being", 2),
    ("biopsy", 3),
    ("create", 2),
    ("diabetes", 4),
    ("diagnose", 3),
    ("diagnosis", 4),
    ("fluid", 2),
    ("idea", 3),
    ("nausea", 3),
    ("osteoarthritis", 6),
    ("osteoporosis", 6),
    ("period", 3),
    ("physiotherapy", 6),
    ("pneumonia", 4),
    ("radiate", 3),
    ("sciatica", 4),
    ("serious", 3),
    ("triage", 2),
    ("various", 3),
];

/// [`syllables_with`], with a buffer of its own.
#[cfg(test)]
fn syllables(word: &str) -> usize {
    syllables_with(word, &mut String::new())
}

/// The syllables of one word (letters only; case is ignored), lowercased into `word_buffer`:
/// [`measure`] counts every word of every article, and one buffer for them all saves an
/// allocation per word.
fn syllables_with(word: &str, word_buffer: &mut String) -> usize {
    word_buffer.clear();
    word_buffer.extend(word.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase));
    let word = word_buffer.as_str();
    if word.is_empty() {
        return 0;
    }
    if let Some(&(_, n)) = DICTIONARY.iter().find(|(w, _)| *w == word) {
        return n;
    }
    // Plurals and past tenses of dictionary words: "biopsies" is "biopsy" + s.
    for (suffix, base_suffix) in [("ies", "y"), ("s", ""), ("es", "e"), ("d", ""), ("ed", "e")] {
        if let Some(stem) = word.strip_suffix(suffix) {
            let is_base = |w: &str| w.strip_suffix(base_suffix) == Some(stem);
            if let Some(&(_, n)) = DICTIONARY.iter().find(|(w, _)| is_base(w)) {
                return n;
            }
        }
    }
    if word.is_ascii() { heuristic(word, word.as_bytes()) } else { heuristic(word, &word.chars().collect::<Vec<_>>()) }
}

/// Vowel groups, less a silent final `e` (but not `-le` after a consonant: "ta-ble") and a
/// silent `-ed`/`-es` ("hoped", "makes"; but "wanted", "boxes"). `chars` are the word's
/// characters: its bytes when it is ASCII, as almost every word is.
fn heuristic<C: Copy + Into<char>>(word: &str, chars: &[C]) -> usize {
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut groups = 0;
    let mut previous_vowel = false;
    for (i, &c) in chars.iter().enumerate() {
        let c: char = c.into();
        // A `y` that starts a word is a consonant ("yes").
        let vowel = is_vowel(c) && !(c == 'y' && i == 0);
        if vowel && !previous_vowel {
            groups += 1;
        }
        previous_vowel = vowel;
    }
    let n = chars.len();
    let consonant_at = |i: usize| i < n && !is_vowel(chars[i].into());
    if groups > 1 {
        if word.ends_with('e') && !word.ends_with("le") && !word.ends_with("ee") && n >= 2 && consonant_at(n - 2) {
            groups -= 1;
        } else if word.ends_with("le") && n >= 3 && !consonant_at(n - 3) {
            // "whale", "mile": the `e` is silent after a vowel.
            groups -= 1;
        } else if (word.ends_with("ed") || word.ends_with("es")) && n >= 3 && consonant_at(n - 3) {
            let before: char = chars[n - 3].into();
            let sounded = if word.ends_with("ed") {
                matches!(before, 't' | 'd')
            } else {
                matches!(before, 's' | 'x' | 'z' | 'h' | 'c' | 'g')
            };
            if !sounded {
                groups -= 1;
            }
        }
    }
    groups.max(1)
}

/// Measures prose given as blocks (paragraphs, list items), each its own string.
pub(crate) fn measure<'a>(blocks: impl IntoIterator<Item = &'a str>) -> Reading {
    let mut sentences: Vec<Vec<&str>> = Vec::new();
    for block in blocks {
        let mut current: Vec<&str> = Vec::new();
        for token in block.split_whitespace() {
            let is_word = token.chars().any(char::is_alphanumeric);
            if is_word {
                current.push(token);
            }
            if ends_sentence(token) && !current.is_empty() {
                sentences.push(std::mem::take(&mut current));
            }
        }
        if !current.is_empty() {
            sentences.push(current);
        }
    }
    let words: Vec<&str> = sentences.iter().flatten().copied().collect();
    let mut word_buffer = String::new();
    let syllable_counts: Vec<usize> = words.iter().map(|w| syllables_with(w, &mut word_buffer).max(1)).collect();
    let syllable_total: usize = syllable_counts.iter().sum();
    let mut by_length: Vec<&Vec<&str>> = sentences.iter().collect();
    by_length.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let longest_sentences = by_length.iter().take(3).map(|s| s.join(" ")).collect();

    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (word, &n) in words.iter().zip(&syllable_counts) {
        if n >= 3 {
            let bare: String = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            *counts.entry(bare).or_default() += 1;
        }
    }
    let mut long_words: Vec<(String, usize)> = counts.into_iter().collect();
    // Most frequent first; ties in alphabetical order, so the report is the same every time.
    long_words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    long_words.truncate(5);

    Reading { words: words.len(), sentences: sentences.len(), syllables: syllable_total, longest_sentences, long_words }
}

impl Reading {
    /// The Flesch–Kincaid grade level (Kincaid et al. 1975); 0 for a text without words.
    pub(crate) fn grade(&self) -> f64 {
        if self.words == 0 {
            return 0.0;
        }
        let words = self.words as f64;
        0.39 * (words / self.sentences.max(1) as f64) + 11.8 * (self.syllables as f64 / words) - 15.59
    }
}

/// A full stop, question or exclamation mark at the end of a token (after closing quotes or
/// brackets) ends a sentence; one inside a token ("e.g", "3.5") does not.
fn ends_sentence(token: &str) -> bool {
    let trimmed = token.trim_end_matches(['"', '\'', ')', ']', '”', '’']);
    trimmed.ends_with(['.', '?', '!'])
        && !matches!(trimmed.to_lowercase().as_str(), "e.g." | "i.e." | "dr." | "mr." | "mrs." | "ms." | "vs." | "etc.")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flesch's reading ease, the companion formula, from the same counts (Flesch 1948, as
    /// restated by Kincaid et al. 1975): the published examples below give it.
    fn reading_ease(r: &Reading) -> f64 {
        206.835 - 1.015 * (r.words as f64 / r.sentences as f64) - 84.6 * (r.syllables as f64 / r.words as f64)
    }

    /// The worked examples of the Wikipedia article "Flesch–Kincaid readability tests": "The
    /// cat sat on the mat." scores a reading ease of 116, and "This sentence, taken as a
    /// reading passage unto itself, is being used to prove a point." a reading ease of 69.
    /// By hand: 6 words, 1 sentence, 6 syllables (grade 0.39×6 + 11.8×1 − 15.59 = −1.45), and
    /// 16 words, 1 sentence, 23 syllables (grade 0.39×16 + 11.8×23/16 − 15.59 = 7.6125).
    #[test]
    fn published_worked_examples_give_their_scores() {
        let cat = measure(["The cat sat on the mat."]);
        assert_eq!((cat.words, cat.sentences, cat.syllables), (6, 1, 6));
        assert_eq!(reading_ease(&cat).round(), 116.0);
        assert!((cat.grade() - -1.45).abs() < 0.005, "{}", cat.grade());

        let point = measure(["This sentence, taken as a reading passage unto itself, is being used to prove a point."]);
        assert_eq!((point.words, point.sentences, point.syllables), (16, 1, 23));
        assert_eq!(reading_ease(&point).round(), 69.0);
        assert!((point.grade() - 7.6125).abs() < 0.0001, "{}", point.grade());
    }

    #[test]
    fn medical_words_have_their_dictionary_syllables() {
        // Syllables as Merriam-Webster divides them; the bare vowel-group count is wrong on
        // each of the first group (it merges "ia", "eo", "io", "ua", "ui", "ea").
        let cases = [
            ("diabetes", 4),
            ("Pneumonia", 4),
            ("anemia", 4),
            ("osteoarthritis", 6),
            ("sciatica", 4),
            ("nausea", 3),
            ("biopsies", 3),
            ("fluid", 2),
            ("physiotherapy", 6),
            ("diagnosis", 4),
            // The heuristic alone gets these right.
            ("spine", 1),
            ("stenosis", 3),
            ("ibuprofen", 4),
            ("vertebrae", 3),
            ("muscle", 2),
            ("rested", 2),
            ("hoped", 1),
            ("the", 1),
            ("emergency", 4),
        ];
        for (word, expected) in cases {
            assert_eq!(syllables(word), expected, "{word}");
        }
        for word in ["diabetes", "pneumonia", "anemia", "osteoarthritis", "sciatica", "nausea", "fluid"] {
            assert_ne!(heuristic(word, word.as_bytes()), syllables(word), "{word} needs no dictionary entry");
        }
    }

    #[test]
    fn blocks_end_sentences_and_abbreviations_do_not() {
        let r = measure(["Rest for a day", "Take pain medicine, e.g. ibuprofen. Walk."]);
        assert_eq!(r.sentences, 3);
        assert_eq!(r.longest_sentences[0], "Take pain medicine, e.g. ibuprofen.");
    }

    #[test]
    fn names_the_most_frequent_long_words() {
        let r = measure(["Osteoarthritis hurts. Osteoarthritis is common. Physiotherapy helps."]);
        assert_eq!(r.long_words, vec![("osteoarthritis".to_string(), 2), ("physiotherapy".to_string(), 1)]);
    }

    #[test]
    fn empty_text_has_grade_zero() {
        assert_eq!(measure(["  ", "```"]).grade(), 0.0);
    }
}
