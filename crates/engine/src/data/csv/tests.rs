//! Tests of reading CSV data files.

use super::*;

fn sel(target: &str) -> Select<'_> {
    Select {
        target,
        features: None,
        task: None,
        min_classes: 0,
        classes: None,
    }
}

fn err(text: &str, select: &Select<'_>) -> CsvError {
    read(text.as_bytes(), select).unwrap_err()
}

fn at(e: &CsvError) -> (usize, usize) {
    (e.line, e.col)
}

#[test]
fn reads_numbers_quotes_crlf_and_text_labels() {
    let text = "\u{feff}x1, \"x 2\",label\r\n1.5,-2e1,cat\r\n\"3\", 4 ,\"dog, big\"\r\n0,0,cat";
    let t = read(text.as_bytes(), &sel("label")).unwrap();
    assert_eq!(t.features, ["x1", "x 2"]);
    assert_eq!((t.data.n, t.data.d), (3, 2));
    assert_eq!(t.data.x, [1.5, -20.0, 3.0, 4.0, 0.0, 0.0]);
    let c = t.classes.unwrap();
    assert_eq!(c.names, ["cat", "dog, big"]);
    assert!(!c.numeric);
    assert_eq!(t.data.y, [0.0, 1.0, 0.0]);
    assert!(t.data.classification);
}

#[test]
fn numeric_labels_sort_as_numbers_and_keep_their_value() {
    let t = read(b"a,y\n1,10\n2,2\n3,10\n4,-1\n", &sel("y")).unwrap();
    let c = t.classes.unwrap();
    assert_eq!(c.names, ["-1", "2", "10"]);
    assert_eq!(t.data.y, [10.0, 2.0, 10.0, -1.0]);
    // Fractions are a regression target unless told otherwise.
    let r = read(b"a,y\n1,0.5\n2,1.25\n", &sel("y")).unwrap();
    assert!(r.classes.is_none() && !r.data.classification);
    assert_eq!(r.data.y, [0.5, 1.25]);
}

#[test]
fn features_choose_and_order_columns() {
    let names = vec!["c".to_string(), "a".to_string()];
    let s = Select {
        features: Some(&names),
        task: Some(Task::Regression),
        ..sel("b")
    };
    let t = read(b"a,b,c\n1,2,3\n4,5,6\n", &s).unwrap();
    assert_eq!(t.features, ["c", "a"]);
    assert_eq!(t.data.x, [3.0, 1.0, 6.0, 4.0]);
    assert_eq!(t.data.y, [2.0, 5.0]);
    // Unused columns may hold anything.
    let one = vec!["a".to_string()];
    let s = Select {
        features: Some(&one),
        ..sel("b")
    };
    assert!(read(b"a,b,note\n1,0,hello\n2,1,\n", &s).is_ok());
}

#[test]
fn quoted_fields_may_hold_line_breaks_and_quotes() {
    let x = vec!["x".to_string()];
    let s = Select {
        features: Some(&x),
        ..sel("y")
    };
    let t = read(
        b"note,x,y\n\"two\nlines\",1,0\n\"say \"\"hi\"\"\",2,1\n",
        &s,
    )
    .unwrap();
    assert_eq!(t.data.x, [1.0, 2.0]);
    // Positions after a quoted line break still count lines.
    let e = err("n,x,y\n\"a\nb\",1,0\n\"c\",q,1\n", &s);
    assert_eq!(at(&e), (4, 5), "{e}");
}

#[test]
fn every_problem_has_its_line_and_column() {
    let ragged = err("x1,x2,y\n1,2,0\n3,4,1,9\n", &sel("y"));
    assert_eq!(at(&ragged), (3, 6), "{ragged}");
    assert!(ragged.message.contains("4 fields but the header has 3"));
    let short = err("x1,x2,y\n1,2,0\n3,4\n", &sel("y"));
    assert_eq!(at(&short), (3, 4), "{short}");
    let nan = err("x1,x2,y\n1,2,0\n3,NaN,1\n", &sel("y"));
    assert_eq!(at(&nan), (3, 3));
    assert!(nan.message.contains("not a finite number"), "{nan}");
    let inf = err("x1,x2,y\n1,-inf,0\n", &sel("y"));
    assert_eq!(at(&inf), (2, 3));
    let big = err("x1,x2,y\n1,1e999,0\n", &sel("y"));
    assert!(big.message.contains("finite"));
    let text = err("x1,x2,y\n1,2,0\n3,  four ,1\n", &sel("y"));
    assert_eq!((text.line, text.col, text.len), (3, 5, 4));
    assert!(
        text.message
            .contains("`four` in column `x2` is not a number")
    );
    let missing = err("x1,x2,y\n1,,0\n", &sel("y"));
    assert!(missing.message.contains("missing"), "{missing}");
    let blank = err("x1,y\n1,0\n\n2,1\n", &sel("y"));
    assert_eq!(at(&blank), (3, 1));
    assert!(blank.message.contains("blank line"));
    let unclosed = err("x1,y\n1,\"0\n", &sel("y"));
    assert_eq!(at(&unclosed), (2, 3));
    let after = err("x1,y\n1,\"0\"x\n", &sel("y"));
    assert_eq!(at(&after), (2, 6));
    let inner = err("x1,y\n1,a\"b\n", &sel("y"));
    assert_eq!(at(&inner), (2, 4));
    // Columns count characters, not bytes.
    let wide = err("é,ü,y\n1,2,0\n3,ß,1\n", &sel("y"));
    assert_eq!(at(&wide), (3, 3));
}

#[test]
fn header_problems() {
    let e = err("x1,x2,label\n1,2,0\n", &sel("lable"));
    assert_eq!((e.line, e.col, e.len), (1, 1, 11));
    assert!(e.message.contains("no column `lable` (named by `target:`)"));
    assert_eq!(
        e.hint,
        Hint::Column {
            name: "lable".into(),
            header: vec!["x1".into(), "x2".into(), "label".into()]
        }
    );
    let feats = vec!["x1".to_string(), "x3".to_string()];
    let e = err(
        "x1,x2,label\n1,2,0\n",
        &Select {
            features: Some(&feats),
            ..sel("label")
        },
    );
    assert!(e.message.contains("`x3` (named by `features:`)"), "{e}");
    assert!(matches!(&e.hint, Hint::Column { name, .. } if name == "x3"));
    let dup = err("x1,x2,x1,y\n1,2,3,0\n", &sel("y"));
    assert_eq!((dup.line, dup.col, dup.len), (1, 7, 2));
    assert!(dup.message.contains("twice"));
    let unnamed = err("x1,,y\n1,2,0\n", &sel("y"));
    assert_eq!(at(&unnamed), (1, 4));
    let self_feature = vec!["y".to_string()];
    let e = err(
        "x,y\n1,0\n",
        &Select {
            features: Some(&self_feature),
            ..sel("y")
        },
    );
    assert!(e.message.contains("target column"));
    let only_target = err("y\n1\n", &sel("y"));
    assert!(only_target.message.contains("no feature columns"));
    // The header says two columns, every row has three.
    let lying = err("x,y\n1,2,0\n3,4,1\n", &sel("y"));
    assert_eq!(at(&lying), (2, 4));
}

#[test]
fn empty_files_and_encodings() {
    for text in ["", "\n", "\r\n\r\n", "  \n"] {
        let e = err(text, &sel("y"));
        assert_eq!(at(&e), (1, 1));
        assert!(e.message.contains("empty"), "{text:?}: {e}");
    }
    let before = err("\nx,y\n1,0\n", &sel("y"));
    assert!(before.message.contains("before the header"));
    let header_only = err("x,y\n", &sel("y"));
    assert!(header_only.message.contains("no rows"));
    let bytes = b"x,y\n1,0\n2,\xff\n";
    let e = read(bytes, &sel("y")).unwrap_err();
    assert_eq!(at(&e), (3, 3));
    assert!(e.message.contains("UTF-8"));
    // Trailing blank lines end the file quietly; so does a missing final newline.
    assert_eq!(read(b"x,y\n1,0\n2,1\n\n\n", &sel("y")).unwrap().data.n, 2);
    assert_eq!(read(b"x,y\n1,0\n2,1", &sel("y")).unwrap().data.n, 2);
}

#[test]
fn classes_and_tasks() {
    let one = Select {
        min_classes: 2,
        ..sel("y")
    };
    let e = err("x,y\n1,a\n2,a\n", &one);
    assert_eq!((e.line, e.col, e.len), (1, 3, 1));
    assert!(e.message.contains("one class only (`a`)"), "{e}");
    let reg = Select {
        task: Some(Task::Regression),
        ..sel("y")
    };
    let e = err("x,y\n1,0.5\n2,big\n", &reg);
    assert_eq!(at(&e), (3, 3));
    assert!(e.message.contains("target column"));
    let cls = Select {
        task: Some(Task::Classification),
        ..sel("y")
    };
    let t = read(b"x,y\n1,0.5\n2,1.5\n3,0.5\n", &cls).unwrap();
    assert_eq!(t.classes.unwrap().names, ["0.5", "1.5"]);
    let e = err("x,y\n1,a\n2, \n", &cls);
    assert!(e.message.contains("label"), "{e}");
    // Held-out data maps its labels to the training classes.
    let train = read(b"x,y\n1,b\n2,a\n3,c\n", &sel("y")).unwrap();
    let classes = train.classes.unwrap();
    let held = Select {
        classes: Some(&classes),
        ..sel("y")
    };
    let v = read(b"x,y\n1,c\n2,c\n", &held).unwrap();
    assert_eq!(v.data.y, [2.0, 2.0]);
    let e = err("x,y\n1,c\n2,d\n", &held);
    assert_eq!(at(&e), (3, 3));
    assert!(e.message.contains("`d` is not one of"), "{e}");
}

#[test]
fn refuses_what_is_too_large() {
    let wide = format!("{}\n", vec!["c"; MAX_COLUMNS + 1].join(","));
    assert!(err(&wide, &sel("c")).message.contains("more than"));
}
