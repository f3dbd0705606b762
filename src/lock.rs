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
//! with the site lock when the output is `<root>/output`. The lock file is left in place:
//! removing it on unlock would let a third process lock a new file while a second one still
//! holds the old one.
//!
//! The output lock file also says whether its last holder let it go after finishing its
//! writes ([`OutputLock::left_clean`]): only a process killed while it wrote can have left
//! temporary files in the output folder, so only then does the next build look through every
//! folder of the output for them.
//!
//! A second encyc stops with a message rather than waiting: the first may be `encyc watch`,
//! which holds its locks until stopped, so waiting could last forever without a word.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
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

/// Held while encyc writes an output folder; released on drop, which records that it was
/// released cleanly.
#[derive(Debug)]
pub(crate) struct OutputLock {
    file: File,
    left_clean: bool,
    /// Whether no temporary file of a killed process can be in the output folder any more:
    /// none was left ([`OutputLock::left_clean`]), or they were swept ([`OutputLock::swept`]).
    clean: bool,
}

/// What the output lock file holds while no process holds the lock, when the last one to hold
/// it let it go normally. It is emptied as soon as the lock is taken, so a process that is
/// killed leaves it empty, as does an encyc from before this was recorded.
const RELEASED: &[u8] = b"released cleanly\n";

impl OutputLock {
    /// Whether the process that held this lock before let it go normally: its temporary files
    /// were all renamed into place or removed (a build's own error or Ctrl-C removes them as it
    /// stops), so none can be lying in the output folder.
    pub(crate) fn left_clean(&self) -> bool {
        self.left_clean
    }

    /// Records that what a killed process left in the output folder was swept: releasing the
    /// lock then says it was released cleanly. Until then, as long as the last holder was
    /// killed, the lock goes on saying so to every next holder.
    pub(crate) fn swept(&mut self) {
        self.clean = true;
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        if self.clean {
            // Nothing to do if this fails: the next build only looks for leftovers it need not.
            let _ = self.file.rewind().and_then(|()| self.file.write_all(RELEASED));
        }
    }
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
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot create the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {
            let mut held = Vec::new();
            let read = (&file).take(RELEASED.len() as u64 + 1).read_to_end(&mut held);
            let left_clean = read.is_ok() && held == RELEASED;
            file.set_len(0).with_context(|| format!("cannot write the lock file {}", path.display()))?;
            Ok(OutputLock { file, left_clean, clean: left_clean })
        }
        Err(TryLockError::WouldBlock) => bail!(
            "another encyc process is writing the output folder {} (building or watching another site into it); \
wait for it to finish (or stop its `encyc watch`), or choose another folder with --output",
            output.display()
        ),
        Err(TryLockError::Error(err)) => Err(err).with_context(|| format!("cannot lock {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_lock_says_whether_its_last_holder_let_it_go_normally() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        // Never held, or held by an encyc that did not record it: not known to be clean, until
        // a holder says it swept.
        assert!(!lock_output(&output).unwrap().left_clean());
        assert!(!lock_output(&output).unwrap().left_clean());
        lock_output(&output).unwrap().swept();
        assert!(lock_output(&output).unwrap().left_clean());
        // Killed while holding it: the lock goes with the process, the record does not come.
        let killed = lock_output(&output).unwrap();
        let file = killed.file.try_clone().unwrap();
        std::mem::forget(killed);
        file.unlock().unwrap();
        assert!(!lock_output(&output).unwrap().left_clean());
        lock_output(&output).unwrap().swept();
        assert!(lock_output(&output).unwrap().left_clean());
    }
}
