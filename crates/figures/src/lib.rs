//! Figures: each kind in its own file, drawn with plotters' SVG backend (axes, ticks, labels)
//! plus compact data layers of our own (one path per class, one small circle per point), then
//! post-processed for accessibility (`<title>`, `<desc>`, `role="img"`) and determinism.
//! This crate takes plain data and returns SVG text; nnbook's `show` stage feeds it from
//! experiment results. It knows no files, pages or command line, and builds for wasm32.

mod axes3d;
pub mod colour;
mod curve;
mod evolution;
mod frame;
mod images;
mod key;
mod lines;
mod mesh;
mod network;
#[doc(hidden)]
pub mod overlap;
mod panels;
mod place;
mod regions;
mod scatter;
mod scatter3d;
pub mod style;
mod svg;

pub use curve::{CurveOptions, Series, training_curve};
pub use evolution::{Evolution, EvolutionOptions, Frame, evolution};
pub use images::{Gray, image_grid};
pub use key::Key;
pub use lines::{Dots, Line, PlotOptions, line_plot};
pub use mesh::{Field, MeshOptions, boundary_history, png as field_png, probability_mesh};
pub use network::{Column, EdgeLabels, network};
pub use panels::{is_key, panel_grid, panel_grid_keyed, split as split_panels};
pub use place::{Swatch, legends_held};
pub use regions::{Arrow, ClassGrid, RegionOptions, decision_regions};
pub use scatter::{ScatterOptions, scatter};
pub use scatter3d::{Arrow3, Plane, Scatter3Options, View, scatter3d};
pub use svg::escape_xml;

/// Rasterising for the tests that check pixels (resvg, no fonts: they look at shapes only).
#[cfg(test)]
mod testing {
    use resvg::{tiny_skia, usvg};

    pub struct Image {
        pub width: u32,
        pub height: u32,
        pixmap: tiny_skia::Pixmap,
    }

    impl Image {
        pub fn rgba(&self) -> &[u8] {
            self.pixmap.data()
        }
    }

    pub fn render(svg: &str) -> Image {
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).expect("valid SVG");
        let size = tree.size().to_int_size();
        let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).expect("size");
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        Image {
            width: size.width(),
            height: size.height(),
            pixmap,
        }
    }
}

/// The accessible name and description of a figure; `id` makes element ids unique and stable.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    pub id: String,
    pub title: String,
    pub desc: String,
}

/// A class of points: its legend name and an optional colour (else the palette's).
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub name: String,
    pub color: Option<String>,
}

/// Why a figure cannot be drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureError(pub String);

impl std::fmt::Display for FigureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FigureError {}

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>>
    for FigureError
{
    fn from(e: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        FigureError(format!("drawing failed: {e}"))
    }
}
