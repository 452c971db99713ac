//! Request and response types of the hit-set routes (`/v1/sets`), shared by the server and the
//! CLI's `verbatim set` as every other API type is.

use serde::{Deserialize, Serialize};

use crate::api::Filters;
use crate::sets::{Excerpt, HitSet, PassageRef, Rerun, SetName, Unit};

/// A new set from a search: its name, the search, and what it is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateSetRequest {
    /// The set's name: letters, digits, spaces, `-`, `_`, `.`; no `/` or `..`.
    #[cfg_attr(feature = "openapi", schema(schema_with = set_name_schema))]
    pub name: SetName,
    /// Query text.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4096))]
    pub q: String,
    /// Filters, as in a search.
    #[serde(default)]
    pub filters: Filters,
    /// What the set is for.
    #[serde(default)]
    pub description: String,
}

/// Changes to a set's review: what to drop, what to add by hand, how far to widen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateSetRequest {
    /// A new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new unit: `passage`, `turn` or `context=N` (N from 1 to 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^(passage|turn|context=([1-9]|1[0-9]|20))$"))]
    pub unit: Option<Unit>,
    /// Passages (`DOC#N`) to drop from the set as false positives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(schema_with = passage_refs_schema))]
    pub drop: Vec<PassageRef>,
    /// Passages (`DOC#N`) to add by hand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(schema_with = passage_refs_schema))]
    pub add: Vec<PassageRef>,
}

/// A set with its passages widened to its unit on today's index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetDetail {
    /// The set's name.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub name: SetName,
    /// The set as its file holds it.
    pub set: HitSet,
    /// Its passages widened to its unit, in corpus order.
    pub excerpts: Vec<Excerpt>,
}

/// Whether a re-run takes its changes into the set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RerunRequest {
    /// Take every change into the set (new matches added, changed passages updated, lost and gone
    /// ones left out) and save it.
    #[serde(default)]
    pub accept: bool,
}

/// What a re-run found, and whether the set now holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RerunResponse {
    /// The set's name.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub name: SetName,
    /// The changes between the set and its query's answer today.
    pub changes: Rerun,
    /// Whether the changes were taken into the set.
    pub accepted: bool,
}

/// A list of `DOC#N` passages: a document id, `#`, and a passage number from 1.
#[cfg(feature = "openapi")]
fn passage_refs_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(crate::sets::PASSAGE_REF_PATTERN))
                .examples(["interview-9#2"]),
        )
        .build()
}

/// A set's name, as [`SetName`] allows it.
#[cfg(feature = "openapi")]
pub fn set_name_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(crate::sets::NAME_PATTERN))
        .examples(["trust-gp"])
        .build()
}
