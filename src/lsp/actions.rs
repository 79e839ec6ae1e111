//! Code actions: the one fix that is safe to apply without reading the answer, adding a missing
//! item id (the same ids as `cardsmith check --fix`), per heading and for the whole file.

use std::collections::HashMap;
use std::ops::Range;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, NumberOrString, TextEdit, Url, WorkspaceEdit,
};

use crate::codes;
use crate::diagnostic::FileId;
use crate::lint::fix::{self, MissingId};

use super::position::{Encoding, LineIndex};
use super::workspace::Snapshot;

/// The kind of the action that fixes the whole file (`editor.codeActionsOnSave` can run it).
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.cardsmith")
}

/// The actions for the byte range `requested` of `file`. `only` is the client's filter on kinds
/// (a kind matches when it is, or starts with, one of them).
pub fn actions(
    snapshot: &Snapshot,
    file: FileId,
    uri: &Url,
    requested: Range<usize>,
    only: Option<&[CodeActionKind]>,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let wanted = |kind: &CodeActionKind| {
        only.is_none_or(|kinds| {
            kinds.iter().any(|filter| {
                kind.as_str() == filter.as_str()
                    || kind.as_str().starts_with(&format!("{}.", filter.as_str()))
            })
        })
    };
    let text = &snapshot.checked.course.file(file).text;
    let index = LineIndex::new(text, encoding);
    let missing: Vec<MissingId> =
        fix::missing_ids(&snapshot.checked.course, &snapshot.checked.diagnostics)
            .into_iter()
            .filter(|missing| missing.heading.file == file)
            .collect();
    let edit_of = |missing: &MissingId| {
        let at = index.position(text, missing.heading.range.end);
        TextEdit::new(lsp_types::Range::new(at, at), missing.insertion())
    };
    let workspace_edit = |edits: Vec<TextEdit>| WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    };
    let lsp_diagnostics = super::convert::diagnostics(snapshot, file, encoding);
    let mut actions = Vec::new();
    if wanted(&CodeActionKind::QUICKFIX) {
        for missing in missing
            .iter()
            .filter(|missing| overlaps(&missing.heading.range, &requested))
        {
            let heading = index.range(text, &missing.heading.range);
            let fixes = lsp_diagnostics
                .iter()
                .filter(|diagnostic| {
                    diagnostic.range == heading
                        && diagnostic.code
                            == Some(NumberOrString::String(
                                codes::MISSING_ITEM_ID.code.to_owned(),
                            ))
                })
                .cloned()
                .collect::<Vec<_>>();
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Add item id `{{#{}}}`", missing.slug),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(fixes),
                edit: Some(workspace_edit(vec![edit_of(missing)])),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
    }
    if !missing.is_empty() && wanted(&fix_all_kind()) {
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Add every missing item id in this file ({})", missing.len()),
            kind: Some(fix_all_kind()),
            edit: Some(workspace_edit(missing.iter().map(edit_of).collect())),
            ..CodeAction::default()
        }));
    }
    actions
}

/// Whether two byte ranges touch (a cursor, an empty range, on a heading's last byte counts).
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}
