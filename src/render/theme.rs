//! The theme: Tera templates and static assets. The default theme is compiled into the
//! binary, so a folder holding only `articles/` builds; a site overrides any single file by
//! putting one of the same name in `themes/<theme>/`.

use std::path::Path;

use anyhow::{Context, Result, bail};
use tera::Tera;

use crate::config::THEMES_DIR;
use crate::hash::{ContentHash, content_hash};
use crate::paths::{OutputPath, is_editor_temp};

/// The templates every theme has, embedded from `themes/default/`.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../themes/default/base.html")),
    ("az.html", include_str!("../../themes/default/az.html")),
    ("article.html", include_str!("../../themes/default/article.html")),
    ("letter.html", include_str!("../../themes/default/letter.html")),
    ("home.html", include_str!("../../themes/default/home.html")),
    ("404.html", include_str!("../../themes/default/404.html")),
    ("search.html", include_str!("../../themes/default/search.html")),
    ("sitemap.xml", include_str!("../../themes/default/sitemap.xml")),
    ("atom.xml", include_str!("../../themes/default/atom.xml")),
    ("figure.html", include_str!("../../themes/default/figure.html")),
    ("footnote-back.html", include_str!("../../themes/default/footnote-back.html")),
    ("illustration.html", include_str!("../../themes/default/illustration.html")),
    ("care-card.html", include_str!("../../themes/default/care-card.html")),
    ("callout-title.html", include_str!("../../themes/default/callout-title.html")),
    ("redirect.html", include_str!("../../themes/default/redirect.html")),
];

/// Static files of the default theme, published under `assets/`.
const ASSETS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../themes/default/style.css")),
    ("search.js", include_bytes!("../../themes/default/search.js")),
    ("minisearch.js", include_bytes!("../../themes/default/minisearch.js")),
];

/// The templates, parsed once, and the assets to publish.
#[derive(Debug)]
pub(crate) struct Theme {
    pub(crate) tera: Tera,
    pub(crate) assets: Vec<(OutputPath, Vec<u8>)>,
    /// Changes whenever any template or asset changes.
    pub(crate) fingerprint: ContentHash,
}

impl Theme {
    /// The default theme with the overrides found in `<root>/themes/<name>/`.
    pub(crate) fn load(root: &Path, name: &str) -> Result<Theme> {
        let dir = root.join(THEMES_DIR).join(name);
        let mut templates: Vec<(String, String)> =
            TEMPLATES.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        let mut assets: Vec<(String, Vec<u8>)> = ASSETS.iter().map(|(n, b)| (n.to_string(), b.to_vec())).collect();
        match std::fs::read_dir(&dir) {
            Ok(_) => {
                // Hidden files and folders and editors' backup and swap files are never
                // published; files in subfolders are assets under the same subfolders.
                let walk = walkdir::WalkDir::new(&dir)
                    .min_depth(1)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_entry(|e| !is_editor_temp(&e.file_name().to_string_lossy()));
                for entry in walk {
                    let entry = entry.with_context(|| format!("cannot read the theme folder {}", dir.display()))?;
                    let path = entry.path();
                    if !path.is_file() {
                        continue;
                    }
                    let relative = path.strip_prefix(&dir).expect("walked from the theme folder");
                    // The strings files are read per language by `Strings`, not published.
                    if relative.starts_with(super::strings::STRINGS_DIR) {
                        continue;
                    }
                    let name = relative.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>().join("/");
                    // Every top-level `.html` file is meant as a template (a misspelt one is
                    // an error); other files are assets, unless named like a template.
                    let top_level = entry.depth() == 1;
                    if top_level && (name.ends_with(".html") || TEMPLATES.iter().any(|(n, _)| *n == name)) {
                        let Some(slot) = templates.iter_mut().find(|(n, _)| *n == name) else {
                            let known: Vec<&str> = TEMPLATES.iter().map(|(n, _)| *n).collect();
                            bail!(
                                "{} is not a template encyc uses (the templates are: {})",
                                path.display(),
                                known.join(", ")
                            );
                        };
                        slot.1 =
                            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
                    } else {
                        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
                        match assets.iter_mut().find(|(n, _)| *n == name) {
                            Some(slot) => slot.1 = bytes,
                            None => assets.push((name, bytes)),
                        }
                    }
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if name != "default" {
                    bail!("the theme `{name}` is set in the config, but there is no folder {}", dir.display());
                }
            }
            Err(err) => return Err(err).with_context(|| format!("cannot read the theme folder {}", dir.display())),
        }
        assets.sort();
        Theme::from_parts(templates, assets, &dir)
    }

    fn from_parts(templates: Vec<(String, String)>, assets: Vec<(String, Vec<u8>)>, dir: &Path) -> Result<Theme> {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for (name, text) in &templates {
            hasher.update(name.as_bytes());
            hasher.update(&content_hash(text.as_bytes()).to_le_bytes());
        }
        for (name, bytes) in &assets {
            hasher.update(name.as_bytes());
            hasher.update(&content_hash(bytes).to_le_bytes());
        }
        let mut tera = Tera::new();
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| anyhow::anyhow!("{}", tera_message(&e)))
            .with_context(|| format!("in the theme templates (overrides in {})", dir.display()))?;
        Ok(Theme {
            tera,
            assets: assets.into_iter().map(|(n, b)| (OutputPath::new(format!("assets/{n}")), b)).collect(),
            fingerprint: hasher.digest128(),
        })
    }
}

impl Theme {
    /// Renders `template` with `context`: the one place that turns Tera's errors into ours.
    pub(crate) fn render(&self, template: &str, context: &impl serde::Serialize) -> Result<String> {
        let context = tera::Context::from_serialize(context).map_err(|e| anyhow::anyhow!(tera_message(&e)))?;
        self.tera
            .render(template, &context)
            .map_err(|e| anyhow::anyhow!(tera_message(&e)))
            .with_context(|| format!("while rendering the template {template}"))
    }
}

/// Tera's errors keep the useful part in their source chain; flatten it into one message.
fn tera_message(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}
