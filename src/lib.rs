//! encyc turns a folder of Markdown articles with YAML front matter into a static medical
//! encyclopedia: one page per article, A–Z letter pages listing titles and alternative names,
//! checked cross-links, and the disclaimer on every page.
//!
//! A build is a pipeline of four typed stages:
//!
//! 1. [`article::load`]: find and parse each article on its own ([`article::Article`]);
//! 2. [`site::link`]: check names and links across articles ([`site::Site`]);
//! 3. [`render::render`]: render every page in memory ([`render::Page`]);
//! 4. [`output::write_site`]: write what changed, atomically.
//!
//! Every problem an editor must fix is a [`diagnostic::Diagnostic`]; a build collects them
//! all and fails once, before anything is written.

pub mod article;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod letters;
pub mod lock;
pub mod markdown;
pub mod output;
pub mod paths;
pub mod render;
pub mod site;
mod yaml;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cli::{Cli, Command, Config};
use crate::diagnostic::Diagnostics;

/// How a command ended, for `main` to turn into an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The command ran but found problems it has already reported.
    Failure,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Failure => ExitCode::FAILURE,
        }
    }
}

/// The articles have problems; nothing was written. Printing the error gives the summary;
/// the diagnostics themselves are in [`BuildFailed::diagnostics`].
#[derive(Debug, thiserror::Error)]
#[error("build failed: {}; the output folder was left as it was", .diagnostics.summary())]
pub struct BuildFailed {
    pub diagnostics: Diagnostics,
}

/// What a successful build did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildReport {
    pub articles: usize,
    pub pages: usize,
    pub write: output::WriteReport,
    pub elapsed: Duration,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "built {} article{} in {} ms: {} page{} written, {} unchanged, {} removed",
            self.articles,
            if self.articles == 1 { "" } else { "s" },
            self.elapsed.as_millis(),
            self.write.written,
            if self.write.written == 1 { "" } else { "s" },
            self.write.unchanged,
            self.write.removed,
        )
    }
}

/// Set by Ctrl-C; a build checks it before it changes the output.
static CANCEL: AtomicBool = AtomicBool::new(false);

/// Runs a command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.into_command()? {
        Command::Build { config, quiet } => {
            // Ctrl-C during a build must not leave a half-written site: note it, and let the
            // build stop at the last point where nothing has been replaced yet.
            let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
            let _lock = lock::lock_site(&config.root)?;
            match build(&config, &CANCEL) {
                Ok(report) => {
                    if !quiet {
                        eprintln!("{report} ({})", config.output_dir.display());
                    }
                    Ok(Outcome::Success)
                }
                Err(err) => {
                    if let Some(failed) = err.downcast_ref::<BuildFailed>() {
                        eprint!("{}", failed.diagnostics);
                    }
                    Err(err)
                }
            }
        }
    }
}

/// Builds the site described by `config` into its output folder.
pub fn build(config: &Config, cancel: &AtomicBool) -> Result<BuildReport> {
    let started = Instant::now();
    let theme = render::Theme::load(&config.root, &config.site.theme)?;
    let mut cache = article::ArticleCache::default();
    let loaded = article::load(&config.articles_dir, &mut cache)?;
    let mut problems = loaded.diagnostics;
    let site = match site::link(loaded.articles, &loaded.failed_slugs, config.site.recent_count) {
        Ok(site) if problems.is_empty() => site,
        Ok(_) => return Err(failed(problems, config)),
        Err(more) => {
            problems.extend(more);
            return Err(failed(problems, config));
        }
    };
    let pages = render::render(&site, &theme, &config.site)?;
    let write = output::write_site(&config.output_dir, &pages, cancel)?;
    Ok(BuildReport { articles: site.articles.len(), pages: pages.len(), write, elapsed: started.elapsed() })
}

fn failed(problems: Vec<diagnostic::Diagnostic>, config: &Config) -> anyhow::Error {
    BuildFailed { diagnostics: Diagnostics::new(problems, &config.root_shown) }.into()
}
