//! What the binary tells its allocator, mimalloc (`main.rs` sets it, since that takes `unsafe`,
//! which the library forbids). Kept here so that the tests can check it against the mimalloc
//! linked in.

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` (mimalloc.h), which the
/// bindings do not name.
pub const PURGE_DELAY_OPTION: std::ffi::c_int = 15;

/// How long memory the program has freed stays with the process before mimalloc gives it back
/// to the system, in milliseconds, for a command that runs once: mimalloc 3 keeps it for a
/// second, and a build frees the parsing's and the linking's working memory while it renders,
/// so that at 100,000 articles its peak (resident) memory was 40–50 MB higher than with the
/// 10 ms of mimalloc 2, which mimalloc's own header still documents. `encyc watch` keeps the
/// default: it frees little, and its next rebuild would only take the memory back.
pub const PURGE_DELAY_MS: std::ffi::c_long = 10;
