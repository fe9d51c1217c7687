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

/// The contract JSON of a query run in note `this`.
pub fn run(this: Option<&str>, query: &str) -> Result<Value, String> {
    dossier::query(&config(), this, query)
        .map(|r| dossier::dataview::output::to_json(&r))
        .map_err(|e| e.to_string())
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
