//! Every fuzz target (src/fuzz.rs) on its committed seeds and on every input that once crashed
//! it (`fuzz/seeds/<target>/`, `fuzz/crashes/<target>/`): none may panic.

use std::path::Path;

#[test]
fn fuzz_targets_survive_their_seeds_and_past_crashes() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (name, target) in nnbook::fuzz::TARGETS {
        let mut inputs = 0;
        for dir in [
            fuzz.join("seeds").join(name),
            fuzz.join("crashes").join(name),
        ] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            for file in files {
                let bytes = std::fs::read(&file).unwrap();
                target(&bytes);
                // Truncations are the commonest corruption: try a few.
                for cut in [bytes.len() / 2, bytes.len().saturating_sub(1)] {
                    target(&bytes[..cut]);
                }
                inputs += 1;
            }
        }
        assert!(inputs >= 3, "{name}: only {inputs} seeds");
    }
}
