//! The site configuration file `encyc.yaml`: every key optional, unknown keys rejected.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The folder inside the site root that holds the articles.
pub const ARTICLES_DIR: &str = "articles";
/// The site configuration file inside the site root.
pub const CONFIG_FILE: &str = "encyc.yaml";
/// The folder inside the site root that holds site themes.
pub const THEMES_DIR: &str = "themes";

pub const DEFAULT_DISCLAIMER: &str = "All material on this site is provided for information only \
and is neither advice nor a substitute for proper medical care. Consult a qualified healthcare \
professional who understands your particular history for individual concerns.";

/// The contents of `encyc.yaml`, with defaults for everything.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// Shown in every page's header and `<title>`.
    pub title: String,
    /// The `lang` of every page (a BCP 47 tag such as `en` or `en-GB`).
    pub language: String,
    /// Which folder under `themes/` overrides the built-in templates.
    pub theme: String,
    /// Shown at the foot of every page.
    pub disclaimer: String,
    /// The home page's introduction (plain text; blank lines separate paragraphs).
    pub introduction: String,
    /// How many recently revised articles the home page lists.
    pub recent_count: usize,
    /// The path under which the site is hosted, e.g. `/encyclopedia/`. Only the 404 page needs
    /// it: static hosts serve that page at any depth, so its links cannot be relative.
    pub base_path: String,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Medical Encyclopedia".to_string(),
            language: "en".to_string(),
            theme: "default".to_string(),
            disclaimer: DEFAULT_DISCLAIMER.to_string(),
            introduction: "Plain-language articles about medical conditions: what causes \
them, their symptoms, how they are diagnosed and treated, and when to call a health care \
provider. Browse by the first letter of a condition or any of its other names."
                .to_string(),
            recent_count: 10,
            base_path: "/".to_string(),
        }
    }
}

impl SiteConfig {
    /// Reads `encyc.yaml` from the site root, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<SiteConfig> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(SiteConfig::default());
            }
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
        };
        SiteConfig::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses and validates the text of a config file.
    pub fn parse(text: &str) -> Result<SiteConfig> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut config: SiteConfig = crate::yaml::parse(text, 1).map_err(|e| match e.line {
            Some(line) => anyhow::anyhow!("line {line}: {}", e.message),
            None => anyhow::anyhow!("{}", e.message),
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&mut self) -> Result<()> {
        let lang_ok = !self.language.is_empty()
            && self
                .language
                .split('-')
                .all(|part| !part.is_empty() && part.len() <= 8 && part.chars().all(|c| c.is_ascii_alphanumeric()));
        if !lang_ok {
            bail!("`language: {}` is not a language tag such as `en` or `en-GB`", self.language);
        }
        if self.title.trim().is_empty() {
            bail!("`title` must not be empty");
        }
        if self.theme.is_empty() || self.theme.contains(['/', '\\']) || self.theme.starts_with('.') {
            bail!("`theme: {}` must be the name of a folder under themes/", self.theme);
        }
        if self.base_path.contains(['?', '#', ' ', '"', '<', '>']) || self.base_path.contains("://") {
            bail!("`base_path: {}` must be a path such as `/` or `/encyclopedia/`", self.base_path);
        }
        // Normalise to one leading and one trailing slash so templates can append file names.
        let trimmed = self.base_path.trim_matches('/');
        self.base_path = if trimmed.is_empty() { "/".to_string() } else { format!("/{trimmed}/") };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_to_an_empty_file() {
        assert_eq!(SiteConfig::parse("").unwrap(), SiteConfig::default());
    }

    #[test]
    fn unknown_keys_are_errors_with_a_line() {
        let err = SiteConfig::parse("title: X\ntilte: Y\n").unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("line 2") && msg.contains("tilte"), "{msg}");
    }

    #[test]
    fn base_path_is_normalised() {
        let c = SiteConfig::parse("base_path: encyclopedia").unwrap();
        assert_eq!(c.base_path, "/encyclopedia/");
        let c = SiteConfig::parse("base_path: /").unwrap();
        assert_eq!(c.base_path, "/");
    }

    #[test]
    fn bad_language_is_refused() {
        assert!(SiteConfig::parse("language: 'en gb'").is_err());
    }
}
