//! The admin console: who may open it, finding users by the start of their
//! address, and the overview's counts.

use super::*;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::UserId;

pub async fn console_admins_are_added_once_listed_and_leave_with_their_user(store: S) {
    let ada = user("ada@example.com");
    let bob = user("bob@example.com");
    store.insert_user(&ada).await.unwrap();
    store.insert_user(&bob).await.unwrap();
    assert!(!store.is_console_admin(&ada.id).await.unwrap());
    assert!(store.add_console_admin(&ada.id, T0).await.unwrap());
    assert!(
        !store.add_console_admin(&ada.id, T0.plus(SECOND)).await.unwrap(),
        "adding twice is a no-op"
    );
    assert!(store.add_console_admin(&bob.id, T0.plus(SECOND)).await.unwrap());
    let listed = store.list_console_admins().await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|a| (a.email.as_str(), a.added_at))
            .collect::<Vec<_>>(),
        vec![("ada@example.com", T0), ("bob@example.com", T0.plus(SECOND))]
    );
    let (c, r) = ids();
    let ghost = UserId::generate(&c, &r);
    assert_eq!(store.add_console_admin(&ghost, T0).await, Err(StoreError::NotFound));
    assert!(store.remove_console_admin(&bob.id).await.unwrap());
    assert!(!store.remove_console_admin(&bob.id).await.unwrap());
    assert!(!store.is_console_admin(&bob.id).await.unwrap());
    store.delete_user(&ada.id).await.unwrap();
    assert!(
        store.list_console_admins().await.unwrap().is_empty(),
        "a deleted user is no admin"
    );
}

pub async fn users_are_found_by_the_start_of_their_address_in_order(store: S) {
    for email in [
        "carol@example.com",
        "Ca_rl@example.com",
        "cab@example.com",
        "car@example.com",
        "dave@example.com",
        "ca%t@example.com",
    ] {
        store.insert_user(&user(email)).await.unwrap();
    }
    let found = |users: Vec<User>| {
        users
            .iter()
            .map(|u| u.email.normalized().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found(store.search_users_by_email("car", None, 10).await.unwrap()),
        vec!["car@example.com", "carol@example.com"]
    );
    assert_eq!(
        found(store.search_users_by_email("ca_", None, 10).await.unwrap()),
        vec!["ca_rl@example.com"],
        "pattern characters match only themselves"
    );
    assert_eq!(
        found(store.search_users_by_email("ca%", None, 10).await.unwrap()),
        vec!["ca%t@example.com"]
    );
    let first_page = store.search_users_by_email("ca", None, 2).await.unwrap();
    assert_eq!(found(first_page.clone()), vec!["ca%t@example.com", "ca_rl@example.com"]);
    let last = first_page[1].email.normalized().to_owned();
    assert_eq!(
        found(store.search_users_by_email("ca", Some(&last), 10).await.unwrap()),
        vec!["cab@example.com", "car@example.com", "carol@example.com"]
    );
    assert!(store.search_users_by_email("zed", None, 10).await.unwrap().is_empty());
    assert_eq!(store.search_users_by_email("", None, 10).await.unwrap().len(), 6);
}

pub async fn console_counts_count_sign_ins_since_a_time(store: S) {
    store.insert_user(&user("ada@example.com")).await.unwrap();
    store.insert_organization(&organization("acme")).await.unwrap();
    store.insert_client(&client(), None).await.unwrap();
    for (kind, at) in [
        ("user.signed_in", T0),
        ("user.signed_in", T0.plus(MINUTE)),
        ("user.signed_in", Timestamp(T0.0 - 100)),
        ("session.revoked", T0.plus(MINUTE)),
    ] {
        let event = NewAuditEvent {
            at,
            kind: kind.into(),
            actor: None,
            user_id: None,
            ip: None,
            user_agent: None,
            details: json!({}),
        };
        store.append_audit_event(&event).await.unwrap();
    }
    let counts = store.console_counts(T0).await.unwrap();
    assert_eq!(
        counts,
        ConsoleCounts {
            users: 1,
            organizations: 1,
            applications: 1,
            sign_ins: 2
        }
    );
}
