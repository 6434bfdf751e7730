//! The exactly-once judge for the engine tests: queues pins whose images differ (look-alikes, or
//! pins with their own text too), then reads the simulator's own record of what was created and
//! checks, image by image, that every job's pin exists once, that a published job holds the id
//! of the pin made from its own image, and that nothing was throttled or sent early.

use pinpace_engine::JobId;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use pinpace_engine::sim::validate::fnv64;
use pinpace_engine::store::job_state::JobState;

use super::engine_env::{QueuedPin, World};

/// A queued job and the image URL its pin was made from.
pub type QueuedJob = (JobId, String);

fn queue_one(w: &World, lane: usize, title: &str, image: &str, at: DateTime<Utc>) -> QueuedJob {
    let pin = QueuedPin {
        title: title.into(),
        description: Some("Five ways to make it".into()),
        link: "https://example.com/post".into(),
        image_url: image.into(),
    };
    (w.queue_pin(lane, &pin, at), image.to_string())
}

/// `n` designs of one post: the same title, description, link and board, another image each.
pub fn queue_lookalikes(w: &World, lane: usize, n: usize, at: DateTime<Utc>) -> Vec<QueuedJob> {
    (0..n)
        .map(|i| {
            let image = format!("https://example.com/lane{lane}/design{i}.jpg");
            queue_one(w, lane, "One post, many designs", &image, at)
        })
        .collect()
}

/// `n` pins with their own titles and images.
pub fn queue_distinct(w: &World, lane: usize, n: usize, at: DateTime<Utc>) -> Vec<QueuedJob> {
    (0..n)
        .map(|i| {
            let image = format!("https://example.com/lane{lane}/pin{i}.jpg");
            queue_one(w, lane, &format!("Pin {i} of lane {lane}"), &image, at)
        })
        .collect()
}

pub fn queue_titled(w: &World, lane: usize, title: &str, at: DateTime<Utc>) -> QueuedJob {
    let image = format!("https://example.com/lane{lane}/{title}.jpg");
    queue_one(w, lane, title, &image, at)
}

/// `n` old pins on the lane's board, made on Pinterest before the test (by hand, say).
pub fn fill_board(w: &World, lane: usize, n: usize) {
    let l = &w.lanes[lane];
    w.sim.seed_pins(&l.sim_account, &l.board.id, n, "Older pin");
}

#[derive(Debug)]
pub struct Verdict {
    pub jobs: usize,
    /// Images with exactly one live pin.
    pub distinct: usize,
    /// Jobs none of whose pins exists.
    pub lost: Vec<String>,
    /// Images with more than one pin.
    pub duplicates: Vec<String>,
    /// Published jobs whose pin id is another image's pin.
    pub wrong_pin: Vec<String>,
    pub rate_limited: u64,
    pub early: u64,
    pub failed: Vec<String>,
}

impl Verdict {
    pub fn judge(w: &World, jobs: &[QueuedJob]) -> Verdict {
        let created = w.sim.created_pins();
        let mut by_image: HashMap<String, Vec<String>> = HashMap::new();
        for p in created.iter().filter(|p| !p.deleted) {
            by_image
                .entry(p.media_fingerprint.clone())
                .or_default()
                .push(p.id.clone());
        }
        let mut v = Verdict {
            jobs: jobs.len(),
            distinct: 0,
            lost: Vec::new(),
            duplicates: Vec::new(),
            wrong_pin: Vec::new(),
            rate_limited: w.sim.stats().rate_limited,
            early: w.sim.stats().early_retries_by_account.values().sum(),
            failed: Vec::new(),
        };
        for (id, image) in jobs {
            let fingerprint = format!("url:{}", fnv64(image.as_bytes()));
            let pins = by_image.get(&fingerprint).cloned().unwrap_or_default();
            let job = w.with_store(|s| s.job(*id)).unwrap();
            match pins.len() {
                0 => v.lost.push(format!("job {id} ({image}): no pin")),
                1 => v.distinct += 1,
                n => v.duplicates.push(format!("job {id} ({image}): {n} pins")),
            }
            match job.state {
                JobState::Published => {
                    let pin_id = job.pinterest_pin_id.clone().unwrap_or_default();
                    if !pins.contains(&pin_id) {
                        v.wrong_pin.push(format!(
                            "job {id} ({image}) holds pin {pin_id}, not {pins:?}"
                        ));
                    }
                }
                other => v
                    .failed
                    .push(format!("job {id} is {other:?}: {:?}", job.error_message)),
            }
        }
        v
    }

    /// One line for the table (printed by the tests; `--nocapture` shows it).
    pub fn summary(&self) -> String {
        format!(
            "distinct {}/{} · lost {} · duplicates {} · another pin's id {} · failed {} · 429s {} · early {}",
            self.distinct,
            self.jobs,
            self.lost.len(),
            self.duplicates.len(),
            self.wrong_pin.len(),
            self.failed.len(),
            self.rate_limited,
            self.early
        )
    }

    pub fn assert_exactly_once(&self, expected: usize) {
        assert!(
            self.lost.is_empty()
                && self.duplicates.is_empty()
                && self.wrong_pin.is_empty()
                && self.failed.is_empty()
                && self.distinct == expected,
            "{self:#?}"
        );
    }

    pub fn assert_no_429_and_nothing_early(&self) {
        assert_eq!((self.rate_limited, self.early), (0, 0), "{self:#?}");
    }
}
