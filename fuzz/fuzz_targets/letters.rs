//! Letter filing of arbitrary titles: never panics, always one of the 27 sections, and the
//! letter follows from the sort key.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|name: &str| encyc::fuzzing::check_letters(name));
