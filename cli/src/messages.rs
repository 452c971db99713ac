//! Engine errors as messages for the user: what is wrong, then on its own line what to do next.

/// An engine error as one message, its hint on a line of its own.
pub fn explain(error: &indexer::Error) -> String {
    let hint = match error {
        indexer::Error::Query { hint, .. } | indexer::Error::InvalidValue { hint, .. } => {
            hint.as_deref()
        }
        _ => None,
    };
    match hint {
        Some(hint) => format!("{error}\n  hint: {hint}"),
        None => error.to_string(),
    }
}

/// Says on stderr (the results stay on stdout) each filter value the corpus does not hold, with
/// the values it does: why a search by it finds nothing.
pub fn warn_unknown_values(unknown: &[indexer::api::UnknownValue]) {
    for value in unknown {
        eprintln!("verbatim: warning: {}", render::words::unknown_value(value));
    }
}

/// An engine error as an error for the command's caller.
pub fn engine_error(error: indexer::Error) -> anyhow::Error {
    anyhow::anyhow!(explain(&error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_go_on_their_own_line() {
        let error = indexer::Error::invalid_value("kind", "memo", "interview, article");
        assert_eq!(
            explain(&error),
            "kind: \"memo\" is not a valid value\n  hint: use one of: interview, article"
        );
    }
}
