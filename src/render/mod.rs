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
mod memo;
pub(crate) mod search_index;
pub(crate) mod strings;
mod theme;

use std::borrow::Cow;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

pub(crate) use memo::{PlanMemo, Reuse, media_digest};
pub(crate) use strings::Strings;
pub(crate) use theme::Theme;

use crate::article::{Article, Bodies};
use crate::config::SiteConfig;
use crate::hash::HashWriter;
use crate::letters::{Alphabet, Letter};
use crate::markdown::{BodyHtml, Marker};
use crate::media::{Image, Library};
use crate::paths::{Href, OutputPath, Slug};
use crate::site::{Entry, LinkedArticle, Site};

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
    /// A letter page, with its A–Z bar when it was rendered while planning (the fingerprint
    /// covers it; a fingerprint taken from the memo did not need it).
    Letter {
        index: usize,
        bar: Option<String>,
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
    edition: &'a Edition,
    media: &'a Library,
    az_bar: String,
    /// For each article, the articles that link to it ([`Site::links_here`]).
    links_here: &'a [Vec<usize>],
    /// What the next plan may reuse, when asked to keep it ([`Reuse`]).
    pub(crate) memo: Option<Box<PlanMemo>>,
}

/// What a page needs to know of the site's other editions, and the words of its own.
#[derive(Debug)]
pub(crate) struct Edition {
    pub(crate) strings: Strings,
    /// The other editions' home pages, from this edition's pages (empty for a site in one
    /// language).
    pub(crate) homes: Vec<LanguageLink>,
    /// Per article of this edition (by index into [`Site::articles`]): the same article in
    /// the other editions that have it.
    pub(crate) translations: Vec<Vec<LanguageLink>>,
    /// Per article: what it translates, for its credit (boxed: most articles translate
    /// nothing, and an empty place is then 8 bytes instead of 128, 12 MB at 100,000 articles).
    pub(crate) originals: Vec<Option<Box<Original>>>,
    /// The other editions' home pages, as absolute paths for the 404 page.
    pub(crate) homes_from_root: Vec<LanguageLink>,
    /// Per article: its links to other editions' articles (`[[es:Name]]`), as the wiki slot
    /// each fills and its href.
    pub(crate) elsewhere: Vec<Vec<(usize, Href)>>,
    /// [`Edition::article_fingerprints`], once asked for.
    pub(crate) fingerprints: std::sync::OnceLock<Vec<u64>>,
}

/// A page in another edition's language.
#[derive(Debug, Clone, Hash, Serialize)]
pub(crate) struct LanguageLink {
    /// Its language tag, for `hreflang` and `lang`.
    pub(crate) lang: String,
    /// The language's name in itself ("English", "Español").
    pub(crate) name: String,
    /// From the page that links to it.
    pub(crate) href: String,
    /// The same article in that language, rather than that edition's home page.
    pub(crate) same_page: bool,
}

/// The original of a translated article, as its credit names it.
#[derive(Debug, Clone, Hash)]
pub(crate) struct Original {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) lang: String,
    pub(crate) revised_by: Option<String>,
    /// The revision of the original the translation follows.
    pub(crate) followed: jiff::civil::Date,
    pub(crate) translated_by: Option<String>,
}

impl Edition {
    /// The edition of a site in one language.
    pub(crate) fn single(strings: Strings, articles: usize) -> Edition {
        Edition {
            strings,
            homes: Vec::new(),
            translations: vec![Vec::new(); articles],
            originals: vec![None; articles],
            homes_from_root: Vec::new(),
            elsewhere: vec![Vec::new(); articles],
            fingerprints: std::sync::OnceLock::new(),
        }
    }

    /// [`Edition::article_fingerprint`] of every article, worked out once: the plan and the
    /// check for an edition kept whole both need them, and views a long-lived builder keeps
    /// across saves keep them too.
    pub(crate) fn article_fingerprints(&self) -> &[u64] {
        self.fingerprints.get_or_init(|| (0..self.translations.len()).map(|i| self.article_fingerprint(i)).collect())
    }

    /// The other editions for a page: the same article where there is one, else the home.
    fn languages(&self, article: Option<usize>) -> Vec<LanguageLink> {
        let same = article.map_or(&[][..], |i| &self.translations[i][..]);
        self.homes.iter().map(|home| same.iter().find(|l| l.lang == home.lang).unwrap_or(home).clone()).collect()
    }

    /// A fingerprint of what an article's page shows of the other editions.
    pub(crate) fn article_fingerprint(&self, article: usize) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        self.translations[article].hash(&mut h);
        self.originals[article].hash(&mut h);
        for (slot, href) in &self.elsewhere[article] {
            slot.hash(&mut h);
            href.as_str().hash(&mut h);
        }
        h.finish()
    }
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
    /// The words the theme prints, in the edition's language.
    t: &'a tera::Value,
    /// The site's other editions (see [`Edition::languages`]); empty in a site in one language.
    languages: Vec<LanguageLink>,
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
    t: &'a tera::Value,
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
    /// What the article translates, when it is a translation.
    original: Option<OriginalView<'a>>,
    /// The works cited, numbered in order of first citation, then those never cited.
    references: Vec<ReferenceView<'a>>,
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
struct OriginalView<'a> {
    title: &'a str,
    href: &'a str,
    lang: &'a str,
    revised_by: Option<&'a str>,
    followed: DateView,
    translated_by: Option<&'a str>,
}

#[derive(Serialize)]
struct ReferenceView<'a> {
    number: usize,
    work: &'a crate::article::front_matter::Reference,
    /// Whether the text cites it (and so has a place to link back to).
    cited: bool,
    /// The title does not end in its own punctuation, so NLM style adds a full stop.
    title_needs_stop: bool,
    /// `accessed`, as a reader writes dates.
    accessed: Option<String>,
}

/// An article's references as its list numbers them: in order of first citation, then the
/// ones never cited (a `check` warning) in front-matter order.
fn references_in_order(a: &crate::article::Article) -> Vec<&crate::article::front_matter::Reference> {
    let cited = a.outline.cited();
    let all = &a.meta.references;
    cited
        .iter()
        .filter_map(|key| all.iter().find(|r| r.value.key == *key))
        .chain(all.iter().filter(|r| !cited.contains(&r.value.key.as_str())))
        .map(|r| &r.value)
        .collect()
}

/// The widest the article column gets, in CSS pixels (`main { max-width: 46rem }`).
const COLUMN_PX: u32 = 736;

/// An illustration as templates show it.
#[derive(Serialize)]
struct ImageView<'a> {
    /// The published file, relative to the page showing it.
    src: String,
    /// The illustration's own page, relative to the page showing it.
    page: String,
    /// The file name, for the illustration page's heading when there is no caption.
    title: String,
    width: u32,
    height: u32,
    /// The image and its smaller copies in its own format, for `srcset`, when there are copies.
    srcset: Option<String>,
    /// The WebP copies, for a `<source>`, when WebP is smaller at every size.
    webp_srcset: Option<String>,
    /// How wide the image shows: the column (46rem) on a wide screen, at most its own width.
    sizes: String,
    alt: &'a str,
    caption: Option<&'a str>,
    credit: Option<&'a str>,
    licence: Option<&'a str>,
}

impl<'a> ImageView<'a> {
    /// `root` leads from the page showing the image to the site's top folder.
    fn of(image: &'a Image, root: &str) -> Self {
        let entry = |path: String, width: u32| format!("{root}{path} {width}w");
        let own: Vec<_> = image.variants.iter().filter(|v| v.kind == image.kind).collect();
        let srcset = (!own.is_empty()).then(|| {
            let mut set: Vec<String> = own.iter().map(|v| entry(image.variant_path(v), v.width)).collect();
            set.push(entry(image.published_path(), image.width));
            set.join(", ")
        });
        let webp_srcset = image.webp_is_smaller().then(|| {
            let webp = image.variants.iter().filter(|v| v.kind != image.kind);
            webp.map(|v| entry(image.variant_path(v), v.width)).collect::<Vec<_>>().join(", ")
        });
        let shown = image.width.min(COLUMN_PX);
        ImageView {
            srcset,
            webp_srcset,
            sizes: format!("(max-width: {shown}px) 100vw, {shown}px"),
            src: format!("{root}{}", image.published_path()),
            page: format!("{root}{}", image.page_path()),
            title: image.meta.caption.clone().unwrap_or_else(|| image.stem()),
            width: image.width,
            height: image.height,
            alt: image.alt(),
            caption: image.meta.caption.as_deref(),
            credit: image.meta.credit.as_deref(),
            licence: image.meta.licence.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct FigureView<'a> {
    image: ImageView<'a>,
    /// Alone in its paragraph: a figure with its caption; else an image in the text.
    block: bool,
    /// Not the first illustration of the page, so probably below the first screen.
    lazy: bool,
    /// The edition's strings.
    t: &'a tera::Value,
}

/// What `footnote-back.html` sees: the link from a footnote back to where it is referenced.
#[derive(Serialize)]
struct BackLink<'a> {
    id: &'a str,
    /// The edition's strings.
    t: &'a tera::Value,
}

#[derive(Serialize)]
struct IllustrationPage<'a> {
    #[serde(flatten)]
    layout: Layout<'a>,
    image: ImageView<'a>,
    /// The articles that show it.
    articles: Vec<LinkView<'a>>,
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
    fn new(date: jiff::civil::Date, strings: &Strings) -> Self {
        DateView { iso: date.to_string(), display: strings.date(date) }
    }
}

#[derive(Serialize)]
struct LetterPage<'a> {
    #[serde(flatten)]
    layout: Layout<'a>,
    letter: String,
    entries: Vec<EntryView<'a>>,
    /// "There are no articles under X yet."
    empty: String,
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
    /// "N articles: choose a letter above to browse them."
    count_text: String,
    recent: Vec<RecentView<'a>>,
}

#[derive(Serialize)]
struct RecentView<'a> {
    title: &'a str,
    href: Href,
    summary: Option<&'a str>,
    last_revised: DateView,
}

/// What a letter page is made from, besides what every page shares (`base`) and its A–Z
/// bar: its entries, fingerprinted from themselves (building the page's context, an href per
/// entry, costs more than the check that usually makes it unnecessary).
fn letter_fingerprint(site: &Site, base: u128, bar: &str, entries: &[Entry]) -> u128 {
    let mut h = crate::hash::Fingerprint::new();
    h.extend_from_slice(&base.to_le_bytes());
    h.extend_from_slice(bar.as_bytes());
    for e in entries {
        let target = &site.articles[e.article].article;
        h.extend_from_slice(e.name.as_bytes());
        h.push(0);
        h.extend_from_slice(target.slug.as_str().as_bytes());
        h.extend_from_slice(if e.is_alternative { target.meta.title.as_bytes() } else { b"" });
        h.push(0);
    }
    h.digest()
}

/// The paths of the pages a site with these slugs will have, for preparing files early, each
/// under `prefix` as in [`plan`].
pub(crate) fn planned_paths(
    prefix: &str,
    slugs: impl Iterator<Item = Slug>,
    theme: &Theme,
    alphabet: Alphabet,
) -> Vec<OutputPath> {
    let mut others: Vec<OutputPath> = alphabet.letters().map(|l| OutputPath::new(l.file_name())).collect();
    others.extend(["index.html", "404.html", "search.html"].map(OutputPath::new));
    others.extend(theme.assets.iter().map(|(p, _)| p.clone()));
    others.extend(search_index::paths());
    let mut paths: Vec<OutputPath> = slugs.map(|s| s.output_path_in(prefix)).collect();
    paths.extend(others.iter().map(|p| p.prefixed(prefix)));
    paths.sort();
    paths.dedup();
    paths
}

/// Plans every page of `site`, sorted by path: articles, letter pages, home, 404, search, the
/// sitemap and feed (with a `base_url`), the theme's assets and the search index. `build_id`
/// identifies the encyc binary, whose code shapes every page too. `reuse` says whether to take
/// fingerprints from the last plan, and whether to keep them for the next. Every path starts
/// with `prefix`, the folder of a further edition (`en-gb/`) or nothing.
#[allow(clippy::too_many_arguments)]
pub(crate) fn plan<'a>(
    prefix: &str,
    site: &'a Site,
    theme: &'a Theme,
    config: &'a SiteConfig,
    build_id: u128,
    bodies: &'a Bodies<'a>,
    edition: &'a Edition,
    media: &'a Library,
    mut reuse: Reuse,
) -> Result<Plan<'a>> {
    use rayon::prelude::*;
    let t = &edition.strings.words;
    let az_bar = render_az(site, theme, "", None, t)?;
    let base = {
        let mut h = Xxh3::new();
        h.update(&base_fingerprint(build_id, theme, config).to_le_bytes());
        h.update(&edition.strings.fingerprint.to_le_bytes());
        h.update(format!("{:?}", edition.homes).as_bytes());
        h.digest128()
    };
    let shared = article_base_fingerprint(base, &az_bar);
    let keep = reuse.keeps();
    let media_digest = if keep { memo::media_digest(media) } else { 0 };
    let usable = reuse.valid(shared, base, media_digest, site.articles.len()).is_some();
    // What the search files were made from, taken out of the memo to be updated.
    let last_search = match (&mut reuse, usable) {
        (Reuse::From(memo, changes), true) => {
            Some(search_index::SearchReuse { memo: std::mem::take(&mut memo.search), edited: changes.edited.clone() })
        }
        _ => None,
    };
    let valid = reuse.valid(shared, base, media_digest, site.articles.len());
    let editions: &[u64] = if keep { edition.article_fingerprints() } else { &[] };
    // The search files are planned beside the articles (one thread's work, a twentieth of a
    // build with one article changed, which the articles' share of both cores takes up).
    let language = crate::terms::SearchLanguage::of(&config.language);
    // Which articles link to each is worked out on the articles' side too (one thread's
    // work, which waited for both cores before the search files' planning started).
    let plan_articles = || -> Vec<Planned<'a>> {
        let links_here = site.links_here();
        // A build that fingerprints every page first sums up what each article shows of
        // itself on the pages that list it, in one pass over the articles: each page's
        // fingerprint then reads a number per listed article instead of chasing its title and
        // slug, which was most of the fingerprints' time. A rebuild in `watch` fingerprints few
        // pages and works the same numbers out for those alone.
        let shown: Vec<u128> =
            if valid.is_none() { site.articles.par_iter().map(|l| shown_as(&l.article)).collect() } else { Vec::new() };
        site.articles
            .par_iter()
            .enumerate()
            .map(|(index, linked)| {
                let editions = editions.get(index).copied().unwrap_or_else(|| edition.article_fingerprint(index));
                let fingerprint = valid.as_ref().and_then(|v| v.article(index, editions)).unwrap_or_else(|| {
                    article_fingerprint(shared, site, &shown, linked, editions, media, &links_here[index])
                });
                // The same articles in the same places as the memo's (see `Reuse::valid`).
                let path = valid
                    .as_ref()
                    .map_or_else(|| linked.article.slug.output_path_in(prefix), |v| v.memo.paths[index].clone());
                Planned { path, fingerprint: Some(fingerprint), job: Job::Article(index) }
            })
            .collect()
    };
    let (mut pages, search) =
        rayon::join(plan_articles, || search_index::plan(site, build_id, language, last_search, keep));
    let (search_pages, search_memo) = search?;

    // Each letter page's A–Z bar, the last plan's while the same letters have entries (a new
    // title files a name elsewhere, rarely under a letter that had none).
    let bars_key = {
        let mut key = base.to_le_bytes().to_vec();
        for (letter, entries) in &site.letters {
            key.extend_from_slice(letter.label().as_bytes());
            key.push(u8::from(entries.is_empty()));
        }
        xxhash_rust::xxh3::xxh3_128(&key)
    };
    let bars: Vec<String> = match &reuse {
        Reuse::From(memo, _) if memo.bars_key == bars_key && memo.bars.len() == site.letters.len() => memo.bars.clone(),
        _ => site
            .letters
            .par_iter()
            .map(|(letter, _)| render_az(site, theme, "", Some(*letter), t))
            .collect::<Result<_>>()?,
    };
    let letters: Vec<Planned<'a>> = site
        .letters
        .par_iter()
        .enumerate()
        .map(|(index, (letter, entries))| {
            let path = OutputPath::new(letter.file_name());
            let bar = &bars[index];
            if let Some(kept) = valid.as_ref().and_then(|v| v.letter(index, *letter, bars_key, site.letters.len())) {
                debug_assert_eq!(kept, letter_fingerprint(site, base, bar, entries), "kept fingerprint of {letter:?}");
                return Planned { path, fingerprint: Some(kept), job: Job::Letter { index, bar: None } };
            }
            let fingerprint = letter_fingerprint(site, base, bar, entries);
            Planned { path, fingerprint: Some(fingerprint), job: Job::Letter { index, bar: Some(bar.clone()) } }
        })
        .collect();
    let memo = keep.then(|| {
        Box::new(PlanMemo {
            shared,
            base,
            media: media_digest,
            articles: pages.iter().map(|p| p.fingerprint.unwrap_or_default()).collect(),
            paths: pages.iter().map(|p| p.path.clone()).collect(),
            editions: editions.to_vec(),
            letters: letters.iter().map(|p| p.fingerprint.unwrap_or_default()).collect(),
            bars_key,
            bars,
            search: Default::default(),
            others: Vec::new(),
            order: Vec::new(),
        })
    });
    pages.extend(letters);

    let layout = |az_bar: &str, description, href| {
        page_layout(config, t, edition, Cow::Owned(az_bar.to_string()), description, href)
    };
    let home = HomePage {
        layout: layout(&az_bar, None, Some(Href::new("index.html"))),
        introduction: config.introduction.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect(),
        article_count: site.articles.len(),
        count_text: edition.strings.count("article-count", site.articles.len())?,
        recent: site
            .recent
            .iter()
            .map(|&i| {
                let a = &site.articles[i].article;
                RecentView {
                    title: &a.meta.title,
                    href: a.slug.href(),
                    summary: a.meta.summary.as_deref(),
                    last_revised: DateView::new(a.meta.last_revised, &edition.strings),
                }
            })
            .collect(),
    };
    pages.push(small_page(theme, "home.html", home, OutputPath::new("index.html"), base)?);

    let bar_404 = render_az(site, theme, &config.base_path, None, t)?;
    let not_found =
        Layout { root: &config.base_path, languages: edition.homes_from_root.clone(), ..layout(&bar_404, None, None) };
    pages.push(small_page(theme, "404.html", not_found, OutputPath::new("404.html"), base)?);
    // The search results page; without JavaScript it points to the letter pages instead.
    let search =
        SearchPage { layout: layout(&az_bar, None, Some(Href::new("search.html"))), letters: az_letters(site, None) };
    pages.push(small_page(theme, "search.html", search, OutputPath::new("search.html"), base)?);
    if let Some(base_url) = &config.base_url {
        pages.extend(feeds::plan_feeds(site, theme, config, base_url, base, edition)?);
    }

    // What every illustration page shows around its picture, the same on each (the A–Z bar,
    // the site's words, the links to other editions): fingerprinted once. Each page adds the
    // image (its file, name, copies and sidecar: `Image::fingerprint`) and the titles and slugs
    // of the articles that show it, and its context is made only when it is rendered. Each
    // page's whole context as JSON, made for all 1,000 illustrations of a site and the A–Z bar
    // and the words included, was a fifth of a rebuild with one article changed among them.
    let bar_media: Arc<str> = Arc::from(render_az(site, theme, "../", None, t)?);
    let media_base =
        json_fingerprint(base, "illustration.html", &media_layout(config, t, edition, &bar_media, None, None))?;
    // Which articles show each image, worked out once (not once per image).
    let mut shown_in: std::collections::HashMap<&str, Vec<&LinkedArticle>> = std::collections::HashMap::new();
    for l in &site.articles {
        for r in &l.article.outline.images {
            let list = shown_in.entry(r.source.as_str()).or_default();
            if !list.last().is_some_and(|last| std::ptr::eq(*last, l)) {
                list.push(l);
            }
        }
    }
    for image in media.images.values() {
        let shown: Vec<&LinkedArticle> = shown_in.remove(image.source.as_str()).unwrap_or_default();
        let mut h = Xxh3::new();
        h.update(&media_base.to_le_bytes());
        h.update(image.source.as_bytes());
        h.update(&[0]);
        h.update(&image.fingerprint().to_le_bytes());
        for l in &shown {
            h.update(l.article.meta.title.as_bytes());
            h.update(&[0]);
            h.update(l.article.slug.as_str().as_bytes());
            h.update(&[0]);
        }
        let bar = Arc::clone(&bar_media);
        let make = move || {
            let page = Href::new(image.page_path());
            let articles = shown
                .iter()
                .map(|l| LinkView {
                    title: &l.article.meta.title,
                    href: Href::new(format!("../{}", l.article.slug.href().as_str())),
                })
                .collect();
            let context = IllustrationPage {
                layout: media_layout(config, t, edition, &bar, image.meta.caption.as_deref(), Some(page)),
                image: ImageView::of(image, "../"),
                articles,
            };
            Ok(theme.render("illustration.html", &context)?.into_bytes())
        };
        let path = OutputPath::new(image.page_path());
        pages.push(Planned { path, fingerprint: Some(h.digest128()), job: Job::Made(Box::new(make)) });
        // The file itself, read only when it is not on disk already: its name is its content.
        let file = media.dir.join(&image.source);
        let read = move || std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()));
        pages.push(made(OutputPath::new(image.published_path()), image.hash, read));
        // Its smaller and WebP copies, from the cache of encoded variants.
        if let Some(dir) = &media.variants_dir {
            for variant in image.offered_variants() {
                let file = media.dir.join(&image.source);
                let (kind, hash) = (image.kind, image.hash);
                let make = move || crate::media::variants::bytes_of(dir, &file, kind, hash, variant);
                pages.push(made(OutputPath::new(image.variant_path(variant)), variant.hash, make));
            }
        }
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
        if path.as_str() == SEARCH_SCRIPT {
            pages.push(search_script(path, bytes, &edition.strings)?);
            continue;
        }
        pages.push(Planned { path: path.clone(), fingerprint: None, job: Job::Asset(bytes) });
    }
    pages.extend(search_pages);
    // An article's path was made with the prefix (and is kept in the memo so: a rebuild after
    // an edit makes none of them anew); the few other pages take it now.
    if !prefix.is_empty() {
        for page in pages.iter_mut().filter(|p| !matches!(p.job, Job::Article(_))) {
            page.path = page.path.prefixed(prefix);
        }
    }
    // The pages in path order. The articles come first, and when their paths are the memo's
    // (`valid`) and the other pages' paths are too, so is the order: comparing 10,000 paths
    // again, each in its own place in memory, was a millisecond of every rebuild.
    let articles = site.articles.len();
    let last_order = valid.as_ref().map(|v| v.memo).filter(|m| {
        m.order.len() == pages.len()
            && m.others.len() == pages.len() - articles
            && pages[articles..].iter().zip(&m.others).all(|(p, path)| p.path == *path)
    });
    let order: Vec<u32> = match last_order {
        Some(memo) => memo.order.clone(),
        None => {
            let mut order: Vec<u32> = (0..pages.len() as u32).collect();
            order.sort_by(|&a, &b| pages[a as usize].path.cmp(&pages[b as usize].path));
            order
        }
    };
    // Only a memo (kept by `encyc watch`) needs them.
    let others: Vec<OutputPath> = match memo.is_some() {
        true => pages[articles..].iter().map(|p| p.path.clone()).collect(),
        false => Vec::new(),
    };
    let mut planned: Vec<Option<Planned<'a>>> = pages.into_iter().map(Some).collect();
    let pages: Vec<Planned<'a>> =
        order.iter().map(|&at| planned[at as usize].take().expect("each page once in the order")).collect();
    debug_assert!(pages.is_sorted_by(|a, b| a.path <= b.path), "pages in path order");
    let memo = memo.map(|mut memo| {
        memo.search = search_memo.unwrap_or_default();
        memo.others = others;
        memo.order = order;
        memo
    });
    Ok(Plan { pages, site, theme, config, bodies, edition, media, az_bar, links_here: site.links_here(), memo })
}

impl Plan<'_> {
    /// Makes the bytes of one planned page.
    pub(crate) fn render(&self, page: &Planned<'_>) -> Result<Vec<u8>> {
        match &page.job {
            Job::Article(index) => {
                let linked = &self.site.articles[*index];
                let body = self.bodies.body(&linked.article)?;
                let layout = self.layout(linked, *index);
                render_article(self, *index, &body, layout)
            }
            Job::Letter { index, bar } => {
                let (letter, entries) = &self.site.letters[*index];
                let bar = match bar {
                    Some(bar) => Cow::Borrowed(bar.as_str()),
                    None => {
                        Cow::Owned(render_az(self.site, self.theme, "", Some(*letter), &self.edition.strings.words)?)
                    }
                };
                let context = LetterPage {
                    layout: Layout {
                        site: SiteView::of(self.config),
                        root: "",
                        az_bar: bar,
                        description: None,
                        page_url: self.config.base_url.as_ref().map(|base| base.join(&Href::new(letter.file_name()))),
                        t: &self.edition.strings.words,
                        languages: self.edition.languages(None),
                    },
                    letter: letter.label(),
                    empty: self.edition.strings.with_letter("letter-empty", &letter.label())?,
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
    fn layout<'s>(&'s self, linked: &'s LinkedArticle, index: usize) -> Layout<'s> {
        let a = &linked.article;
        Layout {
            site: SiteView::of(self.config),
            root: "",
            az_bar: Cow::Borrowed(&self.az_bar),
            description: a.meta.summary.as_deref(),
            page_url: self.config.base_url.as_ref().map(|base| base.join(&a.slug.href())),
            t: &self.edition.strings.words,
            languages: self.edition.languages(Some(index)),
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

/// What every page of an edition shares, beyond its articles: the build, the theme, the
/// settings, the edition's words and its links to the other editions' home pages.
pub(crate) fn edition_fingerprint(build_id: u128, theme: &Theme, config: &SiteConfig, edition: &Edition) -> u128 {
    let mut h = Xxh3::new();
    h.update(&base_fingerprint(build_id, theme, config).to_le_bytes());
    h.update(&edition.strings.fingerprint.to_le_bytes());
    h.update(format!("{:?}{:?}", edition.homes, edition.homes_from_root).as_bytes());
    h.digest128()
}

/// What every article page shares: the base and the A–Z bar.
fn article_base_fingerprint(base: u128, az_bar: &str) -> u128 {
    let mut h = Xxh3::new();
    h.update(&base.to_le_bytes());
    h.update(az_bar.as_bytes());
    h.digest128()
}

/// `html` with every link to the page `old` (`href="old.html"`, `href="old.html#…"`) going to
/// `new` instead.
fn redirect_links(html: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(html.len());
    for (i, piece) in html.split(&format!("href=\"{old}")).enumerate() {
        if i == 0 {
            out.push_str(piece);
        } else if piece.starts_with(['"', '#']) {
            out.push_str("href=\"");
            out.push_str(new);
            out.push_str(piece);
        } else {
            // `href="old.html5.html"`: another page whose address starts the same way.
            out.push_str("href=\"");
            out.push_str(old);
            out.push_str(piece);
        }
    }
    out
}

/// What an article shows of itself on a page that lists it ("See also", "Articles that link
/// here"): its title and its slug.
fn shown_as(article: &Article) -> u128 {
    let mut h = Xxh3::new();
    h.update(article.meta.title.as_bytes());
    h.update(b"\0");
    h.update(article.slug.as_str().as_bytes());
    h.digest128()
}

/// Everything one article page is made from, beyond what all pages share. Gathered in a
/// buffer and hashed at once: ten thousand streaming hashers fed in small pieces (each piece
/// copied into the hasher's state) were a sixth of a watch rebuild. `shown` holds
/// [`shown_as`] of every article, or is empty to work out those of the listed ones here.
fn article_fingerprint(
    shared: u128,
    site: &Site,
    shown: &[u128],
    linked: &LinkedArticle,
    editions: u64,
    media: &Library,
    links_here: &[usize],
) -> u128 {
    let mut h: Vec<u8> = Vec::with_capacity(512);
    for shown in &linked.article.outline.images {
        let image = media.images.get(&shown.source).map_or(0, |i| i.fingerprint());
        h.extend_from_slice(&image.to_le_bytes());
    }
    h.extend_from_slice(&shared.to_le_bytes());
    h.extend_from_slice(&editions.to_le_bytes());
    h.extend_from_slice(&linked.article.hash.to_le_bytes());
    for href in linked.wiki_hrefs.iter().chain(linked.renamed.iter().map(|(_, new)| new)) {
        h.extend_from_slice(href.as_str().as_bytes());
        h.push(0);
    }
    h.push(1);
    for &i in linked.see_also.iter().chain(links_here) {
        let shown = shown.get(i).copied().unwrap_or_else(|| shown_as(&site.articles[i].article));
        h.extend_from_slice(&shown.to_le_bytes());
    }
    xxhash_rust::xxh3::xxh3_128(&h)
}

fn render_article(plan: &Plan<'_>, index: usize, body: &BodyHtml, layout: Layout<'_>) -> Result<Vec<u8>> {
    let (site, theme, config, edition, media) = (plan.site, plan.theme, plan.config, plan.edition, plan.media);
    let linked = &site.articles[index];
    let links_here = &plan.links_here[index];
    let a = &linked.article;
    let strings = &edition.strings;
    let failed: std::cell::RefCell<Option<anyhow::Error>> = std::cell::RefCell::new(None);
    let fill = |marker: Marker<'_>| {
        let made = match marker {
            Marker::Image { slot, block } => {
                let Some(image) = a.outline.images.get(slot).and_then(|r| media.images.get(&r.source)) else {
                    return String::new();
                };
                let figure = FigureView { image: ImageView::of(image, ""), block, lazy: slot > 0, t: &strings.words };
                theme.render("figure.html", &figure)
            }
            Marker::BackLink { id } => theme.render("footnote-back.html", &BackLink { id, t: &strings.words }),
        };
        made.unwrap_or_else(|err| {
            failed.borrow_mut().get_or_insert(err);
            String::new()
        })
    };
    let elsewhere = &plan.edition.elsewhere[index];
    let mut body_html = if elsewhere.is_empty() {
        body.finish_with(&linked.wiki_hrefs, &fill)
    } else {
        let mut hrefs = linked.wiki_hrefs.clone();
        for (slot, href) in elsewhere {
            if let Some(h) = hrefs.get_mut(*slot) {
                *h = href.clone();
            }
        }
        body.finish_with(&hrefs, &fill)
    };
    for (old, new) in &linked.renamed {
        body_html = redirect_links(&body_html, old.as_str(), new.as_str());
    }
    if let Some(err) = failed.into_inner() {
        return Err(err);
    }
    let cited = a.outline.cited();
    let mut references: Vec<ReferenceView<'_>> = Vec::new();
    for (i, reference) in references_in_order(a).into_iter().enumerate() {
        let work = reference;
        references.push(ReferenceView {
            number: i + 1,
            work,
            cited: cited.contains(&work.key.as_str()),
            title_needs_stop: !work.title.trim_end().ends_with(['.', '?', '!']),
            accessed: work
                .accessed
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .map(|d| DateView::new(d, strings).display),
        });
    }
    let next_review = config
        .show_next_review
        .then(|| crate::review::next_review_due(a.meta.last_revised, config.review_period))
        .flatten();
    let context = ArticlePage {
        layout,
        article: ArticleView {
            title: &a.meta.title,
            alternative_names: &a.meta.alternative_names,
            body: with_care_card_titles(body_html, theme, &strings.words)?,
            see_also: linked
                .see_also
                .iter()
                .map(|&i| {
                    let target = &site.articles[i].article;
                    LinkView { title: &target.meta.title, href: target.slug.href() }
                })
                .collect(),
            last_revised: DateView::new(a.meta.last_revised, strings),
            revised_by: a.meta.revised_by.as_deref(),
            source: a.meta.source.as_deref(),
            summary: a.meta.summary.as_deref(),
            next_review: next_review.map(|d| DateView::new(d, strings)),
            json_ld: json_ld::for_article(a, config, &json_ld::Extras::of(a, media))?,
            original: edition.originals[index].as_ref().map(|o| OriginalView {
                title: &o.title,
                href: &o.href,
                lang: &o.lang,
                revised_by: o.revised_by.as_deref(),
                followed: DateView::new(o.followed, strings),
                translated_by: o.translated_by.as_deref(),
            }),
            references,
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
                    .map(|h| SectionView { id: h.id, text: h.text })
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

/// Puts the theme's heading (`care-card.html`) into each care card of an article's HTML, and
/// its title (`callout-title.html`) into each callout, in the edition's language.
fn with_care_card_titles(mut html: String, theme: &Theme, t: &tera::Value) -> Result<String> {
    #[derive(Serialize)]
    struct CareCard<'a> {
        kind: &'a str,
        t: &'a tera::Value,
    }
    // Every slot holds this; most bodies have none, and one look costs less than eight.
    if !html.contains("\">encyc-") {
        return Ok(html);
    }
    for (_, kind) in crate::markdown::CARE_CARDS {
        let slot = crate::markdown::care_card_slot(kind);
        if html.contains(&slot) {
            html = html.replace(&slot, &theme.render("care-card.html", &CareCard { kind, t })?);
        }
    }
    for kind in crate::markdown::CALLOUTS {
        let slot = crate::markdown::callout_slot(kind);
        if html.contains(&slot) {
            html = html.replace(&slot, &theme.render("callout-title.html", &CareCard { kind, t })?);
        }
    }
    Ok(html)
}

/// The A–Z bar: letters with entries link to their page; `current` is marked for the
/// letter page being rendered.
fn render_az(site: &Site, theme: &Theme, root: &str, current: Option<Letter>, t: &tera::Value) -> Result<String> {
    theme.render("az.html", &AzBar { root, letters: az_letters(site, current), t })
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
    let fingerprint = json_fingerprint(base, template, &context)?;
    let make = move || Ok(theme.render(template, &context)?.into_bytes());
    Ok(Planned { path, fingerprint: Some(fingerprint), job: Job::Made(Box::new(make)) })
}

/// The frame of a page at the top of the output folder other than an article's, with its
/// description and address.
fn page_layout<'l>(
    config: &'l SiteConfig,
    t: &'l tera::Value,
    edition: &Edition,
    az_bar: Cow<'l, str>,
    description: Option<&'l str>,
    href: Option<Href>,
) -> Layout<'l> {
    Layout {
        site: SiteView::of(config),
        root: "",
        az_bar,
        description,
        page_url: href.and_then(|href| config.base_url.as_ref().map(|base| base.join(&href))),
        t,
        languages: edition.languages(None),
    }
}

/// The frame of an illustration page (in `media/`, so its links go up one folder), with the
/// page's own description (the caption) and address.
fn media_layout<'l>(
    config: &'l SiteConfig,
    t: &'l tera::Value,
    edition: &Edition,
    az_bar: &'l str,
    description: Option<&'l str>,
    href: Option<Href>,
) -> Layout<'l> {
    let mut layout = page_layout(config, t, edition, Cow::Borrowed(az_bar), description, href);
    layout.root = "../";
    for link in &mut layout.languages {
        link.href = format!("../{}", link.href);
    }
    layout
}

/// The fingerprint of `value` as JSON, after `base` and `template`.
fn json_fingerprint(base: u128, template: &str, value: &impl Serialize) -> Result<u128> {
    let mut h = Xxh3::new();
    h.update(&base.to_le_bytes());
    h.update(template.as_bytes());
    serde_json::to_writer(HashWriter(&mut h), value).context("cannot fingerprint a page")?;
    Ok(h.digest128())
}

/// A file planned with a fingerprint and made by `make` when it must be written.
/// The search script, which says what it says in the edition's language.
const SEARCH_SCRIPT: &str = "assets/search.js";

/// `search.js` with the edition's search strings in place of its empty `T` (a theme's own
/// script without that placeholder is published as it is).
fn search_script<'a>(path: &OutputPath, bytes: &'a [u8], strings: &Strings) -> Result<Planned<'a>> {
    const PLACEHOLDER: &str = "{} /*encyc: search strings*/";
    let messages = strings.search_messages()?;
    let fingerprint = xxhash_rust::xxh3::xxh3_128(&[bytes, messages.as_bytes()].concat());
    Ok(made(path.clone(), fingerprint, move || {
        let text = String::from_utf8_lossy(bytes);
        Ok(text.replacen(PLACEHOLDER, &messages, 1).into_bytes())
    }))
}

fn made<'a>(path: OutputPath, fingerprint: u128, make: impl Fn() -> Result<Vec<u8>> + Send + Sync + 'a) -> Planned<'a> {
    Planned { path, fingerprint: Some(fingerprint), job: Job::Made(Box::new(make)) }
}
