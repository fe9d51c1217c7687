//! The command line (clap definitions and nothing else).

use crate::dataview::output::Format;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// dossier turns an Obsidian vault into a linked static website of account briefs: every note a page,
/// wikilinks and embeds resolved, Dataview queries evaluated at build time, printable customer briefs.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site: read the vault, resolve links and queries, write HTML to the output folder.
    Build(BuildArgs),
    /// Do everything build does except writing; print every problem as path:line:col, exit 1 if any.
    Check(CheckArgs),
    /// Write a commented dossier.toml for an existing vault (never overwrites one).
    Init(InitArgs),
    /// Run one Dataview query against the vault and print the result.
    Query(QueryArgs),
    /// Build into memory, serve on 127.0.0.1, rebuild on every change and reload open pages.
    Serve(ServeArgs),
    /// Write one customer's brief as a self-contained HTML file to print or email before a meeting.
    Brief(BriefArgs),
}

/// Options shared by the commands that read a vault.
#[derive(Debug, Args, Clone, Default)]
pub struct VaultArgs {
    /// The vault folder [default: from dossier.toml, else ./content]
    #[arg(long, value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// The config file [default: ./dossier.toml, else one beside the vault]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Pin the build date used by date(today) and staleness, for reproducible builds
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub vault: VaultArgs,
    /// The output folder, replaced atomically on success [default: from dossier.toml, else ./public]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Exit with status 1 when there was any warning
    #[arg(long)]
    pub strict: bool,
    /// Print only warnings and errors, no progress or summary
    #[arg(long, short)]
    pub quiet: bool,
    /// Replace a non-empty output folder that dossier did not create
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub vault: VaultArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to write dossier.toml into (the vault's parent or the vault itself)
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub vault: VaultArgs,
    /// The note the query runs in (`this`): a vault path or a note name
    #[arg(long, value_name = "NOTE")]
    pub this: Option<String>,
    /// Output: an aligned table for people, JSON for programs, markdown to paste into notes
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The query, e.g. 'TABLE status FROM "Customers" SORT file.name'
    #[arg(value_name = "QUERY")]
    pub query: String,
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    #[command(flatten)]
    pub vault: VaultArgs,
    /// The file to write [default: <account>-brief.html in the current folder]; `-` for standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The account: its note's name, an alias, or its vault path (a unique part of a name will do)
    #[arg(value_name = "ACCOUNT")]
    pub account: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub vault: VaultArgs,
    /// The port to listen on
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on (loopback by default; 0.0.0.0 exposes the wiki to the network)
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
}
