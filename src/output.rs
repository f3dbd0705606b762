//! Stage 4, write: put the rendered pages on disk without ever leaving a half-written site.
//!
//! * A first build writes into a staging folder beside the output and renames it into place.
//! * Later builds write only pages whose bytes changed. Each goes to a temporary file in its
//!   final folder first; only when every one of them is written are they renamed over the old
//!   files (renames are cheap and do not fail for want of space), then pages that no longer
//!   belong are removed. A failure or Ctrl-C before that point deletes the temporary files
//!   and leaves the previous site exactly as it was.
//! * The output folder carries a manifest of the files encyc wrote, with their hashes. It is
//!   how encyc knows the folder is its own (a folder without one is never emptied or
//!   overwritten) and which files are unchanged, without reading them back.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use crate::article::{ContentHash, content_hash};
use crate::paths::OutputPath;
use crate::render::Page;

/// The file in the output folder that lists what encyc wrote there.
pub const MANIFEST: &str = ".encyc-manifest";
const MANIFEST_HEADER: &str = "# encyc manifest v1: the files encyc wrote here; do not edit";
/// Temporary files start with this; leftovers from a killed build are removed.
const TEMP_PREFIX: &str = ".encyc-tmp";

/// What a write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// The build was stopped (Ctrl-C) before anything was changed.
#[derive(Debug, thiserror::Error)]
#[error("interrupted; the output folder was left as it was")]
pub struct Interrupted;

/// What is in the output folder before we write.
enum Previous {
    /// No output folder yet.
    Missing,
    /// A folder encyc wrote: its manifest, and when that was written.
    Owned { files: HashMap<String, ContentHash>, written_at: SystemTime },
    /// An empty folder (adopted as ours).
    Empty,
}

/// Writes `pages` into `output`. `cancel` is checked before anything becomes visible.
pub fn write_site(output: &Path, pages: &[Page], cancel: &AtomicBool) -> Result<WriteReport> {
    match read_previous(output)? {
        Previous::Missing => write_fresh(output, pages, cancel),
        Previous::Owned { files, written_at } => update(output, pages, &files, Some(written_at), cancel),
        Previous::Empty => update(output, pages, &HashMap::new(), None, cancel),
    }
}

fn read_previous(output: &Path) -> Result<Previous> {
    let meta = match fs::symlink_metadata(output) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Previous::Missing),
        Err(err) => return Err(err).with_context(|| format!("cannot read the output folder {}", output.display())),
    };
    if !meta.is_dir() {
        bail!("the output path {} exists and is not a folder", output.display());
    }
    let manifest_path = output.join(MANIFEST);
    match fs::read_to_string(&manifest_path) {
        Ok(text) => {
            let written_at = fs::metadata(&manifest_path)
                .and_then(|m| m.modified())
                .with_context(|| format!("cannot read {}", manifest_path.display()))?;
            Ok(Previous::Owned { files: parse_manifest(&text), written_at })
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let mut entries =
                fs::read_dir(output).with_context(|| format!("cannot read the output folder {}", output.display()))?;
            if entries.next().is_none() {
                Ok(Previous::Empty)
            } else {
                bail!(
                    "the output folder {} already exists and was not written by encyc (it has no {MANIFEST}); \
refusing to touch it. Remove it or choose another folder with --output",
                    output.display()
                )
            }
        }
        Err(err) => Err(err).with_context(|| format!("cannot read {}", manifest_path.display())),
    }
}

fn manifest_text(pages: &[Page]) -> String {
    let sorted: BTreeMap<&str, ContentHash> = pages.iter().map(|p| (p.path.as_str(), content_hash(&p.bytes))).collect();
    let mut text = String::with_capacity(64 * sorted.len());
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for (path, hash) in sorted {
        text.push_str(&format!("{hash:032x} {path}\n"));
    }
    text
}

/// Reads a manifest; entries that could escape the folder are ignored (never ours).
fn parse_manifest(text: &str) -> HashMap<String, ContentHash> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|line| {
            let (hash, path) = line.split_once(' ')?;
            let hash = ContentHash::from_str_radix(hash, 16).ok()?;
            let safe = !path.is_empty()
                && !path.starts_with('/')
                && !path.contains('\\')
                && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
            safe.then(|| (path.to_string(), hash))
        })
        .collect()
}

/// First build: everything into a staging folder, then one rename.
fn write_fresh(output: &Path, pages: &[Page], cancel: &AtomicBool) -> Result<WriteReport> {
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = output.file_name().context("the output path has no folder name")?.to_string_lossy();
    let staging = parent.join(format!(".{name}.encyc-staging"));
    if staging.exists() {
        // Left by a build that was killed; the name is ours alone.
        fs::remove_dir_all(&staging).with_context(|| format!("cannot remove the leftover {}", staging.display()))?;
    }
    let result = (|| {
        fs::create_dir(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
        pages.par_iter().try_for_each(|page| {
            let path = page.path.under(&staging);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            }
            fs::write(&path, &page.bytes).with_context(|| format!("cannot write {}", path.display()))
        })?;
        let manifest = staging.join(MANIFEST);
        fs::write(&manifest, manifest_text(pages)).with_context(|| format!("cannot write {}", manifest.display()))?;
        if cancel.load(Ordering::SeqCst) {
            return Err(Interrupted.into());
        }
        fs::rename(&staging, output)
            .with_context(|| format!("cannot move {} to {}", staging.display(), output.display()))
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result.map(|()| WriteReport { written: pages.len(), removed: 0, unchanged: 0 })
}

/// Later builds: only what changed, prepared in full before anything is replaced.
fn update(
    output: &Path,
    pages: &[Page],
    previous: &HashMap<String, ContentHash>,
    written_at: Option<SystemTime>,
    cancel: &AtomicBool,
) -> Result<WriteReport> {
    remove_leftover_temps(output, pages);
    let changed: Vec<&Page> =
        pages.par_iter().filter(|page| !is_unchanged(output, page, previous, written_at)).collect();
    let new_paths: std::collections::HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let mut stale: Vec<&String> = previous.keys().filter(|p| !new_paths.contains(p.as_str())).collect();
    stale.sort();
    if changed.is_empty() && stale.is_empty() && written_at.is_some() {
        return Ok(WriteReport { written: 0, removed: 0, unchanged: pages.len() });
    }

    // Phase 1: every changed page into a temporary file beside its final place. Dropping a
    // `TempPath` deletes the file, so an error or a return here cleans up after itself.
    let prepared: Vec<(tempfile::TempPath, PathBuf)> =
        changed.par_iter().map(|page| prepare(output, &page.path, &page.bytes)).collect::<Result<_>>()?;
    let manifest = prepare(output, &OutputPath::new(MANIFEST), manifest_text(pages).as_bytes())?;
    if cancel.load(Ordering::SeqCst) {
        return Err(Interrupted.into());
    }

    // Phase 2: swap them in, drop what no longer belongs, and record the new state last.
    for (temp, target) in prepared {
        temp.persist(&target).with_context(|| {
            format!("cannot replace {} (the site may be partly updated; build again)", target.display())
        })?;
    }
    let mut removed = 0;
    for path in stale {
        let target = OutputPath::new(path.clone()).under(output);
        match fs::remove_file(&target) {
            Ok(()) => {
                removed += 1;
                remove_empty_parents(output, &target);
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(err).with_context(|| format!("cannot remove {}", target.display())),
        }
    }
    manifest.0.persist(&manifest.1).with_context(|| format!("cannot write {}", manifest.1.display()))?;
    Ok(WriteReport { written: changed.len(), removed, unchanged: pages.len() - changed.len() })
}

/// A page is unchanged when the manifest has its hash and the file on disk was not touched
/// since (same size, not modified after the manifest was written).
fn is_unchanged(
    output: &Path,
    page: &Page,
    previous: &HashMap<String, ContentHash>,
    written_at: Option<SystemTime>,
) -> bool {
    let (Some(&hash), Some(written_at)) = (previous.get(page.path.as_str()), written_at) else {
        return false;
    };
    if hash != content_hash(&page.bytes) {
        return false;
    }
    match fs::symlink_metadata(page.path.under(output)) {
        Ok(meta) => {
            meta.is_file() && meta.len() == page.bytes.len() as u64 && meta.modified().is_ok_and(|m| m <= written_at)
        }
        Err(_) => false,
    }
}

fn prepare(output: &Path, path: &OutputPath, bytes: &[u8]) -> Result<(tempfile::TempPath, PathBuf)> {
    let target = path.under(output);
    let dir = target.parent().expect("pages live inside the output folder");
    fs::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
    if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
        bail!("cannot write {}: a folder is in the way", target.display());
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Published files must be readable by the web server, not private like temp files.
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    file.write_all(bytes).with_context(|| format!("cannot write {}", target.display()))?;
    Ok((file.into_temp_path(), target))
}

/// Removes temporary files a killed build left in the folders we write to.
fn remove_leftover_temps(output: &Path, pages: &[Page]) {
    let mut dirs: Vec<PathBuf> =
        pages.iter().filter_map(|p| p.path.under(output).parent().map(Path::to_path_buf)).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// After removing a stale page, removes folders it leaves empty (never the output itself).
fn remove_empty_parents(output: &Path, removed: &Path) {
    let mut dir = removed.parent();
    while let Some(d) = dir {
        if d == output || !d.starts_with(output) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trips_and_rejects_escapes() {
        let pages = vec![
            Page { path: OutputPath::new("b.html"), bytes: b"b".to_vec() },
            Page { path: OutputPath::new("assets/style.css"), bytes: b"css".to_vec() },
        ];
        let text = manifest_text(&pages);
        let parsed = parse_manifest(&text);
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed["b.html"], content_hash(b"b"));
        let hostile = format!("{:032x} ../etc/passwd\n{:032x} /abs\n{:032x} a//b\n", 1, 2, 3);
        assert!(parse_manifest(&hostile).is_empty());
    }
}
