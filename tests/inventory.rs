//! The sample book against INVENTORY.md: every figure, table, equation and worked number the
//! inventory lists is in the manifest of a build, parameter counts match Keras's, and the
//! worked forward pass prints the inventory's numbers.

mod common;

use common::{TempDir, copy_dir, nnbook_env, read};
use std::path::Path;

/// The inventory's ids (a copy, so a fresh clone can run this; checked against
/// ../shared/reference/INVENTORY.md whenever that is beside the repository).
fn inventory_ids() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ids: Vec<String> = read(root.join("tests/data/inventory-ids.txt"))
        .lines()
        .map(str::to_string)
        .collect();
    let shared = root.join("../shared/reference/INVENTORY.md");
    if let Ok(text) = std::fs::read_to_string(&shared) {
        let mut from_source: Vec<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("| "))
            .filter_map(|l| l.split(" |").next())
            .filter(|id| {
                ["leo-", "bagheri-", "ann-"]
                    .iter()
                    .any(|p| id.starts_with(p))
                    && !id.contains(' ')
            })
            .map(str::to_string)
            .collect();
        from_source.sort();
        from_source.dedup();
        assert_eq!(
            from_source, ids,
            "tests/data/inventory-ids.txt is out of date"
        );
    } else {
        println!(
            "note: {} not found; using the committed id list",
            shared.display()
        );
    }
    ids
}

/// Build a copy of the sample book without MNIST (its entries are then "skipped", still listed).
fn sample_manifest() -> (TempDir, serde_json::Value) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let book = TempDir::new("sample");
    copy_dir(&root.join("content"), &book.path().join("content"));
    std::fs::copy(root.join("book.yaml"), book.path().join("book.yaml")).unwrap();
    let run = nnbook_env(
        &["build", "--root", book.path().to_str().unwrap()],
        &[("NNBOOK_DATA_DIR", None)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let m = serde_json::from_str(&read(book.path().join("site/manifest.json"))).unwrap();
    (book, m)
}

/// Every figure the inventory lists says in its caption which article figure it follows (the
/// phrase from tests/data/article-figures.txt, one `id<TAB>phrase` a line).
fn captions_name_their_article_figures(ids: &[String], book: &Path, m: &serde_json::Value) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = read(root.join("tests/data/article-figures.txt"));
    let phrases: std::collections::HashMap<&str, &str> =
        table.lines().filter_map(|l| l.split_once('\t')).collect();
    let pages: Vec<String> = std::fs::read_dir(book.join("site"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| read(e.path()))
        .collect();
    let mut checked = 0;
    for f in m["figures"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        if !ids.iter().any(|i| i == id) || f["status"] != "ok" {
            continue;
        }
        let phrase = phrases
            .get(id)
            .unwrap_or_else(|| panic!("{id} is in the inventory but not in article-figures.txt"));
        let anchor = format!("id=\"{id}\"");
        let caption = pages
            .iter()
            .find_map(|p| {
                let at = p.find(&anchor)?;
                let rest = &p[at..];
                Some(&rest[rest.find("<figcaption")?..rest.find("</figcaption>")?])
            })
            .unwrap_or_else(|| panic!("no caption for {id}"));
        let caption = caption.replace("&#39;", "'");
        assert!(
            caption.contains(phrase),
            "{id}: {caption:?} lacks {phrase:?}"
        );
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} figures checked");
}

fn entry<'a>(m: &'a serde_json::Value, list: &str, id: &str) -> Option<&'a serde_json::Value> {
    m[list].as_array()?.iter().find(|e| e["id"] == id)
}

#[test]
fn every_inventory_id_is_in_the_manifest() {
    let ids = inventory_ids();
    assert!(ids.len() >= 70, "{} ids", ids.len());
    let (book, m) = sample_manifest();
    let missing: Vec<&String> = ids
        .iter()
        .filter(|id| {
            !["figures", "tables", "equations", "experiments"]
                .iter()
                .any(|list| entry(&m, list, id).is_some())
        })
        .collect();
    assert!(missing.is_empty(), "not in the manifest: {missing:?}");
    captions_name_their_article_figures(&ids, book.path(), &m);

    // Parameter counts as Keras's summaries print them (INVENTORY §2.2).
    for (exp, params) in [
        ("bagheri-m1", 3),
        ("bagheri-m2", 4),
        ("bagheri-m3", 9),
        ("bagheri-m4", 3),
        ("bagheri-m5", 13),
        ("bagheri-m6", 13),
        ("bagheri-m7", 2),
        ("bagheri-m8", 31),
        ("bagheri-m9", 1201),
    ] {
        let e = entry(&m, "experiments", exp).unwrap_or_else(|| panic!("{exp}"));
        assert_eq!(e["parameters"], params, "{exp}");
    }

    // Keras parity as the book reports it (INVENTORY §2.2, §2.5): the manifest's final
    // metrics of the Bagheri models.
    let metric = |exp: &str, name: &str| {
        entry(&m, "experiments", exp).unwrap()["final_metrics"][name]
            .as_f64()
            .unwrap_or_else(|| panic!("{exp} has no final {name}"))
    };
    for exp in ["bagheri-m1", "bagheri-m2", "bagheri-m3", "bagheri-m5"] {
        assert_eq!(metric(exp, "accuracy"), 1.0, "{exp}");
    }
    for exp in ["bagheri-m4", "bagheri-m6"] {
        let acc = metric(exp, "accuracy");
        assert!((0.93..=0.96).contains(&acc), "{exp}: {acc}");
    }
    let (m7, m8, m9) = (
        metric("bagheri-m7", "mse"),
        metric("bagheri-m8", "mse"),
        metric("bagheri-m9", "mse"),
    );
    assert!((0.0055..0.0065).contains(&m7), "M7 approaches 0.0058: {m7}");
    assert!(m9 < m8, "M9 {m9} ends below M8 {m8}");

    // The worked forward pass (INVENTORY §3.2), computed by the engine.
    let page = read(book.path().join("site/03-artificial-neural-networks.html"));
    let table = |id: &str| {
        page.split(&format!("id=\"{id}\""))
            .nth(1)
            .and_then(|t| t.split("</table>").next())
            .unwrap_or_else(|| panic!("{id}"))
            .to_string()
    };
    for v in ["<td>1.000</td>", "<td>1.300</td>", "<td>0.800</td>"] {
        assert!(table("ann-num-1").contains(v), "{v}");
    }
    for v in ["<td>0.731</td>", "<td>0.786</td>", "<td>0.690</td>"] {
        assert!(table("ann-num-2").contains(v), "{v}");
    }
    assert!(table("ann-num-3").contains("<td>1.2332</td>"));
    assert!(table("ann-num-4").contains("<td>−0.1353</td>"));
    let fig4 = read(book.path().join("site/figures/ann-fig-4.svg"));
    assert!(fig4.contains(">1.67</text>"), "the raw-sum output");
    // The guide's gallery shows every figure and table kind (image grids need MNIST, so the
    // gallery points at the introductory chapter's instead).
    for (list, names) in [
        ("figures", nnbook::spec::FigureKind::NAMES),
        ("tables", nnbook::spec::TableKind::NAMES),
    ] {
        for kind in names.iter().filter(|k| **k != "image-grid") {
            let shown = m[list].as_array().unwrap().iter().any(|f| {
                f["kind"] == *kind
                    && (f["experiment"].as_str().unwrap().starts_with("gallery-")
                        || f["id"].as_str().unwrap().starts_with("gallery-"))
            });
            assert!(shown, "the gallery has no {kind}");
        }
    }
    // Size budgets (the manifest records bytes): 300 KB a figure, 1 MB an animation or GIF.
    for f in m["figures"].as_array().unwrap() {
        let budget = if f["kind"] == "evolution" {
            1_000_000
        } else {
            300_000
        };
        let bytes = f["bytes"].as_u64().unwrap();
        assert!(bytes <= budget, "{} is {bytes} bytes", f["id"]);
        for also in f["also"].as_array().into_iter().flatten() {
            assert!(also["bytes"].as_u64().unwrap() <= 1_000_000, "{also}");
        }
    }
    // The MNIST summary is counted even when the data is absent.
    let mnist = entry(&m, "tables", "ann-tab-summary").unwrap();
    assert_eq!(mnist["status"], "skipped");
}
