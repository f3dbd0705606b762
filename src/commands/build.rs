//! `encyc build`: one build of the site, under the site's lock, then a report of what it did
//! and the editorial notes a build never fails on (overdue reviews, a missing `base_url`).

use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;

use super::Outcome;
use crate::config::{Config, Mode, SiteConfig};
use crate::pipeline::{BuildError, Builder};
use crate::progress::Progress;
use crate::text::plural;

/// Builds the site once and reports on stderr (only errors with `quiet`).
pub(super) fn run(config: &Config, quiet: bool, cancel: &'static AtomicBool) -> Result<Outcome> {
    // Ctrl-C during a build must not leave a half-written site: note it, and let the build
    // stop at the last point where nothing has been replaced yet.
    let _ = ctrlc::set_handler(|| cancel.store(true, Ordering::SeqCst));
    let _lock = crate::lock::lock_site(&config.root)?;
    let mut output_lock = crate::lock::lock_output(&config.output_dir)?;
    let progress = Progress::new(!quiet);
    let mut builder = Builder::new(config.clone(), Mode::OneOff);
    builder.set_leftovers(!output_lock.left_clean());
    let result = builder.build(cancel, &progress);
    progress.finish();
    if !builder.leftovers() {
        output_lock.swept();
    }
    // The process ends with this build: freeing the summaries of every article one by one (a
    // tenth of a rebuild after one edit of a big site) is left to the system, which takes the
    // whole process's memory back at once.
    std::mem::forget(builder);
    match result {
        Ok(report) => {
            if !quiet {
                eprintln!("{report} ({})", config.output_dir.display());
                for note in build_notes(report.overdue, &config.site) {
                    eprintln!("{note}");
                }
            }
            if std::env::var_os("ENCYC_TIMINGS").is_some() {
                let t = report.timings;
                eprintln!(
                    "timings: load {:?} link {:?} render {:?} write {:?}; parsed {}, rendered {}",
                    t.load,
                    t.link,
                    t.render,
                    t.write,
                    report.parsed.len() + report.parsed_in_editions,
                    report.rendered
                );
            }
            Ok(Outcome::Success)
        }
        Err(BuildError::Interrupted) => {
            eprintln!("{}", BuildError::Interrupted);
            Ok(Outcome::Interrupted)
        }
        Err(err @ BuildError::Failed(_)) => {
            if let BuildError::Failed(diagnostics) = &err {
                eprint!("{diagnostics}");
            }
            Err(err.into())
        }
        Err(err @ BuildError::SourceChanged(_)) => Err(err.into()),
        Err(BuildError::CouldNotRun(err)) => Err(err),
    }
}

/// What `encyc build` adds after a successful build about what it never fails on: how many
/// reviews are overdue (`overdue`, on the build's day), and that the sitemap and feed were left
/// out for want of an address.
fn build_notes(overdue: usize, config: &SiteConfig) -> Vec<String> {
    let mut notes = Vec::new();
    if overdue > 0 {
        let articles = plural(overdue, "article is", "articles are");
        notes.push(format!("warning: {articles} overdue for review (run `encyc check` for the list)"));
    }
    if config.base_url.is_none() {
        notes.push(
            "note: sitemap.xml and atom.xml were not written: they need the site's address; set `base_url` in encyc.yaml"
                .to_string(),
        );
    }
    notes
}
