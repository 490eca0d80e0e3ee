//! Integration tests: build fixture books with the real binary and check the site.

mod common;

use common::*;

#[test]
fn builds_a_complete_site() {
    let book = fixture("basic");
    build_ok(book.path(), &[]);
    let site = book.path().join("site");
    for f in [
        "index.html",
        "01-data.html",
        "02-train.html",
        "404.html",
        ".nojekyll",
        "sitemap.xml",
        "manifest.json",
        "theme/style.css",
        "figures/xor-points.svg",
        "figures/xor-regions.svg",
        "figures/xor-curve.svg",
    ] {
        assert!(site.join(f).is_file(), "missing {f}");
    }
    let ch1 = read(site.join("01-data.html"));
    let ch2 = read(site.join("02-train.html"));
    // Numbered figures with captions; cross-references as links with the number.
    assert!(
        ch1.contains("<span class=\"nn-number\">Figure 1.1</span> The four XOR points."),
        "{ch1}"
    );
    assert!(ch1.contains("<a class=\"xref\" href=\"#xor-points\">Figure 1.1</a>"));
    assert!(ch1.contains("<a class=\"xref\" href=\"02-train.html#xor-regions\">Figure 2.1</a>"));
    assert!(ch2.contains("<span class=\"nn-number\">Figure 2.1</span> Regions &lt;of&gt; XOR."));
    assert!(ch2.contains("<a class=\"xref\" href=\"#xor-curve\">Figure 2.2</a>"));
    assert!(ch2.contains("<a class=\"xref\" href=\"#xor-summary\">Table 2.1</a>"));
    assert!(ch2.contains("<img src=\"figures/xor-regions.svg\""));
    // The summary table counts Keras's parameters: 2·4+4 and 4·1+1.
    assert!(
        ch2.contains("<td>12</td>") && ch2.contains("<td>5</td>") && ch2.contains("<td>17</td>"),
        "{ch2}"
    );
    // Math rendered to MathML at build time; no MathJax.
    assert!(ch1.contains("<math") && ch1.contains("display=\"block\""));
    assert!(!ch1.to_lowercase().contains("mathjax"));
    // Navigation between chapters.
    assert!(ch1.contains("href=\"02-train.html\""));
    assert!(ch2.contains("href=\"01-data.html\""));
    // SVG figures are accessible.
    let svg = read(site.join("figures/xor-regions.svg"));
    assert!(svg.contains("<title") && svg.contains("<desc") && svg.contains("role=\"img\""));
    assert!(!svg.contains("<of>"));
    // The 404 page, served at any depth, links from the site's own path.
    let not_found = read(site.join("404.html"));
    assert!(
        not_found.contains("href=\"/fixture/index.html\""),
        "{not_found}"
    );
    // The sitemap uses site_url.
    assert!(
        read(site.join("sitemap.xml"))
            .contains("<loc>https://example.github.io/fixture/02-train.html</loc>")
    );
}

#[test]
fn links_are_relative() {
    let book = fixture("basic");
    build_ok(book.path(), &[]);
    for (name, bytes) in read_tree(&book.path().join("site")) {
        if !name.ends_with(".html") || name == "404.html" {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\""] {
            for part in html.split(attr).skip(1) {
                let url = part.split('"').next().unwrap();
                // Links to other sites are fine; links into this one must be relative.
                assert!(
                    !url.starts_with('/') && !url.starts_with("https://example.github.io"),
                    "{name}: non-relative link {url}"
                );
            }
        }
    }
}

#[test]
fn manifest_lists_chapters_experiments_figures_and_tables() {
    let book = fixture("basic");
    build_ok(book.path(), &[]);
    let m: serde_json::Value =
        serde_json::from_str(&read(book.path().join("site/manifest.json"))).unwrap();
    assert_eq!(m["nnbook_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["chapters"][1]["source"], "content/02-train.md");
    assert_eq!(m["chapters"][1]["page"], "02-train.html");
    let exps = m["experiments"].as_array().unwrap();
    let xor = exps.iter().find(|e| e["id"] == "xor").unwrap();
    assert_eq!(xor["status"], "ok");
    assert_eq!(xor["epochs_run"], 400);
    assert_eq!(xor["parameters"], 17);
    assert_eq!(xor["final_metrics"]["accuracy"], 1.0, "{xor}");
    assert!(xor["final_metrics"]["loss"].as_f64().unwrap() < 0.3);
    let figs = m["figures"].as_array().unwrap();
    let regions = figs.iter().find(|f| f["id"] == "xor-regions").unwrap();
    assert_eq!(regions["number"], "Figure 2.1");
    assert_eq!(regions["kind"], "decision-regions");
    assert_eq!(regions["experiment"], "xor");
    assert_eq!(regions["file"], "figures/xor-regions.svg");
    let bytes = std::fs::metadata(book.path().join("site/figures/xor-regions.svg"))
        .unwrap()
        .len();
    assert_eq!(regions["bytes"], bytes);
    let tables = m["tables"].as_array().unwrap();
    assert_eq!(tables[0]["id"], "xor-summary");
    assert_eq!(tables[0]["number"], "Table 2.1");
    assert_eq!(tables[1]["experiment"], "xor");
}

#[test]
fn two_builds_are_byte_identical_whatever_the_thread_count() {
    let a = fixture("basic");
    let b = fixture("basic");
    build_ok(a.path(), &["--jobs", "1"]);
    build_ok(b.path(), &["--jobs", "2"]);
    let (ta, tb) = (
        read_tree(&a.path().join("site")),
        read_tree(&b.path().join("site")),
    );
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (name, bytes) in &ta {
        assert!(bytes == &tb[name], "{name} differs between builds");
    }
    // And a rebuild in place gives the same bytes again.
    build_ok(a.path(), &[]);
    assert!(read_tree(&a.path().join("site")) == ta);
}

#[test]
fn malformed_blocks_fail_with_location_and_keep_the_previous_site() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (from, to, expected position, expected text)
        (
            "train: {optimizer",
            "train: {optimizer: [",
            "content/02-train.md:",
            "error[E010]",
        ),
        (
            "train: {optimizer",
            "trian: {optimizer",
            "content/02-train.md:9:1",
            "did you mean `train`?",
        ),
        (
            "activation: tanh",
            "activation: tnah",
            "content/02-train.md:8:32",
            "did you mean `tanh`?",
        ),
        (
            "dense: 4",
            "dense: 0",
            "content/02-train.md:8:17",
            "error[E013]",
        ),
        (
            "@xor-curve",
            "@xor-curev",
            "content/02-train.md:15:14",
            "did you mean `xor-curve`?",
        ),
        (
            "use: xor",
            "use: xro",
            "content/02-train.md:18:6",
            "did you mean `xor`?",
        ),
    ];
    let book = fixture("basic");
    build_ok(book.path(), &[]);
    let before = read_tree(&book.path().join("site"));
    for (from, to, pos, text) in cases {
        let original = read(book.path().join("content/02-train.md"));
        edit(&book, "content/02-train.md", from, to);
        let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
        assert_eq!(run.code, 1, "{to}: {}", run.stderr);
        assert!(
            run.stderr.contains(pos),
            "{to}: expected {pos} in\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(text),
            "{to}: expected {text} in\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("help:") || text.starts_with("error"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(
            read_tree(&book.path().join("site")) == before,
            "{to}: the previous site changed"
        );
        std::fs::write(book.path().join("content/02-train.md"), original).unwrap();
    }
}

#[test]
fn init_creates_a_book_that_builds() {
    let dir = TempDir::new("init");
    let demo = dir.path().join("demo");
    let run = nnbook(&["init", demo.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(demo.join(".github/workflows/pages.yml").is_file());
    build_ok(&demo, &[]);
    assert!(demo.join("site/01-first-network.html").is_file());
    assert!(read(demo.join("site/01-first-network.html")).contains("Figure 1.1"));
    // The starter experiment really solves XOR.
    let m: serde_json::Value =
        serde_json::from_str(&read(demo.join("site/manifest.json"))).unwrap();
    assert_eq!(m["experiments"][0]["final_metrics"]["accuracy"], 1.0, "{m}");
    // A second init refuses to overwrite the book.
    assert_eq!(nnbook(&["init", demo.to_str().unwrap()]).code, 1);
    // Clean removes only the site.
    assert_eq!(nnbook(&["clean", "--root", demo.to_str().unwrap()]).code, 0);
    assert!(!demo.join("site").exists() && demo.join("book.yaml").exists());
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(nnbook(&["build", "--bogus"]).code, 2);
    assert_eq!(nnbook(&["frobnicate"]).code, 2);
    let help = nnbook(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("build") && help.stdout.contains("init"));
    let v = nnbook(&["--version"]);
    assert!(v.stdout.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn missing_book_yaml_is_a_content_error() {
    let dir = TempDir::new("empty");
    let run = nnbook(&["build", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[E001]") && run.stderr.contains("nnbook init"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_book_theme_overrides_templates_and_files_by_name() {
    let book = fixture("basic");
    let theme = book.path().join("mytheme");
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    std::fs::create_dir_all(theme.join("static")).unwrap();
    std::fs::write(
        theme.join("templates/chapter.html"),
        "{% extends \"nnbook/base.html\" %}{% block content %}<div class=\"custom-chapter\">{{ page.content | safe }}</div>{% endblock content %}",
    )
    .unwrap();
    std::fs::write(
        theme.join("static/style.css"),
        "body { color: rebeccapurple; }",
    )
    .unwrap();
    let yaml = read(book.path().join("book.yaml")) + "theme: mytheme\n";
    std::fs::write(book.path().join("book.yaml"), yaml).unwrap();
    build_ok(book.path(), &[]);
    let site = book.path().join("site");
    let ch = read(site.join("02-train.html"));
    assert!(ch.contains("<div class=\"custom-chapter\">"), "{ch}");
    assert!(
        ch.contains("class=\"sidebar\""),
        "the default base layout is still used"
    );
    assert!(!read(site.join("index.html")).contains("custom-chapter"));
    assert_eq!(
        read(site.join("theme/style.css")),
        "body { color: rebeccapurple; }"
    );
    assert!(site.join("theme/book.js").is_file());

    // A broken template is a content error naming the template.
    std::fs::write(
        theme.join("templates/chapter.html"),
        "{% block content %}{{ page.content | safe }",
    )
    .unwrap();
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[E040]")
            && run.stderr.contains("mytheme/templates/chapter.html:1:"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_book_theme_overrides_figure_and_table_markup() {
    let book = fixture("basic");
    let templates = book.path().join("mytheme/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("figure.html"),
        "<div class=\"my-figure\" id=\"{{ figure.id }}\"><img src=\"{{ figure.src }}\" alt=\"{{ figure.alt }}\"><p>{{ figure.number }}: {{ figure.caption | default(value=\"\") }}</p></div>\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("table.html"),
        "<table class=\"my-table\" id=\"{{ table.id }}\">{% for row in table.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</table>\n",
    )
    .unwrap();
    let yaml = read(book.path().join("book.yaml")) + "theme: mytheme\n";
    std::fs::write(book.path().join("book.yaml"), yaml).unwrap();
    build_ok(book.path(), &[]);
    let ch = read(book.path().join("site/02-train.html"));
    assert!(
        ch.contains("<div class=\"my-figure\" id=\"xor-regions\"><img src=\"figures/xor-regions.svg\" alt=\"Regions &lt;of&gt; XOR.\"><p>Figure 2.1: Regions &lt;of&gt; XOR.</p></div>"),
        "{ch}"
    );
    assert!(
        ch.contains("<table class=\"my-table\" id=\"xor-summary\"><tr><td>"),
        "{ch}"
    );
    // Only what the theme overrides changes: no default figure markup, nor its disclosure.
    assert!(
        !ch.contains("class=\"nn-figure\"") && !ch.contains("nn-source"),
        "{ch}"
    );

    // A field the figure has not is an error naming the ones it has.
    edit(
        &book,
        "mytheme/templates/figure.html",
        "figure.src",
        "figure.scr",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[E040]: template error: `figure.scr` is not defined (the fields of `figure` are alt, caption, caption_html, id, least, number, panel_width, panels, size, source, src, wide)\n --> mytheme/templates/figure.html:1:")
            && run.stderr.contains("did you mean `figure.src`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn activation_curves_and_regression_fits() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let site = book.path().join("site");
    let step = read(site.join("figures/step-curve.svg"));
    assert!(
        step.contains("\nz\n</text>") && step.contains("\ng(z)\n</text>"),
        "axis labels"
    );
    assert!(read(site.join("figures/sigmoid-curve.svg")).contains("\nσ(z)\n</text>"));
    let fit = read(site.join("figures/parabola-fit.svg"));
    assert_eq!(
        fit.matches("<circle").count(),
        100 + 1,
        "100 points and a legend swatch"
    );
    assert!(fit.contains(">Train data</text>") && fit.contains(">Prediction</text>"));
    assert_eq!(
        read(site.join("figures/parabola-points.svg"))
            .matches("<circle")
            .count(),
        100
    );
    let m: serde_json::Value = serde_json::from_str(&read(site.join("manifest.json"))).unwrap();
    let fit_exp = m["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "fit")
        .unwrap()
        .clone();
    assert!(
        fit_exp["final_metrics"]["mse"].as_f64().unwrap() < 0.005,
        "{fit_exp}"
    );
    // An activation curve needs its activation; a data-less block cannot train.
    edit(&book, "content/01-kinds.md", "activation: step, ", "");
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert!(
        run.stderr.contains("missing key `activation`")
            && run.stderr.contains("content/01-kinds.md:6:5"),
        "{}",
        run.stderr
    );
}

#[test]
fn network_diagrams() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let figs = book.path().join("site/figures");
    let ann = read(figs.join("ann-like.svg"));
    assert_eq!(ann.matches("<circle").count(), 3 + 4 + 4 + 2);
    assert_eq!(ann.matches("<line").count(), 3 * 4 + 4 * 4 + 4 * 2);
    assert!(ann.contains(">Hidden 2</text>"));
    let mnist = read(figs.join("mnist-like.svg"));
    assert!(mnist.contains("784 units") && mnist.contains("1000 units") && mnist.contains("⋮"));
    // From the trained model: activations under the columns and one label per weight.
    let fit = read(figs.join("fit-net.svg"));
    assert!(
        fit.contains(">10 units, ReLU</text>") && fit.contains(">linear</text>"),
        "{fit}"
    );
    assert_eq!(
        fit.matches("fill=\"#b00000\"").count(),
        1,
        "one group of edge labels"
    );
    let labels = fit.split("fill=\"#b00000\"").nth(1).unwrap();
    assert_eq!(
        labels
            .split("</g>")
            .next()
            .unwrap()
            .matches("<text")
            .count(),
        6 + 6,
        "edges to and from the drawn hidden nodes"
    );
    assert!(fit.contains(">x</text>"));
    // The data itself as a table.
    let page = read(book.path().join("site/01-kinds.html"));
    let table = page.split("id=\"xor-truth\"").nth(1).unwrap();
    assert!(
        table
            .contains("<th scope=\"col\">x1</th><th scope=\"col\">x2</th><th scope=\"col\">y</th>"),
        "{table}"
    );
    assert!(
        table.contains("<tr><td>0</td><td>1</td><td>1</td></tr>")
            && table.contains("<tr><td>1</td><td>1</td><td>0</td></tr>")
    );
}

#[test]
fn evolution_mesh_and_runs() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let site = book.path().join("site");
    let evo = read(site.join("figures/evo-anim.svg"));
    // Frames 0, 1, 5, 10 and the last epoch (30): one group, one mesh image each, and the
    // colour key's ramp.
    assert_eq!(evo.matches("class=\"nn-frame").count(), 5, "{evo}");
    assert_eq!(evo.matches("<image").count(), 5 + 1);
    assert!(evo.contains("data-epoch=\"30\"") && evo.contains("@keyframes"));
    let gif = std::fs::read(site.join("figures/evo-anim.gif")).unwrap();
    assert!(gif.starts_with(b"GIF89a"));
    // The page inlines the animation with its (script-enabled) controls.
    let page = read(site.join("01-kinds.html"));
    // Two panels side by side: wider than the column, and kept legible on a phone.
    assert!(page.contains("<figure class=\"nn-figure nn-anim nn-wide\" id=\"evo-anim\" style=\"--nn-least: 707px\" data-frame=\"4\">"), "{page}");
    assert!(page.contains("class=\"nn-scrubber\" min=\"0\" max=\"4\""));
    assert!(page.contains("href=\"figures/evo-anim.gif\""));
    let mesh = read(site.join("figures/evo-mesh.svg"));
    assert_eq!(
        mesh.matches("<image").count(),
        2,
        "the mesh and its colour key"
    );
    assert_eq!(mesh.matches("<circle").count(), 4 + 2, "points and legend");
    let runs = page.split("id=\"runs-table\"").nth(1).unwrap();
    assert_eq!(
        runs.split("</table>")
            .next()
            .unwrap()
            .matches("<tr>")
            .count(),
        3
    );
    let m: serde_json::Value = serde_json::from_str(&read(site.join("manifest.json"))).unwrap();
    let entry = m["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "evo-anim")
        .unwrap()
        .clone();
    assert_eq!(entry["also"][0]["file"], "figures/evo-anim.gif", "{entry}");
    assert_eq!(entry["also"][0]["bytes"], gif.len());
    // The frames are part of the cache entry: a rebuild from the cache draws the same bytes.
    build_ok(book.path(), &[]);
    assert_eq!(read(site.join("figures/evo-anim.svg")), evo);
    // A runs table names known experiments; a `use:` block cannot animate.
    edit(
        &book,
        "content/01-kinds.md",
        "runs: [evo, fit]",
        "runs: [evo, fitt]",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert!(run.stderr.contains("did you mean `fit`?"), "{}", run.stderr);
}

#[test]
fn worked_passes_and_equations() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let site = book.path().join("site");
    let page = read(site.join("01-kinds.html"));
    let forward = page.split("id=\"worked-forward\"").nth(1).unwrap();
    let forward = forward.split("</table>").next().unwrap();
    assert!(
        forward.contains("<td>1 × 0.4 + 1 × 0.9</td><td>1.300</td><td>sigmoid</td><td>0.786</td>"),
        "{forward}"
    );
    // The output adds its bias to the sum of the rounded hidden outputs.
    assert!(
        forward.contains("0.731 × 0.3 + 0.786 × 0.5 + 0.690 × 0.9 + 0.1"),
        "{forward}"
    );
    let back = page.split("id=\"worked-back\"").nth(1).unwrap();
    assert_eq!(
        back.split("</table>")
            .next()
            .unwrap()
            .matches("<tr>")
            .count(),
        1 + 3 + 3
    );
    let net = read(site.join("figures/worked-net.svg"));
    assert!(
        net.contains(">0.786</text>") && net.contains(">0.69</text>"),
        "hidden values"
    );
    assert!(net.contains(">0.9</text>"), "edge weights");
    let generic = read(site.join("figures/generic-net.svg"));
    assert_eq!(
        generic.matches("<circle").count(),
        3 + 1,
        "the ⋮ node is an ellipsis"
    );
    assert!(generic.contains(">⋮</text>"));
    // Equations: numbered in the page, linked, and listed in the manifest.
    assert!(page.contains("<span class=\"nn-equation\" id=\"eq-sum\">"));
    assert!(page.contains("<span class=\"nn-eq-number\">(1.1)</span>"));
    assert!(page.contains("href=\"#eq-sum\">Equation 1.1</a>"), "{page}");
    let m: serde_json::Value = serde_json::from_str(&read(site.join("manifest.json"))).unwrap();
    assert_eq!(m["equations"][0]["id"], "eq-sum");
    assert_eq!(m["equations"][0]["latex"], r"h_j = \sum_i w_{ij} x_i");
    // Wrong shapes are caught where they are written.
    edit(
        &book,
        "content/01-kinds.md",
        "[[0.3], [0.5], [0.9]]",
        "[[0.3], [0.5]]",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert!(
        run.stderr
            .contains("2 weight rows, but the layer before has 3 units"),
        "{}",
        run.stderr
    );
}

#[test]
fn units_taken_apart() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let figs = book.path().join("site/figures");
    let grid = read(figs.join("fit-units.svg"));
    // Ten rows of two panels, plus the bias, the sum and the prediction: 23 nested panels.
    assert_eq!(grid.matches("<svg x=").count(), 23, "panels");
    // Panels are labelled with math, as the notebook labels them.
    for title in [">a₁₀<", ">w₁₀a₁₀<", ">w₀<", ">Sum<", ">ŷ<"] {
        assert!(grid.contains(title), "{title}");
    }
    assert!(grid.len() < 300_000, "{} bytes", grid.len());
    let overlay = read(figs.join("fit-overlay.svg"));
    assert!(overlay.contains(">Sum + bias<"));
    let live = overlay.matches("·a").count();
    assert!((1..=10).contains(&live), "{live} live units");
    let slope = read(figs.join("sigmoid-slope.svg"));
    assert!(slope.contains("σ′(z)") && slope.matches("<polyline").count() >= 2);
    let variants = read(figs.join("relu-variants.svg"));
    assert_eq!(variants.matches("<svg x=").count(), 3);
    assert!(variants.contains(">ReLU(x)<") && variants.contains(">ReLU(−2x + 0.5)<"));
    assert!(variants.contains(">−1.5·ReLU(−2x + 0.5)<"), "{variants}");
    // A decomposition needs the 1-input, one-hidden-layer shape.
    edit(
        &book,
        "content/01-kinds.md",
        "use: fit\nshow:\n  - {figure: unit-decomposition",
        "use: worked\nshow:\n  - {figure: unit-decomposition",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert!(
        run.stderr
            .contains("a decomposition takes a 1-input network"),
        "{}",
        run.stderr
    );
}

#[test]
fn weight_arrows_on_decision_regions() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let svg = read(book.path().join("site/figures/blobs-arrows.svg"));
    for label in [">w2−w1<", ">w3−w1<", ">w3−w2<"] {
        assert!(svg.contains(label), "{label}");
    }
    assert_eq!(
        svg.matches("Z\" fill=\"#000000\" stroke=\"none\"/>")
            .count(),
        3,
        "three arrowheads"
    );
    // A weight arrow needs a single-layer model.
    edit(
        &book,
        "content/01-kinds.md",
        "model: [{dense: 3, activation: softmax}]",
        "model: [{dense: 4, activation: relu}, {dense: 3, activation: softmax}]",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert!(
        run.stderr
            .contains("weight arrows need a model with a single layer"),
        "{}",
        run.stderr
    );
}

#[test]
fn scatter_3d_views() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let figs = book.path().join("site/figures");
    let plain = read(figs.join("blobs3-plain.svg"));
    assert_eq!(plain.matches("r=\"3.5\"").count(), 100, "every point");
    assert_eq!(
        plain.matches("fill=\"#f2f2f2\"").count(),
        3,
        "three back panes"
    );
    assert!(plain.contains(">x3</text>") && !plain.contains("fill=\"#8fa8c8\""));
    let plane = read(figs.join("blobs3-plane.svg"));
    assert_eq!(plane.matches("fill=\"#8fa8c8\"").count(), 1, "the plane");
    assert!(plane.contains(">w</text>"), "the weight arrow");
    let hidden = read(figs.join("xor-hidden-3d.svg"));
    assert_eq!(
        hidden.matches("<svg x=").count(),
        2,
        "a 3-D view and the regions"
    );
    assert!(hidden.contains(">a3</text>") && hidden.contains(">v1</text>"));
    // Data-only 3-D scatters need no model; a plane does.
    edit(
        &book,
        "content/01-kinds.md",
        "model: [{dense: 1, activation: sigmoid}]\ntrain: {lr: 0.05, epochs: 100, batch: full}\n",
        "",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert!(
        run.stderr.contains("`scatter-3d` needs a trained model"),
        "{}",
        run.stderr
    );
}

#[test]
fn sweeps_and_boundary_histories() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let figs = book.path().join("site/figures");
    let history = read(figs.join("evo-history.svg"));
    // Epochs 0 and 5 as asked, and the last one (30).
    for e in [">epoch 0<", ">epoch 5<", ">epoch 30<"] {
        assert!(history.contains(e), "{e}");
    }
    assert_eq!(history.matches("stroke-width=\"1.6\"").count(), 3);
    let sweep = read(figs.join("two-runs.svg"));
    assert_eq!(sweep.matches("<svg x=").count(), 2, "one panel per run");
    assert!(
        sweep.contains("tanh · lr 0.1"),
        "panel titled by its settings"
    );
    edit(
        &book,
        "content/01-kinds.md",
        "runs: [evo, blobs]",
        "runs: [evo, blob]",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert!(
        run.stderr.contains("did you mean `blobs`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn text_the_font_cannot_draw_is_an_error() {
    let book = fixture("kinds");
    edit(
        &book,
        "content/01-kinds.md",
        "{figure: scatter, id: parabola-points}",
        "{figure: scatter, id: parabola-points, title: \"数据 σ\"}",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[E032]") && run.stderr.contains("`数` `据`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("`σ`"), "σ is in the font");
}

#[test]
fn every_kind_is_accessible_compact_and_matches_its_snapshot() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let figs = book.path().join("site/figures");
    let mut count = 0;
    for entry in std::fs::read_dir(&figs).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "svg") {
            continue;
        }
        count += 1;
        let svg = read(&path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let head = svg.split('>').next().unwrap();
        assert!(
            head.starts_with("<svg") && head.contains("role=\"img\""),
            "{name}"
        );
        assert!(head.contains("aria-labelledby="), "{name}");
        assert!(
            svg.contains("<title id=") && svg.contains("<desc id="),
            "{name}"
        );
        let budget = if svg.contains("class=\"nn-frame") {
            1_000_000
        } else {
            300_000
        };
        assert!(svg.len() <= budget, "{name}: {} bytes", svg.len());
        assert!(!svg.contains("NaN") && !svg.contains("inf\""), "{name}");
    }
    assert!(count >= 20, "{count} figures");
    // And each is byte for byte the committed snapshot.
    let run = nnbook(&["test", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn confusion_and_weight_tables() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let page = read(book.path().join("site/01-kinds.html"));
    let confusion = page.split("id=\"blobs-confusion\"").nth(1).unwrap();
    let confusion = confusion.split("</table>").next().unwrap();
    assert!(confusion.contains("<th scope=\"col\">True ↓ predicted →</th>"));
    // 150 points, 3 classes: the nine counts add up to 150.
    let total: usize = confusion
        .split("<td>")
        .skip(1)
        .filter_map(|c| c.split("</td>").next())
        .filter_map(|c| c.parse::<usize>().ok())
        .sum::<usize>()
        - (1 + 2 + 3);
    assert_eq!(total, 150, "{confusion}");
    let weights = page.split("id=\"blobs-weights\"").nth(1).unwrap();
    assert_eq!(
        weights
            .split("</table>")
            .next()
            .unwrap()
            .matches("<tr>")
            .count(),
        1 + 3
    );
}

#[test]
fn hidden_grids_and_overlaid_runs() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let figs = book.path().join("site/figures");
    let grid = read(figs.join("evo-grid.svg"));
    // 11 lines each way, the middle pair drawn thick.
    assert_eq!(grid.matches("stroke=\"#9a9a9a\"").count(), 20, "{grid}");
    assert_eq!(
        grid.matches("<polyline fill=\"none\" stroke=\"#000000\" stroke-width=\"1.6\"")
            .count(),
        2
    );
    // Playground diagram: one heatmap per node (2 inputs, 2 hidden, 1 output) and one colour
    // key under each of the 3 columns, no circles.
    let playground = read(figs.join("evo-playground.svg"));
    assert_eq!(playground.matches("<image").count(), 5 + 3);
    assert_eq!(
        playground
            .matches("height=\"10\" preserveAspectRatio")
            .count(),
        3
    );
    assert_eq!(playground.matches("<circle").count(), 0);
    let overlaid = read(figs.join("overlaid-runs.svg"));
    assert!(overlaid.contains(">run 1<") && overlaid.contains(">run 2<"));
    assert_eq!(overlaid.matches("stroke-width=\"1.6\"").count(), 2);
}

#[test]
fn validation_curves_per_epoch() {
    let book = fixture("kinds");
    build_ok(book.path(), &[]);
    let svg = read(book.path().join("site/figures/held-out-curve.svg"));
    assert!(
        svg.contains(">Training<") && svg.contains(">Validation<"),
        "{svg}"
    );
    // From the cache the curve is the same, validation included.
    build_ok(book.path(), &[]);
    assert_eq!(
        read(book.path().join("site/figures/held-out-curve.svg")),
        svg
    );
    let page = read(book.path().join("site/01-kinds.html"));
    let metrics = page.split("id=\"held-out-metrics\"").nth(1).unwrap();
    assert!(metrics.contains("Validation accuracy"));
}

#[test]
fn book_yaml_palette_chooses_the_figures_colours() {
    let book = fixture("basic");
    build_ok(book.path(), &[]);
    let regions = || read(book.path().join("site/figures/xor-regions.svg"));
    // Okabe-Ito vermillion by default; the articles' pure red only when asked for.
    let safe = regions();
    assert!(
        safe.contains("#d55e00") && !safe.contains("#ff0000"),
        "{safe}"
    );
    let yaml = read(book.path().join("book.yaml")) + "palette: article\n";
    std::fs::write(book.path().join("book.yaml"), &yaml).unwrap();
    build_ok(book.path(), &[]);
    let article = regions();
    assert!(
        article.contains("#ff0000") && !article.contains("#d55e00"),
        "{article}"
    );
    // A figure's own `palette:` overrides the book's, for that figure only.
    let chapter = book.path().join("content/02-train.md");
    let text = read(&chapter);
    let own = text.replace("grid: 100}", "grid: 100, palette: safe}");
    assert_ne!(own, text);
    std::fs::write(&chapter, own).unwrap();
    build_ok(book.path(), &[]);
    assert_eq!(regions(), safe);
    // An unknown palette is an error at its value.
    std::fs::write(
        book.path().join("book.yaml"),
        yaml.replace("palette: article", "palette: pink"),
    )
    .unwrap();
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("book.yaml:") && run.stderr.contains("pink"),
        "{}",
        run.stderr
    );
}
