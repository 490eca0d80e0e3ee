//! AFL target: `nnbook::fuzz::idx`.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        nnbook::fuzz::idx(data);
    });
}
