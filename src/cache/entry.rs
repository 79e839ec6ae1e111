//! The bytes of one cache entry: a header naming the format, the binary that wrote it and the
//! entry's key (its file name: an entry copied or renamed to another name is not that entry),
//! the payload's length and SHA-256, then the payload: the length of a JSON list of the outputs the
//! entry stands for (by path, length and SHA-256), that list, and the renderer's own data as it
//! is (UTF-8, not a JSON string: the data of a lesson's notes is most of a rebuild's entries, and
//! escaping it inside JSON made every read unescape it twice). Anything else (truncated, a
//! flipped bit, another format or version, not an entry at all) decodes to `None`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Key;

/// The format of entries; a new one never reads an old one.
const MAGIC: &[u8] = b"cardsmith-cache 2\n";

/// What identifies the binary: version, commit (build.rs) and whether it makes the PDF.
#[cfg(feature = "pdf")]
pub(super) const BINARY: &str = concat!("cardsmith ", env!("CARDSMITH_VERSION"), " +pdf");
/// What identifies the binary: version, commit (build.rs) and whether it makes the PDF.
#[cfg(not(feature = "pdf"))]
pub(super) const BINARY: &str = concat!("cardsmith ", env!("CARDSMITH_VERSION"), " -pdf");

/// One output an entry stands for: the file the build left in `out/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct OutputRecord {
    /// Relative to `out/`, `/`-separated.
    pub path: String,
    /// Its length in bytes.
    pub len: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
}

/// What an entry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Payload {
    /// The outputs, in the renderer's order.
    pub outputs: Vec<OutputRecord>,
    /// The renderer's data (notes, a notice), opaque here.
    pub data: String,
}

/// How the entry `key` of this binary begins: its format, the binary and its key (the part of an
/// entry that a reader looking for one key among others compares).
pub(super) fn header(key: &Key) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(MAGIC.len() + BINARY.len() + key.as_str().len() + 2);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(BINARY.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(key.as_str().as_bytes());
    bytes.push(b'\n');
    bytes
}

/// The bytes of the entry `key` holding `payload`.
pub(super) fn encode(key: &Key, payload: &Payload) -> Vec<u8> {
    // Serializing plain strings and numbers cannot fail.
    let outputs = serde_json::to_vec(&payload.outputs).unwrap_or_default();
    let body_len = 8 + outputs.len() + payload.data.len();
    let mut bytes = header(key);
    bytes.reserve(40 + body_len);
    bytes.extend_from_slice(&(body_len as u64).to_le_bytes());
    let digest_at = bytes.len();
    bytes.extend_from_slice(&[0; 32]);
    let body_at = bytes.len();
    bytes.extend_from_slice(&(outputs.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&outputs);
    bytes.extend_from_slice(payload.data.as_bytes());
    let digest = Sha256::digest(&bytes[body_at..]);
    bytes[digest_at..body_at].copy_from_slice(&digest);
    bytes
}

/// The payload of the sound entry `key` written by this binary; `None` for anything else. Takes
/// the bytes, whose data part becomes the payload's without a copy.
pub(super) fn decode(mut bytes: Vec<u8>, key: &Key) -> Option<Payload> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let rest = rest.strip_prefix(BINARY.as_bytes())?.strip_prefix(b"\n")?;
    let rest = rest
        .strip_prefix(key.as_str().as_bytes())?
        .strip_prefix(b"\n")?;
    let (length, rest) = rest.split_first_chunk::<8>()?;
    let (digest, body) = rest.split_first_chunk::<32>()?;
    let sound =
        u64::from_le_bytes(*length) == body.len() as u64 && Sha256::digest(body)[..] == digest[..];
    if !sound {
        return None;
    }
    let (outputs_len, rest) = body.split_first_chunk::<8>()?;
    let outputs_len = usize::try_from(u64::from_le_bytes(*outputs_len)).ok()?;
    let outputs = serde_json::from_slice(rest.get(..outputs_len)?).ok()?;
    let data_at = bytes.len() - rest.len() + outputs_len;
    bytes.drain(..data_at);
    Some(Payload {
        outputs,
        data: String::from_utf8(bytes).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Payload {
        Payload {
            outputs: vec![OutputRecord {
                path: "a.md".to_owned(),
                len: 3,
                sha256: "00".repeat(32),
            }],
            data: "{\"notice\":null}".to_owned(),
        }
    }

    fn key() -> Key {
        super::super::KeyBuilder::new("test").finish()
    }

    #[test]
    fn a_payload_comes_back() {
        assert_eq!(decode(encode(&key(), &sample()), &key()), Some(sample()));
    }

    #[test]
    fn damaged_or_foreign_bytes_decode_to_nothing() {
        let good = encode(&key(), &sample());
        let mut flipped = good.clone();
        *flipped.last_mut().expect("not empty") ^= 1;
        assert_eq!(decode(flipped, &key()), None, "a flipped bit");
        assert_eq!(
            decode(good[..good.len() - 1].to_vec(), &key()),
            None,
            "truncated"
        );
        assert_eq!(
            decode(good[..10].to_vec(), &key()),
            None,
            "cut in the header"
        );
        assert_eq!(decode(Vec::new(), &key()), None, "empty");
        let mut other_version = MAGIC.to_vec();
        other_version.extend_from_slice(b"cardsmith 0.0.1 (rev 000000000000) +pdf");
        other_version.extend_from_slice(&good[MAGIC.len() + BINARY.len()..]);
        assert_eq!(decode(other_version, &key()), None, "another binary");
        let mut longer = good.clone();
        longer.push(b' ');
        assert_eq!(decode(longer, &key()), None, "bytes after the payload");
        let mut version_one = b"cardsmith-cache 1\n".to_vec();
        version_one.extend_from_slice(&good[MAGIC.len()..]);
        assert_eq!(
            decode(version_one, &key()),
            None,
            "the format before this one"
        );
        let other = super::super::KeyBuilder::new("other").finish();
        assert_eq!(decode(good.clone(), &other), None, "under another name");
    }

    #[test]
    fn data_is_kept_as_it_is() {
        let payload = Payload {
            outputs: Vec::new(),
            data: "\"quoted\" \\ é \n".to_owned(),
        };
        let bytes = encode(&key(), &payload);
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.ends_with("\"quoted\" \\ é \n"),
            "not escaped: {text:?}"
        );
        assert_eq!(decode(bytes, &key()), Some(payload));
    }
}
