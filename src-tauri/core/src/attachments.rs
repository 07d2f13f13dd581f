//! Files sent with a post-sale message (an invoice PDF, a photo of the parcel): checked against
//! Mercado Libre's rules (at most 25 MB; JPG, PNG, PDF or TXT) before anything is queued, kept
//! in the app's data folder from the moment the message is queued until it lands (a restart or
//! a retry uploads the same file), then removed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// The largest file Mercado Libre accepts, in bytes.
pub const MAX_BYTES: usize = 25 * 1024 * 1024;

/// A file the seller attaches, as the UI sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export, export_to = "AttachmentUpload.ts")]
pub struct AttachmentUpload {
    /// The file's name as the seller picked it.
    pub name: String,
    /// Its bytes, base64-encoded.
    pub data_base64: String,
}

/// A kept file of a queued message (in the outbox row's payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Where it is kept until the message lands.
    pub path: String,
    /// The name the buyer sees.
    pub name: String,
    /// The site the upload is for (Mercado Libre asks for it).
    pub site_id: String,
}

/// The media type of an accepted file name, or why it is refused.
pub fn media_type(name: &str) -> Result<&'static str> {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => Ok("image/jpeg"),
        "png" => Ok("image/png"),
        "pdf" => Ok("application/pdf"),
        "txt" => Ok("text/plain"),
        _ => Err(Error::InvalidInput(format!(
            "Mercado Libre accepts JPG, PNG, PDF or TXT files, not {name:?}"
        ))),
    }
}

/// A name safe to keep on disk: letters, digits, dots, dashes and underscores.
fn safe_name(name: &str) -> String {
    let base = Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("archivo");
    base.chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Checks `upload` and keeps its bytes under `dir`; the kept file's path and the name the
/// buyer sees.
pub fn keep(dir: &Path, upload: &AttachmentUpload) -> Result<(PathBuf, String)> {
    use base64::Engine;
    media_type(&upload.name)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(upload.data_base64.as_bytes())
        .map_err(|e| Error::InvalidInput(format!("the file could not be read: {e}")))?;
    if bytes.is_empty() {
        return Err(Error::InvalidInput(format!("{:?} is empty", upload.name)));
    }
    if bytes.len() > MAX_BYTES {
        return Err(Error::InvalidInput(format!(
            "{:?} has {:.1} MB; Mercado Libre accepts at most 25 MB",
            upload.name,
            bytes.len() as f64 / 1_048_576.0
        )));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::internal("cannot create the attachments folder", Some(Box::new(e))))?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    // The buyer sees the file's own name (without any folders); the kept copy a safe one.
    let shown = Path::new(&upload.name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("archivo")
        .to_owned();
    let path = dir.join(format!("{stamp}-{}", safe_name(&shown)));
    std::fs::write(&path, &bytes)
        .map_err(|e| Error::internal("cannot keep the attachment", Some(Box::new(e))))?;
    Ok((path, shown))
}

/// Removes a kept file once its message landed (a missing one is fine).
pub fn discard(path: &str) {
    if let Err(e) = std::fs::remove_file(path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %e, "a sent attachment could not be removed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn upload(name: &str, bytes: &[u8]) -> AttachmentUpload {
        AttachmentUpload {
            name: name.into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    #[test]
    fn mercado_libres_types_and_size_are_checked_before_anything_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (path, shown) = keep(dir.path(), &upload("Factura A 0001.PDF", b"%PDF-1.4")).unwrap();
        assert_eq!(shown, "Factura A 0001.PDF");
        assert!(
            path.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .ends_with("-Factura_A_0001.PDF")
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.4");
        assert!(keep(dir.path(), &upload("virus.exe", b"MZ")).is_err());
        assert!(keep(dir.path(), &upload("vacio.txt", b"")).is_err());
        let big = vec![0u8; MAX_BYTES + 1];
        let err = keep(dir.path(), &upload("foto.jpg", &big)).unwrap_err();
        assert!(err.to_string().contains("25 MB"), "{err}");
        // A name cannot climb out of the folder.
        let (path, shown) = keep(dir.path(), &upload("../../etc/x.txt", b"hola")).unwrap();
        assert!(path.starts_with(dir.path()));
        assert_eq!(shown, "x.txt");
        discard(&path.display().to_string());
        assert!(!path.exists());
    }
}
