//! Editions in more than one language: a site's main edition (`articles/`, published at the
//! root of the output) and the further editions `encyc.yaml` lists under `editions:` (each in
//! `articles.<language>/`, published under `<language>/`). Each edition is loaded and linked
//! on its own, as a complete site; this module puts them side by side once they are linked:
//! it checks what translations claim ([`cross_check`]), and works out what each page shows of
//! the other editions ([`views`]): its `hreflang` alternates, the language switch, and a
//! translation's credit.
//!
//! Translations are of the main edition's articles: a medical publisher revises its originals
//! and has them translated, and `encyc check` tells when a translation follows an older
//! revision than the original's current one.

use std::path::{Path, PathBuf};

use anyhow::Result;
use rustc_hash::FxHashMap as HashMap;

use crate::config::{ARTICLES_DIR, BaseUrl, EditionConfig, SiteConfig};
use crate::diagnostic::{Diagnostic, Problem};
use crate::markdown::{ArticleRef, LinkTarget};
use crate::paths::{Href, Slug};
use crate::render::{Edition, LanguageLink, Original, Strings};
use crate::site::Site;

/// One linked edition, as the pipeline hands it over.
pub(crate) struct Linked<'a> {
    pub(crate) site: &'a Site,
    /// The output folder it is published in: empty for the main edition, `es/` …
    pub(crate) prefix: &'a str,
    /// Its articles folder: `articles`, `articles.es` …
    pub(crate) dir_name: &'a str,
    /// Its language tag.
    pub(crate) language: String,
    /// Its language's name in itself ("English", "Español").
    pub(crate) endonym: String,
}

/// The settings of a further edition: the main edition's, in its language, published under
/// its folder.
pub(crate) fn site_config(main: &SiteConfig, edition: &EditionConfig, strings: &Strings) -> Result<SiteConfig> {
    let prefix = edition.output_prefix();
    let base_url = match &main.base_url {
        Some(url) => Some(BaseUrl::parse(&format!("{}{prefix}", url.as_str()))?),
        None => None,
    };
    Ok(SiteConfig {
        title: edition.title.clone().unwrap_or_else(|| strings.get("site-title").to_string()),
        language: edition.language.clone(),
        disclaimer: edition.disclaimer.clone().unwrap_or_else(|| strings.get("disclaimer").to_string()),
        introduction: edition.introduction.clone().unwrap_or_else(|| strings.get("introduction").to_string()),
        base_path: format!("{}{prefix}", main.base_path),
        base_url,
        editions: Vec::new(),
        ..main.clone()
    })
}

/// Diagnostics of a further edition name its own folder: the load and link stages know only
/// paths relative to the articles folder they read.
pub(crate) fn in_folder(mut problems: Vec<Diagnostic>, dir_name: &str) -> Vec<Diagnostic> {
    for d in &mut problems {
        d.file = moved(&d.file, dir_name);
    }
    problems
}

/// `articles/x.md` as `<dir_name>/x.md`.
pub(crate) fn moved(file: &Path, dir_name: &str) -> PathBuf {
    match file.strip_prefix(ARTICLES_DIR) {
        Ok(rest) => Path::new(dir_name).join(rest),
        Err(_) => file.to_path_buf(),
    }
}

/// The index of the article with `slug` in `site` (sorted by slug).
fn find(site: &Site, slug: &str) -> Option<usize> {
    site.articles.binary_search_by(|l| l.article.slug.as_str().cmp(slug)).ok()
}

/// For each further edition: which of its articles translates each original, by slug.
fn translations<'a>(editions: &[Linked<'a>]) -> Vec<HashMap<&'a Slug, usize>> {
    editions
        .iter()
        .map(|e| {
            let mut by_original = HashMap::default();
            for (i, l) in e.site.articles.iter().enumerate() {
                if let Some(t) = &l.article.meta.translation {
                    by_original.entry(&t.of.value).or_insert(i);
                }
            }
            by_original
        })
        .collect()
}

/// What translations claim, checked against the main edition: the original exists, no two
/// articles of one edition translate it, it was not revised after the date the translation
/// says, and the main edition holds no translations.
pub(crate) fn cross_check(main: &Linked<'_>, editions: &[Linked<'_>]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for l in &main.site.articles {
        if let Some(t) = &l.article.meta.translation {
            let file = l.article.source.display_path();
            problems.push(Diagnostic::new(file, Some(t.of.line), Problem::TranslationInMainEdition(ARTICLES_DIR)));
        }
    }
    for e in editions {
        let mut first: HashMap<&Slug, (PathBuf, usize)> = HashMap::default();
        for l in &e.site.articles {
            let Some(t) = &l.article.meta.translation else { continue };
            let file = moved(&l.article.source.display_path(), e.dir_name);
            let line = Some(t.of.line);
            match find(main.site, t.of.value.as_str()) {
                None => problems.push(Diagnostic::new(
                    file.clone(),
                    line,
                    Problem::TranslationOfMissing {
                        slug: t.of.value.to_string(),
                        language: language_name(&main.language),
                    },
                )),
                Some(_) => problems.extend(translation_ahead(main.site, e, &l.article)),
            }
            if let Some((other, other_line)) = first.get(&t.of.value) {
                let slug = t.of.value.to_string();
                problems.push(Diagnostic::new(
                    file.clone(),
                    line,
                    Problem::TranslatedTwice { slug: slug.clone(), other: other.clone() },
                ));
                let other_problem = Problem::TranslatedTwice { slug, other: file };
                problems.push(Diagnostic::new(other.clone(), Some(*other_line), other_problem));
            } else {
                first.insert(&t.of.value, (file, t.of.line));
            }
        }
    }
    problems
}

/// The problem with a translation that says it follows a revision of its original later than
/// the original's last (`None` when it does not, or is no translation of an article there).
fn translation_ahead(main: &Site, e: &Linked<'_>, article: &crate::article::Article) -> Option<Diagnostic> {
    let t = article.meta.translation.as_ref()?;
    let actual = main.articles[find(main, t.of.value.as_str())?].article.meta.last_revised;
    (t.original_revised > actual).then(|| {
        let file = moved(&article.source.display_path(), e.dir_name);
        let (given, actual) = (t.original_revised.to_string(), actual.to_string());
        Diagnostic::new(file, Some(t.original_revised_line), Problem::TranslationAhead { given, actual })
    })
}

/// Per article of an edition: the wiki slot and href of each of its links to other editions.
pub(crate) type Elsewhere = Vec<Vec<(usize, Href)>>;

/// Links to an article of another edition (`[[es:Dolor lumbar]]`, `[texto](en:sciatica.md)`),
/// checked against that edition once every edition is linked: the problems (an unknown
/// edition, or no such article or section there, with the "did you mean" of other links),
/// and for each edition, for each of its articles, the slot and href of each such link
/// (from the article's page to the other edition's).
pub(crate) fn other_edition_links(all: &[Linked<'_>]) -> (Vec<Diagnostic>, Vec<Elsewhere>) {
    let mut problems = Vec::new();
    let known = all.iter().map(|e| format!("`{}`", e.language)).collect::<Vec<_>>().join(", ");
    let hrefs = all
        .iter()
        .enumerate()
        .map(|(k, from)| {
            let up = if k == 0 { "" } else { "../" };
            from.site
                .articles
                .iter()
                .map(|l| {
                    let mut hrefs = Vec::new();
                    if !l.article.links_elsewhere {
                        return hrefs;
                    }
                    for link in l.article.outline.links.iter() {
                        let LinkTarget::OtherEdition { language, article, anchor, slot } = link.target else {
                            continue;
                        };
                        let file = moved(&l.article.source.display_path(), from.dir_name);
                        let mut report =
                            |problem| problems.push(Diagnostic::new(file.clone(), Some(link.line), problem));
                        let target = link.written.to_string();
                        let Some(to) = all.iter().find(|e| e.language.eq_ignore_ascii_case(language)) else {
                            report(Problem::UnknownEdition {
                                target,
                                language: language.to_string(),
                                known: known.clone(),
                            });
                            continue;
                        };
                        let edition = language_name(&to.language);
                        let found = match article {
                            ArticleRef::Slug(slug) => find(to.site, slug).ok_or_else(|| {
                                let slugs = to.site.articles.iter().map(|l| l.article.slug.as_str());
                                (format!("with the slug `{slug}`"), crate::site::did_you_mean(slug, slugs))
                            }),
                            ArticleRef::Name(name) => by_name(to.site, name).ok_or_else(|| {
                                let names = to.site.articles.iter().flat_map(|l| l.article.names().map(|(n, _, _)| n));
                                (format!("named \"{name}\""), crate::site::did_you_mean(name, names))
                            }),
                        };
                        let i = match found {
                            Ok(i) => i,
                            Err((what, hint)) => {
                                report(Problem::BrokenEditionLink { target, edition, what, hint });
                                continue;
                            }
                        };
                        let a = &to.site.articles[i].article;
                        if let Some(anchor) = anchor
                            && !a.outline.headings.iter().any(|h| h.id == anchor)
                        {
                            let hint = crate::site::anchor_hint(a, anchor);
                            let file = moved(&a.source.display_path(), to.dir_name);
                            let article = format!("{} in the {edition} edition", file.display());
                            let anchor = anchor.to_string();
                            report(Problem::BrokenAnchor { target, article, anchor, hint });
                            continue;
                        }
                        let href = format!("{up}{}{}", to.prefix, a.slug.href().as_str());
                        hrefs.push((slot, Href::new(href).with_fragment(anchor)));
                    }
                    hrefs
                })
                .collect()
        })
        .collect();
    (problems, hrefs)
}

/// The article of `site` with this title, or else with this alternative name (the first, by
/// slug, when several have it), compared as wiki links compare names.
fn by_name(site: &Site, name: &str) -> Option<usize> {
    let key = crate::letters::name_key(name);
    let title = site.articles.iter().position(|l| l.article.title_key().lookup == key);
    title.or_else(|| site.articles.iter().position(|l| l.article.name_keys.iter().any(|k| k.lookup == key)))
}

/// The English name of a language, for encyc's own messages (which are in English).
pub(crate) fn language_name(tag: &str) -> String {
    match tag.split('-').next().unwrap_or(tag) {
        "en" => "English".to_string(),
        "es" => "Spanish".to_string(),
        "fr" => "French".to_string(),
        "cy" => "Welsh".to_string(),
        "pt" => "Portuguese".to_string(),
        _ => format!("`{tag}`"),
    }
}

/// What each edition's pages show of the others; `all[0]` is the main edition. `strings`
/// are moved into the views, in the same order.
pub(crate) fn views(all: &[Linked<'_>], strings: Vec<Strings>, base_path: &str) -> Vec<Edition> {
    let parts = view_parts(all, base_path).into_iter().zip(strings);
    parts
        .map(|(ViewParts { homes, translations, originals, homes_from_root }, strings)| {
            let fingerprints = std::sync::OnceLock::new();
            Edition { strings, homes, translations, originals, homes_from_root, elsewhere: Vec::new(), fingerprints }
        })
        .collect()
}

/// An edition's [`Edition`] but for its strings and its links to other editions.
#[derive(Debug)]
pub(crate) struct ViewParts {
    pub(crate) homes: Vec<LanguageLink>,
    pub(crate) translations: Vec<Vec<LanguageLink>>,
    pub(crate) originals: Vec<Option<Box<Original>>>,
    pub(crate) homes_from_root: Vec<LanguageLink>,
}

/// See [`views`].
pub(crate) fn view_parts(all: &[Linked<'_>], base_path: &str) -> Vec<ViewParts> {
    let by_original = translations(&all[1..]);
    let main = all[0].site;
    (0..all.len())
        .map(|k| {
            let others: Vec<usize> = (0..all.len()).filter(|&j| j != k).collect();
            let link = |j: usize, page: &str, same_page: bool| LanguageLink {
                lang: all[j].language.clone(),
                name: all[j].endonym.clone(),
                href: format!("{}{}{page}", up(k), all[j].prefix),
                same_page,
            };
            let homes: Vec<LanguageLink> = others.iter().map(|&j| link(j, "index.html", false)).collect();
            let homes_from_root = others
                .iter()
                .map(|&j| LanguageLink {
                    href: format!("{base_path}{}index.html", all[j].prefix),
                    ..link(j, "index.html", false)
                })
                .collect();
            let site = all[k].site;
            let mut translations = Vec::with_capacity(site.articles.len());
            let mut originals = Vec::with_capacity(site.articles.len());
            for l in &site.articles {
                let a = &l.article;
                let original_slug = match k {
                    0 => Some(&a.slug),
                    _ => a.meta.translation.as_ref().map(|t| &t.of.value),
                };
                let same: Vec<LanguageLink> = match original_slug {
                    None => Vec::new(),
                    Some(slug) => others
                        .iter()
                        .filter_map(|&j| {
                            let target = match j {
                                0 => find(main, slug.as_str())?,
                                _ => *by_original[j - 1].get(slug)?,
                            };
                            let href = all[j].site.articles[target].article.slug.href();
                            Some(link(j, href.as_str(), true))
                        })
                        .collect(),
                };
                translations.push(same);
                originals.push(original(all, k, a));
            }
            ViewParts { homes, translations, originals, homes_from_root }
        })
        .collect()
}

/// From an edition's pages to the main edition's: the main edition is published at the top,
/// each further edition in a folder of its own.
fn up(k: usize) -> &'static str {
    if k == 0 { "" } else { "../" }
}

/// The credit of article `a` of edition `k` for its original, when `a` is a translation in a
/// further edition of an article the main edition has.
fn original(all: &[Linked<'_>], k: usize, a: &crate::article::Article) -> Option<Box<Original>> {
    let main = all[0].site;
    let t = a.meta.translation.as_ref().filter(|_| k > 0)?;
    let o = &main.articles[find(main, t.of.value.as_str())?].article;
    Some(Box::new(Original {
        title: o.meta.title.clone(),
        href: format!("{}{}", up(k), o.slug.href().as_str()),
        lang: all[0].language.clone(),
        revised_by: o.meta.revised_by.clone(),
        followed: t.original_revised,
        translated_by: t.translated_by.clone(),
    }))
}

/// `last`, the [`views`] of editions whose articles relate as those of `all` do (the same
/// files, slugs and translations, and no link to another edition anywhere), brought up to date
/// after the articles `changed[k]` of each edition `k` changed only what they show: a title or
/// name, a section, a revision date, a reviewer, a translation's credit. Only translation credits
/// show any of that: those of the changed translations and of every translation of a changed
/// original are made again, with their fingerprints, and checked (a translation may now follow a
/// revision later than its original's last). Far cheaper than [`views`] after a change of title,
/// which builds every article's links to the other editions again.
pub(crate) fn refresh(
    all: &[Linked<'_>],
    mut last: Vec<Edition>,
    changed: &[Vec<usize>],
) -> Result<Vec<Edition>, Vec<Diagnostic>> {
    let main = all[0].site;
    let originals: Vec<&Slug> = changed[0].iter().map(|&i| &main.articles[i].article.slug).collect();
    let mut problems = Vec::new();
    for (k, (e, view)) in all.iter().zip(&mut last).enumerate().skip(1) {
        let mut redo: std::collections::BTreeSet<usize> = changed[k].iter().copied().collect();
        if !originals.is_empty() {
            let translates = |l: &crate::site::LinkedArticle| {
                l.article.meta.translation.as_ref().is_some_and(|t| originals.contains(&&t.of.value))
            };
            redo.extend(e.site.articles.iter().enumerate().filter(|(_, l)| translates(l)).map(|(i, _)| i));
        }
        let mut fingerprints = view.fingerprints.take();
        for i in redo {
            let a = &e.site.articles[i].article;
            problems.extend(translation_ahead(main, e, a));
            view.originals[i] = original(all, k, a);
            if let Some(fingerprints) = &mut fingerprints {
                fingerprints[i] = view.article_fingerprint(i);
            }
        }
        if let Some(fingerprints) = fingerprints {
            let _ = view.fingerprints.set(fingerprints);
        }
    }
    match problems.is_empty() {
        true => Ok(last),
        false => Err(problems),
    }
}
