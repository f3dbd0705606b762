//! One encyc at a time per site, and per output folder: two builds writing one output folder
//! would interleave files, whether they build the same site or two different ones.
//!
//! The site lock is an advisory lock on the site root folder itself, so it leaves no file
//! behind and is released by the operating system if the process dies.
//!
//! The output folder may not exist yet (a first build creates it by renaming a staging folder
//! into place, which would also swap out a lock held on the folder itself), so its lock is a
//! file beside it that always exists while locked: `.<name>.encyc-lock` in its parent folder,
//! next to where a first build stages (`.<name>.encyc-staging`). Locking the parent folder
//! itself would stop two sites writing to different folders in one parent, and would clash
//! with the site lock when the output is `<root>/output`. The empty lock file is left in place:
//! removing it on unlock would let a third process lock a new file while a second one still
//! holds the old one.
//!
//! A second encyc stops with a message rather than waiting: the first may be `encyc watch`,
//! which holds its locks until stopped, so waiting could last forever without a word.

use std::fs::{File, TryLockError};
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Held while encyc builds or watches a site; released on drop.
#[derive(Debug)]
pub(crate) struct SiteLock {
    _file: File,
}

/// Takes the site's lock or explains who has it.
pub(crate) fn lock_site(root: &Path) -> Result<SiteLock> {
    let file = File::open(root).with_context(|| format!("cannot open the site folder {}", root.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(SiteLock { _file: file }),
        Err(TryLockError::WouldBlock) => bail!(
            "another encyc process is building or watching the site in {}; wait for it to finish (or stop `encyc watch`) and try again",
            root.display()
        ),
        Err(TryLockError::Error(err)) => {
            Err(err).with_context(|| format!("cannot lock the site folder {}", root.display()))
        }
    }
}

/// Held while encyc writes an output folder; released on drop.
#[derive(Debug)]
pub(crate) struct OutputLock {
    _file: File,
}

/// Takes the lock of the output folder `output` (creating its parent folder if needed), or
/// explains who has it.
pub(crate) fn lock_output(output: &Path) -> Result<OutputLock> {
    // The same folder reached by another path (a symbolic link, `..`) must get the same lock.
    let output = output.canonicalize().unwrap_or_else(|_| output.to_path_buf());
    let name = output.file_name().context("the output path has no folder name")?.to_string_lossy();
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let parent = parent.canonicalize().with_context(|| format!("cannot open {}", parent.display()))?;
    let path = parent.join(format!(".{name}.encyc-lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot create the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(OutputLock { _file: file }),
        Err(TryLockError::WouldBlock) => bail!(
            "another encyc process is writing the output folder {} (building or watching another site into it); \
wait for it to finish (or stop its `encyc watch`), or choose another folder with --output",
            output.display()
        ),
        Err(TryLockError::Error(err)) => Err(err).with_context(|| format!("cannot lock {}", path.display())),
    }
}
