//! Whether an SVG file is safe to publish: parsed with a real XML parser (roxmltree, which
//! refuses entity declarations), then every element and attribute is looked at. Refused:
//! scripts, event handlers (`on…`), `<foreignObject>` (HTML inside the picture), animation
//! that can set attributes (`<set>`, `<animate>` on `href`), and any reference that is not to
//! the file itself (`href`, `xlink:href` and `url(…)` not starting with `#`), since a
//! reference outside the site leaks readers to another host and one to a local file breaks.

use crate::diagnostic::Problem;

/// Checks an SVG and returns its size in CSS pixels (from `width`/`height`, else `viewBox`).
pub(crate) fn check(bytes: &[u8]) -> Result<(u32, u32), Problem> {
    let unsafe_svg = |why: String| Problem::UnsafeSvg(why);
    let text =
        std::str::from_utf8(bytes).map_err(|_| Problem::CorruptImage("an SVG file must be UTF-8 text".into()))?;
    if text.contains("<!DOCTYPE") || text.contains("<!ENTITY") {
        return Err(unsafe_svg("it declares a DOCTYPE or entities".into()));
    }
    let options = roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: 1_000_000, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| Problem::CorruptImage(format!("not well-formed XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err(Problem::CorruptImage("the root element is not <svg>".into()));
    }
    for node in doc.descendants() {
        if node.node_type() == roxmltree::NodeType::PI {
            return Err(unsafe_svg("it has a processing instruction (such as a stylesheet link)".into()));
        }
        if !node.is_element() {
            continue;
        }
        let line = doc.text_pos_at(node.range().start).row;
        let name = node.tag_name().name().to_ascii_lowercase();
        if ["script", "foreignobject", "iframe", "embed", "object", "handler", "listener"].contains(&name.as_str()) {
            return Err(unsafe_svg(format!("line {line}: a <{}> element", node.tag_name().name())));
        }
        if name == "style" {
            let css = node.text().unwrap_or("");
            check_css(css).map_err(|why| unsafe_svg(format!("line {line}: <style>: {why}")))?;
        }
        for attr in node.attributes() {
            let attr_name = attr.name().to_ascii_lowercase();
            let value = attr.value().trim();
            if attr_name.starts_with("on") {
                return Err(unsafe_svg(format!("line {line}: an event handler `{}`", attr.name())));
            }
            if (attr_name == "href" || attr_name == "src") && !value.starts_with('#') {
                return Err(unsafe_svg(format!("line {line}: a reference to `{value}` outside the file")));
            }
            if ["set", "animate"].contains(&name.as_str())
                && attr_name == "attributename"
                && value.to_ascii_lowercase().ends_with("href")
            {
                return Err(unsafe_svg(format!("line {line}: an animation that changes a link")));
            }
            check_css(value).map_err(|why| unsafe_svg(format!("line {line}: `{}`: {why}", attr.name())))?;
        }
    }
    let number = |name: &str| {
        root.attribute(name).and_then(|v| v.trim().trim_end_matches("px").parse::<f64>().ok()).filter(|v| *v > 0.0)
    };
    let view_box: Option<Vec<f64>> = root
        .attribute("viewBox")
        .map(|v| v.split(|c: char| c == ',' || c.is_whitespace()).filter_map(|n| n.parse().ok()).collect());
    let (width, height) = match (number("width"), number("height"), view_box.as_deref()) {
        (Some(w), Some(h), _) => (w, h),
        (_, _, Some([_, _, w, h])) if *w > 0.0 && *h > 0.0 => (*w, *h),
        _ => return Err(Problem::CorruptImage("an SVG needs width and height, or a viewBox".into())),
    };
    let side = |v: f64| (v.round() as u32).clamp(1, super::MAX_SIDE);
    Ok((side(width), side(height)))
}

/// CSS (a `style` attribute or element, or a presentation attribute such as `fill`) may only
/// refer to the file itself: `url(#id)`. `@import` and `expression(` are refused outright.
fn check_css(css: &str) -> Result<(), String> {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") || lower.contains("expression(") || lower.contains("javascript:") {
        return Err("style that loads or runs code".into());
    }
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("url(") {
        let inside = rest[at + 4..].trim_start().trim_start_matches(['"', '\'']);
        if !inside.starts_with('#') {
            let shown: String = inside.chars().take(40).take_while(|c| *c != ')').collect();
            return Err(format!("a reference to `{shown}` outside the file"));
        }
        rest = &rest[at + 4..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(inner: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 40 30\">{inner}</svg>"
        )
    }

    #[test]
    fn every_way_an_svg_can_run_a_script_or_reach_outside_is_refused() {
        for inner in [
            "<script>alert(1)</script>",
            "<SCRIPT>alert(1)</SCRIPT>",
            "<rect onload=\"alert(1)\"/>",
            "<rect onClick=\"alert(1)\"/>",
            "<foreignObject><div>hi</div></foreignObject>",
            "<a href=\"javascript:alert(1)\"><rect/></a>",
            "<a xlink:href=\"javascript:alert(1)\"><rect/></a>",
            "<image href=\"https://example.org/x.png\"/>",
            "<image xlink:href=\"../../secret.png\"/>",
            "<use href=\"other.svg#shape\"/>",
            "<rect style=\"fill:url(https://example.org/x)\"/>",
            "<rect fill=\"url('file:///etc/passwd')\"/>",
            "<style>@import url(https://example.org/x.css);</style>",
            "<style>rect { background: url(x.png) }</style>",
            "<set attributeName=\"href\" to=\"javascript:alert(1)\"/>",
            "<iframe src=\"https://example.org\"/>",
        ] {
            let result = check(svg(inner).as_bytes());
            assert!(matches!(result, Err(Problem::UnsafeSvg(_))), "{inner}: {result:?}");
        }
        let doctype = "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><svg viewBox=\"0 0 1 1\">&x;</svg>";
        assert!(matches!(check(doctype.as_bytes()), Err(Problem::UnsafeSvg(_))));
        let stylesheet = "<?xml-stylesheet href=\"https://example.org/x.css\"?><svg viewBox=\"0 0 1 1\"/>";
        assert!(matches!(check(stylesheet.as_bytes()), Err(Problem::UnsafeSvg(_))));
    }

    #[test]
    fn a_plain_drawing_with_internal_references_is_safe_and_sized() {
        let inner = "<defs><linearGradient id=\"g\"/></defs><rect id=\"r\" fill=\"url(#g)\" width=\"4\" height=\"4\"/><use href=\"#r\"/><text>L1</text>";
        assert_eq!(check(svg(inner).as_bytes()), Ok((40, 30)));
        let sized = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300px\" height=\"200\"><rect/></svg>";
        assert_eq!(check(sized.as_bytes()), Ok((300, 200)));
    }

    #[test]
    fn broken_svg_is_corrupt_not_unsafe() {
        for text in ["<svg viewBox=\"0 0 1 1\"><rect></svg>", "<html/>", "<svg/>"] {
            assert!(matches!(check(text.as_bytes()), Err(Problem::CorruptImage(_))), "{text}");
        }
    }
}
