//! Citations (`[@key]`): a small book cites from a BibTeX file; citations link to their entry
//! in the chapter's reference list (or the book's, with `references: book`), the list is
//! searchable, and the HTML is escaped.

mod common;

use common::*;

const BIB: &str = r#"@article{cybenko1989,
  author  = {Cybenko, George},
  title   = {Approximation by Superpositions of a Sigmoidal Function},
  journal = {Mathematics of Control, Signals and Systems},
  year    = {1989},
  volume  = {2},
  number  = {4},
  pages   = {303--314},
}

@article{hornik1991,
  author  = {Hornik, Kurt},
  title   = {Approximation Capabilities of Multilayer Feedforward Networks},
  journal = {Neural Networks},
  year    = {1991},
  volume  = {4},
  pages   = {251--257},
}

@book{minsky1969,
  author    = {Minsky, Marvin and Papert, Seymour},
  title     = {Perceptrons <&> More},
  publisher = {MIT Press},
  year      = {1969},
}
"#;

fn book_citing(references: Option<&str>) -> TempDir {
    let book = fixture("basic");
    std::fs::write(book.path().join("refs.bib"), BIB).unwrap();
    let mut yaml = read(book.path().join("book.yaml"));
    yaml.push_str("bibliography: refs.bib\n");
    if let Some(r) = references {
        yaml.push_str(&format!("references: {r}\n"));
    }
    std::fs::write(book.path().join("book.yaml"), yaml).unwrap();
    edit(
        &book,
        "content/01-data.md",
        "The points of @xor-points",
        "A perceptron cannot separate XOR [@minsky1969]. The points of @xor-points",
    );
    edit(
        &book,
        "content/02-train.md",
        "The curve in @xor-curve falls;",
        "One hidden layer suffices [@hornik1991, p. 252; @cybenko1989]. The curve in @xor-curve falls;",
    );
    book
}

/// The text between `start` and the next `end` after it.
fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let i = page
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {page}"));
    let rest = &page[i..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn each_chapter_lists_what_it_cites_and_citations_link_to_their_entry() {
    let book = book_citing(None);
    build_ok(book.path(), &[]);
    let one = read(book.path().join("site/01-data.html"));
    let two = read(book.path().join("site/02-train.html"));

    // APA author-date, each cited item a link to its entry on the same page.
    assert!(
        one.contains(
            "XOR <span class=\"nn-cite\">(<a class=\"cite\" href=\"#ref-minsky1969\">Minsky &amp; Papert, 1969</a>)</span>."
        ),
        "{one}"
    );
    let cite = between(&two, "suffices <span class=\"nn-cite\">", "</span>.");
    assert!(
        cite.contains("href=\"#ref-cybenko1989\">Cybenko, 1989</a>"),
        "{cite}"
    );
    assert!(
        cite.contains("href=\"#ref-hornik1991\">Hornik, 1991, p. 252</a>"),
        "{cite}"
    );

    // Each chapter's list holds its own entries only, escaped, with an anchor each.
    let list_one = between(&one, "<section class=\"nn-references\">", "</section>");
    assert!(
        list_one.contains("<h2 id=\"nn-references\">References</h2>"),
        "{list_one}"
    );
    assert!(list_one.contains("<li id=\"ref-minsky1969\">Minsky, M., &amp; Papert, S. (1969). <i>Perceptrons &lt;&amp;&gt; More</i>. MIT Press.</li>"), "{list_one}");
    assert!(!list_one.contains("cybenko"), "{list_one}");
    let list_two = between(&two, "<section class=\"nn-references\">", "</section>");
    let c = list_two.find("id=\"ref-cybenko1989\"").expect(list_two);
    let h = list_two.find("id=\"ref-hornik1991\"").expect(list_two);
    assert!(c < h, "sorted by author: {list_two}");
    assert!(
        list_two.contains("Approximation by Superpositions of a Sigmoidal Function"),
        "{list_two}"
    );
    assert!(!list_two.contains("minsky"), "{list_two}");
    // The on-page contents name the list; search finds its text.
    assert!(two.contains("href=\"#nn-references\""), "{two}");
    let search = read(book.path().join("site/search-index.js"));
    assert!(
        search.contains("\"02-train.html\",\"nn-references\",\"References\",\"section\""),
        "{search}"
    );
    // Words of the second entry, past the snippet's cut, are indexed too.
    assert!(search.contains("\"capabilities\":["), "{search}");
}

#[test]
fn references_book_lists_everything_once_at_the_end() {
    let book = book_citing(Some("book"));
    build_ok(book.path(), &[]);
    let one = read(book.path().join("site/01-data.html"));
    let two = read(book.path().join("site/02-train.html"));
    assert!(!one.contains("nn-references\""), "{one}");
    assert!(
        one.contains("<a class=\"cite\" href=\"02-train.html#ref-minsky1969\">"),
        "{one}"
    );
    let list = between(&two, "<section class=\"nn-references\">", "</section>");
    for key in ["cybenko1989", "hornik1991", "minsky1969"] {
        assert!(list.contains(&format!("<li id=\"ref-{key}\">")), "{list}");
    }
}

#[test]
fn an_unknown_key_names_the_nearest_one() {
    let book = book_citing(None);
    edit(
        &book,
        "content/02-train.md",
        "@cybenko1989]",
        "@cybenko1898]",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[E023]: unknown citation key `cybenko1898`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `cybenko1989`?"),
        "{}",
        run.stderr
    );
}
