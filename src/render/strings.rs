//! The words the theme prints, in an edition's language: Fluent files (`.ftl`, the format of
//! Mozilla's Project Fluent, read by the `fluent-bundle` crate), so that plurals and word
//! order are the translator's to choose.
//!
//! English and Spanish are built in (`themes/default/strings/<language>.ftl`, embedded like
//! the templates). A site overrides any string, or adds a language, with a file of the same
//! name in `themes/<theme>/strings/`. English's keys are the reference: a file with a key
//! English lacks is an error (a misspelt key would otherwise be ignored), and so is a
//! language that ends up without one of them (rather than an English word nobody notices).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

use crate::config::THEMES_DIR;

/// The folder of a theme that holds its strings files.
pub(crate) const STRINGS_DIR: &str = "strings";

/// The built-in strings files, by language.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../../themes/default/strings/en.ftl")),
    ("es", include_str!("../../themes/default/strings/es.ftl")),
];

/// Every string of one language, checked complete.
pub(crate) struct Strings {
    pub(crate) language: String,
    bundle: FluentBundle<FluentResource>,
    /// Every message formatted once (with the site's title as `$title`), keyed with `_` for
    /// `-` so that templates can write `t.see_also`.
    pub(crate) table: BTreeMap<String, String>,
    /// The table as the templates see it (`t`), made once: every page's context holds it,
    /// and Tera takes a value already made by reference where it would copy a map of every
    /// string (a twentieth of a first build's time, counted with the page contexts).
    pub(crate) words: tera::Value,
    /// Changes whenever any string changes.
    pub(crate) fingerprint: u128,
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Strings").field("language", &self.language).finish_non_exhaustive()
    }
}

/// The message ids of a strings file, each with its line.
fn keys(text: &str) -> Vec<(String, usize)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let (id, _) = line.split_once('=')?;
            let id = id.trim_end();
            let starts_entry = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            (starts_entry && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .then(|| (id.to_string(), i + 1))
        })
        .collect()
}

/// Parses one strings file, naming `file` and the line in any syntax error.
fn parse(text: &str, file: &Path) -> Result<FluentResource> {
    FluentResource::try_new(text.to_string()).map_err(|(_, errors)| {
        let first = &errors[0];
        let line = text[..first.pos.start.min(text.len())].lines().count().max(1);
        anyhow!("{}:{line}: not a valid strings file: {}", file.display(), first.kind)
    })
}

impl Strings {
    /// The strings of `language`: the built-in file, with the overrides of the site's theme
    /// (`themes/<theme>/strings/<language>.ftl`). `title` is the site's title in that
    /// language, which some strings name.
    pub(crate) fn load(root: &Path, theme: &str, language: &str, title: Option<&str>) -> Result<Strings> {
        let reference = keys(BUILT_IN[0].1);
        let override_path = root.join(THEMES_DIR).join(theme).join(STRINGS_DIR).join(format!("{language}.ftl"));
        let shown = Path::new(THEMES_DIR).join(theme).join(STRINGS_DIR).join(format!("{language}.ftl"));
        let overrides = match std::fs::read_to_string(&override_path) {
            Ok(text) => Some(text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", override_path.display())),
        };
        // `en-GB` falls back to the built-in `en`, then overrides what differs.
        let primary = language.split('-').next().unwrap_or(language).to_ascii_lowercase();
        let built_in = BUILT_IN.iter().find(|(l, _)| *l == language || *l == primary).map(|(_, t)| *t);
        if built_in.is_none() && overrides.is_none() {
            let known: Vec<&str> = BUILT_IN.iter().map(|(l, _)| *l).collect();
            bail!(
                "there are no strings for the language `{language}`: the built-in languages are {}; add the others in {}",
                known.join(", "),
                shown.display()
            );
        }
        let id: LanguageIdentifier =
            language.parse().map_err(|_| anyhow!("`{language}` is not a language tag such as `en` or `es`"))?;
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No Unicode isolation marks around arguments: pages say their direction themselves.
        bundle.set_use_isolating(false);
        let mut present: Vec<String> = Vec::new();
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        if let Some(text) = built_in {
            present.extend(keys(text).into_iter().map(|(k, _)| k));
            bundle
                .add_resource(parse(text, Path::new("(built-in strings)"))?)
                .map_err(|_| anyhow!("duplicate keys in the built-in strings of `{language}`"))?;
            hasher.update(text.as_bytes());
        }
        if let Some(text) = &overrides {
            for (key, line) in keys(text) {
                if !reference.iter().any(|(k, _)| *k == key) {
                    bail!("{}:{line}: unknown string `{key}` (the theme prints no such string)", shown.display());
                }
                present.push(key);
            }
            bundle.add_resource_overriding(parse(text, &shown)?);
            hasher.update(text.as_bytes());
        }
        if let Some((key, _)) = reference.iter().find(|(k, _)| !present.contains(k)) {
            let file = if built_in.is_some() { "its built-in strings" } else { "its strings file" };
            bail!(
                "{}: the string `{key}` is missing for the language `{language}` ({file} must have every string English has)",
                shown.display()
            );
        }
        let mut strings = Strings {
            language: language.to_string(),
            bundle,
            table: BTreeMap::new(),
            words: tera::Value::from(()),
            fingerprint: 0,
        };
        let title = match title {
            Some(title) => title.to_string(),
            None => strings.format("site-title", None)?,
        };
        let mut args = FluentArgs::new();
        args.set("title", title);
        args.set("count", 0);
        args.set("letter", "");
        args.set("day", 1);
        args.set("month", "");
        args.set("year", "");
        args.set("query", "");
        for (key, _) in &reference {
            let text = strings.format(key, Some(&args))?;
            hasher.update(key.as_bytes());
            hasher.update(text.as_bytes());
            strings.table.insert(key.replace('-', "_"), text);
        }
        strings.fingerprint = hasher.digest128();
        strings.words = tera::Value::from_serializable(&strings.table);
        Ok(strings)
    }

    /// Formats the message `key` with `args`.
    pub(crate) fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> Result<String> {
        let message = self
            .bundle
            .get_message(key)
            .and_then(|m| m.value())
            .ok_or_else(|| anyhow!("the string `{key}` is missing for the language `{}`", self.language))?;
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(message, args, &mut errors);
        if let Some(err) = errors.first() {
            bail!("the string `{key}` for the language `{}` cannot be formatted: {err}", self.language);
        }
        Ok(text.into_owned())
    }

    /// A string already formatted, by its key as written in the strings file.
    pub(crate) fn get(&self, key: &str) -> &str {
        self.table.get(&key.replace('-', "_")).map_or("", String::as_str)
    }

    /// A date as this language writes it: `December 6, 2012`, `6 de diciembre de 2012`.
    pub(crate) fn date(&self, date: jiff::civil::Date) -> String {
        let mut args = FluentArgs::new();
        args.set("day", date.day());
        args.set("month", self.get(&format!("month-{}", date.month())).to_string());
        args.set("year", date.year().to_string());
        // Every string was formatted once when loaded, so this cannot fail.
        self.format("date", Some(&args)).unwrap_or_default()
    }

    /// `message` with a `$count`.
    pub(crate) fn count(&self, key: &str, count: usize) -> Result<String> {
        let mut args = FluentArgs::new();
        args.set("count", count);
        self.format(key, Some(&args))
    }

    /// What `search.js` prints, as the JSON object it reads (`T`): each `search-*` message it
    /// needs, with `{query}` where the reader's words go; and "N articles found" in each form
    /// it takes (`found`: for exactly 0, and for each plural category of the language, with
    /// `{count}` where the number goes), so that the script picks the form as Fluent would.
    pub(crate) fn search_messages(&self) -> Result<String> {
        let mut args = FluentArgs::new();
        args.set("query", "{query}");
        // `en-GB` has the rules of `en`; a language without known rules has the one form
        // Fluent then picks for any number, its default.
        let primary = self.language.split('-').next().unwrap_or(&self.language);
        let rules = [self.language.as_str(), primary].into_iter().find_map(|tag| {
            let id: LanguageIdentifier = tag.parse().ok()?;
            intl_pluralrules::PluralRules::create(id, intl_pluralrules::PluralRuleType::CARDINAL).ok()
        });
        let mut found = BTreeMap::new();
        found.insert("0".to_string(), self.count("search-found", 0)?);
        // The smallest number of each plural category (every category has one below 1,000).
        for n in 1..1000_usize {
            let category = match &rules {
                Some(rules) => rules.select(n).map_err(|e| anyhow!("{e}"))?,
                None => intl_pluralrules::PluralCategory::OTHER,
            };
            let name = format!("{category:?}").to_ascii_lowercase();
            if let std::collections::btree_map::Entry::Vacant(form) = found.entry(name) {
                form.insert(self.count("search-found", n)?.replace(&n.to_string(), "{count}"));
            }
        }
        let messages = serde_json::json!({
            "prompt": self.get("search-prompt"),
            "see": self.get("see"),
            "resultsFor": self.format("search-results-for", Some(&args))?,
            "found": found,
            "someWords": self.get("search-some-words"),
            "inText": self.get("search-in-text"),
            "unavailable": self.get("search-unavailable"),
            "unavailableHere": self.get("search-unavailable-here"),
        });
        Ok(messages.to_string())
    }

    /// `message` with a `$letter`.
    pub(crate) fn with_letter(&self, key: &str, letter: &str) -> Result<String> {
        let mut args = FluentArgs::new();
        args.set("letter", letter.to_string());
        self.format(key, Some(&args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_languages_have_every_string() {
        let dir = tempfile::tempdir().unwrap();
        for (language, _) in BUILT_IN {
            Strings::load(dir.path(), "default", language, Some("T")).unwrap();
        }
    }

    #[test]
    fn search_messages_have_a_form_for_each_plural_category_of_the_language_or_its_primary_tag() {
        let dir = tempfile::tempdir().unwrap();
        let messages = |language: &str| -> serde_json::Value {
            let strings = Strings::load(dir.path(), "default", language, Some("T")).unwrap();
            serde_json::from_str(&strings.search_messages().unwrap()).unwrap()
        };
        let gb = messages("en-GB");
        assert_eq!(gb["found"]["0"], "No articles found");
        assert_eq!(gb["found"]["one"], "{count} article found");
        assert_eq!(gb["found"]["other"], "{count} articles found");
        assert_eq!(messages("es")["resultsFor"], "Resultados de la búsqueda de «{query}»");
    }

    #[test]
    fn dates_are_written_in_the_language() {
        let dir = tempfile::tempdir().unwrap();
        let date = jiff::civil::date(2012, 12, 6);
        assert_eq!(Strings::load(dir.path(), "default", "en", Some("T")).unwrap().date(date), "December 6, 2012");
        assert_eq!(Strings::load(dir.path(), "default", "es", Some("T")).unwrap().date(date), "6 de diciembre de 2012");
    }
}
