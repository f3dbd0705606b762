//! Any bytes as an article file: splitting the front matter, YAML, dates, the body. Must never
//! panic; a file that parses must give an article whose lines and names are consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| encyc::fuzzing::check_front_matter(bytes));
