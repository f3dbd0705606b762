//! encyc's integration tests: one binary, fixture sites copied to temporary folders, the real
//! `encyc` command run on them, and assertions on what a reader or editor would see.

mod support;

mod a11y;
mod build;
mod config_and_themes;
mod editions;
mod editorial;
mod escaping;
mod failures;
mod filing;
mod layers;
mod links;
mod media;
mod output;
mod ranking;
mod robustness;
mod search;
mod watch;
