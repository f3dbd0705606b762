//! The commands, on top of the pipeline: `encyc build`, `check`, `new` and `watch`, each in a
//! module of its own, and how a command ended ([`Outcome`]). The command line ([`crate::cli`])
//! turns arguments into a [`Command`]; nothing here knows about clap.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod new;
pub(crate) mod watch;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use crate::config::Config;
use check::CheckOptions;
use new::NewArticle;
use watch::WatchOptions;

/// What to do, with validated settings.
#[derive(Debug)]
pub(crate) enum Command {
    Build { config: Config, quiet: bool },
    Watch { config: Config, options: WatchOptions },
    Check { config: Config, options: CheckOptions },
    New { root: PathBuf, root_shown: PathBuf, article: NewArticle },
}

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

/// Runs a command.
pub(crate) fn run(command: Command) -> Result<Outcome> {
    match command {
        Command::Build { config, quiet } => build::run(&config, quiet, &CANCEL),
        Command::Watch { config, options } => {
            watch::watch(config, options, &CANCEL)?;
            Ok(Outcome::Success)
        }
        Command::Check { config, options } => check::run(&config, &options),
        Command::New { root, root_shown, article } => new::run(&root, &root_shown, &article),
    }
}
