//! `verbatim keyness`: the words a target group uses more than a reference group.

use anyhow::Result;

use crate::args::KeynessArgs;
use crate::backend::Backend;
use crate::output::table;

/// Compares the groups and writes the key terms; `Ok(true)` when any term is listed.
pub fn run(
    args: &KeynessArgs,
    backend: &Backend,
    out: &mut Vec<u8>,
    palette: table::Palette,
) -> Result<bool> {
    if let Some(format) = args.format.render() {
        super::refuse_binary_on_terminal(format, false)?;
    }
    let response = backend.keyness(&args.to_request()?)?;
    crate::messages::warn_unknown_values(&response.unknown_values);
    match args.format.render() {
        Some(format) => out.extend(render::keyness(format, &response)?),
        None => table::write_keyness(out, &response, palette)?,
    }
    Ok(!response.terms.is_empty())
}
