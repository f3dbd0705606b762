//! The build pipeline, kept alive between builds: `encyc build` runs it once, `encyc watch`
//! after every change. [`Builder::build`] runs the stages in order — load ([`crate::article`]),
//! link ([`crate::site`]), render ([`crate::render`]) and write ([`crate::output`]) — and is the
//! only place that knows them all: it asks the writer which planned pages are on disk
//! already, renders the others in parallel and hands each to the writer as soon as it is made.
//! What a build can reuse — parsed articles, the last link, the state of the output folder —
//! is kept here, according to the [`Mode`] builds run in, and every build's result equals that
//! of a fresh build. A build that does not finish says why with a [`BuildError`].

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Result;
use rayon::prelude::*;

use crate::article::cache::{self, ArticleCache};
use crate::article::{self, Article, Bodies, SourceChanged};
use crate::config::{Config, EditionConfig, Mode, SiteConfig};
use crate::diagnostic::{Diagnostic, Diagnostics, Problem};
use crate::editions;
use crate::last_build;
use crate::letters::Alphabet;
use crate::media::{self, MediaCache};
use crate::output::{self, OutputState, PageState, WriteError, WriteReport};
use crate::paths::{CACHE, OutputPath, SourcePath};
use crate::progress::Progress;
use crate::render::{self, Strings, Theme};
use crate::site::{Linker, Site};
use crate::terms::SearchLanguage;
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
    /// The published articles of each further edition: its language, and how many.
    pub(crate) in_editions: Vec<(String, usize)>,
    /// Articles marked `draft: true` that were left out.
    pub(crate) drafts: usize,
    pub(crate) pages: usize,
    /// Articles parsed in this build (the others came from the cache).
    pub(crate) parsed: Vec<SourcePath>,
    /// How many articles of the further editions were parsed in this build.
    pub(crate) parsed_in_editions: usize,
    /// Pages rendered in this build (the others were already on disk).
    pub(crate) rendered: usize,
    /// Illustrations of the site, and how many of them were decoded and encoded into smaller
    /// copies in this build (the others' copies came from the cache, or they have none).
    pub(crate) illustrations: usize,
    pub(crate) images_encoded: usize,
    /// Articles of the main edition whose review is overdue on the build's day.
    pub(crate) overdue: usize,
    pub(crate) write: WriteReport,
    pub(crate) elapsed: Duration,
    pub(crate) timings: Timings,
}

impl BuildReport {
    /// What is reported again by a build that repeats this one ([`last_build`]).
    fn outcome(&self) -> last_build::Outcome {
        last_build::Outcome {
            articles: self.articles,
            in_editions: self.in_editions.clone(),
            drafts: self.drafts,
            pages: self.pages,
            illustrations: self.illustrations,
            overdue: self.overdue,
        }
    }

    /// The report of a build that found its inputs as the last build left them, and its output
    /// as that build wrote it: every page unchanged, in `elapsed`.
    fn repeated(outcome: last_build::Outcome, elapsed: Duration) -> BuildReport {
        BuildReport {
            articles: outcome.articles,
            in_editions: outcome.in_editions,
            drafts: outcome.drafts,
            pages: outcome.pages,
            parsed: Vec::new(),
            parsed_in_editions: 0,
            rendered: 0,
            illustrations: outcome.illustrations,
            images_encoded: 0,
            overdue: outcome.overdue,
            write: WriteReport { written: 0, removed: 0, unchanged: outcome.pages },
            elapsed,
            timings: Timings { load: elapsed, ..Timings::default() },
        }
    }
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
            "built {}{} in {} ms: {} written, {} unchanged, {} removed",
            plural(self.articles, "article", "articles"),
            self.in_editions.iter().map(|(language, n)| format!(" ({language} edition: {n})")).collect::<String>(),
            self.elapsed.as_millis(),
            plural(self.write.written, "page", "pages"),
            self.write.unchanged,
            self.write.removed,
        )?;
        if self.illustrations > 0 {
            let encoded = plural(self.images_encoded, "image", "images");
            write!(f, "; {}, {encoded} encoded", plural(self.illustrations, "illustration", "illustrations"))?;
        }
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
    /// The article files the last build found ([`FileList`]).
    files: FileList,
    /// The main edition's pages, as [`EditionState`]'s `last_pages` (only when there are
    /// further editions).
    main_pages: Option<LastPages>,
    /// The main edition's last plan, as [`EditionState`]'s `memo`.
    main_memo: Option<Box<render::PlanMemo>>,
    /// What the editions showed of each other in the last build ([`ViewsMemo`]).
    views_memo: Option<ViewsMemo>,
    /// A long-lived builder's theme, by name, until an event says a theme file changed
    /// ([`Builder::forget_theme`]): compiling its templates after every edit cost a millisecond.
    theme: Option<(String, Arc<Theme>)>,
    /// Whether articles were parsed since the summary cache was last saved.
    unsaved: bool,
    /// Whether a killed process may have left temporary files in the output folder: unless
    /// the caller knows better ([`Builder::set_leftovers`]), it may.
    leftovers: bool,
    /// The site's further editions, in the order `encyc.yaml` lists them.
    editions: Vec<EditionState>,
    /// Images read before, by their files' stamps.
    media: MediaCache,
    /// The illustrations of the last check.
    library: media::Library,
}

/// An edition's article files as the last build found them, kept by [`Mode::Watch`] while file
/// events say no file came or went: listing 10,000 files is the biggest part of a rebuild after
/// one edit.
#[derive(Debug, Default)]
struct FileList(Option<Arc<Vec<SourcePath>>>);

impl FileList {
    /// The files of `dir`: those kept, or listed anew (and kept when `keep`).
    fn found(&mut self, dir: &Path, keep: bool) -> Result<article::Found> {
        if let Some(files) = &self.0 {
            return Ok(article::Found { files: Arc::clone(files), ..article::Found::default() });
        }
        let found = article::discover(dir)?;
        if keep && found.diagnostics.is_empty() {
            self.0 = Some(Arc::clone(&found.files));
        }
        Ok(found)
    }

    /// After an event for `relative` in `dir`: an edit of a file we know, which is still there,
    /// leaves the list as it was; anything else (a new, removed or renamed file, a folder) means
    /// looking again.
    fn invalidate(&mut self, dir: &Path, relative: &Path) {
        let source = SourcePath::new(relative);
        let known = self.0.as_ref().is_some_and(|files| files.binary_search(&source).is_ok());
        if !known || !dir.join(relative).is_file() {
            self.0 = None;
        }
    }
}

/// A further edition and what is kept of it between builds. Its article summaries are cached
/// on disk like the main edition's, in a file of its own ([`cache::file_name`]).
#[derive(Debug)]
struct EditionState {
    config: EditionConfig,
    /// `articles.<language>`, and its absolute path.
    dir_name: String,
    dir: PathBuf,
    /// `<language>/`.
    prefix: String,
    articles: ArticleCache,
    linker: Option<Linker>,
    /// Its illustrations (`articles.<language>/media/`), read before.
    media: MediaCache,
    /// Its article files, as the main edition's.
    files: FileList,
    /// Its pages in the last build (kept by a long-lived builder): when no article of the
    /// edition changed since, and what it shows beside its articles is the same, every page
    /// is as it was, and the edition is not planned again.
    last_pages: Option<LastPages>,
    /// What a long-lived builder keeps of its last plan ([`render::Reuse`]).
    memo: Option<Box<render::PlanMemo>>,
    /// Whether the on-disk summary cache has been read yet.
    seeded: bool,
    /// Whether articles were parsed since the summary cache was last saved.
    unsaved: bool,
}

impl EditionState {
    fn all(config: &Config, mode: Mode) -> Vec<EditionState> {
        let editions = &config.site.editions;
        editions
            .iter()
            .map(|e| EditionState {
                config: e.clone(),
                dir_name: e.articles_dir_name(),
                dir: config.root.join(e.articles_dir_name()),
                prefix: e.output_prefix(),
                articles: ArticleCache::from_summaries(Vec::new(), mode),
                linker: None,
                media: MediaCache::default(),
                files: FileList::default(),
                last_pages: None,
                memo: None,
                seeded: false,
                unsaved: false,
            })
            .collect()
    }
}

/// The further editions as loaded: each one's articles and illustrations, and their problems.
type EditionLoads = (Vec<article::LoadReport>, Vec<media::Library>, Vec<Diagnostic>);

/// Every edition's settings and what its pages show of the others, main edition first.
type Views = (Vec<SiteConfig>, Vec<render::Edition>);
/// A [`ViewsMemo`]'s key and facing hashes.
type Facings = (u128, Vec<Vec<Facing>>);

impl Builder {
    /// A pipeline for builds of `mode`. A one-off build saves its cache of article summaries
    /// after the build and checks every file on disk; a watching builder trusts that files it
    /// read or wrote are unchanged unless [`Builder::invalidate`] says otherwise, and saves its
    /// cache only when [`Builder::save_cache`] is called.
    pub(crate) fn new(config: Config, mode: Mode) -> Builder {
        let editions = EditionState::all(&config, mode);
        Builder {
            config,
            mode,
            articles: ArticleCache::from_summaries(Vec::new(), mode),
            output: None,
            seeded: false,
            linker: None,
            files: FileList::default(),
            main_pages: None,
            main_memo: None,
            views_memo: None,
            theme: None,
            unsaved: false,
            leftovers: true,
            editions,
            media: MediaCache::default(),
            library: media::Library::default(),
        }
    }

    /// Saves the summaries of parsed articles for the next process, if any are new. The cache
    /// only saves time, so failing to write it is not worth failing anything.
    pub(crate) fn save_cache(&mut self) {
        if self.output.is_none() {
            return;
        }
        let output_dir = &self.config.output_dir;
        if self.unsaved {
            let saved = cache::write_summaries(output_dir, CACHE, build_id(), self.articles.summaries());
            self.unsaved = saved.is_err();
        }
        for e in self.editions.iter_mut().filter(|e| e.unsaved) {
            let name = cache::file_name(Some(&e.config.language));
            let saved = cache::write_summaries(output_dir, &name, build_id(), e.articles.summaries());
            e.unsaved = saved.is_err();
        }
    }

    /// Says whether a killed process may have left temporary files in the output folder
    /// ([`crate::lock::OutputLock::left_clean`]): when not, no build looks for them.
    pub(crate) fn set_leftovers(&mut self, possible: bool) {
        self.leftovers = possible;
    }

    /// Whether temporary files a killed process left may still be in the output folder: until
    /// a build writes (and sweeps them), when they may have been left.
    pub(crate) fn leftovers(&self) -> bool {
        self.leftovers
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the site configuration (after `encyc.yaml` changed).
    pub(crate) fn set_site_config(&mut self, site: crate::config::SiteConfig) {
        let editions_changed = site.editions != self.config.site.editions;
        self.config.site = site;
        if editions_changed {
            self.editions = EditionState::all(&self.config, self.mode);
        }
    }

    /// The further editions as the last successful build or check linked them: each one's
    /// articles folder name, language and site.
    pub(crate) fn edition_sites(&self) -> Vec<(&str, &str, &Site)> {
        self.editions
            .iter()
            .filter_map(|e| Some((e.dir_name.as_str(), e.config.language.as_str(), e.linker.as_ref()?.site())))
            .collect()
    }

    /// Loads and links every further edition, each on its own, with its illustrations (in its
    /// own `media/` folder), with problems named by its folder.
    fn load_editions(
        &mut self,
        look: Option<&last_build::Look>,
        progress: &Progress,
    ) -> Result<EditionLoads, BuildError> {
        let (today, recent_count, with_drafts) = (self.config.today, self.config.site.recent_count, self.config.drafts);
        let mut reports = Vec::with_capacity(self.editions.len());
        let mut libraries = Vec::with_capacity(self.editions.len());
        let mut problems = Vec::new();
        let watching = self.mode == Mode::Watch;
        for e in &mut self.editions {
            let found = match look.and_then(|look| look.found_under(&e.dir)) {
                Some(found) => found,
                None => e.files.found(&e.dir, watching)?,
            };
            let language = SearchLanguage::of(&e.config.language);
            let mut loaded = article::load(language, &e.dir, found, &mut e.articles, progress)?;
            let mut found_here = std::mem::take(&mut loaded.diagnostics);
            found_here.extend(article::revised_after(&loaded.articles, today));
            // Drafts are left out of every edition alike (and shown by `encyc watch`).
            let (articles, drafts) = leave_out_drafts(&loaded.articles, with_drafts);
            let media_files = look.and_then(|look| look.media_under(&e.dir));
            let (library, media_problems) = media::load(&e.dir, &mut e.media, media_files);
            found_here.extend(media_problems);
            found_here.extend(library.missing_in(&articles));
            libraries.push(library);
            let alphabet = Alphabet::of_language(&e.config.language);
            let linked = match e.linker.as_mut() {
                Some(linker) => linker.relink(&articles, &loaded.failed, recent_count),
                None => Linker::link(owned(&articles), &loaded.failed, recent_count, alphabet).map(|l| {
                    e.linker = Some(l);
                }),
            };
            if let Err(more) = linked {
                found_here.extend(explain_links_to_drafts(more, &drafts));
            }
            problems.extend(editions::in_folder(found_here, &e.dir_name));
            reports.push(loaded);
        }
        Ok((reports, libraries, problems))
    }

    /// The strings of every edition's language, main edition first: read before the
    /// articles, so that a language without strings is told before anything else.
    fn strings(&self) -> Result<Vec<Strings>> {
        let config = &self.config;
        let site = &config.site;
        let mut strings = vec![Strings::load(&config.root, &site.theme, &site.language, Some(&site.title))?];
        for e in &self.editions {
            strings.push(Strings::load(&config.root, &site.theme, &e.config.language, e.config.title.as_deref())?);
        }
        Ok(strings)
    }

    /// Checks the translations across the linked editions, and works out each edition's
    /// settings and links to the others; taken from `last` when no article any edition sees
    /// of another changed (`edited`: per edition, the articles edited since while the same
    /// files are in the same places, `None` when not known). With several editions and `keep`,
    /// also returns what a [`ViewsMemo`] needs.
    fn views(
        &self,
        main: &Site,
        mut strings: Vec<Strings>,
        last: Option<ViewsMemo>,
        edited: &[Option<std::collections::BTreeSet<usize>>],
        keep: bool,
    ) -> Result<(Views, Option<Facings>), BuildError> {
        let config = &self.config;
        let mut configs = vec![config.site.clone()];
        for (e, edition_strings) in self.editions.iter().zip(&strings[1..]) {
            configs.push(editions::site_config(&config.site, &e.config, edition_strings)?);
        }
        if self.editions.is_empty() {
            let edition = render::Edition::single(strings.pop().expect("the main edition's"), main.articles.len());
            // Links to other editions, in a site that has none, are errors.
            let linked = editions::Linked {
                site: main,
                prefix: "",
                dir_name: crate::config::ARTICLES_DIR,
                language: edition.strings.language.clone(),
                endonym: String::new(),
            };
            let (problems, _) = editions::other_edition_links(std::slice::from_ref(&linked));
            if !problems.is_empty() {
                return Err(BuildError::Failed(Diagnostics::new(problems, &config.root_shown)));
            }
            return Ok(((configs, vec![edition]), None));
        }
        let sites: Vec<&Site> = std::iter::once(main)
            .chain(self.editions.iter().map(|e| e.linker.as_ref().expect("linked before the views").site()))
            .collect();
        let key = {
            let mut h = crate::hash::Fingerprint::new();
            h.extend_from_slice(format!("{configs:?}\0{}\0", config.site.base_path).as_bytes());
            for s in &strings {
                h.extend_from_slice(&s.fingerprint.to_le_bytes());
            }
            h.digest()
        };
        // The last facing hashes, brought up to date for the edited articles, while the same
        // files are in the same places (a change of title too: hashing 20,000 articles again
        // was a fifth of one with two editions); and whether any of them changed.
        let kept = last.filter(|last| {
            last.key == key
                && last.facing.len() == sites.len()
                && sites
                    .iter()
                    .zip(&last.facing)
                    .zip(edited)
                    .all(|((site, facing), edited)| edited.is_some() && facing.len() == site.articles.len())
        });
        let main_dir = crate::config::ARTICLES_DIR;
        let linked: Vec<editions::Linked<'_>> = std::iter::once((main, "", main_dir))
            .chain(self.editions.iter().map(|e| {
                let site = e.linker.as_ref().expect("linked before the views").site();
                (site, e.prefix.as_str(), e.dir_name.as_str())
            }))
            .zip(&strings)
            .map(|((site, prefix, dir_name), s)| editions::Linked {
                site,
                prefix,
                dir_name,
                language: s.language.clone(),
                endonym: s.get("language-name").to_string(),
            })
            .collect();
        let mut facing_now = None;
        if let Some(mut last) = kept {
            // Per edition, the edited articles that show the others something else; and
            // whether every edit kept how the articles relate.
            let mut shown: Vec<Vec<usize>> = vec![Vec::new(); sites.len()];
            let mut related = true;
            for (((site, facing), edited), shown) in sites.iter().zip(&mut last.facing).zip(edited).zip(&mut shown) {
                for &i in edited.iter().flatten() {
                    let now = Facing::of(&site.articles[i].article);
                    related &= now.relation == facing[i].relation;
                    if now.shown != facing[i].shown {
                        shown.push(i);
                    }
                    facing[i] = now;
                }
            }
            let elsewhere = || sites.iter().any(|site| site.articles.iter().any(|l| l.article.links_elsewhere));
            let refreshed = match (related, shown.iter().all(Vec::is_empty)) {
                (true, true) => Some(last.views),
                // No link between editions to check again: only translation credits change.
                (true, false) if !elsewhere() => match editions::refresh(&linked, last.views, &shown) {
                    Ok(views) => Some(views),
                    Err(problems) => return Err(BuildError::Failed(Diagnostics::new(problems, &config.root_shown))),
                },
                _ => None,
            };
            if let Some(views) = refreshed {
                #[cfg(debug_assertions)]
                assert_same_views(&linked, &views, &config.site.base_path);
                let views = views.into_iter().zip(strings).map(|(view, strings)| render::Edition { strings, ..view });
                return Ok(((configs, views.collect()), Some((key, last.facing))));
            }
            facing_now = Some(last.facing);
        }
        let mut problems = editions::cross_check(&linked[0], &linked[1..]);
        let (more, elsewhere) = editions::other_edition_links(&linked);
        problems.extend(more);
        if !problems.is_empty() {
            return Err(BuildError::Failed(Diagnostics::new(problems, &config.root_shown)));
        }
        let mut views = editions::views(&linked, strings, &config.site.base_path);
        for (view, elsewhere) in views.iter_mut().zip(elsewhere) {
            view.elsewhere = elsewhere;
        }
        let facing = keep.then(|| {
            let all = || sites.iter().map(|site| site.articles.iter().map(|l| Facing::of(&l.article)).collect());
            (key, facing_now.unwrap_or_else(|| all().collect()))
        });
        Ok(((configs, views), facing))
    }

    /// Forgets what is known about a file or folder under `articles/`, so the next build
    /// reads it again whatever its time stamp says.
    pub(crate) fn invalidate(&mut self, relative: &Path) {
        self.articles.invalidate(relative);
        self.files.invalidate(&self.config.articles_dir, relative);
    }

    /// Forgets what is known about a file or folder in the further edition whose articles are
    /// in `dir_name` (`articles.es`): the next build reads it again, and lists the folder
    /// again unless this was an edit of a file it knows (as [`Builder::invalidate`]).
    pub(crate) fn invalidate_edition(&mut self, dir_name: &str, relative: &Path) {
        if let Some(e) = self.editions.iter_mut().find(|e| e.dir_name == dir_name) {
            e.articles.invalidate(relative);
            e.files.invalidate(&e.dir, relative);
        }
    }

    /// Forgets the theme, so the next build reads it again.
    pub(crate) fn forget_theme(&mut self) {
        self.theme = None;
    }

    /// Forgets the state of the output folder, so the next build reads it from disk.
    pub(crate) fn forget_output(&mut self) {
        self.output = None;
    }

    /// The illustrations the last check read.
    pub(crate) fn library(&self) -> &media::Library {
        &self.library
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
    pub(crate) fn check(&mut self, progress: &Progress) -> Result<(&Site, &media::Library), BuildError> {
        let config = &self.config;
        let theme = Theme::load(&config.root, &config.site.theme)?;
        let strings = self.strings()?;
        let config = &self.config;
        let found = article::discover(&config.articles_dir)?;
        // Only a check reports reading grades (of the main edition: the formula is English's).
        self.articles.measure_reading = true;
        let loaded = article::load(
            SearchLanguage::of(&config.site.language),
            &config.articles_dir,
            found,
            &mut self.articles,
            progress,
        )?;
        let mut problems = loaded.diagnostics;
        problems.extend(article::revised_after(&loaded.articles, config.today));
        let (articles, drafts) = leave_out_drafts(&loaded.articles, config.drafts);
        let (library, media_problems) = media::load(&config.articles_dir, &mut self.media, None);
        problems.extend(media_problems);
        problems.extend(library.missing_in(&articles));
        let alphabet = Alphabet::of_language(&config.site.language);
        match Linker::link(owned(&articles), &loaded.failed, config.site.recent_count, alphabet) {
            Ok(linker) => self.linker = Some(linker),
            Err(more) => problems.extend(explain_links_to_drafts(more, &drafts)),
        }
        let (edition_loads, edition_media, more) = self.load_editions(None, progress)?;
        problems.extend(more);
        let config = &self.config;
        if !problems.is_empty() {
            return Err(BuildError::Failed(Diagnostics::new(problems, &config.root_shown)));
        }
        let site = self.linker.as_ref().expect("linked above").site();
        let ((configs, views), _) = self.views(site, strings, None, &[], false)?;
        // Templates fail on what a page holds (`{{ article.nosuch }}`, a filter on a missing
        // value), so only rendering every page finds every error a build would.
        let medias = std::iter::once(&library).chain(&edition_media);
        let mut bodies = vec![Bodies::new(&loaded.articles, &config.articles_dir)];
        bodies.extend(edition_loads.iter().zip(&self.editions).map(|(l, e)| Bodies::new(&l.articles, &e.dir)));
        let sites = std::iter::once(site).chain(self.editions.iter().filter_map(|e| Some(e.linker.as_ref()?.site())));
        for ((((site, config), bodies), view), media) in sites.zip(&configs).zip(&bodies).zip(&views).zip(medias) {
            let plan = render::plan("", site, &theme, config, build_id(), bodies, view, media, render::Reuse::Nothing)?;
            plan.pages.par_iter().try_for_each(|planned| plan.render(planned).map(drop))?;
        }
        drop(bodies);
        self.library = library;
        Ok((self.linker.as_ref().expect("linked above").site(), &self.library))
    }

    /// Builds the site. A build that fails leaves the output folder as it was. A build that
    /// finds the on-disk cache of article summaries damaged is made again without it (and
    /// saves a new one).
    pub(crate) fn build(&mut self, cancel: &AtomicBool, progress: &Progress) -> Result<BuildReport, BuildError> {
        match self.build_once(cancel, progress) {
            Err(BuildError::CouldNotRun(err)) if err.downcast_ref::<article::spill::CacheDamaged>().is_some() => {
                self.forget_cached_summaries();
                self.build_once(cancel, progress)
            }
            result => result,
        }
    }

    /// Forgets every article summary read from the on-disk caches, and removes those caches,
    /// so that every article is parsed again and the caches are written anew.
    fn forget_cached_summaries(&mut self) {
        let output_dir = &self.config.output_dir;
        let _ = std::fs::remove_file(output_dir.join(CACHE));
        self.articles = ArticleCache::from_summaries(Vec::new(), self.mode);
        self.seeded = true;
        self.linker = None;
        self.main_pages = None;
        for e in &mut self.editions {
            let _ = std::fs::remove_file(output_dir.join(cache::file_name(Some(&e.config.language))));
            e.articles = ArticleCache::from_summaries(Vec::new(), self.mode);
            e.seeded = true;
            e.linker = None;
            e.last_pages = None;
        }
    }

    fn build_once(&mut self, cancel: &AtomicBool, progress: &Progress) -> Result<BuildReport, BuildError> {
        let started = Instant::now();
        // A one-off build whose inputs are those of the last build repeats it: nothing to do.
        // Whether every page is still as written is looked at meanwhile: a build that does not
        // repeat the last one needs it too, for each page it keeps.
        let (look, untouched) = match self.mode {
            Mode::OneOff => {
                let (look, untouched) = rayon::join(
                    || last_build::look(&self.config, build_id()),
                    || output::untouched_since_manifest(&self.config.output_dir),
                );
                (Some(look), untouched)
            }
            Mode::Watch | Mode::Poll => (None, None),
        };
        let inputs = look.as_ref().and_then(|look| look.digest);
        let same_as_last = |i| last_build::same_as_last(&self.config.output_dir, build_id(), i, untouched.is_some());
        if let Some(record) = inputs.and_then(same_as_last) {
            return Ok(BuildReport::repeated(record.outcome, started.elapsed()));
        }
        let config = &self.config;
        let theme = match &self.theme {
            Some((name, theme)) if *name == config.site.theme && self.mode != Mode::OneOff => Arc::clone(theme),
            _ => {
                let theme = Arc::new(Theme::load(&config.root, &config.site.theme)?);
                if self.mode != Mode::OneOff {
                    self.theme = Some((config.site.theme.clone(), Arc::clone(&theme)));
                }
                theme
            }
        };
        let strings = self.strings()?;
        let config = &self.config;
        let leftovers = self.leftovers;
        let kept_state = self.output.take().filter(OutputState::still_ours);
        let state = || match kept_state {
            Some(state) => Ok(state),
            None => OutputState::read(&config.output_dir).map(|s| s.verified_at(untouched).with_leftovers(leftovers)),
        };
        // The list of articles the look found is sorted out, and the manifest read, while the
        // summaries are decoded (on the other core, mostly): each was a serial stretch of a
        // build with one article changed.
        let mode = self.mode;
        let found_by_look = || look.as_ref().and_then(|look| look.found_under(&config.articles_dir));
        let ((state, found), cached) = match self.seeded {
            true => ((state(), found_by_look()), None),
            false => {
                let decode = || {
                    let summaries = cache::read_summaries(&config.output_dir, CACHE, build_id());
                    ArticleCache::from_summaries(summaries, mode)
                };
                let (first, cached) = rayon::join(|| rayon::join(state, found_by_look), decode);
                (first, Some(cached))
            }
        };
        let state = state?;
        if let Some(cached) = cached {
            self.seeded = true;
            self.articles = cached;
            self.media = MediaCache::read(&config.output_dir, build_id());
        }
        for e in self.editions.iter_mut().filter(|e| !e.seeded) {
            e.seeded = true;
            let name = cache::file_name(Some(&e.config.language));
            e.articles =
                ArticleCache::from_summaries(cache::read_summaries(&config.output_dir, &name, build_id()), self.mode);
        }
        let found = match found {
            Some(found) => found,
            None => self.files.found(&config.articles_dir, self.mode == Mode::Watch)?,
        };
        let alphabet = Alphabet::of_language(&config.site.language);
        // A first build creates its files while the articles are parsed (see `Staging`).
        let staging = match state.exists() {
            false => {
                let mut paths = render::planned_paths("", found.files.iter().map(|f| f.slug()), &theme, alphabet);
                for e in &self.editions {
                    // Listed once more by the load below, unless the look listed it.
                    let found = look.as_ref().and_then(|look| look.found_under(&e.dir)).map(Ok);
                    let files = found.unwrap_or_else(|| article::discover(&e.dir)).map(|f| f.files).unwrap_or_default();
                    let files = files.as_slice();
                    let alphabet = Alphabet::of_language(&e.config.language);
                    let slugs = files.iter().map(|f| f.slug());
                    paths.extend(render::planned_paths(&e.prefix, slugs, &theme, alphabet));
                }
                paths.sort();
                Some(output::Staging::start(&config.output_dir, paths)?)
            }
            true => None,
        };
        self.media.keep_variants_in(staging.as_ref().map_or(config.output_dir.as_path(), |s| s.dir()));
        // Stage 1: load.
        let loaded = article::load(
            SearchLanguage::of(&config.site.language),
            &config.articles_dir,
            found,
            &mut self.articles,
            progress,
        )?;
        interrupted(cancel)?;
        let load_done = started.elapsed();

        // Stage 2: link.
        let mut problems = loaded.diagnostics;
        problems.extend(article::revised_after(&loaded.articles, config.today));
        let (articles, drafts) = leave_out_drafts(&loaded.articles, config.drafts);
        // The illustrations are loaded beside the link, which does not need them: one after
        // the other, with 1,000 illustrations, they were a tenth of a rebuild with one article
        // changed. Their files' stamps are the look's, when there was one.
        let (media_cache, linker) = (&mut self.media, &mut self.linker);
        let media_files = look.as_ref().and_then(|look| look.media_under(&config.articles_dir));
        let ((library, media_problems), linked) = rayon::join(
            || media::load(&config.articles_dir, media_cache, media_files),
            || match linker.as_mut() {
                Some(linker) => linker.relink(&articles, &loaded.failed, config.site.recent_count),
                None => Linker::link(owned(&articles), &loaded.failed, config.site.recent_count, alphabet)
                    .map(|l| *linker = Some(l)),
            },
        );
        problems.extend(media_problems);
        problems.extend(library.missing_in(&articles));
        if let Err(more) = linked {
            problems.extend(explain_links_to_drafts(more, &drafts));
        }
        let draft_count = drafts.len();
        let (edition_loads, edition_media, more) = self.load_editions(look.as_ref(), progress)?;
        problems.extend(more);
        if !problems.is_empty() {
            return Err(self.failed(problems, state));
        }
        interrupted(cancel)?;
        // What each edition's plan may take from its last one, main edition first (in the
        // order of `sites` below). Taken now: a build that fails from here on keeps no memo.
        // So are the last pages of each edition whose articles did not change since (the
        // changes taken now are those since the last build that succeeded).
        let keep = self.mode != Mode::OneOff;
        let mut reuses: Vec<render::Reuse> = Vec::with_capacity(self.editions.len() + 1);
        let mut lasts: Vec<Option<LastPages>> = Vec::with_capacity(self.editions.len() + 1);
        let mut edited = Vec::with_capacity(self.editions.len() + 1);
        let linkers = std::iter::once((self.linker.as_mut(), &mut self.main_memo, &mut self.main_pages))
            .chain(self.editions.iter_mut().map(|e| (e.linker.as_mut(), &mut e.memo, &mut e.last_pages)));
        for (linker, memo, last) in linkers {
            let Some(linker) = linker else { continue };
            let changes = linker.take_changes();
            let unchanged = changes.as_ref().is_some_and(|c| *c == Default::default());
            edited.push(changes.as_ref().map(|c| c.edited.clone()));
            lasts.push(last.take().filter(|_| unchanged));
            reuses.push(match (keep, memo.take(), changes) {
                (false, _, _) => render::Reuse::Nothing,
                (true, Some(memo), Some(changes)) => render::Reuse::From(memo, changes),
                (true, _, _) => render::Reuse::Remember,
            });
        }
        let site = self.linker.as_ref().expect("linked above").site();
        let last_views = self.views_memo.take();
        let ((configs, views), facing) = match self.views(site, strings, last_views, &edited, keep) {
            Ok(views) => views,
            Err(err) => {
                self.output = Some(state);
                return Err(err);
            }
        };
        let site = self.linker.as_ref().expect("linked above").site();
        let config = &self.config;
        let link_done = started.elapsed();

        // Stages 3 and 4: render what is not on disk already, handing each page to the writer
        // as soon as it is made; then make the build visible at once.
        let article_count = site.articles.len();
        let overdue = crate::review::count_overdue(
            site.articles.iter().map(|l| l.article.meta.last_revised),
            config.site.review_period,
            config.today,
        );
        let (illustrations, images_encoded) = (library.images.len(), library.encoded);
        let (pages, render_done, write, state, surroundings, memos) = {
            let medias = std::iter::once(&library).chain(&edition_media);
            let mut bodies = vec![Bodies::new(&loaded.articles, &config.articles_dir)];
            bodies.extend(edition_loads.iter().zip(&self.editions).map(|(l, e)| Bodies::new(&l.articles, &e.dir)));
            let sites =
                std::iter::once(site).chain(self.editions.iter().filter_map(|e| Some(e.linker.as_ref()?.site())));
            let prefixes = std::iter::once("").chain(self.editions.iter().map(|e| e.prefix.as_str()));
            let writer = output::PageWriter::new(state, staging)?;
            let mut plans = Vec::with_capacity(configs.len());
            // An edition whose pages are made from what they were last time (an edit in another
            // edition that shows nothing of it) keeps its pages without being planned: planning
            // 10,000 pages is most of what a rebuild after one edit costs.
            let mut reused: Vec<output::Page> = Vec::new();
            let mut surroundings: Vec<Option<u128>> = Vec::with_capacity(configs.len());
            // Each edition's memo, by its place (main edition first), to keep after the build.
            let mut memos: Vec<Option<Box<render::PlanMemo>>> = Vec::with_capacity(configs.len());
            for (((((((site, config), bodies), view), prefix), media), reuse), last) in
                sites.zip(&configs).zip(&bodies).zip(&views).zip(prefixes).zip(medias).zip(reuses).zip(lasts)
            {
                // Only a site of several editions has an edition an edit may leave alone.
                let several = !self.editions.is_empty();
                let around = (self.mode != Mode::OneOff && several)
                    .then(|| edition_surroundings(site.articles.len(), &theme, config, view, media));
                surroundings.push(around);
                if let (Some(around), Some(last)) = (around, last)
                    && around == last.surroundings
                {
                    let pages = last.pages.iter();
                    let kept: Option<Vec<output::Page>> =
                        pages.map(|(path, f, at)| writer.kept_at(*at, path, *f)).collect();
                    if let Some(kept) = kept {
                        reused.extend(kept);
                        // Its pages are as they were planned, so is its memo, unless articles
                        // were re-linked since (edited, then edited back).
                        memos.push(match reuse {
                            render::Reuse::From(memo, changes) if changes == Default::default() => Some(memo),
                            _ => None,
                        });
                        continue;
                    }
                }
                let mut plan = render::plan(prefix, site, &theme, config, build_id(), bodies, view, media, reuse)?;
                memos.push(plan.memo.take());
                plans.push(plan);
            }
            // Every edition's pages in one list, in path order, as the writer expects them.
            let mut jobs: Vec<(&render::Plan<'_>, &render::Planned<'_>)> =
                plans.iter().flat_map(|plan| plan.pages.iter().map(move |page| (plan, page))).collect();
            jobs.sort_by(|a, b| a.1.path.cmp(&b.1.path));
            progress.stage("rendering", jobs.len());
            // Each job's place among all the pages, those of editions kept whole included.
            reused.sort_by(|a, b| a.path.cmp(&b.path));
            let mut before = 0;
            let places: Vec<usize> = (0..jobs.len())
                .map(|at| {
                    while reused.get(before).is_some_and(|p| p.path < jobs[at].1.path) {
                        before += 1;
                    }
                    at + before
                })
                .collect();
            // Pages on disk already, made from the same, are kept; the others are rendered.
            let kept: Vec<Option<output::Page>> = jobs
                .par_iter()
                .zip(&places)
                .map(|(&(_, planned), &at)| {
                    let kept = planned.fingerprint.and_then(|f| writer.kept_at(at, &planned.path, f));
                    if kept.is_some() {
                        progress.step();
                    }
                    kept
                })
                .collect();
            let todo: Vec<usize> = (0..jobs.len()).filter(|&i| kept[i].is_none()).collect();
            let render = |&i: &usize| -> Result<output::Page> {
                progress.step();
                let (plan, planned) = jobs[i];
                writer.write(planned.path.clone(), planned.fingerprint, &plan.render(planned)?)
            };
            // After an edit, a few pages are rendered, and some (search shards) take far longer
            // than the others: each is a task of its own, so that every core takes a share.
            let per_task = if todo.len() <= FEW_PAGES { 1 } else { usize::MAX };
            let rendered: Vec<output::Page> = todo
                .par_iter()
                .with_max_len(per_task)
                .map(render)
                .collect::<Result<_>>()
                // Rendering fails on a template or a file; only one of these is worth telling
                // apart (a body read again from a file that changed meanwhile).
                .map_err(|err| match err.downcast::<SourceChanged>() {
                    Ok(changed) => BuildError::SourceChanged(changed),
                    Err(err) => BuildError::CouldNotRun(err),
                })?;
            // Every page in path order: each job at its place, the kept editions' pages around
            // them (both lists are in path order already, so no page is compared again).
            let mut rendered = rendered.into_iter();
            let mut reused = reused.into_iter();
            let mut pages: Vec<output::Page> = Vec::with_capacity(places.len() + reused.len());
            for (kept, &at) in kept.into_iter().zip(&places) {
                pages.extend(reused.by_ref().take(at - pages.len()));
                pages.push(kept.or_else(|| rendered.next()).expect("a page for every job"));
            }
            pages.extend(reused);
            debug_assert!(pages.is_sorted_by(|a, b| a.path < b.path), "pages in path order");
            let render_done = started.elapsed();
            interrupted(cancel)?;
            let (write, state) = writer.finish(&pages, cancel)?;
            (pages, render_done, write, state, surroundings, memos)
        };
        let mut memos = memos.into_iter();
        self.main_memo = memos.next().flatten();
        for (e, memo) in self.editions.iter_mut().filter(|e| e.linker.is_some()).zip(memos) {
            e.memo = memo;
        }
        let mut surroundings = surroundings.into_iter();
        let further: Vec<&str> = self.editions.iter().map(|e| e.prefix.as_str()).collect();
        let last_pages = |surroundings: u128, mine: &dyn Fn(&str) -> bool| {
            let pages = pages.iter().enumerate().filter(|(_, p)| mine(p.path.as_str()));
            LastPages { surroundings, pages: pages.map(|(at, p)| (p.path.clone(), p.fingerprint, at)).collect() }
        };
        let main_page = |path: &str| !further.iter().any(|prefix| path.starts_with(prefix));
        self.main_pages = surroundings.next().flatten().map(|s| last_pages(s, &main_page));
        for (e, around) in self.editions.iter_mut().zip(surroundings) {
            e.last_pages = around.map(|s| last_pages(s, &|path: &str| path.starts_with(e.prefix.as_str())));
        }
        self.views_memo = facing.map(|(key, facing)| ViewsMemo { key, facing, views });
        let rendered = pages.iter().filter(|p| p.state != PageState::Kept).count();
        let page_count = pages.len();
        progress.finish();
        let parsed = loaded.parsed;
        let restamped = loaded.restamped;
        if self.mode == Mode::OneOff {
            drop(loaded.articles);
            self.articles.forget_bodies();
            for e in &mut self.editions {
                e.articles.forget_bodies();
            }
        }
        let mut state = state.for_mode(self.mode);
        self.leftovers &= state.may_hold_leftovers();
        state.remember(pages);
        self.output = Some(state);
        // A one-off build rewrites the summary cache only when it is worth it
        // ([`cache::worth_rewriting`]); `watch` saves it when it stops if anything changed.
        let one_off = self.mode == Mode::OneOff;
        let worth_saving = |parsed: usize, restamped: usize, articles: usize, name: &str| {
            let changed = parsed + restamped > 0;
            (changed && (!one_off || cache::worth_rewriting(parsed, restamped, articles)))
                || !config.output_dir.join(name).exists()
        };
        self.unsaved |= worth_saving(parsed.len(), restamped, article_count, CACHE);
        for (e, load) in self.editions.iter_mut().zip(&edition_loads) {
            let name = cache::file_name(Some(&e.config.language));
            e.unsaved |= worth_saving(load.parsed.len(), load.restamped, load.articles.len(), &name);
        }
        let lost = !self.media.is_empty() && !config.output_dir.join(crate::paths::MEDIA_CACHE).exists();
        if self.media.unsaved || lost {
            // Only a speed-up for the next build: a cache that cannot be written is not an error.
            let _ = self.media.write(&config.output_dir, build_id());
        }
        if one_off {
            self.save_cache();
        }
        let elapsed = started.elapsed();
        let in_editions = self
            .editions
            .iter()
            .map(|e| (e.config.language.clone(), e.linker.as_ref().map_or(0, |l| l.site().articles.len())))
            .collect();
        let report = BuildReport {
            articles: article_count,
            in_editions,
            drafts: draft_count,
            pages: page_count,
            parsed,
            parsed_in_editions: edition_loads.iter().map(|l| l.parsed.len()).sum(),
            rendered,
            illustrations,
            images_encoded,
            overdue,
            write,
            elapsed,
            timings: Timings {
                load: load_done,
                link: link_done - load_done,
                render: render_done - link_done,
                write: elapsed - render_done,
            },
        };
        if let Some(inputs) = inputs {
            // Only a speed-up for the next build, like the caches.
            let _ = last_build::record(&self.config.output_dir, build_id(), inputs, report.outcome());
        }
        Ok(report)
    }

    fn failed(&mut self, problems: Vec<Diagnostic>, state: OutputState) -> BuildError {
        self.output = Some(state);
        BuildError::Failed(Diagnostics::new(problems, &self.config.root_shown))
    }
}

/// Up to how many pages to render are each rendered as a task of their own.
const FEW_PAGES: usize = 256;

/// What each edition showed of the others in a long-lived builder's last build, and what that
/// was made from: a save that changes nothing one edition sees of another (a body edit) takes
/// them as they were, rather than passing over every article of every edition again. Taken
/// out when the linkers' changes are, so that a build that fails after that keeps none.
#[derive(Debug)]
struct ViewsMemo {
    /// The editions' settings and words.
    key: u128,
    /// Per edition, per article: what the others see of it ([`Facing`]).
    facing: Vec<Vec<Facing>>,
    views: Vec<render::Edition>,
}

/// What the other editions see of an article, and what checking it against them reads, as
/// two hashes: how it relates to the others (its address, what it translates, its own links to
/// other editions), and what it shows them (its names, sections and revision date,
/// [`Article::surface`], who revised it, and a translation's credit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Facing {
    relation: u64,
    shown: u64,
}

impl Facing {
    fn of(article: &Article) -> Facing {
        use std::hash::{Hash, Hasher};
        let mut relation = rustc_hash::FxHasher::default();
        article.slug.as_str().hash(&mut relation);
        article.meta.translation.as_ref().map(|t| t.of.value.as_str()).hash(&mut relation);
        article.links_elsewhere.hash(&mut relation);
        if article.links_elsewhere {
            for link in article.outline.links.iter() {
                if matches!(link.target, crate::markdown::LinkTarget::OtherEdition { .. }) {
                    format!("{:?}", link.target).hash(&mut relation);
                }
            }
        }
        let mut shown = rustc_hash::FxHasher::default();
        article.surface.hash(&mut shown);
        // Field by field: formatting them (`{:?}`) was most of a title change with two editions.
        article.meta.translation.as_ref().map(|t| (t.original_revised, &t.translated_by)).hash(&mut shown);
        article.meta.revised_by.hash(&mut shown);
        Facing { relation: relation.finish(), shown: shown.finish() }
    }
}

/// Panics unless `views`, kept or brought up to date, are what working them out anew from
/// `linked` gives, with their fingerprints.
#[cfg(debug_assertions)]
fn assert_same_views(linked: &[editions::Linked<'_>], views: &[render::Edition], base: &str) {
    let (problems, elsewhere) = editions::other_edition_links(linked);
    assert!(problems.is_empty() && editions::cross_check(&linked[0], &linked[1..]).is_empty());
    let fresh = editions::view_parts(linked, base);
    assert_eq!(views.len(), fresh.len());
    for ((kept, fresh), elsewhere) in views.iter().zip(&fresh).zip(&elsewhere) {
        let parts = (&kept.homes, &kept.translations, &kept.originals, &kept.homes_from_root, &kept.elsewhere);
        let anew = (&fresh.homes, &fresh.translations, &fresh.originals, &fresh.homes_from_root, elsewhere);
        assert_eq!(format!("{parts:?}"), format!("{anew:?}"), "the views kept are the views anew");
        let fingerprints: Vec<u64> = (0..kept.translations.len()).map(|i| kept.article_fingerprint(i)).collect();
        assert_eq!(kept.article_fingerprints(), fingerprints.as_slice());
    }
}

/// An edition's pages in a long-lived builder's last build, and what they were made from
/// beside its articles ([`edition_surroundings`]).
#[derive(Debug)]
struct LastPages {
    surroundings: u128,
    /// Each page's path, fingerprint and place among all the build's pages (in path order).
    pages: Vec<(OutputPath, u128, usize)>,
}

/// What an edition's pages are made from beside its articles, as one number: the build and
/// theme, its settings and words, what it shows of the other editions (language switches,
/// originals, links to them) and its illustrations. The same, and no article of the edition
/// changed (its linker recorded no change), the pages are the same.
fn edition_surroundings(
    articles: usize,
    theme: &Theme,
    config: &SiteConfig,
    view: &render::Edition,
    media: &media::Library,
) -> u128 {
    let mut h = crate::hash::Fingerprint::new();
    h.extend_from_slice(&render::edition_fingerprint(build_id(), theme, config, view).to_le_bytes());
    h.extend_from_slice(&articles.to_le_bytes());
    for fingerprint in view.article_fingerprints() {
        h.extend_from_slice(&fingerprint.to_le_bytes());
    }
    h.extend_from_slice(&render::media_digest(media).to_le_bytes());
    h.digest()
}

/// The articles to publish, and the drafts left out (none when `with_drafts`, as `encyc
/// watch` shows them).
/// (Borrowed: `encyc watch` hands them on to a re-link that looks at a few, and raising and
/// dropping 10,000 reference counts after every save cost a millisecond.)
fn leave_out_drafts(loaded: &[article::Loaded], with_drafts: bool) -> (Vec<&Arc<Article>>, Vec<&Arc<Article>>) {
    loaded.iter().map(|l| &l.article).partition(|a| with_drafts || !a.meta.draft)
}

/// The articles to link, owned by the link.
fn owned(articles: &[&Arc<Article>]) -> Vec<Arc<Article>> {
    articles.iter().map(|a| Arc::clone(a)).collect()
}

/// Links that lead to a draft are broken in the published site; the link stage, which never
/// saw the drafts, calls them links to nothing. Says what they are instead.
fn explain_links_to_drafts(problems: Vec<Diagnostic>, drafts: &[&Arc<Article>]) -> Vec<Diagnostic> {
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
