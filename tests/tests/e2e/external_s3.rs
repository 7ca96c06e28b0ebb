//! `--s3-endpoint`: the server stores in an external S3 server over HTTP with no other change.
//! The external server is Garage (a real distributed S3 implementation, one node on loopback):
//! multipart uploads through presigned part URLs, Range reads of the result, the worker reading
//! the clip back to transcribe it, and deletion.

use std::time::Duration;

use vidmsg_api::SearchQuery;
use vidmsg_server::Config;
use vidmsg_tests::garage::Garage;
use vidmsg_tests::speech::make_clip;
use vidmsg_tests::upload::upload_all;
use vidmsg_tests::{TestServer, model};

use crate::threads_and_messages::video;

#[tokio::test]
async fn uploads_reads_transcription_and_deletes_go_to_garage() -> anyhow::Result<()> {
    let garage = Garage::start()?;
    let dir = tempfile::tempdir()?;
    let clip = make_clip(
        dir.path(),
        "garage",
        &["The quarterly roadmap review moved to Thursday afternoon."],
        500,
        500,
    )?;
    let file = std::fs::read(vidmsg_tests::media::big_mp4()?)?;

    let data = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data.path());
    config.bucket = "team-videos".into();
    config.s3 = Some(garage.s3());
    config.transcription.model = Some(model::default_model()?);
    let srv = TestServer::spawn_with(config, data).await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "External").await?;

    // A 15 MB clip in three parts, presigned for Garage and PUT there directly.
    let big = alice.create_message(t.id, &video("Big")).await?;
    let big = upload_all(&alice, big.id, &file).await?;
    let url = big.video_url.clone().expect("video_url");
    assert!(
        url.starts_with(&garage.endpoint) && url.contains("/team-videos/"),
        "presigned for Garage: {url}"
    );
    let whole = reqwest::get(&url).await?.bytes().await?;
    assert!(whole == file, "Garage returned other bytes");
    let range = reqwest::Client::new()
        .get(&url)
        .header("Range", "bytes=1000-1999")
        .send()
        .await?;
    assert_eq!(range.status().as_u16(), 206);
    assert!(range.bytes().await? == file[1000..2000]);
    // Nothing was stored beside the API server.
    assert!(!srv.data_dir.path().join("objects").exists());

    // The worker reads the spoken clip back from Garage and transcribes it.
    let spoken = alice.create_message(t.id, &video("Roadmap")).await?;
    upload_all(&alice, spoken.id, &std::fs::read(&clip.path)?).await?;
    TestServer::wait_ready(&alice, spoken.id, Duration::from_secs(180)).await?;
    let hits = alice
        .search(&SearchQuery {
            q: "roadmap".into(),
            ..Default::default()
        })
        .await?;
    assert!(
        hits.hits.iter().any(|h| h.message_id == spoken.id),
        "{hits:?}"
    );

    // Deleting the message deletes the object in Garage.
    alice.delete_message(big.id).await?;
    let gone = reqwest::get(&url).await?;
    assert_eq!(gone.status().as_u16(), 404, "the object is still in Garage");

    // Without an embedded store, non-API paths are plain 404s.
    let resp = reqwest::get(format!("{}/team-videos/x", srv.base_url())).await?;
    assert_eq!(resp.status().as_u16(), 404);
    Ok(())
}
