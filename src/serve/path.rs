//! Mapping a request path to a file inside the output folder, and nothing outside it.
//! The pure part ([`segments`]) is table-tested; [`locate`] adds the checks that need the
//! file system (no symbolic links, folders serve their `index.html`).

use std::path::{Path, PathBuf};

/// The path segments of a request, decoded, or `None` when the path could leave the folder
/// or name something we never serve (hidden files, `..`, backslashes, NUL).
pub(super) fn segments(request_path: &str) -> Option<Vec<String>> {
    let path = request_path.split(['?', '#']).next().unwrap_or("");
    let mut out = Vec::new();
    for raw in path.split('/') {
        let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
        if decoded.is_empty() {
            continue;
        }
        // Checked after decoding, so `%2e%2e`, `%2f` and `%5c` are caught too.
        if decoded.starts_with('.') || decoded.contains(['/', '\\', '\0']) || decoded.contains(':') {
            return None;
        }
        out.push(decoded.into_owned());
    }
    Some(out)
}

/// The file to serve for `segments` under `root`: a regular file reached without passing
/// through any symbolic link; a folder serves its `index.html`.
pub(super) fn locate(root: &Path, segments: &[String]) -> Option<PathBuf> {
    let mut path = root.to_path_buf();
    for segment in segments {
        path.push(segment);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if meta.file_type().is_symlink() {
            return None;
        }
    }
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if meta.is_dir() {
        path.push("index.html");
        let meta = std::fs::symlink_metadata(&path).ok()?;
        return meta.is_file().then_some(path);
    }
    meta.is_file().then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_table() {
        let ok = |p: &str, want: &[&str]| {
            assert_eq!(segments(p), Some(want.iter().map(|s| s.to_string()).collect()), "{p}");
        };
        ok("/", &[]);
        ok("/index.html", &["index.html"]);
        ok("/assets/style.css", &["assets", "style.css"]);
        ok("//assets//style.css", &["assets", "style.css"]);
        ok("/M%C3%A9ni%C3%A8re%20disease.html", &["Ménière disease.html"]);
        ok("/sciatica.html?x=1#y", &["sciatica.html"]);
        for bad in [
            "/../etc/passwd",
            "/assets/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2fetc/passwd",
            "/..\\etc\\passwd",
            "/%5c..%5cetc",
            "/.encyc-manifest",
            "/.git/config",
            "/a%00b",
            "/C:/Windows",
            "/%ff",
        ] {
            assert_eq!(segments(bad), None, "{bad}");
        }
    }

    #[test]
    fn symlinks_and_missing_files_are_not_served() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("page.html"), "x").unwrap();
        std::fs::write(root.join("sub/index.html"), "y").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        let seg = |p: &str| segments(p).unwrap();
        assert_eq!(locate(&root, &seg("/page.html")), Some(root.join("page.html")));
        assert_eq!(locate(&root, &seg("/sub/")), Some(root.join("sub/index.html")));
        assert_eq!(locate(&root, &seg("/missing.html")), None);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
            std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
            assert_eq!(locate(&root, &seg("/link.txt")), None);
            assert_eq!(locate(&root, &seg("/up/secret.txt")), None);
        }
    }
}
