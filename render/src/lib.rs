//! Renders a [`domain::report::doc::Document`] twice: as a PDF and as an Excel workbook, from
//! the same value, so both files carry the same figures.
