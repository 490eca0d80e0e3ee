//! AFL target: `nnbook::fuzz::block`.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        nnbook::fuzz::block(data);
    });
}
