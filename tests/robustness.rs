//! Hostile and unusual input: huge files and lines, odd names, loops, unreadable files, writes
//! that fail half-way, builds racing each other, Ctrl-C. Each must end in a clear message or a
//! working site, never a panic, and never a damaged site.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{Run, TestSite, encyc, snapshot};

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nlast_revised: 2020-01-01\n---\n\n{body}\n")
}

#[test]
fn a_20_mb_article_builds() {
    let site = TestSite::fixture("basic");
    let paragraph = "Back pain is common and usually gets better with time, gentle activity and simple pain relief. ";
    let mut body = String::with_capacity(21 << 20);
    while body.len() < 20 << 20 {
        body.push_str(&paragraph.repeat(8));
        body.push_str("\n\n");
    }
    site.write("articles/huge.md", article("Huge article", &body));
    site.build().assert_ok();
    let page = std::fs::metadata(site.output().join("huge.html")).unwrap().len();
    assert!(page > 20 << 20, "the page has the whole text ({page} bytes)");
}

#[test]
fn a_100_000_character_line_and_10_000_alternative_names_build() {
    let site = TestSite::fixture("basic");
    let line = "word ".repeat(20_000);
    site.write("articles/long-line.md", article("Long line", &line));
    let names: String = (0..10_000).map(|i| format!("  - Other name number {i}\n")).collect();
    site.write(
        "articles/many-names.md",
        format!("---\ntitle: Many names\nalternative_names:\n{names}last_revised: 2020-01-01\n---\n\nText.\n"),
    );
    site.build().assert_ok();
    assert!(site.read_output("long-line.html").contains(&line[..1000]));
    let o = site.page("letter-o.html").texts("main li");
    assert_eq!(o.len(), 10_000);
    assert_eq!(o[0], "Other name number 0, see Many names");
}

#[test]
fn deeply_nested_lists_and_quotes_build() {
    let site = TestSite::fixture("basic");
    let quotes = ">".repeat(5_000) + " deep";
    let lists: String = (0..2_000).map(|i| format!("{}- level {i}\n", "  ".repeat(i))).collect();
    site.write("articles/nested.md", article("Nested", &format!("{quotes}\n\n{lists}")));
    // Raw HTML sends the body through the sanitiser too.
    let tags = "<div>".repeat(3_000) + "x" + &"</div>".repeat(3_000);
    site.write("articles/nested-html.md", article("Nested HTML", &tags));
    site.build().assert_ok();
    assert!(site.read_output("nested.html").contains("deep"));
    assert!(site.read_output("nested-html.html").contains('x'));
}

#[test]
fn titles_of_only_punctuation_or_emoji_file_under_0_9() {
    let site = TestSite::fixture("basic");
    site.write("articles/dots.md", article("'...'", "Punctuation only."));
    site.write("articles/emoji.md", article("😀🎉", "Emoji only."));
    site.build().assert_ok();
    let other = site.page("letter-0-9.html").links("main li a");
    assert!(other.contains(&("...".to_string(), "dots.html".to_string())), "{other:?}");
    assert!(other.contains(&("😀🎉".to_string(), "emoji.html".to_string())), "{other:?}");
    assert_eq!(site.page("emoji.html").text("h1"), "😀🎉");
}

#[test]
fn file_names_with_spaces_and_unicode_become_working_pages() {
    let site = TestSite::fixture("basic");
    site.write(
        "articles/Back ache (old).md",
        article("Back ache old", "See [[Ménière's]] and [x](Ménière%20à%20l'oreille.md)."),
    );
    site.write("articles/Ménière à l'oreille.md", article("Ménière's", "Text."));
    site.build().assert_ok();
    assert!(site.output().join("Back ache (old).html").is_file());
    let links = site.page("Back ache (old).html").attrs(".article-body a", "href");
    assert_eq!(
        links,
        ["M%C3%A9ni%C3%A8re%20%C3%A0%20l%27oreille.html", "M%C3%A9ni%C3%A8re%20%C3%A0%20l%27oreille.html"]
    );
    let b = site.page("letter-b.html").attrs("main li a", "href");
    assert!(b.contains(&"Back%20ache%20(old).html".to_string()), "{b:?}");
}

#[test]
fn a_symlink_loop_in_articles_is_a_clear_error() {
    #[cfg(unix)]
    {
        let site = TestSite::fixture("basic");
        std::os::unix::fs::symlink(site.path("articles"), site.path("articles/spine/loop")).unwrap();
        let run = site.build();
        run.assert_failed()
            .assert_stderr_has("articles/spine/loop: cannot read the file: a symbolic link here points back");
        assert!(!site.output().exists());
    }
}

#[test]
fn an_unreadable_article_is_named() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let site = TestSite::fixture("basic");
        // A link to nothing cannot be read by anyone (root included).
        std::os::unix::fs::symlink(site.path("nowhere.md"), site.path("articles/dangling.md")).unwrap();
        site.build().assert_failed().assert_stderr_has("error: articles/dangling.md: cannot read the file:");
        std::fs::remove_file(site.path("articles/dangling.md")).unwrap();
        // A file without read permission, where permissions apply (not to root).
        site.write("articles/secret.md", article("Secret", "Text."));
        std::fs::set_permissions(site.path("articles/secret.md"), std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read(site.path("articles/secret.md")).is_err() {
            site.build()
                .assert_failed()
                .assert_stderr_has("error: articles/secret.md: cannot read the file: Permission denied");
        }
    }
}

/// Makes `dir` impossible to create files in, even for root: `chattr +i` where the file system
/// supports it, otherwise a read-only mode. `None` when neither stops writes here.
fn make_unwritable(dir: &std::path::Path) -> Option<Box<dyn FnOnce()>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let probe = dir.join(".probe");
        let immutable = std::process::Command::new("chattr").arg("+i").arg(dir).stderr(Stdio::null()).status();
        if immutable.is_ok_and(|s| s.success()) {
            if std::fs::write(&probe, "x").is_err() {
                let dir = dir.to_path_buf();
                return Some(Box::new(move || {
                    let _ = std::process::Command::new("chattr").arg("-i").arg(&dir).status();
                }));
            }
            let _ = std::process::Command::new("chattr").arg("-i").arg(dir).status();
        }
        let _ = std::fs::remove_file(&probe);
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(&probe, "x").is_err() {
            let dir = dir.to_path_buf();
            return Some(Box::new(move || {
                let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755));
            }));
        }
        let _ = std::fs::remove_file(&probe);
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    None
}

#[test]
fn a_write_that_fails_half_way_names_the_folder_and_leaves_the_old_site_whole() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let before = snapshot(&site.output());
    // Every article page changes (new theme text), and so does the stylesheet in assets/.
    site.write("themes/default/style.css", "body { color: black; }");
    site.write("encyc.yaml", "title: A New Title\n");
    let Some(restore) = make_unwritable(&site.output().join("assets")) else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "cannot make a folder unwritable here (no chattr, running as root)"
        );
        eprintln!("skipping: cannot make a folder unwritable here");
        return;
    };
    let run = site.build();
    restore();
    run.assert_failed().assert_stderr_has("assets");
    assert!(snapshot(&site.output()) == before, "a failed write changed the site");
    // No temporary files are left behind either.
    site.build().assert_ok();
    assert!(site.read_output("index.html").contains("A New Title"));
}

#[test]
fn a_second_build_while_the_site_is_locked_says_so_and_touches_nothing() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let before = snapshot(&site.output());
    // `encyc watch` holds the site's lock for as long as it runs.
    let watch = crate::support::watch::Watch::start(&site, &["--no-serve"]);
    site.write("articles/ph-imbalance.md", article("pH imbalance", "Changed while locked."));
    // Give watch's own rebuild time to finish, so that only the second build is measured.
    std::thread::sleep(Duration::from_millis(500));
    let during = snapshot(&site.output());
    let run = site.build();
    drop(watch);
    run.assert_failed().assert_stderr_has("another encyc process is building or watching the site in");
    assert!(snapshot(&site.output()) == during);
    assert!(during != before, "watch itself rebuilt");
}

#[test]
fn ctrl_c_in_the_middle_of_a_build_leaves_the_previous_site_whole() {
    let site = TestSite::empty();
    let write_all = |text: &str| {
        for i in 0..3_000 {
            let body = format!("{text} ").repeat(300);
            site.write(&format!("articles/a{i:04}.md"), article(&format!("Article {i}"), &body));
        }
    };
    write_all("Some text.");
    site.build().assert_ok();
    // The signal must land while the build runs: after the handler is installed, before the
    // output is switched. If a build beats the signal, try again with an earlier signal.
    for (round, delay) in [300u64, 150, 80, 40].into_iter().enumerate() {
        let before = snapshot(&site.output());
        write_all(&format!("Changed text {round}."));
        let child = encyc().arg("build").current_dir(&site.root).stderr(Stdio::piped()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        let started = Instant::now();
        let run: Run = child.wait_with_output().unwrap().into();
        assert!(started.elapsed() < Duration::from_secs(30), "Ctrl-C did not stop the build promptly");
        if run.code == Some(0) {
            eprintln!("the build finished within {delay} ms; trying an earlier Ctrl-C");
            continue;
        }
        assert_eq!(run.code, Some(130), "{}", run.stderr);
        run.assert_stderr_has("interrupted; the output folder was left as it was");
        assert!(snapshot(&site.output()) == before, "Ctrl-C changed the site");
        return;
    }
    panic!("every build finished before Ctrl-C arrived, so the interruption was never tested");
}

/// Inputs the fuzzers (fuzz/, `cargo +nightly fuzz run <target>`) once broke encyc with, kept
/// in fuzz/regressions/<target>/ and replayed here through the same checks.
#[test]
fn inputs_the_fuzzers_found_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for target in ["front_matter", "markdown_links", "letters", "image_metadata", "svg", "bibliography"] {
        let Ok(entries) = std::fs::read_dir(dir.join(target)) else { continue };
        for entry in entries {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            replayed += 1;
            match target {
                "front_matter" => encyc::fuzzing::check_front_matter(&bytes),
                "markdown_links" => encyc::fuzzing::check_markdown_links(&String::from_utf8_lossy(&bytes)),
                "image_metadata" => encyc::fuzzing::check_image_metadata(&String::from_utf8_lossy(&bytes)),
                "svg" => encyc::fuzzing::check_svg(&bytes),
                "bibliography" => encyc::fuzzing::check_bibliography(&bytes),
                _ => encyc::fuzzing::check_letters(&String::from_utf8_lossy(&bytes)),
            }
        }
    }
    assert!(replayed >= 1, "no regression inputs found in {}", dir.display());
}

/// The three readers of illustrations and references (fuzz targets `image_metadata`, `svg`,
/// `bibliography`) over mutated seeds, for `ENCYC_FUZZ_SECONDS` (2 by default; the long run is
/// `ENCYC_FUZZ_SECONDS=600 cargo test --release media_readers`). A mutator stands in for libFuzzer where cargo-fuzz is not installed. An input
/// that panics is saved to fuzz/regressions/<target>/ for the replay above, and fails the test.
#[test]
fn media_readers_survive_mutated_inputs() {
    let seconds: u64 = std::env::var("ENCYC_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    type Check = fn(&[u8]);
    let targets: [(&str, Check); 3] = [
        ("image_metadata", |b| encyc::fuzzing::check_image_metadata(&String::from_utf8_lossy(b))),
        ("svg", encyc::fuzzing::check_svg),
        ("bibliography", encyc::fuzzing::check_bibliography),
    ];
    // Pieces that the readers treat specially, spliced in at random places.
    const TOKENS: &[&str] = &[
        "<script>",
        "</script>",
        " onload=\"x\"",
        " href=\"http://x\"",
        " xlink:href=\"#a\"",
        "url(",
        "url(#a)",
        "<foreignObject>",
        "<!DOCTYPE svg [<!ENTITY a \"b\">]>",
        "&a;",
        "<![CDATA[",
        "]]>",
        "<?xml-stylesheet?>",
        "\n  - key: ",
        "[@",
        "]",
        "; @",
        "doi: 10.",
        "/",
        "pmid: ",
        "\nalt: ",
        "\ndecorative: true",
        "---\n",
        "\u{E000}",
        "\u{E001}",
        "i0",
        "b",
        "&#x3c;",
        "viewBox=\"0 0 99999999 1\"",
        "width=\"-1\"",
        "{",
        "[",
        "'",
        "\"",
        "\0",
    ];
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let mut runs = 0u64;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    'outer: while std::time::Instant::now() < deadline {
        for (target, check) in targets {
            let seeds: Vec<Vec<u8>> = std::fs::read_dir(root.join("seeds").join(target))
                .map(|d| d.filter_map(|e| std::fs::read(e.ok()?.path()).ok()).collect())
                .unwrap_or_default();
            let mut input = seeds.get(next(seeds.len())).cloned().unwrap_or_default();
            for _ in 0..=next(8) {
                let at = next(input.len() + 1);
                match next(4) {
                    0 => input.splice(at..at, TOKENS[next(TOKENS.len())].bytes()).for_each(drop),
                    1 if !input.is_empty() => {
                        let last = input.len() - 1;
                        input[at.min(last)] = next(256) as u8;
                    }
                    2 => input.truncate(at),
                    _ => {
                        let end = (at + next(16)).min(input.len());
                        input.drain(at..end);
                    }
                }
            }
            runs += 1;
            let result = std::panic::catch_unwind(|| check(&input));
            if result.is_err() {
                let dir = root.join("regressions").join(target);
                std::fs::create_dir_all(&dir).unwrap();
                let name = format!("crash-{:016x}", xxhash_of(&input));
                std::fs::write(dir.join(&name), &input).unwrap();
                std::panic::set_hook(hook);
                panic!("{target} panicked on an input, saved as fuzz/regressions/{target}/{name}");
            }
            if std::time::Instant::now() >= deadline {
                break 'outer;
            }
        }
    }
    std::panic::set_hook(hook);
    eprintln!("media readers: {runs} mutated inputs in {seconds} s");
    assert!(runs > 0);
}

fn xxhash_of(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}
