//! Kill -9 during writes (see `mostrador_tests::kill9`): at least 50 SIGKILLs of a child
//! process running the outbox while the sandbox loses write responses; every answer, message,
//! stock change, deletion and block is in effect exactly once at the end.

use mostrador_tests::require_desktop_session;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_land_exactly_once_through_fifty_kill_nines() -> anyhow::Result<()> {
    require_desktop_session();
    let child = std::path::Path::new(env!("CARGO_BIN_EXE_mostrador-outbox-child"));
    let report = mostrador_tests::kill9::run(child, 50).await?;
    assert!(report.kills >= 50, "{report:?}");
    for kind in ["answer", "message", "stock", "delete", "block"] {
        assert!(
            report.by_kind.contains_key(kind),
            "no {kind} written: {report:?}"
        );
    }
    eprintln!("{report:?}");
    assert_eq!((report.lost, report.duplicated), (0, 0), "{report:?}");
    Ok(())
}
