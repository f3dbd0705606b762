//! Markdown bodies with link resolution: the input is split into up to four articles, which
//! are parsed, linked against each other (every link form, anchors, see-also), and rendered.
//! Must never panic, and no rendered body may keep a script or an unsafe link.
#![no_main]

use std::sync::Arc;

use encyc::fuzzing::parse_article;
use encyc::fuzzing::SourcePath;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = ["alpha", "beta", "gamma", "delta"];

fuzz_target!(|text: &str| {
    let mut articles = Vec::new();
    let mut bodies = Vec::new();
    for (i, body) in text.splitn(4, "\u{1}").enumerate() {
        let file = format!(
            "---\ntitle: {}\nalternative_names: [Shared name, {} other]\nlast_revised: 2020-01-01\nsee_also: [alpha]\n---\n{body}",
            NAMES[i], NAMES[i]
        );
        let source = SourcePath::new(std::path::Path::new(&format!("{}.md", NAMES[i])));
        if let Ok((article, html)) = parse_article(&source, file.as_bytes()) {
            articles.push(Arc::new(article));
            bodies.push(html);
        }
    }
    let parsed = articles.clone();
    if let Ok(site) = encyc::fuzzing::link(articles, &[], 10) {
        for linked in &site.articles {
            let at = parsed.iter().position(|a| Arc::ptr_eq(a, &linked.article)).expect("same articles");
            let html = bodies[at].finish(&linked.wiki_hrefs);
            let lower = html.to_ascii_lowercase();
            assert!(!lower.contains("<script"), "a script survived: {html}");
            assert!(!lower.contains("href=\"javascript:"), "an unsafe link survived: {html}");
        }
    }
});
