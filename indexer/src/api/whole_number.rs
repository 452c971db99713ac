//! Whole numbers in JSON bodies as JSON Schema counts them: `20` and `20.0` alike (a number with
//! no fractional part is an integer there), so a client that writes every number as a float, as
//! JavaScript and many generators do, is not refused for writing `20.0`.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{Error, Unexpected, Visitor};

/// Reads a whole number into `T`, from an integer or from a float with no fractional part.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i128>,
{
    deserializer.deserialize_any(WholeNumber(PhantomData))
}

/// Like [`deserialize`], for an optional number (`null` or absent is `None`).
pub fn deserialize_option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i128>,
{
    struct Optional<T>(PhantomData<T>);

    impl<'de, T: TryFrom<i128>> Visitor<'de> for Optional<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number or null")
        }

        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            deserialize(d).map(Some)
        }
    }

    deserializer.deserialize_option(Optional(PhantomData))
}

struct WholeNumber<T>(PhantomData<T>);

impl<T: TryFrom<i128>> WholeNumber<T> {
    fn fit<E: Error>(value: i128, unexpected: Unexpected<'_>) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::invalid_value(unexpected, &"a whole number in range"))
    }
}

impl<'de, T: TryFrom<i128>> Visitor<'de> for WholeNumber<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<T, E> {
        Self::fit(i128::from(value), Unexpected::Signed(value))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<T, E> {
        Self::fit(i128::from(value), Unexpected::Unsigned(value))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<T, E> {
        let unexpected = Unexpected::Float(value);
        // Beyond 2^53 a float holds no exact whole number worth reading.
        if value.fract() != 0.0 || !value.is_finite() || value.abs() > 9_007_199_254_740_992.0 {
            return Err(E::invalid_value(unexpected, &self));
        }
        Self::fit(value as i128, unexpected)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Count {
        #[serde(deserialize_with = "super::deserialize")]
        n: usize,
        #[serde(default, deserialize_with = "super::deserialize_option")]
        year: Option<i32>,
    }

    #[test]
    fn integral_floats_are_whole_numbers() {
        let read = |json: &str| serde_json::from_str::<Count>(json).map(|c| (c.n, c.year));
        assert_eq!(read(r#"{"n": 20}"#).unwrap(), (20, None));
        assert_eq!(
            read(r#"{"n": 812.0, "year": 2019.0}"#).unwrap(),
            (812, Some(2019))
        );
        assert_eq!(read(r#"{"n": 1, "year": null}"#).unwrap(), (1, None));
        for bad in [
            r#"{"n": 1.5}"#,
            r#"{"n": -1}"#,
            r#"{"n": -1.0}"#,
            r#"{"n": "1"}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
        assert!(read(r#"{"n": 1, "year": 3e9}"#).is_err());
    }
}
