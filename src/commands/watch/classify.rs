//! What a file event means for the site: a pure function from (event kind, path relative to
//! the site root) to a [`Change`], so that every editor's way of saving can be table-tested.

use std::path::{Component, Path, PathBuf};

use notify::EventKind;
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RemoveKind};

use crate::config::{ARTICLES_DIR, CONFIG_FILE, THEMES_DIR};
use crate::paths::is_editor_temp;

/// A change that matters for the build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// An article file (path relative to `articles/`) was written, created, removed or renamed.
    Article(PathBuf),
    /// Something else under `articles/` changed shape (a folder moved in or out): look again.
    ArticlesTree(PathBuf),
    /// A theme file changed.
    Theme(PathBuf),
    /// `encyc.yaml` changed.
    Config,
}

impl Change {
    /// The path as shown to the editor, relative to the site root.
    pub fn shown(&self) -> String {
        let path = match self {
            Change::Article(p) | Change::ArticlesTree(p) => Path::new(ARTICLES_DIR).join(p),
            Change::Theme(p) => Path::new(THEMES_DIR).join(p),
            Change::Config => PathBuf::from(CONFIG_FILE),
        };
        path.to_string_lossy().into_owned()
    }
}

/// Whether an event of this kind can change a file's contents or existence. Reads and
/// metadata-only changes (permissions, access times) cannot.
fn kind_matters(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
        // Unknown kinds (some platforms, polling) may hide a real change: rebuild.
        EventKind::Any | EventKind::Other => true,
    }
}

/// What an event of `kind` on `path` (relative to the site root) means. `output` is the
/// output folder relative to the site root, when it lies inside it: encyc's own writes there
/// never trigger a build.
pub fn classify(kind: &EventKind, path: &Path, output: Option<&Path>) -> Option<Change> {
    if !kind_matters(kind) {
        return None;
    }
    if output.is_some_and(|out| path.starts_with(out)) {
        return None;
    }
    let parts: Vec<&str> = path
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (first, rest) = parts.split_first()?;
    // Hidden files and folders anywhere (.git, .foo.swp) and editor temp files never count.
    if parts.iter().any(|p| p.starts_with('.')) || is_editor_temp(parts.last()?) {
        return None;
    }
    let rest_path: PathBuf = rest.iter().collect();
    match *first {
        ARTICLES_DIR if rest.is_empty() => Some(Change::ArticlesTree(PathBuf::new())),
        ARTICLES_DIR => {
            let name = rest.last()?;
            if crate::article::is_markdown(name.as_ref()) {
                Some(Change::Article(rest_path))
            } else if is_folder_event(kind) || !name.contains('.') {
                // A folder appeared, vanished or moved (articles inside it with it).
                Some(Change::ArticlesTree(rest_path))
            } else {
                // Other files (images, notes) are not published.
                None
            }
        }
        THEMES_DIR => Some(Change::Theme(rest_path)),
        CONFIG_FILE if rest.is_empty() => Some(Change::Config),
        _ => None,
    }
}

fn is_folder_event(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, MetadataKind, RenameMode};

    fn all_kinds() -> Vec<EventKind> {
        vec![
            EventKind::Any,
            EventKind::Other,
            EventKind::Access(AccessKind::Any),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Create(CreateKind::Any),
            EventKind::Create(CreateKind::File),
            EventKind::Create(CreateKind::Folder),
            EventKind::Create(CreateKind::Other),
            EventKind::Modify(ModifyKind::Any),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Data(DataChange::Content)),
            EventKind::Modify(ModifyKind::Data(DataChange::Size)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
            EventKind::Modify(ModifyKind::Name(RenameMode::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::From)),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            EventKind::Modify(ModifyKind::Other),
            EventKind::Remove(RemoveKind::Any),
            EventKind::Remove(RemoveKind::File),
            EventKind::Remove(RemoveKind::Folder),
            EventKind::Remove(RemoveKind::Other),
        ]
    }

    #[test]
    fn every_event_kind_on_an_article() {
        let path = Path::new("articles/spine/sciatica.md");
        for kind in all_kinds() {
            let got = classify(&kind, path, Some(Path::new("output")));
            let expected = match kind {
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
                EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => false,
                _ => true,
            };
            assert_eq!(got.is_some(), expected, "{kind:?}");
            if let Some(change) = got {
                assert_eq!(change, Change::Article(PathBuf::from("spine/sciatica.md")), "{kind:?}");
            }
        }
    }

    #[test]
    fn paths_table() {
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let out = Some(Path::new("output"));
        let cases: &[(&str, Option<Change>)] = &[
            ("articles/a.md", Some(Change::Article("a.md".into()))),
            ("articles/new-folder", Some(Change::ArticlesTree("new-folder".into()))),
            ("articles", Some(Change::ArticlesTree(PathBuf::new()))),
            ("articles/photo.png", None),
            ("articles/notes.txt", None),
            // Markdown under another extension is reported by the build, so it must rebuild.
            ("articles/upper.MD", Some(Change::Article("upper.MD".into()))),
            ("articles/notes.markdown", Some(Change::Article("notes.markdown".into()))),
            ("articles/.a.md.swp", None),
            ("articles/.#a.md", None),
            ("articles/a.md~", None),
            ("articles/#a.md#", None),
            ("articles/4913", None),
            ("articles/a.md___jb_tmp___", None),
            ("articles/.hidden/a.md", None),
            ("themes/default/article.html", Some(Change::Theme("default/article.html".into()))),
            ("themes/default/.article.html.swp", None),
            ("encyc.yaml", Some(Change::Config)),
            ("encyc.yaml~", None),
            ("output/index.html", None),
            ("output/articles/x.md", None),
            ("README.md", None),
            ("target/debug/encyc", None),
            (".git/index", None),
        ];
        for (path, expected) in cases {
            assert_eq!(&classify(&write, Path::new(path), out), expected, "{path}");
        }
    }

    #[test]
    fn a_folder_created_with_a_dot_in_its_name_still_counts() {
        let kind = EventKind::Create(CreateKind::Folder);
        assert_eq!(classify(&kind, Path::new("articles/v1.2"), None), Some(Change::ArticlesTree("v1.2".into())));
    }
}
