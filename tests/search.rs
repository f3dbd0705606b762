//! Search, as a reader uses it: `tests/browser/search.mjs` opens the built sites from disk in
//! headless Chromium, types misspelled, accent-less, lay and out-of-order queries into the
//! search box and checks what comes first; then the keyboard pattern, the results page, and
//! the no-JavaScript fallback. The search index files themselves are checked here too.

use std::time::Duration;

use crate::support::{TestSite, browser};

/// (what the reader types, what must come first — as shown, "Alt — see Title" for a match on
/// an alternative name —, within how many results)
const SHIPPED_QUERIES: &[(&str, &str, usize)] = &[
    ("sciatia", "Sciatica", 1),
    ("lumbgo", "Lumbago — see Low back pain", 1),
    ("slipped disc", "Slipped disk — see Herniated disk", 1),
    ("spinal stenossis", "Spinal stenosis", 1),
    ("osteo arthritis", "Arthritis - osteo — see Osteoarthritis", 3),
    ("pulled muscle back", "Pulled back muscle — see Back strain", 1),
    ("cauda", "Cauda equina syndrome", 1),
    ("degenerativ", "Degenerative joint disease — see Osteoarthritis", 1),
    ("vertebral fracture", "Vertebral compression fracture — see Compression fracture of the spine", 1),
    ("back pain", "Back pain - nonspecific — see Nonspecific back pain", 3),
    // Only in article text: full-text results, ranked by where the words appear.
    ("bladder control", "Cauda equina syndrome", 1),
    ("saddle", "Cauda equina syndrome", 1),
];

const FIXTURE_QUERIES: &[(&str, &str, usize)] = &[
    ("menieres", "Ménière disease", 1),
    ("meniere", "Ménière disease", 1),
    ("broken heart", "\"Broken heart\" syndrome", 1),
    ("5-alpha", "5-alpha-reductase deficiency", 1),
    ("stiffness", "Back pain", 1),
];

/// (what the reader types, the full-text result it finds, the word marked in its snippet):
/// words that are in the article's text but not in its summary.
const MARKED_QUERIES: &[(&str, &str, &str)] = &[("stiffness", "Back pain", "stiffness")];
const SHIPPED_MARKED_QUERIES: &[(&str, &str, &str)] =
    &[("saddle", "Cauda equina syndrome", "saddle"), ("urgent mri", "Cauda equina syndrome", "urgent")];

fn queries(list: &[(&str, &str, usize)], marked: &[(&str, &str, &str)]) -> serde_json::Value {
    let plain =
        list.iter().map(|(q, first, within)| serde_json::json!({ "type": q, "first": first, "within": within }));
    let marked = marked.iter().map(|(q, first, word)| serde_json::json!({ "type": q, "first": first, "marked": word }));
    plain.chain(marked).collect()
}

#[test]
#[cfg_attr(
    browser_checks_skipped,
    ignore = "needs node, /usr/bin/chromium and npm ci --prefix tests/browser; see the README"
)]
fn misspelled_lay_and_accentless_queries_find_the_right_article_in_a_real_browser() {
    browser::require("browser search checks", &browser::missing_tools(&["playwright-core/package.json"]));
    let shipped = TestSite::shipped();
    shipped.build().assert_ok();
    let fixture = TestSite::fixture("basic");
    fixture.build().assert_ok();
    // A sample of the ranking suite (tests/ranking.rs), end to end: every third query.
    let names = crate::ranking::condition_names_site();
    names.build().assert_ok();
    let ranking_sample: Vec<(&str, &str, usize)> =
        crate::ranking::QUERIES.iter().step_by(3).map(|&(q, first)| (q, first, 1)).collect();
    let cases = serde_json::json!({ "sites": [
        {
            "output": shipped.output(),
            "queries": queries(SHIPPED_QUERIES, SHIPPED_MARKED_QUERIES),
            "keyboard": { "type": "sciatca", "opens": "sciatica.html", "title": "Sciatica" },
            "resultsPage": { "type": "herniated", "first": "Herniated disk" },
        },
        { "output": fixture.output(), "queries": queries(FIXTURE_QUERIES, MARKED_QUERIES) },
        { "output": names.output(), "queries": queries(&ranking_sample, &[]) },
    ]});
    let file = shipped.root.join("search-cases.json");
    std::fs::write(&file, cases.to_string()).unwrap();
    let (ok, output) = browser::run_node("search.mjs", &[file], Duration::from_secs(120));
    assert!(ok, "browser search checks failed:\n{output}");
    println!("{output}");
}

/// Spanish queries on the shipped site's Spanish edition, typed as readers type them: without
/// accents.
const SPANISH_QUERIES: &[(&str, &str, usize)] = &[
    ("ciatica", "Ciática", 1),
    ("espalda inespecifico", "Dolor de espalda inespecífico", 1),
    ("lumbalgia", "Lumbalgia — ver Dolor lumbar", 1),
    ("dolor", "Dolor", 3),
    ("raices nerviosas", "Ciática", 3),
];

#[test]
#[cfg_attr(
    browser_checks_skipped,
    ignore = "needs node, /usr/bin/chromium and npm ci --prefix tests/browser; see the README"
)]
fn search_on_the_spanish_edition_finds_spanish_words_without_accents_and_speaks_spanish() {
    browser::require("browser search checks", &browser::missing_tools(&["playwright-core/package.json"]));
    let shipped = TestSite::shipped_with_editions();
    shipped.build().assert_ok();
    let cases = serde_json::json!({ "sites": [{
        "output": shipped.output().join("es"),
        "queries": queries(SPANISH_QUERIES, &[]),
        "status": "^(\\d+ artículos? encontrados?|No se encontró ningún artículo)$",
        "none": { "type": "xyzzyq", "says": "No se encontró ningún artículo" },
        "resultsPage": {
            "type": "espalda",
            "first": "Dolor",
            "heading": "Resultados de la búsqueda de «espalda»",
            "count": "^\\d+ artículos encontrados\\.$",
        },
    }]});
    let file = shipped.root.join("search-cases-es.json");
    std::fs::write(&file, cases.to_string()).unwrap();
    let (ok, output) = browser::run_node("search.mjs", &[file], Duration::from_secs(120));
    assert!(ok, "browser search checks failed:\n{output}");
    println!("{output}");
}

#[test]
fn the_index_files_are_scripts_that_work_from_disk() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let names = site.read_output("assets/search-names.js");
    assert!(names.starts_with("encycSearch.names(\"\", {\"articles\":[[\"5-alpha-reductase-deficiency\","), "{names}");
    assert!(names.contains("[2,\"Backache\"]") || names.contains("\"Backache\""), "{names}");
    let shard = site.read_output("assets/search-text/s.js");
    assert!(shard.starts_with("encycSearch.shard(\"s\", {"), "{shard}");
    assert!(shard.contains("\"stiffness\":["), "{shard}");
    // Every page loads the search script; none fetches anything.
    for page in ["index.html", "back-pain.html", "letter-b.html", "search.html"] {
        let html = site.read_output(page);
        assert!(html.contains("<script src=\"assets/search.js\" data-root=\"\" defer></script>"), "{page}");
        assert!(!html.contains("fetch("), "{page}");
    }
    assert!(!site.read_output("assets/search.js").contains("fetch("));
}

#[test]
fn an_edit_updates_only_the_index_files_it_touches() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let before = crate::support::snapshot(&site.output());
    let text = std::fs::read_to_string(site.path("articles/ph-imbalance.md")).unwrap();
    site.write("articles/ph-imbalance.md", text.replace("out of balance", "out of balance, zymotic"));
    site.build().assert_ok();
    let after = crate::support::snapshot(&site.output());
    let changed: Vec<&String> = after.keys().filter(|k| before.get(*k) != after.get(*k)).collect();
    // The article's page, its snippet (it has no summary: the snippet is its text), the file of
    // passages with its text, the one shard with the new word, and the bookkeeping (the lines
    // of the manifest that changed, beside it); no other shard, not the names.
    assert_eq!(
        changed,
        [
            ".encyc-cache",
            ".encyc-manifest-changes",
            "assets/search-passages/0.js",
            "assets/search-snippets.js",
            "assets/search-text/z.js",
            "ph-imbalance.html"
        ]
    );
    assert!(site.read_output("assets/search-text/z.js").contains("\"zymotic\""));
}

#[test]
fn full_text_results_can_show_the_text_where_the_words_are() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    // Back pain's summary lacks "stiffness"; the passages of its text carry it, loaded only
    // for the results shown (a file per few articles).
    assert!(!site.read_output("assets/search-snippets.js").contains("Stiffness"));
    let passages = crate::support::snapshot(&site.output().join("assets/search-passages"));
    assert!(!passages.is_empty());
    let all: String = passages.values().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
    assert!(all.starts_with("encycSearch.passages("), "{all}");
    assert!(all.contains("Stiffness"), "{all}");
}
