//! The audit trail.

use super::*;

pub async fn audit_events_filter_newest_first(store: S) {
    for (i, kind) in ["user.signed_in", "user.signed_in", "session.revoked"]
        .iter()
        .enumerate()
    {
        let event = NewAuditEvent {
            at: T0.plus(SECOND * u32::try_from(i).unwrap()),
            kind: kind.to_string(),
            actor: Some("usr_x".into()),
            user_id: Some(if i == 2 { "usr_b".into() } else { "usr_a".into() }),
            ip: Some("127.0.0.1".into()),
            user_agent: None,
            details: json!({"i": i}),
        };
        store.append_audit_event(&event).await.unwrap();
    }
    let all = store
        .list_audit_events(&AuditFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert!(all[0].id > all[1].id, "newest first");
    let signed_in = AuditFilter {
        kind: Some("user.signed_in".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.list_audit_events(&signed_in).await.unwrap().len(), 2);
    let of_b = AuditFilter {
        user_id: Some("usr_b".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        store.list_audit_events(&of_b).await.unwrap()[0].event.details,
        json!({"i": 2})
    );
    let window = AuditFilter {
        since: Some(T0.plus(SECOND)),
        until: Some(T0.plus(SECOND * 2)),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.list_audit_events(&window).await.unwrap().len(), 1);
    let page = AuditFilter {
        before_id: Some(all[0].id),
        limit: 1,
        ..Default::default()
    };
    assert_eq!(store.list_audit_events(&page).await.unwrap()[0].id, all[1].id);
}
