//! Values in prose (`` `{nn} xor.loss:.4f` ``): the number is the one the metrics table shows,
//! prose edits never retrain, a retrained experiment updates the sentence, the search index
//! holds the printed number, and mistakes stop the build at their position.

mod common;

use common::*;

fn cached_count(run: &Run) -> usize {
    let s = &run.stderr;
    let i = s.find(" cached,").expect(s);
    s[..i].rsplit('(').next().unwrap().trim().parse().unwrap()
}

/// The text of the cell after the header cell `name` in the metrics table's row.
fn metrics_cell(page: &str, column: usize) -> String {
    let table = &page[page.find("id=\"xor-metrics\"").expect("metrics table")..];
    let body = &table[table.find("<tbody>").unwrap()..];
    let cells: Vec<&str> = body
        .split("<td")
        .skip(1)
        .map(|c| {
            let c = &c[c.find('>').unwrap() + 1..];
            &c[..c.find("</td>").unwrap()]
        })
        .collect();
    cells[column].to_string()
}

fn sentence(page: &str) -> String {
    let start = page.find("The loss ended at ").expect("the sentence");
    let end = start + page[start..].find("</p>").unwrap();
    page[start..end].to_string()
}

#[test]
fn values_follow_the_experiment_and_prose_edits_never_retrain() {
    let book = fixture("basic");
    edit(
        &book,
        "content/02-train.md",
        "The curve in @xor-curve falls;",
        "The loss ended at `{nn} xor.loss:.4f` after `{nn} xor.epochs:,d` epochs, with \
         `{nn} xor.params` parameters and `{nn} xor.accuracy:.0%` of XOR right \
         (`{{nn}} xor.loss` is the code). The curve in @xor-curve falls;",
    );
    let first = build_ok(book.path(), &[]);
    assert_eq!(cached_count(&first), 0);
    let page = read(book.path().join("site/02-train.html"));
    let loss = metrics_cell(&page, 2);
    assert_eq!(
        sentence(&page),
        format!(
            "The loss ended at {loss} after 400 epochs, with 17 parameters and 100% of XOR right \
             (<code>{{nn}} xor.loss</code> is the code). The curve in <a class=\"xref\" \
             href=\"#xor-curve\">Figure 2.2</a> falls; <a class=\"xref\" \
             href=\"#xor-summary\">Table 2.1</a> counts the parameters."
        )
    );
    let search = read(book.path().join("site/search-index.js"));
    assert!(
        search.contains(&format!("The loss ended at {loss}")),
        "{search}"
    );

    // Rewording the sentence rebuilds the page from the cache.
    edit(
        &book,
        "content/02-train.md",
        "The loss ended at",
        "The loss ended at",
    );
    edit(
        &book,
        "content/02-train.md",
        "after `{nn}",
        "after training for `{nn}",
    );
    edit(&book, "content/02-train.md", "xor.loss:.4f", "xor.loss:.2f");
    let reworded = build_ok(book.path(), &[]);
    assert_eq!(cached_count(&reworded), 1, "a prose edit retrained");
    let page = read(book.path().join("site/02-train.html"));
    let short: f64 = loss.parse().unwrap();
    assert!(
        sentence(&page).starts_with(&format!(
            "The loss ended at {short:.2} after training for 400 epochs"
        )),
        "{}",
        sentence(&page)
    );

    // Training for fewer epochs changes the sentence with the table.
    edit(&book, "content/02-train.md", "epochs: 400", "epochs: 150");
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 0);
    let page = read(book.path().join("site/02-train.html"));
    let loss: f64 = metrics_cell(&page, 2).parse().unwrap();
    assert!(
        sentence(&page).starts_with(&format!(
            "The loss ended at {loss:.2} after training for 150 epochs"
        )),
        "{}",
        sentence(&page)
    );
}

#[test]
fn value_mistakes_point_at_the_prose() {
    let cases = [
        (
            "See `{nn} xr.loss`.",
            "error[E022]: unknown experiment `xr`",
            "content/02-train.md:15:11",
            "did you mean `xor`?",
        ),
        (
            "See `{nn} xor.acuracy:.1%`.",
            "error[E022]: unknown metric `acuracy`",
            "content/02-train.md:15:15",
            "did you mean `accuracy`?",
        ),
        (
            "See `{nn} xor.loss:.2g`.",
            "error[E022]: unknown number format `.2g`",
            "content/02-train.md:15:20",
            "formats are",
        ),
        (
            "See `{nn} xor.val_loss`.",
            "error[E022]: no value for `xor.val_loss`",
            "content/02-train.md:15:11",
            "`xor` has no `val_loss`; it has accuracy, epochs, loss, params",
        ),
    ];
    for (prose, message, at, hint) in cases {
        let book = fixture("basic");
        edit(
            &book,
            "content/02-train.md",
            "The curve in @xor-curve falls;",
            &format!("{prose} The curve in @xor-curve falls;"),
        );
        let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains(message), "{}", run.stderr);
        assert!(run.stderr.contains(at), "{at}: {}", run.stderr);
        assert!(run.stderr.contains(hint), "{hint}: {}", run.stderr);
    }
}
