//! Rebuild when a bundled rule changes: `include_dir!` embeds the repository's `rules/` folder.

fn main() {
    println!("cargo:rerun-if-changed=../../rules");
}
