//! The files the import tests upload, built the way users' files are: workbooks written by
//! rust_xlsxwriter (typed cells: numbers as numbers, dates as dates), CSV text, and an .ods
//! converted by LibreOffice; and the multipart upload of one to `POST /api/v1/imports`.

use std::process::Command;

use reqwest::Method;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use tests::api_client::{Answer, Api};

/// One cell of a test workbook.
#[derive(Debug, Clone)]
pub enum X {
    T(&'static str),
    S(String),
    N(f64),
    /// A real date cell (year, month, day).
    D(u16, u8, u8),
    Blank,
}

/// A workbook with one sheet of `rows` (the first is the header).
pub fn xlsx(rows: &[Vec<X>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).unwrap();
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap();
            match cell {
                X::T(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                X::S(s) => {
                    ws.write_string(r, c, s).unwrap();
                }
                X::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                X::D(y, m, d) => {
                    let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                }
                X::Blank => {}
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// CSV text as Excel writes it in an Indonesian locale (`;`), quoted where needed.
pub fn csv(rows: &[&[&str]]) -> Vec<u8> {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains([';', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    (*c).to_owned()
                }
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// The workbook saved by LibreOffice as `ext` (`ods`, `xls`), or `None` where `soffice` is not
/// installed.
pub fn converted(xlsx_bytes: &[u8], ext: &str) -> Option<Vec<u8>> {
    if Command::new("soffice").arg("--version").output().is_err() {
        return None;
    }
    let dir = std::env::temp_dir().join(format!(
        "dfresto-import-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("master.xlsx");
    std::fs::write(&file, xlsx_bytes).unwrap();
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        .args(["--headless", "--convert-to", ext, "--outdir"])
        .arg(&dir)
        .arg(&file)
        .output()
        .unwrap();
    let bytes = std::fs::read(dir.join(format!("master.{ext}"))).unwrap_or_else(|_| {
        panic!(
            "LibreOffice did not convert: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let _ = std::fs::remove_dir_all(&dir);
    Some(bytes)
}

/// A multipart/form-data body of text `fields` and one `file`; (content type, body).
pub fn multipart(fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "dfresto-test-boundary-7d1c";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads `bytes` as `user` for a preview, with extra form fields (column choices).
pub async fn upload_with(
    api: &Api,
    user: &str,
    kind: &str,
    file_name: &str,
    bytes: &[u8],
    extra: &[(&str, &str)],
) -> Answer {
    let mut fields = vec![("kind", kind)];
    fields.extend_from_slice(extra);
    let (content_type, body) = multipart(&fields, file_name, bytes);
    Api::send(
        api.request(Some(user), Method::POST, "/imports")
            .header("content-type", content_type)
            .body(body),
    )
    .await
}

pub async fn upload(api: &Api, user: &str, kind: &str, file_name: &str, bytes: &[u8]) -> Answer {
    upload_with(api, user, kind, file_name, bytes, &[]).await
}

/// Commits import `id` as `user` with `body`.
pub async fn commit(api: &Api, user: &str, id: &Value, body: Value) -> Answer {
    api.post(user, &format!("/imports/{id}/commit"), body).await
}

/// The error messages of a preview as `(row, column, message)`.
pub fn errors(preview: &Value) -> Vec<(i64, String, String)> {
    preview["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The preview row of the sheet's row `row`.
pub fn row(preview: &Value, row: i64) -> &Value {
    preview["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == row)
        .unwrap_or_else(|| panic!("no row {row} in {preview}"))
}
