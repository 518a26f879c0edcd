//! A file answered as a download: its bytes with their `Content-Type` and a
//! `Content-Disposition: attachment; filename="…"`, for reports, exports and documents, from
//! the pages and the API alike.

use salvo::Response;
use salvo::http::StatusCode;
use salvo::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, HeaderValue};
use salvo::oapi::{
    self, BasicType, Components, Content, EndpointOutRegister, KnownFormat, Object, Operation,
    SchemaFormat,
};
use salvo::writing::Scribe;

#[derive(Debug, Clone)]
pub struct Download {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The name as a quoted-string value: our names are ASCII already (`penjualan-bulanan-2026-11.pdf`),
/// anything else becomes `_` so no header can be split or spoofed.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "berkas".to_owned()
    } else {
        cleaned
    }
}

impl Scribe for Download {
    fn render(self, res: &mut Response) {
        let disposition = format!("attachment; filename=\"{}\"", safe_name(&self.file_name));
        res.status_code(StatusCode::OK);
        let headers = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&self.content_type) {
            headers.insert(CONTENT_TYPE, v);
        }
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            headers.insert(CONTENT_DISPOSITION, v);
        }
        // Reports hold the office's figures: no shared cache keeps a copy.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        let _ = res.write_body(self.bytes);
    }
}

impl EndpointOutRegister for Download {
    fn register(_components: &mut Components, operation: &mut Operation) {
        let binary = || {
            Object::with_type(BasicType::String)
                .format(SchemaFormat::KnownFormat(KnownFormat::Binary))
        };
        operation.responses.insert(
            "200",
            oapi::Response::new("The file, as an attachment")
                .add_content("application/pdf", Content::new(binary()))
                .add_content(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    Content::new(binary()),
                ),
        );
    }
}

/// Answers `doc` as an .xlsx download named after it.
pub fn xlsx(
    res: &mut Response,
    doc: &domain::report::doc::Document,
) -> Result<(), crate::error::WebError> {
    let bytes = render::xlsx(doc)
        .map_err(|e| crate::error::WebError::Internal(format!("Excel file: {e}")))?;
    res.render(Download {
        file_name: format!("{}.xlsx", doc.file_stem),
        content_type: domain::report::ReportFormat::Xlsx.content_type().to_owned(),
        bytes,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_break_the_header() {
        assert_eq!(
            safe_name("penjualan-bulanan-2026-11.pdf"),
            "penjualan-bulanan-2026-11.pdf"
        );
        assert_eq!(safe_name("a\"b\r\nc.pdf"), "a_b__c.pdf");
        assert_eq!(safe_name(""), "berkas");
    }
}
