//! The words every output says to people, in one place: counts with their nouns ("1 passage",
//! "3 passages"), what a search was and how many of its passages a list shows. The terminal's
//! table, the Markdown and the Word appendix all say the same thing the same way.

use indexer::api::{ATTR_PREFIX, Filters, GroupSize, QueryForm, UnknownValue};

/// `n` and its noun, singular for one: "1 passage", "1,203 passages".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

pub use indexer::api::thousands;

/// What was searched, for summary lines: "“trust” (role: GP, manager; site: site 1)", "the
/// filters (speaker: ID9)" without a query, "everything" without either. Filters are named and
/// written as in a query string (attributes by their column name). A query that is one quoted
/// phrase is shown in curly quotes alone (“primary care”), not quoted twice.
pub fn describe_search(q: &str, filters: &Filters) -> String {
    let filters = filters_text(filters);
    match (q.trim().is_empty(), filters.is_empty()) {
        (true, true) => "everything".to_string(),
        (true, false) => format!("the filters ({filters})"),
        (false, true) => quoted(q),
        (false, false) => format!("{} ({filters})", quoted(q)),
    }
}

/// Filters as a query string names them, in words: "role: GP, manager; gender: female"; empty
/// without any.
pub fn filters_text(filters: &Filters) -> String {
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    for (name, value) in filters.to_query() {
        let name = name.strip_prefix(ATTR_PREFIX).unwrap_or(&name).to_string();
        match parts.last_mut() {
            Some((last, values)) if *last == name => values.push(value),
            _ => parts.push((name, vec![value])),
        }
    }
    parts
        .into_iter()
        .map(|(name, values)| format!("{name}: {}", values.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A compared group by its filters ("role_group: GP"); the reference without filters is
/// "everyone else".
pub fn group_name(group: &GroupSize) -> String {
    match group.filters.as_ref().map(filters_text) {
        Some(text) if !text.is_empty() => text,
        Some(_) => "every passage".to_string(),
        None => "everyone else".to_string(),
    }
}

/// A compared group's size: "105 words in 3 passages by 2 participants".
pub fn group_size(group: &GroupSize) -> String {
    format!(
        "{} in {} by {}",
        count(group.words, "word", "words"),
        count(group.passages, "passage", "passages"),
        count(group.participants, "participant", "participants")
    )
}

/// A query in curly quotes, on one line; a query that is one phrase in straight quotes keeps
/// only the curly ones.
fn quoted(q: &str) -> String {
    let q = one_line(q);
    let phrase = q
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|inner| !inner.is_empty() && !inner.contains('"'));
    format!("“{}”", phrase.unwrap_or(&q))
}

/// A filter value the corpus lacks, and the values it has: `role "surgeon" is not in this
/// corpus; it has: GP, manager, lay`.
pub fn unknown_value(unknown: &UnknownValue) -> String {
    let held = if unknown.held.is_empty() {
        "no passage has any value of it".to_string()
    } else {
        format!("it has: {}", unknown.held.join(", "))
    };
    format!(
        "{} {:?} is not in this corpus; {held}",
        unknown.filter, unknown.value
    )
}

/// Text on one line, runs of white space as one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The line under a section's heading saying what was searched and how much of it is listed:
/// "No passages match “zzz”.", "1 passage matching “trust”.", "The best 2 of 3 passages
/// matching “STP” (role: manager)."
pub fn section_summary(searched: &str, shown: u64, total: u64) -> String {
    match (shown, total) {
        (0, _) => format!("No passages match {searched}."),
        (shown, total) if shown == total => {
            format!(
                "{} matching {searched}.",
                count(total, "passage", "passages")
            )
        }
        (shown, total) => format!(
            "The best {} of {} matching {searched}.",
            thousands(shown),
            count(total, "passage", "passages")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(1, "passage", "passages"), "1 passage");
        assert_eq!(count(0, "passage", "passages"), "0 passages");
        assert_eq!(count(4096, "character", "characters"), "4,096 characters");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn searches_are_described_in_words() {
        let mut filters = Filters::default();
        assert_eq!(describe_search(" ", &filters), "everything");
        assert_eq!(describe_search("trust\nme", &filters), "“trust me”");
        assert_eq!(
            describe_search("\"primary care\"", &filters),
            "“primary care”"
        );
        assert_eq!(
            describe_search("\"primary care\" trust", &filters),
            "“\"primary care\" trust”"
        );
        filters.role = vec!["GP".into(), "manager".into()];
        filters.attr.insert("gender".into(), vec!["female".into()]);
        assert_eq!(
            describe_search("", &filters),
            "the filters (role: GP, manager; gender: female)"
        );
        assert_eq!(
            describe_search("trust", &filters),
            "“trust” (role: GP, manager; gender: female)"
        );
    }

    #[test]
    fn summaries_count_what_is_listed() {
        assert_eq!(section_summary("“a”", 0, 0), "No passages match “a”.");
        assert_eq!(section_summary("“a”", 1, 1), "1 passage matching “a”.");
        assert_eq!(
            section_summary("“a”", 2, 3),
            "The best 2 of 3 passages matching “a”."
        );
    }
}
