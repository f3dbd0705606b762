//! What the last one-off build was made from, so that a build whose inputs are all as they were
//! does nothing but make sure of it.
//!
//! A build's inputs are this encyc binary, the settings (`encyc.yaml`, the command line and the
//! day taken as today), and the files under the site's article folders (every edition's, with
//! their illustrations and sidecars) and its theme folder. Their state is summed up without
//! reading them, by the stamp of every file ([`FileStamp`]: size, modification time, inode time
//! and inode number; the inode time changes with every write, even when a tool puts an old
//! modification time back). A successful build records that digest, the stamp of the manifest it
//! wrote and what it reported ([`Record`], in `output/.encyc-cache-last-build`). The next build
//! with the same digest, whose output folder still has the same manifest and every page as it was
//! written, is that build again, and says so.
//!
//! A file that changed less than two seconds before the look can keep its stamp through one
//! more write (time stamps have a resolution); with such a file among the inputs there is no
//! digest, so the build is made as usual and not recorded.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::article::Found;
use crate::article::cache::FileStamp;
use crate::config::Config;
use crate::media;
use crate::paths::{LAST_BUILD, MANIFEST, MANIFEST_CHANGES, THEMES_DIR};
use crate::stat::Folder;

/// What a build reported, as it is reported again when its inputs come back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Outcome {
    pub(crate) articles: usize,
    pub(crate) in_editions: Vec<(String, usize)>,
    pub(crate) drafts: usize,
    pub(crate) pages: usize,
    pub(crate) illustrations: usize,
    pub(crate) overdue: usize,
}

/// The last successful one-off build: the encyc build that made it, the digest of its inputs,
/// the stamp of the manifest it wrote, and what it reported.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Record {
    build: String,
    inputs: u128,
    manifest: FileStamp,
    /// The stamp of the manifest's changes file, if there was one ([`MANIFEST_CHANGES`]).
    changes: Option<FileStamp>,
    pub(crate) outcome: Outcome,
}

/// A look at a build's input files: the stamp of each, and their digest.
#[derive(Debug)]
pub(crate) struct Look {
    /// The digest of the inputs of a build with these settings by this encyc build, or `None`
    /// when a file among them changed too recently to be judged by its stamp, or a folder could
    /// not be read (then the build itself reports it).
    pub(crate) digest: Option<u128>,
    /// The folders looked in (each edition's articles, then the theme) and the files found in
    /// them: the folder's index, the path relative to it, and the file's stamp.
    dirs: Vec<PathBuf>,
    files: Vec<(usize, PathBuf, Option<FileStamp>)>,
    /// Which of `files` are files (or links to files) rather than anything else a folder holds.
    is_file: Vec<bool>,
    /// Which of `files` are symbolic links.
    is_link: Vec<bool>,
    /// The symbolic links to folders the look followed: the folder's index and the path.
    linked_folders: Vec<(usize, PathBuf)>,
    /// Whether each folder was there, and listed without an error.
    listed: Vec<bool>,
}

impl Look {
    /// The article files under `dir` with their stamps, as [`crate::article::discover`] finds
    /// them, when the look listed that folder without an error (otherwise the load stage
    /// walks it and reports what it meets): listing 10,000 files a second time was a twelfth
    /// of a build with one article changed.
    pub(crate) fn found_under(&self, dir: &Path) -> Option<Found> {
        let k = self.dirs.iter().position(|d| d == dir).filter(|&k| self.listed[k])?;
        let under = self.files.iter().zip(&self.is_file).filter(|((i, _, _), is_file)| *i == k && **is_file);
        Some(crate::article::sort_out(under.map(|((_, relative, stamp), _)| (relative.as_path(), *stamp))))
    }

    /// The files under the illustrations' folder of the articles folder `dir`
    /// ([`crate::media::MEDIA_DIR`]) with their stamps, as [`crate::media::load`] lists them,
    /// when the look listed `dir` without an error: the illustrations' own look stamped every
    /// image and sidecar a second time.
    pub(crate) fn media_under(&self, dir: &Path) -> Option<Vec<media::MediaFile>> {
        let k = self.dirs.iter().position(|d| d == dir).filter(|&k| self.listed[k])?;
        // Its own look does not follow a link to a folder below `media/`, so leaves out what
        // is in there.
        let media = Path::new(media::MEDIA_DIR);
        let linked: Vec<&Path> = self
            .linked_folders
            .iter()
            .filter(|(i, folder)| *i == k && folder.starts_with(media) && folder != media)
            .map(|(_, folder)| folder.as_path())
            .collect();
        // The files of folder `k` under `media/` are together: the list is in byte order.
        let (prefix, past) = (format!("{}/", media::MEDIA_DIR), format!("{}0", media::MEDIA_DIR));
        let before = |end: &str| {
            self.files
                .partition_point(|(i, relative, _)| (*i, relative.as_os_str().as_encoded_bytes()) < (k, end.as_bytes()))
        };
        let (from, to) = (before(&prefix), before(&past));
        let mut listed: Vec<media::MediaFile> = (from..to)
            .filter_map(|i| {
                let (_, relative, stamp) = &self.files[i];
                if linked.iter().any(|folder| relative.starts_with(folder)) {
                    return None;
                }
                let source = relative.to_string_lossy().replace('\\', "/");
                let is_link = self.is_link[i];
                media::is_listed(&source).then_some(media::MediaFile { source, is_link, stamp: *stamp })
            })
            .collect();
        // In the order of their text (the same as the paths' where the separator is `/`).
        if !listed.is_sorted_by(|a, b| a.source <= b.source) {
            listed.sort_unstable_by(|a, b| a.source.cmp(&b.source));
        }
        Some(listed)
    }
}

/// Looks at the input files of a build with `config` by the encyc build `build_id`.
pub(crate) fn look(config: &Config, build_id: u128) -> Look {
    let mut dirs: Vec<PathBuf> = vec![config.articles_dir.clone()];
    dirs.extend(config.site.editions.iter().map(|e| config.root.join(e.articles_dir_name())));
    dirs.push(config.root.join(THEMES_DIR).join(&config.site.theme));
    let mut files: Vec<(usize, PathBuf, bool, bool)> = Vec::new();
    let mut linked_folders = Vec::new();
    let mut readable = true;
    let mut listed = vec![false; dirs.len()];
    for (k, dir) in dirs.iter().enumerate() {
        if !dir.is_dir() {
            continue;
        }
        listed[k] = true;
        // A `.git` folder among the articles is no input (no stage reads hidden folders' files
        // as articles or theme files), and it changes with every `git status`.
        let walk = walkdir::WalkDir::new(dir).follow_links(true).min_depth(1);
        for entry in walk.into_iter().filter_entry(|e| e.file_name() != ".git") {
            let Ok(entry) = entry else {
                (readable, listed[k]) = (false, false);
                continue;
            };
            if entry.file_type().is_dir() {
                if entry.path_is_symlink() {
                    linked_folders.push((k, entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_path_buf()));
                }
                continue;
            }
            // A file right in the folder is its own name: taking the folder off its path, a
            // component at a time, was a sixtieth of a build with one article changed.
            let relative = match entry.depth() {
                1 => Some(PathBuf::from(entry.file_name())),
                _ => entry.path().strip_prefix(dir).ok().map(Path::to_path_buf),
            };
            if let Some(relative) = relative {
                files.push((k, relative, entry.file_type().is_file(), entry.path_is_symlink()));
            }
        }
    }
    // In byte order: comparing paths component by component costs more than the rest.
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.as_os_str().cmp(b.1.as_os_str())));
    let is_file = files.iter().map(|(_, _, is_file, _)| *is_file).collect();
    let is_link = files.iter().map(|(_, _, _, is_link)| *is_link).collect();
    let folders: Vec<Folder> = dirs.iter().map(|dir| Folder::open(dir)).collect();
    let files: Vec<(usize, PathBuf, Option<FileStamp>)> = files
        .into_par_iter()
        .map(|(k, relative, _, _)| {
            let stamp = folders[k].stat(&relative).map(FileStamp::from_stat);
            (k, relative, stamp)
        })
        .collect();
    let settled = files.iter().all(|(_, _, stamp)| stamp.is_some_and(FileStamp::is_settled));
    let digest = (readable && settled).then(|| {
        let mut digest = xxhash_rust::xxh3::Xxh3::new();
        // The settings as parsed (the `Debug` form lists every field), so that a setting written
        // differently but meaning the same is the same input.
        digest.update(format!("{build_id:032x}\0{config:?}\0").as_bytes());
        for (k, relative, stamp) in &files {
            std::hash::Hash::hash(&(k, relative, stamp), &mut digest);
        }
        digest.digest128()
    });
    Look { digest, dirs, files, is_file, is_link, linked_folders, listed }
}

/// The record of the last build into `output`, if it was made by the encyc build `build_id`
/// from inputs with the digest `inputs`, and the folder still holds exactly what it wrote:
/// the manifest (and changes) it recorded, and every page untouched since
/// ([`crate::output::untouched_since_manifest`], which the caller has asked).
pub(crate) fn same_as_last(output: &Path, build_id: u128, inputs: u128, untouched: bool) -> Option<Record> {
    let bytes = std::fs::read(output.join(LAST_BUILD)).ok()?;
    let record: Record = postcard::from_bytes(&bytes).ok()?;
    if record.build != format!("{build_id:032x}") || record.inputs != inputs {
        return None;
    }
    if FileStamp::of(&output.join(MANIFEST)) != Some(record.manifest)
        || FileStamp::of(&output.join(MANIFEST_CHANGES)) != record.changes
    {
        return None;
    }
    untouched.then_some(record)
}

/// Records, after a successful build into `output` from inputs with the digest `inputs`, what it
/// reported. Without a settled manifest stamp (it was just written) the stamp is still exact:
/// encyc alone writes the manifest, under the output folder's lock.
pub(crate) fn record(output: &Path, build_id: u128, inputs: u128, outcome: Outcome) -> Result<()> {
    let manifest = output.join(MANIFEST);
    let stamp = FileStamp::of(&manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
    let changes = FileStamp::of(&output.join(MANIFEST_CHANGES));
    let record = Record { build: format!("{build_id:032x}"), inputs, manifest: stamp, changes, outcome };
    let bytes = postcard::to_allocvec(&record)?;
    crate::paths::write_bookkeeping(output, LAST_BUILD, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-off build hands the illustrations the files the look found under `media/`; they
    /// must be the ones, in the order, with the stamps, that the illustrations' own look (the
    /// preview's and `encyc check`'s) finds: nested folders whose names sort around their
    /// files', hidden files and folders, a `.git` folder, and symbolic links to a file, to a
    /// folder and to the `media/` folder itself.
    #[test]
    fn the_look_lists_the_media_folder_as_the_illustrations_own_look_does() {
        let root = tempfile::tempdir().unwrap();
        let articles = root.path().join("articles");
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("x.png"), b"x").unwrap();
        for file in [
            "a.md",
            "media/a.png",
            "media/a.png.yaml",
            "media/a-b.png",
            "media/a/b.png",
            "media/a/b.png.yaml",
            "media/a0.svg",
            "media/.hidden.png",
            "media/.drafts/c.png",
            "media/.git/objects/d.png",
            "media/sub/deeper/e.jpg",
            "media/notes.txt",
            "media/orphan.svg.yaml",
        ] {
            let path = articles.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, file.as_bytes()).unwrap();
        }
        let listing = |files: Vec<media::MediaFile>| -> Vec<(String, bool, Option<FileStamp>)> {
            files.into_iter().map(|f| (f.source, f.is_link, f.stamp)).collect()
        };
        let compare = || {
            let config = Config::new(root.path(), None, jiff::civil::date(2026, 1, 1)).unwrap();
            let looked = look(&config, 1).media_under(&config.articles_dir).expect("the look listed the folder");
            let own = media::look_at(&config.articles_dir);
            let (looked, own) = (listing(looked), listing(own));
            assert_eq!(looked.len(), own.len(), "{looked:?}\n{own:?}");
            for (a, b) in looked.iter().zip(&own) {
                assert!(a.0 == b.0 && a.1 == b.1 && a.2 == b.2 && a.2.is_some(), "{a:?} against {b:?}");
            }
            looked.into_iter().map(|(source, is_link, _)| (source, is_link)).collect::<Vec<_>>()
        };
        let sources = |list: &[(String, bool)]| list.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>();
        let plain = compare();
        assert_eq!(
            sources(&plain),
            [
                "media/a-b.png",
                "media/a.png",
                "media/a.png.yaml",
                "media/a/b.png",
                "media/a/b.png.yaml",
                "media/a0.svg",
                "media/notes.txt",
                "media/orphan.svg.yaml",
                "media/sub/deeper/e.jpg",
            ]
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink(elsewhere.path().join("x.png"), articles.join("media/linked.png")).unwrap();
            symlink(elsewhere.path(), articles.join("media/folder")).unwrap();
            let linked = compare();
            assert!(linked.contains(&("media/linked.png".to_string(), true)));
            assert!(!sources(&linked).iter().any(|s| s.starts_with("media/folder")), "{linked:?}");
            // `media/` itself a link: followed, as before.
            let moved = root.path().join("media-elsewhere");
            std::fs::rename(articles.join("media"), &moved).unwrap();
            symlink(&moved, articles.join("media")).unwrap();
            assert_eq!(compare(), linked);
        }
    }
}
