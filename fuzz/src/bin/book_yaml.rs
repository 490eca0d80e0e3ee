//! AFL target: `nnbook::fuzz::book_yaml`.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        nnbook::fuzz::book_yaml(data);
    });
}
