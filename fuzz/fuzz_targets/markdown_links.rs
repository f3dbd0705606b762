//! Markdown bodies with link resolution: the input is split into up to four articles, which
//! are parsed, linked against each other (every link form, anchors, see-also), and rendered.
//! Must never panic, and no rendered body may keep a script or an unsafe link.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| encyc::fuzzing::check_markdown_links(text));
