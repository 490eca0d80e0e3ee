//! Syntax highlighting at build time, for the languages a book about neural networks shows:
//! YAML (experiment blocks), Python, Rust, shell and JSON. A small lexer per language family
//! wraps comments, strings, numbers, keywords, literals and keys in `<span class="hl-…">`;
//! everything else is escaped text. No JavaScript, no network, deterministic.

use super::render::escape;

/// The canonical name of a supported language, from a fence's info string.
pub fn language(info: &str) -> Option<&'static str> {
    let word = info.split([' ', ',', '{']).next().unwrap_or("");
    Some(match word.to_ascii_lowercase().as_str() {
        "yaml" | "yml" => "yaml",
        "python" | "py" => "python",
        "rust" | "rs" => "rust",
        "bash" | "sh" | "shell" | "console" | "zsh" => "bash",
        "json" => "json",
        _ => return None,
    })
}

const PYTHON_KW: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];
const PYTHON_LIT: &[&str] = &["True", "False", "None", "self"];
const RUST_KW: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "super", "trait", "type", "unsafe", "use", "where", "while",
];
const RUST_LIT: &[&str] = &["true", "false", "self", "Self", "None", "Some", "Ok", "Err"];
const BASH_KW: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "in", "function", "return", "export", "local", "set", "cd", "echo",
];
const YAML_LIT: &[&str] = &[
    "true", "false", "null", "yes", "no", "True", "False", "Null", "~",
];
const JSON_LIT: &[&str] = &["true", "false", "null"];

/// `code` as highlighted, escaped HTML (the inside of `<code>`).
pub fn highlight(lang: &str, code: &str) -> String {
    let (keywords, literals, line_comment, block_comment): (&[&str], &[&str], Option<&str>, bool) =
        match lang {
            "python" => (PYTHON_KW, PYTHON_LIT, Some("#"), false),
            "rust" => (RUST_KW, RUST_LIT, Some("//"), true),
            "bash" => (BASH_KW, &[], Some("#"), false),
            "yaml" => (&[], YAML_LIT, Some("#"), false),
            "json" => (&[], JSON_LIT, None, false),
            _ => return escape(code),
        };
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len() * 2);
    let mut i = 0;
    let span = |out: &mut String, class: &str, text: &[char]| {
        let s: String = text.iter().collect();
        out.push_str(&format!("<span class=\"hl-{class}\">{}</span>", escape(&s)));
    };
    let starts = |i: usize, pat: &str| {
        let p: Vec<char> = pat.chars().collect();
        chars.get(i..i + p.len()) == Some(&p[..])
    };
    // Start of a line (only spaces, or `- ` list markers in YAML, before `i`).
    let line_start = |i: usize| {
        chars[..i]
            .iter()
            .rev()
            .take_while(|&&c| c != '\n')
            .all(|&c| c == ' ' || c == '\t' || (lang == "yaml" && c == '-'))
    };
    while i < chars.len() {
        let c = chars[i];
        // Comments.
        if let Some(lc) = line_comment
            && starts(i, lc)
            && (lang != "bash" && lang != "yaml"
                || i == 0
                || chars[i - 1].is_whitespace()
                || lang == "yaml" && matches!(chars[i - 1], '[' | '{' | ','))
        {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| i + p);
            span(&mut out, "c", &chars[i..end]);
            i = end;
            continue;
        }
        if block_comment && starts(i, "/*") {
            let end = (i + 2..chars.len())
                .find(|&j| starts(j, "*/"))
                .map_or(chars.len(), |j| j + 2);
            span(&mut out, "c", &chars[i..end]);
            i = end;
            continue;
        }
        // Strings (a Rust `'` is a char literal only when it closes right after one char).
        let is_quote = c == '"'
            || c == '\''
                && match lang {
                    "rust" => {
                        chars.get(i + 2) == Some(&'\'')
                            || chars.get(i + 1) == Some(&'\\') && chars.get(i + 3) == Some(&'\'')
                    }
                    "json" => false,
                    "yaml" => i == 0 || !chars[i - 1].is_alphanumeric(),
                    _ => true,
                };
        if is_quote {
            let triple = lang == "python" && starts(i, &c.to_string().repeat(3));
            let mut j = if triple { i + 3 } else { i + 1 };
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '\\' && lang != "yaml" {
                    j += 2;
                    continue;
                }
                if triple {
                    if starts(j, &c.to_string().repeat(3)) {
                        j += 3;
                        break;
                    }
                } else if chars[j] == c {
                    j += 1;
                    break;
                } else if chars[j] == '\n' && lang != "bash" {
                    break;
                }
                j += 1;
            }
            let j = j.min(chars.len());
            let mut k = j;
            while k < chars.len() && (chars[k] == ' ' || chars[k] == '\t') {
                k += 1;
            }
            let is_key = (lang == "json" || lang == "yaml") && chars.get(k) == Some(&':');
            span(&mut out, if is_key { "a" } else { "s" }, &chars[i..j]);
            i = j;
            continue;
        }
        // Numbers (not inside identifiers).
        let prev_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c.is_ascii_digit() && !prev_ident
            || (c == '-' || c == '.')
                && !prev_ident
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                && lang != "bash"
        {
            let mut j = i + 1;
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric()
                    || chars[j] == '.'
                    || chars[j] == '_'
                    || matches!(chars[j], '+' | '-') && matches!(chars[j - 1], 'e' | 'E'))
            {
                j += 1;
            }
            // `1abc` in YAML is a plain word, not a number.
            if lang == "yaml"
                && chars[i..j]
                    .iter()
                    .any(|c| c.is_ascii_alphabetic() && *c != 'e')
            {
                out.push_str(&escape(&chars[i..j].iter().collect::<String>()));
            } else {
                span(&mut out, "n", &chars[i..j]);
            }
            i = j;
            continue;
        }
        // Words: keywords, literals, YAML keys, bash variables.
        if c.is_alphabetic() || c == '_' || (lang == "bash" && c == '$') {
            let mut j = i + 1;
            while j < chars.len()
                && (chars[j].is_alphanumeric()
                    || chars[j] == '_'
                    || (lang == "yaml" && chars[j] == '-')
                    || (lang == "bash" && c == '$' && chars[j] == '{'))
            {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            let yaml_key = lang == "yaml"
                && chars.get(j) == Some(&':')
                && chars.get(j + 1).is_none_or(|c| c.is_whitespace())
                && (line_start(i) || i > 0 && matches!(chars[i - 1], '{' | ' ' | ','));
            let class = if yaml_key {
                Some("a")
            } else if lang == "bash" && c == '$' {
                Some("v")
            } else if keywords.contains(&word.as_str()) {
                Some("k")
            } else if literals.contains(&word.as_str()) {
                Some("l")
            } else {
                None
            };
            match class {
                Some(class) => span(&mut out, class, &chars[i..j]),
                None => out.push_str(&escape(&word)),
            }
            i = j;
            continue;
        }
        let mut buf = [0u8; 4];
        out.push_str(&escape(c.encode_utf8(&mut buf)));
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{highlight, language};

    #[test]
    fn languages() {
        assert_eq!(language("yml"), Some("yaml"));
        assert_eq!(language("py title=x"), Some("python"));
        assert_eq!(language("nn"), None);
        assert_eq!(language(""), None);
    }

    #[test]
    fn yaml_keys_strings_numbers_comments() {
        let h = highlight(
            "yaml",
            "id: xor # the block\ndata: {generator: xor, n: 1550}\nshow:\n  - {figure: scatter, caption: \"A <b> & c\"}\n",
        );
        assert!(h.contains("<span class=\"hl-a\">id</span>:"), "{h}");
        assert!(h.contains("<span class=\"hl-c\"># the block</span>"), "{h}");
        assert!(
            h.contains("{<span class=\"hl-a\">generator</span>: xor"),
            "{h}"
        );
        assert!(h.contains("<span class=\"hl-n\">1550</span>"), "{h}");
        assert!(
            h.contains("<span class=\"hl-s\">&quot;A &lt;b&gt; &amp; c&quot;</span>"),
            "{h}"
        );
        assert!(!h.contains("<b>"));
    }

    #[test]
    fn python_rust_bash_json() {
        let p = highlight("python", "def f(x):\n    return x * 2  # twice\n");
        assert!(p.contains("<span class=\"hl-k\">def</span> f(x):"), "{p}");
        assert!(p.contains("<span class=\"hl-c\"># twice</span>"), "{p}");
        let r = highlight("rust", "fn main() { let s = \"a\\\"b\"; /* c */ 'x'; }");
        assert!(r.contains("<span class=\"hl-k\">fn</span>"), "{r}");
        assert!(
            r.contains("<span class=\"hl-s\">&quot;a\\&quot;b&quot;</span>"),
            "{r}"
        );
        assert!(r.contains("<span class=\"hl-c\">/* c */</span>"), "{r}");
        assert!(r.contains("<span class=\"hl-s\">&#39;x&#39;</span>"), "{r}");
        let lifetime = highlight("rust", "fn f<'a>(x: &'a str) {}");
        assert!(!lifetime.contains("hl-s"), "{lifetime}");
        let b = highlight("bash", "echo $HOME # hi\ncargo run -- build");
        assert!(b.contains("<span class=\"hl-v\">$HOME</span>"), "{b}");
        assert!(b.contains("<span class=\"hl-c\"># hi</span>"), "{b}");
        let j = highlight("json", "{\"a\": [1, -2.5e3, true, null]}");
        assert!(
            j.contains("<span class=\"hl-a\">&quot;a&quot;</span>"),
            "{j}"
        );
        assert!(j.contains("<span class=\"hl-n\">-2.5e3</span>"), "{j}");
        assert!(j.contains("<span class=\"hl-l\">true</span>"), "{j}");
    }

    #[test]
    fn text_survives() {
        // Removing the spans and unescaping gives the input back.
        for (lang, code) in [
            ("yaml", "a: [1, 'b', \"c\"]  # d\n- e: f-g\n"),
            ("python", "x = '''doc\n''' + \"s\" # é\n"),
            ("rust", "let r#x = b'a'; // z\n"),
            ("bash", "for f in *.md; do echo \"$f\"; done"),
            ("json", "{\"k\": \"v\\n\"}"),
        ] {
            let h = highlight(lang, code);
            let mut plain = String::new();
            let mut in_tag = false;
            for c in h.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' if in_tag => in_tag = false,
                    _ if !in_tag => plain.push(c),
                    _ => {}
                }
            }
            let plain = plain
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            assert_eq!(plain, code, "{lang}");
        }
    }
}
