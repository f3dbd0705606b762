//! `encyc check`: every validation a build makes, then the editorial warnings a build never
//! fails on.
//!
//! The articles are loaded, linked and rendered by the build's own stages
//! ([`Builder::check`]), so a check finds exactly the errors a build would, in the same
//! `error: file:line: message` form; the pages are thrown away and nothing is written. When
//! there are none, three lists follow, each a `warning:` line per article: reviews that are overdue (oldest first, with how overdue), articles
//! without a `revised_by`, and articles that no other article links to (the A–Z pages list
//! every article, so they do not count). Warnings do not fail the check unless `--strict`.
//! `--format json` gives the same report as one JSON object on stdout, for tools.

use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::Outcome;
use crate::config::{Config, Mode};
use crate::diagnostic::{Diagnostics, shown_path};
use crate::markdown::LinkTarget;
use crate::pipeline::{BuildError, Builder};
use crate::progress::Progress;
use crate::readability::Reading;
use crate::review::{self, Overdue};
use crate::site::Site;
use crate::text::plural;

/// How `encyc check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReportFormat {
    /// `error:` and `warning:` lines on stderr, as a build prints its errors.
    Text,
    /// One JSON object on stdout.
    Json,
}

/// How to check, from the command line.
#[derive(Debug, Clone)]
pub(crate) struct CheckOptions {
    /// Warnings fail the check too.
    pub(crate) strict: bool,
    pub(crate) format: ReportFormat,
    /// The day reviews are counted to.
    pub(crate) today: Date,
}

/// Something an editor should look at, though a build succeeds with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Concern {
    /// The article's review is overdue.
    OverdueReview { last_revised: Date, overdue: Overdue },
    /// Nobody is named as having revised the article.
    NoReviser,
    /// No other article links to this one.
    Orphan,
    /// A translation follows an older revision of its original than the current one.
    TranslationOutOfDate { language: String, revised: Date, follows: Date },
    /// The article has no counterpart in the edition in `language`.
    OnlyInOneEdition { language: String, folder: String },
    /// A reference in the front matter that the text never cites.
    UncitedReference { key: String },
    /// An illustration no article shows.
    UnusedImage,
    /// An illustration whose sidecar does not say who made it, or under which licence.
    ImageWithoutCredit { missing: &'static str },
    /// An illustration bigger than `image_size_limit_kb`.
    LargeImage { kb: u64, limit: u64 },
    /// A link (or `see_also`) uses a renamed article's previous slug: it works, by the
    /// redirect page, but the new slug saves readers a hop.
    OldSlug { line: usize, old: String, new: String },
    /// A section with nothing in it yet (at most the hint `encyc new` wrote).
    EmptySection { line: usize, heading: String },
    /// The body has nothing to read at all.
    NoText,
    /// The article's prose reads above the site's `reading_grade_max`.
    ReadingLevel { reading: Reading, max: u32 },
}

impl Concern {
    /// A stable name, for tools.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Concern::OverdueReview { .. } => "overdue_review",
            Concern::NoReviser => "no_reviser",
            Concern::Orphan => "orphan",
            Concern::TranslationOutOfDate { .. } => "translation_out_of_date",
            Concern::OnlyInOneEdition { .. } => "only_in_one_edition",
            Concern::UncitedReference { .. } => "uncited_reference",
            Concern::UnusedImage => "unused_image",
            Concern::ImageWithoutCredit { .. } => "image_without_credit",
            Concern::LargeImage { .. } => "large_image",
            Concern::ReadingLevel { .. } => "reading_level",
            Concern::OldSlug { .. } => "old_slug",
            Concern::EmptySection { .. } => "empty_section",
            Concern::NoText => "no_text",
        }
    }
}

impl std::fmt::Display for Concern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Concern::OverdueReview { last_revised, overdue } => {
                write!(f, "last revised {last_revised}, review overdue by {overdue} (it was due on {})", overdue.due)
            }
            Concern::NoReviser => f.write_str("no `revised_by`: name who last reviewed this article"),
            Concern::Orphan => f.write_str(
                "no other article links here (only the A–Z pages list it): link to it, or add it to a `see_also`",
            ),
            Concern::TranslationOutOfDate { language, revised, follows } => write!(
                f,
                "translation out of date: the {language} article was revised on {revised}, the translation follows the revision of {follows}"
            ),
            Concern::OnlyInOneEdition { language, folder } => {
                write!(f, "not in the {language} edition: no article in {folder}/ translates or is translated by it")
            }
            Concern::UncitedReference { key } => {
                write!(f, "the reference `{key}` is never cited: cite it in the text as `[@{key}]`, or remove it")
            }
            Concern::UnusedImage => {
                f.write_str("no article shows this image: show it with `![](media/…)`, or remove it")
            }
            Concern::ImageWithoutCredit { missing } => {
                write!(f, "the image's metadata has no `{missing}`: say who made it and under which licence")
            }
            Concern::LargeImage { kb, limit } => {
                write!(f, "the image is {kb} KB, over the limit of {limit} KB (`image_size_limit_kb`): make it smaller")
            }
            Concern::OldSlug { line, old, new } => write!(
                f,
                "line {line}: `{old}` is the previous slug of `{new}`, which still works; write `{new}` instead"
            ),
            Concern::EmptySection { line, heading } => write!(
                f,
                "line {line}: the section `{heading}` is empty: write it, or remove the heading before the article is published"
            ),
            Concern::NoText => f.write_str("the article has no text yet: write it before it is published"),
            Concern::ReadingLevel { reading, max } => {
                write!(
                    f,
                    "reading grade {:.1} is above {max} ({} words, {} sentences, {} syllables); longest sentences: ",
                    reading.grade(),
                    reading.words,
                    reading.sentences,
                    reading.syllables
                )?;
                let sentences: Vec<String> = reading
                    .longest_sentences
                    .iter()
                    .map(|s| format!("\"{s}\" ({} words)", s.split_whitespace().count()))
                    .collect();
                f.write_str(&sentences.join("; "))?;
                let words: Vec<String> = reading.long_words.iter().map(|(w, n)| format!("{w} ({n})")).collect();
                if !words.is_empty() {
                    write!(f, "; most frequent long words: {}", words.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

/// One concern about one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Warning {
    /// Relative to the site root: `articles/foo.md`.
    pub(crate) file: PathBuf,
    pub(crate) concern: Concern,
}

/// What a check found.
#[derive(Debug, Clone)]
pub(crate) struct CheckReport {
    /// What a build would fail on.
    pub(crate) errors: Diagnostics,
    /// Listed only when there are no errors: a site that does not link cannot say what is
    /// an orphan.
    pub(crate) warnings: Vec<Warning>,
    /// Each article's reading figures, in file order (empty when there are errors).
    pub(crate) readings: Vec<(PathBuf, Reading)>,
    /// How many articles were checked (0 when there are errors).
    pub(crate) articles: usize,
    /// The site root as the user named it, to show paths as they know them.
    root_shown: PathBuf,
}

/// Runs `encyc check` and prints its report.
pub(crate) fn run(config: &Config, options: &CheckOptions) -> Result<Outcome> {
    let report = check(config, options.today, &Progress::new(options.format == ReportFormat::Text))?;
    match options.format {
        ReportFormat::Text => eprint!("{}", report.text(options.strict)),
        ReportFormat::Json => println!("{}", report.json()?),
    }
    Ok(report.outcome(options.strict))
}

/// Checks the site described by `config`, counting reviews to `today`. Writes nothing.
pub(crate) fn check(config: &Config, today: Date, progress: &Progress) -> Result<CheckReport> {
    let mut builder = Builder::new(config.clone(), Mode::OneOff);
    let checked = builder.check(progress);
    progress.finish();
    let root_shown = config.root_shown.clone();
    match checked.map(drop) {
        Ok(()) => {
            let site = builder.site().expect("checked");
            let max_grade = config.site.reading_grade_max;
            let mut found = warnings(site, config.site.review_period, max_grade, today);
            found.extend(media_warnings(site, builder.library(), config.site.image_size_limit_kb));
            let readings = site
                .articles
                .iter()
                .filter_map(|l| Some((l.article.source.display_path(), l.article.reading.as_deref()?.clone())))
                .collect();
            let mut articles = site.articles.len();
            let editions = builder.edition_sites();
            for &(folder, _, edition) in &editions {
                // The Flesch–Kincaid grade is a formula for English text: other editions get
                // no reading-level warnings.
                let theirs = warnings(edition, config.site.review_period, u32::MAX, today);
                found
                    .extend(theirs.into_iter().map(|w| Warning { file: crate::editions::moved(&w.file, folder), ..w }));
                articles += edition.articles.len();
            }
            found.extend(translation_warnings(site, &config.site.language, &editions));
            Ok(CheckReport {
                errors: Diagnostics::new(Vec::new(), &root_shown),
                warnings: found,
                readings,
                articles,
                root_shown,
            })
        }
        Err(BuildError::Failed(errors)) => {
            Ok(CheckReport { errors, warnings: Vec::new(), readings: Vec::new(), articles: 0, root_shown })
        }
        Err(err @ (BuildError::Interrupted | BuildError::SourceChanged(_))) => Err(err.into()),
        Err(BuildError::CouldNotRun(err)) => Err(err),
    }
}

/// Every concern about the articles of `site`: overdue reviews, oldest first; then articles
/// without a reviser; then orphans; then articles that read above `reading_grade_max`, each
/// list in file order.
pub(crate) fn warnings(site: &Site, review_period: u32, reading_grade_max: u32, today: Date) -> Vec<Warning> {
    let file = |i: usize| site.articles[i].article.source.display_path();
    let mut overdue: Vec<(Date, PathBuf, Overdue)> = site
        .articles
        .iter()
        .filter_map(|l| {
            let revised = l.article.meta.last_revised;
            review::overdue(revised, review_period, today).map(|o| (revised, l.article.source.display_path(), o))
        })
        .collect();
    overdue.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut no_reviser: Vec<PathBuf> =
        (0..site.articles.len()).filter(|&i| site.articles[i].article.meta.revised_by.is_none()).map(file).collect();
    no_reviser.sort();
    let mut orphans: Vec<PathBuf> = orphans(site).into_iter().map(file).collect();
    orphans.sort();

    let overdue = overdue.into_iter().map(|(last_revised, file, overdue)| Warning {
        file,
        concern: Concern::OverdueReview { last_revised, overdue },
    });
    let no_reviser = no_reviser.into_iter().map(|file| Warning { file, concern: Concern::NoReviser });
    let orphans = orphans.into_iter().map(|file| Warning { file, concern: Concern::Orphan });
    let mut hard: Vec<Warning> = site
        .articles
        .iter()
        .filter_map(|l| Some((l, l.article.reading.as_deref()?)))
        .filter(|(_, reading)| reading.grade() > f64::from(reading_grade_max))
        .map(|(l, reading)| Warning {
            file: l.article.source.display_path(),
            concern: Concern::ReadingLevel { reading: reading.clone(), max: reading_grade_max },
        })
        .collect();
    hard.sort_by(|a, b| a.file.cmp(&b.file));
    overdue.chain(no_reviser).chain(orphans).chain(old_slugs(site)).chain(unwritten(site)).chain(hard).collect()
}

/// Articles with nothing to read, then the empty sections of the others, in file order.
fn unwritten(site: &Site) -> Vec<Warning> {
    let mut found: Vec<Warning> = Vec::new();
    for l in &site.articles {
        let outline = &l.article.outline;
        let file = l.article.source.display_path();
        if !outline.has_text {
            found.push(Warning { file, concern: Concern::NoText });
            continue;
        }
        found.extend(outline.empty_sections.iter().filter_map(|&i| {
            let heading = outline.headings.get(i)?;
            Some(Warning {
                file: file.clone(),
                concern: Concern::EmptySection { line: heading.line, heading: heading.text.to_string() },
            })
        }));
    }
    found.sort_by(|a, b| a.file.cmp(&b.file));
    found
}

/// Links and `see_also` entries that use a renamed article's previous slug, in file order.
fn old_slugs(site: &Site) -> Vec<Warning> {
    let current: HashMap<&str, usize> =
        site.articles.iter().enumerate().map(|(i, l)| (l.article.slug.as_str(), i)).collect();
    let previous: HashMap<&str, usize> = site.redirects.iter().map(|(s, i)| (s.as_str(), *i)).collect();
    let mut found = Vec::new();
    for l in &site.articles {
        let body = l.article.outline.links.iter().filter_map(|link| match link.target {
            LinkTarget::Article { slug, .. } => Some((link.line, slug)),
            _ => None,
        });
        let see_also = l.article.meta.see_also.iter().map(|s| (s.line, s.value.as_str()));
        for (line, slug) in body.chain(see_also) {
            if current.contains_key(slug) {
                continue;
            }
            if let Some(&to) = previous.get(slug) {
                found.push(Warning {
                    file: l.article.source.display_path(),
                    concern: Concern::OldSlug {
                        line,
                        old: slug.to_string(),
                        new: site.articles[to].article.slug.to_string(),
                    },
                });
            }
        }
    }
    found.sort_by(|a, b| a.file.cmp(&b.file));
    found
}

/// What the further editions' translations need: those that follow an older revision of
/// their original, oldest first; then the articles of each edition that the other lacks.
fn translation_warnings(main: &Site, main_language: &str, editions: &[(&str, &str, &Site)]) -> Vec<Warning> {
    use crate::editions::{language_name, moved};
    let original = |slug: &crate::paths::Slug| {
        main.articles.binary_search_by(|l| l.article.slug.cmp(slug)).ok().map(|i| &main.articles[i].article)
    };
    let mut out_of_date = Vec::new();
    let mut only_here = Vec::new();
    for &(folder, language, edition) in editions {
        let mut translated = rustc_hash::FxHashSet::default();
        for l in &edition.articles {
            let file = moved(&l.article.source.display_path(), folder);
            let Some(t) = &l.article.meta.translation else {
                let concern = Concern::OnlyInOneEdition {
                    language: language_name(main_language),
                    folder: "articles".to_string(),
                };
                only_here.push(Warning { file, concern });
                continue;
            };
            translated.insert(&t.of.value);
            if let Some(o) = original(&t.of.value).filter(|o| o.meta.last_revised > t.original_revised) {
                let revised = o.meta.last_revised;
                let concern = Concern::TranslationOutOfDate {
                    language: language_name(main_language),
                    revised,
                    follows: t.original_revised,
                };
                out_of_date.push((t.original_revised, Warning { file, concern }));
            }
        }
        for l in main.articles.iter().filter(|l| !translated.contains(&l.article.slug)) {
            let concern = Concern::OnlyInOneEdition { language: language_name(language), folder: folder.to_string() };
            only_here.push(Warning { file: l.article.source.display_path(), concern });
        }
    }
    out_of_date.sort_by(|a, b| (a.0, &a.1.file).cmp(&(b.0, &b.1.file)));
    out_of_date.into_iter().map(|(_, w)| w).chain(only_here).collect()
}

/// Concerns about references and illustrations, in file order: references never cited; images
/// no article shows, without credit or licence, or over the size limit.
pub(crate) fn media_warnings(site: &Site, library: &crate::media::Library, limit_kb: u64) -> Vec<Warning> {
    let mut found = Vec::new();
    for l in &site.articles {
        let cited = l.article.outline.cited();
        for r in &l.article.meta.references {
            if !cited.contains(&r.value.key.as_str()) {
                let concern = Concern::UncitedReference { key: r.value.key.clone() };
                found.push(Warning { file: l.article.source.display_path(), concern });
            }
        }
    }
    let shown: std::collections::HashSet<&str> =
        site.articles.iter().flat_map(|l| l.article.outline.images.iter().map(|r| r.source.as_str())).collect();
    for image in library.images.values() {
        let file = PathBuf::from(crate::config::ARTICLES_DIR).join(&image.source);
        if !shown.contains(image.source.as_str()) {
            found.push(Warning { file: file.clone(), concern: Concern::UnusedImage });
        }
        for (value, missing) in [(&image.meta.credit, "credit"), (&image.meta.licence, "licence")] {
            if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                found.push(Warning { file: file.clone(), concern: Concern::ImageWithoutCredit { missing } });
            }
        }
        let kb = image.bytes.div_ceil(1024);
        if kb > limit_kb {
            found.push(Warning { file, concern: Concern::LargeImage { kb, limit: limit_kb } });
        }
    }
    found
}

/// Indexes of the articles that no other article links to, by a body link (`slug.md` or a wiki
/// link) or a `see_also` entry.
fn orphans(site: &Site) -> Vec<usize> {
    site.links_here().iter().enumerate().filter(|(_, from)| from.is_empty()).map(|(i, _)| i).collect()
}

impl CheckReport {
    /// Whether the check passed: no errors, and no warnings either when `strict`.
    pub(crate) fn outcome(&self, strict: bool) -> Outcome {
        if !self.errors.items().is_empty() || (strict && !self.warnings.is_empty()) {
            Outcome::Failure
        } else {
            Outcome::Success
        }
    }

    /// The report as lines: the errors as a build prints them, a `warning:` line per concern,
    /// and a summary.
    pub(crate) fn text(&self, strict: bool) -> String {
        use std::fmt::Write as _;
        let mut text = self.errors.to_string();
        for w in &self.warnings {
            let _ = writeln!(text, "warning: {}: {}", shown_path(&self.root_shown, &w.file).display(), w.concern);
        }
        if !self.errors.items().is_empty() {
            let _ = writeln!(
                text,
                "check failed: {}; overdue reviews and orphans are listed once the articles build",
                self.errors.summary()
            );
            return text;
        }
        let count = |kind: &str| self.warnings.iter().filter(|w| w.concern.kind() == kind).count();
        let checked = plural(self.articles, "article", "articles");
        if self.warnings.is_empty() {
            let _ = writeln!(text, "checked {checked}: no problems");
            return text;
        }
        let mut parts = Vec::new();
        for (kind, one, many) in [
            ("overdue_review", "review overdue", "reviews overdue"),
            ("no_reviser", "without revised_by", "without revised_by"),
            ("orphan", "orphan", "orphans"),
            ("translation_out_of_date", "translation out of date", "translations out of date"),
            ("only_in_one_edition", "only in one edition", "only in one edition"),
            ("uncited_reference", "reference never cited", "references never cited"),
            ("unused_image", "image unused", "images unused"),
            ("image_without_credit", "image without credit or licence", "images without credit or licence"),
            ("large_image", "image over the size limit", "images over the size limit"),
            ("old_slug", "link to a previous slug", "links to previous slugs"),
            ("no_text", "article without text", "articles without text"),
            ("empty_section", "empty section", "empty sections"),
            ("reading_level", "above the reading grade", "above the reading grade"),
        ] {
            let n = count(kind);
            if n > 0 {
                parts.push(plural(n, one, many));
            }
        }
        let warnings = format!("{} ({})", plural(self.warnings.len(), "warning", "warnings"), parts.join(", "));
        let _ = if strict {
            writeln!(text, "check failed: {warnings}, and --strict fails on warnings")
        } else {
            writeln!(text, "checked {checked}: {warnings}")
        };
        text
    }

    /// The report as one JSON object: `{"articles": N, "errors": [...], "warnings": [...]}`,
    /// each item with `file`, `line`, `kind` and `message`, and overdue reviews with their
    /// dates and how overdue they are.
    pub(crate) fn json(&self) -> Result<String> {
        let path = |file: &Path| shown_path(&self.root_shown, file).display().to_string();
        let report = JsonReport {
            articles: self.articles,
            errors: self
                .errors
                .items()
                .iter()
                .map(|d| JsonItem {
                    file: path(&d.file),
                    line: d.line,
                    kind: d.problem.kind(),
                    message: d.problem.to_string(),
                    ..JsonItem::default()
                })
                .collect(),
            warnings: self
                .warnings
                .iter()
                .map(|w| {
                    let mut item = JsonItem {
                        file: path(&w.file),
                        line: None,
                        kind: w.concern.kind(),
                        message: w.concern.to_string(),
                        ..JsonItem::default()
                    };
                    if let Concern::OverdueReview { last_revised, overdue } = &w.concern {
                        item.last_revised = Some(*last_revised);
                        item.review_due = Some(overdue.due);
                        item.overdue_months = Some(overdue.months);
                        item.overdue_days = Some(overdue.days);
                    }
                    if let Concern::OldSlug { line, .. } | Concern::EmptySection { line, .. } = &w.concern {
                        item.line = Some(*line);
                    }
                    if let Concern::ReadingLevel { reading, .. } = &w.concern {
                        item.reading_grade = Some(round_tenth(reading.grade()));
                    }
                    item
                })
                .collect(),
            readings: self
                .readings
                .iter()
                .map(|(file, r)| JsonReading {
                    file: path(file),
                    grade: round_tenth(r.grade()),
                    words: r.words,
                    sentences: r.sentences,
                    syllables: r.syllables,
                    longest_sentences: &r.longest_sentences,
                    long_words: &r.long_words,
                })
                .collect(),
        };
        Ok(serde_json::to_string_pretty(&report)?)
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    articles: usize,
    errors: Vec<JsonItem>,
    warnings: Vec<JsonItem>,
    /// Every article's reading figures, whether or not it is above the limit.
    readings: Vec<JsonReading<'a>>,
}

#[derive(Serialize)]
struct JsonReading<'a> {
    file: String,
    /// Flesch–Kincaid grade, to one decimal.
    grade: f64,
    words: usize,
    sentences: usize,
    syllables: usize,
    longest_sentences: &'a [String],
    long_words: &'a [(String, usize)],
}

fn round_tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[derive(Serialize, Default)]
struct JsonItem {
    file: String,
    line: Option<usize>,
    kind: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_revised: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    review_due: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    overdue_months: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    overdue_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reading_grade: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::parse_article;
    use crate::paths::SourcePath;
    use jiff::civil::date;
    use std::sync::Arc;

    fn site(files: &[(&str, &str)]) -> Site {
        let articles = files
            .iter()
            .map(|(path, text)| {
                let source = SourcePath::new(Path::new(path));
                Arc::new(parse_article(&source, text.as_bytes()).unwrap().0)
            })
            .collect();
        crate::site::link(articles, &Default::default(), 10).unwrap()
    }

    #[test]
    fn only_links_from_other_articles_keep_an_article_from_being_an_orphan() {
        let site = site(&[
            ("a.md", "---\ntitle: A\nlast_revised: 2020-01-01\nrevised_by: X\n---\n\n[me](a.md) [[A]]\n"),
            ("b.md", "---\ntitle: B\nlast_revised: 2020-01-01\nrevised_by: X\n---\n\n[a](a.md)\n"),
            ("c.md", "---\ntitle: C\nalternative_names: [See]\nlast_revised: 2020-01-01\n---\n"),
            ("d.md", "---\ntitle: D\nsee_also: [e]\nlast_revised: 2020-01-01\nrevised_by: X\n---\n\n[[See]]\n"),
            ("e.md", "---\ntitle: E\nlast_revised: 2020-01-01\nrevised_by: X\n---\n"),
        ]);
        let orphans: Vec<&str> = orphans(&site).into_iter().map(|i| site.articles[i].article.slug.as_str()).collect();
        // a links only to itself; b and d are linked from nowhere; c by a wiki link to its
        // alternative name, e by a see_also.
        assert_eq!(orphans, ["b", "d"]);
    }

    #[test]
    fn warnings_list_overdue_reviews_oldest_first_then_missing_revisers_then_orphans() {
        let site = site(&[
            ("new.md", "---\ntitle: New\nlast_revised: 2026-06-01\nrevised_by: X\n---\n\n[[Old]] [[Older]]\n"),
            ("old.md", "---\ntitle: Old\nlast_revised: 2020-05-05\n---\n\n[[New]]\n"),
            ("older.md", "---\ntitle: Older\nlast_revised: 2019-03-02\nrevised_by: X\n---\n\nText.\n"),
        ]);
        let lines: Vec<String> = warnings(&site, 24, 99, date(2026, 11, 25))
            .iter()
            .map(|w| format!("{}: {}", w.file.display(), w.concern))
            .collect();
        assert_eq!(
            lines,
            [
                "articles/older.md: last revised 2019-03-02, review overdue by 5 years 8 months (it was due on 2021-03-02)",
                "articles/old.md: last revised 2020-05-05, review overdue by 4 years 6 months (it was due on 2022-05-05)",
                "articles/old.md: no `revised_by`: name who last reviewed this article",
            ]
        );
        assert!(warnings(&site, 0, 99, date(2026, 11, 25)).iter().all(|w| w.concern.kind() != "overdue_review"));
    }
}
