//! Smaller copies of a raster illustration for phones (`srcset`), and a WebP copy where WebP
//! is smaller, made with the `image` crate and cached on disk.
//!
//! A photo 2,000 pixels wide costs a phone a lot to fetch for a column 400 pixels wide, so each
//! PNG, JPEG or WebP image wider than a step of [`WIDTHS`] gets a copy that wide, in its own
//! format; and each size of a PNG also gets a WebP copy (the `image` crate encodes WebP
//! losslessly only, which beats PNG but never a photo's JPEG, so JPEGs get none), which pages
//! offer in a `<picture>` only when it is smaller than the PNG at every size. GIF (often
//! animated) and SVG (already scalable) get none.
//!
//! Encoding is the slow part of a build with many images, so what was encoded is kept in
//! [`crate::paths::MEDIA_VARIANTS`] in the output folder, by the source image's content hash and the
//! variant's recipe: a rebuild, even one whose other caches were lost, encodes no unchanged
//! image again and does not decode it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Kind;
use crate::hash::{ContentHash, content_hash};

/// The widths, in pixels, of the smaller copies: a phone, and a phone with a dense screen.
pub(crate) const WIDTHS: [u32; 2] = [480, 960];

/// Changes whenever the way variants are made changes (filter, quality), so that old cached
/// copies are not taken for new ones.
const RECIPE: &str = "r2";

/// JPEG quality of the smaller copies of a JPEG: photos on a phone, not for print.
const JPEG_QUALITY: u8 = 80;

/// One smaller or WebP copy of an illustration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Variant {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) kind: Kind,
    /// The hash of the encoded bytes: the published name.
    pub(crate) hash: ContentHash,
    pub(crate) bytes: u64,
}

/// What to make of an image of `kind`, `width` × `height` pixels: (width, height, format).
fn recipes(kind: Kind, width: u32, height: u32) -> Vec<(u32, u32, Kind)> {
    if matches!(kind, Kind::Gif | Kind::Svg) {
        return Vec::new();
    }
    let height_at =
        |w: u32| ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width)).max(1) as u32;
    let smaller: Vec<u32> = WIDTHS.into_iter().filter(|&w| w < width).collect();
    let mut out: Vec<(u32, u32, Kind)> = smaller.iter().map(|&w| (w, height_at(w), kind)).collect();
    // Lossless WebP against a lossy JPEG only loses, and encoding it is most of the time a
    // build with photos takes: PNGs alone get a WebP copy.
    if kind == Kind::Png {
        out.extend(smaller.iter().chain(std::iter::once(&width)).map(|&w| (w, height_at(w), Kind::Webp)));
    }
    out
}

/// Where the cache keeps one variant of the image whose content hash is `source`.
fn cached_path(dir: &Path, source: ContentHash, width: u32, kind: Kind) -> PathBuf {
    dir.join(format!("{source:032x}-{RECIPE}-{width}.{}", kind.extension()))
}

/// The variants of one image (`bytes`, already checked by [`super::inspect`]), from the cache
/// in `dir` where it has them, else decoded and encoded now (and then cached). `encoded`
/// counts the images that had to be decoded and encoded.
pub(crate) fn make(
    kind: Kind,
    (width, height): (u32, u32),
    bytes: &[u8],
    dir: &Path,
    encoded: &std::sync::atomic::AtomicUsize,
) -> Result<Vec<Variant>, String> {
    let source = content_hash(bytes);
    let mut decoded: Option<image::DynamicImage> = None;
    let mut variants = Vec::new();
    for (w, h, out_kind) in recipes(kind, width, height) {
        let path = cached_path(dir, source, w, out_kind);
        let data = match std::fs::read(&path) {
            Ok(data) => data,
            Err(_) => {
                if decoded.is_none() {
                    encoded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    decoded = Some(decode(kind, bytes)?);
                }
                let data = encode(decoded.as_ref().expect("decoded above"), w, h, out_kind)?;
                // Only a speed-up for the next build: a copy that cannot be kept is made again.
                let _ = std::fs::create_dir_all(dir).and_then(|()| write_atomically(&path, &data));
                data
            }
        };
        variants.push(Variant {
            width: w,
            height: h,
            kind: out_kind,
            hash: content_hash(&data),
            bytes: data.len() as u64,
        });
    }
    Ok(variants)
}

/// The bytes of `variant` of the image at `file` whose content hash is `source`: from the
/// cache, or made again if the cache lost them since the image was loaded.
pub(crate) fn bytes_of(
    dir: &Path,
    file: &Path,
    kind: Kind,
    source: ContentHash,
    variant: &Variant,
) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context as _;
    if let Ok(data) = std::fs::read(cached_path(dir, source, variant.width, variant.kind)) {
        return Ok(data);
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let image = decode(kind, &bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    encode(&image, variant.width, variant.height, variant.kind).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))
}

fn decode(kind: Kind, bytes: &[u8]) -> Result<image::DynamicImage, String> {
    let format = kind.format().ok_or("not a raster image")?;
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    reader.limits(super::limits());
    reader.decode().map_err(|e| e.to_string())
}

fn encode(image: &image::DynamicImage, width: u32, height: u32, kind: Kind) -> Result<Vec<u8>, String> {
    let resized = if width == image.width() {
        image.clone()
    } else {
        image.resize_exact(width, height, image::imageops::FilterType::CatmullRom)
    };
    let mut out = std::io::Cursor::new(Vec::new());
    let result = match kind {
        Kind::Jpeg => resized
            .to_rgb8()
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)),
        Kind::Webp if resized.color().has_alpha() => {
            resized.to_rgba8().write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut out))
        }
        Kind::Webp => resized.to_rgb8().write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut out)),
        Kind::Png => resized.write_to(&mut out, image::ImageFormat::Png),
        Kind::Gif | Kind::Svg => return Err("no variants of GIF or SVG".to_string()),
    };
    result.map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// Another build may read the cache at the same time (`encyc watch` beside `encyc build`):
/// a copy is written under a temporary name and renamed.
fn write_atomically(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("a file in the cache folder");
    let temp = tempfile::Builder::new().prefix(crate::paths::TEMP_PREFIX).tempfile_in(dir)?;
    std::fs::write(temp.path(), data)?;
    temp.persist(path).map(|_| ()).map_err(|e| e.error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raster_images_wider_than_a_step_get_smaller_copies_and_pngs_a_webp_copy() {
        assert_eq!(recipes(Kind::Svg, 2000, 1000), []);
        assert_eq!(recipes(Kind::Gif, 2000, 1000), []);
        assert_eq!(recipes(Kind::Png, 400, 300), [(400, 300, Kind::Webp)]);
        assert_eq!(
            recipes(Kind::Png, 1200, 800),
            [
                (480, 320, Kind::Png),
                (960, 640, Kind::Png),
                (480, 320, Kind::Webp),
                (960, 640, Kind::Webp),
                (1200, 800, Kind::Webp)
            ]
        );
        assert_eq!(recipes(Kind::Jpeg, 1200, 800), [(480, 320, Kind::Jpeg), (960, 640, Kind::Jpeg)]);
        assert_eq!(recipes(Kind::Webp, 1000, 1), [(480, 1, Kind::Webp), (960, 1, Kind::Webp)]);
    }
}
