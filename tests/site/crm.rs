//! Accounts, briefs, people, topics and the timeline in built sites; `dossier brief` and its printout.

use super::harness::{build_case, build_with, case_config, example_config, fixture, write, Site};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

fn example() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let mut config = example_config();
        config.minify = false;
        build_with(config)
    })
}

/// The text of an HTML page with tags dropped and spaces collapsed, for "does the reader see X" checks.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
        .replace(" .", ".")
        .replace("( ", "(")
        .replace(" )", ")")
}

#[test]
fn accounts_index_lists_every_account_with_status_contact_and_work() {
    let site = example();
    let html = site.html("crm/accounts.html");
    for name in [
        "aurora-biolabs",
        "bluefin-logistics",
        "corvid-analytics",
        "halcyon-robotics",
        "meridian-health-network",
        "tidewater-energy",
    ] {
        assert!(
            html.contains(&format!("href=\"accounts/{name}.html\"")),
            "{name}"
        );
    }
    let t = text(&html);
    // Halcyon: met 8 days before the pinned build date, 3 of its 5 open tasks overdue.
    assert!(t.contains("Halcyon Robotics"), "{t}");
    assert!(t.contains("November 12, 2026 8 days ago"), "{t}");
    assert!(t.contains("5 open, 3 overdue"), "{t}");
    // Aurora (June) and Corvid (April) are stale; Meridian's note contradicts itself.
    let row = |name: &str| {
        let start = html.find(&format!("accounts/{name}.html")).unwrap();
        let row_start = html[..start].rfind("<tr").unwrap();
        let row_end = start + html[start..].find("</tr>").unwrap();
        html[row_start..row_end].to_string()
    };
    assert!(row("aurora-biolabs").contains("data-stale=\"true\""));
    assert!(row("corvid-analytics").contains("data-stale=\"true\""));
    assert!(row("halcyon-robotics").contains("data-stale=\"false\""));
    assert!(row("meridian-health-network").contains("conflict"));
    // Filters work without a server: rows carry their status and tags, the script is a static file.
    assert!(row("bluefin-logistics").contains("data-status=\"prospect\""));
    assert!(row("aurora-biolabs").contains("renewal"));
    assert!(site.files.contains_key("static/filter.js"));
    // Linked from the home page.
    assert!(site
        .html("index.html")
        .contains("href=\"crm/accounts.html\""));
}

#[test]
fn brief_shows_contacts_scoped_tasks_sections_and_meetings() {
    let site = example();
    let html = site.html("crm/accounts/halcyon-robotics.html");
    let t = text(&html);
    // Contacts with role and company; Hiro Tanaka has no note, his role comes from a table row.
    for expected in [
        "Elena Voss CTO Halcyon Robotics",
        "Hiro Tanaka SRE Lead Halcyon Robotics",
        "Priya Raman Account Executive Northwind Storage",
    ] {
        assert!(t.contains(expected), "{expected:?} in {t}");
    }
    // Tasks scoped to the account, overdue ones marked against the pinned build date.
    assert!(
        t.contains("Send the 2U edge appliance roadmap to Elena Voss due November 28, 2026"),
        "{t}"
    );
    assert!(
        t.contains(
            "Schedule compaction tuning session with Raj Patel due November 18, 2026 · overdue"
        ),
        "{t}"
    );
    assert!(
        t.contains("Draft the renewal proposal"),
        "a task in a meeting about Halcyon alone"
    );
    assert!(
        !t.contains("pen test"),
        "Meridian's task in a multi-account sync is not Halcyon's"
    );
    assert!(
        !t.contains("Share checkpoint benchmark results"),
        "done tasks are not open"
    );
    // The note's own sections, rendered; template prompts hidden; strip_sections honoured.
    assert!(
        t.contains("Current Blockers ❌ Edge sites need a 2U appliance"),
        "{t}"
    );
    assert!(t.contains("Key Decisions"));
    assert!(
        !t.contains("What projects/initiatives"),
        "placeholder prompt shown"
    );
    assert!(!html.contains("INTERNAL-ONLY-7Q2"));
    // Meetings newest first with who attended, their gist and who it came through; what changed since.
    assert!(
        t.contains("November 12, 2026 Halcyon QBR with Elena Voss, Raj Patel, Priya Raman, Marcus Feld Quarterly review: usage up 38%"),
        "{t}"
    );
    assert!(t.contains("(via Priya Raman)"));
    assert!(
        t.contains("Since the last meeting (November 12, 2026) Weekly account sync"),
        "{t}"
    );
    // Projects, topics linking to their pages, backlinks.
    assert!(
        t.contains("Related projects Halcyon Edge Cache Pilot done"),
        "{t}"
    );
    assert!(html.contains("href=\"../topics/edge-caching.html\""));
    assert!(t.contains("Linked from 11"), "{t}");
}

#[test]
fn half_filled_account_hides_empty_sections() {
    let site = example();
    let t = text(&site.html("crm/accounts/tidewater-energy.html"));
    assert!(!t.contains("Brief description of this customer"), "{t}");
    assert!(!t.contains("_Unknown_") && !t.contains("Unknown"), "{t}");
    assert!(t.contains("prospect"));
}

#[test]
fn people_without_notes_have_pages_that_links_lead_to() {
    let site = example();
    let hiro = text(&site.html("crm/people/hiro-tanaka.html"));
    assert!(hiro.contains("has no note of their own"), "{hiro}");
    assert!(
        hiro.contains("SRE Lead from the table row in Halcyon Robotics, line"),
        "{hiro}"
    );
    // The notes naming him, with the lines that do, as a person with a note gets their backlinks.
    let mentions = &hiro[hiro.find("Mentions 2").expect("two mentioning notes")..];
    assert!(
        mentions.contains("Halcyon Robotics Hiro Tanaka — SRE lead (edge sites)")
            && mentions.contains("Halcyon edge site visit Attendees: Raj Patel, Hiro Tanaka"),
        "{mentions}"
    );
    // A table row reads as its cells.
    assert!(
        mentions.contains("Hiro Tanaka · SRE Lead · Halcyon Robotics") && !mentions.contains('|'),
        "{mentions}"
    );
    // A wikilink to him lands on that page, and no separate stub exists.
    let note = site.html("customers/halcyon-robotics.html");
    assert!(note.contains("href=\"../crm/people/hiro-tanaka.html\""));
    assert!(!site.files.contains_key("unresolved/hiro-tanaka.html"));
    // The directory groups by company, with role and accounts.
    let dir = text(&site.html("crm/people.html"));
    assert!(dir.contains("Halcyon Robotics"), "{dir}");
    assert!(
        dir.contains("Lena Brandt Head of Data Platform Bluefin Logistics"),
        "{dir}"
    );
    // A person's meetings with the accounts they were about (a weekly sync's title names none).
    let priya = text(&site.html("crm/people/priya-raman.html"));
    assert!(
        priya.contains(
            "Weekly account sync Halcyon Robotics, Meridian Health Network, Tidewater Energy"
        ),
        "{priya}"
    );
    // Person with a note: role from their own inline field.
    let lena = text(&site.html("crm/people/lena-brandt.html"));
    assert!(
        lena.contains("Head of Data Platform from the inline field in Lena Brandt"),
        "{lena}"
    );
}

#[test]
fn the_directory_shows_a_persons_latest_accounts_and_their_page_all() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let write = |rel: &str, text: &str| write(&vault, rel, text);
    let accounts = ["Acme", "Brightline", "Corvid", "Delta Freight", "Ember"];
    for name in accounts {
        write(
            &format!("Customers/{name}.md"),
            "---\ntype: customer\nstatus: active\n---\n",
        );
    }
    // Sam met about all five accounts (Brightline twice), most recently Ember.
    let met = [
        ("2026-01-10", "Acme"),
        ("2026-03-02", "Delta Freight"),
        ("2026-04-15", "Brightline"),
        ("2026-06-20", "Corvid"),
        ("2026-09-01", "Brightline"),
        ("2026-10-05", "Ember"),
    ];
    for (date, account) in met {
        write(
            &format!("Meetings/{date}.md"),
            &format!("---\ntype: meeting\ndate: {date}\ncustomer: \"[[{account}]]\"\n---\nAttendees:: [[Sam Ortiz]]\n"),
        );
    }
    write("People/Sam Ortiz.md", "Role:: Solutions Engineer\n");
    let site = build_with(case_config(dir.path()));
    let directory = text(&site.html("crm/people.html"));
    assert!(
        directory.contains("Sam Ortiz Solutions Engineer Ember, Brightline, Corvid and 2 more"),
        "{directory}"
    );
    let html = site.html("crm/people.html");
    assert!(
        html.contains("href=\"people/sam-ortiz.html#accounts\""),
        "{html}"
    );
    let page = text(&site.html("crm/people/sam-ortiz.html"));
    assert!(
        page.contains("Accounts 5 Acme active Brightline active Corvid active Delta Freight active Ember active"),
        "{page}"
    );
}

#[test]
fn topics_and_timeline() {
    let site = example();
    let topics = site.html("crm/topics.html");
    // Halcyon writes "edge caching" and "Edge caching": one topic.
    assert_eq!(
        topics.matches(">Edge caching<").count() + topics.matches(">edge caching<").count(),
        1
    );
    // Each topic with what carries it.
    let index = text(&topics);
    for line in ["GPU Data Pipelines 3 accounts", "risk 4 meetings"] {
        assert!(index.contains(line), "{line}: {index}");
    }
    let gpu = text(&site.html("crm/topics/gpu-data-pipelines.html"));
    assert!(
        gpu.contains("Halcyon Robotics") && gpu.contains("Bluefin Logistics"),
        "{gpu}"
    );
    // Tags that name the notes' type (#meeting on meetings, #topic on topic notes) are not topics.
    for structure in ["meeting", "topic"] {
        assert!(
            !site
                .files
                .contains_key(&format!("crm/topics/{structure}.html")),
            "{structure}"
        );
    }
    // The example has fewer meetings than the first page lists: all of them, newest first.
    let timeline = text(&site.html("crm/timeline.html"));
    assert!(timeline.contains("November 2026"), "{timeline}");
    assert!(
        timeline.find("November 2026") < timeline.find("June 2025"),
        "newest first"
    );
    let html = site.html("crm/timeline.html");
    let meetings = html.matches("<time datetime=").count();
    // Each year has a page with its meetings, which the years' list counts; each month there links
    // to its section of the year's page.
    let mut counted = 0;
    for year in ["2026", "2025"] {
        let page = format!("crm/timeline/{year}.html");
        assert!(
            html.contains(&format!("href=\"timeline/{year}.html\"")),
            "{html}"
        );
        let year_html = site.html(&page);
        let other = if year == "2026" { "2025" } else { "2026" };
        assert!(
            year_html.contains(&format!("href=\"{other}.html\"")),
            "{year_html}"
        );
        assert!(
            year_html.contains(&format!("aria-current=\"page\">{year}<")),
            "{year_html}"
        );
        let dates: Vec<&str> = year_html
            .split("<time datetime=\"")
            .skip(1)
            .map(|t| &t[..10])
            .collect();
        assert!(
            !dates.is_empty() && dates.iter().all(|d| d.starts_with(year)),
            "{dates:?}"
        );
        assert!(
            dates.windows(2).all(|w| w[0] >= w[1]),
            "newest first: {dates:?}"
        );
        let count = text(&year_html);
        assert!(
            count.contains(&format!("{year} {} ", dates.len())),
            "{count}"
        );
        counted += dates.len();
        for month in html.split(&format!("href=\"timeline/{year}.html#")).skip(1) {
            let id = &month[..month.find('"').unwrap()];
            assert!(year_html.contains(&format!("id=\"{id}\"")), "{id}");
        }
    }
    assert_eq!(counted, meetings, "{timeline}");
}

#[test]
fn brief_file_is_self_contained_and_private_sections_stay_out() {
    let config = case_config(&fixture("crm/brief"));
    let brief = dossier::brief::brief(&config, "acme").unwrap();
    let html = &brief.html;
    assert_eq!(brief.account, "Acme Corp");
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("<link"), "CSS is inlined");
    assert!(html.contains("<style>"));
    assert!(
        html.contains("src=\"data:image/png;base64,"),
        "images embedded"
    );
    assert!(
        html.contains("href=\"https://wiki.example.com/team/"),
        "links absolute under base_url"
    );
    assert!(!html.contains("href=\"../"), "no relative links");
    let t = text(html);
    assert!(t.contains("Ada Stone CTO, signs the order"), "{t}");
    assert!(t.contains("Bo Chen Plant manager Acme Corp"), "{t}");
    assert!(
        t.contains("Send the revised quote to Ada Stone due November 10, 2026 · overdue"),
        "{t}"
    );
    assert!(t.contains("Split the quote into two phases"), "{t}");
    // A task's `^block-id` names it for links; like Obsidian, the brief does not show it.
    assert!(t.contains("Book the architecture review due"), "{t}");
    assert!(!html.contains("review-task"), "{t}");
    // Dataview blocks and inline queries in brief sections are evaluated in place.
    assert!(t.contains("Live numbers: Manufacturing"), "{t}");
    assert!(t.contains("2026-11-02 - Acme quote review"), "{t}");
    // Placeholder-only sections are hidden; stripped sections never appear.
    assert!(
        !t.contains("Opportunities") && !t.contains("Account Overview"),
        "{t}"
    );
    assert!(!html.contains("BRIEF-SECRET-55Z"));
    // Zenith shares a contact but none of Acme's tasks.
    let zenith = text(&dossier::brief::brief(&config, "Zenith Labs").unwrap().html);
    assert!(zenith.contains("No open tasks"), "{zenith}");
    // The whole site of the fixture never holds the stripped section either.
    let site = build_case("crm/brief");
    assert!(site.contains_anywhere("BRIEF-SECRET-55Z").is_empty());
}

#[test]
fn brief_names_an_account_by_name_alias_or_path_and_lists_candidates() {
    let config = case_config(&fixture("crm/brief"));
    for name in [
        "Acme Corp",
        "ACME",
        "Customers/Acme Corp.md",
        "customers/acme corp",
    ] {
        assert_eq!(
            dossier::brief::brief(&config, name).unwrap().account,
            "Acme Corp",
            "{name}"
        );
    }
    let err = dossier::brief::brief(&config, "Globex")
        .unwrap_err()
        .to_string();
    assert!(err.contains("no account matches \"Globex\""), "{err}");
    assert!(
        err.contains("Acme Corp (Customers/Acme Corp.md)") && err.contains("Zenith Labs"),
        "{err}"
    );
    let err = dossier::brief::brief(&config, "c").unwrap_err().to_string();
    assert!(err.contains("matches several accounts"), "{err}");
}

#[test]
fn brief_command_writes_the_file_or_explains() {
    let dir = tempfile::tempdir().unwrap();
    let case = fixture("crm/brief");
    let out = dir.path().join("acme.html");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("brief")
            .arg("--config")
            .arg(case.join("dossier.toml"))
            .args(args)
            .output()
            .unwrap()
    };
    let ok = run(&["Acme", "--out", out.to_str().unwrap()]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(std::fs::read_to_string(&out).unwrap().contains("Acme Corp"));
    let missing = run(&["Globex", "--out", out.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("accounts in the vault: Acme Corp"));
}

/// Headless Chromium, when installed: `None` (with a message) where it is absent, unless CI demands it.
fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if found.is_none() {
        assert!(
            std::env::var_os("DOSSIER_REQUIRE_BROWSER").is_none(),
            "DOSSIER_REQUIRE_BROWSER is set but no Chromium is installed"
        );
        eprintln!(
            "SKIPPED: headless Chromium is not installed (apt-get install chromium poppler-utils)"
        );
    }
    found
}

fn print_to_pdf(browser: &str, html: &Path, pdf: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        pdf.is_file(),
        "no PDF printed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn pdf_tool(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed with Chromium: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_example_brief_prints_on_one_or_two_pages_with_contacts_and_tasks() {
    let Some(browser) = chromium() else { return };
    let config = example_config();
    let dir = tempfile::tempdir().unwrap();
    let index = dossier::index::Index::build(dossier::vault::load(&config).unwrap());
    let crm = dossier::crm::build(&index, &config, dossier::build_date(&config));
    assert_eq!(crm.accounts.len(), 6);
    for account in &crm.accounts {
        let brief = dossier::brief::brief(&config, index.notes[account.note].id.as_str()).unwrap();
        let html = dir.path().join(format!("{}.html", account.name));
        let pdf = dir.path().join(format!("{}.pdf", account.name));
        std::fs::write(&html, &brief.html).unwrap();
        print_to_pdf(browser, &html, &pdf);
        // pdfinfo prints to stdout and does not take "-": call it without the trailing argument.
        let info = Command::new("pdfinfo")
            .arg(&pdf)
            .output()
            .expect("pdfinfo (poppler-utils)");
        let info = String::from_utf8_lossy(&info.stdout);
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no page count: {info}"));
        assert!(
            (1..=2).contains(&pages),
            "{} prints on {pages} pages",
            account.name
        );
        let text = pdf_tool("pdftotext", &["-layout"], &pdf)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains(&account.name), "{}: {text}", account.name);
        for c in &account.contacts {
            let name = &crm.people[c.person].name;
            assert!(
                text.contains(name.as_str()),
                "{}: contact {name} missing from the PDF",
                account.name
            );
        }
        for t in &account.tasks {
            let note = &index.notes[t.note];
            let task = note.list_items[t.item].text(&note.text);
            let words = dossier::vault::scan::plain_text(&dossier::crm::task_display_text(task));
            let start: String = words
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                text.contains(&start),
                "{}: task {start:?} missing from the PDF",
                account.name
            );
        }
    }
}
