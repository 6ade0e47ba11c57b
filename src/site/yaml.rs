//! Front matter written in YAML (between `---` lines) by another tool, such as Jekyll or an
//! older Hugo site. signpost reads TOML only; rather than publish the settings as a heading, the
//! loader refuses the page and shows the same settings written as TOML, converted here.

/// YAML front matter at the top of `text`: its lines (without the `---` lines), or `None` when
/// the file does not start with a `---` block holding at least one `key: value` line.
pub fn front_matter(text: &str) -> Option<Vec<&str>> {
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let block: Vec<&str> = lines
        .by_ref()
        .take_while(|l| l.trim_end() != "---")
        .collect();
    let closed = text.lines().nth(1 + block.len()).is_some();
    let has_key = block.iter().any(|l| key_value(l).is_some());
    (closed && has_key).then_some(block)
}

/// The result of converting YAML lines to TOML.
pub struct Converted {
    pub toml: String,
    /// Lines of the YAML block (1-based within the file) that could not be converted.
    pub left_out: Vec<usize>,
}

/// Converts simple YAML (`key: value`, and lists as `key: [a, b]` or `- item` lines) to TOML.
/// Anything else (nested settings, multi-line text) is listed in `left_out`.
pub fn to_toml(lines: &[&str]) -> Converted {
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // The block starts on line 2 of the file, after the opening `---`.
        let file_line = i + 2;
        i += 1;
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.trim().strip_prefix('#') {
            out.push(format!("#{comment}"));
            continue;
        }
        let Some((key, value)) = key_value(line) else {
            left_out.push(file_line);
            continue;
        };
        if !value.is_empty() {
            match scalar_or_list(value) {
                Some(v) => out.push(format!("{key} = {v}")),
                None => left_out.push(file_line),
            }
            continue;
        }
        // `key:` followed by `- item` lines is a list.
        let mut items = Vec::new();
        while let Some(item) = lines.get(i).and_then(|l| l.trim().strip_prefix("- ")) {
            items.push(item);
            i += 1;
        }
        match items.iter().map(|v| scalar(v)).collect::<Option<Vec<_>>>() {
            Some(vs) if !vs.is_empty() => out.push(format!("{key} = [{}]", vs.join(", "))),
            _ => left_out.push(file_line),
        }
    }
    Converted {
        toml: out.join("\n"),
        left_out,
    }
}

/// `key: value` at the start of a line (not indented: nested settings are not converted).
fn key_value(line: &str) -> Option<(&str, &str)> {
    if line.starts_with([' ', '\t']) {
        return None;
    }
    let (key, value) = line.split_once(':')?;
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    ok.then(|| (key, value.trim()))
}

fn scalar_or_list(value: &str) -> Option<String> {
    match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        Some(inner) => {
            let items: Option<Vec<String>> = inner
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(scalar)
                .collect();
            items.map(|v| format!("[{}]", v.join(", ")))
        }
        None => scalar(value),
    }
}

/// One YAML value as TOML: numbers, true/false and dates stay bare, everything else is text.
fn scalar(value: &str) -> Option<String> {
    let value = value.trim();
    if value.starts_with(['|', '>', '{', '&', '*', '!']) {
        return None;
    }
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')));
    if let Some(text) = unquoted {
        return Some(quoted(text));
    }
    let is_number = value.parse::<i64>().is_ok() || value.parse::<f64>().is_ok();
    let is_date = super::model::Date::parse(value).is_ok();
    if is_number || is_date || value == "true" || value == "false" {
        Some(value.to_string())
    } else {
        Some(quoted(value))
    }
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_simple_settings_and_lists() {
        let text = "---\nkind: programme\ntitle: \"Year 10: choices\"\nyear: 10\nupdated: 2026-09-01\ntags:\n  - a\n  - b\ncdi: [manage-career, 'grow-throughout-life']\n---\nBody\n";
        let lines = front_matter(text).unwrap();
        let c = to_toml(&lines);
        assert_eq!(
            c.toml,
            "kind = \"programme\"\ntitle = \"Year 10: choices\"\nyear = 10\nupdated = 2026-09-01\ntags = [\"a\", \"b\"]\ncdi = [\"manage-career\", \"grow-throughout-life\"]"
        );
        assert!(c.left_out.is_empty());
    }

    #[test]
    fn says_which_lines_it_cannot_convert() {
        let lines =
            front_matter("---\ntitle: A\nauthor:\n  name: B\nsummary: |\n  long\n---\n").unwrap();
        let c = to_toml(&lines);
        assert_eq!(c.toml, "title = \"A\"");
        assert_eq!(c.left_out, [3, 4, 5, 6]);
    }

    #[test]
    fn a_thematic_break_is_not_front_matter() {
        assert!(front_matter("---\n\nSome text\n").is_none());
        assert!(front_matter("# Title\n---\na: b\n---\n").is_none());
    }
}
