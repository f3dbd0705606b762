//! Looking at many files under one folder without reading them: their size, times, inode and
//! kind. A one-off build looks at every article file and every page it wrote (20,000 files for
//! a site of 10,000 articles) to tell whether anything changed. On Linux each file is looked at
//! by its path relative to the folder, held open (`statx` from the folder's descriptor), rather
//! than by its full path, which the kernel walks from the root each time and which had to be
//! made for each file first; elsewhere by the full path.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a look at a file found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stat {
    pub(crate) len: u64,
    /// Nanoseconds since the Unix epoch.
    pub(crate) modified: i128,
    /// When the inode last changed (`ctime`), in nanoseconds since the Unix epoch; the
    /// modification time where there is no such time.
    pub(crate) changed: i128,
    pub(crate) inode: u64,
    pub(crate) is_file: bool,
}

/// Nanoseconds since the Unix epoch (negative before it).
pub(crate) fn nanos_since_epoch(time: SystemTime) -> i128 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

impl Stat {
    /// The file at `path`, following symbolic links.
    pub(crate) fn of(path: &Path) -> Option<Stat> {
        Stat::from_metadata(&std::fs::metadata(path).ok()?)
    }

    /// The file or link at `path` itself, not following a symbolic link.
    pub(crate) fn of_link(path: &Path) -> Option<Stat> {
        Stat::from_metadata(&std::fs::symlink_metadata(path).ok()?)
    }

    #[cfg(unix)]
    fn from_metadata(meta: &std::fs::Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        let at = |secs: i64, nanos: i64| i128::from(secs) * 1_000_000_000 + i128::from(nanos);
        Some(Stat {
            len: meta.len(),
            modified: at(meta.mtime(), meta.mtime_nsec()),
            changed: at(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
            is_file: meta.is_file(),
        })
    }

    /// Without an inode time, the modification time stands in for it.
    #[cfg(not(unix))]
    fn from_metadata(meta: &std::fs::Metadata) -> Option<Stat> {
        let modified = nanos_since_epoch(meta.modified().ok()?);
        Some(Stat { len: meta.len(), modified, changed: modified, inode: 0, is_file: meta.is_file() })
    }
}

/// A folder whose files are looked at by their paths relative to it.
#[derive(Debug)]
pub(crate) struct Folder {
    path: PathBuf,
    /// The folder, held open; `None` where it could not be opened or `statx` is not there (an
    /// old kernel), and then each file is looked at by its full path.
    #[cfg(target_os = "linux")]
    fd: Option<rustix::fd::OwnedFd>,
}

impl Folder {
    pub(crate) fn open(path: &Path) -> Folder {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{Mode, OFlags};
            let fd = rustix::fs::open(path, OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok();
            let works = fd.as_ref().is_some_and(|fd| statx(fd, Path::new("."), true).is_ok());
            Folder { path: path.to_path_buf(), fd: fd.filter(|_| works) }
        }
        #[cfg(not(target_os = "linux"))]
        Folder { path: path.to_path_buf() }
    }

    /// The file at `relative` under this folder, following symbolic links.
    pub(crate) fn stat(&self, relative: &Path) -> Option<Stat> {
        #[cfg(target_os = "linux")]
        if let Some(fd) = &self.fd {
            return statx(fd, relative, true).ok();
        }
        Stat::of(&self.path.join(relative))
    }

    /// The file or link at `relative` under this folder itself.
    pub(crate) fn stat_link(&self, relative: &Path) -> Option<Stat> {
        #[cfg(target_os = "linux")]
        if let Some(fd) = &self.fd {
            return statx(fd, relative, false).ok();
        }
        Stat::of_link(&self.path.join(relative))
    }
}

#[cfg(target_os = "linux")]
fn statx(dir: &rustix::fd::OwnedFd, relative: &Path, follow: bool) -> rustix::io::Result<Stat> {
    use rustix::fs::{AtFlags, FileType, StatxFlags};
    let flags = match follow {
        true => AtFlags::empty(),
        false => AtFlags::SYMLINK_NOFOLLOW,
    };
    let wanted = StatxFlags::TYPE | StatxFlags::SIZE | StatxFlags::MTIME | StatxFlags::CTIME | StatxFlags::INO;
    let s = rustix::fs::statx(dir, relative, flags, wanted)?;
    let at = |t: rustix::fs::StatxTimestamp| i128::from(t.tv_sec) * 1_000_000_000 + i128::from(t.tv_nsec);
    Ok(Stat {
        len: s.stx_size,
        modified: at(s.stx_mtime),
        changed: at(s.stx_ctime),
        inode: s.stx_ino,
        is_file: FileType::from_raw_mode(u32::from(s.stx_mode)) == FileType::RegularFile,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_look_from_the_folder_finds_what_a_look_by_the_full_path_does() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a.md"), "some bytes").unwrap();
        // An old modification time, so that it differs from the inode's change time.
        let file = std::fs::File::options().write(true).open(dir.path().join("sub/a.md")).unwrap();
        file.set_modified(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000)).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("sub/a.md", dir.path().join("link.md")).unwrap();
        let folder = Folder::open(dir.path());
        let full = |p: &str| Stat::of(&dir.path().join(p));
        assert_eq!(folder.stat(Path::new("sub/a.md")), full("sub/a.md"));
        let a = folder.stat(Path::new("sub/a.md")).unwrap();
        assert!(a.is_file && a.len == 10 && a.modified == 1_000_000_000_000_000_000 && a.changed > a.modified);
        assert_eq!(folder.stat(Path::new("sub")), full("sub"));
        assert!(!folder.stat(Path::new("sub")).unwrap().is_file);
        assert_eq!(folder.stat(Path::new("missing.md")), None);
        #[cfg(unix)]
        {
            assert_eq!(folder.stat(Path::new("link.md")), full("sub/a.md"));
            let link = folder.stat_link(Path::new("link.md")).unwrap();
            assert_eq!(Some(link), Stat::of_link(&dir.path().join("link.md")));
            assert!(!link.is_file);
        }
    }
}
