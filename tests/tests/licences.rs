//! Every crate the workspace builds with may be shipped under the workspace's own licence
//! (`MIT OR Apache-2.0`): no GPL-family crate, and no crate whose licence the check cannot read.
//!
//! `cargo metadata` lists each package's SPDX expression. A package passes when one of its `OR`
//! alternatives names only licences of [`PERMISSIVE`]; anything else (GPL, LGPL, AGPL, a licence
//! file instead of an expression) fails with the package's name, so a new dependency is checked
//! the day it is added rather than at release.

use std::process::Command;

use serde_json::Value;

/// Licences that let the workspace be distributed as MIT OR Apache-2.0, as SPDX identifiers.
const PERMISSIVE: &[&str] = &[
    "0BSD",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSL-1.0",
    "CC0-1.0",
    "CDLA-Permissive-2.0",
    "ISC",
    "MIT",
    "MIT-0",
    "MPL-2.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "Zlib",
];

#[test]
fn every_dependency_has_a_permissive_licence() {
    let metadata = cargo_metadata();
    let packages = metadata["packages"]
        .as_array()
        .expect("cargo metadata lists packages");
    assert!(
        packages.len() > 50,
        "cargo metadata listed only {} packages",
        packages.len()
    );
    let refused: Vec<String> = packages
        .iter()
        .filter_map(|package| {
            let name = package["name"].as_str().unwrap_or("?");
            let version = package["version"].as_str().unwrap_or("?");
            let licence = package["license"].as_str();
            match licence {
                Some(expression) if is_permissive(expression) => None,
                Some(expression) => Some(format!("{name} {version}: {expression}")),
                None => Some(format!("{name} {version}: no SPDX licence expression")),
            }
        })
        .collect();
    assert!(
        refused.is_empty(),
        "crates whose licence is not permissive (replace them, or add a permissive SPDX \
         identifier to PERMISSIVE if the licence allows MIT OR Apache-2.0 distribution):\n{}",
        refused.join("\n")
    );
}

#[test]
fn licence_expressions_are_judged_by_their_alternatives() {
    assert!(is_permissive("MIT OR Apache-2.0"));
    assert!(is_permissive("(MIT OR Apache-2.0) AND Unicode-3.0"));
    assert!(is_permissive(
        "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT"
    ));
    assert!(
        is_permissive("MIT/Apache-2.0"),
        "the old slash form means OR"
    );
    assert!(
        is_permissive("LGPL-2.1-or-later OR MIT"),
        "MIT is one alternative"
    );
    assert!(!is_permissive("GPL-3.0-or-later"));
    assert!(!is_permissive("MIT AND GPL-2.0-only"));
    assert!(!is_permissive("AGPL-3.0"));
    assert!(!is_permissive("LicenseRef-Proprietary"));
}

fn cargo_metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

/// Whether some alternative of the expression names only permissive licences. Parentheses only
/// group here (`(A OR B) AND C`), so the expression is expanded into its alternatives first.
fn is_permissive(expression: &str) -> bool {
    alternatives(&expression.replace('/', " OR "))
        .iter()
        .any(|terms| terms.iter().all(|term| PERMISSIVE.contains(&term.as_str())))
}

/// The expression as a list of alternatives, each the licences that must all hold (`AND`).
fn alternatives(expression: &str) -> Vec<Vec<String>> {
    let mut tokens = tokenize(expression).into_iter().peekable();
    parse_or(&mut tokens)
}

fn tokenize(expression: &str) -> Vec<String> {
    let spaced = expression.replace('(', " ( ").replace(')', " ) ");
    let mut tokens: Vec<String> = Vec::new();
    let mut words = spaced.split_whitespace().peekable();
    while let Some(word) = words.next() {
        // `X WITH exception` is one licence.
        if words.peek() == Some(&"WITH") {
            words.next();
            let exception = words.next().unwrap_or_default();
            tokens.push(format!("{word} WITH {exception}"));
        } else {
            tokens.push(word.to_string());
        }
    }
    tokens
}

type Tokens = std::iter::Peekable<std::vec::IntoIter<String>>;

fn parse_or(tokens: &mut Tokens) -> Vec<Vec<String>> {
    let mut result = parse_and(tokens);
    while tokens.peek().is_some_and(|t| t == "OR") {
        tokens.next();
        result.extend(parse_and(tokens));
    }
    result
}

fn parse_and(tokens: &mut Tokens) -> Vec<Vec<String>> {
    let mut result = parse_atom(tokens);
    while tokens.peek().is_some_and(|t| t == "AND") {
        tokens.next();
        let right = parse_atom(tokens);
        result = result
            .iter()
            .flat_map(|left| {
                right
                    .iter()
                    .map(move |r| left.iter().chain(r).cloned().collect::<Vec<_>>())
            })
            .collect();
    }
    result
}

fn parse_atom(tokens: &mut Tokens) -> Vec<Vec<String>> {
    match tokens.next() {
        Some(open) if open == "(" => {
            let inner = parse_or(tokens);
            tokens.next(); // the closing parenthesis
            inner
        }
        Some(licence) => vec![vec![licence]],
        None => vec![vec![String::new()]],
    }
}
