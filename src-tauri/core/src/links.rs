//! Which web addresses the app opens in the system browser: only `https` pages on Mercado
//! Libre's own hosts (a listing's permalink, the developers' site). Addresses come from synced
//! data a third party wrote, so the check is strict: scheme, host and port, nothing looser.

use crate::error::{Error, Result};

/// Mercado Libre's registrable domains, one per site plus the global one.
const DOMAINS: &[&str] = &[
    "mercadolibre.com",
    "mercadolibre.com.ar",
    "mercadolivre.com.br",
    "mercadolibre.com.mx",
    "mercadolibre.cl",
    "mercadolibre.com.co",
    "mercadolibre.com.uy",
    "mercadolibre.com.pe",
    "mercadolibre.com.ec",
    "mercadolibre.com.ve",
];

/// `url` when it is an `https` address on Mercado Libre's own hosts; a refusal otherwise.
pub fn marketplace_page(url: &str) -> Result<url::Url> {
    let refused = || Error::InvalidInput(format!("only Mercado Libre pages are opened: {url}"));
    let parsed = url::Url::parse(url.trim()).map_err(|_| refused())?;
    if parsed.scheme() != "https"
        || !parsed.username().is_empty()
        || parsed.password().is_some()
        || parsed.port().is_some()
    {
        return Err(refused());
    }
    let Some(url::Host::Domain(host)) = parsed.host() else {
        return Err(refused());
    };
    let host = host.to_ascii_lowercase();
    let ours = DOMAINS
        .iter()
        .any(|d| host == *d || host.strip_suffix(d).is_some_and(|p| p.ends_with('.')));
    if ours { Ok(parsed) } else { Err(refused()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_only_https_pages_on_mercado_libre_hosts() {
        for ok in [
            "https://articulo.mercadolibre.com.ar/MLA-123-taza-_JM",
            "https://produto.mercadolivre.com.br/MLB-1",
            "https://developers.mercadolibre.com.ar/devcenter",
            "https://www.mercadolibre.com.mx/",
            "https://mercadolibre.cl",
        ] {
            assert!(marketplace_page(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://articulo.mercadolibre.com.ar/MLA-1",
            "https://mercadolibre.com.ar.evil.example/x",
            "https://evilmercadolibre.com.ar/x",
            "https://user@articulo.mercadolibre.com.ar/x",
            "https://articulo.mercadolibre.com.ar:8443/x",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://127.0.0.1/x",
            "tauri://localhost",
            "not a url",
        ] {
            assert!(
                matches!(marketplace_page(bad), Err(Error::InvalidInput(_))),
                "{bad}"
            );
        }
    }
}
