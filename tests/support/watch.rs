//! A running `encyc watch` for the tests: started on a site, the lines it prints, the preview
//! it serves; killed when dropped (as `kill -9` would), or stopped with Ctrl-C.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{TestSite, encyc};

pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// A running `encyc watch` and the lines it has printed.
pub(crate) struct Watch {
    pub(crate) child: Child,
    pub(crate) lines: mpsc::Receiver<String>,
    pub(crate) seen: Vec<String>,
    pub(crate) url: Option<String>,
}

impl Watch {
    pub(crate) fn start(site: &TestSite, extra: &[&str]) -> Watch {
        let mut child = encyc()
            .args(["watch", "--port", "0"])
            .args(extra)
            .current_dir(&site.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start encyc watch");
        let (tx, rx) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()) as Box<dyn Read + Send>,
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let mut watch = Watch { child, lines: rx, seen: Vec::new(), url: None };
        let serving = !extra.contains(&"--no-serve");
        let ready = watch.wait_for("Watching articles/");
        if serving {
            let line = watch.seen.iter().find(|l| l.starts_with("Serving the preview at ")).expect("a URL").clone();
            watch.url = Some(
                line["Serving the preview at ".len()..].split(' ').next().unwrap().trim_end_matches('/').to_string(),
            );
        }
        assert!(ready.contains("Watching"));
        watch
    }

    /// Waits for a line containing `needle`, printed after the lines already seen.
    pub(crate) fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("encyc watch did not print {needle:?}; it printed:\n{}", self.seen.join("\n")),
            }
        }
    }

    /// Waits until encyc has printed nothing for a while: every pending rebuild is done.
    pub(crate) fn settle(&mut self) {
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(1500)) {
            self.seen.push(line);
        }
    }

    pub(crate) fn get(&self, path: &str) -> (u16, String, String) {
        let url = format!("{}{path}", self.url.as_ref().expect("serving"));
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut response = agent.get(&url).call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let body = response.body_mut().read_to_string().unwrap();
        (status, content_type, body)
    }

    /// Ctrl-C, and the exit code.
    pub(crate) fn stop(mut self) -> Option<i32> {
        let status = std::process::Command::new("kill").args(["-INT", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "encyc watch did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
