//! Connections to upstream identity providers and the identities users hold there.

use super::*;
use hallpass_core::ids::ConnectionId;

fn connection(org: Option<&hallpass_core::ids::OrgId>, domains: &[&str]) -> Connection {
    Connection {
        id: ConnectionId::generate(&clock(), &SystemRng),
        kind: ConnectionKind::Oidc,
        organization_id: org.cloned(),
        name: "Acme IdP".into(),
        domains: domains.iter().map(|d| d.to_string()).collect(),
        enabled: true,
        sso_required: false,
        config: json!({ "issuer": "https://idp.acme.test", "client_id": "hallpass" }),
        sealed_secrets: Some(vec![1, 2, 3]),
        created_at: T0,
        updated_at: T0,
    }
}

pub async fn connections_claim_domains_once_and_link_identities(store: S) {
    let acme = organization("acme");
    let globex = organization("globex");
    store.insert_organization(&acme).await.unwrap();
    store.insert_organization(&globex).await.unwrap();

    let mut first = connection(Some(&acme.id), &["acme.test", "acme.example"]);
    store.insert_connection(&first).await.unwrap();
    first.domains.sort();
    assert_eq!(store.get_connection(&first.id).await.unwrap(), Some(first.clone()));

    // A domain another connection claims refuses the whole insert.
    let clash = connection(Some(&globex.id), &["globex.test", "acme.test"]);
    assert_eq!(
        store.insert_connection(&clash).await,
        Err(StoreError::Conflict("domains"))
    );
    assert_eq!(
        store.get_connection(&clash.id).await.unwrap(),
        None,
        "nothing half-inserted"
    );
    assert_eq!(store.find_connection_by_domain("globex.test").await.unwrap(), None);

    let social = connection(None, &[]);
    store.insert_connection(&social).await.unwrap();
    assert_eq!(store.list_connections(None).await.unwrap(), vec![social.clone()]);
    assert_eq!(
        store.list_connections(Some(&acme.id)).await.unwrap(),
        vec![first.clone()]
    );
    assert_eq!(store.list_connections(Some(&globex.id)).await.unwrap(), vec![]);
    assert_eq!(store.list_all_connections().await.unwrap().len(), 2);
    assert_eq!(
        store
            .find_connection_by_domain("acme.example")
            .await
            .unwrap()
            .map(|c| c.id),
        Some(first.id.clone())
    );

    // An update replaces the domains; a refused one changes nothing.
    let mut renamed = first.clone();
    renamed.name = "Acme Okta".into();
    renamed.domains = vec!["acme.test".into()];
    renamed.sso_required = true;
    renamed.config = json!({ "issuer": "https://okta.acme.test" });
    renamed.sealed_secrets = None;
    store.update_connection(&renamed).await.unwrap();
    assert_eq!(store.get_connection(&first.id).await.unwrap(), Some(renamed.clone()));
    assert_eq!(store.find_connection_by_domain("acme.example").await.unwrap(), None);
    let mut other = connection(Some(&globex.id), &["globex.test"]);
    store.insert_connection(&other).await.unwrap();
    other.domains.push("acme.test".into());
    assert_eq!(
        store.update_connection(&other).await,
        Err(StoreError::Conflict("domains"))
    );
    assert_eq!(
        store.get_connection(&other.id).await.unwrap().unwrap().domains,
        vec!["globex.test".to_string()]
    );
    let mut ghost = connection(None, &[]);
    ghost.name = "ghost".into();
    assert_eq!(store.update_connection(&ghost).await, Err(StoreError::NotFound));

    // Identities: one user per (connection, subject).
    let ada = user("ada@acme.test");
    store.insert_user(&ada).await.unwrap();
    let identity = UserIdentity {
        connection_id: first.id.clone(),
        subject: "00u1".into(),
        user_id: ada.id.clone(),
        created_at: T0,
    };
    store.link_identity(&identity).await.unwrap();
    assert_eq!(
        store.link_identity(&identity).await,
        Err(StoreError::Conflict("identity"))
    );
    assert_eq!(
        store.find_identity(&first.id, "00u1").await.unwrap(),
        Some(identity.clone())
    );
    assert_eq!(
        store.find_identity(&social.id, "00u1").await.unwrap(),
        None,
        "per connection"
    );

    // Deleting the connection takes its domains and identities along.
    assert!(store.delete_connection(&first.id).await.unwrap());
    assert!(!store.delete_connection(&first.id).await.unwrap());
    assert_eq!(store.find_identity(&first.id, "00u1").await.unwrap(), None);
    assert_eq!(store.find_connection_by_domain("acme.test").await.unwrap(), None);
    let again = connection(Some(&globex.id), &["acme.test"]);
    store.insert_connection(&again).await.unwrap();
}
