//! Any text as an image sidecar: never panics, alt text xor decorative.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| encyc::fuzzing::check_image_metadata(text));
