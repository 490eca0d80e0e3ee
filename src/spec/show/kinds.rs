//! Which keys each figure and table kind takes (`per_kind.rs` has a type holding exactly
//! these), and the diagnostic for a key given to a kind that does not take it (naming the
//! kinds that do).

use super::options::OPTIONS;
use super::{FigureKind, ShowKind, TableKind};
use crate::yaml::{Map, YamlError, YamlErrorKind};

/// The keys a kind accepts: its own, then `figure:` or `table:`, `id` and `caption`.
pub(in crate::spec) fn keys(what: ShowKind) -> &'static [&'static str] {
    match what {
        ShowKind::Figure(FigureKind::Scatter) => &[
            "figure",
            "id",
            "caption",
            "x",
            "y",
            "title",
            "x-label",
            "y-label",
            "equal-aspect",
            "palette",
        ],
        ShowKind::Figure(FigureKind::DecisionRegions) => &[
            "figure",
            "id",
            "caption",
            "x",
            "y",
            "title",
            "x-label",
            "y-label",
            "grid",
            "equal-aspect",
            "weight-arrows",
            "arrow-scale",
            "palette",
        ],
        ShowKind::Figure(FigureKind::TrainingCurve) => {
            &["figure", "id", "caption", "metric", "title", "palette"]
        }
        ShowKind::Figure(FigureKind::RegressionFit) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "palette",
        ],
        ShowKind::Figure(FigureKind::ImageGrid) => {
            &["figure", "id", "caption", "count", "columns", "weights"]
        }
        ShowKind::Figure(FigureKind::ProbabilityMesh) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "grid", "palette",
        ],
        ShowKind::Figure(FigureKind::Evolution) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "grid", "frames",
            "gif", "palette",
        ],
        ShowKind::Figure(FigureKind::NetworkDiagram) => &[
            "figure",
            "id",
            "caption",
            "layers",
            "captions",
            "node-labels",
            "weights",
            "input",
            "values",
            "heatmaps",
            "x",
            "y",
            "palette",
        ],
        ShowKind::Figure(FigureKind::BoundaryHistory) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "grid", "frames",
            "palette",
        ],
        ShowKind::Figure(FigureKind::Sweep) => &[
            "figure", "id", "caption", "runs", "of", "columns", "x", "y", "grid", "title",
            "x-label", "y-label", "metric", "overlay", "palette",
        ],
        ShowKind::Figure(FigureKind::HiddenGrid) => &[
            "figure", "id", "caption", "x", "y", "grid", "title", "x-label", "y-label", "palette",
        ],
        ShowKind::Figure(FigureKind::Scatter3d) => &[
            "figure",
            "id",
            "caption",
            "title",
            "x-label",
            "y-label",
            "z-label",
            "view",
            "space",
            "plane",
            "plane-x",
            "plane-y",
            "plane-opacity",
            "opacity",
            "weight-arrows",
            "arrow-scale",
            "panels",
            "x",
            "y",
            "grid",
            "palette",
        ],
        ShowKind::Figure(FigureKind::UnitDecomposition | FigureKind::UnitOverlay) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "palette",
        ],
        ShowKind::Figure(FigureKind::ActivationCurve) => &[
            "figure",
            "id",
            "caption",
            "activation",
            "variants",
            "derivative",
            "x",
            "y",
            "title",
            "x-label",
            "y-label",
            "palette",
        ],
        ShowKind::Table(TableKind::Runs) => &["table", "id", "caption", "runs"],
        ShowKind::Table(TableKind::ForwardPass) => {
            &["table", "id", "caption", "input", "layer", "digits"]
        }
        ShowKind::Table(TableKind::Weights) => &["table", "id", "caption", "digits"],
        ShowKind::Table(TableKind::Backprop) => {
            &["table", "id", "caption", "input", "target", "digits"]
        }
        ShowKind::Table(_) => &["table", "id", "caption"],
    }
}

/// Every kind, figures first.
pub(super) fn all_kinds() -> impl Iterator<Item = ShowKind> {
    let figures = FigureKind::NAMES
        .iter()
        .filter_map(|n| FigureKind::from_name(n))
        .map(ShowKind::Figure);
    let tables = TableKind::NAMES
        .iter()
        .filter_map(|n| TableKind::from_name(n))
        .map(ShowKind::Table);
    figures.chain(tables)
}

/// Check an entry's keys against its kind. A key that another kind takes is named as such,
/// with the kinds that take it; any other key is unknown (with a did-you-mean hint).
pub(super) fn check_keys(map: &Map<'_>, what: ShowKind) -> Result<(), YamlError> {
    let allowed = keys(what);
    for key in map.keys() {
        let name = key.describe();
        if allowed.contains(&name.as_str()) || !OPTIONS.iter().any(|o| o.key == name) {
            continue;
        }
        let takers: Vec<&str> = all_kinds()
            .filter(|k| keys(*k).contains(&name.as_str()))
            .map(ShowKind::name)
            .collect();
        return Err(YamlError::at(
            key,
            YamlErrorKind::UnknownKey,
            format!("`{}` does not take `{name}`", what.name()),
        )
        .hint(format!("`{name}` is an option of {}", takers.join(", "))));
    }
    map.check_keys(allowed)
}

#[cfg(test)]
mod tests {
    use super::super::options::BASE_KEYS;
    use super::*;

    #[test]
    fn every_key_a_kind_takes_has_one_parser() {
        for kind in all_kinds() {
            for key in keys(kind) {
                let defs = OPTIONS.iter().filter(|o| o.key == *key).count();
                let base = BASE_KEYS.contains(key);
                assert!(
                    (defs == 1 && !base) || (defs == 0 && base),
                    "`{key}` of `{}` has {defs} parsers",
                    kind.name()
                );
            }
        }
        for opt in OPTIONS {
            assert!(
                all_kinds().any(|k| keys(k).contains(&opt.key)),
                "no kind takes `{}`",
                opt.key
            );
        }
    }
}
