//! A `vary:` family trains every member, so the book's work limit bounds the family as a
//! whole, checked before any member trains.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::config::Limits;
use crate::content::Chapter;
use crate::datasets::{Resolution, Role};
use crate::diag::Diagnostic;
use crate::spec::{Block, Experiment};

use super::{Outcome, data, estimate};

/// The families past the work limit: an error for each (given to its first member) and the
/// ids of all their members, which do not train. Members whose data differ are checked one by
/// one, as any experiment is.
pub(super) fn over_limit(
    todo: &[(&Chapter, &Block, &Experiment)],
    sources: &Resolution,
    data_dirs: &[PathBuf],
    limits: &Limits,
) -> (Vec<(String, Outcome)>, BTreeSet<String>) {
    let mut families: BTreeMap<&str, Vec<(&Chapter, &Block, &Experiment)>> = BTreeMap::new();
    for &(c, b, e) in todo {
        if let Some(m) = b.member_of.as_ref().filter(|m| !m.varies_data) {
            families
                .entry(m.family.as_str())
                .or_default()
                .push((c, b, e));
        }
    }
    let mut failed = Vec::new();
    let mut skip = BTreeSet::new();
    for (family, members) in families {
        let Some(&(ch, first, exp)) = members.first() else {
            continue;
        };
        // The members share their data, so one member's tells every member's size.
        let Ok(prepared) = data::prepare(
            &exp.data,
            sources.get(&first.id, Role::Data),
            None,
            exp.model.as_ref(),
            exp.train.as_ref(),
            data_dirs,
        ) else {
            continue;
        };
        let (inputs, samples) = (prepared.x.ncols(), prepared.x.nrows());
        let work: f64 = members
            .iter()
            .filter_map(|(_, _, e)| Some((e.model.as_ref()?, e.train.as_ref()?)))
            .map(|(m, t)| {
                let layers: Vec<usize> = m.layers.iter().map(|l| l.units).collect();
                estimate(inputs, &layers, samples, t.batch, t.epochs).work
            })
            .sum();
        if work <= limits.work {
            continue;
        }
        let Some(m) = &first.member_of else {
            continue;
        };
        let d = Diagnostic::error(
            "E030",
            format!(
                "the {} experiments of `{family}` would cost {work:.3e} parameter-sample-epochs together, more than the limit of {:.3e}",
                members.len(),
                limits.work
            ),
        )
        .at(m.vary.clone())
        .hint(format!(
            "list fewer values, or raise the limit in book.yaml: `limits: {{work: {work:.3e}}}`"
        ))
        .with_source(&ch.text);
        failed.push((first.id.clone(), Outcome::Failed(d)));
        skip.extend(members.iter().map(|(_, b, _)| b.id.clone()));
    }
    (failed, skip)
}
