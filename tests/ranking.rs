//! Search ranking among real names: a site built from 2,113 ICD-10-CM condition names
//! (`tests/fixtures/condition-names/`), with their big families of near-identical names, and
//! the site's own `search.js` run in node (`tests/browser/ranking.mjs`, no browser) on its
//! index. What the reader typed, whole, should come first.

use std::time::Duration;

use crate::support::{TestSite, browser};

/// (what the reader types, what must come first, as shown)
pub(crate) const QUERIES: &[(&str, &str)] = &[
    // Exact names, each the head of a family of longer variants.
    ("Sciatica", "Sciatica"),
    ("Low back pain", "Low back pain"),
    ("Spinal stenosis", "Spinal stenosis"),
    ("Radiculopathy", "Radiculopathy"),
    ("Migraine", "Migraine"),
    ("Spondylolisthesis", "Spondylolisthesis"),
    ("Carpal tunnel syndrome", "Carpal tunnel syndrome"),
    ("Bell's palsy", "Bell's palsy"),
    ("Trigeminal neuralgia", "Trigeminal neuralgia"),
    ("Scoliosis", "Scoliosis"),
    ("Sleep apnea", "Sleep apnea"),
    ("Spondylosis", "Spondylosis"),
    ("Hypersomnia", "Hypersomnia"),
    ("osteoarthritis of knee", "Osteoarthritis of knee"),
    // Misspelled.
    ("sciatia", "Sciatica"),
    ("spinal stenossis", "Spinal stenosis"),
    ("radiculopaty", "Radiculopathy"),
    ("migrane", "Migraine"),
    ("spondylolisthesys", "Spondylolisthesis"),
    ("carpal tunel syndrome", "Carpal tunnel syndrome"),
    ("insomina", "Insomnia"),
    ("torticolis", "Torticollis"),
    ("low back pian", "Low back pain"),
    // Unfinished, as the reader types.
    ("sciat", "Sciatica"),
    ("spinal sten", "Spinal stenosis"),
    ("radiculo", "Radiculopathy"),
    ("migr", "Migraine"),
    ("migrain", "Migraine"),
    ("low back", "Low back pain"),
    ("narcol", "Narcolepsy"),
    // Word order.
    ("stenosis spinal", "Spinal stenosis"),
    ("pain low back", "Low back pain"),
    ("tunnel carpal syndrome", "Carpal tunnel syndrome"),
    ("apnea sleep", "Sleep apnea"),
    // Names that are the start of longer names: the longer one when typed whole.
    ("Sciatica left side", "Sciatica, left side"),
    ("Lumbago with sciatica", "Lumbago with sciatica"),
    ("Spinal stenosis lumbar region", "Spinal stenosis, lumbar region"),
    ("occipital neuralgia", "Occipital neuralgia"),
    // Words together only in an article's text (its inclusion terms).
    ("loin pain", "Low back pain, unspecified"),
    ("caudal stenosis", "Spinal stenosis"),
    ("backache", "Dorsalgia, unspecified"),
    ("brachial neuritis", "Radiculopathy"),
    ("lumbar neuritis", "Radiculopathy"),
    ("vertebral endplate pain", "Vertebrogenic low back pain"),
];

#[test]
#[cfg_attr(browser_checks_skipped, ignore = "needs node and npm ci --prefix tests/browser; see the README")]
fn the_plain_name_a_reader_types_comes_first_among_real_condition_names() {
    browser::require("search ranking checks", &browser::missing_tools(&[]));
    let site = condition_names_site();
    site.build().assert_ok();
    let queries: Vec<_> =
        QUERIES.iter().map(|(q, first)| serde_json::json!({ "type": q, "first": first, "within": 1 })).collect();
    run_ranking(&site, serde_json::json!({ "output": site.output(), "queries": queries }));
}

/// What the reader types folds as the index was folded: the shared test vectors (also run
/// against `terms::fold` in Rust) through search.js, and full-text queries with ø and ß.
#[test]
#[cfg_attr(browser_checks_skipped, ignore = "needs node and npm ci --prefix tests/browser; see the README")]
fn queries_with_letters_beyond_ascii_fold_as_the_index_did() {
    browser::require("search folding checks", &browser::missing_tools(&[]));
    let site = TestSite::empty();
    site.write(
        "articles/spelling.md",
        "---\ntitle: Spelling\nlast_revised: 2026-04-01\n---\n\nThe name Sjøgren is spelt with ø; the word Straße with ß; Ærø with Æ.\n",
    );
    site.write("articles/other.md", "---\ntitle: Other\nlast_revised: 2026-04-01\n---\n\nNothing to see.\n");
    site.build().assert_ok();
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/folding.json")).expect("tests/fixtures/folding.json");
    let queries: Vec<_> = ["Sjøgren", "sjogren", "straße", "strasse", "ærø"]
        .iter()
        .map(|q| serde_json::json!({ "type": q, "first": "Spelling", "within": 1 }))
        .collect();
    run_ranking(&site, serde_json::json!({ "output": site.output(), "queries": queries, "folding": vectors }));
}

/// In Spanish, ñ is a letter of its own: `año` finds "Año bisiesto" and not "Ano", though ñ
/// folds to two letters and a four-letter word may have a typo; `ano` finds "Ano" alone.
#[test]
#[cfg_attr(browser_checks_skipped, ignore = "needs node and npm ci --prefix tests/browser; see the README")]
fn a_spanish_query_with_n_tilde_does_not_find_the_name_without_it() {
    browser::require("search folding checks", &browser::missing_tools(&[]));
    let site = TestSite::empty();
    site.write("encyc.yaml", "language: es\n");
    site.write("articles/ano.md", "---\ntitle: Ano\nlast_revised: 2026-04-01\n---\n\nParte del cuerpo.\n");
    site.write("articles/anio.md", "---\ntitle: Año bisiesto\nlast_revised: 2026-04-01\n---\n\nUn año largo.\n");
    site.build().assert_ok();
    let queries = serde_json::json!([
        { "type": "año", "first": "Año bisiesto", "within": 1, "absent": "Ano" },
        { "type": "ano", "first": "Ano", "within": 1, "absent": "Año bisiesto" },
    ]);
    run_ranking(&site, serde_json::json!({ "output": site.output(), "queries": queries }));
}

fn run_ranking(site: &TestSite, cases: serde_json::Value) {
    let file = site.root.join("ranking-cases.json");
    std::fs::write(&file, cases.to_string()).unwrap();
    let (ok, output) = browser::run_node("ranking.mjs", &[file], Duration::from_secs(120));
    assert!(ok, "search ranking checks failed:\n{output}");
    println!("{output}");
}

/// One article per ICD-10-CM name: the name as title; as text, the code and the inclusion
/// terms, as the list gives them.
pub(crate) fn condition_names_site() -> TestSite {
    let site = TestSite::empty();
    let list = include_str!("fixtures/condition-names/names.tsv");
    for line in list.lines() {
        let mut fields = line.split('\t');
        let (code, name, includes) = (fields.next().unwrap(), fields.next().unwrap(), fields.next().unwrap_or(""));
        let mut text = format!("ICD-10-CM code {code}.\n");
        if !includes.is_empty() {
            text.push_str(&format!("\nIncludes: {includes}.\n"));
        }
        let slug = code.to_ascii_lowercase().replace('.', "-");
        let title = serde_json::to_string(name).unwrap();
        site.write(
            &format!("articles/{slug}.md"),
            format!("---\ntitle: {title}\nlast_revised: 2026-04-01\n---\n\n{text}"),
        );
    }
    site
}
