//! The search index, part of the render stage, written as JavaScript files so that search works with no server, even
//! from `file://` (scripts load where `fetch` of a local file is refused):
//!
//! * `assets/search-names.js`: every title and alternative name with its article, for fuzzy
//!   matching as the reader types. Loaded when the search box is first used.
//! * `assets/search-snippets.js`: a short snippet per article, for full-text results.
//! * `assets/search-text/<c>.js`: the full-text index, sharded by the first letter or digit
//!   of each term, so that a query loads only the shards of its own words.
//! * `assets/search-passages/<n>.js`: the text of articles `16n` to `16n + 15`, from which a
//!   full-text result shows the passage where its words were found, marked. Only the files of
//!   the results shown are loaded, so the text of the whole site is never downloaded at once.
//!
//! Each file calls a function of `search.js` (`encycSearch.names(…)` and so on). Every file
//! has a fingerprint of exactly what it is made from (each article's terms for that shard,
//! in site order), so a rebuild after an edit rebuilds only the shards the edit touched, and
//! a rebuild with nothing changed builds nothing. Terms are worked out once per article, when
//! it is parsed, already grouped by shard.

use anyhow::{Context, Result};
use rustc_hash::FxHashMap;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128;

use super::{Planned, made};
use crate::hash::Fingerprint;
use crate::paths::OutputPath;
use crate::site::Site;
use crate::terms::{SearchLanguage, ShardTerms};

/// The first characters terms can start with: one shard file each.
const SHARDS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const NAMES_PATH: &str = "assets/search-names.js";
const SNIPPETS_PATH: &str = "assets/search-snippets.js";
/// Articles per passages file: few enough that the files of six results stay small, enough
/// that a big site does not get a file per article. In step with `PASSAGES` in search.js.
const PASSAGES_PER_FILE: usize = 16;

fn shard_path(key: u8) -> OutputPath {
    OutputPath::new(format!("assets/search-text/{}.js", key as char))
}

/// Every file the index is written to.
pub(crate) fn paths() -> Vec<OutputPath> {
    let mut paths = vec![OutputPath::new(NAMES_PATH), OutputPath::new(SNIPPETS_PATH)];
    paths.extend(SHARDS.iter().map(|&k| shard_path(k)));
    paths
}

#[derive(Serialize)]
struct Names<'a> {
    /// Per article: [slug, title].
    articles: Vec<(&'a str, &'a str)>,
    /// Per alternative name: [article number, name].
    alternatives: Vec<(u32, &'a str)>,
    /// The words the index leaves out, for search.js to leave out of queries.
    stopwords: &'static [&'static str],
    /// Letters beyond ASCII with what the index folds them to, for search.js to fold queries
    /// the same way.
    fold: std::collections::BTreeMap<String, String>,
}

impl Names<'_> {
    fn of(site: &Site, language: SearchLanguage) -> Names<'_> {
        Names {
            articles: site.articles.iter().map(|l| (l.article.slug.as_str(), l.article.meta.title.as_str())).collect(),
            alternatives: site
                .articles
                .iter()
                .enumerate()
                .flat_map(|(i, l)| l.article.meta.alternative_names.iter().map(move |n| (i as u32, n.as_str())))
                .collect(),
            stopwords: crate::terms::stopwords(language),
            fold: fold_table(language),
        }
    }
}

/// The language's letters beyond ASCII with what the index folds them to.
fn fold_table(language: SearchLanguage) -> std::collections::BTreeMap<String, String> {
    crate::terms::fold_table(language).into_iter().map(|(c, f)| (c.to_string(), f)).collect()
}

/// What a long-lived builder keeps of the last plan's search files: the shards' lists, and
/// the fingerprints that an edit changes only in part (worked out again, they were a tenth of
/// a rebuild in `encyc watch` at 10,000 articles).
#[derive(Debug, Default)]
pub(crate) struct SearchMemo {
    lists: std::sync::Arc<ShardLists>,
    /// The fingerprint of the articles' order.
    order: u128,
    /// Per article, the hash of its title and alternative names, and their entries in the
    /// names file.
    names: Vec<u64>,
    names_json: std::sync::Arc<NamesJson>,
    /// Per article, the hash of its snippet.
    snippets: Vec<u64>,
    /// Per passages file, its fingerprint.
    passages: Vec<u128>,
}

/// The last plan's [`SearchMemo`] with the articles `edited` in place since.
pub(super) struct SearchReuse {
    pub(super) memo: SearchMemo,
    pub(super) edited: std::collections::BTreeSet<usize>,
}

/// The search files for `site`, each fingerprinted with exactly what it is made from; with a
/// memo for the next plan when `keep` (a long-lived builder), made from `last` where it holds.
pub(super) fn plan<'a>(
    site: &'a Site,
    build_id: u128,
    language: SearchLanguage,
    last: Option<SearchReuse>,
    keep: bool,
) -> Result<(Vec<Planned<'a>>, Option<SearchMemo>)> {
    let (last, edited) = match last {
        Some(r) => (Some(r.memo), Some(r.edited)),
        None => (None, None),
    };
    // Everything depends on the order of the articles (results refer to them by number),
    // which is the last plan's: a memo is only kept while the same files are linked in the
    // same order.
    let order = match &last {
        Some(last) => last.order,
        _ => {
            let mut order = Fingerprint::new();
            order.extend_from_slice(&build_id.to_le_bytes());
            // The language's stop words and folding go into the names file.
            if language != SearchLanguage::English {
                order.extend_from_slice(format!("{language:?}").as_bytes());
            }
            for linked in &site.articles {
                order.extend_from_slice(linked.article.slug.as_str().as_bytes());
                order.push(0);
            }
            order.digest()
        }
    };
    // Names, snippets and passages change only for the articles edited.
    let names_hash = |i: usize| {
        let a = &site.articles[i].article;
        let mut bytes = Vec::with_capacity(128);
        for name in std::iter::once(&a.meta.title).chain(&a.meta.alternative_names) {
            bytes.extend_from_slice(name.as_bytes());
            bytes.push(0);
        }
        xxhash_rust::xxh3::xxh3_64(&bytes)
    };
    let snippet_hash = |i: usize| xxhash_rust::xxh3::xxh3_64(site.articles[i].article.snippet.as_bytes());
    let (mut name_hashes, mut names_json, mut snippets, mut passages, mut lists) = match last {
        Some(last) => (last.names, last.names_json, last.snippets, last.passages, Some(last.lists)),
        None => (Vec::new(), Default::default(), Vec::new(), Vec::new(), None),
    };
    let passages_fp = |n: usize| {
        let chunk = &site.articles[n * PASSAGES_PER_FILE..((n + 1) * PASSAGES_PER_FILE).min(site.articles.len())];
        let mut fingerprint = order.to_le_bytes().to_vec();
        // By the texts' hashes: a one-off build keeps the texts in a file until they are written.
        for linked in chunk {
            fingerprint.extend_from_slice(&linked.article.text.hash().to_le_bytes());
        }
        xxh3_128(&fingerprint)
    };
    let files = site.articles.len().div_ceil(PASSAGES_PER_FILE);
    match (&edited, lists.as_mut()) {
        (Some(edited), Some(lists)) if snippets.len() == site.articles.len() && passages.len() == files => {
            let json = std::sync::Arc::make_mut(&mut names_json);
            for &i in edited.iter() {
                name_hashes[i] = names_hash(i);
                snippets[i] = snippet_hash(i);
                (json.articles[i], json.alternatives[i]) = NamesJson::entries(site, i);
            }
            for n in (0..files)
                .filter(|&n| edited.range(n * PASSAGES_PER_FILE..(n + 1) * PASSAGES_PER_FILE).next().is_some())
            {
                passages[n] = passages_fp(n);
            }
            // Not shared any more: the last build's pages are gone.
            std::sync::Arc::make_mut(lists).update(site, edited)?;
        }
        _ => {
            name_hashes = (0..site.articles.len()).map(names_hash).collect();
            if keep {
                names_json = std::sync::Arc::new(NamesJson::of(site));
            }
            snippets = (0..site.articles.len()).map(snippet_hash).collect();
            passages = (0..files).map(passages_fp).collect();
            lists = match keep {
                true => Some(std::sync::Arc::new(ShardLists::of(site)?)),
                false => None,
            };
        }
    }
    let digest = |hashes: &[u64]| {
        let mut bytes = order.to_le_bytes().to_vec();
        for hash in hashes {
            bytes.extend_from_slice(&hash.to_le_bytes());
        }
        xxh3_128(&bytes)
    };
    let (names_fp, snippets_fp) = (digest(&name_hashes), digest(&snippets));

    // A long-lived builder writes the names file from the entries it keeps.
    let kept_json = keep.then(|| std::sync::Arc::clone(&names_json));
    let names = made(OutputPath::new(NAMES_PATH), names_fp, move || {
        if let Some(json) = &kept_json {
            return json.script(language);
        }
        script("names", "", &Names::of(site, language))
    });
    let snippets_page = made(OutputPath::new(SNIPPETS_PATH), snippets_fp, move || {
        let snippets: Vec<&str> = site.articles.iter().map(|l| l.article.snippet.as_str()).collect();
        script("snippets", "", &snippets)
    });

    // Per shard, its fingerprint, and (without lists) the articles with terms there.
    let (fingerprints, mut members): (Vec<u128>, Vec<Vec<u32>>) = match &lists {
        Some(lists) => {
            let mut fingerprints = vec![0; 256];
            for &key in SHARDS {
                fingerprints[key as usize] = lists.digest(order, key);
            }
            (fingerprints, Vec::new())
        }
        None => {
            // One pass over the articles fingerprints every shard, from the terms' hashes, and
            // lists each shard's articles: a shard made by visiting every article for its group
            // waited on memory, 36 times over (a twentieth of a first build).
            let mut fingerprints: Vec<Fingerprint> = (0..256).map(|_| Fingerprint::new()).collect();
            let mut members = vec![Vec::new(); 256];
            for &key in SHARDS {
                fingerprints[key as usize].extend_from_slice(&order.to_le_bytes());
            }
            for (i, linked) in site.articles.iter().enumerate() {
                for (key, hash) in linked.article.search_terms.hashes() {
                    fingerprints[key as usize].extend_from_slice(&ShardLists::entry(i, hash));
                    members[key as usize].push(i as u32);
                }
            }
            (fingerprints.into_iter().map(Fingerprint::digest).collect(), members)
        }
    };
    let mut pages = vec![names, snippets_page];
    pages.extend(site.articles.chunks(PASSAGES_PER_FILE).zip(&passages).enumerate().map(|(n, (chunk, &fp))| {
        let path = OutputPath::new(format!("assets/search-passages/{n}.js"));
        made(path, fp, move || {
            let texts: Vec<std::borrow::Cow<'_, str>> =
                chunk.iter().map(|l| l.article.text.read()).collect::<Result<_>>()?;
            script("passages", &n.to_string(), &texts)
        })
    }));
    pages.extend(SHARDS.iter().map(|&key| {
        let (fingerprint, members) = (fingerprints[key as usize], members.get_mut(key as usize).map(std::mem::take));
        shard_page(site, lists.clone(), members.unwrap_or_default(), fingerprint, key)
    }));
    let memo = keep.then(|| SearchMemo {
        lists: lists.unwrap_or_default(),
        order,
        names: name_hashes,
        names_json,
        snippets,
        passages,
    });
    Ok((pages, memo))
}

/// The names file's entries as JSON, per article: `["slug","title"]`, and its alternative
/// names' `[number,"name"]` (comma-separated, empty when it has none); kept by a long-lived
/// builder, and made again only for the articles edited: encoding every name again after a
/// change of title was a seventh of the rebuild.
#[derive(Debug, Clone, Default)]
struct NamesJson {
    articles: Vec<String>,
    alternatives: Vec<String>,
}

impl NamesJson {
    fn of(site: &Site) -> NamesJson {
        let (articles, alternatives) = (0..site.articles.len()).map(|i| NamesJson::entries(site, i)).unzip();
        NamesJson { articles, alternatives }
    }

    /// The entries of article `i`.
    fn entries(site: &Site, i: usize) -> (String, String) {
        let a = &site.articles[i].article;
        // Strings and numbers always encode.
        let article = serde_json::to_string(&(a.slug.as_str(), a.meta.title.as_str())).expect("strings encode");
        let alternatives: Vec<String> = a
            .meta
            .alternative_names
            .iter()
            .map(|n| serde_json::to_string(&(i as u32, n.as_str())).expect("strings encode"))
            .collect();
        (article, alternatives.join(","))
    }

    /// The names file, byte for byte as [`Names`] encodes it.
    fn script(&self, language: SearchLanguage) -> Result<Vec<u8>> {
        let size = self.articles.iter().chain(&self.alternatives).map(|e| e.len() + 1).sum::<usize>();
        let mut out = Vec::with_capacity(size + 4096);
        out.extend_from_slice(b"encycSearch.names(\"\", {\"articles\":[");
        join(&mut out, &self.articles);
        out.extend_from_slice(b"],\"alternatives\":[");
        join(&mut out, &self.alternatives);
        out.extend_from_slice(b"],\"stopwords\":");
        serde_json::to_writer(&mut out, crate::terms::stopwords(language))?;
        out.extend_from_slice(b",\"fold\":");
        serde_json::to_writer(&mut out, &fold_table(language))?;
        out.extend_from_slice(b"});\n");
        Ok(out)
    }
}

/// The non-empty `entries`, comma-separated.
fn join(out: &mut Vec<u8>, entries: &[String]) {
    let mut first = true;
    for entry in entries.iter().filter(|e| !e.is_empty()) {
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(entry.as_bytes());
    }
}

/// What each shard of the index is made from, kept by a long-lived builder and updated for the
/// articles an edit replaced rather than gathered from every article again: per shard (by its
/// first character), an entry for each article with terms there, in article order, with those
/// terms. An entry is the article's number and the hash of its terms there, as the bytes a
/// one-off build feeds the shard's fingerprint (so both make the same fingerprints). The terms
/// sit one after another in one string (what an edit takes away from the shard), and each
/// term's articles are kept as well, from which the shard is written.
#[derive(Debug, Clone, Default)]
pub(crate) struct ShardLists(Vec<ShardList>);

#[derive(Debug, Clone, Default)]
struct ShardList {
    entries: Vec<[u8; 12]>,
    /// Where each entry's terms end in `terms`.
    ends: Vec<u32>,
    terms: String,
    /// Each term with the articles that have it, in order: the shard's content, kept up to
    /// date so that rewriting a shard after an edit need not gather it from every article
    /// again (that was most of a rebuild's rendering in `encyc watch`).
    postings: std::collections::BTreeMap<Box<str>, Vec<u32>>,
}

impl ShardList {
    fn start(&self, at: usize) -> usize {
        if at == 0 { 0 } else { self.ends[at - 1] as usize }
    }

    /// Moves the ends of the entries from `at` on by `by` bytes.
    fn shift(&mut self, at: usize, by: i64) {
        for end in &mut self.ends[at..] {
            *end = (i64::from(*end) + by) as u32;
        }
    }
}

impl ShardLists {
    fn entry(i: usize, hash: u64) -> [u8; 12] {
        let mut entry = [0u8; 12];
        entry[..4].copy_from_slice(&(i as u32).to_le_bytes());
        entry[4..].copy_from_slice(&hash.to_le_bytes());
        entry
    }

    fn article_of(entry: &[u8; 12]) -> u32 {
        u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]])
    }

    /// The lists of every article of `site`.
    pub(super) fn of(site: &Site) -> Result<ShardLists> {
        let mut lists = vec![ShardList::default(); 256];
        for (i, linked) in site.articles.iter().enumerate() {
            for group in linked.article.search_terms.groups()? {
                let list = &mut lists[group.key as usize];
                list.entries.push(Self::entry(i, group.hash));
                list.terms.push_str(group.terms);
                list.ends.push(list.terms.len() as u32);
                for term in group.terms.split(' ') {
                    // Articles are visited in order, so each list comes out sorted.
                    match list.postings.get_mut(term) {
                        Some(articles) => articles.push(i as u32),
                        None => {
                            list.postings.insert(term.into(), vec![i as u32]);
                        }
                    }
                }
            }
        }
        Ok(ShardLists(lists))
    }

    /// The lists after the articles at `edited` were replaced in `site`, every other article
    /// being where it was.
    pub(super) fn update(&mut self, site: &Site, edited: &std::collections::BTreeSet<usize>) -> Result<()> {
        for &i in edited {
            let number = i as u32;
            let groups: Vec<ShardTerms<'_>> = site.articles[i].article.search_terms.groups()?;
            for (key, list) in self.0.iter_mut().enumerate() {
                let group = groups.iter().find(|g| g.key as usize == key);
                let found = list.entries.binary_search_by_key(&number, Self::article_of);
                let at = match (found, group) {
                    // A group whose terms are as they were (most, after an edit to a body) stays.
                    (Ok(at), Some(g)) if list.entries[at] == Self::entry(i, g.hash) => continue,
                    (Err(_), None) => continue,
                    (Ok(at), _) => {
                        let (start, end) = (list.start(at), list.ends[at] as usize);
                        for term in list.terms[start..end].split(' ') {
                            if let Some(articles) = list.postings.get_mut(term)
                                && let Ok(k) = articles.binary_search(&number)
                            {
                                articles.remove(k);
                                if articles.is_empty() {
                                    list.postings.remove(term);
                                }
                            }
                        }
                        list.terms.replace_range(start..end, "");
                        list.entries.remove(at);
                        list.ends.remove(at);
                        list.shift(at, -((end - start) as i64));
                        at
                    }
                    (Err(at), _) => at,
                };
                let Some(group) = group else { continue };
                for term in group.terms.split(' ') {
                    let articles = list.postings.entry(term.into()).or_default();
                    if let Err(k) = articles.binary_search(&number) {
                        articles.insert(k, number);
                    }
                }
                let start = list.start(at);
                list.terms.insert_str(start, group.terms);
                list.entries.insert(at, Self::entry(i, group.hash));
                list.ends.insert(at, (start + group.terms.len()) as u32);
                list.shift(at + 1, group.terms.len() as i64);
            }
        }
        Ok(())
    }

    /// The fingerprint of shard `key` of a site whose articles' order is `order`.
    fn digest(&self, order: u128, key: u8) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&order.to_le_bytes());
        h.update(self.0[key as usize].entries.as_flattened());
        h.digest128()
    }
}

/// The terms starting with `key` of each of the articles `members`, which have some, with
/// their numbers.
fn shard_terms<'a>(site: &'a Site, members: &'a [u32], key: u8) -> impl Iterator<Item = Result<(u32, &'a str)>> {
    members.iter().map(move |&i| {
        let terms = site.articles[i as usize].article.search_terms.group(key)?;
        Ok((i, terms.unwrap_or_default()))
    })
}

/// The page of shard `key`, made from `lists` when a long-lived builder keeps them, else from
/// the articles `members`.
fn shard_page(
    site: &Site,
    lists: Option<std::sync::Arc<ShardLists>>,
    members: Vec<u32>,
    fingerprint: u128,
    key: u8,
) -> Planned<'_> {
    made(shard_path(key), fingerprint, move || {
        let key_text = (key as char).to_string();
        // A long-lived builder keeps each shard's content up to date ([`ShardList`]).
        if let Some(lists) = &lists {
            let postings = &lists.0[key as usize].postings;
            return script(
                "shard",
                &key_text,
                &InOrder(postings.iter().map(|(term, list)| (&**term, list.as_slice()))),
            );
        }
        // Articles are visited in order, so each postings list comes out sorted.
        let mut postings: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
        for found in shard_terms(site, &members, key) {
            let (i, terms) = found?;
            for term in terms.split(' ') {
                postings.entry(term).or_default().push(i);
            }
        }
        // Terms in order (sorted here rather than kept in a map of new lists, which was a
        // third of the time it takes to make a shard).
        let mut postings: Vec<(&str, Vec<u32>)> = postings.into_iter().collect();
        postings.sort_unstable_by(|a, b| a.0.cmp(b.0));
        script("shard", &key_text, &InOrder(postings.iter().map(|(term, list)| (*term, list.as_slice()))))
    })
}

/// Terms with their articles, already in order, written as one JSON object whose lists are
/// the gaps between article numbers (mostly one digit).
struct InOrder<'a, I: Iterator<Item = (&'a str, &'a [u32])> + Clone>(I);

impl<'a, I: Iterator<Item = (&'a str, &'a [u32])> + Clone> Serialize for InOrder<'a, I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.clone().map(|(term, list)| (term, Gaps(list))))
    }
}

struct Gaps<'a>(&'a [u32]);

impl Serialize for Gaps<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut last = 0;
        serializer.collect_seq(self.0.iter().map(|&i| i - std::mem::replace(&mut last, i)))
    }
}

/// `encycSearch.<function>("<key>", <data as JSON>);` — JSON is valid JavaScript.
fn script(function: &str, key: &str, data: &impl Serialize) -> Result<Vec<u8>> {
    let mut out = format!("encycSearch.{function}({}, ", serde_json::to_string(key)?).into_bytes();
    serde_json::to_writer(&mut out, data).context("cannot encode the search index")?;
    out.extend_from_slice(b");\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_name_entries_make_the_names_file_as_a_fresh_plan_does() {
        use crate::letters::Alphabet;
        use crate::paths::SourcePath;
        let article = |path: &str, front: &str| {
            let text = format!("---\n{front}\nlast_revised: 2020-01-01\n---\n\nText.\n");
            let source = SourcePath::new(std::path::Path::new(path));
            std::sync::Arc::new(crate::article::parse_article(&source, text.as_bytes()).unwrap().0)
        };
        let articles = vec![
            article("a.md", "title: 'Quotes \"and\" back\\slash'\nalternative_names: [Tab\"\\t\", Ñandú]"),
            article("b.md", "title: No alternatives"),
            article(
                "c.md",
                "title: Émile's </script> sign\nalternative_names: ['Zeta <b>', ☃ snow, \"\\u0001 control\"]",
            ),
        ];
        let site = crate::site::Linker::link(articles, &Default::default(), 10, Alphabet::Latin).unwrap();
        let site = site.site();
        for language in [SearchLanguage::English, SearchLanguage::of("es")] {
            let expected = String::from_utf8(script("names", "", &Names::of(site, language)).unwrap()).unwrap();
            let kept = String::from_utf8(NamesJson::of(site).script(language).unwrap()).unwrap();
            assert_eq!(kept, expected);
        }
        assert_eq!(site.articles[0].article.meta.alternative_names.len(), 2, "the names parsed as meant");
    }

    #[test]
    fn search_files_kept_across_edits_are_those_of_a_fresh_plan() {
        use crate::letters::Alphabet;
        use crate::paths::SourcePath;
        use crate::site::Linker;
        use std::sync::Arc;
        let article = |path: &str, title: &str, body: &str| {
            let text = format!("---\ntitle: {title}\nlast_revised: 2020-01-01\n---\n\n{body}\n");
            let source = SourcePath::new(std::path::Path::new(path));
            Arc::new(crate::article::parse_article(&source, text.as_bytes()).unwrap().0)
        };
        // Each search file's path, fingerprint and bytes.
        let files = |pages: Vec<Planned<'_>>| -> Vec<(String, Option<u128>, Vec<u8>)> {
            let bytes = |job: &super::super::Job<'_>| match job {
                super::super::Job::Made(make) => make().unwrap(),
                _ => unreachable!("search files are made"),
            };
            pages.iter().map(|p| (p.path.as_str().to_string(), p.fingerprint, bytes(&p.job))).collect()
        };
        let fresh = |site: &Site| files(plan(site, 7, SearchLanguage::English, None, false).unwrap().0);
        // Forty articles: three passages files.
        let words = ["Apples and bananas.", "Bananas, cherries and 7 dates.", "Zebras eat apples."];
        let mut titles: Vec<String> = (0..40).map(|i| format!("Article {i}")).collect();
        let mut bodies: Vec<String> = (0..40).map(|i| words[i % 3].to_string()).collect();
        let articles = |titles: &[String], bodies: &[String]| -> Vec<_> {
            (0..40).map(|i| article(&format!("a{i:02}.md"), &titles[i], &bodies[i])).collect()
        };
        // Unchanged articles are handed on as they were, as the loader does.
        let mut current = articles(&titles, &bodies);
        let mut linker = Linker::link(current.clone(), &Default::default(), 10, Alphabet::Latin).unwrap();
        let (pages, memo) = plan(linker.site(), 7, SearchLanguage::English, None, true).unwrap();
        assert_eq!(files(pages), fresh(linker.site()));
        let mut memo = memo.expect("kept when asked");
        // As a plan does, which makes a re-link keep the lists up to date and record changes.
        let _ = linker.site().links_here();
        let _ = linker.take_changes();
        // Words that come, words that go, a shard left by its last article, a new shard, in
        // articles of each passages file; a new title (everything linked again).
        let edits = [
            (1, None, "Bananas and 9 elderberries."),
            (20, None, "Quinces only."),
            (39, None, "Apples, bananas and quinces."),
            (1, None, "Xylophones."),
            (17, Some("Yams"), "Yams and apples."),
        ];
        for (i, title, body) in edits {
            bodies[i] = body.to_string();
            if let Some(title) = title {
                titles[i] = title.to_string();
            }
            current[i] = article(&format!("a{i:02}.md"), &titles[i], &bodies[i]);
            linker.relink(&current.iter().collect::<Vec<_>>(), &Default::default(), 10).unwrap();
            let changes = linker.take_changes().expect("the same files re-linked");
            assert_eq!(changes.edited, std::collections::BTreeSet::from([i]));
            assert_eq!(changes.letters != crate::site::Refiled::Nothing, title.is_some());
            let last = SearchReuse { memo, edited: changes.edited.clone() };
            let (pages, kept) = plan(linker.site(), 7, SearchLanguage::English, Some(last), true).unwrap();
            let fresh_link =
                Linker::link(articles(&titles, &bodies), &Default::default(), 10, Alphabet::Latin).unwrap();
            assert_eq!(files(pages), fresh(fresh_link.site()), "after {body:?}");
            memo = kept.expect("kept when asked");
            let _ = linker.site().links_here();
        }
    }
}
