//! Accessible, valid pages, proved in a real browser: `tests/browser/check.mjs` checks that the
//! only scripts in the pages are the theme's search script and JSON-LD data, validates every
//! page with the Nu HTML Checker and opens them in headless Chromium for axe-core (WCAG 2.1 A and
//! AA, 1280px and 375px, light and dark), reflow at 375px and 200%/400% zoom, keyboard use, page
//! structure and the print layout: every page kind, the search page with results, the search
//! box with its list of results open (the ARIA combobox), and the site without JavaScript. It
//! needs node, /usr/bin/chromium, java and `npm ci --prefix tests/browser`; `.ci/run` installs
//! them. Without them the test is reported as ignored (see `build.rs`), except in CI (`CI=true`),
//! where it runs and fails.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{TestSite, browser};

/// An article with every element the theme styles (callouts of each kind, a table, code, a
/// footnote, a long word and a long address, a third-level heading), added to the fixture site
/// so that the browser sees them all.
const THEME_SAMPLER: &str = "---
title: Theme sampler with a deliberately long title to test wrapping on narrow screens
alternative_names:
  - Pneumonoultramicroscopicsilicovolcanoconiosis
  - Sampler, theme
last_revised: 2024-02-29
revised_by: Sample Reviewer, M.D.
source: encyc test suite
see_also: [back-pain, sciatica]
summary: Every element the default theme styles, to check it in a real browser.
references:
  # EXAMPLE references for the browser checks: made up, not real works.
  - key: example-article
    authors: [Example AB, Sample CD]
    title: An example article with a long title that wraps on a narrow screen
    journal: Example J
    year: 2001
    volume: \"12\"
    pages: 45-67
    pmid: \"123456789\"
    doi: 10.99999/example.1
  - key: example-web
    title: An example web page
    url: https://example.org/a/very/long/address/that/does/not/break/easily/on/a/phone.html
    accessed: 2020-01-02
---

A figure with its caption, credit and licence, and citations [@example-article; @example-web]:

![](media/spine.svg)

![](media/chart.png)

![](media/photo.jpg)

This article holds every kind of content an article body can have, so the browser checks see
each one: **bold**, *emphasis*, ~~struck~~, `inline code`, a link to [[Back pain]], a
[section link](#tables), an external link to
<https://example.org/a/very/long/address/that/does/not/break/easily/on/a/phone/screen/at/all.html>,
and Pneumonoultramicroscopicsilicovolcanoconiosis, a very long word.[^1]

> [!NOTE]
> A note, with [a link](back-pain.md).

> [!TIP]
> A tip.

> [!IMPORTANT]
> Important, with [a link](sciatica.md).

> [!WARNING]
> Go to an emergency room if it hurts, with [a link](sciatica.md#treatment).

> [!CAUTION]
> Caution, with [a link](back-pain.md).

> A plain quotation.

## Lists

1. First step
2. Second step
   - a nested point
   - another nested point
3. Third step

### A third-level heading

Text under it.

## Tables

| Medicine | Usual adult dose | How often | Notes for patients who take other medicines |
|---|---|---|---|
| Ibuprofen | 200–400 mg | every 4 to 6 hours | Take with food; not with other NSAIDs |
| Acetaminophen | 500–1000 mg | every 6 hours | No more than 3000 mg a day |
| Naproxen | 220 mg | every 8 to 12 hours | Ask your pharmacist first |

## Code

```
a preformatted line that is much longer than a phone screen is wide, to check that it wraps inside its box
```

[^1]: A footnote.
";

const TIME_LIMIT: Duration = Duration::from_secs(300);

#[test]
#[cfg_attr(
    browser_checks_skipped,
    ignore = "needs node, /usr/bin/chromium, java and npm ci --prefix tests/browser; see the README"
)]
fn every_page_kind_is_valid_and_accessible_in_a_real_browser() {
    let mut missing =
        browser::missing_tools(&["playwright-core/package.json", "axe-core/axe.min.js", "vnu-jar/build/dist/vnu.jar"]);
    if !browser::runs("java", "-version") {
        missing.push("java, for the Nu HTML Checker (apt-get install default-jre-headless)".to_string());
    }
    browser::require("browser accessibility checks", &missing);

    let fixture = TestSite::fixture("basic");
    fixture.write("articles/theme-sampler.md", THEME_SAMPLER);
    let media = TestSite::fixture("media");
    fixture.write("articles/media/spine.svg", std::fs::read(media.path("articles/media/spine.svg")).unwrap());
    fixture.write("articles/media/spine.svg.yaml", std::fs::read(media.path("articles/media/spine.svg.yaml")).unwrap());
    // Raster pictures wide enough for phone-sized copies: a PNG (with WebP copies, in a
    // `<picture>`) and a JPEG (with `srcset` only).
    let sidecar = "alt: A colour gradient\ncaption: A generated test picture\ncredit: encyc test suite\nlicence: CC0\n";
    fixture.write("articles/media/chart.png", crate::media::smooth_png(1200, 600));
    fixture.write("articles/media/chart.png.yaml", sidecar);
    fixture.write("articles/media/photo.jpg", crate::media::jpeg(1000, 800));
    fixture.write("articles/media/photo.jpg.yaml", sidecar);
    // A renamed article leaves a redirect page; a draft is built, with its banner, only by the
    // preview, so this site is built as `encyc watch` builds it.
    let disk = std::fs::read_to_string(fixture.path("articles/herniated-disk.md")).unwrap();
    fixture.write("articles/herniated-disk.md", disk.replacen("---\n", "---\nprevious_slugs: [slipped-disk]\n", 1));
    fixture.write(
        "articles/draft-sampler.md",
        "---\ntitle: Draft sampler\nlast_revised: 2024-01-01\ndraft: true\n---\n\nNot ready yet.\n\n> [!URGENT]\n> See a doctor.\n\n> [!NON-URGENT]\n> Call your provider.\n",
    );
    build_as_the_preview_does(&fixture);
    assert!(fixture.read_output("draft-sampler.html").contains("draft-banner"));
    let sampler = fixture.read_output("theme-sampler.html");
    assert!(sampler.contains("<picture>") && sampler.contains("srcset=\"media/photo."), "no phone-sized copies");
    assert!(fixture.read_output("slipped-disk.html").contains("rel=\"canonical\""));
    let shipped = TestSite::shipped();
    shipped.build().assert_ok();
    // The Spanish edition, checked as a site of its own (its pages link only within es/,
    // except the language switch).
    let spanish = TestSite::shipped_with_editions();
    spanish.build().assert_ok();

    // What to type in each site's search box: it must find articles both by name and in their
    // text, so that the open list shows both kinds of result.
    let args = [
        PathBuf::from("--search=pain"),
        fixture.output(),
        PathBuf::from("--search=back pain"),
        shipped.output(),
        PathBuf::from("--search=espalda"),
        PathBuf::from("--results=espalda"),
        spanish.output().join("es"),
    ];
    // Given only the folder that holds it, the Spanish edition would be checked in part, its
    // home and 404 pages taken for articles: the checker refuses and says how to give it.
    let (ok, refused) = browser::run_node("check.mjs", &[spanish.output()], TIME_LIMIT);
    assert!(
        !ok && refused.contains("output/es: a further edition's folder is checked as a site of its own"),
        "{refused}"
    );
    let (ok, output) = browser::run_node("check.mjs", &args, TIME_LIMIT);
    assert!(ok, "browser accessibility checks failed:\n{output}");
    // Shown with `cargo test -- --nocapture`: the summary of what was checked.
    println!("{output}");
    assert!(output.contains("vnu: 0 errors"), "{output}");
}

/// Runs `encyc watch --no-serve` until its first build is in place, then stops it.
fn build_as_the_preview_does(site: &TestSite) {
    use std::io::{BufRead, BufReader};
    let mut child = crate::support::encyc()
        .args(["watch", "--no-serve"])
        .current_dir(&site.root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start encyc watch");
    // It says so on stdout once the first build is in place (and ends the line stream if it exits).
    let stdout = child.stdout.take().unwrap();
    let mut said = String::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        said.push_str(&line);
        said.push('\n');
        if line.contains("Watching articles/") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(said.contains("Watching articles/"), "encyc watch did not build:\n{said}");
}

/// The theme prints the page's address when the Rust side passes `page_url`, and a build
/// without it (today's) renders as before: Tera 2 errors on printing an undefined variable.
#[test]
fn the_print_only_page_address_appears_only_with_a_page_url() {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let mut tera = tera::Tera::new();
    for name in ["base.html", "az.html", "article.html", "letter.html", "home.html", "404.html"] {
        let text = std::fs::read_to_string(theme.join(name)).unwrap();
        tera.add_raw_template(name, &text).unwrap();
    }
    let render = |page_url: Option<Option<&str>>| {
        let mut context = tera::Context::new();
        context.insert(
            "site",
            &[("title", "T"), ("language", "en"), ("disclaimer", "D")]
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
        );
        context.insert("root", "");
        // The theme's words, as the build passes them: the one-line strings of en.ftl.
        let strings = std::fs::read_to_string(theme.join("strings/en.ftl")).unwrap();
        let t: std::collections::BTreeMap<String, String> = strings
            .lines()
            .filter_map(|line| line.split_once(" = "))
            .map(|(key, value)| (key.replace('-', "_"), value.to_string()))
            .collect();
        context.insert("t", &t);
        context.insert("languages", &Vec::<String>::new());
        context.insert("empty", "");
        context.insert("az_bar", "");
        context.insert("description", &None::<&str>);
        context.insert("letter", "A");
        context.insert("entries", &Vec::<String>::new());
        if let Some(url) = page_url {
            context.insert("page_url", &url);
        }
        tera.render("letter.html", &context).map_err(|e| e.to_string())
    };
    let without = render(None).expect("renders without page_url");
    assert!(!without.contains("page-address"), "{without}");
    for empty in [Some(None), Some(Some(""))] {
        assert!(!render(empty).unwrap().contains("page-address"));
    }
    let with = render(Some(Some("https://example.org/letter-a.html"))).unwrap();
    assert!(
        with.contains("<p class=\"page-address print-only\">Page address: https://example.org/letter-a.html</p>"),
        "{with}"
    );
}
