//! The `.apkg` container: a zip holding `collection.anki2`, a `media` map (`{"0": "name.png"}`)
//! and the media files named `0`, `1`, ... in the order of the map. Entries carry a fixed time
//! (1980-01-01, the zip epoch) and fixed permissions, so the bytes depend on the content only.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::media::MediaFiles;

/// Zips a collection and its media (already sorted by name).
pub fn to_bytes(collection: &[u8], media: &MediaFiles) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::DEFAULT)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("collection.anki2", options)?;
    zip.write_all(collection)?;
    let map: serde_json::Map<String, serde_json::Value> = media
        .keys()
        .enumerate()
        .map(|(index, name)| (index.to_string(), serde_json::Value::from(name.as_str())))
        .collect();
    zip.start_file("media", options)?;
    zip.write_all(serde_json::Value::Object(map).to_string().as_bytes())?;
    for (index, bytes) in media.values().enumerate() {
        zip.start_file(index.to_string(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_content_same_bytes_and_readable() {
        let media =
            MediaFiles::from([("b.png".to_owned(), vec![2]), ("a.png".to_owned(), vec![1])]);
        let bytes = to_bytes(b"db", &media).expect("zips");
        assert_eq!(bytes, to_bytes(b"db", &media).expect("zips"));
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("reads");
        let mut map = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("media").expect("media"), &mut map)
            .expect("text");
        assert_eq!(map, r#"{"0":"a.png","1":"b.png"}"#);
        assert_eq!(archive.len(), 4);
    }
}
