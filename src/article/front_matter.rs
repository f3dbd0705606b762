//! Stage 1, part one: split a file into front matter and body, and read the front matter
//! into a typed [`FrontMatter`]. Pure: text in, value or diagnostics out.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Problem;
use crate::paths::Slug;

/// A value from the front matter and the line of the file it was written on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Located<T> {
    pub(crate) value: T,
    pub(crate) line: usize,
}

/// The front matter of one article, checked and typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FrontMatter {
    pub(crate) title: String,
    /// The line `title:` is on.
    pub(crate) title_line: usize,
    pub(crate) alternative_names: Vec<String>,
    /// The line `alternative_names:` is on (or the opening fence when there are none).
    pub(crate) alternative_names_line: usize,
    pub(crate) last_revised: Date,
    /// The line `last_revised:` is on.
    pub(crate) last_revised_line: usize,
    pub(crate) revised_by: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) see_also: Vec<Located<Slug>>,
    pub(crate) summary: Option<String>,
    /// What this article is a translation of, in an edition in another language (boxed: most
    /// articles are not translations, and a summary of every article is kept in memory).
    pub(crate) translation: Option<Box<Translation>>,
    /// The works the article cites, each with the line its `key:` is on.
    pub(crate) references: Vec<Located<Reference>>,
    /// Reviewers besides `revised_by`, each with a role ("Medical Director").
    pub(crate) reviewers: Vec<Reviewer>,
    /// Slugs the article was published under before it was renamed: each keeps working as a
    /// redirect page.
    pub(crate) previous_slugs: Vec<Located<Slug>>,
    /// `draft: true`: not published by `encyc build`; shown with a banner by `encyc watch`.
    pub(crate) draft: bool,
}

/// `translation_of`, `original_revised` and `translated_by`: an article in a further edition
/// that translates an article of the site's main edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Translation {
    /// The slug of the original in the main edition.
    pub(crate) of: Located<Slug>,
    /// The original's `last_revised` when it was translated.
    pub(crate) original_revised: Date,
    /// The line of `original_revised`.
    pub(crate) original_revised_line: usize,
    /// Who translated it.
    pub(crate) translated_by: Option<String>,
}

/// One work an article cites, as the front matter's `references:` lists it. Rendered in the
/// NLM (Vancouver) style by the theme; only `key` and `title` are required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reference {
    /// What the text cites it by: `[@key]`.
    pub(crate) key: String,
    /// `Surname AB`, as NLM writes them.
    #[serde(default)]
    pub(crate) authors: Vec<String>,
    pub(crate) title: String,
    pub(crate) journal: Option<String>,
    /// For a chapter: the book it is in (and `editors`, `edition`, `publisher`, `place`).
    pub(crate) book: Option<String>,
    #[serde(default)]
    pub(crate) editors: Vec<String>,
    pub(crate) edition: Option<String>,
    pub(crate) publisher: Option<String>,
    pub(crate) place: Option<String>,
    pub(crate) year: Option<u16>,
    pub(crate) volume: Option<String>,
    pub(crate) issue: Option<String>,
    pub(crate) pages: Option<String>,
    /// A chapter of a book, by its number (`:chap 254`, as MedlinePlus cites textbooks).
    pub(crate) chapter: Option<String>,
    pub(crate) pmid: Option<String>,
    pub(crate) doi: Option<String>,
    pub(crate) url: Option<String>,
    /// When a web page was read, YYYY-MM-DD.
    pub(crate) accessed: Option<String>,
}

impl Reference {
    /// What is wrong with the entry, if anything: a key that cannot be cited, a DOI that is
    /// not `10.NNNN/…`, a PMID that is not a number, an address that is not http(s), a date
    /// that is not one. Each problem with the field it is about.
    pub(crate) fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if !crate::markdown::is_citation_key(&self.key) {
            problems.push(("key", format!("`key: {}`: use letters, digits and `_:.-` (cited as `[@key]`)", self.key)));
        }
        if self.title.trim().is_empty() {
            problems.push(("title", format!("`{}` has no title", self.key)));
        }
        if let Some(doi) = &self.doi
            && !is_doi(doi)
        {
            let message = format!("`{}`: `doi: {doi}` is not a DOI (10.NNNN/…, without https://doi.org/)", self.key);
            problems.push(("doi", message));
        }
        if let Some(pmid) = &self.pmid
            && (pmid.len() > 9 || pmid.is_empty() || !pmid.bytes().all(|b| b.is_ascii_digit()) || pmid.starts_with('0'))
        {
            let message = format!("`{}`: `pmid: {pmid}` is not a PubMed id (a number of up to 9 digits)", self.key);
            problems.push(("pmid", message));
        }
        if let Some(url) = &self.url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            problems.push(("url", format!("`{}`: `url: {url}` must start with https:// or http://", self.key)));
        }
        if let Some(accessed) = &self.accessed
            && let Err(reason) = parse_date(accessed)
        {
            problems.push(("accessed", format!("`{}`: `accessed: {accessed}` is not a date ({reason})", self.key)));
        }
        problems
    }
}

/// `10.` + a registrant code of 4–9 digits (with dotted sub-codes) + `/` + a suffix without
/// spaces: the shape Crossref documents for DOIs.
fn is_doi(doi: &str) -> bool {
    let Some(rest) = doi.strip_prefix("10.") else { return false };
    let Some((registrant, suffix)) = rest.split_once('/') else { return false };
    let first = registrant.split('.').next().unwrap_or("");
    (4..=9).contains(&first.len())
        && registrant.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && !suffix.is_empty()
        && !suffix.chars().any(char::is_whitespace)
}

/// A further reviewer of an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reviewer {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) role: Option<String>,
}

/// The front matter exactly as written; `deny_unknown_fields` turns typos into errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    #[serde(default)]
    alternative_names: Vec<String>,
    last_revised: Option<String>,
    revised_by: Option<String>,
    source: Option<String>,
    #[serde(default)]
    see_also: Vec<String>,
    summary: Option<String>,
    translation_of: Option<String>,
    original_revised: Option<String>,
    translated_by: Option<String>,
    #[serde(default)]
    references: Vec<Reference>,
    #[serde(default)]
    reviewers: Vec<Reviewer>,
    #[serde(default)]
    previous_slugs: Vec<String>,
    #[serde(default)]
    draft: bool,
}

/// A file cut in two: the YAML between the `---` lines and the Markdown after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    pub(crate) yaml: &'a str,
    /// The line of the file on which the YAML text starts (always 2).
    pub(crate) yaml_first_line: usize,
    pub(crate) body: &'a str,
    /// The line of the file on which the body starts.
    pub(crate) body_first_line: usize,
}

/// Splits `text` (without BOM, `\n` line endings) at its front matter fences.
pub(crate) fn split(text: &str) -> Result<Split<'_>, (usize, Problem)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err((1, Problem::MissingFrontMatter));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (i, line) in lines.enumerate() {
        let fence = line.trim_end();
        if fence == "---" || fence == "..." {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_first_line: 2,
                body: &text[body_start..],
                // line 1 is the opening fence, i + 2 the closing one.
                body_first_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err((1, Problem::UnterminatedFrontMatter))
}

/// The names a split file's front matter gives (its title, then its alternative names), read
/// leniently: other fields, however wrong, are not looked at. `None` when the YAML itself, or
/// one of these two fields, cannot be read. For a file that does not parse otherwise, whose
/// names other articles' wiki links may use.
pub(crate) fn names_in(split: &Split<'_>) -> Option<Vec<String>> {
    #[derive(Deserialize)]
    struct Names {
        title: Option<String>,
        #[serde(default)]
        alternative_names: Vec<String>,
    }
    let names: Names = crate::yaml::parse(split.yaml, split.yaml_first_line).ok()?;
    let all = names.title.into_iter().chain(names.alternative_names);
    Some(all.map(|name| name.trim().to_string()).filter(|name| !name.is_empty()).collect())
}

/// Reads the YAML of a split file. Every problem found is returned, each with its file line.
pub(crate) fn parse(split: &Split<'_>) -> Result<FrontMatter, Vec<(usize, Problem)>> {
    let fence_line = split.yaml_first_line - 1;
    let raw: RawFrontMatter = crate::yaml::parse(split.yaml, split.yaml_first_line)
        .map_err(|e| vec![(e.line.unwrap_or(fence_line), Problem::BadFrontMatter(e.message))])?;
    let line_of = |key: &str| key_line(split.yaml, key).map_or(fence_line, |l| l + fence_line);

    let mut problems = Vec::new();
    let title = match non_blank(raw.title) {
        Some(t) => t,
        None => {
            problems.push(missing_or_empty(split.yaml, "title", fence_line));
            String::new()
        }
    };
    let last_revised = match non_blank(raw.last_revised) {
        Some(value) => match parse_date(&value) {
            Ok(date) => Some(date),
            Err(reason) => {
                problems.push((line_of("last_revised"), Problem::BadDate { value, reason }));
                None
            }
        },
        None => {
            problems.push(missing_or_empty(split.yaml, "last_revised", fence_line));
            None
        }
    };
    let mut alternative_names = Vec::new();
    for name in raw.alternative_names {
        let name = name.trim().to_string();
        if name.is_empty() {
            problems.push((line_of("alternative_names"), Problem::EmptyField { field: "alternative_names" }));
        } else if name != title && !alternative_names.contains(&name) {
            alternative_names.push(name);
        }
    }
    let mut slug_list = |field: &'static str, slugs: Vec<String>| {
        let field_line = line_of(field);
        let mut list = Vec::new();
        for slug in slugs {
            let slug = slug.trim().trim_end_matches(".md").to_string();
            let line = entry_line(split.yaml, field, &slug).map_or(field_line, |l| l + fence_line);
            if slug.is_empty() {
                problems.push((line, Problem::EmptyField { field }));
            } else {
                list.push(Located { value: Slug::new(slug), line });
            }
        }
        list
    };
    let see_also = slug_list("see_also", raw.see_also);
    let previous_slugs = slug_list("previous_slugs", raw.previous_slugs);
    let translation =
        translation(&raw.translation_of, &raw.original_revised, &raw.translated_by, &line_of, &mut problems)
            .map(Box::new);
    let references_line = line_of("references");
    let mut references: Vec<Located<Reference>> = Vec::new();
    for reference in raw.references {
        let seen = references.iter().filter(|r| r.value.key == reference.key).count();
        let entry = nth_key_line(split.yaml, &reference.key, seen);
        let line = entry.map_or(references_line, |l| l + fence_line);
        let bad = reference.problems();
        if !bad.is_empty() {
            for (field, problem) in bad {
                let at = entry.and_then(|entry| field_line(split.yaml, entry, field)).map_or(line, |l| l + fence_line);
                problems.push((at, Problem::BadReference(problem)));
            }
        } else if let Some(first) = references.iter().find(|r| r.value.key == reference.key) {
            let problem = format!("the key `{}` is also used on line {}", reference.key, first.line);
            problems.push((line, Problem::BadReference(problem)));
        } else {
            references.push(Located { value: reference, line });
        }
    }
    let mut reviewers = Vec::new();
    for r in raw.reviewers {
        match non_blank(Some(r.name)) {
            Some(name) => reviewers.push(Reviewer { name, role: non_blank(r.role) }),
            None => problems.push((line_of("reviewers"), Problem::EmptyField { field: "reviewers" })),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(FrontMatter {
        title,
        title_line: line_of("title"),
        alternative_names,
        alternative_names_line: line_of("alternative_names"),
        last_revised: last_revised.expect("a missing date was reported above"),
        last_revised_line: line_of("last_revised"),
        revised_by: non_blank(raw.revised_by),
        source: non_blank(raw.source),
        see_also,
        summary: non_blank(raw.summary),
        translation,
        references,
        reviewers,
        previous_slugs,
        draft: raw.draft,
    })
}

/// Reads the three translation fields, which go together: a translation names its original
/// and the revision of it that it follows.
fn translation(
    of: &Option<String>,
    original_revised: &Option<String>,
    translated_by: &Option<String>,
    line_of: &dyn Fn(&str) -> usize,
    problems: &mut Vec<(usize, Problem)>,
) -> Option<Translation> {
    let of = non_blank(of.clone()).map(|slug| slug.trim_end_matches(".md").to_string());
    let revised = non_blank(original_revised.clone());
    match (of, revised) {
        (None, None) => {
            if translated_by.is_some() {
                problems.push((line_of("translated_by"), Problem::TranslationFieldAlone("translated_by")));
            }
            None
        }
        (Some(_), None) => {
            problems.push((line_of("translation_of"), Problem::TranslationFieldAlone("translation_of")));
            None
        }
        (None, Some(_)) => {
            problems.push((line_of("original_revised"), Problem::TranslationFieldAlone("original_revised")));
            None
        }
        (Some(slug), Some(value)) => match parse_date(&value) {
            Ok(date) => Some(Translation {
                of: Located { value: Slug::new(slug), line: line_of("translation_of") },
                original_revised: date,
                original_revised_line: line_of("original_revised"),
                translated_by: non_blank(translated_by.clone()),
            }),
            Err(reason) => {
                problems.push((line_of("original_revised"), Problem::BadDate { value, reason }));
                None
            }
        },
    }
}

fn non_blank(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn missing_or_empty(yaml: &str, field: &'static str, fence_line: usize) -> (usize, Problem) {
    match key_line(yaml, field) {
        Some(line) => (line + fence_line, Problem::EmptyField { field }),
        None => (fence_line, Problem::MissingField(field)),
    }
}

/// Dates must be written `YYYY-MM-DD` and be real calendar dates.
fn parse_date(value: &str) -> Result<Date, String> {
    let shape_ok = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shape_ok {
        return Err("expected the form YYYY-MM-DD".to_string());
    }
    value.parse::<Date>().map_err(|e| e.to_string())
}

/// The 1-based line of `yaml` on which the top-level `key:` is written.
fn key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines().position(|line| is_key_line(line, key)).map(|i| i + 1)
}

fn is_key_line(line: &str, key: &str) -> bool {
    line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':'))
}

/// The 1-based line of the `n`th (from 0) `key: <key>` of a reference entry.
fn nth_key_line(yaml: &str, key: &str, n: usize) -> Option<usize> {
    let is_it = |line: &str| {
        let line = line.trim_start().trim_start_matches('-').trim_start();
        // A comment may follow (` # …`); a citation key has no space.
        let value = |v: &str| v.split(" #").next().unwrap_or(v).trim().trim_matches(['"', '\'']).to_string();
        line.strip_prefix("key:").is_some_and(|v| value(v) == key)
    };
    yaml.lines().enumerate().filter(|(_, l)| is_it(l)).nth(n).map(|(i, _)| i + 1)
}

/// The line of `field:` in the list entry whose `key:` is on line `entry` (1-based): that line
/// or one below it indented further, before the next entry or the end of the list.
fn field_line(yaml: &str, entry: usize, field: &str) -> Option<usize> {
    let lines: Vec<&str> = yaml.lines().collect();
    let first = lines.get(entry.checked_sub(1)?)?;
    let indent = |line: &str| line.len() - line.trim_start().len();
    let names = |line: &str| {
        let text = line.trim_start().trim_start_matches('-').trim_start();
        text.strip_prefix(field).is_some_and(|rest| rest.starts_with(':'))
    };
    if names(first) {
        return Some(entry);
    }
    let inside =
        |line: &&&str| line.trim().is_empty() || line.trim_start().starts_with('#') || indent(line) > indent(first);
    lines[entry..].iter().take_while(inside).position(|line| names(line)).map(|i| entry + 1 + i)
}

/// The line of an entry of the list under `key`, found by its text (for messages only).
fn entry_line(yaml: &str, key: &str, entry: &str) -> Option<usize> {
    let start = key_line(yaml, key)?;
    let key_text = yaml.lines().nth(start - 1)?;
    if key_text.contains(entry) {
        return Some(start);
    }
    yaml.lines()
        .enumerate()
        .skip(start)
        .take_while(|(_, line)| line.starts_with([' ', '\t', '-']) || line.trim().is_empty())
        .find(|(_, line)| line.contains(entry))
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(text: &str) -> Result<FrontMatter, Vec<(usize, Problem)>> {
        let split = split(text).map_err(|p| vec![p])?;
        parse(&split)
    }

    #[test]
    fn splits_at_the_fences() {
        let s = split("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_first_line, 4);
    }

    #[test]
    fn fence_problems() {
        assert_eq!(split("title: A\n").unwrap_err(), (1, Problem::MissingFrontMatter));
        assert_eq!(split("---\ntitle: A\nBody\n").unwrap_err(), (1, Problem::UnterminatedFrontMatter));
        assert_eq!(split("").unwrap_err(), (1, Problem::MissingFrontMatter));
    }

    #[test]
    fn reads_every_field() {
        let m = fm("---\ntitle: Nonspecific back pain\nalternative_names:\n  - Back pain - nonspecific\n\
last_revised: 2012-12-06\nrevised_by: Dave R. Roger, M.D.\nsource: Johns Hopkins\n\
see_also: [low-back-pain]\nsummary: Pain.\n---\n")
        .unwrap();
        assert_eq!(m.title, "Nonspecific back pain");
        assert_eq!(m.alternative_names, vec!["Back pain - nonspecific"]);
        assert_eq!(m.last_revised, jiff::civil::date(2012, 12, 6));
        assert_eq!(m.revised_by.as_deref(), Some("Dave R. Roger, M.D."));
        assert_eq!(m.see_also, vec![Located { value: Slug::new("low-back-pain"), line: 8 }]);
    }

    #[test]
    fn problems_carry_file_lines() {
        let cases: &[(&str, usize, &str)] = &[
            ("---\ntitle: A\nlast_revsied: 2012-01-01\n---\n", 3, "unknown field `last_revsied`"),
            ("---\nlast_revised: 2012-01-01\n---\n", 1, "no `title`"),
            ("---\ntitle: A\n---\n", 1, "no `last_revised`"),
            ("---\ntitle: A\nlast_revised: 2012-13-45\n---\n", 3, "not a real date"),
            ("---\ntitle: A\nlast_revised: 6/12/2012\n---\n", 3, "YYYY-MM-DD"),
            ("---\ntitle: ''\nlast_revised: 2012-01-01\n---\n", 2, "`title` is empty"),
            ("---\ntitle: [a list]\nlast_revised: 2012-01-01\n---\n", 2, "expected a string"),
            (
                "---\ntitle: A\nlast_revised: 2012-01-01\nsummary: \"unclosed\n---\n",
                5,
                "while scanning a quoted scalar on line 4",
            ),
        ];
        for (text, line, needle) in cases {
            let problems = fm(text).unwrap_err();
            assert_eq!(problems[0].0, *line, "{text:?}: {problems:?}");
            let msg = problems[0].1.to_string();
            assert!(msg.contains(needle), "{text:?}: {msg}");
        }
    }

    #[test]
    fn malformed_references_are_errors_on_their_line() {
        // Example references, made up for the test: not real works.
        let head = "---\ntitle: A\nlast_revised: 2012-01-01\nreferences:\n  - key: good\n    title: An example\n";
        // A bad field on its own line; a key used twice on the second entry's.
        for (entry, line, needle) in [
            ("  - key: bad\n    title: T\n    doi: 11.1000/x\n", 9, "not a DOI"),
            ("  - key: bad\n    title: T\n    doi: https://doi.org/10.1000/x\n", 9, "not a DOI"),
            ("  - key: bad\n    title: T\n    pmid: 12ab\n", 9, "not a PubMed id"),
            ("  - key: bad\n    title: T\n    url: ftp://x\n", 9, "https://"),
            ("  - key: bad\n    title: T\n    accessed: 2020-02-30\n", 9, "not a date"),
            ("  - key: good\n    title: T\n", 7, "also used on line 5"),
        ] {
            let problems = fm(&format!("{head}{entry}---\n")).unwrap_err();
            assert_eq!(problems[0].0, line, "{entry}: {problems:?}");
            assert!(problems[0].1.to_string().contains(needle), "{entry}: {}", problems[0].1);
        }
        let unknown = fm(&format!("{head}    jurnal: X\n---\n")).unwrap_err();
        assert!(unknown[0].1.to_string().contains("unknown field `jurnal`"), "{unknown:?}");
        let ok = fm(&format!("{head}    doi: 10.1000/xyz123\n    pmid: \"123\"\n---\n")).unwrap();
        assert_eq!(ok.references[0].line, 5);
    }

    #[test]
    fn see_also_entries_know_their_lines() {
        let m = fm("---\ntitle: A\nlast_revised: 2012-01-01\nsee_also:\n  - b\n  - c\n---\n").unwrap();
        let lines: Vec<usize> = m.see_also.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![5, 6]);
    }
}
