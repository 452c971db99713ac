//! OpenAPI schemas of the API's values, built from the same definitions the codec reads with, so
//! the document says exactly what is accepted: the closed sets, the blanks counted as absent, the
//! case-insensitive names, the whitespace trimmed, and the attributes of the index being served.
//!
//! Functions taking `attributes` describe one index (`Some(columns of its participants sheet)`) or
//! any index (`None`: any attribute name).

use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder,
    Schema, SchemaFormat, Type,
};
use utoipa::openapi::{RefOr, Required};
use utoipa::{PartialSchema, ToSchema};

use crate::api::{
    ATTR_PREFIX, FacetField, MAX_QUERY_CHARS, NameSet, OneOrMany, Param, ParamShape, YearRange,
};

/// The characters `str::trim` removes (Unicode White_Space), as a regular-expression class.
const TRIMMED: &str = r"[\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

/// A year as `i32` parses it, kept to nine significant digits so that it cannot overflow.
const YEAR: &str = r"[+-]?0*[0-9]{1,9}";

/// The query parameters of a `GET` route, from its codec's parameter list.
pub fn query_parameters(params: &[Param], attributes: Option<&[String]>) -> Vec<Parameter> {
    params
        .iter()
        .flat_map(|param| match param.shape {
            ParamShape::Attribute => attribute_names(attributes)
                .into_iter()
                .map(|name| {
                    let name = format!("{ATTR_PREFIX}{name}");
                    parameter(&name, param.description, list_of(text()))
                })
                .collect(),
            shape => vec![parameter(
                param.name,
                param.description,
                shape_schema(shape, attributes),
            )],
        })
        .collect()
}

/// The attribute names to document: the index's, or the placeholder `NAME` for any index.
fn attribute_names(attributes: Option<&[String]>) -> Vec<String> {
    attributes.map_or_else(|| vec!["NAME".to_string()], <[String]>::to_vec)
}

fn parameter(name: &str, description: &str, schema: RefOr<Schema>) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .style(Some(ParameterStyle::Form))
        .explode(Some(true))
        .schema(Some(schema))
        .build()
}

fn shape_schema(shape: ParamShape, attributes: Option<&[String]>) -> RefOr<Schema> {
    match shape {
        ParamShape::Text => ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX_QUERY_CHARS))
            .into(),
        ParamShape::Values => list_of(text()),
        ParamShape::Names(set) => list_of(
            pattern(&format!(
                "^{item}(?:,{item})*$",
                item = format!(
                    "{TRIMMED}*(?:{})?{TRIMMED}*",
                    names_pattern(set, attributes)
                )
            ))
            .into(),
        ),
        ParamShape::Choice(set) => blank_or(&names_pattern(set, None)).into(),
        ParamShape::Count { max } => AnyOfBuilder::new()
            .item(count(max))
            .item(blank_or(""))
            .into(),
        ParamShape::Flag => AnyOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Boolean))
            .item(blank_or(&one_of_words(&[
                "true", "false", "1", "0", "yes", "no", "on", "off",
            ])))
            .into(),
        ParamShape::Years => blank_or(&year_range_pattern()).into(),
        ParamShape::Attribute => list_of(text()),
    }
}

fn text() -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).into()
}

fn list_of(item: RefOr<Schema>) -> RefOr<Schema> {
    ArrayBuilder::new().items(item).into()
}

fn count(max: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .maximum(Some(max as f64))
}

fn pattern(regex: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(regex))
}

/// Text matching `body` with surrounding whitespace, or blank (which counts as absent).
fn blank_or(body: &str) -> ObjectBuilder {
    if body.is_empty() {
        pattern(&format!("^{TRIMMED}*$"))
    } else {
        pattern(&format!("^{TRIMMED}*(?:{body})?{TRIMMED}*$"))
    }
}

/// The names of a closed set as a case-insensitive alternation, without anchors.
fn names_pattern(set: NameSet, attributes: Option<&[String]>) -> String {
    match set {
        NameSet::Langs => format!("(?:{})(?:[-_][^,]*)?", one_of_words(&set.names())),
        NameSet::FacetFields => {
            format!(
                "{}|{}{TRIMMED}*(?:{}){TRIMMED}*",
                one_of_words(&set.names()),
                regex_escape(ATTR_PREFIX),
                attribute_name_pattern(attributes)
            )
        }
        set => one_of_words(&set.names()),
    }
}

/// An attribute name as the engine resolves it: case-insensitive, a space for an underscore.
fn attribute_name_pattern(attributes: Option<&[String]>) -> String {
    match attributes {
        // Any name that is not blank.
        None => "[^\\s]|[^\\s].*[^\\s]".to_string(),
        // No column at all: nothing can match.
        Some([]) => "[^\\s\\S]".to_string(),
        Some(names) => names
            .iter()
            .map(|name| {
                name.chars()
                    .map(|c| match c {
                        '_' => "[_ ]".to_string(),
                        c if c.is_ascii_alphabetic() => {
                            format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
                        }
                        c => regex_escape(&c.to_string()),
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("|"),
    }
}

/// `words` as an alternation that ignores ASCII case.
fn one_of_words(words: &[impl AsRef<str>]) -> String {
    words
        .iter()
        .map(|word| {
            word.as_ref()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
                    } else {
                        regex_escape(&c.to_string())
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if r"\^$.|?*+()[]{}".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// [`YearRange`]'s text form: one year, or a range with at least one end.
fn year_range_pattern() -> String {
    let year = format!("{TRIMMED}*{YEAR}{TRIMMED}*");
    let open = format!("{TRIMMED}*");
    format!("{year}|{year}\\.\\.{open}|{open}\\.\\.{year}|{year}\\.\\.{year}")
}

/// A facet field: a fixed field or `attr.NAME`, as the codec reads it (case and surrounding
/// whitespace ignored).
pub fn facet_field_schema(attributes: Option<&[String]>) -> Schema {
    pattern(&format!(
        "^{TRIMMED}*(?:{}){TRIMMED}*$",
        names_pattern(NameSet::FacetFields, attributes)
    ))
    .description(Some(
        "role, role_group, site, kind, lang, speaker, doc, year, or attr.NAME for a column of \
         the participants sheet",
    ))
    .into()
}

/// `filters.attr`: values (one or a list) by attribute name.
pub fn attribute_filters_schema_for(attributes: Option<&[String]>) -> Schema {
    let values = OneOrMany::<String>::schema();
    let object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "Participant attributes by column of the participants sheet: a value or a list (any-of)",
        ));
    match attributes {
        None => object.additional_properties(Some(values)).into(),
        Some(names) => names
            .iter()
            .fold(object, |object, name| object.property(name, values.clone()))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .into(),
    }
}

/// `filters.attr` for any index.
pub(crate) fn attribute_filters_schema() -> Schema {
    attribute_filters_schema_for(None)
}

impl PartialSchema for FacetField {
    fn schema() -> RefOr<Schema> {
        facet_field_schema(None).into()
    }
}

impl ToSchema for FacetField {}

impl PartialSchema for YearRange {
    fn schema() -> RefOr<Schema> {
        let year = || {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        };
        let nullable_year = || {
            ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                    Type::Integer,
                    Type::Null,
                ]))
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        };
        // At least one end must be a year; `null` leaves an end open.
        let bounded_by = |end: &str| {
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property(end, year())
                .required(end)
        };
        let object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property(
                "from",
                nullable_year().description(Some("First year included")),
            )
            .property(
                "to",
                nullable_year().description(Some("Last year included")),
            )
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        let object: Schema = Schema::AllOf(
            utoipa::openapi::schema::AllOfBuilder::new()
                .item(object)
                .item(
                    AnyOfBuilder::new()
                        .item(bounded_by("from"))
                        .item(bounded_by("to")),
                )
                .build(),
        );
        OneOfBuilder::new()
            .description(Some(
                "Years of the document's date, both ends inclusive (`from` not after `to`): a year, \
                 the text 2019, 2015..2019, 2015.. or ..2019, or {\"from\", \"to\"}",
            ))
            .item(year())
            .item(pattern(&format!("^(?:{})$", year_range_pattern())))
            .item(object)
            .into()
    }
}

impl ToSchema for YearRange {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{QueryForm, SearchRequest};

    #[test]
    fn every_parameter_is_documented_once() {
        let documented: Vec<String> = query_parameters(&SearchRequest::params(), None)
            .into_iter()
            .map(|parameter| parameter.name)
            .collect();
        let listed: Vec<String> = SearchRequest::params()
            .iter()
            .map(|param| param.name.to_string())
            .collect();
        assert_eq!(documented, listed);
        let gender = ["gender".to_string()];
        let named = query_parameters(&SearchRequest::params(), Some(&gender));
        assert_eq!(named.last().map(|p| p.name.as_str()), Some("attr.gender"));
    }

    #[test]
    fn names_ignore_case_and_languages_take_regional_tags() {
        assert_eq!(
            one_of_words(&["doc", "role_group"]),
            "[Dd][Oo][Cc]|[Rr][Oo][Ll][Ee]_[Gg][Rr][Oo][Uu][Pp]"
        );
        assert!(names_pattern(NameSet::Langs, None).ends_with("(?:[-_][^,]*)?"));
        assert_eq!(
            attribute_name_pattern(Some(&["years_in_post".to_string()])),
            "[Yy][Ee][Aa][Rr][Ss][_ ][Ii][Nn][_ ][Pp][Oo][Ss][Tt]"
        );
    }
}
