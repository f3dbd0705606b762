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

/// A fingerprint fed in small pieces (millions of them for a big site): they are gathered in
/// a buffer, since feeding each one alone to a streaming hasher costs more than the copy, and
/// the buffer is hashed whenever it fills, so that it stays small. The digest is that of all
/// the pieces in one ([`content_hash`] of their concatenation).
pub(crate) struct Fingerprint {
    buffer: Vec<u8>,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl Fingerprint {
    const BUFFER: usize = 64 * 1024;

    pub(crate) fn new() -> Fingerprint {
        Fingerprint { buffer: Vec::new(), hasher: xxhash_rust::xxh3::Xxh3::new() }
    }

    pub(crate) fn extend_from_slice(&mut self, bytes: &[u8]) {
        if self.buffer.len() + bytes.len() > Self::BUFFER {
            self.hasher.update(&self.buffer);
            self.buffer.clear();
        }
        self.buffer.extend_from_slice(bytes);
    }

    pub(crate) fn push(&mut self, byte: u8) {
        self.extend_from_slice(&[byte]);
    }

    pub(crate) fn digest(mut self) -> u128 {
        self.hasher.update(&self.buffer);
        self.hasher.digest128()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_fed_in_pieces_is_the_hash_of_them_all() {
        // Pieces of every size up to past the buffer's, so that it fills many times over.
        let pieces: Vec<Vec<u8>> = (0..400u32).map(|i| vec![(i % 251) as u8; (i as usize * 397) % 70_000]).collect();
        let mut fingerprint = Fingerprint::new();
        for piece in &pieces {
            fingerprint.extend_from_slice(piece);
            fingerprint.push(0);
        }
        let all: Vec<u8> = pieces.iter().flat_map(|p| p.iter().copied().chain([0])).collect();
        assert_eq!(fingerprint.digest(), content_hash(&all));
    }
}
