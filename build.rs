//! Links the `dossier` program as a position-dependent executable on Linux (`-no-pie`).
//!
//! A position-independent executable has its pointer tables patched by the dynamic loader at start-up,
//! which writes to, and so makes resident, every page that holds one. minify-html's table of HTML
//! entities is such a table: a trie of 10 MB of mostly empty 256-way nodes, of which a build reads a
//! few. Patched, it is 10 MB of every run's memory (a quarter of the 10,000-note benchmark's margin, see
//! BENCHMARKS.md); linked at a fixed address, it stays in the file and only the pages read are loaded.
//! The cost is that the program's own code and data are not placed at a random address (ASLR still
//! places the libraries, the heap and the stacks). The library and the tests are linked as before.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
