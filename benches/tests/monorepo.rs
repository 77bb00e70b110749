//! The synthetic monorepo generator on its own: exact file counts, byte-identical trees for the
//! same count, and clear refusals. Whether plumb agrees with its expected counts is checked by
//! the root package's `tests/synthetic_monorepo.rs`, which runs the real binary.

use std::collections::BTreeMap;
use std::path::Path;

use plumb_benches::monorepo::{GenerateError, MIN_FILES, write_monorepo};

/// Every file under `root` (relative path -> bytes).
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn checked(files: &BTreeMap<String, Vec<u8>>) -> usize {
    files
        .keys()
        .filter(|path| !path.contains("node_modules") && !path.contains("/dist/"))
        .filter(|path| {
            [".py", ".ts", ".tsx", ".js", ".mjs"]
                .iter()
                .any(|e| path.ends_with(e))
        })
        .count()
}

#[test]
fn the_same_count_writes_a_byte_identical_tree() {
    let temp = tempfile::tempdir().unwrap();
    let (a, b) = (temp.path().join("a"), temp.path().join("b"));
    write_monorepo(&a, 1000).unwrap();
    write_monorepo(&b, 1000).unwrap();
    let (first, second) = (tree(&a), tree(&b));
    assert_eq!(first.len(), second.len());
    for (path, bytes) in &first {
        assert!(
            second.get(path) == Some(bytes),
            "{path} differs between two runs"
        );
    }
}

#[test]
fn writes_exactly_the_files_asked_for() {
    for files in [MIN_FILES, 1003] {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("tree");
        let expected = write_monorepo(&root, files).unwrap();
        assert_eq!(expected.files.total, files);
        assert_eq!(checked(&tree(&root)), files);
        let bytes_per_file = expected.files.bytes / files as u64;
        assert!(
            (4_000..12_000).contains(&bytes_per_file),
            "{bytes_per_file} bytes per file"
        );
    }
}

#[test]
fn refuses_too_few_files_and_a_non_empty_directory() {
    let temp = tempfile::tempdir().unwrap();
    let error = write_monorepo(&temp.path().join("small"), MIN_FILES - 1).unwrap_err();
    assert!(
        matches!(error, GenerateError::TooFewFiles { .. }),
        "{error}"
    );
    std::fs::write(temp.path().join("something"), "x").unwrap();
    let error = write_monorepo(temp.path(), 1000).unwrap_err();
    assert!(error.to_string().contains("must be empty"), "{error}");
}
