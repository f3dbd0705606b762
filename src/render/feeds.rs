//! The sitemap (`sitemap.xml`, sitemaps.org protocol 0.9) and the Atom feed of the most
//! recently revised articles (`atom.xml`, RFC 4287): what search engines and feed readers read.
//!
//! Both are lists of absolute addresses, so they are written only when `base_url` is set (the
//! build says when they are not). They are templates of the theme like the pages, so a site
//! can override them; Tera escapes every value in an `.xml` template, and characters that XML
//! does not allow at all (control characters, which a YAML escape can smuggle into a title)
//! are dropped here, so both files are always well-formed.
//!
//! Like the pages they depend only on the articles and the config: the feed's `updated` is the
//! newest `last_revised` at midnight UTC, never the time of the build.

use std::borrow::Cow;
use std::cmp::Reverse;

use anyhow::Result;
use jiff::civil::Date;
use serde::Serialize;

use super::{Planned, Theme, small_page};
use crate::config::{BaseUrl, SiteConfig};
use crate::paths::{Href, OutputPath};
use crate::site::Site;

/// The sitemap's file (and template) name.
pub(super) const SITEMAP: &str = "sitemap.xml";
/// The Atom feed's file (and template) name.
pub(super) const FEED: &str = "atom.xml";

#[derive(Serialize)]
struct Sitemap {
    urls: Vec<SitemapUrl>,
    /// Whether any page has translations (the `xhtml` namespace is declared only then).
    alternates: bool,
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    /// Articles only: a letter page or the home page changes with other articles' names.
    lastmod: Option<Date>,
    /// The page in every language it exists in, itself included (none without translations).
    alternates: Vec<Alternate>,
}

#[derive(Serialize)]
struct Alternate {
    lang: String,
    url: String,
}

#[derive(Serialize)]
struct Feed<'a> {
    title: Cow<'a, str>,
    language: &'a str,
    /// The feed's own address, which is also its id.
    url: String,
    /// The site's home page.
    home: &'a str,
    /// RFC 3339.
    updated: String,
    entries: Vec<FeedEntry<'a>>,
}

#[derive(Serialize)]
struct FeedEntry<'a> {
    title: Cow<'a, str>,
    /// The article's address, which is also the entry's id.
    url: String,
    /// RFC 3339.
    updated: String,
    summary: Option<Cow<'a, str>>,
}

/// The sitemap and the feed of `site`, published at `base_url`.
pub(super) fn plan_feeds<'a>(
    site: &'a Site,
    theme: &'a Theme,
    config: &'a SiteConfig,
    base_url: &'a BaseUrl,
    base_fingerprint: u128,
    edition: &super::Edition,
) -> Result<Vec<Planned<'a>>> {
    // Hrefs to the other editions are relative to this edition's folder, as the pages use them.
    let alternates = |own: &str, others: &[super::LanguageLink]| -> Vec<Alternate> {
        if others.is_empty() {
            return Vec::new();
        }
        let mut all = vec![Alternate { lang: config.language.clone(), url: base_url.join(&Href::new(own)) }];
        all.extend(others.iter().map(|l| Alternate { lang: l.lang.clone(), url: resolve(base_url.as_str(), &l.href) }));
        all
    };
    let home = std::iter::once(SitemapUrl {
        loc: base_url.as_str().to_string(),
        lastmod: None,
        alternates: alternates("", &edition.homes),
    });
    let articles = site.articles.iter().enumerate().map(|(i, l)| {
        let href = l.article.slug.href();
        SitemapUrl {
            loc: base_url.join(&href),
            lastmod: Some(l.article.meta.last_revised),
            alternates: alternates(href.as_str(), &edition.translations[i]),
        }
    });
    let letters = site.letters.iter().filter(|(_, entries)| !entries.is_empty()).map(|(letter, _)| SitemapUrl {
        loc: base_url.join(&Href::new(letter.file_name())),
        lastmod: None,
        alternates: Vec::new(),
    });
    let urls: Vec<SitemapUrl> = home.chain(articles).chain(letters).collect();
    let sitemap = Sitemap { alternates: urls.iter().any(|u| !u.alternates.is_empty()), urls };

    // Newest first, in the home page's order: ties by title, then slug.
    let mut newest: Vec<usize> = (0..site.articles.len()).collect();
    newest.sort_by_cached_key(|&i| {
        let a = &site.articles[i].article;
        (Reverse(a.meta.last_revised), a.title_key().sort.to_string(), a.slug.clone())
    });
    newest.truncate(config.feed_count);
    // An empty site has nothing newer than the epoch; `updated` is required all the same.
    let updated = newest.first().map_or(jiff::civil::date(1970, 1, 1), |&i| site.articles[i].article.meta.last_revised);
    let feed = Feed {
        title: xml_text(&config.title),
        language: &config.language,
        url: base_url.join(&Href::new(FEED)),
        home: base_url.as_str(),
        updated: at_midnight_utc(updated),
        entries: newest
            .iter()
            .map(|&i| {
                let a = &site.articles[i].article;
                FeedEntry {
                    title: xml_text(&a.meta.title),
                    url: base_url.join(&a.slug.href()),
                    updated: at_midnight_utc(a.meta.last_revised),
                    summary: a.meta.summary.as_deref().map(xml_text),
                }
            })
            .collect(),
    };
    Ok(vec![
        small_page(theme, SITEMAP, sitemap, OutputPath::new(SITEMAP), base_fingerprint)?,
        small_page(theme, FEED, feed, OutputPath::new(FEED), base_fingerprint)?,
    ])
}

/// `href`, relative to the folder at `base` (which ends with `/`), as an absolute address:
/// only leading `../` need resolving, which is all the links between editions have.
fn resolve(base: &str, href: &str) -> String {
    let mut base = base.to_string();
    let mut rest = href;
    while let Some(after) = rest.strip_prefix("../") {
        base.pop();
        base.truncate(base.rfind('/').map_or(base.len(), |i| i + 1));
        rest = after;
    }
    format!("{base}{rest}")
}

fn at_midnight_utc(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

/// `text` without the characters XML 1.0 does not allow even escaped.
fn xml_text(text: &str) -> Cow<'_, str> {
    // XML 1.0's `Char` production.
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}');
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_forbids_are_dropped() {
        assert_eq!(xml_text("Plain & <simple>"), "Plain & <simple>");
        assert_eq!(xml_text("Bell\u{7}\u{0} tab\there\u{fffe}"), "Bell tab\there");
        assert_eq!(xml_text("Ménière \u{85}"), "Ménière \u{85}");
    }

    #[test]
    fn links_between_editions_resolve_to_addresses() {
        assert_eq!(
            resolve("https://example.org/enc/es/", "../back-pain.html"),
            "https://example.org/enc/back-pain.html"
        );
        assert_eq!(resolve("https://example.org/enc/", "es/a.html"), "https://example.org/enc/es/a.html");
        assert_eq!(resolve("https://example.org/enc/es/", "../fr/a.html"), "https://example.org/enc/fr/a.html");
    }
}
