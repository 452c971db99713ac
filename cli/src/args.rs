//! Command-line flags: clap definitions, one struct per subcommand, converted once into
//! `indexer::api` types so that both backends receive exactly what the server would.
//!
//! Values are checked as they are parsed (clap names the flag in its error); the few checks
//! that need the whole request go through [`indexer::api::SearchRequest::validate`] and are
//! reported against the flag that caused them.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::anyhow;
use clap::builder::{PossibleValuesParser, RangedU64ValueParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};
use indexer::api::{
    CollocatesRequest, DEFAULT_COLLOCATE_FREQ, DEFAULT_COLLOCATES, DEFAULT_WINDOW, MAX_COLLOCATES,
    MAX_WINDOW,
};
use indexer::api::{
    DEFAULT_KEY_TERMS, DEFAULT_KWIC_WIDTH, DEFAULT_LIMIT, DEFAULT_MIN_FREQ, DocumentsRequest,
    FacetField, Filters, KeynessRequest, MAX_CONTEXT, MAX_KEY_TERMS, MAX_KWIC_WIDTH, MAX_LIMIT,
    MAX_MIN_FREQ, MAX_OFFSET, QueryForm, SearchRequest, Sort, YearRange,
};
use indexer::model::{DocId, Kind, Lang};
use indexer::sets::{PassageRef, SetName, Unit};

use crate::backend::Source;
use crate::messages::explain;

/// The server's default listening address.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8490";

const MAIN_EXAMPLES: &str = "\
Examples:
  verbatim search trust --role GP
  verbatim search '\"integrated care\"' --role manager --site 'site 1' --format md
  verbatim facets role --query trust
  verbatim show mcdermott-2019-integrated-care#12 --context 2
  verbatim documents --kind article
  verbatim batch appendix.toml --out appendix.md
  verbatim crosstab trust '\"primary care\"' --by role_group
  verbatim keyness --target role_group=GP --reference role_group=manager
  verbatim --index ./index stats          (no server needed)

Exit status: 0 when something matched, 1 when nothing matched, 2 on error.";

const SEARCH_EXAMPLES: &str = "\
Examples:
  verbatim search trust                               best 20 passages about trust
  verbatim search trust --role GP --role manager      GPs or managers (role groups count)
  verbatim search commissioning --attr gender=female --facets role,site
  verbatim search '\"primary care\"' --kind interview --year 2015..2019 --sort date
  verbatim search trust --format csv > trust.csv      one row per quote, with citations
  verbatim search --speaker ID9 --sort doc            everything ID9 said, in order
  verbatim search trust --format kwic --width 30      every occurrence on a line, aligned
  verbatim search trust --format xlsx > trust.xlsx    a workbook of hits with citations";

const CROSSTAB_EXAMPLES: &str = "\
A rows file has one query per line (blank lines and # comments skipped), or is TOML with one
[[row]] table per row:

  [[row]]
  label = \"Working together\"
  query = \"\\\"work together\\\" OR collaboration\"

Examples:
  verbatim crosstab trust '\"primary care\"' STP --by role_group
  verbatim crosstab --rows themes.txt --by site --role GP
  verbatim crosstab trust --by attr.gender --format xlsx > trust.xlsx";

const KEYNESS_EXAMPLES: &str = "\
A group is FIELD=VALUE, FIELD one of role, role_group, role_exact, site, kind, lang, speaker,
doc, year or attr.NAME; repeat a flag to combine (the same field: any of; different: all of).

Examples:
  verbatim keyness --target role_group=GP --reference role_group=manager
  verbatim keyness --target role_group=GP                     GPs against everyone else
  verbatim keyness --target site='site 1' --min-freq 5 -n 20 --format csv";

const COLLOCATES_EXAMPLES: &str = "\
Examples:
  verbatim collocates trust                          the words within 5 of trust
  verbatim collocates 'primary care' --window 3      of a phrase, 3 words either side
  verbatim collocates trust --by role_group          a table per role group
  verbatim collocates 初级保健 --format csv";

const FACETS_EXAMPLES: &str = "\
Examples:
  verbatim facets                         passages per role group, role, site, kind, language, year
  verbatim facets role --query trust      who talks about trust, by role
  verbatim facets site --role manager     where the managers are
  verbatim facets attr.gender --format csv";

const SHOW_EXAMPLES: &str = "\
Examples:
  verbatim show mcdermott-2019-integrated-care             the whole document
  verbatim show mcdermott-2019-integrated-care#12          passage 12 with 2 passages either side
  verbatim show mcdermott-2019-integrated-care#12 -C 0 --format md";

const DOCUMENTS_EXAMPLES: &str = "\
Examples:
  verbatim documents                          every document: id, kind, language, date, title
  verbatim documents --kind interview,meeting transcripts only
  verbatim documents --lang zh --format json";

const PARTICIPANTS_EXAMPLES: &str = "\
Examples:
  verbatim participants
  verbatim participants --format csv > participants.csv";

const STATS_EXAMPLES: &str = "\
Examples:
  verbatim stats
  verbatim --index ./index stats --format json";

const BATCH_EXAMPLES: &str = "\
A TOML file has one [[section]] table per section of the output:

  title = \"Appendix: quotes on co-commissioning\"   # optional

  [[section]]
  heading = \"GPs on working together\"
  query = \"professionals room\"
  role = [\"GP\"]                 # also: site, kind, lang, speaker, doc, year
  limit = 5

  [[section]]
  heading = \"Managers on the STP\"
  query = \"STP\"
  role = \"manager\"
  attr = { gender = \"female\" }

Any other file is read as one query per line (blank lines and # comments skipped; the query is
the heading). Each section lists its best LIMIT passages by relevance, printed in corpus order
(document, then passage) so that reruns give the same file.

Examples:
  verbatim batch appendix.toml                          Markdown on stdout
  verbatim batch appendix.toml --out appendix.md        written atomically
  verbatim batch queries.txt --format csv --limit 10";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  verbatim completions bash > ~/.local/share/bash-completion/completions/verbatim
  verbatim completions zsh > ~/.zfunc/_verbatim
  verbatim completions fish > ~/.config/fish/completions/verbatim.fish";

/// Quote search over interview transcripts, meeting notes and papers, with citations.
///
/// `verbatim` asks a Verbatim server (--server, default http://127.0.0.1:8490) or opens an index
/// directly (--index DIR). Both give identical results: they run the same engine on the same
/// requests.
#[derive(Debug, Parser)]
#[command(name = "verbatim", version, after_help = MAIN_EXAMPLES)]
pub struct Args {
    /// Where to search: a server or an index directory.
    #[command(flatten)]
    pub source: SourceArgs,

    /// When to colour output: auto, always, never.
    ///
    /// `auto` colours only when stdout is a terminal and the NO_COLOR environment variable is
    /// unset or empty; `always` colours even in pipes and overrides NO_COLOR.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where requests go.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Where to search")]
pub struct SourceArgs {
    /// Address of the Verbatim server.
    ///
    /// Start one with `verbatim-server` (or `cargo run --release -p server`), which indexes
    /// ./corpus and listens on 127.0.0.1:8490.
    /// Ignored when --index is given.
    #[arg(long, env = "VERBATIM_URL", value_name = "URL", default_value = DEFAULT_SERVER, global = true)]
    pub server: String,

    /// API key for a server that requires one.
    ///
    /// Sent as `Authorization: Bearer KEY`. Prefer the environment variable: command lines are
    /// visible to other users of the machine.
    #[arg(
        long,
        env = "VERBATIM_API_KEY",
        value_name = "KEY",
        hide_env_values = true,
        global = true
    )]
    pub api_key: Option<String>,

    /// Search this index directory directly, without a server.
    ///
    /// The directory `verbatim-index CORPUS --index DIR` wrote. Takes precedence over --server.
    #[arg(long, value_name = "DIR", global = true)]
    pub index: Option<PathBuf>,
}

impl SourceArgs {
    /// Where these flags say to search.
    pub fn source(&self) -> Source {
        Source {
            server: self.server.clone(),
            api_key: self.api_key.clone(),
            index: self.index.clone(),
        }
    }
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to write colour codes to stdout.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && std::io::stdout().is_terminal()
            }
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find passages matching a query and filters, with citations.
    #[command(after_help = SEARCH_EXAMPLES)]
    Search(SearchArgs),
    /// Count passages per value of a field (role, site, ...), for a query and filters.
    #[command(after_help = FACETS_EXAMPLES)]
    Facets(FacetsArgs),
    /// Show a document, or one passage with its neighbours.
    #[command(after_help = SHOW_EXAMPLES)]
    Show(ShowArgs),
    /// List the documents in the index, optionally only some kinds or languages.
    #[command(after_help = DOCUMENTS_EXAMPLES)]
    Documents(DocumentsArgs),
    /// List the participants with their roles, sites and passage counts.
    #[command(after_help = PARTICIPANTS_EXAMPLES)]
    Participants(ParticipantsArgs),
    /// Show the size and build time of the index.
    #[command(after_help = STATS_EXAMPLES)]
    Stats(StatsArgs),
    /// Run many searches from a file and write one document of quotes with citations.
    #[command(after_help = BATCH_EXAMPLES)]
    Batch(BatchArgs),
    /// Cross queries with the values of a field: passages, participants and rates per cell.
    #[command(after_help = CROSSTAB_EXAMPLES)]
    Crosstab(CrosstabArgs),
    /// List the words a group uses more than another (or than everyone else).
    #[command(after_help = KEYNESS_EXAMPLES)]
    Keyness(KeynessArgs),
    /// List the words found within a few words of a word or phrase, with MI and log-likelihood.
    #[command(after_help = COLLOCATES_EXAMPLES)]
    Collocates(CollocatesArgs),
    /// Check every quote of a draft against the corpus: where it was said, and by whom.
    Verify(crate::cmd::verify::VerifyArgs),
    /// Save searches as sets of passages, review them, re-run them and export them.
    #[command(after_help = SET_EXAMPLES)]
    Set(SetArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
}

const SET_EXAMPLES: &str = "\
Sets are kept as TOML files in the index directory's sets/ folder; no rebuild touches them.
Passages are written DOC#N, as `verbatim search` cites them.

Examples:
  verbatim set save trust-gp trust --role GP --description \"GPs on trust\"
  verbatim set drop trust-gp interview-3#12 interview-7#4    false positives out
  verbatim set widen trust-gp turn                           or passage, context=2
  verbatim set rerun trust-gp                                what changed since it was saved
  verbatim set rerun trust-gp --accept                       ...and take it into the set
  verbatim set export trust-gp --format md --out trust.md";

/// `verbatim set`.
#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// What to do with sets.
    #[command(subcommand)]
    pub command: SetCommand,
}

/// The `verbatim set` subcommands.
#[derive(Debug, Subcommand)]
pub enum SetCommand {
    /// Save every passage a search matches as a new set.
    Save(Box<SetSaveArgs>),
    /// List the sets, with their queries and sizes.
    List {
        /// Output format: table or json (the API's response).
        #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = SetShowFormat::Table)]
        format: SetShowFormat,
    },
    /// Show a set's passages, widened to its unit, with citations.
    Show {
        /// The set's name.
        #[arg(value_name = "NAME", value_parser = parse_set_name)]
        name: SetName,
        /// Output format: table or json (the API's response).
        #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = SetShowFormat::Table)]
        format: SetShowFormat,
    },
    /// Drop passages from a set as false positives (a re-run does not offer them again).
    Drop {
        /// The set's name.
        #[arg(value_name = "NAME", value_parser = parse_set_name)]
        name: SetName,
        /// Passages, as DOC#N.
        #[arg(value_name = "PASSAGE", required = true, value_parser = parse_passage_ref)]
        passages: Vec<PassageRef>,
    },
    /// Add passages to a set by hand (kept whatever the query answers).
    Add {
        /// The set's name.
        #[arg(value_name = "NAME", value_parser = parse_set_name)]
        name: SetName,
        /// Passages, as DOC#N.
        #[arg(value_name = "PASSAGE", required = true, value_parser = parse_passage_ref)]
        passages: Vec<PassageRef>,
    },
    /// Set how far each passage reaches: passage, turn (the speaker's whole turn) or context=N.
    Widen {
        /// The set's name.
        #[arg(value_name = "NAME", value_parser = parse_set_name)]
        name: SetName,
        /// passage, turn, or context=N (N passages either side, 1 to 20).
        #[arg(value_name = "UNIT", value_parser = parse_unit)]
        unit: Unit,
    },
    /// Compare a set with its query's answer on today's index.
    Rerun {
        /// The set's name.
        #[arg(value_name = "NAME", value_parser = parse_set_name)]
        name: SetName,
        /// Take the changes into the set: new matches added, changed passages updated, lost
        /// and gone ones left out.
        #[arg(long)]
        accept: bool,
        /// Output format: table or json (the API's response).
        #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = SetShowFormat::Table)]
        format: SetShowFormat,
    },
    /// Delete a set's file.
    Delete {
        /// The set's name.
        #[arg(value_name = "NAME", value_parser = parse_set_name)]
        name: SetName,
    },
    /// Write sets' passages, widened to their units, with citations, to a file.
    Export {
        /// The sets' names.
        #[arg(value_name = "NAME", required = true, value_parser = parse_set_name)]
        names: Vec<SetName>,
        /// Output format: md, csv, json or xlsx.
        #[arg(long, short = 'f', value_name = "FORMAT", default_value = "md", value_parser = parse_set_format)]
        format: render::Format,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long, short = 'o', value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

/// `verbatim set save`.
#[derive(Debug, clap::Args)]
pub struct SetSaveArgs {
    /// The set's name: letters, digits, spaces, '-', '_' or '.'.
    #[arg(value_name = "NAME", value_parser = parse_set_name)]
    pub name: SetName,
    /// Query text, as for `verbatim search`; without one, every passage the filters pass.
    #[arg(value_name = "QUERY", default_value = "")]
    pub query: String,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// What the set is for.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub description: String,
}

/// Output formats of `set list`, `set show` and `set rerun`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SetShowFormat {
    /// For reading.
    Table,
    /// The API response.
    Json,
}

fn parse_set_name(s: &str) -> Result<SetName, String> {
    SetName::parse(s).map_err(|e| explain(&e))
}

fn parse_passage_ref(s: &str) -> Result<PassageRef, String> {
    s.parse().map_err(|e| explain(&e))
}

fn parse_unit(s: &str) -> Result<Unit, String> {
    s.parse().map_err(|e| explain(&e))
}

fn parse_set_format(s: &str) -> Result<render::Format, String> {
    let format: render::Format = s.parse().map_err(|e: render::Error| e.to_string())?;
    if render::SET_FORMATS.contains(&format) {
        Ok(format)
    } else {
        Err(render::unsupported(format, &render::SET_FORMATS).to_string())
    }
}

/// `verbatim search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Query text; without one, every passage that passes the filters matches.
    ///
    /// Words match in any order; quote a "phrase" to match it exactly (quote it again for the
    /// shell). See the README for the full syntax.
    #[arg(value_name = "QUERY", default_value = "")]
    pub query: String,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Number of hits to show (0 to 1000; 0 shows only the total and facets).
    #[arg(long, short = 'n', value_name = "N", default_value_t = DEFAULT_LIMIT, value_parser = up_to(MAX_LIMIT))]
    pub limit: usize,

    /// Number of hits to skip, for paging.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = up_to(MAX_OFFSET))]
    pub offset: usize,

    /// Order of hits: relevance, doc (corpus order) or date (newest first).
    #[arg(long, value_name = "ORDER", default_value = "relevance", ignore_case = true, value_parser = sort_parser())]
    pub sort: Sort,

    /// Passages to show before and after each hit (0 to 20).
    #[arg(long, short = 'C', value_name = "N", default_value_t = 0, value_parser = up_to(MAX_CONTEXT))]
    pub context: usize,

    /// Fields to count over all matches, comma-separated.
    ///
    /// Any of role, role_group, site, kind, lang, speaker, doc, year, attr.NAME (a column of the
    /// participants sheet).
    #[arg(long, value_name = "FIELDS", value_delimiter = ',', value_parser = parse_facet_field)]
    pub facets: Vec<FacetField>,

    /// Output format.
    ///
    /// table (the default) is for reading: colour on a terminal, plain text in a pipe. json is
    /// exactly the API's response; jsonl is one hit per line; csv has a header row and one hit
    /// per row; md is a Markdown blockquote per hit followed by its citation; kwic is every
    /// matched occurrence on its own line, keywords aligned; xlsx (an Excel workbook) and docx
    /// (a Word document of quotes) are files: redirect them.
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = SearchFormat::Table)]
    pub format: SearchFormat,

    /// With --format kwic: columns of context either side of a keyword (1 to 200; a Chinese
    /// character takes two).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_KWIC_WIDTH, value_parser = from_one_to(MAX_KWIC_WIDTH))]
    pub width: usize,
}

impl SearchArgs {
    /// The API request these flags describe.
    pub fn to_request(&self) -> anyhow::Result<SearchRequest> {
        let request = SearchRequest {
            q: self.query.clone(),
            filters: self.filters.to_filters(),
            facets: self.facets.clone(),
            limit: self.limit,
            offset: self.offset,
            sort: self.sort,
            context: self.context,
            highlight: true,
        };
        request.validate().map_err(blame_flag)?;
        Ok(request)
    }
}

/// Output formats of `search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchFormat {
    /// One block per hit, for reading.
    Table,
    /// The API response.
    Json,
    /// One hit per line.
    Jsonl,
    /// RFC 4180, header row.
    Csv,
    /// Markdown blockquotes with citations.
    #[value(alias = "markdown")]
    Md,
    /// Keyword in context: one aligned line per occurrence.
    Kwic,
    /// An Excel workbook.
    Xlsx,
    /// A Word document.
    Docx,
}

impl SearchFormat {
    /// The shared file format this one is, or `None` for those only the CLI writes (the
    /// terminal's table, the aligned concordance).
    pub fn render(self) -> Option<render::Format> {
        match self {
            SearchFormat::Table | SearchFormat::Kwic => None,
            SearchFormat::Json => Some(render::Format::Json),
            SearchFormat::Jsonl => Some(render::Format::Jsonl),
            SearchFormat::Csv => Some(render::Format::Csv),
            SearchFormat::Md => Some(render::Format::Md),
            SearchFormat::Xlsx => Some(render::Format::Xlsx),
            SearchFormat::Docx => Some(render::Format::Docx),
        }
    }
}

/// The filters shared by `search` and `facets`.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(
    next_help_heading = "Filters (repeat a flag for any-of; different flags combine with AND)"
)]
pub struct FilterArgs {
    /// Only passages by this role or role group (e.g. GP, manager).
    ///
    /// Case-insensitive. A role group from the corpus's role_groups.toml matches all of its
    /// roles: GP matches GP and Independent GP.
    #[arg(long, value_name = "ROLE")]
    pub role: Vec<String>,

    /// Only passages by this role group (e.g. GP), not a role of the same name alone.
    #[arg(long, value_name = "GROUP")]
    pub role_group: Vec<String>,

    /// Only passages by this role exactly, without the rest of a role group of the same name.
    ///
    /// --role-exact GP leaves out Independent GPs, which --role GP includes.
    #[arg(long, value_name = "ROLE")]
    pub role_exact: Vec<String>,

    /// Only passages from this site (e.g. 'site 1').
    #[arg(long, value_name = "SITE")]
    pub site: Vec<String>,

    /// Only documents of this kind.
    #[arg(long, value_name = "KIND", ignore_case = true, value_parser = kind_parser())]
    pub kind: Vec<Kind>,

    /// Only passages in this language: en or zh.
    #[arg(long, value_name = "LANG", ignore_case = true, value_parser = lang_parser())]
    pub lang: Vec<Lang>,

    /// Only passages by this speaker id (e.g. ID9).
    #[arg(long, value_name = "ID")]
    pub speaker: Vec<String>,

    /// Only passages of this document.
    #[arg(long, value_name = "DOC")]
    pub doc: Vec<String>,

    /// Only documents dated in these years: 2019, 2015..2019, 2015.. or ..2019.
    #[arg(long, value_name = "YEARS", value_parser = parse_year_range)]
    pub year: Option<YearRange>,

    /// Only passages whose speaker has this participant attribute, e.g. gender=female.
    ///
    /// NAME is a column of the participants sheet; repeat with the same NAME for any-of.
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_assignment)]
    pub attr: Vec<(String, String)>,
}

impl FilterArgs {
    /// The API filters these flags describe.
    pub fn to_filters(&self) -> Filters {
        let mut attr: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in &self.attr {
            attr.entry(name.clone()).or_default().push(value.clone());
        }
        Filters {
            role: self.role.clone(),
            role_group: self.role_group.clone(),
            role_exact: self.role_exact.clone(),
            site: self.site.clone(),
            kind: self.kind.clone(),
            lang: self.lang.clone(),
            speaker: self.speaker.clone(),
            doc: self.doc.clone(),
            year: self.year,
            attr,
        }
    }
}

/// The fields `verbatim facets` counts when none is named.
pub const DEFAULT_FACET_FIELDS: [FacetField; 6] = [
    FacetField::RoleGroup,
    FacetField::Role,
    FacetField::Site,
    FacetField::Kind,
    FacetField::Lang,
    FacetField::Year,
];

/// `verbatim facets`.
#[derive(Debug, clap::Args)]
pub struct FacetsArgs {
    /// Field to count: role, role_group, site, kind, lang, speaker, doc, year or attr.NAME.
    ///
    /// Without it: role_group, role, site, kind, lang and year.
    #[arg(value_name = "FIELD", value_parser = parse_facet_field)]
    pub field: Option<FacetField>,

    /// Count only passages matching this query (default: all passages that pass the filters).
    #[arg(long, short = 'q', value_name = "QUERY", default_value = "")]
    pub query: String,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Output format: table, json or csv (field, value, count, participants, of).
    ///
    /// json with a FIELD is exactly the API's answer (a list of {value, count, participants,
    /// of}); without one it is an object of such lists by field name, like `facets` in a search
    /// response.
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

impl FacetsArgs {
    /// The fields to count, in display order.
    pub fn fields(&self) -> Vec<FacetField> {
        match &self.field {
            Some(field) => vec![field.clone()],
            None => DEFAULT_FACET_FIELDS.to_vec(),
        }
    }
}

/// Output formats of lists (`facets`, `documents`, `participants`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns, for reading.
    Table,
    /// The API response.
    Json,
    /// RFC 4180, header row.
    Csv,
}

/// A document, or one of its passages, as written on the command line: `DOC` or `DOC#N`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Document id.
    pub doc: String,
    /// 1-based passage ordinal, when one passage is asked for.
    pub passage: Option<u32>,
}

/// `verbatim show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// A document id, or DOC#N for its passage N (as in `verbatim search` output).
    #[arg(value_name = "DOC[#PASSAGE]", value_parser = parse_target)]
    pub target: Target,

    /// Passages to show before and after the passage (0 to 20; ignored for a whole document).
    #[arg(long, short = 'C', value_name = "N", default_value_t = 2, value_parser = up_to(MAX_CONTEXT))]
    pub context: usize,

    /// Output format: table, json (the API's response) or md.
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
}

/// Output formats of `show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// For reading.
    Table,
    /// The API response.
    Json,
    /// Markdown blockquotes with citations.
    #[value(alias = "markdown")]
    Md,
}

/// `verbatim documents`.
#[derive(Debug, clap::Args)]
pub struct DocumentsArgs {
    /// Only documents of this kind; repeat or comma-separate for any-of.
    #[arg(long, value_name = "KIND", ignore_case = true, value_delimiter = ',', value_parser = kind_parser())]
    pub kind: Vec<Kind>,

    /// Only documents in this language (en or zh); repeat or comma-separate for any-of.
    #[arg(long, value_name = "LANG", ignore_case = true, value_delimiter = ',', value_parser = lang_parser())]
    pub lang: Vec<Lang>,

    /// Number of documents to list (0 to 1000).
    #[arg(long, short = 'n', value_name = "N", default_value_t = MAX_LIMIT, value_parser = up_to(MAX_LIMIT))]
    pub limit: usize,

    /// Number of documents to skip, for paging.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = up_to(MAX_OFFSET))]
    pub offset: usize,

    /// Output format: table, json (the API's response) or csv (one row per document).
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

impl DocumentsArgs {
    /// The API request these flags describe.
    pub fn to_request(&self) -> DocumentsRequest {
        DocumentsRequest {
            kind: self.kind.clone(),
            lang: self.lang.clone(),
            limit: self.limit,
            offset: self.offset,
        }
    }
}

/// `verbatim participants`.
#[derive(Debug, clap::Args)]
pub struct ParticipantsArgs {
    /// Output format: table, json (the API's response) or csv.
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// `verbatim stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Output format: table or json (the API's response).
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,
}

/// Output formats of `stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// For reading.
    Table,
    /// The API response.
    Json,
}

/// `verbatim batch`.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// A TOML file of `[[section]]` tables, or a text file with one query per line.
    ///
    /// Files ending in .toml, or starting with a `[[section]]` table, are read as TOML.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Output format: md (a draft appendix), json (sections with their hits), csv (one row
    /// per quote, with its section), xlsx (the same rows as a workbook) or docx (the appendix
    /// as a Word document).
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = BatchFormat::Md)]
    pub format: BatchFormat,

    /// Write the output to this file (atomically: readers never see half a file) instead of stdout.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// Passages per section for sections that set no `limit` (0 to 1000).
    #[arg(long, short = 'n', value_name = "N", default_value_t = DEFAULT_LIMIT, value_parser = up_to(MAX_LIMIT))]
    pub limit: usize,
}

/// Output formats of `batch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// Markdown: a heading per section, blockquotes with citations.
    #[value(alias = "markdown")]
    Md,
    /// The sections with their requests and hits.
    Json,
    /// One row per quote, with its section heading.
    Csv,
    /// An Excel workbook, one row per quote.
    Xlsx,
    /// A Word document: headings, block quotes, citations.
    Docx,
}

impl BatchFormat {
    /// The shared format this one is.
    pub fn render(self) -> render::Format {
        match self {
            BatchFormat::Md => render::Format::Md,
            BatchFormat::Json => render::Format::Json,
            BatchFormat::Csv => render::Format::Csv,
            BatchFormat::Xlsx => render::Format::Xlsx,
            BatchFormat::Docx => render::Format::Docx,
        }
    }
}

/// `verbatim crosstab`.
#[derive(Debug, clap::Args)]
pub struct CrosstabArgs {
    /// Queries, one row each (in the query syntax of `search`).
    #[arg(value_name = "QUERY")]
    pub queries: Vec<String>,

    /// A file of rows, after the QUERY rows: one query per line, or TOML `[[row]]` tables with
    /// `label` and `query`.
    #[arg(long, value_name = "FILE")]
    pub rows: Option<PathBuf>,

    /// The field whose values are the columns: role_group, role, site, kind, lang, year,
    /// speaker, doc or attr.NAME.
    #[arg(long, value_name = "FIELD", default_value = "role_group", value_parser = parse_facet_field)]
    pub by: FacetField,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Output format: table, json (the API's answer), csv (one row per cell), md or xlsx.
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

/// `verbatim collocates`.
#[derive(Debug, clap::Args)]
pub struct CollocatesArgs {
    /// The word or phrase (the node), matched as whole words: `trust`, `primary care`.
    #[arg(value_name = "WORD")]
    pub node: String,

    /// Words counted on each side of the node (1 to 20).
    #[arg(long, short = 'w', value_name = "N", default_value_t = DEFAULT_WINDOW, value_parser = from_one_to(MAX_WINDOW))]
    pub window: usize,

    /// Fewest co-occurrences for a word to be listed.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_COLLOCATE_FREQ, value_parser = RangedU64ValueParser::<u64>::new().range(1..=MAX_MIN_FREQ))]
    pub min_freq: u64,

    /// Most collocates to list per table (1 to 1000).
    #[arg(long, short = 'n', value_name = "N", default_value_t = DEFAULT_COLLOCATES, value_parser = from_one_to(MAX_COLLOCATES))]
    pub limit: usize,

    /// Also a table per value of this field: role_group, role, site, kind, lang, year,
    /// speaker, doc or attr.NAME.
    #[arg(long, value_name = "FIELD", value_parser = parse_facet_field)]
    pub by: Option<FacetField>,

    /// Count stop words and fillers (the, um, 嗯...) too.
    #[arg(long)]
    pub keep_stopwords: bool,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Output format: table, json (the API's answer), csv, md or xlsx.
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

impl CollocatesArgs {
    /// The API request these flags describe.
    pub fn to_request(&self) -> CollocatesRequest {
        CollocatesRequest {
            filters: self.filters.to_filters(),
            window: self.window,
            min_freq: self.min_freq,
            limit: self.limit,
            keep_stopwords: self.keep_stopwords,
            by: self.by.clone(),
            ..CollocatesRequest::new(self.node.clone())
        }
    }
}

/// `verbatim keyness`.
#[derive(Debug, clap::Args)]
pub struct KeynessArgs {
    /// The target group, e.g. role_group=GP (repeat to combine conditions).
    #[arg(long, value_name = "FIELD=VALUE", required = true, value_parser = parse_assignment)]
    pub target: Vec<(String, String)>,

    /// The group to compare with (default: everyone outside the target).
    #[arg(long, value_name = "FIELD=VALUE", value_parser = parse_assignment)]
    pub reference: Vec<(String, String)>,

    /// Fewest occurrences in the target for a term to be listed.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_FREQ, value_parser = RangedU64ValueParser::<u64>::new().range(1..=MAX_MIN_FREQ))]
    pub min_freq: u64,

    /// Most terms to list (1 to 1000).
    #[arg(long, short = 'n', value_name = "N", default_value_t = DEFAULT_KEY_TERMS, value_parser = from_one_to(MAX_KEY_TERMS))]
    pub limit: usize,

    /// Count stop words and fillers (the, um, 嗯...) too; the corpus's stopwords.txt edits the list.
    #[arg(long)]
    pub keep_stopwords: bool,

    /// Output format: table, json (the API's answer), csv, md or xlsx.
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

impl KeynessArgs {
    /// The API request these flags describe.
    pub fn to_request(&self) -> anyhow::Result<KeynessRequest> {
        let reference = if self.reference.is_empty() {
            None
        } else {
            Some(group("--reference", &self.reference)?)
        };
        let request = KeynessRequest {
            reference,
            min_freq: self.min_freq,
            limit: self.limit,
            keep_stopwords: self.keep_stopwords,
            ..KeynessRequest::new(group("--target", &self.target)?)
        };
        request.validate().map_err(|error| {
            let message = explain(&error);
            match &error {
                indexer::Error::InvalidValue { field, .. } => {
                    let rest = message.strip_prefix(field.as_str()).unwrap_or(&message);
                    anyhow!("--{}{rest}", field.replace('_', "-"))
                }
                _ => anyhow!(message),
            }
        })?;
        Ok(request)
    }
}

/// A group's conditions as filters, read by the API's query-string codec.
fn group(flag: &str, conditions: &[(String, String)]) -> anyhow::Result<Filters> {
    Filters::from_query(conditions.to_vec()).map_err(|error| anyhow!("{flag} {}", explain(&error)))
}

/// Output formats of tables (`crosstab`, `keyness`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Aligned columns, for reading.
    Table,
    /// The API response.
    Json,
    /// RFC 4180, header row.
    Csv,
    /// A Markdown table.
    #[value(alias = "markdown")]
    Md,
    /// An Excel workbook.
    Xlsx,
}

impl TableFormat {
    /// The shared format this one is, or `None` for the terminal's table.
    pub fn render(self) -> Option<render::Format> {
        match self {
            TableFormat::Table => None,
            TableFormat::Json => Some(render::Format::Json),
            TableFormat::Csv => Some(render::Format::Csv),
            TableFormat::Md => Some(render::Format::Md),
            TableFormat::Xlsx => Some(render::Format::Xlsx),
        }
    }
}

/// `verbatim completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// A parser for a count from 1 to `max`.
fn from_one_to(max: usize) -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::new().range(1..=max as u64)
}

/// A parser for a count from 0 to `max`.
fn up_to(max: usize) -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::new().range(0..=max as u64)
}

fn sort_parser() -> impl TypedValueParser<Value = Sort> {
    PossibleValuesParser::new(["relevance", "doc", "date"])
        .try_map(|s| s.parse::<Sort>().map_err(|e| value_error(&e)))
}

fn kind_parser() -> impl TypedValueParser<Value = Kind> {
    PossibleValuesParser::new(Kind::ALL.map(Kind::as_str))
        .try_map(|s| s.parse::<Kind>().map_err(|e| value_error(&e)))
}

fn lang_parser() -> impl TypedValueParser<Value = Lang> {
    PossibleValuesParser::new(Lang::ALL.map(Lang::as_str))
        .try_map(|s| s.parse::<Lang>().map_err(|e| value_error(&e)))
}

fn parse_facet_field(s: &str) -> Result<FacetField, String> {
    s.parse().map_err(|e| value_error(&e))
}

fn parse_year_range(s: &str) -> Result<YearRange, String> {
    s.parse().map_err(|e| value_error(&e))
}

fn parse_assignment(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!(
            "{s:?} is not NAME=VALUE; write e.g. gender=female or role_group=GP"
        )),
    }
}

fn parse_target(s: &str) -> Result<Target, String> {
    let (doc, passage) = match s.split_once('#') {
        Some((doc, n)) => {
            let n: u32 =
                n.parse().ok().filter(|&n| n >= 1).ok_or_else(|| {
                    format!("passage {n:?} is not a number from 1 up; write DOC#12")
                })?;
            (doc, Some(n))
        }
        None => (s, None),
    };
    DocId::parse(doc).map_err(|e| {
        format!(
            "{e}; list documents with `verbatim documents` or copy an id from `verbatim search`"
        )
    })?;
    Ok(Target {
        doc: doc.to_string(),
        passage,
    })
}

/// An engine error about a flag's value, for clap, which already names the flag: what is wrong
/// and the hint, without the engine's field name.
fn value_error(error: &indexer::Error) -> String {
    match error {
        indexer::Error::InvalidValue {
            reason,
            hint: Some(hint),
            ..
        } => format!("{reason}\n  hint: {hint}"),
        indexer::Error::InvalidValue {
            reason, hint: None, ..
        } => reason.clone(),
        other => explain(other),
    }
}

/// Rewrites a request-validation error to name the flag the user typed instead of the API field.
fn blame_flag(error: indexer::Error) -> anyhow::Error {
    let message = explain(&error);
    match &error {
        indexer::Error::InvalidValue { field, .. } => {
            let flag = match field.as_str() {
                "q" => "QUERY".to_string(),
                other => format!("--{}", other.trim_start_matches("filters.")),
            };
            let rest = message.strip_prefix(field.as_str()).unwrap_or(&message);
            anyhow!("{flag}{rest}")
        }
        _ => anyhow!(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(line: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("verbatim").chain(line.iter().copied()))
    }

    fn search_request(line: &[&str]) -> SearchRequest {
        match parse(line).expect("flags parse").command {
            Command::Search(args) => args.to_request().expect("valid request"),
            other => panic!("expected search, got {other:?}"),
        }
    }

    #[test]
    fn clap_definitions_are_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn flags_become_the_api_request() {
        let req = search_request(&[
            "search",
            "trust",
            "--role",
            "GP",
            "--role",
            "manager",
            "--kind",
            "Interview",
            "--lang",
            "zh",
            "--attr",
            "gender=female",
            "--attr",
            "gender=male",
            "--year",
            "2015..2019",
            "--facets",
            "role,attr.gender",
            "-n",
            "5",
            "--sort",
            "doc",
            "-C",
            "1",
        ]);
        assert_eq!(req.q, "trust");
        assert_eq!(req.filters.role, ["GP", "manager"]);
        assert_eq!(req.filters.kind, [Kind::Interview]);
        assert_eq!(req.filters.lang, [Lang::Zh]);
        assert_eq!(req.filters.attr["gender"], ["female", "male"]);
        assert_eq!(
            req.filters.year,
            Some(YearRange {
                from: Some(2015),
                to: Some(2019)
            })
        );
        assert_eq!(
            req.facets,
            [FacetField::Role, FacetField::Attr("gender".into())]
        );
        assert_eq!((req.limit, req.sort, req.context), (5, Sort::Doc, 1));
    }

    #[test]
    fn defaults_match_the_api() {
        assert_eq!(
            search_request(&["search", "trust"]),
            SearchRequest::new("trust")
        );
    }

    #[test]
    fn bad_values_name_the_flag() {
        for (line, flag) in [
            (&["search", "x", "--limit", "5000"][..], "--limit"),
            (&["search", "x", "--kind", "memo"][..], "--kind"),
            (&["search", "x", "--facets", "colour"][..], "--facets"),
            (&["search", "x", "--attr", "gender"][..], "--attr"),
            (&["search", "x", "--year", "soon"][..], "--year"),
            (&["show", "a/b"][..], "DOC[#PASSAGE]"),
            (&["show", "doc#0"][..], "DOC[#PASSAGE]"),
        ] {
            let err = parse(line).expect_err("should be rejected").to_string();
            assert!(err.contains(flag), "{line:?}: {err}");
        }
    }

    #[test]
    fn request_checks_name_the_flag() {
        let Command::Search(args) = parse(&["search", "x", "--year", "2019..2015"])
            .unwrap()
            .command
        else {
            panic!("expected search");
        };
        let err = args.to_request().unwrap_err().to_string();
        assert!(
            err.starts_with("--year: from (2019) is after to (2015)"),
            "{err}"
        );
        assert!(err.contains("swap the two years"), "{err}");
    }

    #[test]
    fn targets() {
        assert_eq!(
            parse_target("d-1#12"),
            Ok(Target {
                doc: "d-1".into(),
                passage: Some(12)
            })
        );
        assert_eq!(
            parse_target("d-1"),
            Ok(Target {
                doc: "d-1".into(),
                passage: None
            })
        );
        assert!(parse_target("d-1#x").is_err());
    }
}
