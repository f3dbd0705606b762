//! What a file event means for the site: a pure function from (event kind, path relative to
//! the site root) to a [`Change`], so that every editor's way of saving can be table-tested.

use std::path::{Component, Path, PathBuf};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RemoveKind};
use notify::{EventKind, WatcherKind};

use crate::config::{ARTICLES_DIR, CONFIG_FILE, THEMES_DIR};
use crate::paths::is_editor_temp;

/// A change that matters for the build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Change {
    /// An article file (path relative to `articles/`) was written, created, removed or renamed.
    Article(PathBuf),
    /// Something else under `articles/` changed shape (a folder moved in or out): look again.
    ArticlesTree(PathBuf),
    /// An image or an image's metadata (path relative to `articles/`) changed: the media
    /// folder is looked at again (by stamps, so only changed images are read).
    Media(PathBuf),
    /// Something in a further edition's articles folder (`articles.es`, with the path relative
    /// to it) changed: an article, a folder, or the folder itself (an empty path).
    Edition(String, PathBuf),
    /// A theme file changed.
    Theme(PathBuf),
    /// `encyc.yaml` changed.
    Config,
}

impl Change {
    /// The path as shown to the editor, relative to the site root.
    pub(super) fn shown(&self) -> String {
        let path = match self {
            Change::Article(p) | Change::ArticlesTree(p) | Change::Media(p) => Path::new(ARTICLES_DIR).join(p),
            Change::Edition(dir, p) => Path::new(dir).join(p),
            Change::Theme(p) => Path::new(THEMES_DIR).join(p),
            Change::Config => PathBuf::from(CONFIG_FILE),
        };
        path.to_string_lossy().into_owned()
    }
}

/// Whether an event of this kind, from this kind of watcher, can change a file's contents or
/// existence. Reads cannot; nor can metadata-only changes (permissions, access times) that
/// the operating system reports. A polling watcher has no such events: it compares time
/// stamps, and reports a file written in place (`sed -i`, `git checkout`) as
/// `Modify(Metadata(WriteTime))`.
fn kind_matters(kind: &EventKind, watcher: WatcherKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => watcher == WatcherKind::PollWatcher,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
        // Unknown kinds (some platforms, polling) may hide a real change: rebuild.
        EventKind::Any | EventKind::Other => true,
    }
}

/// What an event of `kind` on `path` (relative to the site root), reported by a `watcher` of
/// this kind, means. `output` is the output folder relative to the site root, when it lies
/// inside it: encyc's own writes there never trigger a build.
pub(crate) fn classify(kind: &EventKind, path: &Path, output: Option<&Path>, watcher: WatcherKind) -> Option<Change> {
    if !kind_matters(kind, watcher) {
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
    if let Some(language) = first.strip_prefix(ARTICLES_DIR).and_then(|s| s.strip_prefix('.')) {
        // A further edition's folder (`articles.es`): the same rules as `articles/`. Whether
        // the edition is one `encyc.yaml` lists is for the caller to say.
        if language.is_empty() {
            return None;
        }
        let dir = (*first).to_string();
        let in_articles = Path::new(ARTICLES_DIR).join(&rest_path);
        return classify(kind, &in_articles, None, watcher).map(|_| Change::Edition(dir, rest_path));
    }
    match *first {
        // The folder's own time stamp or size (polling sees them change when an entry comes
        // or goes): the entries' own events say what changed.
        ARTICLES_DIR | THEMES_DIR if rest.is_empty() && is_file_event(kind) => None,
        ARTICLES_DIR if rest.is_empty() => Some(Change::ArticlesTree(PathBuf::new())),
        ARTICLES_DIR => {
            let name = rest.last()?;
            if crate::article::is_markdown(name.as_ref()) {
                Some(Change::Article(rest_path))
            } else if rest.first() == Some(&crate::media::MEDIA_DIR) && crate::media::is_media_file(name) {
                Some(Change::Media(rest_path))
            } else if is_file_event(kind) {
                // Other files (images, notes) are not published.
                None
            } else {
                // A folder appeared, vanished or moved (articles inside it with it), or an
                // event that does not say whether it was a folder: a rename, or any event from
                // polling. Names say nothing either (`v2.0/` is a folder), so look again.
                Some(Change::ArticlesTree(rest_path))
            }
        }
        THEMES_DIR => Some(Change::Theme(rest_path)),
        CONFIG_FILE if rest.is_empty() => Some(Change::Config),
        _ => None,
    }
}

/// Whether the event is known to be about a file, not a folder: a folder's contents change
/// only through events on the files in it.
fn is_file_event(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(CreateKind::File)
            | EventKind::Remove(RemoveKind::File)
            | EventKind::Access(_)
            | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_))
    )
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
            for watcher in [WatcherKind::Inotify, WatcherKind::PollWatcher] {
                let got = classify(&kind, path, Some(Path::new("output")), watcher);
                let expected = match kind {
                    EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
                    EventKind::Access(_) => false,
                    // Polling reports a file written in place this way; the system does not.
                    EventKind::Modify(ModifyKind::Metadata(_)) => watcher == WatcherKind::PollWatcher,
                    _ => true,
                };
                assert_eq!(got.is_some(), expected, "{kind:?} from {watcher:?}");
                if let Some(change) = got {
                    assert_eq!(change, Change::Article(PathBuf::from("spine/sciatica.md")), "{kind:?}");
                }
            }
        }
    }

    #[test]
    fn what_the_poll_watcher_emits_for_an_edit_in_place_is_a_change() {
        // notify's PollWatcher: a newer time stamp is `Metadata(WriteTime)`, new bytes with the
        // same time stamp `Data(Any)`.
        for kind in [
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
        ] {
            let poll = WatcherKind::PollWatcher;
            assert_eq!(classify(&kind, Path::new("articles/a.md"), None, poll), Some(Change::Article("a.md".into())));
            assert_eq!(
                classify(&kind, Path::new("themes/t/a.html"), None, poll),
                Some(Change::Theme("t/a.html".into()))
            );
            assert_eq!(classify(&kind, Path::new("encyc.yaml"), None, poll), Some(Change::Config));
        }
    }

    #[test]
    fn paths_table() {
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let out = Some(Path::new("output"));
        let cases: &[(&str, Option<Change>)] = &[
            ("articles/a.md", Some(Change::Article("a.md".into()))),
            // A file written, with or without a dot in its name; folders are not written to.
            ("articles/README", None),
            ("articles", None),
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
            ("articles/media/spine.svg", Some(Change::Media("media/spine.svg".into()))),
            ("articles/media/spine.svg.yaml", Some(Change::Media("media/spine.svg.yaml".into()))),
            ("articles/media/notes.txt", None),
            ("encyc.yaml~", None),
            ("output/index.html", None),
            ("output/articles/x.md", None),
            ("README.md", None),
            ("target/debug/encyc", None),
            (".git/index", None),
        ];
        for (path, expected) in cases {
            assert_eq!(&classify(&write, Path::new(path), out, WatcherKind::Inotify), expected, "{path}");
        }
    }

    #[test]
    fn a_further_editions_folder_counts_like_articles() {
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let created = EventKind::Create(CreateKind::Folder);
        let es = |p: &str| Some(Change::Edition("articles.es".into(), p.into()));
        let cases: &[(&EventKind, &str, Option<Change>)] = &[
            (&write, "articles.es/ciatica.md", es("ciatica.md")),
            (&write, "articles.pt-br/a/b.md", Some(Change::Edition("articles.pt-br".into(), "a/b.md".into()))),
            (&write, "articles.es/media/a.svg", es("media/a.svg")),
            (&write, "articles.es/notes.txt", None),
            (&write, "articles.es/.ciatica.md.swp", None),
            (&write, "articles.es/ciatica.md~", None),
            (&write, "articles.es", None),
            (&created, "articles.es", es("")),
            (&created, "articles.es/columna", es("columna")),
            (&created, "articles.", None),
        ];
        for (kind, path, expected) in cases {
            for watcher in [WatcherKind::Inotify, WatcherKind::PollWatcher] {
                assert_eq!(&classify(kind, Path::new(path), None, watcher), expected, "{path} {kind:?}");
            }
        }
    }

    #[test]
    fn a_folder_with_a_dot_in_its_name_moved_or_created_still_counts() {
        for kind in [
            EventKind::Create(CreateKind::Folder),
            EventKind::Remove(RemoveKind::Folder),
            EventKind::Modify(ModifyKind::Name(RenameMode::From)),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Modify(ModifyKind::Name(RenameMode::Any)),
            EventKind::Create(CreateKind::Any),
            EventKind::Remove(RemoveKind::Any),
        ] {
            for watcher in [WatcherKind::Inotify, WatcherKind::PollWatcher] {
                let got = classify(&kind, Path::new("articles/v2.0"), None, watcher);
                assert_eq!(got, Some(Change::ArticlesTree("v2.0".into())), "{kind:?} from {watcher:?}");
            }
        }
        // `articles/` and `themes/` moved or removed as a whole; not their time stamps changing.
        let moved = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        let touched = EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime));
        for watcher in [WatcherKind::Inotify, WatcherKind::PollWatcher] {
            assert_eq!(classify(&moved, Path::new("articles"), None, watcher), Some(Change::ArticlesTree("".into())));
            assert_eq!(classify(&moved, Path::new("themes"), None, watcher), Some(Change::Theme("".into())));
            assert_eq!(classify(&touched, Path::new("articles"), None, watcher), None);
            assert_eq!(classify(&touched, Path::new("themes"), None, watcher), None);
        }
        // A file that is known to be one is not a folder, whatever its name.
        let png =
            classify(&EventKind::Create(CreateKind::File), Path::new("articles/photo.png"), None, WatcherKind::Inotify);
        assert_eq!(png, None);
    }
}
