//! `--format sarif`: SARIF 2.1.0, the format GitHub code scanning uploads
//! (`github/codeql-action/upload-sarif`). One run; `tool.driver.rules` lists every rule with its
//! documentation, each result points at its rule by id and index. Paths are relative URIs under
//! `%SRCROOT%`; regions are 1-based with exclusive end columns, as the standard says.

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lines::Lines;
use crate::lint::registry::RULES;
use crate::model::SourceFile;

/// The SARIF log as pretty JSON with a final newline.
pub fn render(diagnostics: &[Diagnostic], files: &[SourceFile]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.meta.code.code,
                "name": rule.meta.code.name,
                "shortDescription": { "text": rule.meta.summary() },
                "fullDescription": { "text": rule.meta.summary() },
                "help": { "text": rule.meta.explanation(), "markdown": rule.meta.explanation() },
                "defaultConfiguration": { "level": level(rule.meta.default_severity) },
            })
        })
        .collect();
    let lines = Lines::new(files);
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let file = &files[diagnostic.span.file.0];
            let start = lines.line_column(diagnostic.span.file, diagnostic.span.range.start);
            let end = lines.line_column(diagnostic.span.file, diagnostic.span.range.end);
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": diagnostic.code.code,
                "level": level(diagnostic.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": uri(&file.path.display().to_string()),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                        },
                    },
                }],
            });
            if let Some(index) = RULES
                .iter()
                .position(|rule| rule.meta.code.code == diagnostic.code.code)
            {
                result["ruleIndex"] = json!(index);
            }
            if let Some(item) = &diagnostic.item_id {
                result["properties"] = json!({ "item_id": item });
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cardsmith",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                },
            },
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "the project root" } } },
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).expect("SARIF always serializes");
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative URI: `/` separators, spaces and `%` escaped.
fn uri(path: &str) -> String {
    path.replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20")
}
