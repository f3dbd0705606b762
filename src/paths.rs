//! Newtypes for the names that are easy to mix up: an article's slug, its source path
//! (relative to `articles/`), a page's output path (relative to the output folder) and the
//! relative href that links to it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::{Deserialize, Serialize};

/// The folder inside the site root that holds the articles.
pub(crate) const ARTICLES_DIR: &str = "articles";
/// The site configuration file inside the site root.
pub(crate) const CONFIG_FILE: &str = "encyc.yaml";
/// The folder inside the site root that holds site themes.
pub(crate) const THEMES_DIR: &str = "themes";

/// The file in the output folder that lists what encyc wrote there.
pub(crate) const MANIFEST: &str = ".encyc-manifest";
/// The lines of [`MANIFEST`] that `encyc watch` changed since it was written whole, beside it:
/// rewriting 10,000 lines after each edit was a tenth of a rebuild (see `output`).
pub(crate) const MANIFEST_CHANGES: &str = ".encyc-manifest-changes";
/// The load stage's cache of article summaries, in the output folder.
pub(crate) const CACHE: &str = ".encyc-cache";
/// What the load stage learnt of each illustration (size, hash), by its file's stamp, so that
/// a rebuild reads no unchanged image; in the output folder.
pub(crate) const MEDIA_CACHE: &str = ".encyc-media-cache";
/// What the last one-off build was made from and reported ([`crate::last_build`]); in the
/// output folder.
pub(crate) const LAST_BUILD: &str = ".encyc-cache-last-build";
/// The folder of encoded smaller and WebP copies of illustrations, by the source image's
/// hash, so that a rebuild encodes no unchanged image; in the output folder.
pub(crate) const MEDIA_VARIANTS: &str = ".encyc-variants";
/// encyc's temporary files in the output folder start with this; leftovers from a killed
/// build are removed.
pub(crate) const TEMP_PREFIX: &str = ".encyc-tmp";

/// Writes one of encyc's bookkeeping files (`name`, a cache or record) in the output folder
/// `output` at once: a temporary file beside it, renamed over it.
pub(crate) fn write_bookkeeping(output: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let target = output.join(name);
    let temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(output)
        .with_context(|| format!("cannot write in {}", output.display()))?;
    std::fs::write(temp.path(), bytes).with_context(|| format!("cannot write {}", target.display()))?;
    temp.persist(&target).with_context(|| format!("cannot write {}", target.display()))?;
    Ok(())
}

/// Characters that must be escaped inside one path segment of a URL.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']')
    .add(b'\'');

/// An article's identity: its file name without `.md`. Unique across all subfolders.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Slug(String);

impl Slug {
    pub(crate) fn new(slug: impl Into<String>) -> Self {
        Slug(slug.into())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
        self.0
    }

    /// Where this article's page is written.
    pub(crate) fn output_path(&self) -> OutputPath {
        self.output_path_in("")
    }

    /// This article's page in the edition whose pages are under `prefix` (`en-gb/`).
    pub(crate) fn output_path_in(&self, prefix: &str) -> OutputPath {
        // Not `format!`, and made in a buffer kept per thread: a build makes one per article,
        // and formatting was a twentieth of a rebuild in `encyc watch`.
        thread_local! {
            static BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        BUFFER.with_borrow_mut(|path| {
            path.clear();
            path.push_str(prefix);
            path.push_str(&self.0);
            path.push_str(".html");
            OutputPath(Arc::from(path.as_str()))
        })
    }

    /// The relative link to this article's page from any page at the top of the site.
    pub(crate) fn href(&self) -> Href {
        Href(format!("{}.html", utf8_percent_encode(&self.0, SEGMENT)))
    }
}

/// A slug is looked up by the text of a link (a map keyed by slugs, by `&str`): it hashes and
/// compares as its text does.
impl std::borrow::Borrow<str> for Slug {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A source file's path relative to the `articles/` folder, with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct SourcePath(String);

impl SourcePath {
    /// `relative` must be relative to the articles folder.
    pub(crate) fn new(relative: &Path) -> Self {
        let text = relative.to_string_lossy();
        if std::path::MAIN_SEPARATOR == '/' {
            SourcePath(text.into_owned())
        } else {
            SourcePath(text.replace(std::path::MAIN_SEPARATOR, "/"))
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug: the file name without its `.md` extension.
    pub(crate) fn slug(&self) -> Slug {
        let name = self.0.rsplit('/').next().unwrap_or(&self.0);
        Slug(name.strip_suffix(".md").unwrap_or(name).to_string())
    }

    /// The path as shown to editors: relative to the site root (`articles/foo.md`).
    pub(crate) fn display_path(&self) -> PathBuf {
        Path::new(ARTICLES_DIR).join(&self.0)
    }
}

impl fmt::Display for SourcePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A page's path relative to the output folder, with `/` separators (`assets/style.css`).
/// Shared rather than copied: a rebuild in `encyc watch` hands each of 10,000 paths from the
/// plan to the writer and on to the next build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct OutputPath(Arc<str>);

impl Serialize for OutputPath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl OutputPath {
    pub(crate) fn new(path: impl Into<String>) -> Self {
        OutputPath(Arc::from(path.into()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// This path under `prefix`, the folder of a further edition (`en-gb/`); itself when the
    /// prefix is empty.
    pub(crate) fn prefixed(&self, prefix: &str) -> OutputPath {
        match prefix {
            "" => self.clone(),
            _ => OutputPath::new(format!("{prefix}{}", self.as_str())),
        }
    }

    /// The file system path under `root`.
    pub(crate) fn under(&self, root: &Path) -> PathBuf {
        self.0.split('/').fold(root.to_path_buf(), |p, part| p.join(part))
    }
}

impl fmt::Display for OutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A URL as written into an `href`: already percent-encoded, relative unless stated.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub(crate) struct Href(String);

impl Href {
    pub(crate) fn new(href: impl Into<String>) -> Self {
        Href(href.into())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// This href with `#fragment` appended (the fragment is an id we generated, so it needs
    /// no escaping beyond what ids allow).
    pub(crate) fn with_fragment(&self, fragment: Option<&str>) -> Href {
        match fragment {
            Some(f) => Href(format!("{}#{}", self.0, utf8_percent_encode(f, SEGMENT))),
            None => self.clone(),
        }
    }
}

impl fmt::Display for Href {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Files editors write beside the real one while saving: never articles, never published
/// from a theme. Here, below both `watch` and `render`, so that both use this one list.
pub(crate) fn is_editor_temp(name: &str) -> bool {
    name.starts_with('.')                        // .foo.md.swp, .#foo.md (Emacs lock), .DS_Store
        || name.ends_with('~')                   // foo.md~ (backups)
        || (name.starts_with('#') && name.ends_with('#')) // #foo.md# (Emacs auto-save)
        || name == "4913"                        // Vim's probe for a writable folder
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")        // JetBrains safe write
        || name.ends_with("___jb_old___")
        || name.ends_with(".crswap") // Chrome's File System Access
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_comes_from_the_file_name_in_any_folder() {
        let p = SourcePath::new(Path::new("spine/low-back-pain.md"));
        assert_eq!(p.slug().as_str(), "low-back-pain");
        assert_eq!(p.display_path(), Path::new("articles/spine/low-back-pain.md"));
    }

    #[test]
    fn hrefs_escape_spaces_and_unicode() {
        let slug = Slug::new("Ménière disease?");
        assert_eq!(slug.href().as_str(), "M%C3%A9ni%C3%A8re%20disease%3F.html");
        assert_eq!(slug.output_path().as_str(), "Ménière disease?.html");
    }
}
