//! Any bytes as an SVG: never panics, and nothing judged safe carries a script or a reference outside.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| encyc::fuzzing::check_svg(bytes));
