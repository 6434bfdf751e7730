//! The bench's output: one row per scenario and strategy, printed as a table and written as
//! markdown under target/bench/, with the date and the machine it was measured on.

use crate::scenarios::Strategy;

pub struct Row {
    pub scenario: &'static str,
    pub strategy: &'static str,
    pub result: String,
    pub target: String,
    /// Whether PinPace met its target (baselines have none).
    pub met: Option<bool>,
}

impl Row {
    pub fn new(
        scenario: &'static str,
        s: Strategy,
        result: String,
        target: impl Into<String>,
        met: Option<bool>,
    ) -> Row {
        Row {
            scenario,
            strategy: s.name(),
            result,
            target: if met.is_some() {
                target.into()
            } else {
                String::new()
            },
            met,
        }
    }
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "NOT met",
        None => "",
    }
}

pub fn markdown(rows: &[Row], header: &str) -> String {
    let mut out = format!(
        "{header}\n\n| scenario | strategy | result | PinPace target | |\n|---|---|---|---|---|\n"
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r.scenario,
            r.strategy,
            r.result,
            r.target,
            verdict(r.met)
        ));
    }
    out
}

pub fn print(rows: &[Row]) {
    for r in rows {
        println!(
            "{:<22} {:<14} {}  {} {}",
            r.scenario,
            r.strategy,
            r.result,
            r.target,
            verdict(r.met)
        );
    }
}
