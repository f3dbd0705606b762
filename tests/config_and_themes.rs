//! `encyc.yaml` and theme overrides.

use crate::support::TestSite;

#[test]
fn config_sets_title_language_and_disclaimer() {
    let site = TestSite::fixture("basic");
    site.write(
        "encyc.yaml",
        "title: Spine Encyclopedia\nlanguage: en-GB\ndisclaimer: Not medical advice.\nintroduction: |\n  First paragraph.\n\n  Second paragraph.\n",
    );
    site.build().assert_ok();
    let page = site.page("back-pain.html");
    assert_eq!(page.attrs("html", "lang"), ["en-GB"]);
    assert_eq!(page.text("title"), "Back pain – Spine Encyclopedia");
    assert_eq!(page.text(".site-title"), "Spine Encyclopedia");
    assert_eq!(page.text(".disclaimer"), "Not medical advice.");
    assert_eq!(site.page("index.html").texts(".introduction"), ["First paragraph.", "Second paragraph."]);
}

#[test]
fn unknown_config_keys_are_errors() {
    let site = TestSite::fixture("basic");
    site.write("encyc.yaml", "title: X\nlangauge: en\n");
    site.build().assert_failed().assert_stderr_has("encyc.yaml").assert_stderr_has("line 2: unknown field `langauge`");
}

#[test]
fn a_site_template_overrides_the_built_in_one() {
    let site = TestSite::fixture("basic");
    site.write(
        "themes/default/letter.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Index {{ letter }}</h1>{% endblock main %}",
    );
    site.write("themes/default/style.css", "body { color: black; }");
    site.build().assert_ok();
    assert_eq!(site.page("letter-b.html").text("h1"), "Index B");
    // Templates that were not overridden still come from the built-in theme.
    assert_eq!(site.page("back-pain.html").text("h1"), "Back pain");
    assert_eq!(site.read_output("assets/style.css"), "body { color: black; }");
}

#[test]
fn a_named_theme_adds_assets_and_must_exist() {
    let site = TestSite::fixture("basic");
    site.write("encyc.yaml", "theme: clinic\n");
    site.build().assert_failed().assert_stderr_has("the theme `clinic` is set in the config, but there is no folder");
    site.write("themes/clinic/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.build().assert_ok();
    assert!(site.output().join("assets/logo.svg").exists());
}

#[test]
fn a_misnamed_template_is_an_error_not_ignored() {
    let site = TestSite::fixture("basic");
    site.write("themes/default/artcle.html", "x");
    site.build().assert_failed().assert_stderr_has("artcle.html is not a template encyc uses");
}

#[test]
fn a_broken_template_names_itself() {
    let site = TestSite::fixture("basic");
    site.write(
        "themes/default/article.html",
        "{% extends \"base.html\" %}{% block main %}{{ article.title }{% endblock main %}",
    );
    let run = site.build();
    run.assert_failed().assert_stderr_has("article.html");
    assert!(!site.output().exists());
}

#[test]
fn recent_count_zero_leaves_out_the_recently_revised_heading() {
    let site = TestSite::fixture("basic");
    site.write("encyc.yaml", "recent_count: 0\n");
    site.build().assert_ok();
    let home = site.page("index.html");
    assert!(!site.read_output("index.html").contains("Recently revised"));
    assert_eq!(home.count("ul.recent"), 0);
    // The rest of the home page is still there.
    assert!(home.text("main").contains("choose a letter above"));
}

#[test]
fn theme_subfolders_are_published_and_editor_backups_are_not() {
    let site = TestSite::fixture("basic");
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    site.write("themes/default/img/x.svg", svg);
    site.write("themes/default/img/icons/y.svg", svg);
    site.write("themes/default/notes.txt~", "a backup");
    site.write("themes/default/img/x.svg.swp", "vim swap");
    site.write("themes/default/#style.css#", "emacs auto-save");
    site.build().assert_ok();
    assert_eq!(site.read_output("assets/img/x.svg"), svg);
    assert_eq!(site.read_output("assets/img/icons/y.svg"), svg);
    let published: Vec<String> = crate::support::snapshot(&site.output().join("assets")).into_keys().collect();
    for temp in ["notes.txt~", "img/x.svg.swp", "#style.css#"] {
        assert!(!published.contains(&temp.to_string()), "{temp} was published: {published:?}");
    }
}
