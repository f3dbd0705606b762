//! The build pipeline, kept alive between builds: `encyc build` runs it once, `encyc watch`
//! after every change. What a build can reuse — parsed articles, the state of the output
//! folder — is kept here, and every build's result equals that of a fresh build.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Result;
use rustc_hash::FxHashMap;

use crate::article::{self, ArticleCache, ContentHash};
use crate::cli::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::markdown::BodyHtml;
use crate::output::{self, OutputState, WriteReport};
use crate::paths::{OutputPath, SourcePath};
use crate::progress::Progress;
use crate::render::{self, Page, RenderSource, Theme};
use crate::search;
use crate::site::{Linker, Site};

/// The articles have problems; nothing was written. Printing the error gives the summary;
/// the diagnostics themselves are in [`BuildFailed::diagnostics`].
#[derive(Debug, thiserror::Error)]
#[error("build failed: {}; the output folder was left as it was", .diagnostics.summary())]
pub struct BuildFailed {
    pub diagnostics: Diagnostics,
}

/// What a successful build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    pub articles: usize,
    pub pages: usize,
    /// Articles parsed in this build (the others came from the cache).
    pub parsed: Vec<SourcePath>,
    /// Pages rendered in this build (the others were already on disk).
    pub rendered: usize,
    pub write: WriteReport,
    pub elapsed: Duration,
    pub timings: Timings,
}

/// Where a build's time went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    pub load: Duration,
    pub link: Duration,
    pub render: Duration,
    /// Part of `render`: the search index.
    pub search: Duration,
    pub write: Duration,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "built {} article{} in {} ms: {} page{} written, {} unchanged, {} removed",
            self.articles,
            plural(self.articles),
            self.elapsed.as_millis(),
            self.write.written,
            plural(self.write.written),
            self.write.unchanged,
            self.write.removed,
        )
    }
}

/// Identifies this encyc binary: pages and cached summaries made by another build of encyc
/// are not trusted, since its code may render them differently. The executable's size and
/// modification time change with every build of it, and cost one `stat` to read.
pub fn build_id() -> u128 {
    static ID: OnceLock<u128> = OnceLock::new();
    *ID.get_or_init(|| {
        let stamp = std::env::current_exe().and_then(std::fs::metadata).map(|m| (m.len(), m.modified().ok()));
        let text = match stamp {
            Ok((len, Some(modified))) => format!("{} {len} {modified:?}", env!("CARGO_PKG_VERSION")),
            // Without our own stamp, fall back to the version: correct for released builds.
            _ => env!("CARGO_PKG_VERSION").to_string(),
        };
        article::content_hash(text.as_bytes())
    })
}

/// A site's build pipeline and everything it keeps between builds.
#[derive(Debug)]
pub struct Builder {
    config: Config,
    articles: ArticleCache,
    /// The output folder as our last write left it; read from disk when unknown.
    output: Option<OutputState>,
    /// Whether the on-disk summary cache has been read yet.
    seeded: bool,
    /// The last successful link, to re-link only what changed.
    linker: Option<Linker>,
    /// The article files the last build found, while file events say no file came or went
    /// (only kept by a long-lived builder): listing 10,000 files is the biggest part of a
    /// rebuild after one edit.
    files: Option<Vec<SourcePath>>,

    /// Whether articles were parsed since the summary cache was last saved.
    unsaved: bool,
    /// A one-off build (`encyc build`): save the summary cache after the build, check every
    /// file on disk. Otherwise (`encyc watch`) the cache is saved only when asked, and files
    /// are trusted to be as this process left them unless file events say otherwise.
    one_off: bool,
    /// Told of changes by polling (see [`Builder::polled`]).
    polled: bool,
}

impl Builder {
    /// A builder that saves its cache of article summaries after every build.
    pub fn new(config: Config) -> Builder {
        Builder {
            config,
            articles: ArticleCache::default(),
            output: None,
            seeded: false,
            linker: None,
            files: None,

            unsaved: false,
            one_off: true,
            polled: false,
        }
    }

    /// A builder for repeated builds in one process, told of changes by file events: it
    /// trusts that files it read or wrote are unchanged unless [`Builder::invalidate`] says
    /// otherwise, and saves its cache only when [`Builder::save_cache`] is called.
    pub fn long_lived(config: Config) -> Builder {
        let mut builder = Builder { one_off: false, ..Builder::new(config) };
        builder.articles.set_trust_events(true);
        builder
    }

    /// A builder for repeated builds in one process, told of changes by polling. Polling
    /// compares the files with its own last look, not with what a build read: a file changed
    /// after that look, read by a build, and changed back before the next look is never
    /// reported. So every build lists the files again and checks each one's time stamp.
    pub fn polled(config: Config) -> Builder {
        Builder { polled: true, ..Builder::long_lived(config) }
    }

    /// Saves the summaries of parsed articles for the next process, if any are new. The cache
    /// only saves time, so failing to write it is not worth failing anything.
    pub fn save_cache(&mut self) {
        if self.unsaved && self.output.is_some() {
            let saved = output::write_summaries(&self.config.output_dir, build_id(), self.articles.summaries());
            self.unsaved = saved.is_err();
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the site configuration (after `encyc.yaml` changed).
    pub fn set_site_config(&mut self, site: crate::config::SiteConfig) {
        self.config.site = site;
    }

    /// Forgets what is known about a file or folder under `articles/`, so the next build
    /// reads it again whatever its time stamp says.
    pub fn invalidate(&mut self, relative: &Path) {
        self.articles.invalidate(relative);
        // An edit of a file we know, which is still there, leaves the list of files as it was;
        // anything else (a new, removed or renamed file, a folder) means looking again.
        let source = SourcePath::new(relative);
        let known = self.files.as_ref().is_some_and(|files| files.binary_search(&source).is_ok());
        if !known || !self.config.articles_dir.join(relative).is_file() {
            self.files = None;
        }
    }

    /// Forgets the state of the output folder, so the next build reads it from disk.
    pub fn forget_output(&mut self) {
        self.output = None;
    }

    /// The site as the last successful build or check linked it.
    pub fn site(&self) -> Option<&Site> {
        self.linker.as_ref().map(Linker::site)
    }

    /// Loads and links the articles and loads the theme, reporting what a build would fail on
    /// (as [`BuildFailed`]), without rendering or writing anything: `encyc check`. The output
    /// folder, its manifest and its cache are not even read, so a check can run beside a
    /// build or `encyc watch`.
    pub fn check(&mut self, progress: &Progress) -> Result<&Site> {
        let config = &self.config;
        Theme::load(&config.root, &config.site.theme)?;
        let found = article::discover(&config.articles_dir)?;
        let loaded = article::load(&config.articles_dir, found, &mut self.articles, progress)?;
        let mut problems = loaded.diagnostics;
        let articles: Vec<_> = loaded.articles.iter().map(|l| Arc::clone(&l.article)).collect();
        match Linker::link(articles, &loaded.failed_slugs, config.site.recent_count) {
            Ok(linker) => self.linker = Some(linker),
            Err(more) => problems.extend(more),
        }
        if !problems.is_empty() {
            return Err(BuildFailed { diagnostics: Diagnostics::new(problems, &config.root_shown) }.into());
        }
        Ok(self.linker.as_ref().expect("linked above").site())
    }

    /// Builds the site. A build that fails leaves the output folder as it was.
    pub fn build(&mut self, cancel: &AtomicBool, progress: &Progress) -> Result<BuildReport> {
        let started = Instant::now();
        let config = &self.config;
        let theme = Theme::load(&config.root, &config.site.theme)?;
        let state = match self.output.take() {
            Some(state) if state.still_ours() => state,
            _ => OutputState::read(&config.output_dir)?,
        };
        if !self.seeded {
            self.seeded = true;
            self.articles = ArticleCache::from_summaries(output::read_summaries(&config.output_dir, build_id()));
            self.articles.set_trust_events(!self.one_off && !self.polled);
        }
        let found = match &self.files {
            Some(files) => article::Found { files: files.clone(), diagnostics: Vec::new() },
            None => article::discover(&config.articles_dir)?,
        };
        if !self.one_off && !self.polled && found.diagnostics.is_empty() {
            self.files = Some(found.files.clone());
        }
        // A first build creates its files while the articles are parsed (see `Staging`).
        let staging = match state.exists() {
            false => Some(output::Staging::start(
                &config.output_dir,
                render::planned_paths(found.files.iter().map(|f| f.slug()), &theme),
            )?),
            true => None,
        };
        let loaded = article::load(&config.articles_dir, found, &mut self.articles, progress)?;
        interrupted(cancel)?;
        let load_done = started.elapsed();

        let mut problems = loaded.diagnostics;
        let articles: Vec<_> = loaded.articles.iter().map(|l| Arc::clone(&l.article)).collect();
        let linked = match self.linker.as_mut() {
            Some(linker) => linker.relink(articles, &loaded.failed_slugs, config.site.recent_count),
            None => Linker::link(articles, &loaded.failed_slugs, config.site.recent_count).map(|l| {
                self.linker = Some(l);
            }),
        };
        if let Err(more) = linked {
            problems.extend(more);
        }
        if !problems.is_empty() {
            return Err(self.failed(problems, state));
        }
        interrupted(cancel)?;
        let site = self.linker.as_ref().expect("linked above").site();
        let link_done = started.elapsed();

        let bodies: FxHashMap<&SourcePath, &Arc<BodyHtml>> =
            loaded.articles.iter().filter_map(|l| l.body.as_ref().map(|b| (&l.article.source, b))).collect();
        let writer = output::PageWriter::new(&state, staging)?;
        let source = Source { site, bodies, state: &state, writer: &writer, articles_dir: &config.articles_dir };
        let mut pages = render::render(site, &theme, &config.site, build_id(), &source, progress)?;
        let search_started = started.elapsed();
        pages.extend(search::pages(site, build_id(), &source)?);
        let search_time = started.elapsed() - search_started;
        let render_done = started.elapsed();
        let article_count = site.articles.len();
        interrupted(cancel)?;

        let rendered = pages.iter().filter(|p| p.is_new()).count();
        let page_count = pages.len();
        let (write, state) = writer.finish(pages, cancel)?;
        progress.finish();
        let parsed = loaded.parsed;
        if self.one_off {
            drop(loaded.articles);
            self.articles.forget_bodies();
        }
        self.output = Some(if self.one_off { state } else { state.trusting() });
        // A one-off build rewrites the summary cache (tens of MB for a big site) only when many
        // articles were parsed anew; after a few edits the next build just parses those again.
        let many = parsed.len() >= 64 || parsed.len() * 20 >= article_count.max(1);
        self.unsaved |=
            (!parsed.is_empty() && (many || !self.one_off)) || !config.output_dir.join(output::CACHE).exists();
        if self.one_off {
            self.save_cache();
        }
        let elapsed = started.elapsed();
        Ok(BuildReport {
            articles: article_count,
            pages: page_count,
            parsed,
            rendered,
            write,
            elapsed,
            timings: Timings {
                load: load_done,
                link: link_done - load_done,
                render: render_done - link_done,
                search: search_time,
                write: elapsed - render_done,
            },
        })
    }

    fn failed(&mut self, problems: Vec<Diagnostic>, state: OutputState) -> anyhow::Error {
        self.output = Some(state);
        BuildFailed { diagnostics: Diagnostics::new(problems, &self.config.root_shown) }.into()
    }
}

/// Stops a build at a stage boundary once Ctrl-C was pressed (before anything was written).
fn interrupted(cancel: &AtomicBool) -> Result<()> {
    if cancel.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(output::Interrupted.into());
    }
    Ok(())
}

/// Gives the renderer what is on disk and the bodies of the articles.
struct Source<'a> {
    site: &'a Site,
    bodies: FxHashMap<&'a SourcePath, &'a Arc<BodyHtml>>,
    state: &'a OutputState,
    writer: &'a output::PageWriter<'a>,
    articles_dir: &'a Path,
}

impl RenderSource for Source<'_> {
    fn kept(&self, path: &OutputPath, fingerprint: u128) -> Option<ContentHash> {
        self.state.kept(path, fingerprint)
    }

    fn accept(&self, page: Page) -> Result<Page> {
        self.writer.accept(page)
    }

    fn body(&self, index: usize) -> Result<Arc<BodyHtml>> {
        let article = &self.site.articles[index].article;
        match self.bodies.get(&article.source) {
            Some(body) => Ok(Arc::clone(body)),
            None => Ok(Arc::new(article::reparse_body(self.articles_dir, article)?)),
        }
    }
}
