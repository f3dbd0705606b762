//! Stage 1, load, for illustrations: the image files in `articles/media/`, each with its
//! sidecar of metadata (`spine.svg` and `spine.svg.yaml`), read and checked on their own.
//!
//! Images live in one folder, `articles/media/`, so that an article links to one as
//! `media/spine.svg` from any folder and a reader of the articles folder sees them together.
//! Every image needs a sidecar naming its alt text (or saying it is decorative), caption,
//! credit and licence; unknown keys are errors, as in front matter.
//!
//! Raster images (PNG, JPEG, GIF, WebP) are decoded once with limits read from the header
//! first, so a decompression bomb or a truncated file is an error, not a hang or a half
//! picture. SVG is published only if [`svg::check`] finds it safe. What a file gave is kept
//! by its stamp (length and modification time) in [`MediaCache`], so a rebuild reads no
//! unchanged image again.

pub(crate) mod svg;
pub(crate) mod variants;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use crate::article::cache::FileStamp;
use crate::diagnostic::{Diagnostic, Problem};
use crate::hash::{ContentHash, content_hash};

/// The folder under `articles/` that holds the images.
pub(crate) const MEDIA_DIR: &str = "media";

/// The widest or tallest image encyc accepts, in pixels: bigger is a decompression bomb or a
/// photo that was never meant for the web.
pub(crate) const MAX_SIDE: u32 = 10_000;

/// The kinds of image files encyc publishes, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Kind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
}

impl Kind {
    pub(crate) fn of(name: &str) -> Option<Kind> {
        let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "png" => Kind::Png,
            "jpg" | "jpeg" => Kind::Jpeg,
            "gif" => Kind::Gif,
            "webp" => Kind::Webp,
            "svg" => Kind::Svg,
            _ => return None,
        })
    }

    fn extension(self) -> &'static str {
        match self {
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Gif => "gif",
            Kind::Webp => "webp",
            Kind::Svg => "svg",
        }
    }

    fn format(self) -> Option<image::ImageFormat> {
        match self {
            Kind::Png => Some(image::ImageFormat::Png),
            Kind::Jpeg => Some(image::ImageFormat::Jpeg),
            Kind::Gif => Some(image::ImageFormat::Gif),
            Kind::Webp => Some(image::ImageFormat::WebP),
            Kind::Svg => None,
        }
    }
}

/// Whether a file name under `articles/` is an image or an image's sidecar (for `encyc watch`).
pub(crate) fn is_media_file(name: &str) -> bool {
    Kind::of(name).is_some() || name.strip_suffix(".yaml").is_some_and(|n| Kind::of(n).is_some())
}

/// An image's sidecar, as written; `deny_unknown_fields` turns typos into errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImageMeta {
    /// What the image shows, for readers who cannot see it.
    pub(crate) alt: Option<String>,
    /// `decorative: true`: the image adds nothing to the text, and its alt text is empty.
    #[serde(default)]
    pub(crate) decorative: bool,
    pub(crate) caption: Option<String>,
    pub(crate) credit: Option<String>,
    pub(crate) licence: Option<String>,
}

/// Reads a sidecar. Pure: text in, metadata or the line and problem out.
pub(crate) fn parse_meta(text: &str) -> Result<ImageMeta, (usize, Problem)> {
    let meta: ImageMeta =
        crate::yaml::parse(text, 1).map_err(|e| (e.line.unwrap_or(1), Problem::BadSidecar(e.message)))?;
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    match (blank(&meta.alt), meta.decorative) {
        (true, false) => Err((1, Problem::MissingAlt)),
        (false, true) => Err((1, Problem::DecorativeWithAlt)),
        _ => Ok(meta),
    }
}

/// One illustration, read and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Image {
    /// The path under `articles/`, as articles write it: `media/spine.svg`.
    pub(crate) source: String,
    pub(crate) kind: Kind,
    pub(crate) hash: ContentHash,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) bytes: u64,
    pub(crate) meta: ImageMeta,
    /// Smaller and WebP copies, for `srcset` (none for GIF and SVG).
    pub(crate) variants: Vec<variants::Variant>,
}

impl Image {
    /// The published file, named by its content so that hosts may cache it forever:
    /// `media/spine.3f9a1c2b7d4e5f60.svg`.
    pub(crate) fn published_path(&self) -> String {
        let stem = self.stem();
        format!("{MEDIA_DIR}/{stem}.{:016x}.{}", self.hash as u64, self.kind.extension())
    }

    /// A smaller or WebP copy, named by its own content: `media/spine.5e0c….png`.
    pub(crate) fn variant_path(&self, variant: &variants::Variant) -> String {
        format!("{MEDIA_DIR}/{}.{:016x}.{}", self.stem(), variant.hash as u64, variant.kind.extension())
    }

    /// Whether pages offer the WebP copies: only when each is smaller than the same size in
    /// the image's own format (lossless WebP rarely beats a JPEG photo; it often beats a PNG).
    pub(crate) fn webp_is_smaller(&self) -> bool {
        let own_bytes =
            |w: u32| self.variants.iter().find(|v| v.kind == self.kind && v.width == w).map_or(self.bytes, |v| v.bytes);
        let mut webp = self.variants.iter().filter(|v| v.kind != self.kind).peekable();
        webp.peek().is_some() && webp.all(|v| v.bytes < own_bytes(v.width))
    }

    /// The copies pages offer, and so the ones published: the smaller ones in the image's own
    /// format, and the WebP ones when [`Image::webp_is_smaller`].
    pub(crate) fn offered_variants(&self) -> impl Iterator<Item = &variants::Variant> {
        let webp = self.webp_is_smaller();
        self.variants.iter().filter(move |v| v.kind == self.kind || webp)
    }

    /// The illustration's own page: `media/spine.html`.
    pub(crate) fn page_path(&self) -> String {
        format!("{MEDIA_DIR}/{}.html", self.stem())
    }

    /// The file name without folder or extension, made safe for a URL.
    pub(crate) fn stem(&self) -> String {
        let relative = self.source.strip_prefix(&format!("{MEDIA_DIR}/")).unwrap_or(&self.source);
        let without_ext = relative.rsplit_once('.').map_or(relative, |(s, _)| s);
        crate::markdown::heading_id(&without_ext.replace('/', "-"))
    }

    /// Everything a page that shows the image is made from.
    pub(crate) fn fingerprint(&self) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&self.hash.to_le_bytes());
        h.update(format!("{:?}", self.meta).as_bytes());
        for variant in &self.variants {
            h.update(&variant.hash.to_le_bytes());
        }
        h.digest128()
    }

    pub(crate) fn alt(&self) -> &str {
        self.meta.alt.as_deref().unwrap_or("")
    }
}

/// Checks one image's bytes: its kind, size in pixels, and (for SVG) safety. Pure.
pub(crate) fn inspect(kind: Kind, bytes: &[u8]) -> Result<(u32, u32), Problem> {
    match kind.format() {
        None => svg::check(bytes),
        Some(format) => {
            let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
            reader.limits(limits());
            let corrupt = |e: image::ImageError| match e {
                image::ImageError::Limits(_) => Problem::ImageTooLarge { max: MAX_SIDE },
                other => Problem::CorruptImage(other.to_string()),
            };
            // Dimensions first, from the header: a bomb is refused before anything is decoded.
            let (width, height) = image::ImageReader::with_format(std::io::Cursor::new(bytes), format)
                .into_dimensions()
                .map_err(corrupt)?;
            if width > MAX_SIDE || height > MAX_SIDE {
                return Err(Problem::ImageTooLarge { max: MAX_SIDE });
            }
            // Then the whole picture, so a truncated file is caught here, not in a browser.
            reader.decode().map_err(corrupt)?;
            // The JPEG decoder fills the rows a cut file lacks with grey instead of failing.
            if format == image::ImageFormat::Jpeg && !jpeg_is_whole(bytes) {
                return Err(Problem::CorruptImage("the file is cut short: its data ends before the JPEG's end".into()));
            }
            Ok((width, height))
        }
    }
}

/// Whether a JPEG's segments run on to its end-of-image marker, as they do in a whole file:
/// each segment by its length, the compressed data after a start-of-scan up to the next marker
/// (a 0xFF that is neither a stuffed 0xFF00 nor a restart marker). Bytes after the end, which
/// some cameras add, do not matter.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    if bytes.get(..2) != Some(&[0xFF, 0xD8][..]) {
        return false;
    }
    let mut at = 2;
    loop {
        if bytes.get(at) != Some(&0xFF) {
            return false;
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&code) = bytes.get(at) else { return false };
        at += 1;
        match code {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => continue,
            _ => {
                let Some(&[high, low]) = bytes.get(at..at + 2) else { return false };
                at += usize::from(u16::from_be_bytes([high, low]));
                if code == 0xDA {
                    loop {
                        let Some(next) = bytes.get(at..).and_then(|rest| rest.iter().position(|&b| b == 0xFF)) else {
                            return false;
                        };
                        at += next;
                        match bytes.get(at + 1) {
                            None => return false,
                            Some(0x00 | 0xD0..=0xD7) => at += 2,
                            Some(0xFF) => at += 1,
                            Some(_) => break,
                        }
                    }
                }
            }
        }
    }
}

/// The most a raster image may take to decode: a bomb is refused, not decoded.
fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    limits
}

/// What the cache keeps of one image file: the stamps it was read with, and what it gave.
#[derive(Debug, Clone)]
struct CacheEntry {
    stamps: (Option<FileStamp>, Option<FileStamp>),
    result: Result<Arc<Image>, Vec<Diagnostic>>,
}

/// Images read before, by path, with the stamps of the image and its sidecar.
#[derive(Debug, Default)]
pub(crate) struct MediaCache {
    entries: HashMap<String, CacheEntry>,
    /// What the last build found on disk, from [`MediaCache::read`]: the settled stamps
    /// of image and sidecar, and the image. Used for files this process has not read yet.
    saved: HashMap<String, SavedEntry>,
    /// An image was read since the cache was last saved.
    pub(crate) unsaved: bool,
    /// Where encoded variants are kept ([`crate::paths::MEDIA_VARIANTS`] in the output folder);
    /// `None` when nothing is published (`encyc check`), and then no variants are made.
    variants_dir: Option<PathBuf>,
}

/// The stamps of image and sidecar (only settled ones: [`FileStamp::is_settled`]), and the image.
type SavedEntry = (Option<FileStamp>, Option<FileStamp>, Image);

#[derive(Serialize, Deserialize)]
struct SavedCache {
    /// The encyc build that wrote it: another build may check images differently.
    build: String,
    entries: Vec<(String, SavedEntry)>,
}

impl MediaCache {
    /// The cache a previous build of the same encyc left in `output`, or an empty one.
    pub(crate) fn read(output: &Path, build_id: u128) -> MediaCache {
        let saved = std::fs::read(output.join(crate::paths::MEDIA_CACHE))
            .ok()
            .and_then(|bytes| postcard::from_bytes::<SavedCache>(&bytes).ok())
            .filter(|c| c.build == format!("{build_id:032x}"))
            .map(|c| c.entries.into_iter().collect())
            .unwrap_or_default();
        MediaCache { saved, ..MediaCache::default() }
    }

    /// Keep encoded variants in the output folder `output` (or the staging folder that
    /// becomes it, on a first build): until this is called, no variants are made.
    pub(crate) fn keep_variants_in(&mut self, output: &Path) {
        self.variants_dir = Some(output.join(crate::paths::MEDIA_VARIANTS));
    }

    /// Whether no image has been read or found in a saved cache.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.saved.is_empty()
    }

    /// Saves what is known of the images that were fine, for the next build.
    pub(crate) fn write(&mut self, output: &Path, build_id: u128) -> anyhow::Result<()> {
        let mut entries: Vec<(String, SavedEntry)> = self
            .entries
            .iter()
            .filter_map(|(source, e)| {
                let image = e.result.as_ref().ok()?;
                let settled = |s: Option<FileStamp>| s.filter(|s| s.is_settled());
                Some((source.clone(), (settled(e.stamps.0), settled(e.stamps.1), Image::clone(image))))
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let bytes = postcard::to_allocvec(&SavedCache { build: format!("{build_id:032x}"), entries })?;
        crate::paths::write_bookkeeping(output, crate::paths::MEDIA_CACHE, &bytes)?;
        self.unsaved = false;
        Ok(())
    }
}

/// Every illustration of the site, by the path articles use (`media/spine.svg`).
#[derive(Debug, Default, Clone)]
pub(crate) struct Library {
    /// The articles folder, which `Image::source` paths are relative to.
    pub(crate) dir: PathBuf,
    pub(crate) images: BTreeMap<String, Arc<Image>>,
    /// The images that were found and refused, with a problem of their own.
    pub(crate) refused: std::collections::BTreeSet<String>,
    /// Where the variants were cached ([`MediaCache`]'s).
    pub(crate) variants_dir: Option<PathBuf>,
    /// How many images were decoded and encoded into variants by this load (not from a cache).
    pub(crate) encoded: usize,
}

impl Library {
    /// Images that articles show but that the library lacks: an error on the line showing each.
    pub(crate) fn missing_in(&self, articles: &[&Arc<crate::article::Article>]) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let folder = self.dir.file_name().map_or_else(|| "articles".into(), |name| name.to_string_lossy());
        for article in articles {
            for shown in &article.outline.images {
                if self.images.contains_key(&shown.source) || self.refused.contains(&shown.source) {
                    continue;
                }
                let problem = match articles_dir_has(&self.dir, &shown.source) {
                    true => Problem::ImageNotTaken(shown.source.clone(), folder.to_string()),
                    false => Problem::MissingImage(shown.source.clone(), folder.to_string()),
                };
                problems.push(Diagnostic::new(article.source.display_path(), Some(shown.line), problem));
            }
        }
        problems
    }
}

/// Whether something is at `source` (relative to the articles folder `dir`), if only a link.
fn articles_dir_has(dir: &Path, source: &str) -> bool {
    std::fs::symlink_metadata(dir.join(source)).is_ok()
}

/// A file under `articles/media/`, as a look at the folder found it: its path relative to the
/// articles folder (with `/`), whether it is a symbolic link, and its stamp (following the link).
#[derive(Debug, Clone)]
pub(crate) struct MediaFile {
    pub(crate) source: String,
    pub(crate) is_link: bool,
    pub(crate) stamp: Option<FileStamp>,
}

/// Whether a file at `relative` (a path under the articles folder, with `/`) is one the
/// illustrations take up: none of its parts hidden (a dot first), as for articles.
pub(crate) fn is_listed(relative: &str) -> bool {
    !crate::article::is_hidden_path(relative)
}

/// Every file under `articles/media/` (hidden ones and hidden folders left out), in byte order
/// of its path, with its stamp: the stamps on every core, since one after another they were a
/// twentieth of a rebuild with one article changed among 1,000 illustrations. An image must be
/// a file of the site: a symbolic link to a file is listed (and refused), one to a folder is
/// not followed.
pub(crate) fn look_at(articles_dir: &Path) -> Vec<MediaFile> {
    let walk = walkdir::WalkDir::new(articles_dir.join(MEDIA_DIR)).min_depth(1);
    let mut files: Vec<(String, bool)> = walk
        .into_iter()
        .filter_entry(|e| !crate::article::is_hidden_path(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        // Not followed, a link to a folder is not a folder: it is left out, and so is
        // everything in it (an article showing an image there is told so).
        .filter(|e| {
            let is_folder = e.file_type().is_dir() || (e.path_is_symlink() && e.path().is_dir());
            !is_folder
        })
        .map(|e| {
            let relative = e.path().strip_prefix(articles_dir).expect("under articles/");
            (relative.to_string_lossy().replace('\\', "/"), e.path_is_symlink())
        })
        .collect();
    files.sort_unstable();
    files
        .into_par_iter()
        .map(|(source, is_link)| {
            let stamp = FileStamp::of(&articles_dir.join(&source));
            MediaFile { source, is_link, stamp }
        })
        .collect()
}

/// Reads every image under `articles/media/`, reusing what the cache has for files whose
/// stamps are unchanged. Returns the images that are fine and the problems of the others.
/// `looked` is the folder's files as a look at every input just found them
/// ([`crate::last_build::Look::media_under`]), in byte order; without it the folder is looked
/// at here.
pub(crate) fn load(
    articles_dir: &Path,
    cache: &mut MediaCache,
    looked: Option<Vec<MediaFile>>,
) -> (Library, Vec<Diagnostic>) {
    let listed = looked.unwrap_or_else(|| look_at(articles_dir));
    let stamp_of = |source: &str| match listed.binary_search_by(|f| f.source.as_str().cmp(source)) {
        Ok(i) => listed[i].stamp,
        Err(_) => None,
    };
    let mut library =
        Library { dir: articles_dir.to_path_buf(), variants_dir: cache.variants_dir.clone(), ..Library::default() };
    let mut problems = Vec::new();
    let mut entries = HashMap::new();
    let is_image = |f: &&MediaFile| Kind::of(f.source.rsplit('/').next().unwrap_or_default()).is_some();
    let files: Vec<&MediaFile> = listed.iter().filter(is_image).collect();
    let sidecars = listed.iter().filter(|f| f.source.ends_with(".yaml"));
    /// What to do for one image: what an earlier read gave, or read its sidecar or both files.
    enum Todo {
        Known(Result<Arc<Image>, Vec<Diagnostic>>),
        Sidecar(Arc<Image>),
        /// Read before, but its stamp cannot say whether it changed (it was written just
        /// before that read, or copied since): the bytes are read and hashed, and decoded
        /// again only if they differ.
        Reread(Arc<Image>),
        Read,
    }
    let mut todo = Vec::new();
    for file in &files {
        let source = &file.source;
        if file.is_link {
            library.refused.insert(source.clone());
            problems.push(Diagnostic::new(shown(source), None, Problem::LinkedImage));
            continue;
        }
        let sidecar_source = format!("{source}.yaml");
        let stamps = (file.stamp, stamp_of(&sidecar_source));
        let (path, sidecar) = (articles_dir.join(source), articles_dir.join(sidecar_source));
        let previous = match cache.entries.remove(source) {
            Some(e) => Some((e.stamps, e.result)),
            None => cache.saved.remove(source).map(|(image, meta, saved)| ((image, meta), Ok(Arc::new(saved)))),
        };
        let next = match previous {
            Some((was, result)) if was == stamps && stamps.0.is_some() => Todo::Known(result),
            // Only the sidecar changed: the image is neither read nor decoded again.
            Some((was, Ok(image))) if was.0 == stamps.0 && stamps.0.is_some() => Todo::Sidecar(image),
            Some((_, Ok(image))) => Todo::Reread(image),
            _ => Todo::Read,
        };
        if !matches!(next, Todo::Known(_)) {
            cache.unsaved = true;
        }
        todo.push((source, path, sidecar, stamps, next));
    }
    // Decoding and encoding are the slow part of a build with many new images: in parallel.
    let encoded = AtomicUsize::new(0);
    let variants_dir = cache.variants_dir.as_deref();
    let done: Vec<_> = todo
        .into_par_iter()
        .map(|(source, path, sidecar, stamps, next)| {
            let result = match next {
                Todo::Known(result) => result,
                Todo::Sidecar(image) => with_sidecar(source, &image, &sidecar).map(Arc::new),
                Todo::Reread(image) if std::fs::read(&path).is_ok_and(|bytes| content_hash(&bytes) == image.hash) => {
                    with_sidecar(source, &image, &sidecar).map(Arc::new)
                }
                Todo::Reread(_) | Todo::Read => {
                    read_image(source, &path, &sidecar, variants_dir, &encoded).map(Arc::new)
                }
            };
            (source, stamps, result)
        })
        .collect();
    library.encoded = encoded.load(Ordering::Relaxed);
    for (source, stamps, result) in done {
        match &result {
            Ok(image) => {
                library.images.insert(source.clone(), Arc::clone(image));
            }
            Err(found) => {
                library.refused.insert(source.clone());
                problems.extend(found.iter().cloned());
            }
        }
        entries.insert(source.clone(), CacheEntry { stamps, result });
    }
    // `a.png` and `a.svg` (or `a-b.png` and `a/b.png`) would make one page, `media/a.html`.
    let mut pages: HashMap<String, &str> = HashMap::new();
    for image in library.images.values() {
        if let Some(first) = pages.insert(image.page_path(), &image.source) {
            let (page, other) = (image.page_path(), format!("{}/{first}", crate::config::ARTICLES_DIR));
            problems.push(Diagnostic::new(shown(&image.source), None, Problem::SamePageName { page, other }));
        }
    }
    for sidecar in sidecars {
        let image = sidecar.source.strip_suffix(".yaml").unwrap_or(&sidecar.source);
        if files.binary_search_by(|f| f.source.as_str().cmp(image)).is_err() {
            problems.push(Diagnostic::new(shown(&sidecar.source), None, Problem::SidecarWithoutImage));
        }
    }
    cache.entries = entries;
    (library, problems)
}

fn shown(source: &str) -> PathBuf {
    Path::new(crate::config::ARTICLES_DIR).join(source)
}

/// Reads and checks the sidecar of the image at `source` (under `articles/`).
fn read_sidecar(source: &str, sidecar: &Path) -> Result<ImageMeta, Vec<Diagnostic>> {
    let sidecar_shown = shown(&format!("{source}.yaml"));
    match std::fs::read_to_string(sidecar) {
        Ok(text) => parse_meta(&text).map_err(|(line, p)| vec![Diagnostic::new(sidecar_shown, Some(line), p)]),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(vec![Diagnostic::new(shown(source), None, Problem::MissingSidecar)])
        }
        Err(e) => Err(vec![Diagnostic::new(sidecar_shown, None, Problem::Unreadable(e.to_string()))]),
    }
}

/// An image read before, with its changed sidecar.
fn with_sidecar(source: &str, image: &Image, sidecar: &Path) -> Result<Image, Vec<Diagnostic>> {
    Ok(Image { meta: read_sidecar(source, sidecar)?, ..image.clone() })
}

fn read_image(
    source: &str,
    path: &Path,
    sidecar: &Path,
    variants_dir: Option<&Path>,
    encoded: &AtomicUsize,
) -> Result<Image, Vec<Diagnostic>> {
    let kind = Kind::of(source).expect("only images are read");
    let image_diag = |p: Problem| vec![Diagnostic::new(shown(source), None, p)];
    let meta = read_sidecar(source, sidecar)?;
    let bytes = std::fs::read(path).map_err(|e| image_diag(Problem::Unreadable(e.to_string())))?;
    let (width, height) = inspect(kind, &bytes).map_err(image_diag)?;
    let variants = match variants_dir {
        Some(dir) => variants::make(kind, (width, height), &bytes, dir, encoded)
            .map_err(|e| image_diag(Problem::CorruptImage(e)))?,
        None => Vec::new(),
    };
    Ok(Image {
        source: source.to_string(),
        kind,
        hash: content_hash(&bytes),
        width,
        height,
        bytes: bytes.len() as u64,
        meta,
        variants,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{Image, ImageMeta, Kind, MediaCache, jpeg_is_whole, load};
    use crate::hash::content_hash;

    fn jpeg() -> Vec<u8> {
        let pixels =
            image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([(x * 6) as u8, (y * 8) as u8, ((x * y) % 256) as u8]));
        let mut out = std::io::Cursor::new(Vec::new());
        pixels.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_jpeg_is_whole_to_its_end_marker_and_cut_anywhere_before_it_is_not() {
        let whole = jpeg();
        assert!(jpeg_is_whole(&whole));
        let mut trailer = whole.clone();
        trailer.extend_from_slice(b"camera maker's notes");
        assert!(jpeg_is_whole(&trailer), "bytes after the end do not matter");
        for cut in [2, 20, whole.len() / 2, whole.len() - 2, whole.len() - 1] {
            assert!(!jpeg_is_whole(&whole[..cut]), "cut at {cut} of {}", whole.len());
        }
        assert!(!jpeg_is_whole(b"GIF89a"));
    }

    #[test]
    fn an_image_whose_stamp_cannot_be_trusted_is_decoded_again_only_if_its_bytes_changed() {
        let dir = tempfile::tempdir().unwrap();
        let articles = dir.path().join("articles");
        std::fs::create_dir_all(articles.join("media")).unwrap();
        let bytes = jpeg();
        std::fs::write(articles.join("media/a.jpg"), &bytes).unwrap();
        std::fs::write(articles.join("media/a.jpg.yaml"), "alt: \"A test picture.\"\n").unwrap();
        // What an earlier build kept of it, without stamps (the files were new then), with a
        // width no decoding gives, to tell what was reused from what was read.
        let kept = |hash| {
            let image = Image {
                source: "media/a.jpg".into(),
                kind: Kind::of("a.jpg").unwrap(),
                hash,
                width: 1,
                height: 1,
                bytes: bytes.len() as u64,
                meta: ImageMeta::default(),
                variants: Vec::new(),
            };
            MediaCache {
                saved: HashMap::from([("media/a.jpg".to_string(), (None, None, image))]),
                ..Default::default()
            }
        };
        let (library, problems) = load(&articles, &mut kept(content_hash(&bytes)), None);
        assert!(problems.is_empty(), "{problems:?}");
        let image = &library.images["media/a.jpg"];
        assert_eq!((image.width, image.meta.alt.as_deref()), (1, Some("A test picture.")), "the same bytes: reused");
        let (library, _) = load(&articles, &mut kept(content_hash(b"other bytes")), None);
        assert_eq!(library.images["media/a.jpg"].width, 40, "other bytes: read and decoded");
    }
}
