//! XLSX: an Excel workbook with one worksheet per sheet (hits with their citations, cross-tab
//! matrices, key terms), headings in bold and frozen, counts and measures as numbers.

use rust_xlsxwriter::{Format as CellFormat, Workbook, Worksheet, XlsxError};

use crate::sheet::{Sheet, Value};
use crate::{Error, Format, Result};

/// Longest text Excel keeps in one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Width of columns of long text (passages), in characters; they wrap.
const TEXT_COLUMN_WIDTH: f64 = 80.0;

/// A workbook of `sheets`, as the bytes of an `.xlsx` file.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    for sheet in sheets {
        write_sheet(workbook.add_worksheet(), sheet).map_err(write_error)?;
    }
    workbook.save_to_buffer().map_err(write_error)
}

fn write_sheet(worksheet: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    worksheet.set_name(sheet.name)?;
    let bold = CellFormat::new().set_bold();
    for (column, heading) in (0u16..).zip(&sheet.columns) {
        worksheet.write_string_with_format(0, column, heading, &bold)?;
    }
    for (row, values) in (1u32..).zip(&sheet.rows) {
        for (column, value) in (0u16..).zip(values) {
            match value {
                Value::Text(text) => {
                    worksheet.write_string(row, column, cell_text(text))?;
                }
                Value::Count(count) => {
                    worksheet.write_number(row, column, *count as f64)?;
                }
                Value::Number(number) => {
                    worksheet.write_number(row, column, *number)?;
                }
            };
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    worksheet.autofit();
    let wrap = CellFormat::new().set_text_wrap();
    for (column, heading) in (0u16..).zip(&sheet.columns) {
        if heading == "text" {
            worksheet.set_column_width(column, TEXT_COLUMN_WIDTH)?;
            worksheet.set_column_format(column, &wrap)?;
        }
    }
    Ok(())
}

/// Text cut to what a cell holds.
fn cell_text(text: &str) -> String {
    text.chars().take(MAX_CELL_CHARS).collect()
}

fn write_error(error: XlsxError) -> Error {
    Error::Write {
        format: Format::Xlsx,
        reason: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx};

    use super::*;
    use crate::sheet;

    #[test]
    fn hits_read_back_with_an_independent_reader() {
        let hit = crate::sample_hit();
        let bytes = workbook(&[sheet::hits(std::slice::from_ref(&hit))]).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["Hits"]);
        let range = book.worksheet_range("Hits").unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        assert_eq!(rows[0][0], Data::String("citation".into()));
        assert_eq!(rows[1][0], Data::String(hit.passage.citation.clone()));
        assert_eq!(rows[1][6], Data::Float(42.0));
        assert_eq!(rows[1][13], Data::String(hit.passage.text));
    }
}
