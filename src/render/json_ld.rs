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
    /// The illustrations the article shows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    image: Vec<ImageObject>,
    /// The works it cites, in the order of its reference list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citation: Vec<CreativeWork<'a>>,
}

/// <https://schema.org/ImageObject>.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ImageObject {
    #[serde(rename = "@type")]
    kind: &'static str,
    /// Absolute with a `base_url`, else relative to the article.
    content_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<String>,
    width: u32,
    height: u32,
}

/// <https://schema.org/CreativeWork>, for a cited reference.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreativeWork<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<u16>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<String>,
}

/// What an article's structured data says beyond its front matter: its illustrations.
pub(super) struct Extras {
    images: Vec<ImageObject>,
}

impl Extras {
    pub(super) fn of(article: &Article, media: &crate::media::Library) -> Extras {
        let mut images: Vec<ImageObject> = Vec::new();
        for shown in &article.outline.images {
            let Some(image) = media.images.get(&shown.source) else { continue };
            let content_url = image.published_path();
            if images.iter().any(|i| i.content_url == content_url) {
                continue;
            }
            images.push(ImageObject {
                kind: "ImageObject",
                content_url,
                caption: image.meta.caption.clone(),
                credit_text: image.meta.credit.clone(),
                license: image.meta.licence.clone(),
                width: image.width,
                height: image.height,
            });
        }
        Extras { images }
    }
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
pub(super) fn for_article(article: &Article, config: &SiteConfig, extras: &Extras) -> Result<String> {
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
        image: extras
            .images
            .iter()
            .map(|i| ImageObject {
                content_url: match &config.base_url {
                    Some(base) => base.join(&crate::paths::Href::new(i.content_url.clone())),
                    None => i.content_url.clone(),
                },
                caption: i.caption.clone(),
                credit_text: i.credit_text.clone(),
                license: i.license.clone(),
                ..*i
            })
            .collect(),
        citation: super::references_in_order(article)
            .into_iter()
            .map(|r| {
                let mut same_as = Vec::new();
                same_as.extend(r.doi.as_ref().map(|d| format!("https://doi.org/{d}")));
                same_as.extend(r.pmid.as_ref().map(|p| format!("https://pubmed.ncbi.nlm.nih.gov/{p}/")));
                same_as.extend(r.url.clone());
                CreativeWork {
                    kind: if r.journal.is_some() { "ScholarlyArticle" } else { "CreativeWork" },
                    name: &r.title,
                    author: r.authors.iter().map(String::as_str).collect(),
                    date_published: r.year,
                    same_as,
                }
            })
            .collect(),
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
        for_article(&article, &SiteConfig::parse(config).unwrap(), &Extras { images: Vec::new() }).unwrap()
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
