//! How the on-disk summary cache keeps an article's body links ([`super::Outline`]'s
//! `links`, through `#[serde(with)]`): every string of every link one after another in one
//! text, and one fixed-width record per link saying what it is and how long each of its strings
//! is, all in one run of bytes. Decoded field by field, with two or three strings each, the links
//! were a fifth of the decoding of the cache, which is the largest part of a build with one
//! article changed: now the text is checked as UTF-8 once, and the records are read without
//! varints.

use serde::de::{SeqAccess, Visitor};
use serde::{Deserializer, Serializer};

use super::{ArticleRef, BodyLink, LinkTarget};
use crate::paths::Slug;

/// One link's record: its line, its kind, whether it has an anchor, its slot (wiki links and
/// links to other editions), and the byte lengths of up to four strings (what was written,
/// then its target's strings in the order of [`strings`]).
const RECORD: usize = 4 + 1 + 1 + 4 + 4 * 4;

const ARTICLE: u8 = 0;
const WIKI: u8 = 1;
const OTHER_BY_NAME: u8 = 2;
const OTHER_BY_SLUG: u8 = 3;
const SAME_PAGE: u8 = 4;
const EXTERNAL: u8 = 5;
const UNSAFE: u8 = 6;
const UNPUBLISHED: u8 = 7;
const PROTOCOL_RELATIVE: u8 = 8;

/// A link's kind, slot, anchor and other strings (besides what was written), in order.
fn strings(target: &LinkTarget) -> (u8, usize, Option<&str>, Vec<&str>) {
    match target {
        LinkTarget::Article { slug, anchor } => (ARTICLE, 0, anchor.as_deref(), vec![slug.as_str()]),
        LinkTarget::Wiki { name, anchor, slot } => (WIKI, *slot, anchor.as_deref(), vec![name.as_str()]),
        LinkTarget::OtherEdition { language, article, anchor, slot } => {
            let (kind, named) = match article {
                ArticleRef::Name(name) => (OTHER_BY_NAME, name.as_str()),
                ArticleRef::Slug(slug) => (OTHER_BY_SLUG, slug.as_str()),
            };
            (kind, *slot, anchor.as_deref(), vec![language.as_str(), named])
        }
        LinkTarget::SamePage { anchor } => (SAME_PAGE, 0, Some(anchor.as_str()), Vec::new()),
        LinkTarget::External => (EXTERNAL, 0, None, Vec::new()),
        LinkTarget::Unsafe => (UNSAFE, 0, None, Vec::new()),
        LinkTarget::Unpublished => (UNPUBLISHED, 0, None, Vec::new()),
        LinkTarget::ProtocolRelative => (PROTOCOL_RELATIVE, 0, None, Vec::new()),
    }
}

fn length(bytes: &[u8]) -> u32 {
    // A link of 4 GB cannot come from an article that was read into memory and parsed, nor
    // records of 4 GB (26 bytes a link) from its links.
    u32::try_from(bytes.len()).unwrap_or(u32::MAX)
}

pub(crate) fn serialize<S: Serializer>(links: &[BodyLink], serializer: S) -> Result<S::Ok, S::Error> {
    // One run of bytes: how long the records are, the records, then the text.
    let (text, records) = pack(links);
    let mut run = Vec::with_capacity(4 + records.len() + text.len());
    run.extend_from_slice(&length(&records).to_le_bytes());
    run.extend_from_slice(&records);
    run.extend_from_slice(text.as_bytes());
    serializer.serialize_bytes(&run)
}

/// The text and the records of `links`.
fn pack(links: &[BodyLink]) -> (String, Vec<u8>) {
    let mut text = String::new();
    let mut records = Vec::with_capacity(links.len() * RECORD);
    for link in links {
        let (kind, slot, anchor, mut parts) = strings(&link.target);
        // The anchor comes last, so that a link without one has one string fewer.
        parts.extend(anchor);
        parts.insert(0, link.written.as_str());
        let mut lengths = [0u32; 4];
        for (length_of, part) in lengths.iter_mut().zip(&parts) {
            *length_of = length(part.as_bytes());
            text.push_str(part);
        }
        records.extend_from_slice(&u32::try_from(link.line).unwrap_or(u32::MAX).to_le_bytes());
        records.push(kind);
        records.push(u8::from(anchor.is_some()));
        records.extend_from_slice(&u32::try_from(slot).unwrap_or(u32::MAX).to_le_bytes());
        for n in lengths {
            records.extend_from_slice(&n.to_le_bytes());
        }
    }
    (text, records)
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<BodyLink>, D::Error> {
    struct Run;
    impl<'de> Visitor<'de> for Run {
        type Value = Vec<BodyLink>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the records and text of the links")
        }
        fn visit_bytes<E: serde::de::Error>(self, run: &[u8]) -> Result<Vec<BodyLink>, E> {
            let damaged = || E::custom("body links that do not fit their text");
            let (len, rest) = run.split_first_chunk::<4>().ok_or_else(damaged)?;
            let len = u32::from_le_bytes(*len) as usize;
            let (records, text) = (rest.get(..len).ok_or_else(damaged)?, &rest[len..]);
            let text = std::str::from_utf8(text).map_err(|_| damaged())?;
            unpack(text, records).ok_or_else(damaged)
        }
        /// Formats without a run of bytes (JSON) write a list of numbers.
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<BodyLink>, A::Error> {
            let mut run = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(byte) = seq.next_element()? {
                run.push(byte);
            }
            self.visit_bytes(&run)
        }
    }
    deserializer.deserialize_bytes(Run)
}

/// The links of `text` and `records`; `None` when they do not fit (a damaged cache).
fn unpack(text: &str, records: &[u8]) -> Option<Vec<BodyLink>> {
    if !records.len().is_multiple_of(RECORD) {
        return None;
    }
    let mut rest = text;
    let mut links = Vec::with_capacity(records.len() / RECORD);
    let word = |record: &[u8], at: usize| u32::from_le_bytes(record[at..at + 4].try_into().expect("four bytes"));
    for record in records.chunks_exact(RECORD) {
        let (line, kind, anchored, slot) = (word(record, 0), record[4], record[5], word(record, 6));
        let mut take = |n: usize| -> Option<String> {
            let len = word(record, 10 + 4 * n) as usize;
            // `get` also refuses a length that would cut a character in two.
            let (part, after) = (rest.get(..len)?, rest.get(len..)?);
            rest = after;
            Some(part.to_string())
        };
        let written = take(0)?;
        let (slot, count) = (
            slot as usize,
            match kind {
                ARTICLE | WIKI => 1,
                OTHER_BY_NAME | OTHER_BY_SLUG => 2,
                _ => 0,
            },
        );
        let mut parts = Vec::with_capacity(3);
        for n in 1..=count {
            parts.push(take(n)?);
        }
        let anchor = match anchored {
            0 => None,
            1 => Some(take(count + 1)?),
            _ => return None,
        };
        let mut parts = parts.into_iter();
        let mut next = || parts.next().expect("as many parts as the kind has");
        let target = match (kind, anchor) {
            (ARTICLE, anchor) => LinkTarget::Article { slug: Slug::new(next()), anchor },
            (WIKI, anchor) => LinkTarget::Wiki { name: next(), anchor, slot },
            (OTHER_BY_NAME, anchor) => {
                LinkTarget::OtherEdition { language: next(), article: ArticleRef::Name(next()), anchor, slot }
            }
            (OTHER_BY_SLUG, anchor) => {
                let language = next();
                LinkTarget::OtherEdition { language, article: ArticleRef::Slug(Slug::new(next())), anchor, slot }
            }
            (SAME_PAGE, Some(anchor)) => LinkTarget::SamePage { anchor },
            (EXTERNAL, None) => LinkTarget::External,
            (UNSAFE, None) => LinkTarget::Unsafe,
            (UNPUBLISHED, None) => LinkTarget::Unpublished,
            (PROTOCOL_RELATIVE, None) => LinkTarget::ProtocolRelative,
            _ => return None,
        };
        links.push(BodyLink { line: line as usize, written, target });
    }
    rest.is_empty().then_some(links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Holder {
        #[serde(with = "super")]
        links: Vec<BodyLink>,
        after: u8,
    }

    fn every_kind() -> Vec<BodyLink> {
        let link = |line, written: &str, target| BodyLink { line, written: written.to_string(), target };
        vec![
            link(3, "back-pain.md", LinkTarget::Article { slug: Slug::new("back-pain"), anchor: None }),
            link(
                4,
                "./sciatica.md#causes",
                LinkTarget::Article { slug: Slug::new("sciatica"), anchor: Some("causes".into()) },
            ),
            link(5, "[[Lumbago]]", LinkTarget::Wiki { name: "Lumbago".into(), anchor: None, slot: 0 }),
            link(
                6,
                "[[Dolor lumbar#síntomas]]",
                LinkTarget::Wiki { name: "Dolor lumbar".into(), anchor: Some("síntomas".into()), slot: 1 },
            ),
            link(
                7,
                "[[es:Ciática]]",
                LinkTarget::OtherEdition {
                    language: "es".into(),
                    article: ArticleRef::Name("Ciática".into()),
                    anchor: None,
                    slot: 2,
                },
            ),
            link(
                8,
                "pt-br:ciatica.md#x",
                LinkTarget::OtherEdition {
                    language: "pt-br".into(),
                    article: ArticleRef::Slug(Slug::new("ciatica")),
                    anchor: Some("x".into()),
                    slot: 3,
                },
            ),
            link(9, "#treatment", LinkTarget::SamePage { anchor: "treatment".into() }),
            link(10, "https://example.org/ü", LinkTarget::External),
            link(11, "javascript:alert(1)", LinkTarget::Unsafe),
            link(12, "image.png", LinkTarget::Unpublished),
            link(13, "//example.org/a", LinkTarget::ProtocolRelative),
            link(14, "", LinkTarget::Article { slug: Slug::new(""), anchor: Some(String::new()) }),
        ]
    }

    #[test]
    fn every_kind_of_link_reads_back_as_it_was_written() {
        let holder = Holder { links: every_kind(), after: 7 };
        let bytes = postcard::to_stdvec(&holder).unwrap();
        assert_eq!(postcard::from_bytes::<Holder>(&bytes).unwrap(), holder);
        // A decoder that cannot lend its input (JSON, whose strings may hold escapes) too.
        let json = serde_json::to_string(&holder).unwrap();
        assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);
        let none = Holder { links: Vec::new(), after: 1 };
        assert_eq!(postcard::from_bytes::<Holder>(&postcard::to_stdvec(&none).unwrap()).unwrap(), none);
    }

    #[test]
    fn records_that_do_not_fit_their_text_are_damage() {
        let links = every_kind();
        let (text, records) = pack(&links);
        assert_eq!(unpack(&text, &records), Some(links.clone()));
        assert_eq!(unpack(&text[..text.len() - 1], &records), None, "text cut short");
        assert_eq!(unpack(&format!("{text}x"), &records), None, "text left over");
        assert_eq!(unpack(&text, &records[..records.len() - 1]), None, "a record cut short");
        let mut bad_kind = records.clone();
        bad_kind[4] = 99;
        assert_eq!(unpack(&text, &bad_kind), None, "an unknown kind");
        // "ü" is two bytes: a length that ends inside it is refused, not a panic.
        let at = links.iter().position(|l| l.written.contains('ü')).unwrap();
        let mut split = records.clone();
        let length_at = |link: usize| link * RECORD + 10..link * RECORD + 14;
        let written_len =
            |records: &[u8], link: usize| u32::from_le_bytes(records[length_at(link)].try_into().unwrap());
        let (this, next) = (written_len(&split, at), written_len(&split, at + 1));
        split[length_at(at)].copy_from_slice(&(this - 1).to_le_bytes());
        split[length_at(at + 1)].copy_from_slice(&(next + 1).to_le_bytes());
        assert_eq!(unpack(&text, &split), None, "a string cut inside a character");
    }
}
