//! AFL target: `nnbook::fuzz::markdown`.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        nnbook::fuzz::markdown(data);
    });
}
