//! Article bodies: Markdown to HTML with stable heading ids, every link classified for the
//! link checker, warning callouts, and sanitising of raw HTML.
//!
//! Rendering happens in two steps so that the expensive one can be cached by content:
//! [`parse_body`] depends only on the body text and gives the [`Outline`] (headings, links:
//! what the link stage needs) and the [`BodyHtml`]; [`BodyHtml::finish`] fills in the hrefs
//! of wiki links, which depend on the other articles' names, and sanitises raw HTML.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

mod packed_links;

pub(crate) use packed_links::Links;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::paths::{Href, Slug};

/// Ids the page templates use; headings never take them.
pub(crate) const RESERVED_IDS: &[&str] = &[
    "main-content",
    "site-search",
    "site-search-results",
    "az-nav",
    "see-also",
    "top",
    "recent",
    "on-this-page",
    "links-here",
];

/// Ids the search box gives its result options (`site-search-results-0`, …).
const RESERVED_ID_PREFIX: &str = "site-search-results-";

/// Prefixes of the ids encyc gives footnotes, citations and reference entries; a heading
/// whose id would start with one gets `section-` in front, so ids stay unique on the page.
const NOTE_ID_PREFIXES: &[&str] = &["fn-", "fnref-", "cite-", "ref-"];

/// Markers left in the HTML for what only the render stage can write (an illustration needs
/// its published name and metadata; a back-link's words come from the theme):
/// `\u{E000}` + kind + payload + `\u{E001}`. Private-use characters survive escaping and
/// sanitising unchanged.
const MARK_OPEN: char = '\u{E000}';
const MARK_CLOSE: char = '\u{E001}';

/// What a marker stands for, handed to [`BodyHtml::finish`]'s `fill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker<'a> {
    /// The `slot`th image of the body (see [`Outline::images`]); `block` when it stands alone
    /// in its paragraph (a figure with its caption), else inline.
    Image { slot: usize, block: bool },
    /// The link from a footnote back to where it is referenced: the id to link to.
    BackLink { id: &'a str },
}

/// An illustration the body shows: `![…](media/spine.svg)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ImageRef {
    pub(crate) line: usize,
    /// The path under `articles/`: `media/spine.svg`.
    pub(crate) source: String,
}

/// A citation of a reference by its key: `[@key]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Citation {
    pub(crate) line: usize,
    pub(crate) key: String,
}

/// The placeholder written as a wiki link's href until the link stage knows its target.
const WIKI_PLACEHOLDER: &str = "encyc-wiki:";

/// A heading of the body, with the id that anchors link to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Heading<'a> {
    pub(crate) level: u8,
    pub(crate) id: &'a str,
    pub(crate) text: &'a str,
    pub(crate) line: usize,
}

/// The headings of a body, in order: each one's id and text lie one after another in one
/// string. Every build decodes the headings of every article from the cache, a few each, and
/// two strings per heading were a third of the strings decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Headings {
    text: String,
    entries: Vec<HeadingEntry>,
}

/// Where a heading's id and text end in [`Headings::text`] (each starts where the one before
/// ends), with its level and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct HeadingEntry {
    level: u8,
    line: u32,
    id_end: u32,
    text_end: u32,
}

impl Headings {
    pub(crate) fn push(&mut self, level: u8, id: &str, text: &str, line: usize) {
        let end = |text: &String| u32::try_from(text.len()).unwrap_or(u32::MAX);
        self.text.push_str(id);
        let id_end = end(&self.text);
        self.text.push_str(text);
        let text_end = end(&self.text);
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        self.entries.push(HeadingEntry { level, line, id_end, text_end });
    }

    /// The heading at `at`.
    pub(crate) fn get(&self, at: usize) -> Option<Heading<'_>> {
        let entry = self.entries.get(at)?;
        let start = if at == 0 { 0 } else { self.entries[at - 1].text_end as usize };
        let part = |from: usize, to: u32| self.text.get(from..to as usize).unwrap_or("");
        Some(Heading {
            level: entry.level,
            id: part(start, entry.id_end),
            text: part(entry.id_end as usize, entry.text_end),
            line: entry.line as usize,
        })
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Heading<'_>> {
        (0..self.entries.len()).filter_map(|at| self.get(at))
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.entries.shrink_to_fit();
    }
}

/// Where a link in the body points, as far as the body alone can tell: with its strings owned
/// (`S` is `String`) as parsing finds it, or borrowed (`&str`) as [`Links::iter`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkTarget<S = String> {
    /// `[text](slug.md)` or `[text](slug.md#anchor)`.
    Article { slug: S, anchor: Option<S> },
    /// `[[Name]]`, `[[Name#anchor]]` or `[[Name|text]]`; `slot` numbers the wiki links.
    Wiki { name: S, anchor: Option<S>, slot: usize },
    /// `[[es:Name]]` or `[text](es:slug.md)`: an article of the edition in another language
    /// (`es`), found by name or slug once every edition is linked; `slot` numbers it among the
    /// wiki links, whose hrefs are filled in alike.
    OtherEdition { language: S, article: ArticleRef<S>, anchor: Option<S>, slot: usize },
    /// `[text](#anchor)` within the same article.
    SamePage { anchor: S },
    /// `https://…`, `mailto:…` and the like.
    External,
    /// A scheme that could run code or is unknown (`javascript:`, `data:`).
    Unsafe,
    /// A relative link to something that is not an article (`image.png`, `/about.html`).
    Unpublished,
    /// `//host/path`: another site, without saying how to reach it. Almost always a slip
    /// for `https://host/path`, so it is an error rather than a guess.
    ProtocolRelative,
}

/// How a link to another edition names its article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArticleRef<S = String> {
    /// By title or alternative name, as wiki links do.
    Name(S),
    /// By slug, as Markdown links do.
    Slug(S),
}

/// The language of a link to another edition (`es` in `es:Name`), if `dest` starts with
/// one: two or three lower-case letters, with an optional region or script (`pt-br`). `tel:`
/// is the telephone links' scheme, never a language tag (Telugu's is `te`).
fn edition_prefix(dest: &str) -> Option<(&str, &str)> {
    let (language, rest) = dest.split_once(':').filter(|(language, _)| *language != "tel")?;
    let mut parts = language.split('-');
    let primary = parts.next()?;
    let primary_ok = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok = parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    (primary_ok && rest_ok && !rest.starts_with('/')).then_some((language, rest))
}

/// One link of the body: what was written, where, and what it means (its strings owned or
/// borrowed, as for [`LinkTarget`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyLink<S = String> {
    pub(crate) line: usize,
    pub(crate) written: S,
    pub(crate) target: LinkTarget<S>,
}

#[cfg(test)]
impl BodyLink<&str> {
    /// This link with its strings owned.
    pub(crate) fn owned(&self) -> BodyLink {
        let own = |s: &str| s.to_string();
        let target = match self.target {
            LinkTarget::Article { slug, anchor } => LinkTarget::Article { slug: own(slug), anchor: anchor.map(own) },
            LinkTarget::Wiki { name, anchor, slot } => {
                LinkTarget::Wiki { name: own(name), anchor: anchor.map(own), slot }
            }
            LinkTarget::OtherEdition { language, article, anchor, slot } => LinkTarget::OtherEdition {
                language: own(language),
                article: match article {
                    ArticleRef::Name(name) => ArticleRef::Name(own(name)),
                    ArticleRef::Slug(slug) => ArticleRef::Slug(own(slug)),
                },
                anchor: anchor.map(own),
                slot,
            },
            LinkTarget::SamePage { anchor } => LinkTarget::SamePage { anchor: own(anchor) },
            LinkTarget::External => LinkTarget::External,
            LinkTarget::Unsafe => LinkTarget::Unsafe,
            LinkTarget::Unpublished => LinkTarget::Unpublished,
            LinkTarget::ProtocolRelative => LinkTarget::ProtocolRelative,
        };
        BodyLink { line: self.line, written: own(self.written), target }
    }
}

/// A heading whose level does not fit the page outline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OutlineProblem {
    pub(crate) line: usize,
    pub(crate) message: String,
}

/// What the link stage needs to know about a body: its sections and its links. Small, and
/// kept between builds so that unchanged articles need not be parsed again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Outline {
    pub(crate) headings: Headings,
    pub(crate) links: Links,
    pub(crate) problems: Vec<OutlineProblem>,
    /// The illustrations shown, in order (the slots of [`Marker::Image`]).
    pub(crate) images: Vec<ImageRef>,
    /// Every citation, in order; the references are numbered by first use.
    pub(crate) citations: Vec<Citation>,
    /// The headings (indices into `headings`) whose sections hold nothing a reader would
    /// see: at most hints in comments, up to the next heading of the same or a higher level.
    pub(crate) empty_sections: Vec<usize>,
    /// Whether the body holds anything a reader would see besides its headings.
    pub(crate) has_text: bool,
}

impl Outline {
    /// The keys cited, each once, in order of first use: reference `n` is `cited()[n - 1]`.
    pub(crate) fn cited(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for c in &self.citations {
            if !keys.contains(&c.key.as_str()) {
                keys.push(&c.key);
            }
        }
        keys
    }
}

/// The words of a body, for the search index: the text of paragraphs, lists and headings
/// (code left out), with a space wherever a block ends; and the text of its first paragraphs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PlainText {
    pub(crate) all: String,
    pub(crate) intro: String,
    /// The prose, for the reading grade: one string per block (paragraph, list item, table
    /// cell), without headings, code, or a section of references.
    pub(crate) prose: Vec<String>,
}

/// Headings of sections that list references rather than tell the reader something.
const REFERENCE_HEADINGS: &[&str] = &["references", "sources", "bibliography", "further reading"];

/// How much text of the first paragraphs is kept for a snippet.
const INTRO_LENGTH: usize = 400;

fn is_block(end: &TagEnd) -> bool {
    !matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// Which sections of a body are still empty, as the parse goes: a section ends at the next
/// heading of the same or a higher level, or at the end of the body, and is empty if nothing
/// a reader would see came before (an HTML comment, the hint a new article's sections hold,
/// is not something to see).
#[derive(Debug, Default)]
struct EmptySections {
    /// The open sections: level, index of the heading, whether anything was shown in them.
    open: Vec<(u8, usize, bool)>,
    empty: Vec<usize>,
    /// Inside an HTML comment that an earlier piece of raw HTML opened.
    in_comment: bool,
    any_content: bool,
}

impl EmptySections {
    /// Whether `event`, outside a heading, shows the reader something.
    fn shows(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::Text(t) => !t.trim().is_empty(),
            Event::Html(html) | Event::InlineHtml(html) => self.html_shows(html),
            Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::Rule
            | Event::TaskListMarker(_)
            | Event::Start(Tag::Image { .. }) => true,
            _ => false,
        }
    }

    /// Whether a piece of raw HTML holds anything besides comments and white space.
    fn html_shows(&mut self, mut html: &str) -> bool {
        loop {
            if self.in_comment {
                match html.find("-->") {
                    Some(end) => {
                        html = &html[end + 3..];
                        self.in_comment = false;
                    }
                    None => return false,
                }
            }
            match html.find("<!--") {
                Some(start) if html[..start].trim().is_empty() => {
                    html = &html[start + 4..];
                    self.in_comment = true;
                }
                Some(_) => return true,
                None => return !html.trim().is_empty(),
            }
        }
    }

    fn content(&mut self) {
        self.any_content = true;
        for section in self.open.iter_mut().rev() {
            if section.2 {
                break;
            }
            section.2 = true;
        }
    }

    fn heading(&mut self, level: u8, index: usize) {
        self.close(level);
        self.open.push((level, index, false));
    }

    /// Ends the open sections of `level` and below.
    fn close(&mut self, level: u8) {
        while let Some(&(open, index, shown)) = self.open.last() {
            if open < level {
                break;
            }
            self.open.pop();
            if !shown {
                self.empty.push(index);
            }
        }
    }

    fn finish(mut self) -> Vec<usize> {
        self.close(0);
        self.empty.sort_unstable();
        self.empty
    }
}

/// A body rendered to HTML, waiting for its wiki links' hrefs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BodyHtml {
    html: String,
    /// Byte ranges of the wiki placeholders in `html`, in slot order.
    wiki_slots: Vec<Range<usize>>,
    /// Raw HTML was written in the body, so the finished HTML must be sanitised.
    has_raw_html: bool,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// Maps byte offsets of the body to lines of the file.
struct Lines {
    starts: Vec<usize>,
    first_line: usize,
}

impl Lines {
    fn new(text: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { starts, first_line }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1 + self.first_line
    }
}

/// Care cards, in the manner of the NHS "when to get help" cards: the marker opening a block
/// quote, and the kind the theme's `care-card.html` gets to write the card's heading.
pub(crate) const CARE_CARDS: &[(&str, &str)] =
    &[("[!EMERGENCY]", "emergency"), ("[!URGENT]", "urgent"), ("[!NON-URGENT]", "non-urgent")];

/// Where a care card's heading goes in a body's HTML; the render stage puts the theme's
/// heading there, so that its words (and their translations) live in the theme.
pub(crate) fn care_card_slot(kind: &str) -> String {
    format!("<p class=\"care-title\">encyc-care-card:{kind}</p>")
}

/// Finds the lines that open a care card (`> [!EMERGENCY]`) and blanks their markers, which
/// pulldown-cmark would otherwise publish as text. Returns the body to parse (of the same
/// length, so offsets and lines are unchanged) and each card's line offset and kind.
fn care_card_markers(body: &str) -> (Cow<'_, str>, Vec<(usize, &'static str)>) {
    let mut found = Vec::new();
    let mut blanked: Option<String> = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let after_quote = line.trim_start().strip_prefix('>').map(str::trim);
        let card = after_quote.and_then(|marker| CARE_CARDS.iter().find(|(m, _)| m.eq_ignore_ascii_case(marker)));
        if let (Some(marker), Some(&(_, kind))) = (after_quote, card) {
            let at = offset + line.find(marker).expect("the marker is in the line");
            let text = blanked.get_or_insert_with(|| body.to_string());
            text.replace_range(at..at + marker.len(), &" ".repeat(marker.len()));
            found.push((offset, kind));
        }
        offset += line.len();
    }
    (blanked.map_or(Cow::Borrowed(body), Cow::Owned), found)
}

/// Parses and renders a body. `first_line` is the file line the body starts on. The prose
/// ([`PlainText::prose`]) is gathered only when `keep_prose`: only the reading grade reads it, and
/// only `encyc check` measures that.
pub(crate) fn parse_body(body: &str, first_line: usize, keep_prose: bool) -> (Outline, BodyHtml, PlainText) {
    let (prepared, care_cards) = care_card_markers(body);
    let body: &str = &prepared;
    // Whether each open plain block quote is a care card, innermost last.
    let mut open_quotes: Vec<bool> = Vec::new();
    let mut plain = String::with_capacity(body.len());
    // The text of the first paragraphs, for a snippet when the article has no summary.
    let mut intro = String::new();
    let mut in_paragraph = false;
    let mut in_code_block = false;
    let lines = Lines::new(body, first_line);
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut headings = Headings::default();
    let mut links = Vec::new();
    let mut outline_problems = Vec::new();
    let mut has_raw_html = false;
    let mut used_ids: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    // The heading being read: where its start event is, its level, its line, its text.
    let mut open_heading: Option<(usize, HeadingLevel, usize, String)> = None;
    let mut wiki_count = 0;
    let mut last_level = 1u8;
    // Inside `[[Name#section]]`: the text to show instead of what was written (the name), and
    // whether it has been shown yet.
    let mut wiki_text: Option<(String, bool)> = None;
    let mut html_links = HtmlLinks::default();
    let mut images: Vec<ImageRef> = Vec::new();
    // Inside `![alt](media/…)`: its alt text is the sidecar's business, so skip it.
    let mut in_image = false;
    // Footnote labels and the ids they were given, in order of first sight.
    let mut notes: Vec<(String, String)> = Vec::new();
    let mut note_numbers: Vec<String> = Vec::new();
    // How many times each note was cited so far, in the order of `note_numbers`.
    let mut note_refs: Vec<usize> = Vec::new();
    let mut open_note: Option<String> = None;
    // Where each event came from, for the lines of citations.
    let mut event_lines: Vec<usize> = Vec::new();
    let mut prose: Vec<String> = Vec::new();
    let mut prose_block = String::new();
    // The level of the reference section being read, whose text is not prose.
    let mut references_level: Option<u8> = None;
    let mut sections = EmptySections::default();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if in_image {
            in_image = !matches!(event, Event::End(TagEnd::Image));
            continue;
        }
        let event = match (wiki_text.as_mut(), event) {
            (Some((_, true)), Event::Text(_)) => continue,
            (Some((name, shown)), Event::Text(_)) => {
                *shown = true;
                Event::Text(std::mem::take(name).into())
            }
            (Some(_), event @ Event::End(TagEnd::Link)) => {
                wiki_text = None;
                event
            }
            (_, event) => event,
        };
        if open_heading.is_none() && sections.shows(&event) {
            sections.content();
        }
        // Words of different blocks or lines must not run together; inline ends (a link, an
        // emphasis) must not split a word from its punctuation.
        if matches!(event, Event::SoftBreak | Event::HardBreak) || matches!(&event, Event::End(end) if is_block(end)) {
            plain.push(' ');
            if in_paragraph {
                intro.push(' ');
            }
            if !keep_prose {
                // Nothing to gather.
            } else if matches!(event, Event::SoftBreak | Event::HardBreak) {
                prose_block.push(' ');
            } else if !prose_block.trim().is_empty() {
                prose.push(std::mem::take(&mut prose_block));
            } else {
                prose_block.clear();
            }
        }
        if matches!(event, Event::Start(Tag::Paragraph)) && intro.len() < INTRO_LENGTH {
            in_paragraph = true;
        }
        if matches!(event, Event::End(TagEnd::Paragraph)) && in_paragraph {
            in_paragraph = false;
            intro.push(' ');
        }
        let event = match event {
            Event::Start(Tag::Heading { level, .. }) => {
                if references_level.is_some_and(|open| level as u8 <= open) {
                    references_level = None;
                }
                open_heading = Some((events.len(), level, lines.line_of(range.start), String::new()));
                event
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((start, level, line, text)) = open_heading.take() {
                    let n = level as u8;
                    if n == 1 {
                        outline_problems.push(OutlineProblem {
                            line,
                            message: "a level-1 heading (`# …`) in the body: the title is the page's only level-1 heading, so sections start at `##`".into(),
                        });
                    } else if n > last_level + 1 {
                        outline_problems.push(OutlineProblem {
                            line,
                            message: format!("heading level jumps from {last_level} to {n}: use `{}` here so the outline has no gaps", "#".repeat(last_level as usize + 1)),
                        });
                    }
                    last_level = n;
                    if let Some(message) = heading_id_problem(&events[start], &text, &headings) {
                        outline_problems.push(OutlineProblem { line, message });
                    }
                    let id = set_heading_id(&mut events[start], &text, &mut used_ids);
                    if REFERENCE_HEADINGS.contains(&text.trim().to_lowercase().as_str()) {
                        references_level = Some(n);
                    }
                    headings.push(n, &id, text.trim(), line);
                    sections.heading(n, headings.len() - 1);
                }
                event
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some((_, _, _, text)) = open_heading.as_mut() {
                    text.push_str(t);
                } else if keep_prose && !in_code_block && references_level.is_none() && matches!(event, Event::Text(_))
                {
                    prose_block.push_str(t);
                }
                if !in_code_block {
                    plain.push_str(t);
                }
                if in_paragraph {
                    intro.push_str(t);
                }
                event
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                event
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                event
            }

            Event::Html(ref html) | Event::InlineHtml(ref html) => {
                has_raw_html = true;
                let first_line = lines.line_of(range.start);
                let rewritten = html_links.rewrite(html, |offset, written, target| {
                    let line = first_line + html[..offset].matches('\n').count();
                    links.push(BodyLink { line, written: written.to_string(), target });
                });
                for (offset, problem) in std::mem::take(&mut html_links.img_problems) {
                    let line = first_line + html[..offset.min(html.len())].matches('\n').count();
                    outline_problems.push(OutlineProblem { line, message: problem.to_string() });
                }
                match (rewritten, event) {
                    (None, event) => event,
                    (Some(html), Event::InlineHtml(_)) => Event::InlineHtml(html.into()),
                    (Some(html), _) => Event::Html(html.into()),
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let line = lines.line_of(range.start);
                let (target, href) = classify(link_type, &dest_url, wiki_count);
                if let LinkTarget::OtherEdition { article, .. } = &target {
                    wiki_count += 1;
                    // `[[es:Dolor lumbar]]` shows "Dolor lumbar".
                    if let (ArticleRef::Name(name), LinkType::WikiLink { has_pothole: false }) = (article, link_type) {
                        wiki_text = Some((name.clone(), false));
                    }
                }
                if let LinkTarget::Wiki { name, anchor, .. } = &target {
                    wiki_count += 1;
                    // `[[Low back pain#treatment]]` shows "Low back pain"; `[[Name#section|text]]`
                    // shows whatever else the writer wants.
                    if anchor.is_some() && link_type == (LinkType::WikiLink { has_pothole: false }) {
                        wiki_text = Some((name.clone(), false));
                    }
                }
                links.push(BodyLink { line, written: dest_url.to_string(), target });
                Event::Start(Tag::Link { link_type, dest_url: href, title, id })
            }
            Event::Start(Tag::Image { dest_url, .. }) if media_source(&dest_url).is_some() => {
                let source = media_source(&dest_url).expect("checked in the guard");
                images.push(ImageRef { line: lines.line_of(range.start), source });
                in_image = true;
                Event::Text(format!("{MARK_OPEN}i{}{MARK_CLOSE}", images.len() - 1).into())
            }
            Event::FootnoteReference(label) => {
                let id = note_id(&label, &mut notes, &mut used_ids);
                if !note_numbers.contains(&id) {
                    note_numbers.push(id.clone());
                }
                let n = note_numbers.iter().position(|i| *i == id).expect("pushed above") + 1;
                // A note cited again gets a reference id of its own (`fnref-<id>.2`: no note's
                // id has a dot), so that ids stay unique; the note links back to the first.
                note_refs.resize(note_numbers.len(), 0);
                note_refs[n - 1] += 1;
                let ref_id = match note_refs[n - 1] {
                    1 => format!("fnref-{id}"),
                    k => format!("fnref-{id}.{k}"),
                };
                Event::InlineHtml(
                    format!("<sup class=\"footnote-ref\"><a href=\"#fn-{id}\" id=\"{ref_id}\" role=\"doc-noteref\">{n}</a></sup>")
                        .into(),
                )
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let id = note_id(&label, &mut notes, &mut used_ids);
                open_note = Some(id.clone());
                let number = match note_numbers.iter().position(|i| *i == id) {
                    Some(n) => format!("<span class=\"footnote-number\">{}.</span> ", n + 1),
                    None => String::new(),
                };
                Event::Html(format!("<div class=\"footnote\" id=\"fn-{id}\" role=\"doc-footnote\">{number}\n").into())
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                let id = open_note.take().unwrap_or_default();
                Event::Html(format!("<p class=\"footnote-back\">{MARK_OPEN}b{id}{MARK_CLOSE}</p>\n</div>\n").into())
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let line = lines.line_of(range.start);
                let (target, href) = classify(link_type, &dest_url, usize::MAX);
                // An image is never an article; an image "of" an article is unpublished.
                let target = match target {
                    LinkTarget::Article { .. }
                    | LinkTarget::SamePage { .. }
                    | LinkTarget::Wiki { .. }
                    | LinkTarget::OtherEdition { .. } => LinkTarget::Unpublished,
                    other => other,
                };
                links.push(BodyLink { line, written: dest_url.to_string(), target });
                Event::Start(Tag::Image { link_type, dest_url: href, title, id })
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => Event::Html(callout_open(kind).into()),
            Event::Start(Tag::BlockQuote(None)) => {
                let line_start = body[..range.start].rfind('\n').map_or(0, |i| i + 1);
                let card = care_cards.iter().find(|(at, _)| *at == line_start).map(|(_, kind)| *kind);
                open_quotes.push(card.is_some());
                if let Some(kind) = card {
                    events.push(Event::Html(
                        format!("<div class=\"care-card care-{kind}\" role=\"note\">\n{}\n", care_card_slot(kind))
                            .into(),
                    ));
                    continue;
                }
                if let Some(written) = unknown_callout(&body[range.start..]) {
                    outline_problems.push(OutlineProblem {
                        line: lines.line_of(range.start),
                        message: format!(
                            "unknown callout `{written}`: use [!NOTE], [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION], or a care card: [!EMERGENCY], [!URGENT] or [!NON-URGENT]"
                        ),
                    });
                }
                Event::Start(Tag::BlockQuote(None))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html("</div>\n".into()),
            Event::End(TagEnd::BlockQuote(None)) => match open_quotes.pop() {
                Some(true) => Event::Html("</div>\n".into()),
                _ => Event::End(TagEnd::BlockQuote(None)),
            },
            other => other,
        };
        events.push(event);
        event_lines.push(lines.line_of(range.start));
    }
    let citations = cite(&mut events, &event_lines);

    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let wiki_slots = find_wiki_slots(&html, wiki_count);
    let has_text = sections.any_content;
    let empty_sections = sections.finish();
    (
        Outline {
            headings,
            links: Links::pack(&links),
            problems: outline_problems,
            images,
            citations,
            empty_sections,
            has_text,
        },
        BodyHtml { html, wiki_slots, has_raw_html },
        PlainText { all: plain, intro, prose },
    )
}

/// Finds the links (`href`, `src`) in an article's raw HTML, which may come in pieces (an HTML
/// block arrives line by line, so a tag or comment can span events), and rewrites those to
/// articles as Markdown links are (`sciatica.md#treatment` → `sciatica.html#treatment`).
///
/// Not a full HTML parser: it only needs to find attribute values inside tags and skip
/// comments, and it must keep every byte it does not rewrite, which html5ever's tokenizer
/// (under ammonia) does not offer. ammonia still sanitises the result; a value this scanner
/// misreads only leads to a link check error, never to an unsafe link.
#[derive(Debug, Default)]
struct HtmlLinks {
    state: HtmlState,
    /// The tag being read, lower-cased, and for an `<img>` its `src` and whether it has `alt`.
    tag: String,
    img_src: Option<String>,
    img_alt: bool,
    /// Problems of `<img>` tags: the offset in the HTML given to `rewrite`, and what is wrong.
    img_problems: Vec<(usize, crate::diagnostic::Problem)>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum HtmlState {
    #[default]
    Text,
    /// Inside a start tag, among its attributes.
    Tag,
    /// Inside `<!-- … -->`: commented-out links are not links.
    Comment,
}

impl HtmlLinks {
    /// Calls `found(offset, value, target)` for each link in `html` and returns the rewritten
    /// HTML, or `None` when nothing needed rewriting.
    fn rewrite(&mut self, html: &str, mut found: impl FnMut(usize, &str, LinkTarget)) -> Option<String> {
        let bytes = html.as_bytes();
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                HtmlState::Comment => match html[i..].find("-->") {
                    Some(end) => {
                        i += end + 3;
                        self.state = HtmlState::Text;
                    }
                    None => i = bytes.len(),
                },
                HtmlState::Text => match html[i..].find('<') {
                    Some(at) => {
                        i += at + 1;
                        if html[i..].starts_with("!--") {
                            i += 3;
                            self.state = HtmlState::Comment;
                        } else if bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
                            let tag_start = i;
                            while bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-') {
                                i += 1;
                            }
                            self.tag = html[tag_start..i].to_ascii_lowercase();
                            self.img_src = None;
                            self.img_alt = false;
                            self.state = HtmlState::Tag;
                        }
                    }
                    None => i = bytes.len(),
                },
                HtmlState::Tag => {
                    let b = bytes[i];
                    if b == b'>' {
                        if self.tag == "img" && !self.img_alt {
                            let src = self.img_src.take().unwrap_or_default();
                            self.img_problems.push((i, crate::diagnostic::Problem::ImageWithoutAlt(src)));
                        }
                        self.state = HtmlState::Text;
                        i += 1;
                        continue;
                    }
                    if b.is_ascii_whitespace() || b == b'/' {
                        i += 1;
                        continue;
                    }
                    let name_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"/>=".contains(&bytes[i]) {
                        i += 1;
                    }
                    let name = &html[name_start..i];
                    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    if bytes.get(i) != Some(&b'=') {
                        continue;
                    }
                    i += 1;
                    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    // The value: quoted, or up to the next space or `>`.
                    let (value_start, value_end, next) = match bytes.get(i) {
                        Some(&q @ (b'"' | b'\'')) => match html[i + 1..].find(q as char) {
                            Some(len) => (i + 1, i + 1 + len, i + len + 2),
                            None => (i + 1, bytes.len(), bytes.len()),
                        },
                        _ => {
                            let len = html[i..].find(|c: char| c.is_ascii_whitespace() || c == '>');
                            let end = len.map_or(bytes.len(), |l| i + l);
                            (i, end, end)
                        }
                    };
                    let is_href = name.eq_ignore_ascii_case("href");
                    if self.tag == "img" && name.eq_ignore_ascii_case("alt") {
                        self.img_alt = true;
                    }
                    if self.tag == "img" && name.eq_ignore_ascii_case("src") {
                        let value = &html[value_start..value_end];
                        self.img_src = Some(value.to_string());
                        if scheme_of(value.trim()).is_some() || is_protocol_relative(value.trim()) {
                            let problem = crate::diagnostic::Problem::ImageOutsideSite(value.to_string());
                            self.img_problems.push((i, problem));
                        }
                    }
                    if is_href || name.eq_ignore_ascii_case("src") {
                        let value = &html[value_start..value_end];
                        let (target, href) = classify(LinkType::Inline, &CowStr::from(value), usize::MAX);
                        let target = match target {
                            LinkTarget::Article { .. } | LinkTarget::SamePage { .. } if !is_href => {
                                LinkTarget::Unpublished
                            }
                            other => other,
                        };
                        let replace = matches!(
                            target,
                            LinkTarget::Article { .. } | LinkTarget::Unsafe | LinkTarget::ProtocolRelative
                        );
                        if replace {
                            let out = out.get_or_insert_with(|| String::with_capacity(html.len() + 16));
                            out.push_str(&html[copied..i]);
                            out.push('"');
                            pulldown_cmark_escape::escape_href(&mut *out, &href)
                                .expect("writing to a String cannot fail");
                            out.push('"');
                            copied = next;
                        }
                        found(value_start, value, target);
                    }
                    i = next;
                }
            }
        }
        out.map(|mut out| {
            out.push_str(&html[copied..]);
            out
        })
    }
}

/// What is wrong with the id the heading at `start` asks for, if anything: an explicit
/// `{#id}` that an earlier section or the page itself already has, or a section the page
/// writes itself. (Ids made from text are made unique instead: two sections may share a
/// name.)
fn heading_id_problem(start: &Event<'_>, text: &str, earlier: &Headings) -> Option<String> {
    let Event::Start(Tag::Heading { id, .. }) = start else { return None };
    if heading_id(text) == "see-also" {
        return Some(
            "a section called `See also`: encyc writes that section itself from `see_also:` in the front matter; \
list the articles' slugs there"
                .to_string(),
        );
    }
    let written = id.as_deref().filter(|w| !w.is_empty())?;
    if let Some(first) = earlier.iter().find(|h| h.id == written) {
        return Some(format!("the id `{written}` is already used by the section on line {}", first.line));
    }
    if RESERVED_IDS.contains(&written) || written.starts_with(RESERVED_ID_PREFIX) {
        return Some(format!("the id `{written}` is used by the page itself; choose another"));
    }
    if let Some(prefix) = NOTE_ID_PREFIXES.iter().find(|p| written.starts_with(*p)) {
        return Some(format!(
            "the id `{written}` starts with `{prefix}`, which the page keeps for footnotes, citations and references; choose another"
        ));
    }
    None
}

/// The marker of a callout kind that pulldown-cmark does not know (`[!DANGER]`), if the block
/// quote starting `quote` opens with one: it would be published as literal text.
fn unknown_callout(quote: &str) -> Option<&str> {
    let first = quote.lines().next()?.trim_start().strip_prefix('>')?.trim();
    let kind = first.strip_prefix("[!")?.strip_suffix(']')?;
    (!kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphabetic())).then_some(first)
}

/// Gives the heading at `start` its id: the one written with `{#id}`, or one made from its
/// text. Returns the id.
fn set_heading_id<'a>(start: &mut Event<'a>, text: &str, used: &mut HashSet<String>) -> String {
    let Event::Start(Tag::Heading { id, .. }) = start else {
        unreachable!("set_heading_id is given the heading's start event")
    };
    let base = match id.as_deref() {
        Some(written) if !written.is_empty() => written.to_string(),
        _ => heading_id(text),
    };
    let taken = base.starts_with(RESERVED_ID_PREFIX) || NOTE_ID_PREFIXES.iter().any(|p| base.starts_with(p));
    let base = if taken { format!("section-{base}") } else { base };
    let mut unique = base.clone();
    let mut n = 2;
    while !used.insert(unique.clone()) {
        unique = format!("{base}-{n}");
        n += 1;
    }
    *id = Some(CowStr::from(unique.clone()));
    unique
}

/// The path under `articles/` of an image in the media folder, if `dest` names one:
/// `media/spine.svg`, also written `./media/spine.svg` or `../media/spine.svg` from a subfolder.
fn media_source(dest: &str) -> Option<String> {
    let mut path = dest.trim();
    while let Some(rest) = path.strip_prefix("../").or_else(|| path.strip_prefix("./")) {
        path = rest;
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let rest = decoded.strip_prefix("media/")?;
    let ext = rest.rsplit_once('.')?.1.to_ascii_lowercase();
    let image = ["png", "jpg", "jpeg", "gif", "webp", "svg"].contains(&ext.as_str());
    (image && !rest.split('/').any(|p| p.is_empty() || p == "." || p == "..")).then(|| format!("media/{rest}"))
}

/// The id of the footnote `label`: the same for its reference and its definition, unique on
/// the page (`fn-<id>` and `fnref-<id>` are what is written).
fn note_id(label: &str, notes: &mut Vec<(String, String)>, used: &mut HashSet<String>) -> String {
    if let Some((_, id)) = notes.iter().find(|(l, _)| l == label) {
        return id.clone();
    }
    let base = heading_id(label);
    let mut id = base.clone();
    let mut n = 2;
    while !used.insert(format!("note {id}")) {
        id = format!("{base}-{n}");
        n += 1;
    }
    notes.push((label.to_string(), id.clone()));
    id
}

/// Turns `[@key]` and `[@key1; @key2]` in the text into numbered superscripts linking to the
/// reference list (`#ref-N`); the first citation of each reference gets the id
/// (`cite-N`) its entry links back to. Returns every citation with its line.
fn cite(events: &mut Vec<Event<'_>>, lines: &[usize]) -> Vec<Citation> {
    let mut citations = Vec::new();
    let mut order: Vec<String> = Vec::new();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut i = 0;
    let mut in_code = false;
    while i < events.len() {
        if matches!(events[i], Event::Start(Tag::CodeBlock(_))) {
            in_code = true;
        }
        if matches!(events[i], Event::End(TagEnd::CodeBlock)) {
            in_code = false;
        }
        if in_code || !matches!(events[i], Event::Text(_)) {
            out.push(std::mem::replace(&mut events[i], Event::SoftBreak));
            i += 1;
            continue;
        }
        // Most text is one event with no citation: it stays as it is, uncopied.
        let alone = !matches!(events.get(i + 1), Some(Event::Text(_)));
        if alone
            && let Event::Text(t) = &events[i]
            && !t.contains("[@")
        {
            out.push(std::mem::replace(&mut events[i], Event::SoftBreak));
            i += 1;
            continue;
        }
        // pulldown-cmark splits text at brackets: join the run first.
        let line = lines[i];
        let mut text = String::new();
        while let Some(Event::Text(t)) = events.get(i) {
            text.push_str(t);
            i += 1;
        }
        let mut rest = text.as_str();
        while let Some((before, keys, after)) = next_citation(rest) {
            // NLM style sets the number right after the word: "common¹", not "common ¹".
            let before = before.trim_end();
            if !before.is_empty() {
                out.push(Event::Text(before.to_string().into()));
            }
            let mut links = Vec::new();
            for key in keys {
                citations.push(Citation { line, key: key.to_string() });
                let first = !order.iter().any(|k| k == key);
                if first {
                    order.push(key.to_string());
                }
                let n = order.iter().position(|k| k == key).expect("pushed above") + 1;
                let id = if first { format!(" id=\"cite-{n}\"") } else { String::new() };
                links.push(format!("<a href=\"#ref-{n}\"{id}>{n}</a>"));
            }
            out.push(Event::InlineHtml(format!("<sup class=\"citation\">{}</sup>", links.join(",")).into()));
            rest = after;
        }
        if !rest.is_empty() {
            out.push(Event::Text(rest.to_string().into()));
        }
    }
    *events = out;
    citations
}

/// The first `[@key; @key2]` in `text`: the text before it, its keys and the text after.
fn next_citation(text: &str) -> Option<(&str, Vec<&str>, &str)> {
    let mut from = 0;
    while let Some(at) = text[from..].find("[@") {
        let start = from + at;
        let len = text[start..].find(']')?;
        let inside = &text[start + 1..start + len];
        let keys: Option<Vec<&str>> =
            inside.split(';').map(|k| k.trim().strip_prefix('@').filter(|k| is_citation_key(k))).collect();
        if let Some(keys) = keys {
            return Some((&text[..start], keys, &text[start + len + 1..]));
        }
        from = start + 2;
    }
    None
}

/// Keys as Pandoc writes them: letters, digits and `_:.-`, starting with a letter or digit.
pub(crate) fn is_citation_key(key: &str) -> bool {
    key.chars().next().is_some_and(|c| c.is_alphanumeric())
        && key.chars().all(|c| c.is_alphanumeric() || "_:.-".contains(c))
}

/// The id a heading gets from its text: `Expectations (prognosis)` → `expectations-prognosis`.
pub(crate) fn heading_id(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut id = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    if id.is_empty() { "section".to_string() } else { id }
}

/// The kinds of callout (`> [!NOTE]` …), as the class of their box and the `kind` the theme's
/// `callout-title.html` gets to write their title.
pub(crate) const CALLOUTS: &[&str] = &["note", "tip", "important", "warning", "caution"];

/// Where a callout's title goes in a body's HTML; the render stage puts the theme's title
/// there, in the edition's language, as it does for care cards ([`care_card_slot`]).
pub(crate) fn callout_slot(kind: &str) -> String {
    format!("<p class=\"callout-title\">encyc-callout:{kind}</p>")
}

fn callout_open(kind: BlockQuoteKind) -> String {
    let kind = match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    };
    format!("<div class=\"callout callout-{kind}\" role=\"note\">\n{}\n", callout_slot(kind))
}

/// Decides what a link destination means and what href to write for it now.
fn classify<'a>(link_type: LinkType, dest: &CowStr<'a>, slot: usize) -> (LinkTarget, CowStr<'a>) {
    if let LinkType::WikiLink { .. } = link_type
        && let Some((language, rest)) = edition_prefix(dest)
    {
        let (name, anchor) = split_fragment(rest);
        let article = ArticleRef::Name(name.trim().to_string());
        let target = LinkTarget::OtherEdition {
            language: language.to_string(),
            article,
            anchor: anchor.map(str::to_string),
            slot,
        };
        return (target, format!("{WIKI_PLACEHOLDER}{slot}").into());
    }
    if let LinkType::WikiLink { .. } = link_type {
        let (name, anchor) = split_fragment(dest);
        let target = LinkTarget::Wiki { name: name.trim().to_string(), anchor: anchor.map(str::to_string), slot };
        return (target, format!("{WIKI_PLACEHOLDER}{slot}").into());
    }
    if matches!(link_type, LinkType::Email) {
        return (LinkTarget::External, dest.clone());
    }
    let trimmed = dest.trim();
    if let Some((language, rest)) = edition_prefix(trimmed) {
        let (path, anchor) = split_fragment(rest);
        let stem = path.strip_suffix(".md").unwrap_or(path);
        let decoded = percent_encoding::percent_decode_str(stem).decode_utf8_lossy();
        let target = LinkTarget::OtherEdition {
            language: language.to_string(),
            article: ArticleRef::Slug(decoded.into_owned()),
            anchor: anchor.map(str::to_string),
            slot,
        };
        return (target, format!("{WIKI_PLACEHOLDER}{slot}").into());
    }
    if let Some(anchor) = trimmed.strip_prefix('#') {
        return (LinkTarget::SamePage { anchor: anchor.to_string() }, dest.clone());
    }
    if let Some(scheme) = scheme_of(trimmed) {
        return if ["http", "https", "mailto", "tel"].contains(&scheme.to_ascii_lowercase().as_str()) {
            (LinkTarget::External, dest.clone())
        } else {
            (LinkTarget::Unsafe, "".into())
        };
    }
    if is_protocol_relative(trimmed) {
        return (LinkTarget::ProtocolRelative, "".into());
    }
    let (path, anchor) = split_fragment(trimmed);
    let path = path.split('?').next().unwrap_or(path);
    let file = path.rsplit('/').next().unwrap_or(path);
    if let Some(stem) = file.strip_suffix(".md").filter(|s| !s.is_empty()) {
        let decoded = percent_encoding::percent_decode_str(stem).decode_utf8_lossy();
        let slug = Slug::new(decoded.into_owned());
        let href = slug.href().with_fragment(anchor);
        let target = LinkTarget::Article { slug: slug.into_string(), anchor: anchor.map(str::to_string) };
        return (target, href.as_str().to_string().into());
    }
    (LinkTarget::Unpublished, dest.clone())
}

/// Whether browsers read `dest` as an address on another host (`//host`); they take a
/// backslash for a slash there (`/\\host`, `\\\\host`).
fn is_protocol_relative(dest: &str) -> bool {
    dest.len() >= 2 && dest.as_bytes()[..2].iter().all(|&b| b == b'/' || b == b'\\')
}

fn split_fragment(dest: &str) -> (&str, Option<&str>) {
    match dest.split_once('#') {
        Some((path, frag)) => (path, Some(frag).filter(|f| !f.is_empty())),
        None => (dest, None),
    }
}

/// The URL scheme of `dest`, if it has one (`javascript` for `javascript:alert(1)`).
fn scheme_of(dest: &str) -> Option<&str> {
    // Browsers ignore ASCII whitespace and control characters inside a scheme
    // (`java\tscript:`), so anything before a colon that is not a plain path counts.
    let colon = dest.find(':')?;
    let before = &dest[..colon];
    if before.contains(['/', '?', '#']) {
        return None;
    }
    Some(before)
}

fn find_wiki_slots(html: &str, count: usize) -> Vec<Range<usize>> {
    let mut slots = Vec::with_capacity(count);
    let needle = format!("href=\"{WIKI_PLACEHOLDER}");
    let mut from = 0;
    while slots.len() < count {
        let Some(found) = html[from..].find(&needle) else { break };
        let start = from + found + "href=\"".len();
        let digits = html[start + WIKI_PLACEHOLDER.len()..].bytes().take_while(u8::is_ascii_digit).count();
        let end = start + WIKI_PLACEHOLDER.len() + digits;
        slots.push(start..end);
        from = end;
    }
    slots
}

impl BodyHtml {
    /// The final HTML, given the href of each wiki link in slot order.
    pub(crate) fn finish(&self, wiki_hrefs: &[Href]) -> String {
        self.finish_with(wiki_hrefs, &|_| String::new())
    }

    /// [`BodyHtml::finish`], with `fill` writing what each [`Marker`] stands for (after
    /// sanitising: it is encyc's own markup).
    pub(crate) fn finish_with(&self, wiki_hrefs: &[Href], fill: &dyn Fn(Marker<'_>) -> String) -> String {
        let out = self.finish_links(wiki_hrefs);
        if !out.contains(MARK_OPEN) {
            return out;
        }
        let mut filled = String::with_capacity(out.len() + 256);
        let mut rest = out.as_str();
        while let Some(at) = rest.find(MARK_OPEN) {
            let after = &rest[at + MARK_OPEN.len_utf8()..];
            let Some(len) = after.find(MARK_CLOSE) else { break };
            let inside = &after[..len];
            let tail = &after[len + MARK_CLOSE.len_utf8()..];
            let marker = match inside.split_at(inside.chars().next().map_or(0, char::len_utf8)) {
                ("i", slot) => {
                    slot.parse().ok().map(|slot| (slot, ())).map(|(slot, ())| Marker::Image { slot, block: false })
                }
                ("b", id) => Some(Marker::BackLink { id }),
                _ => None,
            };
            let Some(mut marker) = marker else {
                // Written by the author, not by encyc: drop it.
                filled.push_str(&rest[..at]);
                rest = tail;
                continue;
            };
            let mut head = &rest[..at];
            let mut tail = tail;
            if let Marker::Image { slot, .. } = marker
                && head.ends_with("<p>")
                && tail.starts_with("</p>")
            {
                marker = Marker::Image { slot, block: true };
                head = &head[..head.len() - 3];
                tail = &tail[4..];
            }
            filled.push_str(head);
            filled.push_str(&fill(marker));
            rest = tail;
        }
        filled.push_str(rest);
        filled
    }

    fn finish_links(&self, wiki_hrefs: &[Href]) -> String {
        let mut out = String::with_capacity(self.html.len() + 64 * wiki_hrefs.len());
        let mut from = 0;
        for (slot, href) in self.wiki_slots.iter().zip(wiki_hrefs) {
            out.push_str(&self.html[from..slot.start]);
            pulldown_cmark_escape::escape_href(&mut out, href.as_str()).expect("writing to a String cannot fail");
            from = slot.end;
        }
        out.push_str(&self.html[from..]);
        if self.has_raw_html { sanitise(&out) } else { out }
    }

    /// Takes the HTML out (to keep it elsewhere), leaving the rest.
    pub(crate) fn take_html(&mut self) -> String {
        std::mem::take(&mut self.html)
    }

    /// This body with `html`, taken out by [`BodyHtml::take_html`], back in.
    pub(crate) fn with_html(self, html: String) -> BodyHtml {
        BodyHtml { html, ..self }
    }

    /// The HTML before wiki links are filled in.
    #[cfg(test)]
    pub(crate) fn html(&self) -> &str {
        &self.html
    }
}

/// Raw HTML from authors goes through ammonia. What our own renderer writes (heading ids,
/// callouts) is on its allow-list, so a body with raw HTML keeps the same structure.
fn sanitise(html: &str) -> String {
    static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class", "role"]).link_rel(None);
        b
    });
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_table() {
        for (text, id) in [
            ("Treatment", "treatment"),
            ("Expectations (prognosis)", "expectations-prognosis"),
            ("Causes, incidence, and risk factors", "causes-incidence-and-risk-factors"),
            ("Ménière's disease", "meniere-s-disease"),
            ("!!!", "section"),
        ] {
            assert_eq!(heading_id(text), id, "{text}");
        }
    }

    #[test]
    fn headings_kept_in_one_string_read_back_each_id_and_text() {
        let mut headings = Headings::default();
        let written = [(2, "symptoms", "Symptoms", 5), (3, "", "", 9), (2, "émile-s-sign", "Émile's sign ☃", 12)];
        for (level, id, text, line) in written {
            headings.push(level, id, text, line);
        }
        let read: Vec<(u8, &str, &str, usize)> = headings.iter().map(|h| (h.level, h.id, h.text, h.line)).collect();
        assert_eq!(read, written);
        assert_eq!((headings.len(), headings.get(3)), (3, None));
    }

    #[test]
    fn headings_get_unique_ids_and_lines() {
        let (o, b, _) = parse_body("## Treatment\n\ntext\n\n## Treatment\n\n## Main content\n", 5, true);
        let ids: Vec<&str> = o.headings.iter().map(|h| h.id).collect();
        assert_eq!(ids, ["treatment", "treatment-2", "main-content-2"]);
        assert_eq!(o.headings.get(1).unwrap().line, 9);
        assert!(b.html().contains("<h2 id=\"treatment\">Treatment</h2>"), "{}", b.html());
    }

    #[test]
    fn links_are_classified_with_lines() {
        let body = "See [low back pain](low-back-pain.md) and\n[its treatment](low-back-pain.md#treatment),\n\
[[Sciatica]], [[Slipped disk|a slipped disk]], [above](#symptoms),\n\
[web](https://example.org), [bad](javascript:alert(1)), [img](photo.png).\n\
Call [911](tel:911) or [the line](tel:+1-800-555-0100).\n";
        let (o, b, _) = parse_body(body, 10, true);
        let got: Vec<(usize, LinkTarget<&str>)> = o.links.iter().map(|l| (l.line, l.target)).collect();
        assert_eq!(
            got,
            vec![
                (10, LinkTarget::Article { slug: "low-back-pain", anchor: None }),
                (11, LinkTarget::Article { slug: "low-back-pain", anchor: Some("treatment") }),
                (12, LinkTarget::Wiki { name: "Sciatica", anchor: None, slot: 0 }),
                (12, LinkTarget::Wiki { name: "Slipped disk", anchor: None, slot: 1 }),
                (12, LinkTarget::SamePage { anchor: "symptoms" }),
                (13, LinkTarget::External),
                (13, LinkTarget::Unsafe),
                (13, LinkTarget::Unpublished),
                (14, LinkTarget::External),
                (14, LinkTarget::External),
            ]
        );
        let html = b.finish(&[Href::new("sciatica.html"), Href::new("herniated-disk.html")]);
        assert!(html.contains("<a href=\"low-back-pain.html#treatment\">its treatment</a>"), "{html}");
        assert!(html.contains("<a href=\"sciatica.html\">Sciatica</a>"), "{html}");
        assert!(html.contains("<a href=\"herniated-disk.html\">a slipped disk</a>"), "{html}");
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn a_footnote_cited_twice_keeps_every_id_on_the_page_unique() {
        let (_, b, _) = parse_body("First[^note] and again[^note].\n\n[^note]: The note.\n", 1, true);
        let html = b.finish(&[]);
        let ids: Vec<&str> = html.split(" id=\"").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]).collect();
        assert_eq!(ids, ["fnref-note", "fnref-note.2", "fn-note"], "{html}");
        assert_eq!(html.matches("href=\"#fn-note\"").count(), 2, "{html}");
    }

    #[test]
    fn warning_callouts_become_notes() {
        let (_, b, _) = parse_body("> [!WARNING]\n> Call 911.\n", 1, true);
        let html = b.finish(&[]);
        assert!(html.starts_with("<div class=\"callout callout-warning\" role=\"note\">"), "{html}");
        assert!(html.contains("<p>Call 911.</p>"), "{html}");
    }

    #[test]
    fn raw_html_is_sanitised_but_our_markup_survives() {
        let (_, b, _) = parse_body(
            "## Symptoms\n\n<script>alert(1)</script>\n\n<a href=\"javascript:x\" onclick=\"y()\">hi</a> <b>bold</b>\n\n> [!WARNING]\n> Go.\n",
            1,
            true,
        );
        assert!(b.has_raw_html);
        let html = b.finish(&[]);
        assert!(!html.contains("<script") && !html.contains("onclick") && !html.contains("javascript"), "{html}");
        assert!(html.contains("<b>bold</b>"), "{html}");
        assert!(html.contains("<h2 id=\"symptoms\">"), "{html}");
        assert!(html.contains("class=\"callout callout-warning\" role=\"note\""), "{html}");
    }

    #[test]
    fn links_in_raw_html_are_found_and_rewritten_wherever_they_are() {
        let body = "<div>\n<a\n  HREF='low-back-pain.md#treatment' class=x>a</a>\n<!-- <a href=\"old.md\"> -->\n\
<img src=photo.png alt=\"a > b\"></div>\n\nText <a title=\"href=x.md\" href=\"#top\">up</a>.\n";
        let (o, b, _) = parse_body(body, 1, true);
        let got: Vec<(usize, &str, LinkTarget<&str>)> = o.links.iter().map(|l| (l.line, l.written, l.target)).collect();
        assert_eq!(
            got,
            vec![
                (
                    3,
                    "low-back-pain.md#treatment",
                    LinkTarget::Article { slug: "low-back-pain", anchor: Some("treatment") }
                ),
                (5, "photo.png", LinkTarget::Unpublished),
                (7, "#top", LinkTarget::SamePage { anchor: "top" }),
            ]
        );
        let html = b.finish(&[]);
        assert!(html.contains("href=\"low-back-pain.html#treatment\""), "{html}");
        assert!(!html.contains("old.md") && html.contains("title=\"href=x.md\""), "{html}");
    }

    #[test]
    fn plain_text_keeps_words_and_punctuation_together() {
        let (_, _, text) =
            parse_body("First [[Back pain]]. *Really* so.\n\n## Symptoms\n\nPain\ndown the leg.\n", 1, true);
        assert_eq!(
            text.all.split_whitespace().collect::<Vec<_>>().join(" "),
            "First Back pain. Really so. Symptoms Pain down the leg."
        );
        // The snippet text is paragraphs only, not headings.
        assert_eq!(
            text.intro.split_whitespace().collect::<Vec<_>>().join(" "),
            "First Back pain. Really so. Pain down the leg."
        );
    }

    #[test]
    fn headings_never_take_the_search_boxs_ids() {
        let (o, _, _) = parse_body("## Site search results\n\n## Site search results 0\n", 1, true);
        let ids: Vec<&str> = o.headings.iter().map(|h| h.id).collect();
        assert_eq!(ids, ["site-search-results-2", "section-site-search-results-0"]);
    }

    #[test]
    fn outline_problems_are_reported() {
        let (o, _, _) = parse_body("# Title again\n\n## A\n\n#### Too deep\n", 4, true);
        let lines: Vec<usize> = o.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [4, 8]);
    }
}
