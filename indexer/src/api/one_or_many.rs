//! [`OneOrMany`]: a list that may also be written as its one value, `"GP"` or `["GP", "manager"]`,
//! in JSON bodies and in batch files alike.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{IntoDeserializer, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A list whose single value may be written bare. Each value is read as `T` reads it, so a bad
/// one gets `T`'s own error (which kinds exist, say) rather than a generic "did not match".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> OneOrMany<T> {
    /// Reads a `Vec<T>` field that accepts one value or a list
    /// (`#[serde(deserialize_with = "OneOrMany::deserialize_vec")]`).
    pub fn deserialize_vec<'de, D>(deserializer: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        OneOrMany::deserialize(deserializer).map(|values| values.0)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

struct OneOrManyVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
    type Value = OneOrMany<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a list of strings")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        T::deserialize(value.into_deserializer()).map(|one| OneOrMany(vec![one]))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(value) = seq.next_element()? {
            values.push(value);
        }
        Ok(OneOrMany(values))
    }
}

#[cfg(feature = "openapi")]
impl<T: utoipa::PartialSchema> OneOrMany<T> {
    /// The schema of such a field: `T`, or a list of `T`.
    pub fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, OneOfBuilder};
        OneOfBuilder::new()
            .item(T::schema())
            .item(ArrayBuilder::new().items(T::schema()))
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn one_value_or_a_list() {
        let one: OneOrMany<String> = serde_json::from_str(r#""GP""#).unwrap();
        assert_eq!(one.0, ["GP"]);
        let many: OneOrMany<Kind> = serde_json::from_str(r#"["article", "report"]"#).unwrap();
        assert_eq!(many.0, [Kind::Article, Kind::Report]);
        let err = serde_json::from_str::<OneOrMany<Kind>>(r#""memo""#).unwrap_err();
        assert!(err.to_string().contains("unknown variant `memo`"), "{err}");
        assert!(serde_json::from_str::<OneOrMany<String>>("3").is_err());
    }
}
