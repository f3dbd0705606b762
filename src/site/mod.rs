//! Stage 2, link: put the articles side by side. Checks slugs and names for clashes, resolves
//! every link, anchor and see-also entry, files every name under its letter, and picks the
//! recently revised articles. Collects every problem before failing.
//!
//! Here: the linked site, and the [`Linker`] that keeps it between builds and links again only
//! what an edit reaches. Beside it: the names wiki links look up and who uses them ([`names`]),
//! resolving one article's links ([`resolve`]), and the letters and the recent list ([`filing`]).

mod filing;
mod names;
mod resolve;

pub(crate) use resolve::{anchor_hint, did_you_mean};

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use crate::article::{Article, Failed};
use crate::diagnostic::{Diagnostic, Problem};
use crate::letters::{Alphabet, Letter};
use crate::paths::{Href, Slug, SourcePath};
use filing::{file_letters, recent, refile_letters};
use names::{NameIndex, NameUsers};
use resolve::{Resolver, Targets};

/// An article with everything that depends on the other articles worked out.
#[derive(Debug, Clone)]
pub(crate) struct LinkedArticle {
    pub(crate) article: Arc<Article>,
    /// The href of each wiki link in the body, in slot order.
    pub(crate) wiki_hrefs: Vec<Href>,
    /// Indexes (into [`Site::articles`]) of the see-also articles, in the order written.
    pub(crate) see_also: Vec<usize>,
    /// Body links written to a renamed article's previous slug: the page address written and
    /// the article's current one, which the page links to directly (a redirect page cannot
    /// keep the `#section` of a link).
    pub(crate) renamed: Vec<(Href, Href)>,
    /// Indexes of the articles its body links and wiki links reach (in the order written,
    /// maybe more than once, maybe itself), noted as they are resolved: "Articles that link
    /// here" is these and `see_also`, turned around ([`LinksHere::targets`]). Working them out
    /// again from the hrefs, through maps of every slug and href, was a thirteenth of a build
    /// with one article changed.
    pub(crate) targets: Vec<usize>,
}

/// A name listed on a letter page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) name: String,
    /// Index into [`Site::articles`].
    pub(crate) article: usize,
    /// An alternative name, listed as "name, see Title".
    pub(crate) is_alternative: bool,
}

/// The whole site, linked and checked.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    /// Sorted by slug.
    pub(crate) articles: Vec<LinkedArticle>,
    /// All 27 sections of the A–Z bar, in bar order, each sorted for display.
    pub(crate) letters: Vec<(Letter, Vec<Entry>)>,
    /// Indexes of the most recently revised articles, newest first.
    pub(crate) recent: Vec<usize>,
    /// How many recent articles were asked for.
    pub(crate) recent_count: usize,
    /// The previous slugs of renamed articles, sorted, each with its article's index: each
    /// gets a redirect page.
    pub(crate) redirects: Vec<(Slug, usize)>,
    /// [`Site::links_here`], worked out when first asked for, and kept up to date by a re-link
    /// that replaces articles ([`Linker::relink`]).
    links_here: std::sync::OnceLock<LinksHere>,
}

/// Which articles link to each article.
#[derive(Debug, Clone)]
struct LinksHere {
    /// For each article, the articles that link to it, sorted.
    from: Vec<Vec<usize>>,
}

impl LinksHere {
    fn of(site: &Site) -> LinksHere {
        // Articles in order, so each list comes out sorted.
        let mut from = vec![Vec::new(); site.articles.len()];
        for (i, linked) in site.articles.iter().enumerate() {
            for to in LinksHere::targets(i, linked) {
                if from[to].last() != Some(&i) {
                    from[to].push(i);
                }
            }
        }
        LinksHere { from }
    }

    /// The other articles that `linked`, the article at `i`, links to (a target may come more
    /// than once).
    fn targets(i: usize, linked: &LinkedArticle) -> impl Iterator<Item = usize> + '_ {
        linked.targets.iter().chain(&linked.see_also).copied().filter(move |&to| to != i)
    }

    /// The article at `i`, linked as `old`, was replaced by `new`, which kept its slug (and
    /// every other's): the links it no longer has go, its new ones come.
    /// Returns the articles whose lists it changed.
    fn replace(&mut self, i: usize, old: &LinkedArticle, new: &LinkedArticle) -> Vec<usize> {
        let targets = |linked| {
            let mut targets: Vec<usize> = LinksHere::targets(i, linked).collect();
            targets.sort_unstable();
            targets.dedup();
            targets
        };
        let (before, after) = (targets(old), targets(new));
        let mut touched = Vec::new();
        for &to in before.iter().filter(|to| after.binary_search(to).is_err()) {
            if let Ok(at) = self.from[to].binary_search(&i) {
                self.from[to].remove(at);
                touched.push(to);
            }
        }
        for &to in after.iter().filter(|to| before.binary_search(to).is_err()) {
            if let Err(at) = self.from[to].binary_search(&i) {
                self.from[to].insert(at, i);
                touched.push(to);
            }
        }
        touched
    }
}

impl Site {
    fn new(
        articles: Vec<LinkedArticle>,
        letters: Vec<(Letter, Vec<Entry>)>,
        recent: Vec<usize>,
        recent_count: usize,
        redirects: Vec<(Slug, usize)>,
    ) -> Site {
        Site { articles, letters, recent, recent_count, redirects, links_here: std::sync::OnceLock::new() }
    }

    /// For each article, the other articles that link to it by a body link (`slug.md`, an old
    /// slug included), a wiki link or a `see_also` entry, each once, in slug order.
    pub(crate) fn links_here(&self) -> &[Vec<usize>] {
        &self.links_here.get_or_init(|| LinksHere::of(self)).from
    }

    /// Puts `linked` in the place of the article at `i`, which kept its surface. Returns the
    /// articles whose "links here" list it may have changed, `None` when that is not known
    /// (the lists were not made yet).
    fn replace(&mut self, i: usize, linked: LinkedArticle) -> Option<Vec<usize>> {
        let old = &self.articles[i];
        let touched = self.links_here.get_mut().map(|links| links.replace(i, old, &linked));
        self.articles[i] = linked;
        touched
    }
}

/// Slugs that would collide with pages encyc writes itself (`index`, `404`, `search`, `letter-a` …
/// `letter-z`, `letter-0-9`), compared ignoring case as case-insensitive disks would.
pub(crate) fn is_reserved_slug(slug: &str) -> bool {
    // Compared in place: a lower-case copy of every slug was 10,000 allocations a build.
    let letter = slug.as_bytes().get(..7).is_some_and(|start| start.eq_ignore_ascii_case(b"letter-"));
    match letter {
        // The first seven bytes are ASCII, so the rest starts on a character boundary.
        true => {
            let rest = &slug[7..];
            rest == "0-9"
                || rest.eq_ignore_ascii_case("enye")
                || (rest.len() == 1 && rest.as_bytes()[0].is_ascii_alphabetic())
        }
        false => ["index", "404", "search"].iter().any(|reserved| slug.eq_ignore_ascii_case(reserved)),
    }
}

/// Links the loaded articles. `failed` are slugs of files that exist but could not be parsed:
/// links to them, and wiki links to names nobody has (a failed file may have it), are not
/// reported (the file's own problem already is).
pub(crate) fn link(articles: Vec<Arc<Article>>, failed: &Failed, recent_count: usize) -> Result<Site, Vec<Diagnostic>> {
    Linker::link(articles, failed, recent_count, Alphabet::Latin).map(|linker| linker.site)
}

/// A linked site and the indexes it was linked with, kept by a long-lived builder so that a
/// rebuild after edits that leave every name, slug and section id as it was (the common case:
/// an editor changing a body) re-links only the edited articles.
#[derive(Debug, Clone)]
pub(crate) struct Linker {
    site: Site,
    index: Index,
    /// Where each source path sits in `site.articles`.
    by_source: HashMap<SourcePath, usize>,
    /// How names are filed under letters.
    alphabet: Alphabet,
    /// What changed since [`Linker::take_changes`]; `None`: anything may have.
    changes: Option<Changes>,
    /// Who uses each name in a wiki link, made when a change of names first asks for it.
    name_users: Option<NameUsers>,
}

/// The articles whose pages re-links changed, for a rebuild to fingerprint only those pages
/// again ([`crate::render::Reuse`]), while the same files are linked in the same order: the
/// articles replaced by edits (whose own pages and search terms changed), and those whose page
/// shows something else of the others (the articles that link to it, its resolved links or
/// see-also, or the title or address of one of those). A superset is harmless: such a page is
/// fingerprinted again and kept if it did not change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    pub(crate) edited: BTreeSet<usize>,
    /// Whose page shows something else of the others (and, after a full link, any page
    /// whose own links resolved otherwise).
    pub(crate) reached: BTreeSet<usize>,
    /// Which letter pages may list something else.
    pub(crate) letters: Refiled,
}

/// Which letters' entries a re-link may have changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Refiled {
    /// None: no name, slug or letter changed.
    #[default]
    Nothing,
    /// These: where the names of articles whose names changed were filed, and are filed now
    /// (an entry for an alternative name shows its article's title too).
    Letters(BTreeSet<Letter>),
    /// Any: everything was linked again.
    Everything,
}

impl Refiled {
    /// Whether the entries under `letter` are as they were.
    pub(crate) fn keeps(&self, letter: Letter) -> bool {
        match self {
            Refiled::Nothing => true,
            Refiled::Letters(letters) => !letters.contains(&letter),
            Refiled::Everything => false,
        }
    }

    fn add(&mut self, more: Refiled) {
        *self = match (std::mem::take(self), more) {
            (Refiled::Everything, _) | (_, Refiled::Everything) => Refiled::Everything,
            (Refiled::Letters(mut these), Refiled::Letters(those)) => {
                these.extend(those);
                Refiled::Letters(these)
            }
            (Refiled::Nothing, other) | (other, Refiled::Nothing) => other,
        };
    }
}

/// What resolving a link needs to look up: articles by slug, and by title or alternative name.
#[derive(Debug, Clone)]
struct Index {
    by_slug: HashMap<Slug, usize>,
    /// Previous slugs of renamed articles (checked: no clashes).
    previous: HashMap<Slug, usize>,
    names: NameIndex,
}

impl Linker {
    /// Links everything from scratch.
    pub(crate) fn link(
        mut articles: Vec<Arc<Article>>,
        failed: &Failed,
        recent_count: usize,
        alphabet: Alphabet,
    ) -> Result<Linker, Vec<Diagnostic>> {
        // On both cores: every comparison reaches two articles through their `Arc`s, and
        // sorting 10,000 on one was 2 ms of a build with one article changed.
        rayon::slice::ParallelSliceMut::par_sort_by(&mut articles[..], |a, b| {
            (&a.slug, &a.source).cmp(&(&b.slug, &b.source))
        });
        // What needs only the articles is worked out on both cores: a change of title links
        // 10,000 articles again after one save in `encyc watch`. Problems are gathered part by
        // part and reported in the same order as ever.
        let ((mut problems, by_slug), (names, name_problems)) = rayon::join(
            || {
                let mut problems = Vec::new();
                check_slugs(&articles, &mut problems);
                let by_slug: HashMap<Slug, usize> =
                    articles.iter().enumerate().map(|(i, a)| (a.slug.clone(), i)).collect();
                (problems, by_slug)
            },
            || {
                let mut problems = Vec::new();
                let names = NameIndex::new(&articles, &mut problems);
                (names, problems)
            },
        );
        problems.extend(name_problems);
        let index = Index { names, previous: previous_slugs(&articles, &by_slug, &mut problems), by_slug };
        let failed_names =
            failed.names.as_ref().map(|names| names.iter().map(|n| crate::letters::name_key(n)).collect());
        let failed: HashSet<&Slug> = failed.slugs.iter().collect();
        let resolver = Resolver {
            articles: Targets::Articles(&articles),
            index: &index,
            failed: &failed,
            failed_names: failed_names.as_ref(),
        };
        let ((linked, resolve_problems), (letters, recent, by_source)) = rayon::join(
            || {
                use rayon::prelude::*;
                articles
                    .par_iter()
                    .map(|a| {
                        let mut problems = Vec::new();
                        (resolver.resolve(a, &mut problems), problems)
                    })
                    .unzip::<_, _, Vec<LinkedArticle>, Vec<Vec<Diagnostic>>>()
            },
            || {
                let by_source: HashMap<SourcePath, usize> =
                    articles.iter().enumerate().map(|(i, a)| (a.source.clone(), i)).collect();
                (file_letters(&articles, alphabet), recent(&articles, recent_count), by_source)
            },
        );
        problems.extend(resolve_problems.into_iter().flatten());
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut redirects: Vec<(Slug, usize)> = index.previous.iter().map(|(s, &i)| (s.clone(), i)).collect();
        redirects.sort();
        let site = Site::new(linked, letters, recent, recent_count, redirects);
        Ok(Linker { site, index, by_source, alphabet, changes: None, name_users: None })
    }

    /// Links `articles` again, after edits. When the same files are there and every edited
    /// one kept its [`Article::surface`], only the edited articles are resolved again (their
    /// problems are reported as a full link would); when a few changed their names, section
    /// ids or revision dates but no slug, only what those reach ([`Linker::relink_surface`]);
    /// otherwise everything is linked anew. On failure `self` is left as it was.
    pub(crate) fn relink(
        &mut self,
        articles: &[&Arc<Article>],
        failed: &Failed,
        recent_count: usize,
    ) -> Result<(), Vec<Diagnostic>> {
        let edited = self.edited(articles, failed, recent_count);
        let same_surface = |edited: &[(usize, Arc<Article>)]| {
            edited.iter().all(|(i, a)| self.site.articles[*i].article.surface == a.surface)
        };
        match edited {
            Some(edited) if same_surface(&edited) => {
                // The edited articles kept their surface: what resolving reads of them.
                let current = Targets::Linked(&self.site.articles);
                let no_failures = HashSet::default();
                let mut problems = Vec::new();
                let mut replaced = Vec::with_capacity(edited.len());
                for (i, article) in edited {
                    let resolver =
                        Resolver { articles: current, index: &self.index, failed: &no_failures, failed_names: None };
                    replaced.push((i, resolver.resolve(&article, &mut problems)));
                }
                if !problems.is_empty() {
                    return Err(problems);
                }
                for (i, linked) in replaced {
                    if let Some(users) = &mut self.name_users {
                        users.replace(i, &self.site.articles[i].article, &linked.article);
                    }
                    let touched = self.site.replace(i, linked);
                    match (&mut self.changes, touched) {
                        (Some(changes), Some(touched)) => {
                            changes.edited.insert(i);
                            changes.reached.extend(touched);
                        }
                        (changes, _) => *changes = None,
                    }
                }
                Ok(())
            }
            Some(edited) if self.relink_surface(&edited) => Ok(()),
            _ => {
                let articles = articles.iter().map(|a| Arc::clone(a)).collect();
                let fresh = Linker::link(articles, failed, recent_count, self.alphabet)?;
                let changes = match (self.changes.take(), self.changes_to(&fresh)) {
                    (Some(mut changes), Some(more)) => {
                        changes.edited.extend(more.edited);
                        changes.reached.extend(more.reached);
                        changes.letters = Refiled::Everything;
                        Some(changes)
                    }
                    _ => None,
                };
                let old = std::mem::replace(self, Linker { changes, ..fresh });
                // Freeing 10,000 linked articles took milliseconds of a rebuild in `encyc
                // watch`; nothing waits for it.
                std::thread::spawn(move || drop(old));
                Ok(())
            }
        }
    }

    /// What `fresh`, a full link of the same files after edits, changed of what this link
    /// made; `None` when the files or their order are not the same.
    fn changes_to(&self, fresh: &Linker) -> Option<Changes> {
        let (old, new) = (&self.site.articles, &fresh.site.articles);
        if old.len() != new.len() || old.iter().zip(new).any(|(o, n)| o.article.source != n.article.source) {
            return None;
        }
        // Whose title or address another page may show.
        let renamed: Vec<bool> = old
            .iter()
            .zip(new)
            .map(|(o, n)| o.article.meta.title != n.article.meta.title || o.article.slug != n.article.slug)
            .collect();
        // The same slugs and previous slugs: the new "links here" lists are the old ones with
        // those of the articles whose links may differ replaced (working them out from every
        // link of every article was a fifth of a rebuild after a change of title).
        const FEW: usize = 64;
        let differ: Vec<usize> = (0..old.len())
            .filter(|&i| {
                let (o, n) = (&old[i], &new[i]);
                !Arc::ptr_eq(&o.article, &n.article) || o.wiki_hrefs != n.wiki_hrefs || o.see_also != n.see_also
            })
            .collect();
        if let Some(last) = self.site.links_here.get()
            && self.site.redirects == fresh.site.redirects
            && differ.len() <= FEW
        {
            let mut links = last.clone();
            for &i in &differ {
                links.replace(i, &old[i], &new[i]);
            }
            debug_assert_eq!(links.from, LinksHere::of(&fresh.site).from);
            let _ = fresh.site.links_here.set(links);
        }
        let (old_here, new_here) = (self.site.links_here(), fresh.site.links_here());
        let mut changes = Changes { letters: Refiled::Everything, ..Changes::default() };
        for (i, (o, n)) in old.iter().zip(new).enumerate() {
            // Both links hold their articles: an address cannot be reused meanwhile.
            if !Arc::ptr_eq(&o.article, &n.article) {
                changes.edited.insert(i);
            }
            let shown = n.see_also.iter().chain(&new_here[i]);
            if o.wiki_hrefs != n.wiki_hrefs
                || o.see_also != n.see_also
                || o.renamed != n.renamed
                || old_here[i] != new_here[i]
                || shown.copied().any(|j| renamed[j])
            {
                changes.reached.insert(i);
            }
        }
        Some(changes)
    }

    /// The articles that differ from the linked ones, with their places, if the same files
    /// are there and nothing else changed; `None` when a full link is needed.
    fn edited(
        &self,
        articles: &[&Arc<Article>],
        failed: &Failed,
        recent_count: usize,
    ) -> Option<Vec<(usize, Arc<Article>)>> {
        if !failed.is_empty() || articles.len() != self.site.articles.len() || recent_count != self.site.recent_count {
            return None;
        }
        let mut edited = Vec::new();
        for (at, &article) in articles.iter().enumerate() {
            // Most articles are where they were, and the very same: no need to look them up.
            let i = match self.site.articles.get(at) {
                Some(linked) if Arc::ptr_eq(&linked.article, article) => continue,
                Some(linked) if linked.article.source == article.source => at,
                _ => *self.by_source.get(&article.source)?,
            };
            if !Arc::ptr_eq(&self.site.articles[i].article, article) {
                edited.push((i, Arc::clone(article)));
            }
        }
        Some(edited)
    }

    /// Re-links after edits that changed what others see of a few articles (a title, an
    /// alternative name, a section id, a revision date) but no slug or previous slug: their
    /// names are filed again, and only the articles that such a change can reach are resolved
    /// again: the edited ones, those that linked to a changed one (an anchor may be gone),
    /// and those whose wiki links use one of its old or new names. Linking all 10,000
    /// articles again was most of what a change of title cost in `encyc watch`.
    ///
    /// Returns `false`, with `self` as it was, when that is not enough (too many changed, a
    /// slug changed, a name went under a letter the site has no place for) and when any
    /// problem shows: a full link then reports every problem, in its order.
    fn relink_surface(&mut self, edited: &[(usize, Arc<Article>)]) -> bool {
        const FEW: usize = 64;
        let olds: Vec<(usize, Arc<Article>)> =
            edited.iter().map(|(i, _)| (*i, Arc::clone(&self.site.articles[*i].article))).collect();
        let changed: Vec<usize> = edited
            .iter()
            .zip(&olds)
            .filter(|((_, new), (_, old))| new.surface != old.surface)
            .map(|(e, _)| e.0)
            .collect();
        let previous = |a: &Article| a.meta.previous_slugs.iter().map(|e| e.value.clone()).collect::<Vec<_>>();
        let letters = &self.site.letters;
        let filed = |a: &Article| {
            a.names().all(|(name, key, _)| {
                let letter = self.alphabet.letter_of(name, key.sort);
                letters.iter().any(|(l, _)| *l == letter)
            })
        };
        if changed.len() > FEW
            || edited
                .iter()
                .zip(&olds)
                .any(|((_, new), (_, old))| new.slug != old.slug || previous(new) != previous(old) || !filed(new))
        {
            return false;
        }
        let mut current: Vec<Arc<Article>> = self.site.articles.iter().map(|l| Arc::clone(&l.article)).collect();
        for (i, article) in edited {
            current[*i] = Arc::clone(article);
        }
        let names = |list: &[(usize, Arc<Article>)]| -> Vec<(usize, Arc<Article>)> {
            list.iter().filter(|(i, _)| changed.contains(i)).cloned().collect()
        };
        let (from, to) = (names(&olds), names(edited));
        if !self.index.names.refile(&from, &to) {
            return false;
        }
        if self.name_users.is_none() {
            self.name_users = Some(NameUsers::of(&self.site.articles));
        }
        let users = self.name_users.as_ref().expect("made above");
        let mut todo: BTreeSet<usize> = edited.iter().map(|(i, _)| *i).collect();
        let here = self.site.links_here();
        for (i, article) in from.iter().chain(&to) {
            todo.extend(&here[*i]);
            for (_, key, _) in article.names() {
                todo.extend(users.users(key.lookup));
            }
        }
        let no_failures = HashSet::default();
        let resolver = Resolver {
            articles: Targets::Articles(&current),
            index: &self.index,
            failed: &no_failures,
            failed_names: None,
        };
        let mut problems = Vec::new();
        let resolved: Vec<(usize, LinkedArticle)> =
            todo.iter().map(|&i| (i, resolver.resolve(&current[i], &mut problems))).collect();
        if !problems.is_empty() {
            let undone = self.index.names.refile(&to, &from);
            debug_assert!(undone, "the names as they were are filed again");
            return false;
        }
        #[cfg(debug_assertions)]
        let expected = {
            let fresh = Linker::link(current.clone(), &Failed::default(), self.site.recent_count, self.alphabet)
                .expect("a re-link without problems is a link without problems");
            let changes = self.changes_to(&fresh).expect("the same files");
            (fresh, changes)
        };
        // Nothing can fail from here on.
        let users = self.name_users.as_mut().expect("made above");
        for (i, old) in &olds {
            users.replace(*i, old, &current[*i]);
        }
        refile_letters(&mut self.site.letters, &from, &current, self.alphabet);
        self.site.recent = recent(&current, self.site.recent_count);
        let refiled = from
            .iter()
            .chain(&to)
            .flat_map(|(_, a)| a.names().map(|(name, key, _)| self.alphabet.letter_of(name, key.sort)));
        let mut edits = Changes { letters: Refiled::Letters(refiled.collect()), ..Changes::default() };
        edits.edited.extend(edited.iter().map(|(i, _)| *i));
        let mut known = true;
        for (i, linked) in resolved {
            let old = &self.site.articles[i];
            let same = Arc::ptr_eq(&old.article, &linked.article)
                && old.wiki_hrefs == linked.wiki_hrefs
                && old.see_also == linked.see_also;
            if same && old.renamed == linked.renamed {
                continue;
            }
            edits.reached.insert(i);
            match self.site.replace(i, linked) {
                Some(touched) => edits.reached.extend(touched),
                None => known = false,
            }
        }
        // Whose page shows the title of an article whose title changed: those it links to,
        // and those that link to it (a see-also entry is a link).
        let here = self.site.links_here();
        for ((i, old), (_, new)) in from.iter().zip(&to) {
            if old.meta.title != new.meta.title {
                edits.reached.extend(&here[*i]);
                edits.reached.extend(LinksHere::targets(*i, &self.site.articles[*i]));
            }
        }
        match (&mut self.changes, known) {
            (Some(changes), true) => {
                changes.edited.extend(edits.edited);
                changes.reached.extend(edits.reached);
                changes.letters.add(edits.letters);
            }
            (changes, _) => *changes = None,
        }
        #[cfg(debug_assertions)]
        {
            let (fresh, expected) = expected;
            self.assert_same(&fresh);
            if let Some(changes) = &self.changes {
                let covered = |i: &usize| changes.edited.contains(i) || changes.reached.contains(i);
                assert!(expected.edited.iter().all(|i| changes.edited.contains(i)), "every edited article recorded");
                assert!(expected.reached.iter().all(covered), "every reached article recorded");
            }
        }
        true
    }

    /// Panics unless this link made what `fresh`, a full link of the same articles, made.
    #[cfg(debug_assertions)]
    fn assert_same(&self, fresh: &Linker) {
        let (ours, theirs) = (&self.site, &fresh.site);
        assert_eq!(ours.articles.len(), theirs.articles.len());
        for (o, t) in ours.articles.iter().zip(&theirs.articles) {
            assert!(Arc::ptr_eq(&o.article, &t.article), "{}", t.article.source);
            assert_eq!((&o.wiki_hrefs, &o.see_also, &o.renamed), (&t.wiki_hrefs, &t.see_also, &t.renamed));
        }
        assert_eq!(ours.letters, theirs.letters);
        assert_eq!(ours.recent, theirs.recent);
        assert_eq!(ours.redirects, theirs.redirects);
        assert_eq!(ours.links_here(), theirs.links_here());
        assert_eq!(self.index.names, fresh.index.names);
        if let Some(users) = &self.name_users {
            assert_eq!(users, &NameUsers::of(&theirs.articles));
        }
    }

    pub(crate) fn site(&self) -> &Site {
        &self.site
    }

    /// What re-links changed since the last call (`None`: anything may have, as after a full
    /// link), and starts recording afresh.
    pub(crate) fn take_changes(&mut self) -> Option<Changes> {
        self.changes.replace(Changes::default())
    }
}

/// Each previous slug with its article. A previous slug that is a current one, or that two
/// articles claim, or that encyc reserves, is an error: the old address would be ambiguous.
fn previous_slugs(
    articles: &[Arc<Article>],
    by_slug: &HashMap<Slug, usize>,
    problems: &mut Vec<Diagnostic>,
) -> HashMap<Slug, usize> {
    let mut previous: HashMap<Slug, usize> = HashMap::default();
    for (i, a) in articles.iter().enumerate() {
        for entry in &a.meta.previous_slugs {
            let report = |problem| Diagnostic::new(a.source.display_path(), Some(entry.line), problem);
            let slug = entry.value.to_string();
            if is_reserved_slug(entry.value.as_str()) {
                problems.push(report(Problem::PreviousSlugReserved(slug)));
            } else if let Some(&owner) = by_slug.get(&entry.value) {
                problems
                    .push(report(Problem::PreviousSlugInUse { slug, other: articles[owner].source.display_path() }));
            } else {
                match previous.get(&entry.value) {
                    Some(&first) if first != i => problems.push(report(Problem::PreviousSlugClaimed {
                        slug,
                        other: articles[first].source.display_path(),
                    })),
                    Some(_) => {}
                    None => {
                        previous.insert(entry.value.clone(), i);
                    }
                }
            }
        }
    }
    previous
}

fn check_slugs(articles: &[Arc<Article>], problems: &mut Vec<Diagnostic>) {
    let mut exact: HashMap<&str, &Article> = HashMap::default();
    // A slug in lower-case ASCII (as most are) is its own folded form: no copy is made.
    let mut folded: HashMap<std::borrow::Cow<'_, str>, &Article> = HashMap::default();
    for a in articles {
        if is_reserved_slug(a.slug.as_str()) {
            problems.push(Diagnostic::new(a.source.display_path(), None, Problem::ReservedSlug(a.slug.to_string())));
        }
        if let Some(first) = exact.insert(a.slug.as_str(), a) {
            problems.push(Diagnostic::new(
                a.source.display_path(),
                None,
                Problem::DuplicateSlug { slug: a.slug.to_string(), other: first.source.display_path() },
            ));
            // Report the pair from both sides so each file's list of problems is complete.
            problems.push(Diagnostic::new(
                first.source.display_path(),
                None,
                Problem::DuplicateSlug { slug: a.slug.to_string(), other: a.source.display_path() },
            ));
        } else if let Some(first) = folded.insert(folded_slug(a.slug.as_str()), a) {
            problems.push(Diagnostic::new(
                a.source.display_path(),
                None,
                Problem::SlugCaseCollision { slug: a.slug.to_string(), other: first.source.display_path() },
            ));
        }
    }
}

/// `slug` in lower case, as case-insensitive disks compare names.
fn folded_slug(slug: &str) -> std::borrow::Cow<'_, str> {
    match slug.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        true => std::borrow::Cow::Borrowed(slug),
        false => std::borrow::Cow::Owned(slug.to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::parse_article;

    fn article(path: &str, text: &str) -> Arc<Article> {
        let source = SourcePath::new(std::path::Path::new(path));
        Arc::new(parse_article(&source, text.as_bytes()).unwrap().0)
    }

    type Summary = (String, Vec<Href>, Vec<usize>, Vec<usize>);

    /// The titles and slugs each article's page shows of others (see-also, links here).
    fn shown(site: &Site) -> Vec<Vec<(String, String)>> {
        let here = site.links_here();
        let of = |j: usize| (site.articles[j].article.meta.title.clone(), site.articles[j].article.slug.to_string());
        site.articles
            .iter()
            .zip(here)
            .map(|(l, here)| l.see_also.iter().chain(here).map(|&j| of(j)).collect())
            .collect()
    }

    fn summary(site: &Site) -> Vec<Summary> {
        let here = site.links_here();
        let each = site.articles.iter().zip(here);
        each.map(|(l, here)| (l.article.slug.to_string(), l.wiki_hrefs.clone(), l.see_also.clone(), here.clone()))
            .collect()
    }

    #[test]
    fn relinking_after_edits_equals_linking_from_scratch() {
        let a =
            "---\ntitle: Alpha\nalternative_names: [First]\nlast_revised: 2020-01-01\n---\n\n## One\n\nSee [[Beta]].\n";
        let b = "---\ntitle: Beta\nsee_also: [a]\nlast_revised: 2020-01-02\n---\n\n## Two\n\nSee [[First]] and [x](a.md#one).\n";
        let c = "---\ntitle: Gamma\nalternative_names: [Third]\nlast_revised: 2020-01-03\n---\n\n## Three\n\nSee [[Alpha]] and [[First#one]].\n";
        let mut current =
            vec![("a.md", article("a.md", a)), ("b.md", article("b.md", b)), ("c.md", article("c.md", c))];
        let first: Vec<_> = current.iter().map(|(_, a)| Arc::clone(a)).collect();
        let mut linker = Linker::link(first, &Failed::default(), 10, Alphabet::Latin).unwrap();
        let c_uno = "---\ntitle: Gamma\nalternative_names: [Third]\nlast_revised: 2020-01-03\n---\n\n## Three\n\nSee [[Alpha]] and [[First#uno]].\n";
        let zeta = "---\ntitle: Zeta\nalternative_names: [Third]\nlast_revised: 2020-01-04\n---\n\n## Three\n\nSee [[Alpha]] and [[First#uno]].\n";
        let edits: [(&str, &str); 22] = [
            // Body only: re-linked alone.
            (
                "b.md",
                "---\ntitle: Beta\nsee_also: [a]\nlast_revised: 2020-01-02\n---\n\n## Two\n\nNow [[Alpha]] only.\n",
            ),
            // No link to Alpha left: nothing links there any more.
            ("b.md", "---\ntitle: Beta\nlast_revised: 2020-01-02\n---\n\n## Two\n\nNo links.\n"),
            ("b.md", "---\ntitle: Beta\nlast_revised: 2020-01-02\n---\n\n## Two\n\n[Back](a.md).\n"),
            // A broken link in a body edit is still reported.
            ("b.md", "---\ntitle: Beta\nlast_revised: 2020-01-02\n---\n\n## Two\n\n[x](a.md#nowhere)\n"),
            // A new section id changes the surface: everything is linked again.
            (
                "a.md",
                "---\ntitle: Alpha\nalternative_names: [First]\nlast_revised: 2020-01-01\n---\n\n## One\n\n## Uno\n",
            ),
            ("b.md", "---\ntitle: Beta\nlast_revised: 2020-01-02\n---\n\n## Two\n\n[x](a.md#uno) [[first]]\n"),
            // A new title: the page of the article it links to shows it.
            ("b.md", "---\ntitle: Bravo\nlast_revised: 2020-01-02\n---\n\n## Two\n\n[x](a.md#uno) [[first]]\n"),
            // A new alternative name: everything is linked again, and nothing else changes.
            (
                "a.md",
                "---\ntitle: Alpha\nalternative_names: [First, Primo]\nlast_revised: 2020-01-01\n---\n\n## One\n\n## Uno\n",
            ),
            // A section another article links to goes: its link is reported.
            ("a.md", "---\ntitle: Alpha\nalternative_names: [First, Primo]\nlast_revised: 2020-01-01\n---\n\n## Uno\n"),
            ("c.md", c_uno),
            // A new title and date: another letter, another place among the recent articles.
            ("c.md", zeta),
            // A title a wiki link uses goes: the link is reported.
            ("a.md", "---\ntitle: Alef\nalternative_names: [First, Primo]\nlast_revised: 2020-01-01\n---\n\n## Uno\n"),
            // A title another has, an alternative name that is another's title: reported.
            ("b.md", "---\ntitle: Zeta\nlast_revised: 2020-01-02\n---\n\n## Two\n"),
            ("b.md", "---\ntitle: Bravo\nalternative_names: [Zeta]\nlast_revised: 2020-01-02\n---\n\n## Two\n"),
            // An alternative name two articles share is fine until a wiki link uses it.
            ("b.md", "---\ntitle: Bravo\nalternative_names: [Third]\nlast_revised: 2020-01-02\n---\n\n## Two\n"),
            ("c.md", "---\ntitle: Zeta\nlast_revised: 2020-01-04\n---\n\n## Three\n\nSee [[Third]].\n"),
            // A name a wiki link uses (not linking there) becomes ambiguous: reported.
            ("a.md", "---\ntitle: Alpha\nalternative_names: [First, Third]\nlast_revised: 2020-01-01\n---\n\n## Uno\n"),
            // A later revision date: another place among the recent articles.
            ("a.md", "---\ntitle: Alpha\nalternative_names: [First]\nlast_revised: 2021-06-01\n---\n\n## Uno\n"),
            // A section another article links to by its file goes: reported.
            (
                "b.md",
                "---\ntitle: Bravo\nalternative_names: [Third]\nlast_revised: 2020-01-02\n---\n\n## Two\n\n[x](a.md#uno)\n",
            ),
            ("a.md", "---\ntitle: Alpha\nalternative_names: [First]\nlast_revised: 2021-06-01\n---\n\n## Eins\n"),
            // A new title shows on the page that lists it under "see also".
            ("c.md", "---\ntitle: Zeta\nsee_also: [b]\nlast_revised: 2020-01-04\n---\n\n## Three\n\nSee [[Third]].\n"),
            (
                "b.md",
                "---\ntitle: Baker\nalternative_names: [Third]\nlast_revised: 2020-01-02\n---\n\n## Two\n\n[x](a.md#uno)\n",
            ),
        ];
        let mut changes_seen = 0;
        for (path, text) in edits {
            // Asked for before the re-link, so that the re-link keeps it up to date.
            let _ = linker.site().links_here();
            let before = summary(linker.site());
            let shown_before = shown(linker.site());
            let hashes: Vec<_> = linker.site().articles.iter().map(|l| l.article.hash).collect();
            let _ = linker.take_changes();
            let surface_only = current.iter().any(|(p, old)| {
                let new = article(path, text);
                *p == path && old.surface != new.surface && old.meta.previous_slugs == new.meta.previous_slugs
            });
            linker.name_users = None;
            // The unchanged articles are the ones linked before, as the load stage hands them on.
            let mut next = current.clone();
            let at = next.iter().position(|(p, _)| *p == path).unwrap();
            next[at] = (path, article(path, text));
            let articles: Vec<_> = next.iter().map(|(_, a)| Arc::clone(a)).collect();
            let fresh = Linker::link(articles.clone(), &Failed::default(), 10, Alphabet::Latin);
            let relinked = linker.relink(&articles.iter().collect::<Vec<_>>(), &Failed::default(), 10);
            match (fresh, relinked) {
                (Ok(fresh), Ok(())) => {
                    let after = summary(linker.site());
                    assert_eq!(summary(&fresh.site), after, "after editing {path}");
                    assert_eq!(fresh.site.letters, linker.site().letters, "after editing {path}");
                    assert_eq!(fresh.site.recent, linker.site().recent, "after editing {path}");
                    // A change of names, sections or date re-links only what it reaches.
                    assert_eq!(linker.name_users.is_some(), surface_only, "after editing {path}");
                    // The changes recorded cover every article whose page could differ.
                    if let Some(changes) = linker.take_changes() {
                        changes_seen += 1;
                        for (i, l) in linker.site().articles.iter().enumerate() {
                            if l.article.hash != hashes[i] {
                                assert!(changes.edited.contains(&i), "after editing {path}: {i} edited");
                            }
                            if after[i] != before[i] || shown(linker.site())[i] != shown_before[i] {
                                let reached = changes.reached.contains(&i) || changes.edited.contains(&i);
                                assert!(reached, "after editing {path}: links of {i}");
                            }
                        }
                    }
                    current = next;
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "after editing {path}"),
                (fresh, relinked) => panic!("after editing {path}: fresh {:?}, relinked {relinked:?}", fresh.err()),
            }
        }
        // Seven edits are refused (a link broken, a name clashing); every other kept the same
        // files, so each re-link told its changes.
        assert_eq!(changes_seen, edits.len() - 7);
    }

    #[test]
    fn reserved_slugs() {
        for slug in
            ["index", "INDEX", "404", "letter-a", "Letter-Z", "letter-0-9", "letter-enye", "LETTER-Enye", "Search"]
        {
            assert!(is_reserved_slug(slug), "{slug}");
        }
        let not = [
            "indexes",
            "letter-ab",
            "letter-",
            "letters",
            "low-back-pain",
            "letter-1",
            "letter-ñ",
            "lettér-a",
            "404s",
            "",
        ];
        for slug in not {
            assert!(!is_reserved_slug(slug), "{slug}");
        }
    }

    #[test]
    fn a_slug_is_folded_as_to_lowercase_folds_it_copied_only_when_that_changes_it() {
        for slug in ["low-back-pain", "a_b.c-9", "Low-Back-Pain", "ÉCZÉMA", "eczéma", "ΣΊΣΥΦΟΣ", ""] {
            let folded = folded_slug(slug);
            assert_eq!(folded, slug.to_lowercase(), "{slug}");
            // Slugs in lower-case ASCII, most of them, are not copied.
            let plain = slug.is_ascii() && slug == slug.to_lowercase();
            assert_eq!(matches!(folded, std::borrow::Cow::Borrowed(_)), plain, "{slug}");
        }
    }
}
