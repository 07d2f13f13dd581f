//! Listing photos for the sandbox's image host: a small PNG per listing number, the same every
//! time (a tinted background with a round "product" in the middle), so the app has real images
//! to fetch, check and cache without reaching Mercado Libre.

/// Side of a photo, in pixels (Mercado Libre's `-I` thumbnails are about this size).
pub const SIDE: u32 = 90;

/// The PNG for `D_{number}-I.png`; `None` for any other name.
pub fn listing_photo(name: &str) -> Option<Vec<u8>> {
    let number: u64 = name
        .strip_prefix("D_")?
        .strip_suffix("-I.png")?
        .parse()
        .ok()?;
    Some(draw(number))
}

fn draw(number: u64) -> Vec<u8> {
    // A hue per listing, from the number's bits.
    let mix = number.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let base = [
        120 + (mix >> 8) as u8 % 100,
        120 + (mix >> 16) as u8 % 100,
        120 + (mix >> 24) as u8 % 100,
    ];
    let centre = SIDE as f32 / 2.0;
    let radius = SIDE as f32 * 0.3;
    let mut pixels = Vec::with_capacity((SIDE * SIDE * 3) as usize);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let (dx, dy) = (x as f32 - centre, y as f32 - centre * 1.1);
            let inside = dx * dx + dy * dy <= radius * radius;
            let shade = 1.0 - y as f32 / SIDE as f32 * 0.25;
            for c in base {
                let v = if inside {
                    (c as f32 * 0.45) as u8
                } else {
                    (c as f32 * shade + 40.0).min(255.0) as u8
                };
                pixels.push(v);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, SIDE, SIDE);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Encoding into memory cannot fail for a well-formed buffer of the declared size.
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(&pixels);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_png_per_listing_number_and_refuses_other_names() {
        let a = listing_photo("D_1400000001-I.png").expect("a photo");
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(listing_photo("D_1400000001-I.png"), Some(a.clone()));
        assert_ne!(listing_photo("D_1400000002-I.png"), Some(a));
        assert_eq!(listing_photo("../etc/passwd"), None);
        assert_eq!(listing_photo("D_12-I.jpg"), None);
    }
}
