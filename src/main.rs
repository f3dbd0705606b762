//! The `encyc` binary: parse the command line, run it, turn the outcome into an exit code.
//! Everything else lives in the library so that tests and benchmarks drive the same code.

use std::process::ExitCode;

use clap::Parser;

/// Builds allocate and free millions of small strings; mimalloc does that markedly faster than
/// the system allocator (see the README's performance section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, mimalloc.h, which the
/// bindings do not name).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long memory the program has freed stays with the process before mimalloc gives it back
/// to the system, in milliseconds, for a command that runs once: mimalloc 3 keeps it for a
/// second, and a build frees the parsing's and the linking's working memory while it renders,
/// so that at 100,000 articles its peak (resident) memory was 40–50 MB higher than with the
/// 10 ms of mimalloc 2, which mimalloc's own header still documents. `encyc watch` keeps the
/// default: it frees little, and its next rebuild would only take the memory back.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

fn main() -> ExitCode {
    let cli = encyc::Cli::parse();
    if cli.runs_once() {
        // SAFETY: `mi_option_set` only stores the value; it is not thread-safe, and no other
        // thread has started yet.
        #[allow(unsafe_code)]
        unsafe {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS)
        };
    }
    match encyc::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            // `{:#}` prints the whole chain: the context we added and the underlying cause
            // (for Tera, the real message is usually in the source).
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
