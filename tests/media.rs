//! Illustrations and references: images from `articles/media/` with their sidecars, published
//! under content-hashed names with a page each; `[@key]` citations and the NLM reference list;
//! footnotes; and every way an image or a reference can be wrong.

use std::io::Cursor;

use crate::support::{TestSite, copy_tree, snapshot};

/// A PNG of `w` × `h` pixels of noise (noise does not compress, so truncating it loses pixels).
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut state = 0x1234_5678u32;
    let img = image::RgbImage::from_fn(w, h, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        image::Rgb([state as u8, (state >> 8) as u8, (state >> 16) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A PNG whose header claims `side` × `side` pixels, with a tiny body: a decompression bomb's
/// shape, without the memory.
fn png_claiming(side: u32) -> Vec<u8> {
    let mut bytes = png(1, 1);
    // The IHDR chunk: length (4), "IHDR" (4), width, height, ... then its CRC over type+data.
    bytes[16..20].copy_from_slice(&side.to_be_bytes());
    bytes[20..24].copy_from_slice(&side.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

const SIDECAR: &str = "alt: A test picture\ncaption: A caption\ncredit: Test credit\nlicence: CC0\n";

#[test]
fn an_illustration_is_published_under_its_content_hash_with_size_caption_credit_and_its_own_page() {
    let site = TestSite::fixture("media");
    site.build().assert_ok();
    let page = site.page("back-pain.html");
    let src = page.attrs("figure img", "src");
    assert_eq!(src.len(), 1, "one figure");
    let name = src[0].strip_prefix("media/spine.").and_then(|n| n.strip_suffix(".svg")).expect("hashed name");
    assert!(name.len() == 16 && name.chars().all(|c| c.is_ascii_hexdigit()), "{}", src[0]);
    let published = std::fs::read(site.output().join(&src[0])).unwrap();
    assert_eq!(published, std::fs::read(site.path("articles/media/spine.svg")).unwrap());
    assert_eq!(page.attrs("figure img", "width"), ["360"]);
    assert_eq!(page.attrs("figure img", "height"), ["460"]);
    assert_eq!(page.attrs("figure img", "alt"), ["Five lumbar vertebrae with discs between them, above the sacrum."]);
    let caption = page.text("figure figcaption");
    assert!(caption.contains("The lumbar spine.") && caption.contains("Drawing: encyc project"), "{caption}");
    assert!(caption.contains("CC BY 4.0"), "{caption}");
    // The second illustration of a page loads lazily; the first does not.
    let other = site.page("other.html");
    assert_eq!(other.attrs("img", "loading"), Vec::<String>::new());

    let illustration = site.page("media/spine.html");
    assert_eq!(illustration.attrs("main img", "src"), [format!("../{}", src[0])]);
    let shown_in: Vec<String> = illustration.links("main ul a").into_iter().map(|(_, href)| href).collect();
    assert_eq!(shown_in, ["../back-pain.html", "../other.html"]);
    assert!(illustration.text("main dl").contains("Test") || illustration.text("main dl").contains("encyc project"));

    let json = page.text("script[type='application/ld+json']");
    assert!(json.contains(&format!("\"contentUrl\":\"{}\"", src[0])), "{json}");

    // A changed image gets a new name; the old file goes.
    site.write(
        "articles/media/spine.svg",
        std::fs::read_to_string(site.path("articles/media/spine.svg")).unwrap().replace("L5", "L-5"),
    );
    site.build().assert_ok();
    let new_src = site.page("back-pain.html").attrs("figure img", "src");
    assert_ne!(new_src, src);
    assert!(!site.output().join(&src[0]).exists(), "the old file is removed");
}

#[test]
fn citations_become_numbered_superscripts_in_order_of_first_use_with_an_nlm_reference_list() {
    let site = TestSite::fixture("media");
    site.build().assert_ok();
    let page = site.page("back-pain.html");
    let cites: Vec<(String, String)> = page.links("sup.citation a");
    let shown: Vec<(&str, &str)> = cites.iter().map(|(t, h)| (t.as_str(), h.as_str())).collect();
    assert_eq!(shown, [("1", "#ref-1"), ("2", "#ref-2"), ("1", "#ref-1"), ("1", "#ref-1")]);
    assert_eq!(page.attrs("sup.citation a[id]", "id"), ["cite-1", "cite-2"]);
    let entries = page.texts(".references li");
    assert_eq!(entries.len(), 3);
    assert!(
        entries[0].starts_with(
            "Author EF. Example chapter. In: Editor GH, ed. Example book of medicine. 2nd ed. Example City: Example Press; 2002."
        ),
        "{}",
        entries[0]
    );
    assert!(
        entries[1].starts_with(
            "Example AB, Sample CD. An example article about backs. Example J. 2001;12(3):45-67. PMID: 123456789. doi:10.99999/example.1."
        ),
        "{}",
        entries[1]
    );
    assert!(entries[2].contains("Accessed January 2, 2020."), "{}", entries[2]);
    let links: Vec<String> = page.links(".references li a").into_iter().map(|(_, h)| h).collect();
    assert!(links.contains(&"https://pubmed.ncbi.nlm.nih.gov/123456789/".to_string()), "{links:?}");
    assert!(links.contains(&"https://doi.org/10.99999/example.1".to_string()), "{links:?}");
    assert!(links.contains(&"#cite-1".to_string()) && links.contains(&"#cite-2".to_string()), "{links:?}");
    let json = page.text("script[type='application/ld+json']");
    assert!(json.contains("\"citation\":[") && json.contains("An example article about backs"), "{json}");
    // A textbook's chapter as MedlinePlus cites it, and its pages as NLM gives them.
    let text = std::fs::read_to_string(site.path("articles/back-pain.md")).unwrap();
    site.write(
        "articles/back-pain.md",
        text.replace("    year: 2002\n", "    year: 2002\n    chapter: \"12\"\n    pages: 93-113\n"),
    );
    site.build().assert_ok();
    let entry = &site.page("back-pain.html").texts(".references li")[0];
    assert!(entry.contains("Example City: Example Press; 2002:chap 12. p. 93-113."), "{entry}");
}

#[test]
fn footnotes_have_ids_unique_on_the_page_and_link_back_to_the_text() {
    let site = TestSite::fixture("media");
    site.build().assert_ok();
    let page = site.page("back-pain.html");
    assert_eq!(page.links("sup.footnote-ref a"), [("1".into(), "#fn-count".into()), ("2".into(), "#fn-second".into())]);
    assert_eq!(page.attrs(".footnote", "id"), ["fn-count", "fn-second"]);
    let back: Vec<String> = page.links(".footnote a.footnote-back").into_iter().map(|(_, h)| h).collect();
    assert_eq!(back, ["#fnref-count", "#fnref-second"]);
    let html = site.read_output("back-pain.html");
    for id in ["1", "2"] {
        assert!(!html.contains(&format!("id=\"{id}\"")), "a bare numeric id is left");
    }
    // A heading that would take a note's id gets another.
    site.write(
        "articles/other.md",
        "---\ntitle: Other article\nlast_revised: 2020-01-01\n---\n\n## Fn count\n\nText[^count].\n\n[^count]: Note.\n",
    );
    site.build().assert_ok();
    let other = site.page("other.html");
    let mut ids = other.attrs("[id]", "id");
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "ids repeat: {ids:?}");
}

/// What is wrong, files to write, what stderr must say.
type Case = (&'static str, Vec<(&'static str, Vec<u8>)>, &'static str);

fn broken() -> Vec<Case> {
    let article = |body: &str| format!("---\ntitle: Bad\nlast_revised: 2020-01-01\n---\n\n{body}\n").into_bytes();
    vec![
        (
            "missing image file",
            vec![("articles/bad.md", article("Text.\n\n![x](media/nothing.png)"))],
            "articles/bad.md:8: image `media/nothing.png`: there is no such file in articles/media/",
        ),
        (
            "no sidecar",
            vec![("articles/media/a.png", png(4, 4))],
            "articles/media/a.png: the image has no metadata",
        ),
        (
            "no alt text",
            vec![("articles/media/a.png", png(4, 4)), ("articles/media/a.png.yaml", b"caption: A caption\n".to_vec())],
            "articles/media/a.png.yaml:1: the image has no alt text",
        ),
        (
            "unknown key in a sidecar",
            vec![("articles/media/a.png", png(4, 4)), ("articles/media/a.png.yaml", b"alt: x\nlicense: CC0\n".to_vec())],
            "articles/media/a.png.yaml:2: invalid image metadata: unknown field `license`",
        ),
        (
            "unsafe SVG",
            vec![
                ("articles/media/a.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><script>alert(1)</script></svg>".to_vec()),
                ("articles/media/a.svg.yaml", SIDECAR.as_bytes().to_vec()),
            ],
            "articles/media/a.svg: the SVG is not safe to publish: line 1: a <script> element",
        ),
        (
            "SVG reaching outside the site",
            vec![
                ("articles/media/a.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><image href=\"../../secret.png\"/></svg>".to_vec()),
                ("articles/media/a.svg.yaml", SIDECAR.as_bytes().to_vec()),
            ],
            "a reference to `../../secret.png` outside the file",
        ),
        (
            "truncated image",
            vec![("articles/media/a.png", png(64, 64)[..2000].to_vec()), ("articles/media/a.png.yaml", SIDECAR.as_bytes().to_vec())],
            "articles/media/a.png: the image cannot be read",
        ),
        (
            // A JPEG decoder greys out the rows a cut file lacks rather than fail.
            "truncated JPEG",
            vec![
                ("articles/media/a.jpg", {
                    let whole = jpeg(64, 64);
                    whole[..whole.len() * 2 / 3].to_vec()
                }),
                ("articles/media/a.jpg.yaml", SIDECAR.as_bytes().to_vec()),
            ],
            "articles/media/a.jpg: the image cannot be read: the file is cut short",
        ),
        (
            "decompression bomb",
            vec![("articles/media/a.png", png_claiming(20_000)), ("articles/media/a.png.yaml", SIDECAR.as_bytes().to_vec())],
            "articles/media/a.png: the image is larger than 10000 pixels on a side",
        ),
        (
            "raw img without alt",
            vec![("articles/bad.md", article("<img src=\"media/spine.svg\">"))],
            "articles/bad.md:6: image `media/spine.svg`: an <img> needs an `alt` attribute",
        ),
        (
            "raw img from another site",
            vec![("articles/bad.md", article("<img alt=\"x\" src=\"https://example.org/x.png\">"))],
            "articles/bad.md:6: image `https://example.org/x.png`: an <img> may only show an illustration of the site",
        ),
        (
            "unknown citation",
            vec![("articles/bad.md", article("Text.\n\nMore [@nobody]."))],
            "articles/bad.md:8: citation `[@nobody]`: the front matter's `references` has no entry with this key",
        ),
        (
            "malformed DOI",
            vec![(
                "articles/bad.md",
                b"---\ntitle: Bad\nlast_revised: 2020-01-01\nreferences:\n  - key: x\n    title: Example only\n    doi: doi.org/10.1/x\n---\n".to_vec(),
            )],
            "articles/bad.md:7: invalid reference: `x`: `doi: doi.org/10.1/x` is not a DOI",
        ),
        (
            "malformed PMID",
            vec![(
                "articles/bad.md",
                b"---\ntitle: Bad\nlast_revised: 2020-01-01\nreferences:\n  - key: x\n    title: Example only\n    pmid: PMC123\n---\n".to_vec(),
            )],
            "articles/bad.md:7: invalid reference: `x`: `pmid: PMC123` is not a PubMed id",
        ),
        // As the README writes an entry, comments and all: each bad field, on its own line.
        (
            "two bad fields in an entry with comments (the first)",
            vec![("articles/bad.md", COMMENTED_REFERENCE.to_vec())],
            "articles/bad.md:9: invalid reference: `smith2020`: `pmid: 12a45` is not a PubMed id",
        ),
        (
            "two bad fields in an entry with comments (the second)",
            vec![("articles/bad.md", COMMENTED_REFERENCE.to_vec())],
            "articles/bad.md:10: invalid reference: `smith2020`: `doi: 10.1/x` is not a DOI",
        ),
    ]
}

/// A reference with a comment after its key, and a bad PMID and DOI.
const COMMENTED_REFERENCE: &[u8] = b"---\ntitle: Bad\nlast_revised: 2020-01-01\nreferences:\n  - key: smith2020          # letters, digits and _:.-\n    authors: [Smith AB]\n    title: Example only\n    year: 2020\n    pmid: \"12a45\"        # digits only\n    doi: 10.1/x\n---\n\nText [@smith2020].\n";

#[test]
fn each_broken_image_or_reference_is_an_error_with_file_and_line_and_the_site_stays_whole() {
    let site = TestSite::fixture("media");
    site.build().assert_ok();
    let before = snapshot(&site.output());
    for (what, files, expected) in broken() {
        for (path, bytes) in &files {
            site.write(path, bytes);
        }
        let run = site.build();
        run.assert_failed();
        assert!(run.stderr.contains(expected), "{what}: stderr lacks {expected:?}:\n{}", run.stderr);
        assert!(snapshot(&site.output()) == before, "{what}: the output changed");
        for (path, _) in &files {
            site.remove(path);
        }
    }
    site.build().assert_ok();
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_posing_as_an_image_is_refused() {
    let site = TestSite::fixture("media");
    site.build().assert_ok();
    let before = snapshot(&site.output());
    std::os::unix::fs::symlink("/etc/passwd", site.path("articles/media/a.png")).unwrap();
    site.write("articles/media/a.png.yaml", SIDECAR);
    let run = site.build();
    run.assert_failed().assert_stderr_has("articles/media/a.png: the image is a symbolic link");
    assert!(snapshot(&site.output()) == before);
}

/// A build takes its illustrations from the look at every input file; `encyc check` (like the
/// preview) looks at the folder itself. Both leave out hidden files and folders and what a
/// symbolic link to a folder holds, and an article showing one of those is told why.
#[test]
fn an_image_shown_from_a_hidden_file_or_folder_or_a_linked_folder_is_an_error_in_build_and_check() {
    let site = TestSite::fixture("media");
    site.build().assert_ok();
    let before = snapshot(&site.output());
    let svg = std::fs::read(site.path("articles/media/spine.svg")).unwrap();
    site.write("articles/media/.drafts/h.svg", &svg).write("articles/media/.drafts/h.svg.yaml", SIDECAR);
    site.write("articles/media/.drafts/orphan.svg.yaml", SIDECAR);
    site.write("articles/media/.dot.svg", &svg).write("articles/media/.dot.svg.yaml", SIDECAR);
    let mut shown = vec!["media/.drafts/h.svg", "media/.dot.svg"];
    #[cfg(unix)]
    {
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("knee.svg"), &svg).unwrap();
        std::fs::write(elsewhere.path().join("knee.svg.yaml"), SIDECAR).unwrap();
        std::os::unix::fs::symlink(elsewhere.keep(), site.path("articles/media/linked")).unwrap();
        shown.push("media/linked/knee.svg");
    }
    let body: String = shown.iter().map(|s| format!("![]({s})\n\n")).collect();
    site.write("articles/knee.md", format!("---\ntitle: Knee\nlast_revised: 2020-01-01\n---\n\nText.\n\n{body}"));
    for command in ["build", "check"] {
        let run = site.run(&[command]);
        run.assert_failed();
        for (i, source) in shown.iter().enumerate() {
            run.assert_stderr_has(&format!(
                "articles/knee.md:{}: image `{source}`: the file is hidden (a part of its path starts with a dot) or reached through a symbolic link to a folder",
                8 + 2 * i
            ));
        }
        assert!(
            !run.stderr.contains("orphan.svg"),
            "{command}: a hidden folder's sidecar was looked at:\n{}",
            run.stderr
        );
        assert!(snapshot(&site.output()) == before, "{command}: the output changed");
    }
    // Shown from nowhere, they are no one's business: nothing of them is published.
    site.write("articles/knee.md", "---\ntitle: Knee\nlast_revised: 2020-01-01\n---\n\nText.\n");
    site.build().assert_ok();
    site.run(&["check"]).assert_ok();
    let published = snapshot(&site.output());
    for name in published.keys() {
        let theirs = ["knee", "/h.", "dot"].iter().any(|part| name.contains(part));
        assert!(!(name.starts_with("media/") && theirs), "published: {name}");
    }
}

#[test]
fn a_raster_image_gets_its_pixel_size() {
    let site = TestSite::fixture("media");
    site.write("articles/media/photo.png", png(40, 30)).write("articles/media/photo.png.yaml", SIDECAR);
    site.write("articles/p.md", "---\ntitle: P\nlast_revised: 2020-01-01\n---\n\nText.\n\n![](media/photo.png)\n");
    site.build().assert_ok();
    let page = site.page("p.html");
    assert_eq!(page.attrs("figure img", "width"), ["40"]);
    assert_eq!(page.attrs("figure img", "height"), ["30"]);
}

#[test]
fn check_warns_about_uncited_references_and_unused_uncredited_or_large_images() {
    let site = TestSite::fixture("media");
    site.write("articles/media/unused.png", png(300, 300)).write("articles/media/unused.png.yaml", "alt: Noise\n");
    site.write("encyc.yaml", "image_size_limit_kb: 100\n");
    let run = site.run(&["check"]);
    for expected in [
        "articles/back-pain.md: the reference `example-web` is never cited",
        "articles/media/unused.png: no article shows this image",
        "articles/media/unused.png: the image's metadata has no `credit`",
        "articles/media/unused.png: the image's metadata has no `licence`",
        "articles/media/unused.png: the image is 265 KB, over the limit of 100 KB",
    ] {
        run.assert_stderr_has(expected);
    }
    assert!(!run.stderr.contains("articles/media/spine.svg"), "{}", run.stderr);
}

/// A rebuild trusts an image's stamp, not only its size and modification time: garbage of the
/// same length written with the old modification time is read again, and refused.
#[test]
fn an_image_rewritten_with_its_old_size_and_time_stamp_is_read_again() {
    let site = TestSite::fixture("media");
    site.write("articles/media/photo.png", png(40, 30)).write("articles/media/photo.png.yaml", SIDECAR);
    site.write("articles/p.md", "---\ntitle: P\nlast_revised: 2020-01-01\n---\n\nText.\n\n![](media/photo.png)\n");
    site.build().assert_ok();
    site.build().assert_ok();
    // New bytes of the same length, the old modification time put back (as `cp -p`, `rsync -t`
    // or `touch -r` leave a file): the inode's own time still says it changed.
    let path = site.path("articles/media/photo.png");
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let len = std::fs::metadata(&path).unwrap().len() as usize;
    std::fs::write(&path, vec![b'x'; len]).unwrap();
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(modified).unwrap();
    site.build().assert_failed().assert_stderr_has("articles/media/photo.png: the image cannot be read");
}

/// `a.png` and `a.svg` would share one illustration page (`media/a.html`): an error naming both.
#[test]
fn two_images_with_the_same_name_but_different_extensions_are_an_error_naming_both() {
    let site = TestSite::fixture("media");
    site.build().assert_ok();
    let before = snapshot(&site.output());
    site.write("articles/media/spine.png", png(8, 8)).write("articles/media/spine.png.yaml", SIDECAR);
    site.build()
        .assert_failed()
        .assert_stderr_has("articles/media/spine.png")
        .assert_stderr_has("media/spine.svg")
        .assert_stderr_has("media/spine.html");
    assert!(snapshot(&site.output()) == before, "the previous site is left whole");
}

/// A smooth PNG of `w` × `h` pixels (a diagram's flat colours and gradients, not noise).
pub(crate) fn smooth_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A JPEG photo (noise) of `w` × `h` pixels.
pub(crate) fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::load_from_memory(&png(w, h)).unwrap().to_rgb8();
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// The `(url, width)` pairs of a `srcset`.
fn srcset(value: &str) -> Vec<(String, u32)> {
    value
        .split(", ")
        .map(|entry| {
            let (url, w) = entry.rsplit_once(' ').unwrap();
            (url.to_string(), w.strip_suffix('w').unwrap().parse().unwrap())
        })
        .collect()
}

/// Phones get smaller copies (`srcset`, with `sizes`), each published under a content-hashed
/// name with the width it claims; WebP copies are offered only when smaller than the original
/// format at every size, and SVG has no copies.
#[test]
fn a_wide_image_gets_smaller_copies_for_phones_and_webp_only_where_it_is_smaller() {
    let site = TestSite::fixture("media");
    site.write("articles/media/chart.png", smooth_png(1200, 600)).write("articles/media/chart.png.yaml", SIDECAR);
    site.write("articles/media/photo.jpg", jpeg(1000, 800)).write("articles/media/photo.jpg.yaml", SIDECAR);
    site.write(
        "articles/p.md",
        "---\ntitle: P\nlast_revised: 2020-01-01\n---\n\nText.\n\n![](media/chart.png)\n\n![](media/photo.jpg)\n",
    );
    site.build().assert_ok();
    let page = site.page("p.html");
    let size_of = |url: &str| std::fs::metadata(site.output().join(url)).unwrap().len();
    let width_of = |url: &str| image::image_dimensions(site.output().join(url)).unwrap().0;

    // The PNG: 480 and 960 wide copies beside the original, and WebP copies that are smaller.
    let own = srcset(&page.attrs("img[src^='media/chart.']", "srcset")[0]);
    assert_eq!(own.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [480, 960, 1200]);
    for (url, w) in &own {
        assert_eq!(width_of(url), *w, "{url}");
        let name = url.strip_prefix("media/chart.").and_then(|n| n.strip_suffix(".png")).unwrap();
        assert!(name.len() == 16 && name.chars().all(|c| c.is_ascii_hexdigit()), "{url}");
    }
    assert_eq!(page.attrs("img[src^='media/chart.']", "sizes"), ["(max-width: 736px) 100vw, 736px"]);
    let webp = srcset(&page.attrs("picture source[type='image/webp']", "srcset")[0]);
    assert_eq!(webp.len(), 3, "{webp:?}");
    for ((webp_url, w), (png_url, _)) in webp.iter().zip(&own) {
        assert!(webp_url.ends_with(".webp"));
        assert_eq!(width_of(webp_url), *w);
        assert!(size_of(webp_url) < size_of(png_url), "{webp_url} is not smaller than {png_url}");
    }

    // The JPEG photo: smaller JPEGs, but lossless WebP would be bigger, so none is offered or published.
    let own = srcset(&page.attrs("img[src^='media/photo.']", "srcset")[0]);
    assert_eq!(own.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [480, 960, 1000]);
    assert!(own.iter().all(|(url, w)| width_of(url) == *w && url.ends_with(".jpg")));
    assert_eq!(page.count("picture"), 1, "only the PNG is in a <picture>");
    let published: Vec<String> = std::fs::read_dir(site.output().join("media"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!published.iter().any(|n| n.starts_with("photo.") && n.ends_with(".webp")), "{published:?}");

    // The SVG scales by itself: no copies.
    assert_eq!(site.page("back-pain.html").attrs("figure img", "srcset"), Vec::<String>::new());
}

/// A rebuild encodes no unchanged image, and says so: not with nothing changed, not when only
/// its sidecar changed, and not when encyc's other caches are gone (a new encyc, say).
#[test]
fn a_rebuild_encodes_no_unchanged_image_even_when_its_sidecar_changes_or_the_caches_are_lost() {
    let site = TestSite::fixture("media");
    site.write("articles/media/chart.png", smooth_png(1000, 500)).write("articles/media/chart.png.yaml", SIDECAR);
    site.write("articles/p.md", "---\ntitle: P\nlast_revised: 2020-01-01\n---\n\nText.\n\n![](media/chart.png)\n");
    site.build().assert_ok().assert_stderr_has("2 illustrations, 1 image encoded");
    site.build().assert_ok().assert_stderr_has("2 illustrations, 0 images encoded");
    site.write("articles/media/chart.png.yaml", SIDECAR.replace("A caption", "A new caption"));
    site.build().assert_ok().assert_stderr_has("0 images encoded");
    assert!(site.page("p.html").text("figcaption").contains("A new caption"));
    std::fs::remove_file(site.output().join(".encyc-media-cache")).unwrap();
    std::fs::remove_file(site.output().join(".encyc-cache")).ok();
    let before = snapshot(&site.output());
    site.build().assert_ok().assert_stderr_has("0 images encoded");
    let after = snapshot(&site.output());
    assert!(after.keys().filter(|k| k.starts_with("media/")).eq(before.keys().filter(|k| k.starts_with("media/"))));
    // A changed image is encoded again.
    site.write("articles/media/chart.png", smooth_png(1000, 400));
    site.build().assert_ok().assert_stderr_has("1 image encoded");
}

/// An illustration page is kept by a rebuild only while all it shows is as it was: its own
/// caption and credit, the titles of the articles that show it, and the frame it shares with
/// every illustration page (the A–Z bar). After each change, the rebuild equals a fresh build.
#[test]
fn an_illustration_page_follows_its_caption_the_articles_that_show_it_and_the_a_to_z_bar() {
    let site = TestSite::fixture("media");
    site.build().assert_ok();
    let changes: [(&str, &str, &str, &str); 3] = [
        ("articles/media/spine.svg.yaml", "The lumbar spine.", "The lower spine.", "The lower spine."),
        // Filed under the same letter: the A–Z bar stays as it was.
        ("articles/back-pain.md", "title: Back pain", "title: Back trouble", "Back trouble"),
        ("articles/zoster.md", "", "---\ntitle: Zoster\nlast_revised: 2020-01-01\n---\n\nText.\n", "letter-z.html"),
    ];
    for (file, from, to, shown) in changes {
        let before = site.read_output("media/spine.html");
        assert!(!before.contains(shown), "before {file}: the illustration page shows {shown:?} already");
        let text = std::fs::read_to_string(site.path(file)).unwrap_or_default();
        site.write(file, if from.is_empty() { to.to_string() } else { text.replace(from, to) });
        site.build().assert_ok();
        let page = site.read_output("media/spine.html");
        assert!(page.contains(shown), "after {file}: the illustration page does not show {shown:?}");
        let fresh = TestSite::empty();
        copy_tree(&site.path("articles"), &fresh.path("articles"));
        fresh.build().assert_ok();
        let (rebuilt, made) = (snapshot(&site.output()), snapshot(&fresh.output()));
        let differ: Vec<&String> =
            made.keys().filter(|k| !k.starts_with('.') && rebuilt.get(*k) != made.get(*k)).collect();
        assert!(differ.is_empty(), "after {file}: the rebuild differs from a fresh build: {differ:?}");
    }
}

/// The structured data's `citation` list follows the reference list: order of first citation,
/// not the order of the front matter.
#[test]
fn structured_data_lists_citations_in_order_of_first_citation() {
    let site = TestSite::fixture("media");
    site.build().assert_ok();
    let page = site.page("back-pain.html");
    let json: serde_json::Value = serde_json::from_str(&page.text("script[type='application/ld+json']")).unwrap();
    let names: Vec<&str> = json["citation"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    let entries = page.texts(".references li");
    assert_eq!(names.len(), entries.len());
    for (name, entry) in names.iter().zip(&entries) {
        assert!(entry.contains(name), "{name} is not in {entry}: {names:?}");
    }
}
