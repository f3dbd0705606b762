//! The names wiki links look up: every title and alternative name, keyed as readers compare
//! them, and which articles' wiki links use each name, so that a change of names re-links
//! only the articles it can reach.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::Entry;

use super::LinkedArticle;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Problem};
use crate::markdown::LinkTarget;

/// Titles and alternative names, for wiki links, keyed as readers compare them (ignoring case
/// and accents, [`crate::letters::name_key`]), each key by its [`id`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct NameIndex {
    /// Titles are unique (checked).
    titles: HashMap<u128, usize>,
    /// Alternative names → the articles that have them, deduplicated and sorted.
    alternatives: HashMap<u128, Owners>,
}

/// A name's key in the index: the 128-bit hash of its lookup key. Two different keys would
/// share one with odds of about one in 10^29 at a million names (the odds page fingerprints
/// already take); a key kept as a string of its own was an allocation per name, 30,000 in a
/// build of 10,000 articles.
fn id(key: &str) -> u128 {
    crate::hash::content_hash(key.as_bytes())
}

/// Files article `i` among the owners of the alternative name `key`.
fn add_owner(alternatives: &mut HashMap<u128, Owners>, key: u128, i: usize) {
    match alternatives.entry(key) {
        Entry::Occupied(mut owners) => owners.get_mut().insert(i),
        Entry::Vacant(place) => {
            place.insert(Owners::One(i));
        }
    }
}

/// The articles that have one alternative name: almost always one, kept without a list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owners {
    One(usize),
    Many(Vec<usize>),
}

impl Owners {
    fn as_slice(&self) -> &[usize] {
        match self {
            Owners::One(i) => std::slice::from_ref(i),
            Owners::Many(list) => list,
        }
    }

    /// Adds `i`, keeping the articles sorted and each once.
    fn insert(&mut self, i: usize) {
        match self {
            Owners::One(j) if *j == i => {}
            Owners::One(j) => *self = Owners::Many(if *j < i { vec![*j, i] } else { vec![i, *j] }),
            Owners::Many(list) => {
                if let Err(at) = list.binary_search(&i) {
                    list.insert(at, i);
                }
            }
        }
    }

    /// Takes out `i`; `true` when no article is left. One article left is kept as
    /// [`Owners::One`], as a fresh index keeps it (a rebuild's index is checked against one).
    fn remove(&mut self, i: usize) -> bool {
        match self {
            Owners::One(j) => *j == i,
            Owners::Many(list) => {
                list.retain(|&j| j != i);
                match list[..] {
                    [] => true,
                    [only] => {
                        *self = Owners::One(only);
                        false
                    }
                    _ => false,
                }
            }
        }
    }
}

impl NameIndex {
    pub(super) fn new(articles: &[Arc<Article>], problems: &mut Vec<Diagnostic>) -> Self {
        // The titles and the alternative names are filed on both cores (on one, this was the
        // longest part of linking 10,000 articles); then the alternative names that are a
        // title are taken out, and reported when it is another article's.
        let (mut index, mut alternatives) = rayon::join(
            || NameIndex::titles(articles, problems),
            || {
                let count = articles.iter().map(|a| a.meta.alternative_names.len()).sum();
                let mut alternatives: HashMap<u128, Owners> = HashMap::default();
                alternatives.reserve(count);
                for (i, a) in articles.iter().enumerate() {
                    for (_, key, _) in a.names().filter(|(_, _, alt)| *alt) {
                        add_owner(&mut alternatives, id(key.lookup), i);
                    }
                }
                alternatives
            },
        );
        for (i, a) in articles.iter().enumerate() {
            for (name, key, _) in a.names().filter(|(_, _, alt)| *alt) {
                let key = id(key.lookup);
                let Some(&owner) = index.titles.get(&key) else { continue };
                alternatives.remove(&key);
                if owner != i {
                    problems.push(Diagnostic::new(
                        a.source.display_path(),
                        Some(a.meta.alternative_names_line),
                        Problem::DuplicateName {
                            name: name.to_string(),
                            this: "alternative name",
                            what: "title",
                            other: articles[owner].source.display_path(),
                        },
                    ));
                }
            }
        }
        index.alternatives = alternatives;
        index
    }

    /// An index of the titles alone, each problem of a title used twice pushed to `problems`.
    fn titles(articles: &[Arc<Article>], problems: &mut Vec<Diagnostic>) -> NameIndex {
        let mut index = NameIndex::default();
        index.titles.reserve(articles.len());
        for (i, a) in articles.iter().enumerate() {
            let key = id(a.title_key().lookup);
            if let Some(&first) = index.titles.get(&key) {
                // Report the clash in both files: either may be the one to change.
                for (this, other) in [(a, &articles[first]), (&articles[first], a)] {
                    problems.push(Diagnostic::new(
                        this.source.display_path(),
                        Some(this.meta.title_line),
                        Problem::DuplicateName {
                            name: this.meta.title.clone(),
                            this: "title",
                            what: "title",
                            other: other.source.display_path(),
                        },
                    ));
                }
            } else {
                index.titles.insert(key, i);
            }
        }
        index
    }

    /// Files the names of the articles in `to` in place of those of `from` (the same
    /// articles, as they were). Returns `false`, with the index as it was, when a new name
    /// clashes with a title: [`NameIndex::new`] would report a problem.
    pub(super) fn refile(&mut self, from: &[(usize, Arc<Article>)], to: &[(usize, Arc<Article>)]) -> bool {
        for (i, article) in from {
            self.remove(*i, article);
        }
        for (k, (i, article)) in to.iter().enumerate() {
            if !self.add(*i, article) {
                for (i, article) in &to[..k] {
                    self.remove(*i, article);
                }
                for (i, article) in from {
                    let added = self.add(*i, article);
                    debug_assert!(added, "names that were filed together file again");
                }
                return false;
            }
        }
        true
    }

    /// Takes out the names of `article`, at `i`.
    fn remove(&mut self, i: usize, article: &Article) {
        let title = id(article.title_key().lookup);
        if self.titles.get(&title) == Some(&i) {
            self.titles.remove(&title);
        }
        for (_, key, _) in article.names().filter(|(_, _, alt)| *alt) {
            let key = id(key.lookup);
            if let Some(owners) = self.alternatives.get_mut(&key)
                && owners.remove(i)
            {
                self.alternatives.remove(&key);
            }
        }
    }

    /// Files the names of `article`, at `i`, where [`NameIndex::new`] would (lists sorted);
    /// `false`, and nothing filed, when its title is another's title or alternative name, or
    /// one of its alternative names another's title.
    fn add(&mut self, i: usize, article: &Article) -> bool {
        let title = article.title_key().lookup;
        let alternatives =
            || article.names().filter(|(_, key, alt)| *alt && key.lookup != title).map(|(_, key, _)| id(key.lookup));
        let title = id(title);
        if self.titles.contains_key(&title)
            || self.alternatives.contains_key(&title)
            || alternatives().any(|key| self.titles.contains_key(&key))
        {
            return false;
        }
        self.titles.insert(title, i);
        for key in alternatives() {
            add_owner(&mut self.alternatives, key, i);
        }
        true
    }

    pub(super) fn lookup(&self, name: &str) -> Lookup<'_> {
        let key = id(&crate::letters::name_key(name));
        if let Some(&i) = self.titles.get(&key) {
            return Lookup::Found(i);
        }
        match self.alternatives.get(&key).map(Owners::as_slice) {
            Some([i]) => Lookup::Found(*i),
            Some(many) if !many.is_empty() => Lookup::Ambiguous(many),
            _ => Lookup::Unknown,
        }
    }
}

pub(super) enum Lookup<'a> {
    Found(usize),
    Ambiguous(&'a [usize]),
    Unknown,
}

/// For each name (by its lookup key) used in a wiki link, the articles whose wiki links
/// use it, sorted: the articles a change of names can reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct NameUsers(HashMap<String, Vec<usize>>);

impl NameUsers {
    pub(super) fn of(articles: &[LinkedArticle]) -> NameUsers {
        let mut users = NameUsers::default();
        for (i, linked) in articles.iter().enumerate() {
            users.add(i, &linked.article);
        }
        users
    }

    fn keys(article: &Article) -> impl Iterator<Item = String> + '_ {
        article.outline.links.iter().filter_map(|link| match link.target {
            LinkTarget::Wiki { name, .. } => Some(crate::letters::name_key(name)),
            _ => None,
        })
    }

    pub(super) fn add(&mut self, i: usize, article: &Article) {
        for key in NameUsers::keys(article) {
            let list = self.0.entry(key).or_default();
            if let Err(at) = list.binary_search(&i) {
                list.insert(at, i);
            }
        }
    }

    /// The article at `i` was `old` and is now `new`.
    pub(super) fn replace(&mut self, i: usize, old: &Article, new: &Article) {
        if old.outline.links == new.outline.links {
            return;
        }
        for key in NameUsers::keys(old) {
            if let Some(list) = self.0.get_mut(&key) {
                list.retain(|&j| j != i);
                if list.is_empty() {
                    self.0.remove(&key);
                }
            }
        }
        self.add(i, new);
    }

    pub(super) fn users(&self, key: &str) -> &[usize] {
        self.0.get(key).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Owners stay sorted and each once, and one owner left is kept as a fresh index keeps it.
    #[test]
    fn owners_stay_sorted_and_unique_and_one_left_is_one() {
        let mut owners = Owners::One(5);
        owners.insert(5);
        assert_eq!(owners, Owners::One(5));
        owners.insert(2);
        owners.insert(9);
        owners.insert(2);
        assert_eq!(owners.as_slice(), [2, 5, 9]);
        assert!(!owners.remove(5));
        assert!(!owners.remove(9));
        assert_eq!(owners, Owners::One(2));
        assert!(!owners.remove(7));
        assert!(owners.remove(2));
    }
}
