//! Expression-level cases: literals, operators, values, fields and the function library. Each row is
//! evaluated as `TABLE WITHOUT ID (expr) AS v FROM "<note>"`; `drop` means the row errors, which for the
//! single row of these queries fails the query (§4.6).

use super::run;

type ExprCase = (&'static str, &'static str, &'static str);

fn check_in(note: &str, cases: &[ExprCase]) {
    let mut failures = Vec::new();
    for (rule, expr, expected) in cases {
        let query = format!("TABLE WITHOUT ID ({expr}) AS v FROM \"{note}\"");
        let got = run(None, &query);
        let value = got.as_ref().ok().map(|v| {
            v["rows"]
                .as_array()
                .and_then(|r| r.first())
                .map(|r| r[0].clone())
        });
        // With one row, an erroring row is a failed query (§4.6: every row errored).
        let every_row_failed = matches!(&got, Err(e) if e.contains("every row failed"));
        let ok = match (*expected, &value) {
            ("drop", Some(None)) => true,
            ("drop", _) => every_row_failed,
            (exp, Some(Some(v))) => serde_json::from_str::<serde_json::Value>(exp)
                .map(|e| &e == v)
                .unwrap_or(false),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{rule}: {expr}\n   expected {expected}\n   got      {got:?}"
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

#[test]
fn literals_and_operators() {
    check_in(
        "Customers/Globex",
        &[
            ("§5.3 precedence", "1 + 2 * 3", "7"),
            ("§6.5 JS division", "7 / 2", "3.5"),
            ("§6.5 modulo", "7 % 3", "1"),
            ("§6.5 string + number", "\"a\" + 12", "\"a12\""),
            ("§6.5 number + string", "1 + \"x\"", "\"1x\""),
            ("§6.5 string repetition", "\"ab\" * 3", "\"ababab\""),
            ("§6.5 negative repetition", "\"ab\" * -1", "\"\""),
            ("§12.3 cross-type order by type name", "\"10\" > 9", "true"),
            ("§6.4 different types are never equal", "1 = \"1\"", "false"),
            ("§6.4 null equals null", "null = null", "true"),
            ("§12.2 null is smallest", "null < -1000", "true"),
            ("§12.10 number + null errors", "arr + null", "drop"),
            ("§12.10 null + null is null", "null + null", "null"),
            (
                "§5.3 and/or left to right",
                "true or false and false",
                "false",
            ),
            ("§5.3 ! binds tighter", "!false and true", "true"),
            ("§5.3 comparisons associate left", "1 < 2 < 3", "true"),
            ("§6.5 list concatenation", "[1, 2] + [3]", "[1,2,3]"),
            ("§6.5 object merge", "{a: 1} + {b: 2}", "{\"a\":1,\"b\":2}"),
            (
                "§6.5 calendar-aware month",
                "date(2026-01-31) + dur(1 month)",
                "\"2026-02-28\"",
            ),
            (
                "§6.5 date difference",
                "date(2025-03-01) - date(2025-01-01)",
                "\"P2M\"",
            ),
            (
                "§12.18 months are 30 days",
                "(date(2025-03-01) - date(2025-01-01)).days",
                "60",
            ),
            ("§7.3 duration in hours", "dur(3 days).hours", "72"),
            (
                "§12.18 durations equal unit by unit",
                "dur(90 minutes) = dur(1 hour 30 minutes)",
                "false",
            ),
            (
                "§12.18 same length compares greater",
                "dur(90 minutes) > dur(1 hour 30 minutes)",
                "true",
            ),
            (
                "§5.1 date(today) is the build date",
                "date(today)",
                "\"2026-11-20\"",
            ),
            ("§5.1 yesterday", "date(yesterday)", "\"2026-11-19\""),
            (
                "§5.1 start of week is Monday",
                "date(sow)",
                "\"2026-11-16\"",
            ),
            ("§5.1 end of month", "date(eom)", "\"2026-11-30T23:59:59\""),
            ("§5.1 start of year", "date(soy)", "\"2026-01-01\""),
            ("§7.3 weekday, Monday = 1", "date(2026-11-20).weekday", "5"),
            ("§12.9 week is day/7 + 1", "date(2026-11-20).week", "3"),
            (
                "§12.9 weekyear is the ISO week",
                "date(2026-11-20).weekyear",
                "47",
            ),
            ("§7.3 date parts", "date(2025-12-19T14:30).hour", "14"),
            ("§5.1 string escapes", "\"a\\\"b\"", "\"a\\\"b\""),
            ("§5.1 other escapes stay", "\"\\w+\"", "\"\\\\w+\""),
            ("§5.1 durations without spaces", "dur(4h15m).minutes", "255"),
            ("§5.1 number literal", "-3.5", "-3.5"),
            ("§5.1 True", "True", "true"),
            ("§5.1 list literal", "[1, \"x\"]", "[1,\"x\"]"),
            (
                "§5.1 object with a quoted key",
                "{ \"any key\": 1 }[\"any key\"]",
                "1",
            ),
            ("§7.3 link indexing", "[[Acme Corp]].status", "\"active\""),
            (
                "§7.3 link indexing a number",
                "[[Acme Corp]].arr",
                "1200000",
            ),
            ("§7.3 a link to nothing is null", "[[Nope]].status", "null"),
            ("§7.3 list index", "[1, 2, 3][1]", "2"),
            ("§7.3 out of range is null", "[1, 2, 3][5]", "null"),
            ("§7.3 no negative indexing", "[1, 2, 3][-1]", "null"),
            ("§7.3 string index", "\"abc\"[1]", "\"b\""),
            ("§7.3 indexing a number is null", "(5).x", "null"),
            ("§7.2 this without a note is empty", "this.status", "null"),
            ("§7.1 row", "row[\"status\"]", "\"prospect\""),
            ("§5.2 a dashed name is one variable", "end-start", "null"),
            ("§5.4 immediately invoked lambda", "((x) => x + 1)(2)", "3"),
            (
                "§7.4 lambdas see the row",
                "map([1], (x) => x + arr)",
                "[300001]",
            ),
            (
                "§5.4 unknown function drops the row",
                "nosuchfunction(1)",
                "drop",
            ),
        ],
    );
}

#[test]
fn implicit_and_typed_fields() {
    check_in(
        "Customers/Globex",
        &[
            ("§9.1 file.name", "file.name", "\"Globex\""),
            (
                "§9.1 file.path has .md",
                "file.path",
                "\"Customers/Globex.md\"",
            ),
            ("§9.1 file.folder", "file.folder", "\"Customers\""),
            ("§9.1 file.ext", "file.ext", "\"md\""),
            (
                "§9.1 file.link",
                "file.link",
                "{\"link\":\"Customers/Globex\"}",
            ),
            (
                "§9.1 file.tags with parents",
                "sort(file.tags)",
                "[\"#status\",\"#status/prospect\",\"#type\",\"#type/customer\"]",
            ),
            (
                "§9.1 file.etags as written",
                "file.etags",
                "[\"#type/customer\",\"#status/prospect\"]",
            ),
            ("§9.1 file.inlinks", "length(file.inlinks)", "3"),
            (
                "§9.1 file.outlinks",
                "file.outlinks",
                "[{\"link\":\"Customers/Acme Corp\"}]",
            ),
            ("§9.1 file.day absent", "file.day", "null"),
            ("§9.1 file.aliases empty", "file.aliases", "[]"),
            ("§9.1 file.tasks", "length(file.tasks)", "2"),
            (
                "§7.5 swizzling",
                "file.tasks.text",
                "[\"Intro call 📅 2025-12-01\",\"Send deck ✅ 2025-11-20\"]",
            ),
            (
                "§9.1 file.frontmatter raw",
                "file.frontmatter.arr",
                "300000",
            ),
            ("§9.1 file.size", "file.size > 0", "true"),
            ("§9.1 file.starred", "file.starred", "false"),
            ("§9.4 key as written", "Region", "\"APAC\""),
            ("§9.4 normalised key", "region", "\"APAC\""),
            ("§6.1 typeof number", "typeof(arr)", "\"number\""),
            ("§6.1 typeof link", "typeof(file.link)", "\"link\""),
            ("§6.1 typeof array", "typeof([])", "\"array\""),
            ("§6.1 typeof object", "typeof({})", "\"object\""),
            ("§6.1 typeof date", "typeof(date(today))", "\"date\""),
            ("§6.1 typeof duration", "typeof(dur(1 day))", "\"duration\""),
            ("§6.1 typeof null", "typeof(null)", "\"null\""),
            ("§6.1 typeof function", "typeof((x) => x)", "\"function\""),
        ],
    );
    check_in(
        "Customers/Acme Corp",
        &[
            (
                "§9.2 quoted ISO dates become dates",
                "created",
                "\"2025-12-19\"",
            ),
            (
                "§9.2 durations in front matter",
                "typeof(renewal)",
                "\"duration\"",
            ),
            (
                "§9.2 tags stay the raw list",
                "tags",
                "[\"type/customer\",\"status/active\"]",
            ),
            ("§9.2 aliases", "file.aliases", "[\"Acme\"]"),
            ("§9.5 1,500 is a list", "deal-size", "[1,500]"),
            (
                "§7.1 row with spaces in the key",
                "row[\"Deal Size\"]",
                "[1,500]",
            ),
            (
                "§9.1 file.lists holds bullets too",
                "length(file.lists)",
                "5",
            ),
            (
                "§9.1 file.tasks in line order",
                "file.tasks.line",
                "[17,18,19,20]",
            ),
            (
                "§10.1 children",
                "file.tasks[0].children[0].text",
                "\"Draft numbers ✅ 2026-01-05\"",
            ),
            ("§10.1 status", "file.tasks[1].status", "\"x\""),
            (
                "§10.1 checked vs completed",
                "[file.tasks[2].checked, file.tasks[2].completed]",
                "[true,false]",
            ),
            (
                "§10.1 fullyCompleted",
                "file.tasks[0].fullyCompleted",
                "false",
            ),
            ("§10.1 task tags", "file.tasks[0].tags", "[\"#followup\"]"),
            (
                "§10.1 section",
                "file.tasks[0].section",
                "{\"link\":\"Customers/Acme Corp\",\"subpath\":\"Tasks\"}",
            ),
            ("§10.2 emoji due", "file.tasks[0].due", "\"2026-01-09\""),
            ("§10.2 bracketed due", "file.tasks[2].due", "\"2026-02-01\""),
            ("§10.1 parent line", "file.tasks[1].parent", "17"),
            (
                "§9.7 plain item fields on the item",
                "file.lists[4].owner",
                "{\"link\":\"People/Gordon Brown\"}",
            ),
            (
                "§10.4 file.tasks do not inherit page fields",
                "file.tasks[0].type",
                "null",
            ),
        ],
    );
    check_in(
        "Meetings/2026-01-07 - Kickoff",
        &[
            (
                "§9.1 file.day from a date field",
                "file.day",
                "\"2026-01-07\"",
            ),
            (
                "§9.5 a list of links",
                "attendees",
                "[{\"link\":\"People/Ada Crane\"},{\"link\":\"People/Gordon Brown\"}]",
            ),
            ("§9.2 unquoted YAML date", "date", "\"2026-01-07\""),
        ],
    );
    check_in(
        "Meetings/2025-12-19",
        &[(
            "§9.1 file.day from the file name",
            "file.day",
            "\"2025-12-19\"",
        )],
    );
}

#[test]
fn function_library() {
    check_in(
        "Customers/Globex",
        &[
            (
                "§8 contains matches substrings of elements",
                "contains([\"hello\"], \"he\")",
                "true",
            ),
            (
                "§8 econtains is exact",
                "econtains([\"hello\"], \"he\")",
                "false",
            ),
            ("§8 icontains", "icontains(\"Hello\", \"hell\")", "true"),
            (
                "§8 contains on objects tests keys",
                "contains({a: 1}, \"a\")",
                "true",
            ),
            (
                "§8 contains is vectorised on the needle",
                "contains(\"abc\", [\"a\", \"x\"])",
                "[true,false]",
            ),
            (
                "§8 containsword",
                "containsword(\"Hello, world!\", \"world\")",
                "true",
            ),
            (
                "§8 containsword whole words",
                "containsword(\"worldwide\", \"world\")",
                "false",
            ),
            ("§12.8 round half up", "round(-2.5)", "-2"),
            ("§8 round", "round(2.5)", "3"),
            ("§8 round to digits", "round(16.555555, 2)", "16.56"),
            ("§8 trunc", "trunc(-1.5)", "-1"),
            ("§8 floor", "floor(-1.5)", "-2"),
            ("§8 ceil", "ceil(1.2)", "2"),
            ("§8 round is vectorised", "round([1.4, 1.6])", "[1,2]"),
            ("§8 min of arguments", "min(3, 1, 2)", "1"),
            (
                "§8 max uses the total order",
                "max(\"a\", \"ab\", \"abc\")",
                "\"abc\"",
            ),
            ("§8 min skips nulls", "min([null, 3, 1])", "1"),
            ("§8 min of nothing", "min()", "null"),
            ("§8 sum", "sum([1, 2, 3])", "6"),
            (
                "§8 sum concatenates strings",
                "sum([\"a\", \"b\"])",
                "\"ab\"",
            ),
            ("§8 sum of nothing", "sum([])", "null"),
            ("§8 sum with a null errors", "sum([1, null])", "drop"),
            ("§8 product", "product([2, 3])", "6"),
            ("§8 average", "average([1, 2])", "1.5"),
            ("§8 minby", "minby([3, 1, 2], (x) => x)", "1"),
            (
                "§8 maxby",
                "maxby([\"a\", \"ccc\", \"bb\"], (x) => length(x))",
                "\"ccc\"",
            ),
            ("§8 sort", "sort([3, 1, 2])", "[1,2,3]"),
            (
                "§6.4 sort collates strings",
                "sort([\"b\", \"A\", \"a\"])",
                "[\"a\",\"A\",\"b\"]",
            ),
            (
                "§8 sort with a key",
                "sort([3, 1, 2], (x) => 0 - x)",
                "[3,2,1]",
            ),
            ("§8 reverse a list", "reverse([1, 2])", "[2,1]"),
            ("§8 reverse a string", "reverse(\"abc\")", "\"cba\""),
            (
                "§12.6 unique sorts",
                "unique([\"b\", \"a\", \"b\"])",
                "[\"a\",\"b\"]",
            ),
            ("§8 length of a list", "length([1, 2])", "2"),
            ("§8 length of an object", "length({a: 1})", "1"),
            ("§8 length of null", "length(null)", "0"),
            ("§8 nonnull", "nonnull([1, null, 2])", "[1,2]"),
            ("§8 firstvalue", "firstvalue([null, 2])", "2"),
            ("§8 all", "all([true, false])", "false"),
            ("§8 any", "any([true, false])", "true"),
            ("§8 none", "none([false])", "true"),
            ("§8 all of nothing", "all([])", "true"),
            ("§8 any of nothing", "any([])", "false"),
            (
                "§8 all with a predicate",
                "all([2, 4], (x) => x % 2 = 0)",
                "true",
            ),
            ("§8 join", "join([1, 2], \"-\")", "\"1-2\""),
            (
                "§8 join default separator",
                "join([\"a\", \"b\"])",
                "\"a, b\"",
            ),
            (
                "§8 filter",
                "filter([1, 2, 3, 4], (x) => x % 2 = 0)",
                "[2,4]",
            ),
            ("§8 map", "map([1, 2, 3], (x) => x * 2)", "[2,4,6]"),
            ("§8 flat one level", "flat([1, [2, [3]]])", "[1,2,[3]]"),
            ("§8 flat two levels", "flat([1, [2, [3]]], 2)", "[1,2,3]"),
            ("§8 slice", "slice([1, 2, 3, 4], 1, 3)", "[2,3]"),
            ("§8 slice from the end", "slice([1, 2, 3], -2)", "[2,3]"),
            (
                "§8 reduce with an operator",
                "reduce([1, 2, 3], \"+\")",
                "6",
            ),
            (
                "§8 reduce with a lambda",
                "reduce([1, 2, 3], (a, b) => a + b)",
                "6",
            ),
            ("§8 reduce of nothing", "reduce([], \"+\")", "null"),
            ("§8 extract", "extract({a: 1, b: 2}, \"a\")", "{\"a\":1}"),
            ("§8 object", "object(\"a\", 1)", "{\"a\":1}"),
            ("§8 object needs string keys", "object(1, 1)", "drop"),
            ("§8 list", "list(1, 2)", "[1,2]"),
            ("§8 default", "default(null, 3)", "3"),
            ("§8 default is vectorised", "default([1, null], 3)", "[1,3]"),
            ("§8 ldefault is not", "ldefault(null, 3)", "3"),
            ("§8 choice", "choice(true, 1, 2)", "1"),
            ("§8 lower", "lower(\"AbC\")", "\"abc\""),
            ("§8 upper", "upper(\"a\")", "\"A\""),
            (
                "§8 lower is vectorised",
                "lower([\"A\", \"B\"])",
                "[\"a\",\"b\"]",
            ),
            ("§8 startswith", "startswith(\"hello\", \"he\")", "true"),
            ("§8 endswith", "endswith(\"hello\", \"lo\")", "true"),
            (
                "§8 replace is literal",
                "replace(\"a.b.c\", \".\", \"-\")",
                "\"a-b-c\"",
            ),
            (
                "§8 regexreplace",
                "regexreplace(\"a1b22\", \"[0-9]+\", \"#\")",
                "\"a#b#\"",
            ),
            (
                "§8 regexreplace groups",
                "regexreplace(\"2025-12-19\", \"(\\d+)-(\\d+)-(\\d+)\", \"$3/$2/$1\")",
                "\"19/12/2025\"",
            ),
            (
                "§8 regextest searches",
                "regextest(\"b+\", \"abbc\")",
                "true",
            ),
            (
                "§12.7 regexmatch is whole-string without anchors",
                "regexmatch(\"b+\", \"abbc\")",
                "false",
            ),
            (
                "§12.7 regexmatch with an anchor",
                "regexmatch(\"^ab\", \"abbc\")",
                "true",
            ),
            ("§8 invalid regex errors", "regextest(\"(\", \"x\")", "drop"),
            (
                "§8 split",
                "split(\"a1b2c\", \"[0-9]\")",
                "[\"a\",\"b\",\"c\"]",
            ),
            (
                "§8 split with a limit",
                "split(\"a b c\", \" \", 2)",
                "[\"a\",\"b\"]",
            ),
            (
                "§8 split splices groups",
                "split(\"a1b\", \"([0-9])\")",
                "[\"a\",\"1\",\"b\"]",
            ),
            ("§8 padleft", "padleft(\"7\", 3, \"0\")", "\"007\""),
            ("§8 padright", "padright(\"ab\", 4, \"-\")", "\"ab--\""),
            ("§8 substring", "substring(\"hello\", 1, 3)", "\"el\""),
            (
                "§8 truncate",
                "truncate(\"Hello world\", 8)",
                "\"Hello...\"",
            ),
            ("§8 truncate short text", "truncate(\"Hi\", 8)", "\"Hi\""),
            ("§8 number from text", "number(\"18 years\")", "18"),
            ("§8 number of nothing", "number(\"hmm\")", "null"),
            ("§8 string", "string(12)", "\"12\""),
            (
                "§12.13 string of a date",
                "string(date(2025-12-09))",
                "\"December 09, 2025\"",
            ),
            ("§6.6 string of a list", "string([1, \"a\"])", "\"1, a\""),
            (
                "§8 display strips markdown",
                "display(\"[[a|b]] and **c**\")",
                "\"b and c\"",
            ),
            (
                "§8 display of a link",
                "display([[Acme Corp]])",
                "\"Acme Corp\"",
            ),
            (
                "§8 date from text",
                "date(\"2025-12-19\")",
                "\"2025-12-19\"",
            ),
            (
                "§8 date with a format",
                "date(\"12/19/2025\", \"MM/dd/yyyy\")",
                "\"2025-12-19\"",
            ),
            ("§8 date of a bad text is null", "date(\"hello\")", "null"),
            (
                "§8 date of a dated link",
                "date([[2021-04-16]])",
                "\"2021-04-16\"",
            ),
            (
                "§8 date of a link to a dated note",
                "date([[2026-01-07 - Kickoff]])",
                "\"2026-01-07\"",
            ),
            ("§8 dur", "dur(\"3 days\")", "\"P3D\""),
            (
                "§8 striptime",
                "striptime(date(2025-12-19T14:30))",
                "\"2025-12-19\"",
            ),
            (
                "§8 dateformat",
                "dateformat(date(2025-12-09), \"yyyy-MM-dd\")",
                "\"2025-12-09\"",
            ),
            (
                "§8 dateformat weekday",
                "dateformat(date(2025-12-09), \"EEEE\")",
                "\"Tuesday\"",
            ),
            (
                "§8 durationformat re-expresses units",
                "durationformat(dur(\"14d\"), \"s 'seconds'\")",
                "\"1209600 seconds\"",
            ),
            (
                "§8 meta subpath",
                "meta([[Acme Corp#Tasks]]).subpath",
                "\"Tasks\"",
            ),
            (
                "§8 meta type",
                "meta([[Acme Corp#Tasks]]).type",
                "\"header\"",
            ),
            (
                "§8 meta path of a literal",
                "meta([[My Project]]).path",
                "\"My Project\"",
            ),
            (
                "§8 hash",
                "hash(\"2024-03-17\", \"Home\")",
                "3041844187830523",
            ),
            (
                "§8 link",
                "link(\"Acme Corp\")",
                "{\"link\":\"Customers/Acme Corp\"}",
            ),
            (
                "§8 link with display",
                "link(\"Acme Corp\", \"A\")",
                "{\"link\":\"Customers/Acme Corp\",\"display\":\"A\"}",
            ),
            ("§8 typeof", "typeof(1)", "\"number\""),
        ],
    );
}
