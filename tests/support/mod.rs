//! A site in a temporary folder, built by the real `encyc` binary, and ways to look at what
//! came out: files, pages as parsed HTML, and the whole output folder as a snapshot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

pub(crate) mod browser;
pub(crate) mod watch;

/// The sections of an encyclopedia article, in order, as the shipped articles and `encyc new`
/// write them.
pub(crate) const STANDARD_SECTIONS: [&str; 8] = [
    "Causes, incidence, and risk factors",
    "Symptoms",
    "Signs and tests",
    "Treatment",
    "Expectations (prognosis)",
    "Complications",
    "Calling your health care provider",
    "Prevention",
];

pub(crate) struct TestSite {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

/// What a run of `encyc` did.
#[derive(Debug)]
pub(crate) struct Run {
    pub code: Option<i32>,
    pub stderr: String,
}

impl Run {
    pub(crate) fn success(&self) -> bool {
        self.code == Some(0)
    }

    #[track_caller]
    pub(crate) fn assert_ok(&self) -> &Self {
        assert!(self.success(), "encyc failed ({:?}):\n{}", self.code, self.stderr);
        self
    }

    #[track_caller]
    pub(crate) fn assert_failed(&self) -> &Self {
        assert!(!self.success(), "encyc should have failed but exited {:?}:\n{}", self.code, self.stderr);
        assert_eq!(self.code, Some(1), "a failure exits with 1, not a crash:\n{}", self.stderr);
        assert!(!self.stderr.contains("panicked"), "encyc panicked:\n{}", self.stderr);
        self
    }

    #[track_caller]
    pub(crate) fn assert_stderr_has(&self, needle: &str) -> &Self {
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", self.stderr);
        self
    }
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Run { code: out.status.code(), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
    }
}

pub(crate) fn encyc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_encyc"))
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>/`.
    pub(crate) fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        copy_tree(&from, &site.root);
        site
    }

    /// A site folder with nothing in it.
    pub(crate) fn empty() -> TestSite {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir(&root).unwrap();
        TestSite { _dir: dir, root }
    }

    /// The shipped site: the repository's own articles.
    pub(crate) fn shipped() -> TestSite {
        let site = TestSite::empty();
        copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("articles"), &site.root.join("articles"));
        site
    }

    /// The shipped site with its Spanish edition (`articles.es/`, `encyc.yaml`).
    pub(crate) fn shipped_with_editions() -> TestSite {
        let site = TestSite::shipped();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_tree(&repo.join("articles.es"), &site.root.join("articles.es"));
        std::fs::copy(repo.join("encyc.yaml"), site.root.join("encyc.yaml")).unwrap();
        site
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub(crate) fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    pub(crate) fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path(rel)).unwrap();
        self
    }

    /// Runs `encyc <args>` in the site folder.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        encyc().args(args).current_dir(&self.root).output().expect("run encyc").into()
    }

    pub(crate) fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub(crate) fn output(&self) -> PathBuf {
        self.path("output")
    }

    pub(crate) fn read_output(&self, rel: &str) -> String {
        let path = self.output().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub(crate) fn page(&self, rel: &str) -> Page {
        Page::new(&self.read_output(rel))
    }
}

/// Every file under `dir` with its bytes (empty map if there is no folder).
/// Every file of the output folder `dir` and its bytes. The cache of encoded illustrations is
/// left out: a failed build may add to it (what it encoded is still good, keyed by content),
/// and no page is served from it.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    let not_cache = |e: &walkdir::DirEntry| e.depth() != 1 || e.file_name() != ".encyc-variants";
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_entry(not_cache) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// A manifest's text with the lines of its changes file in place of its own for the same paths.
pub(crate) fn manifest_with_changes(manifest: &[u8], changes: &[u8]) -> String {
    let path = |line: &str| line.splitn(3, ' ').nth(2).map(str::to_string);
    let changes = String::from_utf8_lossy(changes);
    let changed: std::collections::HashMap<String, &str> =
        changes.lines().skip(1).map(|line| (path(line).unwrap(), line)).collect();
    String::from_utf8_lossy(manifest)
        .lines()
        .map(|line| match path(line).and_then(|p| changed.get(&p)) {
            Some(changed) => format!("{changed}\n"),
            None => format!("{line}\n"),
        })
        .collect()
}

/// A snapshot of an output folder with the manifest's changes file folded into the manifest,
/// as a fresh build writes it.
pub(crate) fn with_changes_folded(mut files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    if let Some(changes) = files.remove(".encyc-manifest-changes") {
        let manifest = manifest_with_changes(&files[".encyc-manifest"], &changes);
        files.insert(".encyc-manifest".into(), manifest.into_bytes());
    }
    files
}

pub(crate) fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A parsed page.
pub(crate) struct Page {
    pub html: Html,
}

impl Page {
    pub(crate) fn new(source: &str) -> Page {
        Page { html: Html::parse_document(source) }
    }

    /// The text of every element matching `css`, whitespace collapsed.
    pub(crate) fn texts(&self, css: &str) -> Vec<String> {
        let sel = Selector::parse(css).unwrap();
        self.html
            .select(&sel)
            .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    pub(crate) fn text(&self, css: &str) -> String {
        let all = self.texts(css);
        assert!(!all.is_empty(), "no element matches {css:?}");
        all.join(" | ")
    }

    /// `attr` of every element matching `css`.
    pub(crate) fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        let sel = Selector::parse(css).unwrap();
        self.html.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
    }

    /// (text, href) of every link matching `css`.
    pub(crate) fn links(&self, css: &str) -> Vec<(String, String)> {
        let sel = Selector::parse(css).unwrap();
        self.html
            .select(&sel)
            .map(|e| {
                let text = e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
                (text, e.value().attr("href").unwrap_or("").to_string())
            })
            .collect()
    }

    pub(crate) fn count(&self, css: &str) -> usize {
        self.html.select(&Selector::parse(css).unwrap()).count()
    }
}
