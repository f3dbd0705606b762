//! encyc turns a folder of Markdown articles with YAML front matter into a static medical
//! encyclopedia: one page per article, A–Z letter pages listing titles and alternative names,
//! checked cross-links, and the disclaimer on every page.
//!
//! A build is a pipeline of four typed stages, run by [`pipeline::Builder`]:
//!
//! 1. load, [`article`]: find and parse each article on its own ([`article::Article`]), with
//!    a cache of parsed articles ([`article::cache`]);
//! 2. link, [`site`]: check names and links across articles ([`site::Site`]);
//! 3. render, [`render`]: plan every page with a fingerprint of what it is made from
//!    ([`render::plan`]) and render the pages that are not on disk already
//!    ([`render::Plan::render`]), the search index among them;
//! 4. write, [`output`]: take each rendered page into a temporary file as soon as it is made,
//!    then make the whole build visible at once, or nothing of it.
//!
//! Every problem an editor must fix is a [`diagnostic::Diagnostic`]; a build collects them
//! all and fails once, before anything is written ([`pipeline::BuildError`]).
//!
//! Each module imports only the modules listed before it here (a test, `tests/layers.rs`,
//! keeps it so): leaves first, then the settings, the four stages, the pipeline, and the
//! commands on top.

// Leaves: no knowledge of the stages.
mod diagnostic;
mod hash;
pub mod letters;
mod lock;
pub mod paths;
mod progress;
mod review;
mod terms;
mod text;
mod yaml;
// Settings: `encyc.yaml` and the build's paths.
mod config;
// Stage 1, load.
pub mod article;
pub mod markdown;
// Stage 2, link.
pub mod site;
// Stage 3, render; stage 4, write.
mod output;
mod render;
// The stages in order, with what they keep between builds.
mod pipeline;
// The commands on top, and the preview server `encyc watch` uses.
pub mod cli;
mod commands;
mod serve;

pub use commands::Outcome;

/// Runs a command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<Outcome> {
    commands::run(cli.into_command()?)
}
