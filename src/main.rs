//! The `dossier` binary: parse the command line, call the library, print diagnostics, pick the exit code.

use clap::Parser;
use dossier::cli::{Cli, Command};
use dossier::diagnostics::Diagnostic;
use dossier::{build::count_problems, Progress};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: page rendering, templating and minifying allocate many small
/// strings on every worker thread, where glibc's malloc took a fifth of the build (BENCHMARKS.md). Built
/// without transparent huge pages (`no_thp`): mimalloc asked the kernel for them, and each one is
/// resident whole, which took the peak of a 10,000-note build from about 265 MB to 300. Its v2 line
/// (`v2`), not v3: v3 keeps the pages a thread freed for a second before giving them back (its
/// `purge_delay`; v2's is 10 ms), so that a page set free in one phase of a four-second build is still
/// resident in the next: 2–5 MB more at the 10,000-note peak, 17–20 MB more at 50,000 (BENCHMARKS.md,
/// twelfth round).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Init(args) => match dossier::init::init(&args.dir) {
            Ok(path) => {
                println!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
        Command::Query(args) => query(args),
        Command::Brief(args) => brief(args),
        Command::Serve(args) => serve(args),
    }
}

fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("dossier: error: {error}");
    ExitCode::FAILURE
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    // Buffered: standard error writes every piece of a line as it comes, and a large vault's
    // thousands of warnings took a hundred thousand system calls (about 0.1 s at 10,000 notes).
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    for d in diagnostics {
        let _ = writeln!(err, "{d}");
    }
    let _ = err.flush();
}

/// `1204` → `1,204`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{} {word}{}", thousands(n), if n == 1 { "" } else { "s" })
}

fn build(args: dossier::cli::BuildArgs) -> ExitCode {
    let mut config = match dossier::resolve_config(&args.vault) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    if let Some(out) = args.out {
        config.out = out;
    }
    let live = !args.quiet && std::io::stderr().is_terminal();
    let start = std::time::Instant::now();
    let mut progress = |p: Progress| {
        if !live {
            return;
        }
        let line = match p {
            Progress::NotesRead { notes, attachments } => {
                format!(
                    "read {} and {}",
                    plural(notes, "note"),
                    plural(attachments, "attachment")
                )
            }
            Progress::Indexed { links } => format!("resolved {}", plural(links, "link")),
            Progress::PagesRendered { pages } => format!("rendered {}", plural(pages, "page")),
            Progress::Written { files, unchanged } => format!(
                "wrote {} ({unchanged} unchanged since the last build)",
                plural(files, "file")
            ),
        };
        eprint!("\r\x1b[2K{line} ({:.2} s)", start.elapsed().as_secs_f64());
    };
    let result = dossier::build(
        &config,
        &dossier::BuildOptions { force: args.force },
        &mut progress,
    );
    if live {
        eprint!("\r\x1b[2K");
    }
    match result {
        Ok(report) => {
            print_diagnostics(&report.diagnostics);
            let warnings = report.warnings();
            if !args.quiet {
                let kept = if report.unchanged > 0 {
                    format!(
                        " ({} of {} unchanged since the last build)",
                        thousands(report.unchanged),
                        plural(report.files, "file")
                    )
                } else {
                    String::new()
                };
                eprintln!(
                    "built {} from {} in {:.2} s{kept}; {} → {}",
                    plural(report.pages, "page"),
                    plural(report.notes, "note"),
                    report.elapsed.as_secs_f64(),
                    plural(warnings, "warning"),
                    report.out.display()
                );
                eprintln!(
                    "search index: {} entries, {:.1} KB (loaded when the search box is first used)",
                    thousands(report.search_entries),
                    report.search_bytes as f64 / 1024.0
                );
            }
            if args.strict && warnings > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => fail(&e),
    }
}

fn check(args: dossier::cli::CheckArgs) -> ExitCode {
    let config = match dossier::resolve_config(&args.vault) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    match dossier::check(&config) {
        Ok(diagnostics) => {
            print_diagnostics(&diagnostics);
            let problems = count_problems(&diagnostics);
            eprintln!(
                "checked {}: {}",
                config.vault.display(),
                plural(problems, "problem")
            );
            if problems > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => fail(&e),
    }
}

fn query(args: dossier::cli::QueryArgs) -> ExitCode {
    let config = match dossier::resolve_config(&args.vault) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    match dossier::query(&config, args.this.as_deref(), &args.query) {
        Ok(result) => {
            println!(
                "{}",
                dossier::dataview::output::format(&result, args.format)
            );
            ExitCode::SUCCESS
        }
        Err(dossier::QueryError::Parse(e)) => {
            eprintln!("dossier: query:{}:{}: {}", e.line, e.col, e.message);
            ExitCode::from(2)
        }
        Err(e) => fail(&e),
    }
}

fn brief(args: dossier::cli::BriefArgs) -> ExitCode {
    let config = match dossier::resolve_config(&args.vault) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let brief = match dossier::brief::brief(&config, &args.account) {
        Ok(b) => b,
        Err(e) => return fail(&e),
    };
    print_diagnostics(&brief.diagnostics);
    let out = args
        .out
        .unwrap_or_else(|| dossier::brief::default_file(&brief.account));
    if out.as_os_str() == "-" {
        let _ = std::io::stdout().lock().write_all(brief.html.as_bytes());
        return ExitCode::SUCCESS;
    }
    if let Err(e) = dossier::brief::write_file(&out, &brief.html) {
        return fail(&e);
    }
    eprintln!("wrote the brief of {} to {}", brief.account, out.display());
    ExitCode::SUCCESS
}

fn serve(args: dossier::cli::ServeArgs) -> ExitCode {
    let config = match dossier::resolve_config(&args.vault) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let config_file = args
        .vault
        .config
        .clone()
        .or_else(|| dossier::config::Config::discover(args.vault.vault.as_deref()));
    let options = dossier::serve::ServeOptions {
        addr: std::net::SocketAddr::new(args.bind, args.port),
        open: args.open,
        config_file,
    };
    let vault_args = args.vault.clone();
    let reload = move || dossier::resolve_config(&vault_args);
    let log = |line: &str| eprintln!("{line}");
    match dossier::serve::serve(config, options, reload, log) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}
