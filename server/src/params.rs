//! Path segments turned into the values the engine takes, with errors that name the segment.
//!
//! Query strings are read by the API's own codec ([`indexer::api::QueryForm`]); only what is
//! peculiar to HTTP paths lives here.

use indexer::api::FacetField;

use crate::error::ApiError;

/// A passage number from the path: a whole number from 1.
pub fn passage_number(raw: &str) -> Result<u32, ApiError> {
    raw.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
        ApiError::invalid_value(
            "n",
            format!("{raw:?} is not a passage number"),
            "passages are numbered from 1; see GET /v1/documents/{id} for a document's passages",
        )
    })
}

/// A facet field from the path, e.g. `role` or `attr.gender`.
pub fn facet_field(raw: &str) -> Result<FacetField, ApiError> {
    raw.parse::<FacetField>().map_err(|error| match error {
        indexer::Error::InvalidValue { reason, hint, .. } => ApiError::invalid_value(
            "field",
            reason,
            hint.unwrap_or_else(|| "see /openapi.json for the facet fields".into()),
        ),
        other => ApiError::from(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn error_message(result: Result<impl std::fmt::Debug, ApiError>) -> String {
        match result {
            Ok(value) => panic!("expected an error, got {value:?}"),
            Err(error) => {
                assert_eq!(error.code(), ErrorCode::InvalidFieldValue, "{error:?}");
                format!("{error:?}")
            }
        }
    }

    #[test]
    fn path_values() {
        assert_eq!(passage_number("42").unwrap(), 42);
        assert!(error_message(passage_number("0")).contains("n:"));
        assert!(error_message(passage_number("../1")).contains("n:"));
        assert!(error_message(facet_field("colour")).contains("field:"));
    }
}
