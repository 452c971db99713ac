//! `verbatim set`: save a search as a set of passages, review it (drop, add, widen), re-run it on
//! today's index, and export it.

use std::io::Write;

use anyhow::Result;
use indexer::api::{CreateSetRequest, RerunRequest, SetDetail, UpdateSetRequest};
use indexer::sets::{Rerun, SavedPassage, SetList};
use render::words::count;

use super::batch::write_atomically;
use crate::args::{SetArgs, SetCommand, SetShowFormat};
use crate::backend::Backend;
use crate::output::json;

/// Runs one set subcommand; `Ok(true)` when there was something to show.
pub fn run(args: &SetArgs, backend: &Backend, out: &mut Vec<u8>) -> Result<bool> {
    match &args.command {
        SetCommand::Save(save) => {
            let name = &save.name;
            let request = CreateSetRequest {
                name: name.clone(),
                q: save.query.clone(),
                filters: save.filters.to_filters(),
                description: save.description.clone(),
            };
            let detail = backend.create_set(&request)?;
            write_summary(out, "saved", &detail)?;
            let name = shell_word(name.as_str());
            writeln!(
                out,
                "  next: review it with `verbatim set show {name}`, drop false positives with `verbatim set drop {name} DOC#N`"
            )?;
            Ok(!detail.excerpts.is_empty())
        }
        SetCommand::List { format } => {
            let list = backend.sets()?;
            for error in &list.errors {
                eprintln!("verbatim: warning: {error}");
            }
            match format {
                SetShowFormat::Json => json::write(out, &list)?,
                SetShowFormat::Table => write_list(out, &list)?,
            }
            Ok(!list.sets.is_empty())
        }
        SetCommand::Show { name, format } => {
            let detail = backend.set(name)?;
            match format {
                SetShowFormat::Json => json::write(out, &detail)?,
                SetShowFormat::Table => write_detail(out, &detail)?,
            }
            Ok(!detail.excerpts.is_empty())
        }
        SetCommand::Drop { name, passages } => update(
            backend,
            out,
            name,
            "dropped passages from",
            UpdateSetRequest {
                drop: passages.clone(),
                ..UpdateSetRequest::default()
            },
        ),
        SetCommand::Add { name, passages } => update(
            backend,
            out,
            name,
            "added passages to",
            UpdateSetRequest {
                add: passages.clone(),
                ..UpdateSetRequest::default()
            },
        ),
        SetCommand::Widen { name, unit } => update(
            backend,
            out,
            name,
            "widened",
            UpdateSetRequest {
                unit: Some(*unit),
                ..UpdateSetRequest::default()
            },
        ),
        SetCommand::Rerun {
            name,
            accept,
            format,
        } => {
            let response = backend.rerun_set(name, &RerunRequest { accept: *accept })?;
            match format {
                SetShowFormat::Json => json::write(out, &response)?,
                SetShowFormat::Table => {
                    write_rerun(out, &response.changes)?;
                    if response.accepted {
                        writeln!(out, "the changes are now in set {name}")?;
                    } else if !response.changes.is_unchanged() {
                        writeln!(
                            out,
                            "  next: take them into the set with `verbatim set rerun {} --accept`",
                            shell_word(name.as_str())
                        )?;
                    }
                }
            }
            Ok(true)
        }
        SetCommand::Delete { name } => {
            backend.delete_set(name)?;
            writeln!(out, "deleted set {name}")?;
            Ok(true)
        }
        SetCommand::Export {
            names,
            format,
            out: path,
        } => {
            if path.is_none() {
                super::refuse_binary_on_terminal(*format, true)?;
            }
            let sets = names
                .iter()
                .map(|name| backend.set(name))
                .collect::<Result<Vec<_>>>()?;
            let rendered = render::sets(*format, &sets)?;
            let passages: usize = sets.iter().map(|s| s.excerpts.len()).sum();
            match path {
                Some(path) => {
                    write_atomically(path, &rendered)?;
                    eprintln!(
                        "wrote {} of {} to {}",
                        count(passages as u64, "passage", "passages"),
                        count(sets.len() as u64, "set", "sets"),
                        path.display()
                    );
                }
                None => out.extend_from_slice(&rendered),
            }
            Ok(passages > 0)
        }
    }
}

fn update(
    backend: &Backend,
    out: &mut Vec<u8>,
    name: &indexer::sets::SetName,
    done: &str,
    request: UpdateSetRequest,
) -> Result<bool> {
    let detail = backend.update_set(name, &request)?;
    write_summary(out, done, &detail)?;
    Ok(true)
}

/// `saved set NAME: 5 passages (2 dropped), unit turn, search: trust`.
fn write_summary(out: &mut Vec<u8>, done: &str, detail: &SetDetail) -> std::io::Result<()> {
    let set = &detail.set;
    writeln!(
        out,
        "{}set {}: {} ({} dropped), unit {}, search: {}",
        if done.is_empty() {
            String::new()
        } else {
            format!("{done} ")
        },
        detail.name,
        count(set.passages.len() as u64, "passage", "passages"),
        set.dropped.len(),
        set.unit,
        render::words::describe_search(&set.search.q, &set.search.filters)
    )
}

/// A name as a shell reads it back: quoted when it holds a space.
fn shell_word(name: &str) -> String {
    if name.contains(' ') {
        format!("'{name}'")
    } else {
        name.to_string()
    }
}

fn write_list(out: &mut Vec<u8>, list: &SetList) -> std::io::Result<()> {
    for set in &list.sets {
        writeln!(
            out,
            "{}\t{} passages\t{} dropped\tunit {}\t{}",
            set.name, set.passages, set.dropped, set.unit, set.q
        )?;
    }
    if list.sets.is_empty() && list.errors.is_empty() {
        writeln!(
            out,
            "no sets yet; save one with `verbatim set save NAME QUERY`"
        )?;
    }
    Ok(())
}

fn write_detail(out: &mut Vec<u8>, detail: &SetDetail) -> std::io::Result<()> {
    write_summary(out, "", detail)?;
    if detail.excerpts.is_empty() {
        writeln!(
            out,
            "  the set holds no passages; add some with `verbatim set add {} DOC#N`",
            shell_word(detail.name.as_str())
        )?;
    }
    if !detail.set.description.is_empty() {
        writeln!(out, "{}", detail.set.description)?;
    }
    for excerpt in &detail.excerpts {
        let span = if excerpt.from == excerpt.to {
            String::new()
        } else {
            format!(" (passages {} to {})", excerpt.from, excerpt.to)
        };
        writeln!(out, "\n{}{span}  {}", excerpt.passage, excerpt.citation)?;
        for line in excerpt.text.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

fn write_rerun(out: &mut Vec<u8>, changes: &Rerun) -> std::io::Result<()> {
    writeln!(out, "{} passages kept", changes.kept.len())?;
    for moved in &changes.moved {
        writeln!(
            out,
            "moved    {} -> {}  {}",
            moved.was, moved.now, moved.citation
        )?;
    }
    let lists: [(&str, &[SavedPassage]); 4] = [
        ("new", &changes.new),
        ("lost", &changes.lost),
        ("removed", &changes.removed),
        ("gone", &changes.gone),
    ];
    for (label, passages) in lists {
        for p in passages {
            writeln!(out, "{label:<8} {}  {}", p.position(), p.citation)?;
        }
    }
    for changed in &changes.changed {
        let still = if changed.matches {
            ""
        } else {
            " (no longer matches)"
        };
        writeln!(
            out,
            "changed  {} -> {}  {}{still}\n  was: {}\n  now: {}",
            changed.was.position(),
            changed.now.position(),
            changed.now.citation,
            changed.was.text,
            changed.now.text
        )?;
    }
    if changes.is_unchanged() {
        writeln!(out, "nothing changed")?;
    }
    Ok(())
}
