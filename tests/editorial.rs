//! Editorial tools, used as an editor uses them: `encyc check` on a site with stale, fresh,
//! unsigned and orphaned articles (with a fixed "today", never the clock), `encyc new` and a
//! build of what it wrote, and what a build publishes for search engines and feed readers:
//! JSON-LD on every article, the sitemap and the Atom feed.

use std::process::Output;

use crate::support::{Page, Run, TestSite, encyc, snapshot};

/// The day the tests take as today.
const TODAY: &str = "2026-11-25";

/// Runs `encyc <args>` in the site folder, keeping stdout too.
fn run_with_stdout(site: &TestSite, args: &[&str]) -> (Run, String) {
    let out: Output = encyc().args(args).current_dir(&site.root).output().expect("run encyc");
    let stdout = String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout");
    (out.into(), stdout)
}

/// Moves Tinnitus's `last_revised` (the newest of the fixture, 2026-10-01) back to `date`, so
/// that earlier days can be taken as today: a `last_revised` after today is an error.
fn revise_tinnitus_on(site: &TestSite, date: &str) {
    let text = std::fs::read_to_string(site.path("articles/tinnitus.md")).unwrap();
    assert!(text.contains("last_revised: 2026-10-01\n"));
    site.write("articles/tinnitus.md", text.replace("last_revised: 2026-10-01\n", &format!("last_revised: {date}\n")));
}

/// Removes the `draft: true` that `encyc new` starts an article with, as an editor publishes it.
fn publish(site: &TestSite, file: &str) {
    let text = std::fs::read_to_string(site.path(file)).unwrap();
    assert!(text.contains("\ndraft: true\n"), "{text}");
    site.write(file, text.replace("\ndraft: true\n", "\n"));
}

fn warnings(run: &Run) -> Vec<&str> {
    run.stderr.lines().filter(|l| l.starts_with("warning: ")).collect()
}

const OTITIS_OVERDUE: &str = "warning: articles/otitis-media.md: last revised 2019-03-02, review overdue by 5 years 8 months (it was due on 2021-03-02)";
const VERTIGO_OVERDUE: &str =
    "warning: articles/vertigo.md: last revised 2024-06-30, review overdue by 4 months (it was due on 2026-06-30)";
const VERTIGO_UNSIGNED: &str = "warning: articles/vertigo.md: no `revised_by`: name who last reviewed this article";
const EAR_WAX_ORPHAN: &str = "warning: articles/ear-wax.md: no other article links here (only the A–Z pages list it): link to it, or add it to a `see_also`";

#[test]
fn check_lists_overdue_reviews_oldest_first_then_unsigned_articles_then_orphans() {
    let site = TestSite::fixture("editorial");
    let before = snapshot(&site.root);
    let run = site.run(&["check", "--today", TODAY]);
    run.assert_ok();
    assert_eq!(warnings(&run), [OTITIS_OVERDUE, VERTIGO_OVERDUE, VERTIGO_UNSIGNED, EAR_WAX_ORPHAN], "{}", run.stderr);
    assert_eq!(
        run.stderr.lines().last(),
        Some("checked 4 articles: 4 warnings (2 reviews overdue, 1 without revised_by, 1 orphan)")
    );
    // A check writes nothing: no output folder, no cache, no manifest.
    assert!(snapshot(&site.root) == before, "check changed the site folder");
    assert!(!site.output().exists());
}

#[test]
fn a_review_is_overdue_only_after_the_review_period() {
    let site = TestSite::fixture("editorial");
    // The day Vertigo's review falls due, it is not yet overdue.
    revise_tinnitus_on(&site, "2026-06-01");
    let run = site.run(&["check", "--today", "2026-06-30"]);
    let otitis = OTITIS_OVERDUE.replace("5 years 8 months", "5 years 3 months");
    assert_eq!(warnings(&run)[..2], [otitis.as_str(), VERTIGO_UNSIGNED]);
    site.write("encyc.yaml", "review_period: 120\n");
    assert!(!site.run(&["check", "--today", TODAY]).stderr.contains("overdue"));
    site.write("encyc.yaml", "review_period: 0\n");
    let run = site.run(&["check", "--today", TODAY]);
    assert_eq!(warnings(&run), [VERTIGO_UNSIGNED, EAR_WAX_ORPHAN]);
}

#[test]
fn strict_fails_on_warnings_and_passes_a_clean_site() {
    let site = TestSite::fixture("editorial");
    let run = site.run(&["check", "--strict", "--today", TODAY]);
    run.assert_failed().assert_stderr_has("check failed: 4 warnings");
    site.write("encyc.yaml", "review_period: 0\n");
    let vertigo = std::fs::read_to_string(site.path("articles/vertigo.md")).unwrap();
    site.write("articles/vertigo.md", vertigo.replace("last_revised:", "revised_by: Cy Reviewer\nlast_revised:"));
    let tinnitus = std::fs::read_to_string(site.path("articles/tinnitus.md")).unwrap();
    site.write(
        "articles/tinnitus.md",
        tinnitus.replace("see_also: [otitis-media]", "see_also: [otitis-media, ear-wax]"),
    );
    let run = site.run(&["check", "--strict", "--today", TODAY]);
    run.assert_ok();
    assert_eq!(run.stderr.trim(), "checked 4 articles: no problems");
}

#[test]
fn check_reports_errors_as_a_build_does_and_leaves_the_output_alone() {
    let site = TestSite::fixture("editorial");
    site.build().assert_ok();
    let before = snapshot(&site.output());
    site.write("articles/bad.md", "---\ntitle: Bad\nlast_revised: 2020-02-30\n---\n\nSee [x](nowhere.md).\n");
    let build = site.build();
    build.assert_failed();
    let check = site.run(&["check", "--today", TODAY]);
    check.assert_failed();
    let errors = |run: &Run| -> Vec<String> {
        run.stderr.lines().filter(|l| l.starts_with("error: articles/")).map(str::to_string).collect()
    };
    assert_eq!(errors(&check), errors(&build));
    assert_eq!(errors(&check).len(), 1, "{}", check.stderr);
    assert!(errors(&check)[0].starts_with("error: articles/bad.md:3: `last_revised: 2020-02-30` is not a real date"));
    check.assert_stderr_has("check failed: 1 problem in 1 file");
    assert!(warnings(&check).is_empty(), "{}", check.stderr);
    assert!(snapshot(&site.output()) == before, "check touched the output folder");

    let (json, stdout) = run_with_stdout(&site, &["check", "--format", "json", "--today", TODAY]);
    json.assert_failed();
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["errors"][0]["file"], "articles/bad.md");
    assert_eq!(report["errors"][0]["line"], 3);
    assert_eq!(report["errors"][0]["kind"], "bad_date");
    assert_eq!(report["warnings"], serde_json::json!([]));
}

#[test]
fn check_as_json_gives_every_warning_with_its_dates() {
    let site = TestSite::fixture("editorial");
    let (run, stdout) = run_with_stdout(&site, &["check", "--format", "json", "--today", TODAY]);
    run.assert_ok();
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}:\n{stdout}"));
    // The whole report a tool reads: every warning, in order, with its dates.
    insta::assert_json_snapshot!("check_json_editorial", report);
    let otitis = &report["warnings"][0];
    assert_eq!(otitis["message"], OTITIS_OVERDUE.trim_start_matches("warning: articles/otitis-media.md: "));
    // Nothing but the JSON on stdout, nothing on stderr but what a terminal would show.
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let (strict, _) = run_with_stdout(&site, &["check", "--format", "json", "--strict", "--today", TODAY]);
    strict.assert_failed();
}

#[test]
fn new_writes_a_complete_article_that_builds_and_check_flags_until_it_is_finished() {
    let site = TestSite::fixture("editorial");
    let before = jiff::ZonedDateTime::now().date();
    let (run, stdout) = run_with_stdout(
        &site,
        &["new", "Ménière disease", "--alt", "Meniere's disease", "--alt", "Endolymphatic hydrops"],
    );
    let after = jiff::ZonedDateTime::now().date();
    run.assert_ok();
    assert_eq!(stdout, "articles/meniere-disease.md\n");
    let text = std::fs::read_to_string(site.path("articles/meniere-disease.md")).unwrap();
    // Today's date, on the clock of the machine (the test may straddle midnight).
    assert!([before, after].iter().any(|d| text.contains(&format!("\nlast_revised: {d}\n"))), "{text}");
    for field in ["title:", "alternative_names:", "revised_by: ''", "source: ''", "see_also: []", "summary: ''"] {
        assert!(text.contains(field), "{field} missing:\n{text}");
    }

    // A new article is a draft: a build leaves it out until the editor publishes it.
    let today = after.to_string();
    assert!(text.contains("\ndraft: true\n"), "{text}");
    site.run(&["build", "--today", &today]).assert_ok().assert_stderr_has("1 draft left out");
    assert!(!site.output().join("meniere-disease.html").exists());
    site.write("articles/meniere-disease.md", text.replace("\ndraft: true\n", "\n"));

    // Built on the day it was written: a `last_revised` after "today" is an error.
    site.run(&["build", "--today", &today]).assert_ok();
    let page = site.page("meniere-disease.html");
    assert_eq!(page.text("h1"), "Ménière disease");
    assert_eq!(page.text(".alternative-names"), "Alternative names: Meniere's disease; Endolymphatic hydrops");
    assert_eq!(page.texts(".article-body h2"), crate::support::STANDARD_SECTIONS);
    // The placeholders are comments, and never published.
    let html = site.read_output("meniere-disease.html");
    assert!(!html.contains("<!--") && !html.contains("What causes it"), "{html}");
    assert!(page.text(".article-body").split_whitespace().all(|w| !w.contains("TODO")));

    let run = site.run(&["check", "--today", &today]);
    run.assert_ok();
    let warnings = warnings(&run);
    assert!(
        warnings
            .contains(&"warning: articles/meniere-disease.md: no `revised_by`: name who last reviewed this article")
    );
    assert!(
        warnings.iter().any(|w| w.starts_with("warning: articles/meniere-disease.md: no other article links here"))
    );
    // Published by mistake with nothing written: check says so, once.
    assert!(
        warnings.contains(
            &"warning: articles/meniere-disease.md: the article has no text yet: write it before it is published"
        ),
        "{warnings:?}"
    );

    // With one section written, check names each section still empty, by its line.
    let text = std::fs::read_to_string(site.path("articles/meniere-disease.md")).unwrap();
    let written = text.replacen("<!--", "It affects the inner ear.\n\n<!--", 2);
    site.write("articles/meniere-disease.md", &written);
    let first_section = sections_of(&written)[0].clone();
    let expected: Vec<String> = sections_of(&written)
        .into_iter()
        .skip(1)
        .map(|(line, heading)| {
            format!(
                "warning: articles/meniere-disease.md: line {line}: the section `{heading}` is empty: write it, or remove the heading before the article is published"
            )
        })
        .collect();
    let run = site.run(&["check", "--today", &today]);
    run.assert_ok();
    let empty: Vec<&str> = run.stderr.lines().filter(|w| w.contains("is empty")).collect();
    assert_eq!(empty, expected, "written: {first_section:?}\n{}", run.stderr);
    assert!(!run.stderr.contains("has no text yet"));
    assert!(run.stderr.contains(&format!("{} empty sections", expected.len())), "{}", run.stderr);
}

/// The `## ` headings of an article's text, with their line numbers.
fn sections_of(text: &str) -> Vec<(usize, String)> {
    text.lines().enumerate().filter_map(|(i, l)| l.strip_prefix("## ").map(|h| (i + 1, h.to_string()))).collect()
}

#[test]
fn a_section_with_only_a_subsection_that_has_text_is_not_empty() {
    let site = TestSite::fixture("editorial");
    let text = std::fs::read_to_string(site.path("articles/vertigo.md")).unwrap();
    let (front, body) = text.rsplit_once("---\n").unwrap();
    let body = format!(
        "{body}\n## Outlook\n\n### In children\n\nMost children recover.\n\n## Prevention\n\n<!-- a hint\nover two lines -->\n\n## Tests\n\n"
    );
    site.write("articles/vertigo.md", format!("{front}---\n{body}"));
    let outlook = sections_of(&format!("{front}---\n{body}"));
    let line_of = |h: &str| outlook.iter().find(|(_, t)| t == h).unwrap().0;
    let run = site.run(&["check", "--today", TODAY]);
    run.assert_ok();
    let empty: Vec<&str> = warnings(&run).into_iter().filter(|w| w.contains("is empty")).collect();
    assert_eq!(
        empty,
        [
            format!(
                "warning: articles/vertigo.md: line {}: the section `Prevention` is empty: write it, or remove the heading before the article is published",
                line_of("Prevention")
            ),
            format!(
                "warning: articles/vertigo.md: line {}: the section `Tests` is empty: write it, or remove the heading before the article is published",
                line_of("Tests")
            ),
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn the_new_article_scaffold_is_this_file() {
    let site = TestSite::fixture("editorial");
    site.run(&["new", "Ménière disease", "--alt", "Meniere's disease", "--today", TODAY]).assert_ok();
    let text = std::fs::read_to_string(site.path("articles/meniere-disease.md")).unwrap();
    insta::assert_snapshot!("new_article_scaffold", text);
}

#[test]
fn new_quotes_any_title_correctly() {
    let site = TestSite::fixture("editorial");
    for (title, alt, file) in [
        ("Crohn's disease: \"the basics\"", "# not: a comment", "articles/crohn-s-disease-the-basics.md"),
        ("- Yes", "null", "articles/yes.md"),
        ("Sjögren & co [2]", "{braces}", "articles/sjogren-co-2.md"),
    ] {
        // `--` lets a title start with `-`, as with any command.
        let (run, stdout) = run_with_stdout(&site, &["new", "--alt", alt, "--today", TODAY, "--", title]);
        run.assert_ok();
        assert_eq!(stdout.trim(), file);
        assert!(std::fs::read_to_string(site.path(file)).unwrap().contains("last_revised: 2026-11-25"));
        publish(&site, file);
    }
    site.build().assert_ok();
    assert_eq!(site.page("crohn-s-disease-the-basics.html").text("h1"), "Crohn's disease: \"the basics\"");
    assert_eq!(
        site.page("crohn-s-disease-the-basics.html").text(".alternative-names"),
        "Alternative names: # not: a comment"
    );
    assert_eq!(site.page("yes.html").text("h1"), "- Yes");
    assert_eq!(site.page("yes.html").text(".alternative-names"), "Alternative names: null");
    assert_eq!(site.page("sjogren-co-2.html").text("h1"), "Sjögren & co [2]");
}

#[test]
fn new_never_overwrites_and_refuses_clashes_a_build_would_refuse() {
    let site = TestSite::fixture("editorial");
    let original = std::fs::read(site.path("articles/vertigo.md")).unwrap();
    site.run(&["new", "Vertigo"])
        .assert_failed()
        .assert_stderr_has("error: articles/vertigo.md already exists; encyc new never overwrites an article");
    assert_eq!(std::fs::read(site.path("articles/vertigo.md")).unwrap(), original);
    site.write("articles/nose/Sinusitis.md", "---\ntitle: Sinus infection\nlast_revised: 2020-01-01\n---\n");
    site.run(&["new", "Sinusitis"])
        .assert_failed()
        .assert_stderr_has("articles/nose/Sinusitis.md has the same file name");
    site.run(&["new", "Glue ear"])
        .assert_failed()
        .assert_stderr_has("\"Glue ear\" is already an alternative name of articles/otitis-media.md");
    site.run(&["new", "Ear infection", "--alt", "Tinnitus"])
        .assert_failed()
        .assert_stderr_has("\"Tinnitus\" is already the title of articles/tinnitus.md");
    site.run(&["new", "Index"]).assert_failed().assert_stderr_has("the name `index` is reserved");
    site.run(&["new", "???"]).assert_failed().assert_stderr_has("it has no letters or digits");
    let written: Vec<String> = snapshot(&site.path("articles")).into_keys().collect();
    assert_eq!(written, ["ear-wax.md", "nose/Sinusitis.md", "otitis-media.md", "tinnitus.md", "vertigo.md"]);
}

#[test]
fn new_starts_a_site_from_an_empty_folder() {
    let site = TestSite::empty();
    let (run, stdout) = run_with_stdout(&site, &["new", "Sciatica", "--today", TODAY]);
    run.assert_ok();
    assert_eq!(stdout, "articles/sciatica.md\n");
    publish(&site, "articles/sciatica.md");
    site.build().assert_ok();
    assert_eq!(site.page("sciatica.html").text("h1"), "Sciatica");
}

/// The JSON-LD of an article page, parsed, checking that the page has exactly one.
fn json_ld(site: &TestSite, page: &str) -> serde_json::Value {
    let scripts = Page::new(&site.read_output(page)).texts("head script[type=\"application/ld+json\"]");
    assert_eq!(scripts.len(), 1, "{page}: {scripts:?}");
    serde_json::from_str(&scripts[0]).unwrap_or_else(|e| panic!("{page}: {e}: {}", scripts[0]))
}

#[test]
fn every_article_page_describes_itself_as_a_medical_web_page() {
    let site = TestSite::fixture("editorial");
    site.build().assert_ok();
    // The whole structured data of one page, as search engines read it.
    insta::assert_json_snapshot!("json_ld_otitis_media", json_ld(&site, "otitis-media.html"));
    assert_eq!(json_ld(&site, "tinnitus.html")["reviewedBy"]["@type"], "Organization");
    assert!(json_ld(&site, "vertigo.html").get("reviewedBy").is_none());
    assert_eq!(json_ld(&site, "ear-wax.html")["about"]["alternateName"], serde_json::json!(["Cerumen <impaction>"]));
    // Without a base_url there is no absolute address to give.
    let basic = TestSite::fixture("basic");
    basic.build().assert_ok();
    let data = json_ld(&basic, "back-pain.html");
    assert_eq!(data["name"], "Back pain");
    assert!(data.get("url").is_none() && data.get("mainEntityOfPage").is_none(), "{data}");
    assert_eq!(basic.page("index.html").count("script[type=\"application/ld+json\"]"), 0);
}

#[test]
fn no_title_can_break_out_of_the_json_ld_script() {
    let site = TestSite::fixture("editorial");
    site.write(
        "articles/xss.md",
        "---\ntitle: '</script><script>alert(1)</script><!--'\nalternative_names: ['</SCRIPT >&amp;']\n\
last_revised: 2026-01-01\n---\n",
    );
    site.build().assert_ok();
    let html = site.read_output("xss.html");
    assert!(!html.contains("<script>alert") && !html.to_lowercase().contains("</script >"), "{html}");
    // The JSON-LD is the page's only inline script.
    assert_eq!(Page::new(&html).count("script:not([src])"), 1);
    let data = json_ld(&site, "xss.html");
    assert_eq!(data["name"], "</script><script>alert(1)</script><!--");
    assert_eq!(data["about"]["alternateName"][0], "</SCRIPT >&amp;");
}

fn xml(site: &TestSite, file: &str) -> String {
    let text = site.read_output(file);
    roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{file} is not well-formed XML: {e}\n{text}"));
    text
}

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// The text of `node`'s child element `name` in `ns`, which must be there once.
fn child_text<'a>(node: roxmltree::Node<'a, '_>, ns: &str, name: &str) -> &'a str {
    let found: Vec<_> = node.children().filter(|c| c.has_tag_name((ns, name))).collect();
    assert_eq!(found.len(), 1, "<{}> needs one <{name}>", node.tag_name().name());
    found[0].text().unwrap_or("")
}

#[test]
fn the_sitemap_lists_every_page_with_its_revision_date() {
    let site = TestSite::fixture("editorial");
    site.build().assert_ok();
    let text = xml(&site, "sitemap.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert!(root.has_tag_name((SITEMAP_NS, "urlset")), "{text}");
    let urls: Vec<(String, Option<String>)> = root
        .children()
        .filter(|n| n.is_element())
        .map(|url| {
            assert!(url.has_tag_name((SITEMAP_NS, "url")));
            let lastmod = url.children().find(|c| c.has_tag_name((SITEMAP_NS, "lastmod"))).and_then(|c| c.text());
            (child_text(url, SITEMAP_NS, "loc").to_string(), lastmod.map(str::to_string))
        })
        .collect();
    let base = "https://example.org/ear/";
    let mut expected = vec![(base.to_string(), None)];
    for (slug, date) in [
        ("ear-wax", "2026-01-15"),
        ("otitis-media", "2019-03-02"),
        ("tinnitus", "2026-10-01"),
        ("vertigo", "2024-06-30"),
    ] {
        expected.push((format!("{base}{slug}.html"), Some(date.to_string())));
    }
    for letter in ["c", "e", "g", "m", "o", "r", "t", "v"] {
        expected.push((format!("{base}letter-{letter}.html"), None));
    }
    assert_eq!(urls, expected);
}

#[test]
fn the_feed_carries_the_most_recently_revised_articles() {
    let site = TestSite::fixture("editorial");
    site.build().assert_ok();
    let text = xml(&site, "atom.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM_NS, "feed")), "{text}");
    // RFC 4287: a feed has an id, a title, updated, an author (here for every entry) and a
    // link to itself; each entry an id, a title, updated and, without content, a link.
    assert_eq!(child_text(feed, ATOM_NS, "id"), "https://example.org/ear/atom.xml");
    assert_eq!(child_text(feed, ATOM_NS, "title"), "Ear & Hearing Encyclopedia");
    assert_eq!(child_text(feed, ATOM_NS, "updated"), "2026-10-01T00:00:00Z");
    let author = feed.children().find(|c| c.has_tag_name((ATOM_NS, "author"))).expect("an author");
    assert_eq!(child_text(author, ATOM_NS, "name"), "Ear & Hearing Encyclopedia");
    let links: Vec<(&str, &str)> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM_NS, "link")))
        .map(|l| (l.attribute("rel").unwrap(), l.attribute("href").unwrap()))
        .collect();
    assert_eq!(links, [("self", "https://example.org/ear/atom.xml"), ("alternate", "https://example.org/ear/")]);
    let entries: Vec<(&str, &str, &str, Option<&str>)> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM_NS, "entry")))
        .map(|e| {
            let link = e.children().find(|c| c.has_tag_name((ATOM_NS, "link"))).expect("an entry link");
            assert_eq!(link.attribute("href"), Some(child_text(e, ATOM_NS, "id")));
            let summary = e.children().find(|c| c.has_tag_name((ATOM_NS, "summary"))).and_then(|c| c.text());
            (child_text(e, ATOM_NS, "title"), child_text(e, ATOM_NS, "id"), child_text(e, ATOM_NS, "updated"), summary)
        })
        .collect();
    assert_eq!(
        entries,
        [
            (
                "Tinnitus",
                "https://example.org/ear/tinnitus.html",
                "2026-10-01T00:00:00Z",
                Some("Hearing ringing, buzzing or hissing that has no outside source.")
            ),
            (
                "Ear wax & blockage",
                "https://example.org/ear/ear-wax.html",
                "2026-01-15T00:00:00Z",
                Some("When wax builds up & blocks the ear canal.")
            ),
            ("Vertigo", "https://example.org/ear/vertigo.html", "2024-06-30T00:00:00Z", None),
            (
                "Otitis media",
                "https://example.org/ear/otitis-media.html",
                "2019-03-02T00:00:00Z",
                Some("An infection of the middle ear, common in young children.")
            ),
        ]
    );

    site.write("encyc.yaml", "base_url: https://example.org/ear/\nfeed_count: 2\n");
    site.build().assert_ok();
    let text = xml(&site, "atom.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let ids: Vec<&str> = doc
        .root_element()
        .children()
        .filter(|c| c.has_tag_name((ATOM_NS, "entry")))
        .map(|e| child_text(e, ATOM_NS, "id"))
        .collect();
    assert_eq!(ids, ["https://example.org/ear/tinnitus.html", "https://example.org/ear/ear-wax.html"]);
}

#[test]
fn any_title_gives_well_formed_xml() {
    let site = TestSite::fixture("editorial");
    site.write(
        "articles/odd.md",
        "---\ntitle: \"Odd <b>&amp;</b> 'quotes' \\\"and\\\" ]]> \\x01bell\"\nlast_revised: 2026-11-01\n\
summary: \"<![CDATA[ x ]]> \\x0b& y\"\n---\n",
    );
    site.build().assert_ok();
    let text = xml(&site, "atom.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let entry = doc.root_element().children().find(|c| c.has_tag_name((ATOM_NS, "entry"))).unwrap();
    assert_eq!(child_text(entry, ATOM_NS, "title"), "Odd <b>&amp;</b> 'quotes' \"and\" ]]> bell");
    assert_eq!(child_text(entry, ATOM_NS, "summary"), "<![CDATA[ x ]]> & y");
    xml(&site, "sitemap.xml");
}

#[test]
fn without_a_base_url_the_build_says_why_there_is_no_sitemap_or_feed() {
    let site = TestSite::fixture("basic");
    let run = site.build();
    run.assert_ok().assert_stderr_has(
        "note: sitemap.xml and atom.xml were not written: they need the site's address; set `base_url` in encyc.yaml",
    );
    assert!(!site.output().join("sitemap.xml").exists() && !site.output().join("atom.xml").exists());
    assert_eq!(site.page("back-pain.html").count("link[rel=alternate]"), 0);
    // --quiet prints nothing but errors.
    assert_eq!(site.run(&["build", "--quiet"]).assert_ok().stderr, "");

    let site = TestSite::fixture("editorial");
    let run = site.build();
    assert!(!run.assert_ok().stderr.contains("note:"), "{}", run.stderr);
    for page in ["index.html", "letter-t.html", "tinnitus.html"] {
        let feeds = site.page(page).attrs("link[rel=alternate][type=\"application/atom+xml\"]", "href");
        assert_eq!(feeds, ["atom.xml"], "{page}");
    }
    // The 404 page links from the site's path, which base_url gives.
    assert_eq!(site.page("404.html").attrs("link[rel=alternate]", "href"), ["/ear/atom.xml"]);
    assert_eq!(site.page("404.html").attrs("link[rel=stylesheet]", "href"), ["/ear/assets/style.css"]);
}

#[test]
fn a_build_counts_overdue_reviews_without_failing() {
    let site = TestSite::fixture("editorial");
    site.run(&["build", "--today", TODAY])
        .assert_ok()
        .assert_stderr_has("warning: 2 articles are overdue for review (run `encyc check` for the list)");
    revise_tinnitus_on(&site, "2026-06-01");
    site.run(&["build", "--today", "2026-06-30"])
        .assert_ok()
        .assert_stderr_has("warning: 1 article is overdue for review (run `encyc check` for the list)");
    site.write("encyc.yaml", "review_period: 120\n");
    assert!(!site.run(&["build", "--today", TODAY]).assert_ok().stderr.contains("overdue"));
    assert_eq!(site.run(&["build", "--quiet", "--today", TODAY]).assert_ok().stderr, "");
}

#[test]
fn article_pages_show_when_the_next_review_is_due() {
    let site = TestSite::fixture("editorial");
    site.build().assert_ok();
    let page = site.page("otitis-media.html");
    assert_eq!(page.text(".next-review"), "Next review due: March 2, 2021");
    assert_eq!(page.attrs(".next-review time", "datetime"), ["2021-03-02"]);
    assert_eq!(page.text(".last-revised"), "Last revised: March 2, 2019 by Ann Reviewer, M.D.");

    site.write("encyc.yaml", "review_period: 12\n");
    site.build().assert_ok();
    assert_eq!(site.page("otitis-media.html").text(".next-review"), "Next review due: March 2, 2020");
    for config in ["review_period: 0\n", "show_next_review: false\n"] {
        site.write("encyc.yaml", config);
        site.build().assert_ok();
        assert_eq!(site.page("otitis-media.html").count(".next-review"), 0, "{config}");
    }
}

#[test]
fn pages_do_not_depend_on_the_day_they_are_built() {
    let early = TestSite::fixture("editorial");
    let late = TestSite::fixture("editorial");
    // The earliest day allowed: the newest `last_revised`.
    early.run(&["build", "--today", "2026-10-01"]).assert_ok();
    late.run(&["build", "--today", "2031-12-31"]).assert_ok();
    assert!(snapshot(&early.output()) == snapshot(&late.output()), "the output depends on today");
}

#[test]
fn changing_the_review_settings_or_the_address_rebuilds_as_a_fresh_build_would() {
    let site = TestSite::fixture("editorial");
    site.build().assert_ok();
    let config = "base_url: https://encyclopedia.example.com/\nreview_period: 36\nfeed_count: 1\n";
    site.write("encyc.yaml", config);
    site.build().assert_ok();
    let fresh = TestSite::fixture("editorial");
    fresh.write("encyc.yaml", config);
    fresh.build().assert_ok();
    let rebuilt = crate::support::with_changes_folded(snapshot(&site.output()));
    let (mut rebuilt, mut built) = (rebuilt, snapshot(&fresh.output()));
    // The caches, and the record of the last build (kept only when every file had settled,
    // which depends on how long the copies of the fixture took).
    for bookkeeping in [".encyc-cache", ".encyc-cache-last-build"] {
        rebuilt.remove(bookkeeping);
        built.remove(bookkeeping);
    }
    assert_eq!(rebuilt.keys().collect::<Vec<_>>(), built.keys().collect::<Vec<_>>());
    for (path, bytes) in &built {
        assert!(rebuilt[path] == *bytes, "{path} differs from a fresh build");
    }
    assert!(site.read_output("tinnitus.html").contains("https://encyclopedia.example.com/tinnitus.html"));
    // Without an address, the sitemap and the feed go, and so does every link to the feed.
    site.write("encyc.yaml", "review_period: 36\n");
    site.build().assert_ok();
    assert!(!site.output().join("sitemap.xml").exists() && !site.output().join("atom.xml").exists());
    assert_eq!(site.page("tinnitus.html").count("link[rel=alternate]"), 0);
}

#[test]
fn check_finds_the_template_errors_a_build_finds() {
    let broken = |block: &str| format!("{{% extends \"base.html\" %}}{{% block main %}}{block}{{% endblock main %}}");
    for (template, text) in [
        ("article.html", broken("{{ article.nosuch }}")),
        ("home.html", broken("{{ nosuch }}")),
        ("letter.html", broken("{{ letter.nosuch }}")),
        ("404.html", broken("{{ nosuch }}")),
        ("search.html", broken("{{ nosuch }}")),
    ] {
        let site = TestSite::fixture("basic");
        site.write(&format!("themes/default/{template}"), text);
        site.build().assert_failed().assert_stderr_has(template);
        let before = snapshot(&site.root);
        let run = site.run(&["check"]);
        run.assert_failed().assert_stderr_has(template).assert_stderr_has("nosuch");
        assert!(snapshot(&site.root) == before, "check of a broken {template} changed the site folder");
    }
}

#[test]
fn new_refuses_any_name_another_article_has_compared_as_a_build_compares() {
    let site = TestSite::fixture("editorial");
    // An alternative name of another article: a wiki link to it would become ambiguous.
    site.run(&["new", "Ear thing", "--alt", "glue EAR", "--today", TODAY])
        .assert_failed()
        .assert_stderr_has("\"glue EAR\" is already an alternative name of articles/otitis-media.md");
    // Names that differ only in accents and case are one name to a reader.
    site.run(&["new", "Ringing in the ears", "--alt", "TÍNNITUS", "--today", TODAY])
        .assert_failed()
        .assert_stderr_has("\"TÍNNITUS\" is already the title of articles/tinnitus.md");
    site.run(&["new", "Ear thing", "--alt", "MÍDDLE ear infection", "--today", TODAY])
        .assert_failed()
        .assert_stderr_has("\"MÍDDLE ear infection\" is already an alternative name of articles/otitis-media.md");
    let written: Vec<String> = snapshot(&site.path("articles")).into_keys().collect();
    assert_eq!(written, ["ear-wax.md", "otitis-media.md", "tinnitus.md", "vertigo.md"]);
    // What new accepts, a build accepts.
    site.run(&["new", "Ear thing", "--alt", "Ear trouble", "--today", TODAY]).assert_ok();
    site.run(&["build", "--today", TODAY]).assert_ok();
}

#[test]
fn new_run_inside_the_articles_folder_does_not_write_articles_articles() {
    let site = TestSite::fixture("editorial");
    let run: Run = encyc()
        .args(["new", "Ear thing", "--today", TODAY])
        .current_dir(site.path("articles"))
        .output()
        .expect("run encyc")
        .into();
    run.assert_failed().assert_stderr_has(
        "is an articles folder, not a site folder: run encyc new from the folder that holds articles/, or pass --root",
    );
    assert!(!site.path("articles/articles").exists());
}

#[test]
fn check_warns_about_articles_above_the_reading_grade_and_names_what_to_rewrite() {
    let site = TestSite::fixture("editorial");
    let hard = "Otosclerosis, characterised by abnormal ossification surrounding the stapedial footplate, \
progressively diminishes conductive auditory transmission, necessitating audiological evaluation and \
consideration of stapedectomy or amplification.";
    let text = std::fs::read_to_string(site.path("articles/tinnitus.md")).unwrap();
    // The heading, code and the list of references are not prose: long words there count for nothing.
    site.write(
        "articles/tinnitus.md",
        format!("{text}\n{hard}\n\n## Otosclerosis and stapedectomy\n\n```\nmisinterpretation\n```\n\n## References\n\n- Otolaryngological considerations, international association.\n"),
    );
    let run = site.run(&["check", "--today", TODAY]);
    let warning = warnings(&run).into_iter().find(|w| w.contains("reading grade")).expect(&run.stderr);
    assert!(warning.starts_with("warning: articles/tinnitus.md: reading grade "), "{warning}");
    assert!(warning.contains("is above 8"), "{warning}");
    assert!(warning.contains(&format!("\"{hard}\" (23 words)")), "{warning}");
    assert!(warning.contains("most frequent long words: "), "{warning}");
    assert!(!warning.contains("misinterpretation") && !warning.contains("otolaryngological"), "{warning}");
    assert!(run.stderr.contains("1 above the reading grade"), "{}", run.stderr);

    // JSON carries every article's figures.
    let (_, stdout) = run_with_stdout(&site, &["check", "--today", TODAY, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let readings = report["readings"].as_array().unwrap();
    assert_eq!(readings.len(), 4);
    let tinnitus = readings.iter().find(|r| r["file"] == "articles/tinnitus.md").unwrap();
    assert!(tinnitus["grade"].as_f64().unwrap() > 8.0, "{tinnitus}");
    assert!(report["warnings"].as_array().unwrap().iter().any(|w| w["kind"] == "reading_level"));

    // The site sets its own limit.
    let config = std::fs::read_to_string(site.path("encyc.yaml")).unwrap();
    site.write("encyc.yaml", format!("{config}reading_grade_max: 30\n"));
    let run = site.run(&["check", "--today", TODAY]);
    assert!(!run.stderr.contains("reading grade"), "{}", run.stderr);
}

#[test]
fn a_draft_is_left_out_of_the_build_and_a_link_to_it_is_an_error() {
    let site = TestSite::fixture("editorial");
    let text = std::fs::read_to_string(site.path("articles/ear-wax.md")).unwrap();
    site.write("articles/ear-wax.md", text.replace("last_revised:", "draft: true\nlast_revised:"));
    let run = site.build();
    run.assert_ok();
    assert!(
        run.stderr.contains("built 3 articles") && run.stderr.contains("; 1 draft left out (not published)"),
        "{}",
        run.stderr
    );
    assert!(!site.output().join("ear-wax.html").exists());
    let letters = site.read_output("letter-c.html") + &site.read_output("letter-e.html");
    assert!(!letters.contains("ear-wax.html") && !letters.contains("Cerumen"), "{letters}");
    for file in ["sitemap.xml", "atom.xml"] {
        assert!(!site.read_output(file).contains("ear-wax"), "{file}");
    }
    let search = crate::support::snapshot(&site.output().join("search"));
    assert!(
        search.values().all(|bytes| !String::from_utf8_lossy(bytes).contains("ear-wax")),
        "the search index lists the draft"
    );

    // A published article that links to the draft would link to nothing.
    let tinnitus = std::fs::read_to_string(site.path("articles/tinnitus.md")).unwrap();
    site.write("articles/tinnitus.md", format!("{tinnitus}\nSee [ear wax](ear-wax.md) and [[Ear wax & blockage]].\n"));
    let before = snapshot(&site.output());
    let run = site.build();
    run.assert_failed();
    run.assert_stderr_has("articles/tinnitus.md:16: link to `ear-wax.md`: the article `ear-wax` is a draft, which a build does not publish");
    run.assert_stderr_has(
        "articles/tinnitus.md:16: link to `[[Ear wax & blockage]]`: the article `ear-wax` is a draft",
    );
    assert!(snapshot(&site.output()) == before, "a failed build changed the output");
}

#[test]
fn care_cards_announce_their_urgency_and_the_seed_article_uses_the_emergency_card() {
    let site = TestSite::shipped();
    site.build().assert_ok();
    let page = site.page("nonspecific-back-pain.html");
    assert_eq!(page.count(".care-card"), 1);
    assert_eq!(page.text(".care-emergency .care-title .visually-hidden"), "Emergency:");
    assert_eq!(page.text(".care-emergency .care-title"), "Emergency: Call your local emergency number now");
    assert!(page.text(".care-emergency p:last-child").starts_with("If you develop progressive weakness"));
    assert!(!site.read_output("nonspecific-back-pain.html").contains("[!"));

    let site = TestSite::fixture("editorial");
    let text = std::fs::read_to_string(site.path("articles/vertigo.md")).unwrap();
    site.write(
        "articles/vertigo.md",
        format!("{text}\n> [!URGENT]\n> You faint.\n\n> [!non-urgent]\n> It keeps coming back.\n\n> A plain quote.\n"),
    );
    site.build().assert_ok();
    let page = site.page("vertigo.html");
    assert_eq!(page.text(".care-urgent .care-title"), "Urgent: See a doctor today");
    assert_eq!(page.text(".care-urgent p:last-child"), "You faint.");
    assert_eq!(page.text(".care-non-urgent .care-title"), "Not urgent: See your health care provider");
    assert_eq!(page.text("blockquote"), "A plain quote.");
}

#[test]
fn a_renamed_article_keeps_its_old_address_as_a_redirect_page_listed_nowhere() {
    let site = TestSite::fixture("editorial");
    // Otitis media was once published as `middle-ear-infection`; Tinnitus still links there.
    let otitis = std::fs::read_to_string(site.path("articles/otitis-media.md")).unwrap();
    site.write(
        "articles/otitis-media.md",
        otitis.replacen("---\n", "---\nprevious_slugs: [middle-ear-infection]\n", 1),
    );
    let tinnitus = std::fs::read_to_string(site.path("articles/tinnitus.md")).unwrap();
    site.write(
        "articles/tinnitus.md",
        format!("{tinnitus}\nSee [ear infections](middle-ear-infection.md) and [their care](middle-ear-infection.md#treatment).\n"),
    );
    site.build().assert_ok();

    let html = site.read_output("middle-ear-infection.html");
    let page = Page::new(&html);
    assert_eq!(page.attrs("link[rel=canonical]", "href"), ["https://example.org/ear/otitis-media.html"]);
    assert_eq!(page.attrs("meta[http-equiv=refresh]", "content"), ["0; url=otitis-media.html"]);
    assert_eq!(page.text("h1"), "This page has moved");
    assert_eq!(page.links("main a"), [("Otitis media".to_string(), "otitis-media.html".to_string())]);
    // The old links lead straight to the article, the section kept (a redirect page would
    // lose it).
    let tinnitus = Page::new(&site.read_output("tinnitus.html"));
    let links = tinnitus.links(".article-body a");
    assert!(links.contains(&("ear infections".to_string(), "otitis-media.html".to_string())), "{links:?}");
    assert!(links.contains(&("their care".to_string(), "otitis-media.html#treatment".to_string())), "{links:?}");
    for file in ["sitemap.xml", "atom.xml", "letter-m.html", "index.html"] {
        assert!(!site.read_output(file).contains("middle-ear-infection"), "{file} lists the redirect");
    }
    let search = crate::support::snapshot(&site.output().join("search"));
    assert!(search.values().all(|bytes| !String::from_utf8_lossy(bytes).contains("middle-ear-infection")));

    // check says which slug to use instead.
    let run = site.run(&["check", "--today", TODAY]);
    run.assert_stderr_has("warning: articles/tinnitus.md: line 16: `middle-ear-infection` is the previous slug of `otitis-media`, which still works; write `otitis-media` instead");
}

#[test]
fn a_previous_slug_that_is_in_use_claimed_twice_or_reserved_is_an_error() {
    let site = TestSite::fixture("editorial");
    let vertigo = std::fs::read_to_string(site.path("articles/vertigo.md")).unwrap();
    site.write(
        "articles/vertigo.md",
        vertigo.replacen("---\n", "---\nprevious_slugs: [tinnitus, dizziness, search]\n", 1),
    );
    let wax = std::fs::read_to_string(site.path("articles/ear-wax.md")).unwrap();
    site.write("articles/ear-wax.md", wax.replacen("---\n", "---\nprevious_slugs:\n  - dizziness\n", 1));
    let run = site.build();
    run.assert_failed();
    run.assert_stderr_has("articles/vertigo.md:2: previous slug `tinnitus` is the slug of articles/tinnitus.md");
    run.assert_stderr_has("previous slug `dizziness` is also claimed by articles/");
    // A page of encyc's own: no article had it, and the file needs no renaming.
    run.assert_stderr_has("articles/vertigo.md:2: previous slug `search` is the address of a page encyc generates");
}

#[test]
fn a_long_article_lists_its_sections_and_every_article_lists_what_links_here() {
    let site = TestSite::shipped();
    site.build().assert_ok();
    let page = site.page("nonspecific-back-pain.html");
    let sections = page.links(".on-this-page a");
    assert_eq!(
        sections.iter().map(|(text, _)| text.as_str()).collect::<Vec<_>>(),
        page.texts(".article-body h2"),
        "the list names every section"
    );
    assert!(sections.iter().all(|(_, href)| href.starts_with('#')));
    assert!(sections.len() >= 5);
    let here = page.links(".links-here a");
    assert!(!here.is_empty());
    // Each is an article whose page links to this one.
    for (_, href) in &here {
        let html = site.read_output(href);
        assert!(html.contains("href=\"nonspecific-back-pain.html"), "{href} does not link here");
    }

    // A short article has no section list; one that nobody links to, no "link here" list.
    let site = TestSite::fixture("editorial");
    site.build().assert_ok();
    assert_eq!(site.page("tinnitus.html").count(".on-this-page"), 0);
    assert_eq!(site.page("ear-wax.html").count(".links-here"), 0);
    // Tinnitus by `see_also`, Vertigo by a wiki link.
    assert_eq!(
        site.page("otitis-media.html").links(".links-here a"),
        [("Tinnitus".to_string(), "tinnitus.html".to_string()), ("Vertigo".to_string(), "vertigo.html".to_string())]
    );
}

#[test]
fn further_reviewers_and_the_editorial_team_are_credited_on_the_page_and_in_structured_data() {
    let site = TestSite::fixture("editorial");
    let otitis = std::fs::read_to_string(site.path("articles/otitis-media.md")).unwrap();
    site.write(
        "articles/otitis-media.md",
        otitis.replacen("---\n", "---\nreviewers:\n  - name: Jane Doe, MD\n    role: Medical Director\n", 1),
    );
    let config = std::fs::read_to_string(site.path("encyc.yaml")).unwrap();
    site.write("encyc.yaml", format!("{config}editorial_team: Ear Encyclopedia Editorial team\n"));
    site.build().assert_ok();
    assert_eq!(
        site.page("otitis-media.html").text(".also-reviewed"),
        "Also reviewed by Jane Doe, MD, Medical Director, and the Ear Encyclopedia Editorial team."
    );
    assert_eq!(
        site.page("ear-wax.html").text(".also-reviewed"),
        "Also reviewed by the Ear Encyclopedia Editorial team."
    );
    let reviewed_by = &json_ld(&site, "otitis-media.html")["reviewedBy"];
    let names: Vec<&str> = reviewed_by.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names[1..], ["Jane Doe, MD", "Ear Encyclopedia Editorial team"]);
    assert_eq!(reviewed_by[1]["jobTitle"], "Medical Director");
    assert_eq!(reviewed_by[2]["@type"], "Organization");

    // Without a team, the sentence ends with the last reviewer, whose name may end in a stop.
    site.write("encyc.yaml", &config);
    site.write("articles/otitis-media.md", otitis.replacen("---\n", "---\nreviewers:\n  - name: Jane Doe, M.D.\n", 1));
    site.build().assert_ok();
    assert_eq!(site.page("otitis-media.html").text(".also-reviewed"), "Also reviewed by Jane Doe, M.D.");
}
