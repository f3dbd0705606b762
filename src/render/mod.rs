//! Stage 3, render: every page of the site as bytes in memory, rendered in parallel from
//! typed, borrowed template contexts. The A–Z bar is rendered once and shared.
//!
//! Article pages, the bulk of a site, each get a fingerprint of everything they are made
//! from (the article's bytes, where its links lead, the titles it shows, the theme, the
//! config, the A–Z bar, the encyc build). A page whose fingerprint matches the one recorded
//! for the file already on disk is not rendered at all. The few other pages are always
//! rendered; the writer skips them when their bytes are unchanged.

mod feeds;
mod json_ld;
mod theme;

use std::sync::Arc;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

pub use theme::Theme;

use crate::article::{ContentHash, content_hash};
use crate::config::SiteConfig;
use crate::letters::Letter;
use crate::markdown::BodyHtml;
use crate::paths::{Href, OutputPath, Slug};
use crate::site::{LinkedArticle, Site};

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: OutputPath,
    /// The hash of the page's bytes.
    pub hash: ContentHash,
    /// What the page was made from (equal fingerprints, equal pages).
    pub fingerprint: u128,
    pub content: Content,
}

/// Where a page's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// On disk already: the file there is this page (it was not rendered, or rendered the same).
    Kept,
    /// In memory, not yet handed to the write stage.
    Held(Vec<u8>),
    /// Rendered and handed to the write stage, which has put the bytes in a temporary file.
    Staged,
}

impl Page {
    pub(crate) fn rendered(path: OutputPath, fingerprint: Option<u128>, bytes: Vec<u8>) -> Page {
        let hash = content_hash(&bytes);
        Page { path, hash, fingerprint: fingerprint.unwrap_or(hash), content: Content::Held(bytes) }
    }

    /// Whether this build rendered the page anew (rather than keeping the file on disk).
    pub fn is_new(&self) -> bool {
        self.content != Content::Kept
    }
}

/// What the renderer needs from the rest of the build.
pub trait RenderSource: Sync {
    /// The hash of the file already on disk at `path`, if it was made from `fingerprint` and
    /// is intact: then the page need not be rendered.
    fn kept(&self, path: &OutputPath, fingerprint: u128) -> Option<ContentHash>;
    /// Hands a rendered page to the write stage as soon as it is made, so that a big site's
    /// pages are never all in memory at once; returns the page without its bytes.
    fn accept(&self, page: Page) -> Result<Page>;
    /// The rendered body of the article at `index` in the site.
    fn body(&self, index: usize) -> Result<Arc<BodyHtml>>;
}

/// What every page template sees.
#[derive(Serialize)]
struct Layout<'a> {
    site: SiteView<'a>,
    /// Prefix for links to other pages: empty (pages sit side by side) except on the 404
    /// page, which hosts serve at any depth and which therefore links from `base_path`.
    root: &'a str,
    /// The rendered A–Z bar.
    az_bar: &'a str,
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
}

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
pub fn planned_paths(slugs: impl Iterator<Item = Slug>, theme: &Theme) -> Vec<OutputPath> {
    let mut paths: Vec<OutputPath> = slugs.map(|s| s.output_path()).collect();
    paths.extend(Letter::all().map(|l| OutputPath::new(l.file_name())));
    paths.push(OutputPath::new("index.html"));
    paths.push(OutputPath::new("404.html"));
    paths.push(OutputPath::new("search.html"));
    paths.extend(theme.assets.iter().map(|(p, _)| p.clone()));
    paths.extend(crate::search::paths());
    paths.sort();
    paths.dedup();
    paths
}

/// Renders every page of `site`: articles, letter pages, home, 404 and the theme's assets.
/// `build_id` identifies the encyc binary, whose code shapes every page too.
pub fn render(
    site: &Site,
    theme: &Theme,
    config: &SiteConfig,
    build_id: u128,
    source: &dyn RenderSource,
    progress: &crate::progress::Progress,
) -> Result<Vec<Page>> {
    progress.stage("rendering", site.articles.len());
    let site_view = || SiteView {
        title: &config.title,
        language: &config.language,
        disclaimer: &config.disclaimer,
        feed: config.base_url.is_some().then_some(feeds::FEED),
    };
    let az_bar = render_az(site, theme, "", None)?;
    let page_url = |href: Href| config.base_url.as_ref().map(|base| base.join(&href));
    let layout = |description, href: Href| Layout {
        site: site_view(),
        root: "",
        az_bar: &az_bar,
        description,
        page_url: page_url(href),
    };
    let base = base_fingerprint(build_id, theme, config);
    let shared = article_base_fingerprint(base, &az_bar);

    let mut pages: Vec<Page> = site
        .articles
        .par_iter()
        .enumerate()
        .map(|(index, linked)| {
            let path = linked.article.slug.output_path();
            progress.step();
            render_unless_kept(path, article_fingerprint(shared, site, linked), source, || {
                let body = source.body(index)?;
                let layout = layout(linked.article.meta.summary.as_deref(), linked.article.slug.href());
                render_article(site, linked, &body, theme, config, layout)
            })
        })
        .collect::<Result<_>>()?;

    let letters: Vec<Page> = site
        .letters
        .par_iter()
        .map(|(letter, entries)| {
            let bar = render_az(site, theme, "", Some(*letter))?;
            let path = OutputPath::new(letter.file_name());
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
            render_unless_kept(path, h.digest128(), source, || {
                let context = LetterPage {
                    layout: Layout {
                        site: site_view(),
                        root: "",
                        az_bar: &bar,
                        description: None,
                        page_url: page_url(Href::new(letter.file_name())),
                    },
                    letter: letter.label(),
                    entries: entries
                        .iter()
                        .map(|e| {
                            let target = &site.articles[e.article].article;
                            EntryView {
                                name: &e.name,
                                href: target.slug.href(),
                                see: e.is_alternative.then_some(target.meta.title.as_str()),
                            }
                        })
                        .collect(),
                };
                render_template(theme, "letter.html", &context)
            })
        })
        .collect::<Result<_>>()?;
    pages.extend(letters);

    let home = HomePage {
        layout: layout(None, Href::new("index.html")),
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
    pages.push(render_page(theme, "home.html", &home, OutputPath::new("index.html"), base, source)?);

    let bar_404 = render_az(site, theme, &config.base_path, None)?;
    let not_found =
        Layout { site: site_view(), root: &config.base_path, az_bar: &bar_404, description: None, page_url: None };
    pages.push(render_page(theme, "404.html", &not_found, OutputPath::new("404.html"), base, source)?);
    // The search results page; without JavaScript it points to the letter pages instead.
    let search = SearchPage { layout: layout(None, Href::new("search.html")), letters: az_letters(site, None) };
    pages.push(render_page(theme, "search.html", &search, OutputPath::new("search.html"), base, source)?);
    if let Some(base_url) = &config.base_url {
        pages.extend(feeds::render_feeds(site, theme, config, base_url, base, source)?);
    }

    for (path, bytes) in &theme.assets {
        pages.push(Page::rendered(path.clone(), None, bytes.clone()));
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
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
fn article_fingerprint(shared: u128, site: &Site, linked: &LinkedArticle) -> u128 {
    let mut h = Xxh3::new();
    h.update(&shared.to_le_bytes());
    h.update(&linked.article.hash.to_le_bytes());
    for href in &linked.wiki_hrefs {
        h.update(href.as_str().as_bytes());
        h.update(b"\0");
    }
    for &i in &linked.see_also {
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
    body: &BodyHtml,
    theme: &Theme,
    config: &SiteConfig,
    layout: Layout<'_>,
) -> Result<Vec<u8>> {
    let a = &linked.article;
    let next_review = config
        .show_next_review
        .then(|| crate::editorial::review::next_review_due(a.meta.last_revised, config.review_period))
        .flatten();
    let context = ArticlePage {
        layout,
        article: ArticleView {
            title: &a.meta.title,
            alternative_names: &a.meta.alternative_names,
            body: body.finish(&linked.wiki_hrefs),
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
        },
    };
    render_template(theme, "article.html", &context)
        .with_context(|| format!("while rendering {}", a.source.display_path().display()))
}

/// The A–Z bar: letters with entries link to their page; `current` is marked for the
/// letter page being rendered.
fn render_az(site: &Site, theme: &Theme, root: &str, current: Option<Letter>) -> Result<String> {
    let bar = AzBar { root, letters: az_letters(site, current) };
    let context = tera::Context::from_serialize(&bar).map_err(|e| anyhow::anyhow!(theme::tera_message(&e)))?;
    theme
        .tera
        .render("az.html", &context)
        .map_err(|e| anyhow::anyhow!(theme::tera_message(&e)))
        .context("while rendering the template az.html")
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

/// Renders a page other than an article, unless the file on disk was made from the same
/// base and context. Such pages are few, and their contexts are complete, so the fingerprint
/// is simply the context as JSON.
fn render_page<T: Serialize>(
    theme: &Theme,
    template: &str,
    context: &T,
    path: OutputPath,
    base: u128,
    source: &dyn RenderSource,
) -> Result<Page> {
    let mut h = Xxh3::new();
    h.update(&base.to_le_bytes());
    h.update(template.as_bytes());
    serde_json::to_writer(HashWriter(&mut h), context).context("cannot fingerprint a page")?;
    render_unless_kept(path, h.digest128(), source, || render_template(theme, template, context))
}

/// The page at `path`: kept as it is on disk when that was made from `fingerprint`, rendered
/// otherwise.
pub(crate) fn render_unless_kept(
    path: OutputPath,
    fingerprint: u128,
    source: &dyn RenderSource,
    render: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<Page> {
    if let Some(hash) = source.kept(&path, fingerprint) {
        return Ok(Page { path, hash, fingerprint, content: Content::Kept });
    }
    source.accept(Page::rendered(path, Some(fingerprint), render()?))
}

/// Feeds what is written into a hasher.
struct HashWriter<'a>(&'a mut Xxh3);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn render_template<T: Serialize>(theme: &Theme, template: &str, context: &T) -> Result<Vec<u8>> {
    let context = tera::Context::from_serialize(context).map_err(|e| anyhow::anyhow!(theme::tera_message(&e)))?;
    let html = theme
        .tera
        .render(template, &context)
        .map_err(|e| anyhow::anyhow!(theme::tera_message(&e)))
        .with_context(|| format!("while rendering the template {template}"))?;
    Ok(html.into_bytes())
}
