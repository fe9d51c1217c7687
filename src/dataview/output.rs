//! A [`QueryResult`] for the terminal: text (an aligned table), JSON (the §13 contract), markdown.
//! OWNED BY THE DATAVIEW-ENGINE WORK.

use super::QueryResult;

/// `dossier query --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
    Md,
}

/// The contract JSON: `{"type", "headers", "rows"}`.
pub fn to_json(result: &QueryResult) -> serde_json::Value {
    let _ = result;
    serde_json::Value::Null
}

pub fn format(result: &QueryResult, format: Format) -> String {
    match format {
        Format::Json => to_json(result).to_string(),
        Format::Text | Format::Md => format!("{result:?}"),
    }
}
