//! CSV: RFC 4180 with a header row, one record per hit (or per facet value, per participant, per
//! cross-tab cell, per key term), for spreadsheets and qualitative-analysis tools.

use std::collections::BTreeSet;
use std::io::{self, Write};

use indexer::api::{DocumentInfo, FacetCount, FacetField, Hit, ParticipantInfo};

use crate::Appendix;
use crate::sheet::{self, Sheet, Value};

/// Writes one record per hit under a header row.
pub fn write_hits(out: &mut impl Write, hits: &[Hit]) -> io::Result<()> {
    write_sheet(out, &sheet::hits(hits))
}

/// Writes one record per quote of every section, the section heading first.
pub fn write_appendix(out: &mut impl Write, appendix: &Appendix) -> io::Result<()> {
    write_sheet(out, &sheet::appendix(appendix))
}

/// Writes a sheet: its column headings, then one record per row.
pub fn write_sheet(out: &mut impl Write, sheet: &Sheet) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(&sheet.columns)?;
    for row in &sheet.rows {
        writer.write_record(row.iter().map(Value::text))?;
    }
    writer.flush()
}

/// Writes `field,value,count,participants,of` records, fields in the order given.
pub fn write_facets(
    out: &mut impl Write,
    fields: &[(FacetField, Vec<FacetCount>)],
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["field", "value", "count", "participants", "of"])?;
    for (field, values) in fields {
        for value in values {
            writer.write_record([
                field.to_string(),
                value.value.clone(),
                value.count.to_string(),
                value.participants.to_string(),
                value.of.to_string(),
            ])?;
        }
    }
    writer.flush()
}

/// Writes one record per participant; every attribute any participant has becomes a column.
pub fn write_participants(
    out: &mut impl Write,
    participants: &[ParticipantInfo],
) -> io::Result<()> {
    let attr_names: BTreeSet<&str> = participants
        .iter()
        .flat_map(|p| p.attrs.keys().map(String::as_str))
        .collect();
    let mut writer = csv::Writer::from_writer(out);
    let fixed = ["id", "role", "role_group", "site", "passages"];
    writer.write_record(fixed.iter().copied().chain(attr_names.iter().copied()))?;
    for p in participants {
        let mut record = vec![
            p.id.clone(),
            text(&p.role),
            text(&p.role_group),
            text(&p.site),
            p.passages.to_string(),
        ];
        record.extend(
            attr_names
                .iter()
                .map(|name| p.attrs.get(*name).cloned().unwrap_or_default()),
        );
        writer.write_record(record)?;
    }
    writer.flush()
}

/// Writes one record per document: id, kind, language, date, passages, title, source, file.
pub fn write_documents(out: &mut impl Write, documents: &[DocumentInfo]) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "id", "kind", "lang", "date", "passages", "title", "source", "file",
    ])?;
    for d in documents {
        writer.write_record([
            d.id.clone(),
            d.kind.to_string(),
            d.lang.to_string(),
            text(&d.date),
            d.passages.to_string(),
            d.title.clone(),
            text(&d.source),
            d.file.clone(),
        ])?;
    }
    writer.flush()
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn participants_get_one_column_per_attribute() {
        let participant = |id: &str, attrs: &[(&str, &str)]| ParticipantInfo {
            id: id.into(),
            role: Some("Manager".into()),
            role_group: Some("manager".into()),
            site: None,
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            passages: 3,
        };
        let mut out = Vec::new();
        write_participants(
            &mut out,
            &[
                participant("ID42", &[("gender", "female")]),
                participant("ID7", &[("years", "3, or more")]),
            ],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,role,role_group,site,passages,gender,years\n\
             ID42,Manager,manager,,3,female,\n\
             ID7,Manager,manager,,3,,\"3, or more\"\n"
        );
    }

    #[test]
    fn hits_round_trip_through_a_reader() {
        let hit = crate::sample_hit();
        let mut out = Vec::new();
        write_hits(&mut out, &[hit.clone(), hit.clone()]).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            sheet::HIT_COLUMNS
        );
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 2);
        assert_eq!(&records[0][0], hit.passage.citation);
        assert_eq!(
            &records[0][13], hit.passage.text,
            "multi-line text survives quoting"
        );
    }

    #[test]
    fn facet_records() {
        let mut out = Vec::new();
        let counts = vec![FacetCount {
            value: "site 1".into(),
            count: 4,
            participants: 2,
            of: 3,
        }];
        write_facets(&mut out, &[(FacetField::Site, counts)]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "field,value,count,participants,of\nsite,site 1,4,2,3\n"
        );
    }
}
