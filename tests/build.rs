//! What `encyc build` publishes: the pages and what is on them.

use crate::support::TestSite;

const DISCLAIMER: &str = "All material on this site is provided for information only and is neither advice nor a \
substitute for proper medical care. Consult a qualified healthcare professional who understands your particular \
history for individual concerns.";

#[test]
fn article_page_shows_title_names_body_see_also_revision_source_and_disclaimer() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let page = site.page("back-pain.html");
    assert_eq!(page.text("h1"), "Back pain");
    assert_eq!(page.text("title"), "Back pain – Medical Encyclopedia");
    assert_eq!(page.text(".alternative-names"), "Alternative names: Backache");
    assert_eq!(page.texts("article h2"), ["Symptoms", "Treatment", "See also", "Articles that link here"]);
    assert_eq!(
        page.links(".see-also a"),
        [
            ("Sciatica".to_string(), "sciatica.html".to_string()),
            ("Herniated disk".into(), "herniated-disk.html".into())
        ]
    );
    assert_eq!(page.text(".last-revised"), "Last revised: May 2, 2024 by Test Reviewer, M.D.");
    assert_eq!(page.attrs(".last-revised time", "datetime"), ["2024-05-02"]);
    assert_eq!(page.text(".source"), "Source: Fixture source");
    assert_eq!(page.text("footer .disclaimer"), DISCLAIMER);
    assert_eq!(page.attrs("meta[name=description]", "content"), ["Pain anywhere in the back."]);
    assert_eq!(page.text(".callout-warning"), "Warning Call 911 if your legs go numb.");
}

#[test]
fn optional_fields_are_left_out_when_missing() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let page = site.page("sciatica.html");
    assert_eq!(page.text(".last-revised"), "Last revised: January 15, 2023");
    assert_eq!(page.count(".source"), 0);
    assert_eq!(page.count(".alternative-names"), 0);
    assert_eq!(page.count(".see-also"), 0);
    assert_eq!(page.count("meta[name=description]"), 0);
}

#[test]
fn every_page_has_the_labelled_az_bar_and_the_disclaimer() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let mut pages = 0;
    for entry in std::fs::read_dir(site.output()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !name.ends_with(".html") {
            continue;
        }
        pages += 1;
        let page = site.page(&name);
        assert_eq!(page.attrs("nav.az", "aria-label"), ["Articles A to Z"], "{name}");
        let labels: Vec<String> = page.texts("nav.az li").iter().map(|t| t.replace(" (no articles)", "")).collect();
        let mut expected: Vec<String> = ('A'..='Z').map(String::from).collect();
        expected.push("0-9".into());
        assert_eq!(labels, expected, "{name}");
        assert_eq!(page.text(".disclaimer"), DISCLAIMER, "{name}");
        assert_eq!(page.count("h1"), 1, "{name}: one h1");
        assert_eq!(page.count("main"), 1, "{name}");
    }
    // 7 articles, 27 letter pages, home, 404, search.
    assert_eq!(pages, 7 + 27 + 3);
}

/// Every file a site of seven articles publishes, named: a page per article, a page per letter,
/// home, 404 and search, the theme's assets and the search index.
#[test]
fn the_basic_fixture_publishes_exactly_these_files() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let files: Vec<String> = crate::support::snapshot(&site.output()).into_keys().collect();
    insta::assert_snapshot!("basic_fixture_files", files.join("\n"));
}

#[test]
fn home_page_lists_recently_revised_articles_newest_first() {
    let site = TestSite::fixture("basic");
    site.write("encyc.yaml", "recent_count: 3\n");
    site.build().assert_ok();
    let home = site.page("index.html");
    assert_eq!(home.text("h1"), "Medical Encyclopedia");
    assert!(home.text(".introduction").starts_with("Plain-language articles"));
    assert_eq!(
        home.links(".recent a"),
        [
            ("Herniated disk".to_string(), "herniated-disk.html".to_string()),
            ("Back pain".into(), "back-pain.html".into()),
            ("Sciatica".into(), "sciatica.html".into()),
        ]
    );
    assert_eq!(home.attrs(".recent time", "datetime"), ["2025-11-30", "2024-05-02", "2023-01-15"]);
    assert!(home.text("main").contains("7 articles"));
}

#[test]
fn not_found_page_links_from_the_base_path() {
    let site = TestSite::fixture("basic");
    site.write("encyc.yaml", "base_path: /medical/encyclopedia\n");
    site.build().assert_ok();
    let page = site.page("404.html");
    assert_eq!(page.text("h1"), "Page not found");
    assert_eq!(page.attrs("link[rel=stylesheet]", "href"), ["/medical/encyclopedia/assets/style.css"]);
    assert!(page.attrs("nav.az a", "href").iter().all(|h| h.starts_with("/medical/encyclopedia/letter-")));
    // Every other page stays relative, so the site also works from disk.
    assert_eq!(site.page("back-pain.html").attrs("link[rel=stylesheet]", "href"), ["assets/style.css"]);
}

#[test]
fn theme_css_is_published() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let css = site.read_output("assets/style.css");
    assert!(css.contains("prefers-color-scheme: dark") && css.contains("@media print"));
}

#[test]
fn crlf_and_bom_files_build_like_any_other() {
    let site = TestSite::fixture("basic");
    site.write(
        "articles/windows.md",
        "\u{feff}---\r\ntitle: Windows file\r\nlast_revised: 2020-01-01\r\n---\r\n\r\n## Symptoms\r\n\r\nText [x](#symptoms).\r\n",
    );
    site.build().assert_ok();
    let page = site.page("windows.html");
    assert_eq!(page.text("h1"), "Windows file");
    assert_eq!(page.attrs("h2", "id"), ["symptoms"]);
}

#[test]
fn an_empty_articles_folder_builds_a_site_that_says_so() {
    let site = TestSite::empty();
    std::fs::create_dir(site.path("articles")).unwrap();
    site.build().assert_ok();
    assert!(site.page("index.html").text("main").contains("There are no articles yet."));
    assert!(site.page("letter-a.html").text("main").contains("There are no articles under A yet."));
    assert!(site.page("index.html").attrs("nav.az a", "href").is_empty(), "no letter is linked");
}

#[test]
fn a_missing_articles_folder_is_a_clear_error() {
    let site = TestSite::empty();
    site.build().assert_failed().assert_stderr_has("there is no articles folder at");
    assert!(!site.output().exists());
}

#[test]
fn the_shipped_articles_build() {
    let site = TestSite::shipped();
    site.build().assert_ok();
    let page = site.page("nonspecific-back-pain.html");
    assert_eq!(page.text("h1"), "Nonspecific back pain");
    assert_eq!(page.texts(".article-body h2"), crate::support::STANDARD_SECTIONS);
    assert_eq!(page.text(".last-revised"), "Last revised: December 6, 2012 by Dave R. Roger, M.D.");
    assert_eq!(page.text(".source"), "Source: Johns Hopkins patient information");
    assert!(page.text(".care-emergency").contains("get to an emergency room"));
    assert!(page.links(".article-body a").contains(&("low back pain".to_string(), "low-back-pain.html".to_string())));
    let n = site.page("letter-n.html");
    assert!(
        n.links("main a").contains(&("Nonspecific back pain".to_string(), "nonspecific-back-pain.html".to_string()))
    );
    let b = site.page("letter-b.html");
    assert!(b.links("main a").contains(&(
        "Back pain - nonspecific, see Nonspecific back pain".to_string(),
        "nonspecific-back-pain.html".to_string()
    )));
}

#[test]
fn printed_pages_carry_their_address_when_the_site_has_one() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    assert_eq!(site.page("back-pain.html").count(".page-address"), 0, "no base_url, no address");
    site.write("encyc.yaml", "base_url: https://encyclopedia.example.org/med\n");
    site.build().assert_ok();
    assert_eq!(
        site.page("meniere-disease.html").text(".page-address"),
        "Page address: https://encyclopedia.example.org/med/meniere-disease.html"
    );
    assert_eq!(
        site.page("letter-b.html").text(".page-address"),
        "Page address: https://encyclopedia.example.org/med/letter-b.html"
    );
    assert_eq!(site.page("404.html").count(".page-address"), 0);
}

/// `main.rs` sets mimalloc's purge delay by the option's place in mimalloc's list
/// ([`encyc::allocator::PURGE_DELAY_OPTION`]; the bindings do not name it): mimalloc's own
/// listing of its options, in that order, shows which option that place is in the allocator
/// linked in, so that an upgrade that moved it fails here rather than quietly setting another.
#[test]
fn the_allocator_option_a_build_sets_is_mimallocs_purge_delay() {
    let site = TestSite::fixture("basic");
    let out = crate::support::encyc()
        .args(["build", "--quiet"])
        .env("MIMALLOC_VERBOSE", "1")
        .current_dir(&site.root)
        .output()
        .expect("run encyc");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let options: Vec<&str> = stderr.lines().filter_map(|l| l.strip_prefix("option '")).collect();
    let place = usize::try_from(encyc::allocator::PURGE_DELAY_OPTION).unwrap();
    let option = options.get(place).unwrap_or_else(|| panic!("mimalloc listed its options:\n{stderr}"));
    assert!(option.starts_with("purge_delay'"), "option {place} is {option:?}");
}
