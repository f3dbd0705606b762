//! What the fuzz targets (`fuzz/`) and the regression tests that replay their finds
//! (`tests/robustness.rs`) check, as functions that panic when an invariant breaks: the fuzz
//! targets are one line each, and a committed crashing input is replayed through exactly the
//! same checks. The only public part of the library besides the command line.

use std::path::Path;
use std::sync::Arc;

use crate::article::parse_article;
use crate::letters::{Letter, letter_of, letter_of_key, sort_key};
use crate::paths::SourcePath;

/// Any bytes as an article file: splitting the front matter, YAML, dates, the body. Never
/// panics; a file that parses gives an article whose lines and names are consistent.
pub fn check_front_matter(bytes: &[u8]) {
    let source = SourcePath::new(Path::new("fuzz.md"));
    match parse_article(&source, bytes) {
        Ok((article, body)) => {
            assert!(!article.meta.title.trim().is_empty());
            assert_eq!(article.name_keys.len(), 1 + article.meta.alternative_names.len());
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
            for link in article.outline.links.iter() {
                assert!(link.line >= 1 && link.line <= lines, "link line {} of {lines}", link.line);
            }
            let _ = body.finish(&[]);
        }
        Err(problems) => {
            assert!(!problems.is_empty());
            for p in problems {
                assert!(p.line.is_none_or(|l| l >= 1));
                let _ = p.to_string();
            }
        }
    }
}

/// Markdown bodies with link resolution: `text` is split at U+0001 into up to four articles,
/// which are parsed, linked against each other (every link form, anchors, see-also) and
/// rendered. Never panics, and no rendered body keeps a script or an unsafe link.
pub fn check_markdown_links(text: &str) {
    const NAMES: [&str; 4] = ["alpha", "beta", "gamma", "delta"];
    let mut articles = Vec::new();
    let mut bodies = Vec::new();
    for (i, body) in text.splitn(4, '\u{1}').enumerate() {
        let file = format!(
            "---\ntitle: {}\nalternative_names: [Shared name, {} other]\nlast_revised: 2020-01-01\nsee_also: [alpha]\n---\n{body}",
            NAMES[i], NAMES[i]
        );
        let source = SourcePath::new(Path::new(&format!("{}.md", NAMES[i])));
        if let Ok((article, html)) = parse_article(&source, file.as_bytes()) {
            articles.push(Arc::new(article));
            bodies.push(html);
        }
    }
    let parsed = articles.clone();
    if let Ok(site) = crate::site::link(articles, &Default::default(), 10) {
        for linked in &site.articles {
            let at = parsed.iter().position(|a| Arc::ptr_eq(a, &linked.article)).expect("same articles");
            let html = bodies[at].finish(&linked.wiki_hrefs);
            let lower = html.to_ascii_lowercase();
            assert!(!lower.contains("<script"), "a script survived: {html}");
            assert!(!lower.contains("href=\"javascript:"), "an unsafe link survived: {html}");
        }
    }
}

/// Letter filing of any name: never panics, always one of the 27 sections, the letter follows
/// from the sort key, and filing ignores case.
pub fn check_letters(name: &str) {
    let letter = letter_of(name);
    assert!(Letter::all().any(|l| l == letter));
    let key = sort_key(name);
    assert_eq!(letter, letter_of_key(&key));
    assert!(key.is_ascii(), "{key:?}");
    assert!(key.chars().next().is_none_or(|c| c.is_ascii_alphanumeric()), "{key:?}");
    assert_eq!(letter_of(&name.to_uppercase()), letter_of(&name.to_lowercase()), "{name:?}");
}

/// Any text as an image's sidecar: never panics; metadata that parses has alt text or says
/// the image is decorative, never both.
pub fn check_image_metadata(text: &str) {
    match crate::media::parse_meta(text) {
        Ok(meta) => {
            let has_alt = meta.alt.as_deref().is_some_and(|a| !a.trim().is_empty());
            assert!(has_alt != meta.decorative, "{meta:?}");
        }
        Err((line, problem)) => {
            assert!(line >= 1);
            let _ = problem.to_string();
        }
    }
}

/// Any bytes as an SVG: never panics; an SVG judged safe has no script, no event handler and
/// no reference outside itself, whatever the letter case, and a size within the limits.
pub fn check_svg(bytes: &[u8]) {
    if let Ok((width, height)) = crate::media::svg::check(bytes) {
        assert!((1..=crate::media::MAX_SIDE).contains(&width) && (1..=crate::media::MAX_SIDE).contains(&height));
        // Read again, on its own terms: no element or attribute that runs code or leaves.
        let text = std::str::from_utf8(bytes).expect("a safe SVG is UTF-8");
        let doc = roxmltree::Document::parse(text).expect("a safe SVG is well-formed XML");
        for node in doc.descendants().filter(roxmltree::Node::is_element) {
            let name = node.tag_name().name().to_ascii_lowercase();
            assert!(name != "script" && name != "foreignobject", "<{name}> passed");
            for attr in node.attributes() {
                let attr_name = attr.name().to_ascii_lowercase();
                assert!(!attr_name.starts_with("on"), "{attr_name} passed");
                if attr_name == "href" {
                    assert!(attr.value().trim().starts_with('#'), "href {} passed", attr.value());
                }
            }
        }
    }
}

/// Any bytes as an article with references: never panics; every citation of an article
/// that parses names one of its references, and every reference's DOI and PMID are well
/// formed.
pub fn check_bibliography(bytes: &[u8]) {
    let source = SourcePath::new(Path::new("fuzz.md"));
    if let Ok((article, _)) = parse_article(&source, bytes) {
        for cited in &article.outline.citations {
            assert!(article.meta.references.iter().any(|r| r.value.key == cited.key), "{cited:?}");
        }
        for reference in &article.meta.references {
            assert!(reference.value.problems().is_empty(), "{reference:?}");
            if let Some(doi) = &reference.value.doi {
                assert!(doi.starts_with("10.") && doi.contains('/'), "{doi}");
            }
            if let Some(pmid) = &reference.value.pmid {
                assert!(pmid.bytes().all(|b| b.is_ascii_digit()), "{pmid}");
            }
        }
    }
}
