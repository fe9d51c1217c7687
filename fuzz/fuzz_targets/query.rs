//! The Dataview parser and evaluator on arbitrary text: never a panic, never a hang.
//!
//! The input is parsed as a query; when it parses it is executed against a small fixed vault
//! (`common`), once without `this` and once from a note, and the result is formatted as the CLI does.
//! Each run is made twice, on whole page data (as `dossier serve` keeps it) and on page data made for
//! the query alone with what its expressions can read (as `dossier build` makes it): the results
//! must be the same. The input is also parsed as an expression and, when that parses, evaluated as
//! an inline query.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use dossier::dataview::{self, output, trace::Observed, Context, Pages};
use dossier::index::Index;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

struct Fixture {
    index: Index,
    pages: Pages,
    transient: Pages,
    this: usize,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let index = common::index(None);
        let pages = Pages::build(&index);
        let this = index.note_by_path("Customers/Acme Corp.md").unwrap();
        Fixture {
            index,
            pages,
            transient: Pages::transient(),
            this,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let f = fixture();
    let ctx = |this| Context {
        index: &f.index,
        pages: &f.pages,
        this,
        today: common::today(),
    };
    if let Ok(query) = dataview::parse(text) {
        for this in [None, Some(f.this)] {
            let whole = dataview::execute(&query, &ctx(this));
            let scope = f.transient.scope_reading(Observed::of_expressions(&query));
            let own = Context {
                pages: &scope,
                ..ctx(this)
            };
            // Compared as the CLI's JSON (a NaN in a result is not equal to itself).
            let json = |r: &Result<dataview::QueryResult, dataview::ExecError>| match r {
                Ok(result) => Ok(output::to_json(result).to_string()),
                Err(e) => Err(e.to_string()),
            };
            assert_eq!(
                json(&whole),
                json(&dataview::execute(&query, &own)),
                "page data made for the query alone gives another result: {text}"
            );
            if let Ok(result) = whole {
                let _ = output::format(&result, output::Format::Text);
                let _ = output::format(&result, output::Format::Md);
                let _ = output::to_json(&result).to_string();
            }
        }
    }
    if dataview::parser::parse_expression(text).is_ok() {
        let _ = dataview::evaluate_inline(text, &ctx(Some(f.this)));
    }
});
