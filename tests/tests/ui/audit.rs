//! The accessibility audit: axe-core's WCAG 2.2 A and AA rules (and its best practices) run over
//! the page as it is on screen, in the light and the dark theme.
//!
//! Any view calls it with one line once it has rendered, `assert_accessible(&mut page, "the
//! crosstab")`: it fails on every serious or critical violation and prints each rule with the
//! nodes that break it. axe-core is vendored (`tests/vendor/axe-core`) and compiled into the
//! tests, so nothing is downloaded; it is injected into the page through the DevTools protocol.

use std::fmt::Write as _;

use serde::Deserialize;

use super::browser::{Browser, ColorScheme};

/// axe-core's minified build, from npm (see `tests/vendor/axe-core/README.md`).
const AXE_SOURCE: &str = include_str!("../../vendor/axe-core/axe.min.js");

/// The rule sets the audit runs: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best
/// practices (landmarks, headings, a main region...), which catch what screen readers stumble on.
const RULE_TAGS: [&str; 6] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// How bad a violation is for the people it affects, as axe grades it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Impact {
    Minor,
    Moderate,
    Serious,
    Critical,
}

/// One rule the page breaks, with the elements that break it.
#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: Option<Impact>,
    help: String,
    nodes: Vec<Node>,
}

/// An element that breaks a rule: its CSS selector and what is wrong with it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    target: serde_json::Value,
    failure_summary: Option<String>,
}

/// Audits the page as it is now, in the light and the dark theme, and fails naming every serious
/// or critical violation with its nodes. `state` says what is on screen ("results with filters").
/// The page is left in the light theme.
pub fn assert_accessible(page: &mut Browser, state: &str) {
    let mut report = String::new();
    for scheme in [ColorScheme::Dark, ColorScheme::Light] {
        page.emulate_color_scheme(scheme);
        let failing: Vec<Violation> = run_axe(page)
            .into_iter()
            .filter(|v| v.impact >= Some(Impact::Serious))
            .collect();
        if !failing.is_empty() {
            let shot = page.screenshot(&format!("audit-{}-{scheme:?}", slug(state)));
            let _ = writeln!(
                report,
                "\n{state}, {scheme:?} theme (screenshot {}):",
                shot.display()
            );
            for violation in &failing {
                describe(&mut report, violation);
            }
        }
    }
    assert!(
        report.is_empty(),
        "axe-core found serious or critical accessibility violations:{report}"
    );
}

/// Runs axe-core over the whole document and returns the rules it finds broken.
fn run_axe(page: &mut Browser) -> Vec<Violation> {
    // A page loaded since the last audit has lost it: inject it again.
    if page.eval("typeof window.axe === 'object'") != true {
        page.eval(&format!("{AXE_SOURCE};true"));
    }
    let options = serde_json::json!({
        "runOnly": {"type": "tag", "values": RULE_TAGS},
        "resultTypes": ["violations"],
        // Counts are one or two characters: axe skips text that short unless told not to,
        // and the counts' contrast is what the page once got wrong.
        "checks": {"color-contrast": {"options": {"ignoreLength": true}}},
    });
    let violations = page.eval(&format!(
        "axe.run(document, {options}).then((result) => result.violations)"
    ));
    serde_json::from_value(violations.clone()).unwrap_or_else(|e| {
        panic!("axe-core's answer does not read as expected ({e}): {violations:#}")
    })
}

fn describe(report: &mut String, violation: &Violation) {
    let impact = violation.impact.map_or_else(
        || "unknown".to_string(),
        |i| format!("{i:?}").to_lowercase(),
    );
    let _ = writeln!(report, "  {} ({impact}): {}", violation.id, violation.help);
    for node in &violation.nodes {
        let summary = node
            .failure_summary
            .as_deref()
            .unwrap_or("")
            .replace('\n', " ");
        let _ = writeln!(report, "    {}: {summary}", node.target);
    }
}

/// `state` as a file name.
fn slug(state: &str) -> String {
    state
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect()
}
