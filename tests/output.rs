//! The output folder: deterministic, rewritten only where bytes changed, cleaned of pages
//! that no longer belong, and never a folder encyc does not own.

use std::time::{Duration, SystemTime};

use crate::support::watch::Watch;
use crate::support::{TestSite, encyc, snapshot};

fn mtimes(site: &TestSite) -> std::collections::BTreeMap<String, SystemTime> {
    snapshot(&site.output())
        .into_keys()
        .map(|rel| {
            let m = std::fs::metadata(site.output().join(&rel)).unwrap().modified().unwrap();
            (rel, m)
        })
        .collect()
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let a = TestSite::fixture("basic");
    let b = TestSite::fixture("basic");
    a.build().assert_ok();
    b.build().assert_ok();
    let (sa, sb) = (snapshot(&a.output()), snapshot(&b.output()));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    assert!(sa == sb, "two builds of the same articles differ");
}

#[test]
fn a_rebuild_with_nothing_changed_writes_nothing() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let before = mtimes(&site);
    std::thread::sleep(Duration::from_millis(20));
    let run = site.build();
    let published = snapshot(&site.output()).into_keys().filter(|p| !p.starts_with(".encyc-")).count();
    run.assert_ok().assert_stderr_has(&format!("0 pages written, {published} unchanged, 0 removed"));
    assert_eq!(mtimes(&site), before);
}

#[test]
fn a_body_edit_rewrites_only_that_page_and_the_search_files_it_touches() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let before = mtimes(&site);
    std::thread::sleep(Duration::from_millis(20));
    let text = std::fs::read_to_string(site.path("articles/ph-imbalance.md")).unwrap();
    site.write("articles/ph-imbalance.md", text.replace("out of balance", "out of kilter"));
    site.build().assert_ok().assert_stderr_has("5 pages written");
    let after = mtimes(&site);
    let changed: Vec<&String> = after.keys().filter(|k| before.get(*k) != Some(&after[*k])).collect();
    // The page; the article's snippet (it has no summary, so the snippet is its text); its
    // file of search passages; the search shards of the word that went (balance) and the one
    // that came (kilter); the lines of the manifest that changed, beside it.
    assert_eq!(
        changed,
        [
            ".encyc-cache",
            ".encyc-manifest-changes",
            "assets/search-passages/0.js",
            "assets/search-snippets.js",
            "assets/search-text/b.js",
            "assets/search-text/k.js",
            "ph-imbalance.html"
        ]
    );
    assert!(site.read_output("ph-imbalance.html").contains("out of kilter"));
}

/// The published files of `site`, without encyc's own bookkeeping.
fn published(site: &TestSite) -> std::collections::BTreeMap<String, Vec<u8>> {
    snapshot(&site.output()).into_iter().filter(|(path, _)| !path.starts_with(".encyc-")).collect()
}

#[test]
fn a_damaged_or_cut_summary_cache_costs_time_and_never_a_wrong_page() {
    let site = TestSite::fixture("basic");
    let fresh = TestSite::fixture("basic");
    site.build().assert_ok();
    let edit = |sites: [&TestSite; 2], from: &str, to: &str| {
        for s in sites {
            let text = std::fs::read_to_string(s.path("articles/ph-imbalance.md")).unwrap();
            s.write("articles/ph-imbalance.md", text.replace(from, to));
        }
    };
    // The cache keeps the articles' texts first, and reads one back only for a file of search
    // passages that is made again: here the one that holds every article of this small site,
    // after an edit of another article.
    let cache = site.output().join(".encyc-cache");
    let mut bytes = std::fs::read(&cache).unwrap();
    bytes[0] ^= 0x20;
    std::fs::write(&cache, &bytes).unwrap();
    edit([&site, &fresh], "out of balance", "out of kilter");
    site.build().assert_ok();
    fresh.build().assert_ok();
    assert!(published(&site) == published(&fresh), "a build from a damaged cache differs from a fresh one");
    assert_ne!(std::fs::read(&cache).unwrap(), bytes, "the damaged cache was kept");

    let whole = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, &whole[..whole.len() / 2]).unwrap();
    edit([&site, &fresh], "out of kilter", "out of true");
    site.build().assert_ok();
    fresh.build().assert_ok();
    assert!(published(&site) == published(&fresh), "a build from a cut cache differs from a fresh one");
}

#[test]
fn a_rebuild_after_an_edit_writes_the_manifest_lines_that_changed_and_a_hand_edited_manifest_whole() {
    let site = TestSite::fixture("basic");
    let fresh = TestSite::fixture("basic");
    site.build().assert_ok();
    let manifest = site.read_output(".encyc-manifest");
    let edit = |from: &str, to: &str| {
        for s in [&site, &fresh] {
            let text = std::fs::read_to_string(s.path("articles/ph-imbalance.md")).unwrap();
            s.write("articles/ph-imbalance.md", text.replace(from, to));
        }
    };
    // Each rebuild adds the lines of the pages it wrote beside the manifest, which stays as
    // it was written whole, and reads them back.
    for (from, to) in [("out of balance", "out of kilter"), ("out of kilter", "out of true")] {
        edit(from, to);
        site.build().assert_ok().assert_stderr_has(" pages written");
        fresh.build().assert_ok();
        assert_eq!(site.read_output(".encyc-manifest"), manifest, "the manifest was written whole again");
        let changes = site.read_output(".encyc-manifest-changes");
        assert!(changes.contains(" ph-imbalance.html\n"), "{changes}");
        assert!(!changes.contains(" back-pain.html\n"), "{changes}");
        // Files made again on every build (the theme's style sheet) but found as they were
        // are no change.
        assert!(!changes.contains(" assets/style.css\n"), "{changes}");
        assert!(published(&site) == published(&fresh), "a rebuild differs from a fresh build");
    }
    site.build().assert_ok().assert_stderr_has(" 0 pages written");
    // A manifest edited by hand (its lines out of order) is not built on: the next build that
    // writes writes it whole, in order, and removes the changes.
    let mut lines: Vec<&str> = manifest.lines().collect();
    lines[1..].reverse();
    site.write("output/.encyc-manifest", lines.join("\n") + "\n");
    edit("out of true", "out of order");
    site.build().assert_ok();
    fresh.build().assert_ok();
    assert!(!site.output().join(".encyc-manifest-changes").exists());
    let rewritten = site.read_output(".encyc-manifest");
    assert!(rewritten.lines().skip(1).map(|line| line.splitn(3, ' ').nth(2)).is_sorted(), "{rewritten}");
    let (a, b) = (published(&site), published(&fresh));
    let differ: Vec<&String> = b.keys().filter(|k| a.get(*k) != b.get(*k)).collect();
    assert!(differ.is_empty(), "a rebuild differs from a fresh build: {differ:?}");
    site.build().assert_ok().assert_stderr_has(" 0 pages written");
}

#[test]
fn temporary_files_a_killed_build_left_are_swept_by_the_next_build_that_writes() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    // `encyc watch`, killed while it holds the output folder: what it was writing stays.
    let watch = Watch::start(&site, &["--no-serve"]);
    // What a build killed between writing its temporary files and renaming them leaves.
    site.write("output/.encyc-tmpKILLED", "half a page");
    site.write("output/assets/.encyc-tmpKILLED2", "half a script");
    drop(watch);
    site.build().assert_ok().assert_stderr_has("0 pages written");
    let text = std::fs::read_to_string(site.path("articles/ph-imbalance.md")).unwrap();
    site.write("articles/ph-imbalance.md", text.replace("out of balance", "out of kilter"));
    site.build().assert_ok();
    let left: Vec<String> = snapshot(&site.output()).into_keys().filter(|k| k.contains(".encyc-tmp")).collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_deleted_article_disappears_from_pages_and_letters() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    site.remove("articles/ph-imbalance.md");
    site.build().assert_ok().assert_stderr_has("1 removed");
    assert!(!site.output().join("ph-imbalance.html").exists());
    assert!(site.page("letter-p.html").text("main").contains("There are no articles under P yet."));
    assert!(!site.page("index.html").attrs("nav.az a", "href").contains(&"letter-p.html".to_string()));
}

#[test]
fn a_page_edited_by_hand_in_the_output_is_rewritten() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let original = site.read_output("sciatica.html");
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(site.output().join("sciatica.html"), "tampered").unwrap();
    site.build().assert_ok().assert_stderr_has("1 page written");
    assert_eq!(site.read_output("sciatica.html"), original);
}

#[test]
fn files_encyc_did_not_write_are_left_alone() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    std::fs::write(site.output().join("CNAME"), "encyclopedia.example.org").unwrap();
    site.remove("articles/ph-imbalance.md");
    site.build().assert_ok();
    assert_eq!(site.read_output("CNAME"), "encyclopedia.example.org");
}

#[test]
fn a_folder_encyc_did_not_create_is_never_written_into() {
    let site = TestSite::fixture("basic");
    site.write("public/notes.txt", "my notes");
    let run = site.run(&["build", "--output", "public"]);
    run.assert_failed().assert_stderr_has("has no .encyc-manifest").assert_stderr_has("notes.txt");
    assert_eq!(snapshot(&site.path("public")).len(), 1);
    // "Nothing was changed": not even a folder made for the pages.
    let entries: Vec<_> = std::fs::read_dir(site.path("public")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(entries, ["notes.txt"], "the refused folder was changed");
    // An empty folder is fine to adopt.
    std::fs::create_dir(site.path("empty")).unwrap();
    site.run(&["build", "--output", "empty"]).assert_ok();
    assert!(site.path("empty/index.html").exists());
}

#[test]
fn an_output_that_is_or_holds_the_sources_is_refused_before_anything_is_touched() {
    let site = TestSite::fixture("basic");
    let before = snapshot(&site.root);
    for output in [".", "articles", "articles/out", "..", "themes/default"] {
        let run = site.run(&["build", "--output", output]);
        run.assert_failed().assert_stderr_has("refusing to write the site to");
        assert!(snapshot(&site.root) == before, "--output {output} touched the site");
    }
    // A further edition's articles are sources too.
    let editions = TestSite::fixture("editions");
    let before = snapshot(&editions.root);
    for output in ["articles.es", "articles.es/out"] {
        let run = editions.run(&["build", "--output", output]);
        run.assert_failed().assert_stderr_has("refusing to write the site to").assert_stderr_has("articles.es/");
        assert!(snapshot(&editions.root) == before, "--output {output} touched the site");
    }
    // The same through a symlink to the articles folder.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(site.path("articles"), site.path("link")).unwrap();
        site.run(&["build", "--output", "link"]).assert_failed().assert_stderr_has("articles folder");
    }
}

#[test]
fn output_can_live_outside_the_site() {
    let site = TestSite::fixture("basic");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("deep/er/site");
    let run: crate::support::Run =
        encyc().args(["build", "--root"]).arg(&site.root).arg("--output").arg(&out).output().unwrap().into();
    run.assert_ok();
    assert!(out.join("index.html").exists());
    assert!(!site.output().exists());
}

#[test]
fn published_files_are_readable_by_a_web_server() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let site = TestSite::fixture("basic");
        site.build().assert_ok();
        site.write("articles/new.md", "---\ntitle: New\nlast_revised: 2020-01-01\n---\n");
        site.build().assert_ok();
        for rel in ["index.html", "new.html"] {
            let mode = std::fs::metadata(site.output().join(rel)).unwrap().permissions().mode();
            assert_eq!(mode & 0o044, 0o044, "{rel} is not world-readable: {mode:o}");
        }
    }
}

#[test]
fn a_file_the_user_put_in_the_output_is_never_overwritten_or_deleted() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    std::fs::write(site.output().join("zeta.html"), "my own page").unwrap();
    let before = snapshot(&site.output());
    site.write("articles/zeta.md", "---\ntitle: Zeta\nlast_revised: 2020-01-01\n---\nText.\n");
    site.build().assert_failed().assert_stderr_has("output/zeta.html").assert_stderr_has("encyc did not write it");
    assert!(snapshot(&site.output()) == before, "a refused build changed the output");
    // When the article goes again, the user's file is still there, untouched.
    site.remove("articles/zeta.md");
    site.build().assert_ok();
    assert_eq!(site.read_output("zeta.html"), "my own page");
}

#[test]
fn a_lost_manifest_adopts_files_encyc_would_write_and_refuses_others_by_name() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let built = snapshot(&site.output());
    let manifest = site.output().join(".encyc-manifest");
    // Only files with exactly the bytes encyc writes: adopted, nothing rewritten.
    std::fs::remove_file(&manifest).unwrap();
    site.build().assert_ok();
    assert!(snapshot(&site.output()) == built, "adopting the folder changed it");
    // A file encyc would not write: refused, named, nothing changed.
    std::fs::remove_file(&manifest).unwrap();
    std::fs::write(site.output().join("notes.txt"), "mine").unwrap();
    let before = snapshot(&site.output());
    site.build()
        .assert_failed()
        .assert_stderr_has("notes.txt")
        .assert_stderr_has(".encyc-manifest")
        .assert_stderr_has("mv ");
    assert!(snapshot(&site.output()) == before);
    // A page whose bytes differ from what encyc writes: refused too.
    std::fs::remove_file(site.output().join("notes.txt")).unwrap();
    std::fs::write(site.output().join("back-pain.html"), "edited by hand").unwrap();
    site.build().assert_failed().assert_stderr_has("back-pain.html");
    assert_eq!(site.read_output("back-pain.html"), "edited by hand");
}

#[test]
fn two_sites_writing_one_output_folder_the_second_says_so_and_stops() {
    let first = TestSite::fixture("basic");
    let second = TestSite::fixture("basic");
    let shared = tempfile::tempdir().unwrap();
    let out = shared.path().join("public");
    // `encyc watch` writes its output for as long as it runs.
    let watch = Watch::start(&first, &["--no-serve", "--output", out.to_str().unwrap()]);
    let before = snapshot(&out);
    let run: crate::support::Run =
        encyc().args(["build", "--output"]).arg(&out).current_dir(&second.root).output().unwrap().into();
    drop(watch);
    run.assert_failed().assert_stderr_has("another encyc process is writing the output folder");
    assert!(snapshot(&out) == before, "the second build touched the first one's output");
}

/// Waits until the sites' files are old enough for their stamps to be trusted by a later
/// build (two seconds, longer than the coarsest file system clock): a build that repeats the
/// last one is only recognised from settled stamps.
fn wait_until_settled() {
    std::thread::sleep(Duration::from_millis(2100));
}

/// The report line of a build, without its time.
fn report_line(stderr: &str) -> String {
    let line = stderr.lines().find(|l| l.starts_with("built ")).expect("a report line").to_string();
    let (before, after) = line.split_once(" in ").unwrap();
    format!("{before} {}", after.split_once(": ").unwrap().1)
}

#[test]
fn a_build_that_repeats_the_last_one_writes_nothing_and_every_settled_change_is_still_built() {
    // One site per change: "same size and time", "theme", "settings", "today", "page deleted",
    // "page edited", "illustration added"; one wait settles them all.
    let sites: Vec<TestSite> = (0..7).map(|_| TestSite::fixture("basic")).collect();
    for site in &sites {
        site.build().assert_ok();
    }
    wait_until_settled();
    // Built once more from settled files, each build is recorded; the next one repeats it.
    // The first build saw the files just written, too recent to be trusted by a later build,
    // so this one reads them again, finds them unchanged, and saves their settled stamps in
    // the cache: the builds after it need not read them.
    let cache = sites[0].output().join(".encyc-cache");
    let cache_before = std::fs::read(&cache).unwrap();
    let mut first = Vec::new();
    for site in &sites {
        first.push(report_line(&site.build().assert_ok().stderr));
    }
    assert_ne!(std::fs::read(&cache).unwrap(), cache_before, "the settled stamps were not saved");
    let before = mtimes(&sites[0]);
    let again = sites[0].build();
    again.assert_ok().assert_stderr_has("0 pages written");
    assert_eq!(report_line(&again.stderr), first[0]);
    again.assert_stderr_has("6 articles are overdue for review");
    assert_eq!(mtimes(&sites[0]), before, "a repeated build touched the output");

    // Changes a repeat must not miss, made long enough before the build to be settled.
    let article = sites[0].path("articles/back-pain.md");
    let original = std::fs::read_to_string(&article).unwrap();
    let reference = sites[0].path("reference");
    std::fs::copy(&article, &reference).unwrap();
    std::process::Command::new("touch").arg("-r").arg(&article).arg(&reference).status().unwrap();
    // Same size, modification time put back (as `cp -p` or `rsync -t` leave it).
    std::fs::write(&article, original.replace("Back pain is pain in the back.", "BACK PAIN IS PAIN IN THE BACK."))
        .unwrap();
    std::process::Command::new("touch").arg("-r").arg(&reference).arg(&article).status().unwrap();
    sites[1].write("themes/default/style.css", "body { color: #123456; }\n");
    sites[2].write("encyc.yaml", "title: Renamed encyclopedia\n");
    sites[4].remove("output/sciatica.html");
    std::fs::write(sites[5].output().join("sciatica.html"), "tampered").unwrap();
    sites[6].write(
        "articles/media/dot.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><circle cx="1" cy="1" r="1"/></svg>"#,
    );
    sites[6].write("articles/media/dot.svg.yaml", "alt: A black dot.\n");
    wait_until_settled();

    for site in &sites {
        site.build().assert_ok();
    }
    assert!(sites[0].read_output("back-pain.html").contains("BACK PAIN IS PAIN IN THE BACK."));
    let published = |site: &TestSite, name: &str, text: &str| {
        snapshot(&site.output())
            .iter()
            .any(|(path, bytes)| path.contains(name) && String::from_utf8_lossy(bytes).contains(text))
    };
    assert!(published(&sites[1], "style", "#123456"), "the theme's new style sheet is published");
    assert!(sites[2].read_output("index.html").contains("Renamed encyclopedia"));
    sites[3]
        .run(&["build", "--today", "2099-01-01"])
        .assert_ok()
        .assert_stderr_has("7 articles are overdue for review");
    assert!(sites[4].output().join("sciatica.html").exists(), "a deleted page is written again");
    assert_ne!(sites[5].read_output("sciatica.html"), "tampered");
    assert!(published(&sites[6], "dot", "circle"), "the new illustration is published");
}
