//! Images for Compose's preview: a local PNG or JPEG as a `data:` URL (the window's CSP allows
//! `data:` images, and the page is granted no file-system access). It runs on every keystroke
//! in the path field, so it reads only regular files, and at most the size limit plus one byte:
//! a FIFO, `/dev/zero` or a `/proc` file (whose metadata says 0 bytes) cannot make it hang
//! (`store::media::read_image_file`, which a compose or import with a local image reads with too).

use std::path::Path;

use base64::Engine as _;

use crate::error::{EngineError, ErrorCode};
#[cfg(test)]
use crate::store::media::MAX_IMAGE_BYTES;
use crate::store::media::{read_image_file, sniff_image};

fn bad(m: String) -> EngineError {
    EngineError::new(ErrorCode::InvalidInput, m)
}

/// The image at `path` as a `data:` URL, if it is a readable PNG or JPEG of at most 20 MB.
pub fn image_preview(path: &str) -> Result<String, EngineError> {
    let bytes = read_image_file(Path::new(path))?;
    let mime = match sniff_image(&bytes) {
        Some(ct) => ct.mime(),
        None => return Err(bad(format!("{path} is not a PNG or JPEG image"))),
    };
    Ok(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_png_and_jpeg_are_previewed() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("a.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\nrest").unwrap();
        let url = image_preview(png.to_str().unwrap()).unwrap();
        assert!(url.starts_with("data:image/png;base64,"), "{url}");
        let txt = dir.path().join("a.png.txt");
        std::fs::write(&txt, b"hello").unwrap();
        let err = image_preview(txt.to_str().unwrap()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        let missing = image_preview("/nope/none.png").unwrap_err();
        assert_eq!(missing.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn files_that_never_end_are_refused_without_reading_them() {
        // /dev/zero reports a size of 0 and never ends: a read without a bound would hang.
        let err = image_preview("/dev/zero").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(
            err.message.contains("not a regular file"),
            "{}",
            err.message
        );
        let dir = tempfile::tempdir().unwrap();
        assert!(image_preview(dir.path().to_str().unwrap()).is_err());
    }

    #[test]
    fn an_image_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.png");
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.resize(MAX_IMAGE_BYTES + 1, 0);
        std::fs::write(&big, bytes).unwrap();
        let err = image_preview(big.to_str().unwrap()).unwrap_err();
        assert!(err.message.contains("larger than 20 MB"), "{}", err.message);
    }
}
