//! AFL target: `nnbook::fuzz::csv`.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        nnbook::fuzz::csv(data);
    });
}
