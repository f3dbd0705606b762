//! `encyc watch`: build, serve a live preview, and rebuild on every change.
//!
//! File events are debounced (notify-debouncer-full), classified by a pure function
//! ([`classify()`]), and turned into one rebuild through the same [`Builder`] that `encyc build`
//! uses, with its caches kept warm. A failed rebuild keeps the last good site on disk and in
//! the browser, and shows its diagnostics in the terminal and over the page.

mod classify;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, WatcherKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, RecommendedCache};

use crate::config::{ARTICLES_DIR, Config, Mode, SiteConfig, THEMES_DIR};
use crate::pipeline::{BuildError, BuildReport, Builder};
use crate::serve::{self, Status};
use crate::text::plural;
use classify::{Change, classify};

/// How old an event must be before it is handed on: long enough to merge the events of one
/// save (`sed -i`, vim, an editor's write to a temporary file renamed over the article: all
/// within a millisecond here, vim's in-place write with its fsync 0.6 ms), short enough that
/// a preview feels instant. A save split in two anyway is built twice, the second build
/// seeing the file as it is (see [`Pending::quiet_needed`]).
const DEBOUNCE: Duration = Duration::from_millis(5);
/// How often the debouncer looks for events old enough: it wakes this often even when
/// nothing happens, so it adds 5–7.5 ms to every preview and 400 wake-ups a second at rest.
const DEBOUNCE_TICK: Duration = Duration::from_micros(2500);
/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// The longest a rebuild waits for the files to settle (a long `git checkout`): past it, a
/// tree that never stops changing is built as it is.
const SETTLE_AT_MOST: Duration = Duration::from_secs(2);
/// The longest a rebuild waits for a git command that is writing the site's files (`git
/// checkout`, `merge`, `stash`: git holds its `index.lock` meanwhile). An older lock is taken
/// for one a killed git left behind.
const GIT_AT_MOST: Duration = Duration::from_secs(10);
/// How often to look whether that git command is done.
const GIT_LOOK: Duration = Duration::from_millis(10);
/// How long the events must pause before a rebuild once many files changed at once (`git
/// checkout`, copying a folder): such changes arrive over a while, with gaps longer than
/// [`DEBOUNCE`] on a busy machine, and each intermediate state built means diagnostics about
/// files that are not like that any more.
const BULK_QUIET: Duration = Duration::from_millis(250);

/// How to watch.
#[derive(Debug, Clone)]
pub(crate) struct WatchOptions {
    /// Where to serve the preview; `None` with `--no-serve`.
    pub(crate) serve: Option<SocketAddr>,
    /// Poll the files instead of relying on change events.
    pub(crate) poll: bool,
}

enum Message {
    Files(DebounceEventResult),
    Stop,
}

/// What is needed to tell what an event means.
struct Events<'a> {
    root: &'a Path,
    /// The output folder relative to the root, when it is inside it.
    output: Option<&'a Path>,
    watcher: WatcherKind,
    /// The further editions' articles folders `encyc.yaml` lists (`articles.es` …): changes
    /// in other `articles.*` folders do not matter.
    editions: Vec<String>,
    /// The git folder of the repository the site is in, if it is in one ([`git_dir`]).
    git_dir: Option<PathBuf>,
}

impl Events<'_> {
    /// Whether a git command is at work in the site's repository, or has just finished: git
    /// holds `index.lock` from before it writes the first file of a branch switch until after
    /// the last, then puts the new index in place. The events of its last writes can come
    /// after that, and out of order (a new file before the changed ones), so an index written
    /// less than [`BULK_QUIET`] ago counts too. A lock not touched for [`GIT_AT_MOST`] is
    /// taken for one a killed git left behind.
    fn git_busy(&self) -> bool {
        let Some(dir) = self.git_dir.as_deref() else { return false };
        let age = |file: &str| std::fs::metadata(dir.join(file)).ok()?.modified().ok()?.elapsed().ok();
        age("index.lock").is_some_and(|age| age < GIT_AT_MOST) || age("index").is_some_and(|age| age < BULK_QUIET)
    }
}

/// How long the files must be quiet after a bulk change: [`BULK_QUIET`], and with `--poll`
/// two looks at the files (a look may come while files are being written and report some of
/// them; the next one finds the others).
fn bulk_quiet(events: &Events) -> Duration {
    match events.watcher {
        WatcherKind::PollWatcher => BULK_QUIET.max(POLL_INTERVAL * 2),
        _ => BULK_QUIET,
    }
}

/// The git folder of the repository holding `root`: the `.git` of the nearest folder above
/// that has one (a folder, or for a worktree or a submodule a file that names the git folder).
fn git_dir(root: &Path) -> Option<PathBuf> {
    let dot_git = root.ancestors().map(|dir| dir.join(".git")).find(|git| git.exists())?;
    match std::fs::read_to_string(&dot_git) {
        Ok(text) => Some(dot_git.parent()?.join(text.strip_prefix("gitdir:")?.trim())),
        Err(_) => Some(dot_git),
    }
}

/// Changes that came in and are not built yet.
#[derive(Default)]
struct Pending {
    changes: BTreeSet<Change>,
    /// Events were lost: look at every file again.
    missed: bool,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.changes.is_empty() && !self.missed
    }

    /// Adds what a message says changed; false for Ctrl-C.
    fn take(&mut self, message: Message, events: &Events) -> bool {
        let batch = match message {
            Message::Stop => return false,
            Message::Files(Ok(batch)) => batch,
            Message::Files(Err(errors)) => {
                // Polling a watched folder that was removed fails at every poll until it is back;
                // the removal itself comes as events, for the folder and every file in it.
                for e in errors.iter().filter(|e| !vanished(e)) {
                    // Events may have been lost (an overflowing queue).
                    eprintln!("warning: watching files: {e}");
                    self.missed = true;
                }
                return true;
            }
        };
        for event in &batch {
            for path in &event.paths {
                self.add(&event.kind, path, events);
            }
        }
        true
    }

    fn add(&mut self, kind: &notify::EventKind, path: &Path, events: &Events) {
        let Ok(relative) = path.strip_prefix(events.root) else { return };
        if let Some(change) = classify(kind, relative, events.output, events.watcher) {
            if let Change::Edition(dir, _) = &change
                && !events.editions.contains(dir)
            {
                return;
            }
            self.changes.insert(change);
        }
    }

    /// Takes every message already queued and, once something matters, waits until no
    /// message came for a while: `quiet` at least, longer for many changes (those already
    /// pending included: a bulk change may come in several batches), at most
    /// [`SETTLE_AT_MOST`] in all. False for Ctrl-C.
    /// While a git command writes the site's files (a branch switch), nothing is built until
    /// it is done, at most [`GIT_AT_MOST`]: each state in between would be a rebuild, and its
    /// diagnostics about files that are halfway through the switch.
    fn settle(&mut self, rx: &mpsc::Receiver<Message>, events: &Events, quiet: Duration) -> bool {
        let started = Instant::now();
        let deadline = started + SETTLE_AT_MOST;
        let bulk = bulk_quiet(events);
        let mut wait = self.quiet_needed(quiet, bulk);
        let mut waited_for_git = false;
        loop {
            let message = match rx.recv_timeout(wait) {
                Ok(message) => message,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if !self.is_empty() && started.elapsed() < GIT_AT_MOST && events.git_busy() {
                        (waited_for_git, wait) = (true, GIT_LOOK);
                        continue;
                    }
                    // The events of git's last writes may still be on their way: once git
                    // is done, the files must be quiet as after any bulk change.
                    if std::mem::take(&mut waited_for_git) {
                        wait = quiet.max(bulk);
                        continue;
                    }
                    return true;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return false,
            };
            if !self.take(message, events) {
                return false;
            }
            wait = self.quiet_needed(quiet, bulk).min(deadline.saturating_duration_since(Instant::now()));
        }
    }

    /// How long no event must come before what is pending is built, `quiet` at least. One
    /// changed file is built at once: the debouncer already gathered its save into one batch,
    /// and anything that comes during the build is built right after it, so the last build
    /// always sees the files as they are. Many files, or lost events, wait for [`BULK_QUIET`].
    fn quiet_needed(&self, quiet: Duration, bulk: Duration) -> Duration {
        match (self.is_empty(), self.changes.len() > 1 || self.missed) {
            (true, _) => Duration::ZERO,
            (false, true) => quiet.max(bulk),
            (false, false) => quiet,
        }
    }

    /// "articles/a.md changed", "articles/a.md and 2 more changed".
    fn describe(&self) -> String {
        let first = self.changes.iter().next().map(Change::shown).unwrap_or_default();
        match self.changes.len() {
            0 => "after missed file events".to_string(),
            1 => format!("{first} changed"),
            n => format!("{first} and {} more changed", n - 1),
        }
    }
}

/// Whether an error only says that a watched path is not there (polling a removed folder).
fn vanished(error: &notify::Error) -> bool {
    matches!(&error.kind, notify::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound)
}

/// Runs until Ctrl-C. `cancel` is set by Ctrl-C so that a rebuild in progress stops before
/// it changes the output.
pub(crate) fn watch(config: Config, options: WatchOptions, cancel: &'static AtomicBool) -> Result<()> {
    let _lock = crate::lock::lock_site(&config.root)?;
    let mut output_lock = crate::lock::lock_output(&config.output_dir)?;
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
        builder: {
            let mut builder = Builder::new(config.clone(), if options.poll { Mode::Poll } else { Mode::Watch });
            builder.set_leftovers(!output_lock.left_clean());
            builder
        },
        built: config.output_dir.join("index.html").is_file(),
        progress: crate::progress::Progress::new(true),
        status: Status::default(),
        preview: None,
    };
    let initial = session.build(cancel);
    session.report("initial build", initial);
    session.progress = crate::progress::Progress::none();
    if let Some(address) = options.serve {
        let preview =
            serve::start(config.output_dir.clone(), config.site.base_path.clone(), address, session.status.clone())?;
        // Bound to every interface (`--bind 0.0.0.0`), it is shown at an address a browser on
        // this machine can open.
        let (mut shown, everywhere) = (preview.address, preview.address.ip().is_unspecified());
        if everywhere {
            shown.set_ip(match shown {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let also = if everywhere { "also on every network interface; " } else { "" };
        println!("Serving the preview at http://{shown}/ ({also}Ctrl-C to stop)");
        session.preview = Some(preview);
    }
    let mut watcher = FileWatcher::new(&config.root, options.poll, tx, edition_dirs(session.builder.config()))?;
    let editions: String = watcher.folders[2..].iter().map(|d| format!("{d}/, ")).collect();
    println!("Watching {ARTICLES_DIR}/, {editions}{THEMES_DIR}/ and encyc.yaml for changes");

    let output_inside = config.output_dir.strip_prefix(&config.root).ok().map(Path::to_path_buf);
    let watcher_kind = if options.poll { WatcherKind::PollWatcher } else { WatcherKind::Inotify };
    let mut events = Events {
        root: &config.root,
        output: output_inside.as_deref(),
        watcher: watcher_kind,
        editions: edition_dirs(session.builder.config()),
        git_dir: git_dir(&config.root),
    };
    let mut pending = Pending::default();
    // Polling may miss a change made after its last look and read by a build (see
    // `Builder::polled`): once the files are quiet, one more build checks every file.
    let mut unchecked = false;
    'watching: loop {
        let message = match rx.recv_timeout(if unchecked { POLL_INTERVAL * 4 } else { Duration::MAX }) {
            Ok(message) => message,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                unchecked = false;
                let result = session.build(cancel);
                let nothing_new = match &result {
                    Ok(report) => report.write.written + report.write.removed == 0,
                    // Already shown; the next event builds again.
                    Err(_) => session.status.error.is_some(),
                };
                if nothing_new {
                    continue;
                }
                session.report("files changed since the last look", result);
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let mut stop = !pending.take(message, &events);
        // Whether a failed build was already tried again once the files were quiet.
        let mut retried = false;
        // One rebuild for everything queued meanwhile (a branch switch is hundreds of events,
        // arriving over a while), and again for what came during the build, until quiet.
        loop {
            stop = stop || !pending.settle(&rx, &events, Duration::ZERO);
            if stop || pending.is_empty() {
                break;
            }
            let what = pending.describe();
            watcher.refresh(&config.root, &pending.changes);
            session.apply(&pending);
            let built = std::mem::take(&mut pending);
            let result = session.build(cancel);
            // `encyc.yaml` may list other editions now: watch their folders.
            events.editions = edition_dirs(session.builder.config());
            if events.editions[..] != watcher.folders[2..] {
                // A file saved there while the build read it, before the watch began, sent no
                // event: build once more, reading the new editions' files again.
                for dir in events.editions.iter().filter(|d| !watcher.folders[2..].contains(d)) {
                    pending.changes.insert(Change::Edition(dir.clone(), PathBuf::new()));
                }
                watcher.set_editions(&config.root, events.editions.clone());
            }
            if let Err(err) = &result {
                if let BuildError::Interrupted = err {
                    break 'watching;
                }
                // A file changed while the build read it: read it again rather than fail.
                if let BuildError::SourceChanged(changed) = err {
                    pending.changes.insert(Change::Article(changed.file.as_str().into()));
                    continue;
                }
                // Diagnostics of a state that is already gone from disk help no one: wait for
                // the rest of a bulk change before showing them.
                stop = !pending.settle(&rx, &events, BULK_QUIET);
                if !pending.is_empty() {
                    continue;
                }
                // A single save is built as soon as it comes, so the build may have read a file
                // between an editor's truncating it and writing it, and the write's event may
                // have gone with the first: read what failed once more, now that all is quiet,
                // before showing errors that may be gone.
                if !stop && !retried {
                    retried = true;
                    pending = built;
                    continue;
                }
            }
            session.report(&what, result);
            unchecked = options.poll;
        }
        if stop || cancel.load(Ordering::SeqCst) {
            break;
        }
    }
    // Keep the next start fast; the cache is keyed by content, so saving it is always safe.
    session.builder.save_cache();
    if !session.builder.leftovers() {
        output_lock.swept();
    }
    if let Some(preview) = session.preview.take() {
        preview.stop();
    }
    println!("Stopped.");
    Ok(())
}

struct Session {
    builder: Builder,
    /// Whether the output folder holds a good build to serve.
    built: bool,
    /// Shown for a long initial build only; rebuilds are quick.
    progress: crate::progress::Progress,
    status: Status,
    preview: Option<serve::Preview>,
}

impl Session {
    /// Tells the builder what the events say changed.
    fn apply(&mut self, pending: &Pending) {
        if pending.missed {
            self.builder.invalidate(Path::new(""));
            for dir in edition_dirs(self.builder.config()) {
                self.builder.invalidate_edition(&dir, Path::new(""));
            }
            self.builder.forget_output();
            self.builder.forget_theme();
        }
        for change in &pending.changes {
            match change {
                Change::Article(path) | Change::ArticlesTree(path) => self.builder.invalidate(path),
                Change::Edition(dir, path) => self.builder.invalidate_edition(dir, path),
                Change::Theme(_) => self.builder.forget_theme(),
                Change::Media(_) => {}
                Change::Config => {}
            }
        }
    }

    fn build(&mut self, cancel: &AtomicBool) -> Result<BuildReport, BuildError> {
        SiteConfig::load(&self.builder.config().root).map_err(BuildError::from).and_then(|site| {
            self.builder.set_site_config(site);
            self.builder.build(cancel, &self.progress)
        })
    }

    /// Prints how a build went, and tells open pages: to reload only when a page changed.
    fn report(&mut self, what: &str, result: Result<BuildReport, BuildError>) {
        let status = match result {
            Ok(report) => {
                self.built = true;
                println!(
                    "{what}: {} written, {} removed, in {} ms",
                    plural(report.write.written, "page", "pages"),
                    report.write.removed,
                    report.elapsed.as_millis()
                );
                if std::env::var_os("ENCYC_TIMINGS").is_some() {
                    println!("  {:?}", report.timings);
                }
                let changed = report.write.written + report.write.removed > 0 || self.status.generation == 0;
                Status { generation: self.status.generation + u64::from(changed), error: None }
            }
            Err(BuildError::Interrupted) => return,
            Err(err) => {
                let message = match &err {
                    BuildError::Failed(diagnostics) => format!("{diagnostics}error: {err}"),
                    BuildError::CouldNotRun(cause) => format!("error: {cause:#}"),
                    BuildError::SourceChanged(_) => format!("error: {err}"),
                    BuildError::Interrupted => unreachable!("handled above"),
                };
                let serving = match self.built {
                    true => "still serving the last good build",
                    false => "there is no earlier build, so the preview shows these errors until it builds",
                };
                eprintln!("{what}: the site was not rebuilt; {serving}\n{message}");
                // The output folder may have been changed by someone else; look again next time.
                self.builder.forget_output();
                Status { generation: self.status.generation, error: Some(message) }
            }
        };
        if status == self.status {
            return;
        }
        self.status = status;
        if let Some(preview) = &self.preview {
            preview.publish(self.status.clone());
        }
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
    /// The folders watched recursively once they exist: `articles`, `themes`, then each
    /// further edition's articles folder.
    folders: Vec<String>,
}

/// The articles folders of the further editions `config` lists.
fn edition_dirs(config: &Config) -> Vec<String> {
    config.site.editions.iter().map(|e| e.articles_dir_name()).collect()
}

impl FileWatcher {
    fn new(root: &Path, poll: bool, tx: mpsc::Sender<Message>, editions: Vec<String>) -> Result<FileWatcher> {
        let handler = move |result: DebounceEventResult| {
            let _ = tx.send(Message::Files(result));
        };
        let inner = if poll {
            // Time stamps are compared in whole seconds: without comparing contents too, a
            // second save within a second of the first would never be seen.
            let config = notify::Config::default().with_poll_interval(POLL_INTERVAL).with_compare_contents(true);
            Inner::Poll(
                notify_debouncer_full::new_debouncer_opt(DEBOUNCE, Some(DEBOUNCE_TICK), handler, NoCache, config)
                    .context("cannot start watching files")?,
            )
        } else {
            Inner::Native(
                notify_debouncer_full::new_debouncer(DEBOUNCE, Some(DEBOUNCE_TICK), handler)
                    .context("cannot start watching files")?,
            )
        };
        let mut folders = vec![ARTICLES_DIR.to_string(), THEMES_DIR.to_string()];
        folders.extend(editions);
        let mut watcher = FileWatcher { inner, watched: BTreeSet::new(), folders };
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

    /// Watches `articles/` and `themes/` anew after an event on the folder itself: notify drops
    /// the native watch of a folder moved away, and does not take it up when the folder comes
    /// back (`mv articles a; mv a articles`), even under the same name. Polling watches a path,
    /// whatever is there: it sees a folder go and come back by itself.
    fn refresh(&mut self, root: &Path, changes: &BTreeSet<Change>) {
        let native = matches!(self.inner, Inner::Native(_));
        for change in changes.iter().filter(|_| native) {
            let name = match change {
                Change::ArticlesTree(p) if p.as_os_str().is_empty() => ARTICLES_DIR,
                Change::Theme(p) if p.as_os_str().is_empty() => THEMES_DIR,
                Change::Edition(dir, p) if p.as_os_str().is_empty() => dir.as_str(),
                _ => continue,
            };
            let dir = root.join(name);
            if self.watched.remove(&dir) {
                let _ = match &mut self.inner {
                    Inner::Native(d) => d.unwatch(&dir),
                    Inner::Poll(d) => d.unwatch(&dir),
                };
            }
        }
        self.watch_new_folders(root);
    }

    /// Watches the articles folders of `editions` (after `encyc.yaml` changed), and no longer
    /// those of editions it does not list.
    fn set_editions(&mut self, root: &Path, editions: Vec<String>) {
        for name in self.folders.split_off(2) {
            let dir = root.join(name);
            if self.watched.remove(&dir) {
                let _ = match &mut self.inner {
                    Inner::Native(d) => d.unwatch(&dir),
                    Inner::Poll(d) => d.unwatch(&dir),
                };
            }
        }
        self.folders.extend(editions);
        self.watch_new_folders(root);
    }

    /// Starts watching `articles/`, `themes/` and the further editions' articles folders once
    /// they exist (again: a folder that was removed and created anew needs a new watch).
    fn watch_new_folders(&mut self, root: &Path) {
        for name in self.folders.clone() {
            let dir = root.join(name);
            if !dir.is_dir() && matches!(self.inner, Inner::Native(_)) && self.watched.remove(&dir) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_saved_article_is_built_without_waiting_for_more_events() {
        let mut pending = Pending::default();
        pending.changes.insert(Change::Article("back-pain.md".into()));
        assert_eq!(pending.quiet_needed(Duration::ZERO, BULK_QUIET), Duration::ZERO);
        // A failed build still waits for the rest of a change before showing diagnostics.
        assert_eq!(pending.quiet_needed(BULK_QUIET, BULK_QUIET), BULK_QUIET);
        pending.changes.insert(Change::Article("neck-pain.md".into()));
        assert_eq!(pending.quiet_needed(Duration::ZERO, BULK_QUIET), BULK_QUIET, "a bulk change waits for quiet");
        let lost = Pending { missed: true, ..Pending::default() };
        assert_eq!(lost.quiet_needed(Duration::ZERO, BULK_QUIET), BULK_QUIET, "lost events wait for quiet");
    }
}
