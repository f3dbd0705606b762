//! Tells the test suite whether the browser checks (`tests/a11y.rs`, `tests/search.rs`) can run
//! on this machine. They need Node.js, Debian's Chromium, Java and the harness's npm packages,
//! which `.ci/run` installs. Where one is missing, the checks are compiled as `#[ignore]`d tests,
//! so that a plain `cargo test` reports them as *ignored* (with the reason) rather than as
//! passed; under `CI=true` they always run, and fail if a tool is missing.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rustc-check-cfg=cfg(browser_checks_skipped)");
    println!("cargo::rerun-if-changed=build.rs");
    for var in ["CI", "CHROMIUM", "PATH"] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    let chromium = PathBuf::from(env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string()));
    // Watch the folders where the tools appear, so that installing one re-runs this script
    // (watching a file that does not exist would re-run it on every build).
    if let Some(dir) = chromium.parent() {
        println!("cargo::rerun-if-changed={}", dir.display());
    }
    println!("cargo::rerun-if-changed=tests/browser");

    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(format!("{} (apt-get install chromium)", chromium.display()));
    }
    for program in ["node", "java"] {
        if !on_path(program) {
            missing.push(program.to_string());
        }
    }
    for package in ["playwright-core/package.json", "axe-core/axe.min.js", "vnu-jar/build/dist/vnu.jar"] {
        if !Path::new("tests/browser/node_modules").join(package).is_file() {
            missing
                .push(format!("tests/browser/node_modules/{package} (npm ci --prefix tests/browser --ignore-scripts)"));
            break;
        }
    }
    if !missing.is_empty() && env::var("CI").as_deref() != Ok("true") {
        println!("cargo::rustc-cfg=browser_checks_skipped");
        println!("cargo::warning=the browser checks will be reported as ignored; missing: {}", missing.join(", "));
    }
}

fn on_path(program: &str) -> bool {
    env::var_os("PATH").is_some_and(|paths| env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
