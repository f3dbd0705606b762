//! Progress for long builds: nothing for the first two seconds (most builds are over by
//! then), then a bar on the terminal; never anything when stderr is not a terminal.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before it shows progress.
const QUIET_FOR: Duration = Duration::from_secs(2);

/// A progress display shared by the stages of one build (cheap to call from many threads).
#[derive(Debug)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: AtomicBool,
}

impl Progress {
    /// Progress shown on stderr when it is a terminal and `wanted`.
    pub(crate) fn new(wanted: bool) -> Progress {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            let style = ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len}")
                .expect("a valid template")
                .progress_chars("=> ");
            bar.set_style(style);
            bar
        });
        Progress { bar, started: Instant::now(), shown: AtomicBool::new(false) }
    }

    /// No progress at all.
    pub(crate) fn none() -> Progress {
        Progress::new(false)
    }

    /// A new stage of `total` steps.
    pub(crate) fn stage(&self, name: &'static str, total: usize) {
        if let Some(bar) = &self.bar {
            bar.set_message(name);
            bar.set_length(total as u64);
            bar.set_position(0);
        }
    }

    /// One step done.
    pub(crate) fn step(&self) {
        let Some(bar) = &self.bar else { return };
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > QUIET_FOR
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.inc(1);
    }

    /// Removes the bar, before the summary line is printed.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
