//! Builds the Chinese dictionary: jieba's word-frequency list (`dict/jieba-dict.txt.gz`) becomes
//! a lindera dictionary in `$OUT_DIR/zh-dict`, which `src/analysis/chinese.rs` embeds.
//!
//! jieba picks the segmentation whose words have the highest product of probabilities
//! (freq / total). A lindera lattice picks the path with the lowest sum of word costs plus
//! connection costs, so each word costs -ln(freq / total) (scaled to an integer) and a 1x1
//! connection matrix of zeros makes the two choose alike. A Han character the dictionary does
//! not know becomes a one-character word, as in jieba without its HMM.

use std::env;
use std::error::Error;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::schema::Schema;

#[path = "src/analysis/cjk.rs"]
mod cjk;

/// jieba's `dict.txt`: one `word freq part-of-speech` line per word.
const SOURCE: &str = "dict/jieba-dict.txt.gz";

/// Costs are -ln(p) in thousandths: fine enough to keep jieba's choices, small enough for `i16`.
const COST_SCALE: f64 = 1000.0;

/// One connection cost for every pair of words: only the word costs decide.
const MATRIX_DEF: &str = "1 1\n0 0 0\n";

/// Character categories (`name invoke group length`). The tokenizer only ever passes runs of
/// Han characters, so CJK is the category that matters: an unknown character is a word of its
/// own (no grouping, length 1). The others exist because lindera expects them; DEFAULT also
/// covers Han characters beyond the Basic Multilingual Plane, which `char.def` cannot name.
const CHAR_DEF: &str = "\
DEFAULT 0 0 1
SPACE 0 1 0
ALPHA 1 1 0
NUMERIC 1 1 0
CJK 0 0 1

0x0020 SPACE
0x0030..0x0039 NUMERIC
0x0041..0x005A ALPHA
0x0061..0x007A ALPHA
0x3400..0x4DBF CJK
0x4E00..0x9FFF CJK
0xF900..0xFAFF CJK
";

/// Lindera's columns: the four it needs, then jieba's part-of-speech tag.
const SCHEMA: [&str; 5] = [
    "surface",
    "left_context_id",
    "right_context_id",
    "cost",
    "part_of_speech",
];

/// jieba's tag for a string it does not know.
const UNKNOWN_POS: &str = "x";

/// One line of the jieba list.
struct Entry {
    word: String,
    freq: u64,
    pos: String,
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed={SOURCE}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/analysis/cjk.rs");

    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    let source_dir = out_dir.join("zh-dict-src");
    fs::create_dir_all(&source_dir)?;

    let entries = read_jieba(Path::new(SOURCE))?;
    let total: u64 = entries.iter().map(|entry| entry.freq).sum();
    // A character jieba never saw counts as seen once, plus one so that any known word wins a tie.
    let unknown_cost = cost(1, total).saturating_add(1);

    write_lexicon(&entries, total, &source_dir.join("lexicon.csv"))?;
    fs::write(source_dir.join("matrix.def"), MATRIX_DEF)?;
    fs::write(source_dir.join("char.def"), CHAR_DEF)?;
    fs::write(source_dir.join("unk.def"), unk_def(unknown_cost))?;

    DictionaryBuilder::new(metadata(unknown_cost))
        .build_dictionary(&source_dir, &out_dir.join("zh-dict"))
        .map_err(|err| format!("building the lindera dictionary from {source_dir:?}: {err}"))?;

    let workdir = out_dir
        .to_str()
        .ok_or("OUT_DIR is not valid UTF-8: build from a UTF-8 path")?;
    println!("cargo:rustc-env=LINDERA_WORKDIR={workdir}");
    Ok(())
}

/// Reads the gzipped jieba list; a malformed line is an error naming the file and line.
fn read_jieba(path: &Path) -> Result<Vec<Entry>, Box<dyn Error>> {
    let file = File::open(path).map_err(|err| format!("{}: {err}", path.display()))?;
    let reader = BufReader::new(GzDecoder::new(file));
    let mut entries = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line_no = index + 1;
        let line = line.map_err(|err| format!("{}:{line_no}: {err}", path.display()))?;
        let entry = parse_line(&line)
            .map_err(|reason| format!("{}:{line_no}: {reason} in {line:?}", path.display()))?;
        entries.push(entry);
    }
    Ok(entries)
}

/// Parses `word freq pos`.
fn parse_line(line: &str) -> Result<Entry, String> {
    let mut fields = line.split_whitespace();
    let (Some(word), Some(freq), Some(pos), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err("expected three fields `word freq pos`".to_string());
    };
    let freq = freq
        .parse::<u64>()
        .map_err(|err| format!("frequency {freq:?}: {err}"))?;
    // The tag goes into a CSV column unquoted.
    if !pos.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("part of speech {pos:?} is not alphanumeric"));
    }
    Ok(Entry {
        word: word.to_string(),
        freq,
        pos: pos.to_string(),
    })
}

/// -ln(freq / total), scaled and clamped to what lindera stores.
fn cost(freq: u64, total: u64) -> i16 {
    let probability = freq.max(1) as f64 / total.max(1) as f64;
    let scaled = (-probability.ln() * COST_SCALE).round();
    scaled.clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16
}

/// Writes the words made only of Han characters (the tokenizer never asks about others, so
/// keeping them would only grow the binary) as `surface,0,0,cost,pos` rows.
fn write_lexicon(entries: &[Entry], total: u64, path: &Path) -> Result<(), Box<dyn Error>> {
    let mut out = BufWriter::new(File::create(path)?);
    for entry in entries
        .iter()
        .filter(|entry| entry.word.chars().all(cjk::is_cjk))
    {
        writeln!(
            out,
            "{},0,0,{},{}",
            entry.word,
            cost(entry.freq, total),
            entry.pos
        )?;
    }
    out.flush()?;
    Ok(())
}

/// One unknown-word entry per category of [`CHAR_DEF`], all dearer than any dictionary word.
fn unk_def(unknown_cost: i16) -> String {
    ["DEFAULT", "SPACE", "ALPHA", "NUMERIC", "CJK"]
        .iter()
        .map(|category| format!("{category},0,0,{unknown_cost},{UNKNOWN_POS}\n"))
        .collect()
}

fn metadata(unknown_cost: i16) -> Metadata {
    let fields = |names: &[&str]| Schema::new(names.iter().map(|name| name.to_string()).collect());
    Metadata::new(
        "verbatim-jieba".to_string(),
        "UTF-8".to_string(),
        unknown_cost,
        0,
        0,
        UNKNOWN_POS.to_string(),
        false,
        false,
        false,
        fields(&SCHEMA),
        fields(&["surface", "part_of_speech"]),
    )
}
