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
//!
//! Beside the pipeline, [`editorial`] keeps a site to its review cycle (`encyc check`,
//! `encyc new`), reusing the load and link stages.

pub mod article;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod editorial;
pub mod letters;
pub mod lock;
pub mod markdown;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod watch;
mod yaml;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;

pub use crate::pipeline::{BuildFailed, BuildReport, Builder};

use crate::cli::{Cli, Command, Config};

/// How a command ended, for `main` to turn into an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The command ran but found problems it has already reported.
    Failure,
    /// Ctrl-C stopped the command before it changed anything.
    Interrupted,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Failure => ExitCode::FAILURE,
            // The shell's convention for a process stopped by SIGINT.
            Outcome::Interrupted => ExitCode::from(130),
        }
    }
}

/// Set by Ctrl-C; a build checks it before it changes the output.
static CANCEL: AtomicBool = AtomicBool::new(false);

/// Runs a command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.into_command()? {
        Command::Build { config, quiet, today } => {
            // Ctrl-C during a build must not leave a half-written site: note it, and let the
            // build stop at the last point where nothing has been replaced yet.
            let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
            let _lock = lock::lock_site(&config.root)?;
            let _output_lock = lock::lock_output(&config.output_dir)?;
            let progress = progress::Progress::new(!quiet);
            let mut builder = pipeline::Builder::new(config.clone());
            let result = builder.build(&CANCEL, &progress);
            progress.finish();
            match result {
                Ok(report) => {
                    if !quiet {
                        eprintln!("{report} ({})", config.output_dir.display());
                        if let Some(site) = builder.site() {
                            for note in editorial::build_notes(site, &config.site, today) {
                                eprintln!("{note}");
                            }
                        }
                    }
                    if std::env::var_os("ENCYC_TIMINGS").is_some() {
                        let t = report.timings;
                        eprintln!(
                            "timings: load {:?} link {:?} render {:?} (search {:?}) write {:?}; parsed {}, rendered {}",
                            t.load,
                            t.link,
                            t.render,
                            t.search,
                            t.write,
                            report.parsed.len(),
                            report.rendered
                        );
                    }
                    Ok(Outcome::Success)
                }
                Err(err) if err.is::<output::Interrupted>() => {
                    eprintln!("{err}");
                    Ok(Outcome::Interrupted)
                }
                Err(err) => {
                    if let Some(failed) = err.downcast_ref::<BuildFailed>() {
                        eprint!("{}", failed.diagnostics);
                    }
                    Err(err)
                }
            }
        }
        Command::Watch { config, options } => {
            watch::watch(config, options, &CANCEL)?;
            Ok(Outcome::Success)
        }
        Command::Check { config, options } => editorial::check::run(&config, &options),
        Command::New { root, root_shown, article } => {
            let created = editorial::new_article::create(&root, &article)?;
            println!("{}", diagnostic::shown_path(&root_shown, &created).display());
            Ok(Outcome::Success)
        }
    }
}

/// Builds the site described by `config` into its output folder.
pub fn build(config: &Config, cancel: &AtomicBool) -> Result<BuildReport> {
    pipeline::Builder::new(config.clone()).build(cancel, &progress::Progress::none())
}
