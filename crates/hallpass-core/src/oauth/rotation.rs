//! The refresh-token rotation rules, as pure functions. Both stores read the
//! presented token under lock, ask [`decide`], and carry out the answer in
//! the same transaction; the grant asks the same question first, unlocked,
//! so that whatever may refuse a refresh is checked before anything changes.

use crate::clock::Timestamp;
use crate::crypto::MasterKey;
use crate::ids::ClientId;
use crate::rng::Rng;
use crate::store::{PresentedRefresh, RefreshFamily, RefreshRotation, RotateRefresh, Session};
use std::time::Duration;

/// Seconds the idle expiry must move before a refresh rewrites the session:
/// frequent refreshes do not each rewrite it.
const SESSION_TOUCH_STEP_SECS: i64 = 60;

/// What a presentation of a refresh token earns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// No such token, or another client's: nothing is touched.
    Unknown,
    /// The family was revoked, or its session ended or timed out.
    Revoked,
    Expired,
    /// A replaced token after the grace window, or one two rotations behind
    /// (a stale branch): the session ends.
    Reuse,
    /// The token is current: replace it.
    Rotate,
    /// The token was replaced inside the grace window and its successor is
    /// still current: hand back that successor, sealed; nothing is written.
    Resend(Vec<u8>),
}

/// The rules, in order: the client must own the token, the family and its
/// session must be live, the token unexpired; a current token rotates; a
/// replaced one is resent only while its successor is current and the grace
/// window lasts, and anything else is reuse.
pub fn decide(found: Option<&PresentedRefresh>, client: &ClientId, now: Timestamp, grace: Duration) -> Rotation {
    let Some(found) = found else { return Rotation::Unknown };
    if &found.family.client_id != client {
        return Rotation::Unknown;
    }
    let live = found.session.as_ref().is_some_and(|s| s.is_live(now));
    if found.family.revoked_at.is_some() || !live {
        return Rotation::Revoked;
    }
    if found.expires_at <= now {
        return Rotation::Expired;
    }
    let Some(rotated_at) = found.rotated_at else {
        return Rotation::Rotate;
    };
    match &found.successor {
        Some(next) if !next.rotated && now < rotated_at.plus(grace) => Rotation::Resend(next.sealed.clone()),
        _ => Rotation::Reuse,
    }
}

/// What a store does with a presentation it read under lock.
#[derive(Debug)]
pub enum Step {
    /// Write nothing; answer this.
    Answer(RefreshRotation),
    /// End the session (reuse), then answer `ReuseDetected` with this family.
    EndSession(RefreshFamily, Session),
    /// Mark the token rotated with its successor, insert the replacement,
    /// touch the session, then answer `Rotated`.
    Rotate(RefreshFamily, Session),
}

/// [`decide`], turned into the step a store carries out.
pub fn plan(found: Option<PresentedRefresh>, request: &RotateRefresh) -> Step {
    let decision = decide(found.as_ref(), &request.client_id, request.now, request.grace);
    let live = found.and_then(|f| f.session.map(|session| (f.family, session)));
    match (decision, live) {
        (Rotation::Rotate, Some((family, session))) => Step::Rotate(family, session),
        (Rotation::Reuse, Some((family, session))) => Step::EndSession(family, session),
        (Rotation::Resend(successor_sealed), Some((family, session))) => {
            Step::Answer(RefreshRotation::RotatedInGrace {
                family,
                session,
                successor_sealed,
            })
        }
        (Rotation::Unknown, _) => Step::Answer(RefreshRotation::Unknown),
        (Rotation::Expired, _) => Step::Answer(RefreshRotation::Expired),
        _ => Step::Answer(RefreshRotation::Revoked),
    }
}

/// The answer after a store has ended the session for reuse.
pub fn reuse_detected(family: RefreshFamily, now: Timestamp) -> RefreshRotation {
    RefreshRotation::ReuseDetected {
        family: RefreshFamily {
            revoked_at: Some(now),
            ..family
        },
    }
}

/// The session's new idle expiry after a refresh, when it moved far enough
/// to be worth writing; never past the absolute expiry.
pub fn touched_idle_expiry(session: &Session, idle_expires_at: Timestamp) -> Option<Timestamp> {
    let idle = idle_expires_at.min(session.absolute_expires_at);
    (idle.0 - session.idle_expires_at.0 >= SESSION_TOUCH_STEP_SECS).then_some(idle)
}

const SUCCESSOR_CONTEXT: &str = "refresh successor";

/// The key that seals a successor: derived from the presented token, which
/// the store never holds (it keeps only a SHA-256 of it), so neither the
/// database nor anyone without the token can open what is kept.
fn successor_key(presented: &str) -> MasterKey {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, presented.as_bytes());
    let tag = aws_lc_rs::hmac::sign(&key, b"hallpass refresh successor v1");
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(tag.as_ref());
    MasterKey::from_bytes(&bytes)
}

pub fn seal_successor(rng: &dyn Rng, presented: &str, successor: &str) -> Vec<u8> {
    successor_key(presented).seal(rng, successor.as_bytes(), SUCCESSOR_CONTEXT)
}

/// `None` when the sealed successor does not open with this token.
pub fn open_successor(presented: &str, sealed: &[u8]) -> Option<String> {
    let plain = successor_key(presented).open(sealed, SUCCESSOR_CONTEXT).ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SecretHash;
    use crate::ids::{FamilyId, SessionId, UserId};
    use crate::rng::SystemRng;
    use crate::store::Successor;

    const NOW: Timestamp = Timestamp(1_000_000);
    const GRACE: Duration = Duration::from_secs(5);

    fn client() -> ClientId {
        ClientId::from_trusted("cli_a".into())
    }

    fn session() -> Session {
        Session {
            id: SessionId::from_trusted("ses_a".into()),
            token_hash: SecretHash::of("s"),
            user_id: UserId::from_trusted("usr_a".into()),
            organization_id: None,
            amr: vec![],
            auth_time: Timestamp(0),
            created_at: Timestamp(0),
            last_active_at: Timestamp(0),
            idle_expires_at: NOW.plus(Duration::from_secs(3600)),
            absolute_expires_at: NOW.plus(Duration::from_secs(7200)),
            ended_at: None,
            end_reason: None,
            user_agent: None,
            ip: None,
        }
    }

    fn current() -> PresentedRefresh {
        PresentedRefresh {
            family: RefreshFamily {
                id: FamilyId::from_trusted("fam_a".into()),
                session_id: SessionId::from_trusted("ses_a".into()),
                client_id: client(),
                user_id: UserId::from_trusted("usr_a".into()),
                scope: "openid".into(),
                organization_id: None,
                resource: None,
                authorization_code_hash: None,
                created_at: Timestamp(0),
                revoked_at: None,
            },
            session: Some(session()),
            expires_at: NOW.plus(Duration::from_secs(60)),
            rotated_at: None,
            successor: None,
        }
    }

    fn replaced(secs_ago: u64, successor_rotated: bool) -> PresentedRefresh {
        PresentedRefresh {
            rotated_at: Some(Timestamp(NOW.0 - secs_ago as i64)),
            successor: Some(Successor {
                sealed: vec![7],
                rotated: successor_rotated,
            }),
            ..current()
        }
    }

    #[test]
    fn a_current_token_rotates_and_a_stranger_is_unknown() {
        assert_eq!(decide(Some(&current()), &client(), NOW, GRACE), Rotation::Rotate);
        assert_eq!(decide(None, &client(), NOW, GRACE), Rotation::Unknown);
        let other = ClientId::from_trusted("cli_b".into());
        assert_eq!(decide(Some(&current()), &other, NOW, GRACE), Rotation::Unknown);
    }

    #[test]
    fn an_ended_session_a_revoked_family_or_an_expired_token_refuses() {
        let mut ended = current();
        ended.session.as_mut().unwrap().ended_at = Some(NOW);
        assert_eq!(decide(Some(&ended), &client(), NOW, GRACE), Rotation::Revoked);
        let gone = PresentedRefresh {
            session: None,
            ..current()
        };
        assert_eq!(decide(Some(&gone), &client(), NOW, GRACE), Rotation::Revoked);
        let mut revoked = current();
        revoked.family.revoked_at = Some(NOW);
        assert_eq!(decide(Some(&revoked), &client(), NOW, GRACE), Rotation::Revoked);
        let expired = PresentedRefresh {
            expires_at: NOW,
            ..current()
        };
        assert_eq!(decide(Some(&expired), &client(), NOW, GRACE), Rotation::Expired);
    }

    #[test]
    fn inside_the_grace_window_the_same_successor_comes_back() {
        assert_eq!(
            decide(Some(&replaced(4, false)), &client(), NOW, GRACE),
            Rotation::Resend(vec![7])
        );
    }

    #[test]
    fn after_the_window_or_on_a_stale_branch_it_is_reuse() {
        assert_eq!(
            decide(Some(&replaced(5, false)), &client(), NOW, GRACE),
            Rotation::Reuse
        );
        assert_eq!(
            decide(Some(&replaced(1, true)), &client(), NOW, GRACE),
            Rotation::Reuse,
            "a token two rotations behind is a stale branch"
        );
        let without_successor = PresentedRefresh {
            successor: None,
            ..replaced(1, false)
        };
        assert_eq!(decide(Some(&without_successor), &client(), NOW, GRACE), Rotation::Reuse);
    }

    #[test]
    fn the_session_is_touched_only_when_its_expiry_moves_a_minute() {
        let s = session();
        assert_eq!(
            touched_idle_expiry(&s, s.idle_expires_at.plus(Duration::from_secs(59))),
            None
        );
        let later = s.idle_expires_at.plus(Duration::from_secs(60));
        assert_eq!(touched_idle_expiry(&s, later), Some(later));
        let far = s.absolute_expires_at.plus(Duration::from_secs(600));
        assert_eq!(touched_idle_expiry(&s, far), Some(s.absolute_expires_at));
    }

    #[test]
    fn only_the_presented_token_opens_its_successor() {
        let sealed = seal_successor(&SystemRng, "hpr_presented", "hpr_next");
        assert_eq!(open_successor("hpr_presented", &sealed).as_deref(), Some("hpr_next"));
        assert_eq!(open_successor("hpr_other", &sealed), None);
    }
}
