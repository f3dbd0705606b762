//! The site configuration file `encyc.yaml`: every key optional, unknown keys rejected.
//!
//! Values are checked and normalised here, once, so that the rest of encyc can trust them:
//! `base_path` always starts and ends with `/`, `base_url` is an absolute http(s) address
//! ending with `/`, and when only `base_url` is given `base_path` is its path.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

pub(crate) use crate::paths::{ARTICLES_DIR, CONFIG_FILE, THEMES_DIR};

pub(crate) const DEFAULT_DISCLAIMER: &str = "All material on this site is provided for information only \
and is neither advice nor a substitute for proper medical care. Consult a qualified healthcare \
professional who understands your particular history for individual concerns.";

/// The contents of `encyc.yaml`, with defaults for everything.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct SiteConfig {
    /// Shown in every page's header and `<title>`.
    pub(crate) title: String,
    /// The `lang` of every page (a BCP 47 tag such as `en` or `en-GB`).
    pub(crate) language: String,
    /// Which folder under `themes/` overrides the built-in templates.
    pub(crate) theme: String,
    /// Shown at the foot of every page.
    pub(crate) disclaimer: String,
    /// The home page's introduction (plain text; blank lines separate paragraphs).
    pub(crate) introduction: String,
    /// How many recently revised articles the home page lists.
    pub(crate) recent_count: usize,
    /// The path under which the site is hosted, e.g. `/encyclopedia/`. Only the 404 page needs
    /// it: static hosts serve that page at any depth, so its links cannot be relative. Left
    /// out (read as empty), it is the path of `base_url`, or `/`.
    #[serde(default)]
    pub(crate) base_path: String,
    /// Where the site is published, e.g. `https://example.org/encyclopedia/`. Pages link
    /// relatively and need no address; the sitemap, the feed and the pages' structured data
    /// do, and are only complete when it is set.
    pub(crate) base_url: Option<BaseUrl>,
    /// The review cycle in months: an article is due for review this long after it was last
    /// revised. 0 means the site has no review cycle.
    pub(crate) review_period: u32,
    /// Whether article pages show the date the next review is due (with a review cycle).
    pub(crate) show_next_review: bool,
    /// How many recently revised articles the Atom feed carries.
    pub(crate) feed_count: usize,
    /// Further editions of the site in other languages, each with its articles in
    /// `articles.<language>/` and published under `<language>/` (see [`EditionConfig`]).
    /// Empty for a site in one language.
    pub(crate) editions: Vec<EditionConfig>,
    /// `encyc check` warns about illustrations bigger than this many kilobytes.
    pub(crate) image_size_limit_kb: u64,
    /// `encyc check` warns about articles whose Flesch–Kincaid reading grade is above this
    /// (NIH and NLM advise writing for patients at grade 6 to 8).
    pub(crate) reading_grade_max: u32,
    /// An editorial team credited as a reviewer of every article ("the A.D.A.M. Editorial
    /// team"), as MedlinePlus does.
    pub(crate) editorial_team: Option<String>,
}

/// One further edition, as written under `editions:` in `encyc.yaml`: its language, and
/// the site's title, disclaimer and introduction in that language (each defaults to the
/// language's built-in strings).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EditionConfig {
    pub(crate) language: String,
    pub(crate) title: Option<String>,
    pub(crate) disclaimer: Option<String>,
    pub(crate) introduction: Option<String>,
}

impl EditionConfig {
    /// The folder of this edition's articles, beside `articles/`.
    pub(crate) fn articles_dir_name(&self) -> String {
        format!("{ARTICLES_DIR}.{}", self.language)
    }

    /// The folder of the output this edition is published in.
    pub(crate) fn output_prefix(&self) -> String {
        format!("{}/", self.language)
    }
}

/// The absolute address the site is published at: `http(s)://host[:port]/path/`, always
/// ending with `/`, so that an article's relative href appended to it is its address. Parsed
/// by the `url` crate (WHATWG URL rules: IDNA hosts, IPv6, ports), then held to what a base
/// for relative hrefs needs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub(crate) struct BaseUrl(url::Url);

impl TryFrom<String> for BaseUrl {
    type Error = anyhow::Error;

    fn try_from(text: String) -> Result<BaseUrl> {
        BaseUrl::parse(&text)
    }
}

impl BaseUrl {
    /// Checks and normalises an address written in the config.
    pub(crate) fn parse(text: &str) -> Result<BaseUrl> {
        let text = text.trim();
        let bad = || {
            anyhow::anyhow!(
                "`base_url: {text}` must be an absolute address such as `https://example.org/encyclopedia/`"
            )
        };
        // What the editor wrote must be the address published: nothing the URL parser would
        // have to escape (spaces, quotes) is accepted, rather than silently rewritten.
        if !text.chars().all(|c| c.is_ascii_graphic() && !"\"<>\\^`{|}".contains(c)) {
            return Err(bad());
        }
        // WHATWG parsing forgives `https:///path` (host `path`); an editor who wrote it meant
        // something else.
        if text.split_once("://").is_none_or(|(_, rest)| rest.starts_with('/')) {
            return Err(bad());
        }
        let mut url = url::Url::parse(text).map_err(|_| bad())?;
        // Pages are appended to it: no query or fragment; no credentials in public addresses.
        let usable = matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|h| !h.is_empty())
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.password().is_none();
        if !usable {
            return Err(bad());
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(BaseUrl(url))
    }

    pub(crate) fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The path part, e.g. `/encyclopedia/`.
    pub(crate) fn path(&self) -> &str {
        self.0.path()
    }

    /// The absolute address of a page, from its relative href (already percent-encoded).
    pub(crate) fn join(&self, href: &crate::paths::Href) -> String {
        format!("{}{}", self.0, href.as_str())
    }
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
            base_url: None,
            review_period: 24,
            show_next_review: true,
            feed_count: 20,
            editions: Vec::new(),
            image_size_limit_kb: 1024,
            reading_grade_max: 8,
            editorial_team: None,
        }
    }
}

impl SiteConfig {
    /// Reads `encyc.yaml` from the site root, or the defaults when there is none.
    pub(crate) fn load(root: &Path) -> Result<SiteConfig> {
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
    pub(crate) fn parse(text: &str) -> Result<SiteConfig> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut config: SiteConfig = crate::yaml::parse(text, 1).map_err(|e| match e.line {
            Some(line) => anyhow::anyhow!("line {line}: {}", e.message),
            None => anyhow::anyhow!("{}", e.message),
        })?;
        config.validate().map_err(|err| {
            // Name the line of an edition's language that is wrong.
            let line = config.editions.iter().find_map(|e| {
                let message = err.to_string();
                let named = message.contains(&format!("language: {}`", e.language));
                let at = text.lines().position(|l| {
                    let l = l.trim_start_matches([' ', '-']);
                    l.starts_with("language:") && l.trim_end().ends_with(e.language.as_str())
                });
                named.then_some(at).flatten()
            });
            match line {
                Some(i) => anyhow::anyhow!("line {}: {err}", i + 1),
                None => err,
            }
        })?;
        Ok(config)
    }

    fn validate(&mut self) -> Result<()> {
        if !is_language_tag(&self.language) {
            bail!("`language: {}` is not a language tag such as `en` or `en-GB`", self.language);
        }
        let mut seen = vec![self.language.to_ascii_lowercase()];
        for edition in &self.editions {
            // Lower case only: the code names a folder and a URL path, which some disks and
            // hosts compare ignoring case and others do not.
            if !is_language_tag(&edition.language) || edition.language.chars().any(|c| c.is_ascii_uppercase()) {
                bail!(
                    "`editions: language: {}` is not a lower-case language tag such as `es` or `pt-br`",
                    edition.language
                );
            }
            if seen.contains(&edition.language) {
                bail!("`editions: language: {}` is listed twice (or is the site's own `language`)", edition.language);
            }
            seen.push(edition.language.clone());
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
        if let Some(url) = self.base_url.take() {
            // The 404 page's links must lead where the site is published: one setting is
            // enough, and two that disagree are a mistake.
            if self.base_path.trim().is_empty() {
                self.base_path = url.path().to_string();
            } else if self.base_path.trim_matches('/') != url.path().trim_matches('/') {
                bail!(
                    "`base_path: {}` is not the path of `base_url: {}`; leave `base_path` out, it follows `base_url`",
                    self.base_path,
                    url.as_str()
                );
            }
            self.base_url = Some(url);
        }
        // Normalise to one leading and one trailing slash so templates can append file names.
        let trimmed = self.base_path.trim_matches('/');
        self.base_path = if trimmed.is_empty() { "/".to_string() } else { format!("/{trimmed}/") };
        Ok(())
    }
}

/// Whether `tag` is shaped like a BCP 47 language tag: `en`, `en-GB`, `zh-Hant-TW`. The first
/// part is a language code of two or three letters.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|part| !part.is_empty() && part.len() <= 8 && part.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// How builds are run: once (`encyc build`), or again and again in one process (`encyc
/// watch`), where file events say which files changed and encyc's own writes keep its picture
/// of the output folder up to date, so that neither has to be checked file by file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    OneOff,
    /// `encyc watch`, told of changes by file events.
    Watch,
    /// `encyc watch --poll`, told of changes by polling. Polling compares the files with its
    /// own last look, not with what a build read: a file changed after that look, read by a
    /// build, and changed back before the next look is never reported. So every build lists
    /// the files again and checks each one's time stamp; only the output folder, which encyc
    /// alone writes, is trusted.
    Poll,
}

/// Everything a build needs to know, checked: paths are absolute and safe to use.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The site root, absolute.
    pub(crate) root: PathBuf,
    /// The site root as the user wrote it, for messages.
    pub(crate) root_shown: PathBuf,
    pub(crate) articles_dir: PathBuf,
    pub(crate) output_dir: PathBuf,
    pub(crate) site: SiteConfig,
    /// The day taken as today, read once from the clock (or `--today`): a `last_revised` after
    /// it is an error, and reviews are counted to it.
    pub(crate) today: jiff::civil::Date,
    /// Whether articles marked `draft: true` are built (with a banner): `encyc watch` shows
    /// them unless `--no-drafts`; `encyc build` and `check` leave them out.
    pub(crate) drafts: bool,
}

impl Config {
    /// The settings of the site in `root`, written to `output` (default: `<root>/output`):
    /// paths made absolute, an output folder that could destroy sources refused, and
    /// `encyc.yaml` read.
    pub(crate) fn new(root_shown: &Path, output: Option<&Path>, today: jiff::civil::Date) -> Result<Config> {
        let root = std::fs::canonicalize(root_shown)
            .with_context(|| format!("the site folder {} does not exist", root_shown.display()))?;
        if !root.is_dir() {
            bail!("the site folder {} is not a folder", root_shown.display());
        }
        let output = match output {
            Some(out) => resolve(out)?,
            None => root.join("output"),
        };
        let site = SiteConfig::load(&root)?;
        check_output(&root, &output, &site)?;
        Ok(Config {
            articles_dir: root.join(ARTICLES_DIR),
            root,
            root_shown: root_shown.to_path_buf(),
            output_dir: output,
            site,
            today,
            drafts: false,
        })
    }
}

/// Refuses output folders whose replacement could destroy sources: the site folder, its
/// articles folders (the main edition's and every further edition's) and its themes.
fn check_output(root: &Path, output: &Path, site: &SiteConfig) -> Result<()> {
    let themes = root.join(THEMES_DIR);
    let sources = std::iter::once(ARTICLES_DIR.to_string()).chain(site.editions.iter().map(|e| e.articles_dir_name()));
    let articles = sources
        .map(|name| (root.join(&name), name))
        .find(|(dir, _)| output.starts_with(dir) || dir.starts_with(output));
    let problem = if output == root {
        Some("is the site folder itself".to_string())
    } else if root.starts_with(output) {
        Some("contains the site folder".to_string())
    } else if let Some((_, name)) = articles {
        Some(format!("is, contains or is inside the articles folder {name}/"))
    } else if output.starts_with(&themes) {
        Some("is or is inside the themes folder".to_string())
    } else if output.parent().is_none() {
        Some("is the root of the file system".to_string())
    } else {
        None
    };
    match problem {
        Some(why) => bail!("refusing to write the site to {}: it {why}", output.display()),
        None => Ok(()),
    }
}

/// An absolute path with `.`/`..` resolved and symlinks of the existing part followed, for
/// a path that may not exist yet.
fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    let mut lexical = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    // Follow symlinks in the part that exists, so `out -> articles` is caught too.
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
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
    fn base_url_is_checked_normalised_and_gives_the_base_path() {
        let c = SiteConfig::parse("base_url: https://example.org/medical/encyclopedia").unwrap();
        assert_eq!(c.base_url.as_ref().unwrap().as_str(), "https://example.org/medical/encyclopedia/");
        assert_eq!(c.base_path, "/medical/encyclopedia/");
        let c = SiteConfig::parse("base_url: http://localhost:8080").unwrap();
        assert_eq!(c.base_url.as_ref().unwrap().as_str(), "http://localhost:8080/");
        assert_eq!(c.base_path, "/");
        // Host names are case-insensitive; paths are not.
        let c = SiteConfig::parse("base_url: https://Example.ORG/Enc").unwrap();
        assert_eq!(c.base_url.as_ref().unwrap().as_str(), "https://example.org/Enc/");
        let c = SiteConfig::parse("base_url: 'http://[::1]:8080/enc'").unwrap();
        assert_eq!(c.base_url.as_ref().unwrap().as_str(), "http://[::1]:8080/enc/");
        let c = SiteConfig::parse("base_url: https://example.org/enc/\nbase_path: enc").unwrap();
        assert_eq!(c.base_path, "/enc/");
        for bad in [
            "base_url: example.org",
            "base_url: ftp://example.org/",
            "base_url: https:///path",
            "base_url: https://example.org/a b/",
            "base_url: https://example.org/?page=1",
            "base_url: https://example.org/#top",
            "base_url: https://editor:secret@example.org/",
            "base_url: https://",
            "base_url: 'https://exa mple.org/'",
            "base_url: https://example.org/enc/\nbase_path: /other/",
        ] {
            assert!(SiteConfig::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pages_join_the_base_url() {
        let url = BaseUrl::parse("https://example.org/enc").unwrap();
        assert_eq!(url.join(&crate::paths::Href::new("a%20b.html")), "https://example.org/enc/a%20b.html");
        assert_eq!(url.path(), "/enc/");
    }

    #[test]
    fn bad_language_is_refused() {
        assert!(SiteConfig::parse("language: 'en gb'").is_err());
    }
    #[test]
    fn dangerous_outputs_are_refused() {
        let root = Path::new("/site");
        let site = SiteConfig::parse("editions:\n  - language: es\n").unwrap();
        for bad in ["/site", "/", "/site/articles", "/site/articles/out", "/site/themes/default", "/site/articles.es"] {
            assert!(check_output(root, Path::new(bad), &site).is_err(), "{bad}");
        }
        for ok in ["/site/output", "/elsewhere/out", "/site/public", "/site/articles.fr"] {
            assert!(check_output(root, Path::new(ok), &site).is_ok(), "{ok}");
        }
    }
}
