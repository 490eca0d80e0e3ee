//! `vary:` sweeps: one block that stands for a family of experiments, one per combination of
//! the listed values. The block is expanded on its YAML tree, before anything is parsed into a
//! spec, so each member is exactly the block an author would have written out by hand (and
//! gets the same cache key); a value's errors point at the value in the `vary:` list.

use std::collections::BTreeMap;

use super::{
    Block, BlockSource, FigureKind, ShowKind, TableKind, block_from, parse_id, parse_show,
};
use crate::diag::Location;
use crate::yaml::{Node, Value, YamlError, YamlErrorKind};

/// Short names for the settings a sweep varies most (the first layer is the hidden one).
pub(super) const SHORTCUTS: &[(&str, &str)] = &[
    ("units", "model.1.dense"),
    ("activation", "model.1.activation"),
];

/// The shortcuts' names, for the guide's check.
pub(super) const SHORTCUT_NAMES: &[&str] = &["units", "activation"];

/// Most members a family may have (the runs table lists at most 100 experiments too).
pub const MAX_MEMBERS: usize = 100;

/// Where a member came from: its family's id and the family's `vary:` key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberOf {
    pub family: String,
    pub vary: Location,
    /// Whether the members' data differ (then each member's cost is checked on its own).
    pub varies_data: bool,
}

/// One varied setting: where it goes in the block and its values.
struct Setting<'a> {
    path: Vec<String>,
    values: &'a [Node],
}

/// Expand a block with `vary:` into its members (each a whole experiment, showing nothing)
/// followed by the family's own block, which shows the family's sweep figures and runs tables.
pub(super) fn expand(
    root: &Node,
    vary: &Node,
    src: &BlockSource<'_>,
) -> Result<Vec<Block>, YamlError> {
    let map = root.as_map()?;
    let id_node = map
        .require("id")
        .map_err(|e| e.hint("a family needs an id; its members are named after it"))?;
    let id = parse_id(id_node)?;
    if map.get("data").is_none() {
        return Err(YamlError::at(
            vary,
            YamlErrorKind::Invalid,
            "`vary` needs an experiment to vary",
        )
        .hint("give the block `data:`, `model:` and `train:`, then list the values to try"));
    }
    let settings = settings(root, vary)?;
    let count = settings
        .iter()
        .try_fold(1usize, |n, s| n.checked_mul(s.values.len()))
        .unwrap_or(usize::MAX);
    if count > MAX_MEMBERS {
        return Err(YamlError::at(
            vary,
            YamlErrorKind::Invalid,
            format!("`vary` makes {count} experiments, more than {MAX_MEMBERS}"),
        )
        .hint("vary fewer settings or list fewer values; every combination is trained"));
    }
    let varies_data = settings
        .iter()
        .any(|s| s.path[0] == "data" || s.path[0] == "validate");
    let member_of = MemberOf {
        family: id.clone(),
        vary: src.loc(vary),
        varies_data,
    };
    let mut blocks = Vec::with_capacity(count + 1);
    let mut members = Vec::with_capacity(count);
    for combo in combinations(&settings) {
        let mut member = root.clone();
        let mut name = id.clone();
        for (s, value) in settings.iter().zip(&combo) {
            name.push('-');
            name.push_str(&value.describe());
            set(&mut member, &s.path, value);
        }
        let name_node = Node {
            value: Value::Str(name),
            ..(*combo.last().unwrap_or(&id_node)).clone()
        };
        let name = parse_id(&name_node).map_err(|e| {
            e.hint("a member's id is the family's id and its values joined by `-`: use values made of letters, digits, `.` and `-`")
        })?;
        if let Value::Map(entries) = &mut member.value {
            entries
                .retain(|(k, _)| !matches!(&k.value, Value::Str(s) if s == "vary" || s == "show"));
            for (k, v) in entries.iter_mut() {
                if matches!(&k.value, Value::Str(s) if s == "id") {
                    v.value = Value::Str(name.clone());
                }
            }
        }
        let mut block = block_from(&member, src)?;
        block.member_of = Some(member_of.clone());
        members.push(name);
        blocks.push(block);
    }
    let show = match map.get("show") {
        Some(n) => parse_show(n, &id, src)?,
        None => Vec::new(),
    };
    let mut family_show = Vec::with_capacity(show.len());
    let items = map
        .get("show")
        .map(Node::as_seq)
        .transpose()?
        .unwrap_or(&[]);
    for (mut s, node) in show.into_iter().zip(items) {
        if !matches!(
            s.what,
            ShowKind::Figure(FigureKind::Sweep) | ShowKind::Table(TableKind::Runs)
        ) {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                format!("a `vary:` block shows its family, not `{}`", s.what.name()),
            )
            .hint(format!(
                "show `sweep` figures and `runs` tables here; show one member with a block `use: {}`",
                members.first().map_or("ID", String::as_str)
            )));
        }
        if let Some(runs @ None) = s.options.runs_mut() {
            *runs = Some(members.clone());
        }
        family_show.push(s);
    }
    blocks.push(Block {
        id,
        experiment: None,
        uses: false,
        show: family_show,
        live: None,
        location: src.loc(id_node),
        source: String::new(),
        member_of: None,
    });
    Ok(blocks)
}

/// Read `vary:`: a mapping from settings to non-empty lists of distinct scalar values.
fn settings<'a>(root: &Node, vary: &'a Node) -> Result<Vec<Setting<'a>>, YamlError> {
    let map = vary.as_map().map_err(|e| {
        e.hint("list the values of each setting, e.g. `vary: {units: [1, 2, 4, 8]}`")
    })?;
    if map.entries().is_empty() {
        return Err(
            YamlError::at(vary, YamlErrorKind::Invalid, "`vary` is empty")
                .hint("list the values of a setting, e.g. `vary: {units: [1, 2, 4, 8]}`"),
        );
    }
    let mut out = Vec::new();
    for (key, list) in map.entries() {
        let name = key.describe();
        let path = resolve(root, key, &name)?;
        let values = list.as_seq().map_err(|e| {
            e.hint(format!(
                "list the values to try, e.g. `{name}: [{}]`",
                example(&path)
            ))
        })?;
        if values.is_empty() {
            return Err(YamlError::at(
                list,
                YamlErrorKind::Invalid,
                format!("`{name}` lists no values"),
            )
            .hint(format!(
                "list the values to try, e.g. `{name}: [{}]`",
                example(&path)
            )));
        }
        let mut seen: BTreeMap<String, &Node> = BTreeMap::new();
        for v in values {
            if matches!(v.value, Value::Seq(_) | Value::Map(_) | Value::Null) {
                return Err(YamlError::at(
                    v,
                    YamlErrorKind::Invalid,
                    format!("expected a single value, found {}", v.type_name()),
                )
                .hint("each value names a member, so it is a number, a name or true/false"));
            }
            if let Some(first) = seen.insert(v.describe(), v) {
                return Err(YamlError::at(
                    v,
                    YamlErrorKind::Invalid,
                    format!("`{}` is listed twice for `{name}`", v.describe()),
                )
                .hint(format!(
                    "it is first listed at column {}; each value makes one member, list it once",
                    first.col
                )));
            }
        }
        out.push(Setting { path, values });
    }
    Ok(out)
}

/// The path a setting's name stands for, checked against the block: `units`, `activation`,
/// `data.KEY`, `validate.KEY`, `train.KEY` or `model.N.KEY` (N counts layers from 1).
fn resolve(root: &Node, key: &Node, name: &str) -> Result<Vec<String>, YamlError> {
    let full = SHORTCUTS
        .iter()
        .find(|(short, _)| *short == name)
        .map_or(name, |(_, long)| long);
    let parts: Vec<String> = full.split('.').map(str::to_string).collect();
    let unknown = |why: String| {
        YamlError::at(key, YamlErrorKind::UnknownKey, why).hint(
            "vary `units` or `activation` (the first layer's), or a key of the block: \
             `train.lr`, `data.seed`, `model.2.dense`, ...",
        )
    };
    let map = root.as_map()?;
    let (section, keys): (&str, &[&str]) = match parts.first().map(String::as_str) {
        Some("data") => ("data", super::data::DATA_KEYS),
        Some("validate") => ("validate", super::data::DATA_KEYS),
        Some("train") => ("train", super::train::TRAIN_KEYS),
        Some("model") => ("model", super::model::LAYER_KEYS),
        _ => {
            let hint = if super::train::TRAIN_KEYS.contains(&name) {
                format!("`{name}` is a key of `train:`: write `train.{name}`")
            } else if super::data::DATA_KEYS.contains(&name) {
                format!("`{name}` is a key of `data:`: write `data.{name}`")
            } else {
                format!(
                    "{} (other settings are named by their place in the block: `train.lr`, `data.seed`, `model.2.dense`)",
                    crate::diag::did_you_mean(name, SHORTCUT_NAMES)
                )
            };
            return Err(YamlError::at(
                key,
                YamlErrorKind::UnknownKey,
                format!("unknown setting `{name}`"),
            )
            .hint(hint));
        }
    };
    let Some(target) = map.get(section) else {
        return Err(unknown(format!(
            "`{name}` varies `{section}`, which this block does not have"
        )));
    };
    let (last, at) = if section == "model" {
        let (Some(n), Some(last), 3) = (parts.get(1), parts.get(2), parts.len()) else {
            return Err(unknown(format!(
                "`{name}` names no layer setting: write `model.N.KEY`"
            )));
        };
        let layers = match &target.value {
            Value::Seq(l) => l,
            _ => {
                return Err(unknown(format!(
                    "`{name}` needs `model:` to be a list of layers"
                )));
            }
        };
        let k = n
            .parse::<usize>()
            .ok()
            .filter(|k| (1..=layers.len()).contains(k));
        let Some(k) = k else {
            return Err(unknown(format!(
                "`{name}`: the model has layers 1 to {}",
                layers.len()
            )));
        };
        (last, &layers[k - 1])
    } else {
        let (Some(last), 2) = (parts.get(1), parts.len()) else {
            return Err(unknown(format!(
                "`{name}` names no setting: write `{section}.KEY`"
            )));
        };
        (last, target)
    };
    if !keys.contains(&last.as_str()) {
        return Err(YamlError::at(
            key,
            YamlErrorKind::UnknownKey,
            format!("unknown setting `{name}`"),
        )
        .hint(crate::diag::did_you_mean(last, keys)));
    }
    if !matches!(at.value, Value::Map(_)) {
        return Err(unknown(format!(
            "`{name}` needs a mapping to set `{last}` in"
        )));
    }
    Ok(parts)
}

fn example(path: &[String]) -> &'static str {
    match path.last().map(String::as_str) {
        Some("dense") => "1, 2, 4, 8",
        Some("activation") => "relu, tanh",
        Some("lr") => "0.1, 0.01",
        _ => "1, 2, 3",
    }
}

/// Every combination, the first setting varying slowest (as the ids read).
fn combinations<'a>(settings: &[Setting<'a>]) -> Vec<Vec<&'a Node>> {
    let mut out: Vec<Vec<&Node>> = vec![Vec::new()];
    for s in settings {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                s.values.iter().map(move |v| {
                    let mut c = prefix.clone();
                    c.push(v);
                    c
                })
            })
            .collect();
    }
    out
}

/// Put `value` at `path` in the block (the key is added when the block leaves it out).
fn set(root: &mut Node, path: &[String], value: &Node) {
    let mut at = root;
    let mut rest = path;
    while let Some((first, tail)) = rest.split_first() {
        let next = match &mut at.value {
            Value::Map(entries) => {
                let pos = entries
                    .iter()
                    .position(|(k, _)| matches!(&k.value, Value::Str(s) if s == first));
                match pos {
                    Some(i) => &mut entries[i].1,
                    None => {
                        let key = Node {
                            value: Value::Str(first.clone()),
                            ..value.clone()
                        };
                        entries.push((key, value.clone()));
                        let last = entries.len() - 1;
                        &mut entries[last].1
                    }
                }
            }
            Value::Seq(items) => match first.parse::<usize>() {
                Ok(k) if (1..=items.len()).contains(&k) => &mut items[k - 1],
                _ => return,
            },
            _ => return,
        };
        at = next;
        rest = tail;
    }
    *at = value.clone();
}

/// Each family's id with its members' ids, in order.
pub fn families<'a>(blocks: impl Iterator<Item = &'a Block>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for b in blocks {
        if let Some(m) = &b.member_of {
            out.entry(m.family.clone()).or_default().push(b.id.clone());
        }
    }
    out
}

/// Replace every family id in a block's `runs:` lists by the family's members, in order.
pub fn expand_runs(block: &mut Block, families: &BTreeMap<String, Vec<String>>) {
    for show in &mut block.show {
        if let Some(Some(runs)) = show.options.runs_mut() {
            *runs = runs
                .iter()
                .flat_map(|r| families.get(r).cloned().unwrap_or_else(|| vec![r.clone()]))
                .collect();
        }
    }
}
