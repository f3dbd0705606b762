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
