//! Query-level cases: parsing, sources, data commands, query types, fields. Rules cite DATAVIEW.md.

use super::{check, json, run};

const ALL: &str = "set: Archive/Meetings/2024-05-01, Customers/Acme Corp, Customers/Globex, Customers/Initech, Meetings/2025-12-19, Meetings/2026-01-07 - Kickoff, Orphan, People/Ada Crane, People/Gordon Brown, Projects/Apollo";

#[test]
fn parsing() {
    check(&[
        (
            "§1.2 keywords are case-insensitive",
            None,
            "list from \"Customers\" sort file.name",
            "files: Customers/Acme Corp, Customers/Globex, Customers/Initech",
        ),
        (
            "§1.3 comments between clauses",
            None,
            "LIST // all customers\nFROM \"Customers\" // here\nSORT file.name // sorted",
            "files: Customers/Acme Corp, Customers/Globex, Customers/Initech",
        ),
        (
            "§1.3 // inside a string is not a comment",
            None,
            "LIST FROM \"Customers\" WHERE \"a//b\" = \"a//b\" SORT file.name",
            "files: Customers/Acme Corp, Customers/Globex, Customers/Initech",
        ),
        (
            "§1.2 WITHOUT ID with any whitespace",
            None,
            "LIST WITHOUT\n  ID status FROM \"Customers/Globex\"",
            r#"{"type":"list","headers":["status"],"rows":[["prospect"]]}"#,
        ),
        (
            "§1.4 LIST FROM without source",
            None,
            "LIST FROM",
            "parse error",
        ),
        (
            "§1.4 WHERE without expression",
            None,
            "LIST WHERE",
            "parse error",
        ),
        (
            "§1.4 unclosed parenthesis",
            None,
            "LIST FROM (\"a\"",
            "parse error",
        ),
        (
            "§1.4 unclosed string",
            None,
            "LIST WHERE x = \"open",
            "parse error",
        ),
        (
            "§1.4 unknown header",
            None,
            "SELECT file.name",
            "parse error",
        ),
        ("§1.4 TASK takes no fields", None, "TASK due", "parse error"),
        (
            "§1.4 two sources without operator",
            None,
            "LIST FROM \"a\" \"b\"",
            "parse error",
        ),
        (
            "§1.4 bad sort direction",
            None,
            "LIST SORT x UPWARD",
            "parse error",
        ),
        ("§1.4 GROUP without BY", None, "LIST GROUP x", "parse error"),
        (
            "§1.4 CALENDAR needs a field",
            None,
            "CALENDAR",
            "parse error",
        ),
        (
            "§1.5 a late FROM is an error",
            None,
            "LIST WHERE true FROM \"Customers\"",
            "parse error",
        ),
        ("§1.6 no FROM means the whole vault", None, "LIST", ALL),
        (
            "§5.2 reserved words are not fields",
            None,
            "LIST WHERE where",
            "parse error",
        ),
    ]);
}

#[test]
fn parse_errors_name_line_and_column() {
    let e = dossier::query(&super::config(), None, "LIST\nWHERE status =").unwrap_err();
    match e {
        dossier::QueryError::Parse(p) => {
            assert_eq!((p.line, p.col), (2, 15), "{p}");
            assert!(p.message.contains("expected an expression"), "{p}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn sources() {
    check(&[
        ("§3.1 tag", None, "LIST FROM #type/customer SORT file.name", "files: Customers/Acme Corp, Customers/Globex, Customers/Initech"),
        ("§3.1 a tag matches its sub-tags", None, "LIST FROM #status SORT file.name", "files: Customers/Acme Corp, Customers/Globex, Customers/Initech"),
        ("§3.1 tags match case-insensitively", None, "LIST FROM #TYPE/Customer SORT file.name", "files: Customers/Acme Corp, Customers/Globex, Customers/Initech"),
        ("§3.1 nested body tag", None, "LIST FROM #misc/deep", "files: Orphan"),
        ("§3.1 front matter tags", None, "LIST FROM #project", "files: Projects/Apollo"),
        ("§3.2 folder, not its namesakes elsewhere", None, "LIST FROM \"Meetings\" SORT file.name", "files: Meetings/2025-12-19, Meetings/2026-01-07 - Kickoff"),
        ("§3.2 sub-folders included", None, "LIST FROM \"Archive\"", "files: Archive/Meetings/2024-05-01"),
        ("§3.2 a prefix is not a folder", None, "LIST FROM \"Meet\"", "files:"),
        ("§3.2 a single note by path", None, "LIST FROM \"Customers/Globex\"", "files: Customers/Globex"),
        ("§3.2 a single note by path with .md", None, "LIST FROM \"Customers/Globex.md\"", "files: Customers/Globex"),
        ("§3.2 nothing there is no rows, not an error", None, "LIST FROM \"Nope\"", "files:"),
        ("§3.2 empty path is the vault", None, "LIST FROM \"\"", ALL),
        ("§3.3 notes linking to a note (heading and front matter links count)", None, "LIST FROM [[Acme Corp]] SORT file.name", "files: Meetings/2025-12-19, Projects/Apollo, Customers/Globex, People/Gordon Brown, Customers/Initech"),
        ("§3.3 a missing note: notes with that unresolved link", None, "LIST FROM [[Nobody Yet]]", "files: Orphan"),
        ("§3.3 [[]] is this note", Some("Customers/Globex"), "LIST FROM [[]] SORT file.name", "files: Meetings/2026-01-07 - Kickoff, People/Ada Crane, People/Gordon Brown"),
        ("§3.3 [[#]] is this note too", Some("People/Ada Crane"), "LIST FROM [[#]] SORT file.name", "files: Meetings/2025-12-19, Meetings/2026-01-07 - Kickoff"),
        ("§3.4 outgoing links", None, "LIST FROM outgoing([[2026-01-07 - Kickoff]]) SORT file.name", "files: People/Ada Crane, Customers/Globex, People/Gordon Brown"),
        ("§3.4 outgoing of a missing note falls back to incoming", None, "LIST FROM outgoing([[Nobody Yet]])", "files: Orphan"),
        ("§3.5 and", None, "LIST FROM #type/customer AND [[Acme Corp]] SORT file.name", "files: Customers/Globex, Customers/Initech"),
        ("§3.5 or", None, "LIST FROM \"People\" OR \"Projects\" SORT file.name", "files: People/Ada Crane, Projects/Apollo, People/Gordon Brown"),
        ("§3.5 negation", None, "LIST FROM -\"Customers\" AND -\"People\" AND -\"Meetings\" SORT file.name", "files: Archive/Meetings/2024-05-01, Projects/Apollo, Orphan"),
        ("§3.5 and/or share one level, left to right", None, "LIST FROM \"People\" OR #project AND [[Acme Corp]] SORT file.name", "files: Projects/Apollo, People/Gordon Brown"),
        ("§3.5 parentheses and ! negation", None, "LIST FROM !(\"Customers\" OR \"People\") AND #meeting SORT file.name", "files: Meetings/2025-12-19, Meetings/2026-01-07 - Kickoff"),
        ("§3.5 & and |", None, "LIST FROM (#type/customer & [[Acme Corp]]) | #project SORT file.name", "files: Projects/Apollo, Customers/Globex, Customers/Initech"),
    ]);
}

#[test]
fn where_sort_limit() {
    check(&[
        ("§4.1 WHERE keeps truthy rows", None, "LIST FROM \"Customers\" WHERE status = \"active\"", "files: Customers/Acme Corp"),
        ("§4.1 numbers compare", None, "LIST FROM \"Customers\" WHERE arr > 500000", "files: Customers/Acme Corp"),
        ("§12.2 null is less than everything", None, "LIST FROM \"Customers\" WHERE arr < 500000 SORT file.name", "files: Customers/Globex, Customers/Initech"),
        ("§6.3 null is falsy", None, "LIST FROM \"Customers\" WHERE !arr", "files: Customers/Initech"),
        ("§4.1 an erroring row is dropped", None, "LIST FROM \"Customers\" WHERE arr + 1 > 0 SORT file.name", "files: Customers/Acme Corp, Customers/Globex"),
        ("§4.1 some rows error, the rest are false: no rows, no error", None, "LIST FROM \"Customers\" WHERE arr + 1 > 0 AND false", "files:"),
        ("§4.1 every row errors: the query fails", None, "LIST FROM \"Customers/Initech\" WHERE arr + 1", "exec error"),
        ("§12.21 contains(file.outlinks) misses heading links", None, "LIST WHERE contains(file.outlinks, [[Acme Corp]]) SORT file.name", "files: Meetings/2025-12-19, Projects/Apollo, Customers/Globex, People/Gordon Brown"),
        ("§12.5 contains on tags matches by substring", None, "LIST FROM \"Customers\" WHERE contains(file.etags, \"#status\") SORT file.name", "files: Customers/Acme Corp, Customers/Globex, Customers/Initech"),
        ("§8 econtains is exact", None, "LIST FROM \"Customers\" WHERE econtains(file.etags, \"#status/active\")", "files: Customers/Acme Corp"),
        ("§9.1 file.day from name or date field", None, "LIST WHERE file.day SORT file.day", "files: Archive/Meetings/2024-05-01, Meetings/2025-12-19, Meetings/2026-01-07 - Kickoff"),
        ("§9.4 normalised inline keys", None, "LIST FROM \"Customers\" WHERE region = \"EMEA\"", "files: Customers/Acme Corp"),
        ("§9.4 keys as written", None, "LIST FROM \"Customers\" WHERE Region = \"APAC\"", "files: Customers/Globex"),
        ("§5.2 dashed names are one variable", None, "LIST FROM \"Customers\" WHERE deal-size", "files: Customers/Acme Corp"),
        ("§9.9 front matter links resolve", None, "LIST FROM \"People\" WHERE company = [[Acme Corp]]", "files: People/Gordon Brown"),
        ("§4.2 SORT descending puts null last", None, "LIST FROM \"Customers\" SORT arr DESC", "files: Customers/Acme Corp, Customers/Globex, Customers/Initech"),
        ("§4.2 SORT ascending puts null first", None, "LIST FROM \"Customers\" SORT arr", "files: Customers/Initech, Customers/Globex, Customers/Acme Corp"),
        ("§4.2 strings sort", None, "LIST FROM \"Customers\" SORT status", "files: Customers/Acme Corp, Customers/Initech, Customers/Globex"),
        ("§4.2 several keys", None, "LIST FROM \"Customers\" OR \"People\" SORT type DESC, file.name", "files: People/Ada Crane, People/Gordon Brown, Customers/Acme Corp, Customers/Globex, Customers/Initech"),
        ("§4.2 null key first", None, "LIST FROM \"People\" OR \"Projects\" SORT type, file.name", "files: Projects/Apollo, People/Ada Crane, People/Gordon Brown"),
        ("§4.2 DESCENDING spelled out", None, "LIST FROM \"Customers\" SORT file.name DESCENDING", "files: Customers/Initech, Customers/Globex, Customers/Acme Corp"),
        ("§4.2 stable: a later SORT keeps ties in the earlier order", None, "LIST FROM \"Customers\" SORT file.name DESC SORT type", "files: Customers/Initech, Customers/Globex, Customers/Acme Corp"),
        ("§6.4 collation puts digits before letters", None, "LIST FROM \"Meetings\" OR \"People\" SORT file.name", "files: Meetings/2025-12-19, Meetings/2026-01-07 - Kickoff, People/Ada Crane, People/Gordon Brown"),
        ("§4.5 LIMIT", None, "LIST FROM \"Customers\" SORT file.name LIMIT 2", "files: Customers/Acme Corp, Customers/Globex"),
        ("§4.5 LIMIT 0", None, "LIST FROM \"Customers\" LIMIT 0", "files:"),
        ("§4.5 LIMIT needs a number", None, "LIST FROM \"Customers\" LIMIT \"x\"", "exec error"),
        ("§4.5 placement matters", None, "LIST FROM \"Customers\" SORT file.name LIMIT 2 SORT file.name DESC", "files: Customers/Globex, Customers/Acme Corp"),
        ("§4.5 LIMIT sees this", Some("Projects/Apollo"), "LIST FROM \"Customers\" SORT file.name LIMIT length(this.file.outlinks)", "files: Customers/Acme Corp"),
        ("§4.1 WHERE can repeat", None, "LIST FROM \"Customers\" WHERE arr WHERE arr < 1000000", "files: Customers/Globex"),
    ]);
}

#[test]
fn group_and_flatten() {
    check(&[
        (
            "§4.3 groups sorted by key, rows in incoming order",
            None,
            "LIST rows.file.name FROM \"Customers\" OR \"People\" GROUP BY type",
            r#"{"type":"list","headers":["Group","rows.file.name"],"rows":[["customer",["Acme Corp","Globex","Initech"]],["person",["Ada Crane","Gordon Brown"]]]}"#,
        ),
        (
            "§4.3 rows and length",
            None,
            "TABLE length(rows) AS n FROM \"Customers\" GROUP BY status",
            r#"{"type":"table","headers":["Group","n"],"rows":[["active",1],["churned",1],["prospect",1]]}"#,
        ),
        (
            "§4.3 key",
            None,
            "LIST key FROM \"People\" GROUP BY role",
            r#"{"type":"list","headers":["Group","key"],"rows":[["CSM","CSM"],["CTO","CTO"]]}"#,
        ),
        (
            "§4.3 the group field by its AS name",
            None,
            "TABLE s FROM \"Customers\" GROUP BY status AS s",
            r#"{"type":"table","headers":["Group","s"],"rows":[["active","active"],["churned","churned"],["prospect","prospect"]]}"#,
        ),
        (
            "§4.3 the group field by its expression text",
            None,
            "TABLE WITHOUT ID status FROM \"Customers\" GROUP BY status",
            r#"{"type":"table","headers":["status"],"rows":[["active"],["churned"],["prospect"]]}"#,
        ),
        (
            "§12.22 GROUP BY file.folder hides file.folder",
            None,
            "TABLE file.folder FROM #meeting GROUP BY file.folder",
            r#"{"type":"table","headers":["Group","file.folder"],"rows":[["Meetings",null]]}"#,
        ),
        (
            "§4.3 WITHOUT ID after GROUP BY",
            None,
            "TABLE WITHOUT ID key, length(rows) FROM #meeting GROUP BY file.folder",
            r#"{"type":"table","headers":["key","length(rows)"],"rows":[["Meetings",2]]}"#,
        ),
        (
            "§4.3 groups of groups",
            None,
            "LIST FROM \"Customers\" GROUP BY type GROUP BY length(rows)",
            r#"{"type":"list","headers":["Group"],"rows":[[3]]}"#,
        ),
        (
            "§4.4 FLATTEN a list",
            None,
            "TABLE WITHOUT ID t FROM \"Customers/Acme Corp\" FLATTEN file.etags AS t",
            r##"{"type":"table","headers":["t"],"rows":[["#type/customer"],["#status/active"],["#followup"]]}"##,
        ),
        (
            "§4.4 an empty list removes the row",
            None,
            "LIST FROM \"Customers\" FLATTEN file.aliases AS a SORT file.name",
            "files: Customers/Acme Corp",
        ),
        (
            "§4.4 null keeps one row",
            None,
            "LIST FROM \"Customers\" FLATTEN arr AS a SORT file.name",
            "files: Customers/Acme Corp, Customers/Globex, Customers/Initech",
        ),
        (
            "§4.4 FLATTEN without AS uses the expression text",
            None,
            "TABLE WITHOUT ID region FROM \"Customers\" FLATTEN region SORT region",
            r#"{"type":"table","headers":["region"],"rows":[[null],["APAC"],["EMEA"]]}"#,
        ),
        (
            "§4.4 FLATTEN then GROUP BY",
            None,
            "LIST FROM \"Customers\" FLATTEN file.etags AS t GROUP BY t",
            r##"{"type":"list","headers":["Group"],"rows":[["#followup"],["#status/active"],["#status/churned"],["#status/prospect"],["#type/customer"]]}"##,
        ),
    ]);
}

#[test]
fn list_and_table_shapes() {
    check(&[
        (
            "§2.1 LIST",
            None,
            "LIST FROM \"Customers/Globex\"",
            r#"{"type":"list","headers":["File"],"rows":[[{"link":"Customers/Globex"}]]}"#,
        ),
        (
            "§2.1 LIST expr",
            None,
            "LIST status FROM \"Customers/Globex\"",
            r#"{"type":"list","headers":["File","status"],"rows":[[{"link":"Customers/Globex"},"prospect"]]}"#,
        ),
        (
            "§2.1 LIST WITHOUT ID expr",
            None,
            "LIST WITHOUT ID status FROM \"Customers/Globex\"",
            r#"{"type":"list","headers":["status"],"rows":[["prospect"]]}"#,
        ),
        (
            "§2.1 LIST WITHOUT ID alone still shows the id",
            None,
            "LIST WITHOUT ID FROM \"Customers/Globex\"",
            r#"{"type":"list","headers":["File"],"rows":[[{"link":"Customers/Globex"}]]}"#,
        ),
        (
            "§2.2 TABLE without columns",
            None,
            "TABLE FROM \"Customers/Globex\"",
            r#"{"type":"table","headers":["File"],"rows":[[{"link":"Customers/Globex"}]]}"#,
        ),
        (
            "§2.2 AS names, quoted or bare",
            None,
            "TABLE status AS \"State\", arr AS money FROM \"Customers/Globex\"",
            r#"{"type":"table","headers":["File","State","money"],"rows":[[{"link":"Customers/Globex"},"prospect",300000]]}"#,
        ),
        (
            "§2.2 header is the expression as written",
            None,
            "TABLE arr   *   2 FROM \"Customers/Globex\"",
            r#"{"type":"table","headers":["File","arr   *   2"],"rows":[[{"link":"Customers/Globex"},600000]]}"#,
        ),
        (
            "§4.6 a row whose column errors is dropped",
            None,
            "TABLE WITHOUT ID arr * 2 FROM \"Customers\" SORT file.name",
            r#"{"type":"table","headers":["arr * 2"],"rows":[[2400000],[600000]]}"#,
        ),
        (
            "§4.6 every row errors: the query fails",
            None,
            "TABLE arr * 2 FROM \"Customers/Initech\"",
            "exec error",
        ),
        (
            "§2.4 columns with the same name collapse into one",
            None,
            "TABLE status AS x, arr AS x FROM \"Customers/Globex\"",
            r#"{"type":"table","headers":["File","x"],"rows":[[{"link":"Customers/Globex"},300000]]}"#,
        ),
        (
            "§6.2 missing fields are null",
            None,
            "TABLE nothing FROM \"Customers/Globex\"",
            r#"{"type":"table","headers":["File","nothing"],"rows":[[{"link":"Customers/Globex"},null]]}"#,
        ),
        (
            "§9.6 repeated keys become a list (front matter first)",
            None,
            "LIST owner FROM \"Customers/Acme Corp\"",
            r#"{"type":"list","headers":["File","owner"],"rows":[[{"link":"Customers/Acme Corp"},[{"link":"People/Gordon Brown"},{"link":"People/Gordon Brown"}]]]}"#,
        ),
    ]);
}

#[test]
fn tasks() {
    check(&[
        (
            "§2.5 TASK rows are tasks",
            None,
            "TASK FROM \"Customers/Globex\"",
            r#"{"type":"task","headers":[],"rows":[{"path":"Customers/Globex","line":11,"text":"Intro call 📅 2025-12-01","status":" ","completed":false,"fields":{"due":"2025-12-01"}},{"path":"Customers/Globex","line":12,"text":"Send deck ✅ 2025-11-20","status":"x","completed":true,"fields":{"completion":"2025-11-20"}}]}"#,
        ),
        (
            "§10.1 completed is x only; [/] and [-] are not",
            None,
            "TASK FROM \"Customers/Acme Corp\" WHERE !completed",
            r##"{"type":"task","headers":[],"rows":[{"path":"Customers/Acme Corp","line":17,"text":"Send renewal quote 📅 2026-01-09 #followup","status":" ","completed":false,"fields":{"due":"2026-01-09"}},{"path":"Customers/Acme Corp","line":19,"text":"Security review [due:: 2026-02-01]","status":"/","completed":false,"fields":{"due":"2026-02-01"}},{"path":"Customers/Acme Corp","line":20,"text":"Dropped idea","status":"-","completed":false,"fields":{}}]}"##,
        ),
        (
            "§10.1 nested tasks are rows too",
            None,
            "TASK FROM \"Customers/Acme Corp\" WHERE completed",
            r#"{"type":"task","headers":[],"rows":[{"path":"Customers/Acme Corp","line":18,"text":"Draft numbers ✅ 2026-01-05","status":"x","completed":true,"fields":{"completion":"2026-01-05"}}]}"#,
        ),
    ]);
    let lines = |q: &str| -> Vec<u64> {
        json(q)["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect()
    };
    // §2.5 quirk: a task's own `status` is its checkbox, shadowing the page's status.
    assert_eq!(
        lines("TASK FROM \"Customers/Acme Corp\" WHERE status = \"/\""),
        vec![19]
    );
    // §2.5 tasks inherit page fields they do not have.
    assert_eq!(
        lines("TASK FROM \"Customers/Acme Corp\" WHERE type = \"customer\""),
        vec![17, 18, 19, 20]
    );
    // §10.1 checked: any non-space status.
    assert_eq!(
        lines("TASK FROM \"Customers/Acme Corp\" WHERE checked AND !completed"),
        vec![19, 20]
    );
    // §10.2 emoji and bracketed due dates.
    assert_eq!(lines("TASK WHERE due AND due < date(2025-12-15)"), vec![11]);
    // §10.1 fullyCompleted needs the children done too.
    assert_eq!(
        lines("TASK FROM \"Customers/Acme Corp\" WHERE fullyCompleted"),
        vec![18]
    );
    // §3.3 tasks of the notes linking to a note.
    let v = json("TASK FROM [[Ada Crane]]");
    assert_eq!(v["rows"][0]["path"], "Meetings/2025-12-19");
    assert_eq!(v["rows"][0]["line"], 4);
    assert_eq!(
        v["rows"][0]["text"],
        "Follow up with [[Ada Crane]] 📅 2025-12-22"
    );
    // §2.6 a matched child shows under its matched parent (once in the JSON rows).
    let all = dossier::query(&super::config(), None, "TASK FROM \"Customers/Acme Corp\"").unwrap();
    match all {
        dossier::dataview::QueryResult::Task { groups } => {
            assert_eq!(groups[0].tasks.len(), 3, "the child is nested, not a root");
            assert_eq!(groups[0].tasks[0].children.len(), 1);
            assert_eq!(
                groups[0].tasks[0].children[0].text,
                "Draft numbers ✅ 2026-01-05"
            );
        }
        other => panic!("{other:?}"),
    }
    // §2.6 a matched child whose parent did not match stands alone; grouped tasks carry their key.
    match dossier::query(
        &super::config(),
        None,
        "TASK FROM #type/customer WHERE !completed GROUP BY file.name",
    )
    .unwrap()
    {
        dossier::dataview::QueryResult::Task { groups } => {
            let keys: Vec<String> = groups.iter().map(|g| format!("{:?}", g.key)).collect();
            assert_eq!(groups.len(), 2, "{keys:?}");
            assert_eq!(groups[0].tasks.len(), 3);
            assert_eq!(groups[1].tasks.len(), 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn calendar() {
    match dossier::query(
        &super::config(),
        None,
        "CALENDAR file.day FROM \"Meetings\"",
    )
    .unwrap()
    {
        dossier::dataview::QueryResult::Calendar { entries } => assert_eq!(entries.len(), 2),
        other => panic!("{other:?}"),
    }
    // §2.7 rows without a date are left out.
    match dossier::query(
        &super::config(),
        None,
        "CALENDAR file.day FROM \"Customers\"",
    )
    .unwrap()
    {
        dossier::dataview::QueryResult::Calendar { entries } => assert!(entries.is_empty()),
        other => panic!("{other:?}"),
    }
    assert!(run(None, "CALENDAR").is_err());
}
