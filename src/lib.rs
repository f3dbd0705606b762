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
//! A one-off build whose inputs (settings, binary, the stamps of every source and theme file)
//! are those the last successful build recorded, over an output folder as that build left it,
//! does nothing more ([`last_build`]).
//!
//! Every problem an editor must fix is a [`diagnostic::Diagnostic`]; a build collects them
//! all and fails once, before anything is written ([`pipeline::BuildError`]).
//!
//! Each module imports only the modules below it: leaves first (paths, hashes, wording,
//! diagnostics, letter filing, search terms, the review-date rule), then the settings
//! ([`config`]), the four stages, the [`pipeline`], and on top the commands ([`commands`]: one
//! module each for `build`, `check`, `new` and `watch`, with the preview server [`serve`])
//! and the command line ([`cli`]). `tests/layers.rs` holds the order and fails on any import
//! that goes up.
//!
//! Where the next kinds of input go: media files beside the articles (illustrations) are read
//! and checked in the load stage, beside [`article`], published by the render stage as files
//! of their own; a site with editions in several languages runs load and link once per edition
//! and renders them together, so that pages can link their translations.
//!
//! These docs are for encyc's developers: `cargo doc --document-private-items` (as CI runs it)
//! shows every module.
#![allow(rustdoc::private_intra_doc_links)]
#![forbid(unsafe_code)]

// Leaves: no knowledge of the stages.
pub mod allocator;
mod diagnostic;
mod hash;
mod letters;
mod lock;
mod paths;
mod progress;
mod readability;
mod review;
mod stat;
mod terms;
mod text;
mod yaml;
// Settings: `encyc.yaml` and the build's paths.
mod config;
// Stage 1, load.
mod article;
mod markdown;
mod media;
// Stage 2, link.
mod site;
// Stage 3, render; stage 4, write.
mod output;
mod render;
// The editions of a site side by side, once each is linked.
mod editions;
mod last_build;
// The stages in order, with what they keep between builds.
mod pipeline;
// The commands on top, and the preview server `encyc watch` uses.
mod cli;
mod commands;
mod serve;
// What the fuzz targets check.
pub mod fuzzing;

pub use cli::Cli;
pub use commands::Outcome;

/// Runs a command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    commands::run(cli.into_command()?)
}
