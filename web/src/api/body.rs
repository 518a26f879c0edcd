//! The JSON request body of an endpoint, read and checked at the edge: malformed JSON, a missing
//! field or a value of the wrong type is answered with the API error body (422, the offending
//! field named in `fields`, e.g. `items[2].qty`) before any handler code runs, so nothing is
//! written. An empty body reads as `{}`, which makes bodies with only optional fields optional.

use std::ops::Deref;

use salvo::extract::{Extractible, Metadata};
use salvo::http::ParseError;
use salvo::oapi::{
    Components, Content, EndpointArgRegister, Operation, RequestBody, Required, ToSchema,
};
use salvo::{Depot, Request};
use serde::de::DeserializeOwned;

use crate::error::WebError;
use crate::input_guard::{MAX_TEXT_CHARS, is_multiline, text_problem};
use domain::FieldErrors;

/// The largest body read: room for an order at the line limit many times over, small enough
/// that a runaway client cannot make the server buffer much.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What a string holding a lone surrogate is told.
pub const NOT_TEXT: &str = "berisi surrogate tunggal (\\uD800–\\uDFFF), bukan teks yang sah";

/// The field name used for problems with the body as a whole.
pub const BODY_FIELD: &str = "body";

#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for ApiJson<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<'ex, T> Extractible<'ex> for ApiJson<T>
where
    T: DeserializeOwned + Send,
{
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[expect(
        refining_impl_trait,
        reason = "salvo calls this through the trait; naming WebError here keeps the error type visible"
    )]
    async fn extract(req: &'ex mut Request, _depot: &'ex mut Depot) -> Result<Self, WebError> {
        read(req).await.map(ApiJson)
    }
}

/// Reads the request's JSON body as a `T`: 415 when a body comes without
/// `Content-Type: application/json`, 422 per field otherwise (every string checked at the
/// edge: no control characters, bounded length). The body itself was read, within its size
/// and time limits, by `input_guard`.
pub async fn read<T: DeserializeOwned>(req: &mut Request) -> Result<T, WebError> {
    {
        let bytes = match req.payload_with_max_size(MAX_BODY_BYTES).await {
            Ok(bytes) => bytes.clone(),
            Err(ParseError::PayloadTooLarge) => {
                return Err(invalid(
                    BODY_FIELD,
                    format!(
                        "isi permintaan terlalu besar (maksimal {} KB)",
                        MAX_BODY_BYTES / 1024
                    ),
                ));
            }
            Err(e) => {
                return Err(WebError::BadRequest(format!(
                    "Isi permintaan tidak bisa dibaca: {e}"
                )));
            }
        };
        if !bytes.iter().all(u8::is_ascii_whitespace) && !is_json(req) {
            return Err(WebError::Refused {
                status: salvo::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code: "unsupported_media_type",
                message: "Isi permintaan harus JSON dengan Content-Type: application/json."
                    .to_owned(),
            });
        }
        parse(&bytes)
    }
}

fn is_json(req: &Request) -> bool {
    req.content_type().is_some_and(|m| {
        m.essence_str() == "application/json"
            || (m.type_() == "application" && m.suffix().is_some_and(|s| s == "json"))
    })
}

/// The first string in `value` (at `path`) that no field may hold, with what is wrong.
fn bad_text(value: &serde_json::Value, path: &mut String) -> Option<(String, String)> {
    match value {
        serde_json::Value::String(s) => text_problem(s, is_multiline(path), MAX_TEXT_CHARS)
            .map(|problem| (path.clone(), problem)),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = bad_text(item, path);
            path.truncate(len);
            found
        }),
        serde_json::Value::Object(map) => map.iter().find_map(|(key, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let found = text_problem(key, false, 200)
                .map(|problem| (path.clone(), format!("nama kolom {problem}")))
                .or_else(|| bad_text(item, path));
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

impl<T: ToSchema> EndpointArgRegister for ApiJson<T> {
    fn register(components: &mut Components, operation: &mut Operation, _arg: &str) {
        let schema = T::to_schema(components);
        operation.request_body = Some(
            RequestBody::new()
                .description("JSON (`Content-Type: application/json`)")
                .add_content("application/json", Content::new(schema))
                .required(Required::True),
        );
    }
}

/// Reads `bytes` as a `T`, or says which field is wrong, in words for people.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WebError> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    // serde would read a struct from an array too; a body is an object.
    if let Some(first) = bytes.iter().find(|b| !b.is_ascii_whitespace())
        && *first != b'{'
    {
        let what = if matches!(first, b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') {
            "harus berupa objek JSON"
        } else {
            return Err(invalid(BODY_FIELD, syntax_message_at(bytes)));
        };
        return Err(invalid(BODY_FIELD, what.to_owned()));
    }
    // Every string, whatever field it goes to, before the typed read (which would report a
    // wrong type first); a document that is not JSON is reported by the typed read below.
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => {
            if let Some((field, problem)) = bad_text(&value, &mut String::new()) {
                let field = if field.is_empty() {
                    BODY_FIELD.to_owned()
                } else {
                    field
                };
                return Err(invalid(&field, problem));
            }
        }
        // An unpaired `\ud800` escape is well-formed JSON text but no string can hold it.
        Err(e) if e.to_string().contains("surrogate") || e.to_string().contains("hex escape") => {
            return Err(invalid(BODY_FIELD, NOT_TEXT.to_owned()));
        }
        Err(_) => {}
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let (field, message) = explain(&e);
        invalid(&field, message)
    })?;
    // Trailing garbage after the document is malformed JSON too.
    de.end()
        .map_err(|e| invalid(BODY_FIELD, syntax_message(&e)))?;
    Ok(value)
}

/// The syntax error serde_json reports for `bytes`, which are known not to be JSON.
fn syntax_message_at(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Err(e) => syntax_message(&e),
        Ok(_) => "JSON tidak valid".to_owned(),
    }
}

fn syntax_message(e: &serde_json::Error) -> String {
    format!(
        "JSON tidak valid (baris {}, kolom {})",
        e.line(),
        e.column()
    )
}

fn invalid(field: &str, message: String) -> WebError {
    let mut fields = FieldErrors::new();
    fields.insert(field.to_owned(), message);
    WebError::Validation {
        message: "Data yang dikirim belum benar".to_owned(),
        fields,
    }
}

/// The field (`items[0].qty`, or `body` for the document as a whole) and the message.
fn explain(e: &serde_path_to_error::Error<serde_json::Error>) -> (String, String) {
    use serde_json::error::Category;
    let inner = e.inner();
    match inner.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            (BODY_FIELD.to_owned(), syntax_message(inner))
        }
        Category::Data => {
            let path = e.path().to_string();
            let at = if path == "." { String::new() } else { path };
            // serde's message ends with " at line L column C"; only the part before matters.
            let text = inner.to_string();
            let text = text
                .rsplit_once(" at line ")
                .map_or(text.as_str(), |(head, _)| head);
            if let Some(missing) = between(text, "missing field `", "`") {
                let field = if at.is_empty() {
                    missing.to_owned()
                } else {
                    format!("{at}.{missing}")
                };
                return (field, "wajib diisi".to_owned());
            }
            let field = if at.is_empty() {
                BODY_FIELD.to_owned()
            } else {
                at
            };
            (field, describe(text))
        }
    }
}

/// serde's "invalid type: string \"x\", expected i64" and friends, said in Bahasa Indonesia.
fn describe(text: &str) -> String {
    if let Some(rest) = text.strip_prefix("unknown variant ") {
        let choices = rest
            .split_once("expected one of ")
            .map(|(_, c)| c.replace('`', ""))
            .unwrap_or_default();
        return format!("pilihan tidak dikenal; yang boleh: {choices}");
    }
    if text.starts_with("invalid type") || text.starts_with("invalid value") {
        let expected = text.rsplit_once("expected ").map_or("", |(_, e)| e);
        return format!("harus berupa {}", expected_in_words(expected));
    }
    if text.starts_with("input contains invalid characters")
        || text.starts_with("premature end of input")
        || text.starts_with("input is out of range")
        || text.starts_with("trailing input")
        || text.starts_with("input is not enough")
    {
        // chrono's date parse errors
        return "tanggal harus berformat YYYY-MM-DD".to_owned();
    }
    format!("tidak valid ({text})")
}

fn expected_in_words(expected: &str) -> String {
    let e = expected.to_ascii_lowercase();
    let words = if [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "integer",
    ]
    .iter()
    .any(|t| e == *t || e.contains(&format!(" {t}")) || e.starts_with(t))
    {
        "angka bulat"
    } else if e.contains("date") {
        "tanggal berformat YYYY-MM-DD"
    } else if e.contains("string") {
        "teks"
    } else if e.contains("sequence") {
        "daftar (array JSON)"
    } else if e.contains("struct") || e.contains("map") {
        "objek JSON"
    } else if e.contains("bool") {
        "true atau false"
    } else {
        return format!("nilai yang sesuai ({expected})");
    };
    words.to_owned()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.split_once(start)?.1;
    Some(rest.split_once(end)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[expect(
        dead_code,
        reason = "only deserialized: the tests check what the parser refuses"
    )]
    struct Line {
        product_id: i64,
        qty: i64,
    }

    #[derive(Debug, Deserialize)]
    #[expect(
        dead_code,
        reason = "only deserialized: the tests check what the parser refuses"
    )]
    struct Body {
        items: Vec<Line>,
        #[serde(default)]
        note: String,
    }

    fn fields(body: &str) -> Vec<(String, String)> {
        match parse::<Body>(body.as_bytes()) {
            Err(WebError::Validation { fields, .. }) => fields.into_iter().collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn reads_a_good_body() {
        let body: Body = parse(br#"{"items":[{"product_id":1,"qty":2}],"note":"x"}"#).unwrap();
        assert_eq!(body.items.len(), 1);
    }

    #[test]
    fn names_the_field_that_is_wrong() {
        assert_eq!(
            fields(r#"{"items":[{"product_id":1,"qty":2},{"product_id":2,"qty":"abc"}]}"#),
            vec![(
                "items[1].qty".to_owned(),
                "harus berupa angka bulat".to_owned()
            )]
        );
        assert_eq!(
            fields(r#"{"items":[{"product_id":1,"qty":1.5}]}"#),
            vec![(
                "items[0].qty".to_owned(),
                "harus berupa angka bulat".to_owned()
            )]
        );
        assert_eq!(
            fields(r#"{"items":[{"product_id":1}]}"#),
            vec![("items[0].qty".to_owned(), "wajib diisi".to_owned())]
        );
        assert_eq!(
            fields(r#"{"note":"x"}"#),
            vec![("items".to_owned(), "wajib diisi".to_owned())]
        );
        assert_eq!(
            fields(r#"{"items":{}}"#),
            vec![(
                "items".to_owned(),
                "harus berupa daftar (array JSON)".to_owned()
            )]
        );
        assert_eq!(
            fields(r#"[1,2]"#),
            vec![("body".to_owned(), "harus berupa objek JSON".to_owned())]
        );
    }

    #[test]
    fn malformed_json_is_a_body_error() {
        let got = fields(r#"{"items": [}"#);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "body");
        assert!(got[0].1.starts_with("JSON tidak valid"), "{got:?}");
        assert_eq!(fields(r#"{"items":[]} x"#)[0].0, "body");
    }

    #[test]
    fn an_empty_body_is_an_empty_object() {
        assert_eq!(
            fields("  "),
            vec![("items".to_owned(), "wajib diisi".to_owned())]
        );
    }
}
