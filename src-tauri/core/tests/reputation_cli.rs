//! `mostrador-reputation` as a seller's script would run it: JSON in, JSON out, errors on
//! stderr with exit status 2.

use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mostrador-reputation"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tool starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("input written");
    let out = child.wait_with_output().expect("the tool ends");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_history_in_an_assessment_out() {
    // 20 sales over the last 20 days, one with a claim: 365-day window (fewer than 50 in 60
    // days), 5 % of claims > 3 %: orange; one more claim (10 % > 6 %) or one cancellation
    // (5 % > 3 %) makes it red.
    let sales: Vec<String> = (0..20)
        .map(|i| {
            format!(
                r#"{{"date":"2026-11-{:02}","claim":{},"dispatched":true}}"#,
                29 - i,
                i == 3
            )
        })
        .collect();
    let input = format!(
        r#"{{"site":"MLA","today":"2026-11-29","sales":[{}]}}"#,
        sales.join(",")
    );
    let (code, out, err) = run(&[], &input);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON out");
    assert_eq!(v["window_days"], 365);
    assert_eq!(v["sales_in_window"], 20);
    assert_eq!(v["rates"]["claims"], 0.05);
    assert_eq!(v["level"], "2_orange");
    assert_eq!(v["more_claims_to_drop"], 1);
    assert_eq!(v["more_cancellations_to_drop"], 1);
    assert_eq!(v["leaves_window"][0]["date"], "2027-11-26");
    // By then only the three sales after it are in the year: fewer than 10, no colour.
    assert_eq!(
        v["leaves_window"][0]["level_after"],
        serde_json::Value::Null
    );
}

#[test]
fn help_and_bad_input() {
    let (code, out, _) = run(&["--help"], "");
    assert_eq!(code, 0);
    assert!(out.contains("leaves_window") && out.contains("USAGE"));
    let (code, out, err) = run(&[], r#"{"site":"XXX","today":"2026-11-29","sales":[]}"#);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("XXX"), "{err}");
    let (code, _, err) = run(&[], "not json");
    assert_eq!(code, 2);
    assert!(err.contains("--help"), "{err}");
}
