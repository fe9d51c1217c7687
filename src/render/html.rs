//! The one HTML escape used for every piece of HTML built by hand.

/// Escapes `& < > " '` for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(s, &mut out);
    out
}

/// [`escape`] appended to `out`: the runs between the five characters copied whole (they are ASCII,
/// so every byte offset of one is a character boundary). Escaping is most of what templating does with
/// a page's text (a `match` on every byte, it was 3% of a build's instructions): in a long text the five
/// are found with `memchr`, three and two at a time; a short one (a title, a URL), whose search
/// would cost more to set up than to run, is first checked for any of them many bytes at once, and
/// looked through with a table when it has one.
pub fn escape_into(s: &str, out: &mut String) {
    escape_runs(s, |run| out.push_str(run));
}

/// [`escape`] written to `out`, as tera writes a page: the escape function of the theme's templates.
pub fn escape_to(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut written = Ok(());
    escape_runs(s, |run| {
        if written.is_ok() {
            written = out.write_all(run.as_bytes());
        }
    });
    written
}

/// `s` escaped, handed to `put` a run at a time: the text between the characters, and each one's
/// entity.
fn escape_runs(s: &str, mut put: impl FnMut(&str)) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut special = |i: usize| {
        put(&s[start..i]);
        put(match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        start = i + 1;
    };
    if bytes.len() < 64 {
        // Most short texts have none of the five: found without stopping early, which the compiler
        // turns into a check of many bytes at once.
        let any = bytes.iter().fold(false, |any, &b| {
            any | matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'')
        });
        if !any {
            put(s);
            return;
        }
        for (i, &b) in bytes.iter().enumerate() {
            if SPECIAL[usize::from(b)] {
                special(i);
            }
        }
    } else {
        let mut markup = memchr::memchr3_iter(b'&', b'<', b'>', bytes).peekable();
        let mut quotes = memchr::memchr2_iter(b'"', b'\'', bytes).peekable();
        loop {
            let next = match (markup.peek(), quotes.peek()) {
                (Some(&m), Some(&q)) if q < m => quotes.next(),
                (Some(_), _) => markup.next(),
                (None, _) => quotes.next(),
            };
            let Some(i) = next else { break };
            special(i);
        }
    }
    put(&s[start..]);
}

/// The bytes [`escape_into`] replaces.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    /// The same as replacing the five a character at a time, on text with them anywhere: at either
    /// end, side by side, among multibyte characters, or not at all.
    #[test]
    fn escapes_like_one_character_at_a_time() {
        let naive = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect()
        };
        let alphabet = ['a', '&', '<', '>', '"', '\'', 'é', '✓', ' '];
        // Every string of up to five characters of the alphabet, and a long one.
        let mut cases = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = cases
                .iter()
                .filter(|c| c.chars().count() == cases.last().map_or(0, |l| l.chars().count()))
                .flat_map(|c| alphabet.iter().map(move |a| format!("{c}{a}")))
                .collect();
            cases.extend(longer);
        }
        // Long ones, searched rather than looked up byte by byte.
        cases.push("It's <b>\"x\" & y</b> — naïve ".repeat(500));
        cases.push(format!("{}&", "é".repeat(40)));
        cases.push(format!("'{}", "a".repeat(70)));
        for case in &cases {
            assert_eq!(super::escape(case), naive(case), "{case:?}");
            let mut written = Vec::new();
            super::escape_to(case, &mut written).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), naive(case), "{case:?}");
        }
    }
}
