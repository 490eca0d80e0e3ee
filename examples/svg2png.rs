//! Render SVG figures to PNG with nnbook's rasteriser (bundled font), to look at them:
//! `cargo run --release --example svg2png -- figure.svg [more.svg …]` writes `figure.png` beside
//! each.

fn main() {
    for path in std::env::args().skip(1) {
        let result = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|svg| nnbook::raster::render(&svg, 1.0))
            .and_then(|img| img.png())
            .and_then(|png| {
                std::fs::write(std::path::Path::new(&path).with_extension("png"), png)
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = result {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
