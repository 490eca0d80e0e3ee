//! `nnbook explain E0NN`: a longer explanation, with an example, of every diagnostic code.
//! A test reads the sources and checks that every code used has an entry here.

/// One explained code.
pub struct Explanation {
    pub code: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

/// Every code nnbook emits, in order.
pub const EXPLANATIONS: &[Explanation] = &[
    Explanation {
        code: "E001",
        title: "book.yaml is missing, unreadable or not valid YAML",
        text: "nnbook starts from `book.yaml` at the book's root (`--root DIR`, default the current
folder). The file must exist, be UTF-8 text and be a YAML mapping.

Example:

    title: [My book        # an unclosed `[`

Fix the syntax at the position shown, or run `nnbook init DIR` to create a new book.",
    },
    Explanation {
        code: "E002",
        title: "unknown key in book.yaml",
        text: "Every key of `book.yaml` is checked, so a typo is reported instead of silently
ignored. The valid keys are: title, authors, description, language, site_url, chapters,
theme, output, datasets, download, cache, snapshots, limits, palette, bibliography,
csl, references.

Example:

    title: My book
    autors: [Ada]          # did you mean `authors`?",
    },
    Explanation {
        code: "E003",
        title: "a value in book.yaml has the wrong type or is not allowed",
        text: "A key of `book.yaml` holds a value of the wrong type (a list where a string is
expected, a number where a list is expected), is out of range (a negative limit), or names
a chapter twice.

Example:

    title: My book
    authors: Ada           # a list is expected: [Ada]
    chapters: [a.md, a.md] # a chapter may appear only once",
    },
    Explanation {
        code: "E004",
        title: "a chapter cannot be read",
        text: "Chapters are the Markdown files of `content/` (or those listed under `chapters:` in
book.yaml). Each must exist inside the book, be a regular file (not a folder or a symlink
loop), be UTF-8 text and be smaller than 8 MiB.

Example:

    chapters: [intro.md, missing.md]   # content/missing.md does not exist

Save the file as UTF-8, split very large chapters, or fix the name in book.yaml.",
    },
    Explanation {
        code: "E005",
        title: "a chapter's front matter is not valid YAML",
        text: "A chapter may start with front matter between two `---` lines. Its YAML must parse.

Example:

    ---
    title: [Intro
    ---",
    },
    Explanation {
        code: "E006",
        title: "a chapter's front matter has an unknown key or a bad value",
        text: "Front matter accepts `title` and `description`, both strings.

Example:

    ---
    titel: Intro           # did you mean `title`?
    ---",
    },
    Explanation {
        code: "E007",
        title: "nnbook init cannot create the book",
        text: "`nnbook init DIR` refuses to overwrite a folder that already holds a book
(a `book.yaml`) and reports files it cannot write.

Example:

    nnbook init demo && nnbook init demo   # the second call fails

Choose a new folder or remove the old book first.",
    },
    Explanation {
        code: "E008",
        title: "the output folder is not allowed",
        text: "`nnbook build` replaces the output folder on every build, and `nnbook clean` deletes
it, so nnbook checks it first. book.yaml's `output:` names a folder inside the book; `--out`
on the command line may name any folder, relative to the book or absolute. Wherever it is,
the output folder is never the book's folder or a folder above it (nor your home folder),
and never holds or lies inside something the book reads or keeps: book.yaml, the chapters,
the theme, the datasets folder, the CSV files its blocks read, the snapshots, the cache, a
`.git` repository. An existing folder is replaced only when it is empty or holds a site
nnbook built (its manifest.json); `nnbook clean` deletes only the latter. The error points
at the value: `book.yaml:LINE:COL`, or `<command line>` for `--out`.

Example:

    output: content        # would overwrite the chapters; use `output: site`
    nnbook build --out ..  # would replace the folder holding the book
    nnbook build --out /tmp/my-book-site   # fine: a new folder outside the book",
    },
    Explanation {
        code: "E009",
        title: "a path named by the book leaves the book",
        text: "Every path a book names (chapters, theme, datasets, cache, snapshots, output, and
the `csv:` files of its blocks) is resolved, symlinks included, and must stay inside the
book's root. A dataset folder may also be outside when the user names it with
$NNBOOK_DATA_DIR, and the output folder when the user names it with `--out` (see E008).

Example:

    theme: ../../etc       # leaves the book
    chapters: [link.md]    # content/link.md is a symlink to /home/me/secret.md
    data: {csv: ../../points.csv, target: label}   # a CSV file outside the book",
    },
    Explanation {
        code: "E010",
        title: "an experiment block is not valid YAML or is not closed",
        text: "An experiment block is a fenced code block with the info string `nn`; its body is
YAML and it ends with a line of three backticks.

Example:

    ```nn
    id: xor
    train: {optimizer: [      # unclosed `[`
    ```",
    },
    Explanation {
        code: "E011",
        title: "unknown key in an experiment block",
        text: "Every key of an experiment block is checked against the schema; the guide chapter
lists them. A typo gets a did-you-mean hint. A figure or table option given to a kind that
does not take it (`grid:` on a `scatter`) names the kinds that do.

Example:

    id: xor
    data: {generator: xor}
    trian: {epochs: 10}    # did you mean `train`?",
    },
    Explanation {
        code: "E012",
        title: "unknown name in an experiment block",
        text: "Closed sets of names (activations, losses, optimizers, generators, figure kinds,
table kinds, metrics, scalings) are checked; a typo gets a did-you-mean hint.

Example:

    model: [{dense: 4, activation: rleu}]   # did you mean `relu`?",
    },
    Explanation {
        code: "E013",
        title: "a value in an experiment block is missing, of the wrong type or out of range",
        text:
            "A required key is missing, a value has the wrong type (text where a number is
expected), is out of its range (zero units, a negative learning rate, more epochs or a
larger grid than allowed), or two settings contradict each other (softmax with binary
cross-entropy, `model:` in a `use:` block).

Example:

    model: [{dense: 0}]                       # a layer needs at least one unit
    train: {loss: binary-crossentropy}        # with a softmax output: use categorical-crossentropy",
    },
    Explanation {
        code: "E014",
        title: "the model does not fit its data",
        text: "The model's output layer must match the data: one sigmoid unit for two classes, one
softmax unit per class, one linear unit per regression target; validation data must have
the training data's features and classes.

Example:

    data: {generator: xor}
    model: [{dense: 3, activation: softmax}]   # xor has 2 classes",
    },
    Explanation {
        code: "E015",
        title: "duplicate experiment, figure or table id",
        text: "Experiment ids are unique in the book (a later block reuses one with `use:`), and so
are figure and table ids, because they are the labels prose refers to.

Example:

    ```nn
    id: xor
    ...
    ```
    ```nn
    id: xor        # already defined; use `use: xor` to show more of it
    ```",
    },
    Explanation {
        code: "E016",
        title: "`use:` names an unknown experiment",
        text: "`use: ID` shows more of an experiment defined by another block (`id: ID`) without
retraining it. The id must exist somewhere in the book.

Example:

    use: xro       # did you mean `xor`?",
    },
    Explanation {
        code: "E017",
        title: "the bibliography or citation style cannot be read",
        text: "`bibliography:` in book.yaml names a BibTeX or BibLaTeX file (relative to the book's
folder) whose entries prose cites with `[@key]`; `csl:` optionally names a CSL 1.0 style file
(the default is the bundled APA style). The files must exist inside the book, be UTF-8, and
parse: a BibTeX syntax error, a duplicate key or a malformed field is reported at its line in
the file.

Example:

    bibliography: references.bib
    csl: styles/ieee.csl

    @article{cybenko1989,
      author = {Cybenko, George},
      title  = {Approximation by Superpositions of a Sigmoidal Function},
      year   = {1989}          # a missing `}` or `,` is reported here",
    },
    Explanation {
        code: "E020",
        title: "unknown cross-reference label",
        text: "Prose refers to figures, tables and labelled equations with `@id`; the id must be
one a block's `show:` gives (explicitly with `id:` or by default) or an equation's `{#id}`. A
typo gets a did-you-mean hint. Write `\\@` for a literal at sign, in prose, table cells and
captions alike (an address such as `me@example.org` needs no escape).

Example:

    As @xor-curev shows ...     # did you mean `xor-curve`?
    Thanks to \\@octocat.        # a literal @: prints `Thanks to @octocat.`",
    },
    Explanation {
        code: "E021",
        title: "math cannot be rendered",
        text: "Math between `$…$` (inline) or `$$…$$` (display) is LaTeX, turned into MathML at
build time. An unknown command or unbalanced braces is an error. The opening `$` must come
right before a non-space character and the closing `$` right after one, in one paragraph.

A `$` that starts math which does not close is an error too, rather than text on the page:
one followed by a letter, a backslash, a brace or another math character, `$$`, or a `$`
whose formula up to the next `$` does not parse. A `$` before a digit or a space is a
price (`$5 and $10`) and stays text. Write `\\$` for a literal dollar sign anywhere.

Example:

    $\\frac{1}{2$             # unbalanced brace
    $\\sigma(z) is ...        # no closing `$`
    \\$HOME costs $5          # a literal dollar, and a price",
    },
    Explanation {
        code: "E022",
        title: "a value in prose cannot be printed",
        text: "A code span that starts with `{nn}` prints a number an experiment computed:
`{nn} EXPERIMENT.METRIC` with an optional format after a colon (`.1%` a percentage, `.3f`
fixed decimals, `,` thousands grouped, `,d` a whole number grouped). The experiment must be
an `id:` of the book and the metric one of loss, accuracy, mse, val_loss, val_accuracy,
val_mse, epochs, params; a metric the experiment does not have (val_accuracy without
`validate:`, accuracy of a regressor) is reported after training. Values cannot stand in
headings. Write `{{nn}}` to print the code span `{nn} …` as written.

Example:

    It reaches `{nn} ann-mnist.val_acuracy:.1%` on the test set.   # did you mean `val_accuracy`?
    `{{nn}} xor.loss` prints the code `{nn} xor.loss`.",
    },
    Explanation {
        code: "E023",
        title: "a citation cannot be resolved",
        text: "`[@key]` cites the entry `key` of the bibliography book.yaml names; `[@key, p. 3]`
adds a locator (p., pp., chap., sec., fig., eq., para., vol., or a bare page number) and
`[@a; @b]` cites several entries at once. The key must be in the bibliography (a typo gets a
did-you-mean hint), and a book without `bibliography:` cannot cite. A citation key may not
also be the id of a figure, table or equation: `@id` refers, `[@key]` cites, and one name
for both would be ambiguous to the reader. Citations cannot stand in headings. Write `[\\@x]`
for a literal `[@x]`.

Example:

    One hidden layer suffices [@cybenko1898].   # did you mean `cybenko1989`?
    As [@fig-xor] shows ...                      # a figure: write `@fig-xor`",
    },
    Explanation {
        code: "E030",
        title: "an experiment failed to train",
        text: "Training stopped: the loss, a gradient or a weight became NaN or infinite
(divergence), the model could not be built, or the experiment would cost more than the
book's `limits:` allow. No figure is drawn from a failed run.

Example:

    train: {optimizer: sgd, lr: 1000}    # diverges: try a smaller `lr:`

For the cost limit, the message gives the estimate and the `limits:` key to raise.",
    },
    Explanation {
        code: "E031",
        title: "data or a figure cannot be made",
        text: "The data of a block cannot be generated (a seed out of range, an empty dataset), or
a figure cannot be drawn from the experiment (a decision-regions figure of data with more
than two features).

Example:

    data: {generator: two-blobs-3d}
    show: [{figure: decision-regions}]        # three features: no 2-D map of regions",
    },
    Explanation {
        code: "E032",
        title: "a dataset file is corrupt",
        text: "An IDX file (MNIST) has a bad magic number, header counts that do not match its
size, a truncated gzip stream or a SHA-256 that differs from the published one.

Example:

    datasets/mnist/t10k-images-idx3-ubyte.gz   # truncated download

Replace the file with an intact copy.",
    },
    Explanation {
        code: "E033",
        title: "a block's CSV file cannot be found or read",
        text: "`data: {csv: FILE, target: COLUMN}` reads FILE relative to the book's `datasets:`
folder (when book.yaml names one), else relative to the book's root. The file must exist,
be a regular file and be readable.

Example:

    # book.yaml: datasets: datasets
    data: {csv: points.csv, target: label}     # neither datasets/points.csv nor points.csv

Check the file's name and folder; the message lists the places looked at.",
    },
    Explanation {
        code: "E034",
        title: "a CSV data file has a problem",
        text: "A block's CSV file is read strictly, and every problem points at the file's own
line and column: the first line is a header naming each column once; every row has one
field per column; feature columns (and a regression target) hold finite numbers (no text,
no empty cell, no NaN or infinity); no blank line comes before the last row; the file is
UTF-8 and not empty; the `target:` and `features:` columns are in the header; and a
classifier's target holds at least two classes. Fields may be quoted (`\"a, b\"`, with `\"\"`
for a quote inside); lines may end in CRLF.

Example:

    x1,x2,label
    0.5,1.2,red
    0.7,NaN,blue          # line 3, column 5: not a finite number

    data: {csv: points.csv, target: lable}     # the header has no column `lable`",
    },
    Explanation {
        code: "E035",
        title: "a downloaded dataset failed its check",
        text: "With `--download` (or `download: true` in book.yaml), missing MNIST files are
downloaded into the cache's `datasets/mnist/` folder. Each download is checked against the
published SHA-256 of its decompressed bytes before it is kept; a file that does not match
(a damaged mirror, or a network portal answering in its place) is deleted and reported with
its URL. A mirror that is down or lacks the file is skipped for the next one; when none has
it, the experiment is skipped as for any missing dataset (W001).

Example:

    error[E035]: the download of https://…/t10k-labels-idx1-ubyte.gz failed its check

Try again later, or name other mirrors with $NNBOOK_MNIST_MIRROR (base URLs separated by
commas).",
    },
    Explanation {
        code: "E036",
        title: "a live block is too slow for a browser, or cannot be live",
        text: "`live:` lets a reader retrain the experiment in their browser, with the settings
under `vary:` within the ranges given. At its largest settings (the widest hidden layers, the
most epochs) the training must stay within a browser's budget of about a second: the message
gives the estimate in parameter-sample-epochs (parameters × samples × epochs) and the limit.

Example:

    live: {vary: {units: [1, 256], epochs: [1, 100000]}}   # far more than a second

Lower the largest `units` or `epochs`, or train on less data.",
    },
    Explanation {
        code: "E037",
        title: "a weight file cannot be found, read or parsed",
        text: "`model: {load: FILE}` reads FILE relative to the book's root. It must exist, stay
inside the book, and be a safetensors file (what `safetensors.torch.save_file`,
`safetensors.numpy.save_file` and Keras 3 write) or a NumPy `.npz` archive (`numpy.savez`).
A file cut short, or another format renamed, is reported with what is wrong in it.

Example:

    model: {load: weights/mlp.safetensors, activations: [tanh, sigmoid]}
    # weights/mlp.safetensors: is not a readable safetensors file: its header claims …

Export the weights again, and commit the file with the book.",
    },
    Explanation {
        code: "E038",
        title: "a weight file's tensors do not fit the block's model",
        text: "A loaded model is a stack of dense layers, each a kernel and a bias: PyTorch's
`N.weight` as [out, in] with `N.bias`, or Keras's and Flax's `NAME/kernel` as [in, out] with
`NAME/bias`. Layers are taken in the natural order of their names (`0`, `2`, `10`; `dense`,
`dense_1`). The message names the tensor that does not fit: a missing tensor, a shape that is
not the expected one (both are shown), a dtype that is not floating point (F16, BF16, F32 and
F64 are read, as f32), a tensor that is no dense layer's (an error, since drawing a network
without it would be drawing another network), or a first layer whose inputs are not the
data's features. When the names do not tell the layout, or a kernel is square, say it with
`layout: torch` or `layout: keras`.

Example:

    model:
      load: mlp.safetensors
      layers: [{dense: 8, activation: relu}, {dense: 1, activation: sigmoid}]
    # mlp.safetensors: tensor `0.weight` has shape [4, 2], expected [8, 2]

List the layers the saved model has, or save the model the block describes.",
    },
    Explanation {
        code: "E039",
        title: "a weight file holds NaN or infinite values",
        text: "Every weight and bias of a loaded model must be a finite number that fits in f32
(the engine's precision). A NaN or an infinity usually means the training that saved the file
diverged; the message names the tensor and the position of the first bad value.

Example:

    # mlp.safetensors: tensor `2.weight` holds NaN at [0, 3]

Save the weights from a run that stayed finite (a lower learning rate, gradient clipping).",
    },
    Explanation {
        code: "E040",
        title: "a theme template is broken",
        text: "A book may override the default theme's templates (tera) by name in its `theme:`
folder. The folder must exist, and templates must be UTF-8 and parse and render. Every
variable a template prints, sets or loops over must be in the page's context, through a
filter or not, so that a typo cannot leave pages empty; a condition (`{% if page.x %}`), an
`is defined` test or `| default(value=…)` may name one that is missing.

Example:

    {% block content %}{{ page.content | safe }     # unclosed `}}`
    {{ page.contnet | safe }}                       # did you mean `page.content`?

The default templates stay reachable as `nnbook/<name>`.",
    },
    Explanation {
        code: "E050",
        title: "a file cannot be read or written",
        text: "An operating-system error while reading or writing the site, the cache or the
snapshots (permissions, a full disk). The previous site is kept. `nnbook test` also reports
it when its report folder, nnbook-test-report/, exists but was not written by nnbook: that
folder is never replaced; move or rename it.

Example:

    cannot create site/.tmp: Permission denied",
    },
    Explanation {
        code: "E051",
        title: "nnbook serve cannot listen on the address",
        text: "`nnbook serve` binds 127.0.0.1:3000 unless told otherwise. Another program (or
another `nnbook serve`) may hold the port, or the host may not exist on this machine.

Example:

    cannot listen on 127.0.0.1:3000: Address already in use

Pick another port with `--port 3001`, or `--port 0` to take any free one (the address is
printed).",
    },
    Explanation {
        code: "E099",
        title: "internal error",
        text: "Something inside nnbook failed that no book should be able to cause. `nnbook serve`
reports it like a failed build and keeps running; the previous pages stay served.

Please report it with the book (or the smallest part of it) that makes it happen.",
    },
    Explanation {
        code: "W001",
        title: "an experiment was skipped because its dataset is missing",
        text: "An external dataset (MNIST) was not found in the book's `datasets:` folder, under
$NNBOOK_DATA_DIR or in the cache's `datasets/` folder (where `--download` puts it). The book
is still built and the figure shows \"needs dataset …\" with instructions; `--strict` turns
this warning into an error. `nnbook build --download` (or `download: true` in book.yaml)
fetches the files from the official mirrors; when that fails too, the warning says why.

Example:

    data: {generator: mnist}      # no mnist/ folder anywhere",
    },
    Explanation {
        code: "W002",
        title: "live figures are off in this nnbook",
        text: "A block has `live:`, but this `nnbook` was built without the WebAssembly module
that retrains experiments in the reader's browser (its build needs Rust's wasm32 target). The
book is built with every figure as published and no \"Try it\" controls; `--strict` turns
this warning into an error.

Example:

    live: {vary: {lr: [0.001, 1]}}    # nnbook built before `rustup target add wasm32-wasip1`

Install the target and rebuild nnbook (`cargo install --path .`).",
    },
];

/// The explanation of `code` (case-insensitive; `E4` and `e004` both find E004).
pub fn find(code: &str) -> Option<&'static Explanation> {
    let code = code.trim().to_ascii_uppercase();
    let (letter, digits) = code.split_at(code.len().min(1));
    let n: u32 = digits.parse().ok()?;
    let want = format!("{letter}{n:03}");
    EXPLANATIONS.iter().find(|e| e.code == want)
}

/// The text `nnbook explain` prints.
pub fn render(e: &Explanation) -> String {
    format!("{}: {}\n\n{}\n", e.code, e.title, e.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_codes_loosely() {
        assert_eq!(find("E012").unwrap().code, "E012");
        assert_eq!(find("e12").unwrap().code, "E012");
        assert_eq!(find("w1").unwrap().code, "W001");
        assert!(find("E999").is_none() && find("").is_none() && find("Ex").is_none());
    }

    #[test]
    fn codes_are_unique_and_sorted() {
        for w in EXPLANATIONS.windows(2) {
            assert!(w[0].code < w[1].code, "{} {}", w[0].code, w[1].code);
        }
    }

    /// Every code written in the sources (`"E0NN"` / `"W0NN"`) has an explanation.
    #[test]
    fn every_code_in_the_sources_is_explained() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut found = 0;
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            // This file's own tests name codes that do not exist.
            if entry.path().extension().is_none_or(|e| e != "rs")
                || entry.path().ends_with("explain.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for (i, _) in text.match_indices('"') {
                let code = text.get(i + 1..i + 5).unwrap_or("");
                let closed = text.get(i + 5..i + 6) == Some("\"");
                if closed
                    && (code.starts_with('E') || code.starts_with('W'))
                    && code[1..].bytes().all(|b| b.is_ascii_digit())
                {
                    found += 1;
                    if find(code).is_none() {
                        missing.push(format!("{code} ({})", entry.path().display()));
                    }
                }
            }
        }
        assert!(found > 20, "the scan found only {found} codes");
        assert!(missing.is_empty(), "codes without explanation: {missing:?}");
    }
}
