//! Bad input: each problem is reported with its file (and line), the build exits 1 without a
//! panic, and the previous output stays byte-identical.

use crate::support::{TestSite, snapshot};

const OK_HEAD: &str = "---\ntitle: New article\nlast_revised: 2020-01-01\n---\n";

/// (what is wrong, file to write, its content, what stderr must say)
fn cases() -> Vec<(&'static str, &'static str, Vec<u8>, &'static str)> {
    vec![
        (
            "malformed YAML",
            "articles/bad.md",
            b"---\ntitle: Bad\nlast_revised: 2020-01-01\nalternative_names: [unclosed\n---\n".to_vec(),
            "articles/bad.md:5: invalid front matter: did not find expected ',' or ']', while parsing a flow sequence on line 4",
        ),
        (
            "unterminated front matter",
            "articles/bad.md",
            b"---\ntitle: Bad\nlast_revised: 2020-01-01\n\nBody\n".to_vec(),
            "articles/bad.md:1: the front matter opened on line 1 is never closed",
        ),
        (
            "no front matter",
            "articles/bad.md",
            b"# Just markdown\n".to_vec(),
            "articles/bad.md:1: the file does not start with front matter",
        ),
        (
            "missing title",
            "articles/bad.md",
            b"---\nlast_revised: 2020-01-01\n---\n".to_vec(),
            "articles/bad.md:1: the front matter has no `title`, which every article needs",
        ),
        (
            "missing date",
            "articles/bad.md",
            b"---\ntitle: Bad\n---\n".to_vec(),
            "articles/bad.md:1: the front matter has no `last_revised`",
        ),
        (
            "impossible date",
            "articles/bad.md",
            b"---\ntitle: Bad\nlast_revised: 2012-13-45\n---\n".to_vec(),
            "articles/bad.md:3: `last_revised: 2012-13-45` is not a real date",
        ),
        (
            "misspelt key",
            "articles/bad.md",
            b"---\ntitle: Bad\nlast_revsied: 2012-01-01\n---\n".to_vec(),
            "articles/bad.md:3: invalid front matter: unknown field `last_revsied`",
        ),
        (
            "not UTF-8",
            "articles/bad.md",
            b"---\ntitle: Caf\xe9\nlast_revised: 2020-01-01\n---\n".to_vec(),
            "articles/bad.md:2: the file is not valid UTF-8 text",
        ),
        (
            "two files with one slug",
            "articles/other/sciatica.md",
            b"---\ntitle: Second sciatica\nlast_revised: 2020-01-01\n---\n".to_vec(),
            "articles/other/sciatica.md: the slug `sciatica` is also used by articles/spine/sciatica.md",
        ),
        (
            "slugs differing only in case",
            "articles/Sciatica.md",
            b"---\ntitle: Capital sciatica\nlast_revised: 2020-01-01\n---\n".to_vec(),
            "differs only in letter case from",
        ),
        (
            "a reserved slug",
            "articles/index.md",
            b"---\ntitle: Index\nlast_revised: 2020-01-01\n---\n".to_vec(),
            "articles/index.md: the slug `index` is reserved",
        ),
        (
            "two articles with one title",
            "articles/copy.md",
            b"---\ntitle: sciatica\nlast_revised: 2020-01-01\n---\n".to_vec(),
            "articles/copy.md:2: the title `sciatica` is also the title of articles/spine/sciatica.md",
        ),
        (
            "an alternative name equal to another title",
            "articles/alt.md",
            b"---\ntitle: Alt\nalternative_names: [Back pain]\nlast_revised: 2020-01-01\n---\n".to_vec(),
            "articles/alt.md:3: the alternative name `Back pain` is also the title of articles/back-pain.md",
        ),
        (
            "a broken link",
            "articles/bad.md",
            format!("{OK_HEAD}\nText\n\nSee [x](no-such-article.md).\n").into_bytes(),
            "articles/bad.md:8: link to `no-such-article.md`: there is no article with the slug `no-such-article`",
        ),
        (
            "a broken anchor",
            "articles/bad.md",
            format!("{OK_HEAD}\nSee [x](sciatica.md#prognosis).\n").into_bytes(),
            "articles/bad.md:6: link to `sciatica.md#prognosis`: articles/spine/sciatica.md has no section with the id `prognosis` (its sections are: symptoms, treatment)",
        ),
        (
            "a broken same-page anchor",
            "articles/bad.md",
            format!("{OK_HEAD}\n## Treatment\n\nSee [x](#treatmnet).\n").into_bytes(),
            "articles/bad.md:8: link to `#treatmnet`: this article has no section with the id `treatmnet`",
        ),
        (
            "a wiki link to no article",
            "articles/bad.md",
            format!("{OK_HEAD}\nSee [[Lumbago]].\n").into_bytes(),
            "articles/bad.md:6: wiki link `[[Lumbago]]`: no article has this title or alternative name",
        ),
        (
            "a broken see_also",
            "articles/bad.md",
            b"---\ntitle: Bad\nlast_revised: 2020-01-01\nsee_also:\n  - sciatica\n  - lumbago\n---\n".to_vec(),
            "articles/bad.md:6: see_also `lumbago`: there is no article with this slug",
        ),
        (
            "a javascript: link",
            "articles/bad.md",
            format!("{OK_HEAD}\n[click](javascript:alert(1))\n").into_bytes(),
            "articles/bad.md:6: link to `javascript:alert(1)`: only http, https, mailto and tel links are allowed",
        ),
        (
            "a link to a file that is not published",
            "articles/bad.md",
            format!("{OK_HEAD}\n![x-ray](xray.png)\n").into_bytes(),
            "articles/bad.md:6: link to `xray.png`: encyc only links to other articles",
        ),
        (
            "a second level-1 heading",
            "articles/bad.md",
            format!("{OK_HEAD}\n# Title again\n").into_bytes(),
            "articles/bad.md:6: a level-1 heading",
        ),
    ]
}

#[test]
fn each_problem_is_reported_with_file_and_line_and_the_output_is_untouched() {
    for (what, file, content, expected) in cases() {
        let site = TestSite::fixture("basic");
        site.build().assert_ok();
        let before = snapshot(&site.output());
        site.write(file, &content);
        let run = site.build();
        run.assert_failed();
        assert!(run.stderr.contains(expected), "{what}: stderr lacks {expected:?}:\n{}", run.stderr);
        assert!(run.stderr.contains("the output folder was left as it was"), "{what}:\n{}", run.stderr);
        assert!(snapshot(&site.output()) == before, "{what}: the output changed");
    }
}

#[test]
fn a_first_build_that_fails_creates_no_output() {
    let site = TestSite::fixture("basic");
    site.write("articles/bad.md", "---\ntitle: Bad\n---\n");
    site.build().assert_failed();
    assert!(!site.output().exists());
}

#[test]
fn all_problems_are_reported_at_once_sorted_by_file_and_line() {
    let site = TestSite::fixture("basic");
    site.write("articles/a-bad.md", "---\ntitle: A\nlast_revised: 2020-02-30\n---\n\n[x](missing.md)\n");
    site.write("articles/z-bad.md", format!("{OK_HEAD}\n[[Nobody]]\n\n[y](gone.md)\n"));
    site.write("articles/m-bad.md", "---\ntitle: M\n");
    let run = site.build();
    run.assert_failed();
    let lines: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error: articles/")).collect();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    assert!(lines[0].starts_with("error: articles/a-bad.md:3: `last_revised: 2020-02-30` is not a real date"));
    assert!(lines[1].starts_with("error: articles/m-bad.md:1:"));
    assert!(lines[2].starts_with("error: articles/z-bad.md:8: link to `gone.md`"));
    run.assert_stderr_has("build failed: 3 problems in 3 files");
    // `[[Nobody]]` could be the title of a file that did not parse, so it is only reported
    // once they all do.
    site.write("articles/m-bad.md", "---\ntitle: M\nlast_revised: 2020-01-01\n---\n");
    site.write("articles/a-bad.md", "---\ntitle: A\nlast_revised: 2020-02-20\n---\n\n[x](missing.md)\n");
    let run = site.build();
    run.assert_failed().assert_stderr_has("error: articles/z-bad.md:6: wiki link `[[Nobody]]`");
    run.assert_stderr_has("build failed: 3 problems in 2 files");
}

/// An article whose front matter has problems but reads as YAML still gives its names: a wiki
/// link to one of them is spared (the article's own problem is reported), and one to a name no
/// article has is reported in the same build, not after the fix.
#[test]
fn a_wiki_link_to_no_name_is_reported_while_another_article_fails_if_its_names_can_be_read() {
    let site = TestSite::fixture("basic");
    site.write(
        "articles/lumbago.md",
        "---\ntitle: Lumbago\nalternative_names: [Low back ache]\nlast_revised: 2020-02-30\nreviewd_by: Dr X\n---\n\nText.\n",
    );
    site.write("articles/z-bad.md", format!("{OK_HEAD}\n[[Lumbago]], [[low back ache]] and [[Nobody]].\n"));
    let run = site.build();
    run.assert_failed();
    run.assert_stderr_has("error: articles/lumbago.md:");
    run.assert_stderr_has(
        "error: articles/z-bad.md:6: wiki link `[[Nobody]]`: no article has this title or alternative name",
    );
    assert!(!run.stderr.contains("[[Lumbago]]") && !run.stderr.contains("[[low back ache]]"), "{}", run.stderr);
    run.assert_stderr_has("build failed: 2 problems in 2 files");
    // YAML that does not read at all gives no names: the wiki link waits for the fix.
    site.write("articles/lumbago.md", "---\ntitle: [Lumbago\nlast_revised: 2020-01-01\n---\n\nText.\n");
    let run = site.build();
    run.assert_failed();
    assert!(!run.stderr.contains("[[Nobody]]"), "{}", run.stderr);
    site.write(
        "articles/lumbago.md",
        "---\ntitle: Lumbago\nalternative_names: [Low back ache]\nlast_revised: 2020-01-01\n---\n\nText.\n",
    );
    site.build().assert_failed().assert_stderr_has("error: articles/z-bad.md:6: wiki link `[[Nobody]]`");
}

#[test]
fn links_to_an_article_that_failed_to_parse_are_not_reported_twice() {
    let site = TestSite::fixture("basic");
    site.write("articles/spine/sciatica.md", "---\ntitle: Sciatica\n---\n");
    let run = site.build();
    run.assert_failed();
    run.assert_stderr_has("articles/spine/sciatica.md:1: the front matter has no `last_revised`");
    assert!(!run.stderr.contains("no article with the slug `sciatica`"), "{}", run.stderr);
}

#[test]
fn an_ambiguous_wiki_link_names_both_articles() {
    let site = TestSite::fixture("basic");
    site.write(
        "articles/a.md",
        "---\ntitle: Lumbar strain\nalternative_names: [Lumbago]\nlast_revised: 2020-01-01\n---\n",
    );
    site.write(
        "articles/b.md",
        "---\ntitle: Low back pain\nalternative_names: [Lumbago]\nlast_revised: 2020-01-01\n---\n",
    );
    site.write("articles/c.md", format!("{OK_HEAD}\nSee [[Lumbago]].\n"));
    let run = site.build();
    run.assert_failed();
    run.assert_stderr_has("articles/c.md:6: wiki link `[[Lumbago]]` is ambiguous: it is an alternative name of \"Lumbar strain\" (articles/a.md) and \"Low back pain\" (articles/b.md)");
    // A shared alternative name that no wiki link uses is fine: both are listed under L.
    site.remove("articles/c.md");
    site.build().assert_ok();
    let l = site.page("letter-l.html").texts("main li");
    assert!(
        l.contains(&"Lumbago, see Low back pain".to_string()) && l.contains(&"Lumbago, see Lumbar strain".to_string()),
        "{l:?}"
    );
}

#[test]
fn paths_in_messages_follow_the_root_the_user_gave() {
    let site = TestSite::fixture("basic");
    site.write("articles/bad.md", "---\ntitle: Bad\n---\n");
    let run: crate::support::Run = crate::support::encyc()
        .args(["build", "--root", "site"])
        .current_dir(site.root.parent().unwrap())
        .output()
        .unwrap()
        .into();
    run.assert_failed();
    run.assert_stderr_has("error: site/articles/bad.md:1:");
}

/// Builds the basic fixture, adds `file` with `content`, and checks that the build fails with
/// `expected` on stderr and leaves the output as it was.
fn assert_refused(file: &str, content: &[u8], expected: &[&str]) {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let before = snapshot(&site.output());
    site.write(file, content);
    let run = site.build();
    run.assert_failed();
    for needle in expected {
        run.assert_stderr_has(needle);
    }
    assert!(snapshot(&site.output()) == before, "the output changed");
}

#[test]
fn a_protocol_relative_link_is_an_error_with_a_hint_to_write_https() {
    // Browsers read `/\host` and `\\host` as `//host` too.
    assert_refused(
        "articles/bad.md",
        format!("{OK_HEAD}\nSee [the site](//evil.example/x).\n\nAnd [here](/\\evil.example/y).\n").as_bytes(),
        &[
            "articles/bad.md:6: link to `//evil.example/x`: a link that starts with `//` leaves the site; write the whole address: https://evil.example/x",
            "articles/bad.md:8: link to `/\\evil.example/y`: a link that starts with `//` leaves the site",
        ],
    );
}

#[test]
fn markdown_files_with_another_extension_are_named_not_skipped() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let before = snapshot(&site.output());
    site.write("articles/upper.MD", format!("{OK_HEAD}\nText.\n"));
    site.write("articles/spine/notes.markdown", format!("{OK_HEAD}\nText.\n"));
    // Files that are not Markdown stay none of encyc's business.
    site.write("articles/photo.png", b"\x89PNG");
    // Links to the misnamed article are not reported twice.
    site.write("articles/linker.md", format!("{OK_HEAD}\nSee [upper](upper.md).\n"));
    site.write("articles/notes.txt", "to do");
    let run = site.build();
    run.assert_failed();
    run.assert_stderr_has(
        "error: articles/spine/notes.markdown: encyc reads articles only from `.md` files: rename it to notes.md",
    );
    run.assert_stderr_has(
        "error: articles/upper.MD: encyc reads articles only from `.md` files: rename it to upper.md",
    );
    assert!(!run.stderr.contains("photo.png") && !run.stderr.contains("notes.txt"), "{}", run.stderr);
    assert!(!run.stderr.contains("linker.md"), "{}", run.stderr);
    assert!(snapshot(&site.output()) == before, "the output changed");
}

#[test]
fn hidden_files_and_folders_under_articles_are_no_articles() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let before = snapshot(&site.output());
    // An editor's lock file, a note app's settings folder, a hidden folder deeper down: none
    // is an article, however broken, nor a misnamed one.
    site.write("articles/.#ph-imbalance.md", "not front matter");
    site.write("articles/.obsidian/workspace.md", "not front matter");
    site.write("articles/spine/.attic/old.md", "not front matter");
    site.write("articles/.drafts/notes.markdown", "not front matter");
    for _ in 0..2 {
        let run = site.build();
        run.assert_ok().assert_stderr_has("0 pages written");
        assert!(!run.stderr.contains("obsidian") && !run.stderr.contains("attic"), "{}", run.stderr);
        assert!(snapshot(&site.output()) == before, "the output changed");
    }
}

#[test]
fn a_utf16_file_is_recognised_as_utf16() {
    let text = format!("{OK_HEAD}\nText.\n");
    let le_bom: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let be_bom: Vec<u8> = [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
    let le_bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for (what, bytes) in [("LE with BOM", le_bom), ("BE with BOM", be_bom), ("LE without BOM", le_bare)] {
        let site = TestSite::fixture("basic");
        site.write("articles/wide.md", &bytes);
        let run = site.build();
        run.assert_failed();
        assert!(
            run.stderr.contains("error: articles/wide.md: the file looks like UTF-16 text; save it as UTF-8"),
            "{what}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_last_revised_date_in_the_future_is_an_error() {
    let site = TestSite::fixture("basic");
    site.write("articles/bad.md", "---\ntitle: Bad\nlast_revised: 2026-11-26\n---\n");
    let expected = "articles/bad.md:3: `last_revised: 2026-11-26` is in the future (today is 2026-11-25)";
    site.run(&["build", "--today", "2026-11-25"]).assert_failed().assert_stderr_has(expected);
    site.run(&["check", "--today", "2026-11-25"]).assert_failed().assert_stderr_has(expected);
    // Today itself is fine.
    site.run(&["build", "--today", "2026-11-26"]).assert_ok();
}

#[test]
fn titles_and_names_differing_only_in_accents_clash() {
    for (file, content, expected) in [
        (
            "articles/copy.md",
            "---\ntitle: Meniere Disease\nlast_revised: 2020-01-01\n---\n",
            "articles/copy.md:2: the title `Meniere Disease` is also the title of articles/meniere-disease.md",
        ),
        (
            "articles/alt.md",
            "---\ntitle: Inner ear\nalternative_names: [MENIERE disease]\nlast_revised: 2020-01-01\n---\n",
            "articles/alt.md:3: the alternative name `MENIERE disease` is also the title of articles/meniere-disease.md",
        ),
    ] {
        assert_refused(file, content.as_bytes(), &[expected]);
    }
}

#[test]
fn a_repeated_explicit_heading_id_is_an_error() {
    assert_refused(
        "articles/bad.md",
        format!("{OK_HEAD}\n## Treatment {{#care}}\n\n## Home care {{#care}}\n").as_bytes(),
        &["articles/bad.md:8: the id `care` is already used by the section on line 6"],
    );
}

#[test]
fn an_explicit_heading_id_the_page_keeps_for_notes_is_an_error() {
    assert_refused(
        "articles/bad.md",
        format!("{OK_HEAD}\n## Notes {{#fn-b}}\n\nText.\n").as_bytes(),
        &["articles/bad.md:6: the id `fn-b` starts with `fn-`, which the page keeps for footnotes"],
    );
}

#[test]
fn an_own_see_also_section_is_an_error() {
    assert_refused(
        "articles/bad.md",
        format!("{OK_HEAD}\n## Symptoms\n\n## See also\n\n- [x](sciatica.md)\n").as_bytes(),
        &["articles/bad.md:8: a section called `See also`: encyc writes that section itself from `see_also:`"],
    );
}

#[test]
fn an_unknown_callout_is_an_error() {
    assert_refused(
        "articles/bad.md",
        format!("{OK_HEAD}\nText.\n\n> [!DANGER]\n> Call 911.\n").as_bytes(),
        &[
            "articles/bad.md:8: unknown callout `[!DANGER]`: use [!NOTE], [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION]",
        ],
    );
}

#[test]
fn links_in_raw_html_are_checked_like_markdown_links() {
    let body = "\n<a href=\"nope.md\">gone</a>\n\nText <a href=\"sciatica.md#nowhere\">x</a>.\n\n\
<p>Run <a href=\"javascript:alert(1)\">this</a></p>\n\n<img src=\"xray.png\" alt=\"x-ray\">\n\n\
<a href=\"//evil.example/z\">away</a>\n";
    assert_refused(
        "articles/bad.md",
        format!("{OK_HEAD}{body}").as_bytes(),
        &[
            "articles/bad.md:6: link to `nope.md`: there is no article with the slug `nope`",
            "articles/bad.md:8: link to `sciatica.md#nowhere`: articles/spine/sciatica.md has no section with the id `nowhere`",
            "articles/bad.md:10: link to `javascript:alert(1)`: only http, https, mailto and tel links are allowed",
            "articles/bad.md:12: link to `xray.png`: encyc only links to other articles",
            "articles/bad.md:14: link to `//evil.example/z`: a link that starts with `//` leaves the site",
        ],
    );
}
