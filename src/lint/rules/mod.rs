//! One module per rule (the structure codes are declared in `crate::codes`).

pub mod compound_question;
pub mod duplicate_question;
pub mod forbidden_phrase;
pub mod long_answer;
pub mod long_enumeration;
pub mod missing_conditional_point;
pub mod missing_required_point;
pub mod not_a_question;
pub mod raised_red_flag;
pub mod restated_question;
pub mod unused_suppression;
pub mod yes_no_question;
