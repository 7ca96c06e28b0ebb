//! `--s3-endpoint`: the server talks to an external S3 server over HTTP with no other change.
//! The external server here is a second vidmsg server's S3 endpoint (s3s-fs, SigV4), reached
//! only through its address and keys, as Garage or MinIO would be.

use vidmsg_server::Config;
use vidmsg_server::config::ExternalS3;
use vidmsg_server::storage::embedded::EmbeddedCredentials;
use vidmsg_tests::TestServer;
use vidmsg_tests::media::big_mp4;
use vidmsg_tests::upload::upload_all;

use crate::threads_and_messages::video;

#[tokio::test]
async fn uploads_go_to_an_external_s3_endpoint() -> anyhow::Result<()> {
    let file = std::fs::read(big_mp4()?)?;
    let storage_host = TestServer::spawn().await?;
    let creds = EmbeddedCredentials::load_or_create(
        &storage_host.data_dir.path().join("embedded-s3.json"),
    )?;

    let data = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data.path());
    config.bucket = "team-videos".into();
    config.s3 = Some(ExternalS3 {
        endpoint: storage_host.base_url().to_string(),
        region: "us-east-1".into(),
        access_key: creds.access_key.clone(),
        secret_key: creds.secret_key.clone(),
    });
    let srv = TestServer::spawn_with(config, data).await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "External").await?;
    let msg = alice.create_message(t.id, &video("External")).await?;
    let msg = upload_all(&alice, msg.id, &file).await?;
    let url = msg.video_url.expect("video_url");
    assert!(
        url.starts_with(storage_host.base_url()),
        "presigned for the external endpoint: {url}"
    );
    assert!(url.contains("/team-videos/"));
    let whole = reqwest::get(&url).await?.bytes().await?;
    assert!(whole == file);
    // The object really lives in the external store's folder, and not in the API server's.
    assert!(
        storage_host
            .data_dir
            .path()
            .join("objects/team-videos")
            .is_dir()
    );
    assert!(!srv.data_dir.path().join("objects").exists());
    // Without an embedded store, non-API paths are plain 404s.
    let resp = reqwest::get(format!("{}/team-videos/x", srv.base_url())).await?;
    assert_eq!(resp.status().as_u16(), 404);
    Ok(())
}
