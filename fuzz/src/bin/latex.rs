//! AFL target: `nnbook::fuzz::latex`.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        nnbook::fuzz::latex(data);
    });
}
