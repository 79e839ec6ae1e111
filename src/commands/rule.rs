//! `cardsmith rule CODE` (a rule's documentation) and `rule --all` (one line per rule), as text
//! or JSON, like ruff's `crates/ruff/src/commands/rule.rs`.

use anyhow::Context;

use super::{Status, Streams, to_json};
use crate::lint::registry::{self, RuleEntry};

/// Runs `rule`: `code` is a code or name; `None` lists every rule.
pub fn run(code: Option<&str>, json: bool, streams: &mut Streams<'_>) -> anyhow::Result<Status> {
    streams.out(&explain(code, json)?)?;
    Ok(Status::Success)
}

/// The text `rule` prints.
fn explain(code: Option<&str>, json: bool) -> anyhow::Result<String> {
    let Some(code) = code else {
        if json {
            let all: Vec<_> = registry::RULES.iter().map(describe).collect();
            return Ok(to_json(&all));
        }
        let width = registry::RULES
            .iter()
            .map(|rule| rule.meta.code.name.len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for rule in registry::RULES {
            out.push_str(&format!(
                "{}  {:<width$}  {:<7}  {}\n",
                rule.meta.code.code,
                rule.meta.code.name,
                rule.meta.default_severity.as_str(),
                rule.meta.summary()
            ));
        }
        return Ok(out);
    };
    let rule = registry::find(code)
        .with_context(|| format!("unknown rule `{code}` (`cardsmith rule --all` lists them)"))?;
    if json {
        return Ok(to_json(&describe(rule)));
    }
    Ok(rule.documentation())
}

fn describe(rule: &RuleEntry) -> serde_json::Value {
    serde_json::json!({
        "code": rule.meta.code.code,
        "name": rule.meta.code.name,
        "severity": rule.meta.default_severity.as_str(),
        "summary": rule.meta.summary(),
        "explanation": rule.meta.explanation(),
        "suppressible": rule.can_be_silenced(),
    })
}
