//! Dataview conformance over `tests/fixtures/query/vault`, organised by feature. Every expectation comes
//! from `../shared/DATAVIEW.md` (the rule is cited with each case), checked through `dossier::query` and
//! the JSON contract of `dossier query --format json`.

mod cases;
mod functions;

use dossier::config::Config;
use serde_json::Value;

fn config() -> Config {
    Config {
        vault: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/query/vault"),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        ..Config::default()
    }
}

/// The contract JSON of a query run in note `this`. The query runs twice: on page data made for it
/// alone, with only what it can read (as `dossier build` runs it), and on page data made whole (as
/// `dossier serve` keeps it); the two must agree.
pub fn run(this: Option<&str>, query: &str) -> Result<Value, String> {
    let run = |data| {
        dossier::query_with(&config(), this, query, data)
            .map(|r| dossier::dataview::output::to_json(&r))
            .map_err(|e| e.to_string())
    };
    let per_query = run(dossier::PageData::PerQuery);
    let kept = run(dossier::PageData::Kept);
    assert_eq!(
        per_query, kept,
        "{query}: page data made for the query alone gives another result than whole page data"
    );
    per_query
}

pub fn json(query: &str) -> Value {
    run(None, query).unwrap_or_else(|e| panic!("{query}: {e}"))
}

/// The first column as link paths (or plain values), in result order.
pub fn first_column(v: &Value) -> Vec<String> {
    v["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| match &r[0] {
                    Value::Object(o) if o.contains_key("link") => {
                        o["link"].as_str().unwrap_or("").to_string()
                    }
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A table of cases: (rule, this note, query, expected). `expected` is either the whole JSON result, or
/// `"files: a, b"` for the first column in order, or `"set: a, b"` when the rule leaves the order open,
/// or `"parse error"` / `"exec error"`.
pub type Case = (
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
);

pub fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for (rule, this, query, expected) in cases {
        let got = run(*this, query);
        let ok = match (*expected, &got) {
            ("parse error", Err(e)) => e.contains(':') && !e.contains("every row"),
            ("exec error", Err(_)) => true,
            (exp, Ok(v)) if exp.starts_with("files:") || exp.starts_with("set:") => {
                let want: Vec<String> = exp
                    .split_once(':')
                    .map(|(_, l)| l)
                    .unwrap_or("")
                    .split(", ")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
                let mut have = first_column(v);
                let mut want = want;
                if exp.starts_with("set:") {
                    have.sort();
                    want.sort();
                }
                have == want
            }
            (exp, Ok(v)) => serde_json::from_str::<Value>(exp)
                .map(|e| &e == v)
                .unwrap_or(false),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{rule}: {query}\n   expected {expected}\n   got      {}",
                match &got {
                    Ok(v) => v.to_string(),
                    Err(e) => format!("error: {e}"),
                }
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Queries that come to page objects and list items whole (shown, counted, compared, flattened), or
/// read them by name only: made for the query alone, the page data gives what whole page data gives
/// (`run` compares them), for these as for every case of the suite.
#[test]
fn page_data_made_for_one_query_gives_what_whole_page_data_gives() {
    let acme = Some("Customers/Acme Corp");
    for (this, query) in [
        (
            None,
            "TABLE WITHOUT ID file.tasks[0] AS first FROM \"Customers\"",
        ),
        (
            None,
            "TABLE WITHOUT ID file.lists AS lists FROM \"Customers/Acme Corp\"",
        ),
        (
            None,
            "TABLE WITHOUT ID length(file.tasks[0]) AS keys FROM \"Customers\"",
        ),
        (
            None,
            "TABLE WITHOUT ID file[\"tasks\"] AS t FROM \"Customers\"",
        ),
        (None, "TABLE WITHOUT ID file AS f FROM \"Customers/Globex\""),
        (None, "TABLE WITHOUT ID row AS r FROM \"Customers/Globex\""),
        (
            None,
            "TABLE WITHOUT ID [[Acme Corp]].file.lists AS l FROM \"Customers/Globex\"",
        ),
        (None, "TASK WHERE length(children) > 0"),
        (None, "TASK WHERE any(subtasks, (s) => s.completed)"),
        (None, "TASK WHERE due SORT due DESC"),
        (None, "TASK WHERE !completed GROUP BY file.link"),
        (None, "TASK WHERE text = row.text"),
        (None, "LIST FLATTEN file.lists AS l WHERE l.task"),
        (
            None,
            "TABLE rows.file.tasks FROM \"Customers\" GROUP BY status",
        ),
        (acme, "LIST WHERE contains(file.outlinks, this.file.link)"),
        (acme, "TABLE WITHOUT ID this AS t LIMIT 1"),
        (acme, "TABLE WITHOUT ID this.file.tasks AS t LIMIT 1"),
        (acme, "TASK FROM [[]] WHERE !completed SORT due ASC"),
    ] {
        if let Err(e) = run(this, query) {
            panic!("{query}: {e}");
        }
    }
}
