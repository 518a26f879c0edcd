//! Query-string parameters of the list endpoints, read and checked at the edge: every bad value
//! is reported at once in the API error body (422, one entry per parameter in `fields`). Each
//! list endpoint describes its parameters once ([`QueryParams`]); the same description feeds the
//! parser and the OpenAPI document.

use std::fmt::Display;
use std::ops::Deref;
use std::str::FromStr;

use chrono::NaiveDate;
use salvo::extract::{Extractible, Metadata};
use salvo::oapi::{
    BasicType, Components, EndpointArgRegister, KnownFormat, Object, Operation, Parameter,
    ParameterIn, SchemaFormat,
};
use salvo::{Depot, Request};

use crate::error::WebError;
use domain::FieldErrors;

/// The query parameters of one endpoint.
pub trait QueryParams: Sized + Send {
    /// Reads the parameters; problems go into the reader's errors.
    fn read(q: &mut QueryReader<'_>) -> Self;
    /// The parameters for the OpenAPI document.
    fn document() -> Vec<Parameter>;
}

/// An endpoint argument holding its checked query parameters.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<'ex, T: QueryParams> Extractible<'ex> for Query<T> {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[expect(
        refining_impl_trait,
        reason = "salvo calls this through the trait; naming WebError here keeps the error type visible"
    )]
    async fn extract(req: &'ex mut Request, _depot: &'ex mut Depot) -> Result<Self, WebError> {
        let mut reader = QueryReader {
            req,
            errors: FieldErrors::new(),
        };
        let value = T::read(&mut reader);
        if reader.errors.is_empty() {
            Ok(Query(value))
        } else {
            Err(WebError::Validation {
                message: "Parameter pencarian belum benar".to_owned(),
                fields: reader.errors,
            })
        }
    }
}

impl<T: QueryParams> EndpointArgRegister for Query<T> {
    fn register(_components: &mut Components, operation: &mut Operation, _arg: &str) {
        for parameter in T::document() {
            operation.parameters.insert(parameter);
        }
    }
}

/// Reads typed values out of the query string, collecting one message per bad parameter.
/// An empty value (`?status=`) counts as absent, as forms send it.
pub struct QueryReader<'a> {
    req: &'a Request,
    pub errors: FieldErrors,
}

impl QueryReader<'_> {
    fn raw(&self, name: &str) -> Option<&str> {
        self.req
            .queries()
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn fail(&mut self, name: &str, message: impl Into<String>) {
        self.errors.insert(name.to_owned(), message.into());
    }

    /// A whole number within `min..=max`.
    pub fn int<N>(&mut self, name: &str, min: N, max: N) -> Option<N>
    where
        N: FromStr + PartialOrd + Display + Copy,
    {
        let raw = self.raw(name)?;
        match raw.parse::<N>() {
            Ok(n) if n >= min && n <= max => Some(n),
            _ => {
                self.fail(name, format!("harus angka bulat {min} sampai {max}"));
                None
            }
        }
    }

    /// Free text of at most `max_chars` characters.
    pub fn text(&mut self, name: &str, max_chars: usize) -> Option<String> {
        let raw = self.raw(name)?.to_owned();
        if raw.chars().count() > max_chars {
            self.fail(name, format!("maksimal {max_chars} karakter"));
            return None;
        }
        Some(raw)
    }

    /// One of a fixed set of codes (case-insensitive), e.g. a status.
    pub fn choice<T: FromStr>(&mut self, name: &str, choices: &[&str]) -> Option<T> {
        let raw = self.raw(name)?.to_ascii_uppercase();
        match raw.parse::<T>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.fail(
                    name,
                    format!("pilihan tidak dikenal; yang boleh: {}", choices.join(", ")),
                );
                None
            }
        }
    }

    /// A date `YYYY-MM-DD`.
    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        let raw = self.raw(name)?;
        match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.fail(name, "tanggal harus berformat YYYY-MM-DD");
                None
            }
        }
    }
}

/// `name`: an optional query parameter with its description and schema.
fn param(name: &str, description: &str, schema: Object) -> Parameter {
    Parameter::new(name)
        .location(ParameterIn::Query)
        .required(false)
        .description(description)
        .schema(schema)
}

pub fn int_param(name: &str, description: &str, min: i64, max: i64) -> Parameter {
    param(
        name,
        description,
        Object::with_type(BasicType::Integer)
            .format(SchemaFormat::KnownFormat(KnownFormat::Int64))
            .minimum(min)
            .maximum(max),
    )
}

pub fn text_param(name: &str, description: &str, max_chars: usize) -> Parameter {
    param(
        name,
        description,
        Object::with_type(BasicType::String).max_length(max_chars),
    )
}

pub fn choice_param(name: &str, description: &str, choices: &[&str]) -> Parameter {
    param(
        name,
        description,
        Object::with_type(BasicType::String).enum_values(choices.iter().copied()),
    )
}

pub fn date_param(name: &str, description: &str) -> Parameter {
    param(
        name,
        description,
        Object::with_type(BasicType::String).format(SchemaFormat::KnownFormat(KnownFormat::Date)),
    )
}

/// The longest search text a list accepts.
pub const MAX_SEARCH_CHARS: usize = 100;
