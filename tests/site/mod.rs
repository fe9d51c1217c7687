//! End-to-end builds of fixture vaults and of the example vault: links, exclusion, escaping,
//! determinism, the atomic swap. Each test builds into its own temporary folder.

mod browser;
mod crawl;
mod harness;

mod crm;
mod example;
mod hostile;
mod incremental;
mod links;
mod output;
mod sanitize;
mod search;
mod serve;
