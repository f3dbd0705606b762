//! `encyc new "Title"`: start an article with every front-matter field written out and the
//! standard sections of an encyclopedia article, so that an editor fills in a form instead of
//! remembering one.
//!
//! The file name is the title's slug, made by the same rule as heading ids
//! ([`crate::markdown::heading_id`]): "Ménière disease" → `meniere-disease.md`. The front
//! matter is written by serde_yaml, so any title reads back as written. Placeholders are HTML
//! comments, which are never published: an article that goes out unfinished shows empty
//! sections, not "write the symptoms here"; and it starts as a `draft: true`, which `encyc
//! build` does not publish, so an article of empty sections never reaches a reader. `revised_by` is left empty, and `encyc check`
//! lists articles without one until a reviewer is named.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use jiff::civil::Date;
use serde::Serialize;

use crate::article::{self, cache::ArticleCache};
use crate::config::ARTICLES_DIR;
use crate::config::Mode;
use crate::letters::name_key;
use crate::paths::Slug;
use crate::progress::Progress;
use crate::site::is_reserved_slug;

/// An article to start.
#[derive(Debug, Clone)]
pub(crate) struct NewArticle {
    pub(crate) title: String,
    pub(crate) alternative_names: Vec<String>,
    /// Written as `last_revised`.
    pub(crate) today: Date,
}

/// The sections every article of the encyclopedia has, in order, with what goes in each.
pub(crate) const SECTIONS: &[(&str, &str)] = &[
    ("Causes, incidence, and risk factors", "What causes it, how common it is, and who is more likely to get it."),
    ("Symptoms", "What a person with it notices."),
    ("Signs and tests", "What a health care provider looks for, and the tests that confirm it."),
    ("Treatment", "How it is treated, including what people can do for themselves at home."),
    ("Expectations (prognosis)", "How it usually turns out."),
    ("Complications", "What else it can lead to."),
    ("Calling your health care provider", "When to call a provider, and when to go to an emergency room."),
    ("Prevention", "What lowers the risk of getting it, if anything."),
];

/// The front matter of a new article: every field an article can have, in the README's order.
#[derive(Serialize)]
struct NewFrontMatter<'a> {
    title: &'a str,
    alternative_names: &'a [String],
    last_revised: String,
    revised_by: &'a str,
    source: &'a str,
    see_also: &'a [String],
    summary: &'a str,
    /// A new article's sections hold only hints: it is a draft until an editor says otherwise.
    draft: bool,
}

impl NewArticle {
    /// Checks the names and tidies them: trimmed, alternative names without repeats or the
    /// title itself.
    pub(crate) fn new(title: &str, alternative_names: &[String], today: Date) -> Result<NewArticle> {
        let title = one_line(title, "the title")?;
        let mut names: Vec<String> = Vec::new();
        for name in alternative_names {
            let name = one_line(name, "an alternative name")?;
            let key = name_key(&name);
            if key != name_key(&title) && !names.iter().any(|n| name_key(n) == key) {
                names.push(name);
            }
        }
        Ok(NewArticle { title, alternative_names: names, today })
    }

    /// The file name's slug, from the title.
    pub(crate) fn slug(&self) -> Result<Slug> {
        if !deunicode::deunicode(&self.title).chars().any(|c| c.is_ascii_alphanumeric()) {
            bail!("cannot make a file name from the title \"{}\": it has no letters or digits", self.title);
        }
        Ok(Slug::new(crate::markdown::heading_id(&self.title)))
    }

    /// The whole file: front matter, then a placeholder for the introduction and each section.
    pub(crate) fn text(&self) -> Result<String> {
        let front_matter = crate::yaml::write(&NewFrontMatter {
            title: &self.title,
            alternative_names: &self.alternative_names,
            last_revised: self.today.to_string(),
            revised_by: "",
            source: "",
            see_also: &[],
            summary: "",
            draft: true,
        })?;
        let mut text = format!("---\n{front_matter}---\n\n");
        // No user text goes into the comments: a title holding `-->` would end one early.
        text.push_str("<!-- One or two plain sentences: what the condition is. -->\n");
        for (heading, what) in SECTIONS {
            text.push_str(&format!("\n## {heading}\n\n<!-- {what} -->\n"));
        }
        Ok(text)
    }
}

fn one_line(name: &str, what: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        bail!("{what} is empty");
    }
    if name.chars().any(char::is_control) {
        bail!("{what} \"{}\" must be one line of text", name.escape_debug());
    }
    Ok(name.to_string())
}

/// Runs `encyc new`: writes the article and prints its path as the user knows the site.
pub(super) fn run(root: &Path, root_shown: &Path, article: &NewArticle) -> Result<super::Outcome> {
    let created = create(root, article)?;
    println!("{}", crate::diagnostic::shown_path(root_shown, &created).display());
    Ok(super::Outcome::Success)
}

/// Writes `article` into `<root>/articles/<slug>.md` and returns that path relative to the
/// root. Refuses, before writing anything, a slug that is reserved or that an article already
/// has (in any folder, ignoring letter case), names another article already has (ignoring case
/// and accents, as a build compares them), and a root that is itself an articles folder.
/// Never overwrites a file.
pub(crate) fn create(root: &Path, article: &NewArticle) -> Result<PathBuf> {
    let slug = article.slug()?;
    let relative = Path::new(ARTICLES_DIR).join(format!("{slug}.md"));
    if is_reserved_slug(slug.as_str()) {
        bail!(
            "cannot create {}: the name `{slug}` is reserved for a page encyc generates; choose another title",
            relative.display()
        );
    }
    let articles_dir = root.join(ARTICLES_DIR);
    // Like `build` and `check`, `new` takes the current folder as the site folder. Run from
    // inside `articles/` it would start a second site there (`articles/articles/…`).
    if !articles_dir.exists() && looks_like_articles_folder(root) {
        bail!(
            "{} is an articles folder, not a site folder: run encyc new from the folder that holds \
articles/, or pass --root",
            root.display()
        );
    }
    if articles_dir.exists() {
        check_clashes(&articles_dir, article, &slug, &relative)?;
    } else {
        std::fs::create_dir_all(&articles_dir)
            .with_context(|| format!("cannot create the articles folder {}", articles_dir.display()))?;
    }
    let text = article.text()?;
    let path = root.join(&relative);
    // `create_new` refuses an existing file atomically, even one that appeared since the check.
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|err| {
        if err.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!("{} already exists; encyc new never overwrites an article", relative.display())
        } else {
            anyhow::Error::new(err).context(format!("cannot create {}", path.display()))
        }
    })?;
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(relative)
}

/// Whether `dir` (which has no `articles/`) is itself an articles folder: named so, or
/// holding Markdown files.
fn looks_like_articles_folder(dir: &Path) -> bool {
    let named = dir.file_name().is_some_and(|n| n == ARTICLES_DIR);
    let has_markdown = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().any(|e| article::is_markdown(&e.file_name())))
        .unwrap_or(false);
    named || has_markdown
}

/// Refuses a slug or names that the articles already in `articles_dir` have.
fn check_clashes(articles_dir: &Path, article: &NewArticle, slug: &Slug, relative: &Path) -> Result<()> {
    let found = article::discover(articles_dir)?;
    let lower = slug.as_str().to_lowercase();
    if let Some(existing) = found.files.iter().find(|f| f.slug().as_str().to_lowercase() == lower) {
        let existing = existing.display_path();
        if existing == relative {
            bail!("{} already exists; encyc new never overwrites an article", relative.display());
        }
        bail!(
            "cannot create {}: {} has the same file name (file names must differ in more than letter case, \
in any folder)",
            relative.display(),
            existing.display()
        );
    }
    // Articles that do not parse cannot clash yet; the build reports them on its own.
    let loaded = article::load(
        crate::terms::SearchLanguage::English,
        articles_dir,
        found,
        &mut ArticleCache::from_summaries(Vec::new(), Mode::OneOff),
        &Progress::none(),
    )?;
    // Names are compared as a build compares them (`name_key`: ignoring case and accents).
    // A build allows one alternative name in two articles until a wiki link uses it; a new
    // article is refused it anyway, since the next `[[name]]` would be ambiguous.
    let mine: Vec<(&str, String)> =
        std::iter::once(&article.title).chain(&article.alternative_names).map(|n| (n.as_str(), name_key(n))).collect();
    for other in loaded.articles.iter() {
        let other = &other.article;
        for (_, key, is_alternative) in other.names() {
            if let Some((name, _)) = mine.iter().find(|(_, k)| *k == key.lookup) {
                let what = if is_alternative { "an alternative name" } else { "the title" };
                bail!(
                    "cannot create {}: \"{name}\" is already {what} of {}",
                    relative.display(),
                    other.source.display_path().display()
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::front_matter;
    use jiff::civil::date;

    fn new(title: &str, alternatives: &[&str]) -> NewArticle {
        let alternatives: Vec<String> = alternatives.iter().map(|s| s.to_string()).collect();
        NewArticle::new(title, &alternatives, date(2026, 11, 25)).unwrap()
    }

    #[test]
    fn slugs_follow_the_heading_id_rule() {
        for (title, slug) in [
            ("Ménière disease", "meniere-disease"),
            ("\"Broken heart\" syndrome", "broken-heart-syndrome"),
            ("5-alpha-reductase deficiency", "5-alpha-reductase-deficiency"),
            ("Crohn's disease: an overview", "crohn-s-disease-an-overview"),
            ("  Back pain  ", "back-pain"),
        ] {
            assert_eq!(new(title, &[]).slug().unwrap().as_str(), slug, "{title}");
        }
        assert!(new("???", &[]).slug().is_err());
    }

    #[test]
    fn the_front_matter_reads_back_as_written_and_is_complete() {
        for (title, alternatives) in [
            ("Ménière disease", vec!["Meniere's disease", "Endolymphatic hydrops"]),
            ("Title: with a colon", vec!["\"Quoted\" name", "- dash", "# hash"]),
            ("yes", vec!["null", "2024-01-01"]),
        ] {
            let article = new(title, &alternatives);
            let text = article.text().unwrap();
            let split = front_matter::split(&text).unwrap();
            let meta = front_matter::parse(&split).unwrap_or_else(|p| panic!("{text}\n{p:?}"));
            assert_eq!(meta.title, title);
            assert_eq!(meta.alternative_names, alternatives);
            assert_eq!(meta.last_revised, date(2026, 11, 25));
            assert_eq!((meta.revised_by, meta.source, meta.summary), (None, None, None));
            assert!(meta.see_also.is_empty());
            assert!(meta.draft, "a new article starts as a draft");
            for key in
                ["title:", "alternative_names:", "last_revised:", "revised_by:", "source:", "see_also:", "summary:"]
            {
                assert!(split.yaml.contains(key), "{key} missing from\n{}", split.yaml);
            }
        }
    }

    #[test]
    fn the_body_has_every_standard_section_and_no_published_placeholder() {
        let text = new("Sciatica", &[]).text().unwrap();
        let headings: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("## ")).collect();
        let expected: Vec<&str> = SECTIONS.iter().map(|(h, _)| *h).collect();
        assert_eq!(headings, expected);
        let outside_comments: Vec<&str> = text
            .split("---\n")
            .nth(2)
            .unwrap()
            .lines()
            .filter(|l| {
                let comment = l.starts_with("<!--") && l.ends_with("-->");
                !(l.is_empty() || l.starts_with("## ") || comment)
            })
            .collect();
        assert!(outside_comments.is_empty(), "{outside_comments:?}");
    }

    #[test]
    fn names_are_tidied_and_must_be_one_line() {
        let article = new(" Sciatica ", &["Sciatica", " Lumbago ", "Lumbago"]);
        assert_eq!(article.title, "Sciatica");
        assert_eq!(article.alternative_names, ["Lumbago"]);
        assert!(NewArticle::new("Two\nlines", &[], date(2026, 1, 1)).is_err());
        assert!(NewArticle::new("  ", &[], date(2026, 1, 1)).is_err());
        assert!(NewArticle::new("Ok", &["".to_string()], date(2026, 1, 1)).is_err());
    }
}
