//! Listing photos kept on this machine. The window's CSP allows no remote content, so the core
//! fetches a listing's thumbnail once, checks that it is a PNG, JPEG, GIF or WebP image of at
//! most [`MAX_BYTES`], keeps it in SQLite and hands it to the UI as a `data:` URL. A photo that
//! could not be fetched is tried again after [`RETRY_AFTER`], not on every view, so an offline
//! seller does not wait for a timeout per question.

use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::error::{Error, Result};
use crate::store::{Store, parse_ts, ts};

/// The largest photo kept, in bytes (Mercado Libre's thumbnails are a few kilobytes).
pub const MAX_BYTES: usize = 512 * 1024;
/// How long a failed fetch is remembered before the photo is tried again.
pub const RETRY_AFTER: chrono::Duration = chrono::Duration::hours(1);
/// How long one fetch may take.
const TIMEOUT: Duration = Duration::from_secs(8);

/// Fetches and caches listing photos.
pub struct Photos {
    http: reqwest::Client,
}

impl Default for Photos {
    fn default() -> Self {
        Self::new()
    }
}

/// What the cache holds for a photo's address.
enum Cached {
    Photo { mime: String, bytes: Vec<u8> },
    FailedAt(DateTime<Utc>),
}

impl Photos {
    /// A fetcher with a short timeout and few redirects.
    pub fn new() -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(3))
            .user_agent(concat!("Mostrador/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self { http }
    }

    /// The listing's photo as a `data:` URL, fetched on first use; `None` when the listing has
    /// no photo or it cannot be had now.
    pub async fn for_listing(
        &self,
        store: &Store,
        item_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>> {
        let item = item_id.to_owned();
        let url: Option<String> = store
            .run(move |c| {
                Ok(c.query_row(
                    "SELECT thumbnail FROM listings WHERE id = ?1",
                    [item],
                    |r| r.get::<_, Option<String>>(0),
                )
                .optional()?
                .flatten())
            })
            .await?;
        let Some(url) = url else { return Ok(None) };
        let key = url.clone();
        let cached = store.run(move |c| cached(c, &key)).await?;
        match cached {
            Some(Cached::Photo { mime, bytes }) => return Ok(Some(data_url(&mime, &bytes))),
            Some(Cached::FailedAt(at)) if now - at < RETRY_AFTER => return Ok(None),
            _ => {}
        }
        let fetched = self.fetch(&url).await;
        let key = url.clone();
        match fetched {
            Ok((mime, bytes)) => {
                let out = data_url(mime, &bytes);
                store
                    .run(move |c| {
                        c.execute(
                            "INSERT OR REPLACE INTO listing_photos (url, mime, bytes, fetched_at)
                             VALUES (?1, ?2, ?3, ?4)",
                            params![key, mime, bytes, ts(now)],
                        )?;
                        Ok(())
                    })
                    .await?;
                Ok(Some(out))
            }
            Err(e) => {
                tracing::warn!(item_id, url, error = %e, "listing photo not fetched");
                store
                    .run(move |c| {
                        c.execute(
                            "INSERT OR REPLACE INTO listing_photos (url, mime, bytes, fetched_at)
                             VALUES (?1, NULL, NULL, ?2)",
                            params![key, ts(now)],
                        )?;
                        Ok(())
                    })
                    .await?;
                Ok(None)
            }
        }
    }

    /// GETs `url` and checks what came back is an image of a kind and size we keep.
    async fn fetch(&self, url: &str) -> Result<(&'static str, Vec<u8>)> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| Error::InvalidInput(format!("photo address {url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::InvalidInput(format!(
                "photo address {url:?} is not http(s)"
            )));
        }
        let mut response = self
            .http
            .get(parsed)
            .send()
            .await
            .map_err(|e| Error::offline("fetching a listing photo", Some(Box::new(e))))?;
        if !response.status().is_success() {
            return Err(Error::InvalidInput(format!(
                "the photo host answered {}",
                response.status()
            )));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Error::offline("fetching a listing photo", Some(Box::new(e))))?
        {
            if bytes.len() + chunk.len() > MAX_BYTES {
                return Err(Error::InvalidInput(format!(
                    "the photo is larger than {MAX_BYTES} bytes"
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        let mime = sniff(&bytes)
            .ok_or_else(|| Error::InvalidInput("not a PNG, JPEG, GIF or WebP image".into()))?;
        Ok((mime, bytes))
    }
}

fn cached(conn: &rusqlite::Connection, url: &str) -> Result<Option<Cached>> {
    let row: Option<(Option<String>, Option<Vec<u8>>, String)> = conn
        .query_row(
            "SELECT mime, bytes, fetched_at FROM listing_photos WHERE url = ?1",
            [url],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(match row {
        Some((Some(mime), Some(bytes), _)) => Some(Cached::Photo { mime, bytes }),
        Some((_, _, at)) => Some(Cached::FailedAt(parse_ts(&at)?)),
        None => None,
    })
}

/// The image type from the file's first bytes (the header a server sends is not trusted).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_images_by_their_first_bytes_only() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a.."), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn data_urls_carry_the_sniffed_type() {
        assert_eq!(data_url("image/png", b"ab"), "data:image/png;base64,YWI=");
    }
}
