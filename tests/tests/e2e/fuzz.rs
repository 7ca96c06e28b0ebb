//! A real fuzzer against the real server: schemathesis (installed by `scripts/setup-tests`) sends
//! generated valid and invalid requests to every operation of the served `/api/openapi.json`,
//! signed in, and fails on any 5xx and on any status, content type, header or body the spec does
//! not document. A short run with a fixed seed, so it repeats; `scripts/fuzz-api` runs a longer
//! one with fresh seeds. Its server setup mirrors that script's.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use vidmsg_api::{CreateMessage, CreateThread};
use vidmsg_tests::TestServer;

/// Generated cases per operation and phase: enough to reach every operation's error answers
/// with a few malformed inputs each, small enough for about a minute on two busy cores.
const EXAMPLES: &str = "6";
/// A fixed seed: the suite repeats the same cases (a new finding shows up in scripts/fuzz-api).
const SEED: &str = "13";
/// What counts as a finding (schemathesis `--checks`): a server error, or an answer off the spec.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_headers_conformance,response_schema_conformance";
/// schemathesis prints its own progress; a run stuck past this is a failure too.
const RUN_LIMIT: Duration = Duration::from_secs(150);

/// The fuzzer from the virtualenv `scripts/setup-tests` makes.
fn schemathesis() -> anyhow::Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    let bin = PathBuf::from(home).join(".cache/vidmsg/venv-fuzz/bin/schemathesis");
    anyhow::ensure!(
        bin.exists(),
        "{} is missing: run scripts/setup-tests (it installs schemathesis from PyPI)",
        bin.display()
    );
    Ok(bin)
}

/// Runs `schemathesis run SPEC` signed in with `token`, limited by `filter`; its exit status
/// and everything it printed.
async fn fuzz(spec: &str, token: &str, filter: &[&str]) -> anyhow::Result<(bool, String)> {
    // A folder of its own: schemathesis looks for a config file upwards from its working dir.
    let cwd = tempfile::tempdir()?;
    let run = tokio::process::Command::new(schemathesis()?)
        .current_dir(cwd.path())
        .args(["--no-color", "run", spec, "--header"])
        .arg(format!("Authorization: Bearer {token}"))
        .args([
            "--checks",
            CHECKS,
            "--max-examples",
            EXAMPLES,
            "--seed",
            SEED,
        ])
        .args(["--workers", "1", "--request-timeout", "10"])
        .args(["--generation-database", "none"])
        .args(filter)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(RUN_LIMIT, run)
        .await
        .context("schemathesis ran past its time limit")??;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok((out.status.success(), text))
}

/// The findings part of schemathesis's report (or its end, when it failed before testing).
fn findings(report: &str) -> &str {
    let start = report.find("FAILURES").unwrap_or(0);
    let tail = &report[start..];
    let cut = tail.len().saturating_sub(12_000);
    let cut = (cut..tail.len())
        .find(|&i| tail.is_char_boundary(i))
        .unwrap_or(tail.len());
    &tail[cut..]
}

#[tokio::test]
async fn schemathesis_finds_no_server_error_and_no_answer_off_the_spec() -> anyhow::Result<()> {
    schemathesis()?;
    let srv = TestServer::spawn().await?;
    let (token, fuzzer) = srv.account("fuzzer").await?;
    srv.user("other").await?;
    let leaver = srv.token("leaver").await?;
    // Ids that exist, for the operations that take one: a thread, a text and a video message.
    let thread = fuzzer
        .create_thread(&CreateThread {
            title: "fuzzing".into(),
            members: vec!["other".into()],
        })
        .await?;
    fuzzer
        .create_message(thread.id, &CreateMessage::text("hello"))
        .await?;
    fuzzer
        .create_message(thread.id, &CreateMessage::video("clip"))
        .await?;
    let spec = format!("{}/api/openapi.json", srv.base_url().trim_end_matches('/'));
    let operations: usize = srv.anonymous().openapi().await?["paths"]
        .as_object()
        .context("the spec has no paths")?
        .values()
        .filter_map(|item| item.as_object())
        .map(|item| {
            let methods = ["get", "put", "post", "delete", "patch"];
            item.keys()
                .filter(|k| methods.contains(&k.as_str()))
                .count()
        })
        .sum();

    // Everything but signing out (it would revoke the token mid-run) and the event stream (it
    // never ends while its token is valid; schemathesis could only time out on it).
    let everything = [
        "--exclude-path",
        "/api/events",
        "--exclude-path",
        "/api/sessions/current",
    ];
    let (ok, report) = fuzz(&spec, &token, &everything).await?;
    assert!(ok, "schemathesis found:\n{}", findings(&report));
    // All but the two left out above and `GET /api/openapi.json`, which schemathesis reads (the
    // spec it fuzzes from) rather than fuzzes.
    let tested = format!("Tested: {}", operations - 3);
    assert!(
        report.contains(&tested),
        "schemathesis did not test every other operation ({tested}):\n{report}"
    );

    // Signing out, last, with a token of its own.
    let only_sign_out = ["--include-path", "/api/sessions/current"];
    let (ok, report) = fuzz(&spec, &leaver, &only_sign_out).await?;
    assert!(ok, "schemathesis found:\n{}", findings(&report));
    Ok(())
}
