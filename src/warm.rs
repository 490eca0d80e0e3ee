//! Figures and tables kept from earlier builds. Each is stored in the cache under the hash of
//! everything it is made from: the program that drew it, the palette, the item as written
//! (kind, options, caption), its number, its block's YAML and chapter, and the cache key of
//! every experiment it shows (its block's, and any other the options name, such as a sweep's
//! runs). A warm build takes them from there and, when every item of an experiment is there,
//! neither reads its data nor loads its model.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::content::Chapter;
use crate::diag::display_path;
use crate::run::Cache;
use crate::show::{Markup, Shown};
use crate::spec::{Block, Show};

/// What identifies the running program: a rebuilt nnbook may draw differently while its
/// version stays the same, so its executable's size and time are part of every item's key.
pub fn program() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok());
    let (len, modified) = exe.map_or((0, None), |m| (m.len(), m.modified().ok()));
    let modified = modified
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("nnbook {} exe {len} {modified}", crate::VERSION)
}

/// The strings of a JSON value, recursively.
fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        Value::Object(o) => o.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The key of one shown item (None: it cannot be keyed, so it is always made).
pub fn item_key(
    program: &str,
    palette: &str,
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    keys: &BTreeMap<String, String>,
) -> Option<Vec<u8>> {
    let item = serde_json::to_value(show).ok()?;
    let mut named = Vec::new();
    strings(&item, &mut named);
    named.push(&block.id);
    named.sort_unstable();
    named.dedup();
    let experiments: Vec<String> = named
        .into_iter()
        .filter_map(|id| Some(format!("{id} {}", keys.get(id)?)))
        .collect();
    let text = format!(
        "{program}\npalette {palette}\nitem {item}\nnumber {number}\nblock {}\nchapter {}\nsource {}\nexperiments {}\n",
        block.id,
        display_path(&ch.source),
        block.source,
        experiments.join(", ")
    );
    Some(text.into_bytes())
}

/// The theme templates shown items name (the cache stores the name).
const TEMPLATES: [&str; 4] = ["figure.html", "animation.html", "table.html", "notice.html"];

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn take<'a>(input: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = input.split_at_checked(8)?;
    let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
    let (bytes, rest) = rest.split_at_checked(len)?;
    *input = rest;
    Some(bytes)
}

fn take_str(input: &mut &[u8]) -> Option<String> {
    String::from_utf8(take(input)?.to_vec()).ok()
}

fn encode(shown: &Shown) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let markup = shown.markup();
    match shown {
        Shown::Figure {
            id,
            file,
            svg,
            extra,
            ..
        } => {
            put(&mut out, b"figure");
            put(&mut out, id.as_bytes());
            put(&mut out, file.as_bytes());
            put(&mut out, svg.as_bytes());
            put(&mut out, &(extra.len() as u64).to_le_bytes());
            for (path, bytes) in extra {
                put(&mut out, path.as_bytes());
                put(&mut out, bytes);
            }
        }
        Shown::Table { id, .. } => {
            put(&mut out, b"table");
            put(&mut out, id.as_bytes());
        }
        // A notice says what is missing on this machine now: always made again.
        Shown::Notice { .. } => return None,
    }
    put(&mut out, markup.template.as_bytes());
    put(
        &mut out,
        serde_json::to_string(&markup.context).ok()?.as_bytes(),
    );
    Some(out)
}

fn decode(mut input: &[u8]) -> Option<Shown> {
    let input = &mut input;
    let kind = take(input)?;
    let shown = match kind {
        b"figure" => {
            let id = take_str(input)?;
            let file = take_str(input)?;
            let svg = take_str(input)?;
            let n = u64::from_le_bytes(take(input)?.try_into().ok()?);
            let mut extra = Vec::new();
            for _ in 0..n {
                extra.push((take_str(input)?, take(input)?.to_vec()));
            }
            Shown::Figure {
                id,
                file,
                svg,
                extra,
                markup: markup(input)?,
            }
        }
        b"table" => Shown::Table {
            id: take_str(input)?,
            markup: markup(input)?,
        },
        _ => return None,
    };
    input.is_empty().then_some(shown)
}

fn markup(input: &mut &[u8]) -> Option<Markup> {
    let name = take(input)?;
    let template = TEMPLATES.into_iter().find(|t| t.as_bytes() == name)?;
    let context = serde_json::from_slice(take(input)?).ok()?;
    Some(Markup { template, context })
}

/// The item stored under `key`, if present and intact.
pub fn load(cache: &Cache, key: &[u8]) -> Option<Shown> {
    decode(&cache.get_blob(&[b"shown", key], "item")?)
}

/// Store an item under `key` (notices are not stored).
pub fn store(cache: &Cache, key: &[u8], shown: &Shown) {
    // Only what reads back the same (a float in the context might not) is kept.
    if let Some(bytes) = encode(shown)
        && decode(&bytes).is_some_and(|back| back.markup() == shown.markup())
    {
        cache.put_blob(&[b"shown", key], "item", &bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_read_back_as_they_were_and_damage_is_refused() {
        let figure = Shown::Figure {
            id: "f".into(),
            file: "figures/f.svg".into(),
            svg: "<svg/>".into(),
            markup: Markup {
                template: "animation.html",
                context: json!({"figure": {"id": "f", "n": 1.5}}),
            },
            extra: vec![("figures/f.gif".into(), vec![0, 1, 255])],
        };
        let table = Shown::Table {
            id: "t".into(),
            markup: Markup {
                template: "table.html",
                context: json!({"rows": [["a", "b"]]}),
            },
        };
        for item in [figure, table] {
            let bytes = encode(&item).unwrap();
            let back = decode(&bytes).unwrap();
            assert_eq!(format!("{back:?}"), format!("{item:?}"));
            assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        }
        let notice = Shown::Notice {
            markup: Markup {
                template: "notice.html",
                context: json!({}),
            },
        };
        assert!(encode(&notice).is_none());
    }
}
