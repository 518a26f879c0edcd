//! Will render a [`domain::report::doc::Document`] twice, as a PDF (printpdf) and as an Excel
//! workbook (rust_xlsxwriter), from the same value so both files carry the same figures. Empty
//! until issue 11's renderers land; the crate exists so the dependency stays out of `web`.
