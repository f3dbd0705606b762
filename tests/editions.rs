//! Editions in more than one language (tests/fixtures/editions: English at the root, Spanish
//! in `articles.es/` published under `es/`): each edition a complete site in its language,
//! translations linked both ways and credited, bad input refused with file and line, and
//! `encyc check` telling which translations are out of date.

use crate::support::{TestSite, snapshot};

const TODAY: &str = "--today=2026-11-30";

fn built() -> TestSite {
    let site = TestSite::fixture("editions");
    site.run(&["build", TODAY]).assert_ok();
    site
}

#[test]
fn each_edition_is_a_complete_site_in_its_own_language_and_alphabet() {
    let site = built();
    for page in ["index.html", "404.html", "search.html", "sitemap.xml", "atom.xml", "assets/search-names.js"] {
        assert!(site.output().join("es").join(page).is_file(), "es/{page}");
    }
    let home = site.page("es/index.html");
    assert_eq!(home.attrs("html", "lang"), ["es"]);
    assert_eq!(home.text("h1"), "Enciclopedia de prueba");
    assert!(home.text("main").contains("3 artículos: elija una letra"), "{}", home.text("main"));
    // Spanish files Ñ as a letter of its own, after N; "Niño" stays under N.
    let bar = home.texts("nav.az li");
    let n = bar.iter().position(|l| l == "N").unwrap();
    assert_eq!(bar[n + 1].trim_end_matches(" (sin artículos)"), "Ñ");
    assert_eq!(bar[n + 2].trim_end_matches(" (sin artículos)"), "O");
    assert_eq!(site.page("es/letter-enye.html").texts(".letter-index li"), ["Ñandú de prueba, ver Dolor de espalda"]);
    assert!(site.page("es/letter-n.html").texts(".letter-index li").contains(&"Niño de prueba".to_string()));
    // Accents are otherwise ignored: "Ácido" files under A.
    assert!(site.page("es/letter-a.html").text(".letter-index").contains("Ácido de prueba"));
    // The English edition has no Ñ page.
    assert!(!site.output().join("letter-enye.html").exists());

    let article = site.page("es/dolor-de-espalda.html");
    assert_eq!(article.text(".last-revised"), "Última revisión: 1 de abril de 2024");
    assert_eq!(article.attrs("nav.az", "aria-label"), ["Artículos de la A a la Z"]);
    assert_eq!(article.text(".site-search label"), "Buscar en la enciclopedia");
    assert!(article.text(".disclaimer").starts_with("Todo el material de este sitio"));
    assert!(site.read_output("es/sitemap.xml").contains("<loc>https://example.org/enc/es/dolor-de-espalda.html</loc>"));
    assert!(site.read_output("es/atom.xml").contains("xml:lang=\"es\""));
    assert!(site.page("es/404.html").links("nav.az a").iter().all(|(_, href)| href.starts_with("/enc/es/")));
}

#[test]
fn translations_link_each_other_and_credit_the_translator_and_the_original_reviewer() {
    let site = built();
    let english = site.page("back-pain.html");
    assert_eq!(english.attrs("link[hreflang]", "href"), ["es/dolor-de-espalda.html"]);
    assert_eq!(english.links(".language-switch a"), [("Español".to_string(), "es/dolor-de-espalda.html".to_string())]);
    let spanish = site.page("es/dolor-de-espalda.html");
    assert_eq!(spanish.attrs("link[hreflang]", "hreflang"), ["en"]);
    assert_eq!(spanish.links(".language-switch a"), [("English".to_string(), "../back-pain.html".to_string())]);
    assert_eq!(
        spanish.text(".translation"),
        "Traducción: Equipo de prueba. Traducción del artículo original Back pain en su revisión del 14 de marzo de 2024. Original revisado por Ada Reviewer."
    );
    // Without a translation, the switch goes to the other edition's home page, and no
    // alternate claims a translation.
    let only = site.page("es/solo-en-espanol.html");
    assert_eq!(only.links(".language-switch a"), [("English".to_string(), "../index.html".to_string())]);
    assert_eq!(only.count("link[hreflang]"), 0);
    assert_eq!(site.page("english-only.html").links(".language-switch a")[0].1, "es/index.html");
    // The sitemaps carry the alternates, each page's in every language it exists in.
    let sitemap = site.read_output("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/enc/back-pain.html</loc><lastmod>2024-03-14</lastmod><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/enc/back-pain.html\"/><xhtml:link rel=\"alternate\" hreflang=\"es\" href=\"https://example.org/enc/es/dolor-de-espalda.html\"/></url>"), "{sitemap}");
    let spanish_sitemap = site.read_output("es/sitemap.xml");
    assert!(
        spanish_sitemap.contains("hreflang=\"en\" href=\"https://example.org/enc/back-pain.html\""),
        "{spanish_sitemap}"
    );
    // Wiki links and see_also resolve within the article's own edition.
    assert_eq!(spanish.links(".see-also a"), [("Dolor de cuello".to_string(), "dolor-de-cuello.html".to_string())]);
}

#[test]
fn bad_editions_and_translations_are_errors_with_file_and_line_and_nothing_is_written() {
    let translation = |of: &str| {
        format!(
            "---\ntitle: Otro\nlast_revised: 2024-01-01\ntranslation_of: {of}\noriginal_revised: 2024-01-01\n---\n\nTexto.\n"
        )
    };
    let cases: Vec<(&str, &str, String, &str)> = vec![
        (
            "a translation of an article that does not exist",
            "articles.es/otro.md",
            translation("no-such-article"),
            "articles.es/otro.md:4: `translation_of: no-such-article`: the English edition has no article with this slug",
        ),
        (
            "two articles of one edition translating the same one",
            "articles.es/otro.md",
            translation("back-pain"),
            "articles.es/otro.md:4: `translation_of: back-pain`: articles.es/dolor-de-espalda.md translates the same article",
        ),
        (
            "a translation without the revision it follows",
            "articles.es/otro.md",
            "---\ntitle: Otro\nlast_revised: 2024-01-01\ntranslation_of: neck-pain\n---\n".to_string(),
            "articles.es/otro.md:4: `translation_of` needs the other translation fields",
        ),
        (
            "a translation in the main edition",
            "articles/other.md",
            translation("neck-pain"),
            "articles/other.md:4: `translation_of` belongs in the articles of a further edition",
        ),
        (
            "a link to an article that is only in the other edition",
            "articles.es/otro.md",
            "---\ntitle: Otro\nlast_revised: 2024-01-01\nsee_also: [neck-pain]\n---\n".to_string(),
            "articles.es/otro.md:4: see_also `neck-pain`: there is no article with this slug",
        ),
        (
            "an unknown language code",
            "encyc.yaml",
            "editions:\n  - language: xx\n".to_string(),
            "there are no strings for the language `xx`",
        ),
        (
            "a malformed language code",
            "encyc.yaml",
            "editions:\n  - language: Spanish\n".to_string(),
            "encyc.yaml: line 2: `editions: language: Spanish` is not a lower-case language tag",
        ),
        (
            "a string file with an unknown key",
            "themes/default/strings/es.ftl",
            "see = ver\nsee-alsoo = Véase\n".to_string(),
            "themes/default/strings/es.ftl:2: unknown string `see-alsoo`",
        ),
        (
            "a new language with a missing string",
            "themes/default/strings/fr.ftl",
            "language-name = Français\nsee = voir\n".to_string(),
            "the string `site-title` is missing for the language `fr`",
        ),
    ];
    for (what, file, content, expected) in cases {
        let site = built();
        let before = snapshot(&site.output());
        site.write(file, &content);
        if file == "themes/default/strings/fr.ftl" {
            site.write("encyc.yaml", "editions:\n  - language: fr\n");
        }
        site.run(&["build", TODAY]).assert_failed().assert_stderr_has(expected);
        assert!(snapshot(&site.output()) == before, "{what}: the output changed");
    }
}

#[test]
fn a_theme_overrides_one_string_of_a_built_in_language() {
    let site = TestSite::fixture("editions");
    site.write("themes/default/strings/es.ftl", "see = véase\n");
    site.run(&["build", TODAY]).assert_ok();
    assert_eq!(site.page("es/letter-enye.html").texts(".letter-index li"), ["Ñandú de prueba, véase Dolor de espalda"]);
    // The strings are read, not published.
    assert!(!site.output().join("assets/strings/es.ftl").exists());
}

#[test]
fn check_warns_of_translations_out_of_date_oldest_first_and_of_articles_in_one_edition() {
    let site = TestSite::fixture("editions");
    // The English original is revised after the Spanish translation was made.
    let original = std::fs::read_to_string(site.path("articles/back-pain.md")).unwrap();
    site.write("articles/back-pain.md", original.replace("last_revised: 2024-03-14", "last_revised: 2026-11-02"));
    let run = site.run(&["check", TODAY]);
    let lines: Vec<&str> = run.stderr.lines().filter(|l| l.contains("translation out of date")).collect();
    assert_eq!(
        lines,
        [
            "warning: articles.es/dolor-de-cuello.md: translation out of date: the English article was revised on 2023-01-10, the translation follows the revision of 2022-12-01",
            "warning: articles.es/dolor-de-espalda.md: translation out of date: the English article was revised on 2026-11-02, the translation follows the revision of 2024-03-14",
        ]
    );
    let one_edition: Vec<&str> = run.stderr.lines().filter(|l| l.contains("not in the")).collect();
    assert_eq!(
        one_edition,
        [
            "warning: articles.es/solo-en-espanol.md: not in the English edition: no article in articles/ translates or is translated by it",
            "warning: articles/english-only.md: not in the Spanish edition: no article in articles.es/ translates or is translated by it",
        ]
    );
}

/// A build with `ENCYC_TIMINGS` set, returning how many articles it parsed (of every edition).
fn parsed_by_build(site: &TestSite) -> usize {
    let out = crate::support::encyc()
        .args(["build", TODAY])
        .env("ENCYC_TIMINGS", "1")
        .current_dir(&site.root)
        .output()
        .expect("run encyc");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let count = stderr.split("; parsed ").nth(1).and_then(|rest| rest.split(',').next()).expect("the timings line");
    count.parse().unwrap()
}

/// Every edition's parsed articles are cached on disk between builds, not only the main
/// edition's: a rebuild parses only the articles that changed, whichever edition they are in,
/// and its output equals a fresh build's.
#[test]
fn a_rebuild_parses_only_changed_articles_in_every_edition() {
    let site = TestSite::fixture("editions");
    assert_eq!(parsed_by_build(&site), 6, "a first build parses every article of both editions");
    assert_eq!(parsed_by_build(&site), 0, "nothing changed");
    let path = "articles.es/solo-en-espanol.md";
    let text = std::fs::read_to_string(site.path(path)).unwrap();
    site.write(path, format!("{text}\nUna frase más.\n"));
    assert_eq!(parsed_by_build(&site), 1, "one Spanish article changed");
    let rebuilt = snapshot(&site.output());
    std::fs::remove_dir_all(site.output()).unwrap();
    site.run(&["build", TODAY]).assert_ok();
    let fresh = snapshot(&site.output());
    let pages = |s: &std::collections::BTreeMap<String, Vec<u8>>| {
        s.iter().filter(|(k, _)| !k.starts_with(".encyc-")).map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>()
    };
    assert!(pages(&rebuilt) == pages(&fresh), "the rebuild differs from a fresh build");
}
