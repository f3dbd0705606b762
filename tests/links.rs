//! Cross-links: `slug.md`, `slug.md#anchor`, `[[Name]]`, `[[Name|text]]`, same-page anchors
//! and see_also all resolve to the right page and section.

use crate::support::{Page, TestSite, snapshot};

fn pair(text: &str, href: &str) -> (String, String) {
    (text.to_string(), href.to_string())
}

#[test]
fn all_link_forms_resolve() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let page = site.page("back-pain.html");
    assert_eq!(
        page.links(".article-body a"),
        [
            pair("sciatica", "sciatica.html"),
            pair("its treatment", "sciatica.html#treatment"),
            pair("Slipped disk", "herniated-disk.html"),
            pair("the sciatic nerve", "sciatica.html"),
            pair("symptoms above", "#symptoms"),
        ]
    );
    // A wiki link to a title with an anchor, and an article in a subfolder linking back.
    assert_eq!(
        site.page("herniated-disk.html").links(".article-body a"),
        [pair("Ménière disease", "meniere-disease.html#causes")]
    );
    assert_eq!(site.page("sciatica.html").links(".article-body a"), [pair("Back pain", "back-pain.html")]);
}

#[test]
fn headings_get_stable_ids() {
    let site = TestSite::shipped();
    site.build().assert_ok();
    let ids = site.page("nonspecific-back-pain.html").attrs(".article-body h2", "id");
    assert!(ids.contains(&"treatment".to_string()));
    assert!(ids.contains(&"expectations-prognosis".to_string()));
}

#[test]
fn wiki_links_match_names_ignoring_case() {
    let site = TestSite::fixture("basic");
    site.write("articles/extra.md", "---\ntitle: Extra\nlast_revised: 2020-01-01\n---\n\nSee [[slipped DISK]].\n");
    site.build().assert_ok();
    assert_eq!(site.page("extra.html").links(".article-body a"), [pair("slipped DISK", "herniated-disk.html")]);
}

#[test]
fn every_link_on_every_page_leads_to_a_file_inside_the_output() {
    for site in [TestSite::fixture("basic"), TestSite::shipped()] {
        site.build().assert_ok();
        let output = site.output();
        let files = snapshot(&output);
        let mut checked = 0;
        for (name, bytes) in &files {
            if !name.ends_with(".html") || name == "404.html" {
                continue;
            }
            let page = Page::new(std::str::from_utf8(bytes).unwrap());
            let targets = page.attrs("a[href]", "href").into_iter().chain(page.attrs("link[href]", "href"));
            for href in targets {
                checked += 1;
                assert!(!href.contains("://") && !href.starts_with('/'), "{name}: {href} is not relative");
                let (path, fragment) = href.split_once('#').unwrap_or((&href, ""));
                let path = if path.is_empty() { name.as_str() } else { path };
                let decoded = percent_encoding::percent_decode_str(path).decode_utf8().unwrap();
                // Relative to the page's folder (illustration pages sit in media/).
                let mut parts: Vec<&str> = if path == name.as_str() {
                    Vec::new()
                } else {
                    name.rsplit_once('/').map(|(dir, _)| dir.split('/').collect()).unwrap_or_default()
                };
                for part in decoded.split('/') {
                    if part == ".." {
                        assert!(parts.pop().is_some(), "{name}: {href} leaves the output folder");
                    } else {
                        parts.push(part);
                    }
                }
                let resolved = parts.join("/");
                let target = files.get(resolved.as_str()).unwrap_or_else(|| panic!("{name}: {href} leads nowhere"));
                if !fragment.is_empty() {
                    let target_page = Page::new(std::str::from_utf8(target).unwrap());
                    assert_eq!(target_page.count(&format!("[id=\"{fragment}\"]")), 1, "{name}: {href}: no such id");
                }
            }
        }
        assert!(checked > 100, "only {checked} links checked");
    }
}

#[test]
fn wiki_links_match_names_ignoring_accents() {
    let site = TestSite::fixture("basic");
    site.write("articles/extra.md", "---\ntitle: Extra\nlast_revised: 2020-01-01\n---\n\nSee [[meniere DISEASE]].\n");
    site.build().assert_ok();
    assert_eq!(site.page("extra.html").links(".article-body a"), [pair("meniere DISEASE", "meniere-disease.html")]);
}

#[test]
fn a_wiki_link_to_a_section_shows_the_name_not_the_anchor() {
    let site = TestSite::fixture("basic");
    site.write(
        "articles/extra.md",
        "---\ntitle: Extra\nlast_revised: 2020-01-01\n---\n\nSee [[Sciatica#treatment]] and [[Sciatica#treatment|how to treat it]].\n",
    );
    site.build().assert_ok();
    assert_eq!(
        site.page("extra.html").links(".article-body a"),
        [pair("Sciatica", "sciatica.html#treatment"), pair("how to treat it", "sciatica.html#treatment")]
    );
}

#[test]
fn links_in_raw_html_lead_to_the_article_page() {
    let site = TestSite::fixture("basic");
    site.write(
        "articles/extra.md",
        "---\ntitle: Extra\nlast_revised: 2020-01-01\n---\n\n<p>See <a href=\"sciatica.md\">sciatica</a>, \
<a href='sciatica.md#treatment' title=\"t\">its treatment</a>,\n<a href=https://example.org/>the web</a> and \
<a href=\"#more\">more</a>.</p>\n\n## More\n\nText.\n",
    );
    site.build().assert_ok();
    assert_eq!(
        site.page("extra.html").links(".article-body a"),
        [
            pair("sciatica", "sciatica.html"),
            pair("its treatment", "sciatica.html#treatment"),
            pair("the web", "https://example.org/"),
            pair("more", "#more"),
        ]
    );
}

#[test]
fn a_misspelt_link_wiki_link_see_also_or_anchor_says_what_was_probably_meant() {
    let site = TestSite::fixture("basic");
    let article = "articles/back-pain.md";
    let text = std::fs::read_to_string(site.path(article)).unwrap();
    let text = text.replace("see_also: [sciatica, herniated-disk]", "see_also: [sciatika]")
        + "\nSee [[Sciatia]], [the disk](herniated-dsik.md) and [treatment](#treatmnet).\n\nAnd [[Nothing like any name]].\n";
    site.write(article, text);
    let run = site.build();
    run.assert_failed();
    run.assert_stderr_has("see_also `sciatika`: there is no article with this slug (did you mean `sciatica`?)");
    run.assert_stderr_has(
        "wiki link `[[Sciatia]]`: no article has this title or alternative name (did you mean `Sciatica`?)",
    );
    run.assert_stderr_has("there is no article with the slug `herniated-dsik` (did you mean `herniated-disk`?)");
    run.assert_stderr_has("has no section with the id `treatmnet` (did you mean `treatment`?)");
    // Nothing close: no guess.
    run.assert_stderr_has("wiki link `[[Nothing like any name]]`: no article has this title or alternative name\n");
}
