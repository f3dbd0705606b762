//! Letter pages: every title and alternative name filed under its letter, ignoring case,
//! accents and leading punctuation; empty letters shown but not linked.

use crate::support::TestSite;

fn entries(site: &TestSite, letter_page: &str) -> Vec<(String, String)> {
    site.page(letter_page).links("main li a")
}

fn pair(text: &str, href: &str) -> (String, String) {
    (text.to_string(), href.to_string())
}

#[test]
fn titles_and_alternative_names_file_under_their_letters_in_order() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    assert_eq!(
        entries(&site, "letter-b.html"),
        [
            pair("Back pain", "back-pain.html"),
            pair("Backache, see Back pain", "back-pain.html"),
            pair("\"Broken heart\" syndrome", "broken-heart.html"),
        ]
    );
    assert_eq!(entries(&site, "letter-m.html"), [pair("Ménière disease", "meniere-disease.html")]);
    assert_eq!(entries(&site, "letter-p.html"), [pair("pH imbalance", "ph-imbalance.html")]);
    assert_eq!(
        entries(&site, "letter-0-9.html"),
        [pair("5-alpha-reductase deficiency", "5-alpha-reductase-deficiency.html")]
    );
    assert_eq!(
        entries(&site, "letter-s.html"),
        [pair("Sciatica", "sciatica.html"), pair("Slipped disk, see Herniated disk", "herniated-disk.html")]
    );
    assert_eq!(entries(&site, "letter-r.html"), [pair("Ruptured disk, see Herniated disk", "herniated-disk.html")]);
}

#[test]
fn sorting_ignores_case_and_accents() {
    let site = TestSite::fixture("basic");
    for (slug, title) in [("mz", "mz last"), ("ma", "MA first"), ("me", "Meniere plain"), ("mb", "ménière b")] {
        site.write(&format!("articles/{slug}.md"), format!("---\ntitle: {title}\nlast_revised: 2020-01-01\n---\n"));
    }
    site.build().assert_ok();
    let names: Vec<String> = entries(&site, "letter-m.html").into_iter().map(|(t, _)| t).collect();
    assert_eq!(names, ["MA first", "ménière b", "Ménière disease", "Meniere plain", "mz last"]);
}

#[test]
fn empty_letters_are_shown_but_not_linked() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let home = site.page("index.html");
    let linked: Vec<String> = home.texts("nav.az a");
    assert_eq!(linked, ["B", "H", "M", "P", "R", "S", "0-9"]);
    assert_eq!(home.texts("nav.az .az-empty").len(), 20);
    assert!(home.text("nav.az .az-empty").starts_with("A (no articles)"));
    // A letter with no entries still has a page (bookmarks keep working) that says so.
    assert!(site.page("letter-q.html").text("main").contains("There are no articles under Q yet."));
}

#[test]
fn the_current_letter_is_marked_on_its_page() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let page = site.page("letter-s.html");
    assert_eq!(page.text("nav.az a[aria-current=page]"), "S");
    assert_eq!(page.text("h1"), "Articles: S");
    assert_eq!(site.page("index.html").count("nav.az a[aria-current]"), 0);
}
