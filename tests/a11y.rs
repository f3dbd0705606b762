//! Accessible, valid pages, proved in a real browser: `tests/browser/check.mjs` validates every
//! page with the Nu HTML Checker and opens them in headless Chromium for axe-core (WCAG 2.1 A and
//! AA, 1280px and 375px, light and dark), reflow at 375px and 200%/400% zoom, keyboard use, page
//! structure and the print layout. It needs node, /usr/bin/chromium, java and
//! `npm ci --prefix tests/browser`; `.ci/run` installs them. Without them the test is skipped,
//! except in CI (`CI=true`), where it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::TestSite;

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
---

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

const CHROMIUM: &str = "/usr/bin/chromium";
const TIME_LIMIT: Duration = Duration::from_secs(300);

fn harness_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// What the browser checks need and this machine lacks.
fn missing_tools() -> Vec<String> {
    let harness = harness_dir();
    let mut missing = Vec::new();
    if !runs("node", "--version") {
        missing.push("node".to_string());
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_string());
    if !Path::new(&chromium).is_file() {
        missing.push(format!("{chromium} (apt-get install chromium)"));
    }
    if !runs("java", "-version") {
        missing.push("java, for the Nu HTML Checker (apt-get install default-jre-headless)".to_string());
    }
    for package in ["playwright-core/package.json", "axe-core/axe.min.js", "vnu-jar/build/dist/vnu.jar"] {
        if !harness.join("node_modules").join(package).is_file() {
            missing.push(format!("tests/browser/node_modules/{package} (npm ci --prefix tests/browser)"));
        }
    }
    missing
}

/// Runs `node check.mjs <outputs>`, stopping it after [`TIME_LIMIT`]; returns (success, output).
fn run_checks(outputs: &[PathBuf], log_dir: &Path) -> (bool, String) {
    let stdout = log_dir.join("check-stdout.txt");
    let stderr = log_dir.join("check-stderr.txt");
    let mut child = Command::new("node")
        .arg(harness_dir().join("check.mjs"))
        .args(outputs)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("run node");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break Some(status);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut output = std::fs::read_to_string(&stdout).unwrap_or_default();
    output.push_str(&std::fs::read_to_string(&stderr).unwrap_or_default());
    match status {
        Some(status) => (status.success(), output),
        None => (false, format!("{output}\nstopped after {} s", TIME_LIMIT.as_secs())),
    }
}

#[test]
fn every_page_kind_is_valid_and_accessible_in_a_real_browser() {
    let missing = missing_tools();
    if !missing.is_empty() {
        let what = missing.join("; ");
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the browser accessibility checks cannot run in CI; missing: {what}");
        }
        eprintln!("skipping browser accessibility checks: {what}");
        return;
    }

    let fixture = TestSite::fixture("basic");
    fixture.write("articles/theme-sampler.md", THEME_SAMPLER);
    fixture.build().assert_ok();
    let shipped = TestSite::shipped();
    shipped.build().assert_ok();

    let logs = tempfile::tempdir().unwrap();
    let (ok, output) = run_checks(&[fixture.output(), shipped.output()], logs.path());
    assert!(ok, "browser accessibility checks failed:\n{output}");
    // Shown with `cargo test -- --nocapture`: the summary of what was checked.
    println!("{output}");
    assert!(output.contains("vnu: 0 errors"), "{output}");
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
