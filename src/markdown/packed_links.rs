//! An article's body links ([`super::Outline`]'s `links`) as one text holding every string of
//! every link, one after another, and one fixed-width record per link saying what it is and
//! how long each of its strings is: how a build keeps them in memory and how the summary cache
//! keeps them on disk, as one run of bytes. Decoded into two or three strings per link, the
//! links were a fifth of the decoding of the cache, which is the largest part of a build with
//! one article changed; kept packed, a decoded article's links are two copies of bytes, its
//! text checked as UTF-8 once and its records checked against it once, and the link stage
//! reads each link as borrowed strings ([`Links::iter`]).

use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ArticleRef, BodyLink, LinkTarget};

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

/// The body links of an article, packed (see the module's documentation).
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Links {
    records: Box<[u8]>,
    text: Box<str>,
}

impl std::fmt::Debug for Links {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Links {
    /// `links`, packed.
    pub(crate) fn pack(links: &[BodyLink]) -> Links {
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
        Links { records: records.into(), text: text.into() }
    }

    /// `records` and `text` as links, if every record fits the text and the text is used up
    /// (`None`: a damaged cache).
    fn checked(records: &[u8], text: &str) -> Option<Links> {
        if !records.len().is_multiple_of(RECORD) {
            return None;
        }
        let mut rest = text;
        for record in records.chunks_exact(RECORD) {
            read(record, &mut rest)?;
        }
        rest.is_empty().then(|| Links { records: records.into(), text: text.into() })
    }

    /// Each link, in the order of the body, its strings borrowed.
    pub(crate) fn iter(&self) -> impl Iterator<Item = BodyLink<&str>> + '_ {
        let mut rest = &*self.text;
        self.records
            .chunks_exact(RECORD)
            .map(move |record| read(record, &mut rest).expect("links are checked against their text when made"))
    }
}

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

/// The link of `record`, its strings taken from the start of `rest`; `None` when they do not
/// fit (a length past the text's end, or one that cuts a character in two) or the record's
/// kind is unknown.
fn read<'a>(record: &[u8], rest: &mut &'a str) -> Option<BodyLink<&'a str>> {
    let word = |at: usize| u32::from_le_bytes(record[at..at + 4].try_into().expect("four bytes"));
    let (line, kind, anchored, slot) = (word(0), record[4], record[5], word(6) as usize);
    let mut take = |n: usize| -> Option<&'a str> {
        let len = word(10 + 4 * n) as usize;
        // `get` also refuses a length that would cut a character in two.
        let (part, after) = (rest.get(..len)?, rest.get(len..)?);
        *rest = after;
        Some(part)
    };
    let written = take(0)?;
    let count = match kind {
        ARTICLE | WIKI => 1,
        OTHER_BY_NAME | OTHER_BY_SLUG => 2,
        _ => 0,
    };
    let first = if count >= 1 { take(1)? } else { "" };
    let second = if count == 2 { take(2)? } else { "" };
    let anchor = match anchored {
        0 => None,
        1 => Some(take(count + 1)?),
        _ => return None,
    };
    let target = match (kind, anchor) {
        (ARTICLE, anchor) => LinkTarget::Article { slug: first, anchor },
        (WIKI, anchor) => LinkTarget::Wiki { name: first, anchor, slot },
        (OTHER_BY_NAME, anchor) => {
            LinkTarget::OtherEdition { language: first, article: ArticleRef::Name(second), anchor, slot }
        }
        (OTHER_BY_SLUG, anchor) => {
            LinkTarget::OtherEdition { language: first, article: ArticleRef::Slug(second), anchor, slot }
        }
        (SAME_PAGE, Some(anchor)) => LinkTarget::SamePage { anchor },
        (EXTERNAL, None) => LinkTarget::External,
        (UNSAFE, None) => LinkTarget::Unsafe,
        (UNPUBLISHED, None) => LinkTarget::Unpublished,
        (PROTOCOL_RELATIVE, None) => LinkTarget::ProtocolRelative,
        _ => return None,
    };
    Some(BodyLink { line: line as usize, written, target })
}

/// One run of bytes: how long the records are, the records, then the text.
impl Serialize for Links {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut run = Vec::with_capacity(4 + self.records.len() + self.text.len());
        run.extend_from_slice(&length(&self.records).to_le_bytes());
        run.extend_from_slice(&self.records);
        run.extend_from_slice(self.text.as_bytes());
        serializer.serialize_bytes(&run)
    }
}

impl<'de> Deserialize<'de> for Links {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Links, D::Error> {
        struct Run;
        impl<'de> Visitor<'de> for Run {
            type Value = Links;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the records and text of the links")
            }
            fn visit_bytes<E: serde::de::Error>(self, run: &[u8]) -> Result<Links, E> {
                let damaged = || E::custom("body links that do not fit their text");
                let (len, rest) = run.split_first_chunk::<4>().ok_or_else(damaged)?;
                let len = u32::from_le_bytes(*len) as usize;
                let (records, text) = (rest.get(..len).ok_or_else(damaged)?, &rest[len..]);
                let text = std::str::from_utf8(text).map_err(|_| damaged())?;
                Links::checked(records, text).ok_or_else(damaged)
            }
            /// Formats without a run of bytes (JSON) write a list of numbers.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Links, A::Error> {
                let mut run = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(byte) = seq.next_element()? {
                    run.push(byte);
                }
                self.visit_bytes(&run)
            }
        }
        deserializer.deserialize_bytes(Run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Holder {
        links: Links,
        after: u8,
    }

    fn every_kind() -> Vec<BodyLink> {
        let link = |line, written: &str, target| BodyLink { line, written: written.to_string(), target };
        vec![
            link(3, "back-pain.md", LinkTarget::Article { slug: "back-pain".into(), anchor: None }),
            link(
                4,
                "./sciatica.md#causes",
                LinkTarget::Article { slug: "sciatica".into(), anchor: Some("causes".into()) },
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
                    article: ArticleRef::Slug("ciatica".into()),
                    anchor: Some("x".into()),
                    slot: 3,
                },
            ),
            link(9, "#treatment", LinkTarget::SamePage { anchor: "treatment".into() }),
            link(10, "https://example.org/ü", LinkTarget::External),
            link(11, "javascript:alert(1)", LinkTarget::Unsafe),
            link(12, "image.png", LinkTarget::Unpublished),
            link(13, "//example.org/a", LinkTarget::ProtocolRelative),
            link(14, "", LinkTarget::Article { slug: String::new(), anchor: Some(String::new()) }),
        ]
    }

    fn unpacked(links: &Links) -> Vec<BodyLink> {
        links.iter().map(|l| l.owned()).collect()
    }

    #[test]
    fn every_kind_of_link_reads_back_as_it_was_written() {
        let links = Links::pack(&every_kind());
        assert_eq!(unpacked(&links), every_kind());
        let holder = Holder { links, after: 7 };
        let bytes = postcard::to_stdvec(&holder).unwrap();
        let back = postcard::from_bytes::<Holder>(&bytes).unwrap();
        assert_eq!(back, holder);
        assert_eq!(unpacked(&back.links), every_kind());
        // A decoder that cannot lend its input (JSON, whose strings may hold escapes) too.
        let json = serde_json::to_string(&holder).unwrap();
        assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);
        let none = Holder { links: Links::pack(&[]), after: 1 };
        assert_eq!(postcard::from_bytes::<Holder>(&postcard::to_stdvec(&none).unwrap()).unwrap(), none);
        assert_eq!(none.links.iter().count(), 0);
    }

    #[test]
    fn records_that_do_not_fit_their_text_are_damage() {
        let links = Links::pack(&every_kind());
        let (text, records) = (&*links.text, &*links.records);
        assert_eq!(Links::checked(records, text), Some(links.clone()));
        assert_eq!(Links::checked(records, &text[..text.len() - 1]), None, "text cut short");
        assert_eq!(Links::checked(records, &format!("{text}x")), None, "text left over");
        assert_eq!(Links::checked(&records[..records.len() - 1], text), None, "a record cut short");
        let mut bad_kind = records.to_vec();
        bad_kind[4] = 99;
        assert_eq!(Links::checked(&bad_kind, text), None, "an unknown kind");
        // "ü" is two bytes: a length that ends inside it is refused, not a panic.
        let at = every_kind().iter().position(|l| l.written.contains('ü')).unwrap();
        let mut split = records.to_vec();
        let length_at = |link: usize| link * RECORD + 10..link * RECORD + 14;
        let written_len =
            |records: &[u8], link: usize| u32::from_le_bytes(records[length_at(link)].try_into().unwrap());
        let (this, next) = (written_len(&split, at), written_len(&split, at + 1));
        split[length_at(at)].copy_from_slice(&(this - 1).to_le_bytes());
        split[length_at(at + 1)].copy_from_slice(&(next + 1).to_le_bytes());
        assert_eq!(Links::checked(&split, text), None, "a string cut inside a character");
        // Damage in a cached article is an error of the decoder, not a panic when read.
        let mut run = (records.len() as u32).to_le_bytes().to_vec();
        run.extend_from_slice(&bad_kind);
        run.extend_from_slice(text.as_bytes());
        assert!(postcard::from_bytes::<Links>(&postcard::to_stdvec(&serde_bytes_of(&run)).unwrap()).is_err());
    }

    /// `run` as a serde byte string, as [`Links`] writes itself.
    fn serde_bytes_of(run: &[u8]) -> impl serde::Serialize + '_ {
        struct Bytes<'a>(&'a [u8]);
        impl serde::Serialize for Bytes<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        Bytes(run)
    }
}
