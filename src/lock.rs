//! One encyc at a time per site: two builds writing one output folder would interleave files.
//! The lock is an advisory lock on the site root folder itself, so it leaves no file behind
//! and is released by the operating system if the process dies.

use std::fs::{File, TryLockError};
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Held while encyc builds or watches a site; released on drop.
#[derive(Debug)]
pub struct SiteLock {
    _file: File,
}

/// Takes the site's lock or explains who has it.
pub fn lock_site(root: &Path) -> Result<SiteLock> {
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
