//! Front matter is escaped; raw HTML in bodies is sanitised.

use crate::support::TestSite;

#[test]
fn front_matter_is_escaped_everywhere_it_appears() {
    let site = TestSite::fixture("basic");
    site.write(
        "articles/xss.md",
        "---\ntitle: '<script>alert(1)</script> & co'\nalternative_names: ['\"><img src=x onerror=alert(2)>']\n\
last_revised: 2030-01-01\nrevised_by: '<b>Dr</b>'\nsummary: '\"><script>alert(3)</script>'\n---\n\nBody.\n",
    );
    // Built on the day it was revised: the newest article, listed on the home page.
    site.run(&["build", "--today", "2030-01-01"]).assert_ok();
    for page in ["xss.html", "letter-0-9.html", "index.html"] {
        let html = site.read_output(page);
        assert!(!html.contains("<script>") && !html.contains("<img") && !html.contains("<b>Dr"), "{page}:\n{html}");
    }
    let page = site.page("xss.html");
    assert_eq!(page.text("h1"), "<script>alert(1)</script> & co");
    assert!(page.text(".last-revised").ends_with("by <b>Dr</b>"));
}

#[test]
fn raw_html_in_bodies_is_sanitised() {
    let site = TestSite::fixture("basic");
    site.write(
        "articles/raw.md",
        "---\ntitle: Raw\nlast_revised: 2020-01-01\n---\n\n## Symptoms\n\n<script>alert(1)</script>\n\n\
<p onclick=\"alert(2)\" style=\"x\">Para with <a href=\"javascript:alert(3)\">bad link</a> and <em>emphasis</em>.</p>\n\n\
<iframe src=\"https://evil.example\"></iframe>\n\nSee [[Sciatica]].\n",
    );
    // A `javascript:` link in raw HTML is an error, as in Markdown; the sanitiser removes the
    // rest, and would remove the link too (see the unit test in markdown.rs).
    site.build().assert_failed().assert_stderr_has(
        "articles/raw.md:10: link to `javascript:alert(3)`: only http, https, mailto and tel links are allowed",
    );
    let text = std::fs::read_to_string(site.path("articles/raw.md")).unwrap();
    site.write("articles/raw.md", text.replace("javascript:alert(3)", "https://example.org/"));
    site.build().assert_ok();
    // The only scripts a page carries are the theme's search script and the JSON-LD data block.
    let mut html =
        site.read_output("raw.html").replace("<script src=\"assets/search.js\" data-root=\"\" defer></script>", "");
    if let Some(start) = html.find("<script type=\"application/ld+json\">") {
        let end = start + html[start..].find("</script>").expect("closed") + "</script>".len();
        html.replace_range(start..end, "");
    }
    for bad in ["<script", "onclick", "javascript:", "<iframe", "style="] {
        assert!(!html.contains(bad), "{bad} survived:\n{html}");
    }
    let page = site.page("raw.html");
    assert_eq!(page.texts(".article-body em"), ["emphasis"]);
    assert_eq!(page.attrs(".article-body h2", "id"), ["symptoms"]);
    assert!(page.links(".article-body a").contains(&("Sciatica".to_string(), "sciatica.html".to_string())));
}
