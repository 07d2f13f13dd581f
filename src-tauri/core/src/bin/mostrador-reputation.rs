//! `mostrador-reputation`: Mercado Libre's seller thermometer and its forecast for a sales
//! history given as JSON on stdin, computed by the same function the app uses.

use std::io::{Read, Write};
use std::process::ExitCode;

use chrono::NaiveDate;
use mostrador_core::reputation::{self, Sale};
use serde::Deserialize;

const HELP: &str = "\
mostrador-reputation — the seller thermometer and its forecast, as Mostrador computes them

USAGE:
    mostrador-reputation < history.json > assessment.json

INPUT (stdin):
    {\"site\": \"MLA\", \"today\": \"2026-11-29\",
     \"sales\": [{\"date\": \"2026-11-01\", \"claim\": false, \"cancelled_by_seller\": false,
                \"dispatched\": true, \"late\": false}, ...]}
    site: MLA, MLB, MLM, MCO, MLC, MLU, MEC or MPE. Missing flags are false.

OUTPUT (stdout):
    {\"window_days\": 60, \"sales_in_window\": N,
     \"rates\": {\"claims\": f, \"cancellations\": f, \"delayed\": f},
     \"level\": \"5_green\" | \"3_yellow\" | \"2_orange\" | \"1_red\" | null,
     \"more_claims_to_drop\": k | null, \"more_cancellations_to_drop\": k | null,
     \"more_delays_to_drop\": k | null,
     \"leaves_window\": [{\"date\": \"YYYY-MM-DD\", \"level_after\": \"...\"}], ...}
    The window is the site's short one (60 days; 120 for MLU, MEC, MPE) when the seller made
    at least the site's threshold of sales in it, else 365 days. No colour below 10 sales. Rates
    are fractions: claims = sales with a claim / sales; cancellations = seller cancellations
    without a claim / sales; delayed = late dispatches / dispatched. The level is the worst any
    rate reaches under the site's limits. more_*_to_drop: the fewest new incidents on sales
    already in the window that lower the level (null when red or without a colour).
    leaves_window: each day an incident's sale leaves the window, with the level after it
    assuming no new sales. Also: sales_to_green, lider_rates, metric_levels, tally, timeline.

EXIT STATUS:
    0 on success; 2 on unreadable input or an unknown site (the reason on stderr).
";

#[derive(Deserialize)]
struct Input {
    site: String,
    today: NaiveDate,
    sales: Vec<Sale>,
}

fn main() -> ExitCode {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("mostrador-reputation: cannot read stdin: {e}");
        return ExitCode::from(2);
    }
    let input: Input = match serde_json::from_str(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("mostrador-reputation: the input is not a sales history: {e} (see --help)");
            return ExitCode::from(2);
        }
    };
    match reputation::assess(&input.site, &input.sales, input.today) {
        Ok(assessment) => {
            let mut out = std::io::stdout().lock();
            let written = serde_json::to_writer(&mut out, &assessment)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out));
            if let Err(e) = written {
                eprintln!("mostrador-reputation: cannot write the assessment: {e}");
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mostrador-reputation: {e}");
            ExitCode::from(2)
        }
    }
}
