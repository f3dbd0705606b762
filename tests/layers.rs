//! The module graph runs one way: each module of `src/` may use only the modules below it in
//! [`LAYERS`] (leaves first, then the settings, the four stages in order, the pipeline and the
//! commands). A cycle, or a stage reaching for a later one, is where the next feature gets
//! stuck; this test names the line that adds one.

use std::collections::BTreeMap;
use std::path::Path;

/// Every top-level module of `src/`, lowest first.
const LAYERS: &[&str] = &[
    // Leaves: they know nothing of the stages.
    "allocator",
    "hash",
    "paths",
    "stat",
    "text",
    "yaml",
    "diagnostic",
    "letters",
    "terms",
    "review",
    "readability",
    "progress",
    "lock",
    // Settings.
    "config",
    // Stage 1, load.
    "markdown",
    "article",
    "media",
    // Stage 2, link.
    "site",
    // Stage 3, render; stage 4, write.
    "render",
    "output",
    // The editions side by side, between the stages and the pipeline that runs them.
    "editions",
    // What the last build was made from, for the pipeline to skip a build that would repeat it.
    "last_build",
    // The stages run in order, with what they keep between builds.
    "pipeline",
    // On top: the preview server, the commands, the command line.
    "serve",
    "commands",
    "cli",
    // The checks the fuzz targets run.
    "fuzzing",
];

/// `crate::name` references in `text`, outside comments, with their line numbers.
fn uses_of_crate_modules(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a, b::c}`: every first segment of the group.
                let inside = group.split('}').next().unwrap_or_default();
                for item in inside.split(',') {
                    let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() {
                        found.push((number + 1, name));
                    }
                }
            } else {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                found.push((number + 1, name));
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_uses_only_the_modules_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rank: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top =
            relative.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(&own) = rank.get(top.as_str()) else {
            problems.push(format!("src/{}: the module `{top}` is not in LAYERS", relative.display()));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, used) in uses_of_crate_modules(&text) {
            match rank.get(used.as_str()) {
                Some(&theirs) if theirs < own || used == top => {}
                Some(_) => problems
                    .push(format!("src/{}:{line}: `{top}` uses `{used}`, which lies above it", relative.display())),
                None => {
                    problems.push(format!("src/{}:{line}: `crate::{used}` is not a known module", relative.display()))
                }
            }
        }
    }
    assert!(problems.is_empty(), "the module graph must run downward only:\n{}", problems.join("\n"));
}

#[test]
fn the_layer_check_sees_grouped_and_plain_uses() {
    let uses = uses_of_crate_modules("use crate::{config::Mode, hash};\nlet x = crate::site::link(); // crate::cli\n");
    let names: Vec<&str> = uses.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["config", "hash", "site"]);
}
