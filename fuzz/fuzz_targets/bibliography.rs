//! Any bytes as an article with references: never panics; citations and DOIs/PMIDs that pass are well formed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| encyc::fuzzing::check_bibliography(bytes));
