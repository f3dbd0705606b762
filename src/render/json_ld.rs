//! Structured data for article pages: a schema.org `MedicalWebPage` in JSON-LD, so that search
//! engines can read when a page was last reviewed, by whom, for which audience (patients) and
//! about which condition, under all its names.
//!
//! The data is a typed value serialised by serde_json, never pasted text, then escaped for the
//! `<script>` element that carries it: `<`, `>` and `&` become `\u003c`, `\u003e` and `\u0026`,
//! so that no title can close the element (`</script>`) or open a comment (`<!--`), and
//! U+2028 and U+2029, which older JavaScript did not allow in strings, are escaped too. These
//! characters only occur inside JSON strings, where the escapes read back as the same text.
//!
//! Addresses (`url`, `mainEntityOfPage`) must be absolute, so they are given only when the
//! site's `base_url` is set; without it a page still describes itself fully, by name.

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde::Serialize;

use crate::article::Article;
use crate::config::SiteConfig;

/// <https://schema.org/MedicalWebPage>, with what an encyclopedia article knows of itself.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MedicalWebPage<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    main_entity_of_page: Option<&'a str>,
    name: &'a str,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    in_language: &'a str,
    /// `last_revised`: the article is revised when it is reviewed.
    last_reviewed: Date,
    date_modified: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    reviewed_by: Option<Reviewers<'a>>,
    medical_audience: Typed,
    about: MedicalCondition<'a>,
}

/// A value that is only its type, like `{"@type": "Patient"}`.
#[derive(Serialize)]
struct Typed {
    #[serde(rename = "@type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Reviewer<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(rename = "jobTitle", skip_serializing_if = "Option::is_none")]
    job_title: Option<&'a str>,
}

/// One reviewer as an object (as before there could be more), several as a list.
#[derive(Serialize)]
#[serde(untagged)]
enum Reviewers<'a> {
    One(Reviewer<'a>),
    Many(Vec<Reviewer<'a>>),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MedicalCondition<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    alternate_name: &'a [String],
}

/// Everyone who reviewed the article: `revised_by`, the further reviewers, the site's team.
fn reviewers<'a>(article: &'a Article, config: &'a SiteConfig) -> Option<Reviewers<'a>> {
    let meta = &article.meta;
    let mut all: Vec<Reviewer<'a>> = Vec::new();
    if let Some(name) = meta.revised_by.as_deref() {
        all.push(Reviewer { kind: reviewer_type(name), name, job_title: None });
    }
    for r in &meta.reviewers {
        let kind = reviewer_type(&r.name);
        let job_title = if kind == "Person" { r.role.as_deref() } else { None };
        all.push(Reviewer { kind, name: &r.name, job_title });
    }
    if let Some(team) = config.editorial_team.as_deref() {
        all.push(Reviewer { kind: "Organization", name: team, job_title: None });
    }
    match all.len() {
        0 => None,
        1 => all.pop().map(Reviewers::One),
        _ => Some(Reviewers::Many(all)),
    }
}

/// The JSON-LD of an article's page, ready to be put between `<script type="application/ld+json">`
/// and `</script>` as it is.
pub(super) fn for_article(article: &Article, config: &SiteConfig) -> Result<String> {
    let meta = &article.meta;
    let url = config.base_url.as_ref().map(|base| base.join(&article.slug.href()));
    let page = MedicalWebPage {
        context: "https://schema.org",
        kind: "MedicalWebPage",
        url: url.as_deref(),
        main_entity_of_page: url.as_deref(),
        name: &meta.title,
        headline: &meta.title,
        description: meta.summary.as_deref(),
        in_language: &config.language,
        last_reviewed: meta.last_revised,
        date_modified: meta.last_revised,
        reviewed_by: reviewers(article, config),
        // schema.org's `Patient` is a kind of `MedicalAudience` (its `MedicalAudienceType`
        // enumeration only has `Clinician` and `MedicalResearcher`).
        medical_audience: Typed { kind: "Patient" },
        about: MedicalCondition {
            kind: "MedicalCondition",
            name: &meta.title,
            alternate_name: &meta.alternative_names,
        },
    };
    let json = serde_json::to_string(&page).context("cannot write an article's structured data")?;
    Ok(escape_for_script(&json))
}

/// Whether `revised_by` names an organisation ("encyc editorial team", "Medical Review Board")
/// or, as it usually does, a person ("Dave R. Roger, M.D.").
fn reviewer_type(name: &str) -> &'static str {
    const ORGANISATION_WORDS: &[&str] = &[
        "association",
        "board",
        "clinic",
        "college",
        "committee",
        "council",
        "department",
        "editorial",
        "editors",
        "foundation",
        "group",
        "hospital",
        "inc",
        "institute",
        "llc",
        "ltd",
        "network",
        "organisation",
        "organization",
        "panel",
        "service",
        "society",
        "staff",
        "team",
        "university",
    ];
    let organisation = name
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| ORGANISATION_WORDS.contains(&word.to_lowercase().as_str()));
    if organisation { "Organization" } else { "Person" }
}

/// JSON made safe to sit inside a `<script>` element (see the module documentation).
fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::parse_article;
    use crate::paths::SourcePath;

    fn script_text(front_matter: &str, config: &str) -> String {
        let source = SourcePath::new(std::path::Path::new("spine/ménière disease.md"));
        let (article, _) = parse_article(&source, format!("---\n{front_matter}\n---\n").as_bytes()).unwrap();
        for_article(&article, &SiteConfig::parse(config).unwrap()).unwrap()
    }

    fn json_ld(front_matter: &str, config: &str) -> serde_json::Value {
        let text = script_text(front_matter, config);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    #[test]
    fn describes_the_page_the_condition_and_its_review() {
        let value = json_ld(
            "title: Ménière disease\nalternative_names: [Meniere's disease, Endolymphatic hydrops]\n\
last_revised: 2024-05-02\nrevised_by: Dave R. Roger, M.D.\nsummary: An inner ear disorder.",
            "language: en-GB\nbase_url: https://example.org/enc",
        );
        let expected = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "url": "https://example.org/enc/m%C3%A9ni%C3%A8re%20disease.html",
            "mainEntityOfPage": "https://example.org/enc/m%C3%A9ni%C3%A8re%20disease.html",
            "name": "Ménière disease",
            "headline": "Ménière disease",
            "description": "An inner ear disorder.",
            "inLanguage": "en-GB",
            "lastReviewed": "2024-05-02",
            "dateModified": "2024-05-02",
            "reviewedBy": {"@type": "Person", "name": "Dave R. Roger, M.D."},
            "medicalAudience": {"@type": "Patient"},
            "about": {
                "@type": "MedicalCondition",
                "name": "Ménière disease",
                "alternateName": ["Meniere's disease", "Endolymphatic hydrops"]
            }
        });
        assert_eq!(value, expected);
    }

    #[test]
    fn what_is_unknown_is_left_out() {
        let value = json_ld("title: Sciatica\nlast_revised: 2023-01-15", "");
        let object = value.as_object().unwrap();
        for absent in ["url", "mainEntityOfPage", "description", "reviewedBy"] {
            assert!(!object.contains_key(absent), "{absent}: {value}");
        }
        assert!(!value["about"].as_object().unwrap().contains_key("alternateName"));
    }

    #[test]
    fn reviewers_are_people_unless_their_name_says_otherwise() {
        for (name, kind) in [
            ("Dave R. Roger, M.D.", "Person"),
            ("encyc editorial team", "Organization"),
            ("Medical Review Board", "Organization"),
            ("Jane Teams", "Person"),
        ] {
            assert_eq!(reviewer_type(name), kind, "{name}");
        }
    }

    #[test]
    fn no_text_can_close_the_script_element() {
        let front_matter =
            "title: \"</script><script>alert(1)</script> <!-- & \\u2028 \\u2029 -->\"\nlast_revised: 2024-05-02";
        let text = script_text(front_matter, "");
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(bad), "{bad:?} in {text}");
        }
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["name"], "</script><script>alert(1)</script> <!-- & \u{2028} \u{2029} -->");
    }
}
