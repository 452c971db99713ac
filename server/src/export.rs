//! Answers in other formats than JSON: the format a request asks for (`?format=xlsx`, or an
//! `Accept` header naming one media type the answer comes in), and the file response with its
//! content type and `Content-Disposition`. The files themselves are written by the `render`
//! crate, as the CLI writes them.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use render::Format;
use serde::Serialize;

use crate::error::ApiError;
use crate::extract::Json;

/// The query-string parameter that names the format.
pub const FORMAT_PARAM: &str = "format";

/// The format asked for: the `format` parameter (taken out of `pairs`) when given, else the
/// first media type of the `Accept` header that is one of `accepted`, else JSON.
pub fn negotiate(
    pairs: &mut Vec<(String, String)>,
    headers: &HeaderMap,
    accepted: &[Format],
) -> Result<Format, ApiError> {
    let (named, rest): (Vec<_>, Vec<_>) = std::mem::take(pairs)
        .into_iter()
        .partition(|(name, _)| name == FORMAT_PARAM);
    *pairs = rest;
    let names = || {
        accepted
            .iter()
            .map(|format| format.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match named.as_slice() {
        [] => Ok(from_accept(headers, accepted)),
        [(_, value)] => accepted
            .iter()
            .copied()
            .find(|format| format.as_str() == value)
            .ok_or_else(|| {
                ApiError::invalid_value(
                    FORMAT_PARAM,
                    format!("{value:?} is not a format of this answer"),
                    format!("use one of: {}", names()),
                )
            }),
        many => Err(ApiError::invalid_value(
            FORMAT_PARAM,
            format!("given {} times", many.len()),
            format!("give `format` once: one of {}", names()),
        )),
    }
}

fn from_accept(headers: &HeaderMap, accepted: &[Format]) -> Format {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(Format::from_media_type)
        .find(|format| accepted.contains(format))
        .unwrap_or(Format::Json)
}

/// The answer in `format`: JSON as every other route answers, other formats as a file named
/// `verbatim-NAME.EXT`, written by `write`.
pub fn respond<T: Serialize>(
    format: Format,
    name: &str,
    answer: T,
    write: impl FnOnce(Format, &T) -> render::Result<Vec<u8>>,
) -> Result<Response, ApiError> {
    if format == Format::Json {
        return Ok(Json(answer).into_response());
    }
    let bytes = write(format, &answer).map_err(|error| ApiError::internal(error.to_string()))?;
    let disposition = format!("attachment; filename=\"verbatim-{name}.{format}\"");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_parameter_wins_and_is_taken_out() {
        let mut query = pairs(&[("q", "trust"), ("format", "csv")]);
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("text/markdown"));
        let format = negotiate(&mut query, &headers, &render::SEARCH_FORMATS).unwrap();
        assert_eq!(format, Format::Csv);
        assert_eq!(query, pairs(&[("q", "trust")]));
        assert_eq!(
            negotiate(&mut Vec::new(), &headers, &render::SEARCH_FORMATS).unwrap(),
            Format::Md
        );
    }

    #[test]
    fn unknown_formats_name_the_parameter_and_other_accept_headers_mean_json() {
        let error = negotiate(
            &mut pairs(&[("format", "docx")]),
            &HeaderMap::new(),
            &render::TABLE_FORMATS,
        )
        .unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidFieldValue);
        assert!(format!("{error:?}").contains("format: "), "{error:?}");
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("text/html, */*"));
        assert_eq!(
            negotiate(&mut Vec::new(), &headers, &render::TABLE_FORMATS).unwrap(),
            Format::Json
        );
    }
}
