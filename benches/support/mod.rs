//! What the benches share: generated lessons.

/// The seed's body `copies` times; item ids get a `-<copy>` suffix and questions a ` (<copy>)`
/// suffix so that ids stay unique and the duplicate-question lint stays quiet.
pub fn repeated_lesson(seed: &str, copies: usize) -> String {
    let body_start = seed[3..].find("\n---\n").expect("front matter closes") + 3 + 5;
    let (front_matter, body) = seed.split_at(body_start);
    let mut lesson = front_matter.to_owned();
    for copy in 1..=copies {
        for line in body.lines() {
            match line
                .strip_prefix("### ")
                .and_then(|heading| heading.rsplit_once("? {#"))
            {
                Some((question, id)) => {
                    let id = id.trim_end_matches('}');
                    lesson.push_str(&format!("### {question} ({copy})? {{#{id}-{copy}}}\n"));
                }
                None => {
                    lesson.push_str(line);
                    lesson.push('\n');
                }
            }
        }
    }
    lesson
}
