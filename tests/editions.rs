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
    let site = TestSite::fixture("editions");
    // The summary counts each edition's articles.
    site.run(&["build", TODAY]).assert_ok().assert_stderr_has("built 3 articles (es edition: 3) in ");
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

    // A name that ends in a full stop ("M.D.") ends the sentence by itself.
    let original = std::fs::read_to_string(site.path("articles/back-pain.md")).unwrap();
    site.write(
        "articles/back-pain.md",
        original.replace("revised_by: Ada Reviewer\n", "revised_by: Ada Reviewer, M.D.\n"),
    );
    site.run(&["build", TODAY]).assert_ok();
    let credit = site.page("es/dolor-de-espalda.html").text(".translation");
    assert!(credit.ends_with("Original revisado por Ada Reviewer, M.D."), "{credit}");
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
            "two articles translating the same one: the other is named with its line too",
            "articles.es/otro.md",
            translation("back-pain"),
            "articles.es/dolor-de-espalda.md:6: `translation_of: back-pain`: articles.es/otro.md translates the same article",
        ),
        (
            "a translation that follows a revision later than its original's last",
            "articles.es/otro.md",
            "---\ntitle: Otro\nlast_revised: 2024-01-01\ntranslation_of: neck-pain\noriginal_revised: 2099-01-01\n---\n\nTexto.\n"
                .to_string(),
            "articles.es/otro.md:5: `original_revised: 2099-01-01` is after the original's `last_revised:",
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
fn callout_titles_are_in_the_editions_language_and_a_missing_one_is_an_error() {
    let site = TestSite::fixture("editions");
    let callouts = "\n> [!NOTE]\n> Uno.\n\n> [!TIP]\n> Dos.\n\n> [!IMPORTANT]\n> Tres.\n\n> [!WARNING]\n> Cuatro.\n\n> [!CAUTION]\n> Cinco.\n";
    let spanish = std::fs::read_to_string(site.path("articles.es/dolor-de-espalda.md")).unwrap();
    site.write("articles.es/dolor-de-espalda.md", format!("{spanish}{callouts}"));
    let english = std::fs::read_to_string(site.path("articles/back-pain.md")).unwrap();
    site.write("articles/back-pain.md", format!("{english}{callouts}"));
    site.run(&["build", TODAY]).assert_ok();
    let titles = |page: &str| site.page(page).texts(".callout-title");
    assert_eq!(titles("es/dolor-de-espalda.html"), ["Nota", "Consejo", "Importante", "Advertencia", "Precaución"]);
    assert_eq!(titles("back-pain.html"), ["Note", "Tip", "Important", "Warning", "Caution"]);
    // A theme's override of one title is used; a language without it is not built.
    site.write("themes/default/strings/es.ftl", "callout-warning = ¡Atención!\n");
    site.run(&["build", TODAY]).assert_ok();
    assert_eq!(site.page("es/dolor-de-espalda.html").texts(".callout-title")[3], "¡Atención!");
    let french = include_str!("../themes/default/strings/en.ftl").replace("callout-tip = Tip\n", "");
    site.write("themes/default/strings/fr.ftl", french);
    site.write("encyc.yaml", "editions:\n  - language: fr\n");
    std::fs::rename(site.path("articles.es"), site.path("articles.fr")).unwrap();
    site.run(&["build", TODAY])
        .assert_failed()
        .assert_stderr_has("themes/default/strings/fr.ftl: the string `callout-tip` is missing for the language `fr`");
}

#[test]
fn links_to_another_edition_are_explicit_and_go_to_that_editions_article() {
    let site = TestSite::fixture("editions");
    let spanish = std::fs::read_to_string(site.path("articles.es/dolor-de-cuello.md")).unwrap();
    site.write(
        "articles.es/dolor-de-cuello.md",
        format!("{spanish}\nEn inglés: [[en:Back pain]], [el original](en:neck-pain.md) y [[en:Backache|otro]].\n"),
    );
    let english = std::fs::read_to_string(site.path("articles/neck-pain.md")).unwrap();
    site.write("articles/neck-pain.md", format!("{english}\nIn Spanish: [[es:Dolor de cuello]].\n"));
    site.run(&["build", TODAY]).assert_ok();
    let links = site.page("es/dolor-de-cuello.html").links("main p a");
    for (text, href) in
        [("Back pain", "../back-pain.html"), ("el original", "../neck-pain.html"), ("otro", "../back-pain.html")]
    {
        assert!(links.contains(&(text.to_string(), href.to_string())), "{text} → {href} in {links:?}");
    }
    let links = site.page("neck-pain.html").links("main p a");
    assert!(links.contains(&("Dolor de cuello".to_string(), "es/dolor-de-cuello.html".to_string())), "{links:?}");
}

#[test]
fn a_link_to_another_edition_that_does_not_exist_is_an_error_with_file_line_and_a_suggestion() {
    let body = "---\ntitle: Otro\nlast_revised: 2024-01-01\n---\n\nTexto.\n\n";
    let cases = [
        (
            "[[fr:Back pain]]",
            "articles.es/otro.md:8: link to `fr:Back pain`: this site has no edition in the language `fr` (its editions: `en`, `es`)",
        ),
        (
            "[[en:Bak pain]]",
            "articles.es/otro.md:8: link to `en:Bak pain`: the English edition has no article named \"Bak pain\" (did you mean `Back pain`?)",
        ),
        (
            "[texto](en:bak-pain.md)",
            "articles.es/otro.md:8: link to `en:bak-pain.md`: the English edition has no article with the slug `bak-pain` (did you mean `back-pain`?)",
        ),
        // A section the other edition's article does not have, said as within one edition.
        (
            "[[en:Back pain#causas]]",
            "articles.es/otro.md:8: link to `en:Back pain#causas`: articles/back-pain.md in the English edition has no section with the id `causas` (it has no sections)",
        ),
        // Without a language, a wiki link stays within the article's own edition.
        (
            "[[Back pain]]",
            "articles.es/otro.md:8: wiki link `[[Back pain]]`: no article has this title or alternative name",
        ),
    ];
    for (link, expected) in cases {
        let site = built();
        let before = snapshot(&site.output());
        site.write("articles.es/otro.md", format!("{body}{link}\n"));
        site.run(&["build", TODAY]).assert_failed().assert_stderr_has(expected);
        assert!(snapshot(&site.output()) == before, "{link}: the output changed");
    }
    // In a site of one language, any other edition is unknown.
    let site = TestSite::fixture("basic");
    site.write("articles/otro.md", format!("{body}[[es:Dolor]]\n"));
    site.build().assert_failed().assert_stderr_has(
        "articles/otro.md:8: link to `es:Dolor`: this site has no edition in the language `es` (its editions: `en`)",
    );
}

#[test]
fn drafts_and_renamed_articles_work_in_every_edition() {
    let site = TestSite::fixture("editions");
    let spanish = std::fs::read_to_string(site.path("articles.es/dolor-de-cuello.md")).unwrap();
    site.write(
        "articles.es/dolor-de-cuello.md",
        spanish.replace("last_revised:", "previous_slugs: [dolor-de-nuca]\nlast_revised:"),
    );
    site.write(
        "articles.es/borrador.md",
        "---\ntitle: Borrador\nlast_revised: 2024-01-01\ndraft: true\n---\n\nTexto.\n",
    );
    site.run(&["build", TODAY]).assert_ok();
    // The old address of the renamed Spanish article leads to its new one, in the edition.
    let moved = site.read_output("es/dolor-de-nuca.html");
    assert!(moved.contains("url=dolor-de-cuello.html"), "{moved}");
    assert!(moved.contains("<html lang=\"es\""), "{moved}");
    // The draft is left out, and a link to it says so.
    assert!(!site.output().join("es/borrador.html").exists());
    assert!(!site.read_output("es/letter-b.html").contains("Borrador"));
    site.write("articles.es/otro.md", "---\ntitle: Otro\nlast_revised: 2024-01-01\n---\n\nVéase [[Borrador]].\n");
    site.run(&["build", TODAY])
        .assert_failed()
        .assert_stderr_has("articles.es/otro.md:6: link to `[[Borrador]]`: the article `borrador` is a draft");
}

#[test]
fn an_editions_illustrations_are_its_own_with_captions_in_its_language() {
    let site = TestSite::fixture("editions");
    let svg = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media/articles/media/spine.svg"),
    )
    .unwrap();
    site.write("articles.es/media/columna.svg", &svg);
    site.write(
        "articles.es/media/columna.svg.yaml",
        "alt: \"Cinco vértebras lumbares con discos entre ellas.\"\ncaption: \"La columna lumbar.\"\ncredit: \"Dibujo: proyecto encyc\"\nlicence: \"CC BY 4.0\"\n",
    );
    let spanish = std::fs::read_to_string(site.path("articles.es/dolor-de-cuello.md")).unwrap();
    site.write("articles.es/dolor-de-cuello.md", format!("{spanish}\n![Columna](media/columna.svg)\n"));
    site.run(&["build", TODAY]).assert_ok();
    let page = site.page("es/dolor-de-cuello.html");
    assert_eq!(page.attrs("figure img", "alt"), ["Cinco vértebras lumbares con discos entre ellas."]);
    assert!(page.text("figcaption").contains("La columna lumbar."), "{}", page.text("figcaption"));
    let src = &page.attrs("figure img", "src")[0];
    assert!(site.output().join("es").join(src).is_file(), "{src}");
    // An image the edition does not have is an error naming the edition's file.
    site.write("articles.es/dolor-de-cuello.md", format!("{spanish}\n![Columna](media/nada.svg)\n"));
    site.run(&["build", TODAY])
        .assert_failed()
        .assert_stderr_has("articles.es/dolor-de-cuello.md:")
        .assert_stderr_has("image `media/nada.svg`: there is no such file in articles.es/media/");
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
