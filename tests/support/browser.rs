//! Running the Node.js browser harnesses in `tests/browser/` (headless Chromium driven by
//! playwright-core). They need node, Debian's Chromium and `npm ci --prefix tests/browser`,
//! which `.ci/run` installs. Where they are missing, `build.rs` marks these tests as ignored
//! (the test summary counts them as such) except under `CI=true`, where they must run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

pub(crate) fn harness_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

pub(crate) fn runs(program: &str, arg: &str) -> bool {
    Command::new(program).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// What a harness needs and this machine lacks: node, Chromium, and the given files under
/// `tests/browser/node_modules/`.
pub(crate) fn missing_tools(node_modules: &[&str]) -> Vec<String> {
    let mut missing = Vec::new();
    if !runs("node", "--version") {
        missing.push("node".to_string());
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_string());
    if !Path::new(&chromium).is_file() {
        missing.push(format!("{chromium} (apt-get install chromium)"));
    }
    for package in node_modules {
        if !harness_dir().join("node_modules").join(package).is_file() {
            missing.push(format!("tests/browser/node_modules/{package} (npm ci --prefix tests/browser)"));
        }
    }
    missing
}

/// Stops the test when a tool is missing. Where tools are missing, `build.rs` compiles the
/// browser checks as ignored, so a missing tool here means the check was asked to run anyway
/// (in CI, or with `--include-ignored`): that is a failure, never a silent pass.
pub(crate) fn require(what: &str, missing: &[String]) {
    if !missing.is_empty() {
        panic!("the {what} cannot run; missing: {}", missing.join("; "));
    }
}

/// Runs `node tests/browser/<script> <args>`, stopping it after `limit`; returns whether it
/// succeeded and everything it printed.
pub(crate) fn run_node(script: &str, args: &[PathBuf], limit: Duration) -> (bool, String) {
    let logs = tempfile::tempdir().unwrap();
    let stdout = logs.path().join("stdout.txt");
    let stderr = logs.path().join("stderr.txt");
    let mut child = Command::new("node")
        .arg(harness_dir().join(script))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("run node");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut output = std::fs::read_to_string(&stdout).unwrap_or_default();
    output.push_str(&std::fs::read_to_string(&stderr).unwrap_or_default());
    match status {
        Some(status) => (status.success(), output),
        None => (false, format!("{output}\nstopped after {} s", limit.as_secs())),
    }
}
