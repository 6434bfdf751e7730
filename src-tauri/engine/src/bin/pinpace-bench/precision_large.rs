//! Scenario 4b: scheduled precision while some pins carry 20 MB local images, at real time (a
//! time scale of 1). It shows that a big image does not hold the loop: the image is read and
//! encoded by its own attempt, off the loop and outside any write transaction, so the small
//! pins due around it keep their time. The big pins' own lateness includes sending 27 MB of
//! base64 to the simulator, and is printed apart. PinPace only: the baselines send URLs.

use std::io::Write;

use chrono::TimeDelta;
use pinpace_engine::pacing::Preset as EnginePreset;
use pinpace_engine::sim::SimConfig;
use rand::{Rng, SeedableRng};

use crate::harness::{percentiles, run_pinpace, Measured, Pin, World};
use crate::report::Row;
use crate::scenarios::Strategy;

/// Just under the 20 MiB the store takes.
const IMAGE_BYTES: usize = 20 * 1024 * 1024 - 1024;

/// A PNG-signed file of `IMAGE_BYTES` of noise (the simulator checks the signature only).
fn big_png(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let path = dir.join(format!("big{n}.png"));
    let mut rng = rand::rngs::StdRng::seed_from_u64(n as u64);
    let mut bytes = vec![0u8; IMAGE_BYTES];
    rng.fill(&mut bytes[..]);
    bytes[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&bytes))
        .expect("the bench writes its images");
    path
}

pub async fn precision_with_big_images(pins: usize) -> Vec<Row> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let images: Vec<_> = (0..5).map(|n| big_png(dir.path(), n)).collect();
    let world = World::new(SimConfig::default(), 10, 1.0).await;
    let first = world.start + TimeDelta::seconds(10);
    let workload: Vec<Pin> = (0..pins)
        .map(|k| Pin {
            lane: k % 10,
            due: first + TimeDelta::milliseconds(120 * k as i64),
            title: format!("p{k}"),
            // One pin in ten carries a 20 MB image.
            image: (k % 10 == 3).then(|| images[(k / 10) % images.len()].clone()),
        })
        .collect();
    run_pinpace(
        &world,
        &workload,
        vec![],
        EnginePreset::Standard,
        TimeDelta::minutes(5),
    )
    .await;
    let m = Measured::read(&world, &workload);
    let (mut small, mut big) = (Vec::new(), Vec::new());
    for (p, c) in workload.iter().zip(&m.created) {
        if let Some(c) = c {
            let late = (*c - p.due).num_milliseconds().max(0);
            if p.image.is_some() {
                &mut big
            } else {
                &mut small
            }
            .push(late);
        }
    }
    let n_big = big.len();
    let (p50, p99, max) = percentiles(small);
    let (b50, b99, bmax) = percentiles(big);
    let met = p99 <= 50 && max <= 200 && m.lost() == 0 && m.duplicates == 0;
    vec![Row::new(
        "4b precision, 20 MB images, real time",
        Strategy::PinPace,
        format!(
            "small pins: p50 {p50} ms, p99 {p99} ms, max {max} ms; {n_big} pins with 20 MB: \
             p50 {b50} ms, p99 {b99} ms, max {bmax} ms (includes the 27 MB upload); lost {}",
            m.lost()
        ),
        "small p99 ≤ 50 ms, max ≤ 200 ms",
        Some(met),
    )]
}
