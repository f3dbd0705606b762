//! `encyc watch`: build, serve a live preview, and rebuild on every change.
//!
//! File events are debounced (notify-debouncer-full), classified by a pure function
//! ([`classify`]), and turned into one rebuild through the same [`Builder`] that `encyc build`
//! uses, with its caches kept warm. A failed rebuild keeps the last good site on disk and in
//! the browser, and shows its diagnostics in the terminal and over the page.

mod classify;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, RecommendedCache};

use crate::config::{ARTICLES_DIR, Config, Mode, SiteConfig, THEMES_DIR};
use crate::pipeline::{BuildError, Builder};
use crate::serve::{self, Status};
use crate::text::plural;
use classify::{Change, classify};

/// How long the folder must be quiet before a rebuild starts: long enough to merge the
/// events of one save (write to a temporary file, rename it over the article), short enough
/// that a preview feels instant.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// How to watch.
#[derive(Debug, Clone)]
pub(crate) struct WatchOptions {
    /// Where to serve the preview; `None` with `--no-serve`.
    pub serve: Option<SocketAddr>,
    /// Poll the files instead of relying on change events.
    pub poll: bool,
}

enum Message {
    Files(DebounceEventResult),
    Stop,
}

/// Runs until Ctrl-C. `cancel` is set by Ctrl-C so that a rebuild in progress stops before
/// it changes the output.
pub(crate) fn watch(config: Config, options: WatchOptions, cancel: &'static AtomicBool) -> Result<()> {
    let _lock = crate::lock::lock_site(&config.root)?;
    let _output_lock = crate::lock::lock_output(&config.output_dir)?;
    let (tx, rx) = mpsc::channel::<Message>();
    {
        let tx = tx.clone();
        ctrlc::set_handler(move || {
            cancel.store(true, Ordering::SeqCst);
            let _ = tx.send(Message::Stop);
        })
        .context("cannot install the Ctrl-C handler")?;
    }

    let mut session = Session {
        builder: Builder::new(config.clone(), Mode::Watch),
        progress: crate::progress::Progress::new(true),
        status: Status::default(),
        preview: None,
    };
    session.rebuild("initial build", cancel);
    session.progress = crate::progress::Progress::none();
    if let Some(address) = options.serve {
        let preview =
            serve::start(config.output_dir.clone(), config.site.base_path.clone(), address, session.status.clone())?;
        println!("Serving the preview at http://{}/ (Ctrl-C to stop)", preview.address);
        session.preview = Some(preview);
    }
    let mut watcher = FileWatcher::new(&config.root, options.poll, tx)?;
    println!("Watching {ARTICLES_DIR}/, {THEMES_DIR}/ and encyc.yaml for changes");

    let output_inside = config.output_dir.strip_prefix(&config.root).ok().map(Path::to_path_buf);
    while let Ok(message) = rx.recv() {
        let events = match message {
            Message::Stop => break,
            Message::Files(Err(errors)) => {
                // Events may have been lost (an overflowing queue): look at every file again.
                for e in errors {
                    eprintln!("warning: watching files: {e}");
                }
                session.builder.invalidate(Path::new(""));
                session.builder.forget_output();
                session.rebuild("after missed file events", cancel);
                continue;
            }
            Message::Files(Ok(events)) => events,
        };
        let mut changes = BTreeSet::new();
        for event in &events {
            for path in &event.paths {
                let Ok(relative) = path.strip_prefix(&config.root) else { continue };
                if let Some(change) = classify(&event.kind, relative, output_inside.as_deref()) {
                    changes.insert(change);
                }
            }
        }
        if changes.is_empty() {
            continue;
        }
        watcher.watch_new_folders(&config.root);
        session.apply(&changes);
        session.rebuild(&describe(&changes), cancel);
        if cancel.load(Ordering::SeqCst) {
            break;
        }
    }
    // Keep the next start fast; the cache is keyed by content, so saving it is always safe.
    session.builder.save_cache();
    if let Some(preview) = session.preview.take() {
        preview.stop();
    }
    println!("Stopped.");
    Ok(())
}

struct Session {
    builder: Builder,
    /// Shown for a long initial build only; rebuilds are quick.
    progress: crate::progress::Progress,
    status: Status,
    preview: Option<serve::Preview>,
}

impl Session {
    /// Tells the builder what the events say changed.
    fn apply(&mut self, changes: &BTreeSet<Change>) {
        for change in changes {
            match change {
                Change::Article(path) | Change::ArticlesTree(path) => self.builder.invalidate(path),
                Change::Theme(_) => {}
                Change::Config => {}
            }
        }
    }

    fn rebuild(&mut self, what: &str, cancel: &AtomicBool) {
        let result = SiteConfig::load(&self.builder.config().root).map_err(BuildError::from).and_then(|site| {
            self.builder.set_site_config(site);
            self.builder.build(cancel, &self.progress)
        });
        match result {
            Ok(report) => {
                self.status = Status { generation: self.status.generation + 1, error: None };
                println!(
                    "{what}: {} written, {} removed, in {} ms",
                    plural(report.write.written, "page", "pages"),
                    report.write.removed,
                    report.elapsed.as_millis()
                );
                if std::env::var_os("ENCYC_TIMINGS").is_some() {
                    println!("  {:?}", report.timings);
                }
            }
            Err(BuildError::Interrupted) => return,
            Err(err) => {
                let message = match &err {
                    BuildError::Failed(diagnostics) => format!("{diagnostics}error: {err}"),
                    BuildError::CouldNotRun(cause) => format!("error: {cause:#}"),
                    BuildError::Interrupted => unreachable!("handled above"),
                };
                eprintln!("{what}: the site was not rebuilt; still serving the last good build\n{message}");
                self.status = Status { generation: self.status.generation, error: Some(message) };
                // The output folder may have been changed by someone else; look again next time.
                self.builder.forget_output();
            }
        }
        if let Some(preview) = &self.preview {
            preview.publish(self.status.clone());
        }
    }
}

/// "articles/a.md changed", "articles/a.md and 2 more changed".
fn describe(changes: &BTreeSet<Change>) -> String {
    let mut shown = changes.iter().map(Change::shown);
    let first = shown.next().unwrap_or_default();
    match changes.len() {
        1 => format!("{first} changed"),
        n => format!("{first} and {} more changed", n - 1),
    }
}

/// The debounced watcher, native or polling, and the folders it watches.
enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

struct FileWatcher {
    inner: Inner,
    watched: BTreeSet<PathBuf>,
}

impl FileWatcher {
    fn new(root: &Path, poll: bool, tx: mpsc::Sender<Message>) -> Result<FileWatcher> {
        let handler = move |result: DebounceEventResult| {
            let _ = tx.send(Message::Files(result));
        };
        let inner = if poll {
            let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
            Inner::Poll(
                notify_debouncer_full::new_debouncer_opt(DEBOUNCE, None, handler, NoCache, config)
                    .context("cannot start watching files")?,
            )
        } else {
            Inner::Native(
                notify_debouncer_full::new_debouncer(DEBOUNCE, None, handler).context("cannot start watching files")?,
            )
        };
        let mut watcher = FileWatcher { inner, watched: BTreeSet::new() };
        // The root itself only for `encyc.yaml` and folders appearing; not recursively, so a
        // big `output/` or `target/` beside the articles costs nothing.
        watcher.add(root, RecursiveMode::NonRecursive)?;
        watcher.watch_new_folders(root);
        Ok(watcher)
    }

    fn add(&mut self, path: &Path, mode: RecursiveMode) -> Result<()> {
        match &mut self.inner {
            Inner::Native(d) => d.watch(path, mode),
            Inner::Poll(d) => d.watch(path, mode),
        }
        .with_context(|| format!("cannot watch {}", path.display()))?;
        self.watched.insert(path.to_path_buf());
        Ok(())
    }

    /// Starts watching `articles/` and `themes/` once they exist (again: a folder that was
    /// removed and created anew needs a new watch).
    fn watch_new_folders(&mut self, root: &Path) {
        for name in [ARTICLES_DIR, THEMES_DIR] {
            let dir = root.join(name);
            if !dir.is_dir() && self.watched.remove(&dir) {
                let _ = match &mut self.inner {
                    Inner::Native(d) => d.unwatch(&dir),
                    Inner::Poll(d) => d.unwatch(&dir),
                };
            }
            if dir.is_dir()
                && !self.watched.contains(&dir)
                && let Err(err) = self.add(&dir, RecursiveMode::Recursive)
            {
                eprintln!("warning: {err:#}");
            }
        }
    }
}
