//! Atomic output: the whole site is written into a temporary folder beside the output folder
//! and swapped in only when complete, so a failed build never leaves a half-written site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Location, display_path};

/// Files of a site by relative path (forward slashes). A BTreeMap keeps every listing sorted.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Write `files` as the folder `out`, replacing what was there only once everything is written.
pub fn write_site(out: &Path, files: &Files) -> Result<(), Diagnostic> {
    let io = |what: &str, p: &Path, e: std::io::Error| {
        Diagnostic::error("E050", format!("cannot {what} {}: {e}", display_path(p)))
            .at(Location::file(p))
            .hint("check that the output folder's parent exists and is writable")
    };
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "site".into());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    recover(out);
    // Only a folder is ever swapped: a file moved aside would be left behind as `.NAME.old-PID`.
    if out.exists() && !out.is_dir() {
        return Err(Diagnostic::error(
            "E008",
            format!("the output folder {} is a file", display_path(out)),
        )
        .hint("name a folder of its own, such as `site`"));
    }
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| io("remove", &tmp, e))?;
    }
    std::fs::create_dir_all(&tmp).map_err(|e| io("create", &tmp, e))?;
    let result = (|| {
        for (i, (rel, bytes)) in files.iter().enumerate() {
            if i == files.len() / 2 {
                crate::test_pause("site-write");
            }
            let path = safe_join(&tmp, rel).ok_or_else(|| {
                Diagnostic::error("E050", format!("refusing to write outside the site: {rel}"))
            })?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
            }
            std::fs::write(&path, bytes).map_err(|e| io("write", &path, e))?;
        }
        if out.exists() {
            std::fs::rename(out, &old).map_err(|e| io("move aside", out, e))?;
        }
        crate::test_pause("site-swap");
        if let Err(e) = std::fs::rename(&tmp, out) {
            // Put the previous site back so the author keeps a working copy.
            let _ = std::fs::rename(&old, out);
            return Err(io("move into place", out, e));
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    let _ = std::fs::remove_dir_all(&old);
    result
}

/// Temporary folders of builds that were killed (their process is gone) are ours to remove,
/// once a previous site moved aside is back in place.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        for kind in ["tmp", "old"] {
            let prefix = format!(".{name}.{kind}-");
            if let Some(pid) = file.strip_prefix(&prefix)
                && dead(pid)
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Put back the previous site a killed build had moved aside (`.site.old-PID`) when no site
/// took its place, then remove what killed builds left behind. Called at the start of every
/// build.
pub fn recover(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let file = entry.file_name().to_string_lossy().to_string();
        if let Some(pid) = file.strip_prefix(&format!(".{name}.old-"))
            && dead(pid)
            && !out.exists()
        {
            let _ = std::fs::rename(entry.path(), out);
        }
    }
    remove_stale(parent, &name);
}

/// Whether the build process `pid` is gone.
fn dead(pid: &str) -> bool {
    pid.parse::<u32>()
        .is_ok_and(|p| !Path::new(&format!("/proc/{p}")).exists())
}

/// Join a relative site path, refusing absolute paths and `..`.
fn safe_join(base: &Path, rel: &str) -> Option<PathBuf> {
    let mut p = base.to_path_buf();
    for part in rel.split('/') {
        if part.is_empty()
            || part == "."
            || part == ".."
            || part.contains('\\')
            || part.contains(':')
        {
            return None;
        }
        p.push(part);
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escaping_paths() {
        assert!(safe_join(Path::new("/x"), "../a").is_none());
        assert!(safe_join(Path::new("/x"), "/a").is_none());
        assert!(safe_join(Path::new("/x"), "a/b.svg").is_some());
    }

    #[test]
    fn swaps_whole_sites() {
        let dir = std::env::temp_dir().join(format!("nnbook-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("site");
        let mut files = Files::new();
        files.insert("a.html".into(), b"one".to_vec());
        files.insert("sub/b.svg".into(), b"two".to_vec());
        write_site(&out, &files).unwrap();
        files.remove("a.html");
        write_site(&out, &files).unwrap();
        assert!(!out.join("a.html").exists());
        assert_eq!(std::fs::read(out.join("sub/b.svg")).unwrap(), b"two");
        let mut bad = Files::new();
        bad.insert("../evil".into(), vec![]);
        assert!(write_site(&out, &bad).is_err());
        assert_eq!(std::fs::read(out.join("sub/b.svg")).unwrap(), b"two");
        // A file in the output folder's place is never moved aside.
        let file = dir.join("book.yaml");
        std::fs::write(&file, "title: x\n").unwrap();
        assert!(write_site(&file, &files).is_err());
        assert_eq!(std::fs::read(&file).unwrap(), b"title: x\n");
        std::fs::remove_file(&file).unwrap();
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(leftovers.len(), 1, "only site/ remains");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
