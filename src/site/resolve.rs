//! Resolving an article's links, anchors and see-also entries against the site, with a hint
//! for each one that does not resolve.

use std::sync::Arc;

use rustc_hash::FxHashSet as HashSet;

use super::names::Lookup;
use super::{Index, LinkedArticle};
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Problem};
use crate::markdown::LinkTarget;
use crate::paths::{Href, Slug};

pub(super) struct Resolver<'a> {
    pub(super) articles: Targets<'a>,
    pub(super) index: &'a Index,
    pub(super) failed: &'a HashSet<&'a Slug>,
    /// The lookup keys of the names the failed files give, when every one's are known
    /// ([`crate::article::Failed::names`]).
    pub(super) failed_names: Option<&'a HashSet<String>>,
}

/// The articles links resolve to, by index: as given, or as a link holds them (a body edit is
/// resolved against the linked articles, without a list of them made for it: that was a
/// millisecond of every save in `encyc watch`).
#[derive(Clone, Copy)]
pub(super) enum Targets<'a> {
    Articles(&'a [Arc<Article>]),
    Linked(&'a [LinkedArticle]),
}

impl<'a> Targets<'a> {
    fn get(self, i: usize) -> &'a Article {
        match self {
            Targets::Articles(articles) => &articles[i],
            Targets::Linked(linked) => &linked[i].article,
        }
    }

    fn iter(self) -> impl Iterator<Item = &'a Article> {
        let count = match self {
            Targets::Articles(articles) => articles.len(),
            Targets::Linked(linked) => linked.len(),
        };
        (0..count).map(move |i| self.get(i))
    }
}

impl Resolver<'_> {
    pub(super) fn resolve(&self, article: &Arc<Article>, problems: &mut Vec<Diagnostic>) -> LinkedArticle {
        // The file is named only when there is a problem (most articles have none).
        let mut report = |line: usize, problem: Problem| {
            problems.push(Diagnostic::new(article.source.display_path(), Some(line), problem))
        };
        let mut wiki_hrefs = Vec::new();
        let mut renamed: Vec<(Href, Href)> = Vec::new();
        let mut targets = Vec::new();
        for link in article.outline.links.iter() {
            match link.target {
                LinkTarget::Article { slug, anchor } => {
                    let current = self.index.by_slug.get(slug);
                    if current.is_none()
                        && let Some(&i) = self.index.previous.get(slug)
                    {
                        let pair = (Slug::new(slug).href(), self.articles.get(i).slug.href());
                        if !renamed.contains(&pair) {
                            renamed.push(pair);
                        }
                    }
                    match current.or_else(|| self.index.previous.get(slug)) {
                        Some(&i) => {
                            targets.push(i);
                            if let Some(p) = self.check_anchor(i, anchor, link.written) {
                                report(link.line, p);
                            }
                        }
                        None if self.failed.contains(&Slug::new(slug)) => {}
                        None => report(
                            link.line,
                            Problem::BrokenLink {
                                target: link.written.to_string(),
                                slug: slug.to_string(),
                                hint: self.slug_hint(slug),
                            },
                        ),
                    }
                }
                LinkTarget::Wiki { name, anchor, .. } => match self.index.names.lookup(name) {
                    Lookup::Found(i) => {
                        targets.push(i);
                        if let Some(p) = self.check_anchor(i, anchor, link.written) {
                            report(link.line, p);
                        }
                        wiki_hrefs.push(self.articles.get(i).slug.href().with_fragment(anchor));
                    }
                    Lookup::Ambiguous(candidates) => {
                        let names: Vec<String> = candidates
                            .iter()
                            .map(|&i| {
                                format!(
                                    "\"{}\" ({})",
                                    self.articles.get(i).meta.title,
                                    self.articles.get(i).source.display_path().display()
                                )
                            })
                            .collect();
                        report(
                            link.line,
                            Problem::AmbiguousWikiName { name: name.to_string(), candidates: names.join(" and ") },
                        );
                        wiki_hrefs.push(Href::new("#"));
                    }
                    Lookup::Unknown => {
                        // A file that failed to parse may carry this name: its own problem is
                        // reported, and this one would only be noise until it is fixed. When
                        // the names of every such file are known, only theirs are spared.
                        let may_be_failed = !self.failed.is_empty()
                            && self.failed_names.is_none_or(|names| names.contains(&crate::letters::name_key(name)));
                        if !may_be_failed {
                            report(
                                link.line,
                                Problem::UnknownWikiName { name: name.to_string(), hint: self.name_hint(name) },
                            );
                        }
                        wiki_hrefs.push(Href::new("#"));
                    }
                },
                // Checked, and given its href, once every edition is linked (`editions`).
                LinkTarget::OtherEdition { .. } => wiki_hrefs.push(Href::new("#")),
                LinkTarget::SamePage { anchor } => {
                    if !article.outline.headings.iter().any(|h| h.id == anchor) {
                        report(
                            link.line,
                            Problem::BrokenAnchor {
                                target: link.written.to_string(),
                                article: "this article".into(),
                                anchor: anchor.to_string(),
                                hint: anchor_hint(article, anchor),
                            },
                        );
                    }
                }
                LinkTarget::External => {}
                LinkTarget::Unsafe => report(link.line, Problem::UnsafeLink(link.written.to_string())),
                LinkTarget::Unpublished => report(link.line, Problem::UnpublishedFile(link.written.to_string())),
                LinkTarget::ProtocolRelative => report(
                    link.line,
                    Problem::ProtocolRelativeLink {
                        written: link.written.to_string(),
                        host_and_path: link.written.trim().trim_start_matches(['/', '\\']).to_string(),
                    },
                ),
            }
        }
        for problem in &article.outline.problems {
            report(problem.line, Problem::Outline(problem.message.clone()));
        }
        let mut see_also = Vec::new();
        for entry in &article.meta.see_also {
            match self.index.by_slug.get(&entry.value).or_else(|| self.index.previous.get(&entry.value)) {
                Some(_) if entry.value == article.slug => {
                    report(entry.line, Problem::SelfSeeAlso(entry.value.to_string()))
                }
                Some(&i) => {
                    if !see_also.contains(&i) {
                        see_also.push(i);
                    }
                }
                None if self.failed.contains(&entry.value) => {}
                None => report(
                    entry.line,
                    Problem::BrokenSeeAlso {
                        slug: entry.value.to_string(),
                        hint: self.slug_hint(entry.value.as_str()),
                    },
                ),
            }
        }
        LinkedArticle { article: Arc::clone(article), wiki_hrefs, see_also, renamed, targets }
    }

    fn check_anchor(&self, target: usize, anchor: Option<&str>, written: &str) -> Option<Problem> {
        let anchor = anchor?;
        let article = self.articles.get(target);
        if article.outline.headings.iter().any(|h| h.id == anchor) {
            return None;
        }
        Some(Problem::BrokenAnchor {
            target: written.to_string(),
            article: article.source.display_path().display().to_string(),
            anchor: anchor.to_string(),
            hint: anchor_hint(article, anchor),
        })
    }

    /// The slug most like `slug` (a slip of the keyboard, another letter case), if one is close.
    fn slug_hint(&self, slug: &str) -> String {
        let slugs = self.index.by_slug.keys().chain(self.index.previous.keys()).map(Slug::as_str);
        did_you_mean(slug, slugs)
    }

    /// The title or alternative name most like `name`, if one is close.
    fn name_hint(&self, name: &str) -> String {
        let names = self.articles.iter().flat_map(|a| a.names().map(|(n, _, _)| n));
        did_you_mean(name, names)
    }
}

/// " (did you mean `x`?)" for the candidate most like `wanted`, compared ignoring case, as
/// compilers suggest a misspelt name; empty when none is close enough to be a slip.
pub(crate) fn did_you_mean<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let wanted_lower = wanted.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::normalized_damerau_levenshtein(&wanted_lower, &candidate.to_lowercase());
        // Ties go to the first in sorted order, so the hint is the same every build.
        let better = match best {
            None => true,
            Some((s, c)) => score > s || (score == s && candidate < c),
        };
        if better {
            best = Some((score, candidate));
        }
    }
    match best {
        // About one slip in every four or five letters.
        Some((score, candidate)) if score >= 0.75 && candidate != wanted => format!(" (did you mean `{candidate}`?)"),
        _ => String::new(),
    }
}

pub(crate) fn anchor_hint(article: &Article, anchor: &str) -> String {
    if article.outline.headings.is_empty() {
        return " (it has no sections)".to_string();
    }
    let ids = article.outline.headings.iter().map(|h| h.id);
    let close = did_you_mean(anchor, ids);
    if !close.is_empty() {
        return close;
    }
    let ids: Vec<&str> = article.outline.headings.iter().map(|h| h.id).collect();
    format!(" (its sections are: {})", ids.join(", "))
}
