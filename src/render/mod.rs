//! Stage 3, render: what every page of the site is made from, and how to make it.
//!
//! [`plan`] lists every page of the site with a fingerprint of everything it is made from
//! (for an article: its bytes, where its links lead, the titles it shows, the theme, the
//! config, the A–Z bar, the encyc build); [`Plan::render`] turns one planned page into bytes,
//! from typed, borrowed template contexts. Rendering knows nothing of the disk: the pipeline
//! asks the write stage whether a file made from the same fingerprint is already there, and
//! renders only the pages that are not, in parallel, handing each to the writer as soon as it
//! is made (so a big site's pages are never all in memory at once).
//!
//! Besides the pages of the theme's templates, a site has the theme's static assets and the
//! search index ([`search_index`]), the sitemap and the feed ([`feeds`]).

mod feeds;
mod json_ld;
pub(crate) mod search_index;
mod theme;

use std::borrow::Cow;

use anyhow::{Context as _, Result};
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

pub(crate) use theme::Theme;

use crate::article::Bodies;
use crate::config::SiteConfig;
use crate::hash::HashWriter;
use crate::letters::Letter;
use crate::markdown::BodyHtml;
use crate::paths::{Href, OutputPath, Slug};
use crate::site::{LinkedArticle, Site};

/// One page of the site, planned: where it goes, what it is made from, and how to make it.
pub(crate) struct Planned<'a> {
    pub(crate) path: OutputPath,
    /// Everything the page is made from (equal fingerprints, equal pages); `None` for files
    /// that are cheaper to compare by their bytes (the theme's assets).
    pub(crate) fingerprint: Option<u128>,
    job: Job<'a>,
}

/// How to make a planned page.
enum Job<'a> {
    Article(usize),
    /// A letter page, with its A–Z bar (rendered while planning: the fingerprint covers it).
    Letter {
        index: usize,
        bar: String,
    },
    /// A file published as it is.
    Asset(&'a [u8]),
    /// One of the few other pages, with its context made while planning.
    Made(Box<dyn Fn() -> Result<Vec<u8>> + Send + Sync + 'a>),
}

/// Every page of a site and what rendering them needs.
pub(crate) struct Plan<'a> {
    pub(crate) pages: Vec<Planned<'a>>,
    site: &'a Site,
    theme: &'a Theme,
    config: &'a SiteConfig,
    bodies: &'a Bodies<'a>,
    az_bar: String,
    /// For each article, the articles that link to it ([`Site::links_here`]).
    links_here: Vec<Vec<usize>>,
}

/// What every page template sees.
#[derive(Serialize)]
struct Layout<'a> {
    site: SiteView<'a>,
    /// Prefix for links to other pages: empty (pages sit side by side) except on the 404
    /// page, which hosts serve at any depth and which therefore links from `base_path`.
    root: &'a str,
    /// The rendered A–Z bar.
    az_bar: Cow<'a, str>,
    /// The `<meta name="description">`, when the page has one.
    description: Option<&'a str>,
    /// The page's absolute address (printed at the foot of a printed page), when the site has
    /// a `base_url`.
    page_url: Option<String>,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    language: &'a str,
    disclaimer: &'a str,
    /// The Atom feed's file name, when the site has one (with a `base_url`).
    feed: Option<&'static str>,
}

#[derive(Serialize)]
struct AzBar<'a> {
    root: &'a str,
    letters: Vec<AzLetter>,
}

#[derive(Serialize)]
struct SearchPage<'a> {
    #[serde(flatten)]
    layout: Layout<'a>,
    letters: Vec<AzLetter>,
}

/// The page left at a renamed article's old address.
#[derive(Serialize)]
struct RedirectPage<'a> {
    #[serde(flatten)]
    layout: Layout<'a>,
    /// The article's title now.
    title: &'a str,
    /// Where it is now, relative to this page.
    href: Href,
    /// Its address: absolute with a `base_url`.
    canonical: String,
}

#[derive(Serialize)]
struct AzLetter {
    label: String,
    href: Option<String>,
    current: bool,
}

#[derive(Serialize)]
struct ArticlePage<'a> {
    #[serde(flatten)]
    layout: Layout<'a>,
    article: ArticleView<'a>,
}

#[derive(Serialize)]
struct ArticleView<'a> {
    title: &'a str,
    alternative_names: &'a [String],
    body: String,
    see_also: Vec<LinkView<'a>>,
    last_revised: DateView,
    revised_by: Option<&'a str>,
    source: Option<&'a str>,
    summary: Option<&'a str>,
    /// When the review cycle has it due (made from `last_revised` and the config alone, so
    /// the article's fingerprint covers it); `None` when the site hides it or has no cycle.
    next_review: Option<DateView>,
    /// The page's structured data (see [`json_ld`]), escaped for its `<script>` element.
    json_ld: String,
    /// Further reviewers, as "name, role".
    reviewers: Vec<String>,
    /// The site's editorial team, credited on every article.
    editorial_team: Option<&'a str>,
    /// The article's sections (level-2 headings), for the "On this page" list of a long
    /// article; empty for a short one.
    sections: Vec<SectionView<'a>>,
    /// The other articles that link here, by title.
    links_here: Vec<LinkView<'a>>,
    /// Marked `draft: true` (only `encyc watch` renders drafts): the page says it is not
    /// published.
    draft: bool,
}

#[derive(Serialize)]
struct SectionView<'a> {
    id: &'a str,
    text: &'a str,
}

/// An article with this many sections or more lists them at the top.
const SECTION_LIST_FROM: usize = 5;

#[derive(Serialize)]
struct LinkView<'a> {
    title: &'a str,
    href: Href,
}

#[derive(Serialize)]
struct DateView {
    /// `2012-12-06`, for `<time datetime>`.
    iso: String,
    /// `December 6, 2012`.
    display: String,
}

impl DateView {
    fn new(date: jiff::civil::Date) -> Self {
        DateView { iso: date.to_string(), display: date.strftime("%B %-d, %Y").to_string() }
    }
}

#[derive(Serialize)]
struct LetterPage<'a> {
    #[serde(flatten)]
    layout: Layout<'a>,
    letter: String,
    entries: Vec<EntryView<'a>>,
}

#[derive(Serialize)]
struct EntryView<'a> {
    name: &'a str,
    href: Href,
    /// For an alternative name: the title of the article it stands for.
    see: Option<&'a str>,
}

#[derive(Serialize)]
struct HomePage<'a> {
    #[serde(flatten)]
    layout: Layout<'a>,
    introduction: Vec<&'a str>,
    article_count: usize,
    recent: Vec<RecentView<'a>>,
}

#[derive(Serialize)]
struct RecentView<'a> {
    title: &'a str,
    href: Href,
    summary: Option<&'a str>,
    last_revised: DateView,
}

/// The paths of the pages a site with these slugs will have, for preparing files early.
pub(crate) fn planned_paths(slugs: impl Iterator<Item = Slug>, theme: &Theme) -> Vec<OutputPath> {
    let mut paths: Vec<OutputPath> = slugs.map(|s| s.output_path()).collect();
    paths.extend(Letter::all().map(|l| OutputPath::new(l.file_name())));
    paths.push(OutputPath::new("index.html"));
    paths.push(OutputPath::new("404.html"));
    paths.push(OutputPath::new("search.html"));
    paths.extend(theme.assets.iter().map(|(p, _)| p.clone()));
    paths.extend(search_index::paths());
    paths.sort();
    paths.dedup();
    paths
}

/// Plans every page of `site`, sorted by path: articles, letter pages, home, 404, search, the
/// sitemap and feed (with a `base_url`), the theme's assets and the search index. `build_id`
/// identifies the encyc binary, whose code shapes every page too.
pub(crate) fn plan<'a>(
    site: &'a Site,
    theme: &'a Theme,
    config: &'a SiteConfig,
    build_id: u128,
    bodies: &'a Bodies<'a>,
) -> Result<Plan<'a>> {
    use rayon::prelude::*;
    let az_bar = render_az(site, theme, "", None)?;
    let base = base_fingerprint(build_id, theme, config);
    let shared = article_base_fingerprint(base, &az_bar);
    let links_here = site.links_here();
    let mut pages: Vec<Planned<'a>> = site
        .articles
        .par_iter()
        .enumerate()
        .map(|(index, linked)| Planned {
            path: linked.article.slug.output_path(),
            fingerprint: Some(article_fingerprint(shared, site, linked, &links_here[index])),
            job: Job::Article(index),
        })
        .collect();

    let letters: Vec<Planned<'a>> = site
        .letters
        .par_iter()
        .enumerate()
        .map(|(index, (letter, entries))| {
            let bar = render_az(site, theme, "", Some(*letter))?;
            // Fingerprinted from the entries themselves: building the page's context (an
            // href per entry) costs more than the check that usually makes it unnecessary.
            let mut h = Xxh3::new();
            h.update(&base.to_le_bytes());
            h.update(bar.as_bytes());
            for e in entries {
                let target = &site.articles[e.article].article;
                h.update(e.name.as_bytes());
                h.update(b"\0");
                h.update(target.slug.as_str().as_bytes());
                h.update(if e.is_alternative { target.meta.title.as_bytes() } else { b"" });
                h.update(b"\0");
            }
            let path = OutputPath::new(letter.file_name());
            Ok(Planned { path, fingerprint: Some(h.digest128()), job: Job::Letter { index, bar } })
        })
        .collect::<Result<_>>()?;
    pages.extend(letters);

    let layout = |az_bar: &str, description, href: Option<Href>| Layout {
        site: SiteView::of(config),
        root: "",
        az_bar: Cow::Owned(az_bar.to_string()),
        description,
        page_url: href.and_then(|href| config.base_url.as_ref().map(|base| base.join(&href))),
    };
    let home = HomePage {
        layout: layout(&az_bar, None, Some(Href::new("index.html"))),
        introduction: config.introduction.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect(),
        article_count: site.articles.len(),
        recent: site
            .recent
            .iter()
            .map(|&i| {
                let a = &site.articles[i].article;
                RecentView {
                    title: &a.meta.title,
                    href: a.slug.href(),
                    summary: a.meta.summary.as_deref(),
                    last_revised: DateView::new(a.meta.last_revised),
                }
            })
            .collect(),
    };
    pages.push(small_page(theme, "home.html", home, OutputPath::new("index.html"), base)?);

    let bar_404 = render_az(site, theme, &config.base_path, None)?;
    let not_found = Layout { root: &config.base_path, ..layout(&bar_404, None, None) };
    pages.push(small_page(theme, "404.html", not_found, OutputPath::new("404.html"), base)?);
    // The search results page; without JavaScript it points to the letter pages instead.
    let search =
        SearchPage { layout: layout(&az_bar, None, Some(Href::new("search.html"))), letters: az_letters(site, None) };
    pages.push(small_page(theme, "search.html", search, OutputPath::new("search.html"), base)?);
    if let Some(base_url) = &config.base_url {
        pages.extend(feeds::plan_feeds(site, theme, config, base_url, base)?);
    }

    // The old address of each renamed article: a page that sends readers on, listed nowhere.
    for (old, target) in &site.redirects {
        let a = &site.articles[*target].article;
        let href = a.slug.href();
        let page = RedirectPage {
            layout: layout(&az_bar, None, None),
            title: &a.meta.title,
            canonical: config.base_url.as_ref().map_or_else(|| href.as_str().to_string(), |base| base.join(&href)),
            href,
        };
        pages.push(small_page(theme, "redirect.html", page, old.output_path(), base)?);
    }
    for (path, bytes) in &theme.assets {
        pages.push(Planned { path: path.clone(), fingerprint: None, job: Job::Asset(bytes) });
    }
    pages.extend(search_index::plan(site, build_id));
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan { pages, site, theme, config, bodies, az_bar, links_here })
}

impl Plan<'_> {
    /// Makes the bytes of one planned page.
    pub(crate) fn render(&self, page: &Planned<'_>) -> Result<Vec<u8>> {
        match &page.job {
            Job::Article(index) => {
                let linked = &self.site.articles[*index];
                let body = self.bodies.body(&linked.article)?;
                let links_here = &self.links_here[*index];
                render_article(self.site, linked, links_here, &body, self.theme, self.config, self.layout(linked))
            }
            Job::Letter { index, bar } => {
                let (letter, entries) = &self.site.letters[*index];
                let context = LetterPage {
                    layout: Layout {
                        site: SiteView::of(self.config),
                        root: "",
                        az_bar: Cow::Borrowed(bar),
                        description: None,
                        page_url: self.config.base_url.as_ref().map(|base| base.join(&Href::new(letter.file_name()))),
                    },
                    letter: letter.label(),
                    entries: entries
                        .iter()
                        .map(|e| {
                            let target = &self.site.articles[e.article].article;
                            EntryView {
                                name: &e.name,
                                href: target.slug.href(),
                                see: e.is_alternative.then_some(target.meta.title.as_str()),
                            }
                        })
                        .collect(),
                };
                Ok(self.theme.render("letter.html", &context)?.into_bytes())
            }
            Job::Asset(bytes) => Ok(bytes.to_vec()),
            Job::Made(make) => make(),
        }
    }

    /// The frame of an article's page.
    fn layout<'s>(&'s self, linked: &'s LinkedArticle) -> Layout<'s> {
        let a = &linked.article;
        Layout {
            site: SiteView::of(self.config),
            root: "",
            az_bar: Cow::Borrowed(&self.az_bar),
            description: a.meta.summary.as_deref(),
            page_url: self.config.base_url.as_ref().map(|base| base.join(&a.slug.href())),
        }
    }
}

impl<'a> SiteView<'a> {
    fn of(config: &'a SiteConfig) -> Self {
        SiteView {
            title: &config.title,
            language: &config.language,
            disclaimer: &config.disclaimer,
            feed: config.base_url.is_some().then_some(feeds::FEED),
        }
    }
}

/// What every page is made from: the encyc build, the theme and the config.
fn base_fingerprint(build_id: u128, theme: &Theme, config: &SiteConfig) -> u128 {
    let mut h = Xxh3::new();
    h.update(&build_id.to_le_bytes());
    h.update(&theme.fingerprint.to_le_bytes());
    h.update(format!("{config:?}").as_bytes());
    h.digest128()
}

/// What every article page shares: the base and the A–Z bar.
fn article_base_fingerprint(base: u128, az_bar: &str) -> u128 {
    let mut h = Xxh3::new();
    h.update(&base.to_le_bytes());
    h.update(az_bar.as_bytes());
    h.digest128()
}

/// Everything one article page is made from, beyond what all pages share.
fn article_fingerprint(shared: u128, site: &Site, linked: &LinkedArticle, links_here: &[usize]) -> u128 {
    let mut h = Xxh3::new();
    h.update(&shared.to_le_bytes());
    h.update(&linked.article.hash.to_le_bytes());
    for href in &linked.wiki_hrefs {
        h.update(href.as_str().as_bytes());
        h.update(b"\0");
    }
    h.update(b"\x01");
    for &i in linked.see_also.iter().chain(links_here) {
        let target = &site.articles[i].article;
        h.update(target.meta.title.as_bytes());
        h.update(b"\0");
        h.update(target.slug.as_str().as_bytes());
        h.update(b"\0");
    }
    h.digest128()
}

fn render_article(
    site: &Site,
    linked: &LinkedArticle,
    links_here: &[usize],
    body: &BodyHtml,
    theme: &Theme,
    config: &SiteConfig,
    layout: Layout<'_>,
) -> Result<Vec<u8>> {
    let a = &linked.article;
    let next_review = config
        .show_next_review
        .then(|| crate::review::next_review_due(a.meta.last_revised, config.review_period))
        .flatten();
    let context = ArticlePage {
        layout,
        article: ArticleView {
            title: &a.meta.title,
            alternative_names: &a.meta.alternative_names,
            body: with_care_card_titles(body.finish(&linked.wiki_hrefs), theme)?,
            see_also: linked
                .see_also
                .iter()
                .map(|&i| {
                    let target = &site.articles[i].article;
                    LinkView { title: &target.meta.title, href: target.slug.href() }
                })
                .collect(),
            last_revised: DateView::new(a.meta.last_revised),
            revised_by: a.meta.revised_by.as_deref(),
            source: a.meta.source.as_deref(),
            summary: a.meta.summary.as_deref(),
            next_review: next_review.map(DateView::new),
            json_ld: json_ld::for_article(a, config)?,
            draft: a.meta.draft,
            reviewers: a
                .meta
                .reviewers
                .iter()
                .map(|r| match &r.role {
                    Some(role) => format!("{}, {role}", r.name),
                    None => r.name.clone(),
                })
                .collect(),
            editorial_team: config.editorial_team.as_deref(),
            sections: {
                let sections: Vec<SectionView<'_>> = a
                    .outline
                    .headings
                    .iter()
                    .filter(|h| h.level == 2)
                    .map(|h| SectionView { id: &h.id, text: &h.text })
                    .collect();
                if sections.len() >= SECTION_LIST_FROM { sections } else { Vec::new() }
            },
            links_here: links_here
                .iter()
                .map(|&i| {
                    let from = &site.articles[i].article;
                    LinkView { title: &from.meta.title, href: from.slug.href() }
                })
                .collect(),
        },
    };
    let html = theme
        .render("article.html", &context)
        .with_context(|| format!("while rendering {}", a.source.display_path().display()))?;
    Ok(html.into_bytes())
}

/// Puts the theme's heading (`care-card.html`) into each care card of an article's HTML.
fn with_care_card_titles(mut html: String, theme: &Theme) -> Result<String> {
    #[derive(Serialize)]
    struct CareCard<'a> {
        kind: &'a str,
    }
    for (_, kind) in crate::markdown::CARE_CARDS {
        let slot = crate::markdown::care_card_slot(kind);
        if html.contains(&slot) {
            html = html.replace(&slot, &theme.render("care-card.html", &CareCard { kind })?);
        }
    }
    Ok(html)
}

/// The A–Z bar: letters with entries link to their page; `current` is marked for the
/// letter page being rendered.
fn render_az(site: &Site, theme: &Theme, root: &str, current: Option<Letter>) -> Result<String> {
    theme.render("az.html", &AzBar { root, letters: az_letters(site, current) })
}

/// The sections of the A–Z bar: letters with entries link to their page.
fn az_letters(site: &Site, current: Option<Letter>) -> Vec<AzLetter> {
    site.letters
        .iter()
        .map(|(letter, entries)| AzLetter {
            label: letter.label(),
            href: (!entries.is_empty()).then(|| letter.file_name()),
            current: current == Some(*letter),
        })
        .collect()
}

/// Plans a page other than an article or letter page. Such pages are few, and their contexts
/// are complete, so the fingerprint is simply the context as JSON.
fn small_page<'a, T: Serialize + Send + Sync + 'a>(
    theme: &'a Theme,
    template: &'static str,
    context: T,
    path: OutputPath,
    base: u128,
) -> Result<Planned<'a>> {
    let mut h = Xxh3::new();
    h.update(&base.to_le_bytes());
    h.update(template.as_bytes());
    serde_json::to_writer(HashWriter(&mut h), &context).context("cannot fingerprint a page")?;
    let make = move || Ok(theme.render(template, &context)?.into_bytes());
    Ok(Planned { path, fingerprint: Some(h.digest128()), job: Job::Made(Box::new(make)) })
}

/// A file planned with a fingerprint and made by `make` when it must be written.
fn made<'a>(path: OutputPath, fingerprint: u128, make: impl Fn() -> Result<Vec<u8>> + Send + Sync + 'a) -> Planned<'a> {
    Planned { path, fingerprint: Some(fingerprint), job: Job::Made(Box::new(make)) }
}
