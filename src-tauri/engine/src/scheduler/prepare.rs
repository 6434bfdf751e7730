//! Getting attempts ready, in three steps, so that the one write transaction of a dispatch round
//! holds nothing slow:
//! 1. `plan`: which job goes and what the attempt may do (create, or only look at the board);
//! 2. `build`: the pin's request, with no write open; a local image (up to 20 MB) is only found
//!    here and read and encoded by the attempt itself, off the loop, so neither the store lock
//!    nor the loop waits on it and a board check never reads it;
//! 3. `mark`: every chosen job marked in flight with its attempt and request-log row, in one
//!    durable commit made before any request leaves (DESIGN invariant 3). A job the user
//!    changed since step 1 is left alone; a failed commit sends nothing and halts.

use crate::AccountId;
use std::collections::HashSet;
use std::path::PathBuf;

use chrono::{DateTime, TimeDelta, Utc};

use super::dispatch::AttemptInput;
use super::engine::Engine;
use crate::pinterest::types::{Category, ImageContentType, MediaSource, PinCreate};
use crate::pinterest::PinterestClient;
use crate::store::job_error::JobErrorCode;
use crate::store::job_state::JobState;
use crate::store::jobs::{Job, JobPatch};
use crate::store::media::stored_path;
use crate::store::pins::PinContent;

/// What one attempt of a job may do, decided from the job alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Plan {
    /// The budget is spent: look at the board once, send nothing.
    pub check_only: bool,
    /// A board check that finds nothing may be believed (the listing lag has passed).
    pub trust_absence: bool,
    /// The attempt may create the pin (counted, logged and stamped as a send).
    pub may_create: bool,
}

/// Why a chosen job was not built.
pub(super) enum NotBuilt {
    /// It can never be sent as it is: it was failed with the reason.
    Unsendable,
    /// A local read failed; the lane waits a moment.
    LocalError,
}

/// A chosen job with its request, ready to be marked in flight.
pub(super) struct Built {
    job: Job,
    plan: Plan,
    content: PinContent,
    request: PinCreate,
    local_image: Option<PathBuf>,
    client: PinterestClient,
    claimed: HashSet<String>,
}

impl Built {
    pub(super) fn account(&self) -> AccountId {
        self.job.account_id.unwrap_or_default()
    }
}

impl Engine {
    pub(super) fn plan(&self, job: &Job, now: DateTime<Utc>) -> Plan {
        let check_only = job.needs_reconcile
            && job.attempt >= i64::from(self.config.retry.max_attempts)
            && job.error_code == Some(JobErrorCode::FinalBoardCheck);
        let trust_absence = self.trust_at(job).is_none_or(|t| now >= t);
        // A peek (the listing lag has not passed yet) can only confirm the pin: nothing is sent.
        let may_create = !check_only && (trust_absence || !job.needs_reconcile);
        Plan {
            check_only,
            trust_absence,
            may_create,
        }
    }

    /// When a board check that finds nothing may be believed: the listing lag plus the request
    /// timeout after the job's latest creation left (`None`: nothing was ever sent).
    pub(super) fn trust_at(&self, job: &Job) -> Option<DateTime<Utc>> {
        let wait = self.config.listing_lag + crate::pinterest::client::REQUEST_TIMEOUT;
        let wait = TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX);
        job.last_sent_at.or(job.sent_at).map(|t| t + wait)
    }

    /// Step 2.
    pub(super) fn build(&mut self, job: Job, plan: Plan) -> Result<Built, NotBuilt> {
        let account = job.account_id.unwrap_or_default();
        let content = self.db().pin(job.pin_id);
        let content = match content {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(job = %job.id, "cannot read the pin: {}", e.message);
                return Err(NotBuilt::LocalError);
            }
        };
        let (request, local_image) = match self.pin_request(&job, &content) {
            Ok(r) => r,
            Err(message) => {
                self.fail_unsendable(&job, &message);
                return Err(NotBuilt::Unsendable);
            }
        };
        let client = self.client_for(account).ok_or(NotBuilt::LocalError)?;
        // Only a board check needs to know which pins other jobs already own. No look-alike can
        // be published while this attempt runs (they wait behind it), so the set stays true.
        let claimed: HashSet<String> = if job.needs_reconcile {
            let board = job.board_id.clone().unwrap_or_default();
            let claimed = self.db().claimed_pin_ids(account, &board);
            match claimed {
                Ok(ids) => ids.into_iter().collect(),
                Err(e) => {
                    tracing::warn!(job = %job.id, "cannot read the claimed pins: {}", e.message);
                    return Err(NotBuilt::LocalError);
                }
            }
        } else {
            HashSet::new()
        };
        Ok(Built {
            job,
            plan,
            content,
            request,
            local_image,
            client,
            claimed,
        })
    }

    /// A job that can never be sent as it is (no image, no board): failed with the reason.
    fn fail_unsendable(&mut self, job: &Job, message: &str) {
        let patch = JobPatch {
            error: Some(Some((JobErrorCode::InvalidPin, message.to_string()))),
            ..Default::default()
        };
        let none = JobPatch::default();
        if self.move_job(
            job,
            JobState::InFlight,
            "checked before sending",
            None,
            none,
        ) {
            let reread = self.db().job(job.id);
            if let Ok(job) = reread {
                self.move_job(&job, JobState::Failed, message, None, patch);
            }
        }
    }

    /// Step 3, for one job, inside the round's durable batch: the in-flight mark and the
    /// request-log row. `None` when the job changed meanwhile or the write failed.
    pub(super) fn mark(&mut self, built: Built, now: DateTime<Utc>) -> Option<AttemptInput> {
        let Built {
            job,
            plan,
            content,
            request,
            local_image,
            client,
            claimed,
        } = built;
        let account = job.account_id.unwrap_or_default();
        let patch = JobPatch {
            // Saturating: `attempt` is read from the database.
            attempt: Some(job.attempt.saturating_add(i64::from(plan.may_create))),
            // While a board check is pending, keep the time of the earliest unconfirmed attempt:
            // the check must accept a pin created by that attempt, however long ago it was.
            sent_at: if job.needs_reconcile {
                None
            } else {
                Some(Some(now))
            },
            last_sent_at: plan.may_create.then_some(Some(now)),
            ..Default::default()
        };
        let marked = self.db().durably(|s| {
            let moved = s.transition_from(
                &job,
                JobState::InFlight,
                "sending to Pinterest",
                None,
                &patch,
                now,
            )?;
            if plan.may_create {
                s.log_request(account, Category::OrgWrite, now)?;
            }
            Ok(moved)
        });
        let job = match marked {
            Ok(job) => job,
            Err(e) => {
                tracing::info!(job = %job.id, "not sent: {}", e.message);
                return None;
            }
        };
        let refresh_lock = self.refresh_locks.entry(account).or_default().clone();
        Some(AttemptInput {
            refresh_lock,
            dispatched_at: now,
            job,
            content,
            request,
            local_image,
            claimed,
            client,
            tokens: self.tokens.clone(),
            trust_absence: plan.trust_absence,
            may_create: plan.may_create,
        })
    }

    /// The request, and the local image the attempt reads into it (checked to exist here; its
    /// bytes are read by the attempt, off the loop).
    fn pin_request(
        &self,
        job: &Job,
        content: &PinContent,
    ) -> Result<(PinCreate, Option<PathBuf>), String> {
        let mut local_image = None;
        let media_source = if let Some(sha) = &content.media_sha256 {
            let dir = self.db().media_dir().map_err(|e| e.message)?;
            // A stored hash that is not a SHA-256 fails the job here, before it is a path.
            let mut found = None;
            for t in [ImageContentType::Png, ImageContentType::Jpeg] {
                let p = stored_path(&dir, sha, t).map_err(|e| e.message)?;
                if p.is_file() {
                    found = Some((t, p));
                    break;
                }
            }
            let (content_type, path) = found
                .ok_or_else(|| "the pin's image is missing from the media folder".to_string())?;
            local_image = Some(path);
            MediaSource::ImageBase64 {
                content_type,
                data: String::new(),
            }
        } else if let Some(url) = &content.media_url {
            MediaSource::ImageUrl { url: url.clone() }
        } else {
            return Err("the pin has no image".into());
        };
        let request = PinCreate {
            board_id: job.board_id.clone().ok_or("the job has no board")?,
            board_section_id: job.section_id.clone(),
            text: content.text.clone(),
            dominant_color: None,
            media_source,
        };
        Ok((request, local_image))
    }
}
