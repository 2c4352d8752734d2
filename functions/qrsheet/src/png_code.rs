//! One table's code as a PNG: 8-bit grey, the quiet zone included.

use crate::QUIET_ZONE_MODULES;
use qrcode::{Color, QrCode};

/// Pixels per module: a 37-module code is 720 px, 6.1 cm at 300 dpi.
pub const PIXELS_PER_MODULE: usize = 16;
/// 300 dots per inch, in the pixels per metre PNG's pHYs chunk wants.
const PIXELS_PER_METRE_AT_300_DPI: u32 = 11_811;

pub fn render(code: &QrCode) -> Result<Vec<u8>, png::EncodingError> {
    let modules = code.width();
    let side_modules = modules + 2 * QUIET_ZONE_MODULES;
    let side = side_modules * PIXELS_PER_MODULE;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; side * side];
    for (y, row) in colors.chunks(modules).enumerate() {
        for (x, color) in row.iter().enumerate() {
            if *color != Color::Dark {
                continue;
            }
            let left = (x + QUIET_ZONE_MODULES) * PIXELS_PER_MODULE;
            let top = (y + QUIET_ZONE_MODULES) * PIXELS_PER_MODULE;
            for line in top..top + PIXELS_PER_MODULE {
                pixels[line * side + left..line * side + left + PIXELS_PER_MODULE].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: PIXELS_PER_METRE_AT_300_DPI,
            yppu: PIXELS_PER_METRE_AT_300_DPI,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
        writer.finish()?;
    }
    Ok(out)
}
