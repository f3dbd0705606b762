//! Problems an editor has to fix, each tied to a file (and a line where there is one).
//!
//! A build collects every diagnostic from every stage, prints them all sorted by file and
//! line, and then fails once, so an editor sees the whole list instead of one error per run.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::text::plural;

/// What is wrong. Messages are written for editors, not programmers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Problem {
    #[error("cannot read the file: {0}")]
    Unreadable(String),
    #[error("the file is not valid UTF-8 text (first bad byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("the file looks like UTF-16 text; save it as UTF-8")]
    Utf16,
    #[error("encyc reads articles only from `.md` files: rename it to {rename_to}")]
    NotDotMd { rename_to: String },
    #[error("the file does not start with front matter: its first line must be `---`")]
    MissingFrontMatter,
    #[error("the front matter opened on line 1 is never closed: add a line `---` after it")]
    UnterminatedFrontMatter,
    #[error("invalid front matter: {0}")]
    BadFrontMatter(String),
    #[error("the front matter has no `{0}`, which every article needs")]
    MissingField(&'static str),
    #[error("`{field}` is empty")]
    EmptyField { field: &'static str },
    #[error("`last_revised: {value}` is not a real date in the form YYYY-MM-DD ({reason})")]
    BadDate { value: String, reason: String },
    #[error("`last_revised: {date}` is in the future (today is {today}): give the date the article was last revised")]
    FutureDate { date: String, today: String },
    #[error("the slug `{slug}` is also used by {other}: slugs (file names) must be unique across all folders")]
    DuplicateSlug { slug: String, other: PathBuf },
    #[error("the slug `{slug}` differs only in letter case from {other}; they would collide on case-insensitive disks")]
    SlugCaseCollision { slug: String, other: PathBuf },
    #[error("the slug `{0}` is reserved for a page encyc generates; rename the file")]
    ReservedSlug(String),
    #[error("the {this} `{name}` is also the {what} of {other}")]
    DuplicateName { name: String, this: &'static str, what: &'static str, other: PathBuf },
    #[error("link to `{target}`: there is no article with the slug `{slug}`{hint}")]
    BrokenLink { target: String, slug: String, hint: String },
    #[error("link to `{target}`: {article} has no section with the id `{anchor}`{hint}")]
    BrokenAnchor { target: String, article: String, anchor: String, hint: String },
    #[error("link to `{target}`: this site has no edition in the language `{language}` (its editions: {known})")]
    UnknownEdition { target: String, language: String, known: String },
    #[error("link to `{target}`: the {edition} edition has no article {what}{hint}")]
    BrokenEditionLink { target: String, edition: String, what: String, hint: String },
    #[error("wiki link `[[{name}]]`: no article has this title or alternative name{hint}")]
    UnknownWikiName { name: String, hint: String },
    #[error(
        "wiki link `[[{name}]]` is ambiguous: it is an alternative name of {candidates}; link to one of them by title"
    )]
    AmbiguousWikiName { name: String, candidates: String },
    #[error(
        "link to `{target}`: the article `{slug}` is a draft, which a build does not publish; publish it (remove `draft: true`) or remove the link"
    )]
    LinkToDraft { target: String, slug: String },
    #[error("previous slug `{slug}` is the slug of {other}: an old address cannot lead to two pages")]
    PreviousSlugInUse { slug: String, other: PathBuf },
    #[error("previous slug `{slug}` is also claimed by {other}: only one article can take over an old address")]
    PreviousSlugClaimed { slug: String, other: PathBuf },
    #[error(
        "previous slug `{0}` is the address of a page encyc generates: no article can have had it; remove it from previous_slugs"
    )]
    PreviousSlugReserved(String),
    #[error("see_also `{slug}`: there is no article with this slug{hint}")]
    BrokenSeeAlso { slug: String, hint: String },
    #[error("see_also `{0}` names this article itself")]
    SelfSeeAlso(String),
    #[error("link to `{0}`: only http, https, mailto and tel links are allowed")]
    UnsafeLink(String),
    #[error(
        "link to `{written}`: a link that starts with `//` leaves the site; write the whole address: https://{host_and_path}"
    )]
    ProtocolRelativeLink { written: String, host_and_path: String },
    #[error("{0}")]
    Outline(String),
    #[error(
        "link to `{0}`: encyc only links to other articles (`slug.md`) and to web addresses; other files are not published"
    )]
    UnpublishedFile(String),
    #[error(
        "`{0}` needs the other translation fields: a translation names `translation_of` (the original's slug) and `original_revised` (the original's `last_revised` it follows)"
    )]
    TranslationFieldAlone(&'static str),
    #[error("`translation_of: {slug}`: the {language} edition has no article with this slug")]
    TranslationOfMissing { slug: String, language: String },
    #[error("`translation_of: {slug}`: {other} translates the same article")]
    TranslatedTwice { slug: String, other: PathBuf },
    #[error("`translation_of` belongs in the articles of a further edition, not in the main edition's {0}/")]
    TranslationInMainEdition(&'static str),
    #[error("`original_revised: {given}` is after the original's `last_revised: {actual}`")]
    TranslationAhead { given: String, actual: String },
    #[error("invalid image metadata: {0}")]
    BadSidecar(String),
    #[error(
        "the image has no alt text: add `alt: what the image shows`, or `decorative: true` if it adds nothing to the text"
    )]
    MissingAlt,
    #[error("the image is `decorative: true` but has alt text: a decorative image has none; remove one of the two")]
    DecorativeWithAlt,
    #[error("the image has no metadata: add a file beside it, named as the image plus `.yaml`, with at least `alt:`")]
    MissingSidecar,
    #[error("image metadata without its image: the file it describes (its name less `.yaml`) does not exist")]
    SidecarWithoutImage,
    #[error("the image is a symbolic link: copy the image itself into the media folder")]
    LinkedImage,
    #[error("the image would share its illustration page `{page}` with `{other}`: rename one of the two")]
    SamePageName { page: String, other: String },
    #[error("the SVG is not safe to publish: {0}")]
    UnsafeSvg(String),
    #[error("the image cannot be read: {0}")]
    CorruptImage(String),
    #[error("the image is larger than {max} pixels on a side: scale it down before adding it")]
    ImageTooLarge { max: u32 },
    /// The image as the article gives it, and the edition's articles folder (`articles`,
    /// `articles.es`), whose `media/` it is looked for in.
    #[error("image `{0}`: there is no such file in {1}/media/ (images live there, with a `.yaml` beside each)")]
    MissingImage(String, String),
    /// An image shown from a hidden file or folder, or through a symbolic link to a folder.
    #[error(
        "image `{0}`: the file is hidden (a part of its path starts with a dot) or reached through a symbolic link to a folder, and encyc publishes neither: move or copy the image itself into {1}/media/"
    )]
    ImageNotTaken(String, String),
    #[error("image `{0}`: an <img> needs an `alt` attribute (empty, `alt=\"\"`, only for a decorative image)")]
    ImageWithoutAlt(String),
    #[error(
        "image `{0}`: an <img> may only show an illustration of the site: use `![](media/…)` with the image in articles/media/"
    )]
    ImageOutsideSite(String),
    #[error("citation `[@{0}]`: the front matter's `references` has no entry with this key")]
    UnknownCitation(String),
    #[error("invalid reference: {0}")]
    BadReference(String),
}

impl Problem {
    /// A stable name for the kind of problem, for tools reading `encyc check --format json`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Problem::Unreadable(_) => "unreadable",
            Problem::NotUtf8 { .. } => "not_utf8",
            Problem::Utf16 => "not_utf8",
            Problem::NotDotMd { .. } => "not_dot_md",
            Problem::MissingFrontMatter => "missing_front_matter",
            Problem::UnterminatedFrontMatter => "unterminated_front_matter",
            Problem::BadFrontMatter(_) => "bad_front_matter",
            Problem::MissingField(_) => "missing_field",
            Problem::EmptyField { .. } => "empty_field",
            Problem::BadDate { .. } => "bad_date",
            Problem::FutureDate { .. } => "future_date",
            Problem::DuplicateSlug { .. } => "duplicate_slug",
            Problem::SlugCaseCollision { .. } => "slug_case_collision",
            Problem::ReservedSlug(_) => "reserved_slug",
            Problem::DuplicateName { .. } => "duplicate_name",
            Problem::TranslationFieldAlone(_) => "translation_field_alone",
            Problem::TranslationOfMissing { .. } => "translation_of_missing",
            Problem::TranslatedTwice { .. } => "translated_twice",
            Problem::TranslationInMainEdition(_) => "translation_in_main_edition",
            Problem::TranslationAhead { .. } => "translation_ahead",
            Problem::BrokenLink { .. } => "broken_link",
            Problem::UnknownEdition { .. } => "unknown_edition",
            Problem::BrokenEditionLink { .. } => "broken_edition_link",
            Problem::BrokenAnchor { .. } => "broken_anchor",
            Problem::UnknownWikiName { .. } => "unknown_wiki_name",
            Problem::AmbiguousWikiName { .. } => "ambiguous_wiki_name",
            Problem::BrokenSeeAlso { .. } => "broken_see_also",
            Problem::LinkToDraft { .. } => "link_to_draft",
            Problem::PreviousSlugInUse { .. } => "previous_slug_in_use",
            Problem::PreviousSlugClaimed { .. } => "previous_slug_claimed",
            Problem::PreviousSlugReserved(_) => "previous_slug_reserved",
            Problem::SelfSeeAlso(_) => "self_see_also",
            Problem::UnsafeLink(_) => "unsafe_link",
            Problem::ProtocolRelativeLink { .. } => "protocol_relative_link",
            Problem::Outline(_) => "outline",
            Problem::UnpublishedFile(_) => "unpublished_file",
            Problem::BadSidecar(_) => "bad_image_metadata",
            Problem::MissingAlt => "missing_alt",
            Problem::DecorativeWithAlt => "decorative_with_alt",
            Problem::MissingSidecar => "missing_image_metadata",
            Problem::SidecarWithoutImage => "image_metadata_without_image",
            Problem::LinkedImage => "linked_image",
            Problem::SamePageName { .. } => "same_illustration_page",
            Problem::UnsafeSvg(_) => "unsafe_svg",
            Problem::CorruptImage(_) => "corrupt_image",
            Problem::ImageTooLarge { .. } => "image_too_large",
            Problem::MissingImage(..) => "missing_image",
            Problem::ImageNotTaken(..) => "image_not_taken",
            Problem::ImageWithoutAlt(_) => "image_without_alt",
            Problem::ImageOutsideSite(_) => "image_outside_site",
            Problem::UnknownCitation(_) => "unknown_citation",
            Problem::BadReference(_) => "bad_reference",
        }
    }
}

/// `file` (relative to the site root) as the user knows it: under the site root as they named
/// it on the command line (`site/articles/foo.md`), or as it is when that is the current folder.
pub(crate) fn shown_path(root: &Path, file: &Path) -> PathBuf {
    if root.as_os_str().is_empty() || root == Path::new(".") { file.to_path_buf() } else { root.join(file) }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    /// Relative to the site root, as the editor knows it: `articles/foo.md`, `encyc.yaml`.
    pub(crate) file: PathBuf,
    pub(crate) line: Option<usize>,
    pub(crate) problem: Problem,
}

impl Diagnostic {
    pub(crate) fn new(file: impl Into<PathBuf>, line: Option<usize>, problem: Problem) -> Self {
        Diagnostic { file: file.into(), line, problem }
    }

    /// Shows the file relative to `root` as the user named it (`site/articles/foo.md:3`).
    pub(crate) fn display_under<'a>(&'a self, root: &'a Path) -> impl fmt::Display + 'a {
        DisplayUnder { diag: self, root }
    }
}

struct DisplayUnder<'a> {
    diag: &'a Diagnostic,
    root: &'a Path,
}

impl fmt::Display for DisplayUnder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = shown_path(self.root, &self.diag.file);
        match self.diag.line {
            Some(line) => write!(f, "{}:{line}: {}", file.display(), self.diag.problem),
            None => write!(f, "{}: {}", file.display(), self.diag.problem),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.display_under(Path::new("")).fmt(f)
    }
}

/// Every problem of one build, sorted by file and line so that output is stable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostics {
    items: Vec<Diagnostic>,
    /// How paths are shown: the site root as the user named it.
    root: PathBuf,
}

impl Diagnostics {
    pub(crate) fn new(mut items: Vec<Diagnostic>, root: &Path) -> Self {
        items.sort_by(|a, b| (&a.file, a.line, a.problem.to_string()).cmp(&(&b.file, b.line, b.problem.to_string())));
        items.dedup();
        Diagnostics { items, root: root.to_path_buf() }
    }

    pub(crate) fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    pub(crate) fn file_count(&self) -> usize {
        let mut files: Vec<&PathBuf> = self.items.iter().map(|d| &d.file).collect();
        files.dedup();
        files.len()
    }
}

impl Diagnostics {
    /// One line: how many problems in how many files.
    pub(crate) fn summary(&self) -> String {
        let n = self.items.len();
        let files = self.file_count();
        format!("{} in {}", plural(n, "problem", "problems"), plural(files, "file", "files"))
    }
}

/// Every diagnostic on its own line, `error: file:line: message`.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            writeln!(f, "error: {}", d.display_under(&self.root))?;
        }
        Ok(())
    }
}
