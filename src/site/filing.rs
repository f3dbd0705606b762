//! What the letter pages and the home page list: every name under its letter, and the
//! recently revised articles.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashSet as HashSet;

use super::Entry;
use crate::article::Article;
use crate::letters::{Alphabet, Letter};
use crate::paths::Slug;

/// A name as filed: its sort key, the name, its article's place, and whether it is an
/// alternative name.
type Filed<'a> = (&'a str, &'a str, usize, bool);

/// Every title and alternative name under its letter, sorted ignoring case and accents.
/// On both cores: each name's letter, then each letter's sort (filing 10,000 articles on one
/// core, beside the links resolved on the other, outlasted them in a build after one edit).
pub(super) fn file_letters(articles: &[Arc<Article>], alphabet: Alphabet) -> Vec<(Letter, Vec<Entry>)> {
    let names: Vec<(Letter, &str, &str, usize, bool)> = articles
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, a)| {
            a.names().map(move |(name, key, is_alternative)| {
                (alphabet.letter_of(name, key.sort), key.sort, name, i, is_alternative)
            })
        })
        .collect();
    let mut by_letter: BTreeMap<Letter, Vec<Filed<'_>>> = alphabet.letters().map(|l| (l, Vec::new())).collect();
    for (letter, sort, name, i, is_alternative) in names {
        by_letter.entry(letter).or_default().push((sort, name, i, is_alternative));
    }
    by_letter
        .into_par_iter()
        .map(|(letter, mut entries)| {
            // Ties (same folded name) fall back to the name itself, then the slug, so the
            // order never depends on the order files were read in.
            entries.sort_unstable_by(|a, b| (a.0, a.1, &articles[a.2].slug).cmp(&(b.0, b.1, &articles[b.2].slug)));
            let entries = entries
                .into_iter()
                .map(|(_, name, article, is_alternative)| Entry { name: name.to_string(), article, is_alternative })
                .collect();
            (letter, entries)
        })
        .collect()
}

/// The names of `from` (the articles as they were, at their places) taken out of their
/// letters, and those of the same articles in `articles` filed where [`file_letters`] puts them.
/// Every name's letter is among `letters`.
pub(super) fn refile_letters(
    letters: &mut [(Letter, Vec<Entry>)],
    from: &[(usize, Arc<Article>)],
    articles: &[Arc<Article>],
    alphabet: Alphabet,
) {
    let moved: HashSet<usize> = from.iter().map(|(i, _)| *i).collect();
    let letter_of = |name: &str, key: crate::article::NameKey<'_>| alphabet.letter_of(name, key.sort);
    let was: HashSet<Letter> = from.iter().flat_map(|(_, a)| a.names().map(|(n, k, _)| letter_of(n, k))).collect();
    for (_, entries) in letters.iter_mut().filter(|(l, _)| was.contains(l)) {
        entries.retain(|e| !moved.contains(&e.article));
    }
    // As `file_letters` sorts: sort key, name, slug (names are distinct within an article).
    fn key_of<'a>(articles: &'a [Arc<Article>], e: &'a Entry) -> (&'a str, &'a str, &'a Slug) {
        let a = &articles[e.article];
        let sort = a.names().find(|(n, _, _)| *n == e.name).map_or("", |(_, k, _)| k.sort);
        (sort, e.name.as_str(), &a.slug)
    }
    for (i, _) in from {
        let a = &articles[*i];
        for (name, key, is_alternative) in a.names() {
            let letter = letter_of(name, key);
            let Some((_, entries)) = letters.iter_mut().find(|(l, _)| *l == letter) else {
                unreachable!("every letter of a refiled name is checked to be on the site")
            };
            let at = entries.partition_point(|e| key_of(articles, e) < (key.sort, name, &a.slug));
            entries.insert(at, Entry { name: name.to_string(), article: *i, is_alternative });
        }
    }
}

/// The places of the `count` most recently revised articles, most recent first.
pub(super) fn recent(articles: &[Arc<Article>], count: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..articles.len()).collect();
    // Newest first, then by title and slug; the title's sort key is looked up only for
    // articles revised the same day.
    let cmp = |a: &usize, b: &usize| {
        let (a, b) = (&articles[*a], &articles[*b]);
        (b.meta.last_revised.cmp(&a.meta.last_revised))
            .then_with(|| a.title_key().sort.cmp(b.title_key().sort))
            .then_with(|| a.slug.cmp(&b.slug))
    };
    if count < order.len() {
        order.select_nth_unstable_by(count, cmp);
        order.truncate(count);
    }
    order.sort_unstable_by(cmp);
    order
}
