//! The lookup and sort keys of an article's title and alternative names, worked out once per
//! article when it is parsed and kept as one text (each name's lookup key, then its sort key)
//! with where each key ends. A build with one article changed decodes every article's keys
//! from the summary cache: as two strings per name in a list, they were three allocations or
//! more per article, each touching fresh memory.

use serde::{Deserialize, Serialize};

/// How one title or alternative name is looked up (wiki links) and sorted (letter pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameKey<'a> {
    /// See [`crate::letters::name_key`]: names with equal keys are one name to a reader.
    pub(crate) lookup: &'a str,
    /// See [`crate::letters::sort_key`].
    pub(crate) sort: &'a str,
}

/// The keys of the title, then of each alternative name, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Raw")]
pub(crate) struct NameKeys {
    text: Box<str>,
    /// Where each key ends in `text`: two per name, so never empty (an article has a title).
    ends: Box<[u32]>,
}

/// [`NameKeys`] as the cache holds them, before they are checked.
#[derive(Deserialize)]
struct Raw {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl TryFrom<Raw> for NameKeys {
    type Error = &'static str;

    /// Refuses keys that do not fit their text (a damaged cache): ends out of order, past the
    /// text, inside a character, not two per name, or no name at all.
    fn try_from(Raw { text, ends }: Raw) -> Result<NameKeys, &'static str> {
        let mut start = 0;
        for &end in &ends {
            let end = end as usize;
            if end < start || !text.is_char_boundary(end) {
                return Err("name keys that do not fit their text");
            }
            start = end;
        }
        if ends.is_empty() || !ends.len().is_multiple_of(2) || start != text.len() {
            return Err("name keys that do not fit their text");
        }
        Ok(NameKeys { text, ends })
    }
}

impl NameKeys {
    /// The keys of `names`: the title, then each alternative name.
    pub(crate) fn of<'a>(names: impl Iterator<Item = &'a str>) -> NameKeys {
        let mut text = String::new();
        let mut ends = Vec::new();
        for name in names {
            for key in [crate::letters::name_key(name), crate::letters::sort_key(name)] {
                text.push_str(&key);
                // A name of 4 GB cannot come from front matter that was read into memory.
                ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
            }
        }
        NameKeys { text: text.into(), ends: ends.into() }
    }

    /// Each name's keys, the title's first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = NameKey<'_>> + '_ {
        self.ends.chunks_exact(2).scan(0, move |start, ends| {
            let (lookup_end, sort_end) = (ends[0] as usize, ends[1] as usize);
            let key = NameKey { lookup: &self.text[*start..lookup_end], sort: &self.text[lookup_end..sort_end] };
            *start = sort_end;
            Some(key)
        })
    }

    /// The title's keys.
    pub(crate) fn title(&self) -> NameKey<'_> {
        self.iter().next().expect("an article's keys start with its title's")
    }

    /// How many names there are (the title and each alternative name).
    pub(crate) fn len(&self) -> usize {
        self.ends.len() / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_name_by_name_and_damage_is_refused() {
        let names = ["Épilepsie", "The flu", "", "Ünterberger's sign"];
        let keys = NameKeys::of(names.iter().copied());
        assert_eq!(keys.len(), 4);
        for (key, name) in keys.iter().zip(names) {
            assert_eq!(key.lookup, crate::letters::name_key(name));
            assert_eq!(key.sort, crate::letters::sort_key(name));
        }
        assert_eq!(keys.title().lookup, crate::letters::name_key("Épilepsie"));
        let bytes = postcard::to_stdvec(&keys).unwrap();
        assert_eq!(postcard::from_bytes::<NameKeys>(&bytes).unwrap(), keys);
        let damaged = |text: &str, ends: &[u32]| {
            let raw = NameKeys { text: text.into(), ends: ends.into() };
            postcard::from_bytes::<NameKeys>(&postcard::to_stdvec(&raw).unwrap()).is_err()
        };
        assert!(damaged("ab", &[1, 3]), "an end past the text");
        assert!(damaged("ab", &[2, 1]), "ends out of order");
        assert!(damaged("ab", &[1]), "one key without its pair");
        assert!(damaged("", &[]), "no title");
        assert!(damaged("éa", &[1, 3]), "an end inside a character");
        assert!(damaged("abc", &[1, 2]), "text left over");
    }
}
