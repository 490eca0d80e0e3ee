//! The book's look (INVENTORY §0): matplotlib's named colours for classes and regions.

/// Point colours by class index: red, blue, green, orange.
pub const MARKERS: [&str; 4] = ["#ff0000", "#0000ff", "#008000", "#ffa500"];
/// Region backgrounds by class index: lightsalmon, aqua, lightgreen, yellow.
pub const REGIONS: [&str; 4] = ["#ffa07a", "#00ffff", "#90ee90", "#ffff00"];
/// matplotlib's default line colour.
pub const LINE: &str = "#1f77b4";
/// Text and axes.
pub const INK: &str = "#000000";
/// Font stack written into SVG text (the rasteriser maps it to the bundled DejaVu Sans).
pub const FONT: &str = "DejaVu Sans, sans-serif";

/// The colour of class `k` (cycling past the palette).
pub fn marker(k: usize) -> &'static str {
    MARKERS[k % MARKERS.len()]
}

/// The region colour of class `k`.
pub fn region(k: usize) -> &'static str {
    REGIONS[k % REGIONS.len()]
}
