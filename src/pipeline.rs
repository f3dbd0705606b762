//! The build pipeline, kept alive between builds: `encyc build` runs it once, `encyc watch`
//! after every change. [`Builder::build`] runs the stages in order — load ([`crate::article`]),
//! link ([`crate::site`]), render ([`crate::render`]) and write ([`crate::output`]) — and is the
//! only place that knows them all: it asks the writer which planned pages are on disk
//! already, renders the others in parallel and hands each to the writer as soon as it is made.
//! What a build can reuse — parsed articles, the last link, the state of the output folder —
//! is kept here, according to the [`Mode`] builds run in, and every build's result equals that
//! of a fresh build. A build that does not finish says why with a [`BuildError`].

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Result;
use rayon::prelude::*;

use crate::article::cache::{self, ArticleCache};
use crate::article::{self, Article, Bodies, SourceChanged};
use crate::config::{Config, Mode};
use crate::diagnostic::{Diagnostic, Diagnostics, Problem};
use crate::output::{self, OutputState, PageState, WriteError, WriteReport};
use crate::paths::{CACHE, SourcePath};
use crate::progress::Progress;
use crate::render::{self, Theme};
use crate::site::{Linker, Site};
use crate::text::plural;

/// Why a build did not finish. Callers tell these apart: diagnostics are printed for the
/// editor, Ctrl-C is not an error, and anything else is a problem outside the articles.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BuildError {
    /// The articles have problems; nothing was written.
    #[error("build failed: {}; the output folder was left as it was", .0.summary())]
    Failed(Diagnostics),
    /// Ctrl-C stopped the build before it changed anything.
    #[error("interrupted; the output folder was left as it was")]
    Interrupted,
    /// An article's file changed while the build read it (`encyc watch` reads it again).
    #[error(transparent)]
    SourceChanged(SourceChanged),
    /// The build could not run: an unreadable file, a broken theme, a full disk.
    #[error(transparent)]
    CouldNotRun(#[from] anyhow::Error),
}

impl From<WriteError> for BuildError {
    fn from(err: WriteError) -> Self {
        match err {
            WriteError::Interrupted => BuildError::Interrupted,
            WriteError::Failed(err) => BuildError::CouldNotRun(err),
        }
    }
}

/// What a successful build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BuildReport {
    pub(crate) articles: usize,
    /// Articles marked `draft: true` that were left out.
    pub(crate) drafts: usize,
    pub(crate) pages: usize,
    /// Articles parsed in this build (the others came from the cache).
    pub(crate) parsed: Vec<SourcePath>,
    /// Pages rendered in this build (the others were already on disk).
    pub(crate) rendered: usize,
    pub(crate) write: WriteReport,
    pub(crate) elapsed: Duration,
    pub(crate) timings: Timings,
}

/// Where a build's time went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Timings {
    pub(crate) load: Duration,
    pub(crate) link: Duration,
    pub(crate) render: Duration,
    pub(crate) write: Duration,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "built {} in {} ms: {} written, {} unchanged, {} removed",
            plural(self.articles, "article", "articles"),
            self.elapsed.as_millis(),
            plural(self.write.written, "page", "pages"),
            self.write.unchanged,
            self.write.removed,
        )?;
        if self.drafts > 0 {
            write!(f, "; {} left out (not published)", plural(self.drafts, "draft", "drafts"))?;
        }
        Ok(())
    }
}

/// Identifies this encyc binary: pages and cached summaries made by another build of encyc
/// are not trusted, since its code may render them differently. The executable's size and
/// modification time change with every build of it, and cost one `stat` to read.
pub(crate) fn build_id() -> u128 {
    static ID: OnceLock<u128> = OnceLock::new();
    *ID.get_or_init(|| {
        let stamp = std::env::current_exe().and_then(std::fs::metadata).map(|m| (m.len(), m.modified().ok()));
        let text = match stamp {
            Ok((len, Some(modified))) => format!("{} {len} {modified:?}", env!("CARGO_PKG_VERSION")),
            // Without our own stamp, fall back to the version: correct for released builds.
            _ => env!("CARGO_PKG_VERSION").to_string(),
        };
        crate::hash::content_hash(text.as_bytes())
    })
}

/// A site's build pipeline and everything it keeps between builds.
#[derive(Debug)]
pub(crate) struct Builder {
    config: Config,
    mode: Mode,
    articles: ArticleCache,
    /// The output folder as our last write left it; read from disk when unknown.
    output: Option<OutputState>,
    /// Whether the on-disk summary cache has been read yet.
    seeded: bool,
    /// The last successful link, to re-link only what changed.
    linker: Option<Linker>,
    /// The article files the last build found, while file events say no file came or went
    /// ([`Mode::Watch`] only): listing 10,000 files is the biggest part of a rebuild after one
    /// edit.
    files: Option<Vec<SourcePath>>,
    /// Whether articles were parsed since the summary cache was last saved.
    unsaved: bool,
}

impl Builder {
    /// A pipeline for builds of `mode`. A one-off build saves its cache of article summaries
    /// after the build and checks every file on disk; a watching builder trusts that files it
    /// read or wrote are unchanged unless [`Builder::invalidate`] says otherwise, and saves its
    /// cache only when [`Builder::save_cache`] is called.
    pub(crate) fn new(config: Config, mode: Mode) -> Builder {
        Builder {
            config,
            mode,
            articles: ArticleCache::from_summaries(Vec::new(), mode),
            output: None,
            seeded: false,
            linker: None,
            files: None,
            unsaved: false,
        }
    }

    /// Saves the summaries of parsed articles for the next process, if any are new. The cache
    /// only saves time, so failing to write it is not worth failing anything.
    pub(crate) fn save_cache(&mut self) {
        if self.unsaved && self.output.is_some() {
            let saved = cache::write_summaries(&self.config.output_dir, build_id(), self.articles.summaries());
            self.unsaved = saved.is_err();
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the site configuration (after `encyc.yaml` changed).
    pub(crate) fn set_site_config(&mut self, site: crate::config::SiteConfig) {
        self.config.site = site;
    }

    /// Forgets what is known about a file or folder under `articles/`, so the next build
    /// reads it again whatever its time stamp says.
    pub(crate) fn invalidate(&mut self, relative: &Path) {
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
    pub(crate) fn forget_output(&mut self) {
        self.output = None;
    }

    /// The site as the last successful build or check linked it.
    pub(crate) fn site(&self) -> Option<&Site> {
        self.linker.as_ref().map(Linker::site)
    }

    /// Loads and links the articles, loads the theme and renders every page, reporting what a
    /// build would fail on (as [`BuildError::Failed`], or a template's error), without writing
    /// anything: `encyc check`. Each page's bytes are thrown away as soon as it is rendered.
    /// The output folder, its manifest and its cache are not even read, so a check can run
    /// beside a build or `encyc watch`.
    pub(crate) fn check(&mut self, progress: &Progress) -> Result<&Site, BuildError> {
        let config = &self.config;
        let theme = Theme::load(&config.root, &config.site.theme)?;
        let found = article::discover(&config.articles_dir)?;
        let loaded = article::load(&config.articles_dir, found, &mut self.articles, progress)?;
        let mut problems = loaded.diagnostics;
        problems.extend(article::revised_after(&loaded.articles, config.today));
        let (articles, drafts) = leave_out_drafts(&loaded.articles, config.drafts);
        match Linker::link(articles, &loaded.failed_slugs, config.site.recent_count) {
            Ok(linker) => self.linker = Some(linker),
            Err(more) => problems.extend(explain_links_to_drafts(more, &drafts)),
        }
        if !problems.is_empty() {
            return Err(BuildError::Failed(Diagnostics::new(problems, &config.root_shown)));
        }
        let site = self.linker.as_ref().expect("linked above").site();
        // Templates fail on what a page holds (`{{ article.nosuch }}`, a filter on a missing
        // value), so only rendering every page finds every error a build would.
        let bodies = Bodies::new(&loaded.articles, &config.articles_dir);
        let plan = render::plan(site, &theme, &config.site, build_id(), &bodies)?;
        plan.pages.par_iter().try_for_each(|planned| plan.render(planned).map(drop))?;
        Ok(site)
    }

    /// Builds the site. A build that fails leaves the output folder as it was.
    pub(crate) fn build(&mut self, cancel: &AtomicBool, progress: &Progress) -> Result<BuildReport, BuildError> {
        let started = Instant::now();
        let config = &self.config;
        let theme = Theme::load(&config.root, &config.site.theme)?;
        let state = match self.output.take() {
            Some(state) if state.still_ours() => state,
            _ => OutputState::read(&config.output_dir)?,
        };
        if !self.seeded {
            self.seeded = true;
            self.articles =
                ArticleCache::from_summaries(cache::read_summaries(&config.output_dir, build_id()), self.mode);
        }
        let found = match &self.files {
            Some(files) => article::Found { files: files.clone(), ..article::Found::default() },
            None => article::discover(&config.articles_dir)?,
        };
        if self.mode == Mode::Watch && found.diagnostics.is_empty() {
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
        // Stage 1: load.
        let loaded = article::load(&config.articles_dir, found, &mut self.articles, progress)?;
        interrupted(cancel)?;
        let load_done = started.elapsed();

        // Stage 2: link.
        let mut problems = loaded.diagnostics;
        problems.extend(article::revised_after(&loaded.articles, config.today));
        let (articles, drafts) = leave_out_drafts(&loaded.articles, config.drafts);
        let linked = match self.linker.as_mut() {
            Some(linker) => linker.relink(articles, &loaded.failed_slugs, config.site.recent_count),
            None => Linker::link(articles, &loaded.failed_slugs, config.site.recent_count).map(|l| {
                self.linker = Some(l);
            }),
        };
        if let Err(more) = linked {
            problems.extend(explain_links_to_drafts(more, &drafts));
        }
        if !problems.is_empty() {
            return Err(self.failed(problems, state));
        }
        interrupted(cancel)?;
        let site = self.linker.as_ref().expect("linked above").site();
        let link_done = started.elapsed();

        // Stages 3 and 4: render what is not on disk already, handing each page to the writer
        // as soon as it is made; then make the build visible at once.
        let article_count = site.articles.len();
        let (pages, render_done, write, state) = {
            let bodies = Bodies::new(&loaded.articles, &config.articles_dir);
            let plan = render::plan(site, &theme, &config.site, build_id(), &bodies)?;
            let writer = output::PageWriter::new(&state, staging)?;
            progress.stage("rendering", plan.pages.len());
            let pages: Vec<output::Page> = plan
                .pages
                .par_iter()
                .map(|planned| {
                    progress.step();
                    if let Some(page) = planned.fingerprint.and_then(|f| writer.kept(&planned.path, f)) {
                        return Ok(page);
                    }
                    writer.write(planned.path.clone(), planned.fingerprint, &plan.render(planned)?)
                })
                .collect::<Result<_>>()
                // Rendering fails on a template or a file; only one of these is worth telling
                // apart (a body read again from a file that changed meanwhile).
                .map_err(|err| match err.downcast::<SourceChanged>() {
                    Ok(changed) => BuildError::SourceChanged(changed),
                    Err(err) => BuildError::CouldNotRun(err),
                })?;
            let render_done = started.elapsed();
            interrupted(cancel)?;
            let (write, state) = writer.finish(&pages, cancel)?;
            (pages, render_done, write, state)
        };
        let rendered = pages.iter().filter(|p| p.state != PageState::Kept).count();
        let page_count = pages.len();
        progress.finish();
        let parsed = loaded.parsed;
        if self.mode == Mode::OneOff {
            drop(loaded.articles);
            self.articles.forget_bodies();
        }
        self.output = Some(state.for_mode(self.mode));
        // A one-off build rewrites the summary cache (tens of MB for a big site) only when many
        // articles were parsed anew; after a few edits the next build just parses those again.
        let many = parsed.len() >= 64 || parsed.len() * 20 >= article_count.max(1);
        let one_off = self.mode == Mode::OneOff;
        self.unsaved |= (!parsed.is_empty() && (many || !one_off)) || !config.output_dir.join(CACHE).exists();
        if one_off {
            self.save_cache();
        }
        let elapsed = started.elapsed();
        Ok(BuildReport {
            articles: article_count,
            drafts: drafts.len(),
            pages: page_count,
            parsed,
            rendered,
            write,
            elapsed,
            timings: Timings {
                load: load_done,
                link: link_done - load_done,
                render: render_done - link_done,
                write: elapsed - render_done,
            },
        })
    }

    fn failed(&mut self, problems: Vec<Diagnostic>, state: OutputState) -> BuildError {
        self.output = Some(state);
        BuildError::Failed(Diagnostics::new(problems, &self.config.root_shown))
    }
}

/// The articles to publish, and the drafts left out (none when `with_drafts`, as `encyc
/// watch` shows them).
fn leave_out_drafts(loaded: &[article::Loaded], with_drafts: bool) -> (Vec<Arc<Article>>, Vec<Arc<Article>>) {
    loaded.iter().map(|l| Arc::clone(&l.article)).partition(|a| with_drafts || !a.meta.draft)
}

/// Links that lead to a draft are broken in the published site; the link stage, which never
/// saw the drafts, calls them links to nothing. Says what they are instead.
fn explain_links_to_drafts(problems: Vec<Diagnostic>, drafts: &[Arc<Article>]) -> Vec<Diagnostic> {
    if drafts.is_empty() {
        return problems;
    }
    let by_slug = |slug: &str| drafts.iter().find(|d| d.slug.as_str() == slug);
    let by_name = |name: &str| {
        let key = crate::letters::name_key(name);
        drafts.iter().find(|d| d.name_keys.iter().any(|k| k.lookup == key))
    };
    problems
        .into_iter()
        .map(|mut d| {
            let draft = match &d.problem {
                Problem::BrokenLink { target, slug, .. } => by_slug(slug).map(|a| (target.clone(), a)),
                Problem::BrokenSeeAlso { slug, .. } => by_slug(slug).map(|a| (slug.clone(), a)),
                Problem::UnknownWikiName { name, .. } => by_name(name).map(|a| (format!("[[{name}]]"), a)),
                _ => None,
            };
            if let Some((target, a)) = draft {
                d.problem = Problem::LinkToDraft { target, slug: a.slug.to_string() };
            }
            d
        })
        .collect()
}

/// Stops a build at a stage boundary once Ctrl-C was pressed (before anything was written).
fn interrupted(cancel: &AtomicBool) -> Result<(), BuildError> {
    if cancel.load(Ordering::SeqCst) {
        return Err(BuildError::Interrupted);
    }
    Ok(())
}
