//! Content hashes and fingerprints: how encyc tells, without comparing bytes, that a file is
//! unchanged (equal bytes, equal hash) or that a page would come out the same (equal inputs,
//! equal fingerprint).

use xxhash_rust::xxh3::Xxh3;

/// A content hash: equal bytes, equal hash.
pub(crate) type ContentHash = u128;

pub(crate) fn content_hash(bytes: &[u8]) -> ContentHash {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Feeds what is written into a hasher, so that a value can be fingerprinted by serialising it.
pub(crate) struct HashWriter<'a>(pub(crate) &'a mut Xxh3);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
