//! The escapes of prose, end to end: `\@` is a literal at sign in prose, in a table cell and in
//! figure and table captions; `\$` is a literal dollar and prices need no escape; a theme
//! template that reads an undefined variable through a filter stops the build.

mod common;

use std::path::Path;

use common::*;

/// A copy of a corpus case, to build it and look at the pages.
fn case(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name);
    copy_dir(&src, dir.path());
    std::fs::remove_file(dir.path().join("expect")).unwrap();
    dir
}

/// The text between `open` and the next `close` after it.
fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open} in {html}"))
        + open.len();
    let len = html[start..].find(close).unwrap();
    &html[start..start + len]
}

#[test]
fn escapes_work_in_prose_captions_and_table_cells() {
    let book = case("escapes-work");
    build_ok(book.path(), &[]);
    let page = read(book.path().join("site/01-a.html"));
    let figure = "<a class=\"xref\" href=\"#xor-regions\">Figure 1.1</a>";
    let table = "<a class=\"xref\" href=\"#xor-summary\">Table 1.1</a>";
    assert!(
        page.contains(&format!("Thanks to @octocat for {figure}.")),
        "{page}"
    );
    assert!(
        page.contains("It cost $5 and $10, or $HOME and $\\frac{1}{$."),
        "{page}"
    );
    assert!(
        page.contains(&format!("<td>@octocat</td><td>{table}</td>")),
        "{page}"
    );
    let figcaption = between(&page, "<figcaption>", "</figcaption>");
    assert!(
        figcaption.ends_with("</span> Regions drawn for @octocat."),
        "{figcaption}"
    );
    // A table's caption is its figure's, above the box that scrolls the table.
    let caption = between(
        &page,
        "<figcaption id=\"xor-summary-caption\">",
        "</figcaption>",
    );
    assert!(
        caption.ends_with("</span> Numbers for @octocat."),
        "{caption}"
    );
    // The image's alt text and the SVG's own title read the caption as readers see it.
    assert!(
        page.contains("alt=\"Regions drawn for @octocat.\""),
        "{page}"
    );
    let svg = read(book.path().join("site/figures/xor-regions.svg"));
    assert!(
        svg.contains("<title id=") && svg.contains(">Regions drawn for @octocat.</title>"),
        "{svg}"
    );
}

#[test]
fn the_error_texts_name_the_escapes() {
    let book = case("label-handle");
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "error[E020]: unknown label `octocat`\n --> content/01-a.md:3:11\n  |\n3 | Thanks to @octocat for the review.\n  |           ^^^^^^^^\n  = help: labels are the ids of figures, tables and equations; for a literal @, write `\\@`\n"
        ),
        "{}",
        run.stderr
    );
    let book = case("math-dollar-unbalanced");
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "error[E021]: cannot render math: the formula between these `$` does not parse: its braces `{` `}` must balance\n --> content/01-a.md:5:16\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("write `\\$` for a literal dollar sign"),
        "{}",
        run.stderr
    );
    // One error: the prices before it are text.
    assert_eq!(run.stderr.matches("error[").count(), 1, "{}", run.stderr);
    // `nnbook explain` gives the same escapes.
    let e020 = nnbook(&["explain", "E020"]).stdout;
    assert!(e020.contains("`\\@`"), "{e020}");
    let e021 = nnbook(&["explain", "E021"]).stdout;
    assert!(e021.contains("`\\$`"), "{e021}");
}

#[test]
fn an_undefined_variable_through_a_filter_stops_the_build() {
    let book = case("theme-undefined-filtered");
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error[E040]: template error: `page.contnet` is not defined (the fields of `page` are content, kind, next, number, prev, show_title, title, toc, toc_tree)\n --> mytheme/templates/chapter.html:4:4\n  |\n4 | {{ page.contnet | safe }}\n  |    ^^^^^^^^^^^^\n  = help: did you mean `page.content`? A value that may be missing needs `| default(value=…)` or an `is defined` test\n"
        ),
        "{}",
        run.stderr
    );
    // Fixed, the same theme builds and shows the chapter.
    edit(
        &book,
        "mytheme/templates/chapter.html",
        "page.contnet",
        "page.content",
    );
    build_ok(book.path(), &[]);
    assert!(read(book.path().join("site/01-a.html")).contains("<p>Text.</p>"));
}
