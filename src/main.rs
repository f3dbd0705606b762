//! The `encyc` binary: parse the command line, run it, turn the outcome into an exit code.
//! Everything else lives in the library so that tests and benchmarks drive the same code.

use std::process::ExitCode;

use clap::Parser;

/// Builds allocate and free millions of small strings; mimalloc does that markedly faster than
/// the system allocator (see the README's performance section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = encyc::Cli::parse();
    if cli.runs_once() {
        // SAFETY: `mi_option_set` only stores the value; it is not thread-safe, and no other
        // thread has started yet.
        #[allow(unsafe_code)]
        unsafe {
            libmimalloc_sys::mi_option_set(encyc::allocator::PURGE_DELAY_OPTION, encyc::allocator::PURGE_DELAY_MS)
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
